"""Provisioners: the commands a plan runs besides its resource changes.

A ``provisioner "local-exec"`` runs a command on the machine that applies the plan when its
resource is created (so replaced too) or, with ``when = destroy``, destroyed; ``remote-exec`` and
``file`` act on another machine. None of it is in ``resource_changes``: a ``null_resource`` or
``terraform_data`` "create" may be ``aws rds delete-db-instance`` run with the operator's
credentials. The plan's ``configuration`` lists each resource's provisioners (not whether they
run at create or destroy time), so every created, replaced or destroyed resource with one gets
an ``unknown`` effect naming the command, and a ``local-exec`` command given as a constant is
also understood as the shell command it is: never less than held, denied when the command is.

A ``removed`` block (Terraform 1.9 and later, OpenTofu 1.10 and later) may carry destroy-time
provisioners too, and ``show -json`` does not write ``removed`` blocks at all: the plan shows a
plain delete whose configuration is gone (``delete_because_no_resource_config``, or
``delete_because_no_module`` for a resource of a module removed). So such a delete also gets an
``unknown`` effect saying a command the plan does not show may run (:func:`removed_block_effect`);
a plan made by a release older than 1.9 cannot hold one.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.terraform._config import Configuration, Provisioner, modules

# Where a local-exec command runs is the applying machine's working directory, which the plan
# does not tell: relative paths are named under this stand-in.
WORKING_DIR = "/terraform-working-dir"
# What runs a provisioner: any change that creates or destroys an object.
RUNS_ON = frozenset({"create", "delete"})
# The reasons of a delete a ``removed`` block makes: the object's configuration is gone.
_REMOVED_REASONS = frozenset({"delete_because_no_resource_config", "delete_because_no_module"})
# The first release of either tool whose ``removed`` blocks may hold provisioners is 1.9 or later.
_REMOVED_PROVISIONERS_SINCE = (1, 9)
_RELEASE = re.compile(r"([0-9]{1,6})\.([0-9]{1,6})(?![0-9])")


def provisioned(configuration: Configuration | None) -> dict[str, list[Provisioner]]:
    """``{resource address without instance keys: its provisioners}`` over every module."""
    found: dict[str, list[Provisioner]] = {}
    for prefix, module in modules(configuration):
        for resource in module.resources or ():
            if resource.provisioners and resource.address:
                found[prefix + resource.address] = resource.provisioners
    return found


def removed_block_effect(
    address: str, names: tuple[str, ...], *, mode: str, actions: tuple[str, ...],
    action_reason: str | None, terraform_version: str | None, target: Target,
    removed_blocks: bool | None = None,
) -> Effect | None:  # fmt: skip
    """The ``unknown`` effect of the destroy-time provisioners a ``removed`` block may hold for
    the object at ``address`` (named ``names``), or None when this change cannot run any.
    ``removed_blocks``: whether the plan's own configuration holds any (None: not known)."""
    if mode != "managed" or "delete" not in actions or action_reason not in _REMOVED_REASONS:
        return None
    if removed_blocks is False:
        return None
    version = _release(terraform_version)
    if version is not None and version < _REMOVED_PROVISIONERS_SINCE:
        return None
    return Effect(
        EffectKind.UNKNOWN,
        Resource(names, "terraform_provisioner"),
        target,
        "terraform",
        operation="terraform removed block",
        detail=f"{address}: a removed block may run destroy-time provisioners that the plan "
        "does not show",
    )


def _release(version: str | None) -> tuple[int, int] | None:
    """``"1.11.4"`` -> ``(1, 11)``; None when absent or not read (counted as recent)."""
    found = _RELEASE.match(version or "")
    return (int(found[1]), int(found[2])) if found else None


def provisioner_effects(
    address: str, names: tuple[str, ...], provisioners: list[Provisioner], target: Target
) -> list[Effect]:
    """The effects of the provisioners of the object at ``address`` (named ``names``)."""
    effects: list[Effect] = []
    for provisioner in provisioners:
        command = _constant(provisioner, "command")
        inline = _constant(provisioner, "inline")  # remote-exec's commands
        shown = (
            command
            if isinstance(command, str)
            else "; ".join(map(str, inline))
            if isinstance(inline, list) and inline
            else "(what it runs is known only on apply)"
        )
        effects.append(
            Effect(
                EffectKind.UNKNOWN,
                Resource(names, "terraform_provisioner"),
                target,
                "terraform",
                command=command if isinstance(command, str) else None,
                operation=f"terraform provisioner {provisioner.type or '?'}",
                detail=f"{address}: provisioner {provisioner.type or '?'} runs on apply: {shown}",
            )
        )
        shell = provisioner.type == "local-exec" and _constant(provisioner, "interpreter") is None
        if shell and isinstance(command, str):
            effects.extend(_shell_effects(command, provisioner, target))
    return effects


def _constant(provisioner: Provisioner, key: str) -> Any:
    expression = (provisioner.expressions or {}).get(key)
    return expression.get("constant_value") if isinstance(expression, dict) else None


def _shell_effects(command: str, provisioner: Provisioner, target: Target) -> tuple[Effect, ...]:
    from keyturn.understand.shell import understand_shell

    cwd = _constant(provisioner, "working_dir")
    cwd = posixpath.join(WORKING_DIR, cwd) if isinstance(cwd, str) else WORKING_DIR
    # The command's own variables (AWS_PROFILE=prod...) tell where it lands.
    variables = _constant(provisioner, "environment")
    env = {str(k): str(v) for k, v in variables.items()} if isinstance(variables, dict) else {}
    return understand_shell(command, cwd=cwd, env=env, target=target).effects
