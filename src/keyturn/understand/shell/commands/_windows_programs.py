"""Windows' own management programs, for the handlers of :mod:`.windows`.

Names (decided here): ``registry:<HIVE>/<key path>`` for a registry key (``HKLM``, ``HKCU``...,
the long hive names shortened), ``host:local/shadow-copies`` for the volume shadow copies (the
machine's restore points), ``host:local/backups`` for its Windows Server Backup catalog and
backups, ``host:local/boot`` for its boot configuration, ``service:<name>`` for a service,
``task:<name>`` for a scheduled task, ``host:local`` (or ``host:<computer>``) for the machine.

Meanings (each program's command-line reference on learn.microsoft.com): ``vssadmin delete
shadows``, ``vssadmin resize shadowstorage`` (shrinking deletes the oldest), ``wmic shadowcopy
delete`` and ``wbadmin delete ...`` delete the machine's shadow copies or backups; ``bcdedit
/set|/delete...`` change how it boots; ``reg add|delete`` change a key, under the keys Windows
runs programs from (``...\\CurrentVersion\\Run``, ``Winlogon``, ``Image File Execution
Options``, services) or takes every later process's environment from (``HKCU\\Environment``)
they are code that runs later (``unknown``); ``reg import|restore|load`` write keys a file
holds (``unknown``); ``takeown`` and ``icacls`` change a file's owner or permissions (the tree
with ``/r``/``/t``); ``cipher /w:`` overwrites a volume's free space (what was deleted there can
no longer be recovered), ``/e``/``/d`` encrypt or decrypt files; ``forfiles /c "cmd /c ..."``
runs the command for each file it finds (``@path``, ``@file`` standing for them);
``schtasks /create|/change`` installs a command that runs later (``unknown``); ``sc delete``
deletes a service, ``sc create`` or ``sc config ... binPath=`` installs its program (runs later);
``Stop-Computer``/``Restart-Computer`` and cmd's ``shutdown`` stop the machine. Forms not
listed are ``unknown`` as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._windows_paths import run_time_path, windows_path
from keyturn.understand.shell.commands._windows_self import setx
from keyturn.understand.shell.effects import command_effect, local_target, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
# What a cmd or PowerShell text is judged as, run in a directory (for ``forfiles``).
RunText = Callable[[str, "str | None"], list[Effect]]

PROGRAMS = frozenset(
    {"reg", "vssadmin", "wmic", "wbadmin", "bcdedit", "cipher", "takeown", "icacls"}
    | {"forfiles", "schtasks", "sc", "stop-computer", "restart-computer", "shutdown"}
)
_HIVES = {
    "hkey_local_machine": "HKLM",
    "hkey_current_user": "HKCU",
    "hkey_classes_root": "HKCR",
    "hkey_users": "HKU",
    "hkey_current_config": "HKCC",
}
# Keys whose values Windows runs, or gives every later process.
_RUNS_LATER = re.compile(
    r"(?i)\\currentversion\\(?:run|runonce|runonceex|runservices|runservicesonce|winlogon"
    r"|image file execution options|policies\\explorer\\run|explorer\\shell folders"
    r"|explorer\\user shell folders)(?:\\|$)|\\currentcontrolset\\services\\|\\control\\"
    r"session manager|^hk\w*\\environment$|\\command(?:\\|$)|\\shell\\"
)


def windows_program(
    name: str,
    args: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    cwd: str | None,
    run: RunText,
) -> list[Effect] | None:
    """The effects of one of :data:`PROGRAMS` (``None``: not one of them)."""
    low = [a.lower() for a in args]
    verb = low[0] if low else ""
    if name == "reg":
        return _reg(verb, list(args[1:]), cmd, ctx, cwd=cwd)
    if (name == "vssadmin" and verb == "delete") or (name == "vssadmin" and verb == "resize"):
        return [_machine(_E.DELETE, "host:local/shadow-copies", cmd, ctx, "deletes shadow copies")]
    if name == "wmic" and "shadowcopy" in low and "delete" in low:
        return [_machine(_E.DELETE, "host:local/shadow-copies", cmd, ctx, "deletes shadow copies")]
    if name == "wbadmin" and verb == "delete":
        return [_machine(_E.DELETE, "host:local/backups", cmd, ctx, "deletes the backups")]
    if name == "bcdedit":
        if not low or verb in ("/enum", "/v", "/?"):
            return [command_effect(_E.READ, cmd, ctx)]
        return [_machine(_E.UPDATE, "host:local/boot", cmd, ctx, "changes how it boots")]
    if (name == "vssadmin" and verb == "list") or (name == "wbadmin" and verb == "get"):
        return [command_effect(_E.READ, cmd, ctx)]
    if name in ("takeown", "icacls", "cipher"):
        return _file_settings(name, args, cmd, ctx, cwd=cwd)
    if name == "forfiles":
        return _forfiles(args, cmd, ctx, cwd=cwd, run=run)
    if name == "schtasks":
        return _schtasks(verb, args, cmd, ctx)
    if name == "sc":
        return _service(verb, args, cmd, ctx)
    if name in ("stop-computer", "restart-computer", "shutdown"):
        if name == "shutdown" and (not low or set(low) & {"/?", "/a"}):
            return [command_effect(_E.READ if not low else _E.UPDATE, cmd, ctx)]
        hosts = _valued(args, ("-computername", "-cn", "/m")) or ["local"]
        return [
            _machine(_E.UPDATE, f"host:{h.lstrip(chr(92))}", cmd, ctx, "disruptive: stops it")
            for h in hosts
        ]
    return None


def _machine(
    kind: EffectKind,
    name: str | Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    why: str,
    *,
    kind_of: str = "host",
) -> Effect:
    names = (name,) if isinstance(name, str) else tuple(name)
    return Effect(
        effect=kind,
        resource=Resource(names, type=kind_of),
        target=local_target(ctx),
        service="host",
        command=cmd.text,
        operation=cmd.name,
        detail=why,
    )


def _valued(args: Sequence[str], names: Sequence[str]) -> list[str]:
    low = [a.lower() for a in args]
    return [args[i + 1] for i, a in enumerate(low[:-1]) if a in names]


def registry_key(raw: str) -> str:
    """``registry:HKLM/Software/X`` for ``HKEY_LOCAL_MACHINE\\Software\\X`` (or ``HKLM:\\``)."""
    hive, _, rest = raw.strip("\\").replace("/", "\\").partition("\\")
    hive = hive.rstrip(":")
    short = _HIVES.get(hive.lower(), hive.upper())
    return "registry:" + "/".join([short, *[p for p in rest.split("\\") if p]])


def _reg(
    verb: str, args: list[str], cmd: SimpleCommand, ctx: ShellContext, *, cwd: str | None
) -> list[Effect]:
    if verb in ("query", "compare", "/?", ""):
        return [command_effect(_E.READ, cmd, ctx)]
    keys = [a for a in args if not a.startswith("/")]
    if verb in ("export", "save") and len(keys) >= 2:
        key, dest = keys[0], windows_path(keys[1], cwd)
        from keyturn.understand.shell.effects import file_effect

        return [
            _machine(_E.READ, registry_key(key), cmd, ctx, f"reg {verb}"),
            file_effect(
                _E.UPDATE, [dest], cmd, ctx, run_time=run_time_path(keys[1], cwd, powershell=False)
            ),
        ]
    if verb not in ("add", "delete", "copy") or not keys:
        return [unknown_effect(cmd, f"reg {verb} writes keys keyturn does not see", ctx)]
    key = keys[-1] if verb == "copy" else keys[0]
    if re.search(r"(?i)^hk(?:cu|ey_current_user)\\environment$", key.strip("\\")):
        names = _valued(args, ("/v",))
        found = setx(names, cmd, ctx) if names else []
        return found or [unknown_effect(cmd, "sets variables every later process sees", ctx)]
    if _RUNS_LATER.search(key.strip("\\")):
        return [unknown_effect(cmd, f"reg {verb} of {key}: Windows runs what it names later", ctx)]
    kind = _E.DELETE if verb == "delete" else _E.UPDATE
    names = [registry_key(key)]
    if verb == "delete" and "/v" not in [a.lower() for a in args]:
        names.append(registry_key(key) + "/*")  # the key and every key and value under it
    return [_machine(kind, names, cmd, ctx, f"reg {verb}", kind_of="registry")]


def _file_settings(
    name: str, args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, *, cwd: str | None
) -> list[Effect]:
    from keyturn.understand.shell.effects import file_effect

    low = [a.lower() for a in args]
    if name == "cipher":
        wiped = [a.split(":", 1)[1] for a in args if a.lower().startswith("/w:")]
        if wiped:
            drive = windows_path(wiped[0], cwd)[:2]
            return [_machine(_E.UPDATE, f"host:local/free-space/{drive}", cmd, ctx, "wipes it")]
        if not set(low) & {"/e", "/d", "/k", "/r", "/u", "/x", "/y", "/rekey", "/flushcache"}:
            return [command_effect(_E.READ, cmd, ctx)]
    if name == "icacls" and not set(low) & {
        *("/grant", "/grant:r", "/deny", "/remove", "/remove:g", "/remove:d", "/reset"),
        *("/setowner", "/inheritance:e", "/inheritance:d", "/inheritance:r", "/setintegritylevel"),
        *("/restore", "/substitute", "/save"),
    }:
        return [command_effect(_E.READ, cmd, ctx)]
    given = (
        _valued(args, ("/f",))
        if name == "takeown"
        else [a for a in args if not a.startswith("/")][:1]
    )
    if not given:
        return [unknown_effect(cmd, f"{name} on files keyturn cannot name", ctx)]
    tree = bool(set(low) & {"/r", "/t", "/s"})
    paths = [windows_path(given[0], cwd)]
    paths += [paths[0].rstrip("/") + "/*"] if tree else []
    run_time = run_time_path(given[0], cwd, powershell=False)
    return [
        file_effect(
            _E.UPDATE, paths, cmd, ctx, detail=f"{name}: owner or access", run_time=run_time
        )
    ]


def _forfiles(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, *, cwd: str | None, run: RunText
) -> list[Effect]:
    """``forfiles /p DIR /m MASK [/s] /c "cmd /c ..."``: the command run for each file found,
    ``@path``/``@file``/``@fname`` standing for them (``0xHH`` a character)."""
    low = [a.lower() for a in args]
    place = (_valued(args, ("/p",)) or ["."])[0]
    mask = (_valued(args, ("/m",)) or ["*"])[0]
    command = (_valued(args, ("/c",)) or ["cmd /c echo @file"])[0]
    folder = windows_path(place, cwd)
    # With ``/s`` the files of every folder under it: all of the tree stands for them.
    every = "/s" in low or mask in ("*", "*.*")
    found = folder.rstrip("/") + "/" + ("*" if every else mask)
    command = re.sub(r"0x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), command)
    command = re.sub(r"(?i)@(?:path|file|fname|relpath)", f'"{found}"', command)
    return [
        command_effect(_E.READ, cmd, ctx, detail=f"runs for each {found}"),
        *run(command, folder),
    ]


def _schtasks(
    verb: str, args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    if verb in ("/query", "/?", ""):
        return [command_effect(_E.READ, cmd, ctx)]
    names = _valued(args, ("/tn",)) or ["*"]
    if verb == "/delete":
        return [_task(_E.DELETE, n, cmd, ctx) for n in names]
    if verb == "/end":
        return [_task(_E.UPDATE, n, cmd, ctx) for n in names]
    # /create, /change (a new command), /run (the task's command, not in the text): later.
    return [unknown_effect(cmd, f"schtasks {verb}: runs a command keyturn does not judge", ctx)]


def _task(kind: EffectKind, name: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    return _machine(kind, f"task:{name.strip(chr(92))}", cmd, ctx, "a task", kind_of="task")


def _service(verb: str, args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    words = [a for a in args if not a.startswith("\\\\")]
    verb = words[0].lower() if words else ""
    name = words[1] if len(words) > 1 else "*"
    if verb in ("query", "queryex", "qc", "qdescription", "getdisplayname", "getkeyname", ""):
        return [command_effect(_E.READ, cmd, ctx)]
    if verb in ("create",) or (
        verb == "config"
        and any(a.lower() == "binpath=" or a.lower().startswith("binpath=") for a in words)
    ):
        return [unknown_effect(cmd, f"sc {verb}: installs a program the service runs later", ctx)]
    kind = _E.DELETE if verb == "delete" else _E.UPDATE
    return [_machine(kind, f"service:{name}", cmd, ctx, f"sc {verb}", kind_of="service")]
