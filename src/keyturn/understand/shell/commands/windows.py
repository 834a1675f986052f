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
import posixpath
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
    """Split cmd or PowerShell text into words by its own rules (not bash's: a backslash is a
    path separator, ``C:\\ -Recurse`` is two words); in PowerShell a parenthesised expression is
    one word (``(Get-PSDrive C).Root``)."""
    quotes = "\"'" if powershell else '"'
    if powershell:
        pattern = "|".join([r"\([^)]*\)?", *(f"{q}[^{q}]*{q}?" for q in quotes), r"[^\s\"'(]+"])
    else:
        pattern = "|".join([*(f"{q}[^{q}]*{q}?" for q in quotes), rf"[^\s{quotes}]+"])
    words: list[str] = []
    for match in re.finditer(rf"(?:{pattern})+", text):
        word = match.group(0)
        if powershell:
            words.append(_ps_unquoted(word))
        else:
            words.append(word.replace('"', "").replace("^", ""))
    return words


def _ps_unquoted(word: str) -> str:
    """A PowerShell word without its quotes; a ``$`` in single quotes, literal there, is kept
    escaped (```$``, as PowerShell writes a literal one elsewhere)."""
    out: list[str] = []
    quote = ""
    for char in word:
        if quote:
            if char == quote:
                quote = ""
            else:
                out.append("`$" if char == "$" and quote == "'" else char)
        elif char in "'\"":
            quote = char
        else:
            out.append(char)
    return "".join(out)


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
    separators = _PS_SEPARATORS if powershell else _CMD_SEPARATORS
    effects: list[Effect] = []
    for statement in separators.split(text):
        if not powershell:
            statement = _ungrouped(statement)
        words = _command_words(_tokens(statement, powershell=powershell), powershell=powershell)
        if not words:
            continue
        moved = _directory_change(words, cwd, powershell=powershell)
        if moved != _NO_MOVE:
            cwd = moved
            effects.append(command_effect(EffectKind.READ, cmd, ctx, detail=statement[:100]))
            continue
        effects.extend(_statement(words, statement, cmd, ctx, powershell, depth, cwd=cwd))
    return effects or [command_effect(EffectKind.READ, cmd, ctx)]


# ``rd/s/q X``: cmd reads the switches glued to the command name as switches.
_GLUED_SWITCHES = re.compile(r"(?i)(rd|rmdir|del|erase)((?:/[a-z])+)")


def _ungrouped(statement: str) -> str:
    """A cmd statement without the parentheses of a group around it (``(rd /s /q C:\\)``)."""
    inner = statement.strip().lstrip("(")
    while inner.endswith(")") and inner.count(")") > inner.count("("):
        inner = inner[:-1].rstrip()
    return inner


def _command_words(words: list[str], *, powershell: bool) -> list[str]:
    """The words of the command a cmd statement runs, its prefixes and glued switches undone."""
    if powershell:
        return words
    while words:
        first = words[0].lstrip("@(")
        if first.lower() == "call":
            words = words[1:]
            continue
        if first.lower() == "start":
            rest = words[1:]
            while rest and (not rest[0] or rest[0].startswith("/")):
                rest = rest[1:]  # its options, an empty title
            words = rest
            continue
        glued = _GLUED_SWITCHES.fullmatch(first)
        if glued:
            switches = ["/" + s for s in glued.group(2).split("/") if s]
            return [glued.group(1), *switches, *words[1:]]
        return [first, *words[1:]] if first else words[1:]
    return words


# What a statement that is no change of directory gives :func:`_directory_change`.
_NO_MOVE = "(no move)"
# The working directory after a change to a place decided at run time.
RUN_TIME_DIR = "(decided at run time)"
_MOVES = frozenset({"cd", "chdir", "pushd", "set-location", "sl", "push-location"})
_RETURNS = frozenset({"popd", "pop-location"})


def _directory_change(words: list[str], cwd: str | None, *, powershell: bool) -> str | None:
    """Where a ``cd``/``pushd``/``Set-Location`` statement moves to (``None``: not known, so
    relative paths stay as written; :data:`RUN_TIME_DIR`), or :data:`_NO_MOVE`."""
    name = words[0].lower()
    if name in _RETURNS:
        return RUN_TIME_DIR
    if name not in _MOVES:
        return _NO_MOVE
    skip = ("/d", "-path", "-literalpath", "-lp")
    targets = [w for w in words[1:] if w.lower() not in skip and not w.startswith("-")]
    if not targets:
        return cwd
    if _run_time_path(targets[0], cwd, powershell=powershell):
        return RUN_TIME_DIR
    target = _path(targets[0], cwd)
    return target if _DRIVE.match(target) else None


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
                [_path(a, cwd) for a in args if ":" in a] or ["?"],
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
            decoded = _decode_utf16(args[i + 1])
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


def _decode_utf16(text: str) -> str | None:
    try:
        return base64.b64decode(text, validate=True).decode("utf-16-le")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


# Well-known Windows variables (cmd's ``%NAME%``, PowerShell's ``$env:NAME``), lower-cased, as
# on a default installation; ``%USERNAME%`` stays, naming the user's profile.
_PROFILE = "C:/Users/%USERNAME%"
_WINDOWS_VARIABLES = {
    "userprofile": _PROFILE,
    "home": _PROFILE,
    "homedrive": "C:",
    "homepath": "/Users/%USERNAME%",
    "systemdrive": "C:",
    "systemroot": "C:/Windows",
    "windir": "C:/Windows",
    "programfiles": "C:/Program Files",
    "programw6432": "C:/Program Files",
    "programfiles(x86)": "C:/Program Files (x86)",
    "commonprogramfiles": "C:/Program Files/Common Files",
    "commonprogramw6432": "C:/Program Files/Common Files",
    "commonprogramfiles(x86)": "C:/Program Files (x86)/Common Files",
    "programdata": "C:/ProgramData",
    "allusersprofile": "C:/ProgramData",
    "public": "C:/Users/Public",
    "appdata": _PROFILE + "/AppData/Roaming",
    "localappdata": _PROFILE + "/AppData/Local",
    "temp": _PROFILE + "/AppData/Local/Temp",
    "tmp": _PROFILE + "/AppData/Local/Temp",
    "onedrive": _PROFILE + "/OneDrive",
    "username": "%USERNAME%",
}
_VARIABLE = re.compile(
    r"%([A-Za-z0-9_()]+)%|(?<!`)\$\{env:([A-Za-z0-9_()]+)\}"
    r"|(?<!`)\$env:([A-Za-z0-9_]+(?:\(x86\))?)|(?<!`)\$(home|pshome)\b",
    re.IGNORECASE,
)
_PS_HOME = "C:/Windows/System32/WindowsPowerShell/v1.0"
_DRIVE = re.compile(r"[A-Za-z]:")
# ``\\?\C:\``, ``\\.\C:\`` (device paths) and ``\\localhost\C$\`` (the drive's admin share) are
# the drive itself.
_DEVICE_PATH = re.compile(
    r"//[?.]/([A-Za-z]:)|//(?:localhost|127\.0\.0\.1)/([A-Za-z])\$", re.IGNORECASE
)


def _expand(word: str) -> str:
    """``word`` with the well-known variables and a leading ``~`` put in; others stay."""
    word = word.strip()
    if "%" in word or "$" in word:
        word = _VARIABLE.sub(_variable_value, word)
    if word == "~" or word.startswith(("~/", "~\\")):
        word = _PROFILE + word[1:]
    return word


def _variable_value(match: re.Match[str]) -> str:
    if match.group(4) is not None:
        return _PS_HOME if match.group(4).lower() == "pshome" else _PROFILE
    name = (match.group(1) or match.group(2) or match.group(3)).lower()
    return _WINDOWS_VARIABLES.get(name, match.group(0))


def _run_time_path(word: str, cwd: str | None, *, powershell: bool) -> bool:
    """Whether the path ``word`` is decided at run time: a variable other than the well-known
    ones (``%D%``, ``$p``, a ``for`` loop's ``%i``), a PowerShell expression (``(Get-PSDrive
    C).Root``), or a relative path after a change to a place decided at run time."""
    expanded = _DEVICE_PATH.sub("", _expand(word).replace("\\", "/")).replace("%USERNAME%", "")
    if "%" in expanded or expanded.startswith("("):
        return True
    if powershell and "$" in expanded.replace("`$", ""):
        return True
    return cwd == RUN_TIME_DIR and not _absolute(expanded)


def _absolute(path: str) -> bool:
    return path.startswith("/") or bool(_DRIVE.match(path))


def _path(word: str, cwd: str | None = None) -> str:
    """``file:`` form of a Windows path: ``C:/work/x`` (forward slashes, drive upper case,
    ``.`` and ``..`` resolved); relative paths joined to ``cwd`` when it is known."""
    path = _expand(word).replace("\\", "/")
    device = _DEVICE_PATH.match(path)
    if device is not None:
        drive = device.group(1) or device.group(2) + ":"
        path = drive + path[device.end() :]
    if not _absolute(path) and cwd is not None and cwd != RUN_TIME_DIR:
        path = cwd.rstrip("/") + "/" + path
    if _DRIVE.match(path):
        path = path[0].upper() + ":" + posixpath.normpath("/" + path[2:].lstrip("/"))
    elif path.startswith("/") and not path.startswith("//"):
        path = posixpath.normpath(path)
    if len(path) > 3:
        path = path.rstrip("/")
    return path.replace("`$", "$")


def windows_catastrophe(path: str) -> str | None:
    """Why removing ``path`` recursively is catastrophic (a drive root, a user profile)."""
    if re.fullmatch(r"[A-Z]:/\*?(\*\.\*)?", path) or path in ("/", "/*"):
        return f"removes everything on the drive {path[:2]}"
    if re.fullmatch(r"(?:[A-Z]:)?/Users(/[^/]+)?(/\*)?", path, flags=re.IGNORECASE):
        return f"removes a user profile ({path})"
    return None


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
    for raw in paths + [p for expression in paths for p in _paths_inside(expression)]:
        run_time = _run_time_path(raw, cwd, powershell=powershell)
        path = _path(raw, cwd)
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


# A word that reads as a path: a drive, a root, a home or a variable.
_PATH_LIKE = re.compile(r"[~$%/\\]|[A-Za-z]:")


def _paths_inside(word: str) -> list[str]:
    """The paths a PowerShell expression used as a path spells out (``(Resolve-Path ~)``,
    ``('C:' + '\\')``): what it computes is decided at run time, but deleting what it names
    is judged as well."""
    if not word.startswith("("):
        return []
    inner = word[1 : word.rfind(")")] if ")" in word else word[1:]
    return [w for w in _tokens(inner, powershell=True) if _PATH_LIKE.match(w)]


def _robocopy(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, *, cwd: str | None
) -> list[Effect]:
    src, dest = _path(args[0], cwd), _path(args[1], cwd)
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


def _raw_words(cmd: SimpleCommand, *, powershell: bool = False) -> list[str]:
    """The words as written, split again and quotes removed the Windows way (backslashes
    kept): bash reads ``C:\\ -Recurse`` as one word (an escaped blank), cmd and PowerShell as
    two."""
    raw = cmd.raw_argv if len(cmd.raw_argv) == len(cmd.argv) else cmd.argv
    words: list[str] = []
    for word in raw:
        if len(word) > 1 and word.startswith("'") and word.endswith("'"):
            # One word, as bash gave it; in PowerShell, a literal one too.
            words.append(word[1:-1].replace("$", "`$") if powershell else word[1:-1])
        else:
            words.extend(_tokens(word, powershell=powershell) or [""])
    return words


@command("cmd", "cmd.exe", "CMD", "CMD.EXE")
def cmd_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cmd /c TEXT``: TEXT read as cmd text."""
    return _cmd(_raw_words(cmd)[1:], cmd, ctx, depth=0, cwd=None)


@command("powershell", "powershell.exe", "pwsh", "pwsh.exe")
def powershell_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``powershell -Command TEXT`` / ``-EncodedCommand B64``: read as PowerShell."""
    return _powershell(_raw_words(cmd)[1:], cmd, ctx, depth=0, cwd=None)


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
    words = _raw_words(cmd, powershell=powershell)
    return _statement(words, " ".join(words), cmd, ctx, powershell, 0)


def rd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rmdir /s /q X`` (the Windows form of ``rmdir``)."""
    return _remove(_raw_words(cmd)[1:], cmd, ctx, powershell=False, files_only=False)
