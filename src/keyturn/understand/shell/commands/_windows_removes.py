"""Windows deletes: ``rd``/``rmdir /s``, ``del /s``, PowerShell ``Remove-Item`` (and its
aliases), ``robocopy /MIR`` and ``/MOVE``, for the handlers of :mod:`.windows`; and the
commands of either shell that only read.

A ``Remove-Item`` parameter is taken abbreviated or with its value after a colon
(``-Rec``, ``-Path:C:\\x``, ``-Recurse:$true``); a ``-Path`` reads ``[...]`` as a wildcard,
``-LiteralPath`` does not; with no path, what the pipeline passes in is removed. A path on a
PowerShell drive that holds no files (``HKLM:``, ``Cert:``) is not understood; on ``Env:`` it
unsets a variable (keyturn's own are guarded).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._powershell_forms import UNKNOWN_FLOW, Flow
from keyturn.understand.shell.commands._windows_paths import (
    paths_inside,
    provider_drive,
    ps_wildcards,
    run_time_path,
    windows_catastrophe,
    windows_path,
)
from keyturn.understand.shell.commands._windows_self import keyturn_settings
from keyturn.understand.shell.effects import command_effect, file_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

READS = frozenset(
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
        # PowerShell cmdlets that only read, or shape what they are given
        *("sort-object", "select-object", "select", "measure-object", "measure"),
        *("group-object", "compare-object", "format-table", "ft", "format-list", "fl"),
        *("out-string", "out-host", "out-null", "get-date", "get-command", "gcm", "get-help"),
        *("get-member", "gm", "resolve-path", "rvpa", "split-path", "join-path"),
        *("get-psdrive", "gdr", "get-acl", "get-filehash", "convertto-json", "convertfrom-json"),
        *("write-verbose", "write-warning", "write-error", "write-information", "get-variable"),
        *("get-alias", "get-module", "get-host", "get-itemproperty", "gp", "get-volume"),
    ]
)


# ``-Recurse``, abbreviated or with a value (``-Recurse:$true``; ``:$false`` too: the stricter
# reading).
_PS_RECURSE = re.compile(r"(?i)-r(e(c(u(r(s(e)?)?)?)?)?)?(:.*)?$")
# cmd's switches: ``/s``, ``/S/Q`` (several glued together).
CMD_SWITCHES = re.compile(r"(?:/[a-z0-9?](?::[^/]*)?)+")
_PS_VALUED = frozenset(
    {
        *("-path", "-pa", "-pat", "-literalpath", "-lp", "-pspath", "-filter", "-include"),
        *("-exclude", "-credential", "-stream"),
        # The common parameters that take a value (``-ErrorAction SilentlyContinue``, ``-ea 0``):
        # the value is no path.
        *("-erroraction", "-ea", "-warningaction", "-wa", "-informationaction", "-infa"),
        *("-errorvariable", "-ev", "-warningvariable", "-wv", "-informationvariable", "-iv"),
        *("-outvariable", "-ov", "-outbuffer", "-ob", "-pipelinevariable", "-pv"),
        *("-progressaction", "-proga"),
    }
)
# Programs of cmd (or cmd's own commands), not PowerShell's.
CMD_PROGRAMS = frozenset(
    {"rd", "del", "erase", "format", "robocopy", "setx", "setx.exe", "reg", "vssadmin", "wmic"}
    | {"wbadmin", "bcdedit", "cipher", "takeown", "icacls", "forfiles", "schtasks"}
)
# Every way PowerShell removes an item (in PowerShell ``rm``, ``del``, ``rd`` are aliases).
PS_REMOVES = frozenset({"remove-item", "ri", "rm", "del", "erase", "rd", "rmdir"})


def remove(
    args: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    files_only: bool,
    cwd: str | None = None,
    flow: Flow = UNKNOWN_FLOW,
) -> list[Effect]:
    recursive = False
    paths: list[tuple[str, bool]] = []  # each path, and whether it is literal (no wildcards)
    i = 0
    while i < len(args):
        arg, low = args[i], args[i].lower()
        given, colon, _ = low.partition(":")
        if powershell and _PS_RECURSE.match(low):
            recursive = True
        elif powershell and given in _PS_VALUED:
            value = (
                args[i][len(given) + 1 :] if colon else (args[i + 1] if i + 1 < len(args) else "")
            )
            if given in ("-path", "-literalpath", "-lp", "-pspath", "-pa", "-pat"):
                literal = given in ("-literalpath", "-lp", "-pspath")
                paths.extend((p, literal) for p in value.split(",") if p)
            i += 0 if colon else 1
        elif not powershell and low.startswith("/") and CMD_SWITCHES.fullmatch(low):
            # A switch (``/s``, ``/S/Q``); in PowerShell ``/`` starts a path.
            recursive = recursive or "/s" in (low + "/").replace(":", "/")
        elif not low.startswith("-"):
            paths.extend(
                (p, not powershell) for p in (arg.split(",") if powershell else [arg]) if p
            )
        i += 1
    if not paths and flow.paths:
        paths = [(p, True) for p in flow.paths]  # what the pipeline passes in
    if not paths:
        return [unknown_effect(cmd, "a Windows delete without a path", ctx)]
    effects = []
    expressions = [(p, False) for raw, _ in paths for p in paths_inside(raw)]
    for raw, literal in paths + expressions:
        drive = provider_drive(raw)
        if drive is not None:
            effects += _outside_files(raw, drive, cmd, ctx)
            continue
        run_time = run_time_path(raw, cwd, powershell=powershell)
        path = windows_path(raw, cwd)
        path = path if literal else ps_wildcards(path)
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


def _outside_files(raw: str, drive: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """Removing from a PowerShell drive that holds no files: ``Env:`` unsets a variable
    (keyturn's own are guarded by the line's scan), others (``HKLM:``, ``Cert:``) are not
    understood."""
    if drive == "env":
        return keyturn_settings(raw, cmd, ctx) or [
            command_effect(EffectKind.READ, cmd, ctx, detail=f"unsets {raw}")
        ]
    return [unknown_effect(cmd, f"removes {raw!r} from the PowerShell drive {drive}:", ctx)]


def robocopy(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, *, cwd: str | None
) -> list[Effect]:
    src, dest = windows_path(args[0], cwd), windows_path(args[1], cwd)
    effects = [file_effect(EffectKind.UPDATE, [dest, dest + "/*"], cmd, ctx)]
    switches = {a.lower() for a in args}
    if {"/move", "/mov"} & switches:
        # Moves rather than copies: the source files are deleted (``/move`` its folders too).
        effects.append(
            file_effect(
                EffectKind.DELETE,
                [src, src + "/*"] if "/move" in switches else [src + "/*"],
                cmd,
                ctx,
                detail=f"moves the files of {src} into {dest}",
            )
        )
    if {"/mir", "/purge"} & switches:
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
