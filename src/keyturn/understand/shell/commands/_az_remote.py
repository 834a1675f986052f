"""What an ``az`` call does besides its own resource: the commands it runs on machines or in a
cluster (``vm run-command``, ``aks command invoke``, a CustomScript extension: judged as the
command lines they are, there: :mod:`._cloud_remote`), and the files it writes on this machine
(a kubeconfig, a download).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.commands._cloud_remote import remote_line
from keyturn.understand.shell.commands._kube_call import kubeconfig_write
from keyturn.understand.shell.effects import file_effect, home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def az_remote_effects(
    group: list[str],
    verb: str,
    flags: dict[str, list[str]],
    rg: str | None,
    subscriptions: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect]:
    """The effects of what the call runs on its machines (run as root there), named on them;
    unknown for code it runs without spelling it out."""
    machines = _machines(group, flags, rg, subscriptions)
    return [
        effect
        for text in _remote_texts(group, verb, flags)
        for effect in (
            remote_line(text, machines, cmd, ctx, where=f"on {machines[0]}", user="root")
            if text is not None
            else _not_spelt(cmd, ctx)
        )
    ]


def az_names(path: str, name: str, rg: str | None, subscriptions: list[str]) -> list[str]:
    """``azure:<path>/<name>``, in its resource group and in each subscription named."""
    names = [f"azure:{path}/{name}"] + ([f"azure:{rg}/{path}/{name}"] if rg else [])
    return names + [f"azure:subscriptions/{s}/{path}/{name}" for s in subscriptions]


def _machines(
    group: list[str], flags: dict[str, list[str]], rg: str | None, subscriptions: list[str]
) -> list[str]:
    """The names of the machine or cluster a remote command of the call runs on: the VM
    (``--vm-name``, else ``-n``) or scale set, or the AKS cluster."""
    kind = group[0] if group[:1] in (["vm"], ["vmss"], ["aks"]) else "/".join(group[:1]) or "vm"
    name = (flags.get("vm-name") or flags.get("name") or ["*"])[-1]
    return az_names(kind, name, rg, subscriptions)


# Extensions that run a shell command given in their settings (``commandToExecute``), and
# those that run code the call does not spell out in sh (PowerShell, a script by URL).
_SHELL_EXTENSIONS = frozenset({"CustomScript", "CustomScriptForLinux"})
_CODE_EXTENSIONS = frozenset(
    {
        *("CustomScriptExtension", "RunCommandLinux", "RunCommandHandlerLinux"),
        *("RunCommandWindows", "RunCommandHandlerWindows", "DSC"),
    }
)


def _remote_texts(group: list[str], verb: str, flags: dict[str, list[str]]) -> list[str | None]:
    """The shell text an az call runs on machines or in a cluster (``vm run-command``, ``aks
    command invoke``, a CustomScript extension): judged as command lines; None for code the
    call runs without spelling it out (a script by URL, a settings file, PowerShell)."""
    if group[-1:] == ["run-command"] and group[0] in ("vm", "vmss") and verb != "delete":
        if verb.startswith(("list", "show", "get")) or verb == "wait":
            return []
        scripts = flags.get("scripts") or flags.get("script")
        if flags.get("script-uri") or (verb == "create" and not scripts):
            return [None]  # a script fetched by URL, or one of a stock command id
        return ["\n".join(scripts)] if scripts else []
    if group == ["aks", "command"] and verb == "invoke":
        command = flags.get("command")
        return [command[-1]] if command else [None]
    if group[-1:] == ["extension"] and verb == "set":
        name = (flags.get("name") or [""])[-1]
        if name in _CODE_EXTENSIONS:
            return [None]
        if name not in _SHELL_EXTENSIONS:
            return []
        return [
            _command_to_execute(value)
            for option in ("settings", "protected-settings")
            for value in flags.get(option, [])
        ] or [None]
    return []


def _command_to_execute(settings: str) -> str | None:
    """The ``commandToExecute`` of a CustomScript extension's settings (JSON); None when the
    settings come from a file, fetch a script, or run one given in base64."""
    import json

    try:
        value = json.loads(settings)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or value.get("fileUris") or value.get("script"):
        return None
    command = value.get("commandToExecute")
    return command if isinstance(command, str) else None


def _not_spelt(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [
        cloud_effect(
            EffectKind.UNKNOWN,
            ["azure:remote-command"],
            ctx,
            service="shell",
            operation=f"{cmd.name} remote command",
            detail="runs code on machines that the call does not spell out",
        )
    ]


def az_local_writes(
    group: list[str], verb: str, flags: dict[str, list[str]], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """Local files an az call writes: the kubeconfig ``aks get-credentials`` changes (``-f``
    another), a download's file or directory."""
    if group == ["aks"] and verb == "get-credentials":
        files = flags.get("file")
        given = files[-1] if files else None
        if given is None:
            return [kubeconfig_write(cmd, ctx, "az aks: adds the cluster and makes it current")]
        if given == "-":
            return []
        path = home_path(given, ctx)
        return [file_effect(EffectKind.UPDATE, [path], cmd, ctx, detail="az aks get-credentials")]
    if not verb.startswith("download"):
        return []
    out = []
    for option in ("file", "dest", "destination", "path"):
        for value in flags.get(option, []):
            path = home_path(value, ctx)
            paths = [path, f"{path.rstrip('/')}/*"] if verb == "download-batch" else [path]
            out.append(file_effect(EffectKind.UPDATE, paths, cmd, ctx, detail=f"az {verb}"))
    return out
