"""What a container command's own line points it to: settings files elsewhere than their usual
places, and programs named in its global options.

1. ``docker --config DIR`` (it wins over DOCKER_CONFIG), or a variable set for the command
   itself (``DOCKER_CONFIG=DIR docker …``, ``env REGISTRY_AUTH_FILE=… podman …``), moves the
   settings it reads (:mod:`keyturn.understand._container_env_settings`: checked with docker
   28.2 and podman 4.3.1). Each such file is named with a read of its own type, so that a
   write of it on the same line is held as a write of the usual settings is
   (:mod:`keyturn.understand.runs_later`). podman's ``--config`` is not read for its logins
   (``podman --config DIR login --get-login`` did not run DIR/config.json's helper): it names
   nothing here.
2. podman runs the program ``--runtime PATH`` names (``podman --runtime /tmp/x info`` ran
   ``/tmp/x --version``; a bare name is looked up in containers.conf's ``[engine.runtimes]``
   only -- not found otherwise), and so ``--conmon``, ``--network-cmd-path``, the OCI hooks of
   ``--hooks-dir``, a ``--module`` (a containers.conf of its own), a ``mount_program`` in
   ``--storage-opt``; nerdctl the CNI plugins of ``--cni-path``. What they run is not judged:
   ``unknown``.
"""

from __future__ import annotations

from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand._container_env_settings import (
    DOCKER,
    FILE_VARIABLES,
    settings_read_type,
)
from keyturn.understand.shell.effects import file_effect, home_path, unknown_effect
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# Global options whose value is a program, or a folder or file naming programs, that the
# engine runs: option -> what it is, for people.
_PROGRAM_OPTIONS = {
    "conmon": "the container monitor",
    "network-cmd-path": "the network setup program",
    "hooks-dir": "a folder of OCI hooks, run at every container's start",
    "module": "a containers.conf module, which may name programs it runs",
    "cni-path": "a folder of CNI plugins, run as root for every container's network",
}
_PODMAN = ("podman", "podman-compose")


def settings_read(cmd: SimpleCommand, ctx: ShellContext, opts: Options | None) -> list[Effect]:
    """A read of each settings file the command's own line points it to (item 1 of the module's
    docstring); ``opts``: its global options, when parsed."""
    out = []
    folder = opts.value("config") if opts is not None and cmd.name == "docker" else None
    folder = folder or cmd.assignments.get("DOCKER_CONFIG")
    if folder:
        path = f"{home_path(folder, ctx).rstrip('/')}/config.json"
        out.append(_read(DOCKER, path, cmd, ctx))
    for variable, kind in FILE_VARIABLES.items() if cmd.name in _PODMAN else ():
        value = cmd.assignments.get(variable)
        if value:
            out.append(_read(kind, home_path(value, ctx), cmd, ctx))
    return out


def _read(kind: str, path: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    effect = file_effect(
        EffectKind.READ, [path], cmd, ctx, detail=f"{cmd.name} reads its settings from it"
    )
    return replace(effect, resource=Resource(effect.resource.names, settings_read_type(kind)))


def programs_named(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> list[Effect]:
    """An ``unknown`` effect for each program a global option makes the engine run (item 2 of
    the module's docstring)."""
    out = []
    for value in opts.values.get("runtime", ()):
        if "/" in value:
            out.append(_runs(cmd, ctx, f"--runtime {value}", "the OCI runtime"))
    for option, what in _PROGRAM_OPTIONS.items():
        for value in opts.values.get(option, ()):
            out.append(_runs(cmd, ctx, f"--{option} {value}", what))
    for value in opts.values.get("storage-opt", ()):
        if "mount_program" in value.lower():
            out.append(_runs(cmd, ctx, f"--storage-opt {value}", "the storage's mount program"))
    return out


def _runs(cmd: SimpleCommand, ctx: ShellContext, given: str, what: str) -> Effect:
    said = f"{given}: {cmd.name} runs what it names ({what}); what that does is not judged"
    return unknown_effect(cmd, said, ctx)
