"""Secrets given as plain arguments of commands that are about secrets.

``gh secret set NAME --body V``, ``aws configure set aws_secret_access_key V``, ``kubectl create
secret --from-literal=K=V``, ``vault kv put PATH k=V``, ``mc alias set NAME URL KEY V``, the
values platform CLIs set (``fly secrets set K=V``, ``heroku config:set K=V``, ``netlify env:set
K V``): the value is the secret by where it stands, not by its shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from keyturn.audit.secret_names import Span, secret_name, value_after, whole, whole_from

__all__ = ["positional_spans"]

_KV_WRITES = frozenset({"put", "patch", "write"})


def positional_spans(words: Sequence[str], names: set[str]) -> Iterator[tuple[int, Span]]:
    """``(index of a word, its secret span)`` for the command ``words`` (``names``: the program
    names among its words)."""
    lowered = [w.lower() for w in words]
    for applies, find in _POSITIONAL:
        if applies(names, lowered):
            yield from find(words, lowered)


def _gh_secret(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``gh secret set NAME --body VALUE`` (or ``-b VALUE``, ``--body=VALUE``)."""
    for i, w in enumerate(words):
        if w in ("-b", "--body") and i + 1 < len(words):
            yield from _at(i + 1, whole(words[i + 1], "secret value"))
        elif w.startswith("--body="):
            yield i, value_after(w, len("--body="), "secret value")


def _config_set(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``aws configure set [profile.x.]aws_secret_access_key VALUE``, ``npm config set
    //registry/:_authToken VALUE``, ``rclone config create R s3 secret_access_key VALUE``: a
    value after a key whose last part names a secret."""
    for i, w in enumerate(words[:-1]):
        if not w.startswith("-") and secret_name(_LAST_PART.split(w)[-1]):
            yield from _at(i + 1, whole(words[i + 1], "secret value"))


_LAST_PART = re.compile(r"[.:/]")


def _ssm_secure_value(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``aws ssm put-parameter --type SecureString --value VALUE`` (or ``--value=VALUE``)."""
    if not any(w.endswith("securestring") for w in lowered):
        return
    for i, w in enumerate(lowered):
        if w == "--value" and i + 1 < len(words):
            yield from _at(i + 1, whole(words[i + 1], "secret value"))
        elif w.startswith("--value="):
            yield i, value_after(words[i], len("--value="), "secret value")


def _htpasswd(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``htpasswd -b[c] FILE USER PASSWORD`` (``-nb USER PASSWORD``): the last word."""
    flags = [w for w in words[1:] if w.startswith("-") and not w.startswith("--")]
    if any("b" in w for w in flags) and not words[-1].startswith("-"):
        yield from _at(len(words) - 1, whole(words[-1], "secret value"))


def _vault_login(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``vault login TOKEN`` (``bao login``): a plain word after ``login`` is the token
    (``key=value`` words are the auth method's, found by their names)."""
    if "login" not in lowered:
        return
    for j in range(lowered.index("login") + 1, len(words)):
        if not words[j].startswith("-") and "=" not in words[j]:
            yield from _at(j, whole(words[j], "secret value"))


def _rabbitmqctl(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``rabbitmqctl add_user|change_password USER PASSWORD``."""
    for verb in ("add_user", "change_password"):
        if verb in lowered:
            rest = [j for j in range(lowered.index(verb) + 1, len(words))
                    if not words[j].startswith("-")]  # fmt: skip
            if len(rest) >= 2:
                yield from _at(rest[1], whole(words[rest[1]], "secret value"))


def _user_percent_password(
    words: Sequence[str], lowered: Sequence[str]
) -> Iterator[tuple[int, Span]]:
    """``smbclient -U user%PASSWORD`` (``--user=user%PASSWORD``), and openssl's
    ``-pass|-passin|-passout pass:PASSWORD``."""
    for i, w in enumerate(words):
        value, start = (words[i + 1], i + 1) if i + 1 < len(words) else ("", -1)
        if w in ("-U", "--user") and "%" in value:
            yield from _at(start, whole_from(value, value.index("%") + 1, "user password"))
        elif w.startswith("--user=") and "%" in w:
            yield from _at(i, whole_from(w, w.index("%") + 1, "user password"))
        elif w in ("-pass", "-passin", "-passout") and value.startswith("pass:"):
            yield from _at(start, whole_from(value, len("pass:"), "secret option"))


def _secret_literals(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``kubectl create secret … --from-literal=KEY=VALUE``: every value is the secret's."""
    for i, w in enumerate(words):
        if w.startswith("--from-literal="):
            eq = w.find("=", len("--from-literal="))
            if eq != -1:
                yield i, value_after(w, eq + 1, "secret value")


def _vault_write(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``vault kv put|patch PATH k=v…`` and ``vault write PATH k=v…``: every value (``@file``
    and ``-`` name where the value comes from)."""
    path = _kv_write_path(lowered)
    if path is None:
        return
    for j in range(path + 1, len(words)):
        key, eq, value = words[j].partition("=")
        if eq and not key.startswith("-") and value[:1] not in ("@", "-", ""):
            yield j, value_after(words[j], len(key) + 1, "secret value")


def _mc_secret(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``mc alias set NAME URL ACCESS SECRET`` (and ``mc config host add``)."""
    for verb in ("set", "add"):
        if verb in lowered:
            rest = [i for i in range(lowered.index(verb) + 1, len(words))
                    if not words[i].startswith("-")]  # fmt: skip
            if len(rest) >= 4:
                yield from _at(rest[3], whole(words[rest[3]], "secret value"))
            return


def _assigned_values(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``fly secrets set K=V…``, ``heroku config:set K=V…``, ``railway variables --set K=V``:
    every value after the verb is the secret's (``--set=K=V`` too)."""
    verb = next((i for i, w in enumerate(lowered) if w in _SETTING_VERBS), len(words))
    for j in range(verb + 1, len(words)):
        word = words[j]
        start = len("--set=") if word.startswith("--set=") else 0
        key, eq, value = word[start:].partition("=")
        if eq and key and not key.startswith("-") and value:
            yield j, value_after(word, start + len(key) + 1, "secret value")


def _pair_value(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``netlify env:set KEY VALUE``, ``glab variable set KEY VALUE`` (or ``-v|--value VALUE``):
    the value."""
    verb = next((i for i, w in enumerate(lowered) if w in _PAIR_VERBS), None)
    if verb is None:
        return
    plain: list[int] = []
    j = verb + 1
    while j < len(words):
        word = lowered[j]
        if word in ("-v", "--value") and j + 1 < len(words):
            yield from _at(j + 1, whole(words[j + 1], "secret value"))
            j += 2
            continue
        if word.startswith("--value="):
            yield j, value_after(words[j], len("--value="), "secret value")
        elif word.startswith("-"):
            j += 2 if word in _PAIR_VALUED else 1
            continue
        else:
            plain.append(j)
        j += 1
    if len(plain) >= 2:
        yield from _at(plain[1], whole(words[plain[1]], "secret value"))


# The verbs after which platform CLIs take ``KEY=VALUE`` words, the verbs after which they take
# ``KEY VALUE``, and the options of ``netlify env:set``/``glab variable set`` taking a value.
_SETTING_VERBS = frozenset({"set", "config:set", "variables", "variable"})
_PAIR_VERBS = frozenset({"set", "env:set"})
_PAIR_VALUED = frozenset({"--context", "--scope", "-s", "-R", "--repo", "-g", "--group"})
_PAIR_VALUED |= frozenset({"--description", "-t", "--type", "--filter"})


def _operands(words: Sequence[str], start: int, valued: frozenset[str]) -> list[int]:
    """The indexes of the plain words from ``start`` on: not options, nor the separate values
    of the options in ``valued``; every word after ``--``."""
    found: list[int] = []
    j = start
    while j < len(words):
        word = words[j]
        if word == "--":
            return found + list(range(j + 1, len(words)))
        if word.startswith("-") and len(word) > 1:
            j += 2 if word in valued else 1
            continue
        found.append(j)
        j += 1
    return found


def _both_dashes(*names: str) -> frozenset[str]:
    """Options written with one dash or two (Go's ``flag``: ``-format``, ``--format``)."""
    return frozenset(f"{dashes}{n}" for n in names for dashes in ("-", "--"))


def _short_secret(option: str) -> _Finder:
    """A program's short option holding a secret, written ``-t=VALUE`` (its ``-t VALUE`` and
    ``-tVALUE`` forms are :mod:`keyturn.audit.secrets`' password options)."""

    def find(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
        for i, w in enumerate(words):
            if w.startswith(option + "="):
                yield i, value_after(w, len(option) + 1, "secret option")

    return find


_PULUMI_VALUED = frozenset({"-s", "--stack", "--config-file", "-C", "--cwd", "--type", "-v"})
_PULUMI_VALUED |= {"--verbose", "--color", "--profiling", "--tracing", "--memprofilerate"}


def _pulumi_config(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``pulumi config set [--secret] KEY VALUE``: the value when ``--secret`` makes it one or
    the key (``db:password``) is named like one. (``config set-all --secret KEY=VALUE`` is
    found as any ``--secret VALUE`` option is.)"""
    if "set" not in lowered:
        return
    verb = lowered.index("set")
    marked = any(w == "--secret" or w == "--secret=true" for w in lowered)
    plain = _operands(words, verb + 1, _PULUMI_VALUED)
    if len(plain) >= 2 and (marked or secret_name(_LAST_PART.split(words[plain[0]])[-1])):
        yield from _at(plain[1], whole(words[plain[1]], "secret value"))


# The az groups whose ``-p`` is ``--admin-password`` (``az sql server create -u admin -p V``);
# elsewhere it may be ``--parameters`` or ``--properties``.
_AZ_DATABASES = frozenset({"sql", "mysql", "postgres", "mariadb", "synapse"})


def _az_secrets(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``az sql|mysql|postgres|mariadb|synapse … -p PASSWORD`` (``-pPASSWORD``), and ``az
    keyvault secret set --value VALUE`` (``--value=VALUE``)."""
    databases = not _AZ_DATABASES.isdisjoint(lowered)
    vault = "keyvault" in lowered and "secret" in lowered
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if databases and w == "-p" and nxt is not None:
            yield from _at(i + 1, whole(nxt, "password option"))
        elif databases and w.startswith("-p") and len(w) > 2 and w[2] != "-":
            yield from _at(i, whole_from(w, 3 if w[2] == "=" else 2, "password option"))
        elif vault and lowered[i] == "--value" and nxt is not None:
            yield from _at(i + 1, whole(nxt, "secret value"))
        elif vault and lowered[i].startswith("--value="):
            yield i, value_after(w, len("--value="), "secret value")


_VAULT_VALUED = _both_dashes("address", "agent-address", "namespace", "ns", "format", "field")
_VAULT_VALUED |= _both_dashes("ca-cert", "ca-path", "client-cert", "client-key", "mfa", "mode")
_VAULT_VALUED |= _both_dashes("tls-server-name", "wrap-ttl", "header", "increment", "id")
_VAULT_TOKEN_VERBS = frozenset({"lookup", "revoke", "renew", "capabilities"})


def _vault_keys(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``vault operator unseal KEY`` (an unseal key share); ``vault token create -id TOKEN``
    (the new token's own value); ``vault token lookup|revoke|renew TOKEN`` and ``token
    capabilities TOKEN PATH`` (a token, unless ``-accessor`` or ``-mode=path`` make the word
    an accessor or a path)."""
    if "unseal" in lowered:
        for j in _operands(words, lowered.index("unseal") + 1, _VAULT_VALUED):
            yield from _at(j, whole(words[j], "secret value"))
    if "token" not in lowered:
        return
    after = lowered.index("token") + 1
    verb = lowered[after] if after < len(words) else ""
    if verb == "create":
        for j in range(after + 1, len(words)):
            option, eq, _ = lowered[j].partition("=")
            if option in ("-id", "--id") and eq:
                yield j, value_after(words[j], len(option) + 1, "secret value")
            elif option in ("-id", "--id") and j + 1 < len(words):
                yield from _at(j + 1, whole(words[j + 1], "secret value"))
    elif verb in _VAULT_TOKEN_VERBS:
        named = {w.partition("=")[0].lstrip("-") for w in lowered if w.startswith("-")}
        if "accessor" in named or any(w.lstrip("-") == "mode=path" for w in lowered):
            return
        plain = _operands(words, after + 1, _VAULT_VALUED)
        tokens = plain[:1] if verb == "capabilities" and len(plain) > 1 else plain
        tokens = [] if verb == "capabilities" and len(plain) < 2 else tokens
        for j in tokens:
            yield from _at(j, whole(words[j], "secret value"))


def _go_options(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """HashiCorp tools' options, spelled with one dash as Go's ``flag`` allows (``consul …
    -token V``, ``nomad job run -token V``, ``-http-auth user:V``): the value of one named
    like a secret (``-token=V`` is found as any assignment is)."""
    for i, w in enumerate(words[:-1]):
        single = w.startswith("-") and not w.startswith("--") and len(w) > 2 and "=" not in w
        if single and secret_name(w[1:]) and not words[i + 1].startswith("-"):
            yield from _at(i + 1, whole(words[i + 1], "secret option"))


def _etcd_secrets(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``etcdctl --user NAME:PASSWORD`` (``--user=…``) and ``etcdctl user add NAME:PASSWORD``:
    what follows the colon."""
    added = lowered.index("add") if "user" in lowered and "add" in lowered else len(words)
    new_user = next((j for j in range(added + 1, len(words)) if words[j][:1] != "-"), None)
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w == "--user" and ":" in nxt:
            yield from _at(i + 1, whole_from(nxt, nxt.index(":") + 1, "user password"))
        elif (w.startswith("--user=") or i == new_user) and ":" in w:
            yield from _at(i, whole_from(w, w.index(":") + 1, "user password"))


def _keyed_put(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``etcdctl put KEY VALUE``, ``consul kv put KEY VALUE``: the value of a key named like a
    secret (``db/password``)."""
    plain = [j for j in range(lowered.index("put") + 1, len(words))
             if not words[j].startswith("-")]  # fmt: skip
    if len(plain) >= 2 and secret_name(_LAST_PART.split(words[plain[0]])[-1]):
        yield from _at(plain[1], whole(words[plain[1]], "secret value"))


_ANSIBLE_VAULT_VALUED = frozenset({"--name", "-n", "--stdin-name", "--vault-id", "--output"})
_ANSIBLE_VAULT_VALUED |= {"--vault-password-file", "--vault-pass-file", "--encrypt-vault-id"}


def _encrypt_string(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``ansible-vault encrypt_string SECRET [--name NAME]``: every string it encrypts."""
    for j in _operands(words, lowered.index("encrypt_string") + 1, _ANSIBLE_VAULT_VALUED):
        yield from _at(j, whole(words[j], "secret value"))


def _kv_write_path(lowered: Sequence[str]) -> int | None:
    """The index of the path word of ``vault kv put|patch PATH k=v`` or ``vault write PATH``."""
    for i, w in enumerate(lowered):
        if w in _KV_WRITES:
            rest = [j for j in range(i + 1, len(lowered)) if not lowered[j].startswith("-")]
            return rest[0] if rest else None
    return None


_CONFIGURED = frozenset({"npm", "pnpm", "yarn", "rclone"})
_GO_FLAG_TOOLS = frozenset({"consul", "nomad", "vault", "bao", "boundary", "waypoint", "packer"})
_FLY = frozenset({"fly", "flyctl"})
_NETLIFY = frozenset({"netlify", "ntl"})
_Finder = Callable[[Sequence[str], Sequence[str]], Iterator[tuple[int, Span]]]
# (whether the command is one of these, where its secrets are)
_POSITIONAL: tuple[tuple[Callable[[set[str], Sequence[str]], bool], _Finder], ...] = (
    (lambda names, lowered: "gh" in names and "secret" in lowered and "set" in lowered, _gh_secret),
    (lambda names, lowered: "aws" in names and "configure" in lowered, _config_set),
    (lambda names, lowered: bool(names & _CONFIGURED) and "config" in lowered, _config_set),
    (lambda names, lowered: "aws" in names and "put-parameter" in lowered, _ssm_secure_value),
    (lambda names, lowered: "htpasswd" in names, _htpasswd),
    (lambda names, lowered: bool(names & {"vault", "bao"}), _vault_login),
    (lambda names, lowered: "rabbitmqctl" in names, _rabbitmqctl),
    (lambda names, lowered: bool(names & {"smbclient", "openssl"}), _user_percent_password),
    (lambda names, lowered: "mc" in names, _mc_secret),
    (lambda names, lowered: "create" in lowered and "secret" in lowered, _secret_literals),
    (lambda names, lowered: bool(names & {"vault", "bao"}), _vault_write),
    (lambda names, lowered: bool(names & _FLY) and "secrets" in lowered, _assigned_values),
    (lambda names, lowered: "heroku" in names, _assigned_values),
    (lambda names, lowered: "railway" in names, _assigned_values),
    (lambda names, lowered: bool(names & _NETLIFY) and "env:set" in lowered, _pair_value),
    (lambda names, lowered: "glab" in names and "variable" in lowered, _pair_value),
    (lambda names, lowered: "pulumi" in names and "config" in lowered, _pulumi_config),
    (lambda names, lowered: "az" in names, _az_secrets),
    (lambda names, lowered: bool(names & {"vault", "bao"}), _vault_keys),
    (lambda names, lowered: bool(names & _GO_FLAG_TOOLS), _go_options),
    (lambda names, lowered: "etcdctl" in names, _etcd_secrets),
    (lambda names, lowered: bool(names & {"etcdctl", "consul"}) and "put" in lowered, _keyed_put),
    (lambda names, lowered: bool(names & {"vercel", "vc"}), _short_secret("-t")),
    (lambda names, lowered: "supabase" in names, _short_secret("-p")),
    (lambda names, lowered: "encrypt_string" in lowered, _encrypt_string),
)


def _at(index: int, span: Span | None) -> Iterator[tuple[int, Span]]:
    if span is not None:
        yield index, span
