"""Windows commands: ``cmd /c``, ``rd``/``rmdir /s``, ``del /s``, ``format``, PowerShell
``Remove-Item -Recurse`` (and its aliases ``ri``/``rm``/``del``/``rd``), ``powershell -Command``.

Windows text is not bash: backslashes are path separators, ``^`` escapes, only double quotes
group (single quotes too in PowerShell). Handlers read the words as written (``raw_argv``) and
split cmd/PowerShell text themselves. Paths are named ``file:C:/path`` (forward slashes, drive
letter upper case). Removing a drive root or a user profile recursively, and formatting a disk,
are catastrophic.

The handlers and the statement-by-statement reading are here; how the text splits into
statements and words is in :mod:`._windows_words`, and how a path is named (variables, the
working directory, what is decided at run time, what is catastrophic) in :mod:`._windows_paths`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._windows_paths import (
    NO_MOVE,
    RUN_TIME_DIR,
    directory_change,
    paths_inside,
    run_time_path,
    windows_catastrophe,
    windows_path,
)
from keyturn.understand.shell.commands._windows_words import (
    CMD_SEPARATORS,
    PS_SEPARATORS,
    command_words,
    decode_utf16,
    raw_words,
    tokens,
    ungrouped,
)
from keyturn.understand.shell.effects import command_effect, file_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

__all__ = [
    "RUN_TIME_DIR",
    "cmd_exe",
    "looks_windows",
    "powershell_exe",
    "rd",
    "understand_windows_line",
    "windows_catastrophe",
    "windows_command",
]

_WINDOWS_START = re.compile(
    r"(?i)^\s*(cmd(\.exe)?\s+/[ck]|powershell|pwsh|rd\s|rmdir\s+/|del\s|erase\s|remove-item|"
    r"ri\s|format\s+[a-z]:|format-volume|clear-disk)"
)
_READS = frozenset(
    [
        "dir",
        "ls",
        "type",
        "cd",
        "chdir",
        "set-location",
        "echo",
        "write-host",
        "write-output",
        "get-childitem",
        "gci",
        "get-content",
        "gc",
        "cat",
        "get-item",
        "gi",
        "test-path",
        "cls",
        "ver",
        "where",
        "where.exe",
        "whoami",
        "hostname",
        "get-location",
        "pwd",
        "get-process",
        "get-service",
        "select-string",
        "findstr",
        "more",
    ]
)


def looks_windows(text: str) -> bool:
    """Whether a line reads like a cmd or PowerShell command (judged by both parsers)."""
    return bool(_WINDOWS_START.match(text) or re.search(r"[A-Za-z]:\\", text))


def understand_windows_line(text: str, ctx: ShellContext) -> list[Effect]:
    """Effects of a whole line read as cmd text (PowerShell when it starts with a cmdlet)."""
    cmd = SimpleCommand(argv=("cmd",), program="cmd", text=" ".join(text.split())[:200])
    powershell = bool(re.match(r"(?i)\s*[a-z]+-[a-z]+", text))
    return _script(text, cmd, ctx, powershell=powershell, depth=0)


def _script(
    text: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    depth: int,
    cwd: str | None = None,
) -> list[Effect]:
    """The effects of cmd or PowerShell ``text``, statement by statement; ``cwd``: where it
    runs, when known (``cd /d C:\\`` earlier in the text moves the statements after it)."""
    if depth > 8:
        return [unknown_effect(cmd, "Windows commands nested too deeply", ctx)]
    separators = PS_SEPARATORS if powershell else CMD_SEPARATORS
    effects: list[Effect] = []
    for statement in separators.split(text):
        if not powershell:
            statement = ungrouped(statement)
        words = command_words(tokens(statement, powershell=powershell), powershell=powershell)
        if not words:
            continue
        moved = directory_change(words, cwd, powershell=powershell)
        if moved != NO_MOVE:
            cwd = moved
            effects.append(command_effect(EffectKind.READ, cmd, ctx, detail=statement[:100]))
            continue
        effects.extend(_statement(words, statement, cmd, ctx, powershell, depth, cwd=cwd))
    return effects or [command_effect(EffectKind.READ, cmd, ctx)]


def _statement(
    words: list[str],
    text: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    powershell: bool,
    depth: int,
    *,
    cwd: str | None = None,
) -> list[Effect]:
    name = words[0].lower().replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".exe")
    args = words[1:]
    if name == "cmd":
        return _cmd(args, cmd, ctx, depth, cwd=cwd)
    if name in ("powershell", "pwsh"):
        return _powershell(args, cmd, ctx, depth, cwd=cwd)
    if name in ("rd", "rmdir") or (
        powershell and name in ("remove-item", "ri", "rm", "del", "erase")
    ):
        return _remove(args, cmd, ctx, powershell=powershell, files_only=False, cwd=cwd)
    if name in ("remove-item", "ri"):
        return _remove(args, cmd, ctx, powershell=True, files_only=False, cwd=cwd)
    if name in ("del", "erase"):
        return _remove(args, cmd, ctx, powershell=False, files_only=True, cwd=cwd)
    if name in ("format", "format-volume", "clear-disk", "initialize-disk", "diskpart"):
        reason = f"{words[0]} destroys a disk or volume ({' '.join(args)[:60]})"
        return [
            file_effect(
                EffectKind.REPLACE,
                [windows_path(a, cwd) for a in args if ":" in a] or ["?"],
                cmd,
                ctx,
                catastrophic=reason,
                detail=reason,
            )
        ]
    if name == "robocopy" and len(args) >= 2:
        return _robocopy(args, cmd, ctx, cwd=cwd)
    if name in _READS:
        return [command_effect(EffectKind.READ, cmd, ctx, detail=text[:100])]
    if ctx.understand_nested is not None and not powershell:
        return ctx.understand_nested(text)
    return [unknown_effect(cmd, f"keyturn does not know what {words[0]!r} does", ctx, text)]


def _cmd(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, depth: int, *, cwd: str | None
) -> list[Effect]:
    lowered = [a.lower() for a in args]
    at = next((i for i, a in enumerate(lowered) if a in ("/c", "/k", "/r")), None)
    if at is None:
        return [unknown_effect(cmd, "an interactive cmd shell", ctx)]
    text = " ".join(args[at + 1 :])
    return _script(text, cmd, ctx, powershell=False, depth=depth + 1, cwd=cwd)


def _powershell(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, depth: int, *, cwd: str | None
) -> list[Effect]:
    i = 0
    while i < len(args):
        flag = args[i].lower()
        if flag in ("-command", "-c", "/c", "-com"):
            text = " ".join(args[i + 1 :])
            return _script(text, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd)
        if flag in ("-encodedcommand", "-enc", "-e", "-ec") and i + 1 < len(args):
            decoded = decode_utf16(args[i + 1])
            if decoded is None:
                return [unknown_effect(cmd, "powershell -EncodedCommand that does not decode", ctx)]
            return _script(decoded, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd)
        if flag in ("-file", "-f"):
            return [unknown_effect(cmd, "runs a PowerShell script file", ctx)]
        if flag in (
            "-executionpolicy",
            "-ep",
            "-windowstyle",
            "-w",
            "-version",
            "-inputformat",
            "-outputformat",
            "-configurationname",
            "-workingdirectory",
            "-wd",
        ):
            i += 2
            continue
        if not flag.startswith(("-", "/")):
            text = " ".join(args[i:])
            return _script(text, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd)
        i += 1
    return [unknown_effect(cmd, "an interactive PowerShell", ctx)]


# ``-Recurse``, abbreviated or with a value (``-Recurse:$true``; ``:$false`` too: the stricter
# reading).
_PS_RECURSE = re.compile(r"(?i)-r(e(c(u(r(s(e)?)?)?)?)?)?(:.*)?$")
# cmd's switches: ``/s``, ``/S/Q`` (several glued together).
_CMD_SWITCHES = re.compile(r"(?:/[a-z0-9?](?::[^/]*)?)+")
_PS_VALUED = frozenset(
    {"-path", "-literalpath", "-lp", "-filter", "-include", "-exclude", "-credential", "-stream"}
)


def _remove(
    args: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    files_only: bool,
    cwd: str | None = None,
) -> list[Effect]:
    recursive = False
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg, low = args[i], args[i].lower()
        if powershell and _PS_RECURSE.match(low):
            recursive = True
        elif powershell and low in _PS_VALUED:
            if low in ("-path", "-literalpath", "-lp") and i + 1 < len(args):
                paths.extend(p for p in args[i + 1].split(",") if p)
            i += 1
        elif not powershell and low.startswith("/") and _CMD_SWITCHES.fullmatch(low):
            # A switch (``/s``, ``/S/Q``); in PowerShell ``/`` starts a path.
            recursive = recursive or "/s" in (low + "/").replace(":", "/")
        elif not low.startswith("-"):
            paths.append(arg)
        i += 1
    if not paths:
        return [unknown_effect(cmd, "a Windows delete without a path", ctx)]
    effects = []
    for raw in paths + [p for expression in paths for p in paths_inside(expression)]:
        run_time = run_time_path(raw, cwd, powershell=powershell)
        path = windows_path(raw, cwd)
        tree = [path, path.rstrip("/") + "/*"] if recursive and not path.endswith("*") else [path]
        reason = windows_catastrophe(path) if recursive or path.endswith("*") else None
        detail = ("deletes recursively " if recursive else "deletes ") + path
        effects.append(
            file_effect(
                EffectKind.DELETE,
                tree,
                cmd,
                ctx,
                detail=detail,
                catastrophic=None if run_time else reason,
                run_time=run_time,
            )
        )
    return effects


def _robocopy(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, *, cwd: str | None
) -> list[Effect]:
    src, dest = windows_path(args[0], cwd), windows_path(args[1], cwd)
    effects = [file_effect(EffectKind.UPDATE, [dest, dest + "/*"], cmd, ctx)]
    if {"/mir", "/purge"} & {a.lower() for a in args}:
        effects.append(
            file_effect(
                EffectKind.DELETE,
                [dest + "/*"],
                cmd,
                ctx,
                detail=f"deletes files in {dest} that are not in {src}",
            )
        )
    return effects


@command("cmd", "cmd.exe", "CMD", "CMD.EXE")
def cmd_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cmd /c TEXT``: TEXT read as cmd text."""
    return _cmd(raw_words(cmd)[1:], cmd, ctx, depth=0, cwd=None)


@command("powershell", "powershell.exe", "pwsh", "pwsh.exe")
def powershell_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``powershell -Command TEXT`` / ``-EncodedCommand B64``: read as PowerShell."""
    return _powershell(raw_words(cmd)[1:], cmd, ctx, depth=0, cwd=None)


@command(
    "rd",
    "del",
    "erase",
    "Remove-Item",
    "remove-item",
    "ri",
    "format",
    "Format-Volume",
    "Clear-Disk",
    "robocopy",
)
def windows_command(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """A Windows command typed directly (an agent whose shell is cmd or PowerShell)."""
    powershell = "-" in cmd.name
    words = raw_words(cmd, powershell=powershell)
    return _statement(words, " ".join(words), cmd, ctx, powershell, 0)


def rd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rmdir /s /q X`` (the Windows form of ``rmdir``)."""
    return _remove(raw_words(cmd)[1:], cmd, ctx, powershell=False, files_only=False)
