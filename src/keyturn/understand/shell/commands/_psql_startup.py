"""psql's start-up files, for :mod:`.sql_clients`: what psql runs before the line's SQL.

Unless ``-X``/``--no-psqlrc``, psql runs the system-wide ``psqlrc`` (in ``PGSYSCONFDIR``, else
the directory its build names: ``/etc/postgresql-common`` on Debian and kin) and then the
user's ``~/.psqlrc``, as a script in the same session as the line's ``-c``/``-f``: its SQL, its
meta-commands and a ``\\c`` there count. ``PSQLRC`` (``~`` expanded) names the user's file
instead of ``~/.psqlrc``. Each may be made version-specific, ``FILE-<PG_VERSION>`` before
``FILE-<major>``: read instead of the plain one by that version only. ``PG_VERSION`` is
``15.20`` from source but ``15.20 (Debian 15.20-0+deb12u1)`` in Debian's build (psql 15.20
ran ``~/.psqlrc-15.20 (Debian 15.20-0+deb12u1)``), so every ``FILE-*`` in the folder counts;
the version that will run is not known here, so every such file found is judged. A file that
is there but cannot be read is unknown; the user's one, when the line points it where keyturn
cannot follow (another ``HOME``, a ``PSQLRC`` decided at run time), is left to the caller,
which holds it as unknown.

(A folder the file reader cannot list, one of more than its limit of names, is looked in for
the major versions 9.0 to 29 only.)
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._home import command_home
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.sql.names import Session

__all__ = ["StartUp", "psql_start_up", "user_file"]

# Where builds put the system configuration directory (Debian, PGDG RPMs, source, Homebrew,
# Arch and others), looked in when PGSYSCONFDIR is not set.
_SYSTEM_DIRS = (
    "/etc/postgresql-common",
    "/etc/sysconfig/pgsql",
    "/usr/local/pgsql/etc",
    "/usr/local/etc",
    "/opt/homebrew/etc",
    "/etc",
)
_MAJORS = (*(f"9.{n}" for n in range(7)), *(str(n) for n in range(10, 30)))


@dataclass(slots=True)
class StartUp:
    """The start-up files psql may run: for the system-wide file and then the user's, the
    texts of those found (psql runs one of each: the one for its version, else the plain one),
    and what could not be read."""

    choices: list[list[str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Whether any of the user's files (plain or a version's) is there.
    user_found: bool = False

    def judge(self, session: Session, run: Callable[[str], list[Effect]]) -> list[Effect]:
        """The effects of running the start-up files in ``session`` with ``run``: each text of
        a choice is judged from where the choice starts; where they end in different databases
        (a ``\\c`` in one), the database later SQL runs on is not told."""
        effects = [session.unknown(problem) for problem in self.problems]
        for texts in self.choices:
            start = session.position()
            ends = []
            for text in texts:
                session.move_to(start)
                effects += run(text)
                ends.append(session.position())
            session.move_to(ends[0])
            if any(end != ends[0] for end in ends):
                session.database, session.search_path = "*", ()
        return effects


def psql_start_up(cmd: SimpleCommand, ctx: ShellContext, *, user: str | None) -> StartUp:
    """The system-wide start-up files this psql call may run, and the user's (``user``: its
    plain path); the caller has checked ``-X``, and gives ``user=None`` when the line moved
    the user's file where it cannot be followed, which it holds as unknown."""
    found = StartUp()
    directory = setting(cmd, ctx.env, "PGSYSCONFDIR")
    for folder in (directory,) if directory else _SYSTEM_DIRS:
        if ctx.files.is_dir(folder):
            _versions_of(posixpath.join(folder, "psqlrc"), ctx, found)
    if user is not None:
        found.user_found = _versions_of(user, ctx, found)
    return found


def user_file(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The user's start-up file: ``PSQLRC`` (``~`` expanded, relative to the working
    directory) when set and not empty, else ``~/.psqlrc``; ``None`` when not told (a value
    decided at run time, a home not told)."""
    value = setting(cmd, ctx.env, "PSQLRC")
    home = command_home(cmd, ctx)
    if not value:
        return posixpath.join(home, ".psqlrc") if home is not None else None
    if value.startswith("(") or any(mark in value for mark in "$`"):
        return None
    if value == "~" or value.startswith("~/"):
        if home is None:
            return None
        value = home.rstrip("/") + value[1:]
    elif value.startswith("~"):
        return None  # another user's home
    return normalize_path(value, cwd=ctx.cwd)


def _versions_of(base: str, ctx: ShellContext, found: StartUp) -> bool:
    """Read ``base`` and each version-specific file of it that is there, as one choice;
    whether any is there."""
    texts = []
    there = False
    for path in (*_versioned(base, ctx), base):
        if not (ctx.files.exists(path) or written_text(ctx.written, path)[0]):
            continue
        there = True
        text = one_text_on_line(path, ctx)
        if text is None:
            found.problems.append(f"psql runs the start-up file {path}, which could not be read")
        else:
            texts.append(text)
    if texts:
        found.choices.append(texts)
    return there


def _versioned(base: str, ctx: ShellContext) -> list[str]:
    """The version-specific files of ``base``: every ``base-*`` in its folder and those the
    line wrote; the major versions' names when the folder cannot be listed."""
    folder, name = posixpath.split(base)
    listed = ctx.files.list_dir(folder)
    prefix = base + "-"
    if listed is None:
        names = [f"{prefix}{major}" for major in _MAJORS]
    else:
        names = [posixpath.join(folder, n) for n in listed if n.startswith(name + "-")]
    written = [
        path for path in ctx.written if path.startswith(prefix) and "/" not in path[len(prefix) :]
    ]
    return list(dict.fromkeys([*names, *written]))
