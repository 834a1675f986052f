"""Where secrets sit in what an agent typed: spans of passwords, tokens and keys in command words.

An agent's command line often carries a credential: ``PGPASSWORD=… psql``, ``mysql -p…``,
``curl -u admin:… ``, ``-H "Authorization: Bearer …"``, a URL's password, a GitHub token pasted
into ``git remote set-url``. What keyturn records is kept forever (the audit log cannot be
edited without the edit showing) and shown to reviewers, pages and chat webhooks, so the secret
part of such words is found here and replaced before anything is recorded
(:mod:`keyturn.audit.redaction`).

Finding is by the shapes credentials take on command lines, not by entropy: a value named like a
secret (``*_PASSWORD=``, ``--client-secret X``, ``token=`` in a URL query, a JSON key
``MasterUserPassword``), a program's own password option (``mysql -pX``, ``sshpass -p X``,
``redis-cli -a X``, ``docker login -p X``, ``cqlsh -p X``), the values platform CLIs set as
variables and secrets (``fly secrets set K=V``, ``heroku config:set K=V``, ``railway variables
--set K=V``, ``netlify env:set K V``, ``glab variable set K V``) or read on their input
(``echo V | wrangler secret put K``), an ``Authorization`` header, a URL's userinfo, the
published token formats (GitHub, GitLab, Slack, Stripe, npm, Google, OpenAI/Anthropic, JWTs,
keyturn's own ``kt_`` tokens), PEM private keys and SQL ``PASSWORD '…'``. What looks like none
of these is left as typed: a password given as a bare argument to a program keyturn does not
know is not found.

Every function here is pure and total: any words, any text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "QUOTES",
    "Span",
    "in_word_spans",
    "piped_secrets",
    "quoted_spans",
    "reads_secret_on_input",
    "secret_name",
    "word_spans",
]


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` is a secret; ``why`` says which shape found it."""

    start: int
    end: int
    why: str


# -- names -------------------------------------------------------------------------------------

_NAME_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_SECRET_PARTS = frozenset(
    {
        *("password", "passwd", "pass", "pwd", "passphrase", "secret", "token", "apikey"),
        *("credential", "credentials", "auth", "authorization", "sas", "sig", "signature", "pat"),
    }
)
# Two parts that together name a secret (``AWS_SECRET_ACCESS_KEY``, ``api-key``, ``sse-c-key``).
_SECRET_PAIRS = frozenset(
    {
        *(("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key")),
        *(("account", "key"), ("signing", "key"), ("encryption", "key"), ("c", "key")),
    }
)
# Names ending so are about a secret, not one (``--secret-id``, ``--token-file``,
# ``--password-stdin``, ``SecretArn``, ``--auth-mode``).
_NOT_SECRET_ENDS = frozenset(
    {
        *("id", "ids", "name", "names", "arn", "arns", "file", "files", "path", "stdin", "env"),
        *("ttl", "type", "types", "url", "uri", "endpoint", "length", "expiry", "expires"),
        *("expiration", "policy", "rotation", "prompt", "store", "provider", "version", "mode"),
        *("prefix", "enabled", "required", "count", "limit", "header", "method", "format"),
    }
)
# Tokens that page or deduplicate calls, not ones that grant anything (``NextToken``).
_NOT_SECRET_STARTS = frozenset({"next", "starting", "continuation", "pagination", "client"})
_SECRET_SUFFIXES = ("password", "passwd", "token", "secret", "apikey")
_SHELL_OWN = frozenset({"pwd", "oldpwd"})


def secret_name(name: str) -> bool:
    """Whether a variable, option, query or JSON key called ``name`` holds a secret."""
    bare = name.strip("-_ ")
    if not bare or bare.lower() in _SHELL_OWN:
        return False
    parts = [p.lower() for chunk in re.split(r"[^A-Za-z0-9]+", bare) for p in _parts(chunk)]
    if not parts or parts[-1] in _NOT_SECRET_ENDS:
        return False
    if parts[0] in _NOT_SECRET_STARTS and parts[-1] == "token":
        return False
    if any(p in _SECRET_PARTS for p in parts) or any(
        pair in _SECRET_PAIRS for pair in itertools.pairwise(parts)
    ):
        return True
    return any(p.endswith(_SECRET_SUFFIXES) for p in parts)


def _parts(chunk: str) -> list[str]:
    """``MasterUserPassword`` -> Master, User, Password; ``PGPASSWORD`` stays whole."""
    return _NAME_PARTS.findall(chunk) or [chunk]


# -- shapes found inside one word ---------------------------------------------------------------

_KNOWN_TOKENS = re.compile(
    r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|sk-(?:ant-|proj-)?[A-Za-z0-9_-]{24,}|npm_[A-Za-z0-9]{30,}|AIza[0-9A-Za-z_-]{35}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r"|kt_[A-Za-z0-9_-]{30,}"
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
)
_SQL_PASSWORD = re.compile(r"(?i)\b(?:password|identified\s+by)\s+(?:'([^']*)'|\"([^\"]*)\")")
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:'\"]*:([^/@\s'\"]+)@")
_ASSIGNMENT = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_.-]*)=")
_HEADER = re.compile(r"(?i)^\s*([A-Za-z0-9-]+)\s*:\s+(.+?)\s*$")
_AUTH_SCHEME = re.compile(r"(?i)(?:bearer|basic|token|digest|negotiate)\s+")
_SCHEME = re.compile(r"(?i)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})")
QUOTES = "'\""
_VALUE_END = re.compile("&")
_VALUE_END_BLANK = re.compile(r"[&\s;|]")


def in_word_spans(word: str, *, blank_ends: bool = False) -> Iterator[Span]:
    """Secrets a word shows by itself (quotes around it or its value are left out).
    ``blank_ends``: the "word" is a whole text, where a blank ends a value."""
    for m in _KNOWN_TOKENS.finditer(word):
        yield Span(m.start(), m.end(), "token")
    for m in _PRIVATE_KEY.finditer(word):
        yield Span(m.start(), m.end(), "private key")
    for m in _SQL_PASSWORD.finditer(word):
        group = 1 if m.group(1) is not None else 2
        yield Span(m.start(group), m.end(group), "SQL password")
    for m in _URL_PASSWORD.finditer(word):
        yield Span(m.start(1), m.end(1), "URL password")
    for m in _ASSIGNMENT.finditer(word):
        if secret_name(m.group(1)):
            yield _value_after(word, m.end(), "named secret", blank_ends=blank_ends)
    header = _HEADER.match(word.strip(QUOTES))
    if header and secret_name(header.group(1)):
        value = header.group(2)
        offset = word.index(value, len(word) - len(word.lstrip(QUOTES)))
        scheme = _AUTH_SCHEME.match(value)  # ``Bearer`` stays in sight, its credential not
        start = offset + (scheme.end() if scheme else 0)
        if start < offset + len(value):
            yield Span(start, offset + len(value), "header")
    for m in _SCHEME.finditer(word):
        yield Span(m.start(1), m.end(1), "header")


def _value_after(word: str, start: int, why: str, *, blank_ends: bool = False) -> Span:
    """The value from ``start`` to the end of the word or of its URL query parameter."""
    end = len(word)
    if start < end and word[start] in QUOTES:
        close = word.find(word[start], start + 1)
        return Span(start + 1, close if close != -1 else end, why)
    stop = _VALUE_END_BLANK if blank_ends else _VALUE_END
    found = stop.search(word, start)
    if found is not None:
        end = found.start()
    while end > start and word[end - 1] in QUOTES:
        end -= 1
    return Span(start, end, why)


def _whole(word: str, why: str) -> Span | None:
    """The word without the quotes around it (``None`` when nothing is left)."""
    start, end = 0, len(word)
    while start < end and word[start] in QUOTES:
        start += 1
    while end > start and word[end - 1] in QUOTES:
        end -= 1
    return Span(start, end, why) if end > start else None


# -- shapes that take the command's other words ------------------------------------------------

_MYSQL = frozenset(
    {"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mariadb"}
    | {"mariadb-dump", "mariadb-admin", "mysqlsh"}
)
# Programs whose short option takes a password as its next word; ``login`` stands for the
# ``docker|podman|helm registry|az|oras login`` family.
_PASSWORD_OPTIONS = {
    "sshpass": "-p",
    "redis-cli": "-a",
    "sqlcmd": "-P",
    "bcp": "-P",
    "mongo": "-p",
    "mongosh": "-p",
    "login": "-p",
    "cqlsh": "-p",
    "rabbitmqadmin": "-p",
    "influx": "-t",
}
# ``user:password`` options of HTTP clients.
_USER_OPTIONS = {
    "curl": frozenset({"-u", "--user", "-U", "--proxy-user"}),
    "http": frozenset({"-a", "--auth"}),
    "https": frozenset({"-a", "--auth"}),
    "xh": frozenset({"-a", "--auth"}),
}
_KV_WRITES = frozenset({"put", "patch", "write"})


def word_spans(words: Sequence[str]) -> list[list[Span]]:
    """For each of one command's words, the secret spans in it."""
    found: list[list[Span]] = [list(in_word_spans(w)) for w in words]
    names = {_program(w) for w in words}
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or nxt.startswith("-"):
            continue
        if _takes_secret(word, names):
            _add(found, i + 1, _whole(nxt, "secret option"))
        elif word.lower() in ("bearer", "basic") and len(nxt.strip(QUOTES)) >= 8:
            _add(found, i + 1, _whole(nxt, "header"))
        elif any(word in opts for prog, opts in _USER_OPTIONS.items() if prog in names):
            colon = nxt.find(":")
            if colon != -1:
                _add(found, i + 1, _whole_from(nxt, colon + 1, "user password"))
    for i, word in enumerate(words):
        if names & _MYSQL and word.startswith("-p") and len(word) > 2 and word[2] != "-":
            _add(found, i, _whole_from(word, 2, "password option"))
        for prog, opts in _USER_OPTIONS.items():
            if prog in names and "=" in word and word.split("=", 1)[0] in opts:
                colon = word.find(":", word.index("=") + 1)
                if colon != -1:
                    _add(found, i, _whole_from(word, colon + 1, "user password"))
    for index, span in _positional(words, names):
        _add(found, index, span)
    return found


def piped_secrets(words: Sequence[str], *, into: Sequence[str]) -> list[list[Span]]:
    """For ``echo PASS | docker login --password-stdin`` (or ``| wrangler secret put K``): the
    spans of ``words`` (the echo) that are the password ``into`` (the login) reads."""
    if not words or not reads_secret_on_input(into) or _program(words[0]) not in ("echo", "printf"):
        return [[] for _ in words]
    return [[] if i == 0 or w.startswith("-") else _list(_whole(w, "piped password"))
            for i, w in enumerate(words)]  # fmt: skip


# (program, words that make it read a secret's value on its input)
_STDIN_SECRETS = (
    ("wrangler", ("secret", "put")),
    ("vercel", ("env", "add")),
    ("vc", ("env", "add")),
    ("gh", ("secret", "set")),
    ("docker", ("secret", "create")),
    ("podman", ("secret", "create")),
    ("fly", ("secrets", "import")),
    ("flyctl", ("secrets", "import")),
)


def reads_secret_on_input(words: Sequence[str]) -> bool:
    """Whether the command ``words`` reads a password or a secret's value on its input."""
    if "--password-stdin" in words:
        return True
    program = _program(words[0]) if words else ""
    lowered = {w.lower() for w in words}
    return any(program == p and lowered.issuperset(verbs) for p, verbs in _STDIN_SECRETS)


def _list(span: Span | None) -> list[Span]:
    return [] if span is None else [span]


def _takes_secret(option: str, programs: set[str]) -> bool:
    """Whether ``option`` (written apart from its value) is followed by a secret."""
    if option.startswith("--") and "=" not in option:
        return secret_name(option[2:])
    if option.startswith("-") and len(option) == 2:
        return any(_PASSWORD_OPTIONS.get(p) == option for p in programs)
    return False


def _positional(words: Sequence[str], names: set[str]) -> Iterator[tuple[int, Span]]:
    """Secrets given as plain arguments of commands that are about secrets."""
    lowered = [w.lower() for w in words]
    for applies, find in _POSITIONAL:
        if applies(names, lowered):
            yield from find(words, lowered)


def _gh_secret(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``gh secret set NAME --body VALUE`` (or ``-b VALUE``, ``--body=VALUE``)."""
    for i, w in enumerate(words):
        if w in ("-b", "--body") and i + 1 < len(words):
            yield from _at(i + 1, _whole(words[i + 1], "secret value"))
        elif w.startswith("--body="):
            yield i, _value_after(w, len("--body="), "secret value")


def _aws_configure(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``aws configure set [profile.x.]aws_secret_access_key VALUE``."""
    for i, w in enumerate(words[:-1]):
        if secret_name(w.rsplit(".", 1)[-1]):
            yield from _at(i + 1, _whole(words[i + 1], "secret value"))


def _secret_literals(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``kubectl create secret … --from-literal=KEY=VALUE``: every value is the secret's."""
    for i, w in enumerate(words):
        if w.startswith("--from-literal="):
            eq = w.find("=", len("--from-literal="))
            if eq != -1:
                yield i, _value_after(w, eq + 1, "secret value")


def _vault_write(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``vault kv put|patch PATH k=v…`` and ``vault write PATH k=v…``: every value (``@file``
    and ``-`` name where the value comes from)."""
    path = _kv_write_path(lowered)
    if path is None:
        return
    for j in range(path + 1, len(words)):
        key, eq, value = words[j].partition("=")
        if eq and not key.startswith("-") and value[:1] not in ("@", "-", ""):
            yield j, _value_after(words[j], len(key) + 1, "secret value")


def _mc_secret(words: Sequence[str], lowered: Sequence[str]) -> Iterator[tuple[int, Span]]:
    """``mc alias set NAME URL ACCESS SECRET`` (and ``mc config host add``)."""
    for verb in ("set", "add"):
        if verb in lowered:
            rest = [i for i in range(lowered.index(verb) + 1, len(words))
                    if not words[i].startswith("-")]  # fmt: skip
            if len(rest) >= 4:
                yield from _at(rest[3], _whole(words[rest[3]], "secret value"))
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
            yield j, _value_after(word, start + len(key) + 1, "secret value")


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
            yield from _at(j + 1, _whole(words[j + 1], "secret value"))
            j += 2
            continue
        if word.startswith("--value="):
            yield j, _value_after(words[j], len("--value="), "secret value")
        elif word.startswith("-"):
            j += 2 if word in _PAIR_VALUED else 1
            continue
        else:
            plain.append(j)
        j += 1
    if len(plain) >= 2:
        yield from _at(plain[1], _whole(words[plain[1]], "secret value"))


# The verbs after which platform CLIs take ``KEY=VALUE`` words, the verbs after which they take
# ``KEY VALUE``, and the options of ``netlify env:set``/``glab variable set`` taking a value.
_SETTING_VERBS = frozenset({"set", "config:set", "variables", "variable"})
_PAIR_VERBS = frozenset({"set", "env:set"})
_PAIR_VALUED = frozenset({"--context", "--scope", "-s", "-R", "--repo", "-g", "--group"})
_PAIR_VALUED |= frozenset({"--description", "-t", "--type", "--filter"})


def _kv_write_path(lowered: Sequence[str]) -> int | None:
    """The index of the path word of ``vault kv put|patch PATH k=v`` or ``vault write PATH``."""
    for i, w in enumerate(lowered):
        if w in _KV_WRITES:
            rest = [j for j in range(i + 1, len(lowered)) if not lowered[j].startswith("-")]
            return rest[0] if rest else None
    return None


_FLY = frozenset({"fly", "flyctl"})
_NETLIFY = frozenset({"netlify", "ntl"})
_Finder = Callable[[Sequence[str], Sequence[str]], Iterator[tuple[int, Span]]]
# (whether the command is one of these, where its secrets are)
_POSITIONAL: tuple[tuple[Callable[[set[str], Sequence[str]], bool], _Finder], ...] = (
    (lambda names, lowered: "gh" in names and "secret" in lowered and "set" in lowered, _gh_secret),
    (lambda names, lowered: "aws" in names and "configure" in lowered, _aws_configure),
    (lambda names, lowered: "mc" in names, _mc_secret),
    (lambda names, lowered: "create" in lowered and "secret" in lowered, _secret_literals),
    (lambda names, lowered: bool(names & {"vault", "bao"}), _vault_write),
    (lambda names, lowered: bool(names & _FLY) and "secrets" in lowered, _assigned_values),
    (lambda names, lowered: "heroku" in names, _assigned_values),
    (lambda names, lowered: "railway" in names, _assigned_values),
    (lambda names, lowered: bool(names & _NETLIFY) and "env:set" in lowered, _pair_value),
    (lambda names, lowered: "glab" in names and "variable" in lowered, _pair_value),
)


def _at(index: int, span: Span | None) -> Iterator[tuple[int, Span]]:
    if span is not None:
        yield index, span


def _whole_from(word: str, start: int, why: str) -> Span | None:
    span = _whole(word[start:], why)
    return None if span is None else Span(start + span.start, start + span.end, why)


def _add(found: list[list[Span]], index: int, span: Span | None) -> None:
    if span is not None and span.end > span.start:
        found[index].append(span)


def _program(word: str) -> str:
    return word.strip(QUOTES).rsplit("/", 1)[-1].lower()


def quoted_spans(text: str) -> list[Span]:
    """The PEM private keys and SQL ``PASSWORD '…'`` values of a whole text, which span blanks
    and so are found before the text is split into words."""
    spans = [Span(m.start(), m.end(), "private key") for m in _PRIVATE_KEY.finditer(text)]
    spans += [
        Span(m.start(g), m.end(g), "SQL password")
        for m in _SQL_PASSWORD.finditer(text)
        for g in (1, 2)
        if m.group(g) is not None
    ]
    return spans
