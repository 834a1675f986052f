"""The shell commands an AWS call runs on hosts or containers, where its parameters spell them.

``ssm send-command --document-name AWS-RunShellScript --parameters commands=[…]`` runs each
command with ``sh`` on every instance it targets (in its ``workingDirectory``), and so does an
association of that document as soon as it is made; ``ssm start-session --document-name
AWS-Start(Non)InteractiveCommand --parameters command=…`` runs one; ``ecs execute-command
--command …`` runs one in a container, ``ecs run-task --overrides`` its container's command.
Another document that runs code (PowerShell, a script from S3, the account's own documents)
does not spell it out in the call: ``unknown``. The call itself is an ``update`` that "runs
arbitrary code" (:mod:`.verbs`); what the code does is judged as the command line it is --
``rm -rf /`` through SSM is as catastrophic as typed locally -- by the shell's ``aws`` reader
and, for an API call (the boto3 guard, ``keyturn check aws``), by :mod:`.remote_effects`. This
module only finds the text.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from keyturn.understand.aws.scheduled_runs import window_command
from keyturn.understand.aws.scheduled_targets import later_commands

__all__ = ["NOT_SPELT", "remote_commands"]

# SSM documents that run their ``commands``/``command`` parameter as shell text (by name, or
# the ARN's last part: ``arn:aws:ssm:…:document/AWS-RunShellScript``).
_SHELL_DOCUMENTS = {
    "ssm:SendCommand": {"AWS-RunShellScript": "commands"},
    "ssm:CreateAssociation": {"AWS-RunShellScript": "commands"},
    "ssm:UpdateAssociation": {"AWS-RunShellScript": "commands"},
    "ssm:StartSession": {
        "AWS-StartInteractiveCommand": "command",
        "AWS-StartNonInteractiveCommand": "command",
    },
}
# The parameter that names the document, per call.
_DOCUMENT_PARAMETER = {
    "ssm:SendCommand": "DocumentName",
    "ssm:CreateAssociation": "Name",
    "ssm:UpdateAssociation": "Name",
    "ssm:StartSession": "DocumentName",
}
# Documents whose code is not in the call: PowerShell (not judged as sh), a script fetched from
# S3 or GitHub, another document, a playbook or recipe. A document of the account's own (any
# name without the ``AWS-`` prefix) may run anything too.
_CODE_ELSEWHERE = frozenset(
    {
        *("AWS-RunPowerShellScript", "AWS-RunRemoteScript", "AWS-RunDocument"),
        *("AWS-RunAnsiblePlaybook", "AWS-ApplyAnsiblePlaybooks", "AWS-ApplyChefRecipes"),
        *("AWS-RunSaltState", "AWS-ApplyDSCMofs", "AWS-InstallApplication"),
        *("AWS-RunPatchBaseline", "AWS-RunPatchBaselineWithHooks", "AWS-InstallPowerShellModule"),
    }
)
# Sessions that only forward a port or carry SSH: what runs through them is not the call's.
_SESSION_ONLY = frozenset(
    {
        *("AWS-StartPortForwardingSession", "AWS-StartPortForwardingSessionToRemoteHost"),
        *("AWS-StartPortForwardingSessionToSocket", "AWS-StartSSHSession"),
    }
)
# What :func:`remote_commands` gives for a call that runs shell text its parameters do not
# spell out (a list of something else, a value decided elsewhere).
NOT_SPELT = "(the commands run are not spelt out in the call)"


def remote_commands(service: str, operation: str, params: Mapping[str, Any]) -> list[str]:
    """The shell command lines the call ``service:operation`` (canonical names) runs, from its
    parameters; ``[NOT_SPELT]`` when it runs some that they do not spell out; ``[]`` when it
    runs none this module knows of."""
    qualified = f"{service}:{operation}"
    scheduled = window_command(qualified, params)
    if scheduled is not None:  # a maintenance window's Run Command task: that command, later
        return remote_commands("ssm", "SendCommand", scheduled)
    later = later_commands(qualified, params)
    if later:  # an EventBridge rule's or a schedule's Run Command target: those, when it fires
        return [text for run in later for text in remote_commands("ssm", "SendCommand", run)]
    if qualified == "ecs:ExecuteCommand":
        return _texts(params.get("command"))
    if qualified in ("ecs:RunTask", "ecs:StartTask"):
        return _container_commands(params.get("overrides"))
    documents = _SHELL_DOCUMENTS.get(qualified)
    if documents is None:
        return []
    document = params.get(_DOCUMENT_PARAMETER[qualified])
    if document is None and qualified in ("ssm:StartSession", "ssm:UpdateAssociation"):
        return []  # a shell session (what is typed in it is not the call's) / the same document
    name = document.rsplit("/", 1)[-1] if isinstance(document, str) else ""
    parameter = documents.get(name)
    if parameter is None:
        if name in _SESSION_ONLY or (name.startswith("AWS-") and name not in _CODE_ELSEWHERE):
            # AWS's own documents that run no code given to them (inventory, agent updates);
            # SendCommand is Run Command itself: any other document runs what it says.
            return [NOT_SPELT] if qualified == "ssm:SendCommand" and name else []
        return [NOT_SPELT]
    given = params.get("Parameters")
    if not isinstance(given, Mapping):
        return [NOT_SPELT]
    texts = _texts(given.get(parameter))
    directory = given.get("workingDirectory")
    if isinstance(directory, list) and len(directory) == 1:
        directory = directory[0]
    if texts != [NOT_SPELT] and directory not in (None, "", [""]):
        # The commands run in ``workingDirectory``: relative paths in them start there.
        if not isinstance(directory, str):
            return [NOT_SPELT]
        texts = [f"cd {shlex.quote(directory)} || exit\n{t}" for t in texts]
    return texts


def _container_commands(overrides: Any) -> list[str]:
    """The commands ``ecs run-task``'s ``containerOverrides`` run in place of the image's
    (each an argument list, joined as the shell would read it)."""
    if overrides is None:
        return []
    if not isinstance(overrides, Mapping):
        return [NOT_SPELT]
    containers = overrides.get("containerOverrides") or []
    if not isinstance(containers, list):
        return [NOT_SPELT]
    out = []
    for container in containers:
        if not isinstance(container, Mapping):
            return [NOT_SPELT]
        command = container.get("command")
        if command is None:
            continue
        if not isinstance(command, list) or not all(isinstance(w, str) for w in command):
            return [NOT_SPELT]
        out.append(shlex.join(command))
    return out


def _texts(value: Any) -> list[str]:
    """Shell texts of a parameter: one string, or a list of strings (one line each)."""
    if isinstance(value, str) and value.strip():
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ["\n".join(value)]
    return [NOT_SPELT]
