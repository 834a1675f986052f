"""``sqlcmd`` (SQL Server, both the ODBC tool and go-sqlcmd's ``sqlcmd query``) and ``snowsql``
(Snowflake): clients whose scripts mix SQL with the client's own command lines.

sqlcmd: ``-Q``/``-q`` text, ``-i a.sql[,b.sql]`` files, stdin; ``GO`` (or ``-c WORD``) ends a
batch; ``$(name)`` takes its value from ``-v name=value``, ``:setvar`` or the environment
(``-x`` turns that off), and is unknown without one; ``:r file`` runs the file's script;
``!!cmd`` runs a shell command (judged as one; ``-X`` turns it off); ``:connect`` moves to
another server (later SQL is named there); ``:out file``, ``:error file`` and ``:ed`` are
unknown. The server is ``-S [tcp:]host[\\instance][,port]`` or ``SQLCMDSERVER``; the database
``-d`` or ``SQLCMDDBNAME``; a ``SQLCMDINI`` startup script runs first.

snowsql: ``-q`` text, ``-f`` files, stdin; ``!source``/``!load FILE`` run a file, ``!system
CMD`` a shell command, ``!spool FILE`` and ``!connect`` are unknown; with ``-o
variable_substitution=true`` (or its config files' ``[options]`` saying so), ``&name``/
``&{name}`` take ``-D name=value`` values (unknown without one). The server is named by the
account (``-a``, ``SNOWSQL_ACCOUNT``, else the connection's ``accountname`` in its config
files) or ``-h``, else by the connection name (``-c``); database and schema by ``-d``/``-s``,
else the connection's ``dbname``/``schemaname``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import Arg, Spec, is_dynamic, parse, setting
from keyturn.understand.shell.commands._warehouse_sql import Client
from keyturn.understand.shell.commands._warehouse_tsql import script_items, substitute
from keyturn.understand.shell.effects import command_effect, home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_PRINTS = "only prints help or the version"
_MAX_DEPTH = 8  # files that include files (:r, !source) are followed this deep


class _Script:
    """Reads a client's script: SQL to the client, command lines to ``command``."""

    def __init__(
        self,
        client: Client,
        *,
        commands: tuple[str, ...],
        terminator: str | None,
        variables: dict[str, str],
        substitute: Callable[[str, dict[str, str]], tuple[str, list[str]]] | None,
    ) -> None:
        self.client = client
        self.commands = commands
        self.terminator = terminator
        self.variables = variables
        self.substitute = substitute
        self.depth = 0

    def text(self, arg: Arg) -> None:
        if is_dynamic(self.client.cmd, arg):
            self.client.unknown("runs SQL text decided at run time")
        else:
            self.run(arg.value)

    def file(self, path: str) -> None:
        if self.depth >= _MAX_DEPTH:
            self.client.unknown(f"runs {path}, nested too deeply to follow")
            return
        self.depth += 1
        self.client.file(path, self.run)
        self.depth -= 1

    def run(self, text: str) -> None:
        items = script_items(text, terminator=self.terminator, commands=self.commands)
        for kind, item in items:
            if self.substitute is not None:
                item, missing = self.substitute(item, self.variables)
                if missing:
                    self.client.unknown(f"the variable {missing[0]} has no value known now")
                    continue
            if kind == "sql":
                self.client.run(item)
            else:
                self.command(item)

    def command(self, line: str) -> None:
        raise NotImplementedError

    def nested(self, line: str) -> None:
        """A shell command the script runs, judged as one."""
        ctx = self.client.ctx
        if ctx.understand_nested is None:
            self.client.unknown(f"runs a shell command: {line[:80]}")
        else:
            self.client.effects += ctx.understand_nested(line)


class _SqlcmdScript(_Script):
    shell_allowed = True

    def command(self, line: str) -> None:
        if line.startswith("!!") or line.lower().startswith(":!!"):
            if self.shell_allowed:
                self.nested(line.split("!!", 1)[1].strip())
            return
        word, _, rest = line[1:].strip().partition(" ")
        word, rest = word.lower(), rest.strip()
        if word == "setvar":
            name, _, value = rest.partition(" ")
            self.variables[name] = value.strip().strip('"')
        elif word == "r":
            self.file(rest.strip('"'))
        elif word == "connect":
            self.client.host, self.client.database = sqlcmd_server(rest.split(" ")[0]), None
        elif word.startswith("exit(") or (word == "exit" and rest.startswith("(")):
            inner = (word[4:] + rest).strip()[1:-1]
            if inner.strip():
                self.client.run(inner)
        elif word in ("out", "error", "perftrace"):
            if rest.lower() not in ("stdout", "stderr"):
                self.client.unknown(f":{word} writes the output to a file ({rest[:80]})")
        elif word == "ed":
            self.client.unknown(":ed runs an editor on the batch")
        elif word not in _SQLCMD_QUIET:
            self.client.unknown(f"sqlcmd command not understood: :{word}")


_SQLCMD_QUIET = frozenset({"on", "exit", "quit", "reset", "list", "listvar", "help", "xml"})
_SQLCMD_QUIET |= {"serverlist"}
_SQLCMD_VALUED = frozenset("SdUPQqiocvhstwlafmVyYHKzZF")
# The other letters take no value, or one glued on (-r1, -Lc): the word's rest.
_SQLCMD_LONG = {
    "server": "S",
    "database-name": "d",
    "user-name": "U",
    "password": "P",
    "query": "Q",
    "initial-query": "q",
    "input-file": "i",
    "output-file": "o",
    "variables": "v",
    "batch-terminator": "c",
    "disable-variable-substitution": "x",
    "disable-cmd": "X",
    "help": "?",
}


def sqlcmd_server(text: str) -> str | None:
    """The host of a ``-S`` value: ``tcp:db.prod,1433``, ``db\\INST``, ``(localdb)\\v``."""
    host = re.sub(r"^(tcp|np|lpc|admin):", "", text.strip(), flags=re.IGNORECASE)
    host = re.split(r"[\\,]", host, maxsplit=1)[0].strip()
    return host or None


def _sqlcmd_args(cmd: SimpleCommand) -> tuple[list[Arg], list[str], dict[str, str]]:
    """Options in order (``-v`` pairs apart), operands, and ``-v`` variables."""
    argv, options, operands, variables = cmd.argv, [], [], {}
    i = 1
    while i < len(argv):
        word = argv[i]
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            key = _SQLCMD_LONG.get(name, name)
            if not eq and key in _SQLCMD_VALUED and i + 1 < len(argv):
                value, i = argv[i + 1], i + 1
        elif word.startswith("-") and len(word) > 1:
            key, value = word[1], word[2:]
            if key in _SQLCMD_VALUED and not value and i + 1 < len(argv):
                value, i = argv[i + 1], i + 1
        else:
            operands.append(word)
            i += 1
            continue
        options.append(Arg(key, value, i))
        while key == "v" and "=" in value:
            name, _, found = value.partition("=")
            variables[name] = found
            if i + 1 < len(argv) and "=" in argv[i + 1] and argv[i + 1][:1] != "-":
                value, i = argv[i + 1], i + 1
            else:
                break
        i += 1
    return options, operands, variables


@command("sqlcmd")
def sqlcmd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``sqlcmd [-S SERVER] [-d DB] [-Q SQL | -q SQL | -i FILES] [-v x=1]`` and go-sqlcmd's
    ``sqlcmd query SQL``; its other sub-commands are not understood."""
    options, operands, given = _sqlcmd_args(cmd)
    keys = {a.key for a in options}
    if "?" in keys:
        return [command_effect(EffectKind.READ, cmd, ctx, detail=_PRINTS)]
    if operands and operands[0] != "query":
        return None
    last = {a.key: a.value for a in options}
    server = last.get("S") or setting(cmd, ctx.env, "SQLCMDSERVER")
    database = last.get("d") or setting(cmd, ctx.env, "SQLCMDDBNAME")
    client = Client("mssql", cmd, ctx, database=database, host=sqlcmd_server(server or ""))
    script = _SqlcmdScript(
        client,
        commands=(":", "!!"),
        terminator=last.get("c") or "GO",
        variables={**ctx.env, **cmd.assignments, **given},
        substitute=None if "x" in keys else substitute,
    )
    script.shell_allowed = "X" not in keys
    startup = setting(cmd, ctx.env, "SQLCMDINI")
    if startup:
        script.file(startup)
    texts = [a for a in options if a.key in ("Q", "q", "i")]
    if operands:  # sqlcmd query "SQL"
        texts = [Arg("Q", " ".join(operands[1:]), cmd.argv.index(operands[0]) + 1)]
    for arg in texts:
        if arg.key == "i":
            for path in arg.value.split(","):
                script.file(path.strip())
        else:
            script.text(arg)
    if not texts or "q" in keys:
        client.stdin(script.run)
    return client.done()


class _SnowsqlScript(_Script):
    def command(self, line: str) -> None:
        word, _, rest = line[1:].strip().partition(" ")
        word, rest = word.lower(), rest.strip().rstrip(";").strip()
        if word in ("source", "load"):
            self.file(rest.strip("'\""))
        elif word == "system":
            self.nested(rest)
        elif word == "set" and rest.replace(" ", "").lower().startswith("variable_substitution="):
            on = rest.partition("=")[2].strip().lower() in ("true", "on", "1", "yes")
            self.substitute = _ampersands if on else None
        elif word == "define":
            name, _, value = rest.partition("=")
            self.variables[name.strip()] = value.strip()
        elif word == "spool" and rest.lower() != "off":
            self.client.unknown(f"!spool writes query output to a file ({rest[:80]})")
        elif word in ("connect", "edit"):
            self.client.unknown(f"!{word} is not judged")
        elif word not in _SNOWSQL_QUIET:
            self.client.unknown(f"snowsql command not understood: !{word}")


_SNOWSQL_QUIET = frozenset({"set", "print", "quit", "exit", "abort", "rehash", "result"})
_SNOWSQL_QUIET |= {"variables", "options", "pause", "help", "queries", "spool"}
_SNOWSQL = Spec(
    short="audsrwhpmcqfoD",
    long={
        "accountname": "a",
        "username": "u",
        "dbname": "d",
        "schemaname": "s",
        "rolename": "r",
        "warehouse": "w",
        "host": "h",
        "port": "p",
        "mfa-passcode": "m",
        "connection": "c",
        "query": "q",
        "filename": "f",
        "option": "o",
        "variable": "D",
    },
    long_valued=frozenset({"config", "authenticator", "region", "private-key-path", "token"})
    | {"query_tag", "log_file", "proxy"},
)
_AMPERSAND = re.compile(r"&\{(\w+)\}|&(\w+)")


def _ampersands(text: str, variables: dict[str, str]) -> tuple[str, list[str]]:
    missing: list[str] = []

    def value(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        found = variables.get(name, variables.get(name.lower()))
        if found is None:
            missing.append("&" + name)
            return m.group(0)
        return found

    return _AMPERSAND.sub(value, text), missing


_SNOWSQL_CONFIGS = (
    *("/etc/snowsql.cnf", "/etc/snowflake/snowsql.cnf", "/usr/local/etc/snowsql.cnf"),
    *("~/.snowsql.cnf", "~/.snowsql/config"),
)


def _snowsql_config(ctx: ShellContext, given: Arg | None, connection: str | None) -> dict[str, str]:
    """What snowsql's config files set: the connection's ``accountname``, ``dbname`` and
    ``schemaname`` (``[connections.NAME]`` for ``-c NAME``, else ``[connections]``) and the
    ``[options]`` (``variable_substitution``), later files over earlier ones."""
    import configparser

    found: dict[str, str] = {}
    wanted = ("options", f"connections.{connection}" if connection else "connections")
    for path in [given.value] if given else list(_SNOWSQL_CONFIGS):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read_string(ctx.files.read_text(home_path(path, ctx), limit=65_536) or "")
        except configparser.Error:
            continue
        for section in wanted:
            if parser.has_section(section):
                found.update({k: v.strip("'\"") for k, v in parser.items(section)})
    return found


@command("snowsql")
def snowsql(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``snowsql [-a ACCOUNT] [-c CONN] [-d DB] [-s SCHEMA] [-q SQL | -f FILE]...``."""
    args = parse(cmd, _SNOWSQL)
    if args.has("help", "?", "v", "version", "versions"):
        return [command_effect(EffectKind.READ, cmd, ctx, detail=_PRINTS)]
    last = {a.key: a.value for a in args.options}
    config = _snowsql_config(ctx, args.last("config"), last.get("c"))
    account = last.get("h") or last.get("a") or setting(cmd, ctx.env, "SNOWSQL_ACCOUNT")
    account = account or config.get("accountname")
    database = last.get("d") or setting(cmd, ctx.env, "SNOWSQL_DATABASE")
    schema = last.get("s") or setting(cmd, ctx.env, "SNOWSQL_SCHEMA")
    client = Client(
        "snowflake",
        cmd,
        ctx,
        database=database or config.get("dbname"),
        host=account or last.get("c"),
        schema=schema or config.get("schemaname") or "",
    )
    options = {a.value.partition("=")[0].lower(): a.value.partition("=")[2] for a in args.all("o")}
    substitution = options.get("variable_substitution", config.get("variable_substitution", ""))
    on = substitution.lower() in ("true", "on", "1", "yes")
    variables = dict(a.value.split("=", 1) for a in args.all("D") if "=" in a.value)
    script = _SnowsqlScript(
        client,
        commands=("!",),
        terminator=None,
        variables=variables,
        substitute=_ampersands if on else None,
    )
    for arg in args.all("q", "f"):
        if arg.key == "q":
            script.text(arg)
        else:
            script.file(arg.value)
    if not args.has("q", "f"):
        client.stdin(script.run)
    return client.done()
