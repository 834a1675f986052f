"""The shell commands an AWS call runs on hosts or containers, where its parameters spell them.

``ssm send-command --document-name AWS-RunShellScript --parameters commands=[…]`` runs each
command with ``sh`` on every instance it targets; ``ssm start-session --document-name
AWS-StartInteractiveCommand --parameters command=…`` runs one; ``ecs execute-command --command
…`` runs one in a container. The call itself is an ``update`` that "runs arbitrary code"
(:mod:`.verbs`); what the code does is judged as the command line it is -- ``rm -rf /`` through
SSM is as catastrophic as typed locally -- by whoever can understand shell text (this module
only finds the text: understanding AWS calls does not depend on understanding shell).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["NOT_SPELT", "remote_commands"]

# SSM documents that run their ``commands``/``command`` parameter as shell text (by name, or
# the ARN's last part: ``arn:aws:ssm:…:document/AWS-RunShellScript``).
_SHELL_DOCUMENTS = {
    "ssm:SendCommand": {"AWS-RunShellScript": "commands"},
    "ssm:StartSession": {"AWS-StartInteractiveCommand": "command"},
}
# What :func:`remote_commands` gives for a call that runs shell text its parameters do not
# spell out (a list of something else, a value decided elsewhere).
NOT_SPELT = "(the commands run are not spelt out in the call)"


def remote_commands(service: str, operation: str, params: Mapping[str, Any]) -> list[str]:
    """The shell command lines the call ``service:operation`` (canonical names) runs, from its
    parameters; ``[NOT_SPELT]`` when it runs some that they do not spell out; ``[]`` when it
    runs none this module knows of."""
    qualified = f"{service}:{operation}"
    if qualified == "ecs:ExecuteCommand":
        return _texts(params.get("command"))
    documents = _SHELL_DOCUMENTS.get(qualified)
    if documents is None:
        return []
    document = params.get("DocumentName")
    name = document.rsplit("/", 1)[-1] if isinstance(document, str) else ""
    parameter = documents.get(name)
    if parameter is None:
        return []
    given = params.get("Parameters")
    if not isinstance(given, Mapping):
        return [NOT_SPELT]
    return _texts(given.get(parameter))


def _texts(value: Any) -> list[str]:
    """Shell texts of a parameter: one string, or a list of strings (one line each)."""
    if isinstance(value, str) and value.strip():
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ["\n".join(value)]
    return [NOT_SPELT]
