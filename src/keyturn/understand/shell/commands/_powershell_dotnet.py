""".NET calls of a PowerShell statement that run text or change files, for :mod:`.windows`.

Text run as PowerShell (about_Script_Blocks; the ``ScriptBlock.Create``,
``CommandInvocationIntrinsics.InvokeScript``/``NewScriptBlock`` and ``PowerShell.AddScript``
references): ``[scriptblock]::Create('...')``, ``$ExecutionContext.InvokeCommand.InvokeScript(
'...')``, ``[powershell]::Create().AddScript('...')`` -- the text is judged as PowerShell when it
is constant (creating a block is judged as running it: it is made to be run), else ``unknown``;
a script block literal's own ``{ ... }.Invoke()`` runs the block, which is judged already.

Files (the ``System.IO.File``/``Directory`` references, VB's ``FileSystem``, the
``Scripting.FileSystemObject`` COM object): ``[IO.Directory]::Delete(P, $true)`` deletes P's
tree (without ``$true``, an empty P), ``[IO.File]::Delete(P)`` P, ``WriteAllText``/``Copy``/
``Move``/``Replace``... write or move, ``.DeleteFolder(P)`` of a FileSystemObject deletes P's
tree, ``(Get-Item P).Delete()`` P (and stays ``unknown``: the item may be another
provider's). A path given by an expression is decided at run time; any
other method keeps the statement ``unknown`` as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._powershell_forms import constant
from keyturn.understand.shell.commands._windows_paths import (
    run_time_path,
    windows_catastrophe,
    windows_path,
)
from keyturn.understand.shell.effects import file_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
# ``[System.IO.File]::Name(`` / ``.Name(``: the type (when static) and the method.
_CALL = re.compile(r"(?:\[\s*([\w.]+)\s*\]\s*::|\.)\s*(\w+)\s*\(")
_TEXT_RUNNERS = frozenset({"create", "invokescript", "newscriptblock", "addscript"})
_BLOCK_CALLS = frozenset({"invoke", "invokereturnasis", "invokewithcontext", "getnewclosure"})
_FILE_WRITES = frozenset(
    {"writealltext", "writealllines", "writeallbytes", "appendalltext", "appendalllines"}
    | {"create", "createtext", "openwrite", "appendtext", "setattributes", "encrypt", "decrypt"}
    | {"setcreationtime", "setlastwritetime", "setaccesscontrol", "createdirectory"}
)
_READS = frozenset(
    {"exists", "readalltext", "readalllines", "readallbytes", "readlines", "openread"}
    | {"opentext", "getfiles", "getdirectories", "enumeratefiles", "getattributes"}
    | {"enumeratedirectories", "getfilesystementries", "tostring", "trim", "replace", "split"}
    | {"join", "format", "tolower", "toupper", "substring", "contains", "gettype", "equals"}
)
_ITEM = re.compile(r"(?i)^\(\s*(?:get-item|gi|get-childitem|gci)\s+('[^']*'|\"[^\"]*\"|\S+)\s*\)")


def method_effects(
    statement: str,
    variables: Mapping[str, str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    cwd: str | None,
    run: Callable[[str], list[Effect]],
) -> list[Effect]:
    """The effects of the .NET calls of an expression statement; ``unknown`` for a method
    keyturn does not know."""
    effects: list[Effect] = []
    for match in _CALL.finditer(statement):
        kind = (match.group(1) or "").lower().rsplit(".", 1)[-1]
        method = match.group(2).lower()
        args = [_value(a, variables) for a in _arguments(statement, match.end())]
        if method in _TEXT_RUNNERS and (kind == "scriptblock" if method == "create" else not kind):
            text = args[0] if args else None
            if text is None:
                effects.append(unknown_effect(cmd, f"{method}: text decided at run time", ctx))
            else:
                effects += run(text)
            continue
        if (
            method in _BLOCK_CALLS
            or method in _READS
            or (kind == "powershell" and method == "create")
        ):
            continue
        found = _files(kind, method, args, statement[: match.start()], cmd, ctx, cwd=cwd)
        if found is None:
            effects.append(unknown_effect(cmd, "calls a .NET method", ctx, statement))
        else:
            effects += found
    return effects


def _arguments(text: str, start: int) -> list[str]:
    """The top-level arguments of the call whose ``(`` ends at ``start``."""
    out: list[str] = []
    current: list[str] = []
    depth, quote, i = 1, "", start
    while i < len(text):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
            if depth == 0:
                break
        elif char == "," and depth == 1:
            out.append("".join(current).strip())
            current.clear()
            i += 1
            continue
        current.append(char)
        i += 1
    last = "".join(current).strip()
    return out + ([last] if last else [])


def _value(raw: str, variables: Mapping[str, str]) -> str | None:
    """A constant argument's text (a variable the text set to a constant too), else None."""
    found = constant(raw)
    if found is not None:
        return found
    name = re.fullmatch(r"\$\{?(\w+)\}?", raw.strip())
    if name is not None and name.group(1).lower() in variables:
        return variables[name.group(1).lower()]
    if raw.strip().lower() in ("$true", "$false", "$null") or re.fullmatch(r"\d+", raw.strip()):
        return raw.strip().lower()
    return None


def _files(
    kind: str,
    method: str,
    args: list[str | None],
    before: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    cwd: str | None,
) -> list[Effect] | None:
    """What a file API call does (``None``: not one keyturn knows)."""
    item = _ITEM.match(before.strip())
    if method == "delete" and not kind and item is not None:
        raw = item.group(1).strip("'\"")
        tree = bool(args and args[0] == "$true") or item.group(0).lower().startswith(
            ("(gci", "(get-c")
        )
        # What Get-Item returns may be no file (another provider's item, several items): the
        # path is named, and the call stays asked.
        why = "Delete() of what Get-Item returns"
        return [
            _change(_E.DELETE, raw, cmd, ctx, cwd=cwd, tree=tree),
            unknown_effect(cmd, why, ctx),
        ]
    fso = not kind and method in ("deletefolder", "deletefile", "copyfile", "copyfolder")
    fso = fso or (not kind and method in ("movefile", "movefolder"))
    if kind not in ("file", "directory", "filesystem", "fileinfo", "directoryinfo") and not fso:
        return None
    folder = kind in ("directory", "directoryinfo") or method.endswith(("folder", "directory"))
    if method in ("delete", "deletefolder", "deletefile", "deletedirectory"):
        # A folder's tree, or ``Directory.Delete(P, recursive)``; a file, or an empty folder.
        recursive = len(args) > 1 and args[1] != "$false"
        tree = method in ("deletefolder", "deletedirectory") or (folder and recursive)
        return [_change(_E.DELETE, args[0] if args else None, cmd, ctx, cwd=cwd, tree=tree)]
    if method in _FILE_WRITES:
        return [_change(_E.UPDATE, args[0] if args else None, cmd, ctx, cwd=cwd, tree=False)]
    if method in ("copy", "copyfile", "copyfolder", "copydirectory") and len(args) > 1:
        return [_change(_E.UPDATE, args[1], cmd, ctx, cwd=cwd, tree=folder)]
    if method in ("move", "movefile", "movefolder", "movedirectory", "replace") and len(args) > 1:
        return [
            _change(_E.DELETE, args[0], cmd, ctx, cwd=cwd, tree=folder),
            _change(_E.UPDATE, args[1], cmd, ctx, cwd=cwd, tree=folder),
        ]
    return None


def _change(
    kind: EffectKind,
    raw: str | None,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    cwd: str | None,
    tree: bool,
) -> Effect:
    if raw is None:
        return unknown_effect(cmd, f"a .NET {kind.value} of a path decided at run time", ctx)
    path = windows_path(raw, cwd)
    paths = [path, path.rstrip("/") + "/*"] if tree and not path.endswith("*") else [path]
    run_time = run_time_path(raw, cwd, powershell=True) or (cwd is None and not _absolute(path))
    reason = windows_catastrophe(path) if tree and kind is _E.DELETE and not run_time else None
    return file_effect(
        kind,
        paths,
        cmd,
        ctx,
        detail=f".NET: {kind.value} {path}",
        run_time=run_time,
        catastrophic=reason,
    )


def _absolute(path: str) -> bool:
    return path.startswith("/") or bool(re.match(r"[A-Za-z]:", path))
