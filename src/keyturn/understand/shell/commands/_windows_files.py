"""Windows commands that move, rename, copy over or rewrite files, and redirections.

PowerShell ``Move-Item`` (``mi``, ``move``, ``mv``), ``Rename-Item`` (``rni``, ``ren``),
``Copy-Item`` (``cpi``, ``copy``, ``cp``), ``Set-Content``/``Add-Content``/``Clear-Content``
(``sc``, ``ac``, ``clc``), ``Out-File`` and ``Tee-Object``; cmd ``move``, ``ren``, ``copy``,
``xcopy``; and ``>``/``>>`` in either. A move or rename deletes its source (the name is gone,
as ``mv`` in :mod:`.files`), a copy, a write or a redirection updates its destination. A
PowerShell parameter is taken by any prefix (``-Dest``), with its value after a blank or a colon.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._windows_paths import (
    provider_drive,
    ps_wildcards,
    run_time_path,
    windows_path,
)
from keyturn.understand.shell.commands._windows_syntax import Redirection
from keyturn.understand.shell.effects import file_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

MOVES = frozenset({"move-item", "mi", "move", "mv", "rename-item", "rni", "ren", "rename"})
COPIES = frozenset({"copy-item", "cpi", "copy", "cp", "xcopy"})
WRITES = frozenset(
    {"set-content", "sc", "add-content", "ac", "clear-content", "clc", "out-file", "tee-object"}
)
_RENAMES = frozenset({"rename-item", "rni", "ren", "rename"})
# Each cmdlet's parameters that take a value, the first being where it writes or what it moves.
_PATH_PARAMETERS = ("path", "literalpath", "pspath", "lp", "filepath")
_VALUED = (
    *_PATH_PARAMETERS,
    "destination",
    "newname",
    "value",
    "encoding",
    "filter",
    "include",
    "exclude",
    "credential",
    "stream",
    "inputobject",
    "width",
    "variable",
    "delimiter",
)


def ps_arguments(args: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
    """A PowerShell command's named values (full parameter name -> values) and positional
    words; a switch (``-Force``, ``-Recurse:$true``) is named with no value."""
    named: dict[str, list[str]] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if len(word) > 1 and word.startswith("-") and not word[1].isdigit():
            given, _, inline = word[1:].partition(":")
            name = _full_name(given.lower())
            if name in _VALUED:
                value = inline or (args[i + 1] if i + 1 < len(args) else "")
                named.setdefault(name, []).extend(v for v in value.split(",") if v)
                i += 1 if inline else 2
                continue
            named.setdefault(name, [])
        else:
            positional.extend(v for v in word.split(",") if v)
        i += 1
    return named, positional


def _full_name(given: str) -> str:
    matches = [p for p in _VALUED if p.startswith(given)] if given else []
    return given if given in matches or len(matches) != 1 else matches[0]


def ps_paths(named: dict[str, list[str]], positional: list[str]) -> list[tuple[str, bool]]:
    """The paths a PowerShell item cmdlet acts on, each with whether it is literal (no
    wildcards): ``-Path``/``-FilePath`` and the first positional word read with wildcards."""
    literal = named.get("literalpath", []) + named.get("pspath", []) + named.get("lp", [])
    wild = named.get("path", []) + named.get("filepath", [])
    if not literal and not wild and positional:
        wild = [positional[0]]
    return [(p, False) for p in wild] + [(p, True) for p in literal]


def file_names(
    raw: str, cwd: str | None, *, powershell: bool, literal: bool = True
) -> tuple[list[str], bool]:
    """The ``file:`` path of a Windows path, and whether it is decided at run time."""
    path = windows_path(raw, cwd)
    if powershell and not literal:
        path = ps_wildcards(path)
    return [path], run_time_path(raw, cwd, powershell=powershell)


def moves(
    name: str,
    args: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    cwd: str | None,
) -> list[Effect]:
    """``Move-Item``/``Rename-Item``/cmd ``move``/``ren``: the source is deleted (its tree),
    the destination written."""
    if powershell:
        named, positional = ps_arguments(args)
        sources = ps_paths(named, positional)
        rest = positional[1:] if not any(k in named for k in _PATH_PARAMETERS) else positional
        dest = named.get("destination", []) + named.get("newname", []) + rest
    else:
        words = [a for a in args if not a.startswith("/")]
        sources, dest = [(w, True) for w in words[:-1]], words[-1:]
    if not sources or not dest:
        return [
            unknown_effect(cmd, f"a Windows {name} whose source or destination is unclear", ctx)
        ]
    effects = []
    for raw, literal in sources:
        paths, run_time = file_names(raw, cwd, powershell=powershell, literal=literal)
        tree = paths + [p.rstrip("/") + "/*" for p in paths if not p.endswith("*")]
        if _elsewhere(raw):
            effects.append(unknown_effect(cmd, f"{name} of {raw!r} outside the file system", ctx))
        effects.append(
            file_effect(
                EffectKind.DELETE, tree, cmd, ctx, detail=f"moves {paths[0]}", run_time=run_time
            )
        )
    target = dest[-1]
    several = len(sources) > 1 or any(_wild(raw) for raw, _ in sources)
    if several and not target.endswith(("\\", "/")):
        # ``move C:\\work\\*.md C:\\work\\new``: into a folder, or, when there is none, each
        # file renamed to the same name, overwriting the one before (incident I4).
        reason = f"{name} of several files onto {target!r}: into a folder or over each other"
        effects.append(unknown_effect(cmd, reason, ctx))
    if name.lower() in _RENAMES and "/" not in target.replace("\\", "/"):
        parent = windows_path(sources[0][0], cwd).rsplit("/", 1)[0]
        target = parent + "/" + target
    effects.append(_written(target, cmd, ctx, powershell=powershell, cwd=cwd, tree=True))
    return effects


def copies(
    args: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    cwd: str | None,
) -> list[Effect]:
    """``Copy-Item``/``copy``/``xcopy``: the destination (and what is under it) is written."""
    if powershell:
        named, positional = ps_arguments(args)
        paths = any(k in named for k in _PATH_PARAMETERS)
        dest = named.get("destination", []) or (positional if paths else positional[1:])
    else:
        words = [a for a in args if not a.startswith("/") and "+" not in a]
        dest = words[1:] if len(words) > 1 else []
    if not dest:
        # Without a destination, into the working directory: where that is may not be known.
        return [unknown_effect(cmd, "a Windows copy whose destination is unclear", ctx)]
    return [_written(dest[-1], cmd, ctx, powershell=powershell, cwd=cwd, tree=True)]


def writes(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, *, cwd: str | None
) -> list[Effect]:
    """``Set-Content``, ``Clear-Content``, ``Out-File``, ``Tee-Object``...: each path updated."""
    named, positional = ps_arguments(args)
    paths = ps_paths(named, positional)
    if not paths:
        return [unknown_effect(cmd, "a PowerShell write without a path", ctx)]
    return [
        _written(raw, cmd, ctx, powershell=True, cwd=cwd, tree=False, literal=literal)
        for raw, literal in paths
    ]


def redirected(
    found: Sequence[Redirection],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    cwd: str | None,
) -> list[Effect]:
    """The files a statement's ``>``/``>>`` write."""
    return [_written(r.target, cmd, ctx, powershell=powershell, cwd=cwd, tree=False) for r in found]


def local_files(
    paths: Sequence[tuple[str, bool, bool]],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    cwd: str | None,
) -> list[Effect]:
    """The local files a cloud cmdlet reads or writes: ``(path, written, tree)`` each (a tree:
    the folder and what is under it)."""
    out = []
    for raw, write, tree in paths:
        if write:
            out.append(_written(raw, cmd, ctx, powershell=True, cwd=cwd, tree=tree))
            continue
        names, run_time = file_names(raw, cwd, powershell=True)
        names += [names[0].rstrip("/") + "/*"] if tree else []
        detail = f"reads {names[0]}"
        out.append(file_effect(EffectKind.READ, names, cmd, ctx, detail=detail, run_time=run_time))
    return out


def _wild(raw: str) -> bool:
    return any(c in raw for c in "*?[")


def _elsewhere(raw: str) -> bool:
    return provider_drive(raw) is not None


def _written(
    raw: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    cwd: str | None,
    tree: bool,
    literal: bool = True,
) -> Effect:
    if _elsewhere(raw):
        return unknown_effect(cmd, f"writes {raw!r}, outside the file system", ctx)
    paths, run_time = file_names(raw, cwd, powershell=powershell, literal=literal)
    if tree and not paths[0].endswith("*"):
        paths.append(paths[0].rstrip("/") + "/*")
    return file_effect(
        EffectKind.UPDATE, paths, cmd, ctx, detail=f"writes {paths[0]}", run_time=run_time
    )
