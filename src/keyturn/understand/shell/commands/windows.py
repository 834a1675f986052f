"""Windows commands: ``cmd /c``, ``rd``/``rmdir /s``, ``del /s``, ``format``, PowerShell
``Remove-Item -Recurse`` (and its aliases ``ri``/``rm``/``del``/``rd``), ``powershell -Command``.

Windows text is not bash: backslashes are path separators, ``^`` escapes, only double quotes
group (single quotes too in PowerShell). Handlers read the words as written (``raw_argv``) and
split cmd/PowerShell text themselves. Paths are named ``file:C:/path`` (forward slashes, drive
letter upper case). Removing a drive root or a user profile recursively, and formatting a disk,
are catastrophic.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import command_effect, file_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_CMD_SEPARATORS = re.compile(r"\s*(?:&&|\|\||&|\|)\s*")
_PS_SEPARATORS = re.compile(r"\s*(?:&&|\|\||;|\||\n)\s*")
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


def _tokens(text: str, *, powershell: bool) -> list[str]:
    quotes = "\"'" if powershell else '"'
    pattern = "|".join([*(f"{q}[^{q}]*{q}?" for q in quotes), rf"[^\s{quotes}]+"])
    words: list[str] = []
    for match in re.finditer(rf"(?:{pattern})+", text):
        word = match.group(0)
        for q in quotes:
            word = word.replace(q, "")
        words.append(word if powershell else word.replace("^", ""))
    return words


def _script(
    text: str, cmd: SimpleCommand, ctx: ShellContext, *, powershell: bool, depth: int
) -> list[Effect]:
    if depth > 8:
        return [unknown_effect(cmd, "Windows commands nested too deeply", ctx)]
    separators = _PS_SEPARATORS if powershell else _CMD_SEPARATORS
    effects: list[Effect] = []
    for statement in separators.split(text):
        words = _tokens(statement, powershell=powershell)
        if words:
            effects.extend(_statement(words, statement, cmd, ctx, powershell, depth))
    return effects or [command_effect(EffectKind.READ, cmd, ctx)]


def _statement(
    words: list[str],
    text: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    powershell: bool,
    depth: int,
) -> list[Effect]:
    name = words[0].lower().replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".exe")
    args = words[1:]
    if name == "cmd":
        return _cmd(args, cmd, ctx, depth)
    if name in ("powershell", "pwsh"):
        return _powershell(args, cmd, ctx, depth)
    if name in ("rd", "rmdir") or (
        powershell and name in ("remove-item", "ri", "rm", "del", "erase")
    ):
        return _remove(args, cmd, ctx, powershell=powershell, files_only=False)
    if name in ("remove-item", "ri"):
        return _remove(args, cmd, ctx, powershell=True, files_only=False)
    if name in ("del", "erase"):
        return _remove(args, cmd, ctx, powershell=False, files_only=True)
    if name in ("format", "format-volume", "clear-disk", "initialize-disk", "diskpart"):
        reason = f"{words[0]} destroys a disk or volume ({' '.join(args)[:60]})"
        return [
            file_effect(
                EffectKind.REPLACE,
                [_path(a) for a in args if ":" in a] or ["?"],
                cmd,
                ctx,
                catastrophic=reason,
                detail=reason,
            )
        ]
    if name == "robocopy" and len(args) >= 2:
        return _robocopy(args, cmd, ctx)
    if name in _READS:
        return [command_effect(EffectKind.READ, cmd, ctx, detail=text[:100])]
    if ctx.understand_nested is not None and not powershell:
        return ctx.understand_nested(text)
    return [unknown_effect(cmd, f"keyturn does not know what {words[0]!r} does", ctx, text)]


def _cmd(args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, depth: int) -> list[Effect]:
    lowered = [a.lower() for a in args]
    at = next((i for i, a in enumerate(lowered) if a in ("/c", "/k", "/r")), None)
    if at is None:
        return [unknown_effect(cmd, "an interactive cmd shell", ctx)]
    return _script(" ".join(args[at + 1 :]), cmd, ctx, powershell=False, depth=depth + 1)


def _powershell(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, depth: int
) -> list[Effect]:
    i = 0
    while i < len(args):
        flag = args[i].lower()
        if flag in ("-command", "-c", "/c", "-com"):
            return _script(" ".join(args[i + 1 :]), cmd, ctx, powershell=True, depth=depth + 1)
        if flag in ("-encodedcommand", "-enc", "-e", "-ec") and i + 1 < len(args):
            text = _decode_utf16(args[i + 1])
            if text is None:
                return [unknown_effect(cmd, "powershell -EncodedCommand that does not decode", ctx)]
            return _script(text, cmd, ctx, powershell=True, depth=depth + 1)
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
            return _script(" ".join(args[i:]), cmd, ctx, powershell=True, depth=depth + 1)
        i += 1
    return [unknown_effect(cmd, "an interactive PowerShell", ctx)]


def _decode_utf16(text: str) -> str | None:
    try:
        return base64.b64decode(text, validate=True).decode("utf-16-le")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _path(word: str) -> str:
    path = word.strip().replace("\\", "/")
    for var in (
        "%USERPROFILE%",
        "$env:USERPROFILE",
        "${env:USERPROFILE}",
        "%HOMEPATH%",
        "$HOME",
        "~",
    ):
        if path.lower().startswith(var.lower()):
            path = "C:/Users/%USERNAME%" + path[len(var) :]
    for var in ("%SYSTEMDRIVE%", "$env:SystemDrive"):
        if path.lower().startswith(var.lower()):
            path = "C:" + path[len(var) :]
    if re.match(r"^[A-Za-z]:", path):
        path = path[0].upper() + path[1:]
        if len(path) == 2 or path[2] != "/":
            path = path[:2] + "/" + path[2:]
    if len(path) > 3:
        path = path.rstrip("/")
    return path


def windows_catastrophe(path: str) -> str | None:
    """Why removing ``path`` recursively is catastrophic (a drive root, a user profile)."""
    if re.fullmatch(r"[A-Z]:/\*?(\*\.\*)?", path) or path in ("/", "/*"):
        return f"removes everything on the drive {path[:2]}"
    if re.fullmatch(r"[A-Z]:/Users(/[^/]+)?(/\*)?", path, flags=re.IGNORECASE):
        return f"removes a user profile ({path})"
    return None


_PS_RECURSE = re.compile(r"(?i)-r(e(c(u(r(s(e)?)?)?)?)?)?$")
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
) -> list[Effect]:
    recursive = False
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg, low = args[i], args[i].lower()
        if low in ("/s",) or (powershell and _PS_RECURSE.match(low)):
            recursive = True
        elif powershell and low in _PS_VALUED:
            if low in ("-path", "-literalpath", "-lp") and i + 1 < len(args):
                paths.extend(p for p in args[i + 1].split(",") if p)
            i += 1
        elif not (low.startswith("/") and len(low) <= 3) and not low.startswith("-"):
            paths.append(arg)
        i += 1
    if not paths:
        return [unknown_effect(cmd, "a Windows delete without a path", ctx)]
    effects = []
    for raw in paths:
        path = _path(raw)
        tree = [path, path.rstrip("/") + "/*"] if recursive and not path.endswith("*") else [path]
        reason = windows_catastrophe(path) if recursive or path.endswith("*") else None
        detail = ("deletes recursively " if recursive else "deletes ") + path
        effects.append(
            file_effect(EffectKind.DELETE, tree, cmd, ctx, detail=detail, catastrophic=reason)
        )
    return effects


def _robocopy(args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    src, dest = _path(args[0]), _path(args[1])
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


def _raw_words(cmd: SimpleCommand) -> list[str]:
    """The words as written, quotes removed the Windows way (backslashes kept)."""
    raw = cmd.raw_argv if len(cmd.raw_argv) == len(cmd.argv) else cmd.argv
    return [w.replace('"', "") if not w.startswith("'") else w.strip("'") for w in raw]


@command("cmd", "cmd.exe", "CMD", "CMD.EXE")
def cmd_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cmd /c TEXT``: TEXT read as cmd text."""
    return _cmd(_raw_words(cmd)[1:], cmd, ctx, depth=0)


@command("powershell", "powershell.exe", "pwsh", "pwsh.exe")
def powershell_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``powershell -Command TEXT`` / ``-EncodedCommand B64``: read as PowerShell."""
    return _powershell(_raw_words(cmd)[1:], cmd, ctx, depth=0)


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
    words = _raw_words(cmd)
    powershell = "-" in cmd.name
    return _statement(words, " ".join(words), cmd, ctx, powershell, 0)


def rd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rmdir /s /q X`` (the Windows form of ``rmdir``)."""
    return _remove(_raw_words(cmd)[1:], cmd, ctx, powershell=False, files_only=False)
