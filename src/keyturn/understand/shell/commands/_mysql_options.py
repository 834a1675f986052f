"""The option files the ``mysql``/``mariadb`` client (and ``mysqladmin``) reads before its
command line, for :mod:`.sql_clients`.

Unless ``--no-defaults`` (or ``--defaults-file``, which names the only one), the client reads
``/etc/my.cnf``, ``/etc/mysql/my.cnf`` (and the other system places builds use), the
``--defaults-extra-file``, then ``~/.my.cnf``; later settings win, and the command line wins
over them all. Of each file only the client's groups count (``[client]``, ``[client-server]``,
``[client-mariadb]`` and the program's own: ``[mysql]``/``[mariadb-client]``,
``[mysqladmin]``/``[mariadb-admin]``, ``[mysqldump]``/``[mariadb-dump]``,
``[mysqlimport]``/``[mariadb-import]``; names compared without regard to case, as the client
does). There ``host`` and ``database`` say where the line's SQL lands and ``init-command`` is
SQL it runs first (judged); a program's own settings that write a file, change the server or
empty tables (mysqldump's ``result-file``, ``tab``, ``log-error``, ``delete-master-logs``,
``flush-logs``; mysqlimport's ``delete``) are kept in ``settings`` for the caller to judge,
and those that only shape the dump or the import are harmless to it; a setting keyturn does
not know, a file that is there but cannot be read, an ``!include`` that cannot be read or an
``!includedir`` keyturn cannot list (or one the line wrote into) leave the call unknown; a
folder it lists is read file by file (its ``.cnf`` files, as the client reads them). A system
file that is not there is not read (the client skips it too).

MySQL's client also reads the encrypted ``~/.mylogin.cnf`` (even with ``--no-defaults``):
when it is there and the line gives no ``-h``, the host is not told. A start-up file the line
moved (``MYSQL_HOME``, ``MARIADB_HOME``, another ``HOME``) or a group suffix
(``MYSQL_GROUP_SUFFIX``) is not followed: unknown.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from keyturn.understand.shell.commands._argv import Parsed, setting
from keyturn.understand.shell.commands._home import command_home, home_moved
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

__all__ = ["MysqlOptions", "mysql_options"]

# Where builds of MySQL and MariaDB look for the system-wide file (Linux packages, tarballs,
# Homebrew), in the order the client reads them.
_SYSTEM_FILES = (
    "/etc/my.cnf",
    "/etc/mysql/my.cnf",
    "/usr/etc/my.cnf",
    "/usr/local/etc/my.cnf",
    "/usr/local/mysql/etc/my.cnf",
    "/opt/homebrew/etc/my.cnf",
)
# The groups every client reads, and each program's own (MySQL's and MariaDB's names).
_CLIENT_GROUPS = frozenset({"client", "client-server", "client-mariadb"})
_PROGRAM_GROUPS = {
    "mysql": frozenset({"mysql", "mariadb-client"}),
    "mysqladmin": frozenset({"mysqladmin", "mariadb-admin"}),
    "mysqldump": frozenset({"mysqldump", "mariadb-dump"}),
    "mysqlimport": frozenset({"mysqlimport", "mariadb-import"}),
}
# mysqldump's settings that write a file or change the server: kept for the caller.
_DUMP_KEPT = frozenset({"result-file", "tab", "log-error", "delete-master-logs", "flush-logs"})
# mysqldump's settings that only shape the dump it writes (what it holds, how it reads):
# ``database`` is a prefix of ``databases``, which mariadb-dump takes with a warning.
_DUMP_HARMLESS = frozenset(
    {"add-drop-database", "add-drop-table", "add-drop-trigger", "add-locks", "all-databases"}
    | {"allow-keywords", "comments", "compact", "complete-insert", "create-options", "database"}
    | {"databases", "disable-keys", "dump-date", "events", "extended-insert", "hex-blob"}
    | {"flush-privileges", "ignore-table", "ignore-database", "include-master-host-port"}
    | {"insert-ignore", "lock-all-tables", "lock-tables", "master-data", "source-data"}
    | {"net-buffer-length", "no-autocommit", "no-create-db", "no-create-info", "no-data"}
    | {"opt", "order-by-primary", "quick", "quote-names", "replace", "routines", "set-charset"}
    | {"single-transaction", "triggers", "tz-utc", "column-statistics", "set-gtid-purged"}
    | {"no-tablespaces", "dump-slave", "apply-slave-statements", "gtid", "hex-blob", "xml"}
)
# mysqlimport's ``delete`` empties each table first: kept for the caller. Its other settings
# shape how the files are read or how rows meet (``replace`` and ``ignore`` only decide which
# of two rows with the same key stays: the import is an update either way); ``database`` is
# ignored (the database is the first operand).
_IMPORT_KEPT = frozenset({"delete"})
_IMPORT_HARMLESS = frozenset(
    {"columns", "database", "fields-terminated-by", "fields-enclosed-by", "fields-escaped-by"}
    | {"fields-optionally-enclosed-by", "lines-terminated-by", "ignore-lines", "ignore"}
    | {"ignore-foreign-keys", "local", "lock-tables", "low-priority", "replace", "use-threads"}
    | {"verbose", "character-sets-dir"}
)
# Per program: (settings kept for the caller, settings harmless to it).
_PROGRAM_SETTINGS = {
    "mysqldump": (_DUMP_KEPT, _DUMP_HARMLESS),
    "mysqlimport": (_IMPORT_KEPT, _IMPORT_HARMLESS),
}
# Variables that move where the client looks for its files: not followed.
_MOVES = ("MYSQL_HOME", "MARIADB_HOME", "MYSQL_GROUP_SUFFIX", "MYSQL_TEST_LOGIN_FILE")
_MAX_DEPTH = 10  # the client's own limit on nested ``!include``

# Option-file settings that change nothing keyturn judges (connection details, output form).
_HARMLESS_SETTINGS = frozenset(
    {"user", "password", "port", "socket", "protocol", "default-character-set", "compress"}
    | {"connect-timeout", "max-allowed-packet", "ssl", "ssl-ca", "ssl-cert", "ssl-key"}
    | {"ssl-mode", "ssl-verify-server-cert", "skip-ssl", "auto-rehash", "no-auto-rehash"}
    | {"skip-auto-rehash", "prompt", "safe-updates", "i-am-a-dummy", "batch", "silent"}
    | {"table", "vertical", "column-names", "skip-column-names", "raw", "force"}
    | {"show-warnings", "no-beep", "reconnect", "skip-reconnect", "wait", "xml", "html"}
)


@dataclass(slots=True)
class MysqlOptions:
    """What the option files say: where the client connects (``None``: they do not say),
    the ``init-command`` texts it runs first, and why any of it could not be judged."""

    database: str | None = None
    host: str | None = None
    init: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The program's own settings the caller judges (``result-file``...): name -> last value.
    settings: dict[str, str] = field(default_factory=dict)


def mysql_options(
    cmd: SimpleCommand, ctx: ShellContext, args: Parsed, *, program: str
) -> MysqlOptions:
    """Read the option files this call of ``program`` (``mysql``, ``mysqladmin``) reads, in
    the client's order."""
    kept, harmless = _PROGRAM_SETTINGS.get(program, (frozenset(), frozenset()))
    reader = _Reader(ctx, _CLIENT_GROUPS | _PROGRAM_GROUPS[program], kept, harmless)
    named = args.all("defaults-file")
    if named:  # the only file read (a later one wins)
        reader.read(named[-1].value, explicit=True)
    elif not args.has("no-defaults"):
        moved = [name for name in _MOVES if setting(cmd, ctx.env, name)]
        reader.found.problems += [f"reads option files from where {n} points" for n in moved]
        for path in _SYSTEM_FILES:
            reader.read(path, explicit=False)
        for arg in args.all("defaults-extra-file"):
            reader.read(arg.value, explicit=True)
        _read_user_file(cmd, reader)
    if not args.has("no-login-paths", "h"):
        reader.found.problems += _login_file(cmd, ctx)
    return reader.found


def _read_user_file(cmd: SimpleCommand, reader: _Reader) -> None:
    if home_moved(cmd, reader.ctx):
        reader.found.problems.append("reads the ~/.my.cnf of another HOME")
        return
    home = command_home(cmd, reader.ctx) or reader.ctx.home
    reader.read(posixpath.join(home, ".my.cnf"), explicit=False)


def _login_file(cmd: SimpleCommand, ctx: ShellContext) -> list[str]:
    """MySQL's encrypted login file, which may set the host: not readable here."""
    home = command_home(cmd, ctx)
    if home is None or _present(posixpath.join(home, ".mylogin.cnf"), ctx):
        return ["reads the encrypted ~/.mylogin.cnf: the host it connects to is not told"]
    return []


def _present(path: str, ctx: ShellContext) -> bool:
    """Whether the file is there (on disk, or written by an earlier command on the line)."""
    return ctx.files.exists(path) or written_text(ctx.written, path)[0]


@dataclass(slots=True)
class _Reader:
    """Reads option files into :attr:`found`, taking the settings of ``groups`` only."""

    ctx: ShellContext
    groups: frozenset[str]
    kept: frozenset[str] = frozenset()
    harmless: frozenset[str] = frozenset()
    found: MysqlOptions = field(default_factory=MysqlOptions)

    def read(self, path: str, *, explicit: bool, depth: int = 0) -> None:
        """Read one option file. A default file that is not there is skipped; any other that
        cannot be read is a problem."""
        absolute = normalize_path(path, cwd=self.ctx.cwd)
        if not explicit and not _present(absolute, self.ctx):
            return
        text = one_text_on_line(absolute, self.ctx)
        if text is None:
            self.found.problems.append(f"reads options from {absolute}, which could not be read")
            return
        group = ""
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("!"):
                self._include(line, absolute, depth)
            elif line.startswith("["):  # the client trims the name's end, not its start
                group = line[1:].partition("]")[0].rstrip().lower()
            elif line and line[0] not in "#;" and group in self.groups:
                self._setting(line, absolute)

    def _include(self, line: str, origin: str, depth: int) -> None:
        """``!include FILE`` (read; unknown when it cannot be) or ``!includedir DIR``."""
        directive, _, target = line.partition(" ")
        target = target.strip()
        if directive == "!include" and target and depth < _MAX_DEPTH:
            self.read(target, explicit=True, depth=depth + 1)
            return
        folder = normalize_path(target, cwd=self.ctx.cwd)
        if directive == "!includedir" and not self.ctx.files.exists(folder):
            return  # the client stops with an error: nothing runs
        listed = self.ctx.files.list_dir(folder) if directive == "!includedir" else None
        if listed is None or depth >= _MAX_DEPTH or self._written_under(folder):
            self.found.problems.append(f"{origin} includes files keyturn cannot list: {line[:60]}")
            return
        # The client reads the folder's ``.cnf`` files (Debian's conf.d and mariadb.conf.d).
        for name in listed:
            if name.endswith(".cnf"):
                self.read(posixpath.join(folder, name), explicit=True, depth=depth + 1)

    def _written_under(self, folder: str) -> bool:
        """Whether the line wrote a file under ``folder`` before this command: the folder's
        listing on disk is then not what the client finds."""
        prefix = folder.rstrip("/") + "/"
        return any(path.startswith(prefix) for path in self.ctx.written)

    def _setting(self, line: str, origin: str) -> None:
        key, eq, value = line.partition("=")
        key = key.strip().lower().replace("_", "-").removeprefix("loose-")
        value = _option_value(value.strip()) if eq else ""
        if key == "database":
            self.found.database = value or self.found.database
        elif key == "host":
            self.found.host = value or self.found.host
        elif key == "init-command":
            self.found.init.append(value)
        elif key in self.kept:
            self.found.settings[key] = value
        elif (self.harmless and key.startswith("skip-")) or key in self.harmless:
            return  # ``skip-X`` only turns a dump setting off
        elif key not in _HARMLESS_SETTINGS:
            self.found.problems.append(f"{origin} sets {key}, which keyturn does not judge")


def _option_value(value: str) -> str:
    """An option file's value without its quotes (``"DROP TABLE t"``)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].replace("\\" + value[0], value[0])
    return value.split("#", 1)[0].strip()
