"""``find``'s expression words, for the ``find`` handler (:mod:`._find`).

The tests and actions that take a value (skipped, so that a value is never read as an action),
the ``-exec`` family and what the command it runs does on each root, and the actions that
write the file they name; and which of the agents' hook settings files under a root an action
reaches (:func:`hook_settings_reached`): ``find . -name settings.json -delete`` names
``file:<cwd>/*``, which does not say them.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from fnmatch import fnmatchcase

from keyturn.model import Effect
from keyturn.understand.shell.commands._hook_settings_files import (
    folders_down_to,
    hook_settings_in,
    under,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def find_leading_options(args: Sequence[str]) -> int:
    """How many words GNU find's leading options take (``-H``, ``-L``, ``-P``, ``-D DEBUGOPTS``,
    ``-OLEVEL``, ``--``): they come before the start paths, and ``find -L /srv/prod -delete``
    deletes under ``/srv/prod``, not the working directory."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-H", "-L", "-P") or (arg.startswith("-O") and arg[2:].isdigit()):
            i += 1
        elif arg == "-D":
            i += 2
        elif arg == "--":
            return i + 1
        else:
            break
    return min(i, len(args))


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


# Where these come before an action, which files reach it is not told here (the stricter
# reading: all of them).
FIND_OPERATORS = frozenset({"-o", "-or", "!", "-not", "(", ")", ","})


def hook_settings_reached(
    args: list[str], action: int, roots: list[tuple[str, str]], ctx: ShellContext
) -> list[str]:
    """The names of the hook settings files under ``roots`` (``(as written, absolute)``) that
    the action at ``args[action]`` may act on: the tests before it (``-name``, ``-path``,
    ``-type``) and ``-maxdepth``/``-mindepth`` spare those they rule out; anything else (``-o``,
    ``!``, another test) is read as letting them through."""
    names: list[str] = []
    for written, root in roots:
        for found in hook_settings_in(folders_down_to(root, ctx.cwd), ctx):
            relative = under(found.path, root) if root != "/" else found.path.lstrip("/")
            if relative is None:
                continue
            shown = written.rstrip("/") + "/" + relative
            if _may_reach(args, action, shown, relative.count("/") + 1, folder=found.folder):
                names.append(found.name)
    return list(dict.fromkeys(names))


def _may_reach(args: list[str], action: int, shown: str, depth: int, *, folder: bool) -> bool:
    """Whether the action at ``args[action]`` may act on the file ``shown`` (as find prints it,
    ``depth`` levels under its root); for a ``folder``, on what it holds (names not known)."""
    if not _within_depth(args, depth, folder=folder):
        return False
    tests = args[:action]
    if any(word in FIND_OPERATORS for word in tests):
        return True
    i = 0
    while i + 1 < len(tests):
        test, value = tests[i], tests[i + 1]
        if test in FIND_VALUED or test in ("-wholename", "-iwholename"):
            i += 2
            if not folder and not find_test_passes(test, value, shown):
                return False
            continue
        i += 1
    return True


def find_test_passes(test: str, value: str, shown: str) -> bool:
    """Whether the path find shows as ``shown`` passes its test ``test value``."""
    name = shown.rsplit("/", 1)[-1]
    if test == "-name":
        return fnmatchcase(name, value)
    if test == "-iname":
        return fnmatchcase(name.casefold(), value.casefold())
    if test in ("-path", "-wholename"):
        return fnmatchcase(shown, value)
    if test in ("-ipath", "-iwholename"):
        return fnmatchcase(shown.casefold(), value.casefold())
    if test in ("-type", "-xtype"):  # a settings file is a file (or a link to one)
        return bool({"f", "l"} & set(value.split(",")))
    return True


def _within_depth(args: list[str], depth: int, *, folder: bool) -> bool:
    """``-maxdepth``/``-mindepth`` (global options, wherever they are written)."""
    for i, arg in enumerate(args[:-1]):
        if not args[i + 1].isdigit():
            continue
        limit = int(args[i + 1])
        if arg == "-maxdepth" and depth + (1 if folder else 0) > limit:
            return False
        if arg == "-mindepth" and depth < limit and not folder:
            return False
    return True
