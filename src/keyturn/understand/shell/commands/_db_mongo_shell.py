"""What a ``mongosh``/``mongo`` call runs and where, for :mod:`._datastores` (the code itself
is read by :mod:`._mongo_code`). As mongosh's own argument parser and start-up read a line:

- Options that take a value take the next word (``--authenticationMechanism X``, ``--db X``,
  which mongosh then ignores): it is not the connection.
- The first operand not ending ``.js``/``.mongodb`` (none with ``--nodb``) is the connection:
  a ``mongodb://`` URI, ``host[:port]/db``, ``host:port``, a name with a dot (a host: the
  database is not told) or a database name. ``--host`` names the host.
- The other operands and each ``--file`` are scripts, run after every ``--eval``, in order,
  in the same session (a ``use`` in one holds for the next); one that cannot be read is
  unknown, and the database later code runs on is then not told.
- With no code on the line, or with ``--shell``, the shell is interactive: it runs
  ``~/.mongoshrc.js`` (unless ``--norc``) and then reads stdin (a heredoc, text piped in, a
  ``<`` file). The legacy ``mongo`` shell runs ``~/.mongorc.js`` after the line's code too.
  A home not told (``HOME=$(…)``) leaves the start-up file unknown.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import Arg, Spec, is_dynamic, parse
from keyturn.understand.shell.commands._db_stdin import stdin_text
from keyturn.understand.shell.commands._home import command_home
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.sql.names import Session

__all__ = ["mongo_shell"]

# mongosh's options that take a value (its CliOptionsSchema's strings and arrays).
_VALUED = frozenset(
    {"eval", "port", "authenticationDatabase", "authenticationMechanism", "apiVersion", "db"}
    | {"awsAccessKeyId", "awsIamSessionToken", "awsSecretAccessKey", "awsSessionToken"}
    | {"csfleLibraryPath", "cryptSharedLibPath", "gssapiServiceName", "gssapiHostName"}
    | {"sspiHostnameCanonicalization", "sspiRealmOverride", "jsContext", "keyVaultNamespace"}
    | {"kmsURL", "locale", "oidcFlows", "oidcRedirectUri", "oidcRedirectUrl", "tlsCAFile"}
    | {"tlsCertificateKeyFile", "tlsCertificateKeyFilePassword", "tlsCertificateSelector"}
    | {"tlsCRLFile", "tlsDisabledProtocols", "sslPEMKeyFile", "sslPEMKeyPassword", "sslCAFile"}
    | {"sslCertificateSelector", "sslCRLFile", "sslDisabledProtocols", "browser", "tls"}
)
_SPEC = Spec(
    short="uphf",
    long={"username": "u", "password": "p", "host": "h", "file": "f"},
    long_valued=_VALUED,
)
# mongosh's reading of a connection that is not a URI: host[:port][/db].
_HOST_DB = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]+)(?::(\d+))?(?:/(\S*))?")
_SCRIPTS = (".js", ".mongodb")

Run = Callable[[str, Session], list[Effect]]


def mongo_shell(cmd: SimpleCommand, ctx: ShellContext, run: Run) -> list[Effect]:
    """The effects of the code this call runs, each piece judged by ``run`` in one session."""
    args = parse(cmd, _SPEC)
    operands = list(args.operands)
    first = operands[0] if operands else None
    connection = None
    scripts_only = args.has("nodb") or first is None
    if first is not None and not scripts_only and not _script_name(first.value):
        connection = operands.pop(0)
    database, host = _connection(cmd, connection)
    told = args.last("h")
    s = Session("mongodb", database or "*", (told.value if told else None) or host, ctx.target)
    effects: list[Effect] = []
    for arg in args.all("eval"):
        effects += _code(cmd, arg, s, run)
    for arg in [*args.all("f"), *operands]:
        effects += _script(cmd, ctx, arg, s, run)
    interactive = (not args.has("eval", "f") and not operands) or args.has("shell")
    if not args.has("norc") and (interactive or cmd.name == "mongo"):
        effects += _start_up(cmd, ctx, s, run)
    if interactive:
        effects += _stdin(cmd, ctx, s, run)
    return effects


def _script_name(value: str) -> bool:
    """Whether an operand is a script's name rather than the connection."""
    return "://" not in value and value.endswith(_SCRIPTS)


def _connection(cmd: SimpleCommand, arg: Arg | None) -> tuple[str | None, str | None]:
    """(database, host) of the connection operand; ``("*", None)`` when decided at run time."""
    if arg is None:
        return None, None
    if is_dynamic(cmd, arg):
        return "*", None
    value = arg.value
    if "://" in value:
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:  # a malformed port: the rest is still read
            parts, host = urlsplit(value.rsplit("@", 1)[-1]), None
        return parts.path.strip("/") or None, host
    found = _HOST_DB.fullmatch(value)
    if found is None:  # mongosh refuses one with / \ . " $ or a blank; else: a database
        return ("*" if re.search(r'[/\\. "$]', value) else value), None
    host, port, database = found.groups()
    if not port and database is None and "." not in host:
        return host, None
    return database or None, host


def _code(cmd: SimpleCommand, arg: Arg, s: Session, run: Run) -> list[Effect]:
    if is_dynamic(cmd, arg):
        return _unread(s, "runs code decided at run time")
    return run(arg.value, s)


def _script(cmd: SimpleCommand, ctx: ShellContext, arg: Arg, s: Session, run: Run) -> list[Effect]:
    """A script file the line runs; one decided at run time or not readable is unknown."""
    path = normalize_path(arg.value, cwd=ctx.cwd)
    text = None if is_dynamic(cmd, arg) else one_text_on_line(path, ctx)
    if text is None:
        return _unread(s, f"{cmd.name} runs the script {path}, which could not be read")
    return run(text, s)


def _unread(s: Session, reason: str) -> list[Effect]:
    """Code not read: unknown where it starts; later code runs on a database not told (it
    may have pointed ``db`` anywhere)."""
    effect = s.unknown(reason)
    s.database = "*"
    return [effect]


def _start_up(cmd: SimpleCommand, ctx: ShellContext, s: Session, run: Run) -> list[Effect]:
    """The user's start-up file: ``~/.mongoshrc.js`` (legacy ``mongo``: ``~/.mongorc.js``)."""
    home = command_home(cmd, ctx)
    if home is None:
        return _unread(s, f"{cmd.name} runs the start-up file of a home not told")
    name = ".mongorc.js" if cmd.name == "mongo" else ".mongoshrc.js"
    path = posixpath.join(home, name)
    if not (ctx.files.exists(path) or written_text(ctx.written, path)[0]):
        return []
    text = one_text_on_line(path, ctx)
    if text is None:
        return _unread(s, f"{cmd.name} runs {path}, which could not be read")
    return run(text, s)


def _stdin(cmd: SimpleCommand, ctx: ShellContext, s: Session, run: Run) -> list[Effect]:
    text, problem = stdin_text(cmd, ctx)
    if text is not None:
        return run(text, s)
    if problem is None and cmd.stdin_dynamic:
        problem = "runs code piped in, not known now"
    return [s.unknown(f"{cmd.name}: {problem or 'interactive: the code is not known'}")]
