"""Secret stores and key-value stores: HashiCorp Vault (``vault``, and ``bao`` of its fork
OpenBao, which speaks the same API and gets the same names), Consul (``consul``) and etcd
(``etcdctl``, API v3).

Names (decided here):
- ``vault:<path>``: the API path (``vault read secret/data/prod/db`` is
  ``vault:secret/data/prod/db``); ``vault kv`` paths as the user writes them, with the mount
  (``vault kv get -mount=secret prod/db`` and ``vault kv get secret/prod/db`` are both
  ``vault:secret/prod/db``). An API path through a KV v2 endpoint (``data``, ``metadata``,
  ``delete``, ``destroy``...) also carries the secret's ``vault kv`` name, so a pattern written
  for one spelling holds for the other (the first word is taken as the mount). Management
  commands name their API paths: ``sys/mounts/<path>``, ``sys/auth/<path>``,
  ``sys/audit/<path>``, ``sys/policies/acl/<name>``, ``sys/leases/<lease>``, ``sys/seal``,
  ``sys/seal-status``; tokens are ``auth/token/self``, ``auth/token/accessors/<accessor>`` or
  ``auth/token/*`` (a token given on the line is a secret: it is not put in a name). A namespace
  (``-namespace``/``-ns``/``VAULT_NAMESPACE``) adds ``vault:<namespace>/<path>``.
- ``consul:kv/<key>`` (``-recurse`` and ``-keys``: ``consul:kv/<prefix>*``), ``consul:agent``,
  ``consul:members``, ``consul:catalog``, ``consul:service/<id>``, ``consul:*`` (everything).
- ``etcd:<key>`` as written (``--prefix``: ``etcd:<key>*``; ``del "" --prefix`` is ``etcd:*``;
  a range or ``--from-key`` is ``etcd:*``), ``etcd:member/<id>``, ``etcd:user/<name>``,
  ``etcd:role/<name>``, ``etcd:lease/*``, ``etcd:auth``.
- The server, when named (``-address``/``VAULT_ADDR``, ``-http-addr``/``CONSUL_HTTP_ADDR``,
  ``--endpoints``/``ETCDCTL_ENDPOINTS``), adds a name per host: ``vault:<host>/<path>``,
  ``consul:<host>/kv/<key>``, ``etcd:<host>/<key>``, so that ``*prod*`` tells the environment by
  server. The port and scheme are left out.

Kinds: reading, listing and looking up read; writing is an update (``vault kv put -cas=0``
only creates); enabling a secrets engine, an auth method or an audit device, and issuing a
token, create. ``vault kv delete`` soft-deletes the latest version (``kv undelete`` restores it),
``kv destroy`` and ``kv metadata delete`` delete for good and say ``permanent``; disabling a
secrets engine or an auth method deletes the mount and everything under it
(``vault:sys/mounts/secret`` and ``vault:secret/*``), the raw ``vault delete sys/mounts/...``
alike; disabling an audit device deletes it, and the detail says the audit trail goes.
Revoking tokens and leases deletes them. ``vault operator seal``, ``consul leave`` and
``etcdctl defrag`` are updates that say ``disruptive``; ``consul snapshot restore`` and
``etcdctl snapshot restore`` replace everything; ``etcdctl auth disable`` removes protection.
``vault login`` updates the local token (``~/.vault-token``). ``-output-curl-string``,
``-output-policy`` and help only print. ``etcdctl lock NAME CMD`` judges CMD as a command line.
A path decided at run time makes a change unknown, as for files.

Unknown on purpose (``None``): ``vault operator`` besides ``seal`` (unseal, init, rekey,
raft...: they hold or remake the keys), plugin, PKI, transit and other commands; ``consul``
ACL, intention, connect, config and the rest; ``etcdctl`` member add/update, alarm, move-leader,
downgrade, snapshot save and the rest; any form without the operand it needs.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.effects import (
    command_effect,
    file_effect,
    local_target,
    unknown_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
# Kinds that change what exists: on a name decided at run time they are unknown.
_CHANGES = frozenset({_E.CREATE, _E.UPDATE, _E.DELETE, _E.REPLACE})


@dataclass(frozen=True, slots=True)
class _Call:
    """One invocation being understood: ``service`` is also the names' scheme (``vault``);
    ``hosts`` the servers named on the line or in the environment."""

    cmd: SimpleCommand
    ctx: ShellContext
    service: str
    hosts: tuple[str, ...] = ()
    namespace: str = ""
    operation: str = ""

    def effect(
        self,
        kind: EffectKind,
        paths: Sequence[str],
        detail: str = "",
        *,
        removes_protection: bool = False,
    ) -> Effect:
        """An effect on ``<service>:<path>`` for each path, also named by namespace and host."""
        rooted = [f"{self.namespace}/{p}" for p in paths] if self.namespace else []
        served = [f"{h}/{p}" for h in self.hosts for p in rooted or paths]
        notes = [detail]
        if kind in _CHANGES and _run_time(self.cmd, paths):
            kind = _E.UNKNOWN
            notes.append("which one is decided at run time")
        names = (f"{self.service}:{n}" for n in (*paths, *rooted, *served))
        return Effect(
            effect=kind,
            resource=Resource(tuple(dict.fromkeys(names)), type=self.service),
            target=local_target(self.ctx),
            service=self.service,
            command=self.cmd.text or None,
            operation=self.operation or self.cmd.name,
            removes_protection=removes_protection,
            detail="; ".join(n for n in notes if n),
        )


# What a command means, from the operands after its verb words.
Meaning = Callable[[_Call, Options, Sequence[str]], "list[Effect] | None"]


def _meaning_of(
    call: _Call, opts: Options, words: Sequence[str], meanings: Mapping[str, Meaning]
) -> list[Effect] | None:
    """The meaning of the longest run of verb words (``kv metadata delete``, ``kv get``,
    ``read``) found in ``meanings``, given the operands after them."""
    for n in (3, 2, 1):
        verbs = " ".join(words[:n])
        meaning = meanings.get(verbs) if len(words) >= n else None
        if meaning is not None:
            return meaning(evolve(call, operation=f"{call.cmd.name} {verbs}"), opts, words[n:])
    return None


def _run_time(cmd: SimpleCommand, paths: Sequence[str]) -> bool:
    """Whether a path holds a word decided at run time (the server's address does not count:
    the path is still known)."""
    argv = cmd.argv
    words = [argv[i].strip("/") for i in cmd.dynamic_words if 0 < i < len(argv)]
    return any(w and w in p for w in words for p in paths)


def _go_style(args: Sequence[str]) -> tuple[str, ...]:
    """Go's ``flag`` package spells a long option with one dash or two (``-address=x``,
    ``--address x``) and has no letter clusters: spelled with two, :func:`parse_options` reads
    them as long options."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            return (*out, *args[i:])
        single = arg.startswith("-") and not arg.startswith("--") and len(arg) > 1
        out.append("-" + arg if single else arg)
    return tuple(out)


def _hosts(addresses: str | None) -> tuple[str, ...]:
    """The host names in a server address or a comma-separated list of them
    (``https://vault.prod.example:8200``, ``10.0.0.1:2379``)."""
    found: list[str] = []
    for address in (addresses or "").split(","):
        address = address.strip()
        try:  # urlsplit refuses a malformed IPv6 literal
            host = urlsplit(address if "://" in address else "//" + address).hostname
        except ValueError:
            continue
        if host:
            found.append(host)
    return tuple(dict.fromkeys(found))


def _clean(path: str) -> str:
    """A Vault path without its leading and trailing slashes (``secret/`` is ``secret``)."""
    return path.strip("/")


def _first(words: Sequence[str]) -> str:
    return _clean(words[0]) if words else ""


def _every(prefix: str) -> str:
    return f"every key starting with {prefix!r}" if prefix else "every key"


def _fixed(
    kind: EffectKind, path: str, detail: str = "", *, removes_protection: bool = False
) -> Meaning:
    """A meaning that does not depend on the operands."""

    def meaning(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [path], detail, removes_protection=removes_protection)]

    return meaning


def _in(folder: str, kind: EffectKind, detail: str = "") -> Meaning:
    """A meaning on ``<folder>/<name>``: the name is ``-path`` (``secrets enable -path=kv2
    kv``) or the first operand (``policy read NAME``, ``member remove ID``)."""

    def meaning(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        named = _clean(opts.value("path") or "") or _first(words)
        return [call.effect(kind, [f"{folder}/{named}"], detail)] if named else None

    return meaning


def _version(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    return [command_effect(_E.READ, call.cmd, call.ctx, detail="prints the version")]


def _nested(call: _Call, words: Sequence[str]) -> list[Effect]:
    """The command line a tool runs (``etcdctl lock NAME CMD...``), judged as one."""
    if call.ctx.understand_nested is None:
        return [unknown_effect(call.cmd, "runs a command not judged here", call.ctx)]
    return call.ctx.understand_nested(shlex.join(words))


_PRINTS_ONLY = "only prints (help, or the request it would send): changes nothing"


# --- vault -------------------------------------------------------------------------------------

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


def _deletion(call: _Call, path: str) -> Effect:
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


def _vault_read(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    path = _first(words)
    return [call.effect(_E.READ, _api_paths(path))] if path else None


def _vault_write(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``vault write``/``patch PATH``: an update; writing a KV v2 ``delete``/``destroy``
    endpoint deletes versions, writing ``sys/seal`` seals the server."""
    path = _first(words)
    endpoint = _kv2(path)[0]
    if endpoint in _KV2_WRITE_DELETES:
        detail = f"on a KV v2 mount, {_KV2_WRITE_DELETES[endpoint]}"
        return [call.effect(_E.DELETE, _api_paths(path), detail)]
    if path == "sys/seal":
        return [call.effect(_E.UPDATE, [path], _SEAL)]
    return [call.effect(_E.UPDATE, _api_paths(path))] if path else None


def _vault_delete(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    path = _first(words)
    return [_deletion(call, path)] if path else None


def _removing(folder: str) -> Meaning:
    """A delete of ``<folder>/<first operand>`` (``secrets disable PATH``), as the raw
    ``vault delete`` of that API path."""

    def meaning(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        named = _first(words)
        return [_deletion(call, f"{folder}/{named}")] if named else None

    return meaning


def _kv(kind: EffectKind, detail: str = "") -> Meaning:
    """A ``vault kv`` command on the secret ``-mount``/the first operand names."""

    def meaning(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        mount, path = _clean(opts.value("mount") or ""), _first(words)
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


def _token_lookup(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    return [call.effect(_E.READ, _token_paths(opts, words))]


def _token_create(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    role = opts.value("role")
    path = f"auth/token/create/{role}" if role else "auth/token/create"
    return [call.effect(_E.CREATE, [path], "issues a new token")]


_REVOKE_MODES = {
    "": "revokes the token and every token created from it",
    "orphan": "revokes the token; the tokens created from it stay",
    "path": "revokes every token issued under the path",
}


def _token_revoke(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    mode, under = opts.value("mode") or "", _first(words)
    if mode not in _REVOKE_MODES or (mode == "path" and not under):
        return None
    paths = [f"{under}/*"] if mode == "path" else _token_paths(opts, words)
    return [call.effect(_E.DELETE, paths, _REVOKE_MODES[mode])]


def _lease(kind: EffectKind, detail: str = "") -> Meaning:
    """``vault lease VERB ID``: the lease, and the secret path its ID starts with (a lease on
    ``database/creds/prod`` is named by that path too)."""

    def meaning(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        lease = _first(words)
        if not lease:
            return None
        star = "*" if opts.has("prefix") else ""
        notes = [detail, "every lease under the prefix" if star else ""]
        notes.append("-force: forgotten even where revoking fails" if opts.has("force") else "")
        paths = [f"sys/leases/{lease}{star}", f"{lease}{star}"]
        return [call.effect(kind, paths, "; ".join(n for n in notes if n))]

    return meaning


def _login(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
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
    "status": _fixed(_E.READ, "sys/seal-status"),
    "version": _version,
    "login": _login,
    "operator seal": _fixed(_E.UPDATE, "sys/seal", _SEAL),
    "token lookup": _token_lookup,
    "token create": _token_create,
    "token revoke": _token_revoke,
    "lease lookup": _lease(_E.READ),
    "lease renew": _lease(_E.UPDATE, "extends the lease"),
    "lease revoke": _lease(_E.DELETE, "revokes the lease: the credential stops working"),
    "secrets list": _fixed(_E.READ, "sys/mounts"),
    "secrets enable": _in("sys/mounts", _E.CREATE, "enables a secrets engine"),
    "secrets tune": _in("sys/mounts", _E.UPDATE, "changes the engine's settings"),
    "secrets disable": _removing("sys/mounts"),
    "auth list": _fixed(_E.READ, "sys/auth"),
    "auth enable": _in("sys/auth", _E.CREATE, "enables an auth method"),
    "auth tune": _in("sys/auth", _E.UPDATE, "changes the auth method's settings"),
    "auth disable": _removing("sys/auth"),
    "audit list": _fixed(_E.READ, "sys/audit"),
    "audit enable": _in("sys/audit", _E.CREATE, "enables an audit device"),
    "audit disable": _removing("sys/audit"),
    "policy list": _fixed(_E.READ, "sys/policies/acl"),
    "policy read": _in("sys/policies/acl", _E.READ),
    "policy write": _in("sys/policies/acl", _E.UPDATE, "writes the policy: who may do what"),
    "policy delete": _removing("sys/policies/acl"),
}


@command("vault", "bao")
def vault(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Vault's (and OpenBao's) commands, as the module docstring says."""
    opts = parse_options(_go_style(cmd.args), _VAULT)
    if opts.has("h", "help", "output-curl-string", "output-policy"):
        return [command_effect(_E.READ, cmd, ctx, detail=_PRINTS_ONLY)]
    call = _Call(
        cmd,
        ctx,
        "vault",
        hosts=_hosts(opts.value("address") or _vault_setting(cmd, ctx, "ADDR")),
        namespace=_clean(opts.value("namespace") or _vault_setting(cmd, ctx, "NAMESPACE") or ""),
    )
    return _meaning_of(call, opts, opts.operands, _VAULT_MEANINGS)


# --- consul ------------------------------------------------------------------------------------

_CONSUL = OptionSpec(
    long_valued=frozenset({"http-addr", "token", "token-file", "ca-file", "ca-path", "id"})
    | frozenset({"client-cert", "client-key", "tls-server-name", "datacenter", "namespace"})
    | frozenset({"partition", "peer", "session", "modify-index", "flags", "separator"})
    | frozenset({"prefix", "format", "node", "service", "node-meta", "filter", "near"})
    | frozenset({"segment", "status", "tag", "reason"}),
)


def _consul_kv(kind: EffectKind, detail: str = "", *, whole: bool = False) -> Meaning:
    """``consul kv VERB KEY``: one key, or with ``-recurse``/``-keys`` (and ``export``) every
    key starting with it."""

    def meaning(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        key = words[0].lstrip("/") if words else ""
        if whole or opts.has("recurse", "keys"):
            return [call.effect(kind, [f"kv/{key}*"], _every(key))]
        return [call.effect(kind, [f"kv/{key}"], detail)] if key else None

    return meaning


def _consul_import(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    prefix = (opts.value("prefix") or "").lstrip("/")
    detail = f"writes the keys of the data given (not read here), under {prefix or 'the root'}"
    return [call.effect(_E.UPDATE, [f"kv/{prefix}*"], detail)]


def _deregister(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    service = opts.value("id")
    if service:
        return [call.effect(_E.DELETE, [f"service/{service}"])]
    detail = f"the services defined in {' '.join(words) or '?'} (not read here)"
    return [call.effect(_E.DELETE, ["service/*"], detail)]


_CONSUL_MEANINGS: dict[str, Meaning] = {
    "kv get": _consul_kv(_E.READ),
    "kv export": _consul_kv(_E.READ, whole=True),
    "kv put": _consul_kv(_E.UPDATE),
    "kv import": _consul_import,
    "kv delete": _consul_kv(_E.DELETE),
    "members": _fixed(_E.READ, "members"),
    "info": _fixed(_E.READ, "agent"),
    "catalog": _fixed(_E.READ, "catalog"),
    "version": _version,
    "services deregister": _deregister,
    "leave": _fixed(_E.UPDATE, "agent", "disruptive: the agent leaves the cluster and stops"),
    "snapshot restore": _fixed(
        _E.REPLACE, "*", "replaces the whole state (keys, catalog, ACLs) with the snapshot's"
    ),
}


@command("consul")
def consul(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Consul's commands, as the module docstring says."""
    opts = parse_options(_go_style(cmd.args), _CONSUL)
    if opts.has("h", "help"):
        return [command_effect(_E.READ, cmd, ctx, detail=_PRINTS_ONLY)]
    address = opts.value("http-addr") or setting(cmd, ctx.env, "CONSUL_HTTP_ADDR")
    call = _Call(cmd, ctx, "consul", hosts=_hosts(address))
    return _meaning_of(call, opts, opts.operands, _CONSUL_MEANINGS)


# --- etcdctl -----------------------------------------------------------------------------------

_ETCD = OptionSpec(
    valued="wd",
    long={"write-out": "w", "discovery-srv": "d", "interactive": "i", "listen": "l"},
    long_valued=frozenset({"w", "d", "endpoints", "user", "password", "cacert", "cert", "key"})
    | frozenset({"dial-timeout", "command-timeout", "keepalive-time", "keepalive-timeout"})
    | frozenset({"discovery-srv-name", "auth-jwt-token", "limit", "rev", "sort-by", "order"})
    | frozenset({"consistency", "lease", "ttl", "data-dir", "wal-dir", "name", "peer-urls"})
    | frozenset({"initial-cluster", "initial-cluster-token", "initial-advertise-peer-urls"})
    | frozenset({"max-txn-ops", "max-request-bytes", "revision"}),
)


def _etcd_keys(kind: EffectKind, *, ranged: bool = True) -> Meaning:
    """``etcdctl VERB KEY [END]``: one key, every key with ``--prefix``; a range (``END``,
    ``--from-key``) is named ``etcd:*``. ``put KEY VALUE`` has no range."""

    def meaning(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        if not words:
            return None
        key, end = words[0], words[1] if ranged and len(words) > 1 else None
        if end is not None or opts.has("from-key"):
            upto = f" up to {end!r}" if end is not None else " on"
            return [call.effect(kind, ["*"], f"every key from {key!r}{upto}")]
        if opts.has("prefix"):
            return [call.effect(kind, [f"{key}*"], _every(key))]
        return [call.effect(kind, [key])]

    return meaning


def _lock(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``etcdctl lock NAME [CMD...]``: holds the lock, and runs CMD while it does."""
    if not words:
        return None
    held = call.effect(_E.UPDATE, [f"{words[0]}/*"], "holds the lock")
    return [held, *_nested(call, words[1:])] if len(words) > 1 else [held]


def _elect(call: _Call, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``etcdctl elect NAME [PROPOSAL]`` campaigns; ``--listen`` only observes."""
    if not words:
        return None
    if opts.has("l"):
        return [call.effect(_E.READ, [f"{words[0]}/*"], "observes the election")]
    return [call.effect(_E.UPDATE, [f"{words[0]}/*"], "campaigns in the election")]


_ETCD_MEANINGS: dict[str, Meaning] = {
    "get": _etcd_keys(_E.READ),
    "watch": _etcd_keys(_E.READ),
    "put": _etcd_keys(_E.UPDATE, ranged=False),
    "del": _etcd_keys(_E.DELETE),
    "txn": _fixed(_E.UPDATE, "*", "a transaction: its changes come from stdin (not read here)"),
    "lock": _lock,
    "elect": _elect,
    "compaction": _fixed(_E.UPDATE, "*", "permanent: discards the history before the revision"),
    "defrag": _fixed(_E.UPDATE, "*", "disruptive: the member blocks while it defragments"),
    "snapshot restore": _fixed(
        _E.REPLACE, "*", "a data directory holding only the snapshot's keys, for a new cluster"
    ),
    "member list": _fixed(_E.READ, "member/*"),
    "member remove": _in("member", _E.DELETE, "disruptive: the member leaves the cluster"),
    "endpoint": _fixed(_E.READ, "member/*"),
    "lease list": _fixed(_E.READ, "lease/*"),
    "version": _version,
    "user delete": _in("user", _E.DELETE),
    "role delete": _in("role", _E.DELETE),
    "auth disable": _fixed(
        _E.UPDATE,
        "auth",
        "switches authentication off: whoever reaches the cluster may read and change any key",
        removes_protection=True,
    ),
}


@command("etcdctl")
def etcdctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """etcdctl's (API v3) commands, as the module docstring says."""
    opts = parse_options(cmd.args, _ETCD)
    if opts.has("h", "help"):
        return [command_effect(_E.READ, cmd, ctx, detail=_PRINTS_ONLY)]
    endpoints = opts.value("endpoints") or setting(cmd, ctx.env, "ETCDCTL_ENDPOINTS")
    call = _Call(cmd, ctx, "etcd", hosts=_hosts(endpoints))
    return _meaning_of(call, opts, opts.operands, _ETCD_MEANINGS)
