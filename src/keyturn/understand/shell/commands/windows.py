"""Windows commands: ``cmd /c``, ``rd``/``rmdir /s``, ``del /s``, ``format``, PowerShell
``Remove-Item -Recurse`` (and its aliases ``ri``/``rm``/``del``/``rd``), ``powershell -Command``.

Windows text is not bash: backslashes are path separators, ``^`` escapes, only double quotes
group (single quotes too in PowerShell). Handlers read the words as written (``raw_argv``) and
split cmd/PowerShell text themselves. Paths are named ``file:C:/path`` (forward slashes, drive
letter upper case). Removing a drive root or a user profile recursively, and formatting a disk,
are catastrophic.

The handlers are here, the statement-by-statement reading in :mod:`._windows_script`; how the
text splits into pipelines, redirections and the blocks PowerShell runs is in
:mod:`._windows_syntax`, into words in :mod:`._windows_words`; how a path is named (variables,
the working directory, what is decided at run time, what is catastrophic) in
:mod:`._windows_paths`; deletes in
:mod:`._windows_removes`, moves, copies and writes in :mod:`._windows_files`; what
``powershell.exe`` runs in :mod:`._powershell_host`; pipelines' items, ``$_``, constant
variables and ``Start-Process`` in :mod:`._powershell_forms`; what the text binds names to
(variables it may change, splats, environment variables, the call operator's computed name,
aliases, cmd's ``%X%``) in :mod:`._powershell_bindings`; keyturn's own variables set the Windows
ways in :mod:`._windows_self`; .NET calls in :mod:`._powershell_dotnet`; other commands (cloud
cmdlets, Windows' programs, programs of other shells) in :mod:`._windows_calls`. PowerShell
text written with its other dashes and quotes or with block comments is read a second time in
plain characters (:mod:`._powershell_text`).
"""

from __future__ import annotations

import re

from keyturn.model import Effect
from keyturn.understand.shell.commands._powershell_cloud import CMDLETS as CLOUD_CMDLETS
from keyturn.understand.shell.commands._windows_paths import RUN_TIME_DIR, windows_catastrophe
from keyturn.understand.shell.commands._windows_removes import CMD_PROGRAMS, remove
from keyturn.understand.shell.commands._windows_script import _cmd, _powershell, _script, _statement
from keyturn.understand.shell.commands._windows_words import looks_windows, raw_readings, raw_words
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


def understand_windows_line(text: str, ctx: ShellContext) -> list[Effect]:
    """Effects of a whole line read as cmd text (PowerShell when it starts with a cmdlet)."""
    cmd = SimpleCommand(argv=("cmd",), program="cmd", text=" ".join(text.split())[:200])
    powershell = bool(re.match(r"(?i)\s*[a-z]+-[a-z]+", text))
    return _script(text, cmd, ctx, powershell=powershell, depth=0, cwd=ctx.cwd)


def understand_powershell_text(text: str, ctx: ShellContext, *, cwd: str) -> list[Effect]:
    """Effects of a PowerShell script given as such (an agent's PowerShell tool), run in
    ``cwd`` (``C:/prod``, or a POSIX directory)."""
    cmd = SimpleCommand(argv=("pwsh",), program="pwsh", text=" ".join(text.split())[:200])
    return _script(text, cmd, ctx, powershell=True, depth=0, cwd=cwd)


@command("cmd", "cmd.exe", "CMD", "CMD.EXE")
def cmd_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cmd /c TEXT``: TEXT read as cmd text."""
    return _cmd(raw_words(cmd)[1:], cmd, ctx, depth=0, cwd=ctx.cwd)


@command("powershell", "powershell.exe", "pwsh", "pwsh.exe")
def powershell_exe(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``powershell -Command TEXT`` / ``-EncodedCommand B64``: read as PowerShell."""
    return _powershell(raw_words(cmd)[1:], cmd, ctx, depth=0, cwd=ctx.cwd)


@command(
    *("rd", "del", "erase", "format", "robocopy", "setx", "setx.exe"),
    *("Remove-Item", "remove-item", "ri", "Format-Volume", "Clear-Disk"),
    *("Move-Item", "move-item", "Rename-Item", "rename-item", "Copy-Item", "copy-item"),
    *("Set-Content", "set-content", "Add-Content", "add-content", "Clear-Content"),
    *("clear-content", "Out-File", "out-file", "Invoke-Expression", "invoke-expression"),
    *("iex", "Start-Process", "start-process", "mi", "rni", "clc", "cpi"),
    *("reg", "vssadmin", "wmic", "wbadmin", "bcdedit", "cipher", "takeown", "icacls"),
    *("forfiles", "schtasks", "Stop-Computer", "Restart-Computer", *CLOUD_CMDLETS),
)
def windows_command(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """A Windows command typed directly (an agent whose shell is cmd or PowerShell)."""
    powershell = cmd.name.lower() not in CMD_PROGRAMS
    return [
        effect
        for words in raw_readings(cmd, powershell=powershell)
        for effect in _statement(words, " ".join(words), cmd, ctx, powershell, 0, cwd=ctx.cwd)
    ]


def rd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rmdir /s /q X`` (the Windows form of ``rmdir``)."""
    return remove(raw_words(cmd)[1:], cmd, ctx, powershell=False, files_only=False)
