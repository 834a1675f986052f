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
from collections.abc import Iterator, Sequence

from keyturn.audit.secret_names import (
    QUOTES,
    Span,
    program,
    secret_name,
    value_after,
    whole,
    whole_from,
)
from keyturn.audit.secret_programs import positional_spans

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
# SQL's password clauses: ``PASSWORD 'x'``, ``PASSWORD E'x'``, ``PASSWORD $$x$$``, ``IDENTIFIED
# [WITH plugin] BY 'x'``, ``SET PASSWORD [FOR u] = 'x'``, ``PASSWORD('x')``, ``WITH PASSWORD =
# 'x'``, ``MASTER_PASSWORD = 'x'``; and Mongo's ``pwd: "x"`` and ``changeUserPassword(u, 'x')``.
_SQL_PASSWORD = re.compile(
    r"(?i)(?:\b(?:set\s+password(?:\s+for\s+[^=;\n]{1,200}?)?\s*=|(?:master_)?password\s*=?"
    r"|identified(?:\s+with\s+[A-Za-z0-9_]+)?\s+by|password\s*\(|pwd\s*:)"
    r"|changeUserPassword\(\s*(?:'[^']*'|\"[^\"]*\")\s*,)"
    r"\s*(?:E?'([^']*)'|\"([^\"]*)\"|\$\$([^$]*)\$\$)"
)
# An ``Authorization:`` header given by any option (``--header='Authorization: token X'``).
_AUTHORIZATION = re.compile(
    r"(?i)(?<![A-Za-z0-9-])(?:proxy-)?authorization[ \t]*:[ \t]*"
    r"(?:(?:bearer|basic|token|digest|negotiate)[ \t]+)?([^\s'\"]+)"
)
# A URL query's ``key=`` (an API key), which :func:`secret_name` leaves alone elsewhere (an S3
# object's ``Key``).
_QUERY_KEY = re.compile(r"(?i)[?&](?:key|api_?key)=")
# The look-behinds let a scheme or a name start only where a run of its characters starts:
# tried from every position of a long run (a hex blob, ``a-a-a-…``), each would scan the rest
# of the run again, and a megabyte of such text would take the gate minutes.
_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:'\"]*:([^/@\s'\"]+)@"
)
_ASSIGNMENT = re.compile(r"(?<![A-Za-z0-9_.-])-*([A-Za-z_][A-Za-z0-9_.-]*)=")
# The value runs to the end (trailing blanks are cut in code: a lazy ``(.+?)\s*$`` is
# quadratic in a run of blanks).
_HEADER = re.compile(r"(?i)^\s*([A-Za-z0-9-]+)\s*:\s+(.+)$")
_AUTH_SCHEME = re.compile(r"(?i)(?:bearer|basic|token|digest|negotiate)\s+")
_SCHEME = re.compile(r"(?i)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})")
# A JSON member inside a word or text (``-d '{"password":"…"}'``), its quotes maybe escaped.
_JSON_MEMBER = re.compile(
    r'\\?"([A-Za-z0-9_.:/-]{1,64})\\?"[ \t]*:[ \t]*\\?"((?:[^"\\]|\\.)*?)\\?"'
)
# A token given as a URL's user name (``https://<token>@github.com/o/r``): long, with a digit;
# a plain user name (``git@``, ``x-access-token@``) is neither.
_URL_TOKEN_USER = re.compile(r"(?i)\bhttps?://([A-Za-z0-9_~.-]{20,})@")
# Webhook URLs whose last part is the credential.
_WEBHOOK = re.compile(
    r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9]+/[A-Za-z0-9]+/([A-Za-z0-9]+)"
    r"|discord(?:app)?\.com/api/webhooks/[0-9]+/([A-Za-z0-9_-]+)"
)
# The AWS CLI's shorthand for lists of name/value pairs, the documented spelling of what the
# JSON form gives as members (``ParameterKey=DbPassword,ParameterValue=V``; ECS's
# ``environment=[{name=DB_PASSWORD,value=V}]``): a pair is a group between braces, brackets or
# blanks; its value is secret when its name is named like one.
_SHORTHAND_GROUP = re.compile(r"[^{}\[\]\s]+")
_SHORTHAND_NAME = re.compile(r"(?i)(?:^|,)(?:parameterkey|name|key|optionname)=([^,]*)")
_SHORTHAND_VALUE = re.compile(r"(?i)(?:^|,)(?:parametervalue|value)=")


def in_word_spans(word: str, *, blank_ends: bool = False) -> Iterator[Span]:
    """Secrets a word shows by itself (quotes around it or its value are left out).
    ``blank_ends``: the "word" is a whole text, where a blank ends a value."""
    for m in _KNOWN_TOKENS.finditer(word):
        yield Span(m.start(), m.end(), "token")
    for m in _PRIVATE_KEY.finditer(word):
        yield Span(m.start(), m.end(), "private key")
    for m in _SQL_PASSWORD.finditer(word):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        yield Span(m.start(group), m.end(group), "SQL password")
    for m in _AUTHORIZATION.finditer(word):
        yield Span(m.start(1), m.end(1), "header")
    for m in _QUERY_KEY.finditer(word):
        yield value_after(word, m.end(), "named secret", blank_ends=blank_ends)
    for m in _URL_PASSWORD.finditer(word):
        yield Span(m.start(1), m.end(1), "URL password")
    for m in _ASSIGNMENT.finditer(word):
        if secret_name(m.group(1)):
            yield value_after(word, m.end(), "named secret", blank_ends=blank_ends)
    header = _HEADER.match(word.strip(QUOTES))
    if header and secret_name(header.group(1)):
        value = header.group(2).rstrip()
        offset = word.index(value, len(word) - len(word.lstrip(QUOTES)))
        scheme = _AUTH_SCHEME.match(value)  # ``Bearer`` stays in sight, its credential not
        start = offset + (scheme.end() if scheme else 0)
        if start < offset + len(value):
            yield Span(start, offset + len(value), "header")
    for m in _SCHEME.finditer(word):
        yield Span(m.start(1), m.end(1), "header")
    if '"' in word:
        for m in _JSON_MEMBER.finditer(word):
            if m.end(2) > m.start(2) and secret_name(m.group(1)):
                yield Span(m.start(2), m.end(2), "named secret")
    for m in _URL_TOKEN_USER.finditer(word):
        if any(c.isdigit() for c in m.group(1)):
            yield Span(m.start(1), m.end(1), "URL token")
    for m in _WEBHOOK.finditer(word):
        group = 1 if m.group(1) is not None else 2
        yield Span(m.start(group), m.end(group), "webhook")
    if "," in word and "=" in word:
        yield from _shorthand_pairs(word)


def _shorthand_pairs(word: str) -> Iterator[Span]:
    """The values of AWS CLI shorthand pairs whose name is a secret's
    (``ParameterKey=DbPassword,ParameterValue=V``, ``{name=DB_PASSWORD,value=V}``), in either
    order; a quoted value runs to its closing quote (``ParameterValue="a,b"``)."""
    for group in _SHORTHAND_GROUP.finditer(word):
        name = _SHORTHAND_NAME.search(group.group())
        if name is None or not secret_name(name.group(1).strip(QUOTES)):
            continue
        for value in _SHORTHAND_VALUE.finditer(group.group()):
            start = group.start() + value.end()
            if start < len(word) and word[start] in QUOTES:
                close = word.find(word[start], start + 1)
                yield Span(start + 1, close if close != -1 else len(word), "named secret")
                continue
            comma = word.find(",", start, group.end())
            end = comma if comma != -1 else group.end()
            while end > start and word[end - 1] in QUOTES:
                end -= 1
            if end > start:
                yield Span(start, end, "named secret")


# -- shapes that take the command's other words ------------------------------------------------

_MYSQL = frozenset(
    {"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mariadb"}
    | {"mariadb-dump", "mariadb-admin", "mysqlsh"}
)
# Programs whose short options take a password (or a key) as their next word; ``login``
# stands for the ``docker|podman|helm registry|az|oras login`` family.
_LDAP = ("ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldapwhoami", "ldapcompare")
_PASSWORD_OPTIONS: dict[str, frozenset[str]] = {
    **{name: frozenset({"-p"}) for name in ("sshpass", "mongo", "mongosh", "login", "cqlsh")},
    **{name: frozenset({"-P"}) for name in ("sqlcmd", "bcp", "zip", "unzip", "zipcloak")},
    **{name: frozenset({"-w"}) for name in (*_LDAP, "ldapmodrdn", "ldapexop")},
    "ldappasswd": frozenset({"-w", "-a", "-s"}),
    "redis-cli": frozenset({"-a"}),
    "rabbitmqadmin": frozenset({"-p"}),
    "influx": frozenset({"-t"}),
    "doctl": frozenset({"-t"}),
    # ``--token`` and ``--password`` by their short names.
    **{name: frozenset({"-t"}) for name in ("vercel", "vc")},
    "supabase": frozenset({"-p"}),
    "ssh-keygen": frozenset({"-N", "-P"}),
    "openssl": frozenset({"-k", "-K"}),
}
# Programs that also take that value in the same word (``sshpass -pX``, ``docker login
# -pX``, ``7z a -pX``: 7-Zip's ``-p`` alone asks for the password instead).
_ATTACHED_PASSWORD: dict[str, str] = {
    **{name: "-p" for name in ("sshpass", "login", "mongo", "mongosh", "cqlsh", "7z", "7za")},
    **{name: "-P" for name in ("sqlcmd", "bcp")},
    "7zr": "-p",
    "redis-cli": "-a",
    "supabase": "-p",
}
# ``user:password`` options of HTTP clients.
_USER_OPTIONS = {
    "curl": frozenset({"-u", "--user", "-U", "--proxy-user"}),
    "http": frozenset({"-a", "--auth"}),
    "https": frozenset({"-a", "--auth"}),
    "xh": frozenset({"-a", "--auth"}),
}


# The programs whose ``login`` takes ``-p PASSWORD``. After ssh, with none of them, a
# ``login`` word is the remote command and ``-p`` ssh's port (``ssh -p2222 host login``).
# Elsewhere a ``login`` word still counts: a password left in the log costs more than a port
# hidden from it.
_LOGIN_PROGRAMS = frozenset(
    {"docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "az", "oras", "crane"}
    | {"regctl", "finch", "lima", "singularity", "apptainer", "cf", "oc"}
)
_SSH = frozenset({"ssh", "autossh", "mosh"})
_REDIS = frozenset({"redis-cli", "valkey-cli", "keydb-cli"})
# curl's short options run together, ``u`` (the user and password) last: ``-su``, ``-fsSLu``.
_CURL_SHORTS = re.compile(r"-[A-Za-z0-9#:]*u")


def word_spans(words: Sequence[str]) -> list[list[Span]]:
    """For each of one command's words, the secret spans in it."""
    found: list[list[Span]] = [list(in_word_spans(w)) for w in words]
    names = {program(w) for w in words}
    if "login" in names and names & _SSH and not names & _LOGIN_PROGRAMS:
        names.discard("login")
    reads_input = reads_secret_on_input(words)
    lowered = {w.lower() for w in words}
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if names & _REDIS and "setuser" in lowered and word.strip(QUOTES).startswith(">"):
            # ``ACL SETUSER bob on '>PW'``: a password the user is given.
            span = whole(word, "password option")
            if span is not None:
                _add(found, i, Span(span.start + 1, span.end, span.why))
        if reads_input and word.startswith("<<<"):
            # ``docker login --password-stdin <<< PASS``: the here-string is the password.
            _add(found, i, whole_from(word, 3, "piped password") if len(word) > 3 else None)
            _add(found, i + 1, whole(nxt, "piped password") if word == "<<<" and nxt else None)
        # A redirection after an option is not its value (``--with-token < file``).
        if nxt is None or nxt.startswith(("-", "<", ">")):
            continue
        if _takes_secret(word, names):
            _add(found, i + 1, whole(nxt, "secret option"))
        elif word.lower() in ("bearer", "basic") and len(nxt.strip(QUOTES)) >= 8:
            _add(found, i + 1, whole(nxt, "header"))
        elif any(word in opts for prog, opts in _USER_OPTIONS.items() if prog in names):
            colon = nxt.find(":")
            if colon != -1:
                _add(found, i + 1, whole_from(nxt, colon + 1, "user password"))
            elif names & {"http", "https", "xh"} and {"-A", "--auth-type"} & set(words):
                # ``http -A bearer -a TOKEN``: the value is the token itself.
                _add(found, i + 1, whole(nxt, "user password"))
        elif "curl" in names and _CURL_SHORTS.fullmatch(word):
            # ``curl -su user:PW``: combined short options, the last takes the value.
            colon = nxt.find(":")
            if colon != -1:
                _add(found, i + 1, whole_from(nxt, colon + 1, "user password"))
        elif "curl" in names and word in ("-b", "--cookie") and "=" in nxt:
            # A cookie given as data (a file's name has no ``=``): a session is a credential.
            _add(found, i + 1, whole(nxt, "cookie"))
        elif names & _REDIS and word.lower() in ("auth", "requirepass"):
            # ``AUTH [user] PW``, ``CONFIG SET requirepass PW``: the last of them.
            rest = words[i + 1 : i + 3] if word.lower() == "auth" else words[i + 1 : i + 2]
            _add(found, i + len(rest), whole(rest[-1], "password option"))

    attached = {_ATTACHED_PASSWORD[n] for n in names if n in _ATTACHED_PASSWORD}
    if names & _MYSQL:
        attached.add("-p")
    for i, word in enumerate(words):
        if word[:2] in attached and len(word) > 2 and word[2] not in "-=":
            _add(found, i, whole_from(word, 2, "password option"))
        elif word[:2] in ("-u", "-U") and "curl" in names and ":" in word:
            _add(found, i, whole_from(word, word.index(":") + 1, "user password"))
        for prog, opts in _USER_OPTIONS.items():
            if prog in names and "=" in word and word.split("=", 1)[0] in opts:
                colon = word.find(":", word.index("=") + 1)
                if colon != -1:
                    _add(found, i, whole_from(word, colon + 1, "user password"))
    for index, span in positional_spans(words, names):
        _add(found, index, span)
    return found


def piped_secrets(words: Sequence[str], *, into: Sequence[str]) -> list[list[Span]]:
    """For ``echo PASS | docker login --password-stdin`` (or ``| wrangler secret put K``): the
    spans of ``words`` (the echo) that are the password ``into`` (the login) reads."""
    if not words or not reads_secret_on_input(into) or program(words[0]) not in ("echo", "printf"):
        return [[] for _ in words]
    return [[] if i == 0 or w.startswith("-") else _list(whole(w, "piped password"))
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


# Words that make a program read a password or a passphrase on its input.
_STDIN_OPTIONS = frozenset({"--password-stdin", "--with-token", "--passphrase-stdin"})
_STDIN_PAIRS = frozenset(
    {("--passphrase-fd", "0"), ("-pass", "stdin"), ("-passin", "stdin"), ("-p", "@-")}
    | {("--passin", "stdin"), ("-passout", "stdin"), ("--password", "-")}
)


def reads_secret_on_input(words: Sequence[str]) -> bool:
    """Whether the command ``words`` reads a password or a secret's value on its input."""
    if _STDIN_OPTIONS.intersection(words) or "--data-file=-" in words:
        return True
    pairs = set(itertools.pairwise(words))
    if pairs & _STDIN_PAIRS or ("--data-file", "-") in pairs:
        return True
    name = program(words[0]) if words else ""
    if name == "chpasswd" or (name == "passwd" and "--stdin" in words):
        return True
    if name == "sudo" and any(w == "-S" or w == "--stdin" for w in words[1:3]):
        return True
    lowered = {w.lower() for w in words}
    return any(name == p and lowered.issuperset(verbs) for p, verbs in _STDIN_SECRETS)


def _list(span: Span | None) -> list[Span]:
    return [] if span is None else [span]


def _takes_secret(option: str, programs: set[str]) -> bool:
    """Whether ``option`` (written apart from its value) is followed by a secret."""
    if option.startswith("--") and "=" not in option:
        return secret_name(option[2:])
    if option.startswith("-") and len(option) == 2:
        return any(option in _PASSWORD_OPTIONS.get(p, ()) for p in programs)
    return False


def _add(found: list[list[Span]], index: int, span: Span | None) -> None:
    if span is not None and span.end > span.start:
        found[index].append(span)


def quoted_spans(text: str) -> list[Span]:
    """The PEM private keys and SQL ``PASSWORD '…'`` values of a whole text, which span blanks
    and so are found before the text is split into words."""
    spans = [Span(m.start(), m.end(), "private key") for m in _PRIVATE_KEY.finditer(text)]
    spans += [
        Span(m.start(g), m.end(g), "SQL password")
        for m in _SQL_PASSWORD.finditer(text)
        for g in (1, 2, 3)
        if m.group(g) is not None
    ]
    return spans
