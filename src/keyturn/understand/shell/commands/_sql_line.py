"""Where a SQL client connects, and what clients earlier on the line declared that it reaches.

:class:`Connection` is the server and database one client command (``psql``, ``mysql``,
``sqlite3``) reaches, and the session its statements share: psql's several ``-c``/``-f`` run
in one session, so a ``SET`` or ``\\c`` in one holds for the next (PostgreSQL 15 run:
``psql -c "SET session_replication_role = replica" -c "SHOW session_replication_role"`` showed
``replica``, as ``-f a.sql -f b.sql`` did).

Two client commands are two sessions: a ``SET session_replication_role``, ``SET
search_path``, ``USE db`` or ``PRAGMA`` in one is gone in the next (the same runs: a second
``psql`` showed ``origin`` and the default ``search_path``; MariaDB 10.11: a second ``mysql``
showed ``@@foreign_key_checks`` back at 1). What outlives the session is the schema: a foreign
key ``ON DELETE CASCADE``, an ``INHERITS``, a ``PARTITION OF`` declared by one command is
followed by the next one's ``DELETE FROM parent`` (PostgreSQL 15 and MariaDB 10.11 runs:
``psql -c "CREATE TABLE child (... REFERENCES parent ON DELETE CASCADE)" && psql -c "DELETE
FROM parent"`` emptied ``child``). So the links a command's text declared
(:attr:`keyturn.understand.sql.names.Session.dependents`, read by :mod:`keyturn.understand.sql
.reach`) are noted in ``ShellContext.sql_links`` for the later commands of the line that reach
the same server, and nothing else of the session is.

The server is told by the engine, the host (``localhost``, ``127.0.0.1``, ``::1``, a socket
directory and no host are the one local server), the port (the engine's default and none
alike) and where the client runs (``ssh host '…'``, ``docker exec``: ``runs_via``). The links
are kept by the tables' full names (``db:postgres/app/parent``), which name the database.
What the line does not tell alike (two spellings of one remote server) is not carried: judged
as before, by its own text.

SQLite keeps its foreign keys off in each new connection (sqlite3 3.40 run: ``sqlite3 db
"DELETE FROM parent"`` left the child's rows; after ``PRAGMA foreign_keys=ON`` in the same
connection -- its text, ``-cmd``, or the user's ``~/.sqliterc`` -- they went): the links
another command declared act only from that pragma on (``Session.dormant``). An in-memory
database goes with its process: its links are not carried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import setting, with_command
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.sql import run_sql
from keyturn.understand.sql.names import Dependent, Session
from keyturn.understand.sql.sqlite_files import MEMORY

EARLIER = "by an earlier command on the line"
_LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1", "[::1]"})
_DEFAULT_PORTS = {"postgres": "5432", "mysql": "3306"}
_FOREIGN_KEYS = re.compile(r"foreign_keys", re.IGNORECASE)

Links = dict[str, list[Dependent]]


@dataclass(slots=True)
class Connection:
    """Where a client connects, and the session its statements share (``\\c``, ``USE`` and
    psql's several ``-c`` carry on from one text to the next). The session starts with the
    links earlier commands on the line declared on the same server."""

    engine: str
    database: str | None = None
    host: str | None = None
    port: str | None = None
    _session: Session | None = None
    _server: tuple[str, ...] = ()

    def session(self, ctx: ShellContext) -> Session:
        if self._session is None:
            self._session = Session(self.engine, self.database or "*", self.host, ctx.target)
            self._server = _server(self.engine, self.host, self.port, ctx)
            _carry_in(self._session, ctx.sql_links.get(self._server, {}))
        return self._session

    def run(self, sql: str, ctx: ShellContext, *, psql_variables: bool = False) -> list[Effect]:
        return run_sql(sql, self.session(ctx), psql_variables=psql_variables)

    def finish(self, effects: list[Effect], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
        """``effects`` with the command's text, once the links the command declared are noted
        for the commands after it (on the server it started on, and on the one a ``\\c`` moved
        it to)."""
        session = self._session
        if session is not None and (session.dependents or session.dormant):
            ended = _server(self.engine, session.host, self.port, ctx)
            for server in dict.fromkeys((self._server, ended)):
                _note(session, ctx.sql_links.setdefault(server, {}))
        return with_command(effects, cmd)

    def sqlite_start_up(self, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
        """sqlite3 runs the user's start-up file first: ``~/.sqliterc`` of the home the
        password file gives, whatever ``HOME`` says (sqlite3 3.40 run: ``HOME=/x sqlite3``
        still ran ``/root/.sqliterc``, not ``/x/.sqliterc``); from 3.44 on,
        ``$XDG_CONFIG_HOME/sqlite3/sqliterc`` (else ``~/.config/sqlite3/sqliterc``) when that
        is there (its ``find_xdg_file``). One in a folder ``XDG_CONFIG_HOME`` moved is unknown;
        one that mentions ``foreign_keys`` may turn them on, and the links other commands
        declared then act (not told more closely: taken as on)."""
        session = self.session(ctx)
        home = ctx.home.rstrip("/")
        moved = setting(cmd, ctx.env, "XDG_CONFIG_HOME")
        if moved is not None and normalize_path(moved, cwd=ctx.cwd) != f"{home}/.config":
            place = f"{normalize_path(moved, cwd=ctx.cwd).rstrip('/')}/sqlite3/sqliterc"
            there = ctx.files.exists(place) or written_text(ctx.written, place)[0]
            if there or ctx.disk_stale or any(mark in moved for mark in "$`"):
                return [session.unknown("sqlite3 runs the sqliterc XDG_CONFIG_HOME points to")]
        if session.dormant:
            for name in (".config/sqlite3/sqliterc", ".sqliterc"):
                text = one_text_on_line(f"{home}/{name}", ctx)
                if text is not None and _FOREIGN_KEYS.search(text):
                    session.wake_foreign_keys()
        return []


def _server(engine: str, host: str | None, port: str | None, ctx: ShellContext) -> tuple[str, ...]:
    """The server a client reaches, as far as the line tells it (see the module's text)."""
    where = (host or "").strip().lower()
    if where in _LOCAL_HOSTS or where.startswith("/"):
        where = "local"
    told = (port or "").strip()
    if told == _DEFAULT_PORTS.get(engine):
        told = ""
    return (engine, where, told, *ctx.runs_via)


def _carry_in(session: Session, links: Links) -> None:
    """Start ``session`` with the links noted for its server (SQLite: dormant until its
    foreign keys are turned on)."""
    into = session.dormant if session.engine == "sqlite" else session.dependents
    for name, dependents in links.items():
        into[name] = list(dependents)


def _note(session: Session, links: Links) -> None:
    """Add the links ``session`` knows (declared in its text or carried in) to ``links``."""
    memory = f"db:sqlite/{MEMORY}/"
    for known in (session.dependents, session.dormant):
        for name, dependents in known.items():
            if name.startswith(memory):
                continue  # gone with the process
            noted = links.setdefault(name, [])
            for dependent in dependents:
                carried = replace(dependent, where=EARLIER)
                if carried not in noted:
                    noted.append(carried)
