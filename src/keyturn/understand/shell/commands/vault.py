"""HashiCorp Vault (``vault``), and ``bao`` of its fork OpenBao, which speaks the same API and
gets the same names. What the three key-value tools share is in :mod:`._kv_store`.

Names (decided here): ``vault:<path>``: the API path (``vault read secret/data/prod/db`` is
``vault:secret/data/prod/db``); ``vault kv`` paths as the user writes them, with the mount
(``vault kv get -mount=secret prod/db`` and ``vault kv get secret/prod/db`` are both
``vault:secret/prod/db``). An API path through a KV v2 endpoint (``data``, ``metadata``,
``delete``, ``destroy``...) also carries the secret's ``vault kv`` name, so a pattern written for
one spelling holds for the other (the first word is taken as the mount). Management commands
name their API paths: ``sys/mounts/<path>``, ``sys/auth/<path>``, ``sys/audit/<path>``,
``sys/policies/acl/<name>``, ``sys/leases/<lease>``, ``sys/seal``, ``sys/seal-status``; tokens
are ``auth/token/self``, ``auth/token/accessors/<accessor>`` or ``auth/token/*`` (a token given
on the line is a secret: it is not put in a name). A namespace (``-namespace``/``-ns``/
``VAULT_NAMESPACE``) adds ``vault:<namespace>/<path>``; the server (``-address``/``VAULT_ADDR``)
adds ``vault:<host>/<path>``.

Kinds: writing is an update (``vault kv put -cas=0`` only creates); enabling a secrets engine,
an auth method or an audit device, and issuing a token, create. ``vault kv delete`` soft-deletes
the latest version (``kv undelete`` restores it), ``kv destroy`` and ``kv metadata delete``
delete for good and say ``permanent``; disabling a secrets engine or an auth method deletes the
mount and everything under it (``vault:sys/mounts/secret`` and ``vault:secret/*``), the raw
``vault delete sys/mounts/...`` alike; disabling an audit device deletes it, and the detail says
the audit trail goes. Revoking tokens and leases deletes them. ``vault operator seal`` is an
update that says ``disruptive``. ``vault login`` updates the local token (``~/.vault-token``).
``-output-curl-string``, ``-output-policy`` and help only print.

Unknown on purpose: ``vault operator`` besides ``seal`` (unseal, init, rekey, raft...: they hold
or remake the keys), plugin, PKI, transit and other commands, named ``vault:*`` (and by
namespace and server) and placed as the server is (:func:`._server_target.not_understood`).
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kv_store import (
    PRINTS_ONLY,
    Meaning,
    StoreCall,
    clean_path,
    first_path,
    fixed,
    go_style,
    meaning_of,
    named_in,
    prints_version,
    server_hosts,
)
from keyturn.understand.shell.commands._server_target import not_understood
from keyturn.understand.shell.effects import command_effect, file_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind


_VAULT = OptionSpec(
    long={"ns": "namespace", "f": "force"},
    long_valued=frozenset({"address", "agent-address", "ca-cert", "ca-path", "client-cert"})
    | frozenset({"client-key", "namespace", "tls-server-name", "wrap-ttl", "mfa", "header"})
    | frozenset({"policy-override", "format", "field", "mount", "version", "versions", "cas"})
    | frozenset({"method", "max-versions", "delete-version-after", "custom-metadata", "path"})
    | frozenset({"description", "default-lease-ttl", "max-lease-ttl", "listing-visibility"})
    | frozenset({"audit-non-hmac-request-keys", "audit-non-hmac-response-keys", "options"})
    | frozenset({"passthrough-request-headers", "allowed-response-headers", "plugin-name"})
    | frozenset({"plugin-version", "token-type", "id", "display-name", "ttl", "period"})
    | frozenset({"explicit-max-ttl", "policy", "role", "use-limit", "entity-alias", "type"})
    | frozenset({"metadata", "mode", "increment", "log-level", "unlock-key"}),
)

_SEAL = "disruptive: seals the server: it serves no secret until unsealed"
_SOFT_DELETE = "soft delete of the latest version (or -versions); kv undelete restores it"
_DESTROY = "permanent: destroys the data of the versions given"
_EVERY_VERSION = "permanent: every version of the secret and its metadata"
# The KV v2 engine's API puts an endpoint after the mount: ``secret/data/prod/db`` is the
# secret ``vault kv`` calls ``secret/prod/db``.
_KV2_ENDPOINTS = frozenset({"data", "metadata", "delete", "undelete", "destroy", "subkeys"})
_KV2_DELETES = {"data": _SOFT_DELETE, "metadata": _EVERY_VERSION}  # by ``vault delete``
_KV2_WRITE_DELETES = {"delete": _SOFT_DELETE, "destroy": _DESTROY}  # by ``vault write``
# Deleting these API paths takes more with it: prefix -> (the tree also gone, detail).
_SYS_DELETES = {
    "sys/mounts/": (
        "{}/*",
        "permanent: unmounts the secrets engine {} and deletes every secret under it",
    ),
    "sys/auth/": (
        "auth/{}/*",
        "permanent: disables the auth method {}: its roles go and its tokens are revoked",
    ),
    "sys/audit/": ("", "switches off the audit device {}: the audit trail it kept stops"),
}


def _vault_setting(cmd: SimpleCommand, ctx: ShellContext, suffix: str) -> str | None:
    """``VAULT_<suffix>`` (``VAULT_ADDR``); OpenBao's ``bao`` reads ``BAO_<suffix>`` first."""
    for prefix in ("BAO_", "VAULT_") if cmd.name == "bao" else ("VAULT_",):
        value = setting(cmd, ctx.env, prefix + suffix)
        if value:
            return value
    return None


def _kv2(path: str) -> tuple[str, str]:
    """The KV v2 endpoint of an API path and the secret it is about (``secret/data/prod/db``
    -> ``("data", "secret/prod/db")``), or ``("", "")``."""
    mount, _, rest = path.partition("/")
    endpoint, _, secret = rest.partition("/")
    return (endpoint, f"{mount}/{secret}") if endpoint in _KV2_ENDPOINTS and secret else ("", "")


def _api_paths(path: str) -> list[str]:
    """An API path, and the secret's ``vault kv`` name when it goes through a KV v2 endpoint."""
    secret = _kv2(path)[1]
    return [path, secret] if secret else [path]


def _deletion(call: StoreCall, path: str) -> Effect:
    """Deleting the API path ``path``: a mount, an auth method or an audit device takes what
    is under it; a KV v2 endpoint deletes versions of the secret."""
    for prefix, (tree, detail) in _SYS_DELETES.items():
        name = path.removeprefix(prefix)
        if name != path and name:
            gone = [path, tree.format(name)] if tree else [path]
            return call.effect(_E.DELETE, gone, detail.format(name))
    endpoint = _kv2(path)[0]
    detail = f"on a KV v2 mount, {_KV2_DELETES[endpoint]}" if endpoint in _KV2_DELETES else ""
    return call.effect(_E.DELETE, _api_paths(path), detail)


def _vault_read(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    path = first_path(words)
    return [call.effect(_E.READ, _api_paths(path))] if path else None


def _vault_write(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``vault write``/``patch PATH``: an update; writing a KV v2 ``delete``/``destroy``
    endpoint deletes versions, writing ``sys/seal`` seals the server."""
    path = first_path(words)
    endpoint = _kv2(path)[0]
    if endpoint in _KV2_WRITE_DELETES:
        detail = f"on a KV v2 mount, {_KV2_WRITE_DELETES[endpoint]}"
        return [call.effect(_E.DELETE, _api_paths(path), detail)]
    if path == "sys/seal":
        return [call.effect(_E.UPDATE, [path], _SEAL)]
    return [call.effect(_E.UPDATE, _api_paths(path))] if path else None


def _vault_delete(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    path = first_path(words)
    return [_deletion(call, path)] if path else None


def _removing(folder: str) -> Meaning:
    """A delete of ``<folder>/<first operand>`` (``secrets disable PATH``), as the raw
    ``vault delete`` of that API path."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        named = first_path(words)
        return [_deletion(call, f"{folder}/{named}")] if named else None

    return meaning


def _kv(kind: EffectKind, detail: str = "") -> Meaning:
    """A ``vault kv`` command on the secret ``-mount``/the first operand names."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        mount, path = clean_path(opts.value("mount") or ""), first_path(words)
        secret = f"{mount}/{path}".strip("/") if mount else path
        if not secret:
            return None
        if kind is _E.UPDATE and opts.value("cas") == "0":
            return [call.effect(_E.CREATE, [secret], "creates it (-cas=0: only if absent)")]
        versions = opts.value("versions")
        notes = f"{detail}; versions {versions}" if versions else detail
        return [call.effect(kind, [secret], notes)]

    return meaning


def _token_paths(opts: Options, words: Sequence[str]) -> list[str]:
    """The token a command is about; a token given on the line is a secret, not named."""
    if not words or opts.has("self"):
        return ["auth/token/self"]
    if opts.has("accessor"):
        return [f"auth/token/accessors/{words[0]}"]
    return ["auth/token/*"]


def _token_lookup(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    return [call.effect(_E.READ, _token_paths(opts, words))]


def _token_create(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    role = opts.value("role")
    path = f"auth/token/create/{role}" if role else "auth/token/create"
    return [call.effect(_E.CREATE, [path], "issues a new token")]


_REVOKE_MODES = {
    "": "revokes the token and every token created from it",
    "orphan": "revokes the token; the tokens created from it stay",
    "path": "revokes every token issued under the path",
}


def _token_revoke(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    mode, under = opts.value("mode") or "", first_path(words)
    if mode not in _REVOKE_MODES or (mode == "path" and not under):
        return None
    paths = [f"{under}/*"] if mode == "path" else _token_paths(opts, words)
    return [call.effect(_E.DELETE, paths, _REVOKE_MODES[mode])]


def _lease(kind: EffectKind, detail: str = "") -> Meaning:
    """``vault lease VERB ID``: the lease, and the secret path its ID starts with (a lease on
    ``database/creds/prod`` is named by that path too)."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        lease = first_path(words)
        if not lease:
            return None
        star = "*" if opts.has("prefix") else ""
        notes = [detail, "every lease under the prefix" if star else ""]
        notes.append("-force: forgotten even where revoking fails" if opts.has("force") else "")
        paths = [f"sys/leases/{lease}{star}", f"{lease}{star}"]
        return [call.effect(kind, paths, "; ".join(n for n in notes if n))]

    return meaning


def _login(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    # The default token helper keeps the token in ~/.vault-token (OpenBao's too).
    token = f"{call.ctx.home.rstrip('/')}/.vault-token"
    detail = "logs in: the token the commands that follow use"
    return [file_effect(_E.UPDATE, [token], call.cmd, call.ctx, detail=detail, service="vault")]


_VAULT_MEANINGS: dict[str, Meaning] = {
    "read": _vault_read,
    "list": _vault_read,
    "write": _vault_write,
    "patch": _vault_write,
    "delete": _vault_delete,
    "kv get": _kv(_E.READ),
    "kv list": _kv(_E.READ),
    "kv metadata get": _kv(_E.READ),
    "kv put": _kv(_E.UPDATE, "writes a new version"),
    "kv patch": _kv(_E.UPDATE, "changes fields of the latest version"),
    "kv rollback": _kv(_E.UPDATE, "writes an earlier version again as the latest"),
    "kv undelete": _kv(_E.UPDATE, "restores soft-deleted versions"),
    "kv metadata put": _kv(_E.UPDATE, "changes the secret's settings"),
    "kv metadata patch": _kv(_E.UPDATE, "changes the secret's settings"),
    "kv delete": _kv(_E.DELETE, _SOFT_DELETE + " (on a KV v1 mount: permanent)"),
    "kv destroy": _kv(_E.DELETE, _DESTROY),
    "kv metadata delete": _kv(_E.DELETE, _EVERY_VERSION),
    "status": fixed(_E.READ, "sys/seal-status"),
    "version": prints_version,
    "login": _login,
    "operator seal": fixed(_E.UPDATE, "sys/seal", _SEAL),
    "token lookup": _token_lookup,
    "token create": _token_create,
    "token revoke": _token_revoke,
    "lease lookup": _lease(_E.READ),
    "lease renew": _lease(_E.UPDATE, "extends the lease"),
    "lease revoke": _lease(_E.DELETE, "revokes the lease: the credential stops working"),
    "secrets list": fixed(_E.READ, "sys/mounts"),
    "secrets enable": named_in("sys/mounts", _E.CREATE, "enables a secrets engine"),
    "secrets tune": named_in("sys/mounts", _E.UPDATE, "changes the engine's settings"),
    "secrets disable": _removing("sys/mounts"),
    "auth list": fixed(_E.READ, "sys/auth"),
    "auth enable": named_in("sys/auth", _E.CREATE, "enables an auth method"),
    "auth tune": named_in("sys/auth", _E.UPDATE, "changes the auth method's settings"),
    "auth disable": _removing("sys/auth"),
    "audit list": fixed(_E.READ, "sys/audit"),
    "audit enable": named_in("sys/audit", _E.CREATE, "enables an audit device"),
    "audit disable": _removing("sys/audit"),
    "policy list": fixed(_E.READ, "sys/policies/acl"),
    "policy read": named_in("sys/policies/acl", _E.READ),
    "policy write": named_in("sys/policies/acl", _E.UPDATE, "writes the policy: who may do what"),
    "policy delete": _removing("sys/policies/acl"),
}


@command("vault", "bao")
def vault(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Vault's (and OpenBao's) commands, as the module docstring says."""
    opts = parse_options(go_style(cmd.args), _VAULT)
    if opts.has("h", "help", "output-curl-string", "output-policy"):
        return [command_effect(_E.READ, cmd, ctx, detail=PRINTS_ONLY)]
    call = StoreCall(
        cmd,
        ctx,
        "vault",
        hosts=server_hosts(opts.value("address") or _vault_setting(cmd, ctx, "ADDR")),
        namespace=clean_path(
            opts.value("namespace") or _vault_setting(cmd, ctx, "NAMESPACE") or ""
        ),
    )
    found = meaning_of(call, opts, opts.operands, _VAULT_MEANINGS)
    return found if found is not None else not_understood(call)
