"""What earlier commands on a line make of the commands after them, beyond their own effects.

``hash -p PATH NAME`` makes NAME run another program for the rest of the line, and a command
that may leave a link where it writes (``ln -s``, ``cp -a``, ``tar -x``...) makes a later path
that climbs out of it with ``..`` land where the link leads. :mod:`._line_run` notes, command
by command, the names hashed and the paths changed with the helpers here, and asks them whether
a later command runs a hashed name or climbs out of a changed path (then ``unknown``).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.parse import RawCommand
from keyturn.understand.shell.registry import SimpleCommand

_HASH = OptionSpec(valued="pt")


def hashed_names(cmd: SimpleCommand) -> set[str]:
    """The names ``hash -p PATH NAME…`` makes run PATH from now on (``*``: decided at run
    time); none for any other command."""
    if cmd.name != "hash" or "-p" not in " ".join(cmd.args):
        return set()
    options = parse_options(cmd.args, _HASH)
    if not options.has("p"):
        return set()
    if any(i > 0 for i in cmd.dynamic_words):
        return {"*"}
    return set(options.operands)


def runs_hashed(item: RawCommand, cmd: SimpleCommand, hashed: set[str]) -> bool:
    """Whether ``cmd`` (``item`` as written) runs a name ``hash -p`` pointed elsewhere."""
    if not item.words or cmd.name == "hash":
        return False
    names = {item.words[0].text, cmd.program, cmd.name}
    return "*" in hashed or bool(names & hashed)


# Commands whose changes never leave a link where they write (a directory, a file's times
# or mode, a removal).
MAKE_NO_LINKS = frozenset(
    {"mkdir", "touch", "truncate", "chmod", "chown", "chgrp", "rm", "rmdir", "unlink", "shred"}
)


def changed_paths(effects: list[Effect]) -> set[str]:
    """The files ``effects`` change (``D/*``: everything under D)."""
    return {
        name[5:]
        for e in effects
        if e.effect is not EffectKind.READ
        for name in e.resource.names
        if name.startswith("file:")
    }


def climbs_out_of_links(item: RawCommand, cwd: str, made: set[str]) -> str | None:
    """A path ``item`` names (a word, ``--opt=PATH``, a redirection) that goes through one of
    the paths ``made`` and then climbs out with ``..``: ``p/../settings.json`` after ``ln -s
    /root/.claude/projects p`` lands in /root/.claude, not here. (``cd`` moves logically, as
    keyturn does, but a command's own paths are resolved physically.)"""
    words = [w.text for w in item.words[1:] if not w.dynamic]
    words += [r.target for r in item.redirects if not r.dynamic]
    for word in words:
        for path in (word, word.partition("=")[2]):
            if ".." in path and _through_then_up(path, cwd, made):
                return path
    return None


def _through_then_up(path: str, cwd: str, made: set[str]) -> bool:
    full = path if path.startswith("/") else f"{cwd.rstrip('/')}/{path}"
    at, through = "", False
    for part in full.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if through:
                return True
            at = at.rpartition("/")[0]
            continue
        at = f"{at}/{part}"
        through = (
            through or at in made or any(m.endswith("/*") and at.startswith(m[:-1]) for m in made)
        )
    return False
