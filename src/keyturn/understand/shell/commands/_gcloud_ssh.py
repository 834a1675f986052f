"""``gcloud … ssh`` (``compute ssh``, ``compute tpus tpu-vm ssh``, ``cloud-shell ssh``,
``workstations ssh``...): the command it runs on the machine, as ssh's own command would be.

gcloud builds ``ssh [FLAGS] USER@HOST [SSH_ARGS…] [-- COMMAND]`` (``command_lib/util/ssh``):
``--command`` is the remote command (run in ``sudo docker exec -i CONTAINER`` with
``--container``); the words after ``--`` go to ssh after the host, options first (``-vvv -L
…``), then, as ssh reads them, the words of a remote command; ``--ssh-flag`` values are more ssh
options. With no command, the remote shell reads the commands fed on gcloud's input. Each is
judged as a command line run on that machine (:mod:`._cloud_remote`), named on it
(``gcp:<project>/compute/instances/<vm>/file:…``). An ssh option that runs a program on this
machine (``-o ProxyCommand=…``, ``-F FILE``) is unknown here, as it is for ssh; an interactive
session (no command, no known input) is unknown on the machine. ``--dry-run`` only prints the
ssh command line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell._remote_wrappers import ssh_runs_locally
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.commands._cloud_remote import remote_line
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# ssh's options that take a value (as its ``getopt`` string says), options ending at the host.
_SSH = OptionSpec(valued="BbcDEeFIiJLlmOoPpQRSWw", stop_at_operand=True)
# The path machines of each group are named under (``compute ssh web-1`` is the instance).
MACHINE_PATHS = {
    ("compute",): "compute/instances",
    ("compute", "tpus", "tpu-vm"): "compute/tpus/tpu-vm",
    ("workstations",): "workstations",
    ("cloud-shell",): "cloud-shell",
}


def ssh_effects(
    machines: Sequence[str],
    *,
    host: str,
    flags: dict[str, list[str]],
    after: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    operation: str,
) -> list[Effect]:
    """The effects of ``gcloud … ssh [USER@]HOST`` (``machines``: the names of that machine;
    ``after``: the words after ``--``); ``ctx`` is placed as the cloud call is."""
    if "dry-run" in flags:
        detail = "--dry-run: prints the ssh command line, runs nothing"
        return [
            cloud_effect(
                EffectKind.READ,
                machines,
                ctx,
                service="compute",
                operation=operation,
                detail=detail,
            )
        ]
    ssh_words = [part for value in flags.get("ssh-flag", []) for part in value.split()]
    opts = parse_options([*ssh_words, *after], _SSH)
    local = ssh_runs_locally(opts)
    if local is not None:
        return [unknown_effect(cmd, f"gcloud {operation}: {local}", ctx)]
    remote_words = list(opts.rest)
    command = _last(flags, "command")
    container = _last(flags, "container")
    if container:
        command = f"sudo docker exec -i {container} {command}" if command else None
    if command is not None:
        remote_words += ["--", command] if remote_words else [command]
    if remote_words:
        text = " ".join(remote_words)  # ssh sends its command's words joined with blanks
    elif cmd.stdin_text is not None and not cmd.stdin_dynamic:
        text = cmd.stdin_text  # the remote shell reads its input as commands
    else:
        detail = "an interactive session on the machine: what it runs is not known"
        return [
            cloud_effect(
                EffectKind.UNKNOWN,
                machines,
                ctx,
                service="compute",
                operation=operation,
                detail=detail,
            )
        ]
    user, at, _ = host.rpartition("@")
    user = user if at else _local_user(ctx)
    return remote_line(text, machines, cmd, ctx, where=f"on {machines[0]}", user=user or None)


def _last(flags: dict[str, list[str]], name: str) -> str | None:
    values = flags.get(name)
    return values[-1] if values else None


def _local_user(ctx: ShellContext) -> str:
    """The login name gcloud uses on the machine when none is given: this user's."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        value = ctx.env.get(name)
        if value:
            return value
    return posixpath.basename(ctx.home.rstrip("/"))
