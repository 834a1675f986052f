"""``find``'s expression words, for the ``find`` handler of :mod:`.files`.

The tests and actions that take a value (skipped, so that a value is never read as an action),
the ``-exec`` family and what the command it runs does on each root, and the actions that
write the file they name.
"""

from __future__ import annotations

import shlex

from keyturn.model import Effect
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

FIND_VALUED = frozenset(
    [
        "-name",
        "-iname",
        "-path",
        "-ipath",
        "-wholename",
        "-regex",
        "-iregex",
        "-type",
        "-xtype",
        "-size",
        "-mtime",
        "-mmin",
        "-atime",
        "-amin",
        "-ctime",
        "-cmin",
        "-newer",
        "-user",
        "-group",
        "-perm",
        "-maxdepth",
        "-mindepth",
        "-links",
        "-inum",
        "-printf",
        "-fprint",
        "-fprintf",
        "-fls",
        "-samefile",
        "-lname",
        "-ilname",
        "-used",
        "-uid",
        "-gid",
        "-context",
    ]
)
FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})

# Actions that write the file they name (truncating it first).
FIND_WRITES = frozenset({"-fprint", "-fprint0", "-fprintf", "-fls"})


def find_exec(
    inner: list[str], under: list[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    if not inner or ctx.understand_nested is None:
        return [unknown_effect(cmd, "find -exec without a command", ctx)]
    effects: list[Effect] = []
    for root in under:
        words = [root if w == "{}" else w.replace("{}", root) for w in inner]
        effects.extend(ctx.understand_nested(shlex.join(words)))
    return effects
