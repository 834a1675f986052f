"""The effects git's subcommands report, for the ``git`` handler of :mod:`.git` and its helpers.

An effect on a ref (``git:origin/main``, ``git:local/stash``: a ``git_ref``) or on files of the
working tree (``file:<repo>/*``, ``file:<path>``), each with ``service="git"`` and the
subcommand as its operation; the short name of a ref (``refs/heads/main`` -> ``main``) that
those names use; and options read as git's parse-options reads them. Shared by :mod:`.git`,
:mod:`._git_push` and :mod:`._git_worktree`, so that each names refs and files the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import file_effect, local_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def git_effect(
    kind: EffectKind,
    name: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    detail: str = "",
    also: tuple[str, ...] = (),
) -> Effect:
    """An effect on the ref ``name`` (and the other names ``also`` gives it: ``git:origin/HEAD``
    is ``git:origin/main`` when ``main`` is checked out)."""
    names = tuple(dict.fromkeys((name, *also)))
    return Effect(
        effect=kind,
        resource=Resource(names, type="git_ref" if name.startswith("git:") else "file"),
        target=local_target(ctx),
        service="git",
        command=cmd.text,
        operation=f"git {cmd.args[0] if cmd.args else ''}".strip(),
        detail=detail,
    )


def worktree_effect(
    kind: EffectKind, paths: list[str], cmd: SimpleCommand, ctx: ShellContext, detail: str
) -> Effect:
    return file_effect(kind, paths, cmd, ctx, detail=detail, service="git")


def files_named(
    kind: EffectKind, paths: list[str], cmd: SimpleCommand, ctx: ShellContext, detail: str
) -> Effect:
    """An effect on the files ``paths`` without the judgement of a write of their text
    (:func:`worktree_effect` has it): for what git leaves as it is, or changes in the index
    only (``restore --staged``)."""
    return Effect(
        effect=kind,
        resource=Resource(tuple(dict.fromkeys("file:" + p for p in paths)) or ("file:?",), "file"),
        target=local_target(ctx),
        service="git",
        command=cmd.text,
        operation=cmd.name,
        detail=detail,
    )


def short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def split_options(
    args: list[str], valued: frozenset[str]
) -> tuple[set[str], list[str], dict[str, str]]:
    """A git subcommand's ``args`` as (flags, operands, values): ``valued`` options take the
    next word (``--onto X``, ``-m 1``) or, short, an attached one (``-m1``, ``-p2``);
    ``--name=value`` is a value whatever the name."""
    flags: set[str] = set()
    operands: list[str] = []
    values: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands += args[i:]
            break
        if arg.startswith("--") and "=" in arg:
            key, _, value = arg.partition("=")
            values[key] = value
        elif arg in valued:
            if i < len(args):
                values[arg] = args[i]
                i += 1
        elif len(arg) > 2 and arg[:2] in valued and not arg.startswith("--"):
            values[arg[:2]] = arg[2:]
        elif arg.startswith("-") and arg != "-":
            flags.add(arg)
        else:
            operands.append(arg)
    return flags, operands, values


def short_values(
    args: Sequence[str], *, wanted: str, valued: str = "", optional: str = ""
) -> Iterator[tuple[str, str, int]]:
    """The values of the short options ``wanted`` in ``args``, read as git's parse-options
    reads them: letters bundle (``-iO…``), a value is the rest of the word (``-xCMD``,
    ``-ixCMD``) or else the next word (``-ix CMD``, ``-qu CMD``). The first letter that takes
    a value (``wanted``, ``valued``, or ``optional``: only ever attached) ends the bundle;
    ``--`` ends the options. Each is ``(letter, value, index of the word holding the value)``."""
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            return
        if arg[:1] != "-" or arg[:2] == "--":
            continue
        for pos in range(1, len(arg)):
            letter, rest = arg[pos], arg[pos + 1 :]
            if letter not in wanted + valued + optional:
                continue
            if rest or letter in optional:
                if letter in wanted and rest:
                    yield letter, rest, i - 1
            elif i < len(args):
                if letter in wanted:
                    yield letter, args[i], i
                i += 1
            break
