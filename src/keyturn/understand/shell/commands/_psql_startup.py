"""psql's start-up files, for :mod:`.sql_clients`: what psql runs before the line's SQL.

Unless ``-X``/``--no-psqlrc``, psql runs the system-wide ``psqlrc`` (in ``PGSYSCONFDIR``, else
the directory its build names: ``/etc/postgresql-common`` on Debian and kin) and then the
user's ``~/.psqlrc``, as a script in the same session as the line's ``-c``/``-f``: its SQL, its
meta-commands and a ``\\c`` there count. Each may be made version-specific
(``~/.psqlrc-16``, ``~/.psqlrc-16.2``), read instead of the plain one by that version only;
the version that will run is not known here, so every such file found is judged. A file that is
there but cannot be read is unknown; the user's one, when the line points it elsewhere
(``PSQLRC``, another ``HOME``), is left to the caller, which holds it as unknown.

(Version files are looked for by name, for the major versions 9.0 to 29: a folder cannot be
listed through the file reader, and looking for every minor version's name costs more than a
judgement may. A minor version's file, ``~/.psqlrc-16.2``, is not read; writing one is asked
for as writing ``~/.psqlrc`` is.)
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._home import command_home
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.sql.names import Session

__all__ = ["StartUp", "psql_start_up"]

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


def psql_start_up(cmd: SimpleCommand, ctx: ShellContext, *, user: bool) -> StartUp:
    """The system-wide start-up files this psql call may run, and (``user``) the user's; the
    caller has checked ``-X``, and reads ``user=False`` when the line moved the user's file
    (``PSQLRC``, another ``HOME``), which it holds as unknown."""
    found = StartUp()
    directory = setting(cmd, ctx.env, "PGSYSCONFDIR")
    for folder in (directory,) if directory else _SYSTEM_DIRS:
        if ctx.files.is_dir(folder):
            _versions_of(posixpath.join(folder, "psqlrc"), ctx, found)
    home = command_home(cmd, ctx) if user else None
    if home is not None:
        _versions_of(posixpath.join(home, ".psqlrc"), ctx, found)
    return found


def _versions_of(base: str, ctx: ShellContext, found: StartUp) -> None:
    """Read ``base`` and each version-specific file of it that is there, as one choice."""
    texts = []
    for path in (*(f"{base}-{major}" for major in _MAJORS), base):
        if not (ctx.files.exists(path) or written_text(ctx.written, path)[0]):
            continue
        text = one_text_on_line(path, ctx)
        if text is None:
            found.problems.append(f"psql runs the start-up file {path}, which could not be read")
        else:
            texts.append(text)
    if texts:
        found.choices.append(texts)
