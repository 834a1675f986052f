"""Provisioners: the commands a plan runs besides its resource changes.

A ``provisioner "local-exec"`` runs a command on the machine that applies the plan when its
resource is created (so replaced too) or, with ``when = destroy``, destroyed; ``remote-exec`` and
``file`` act on another machine. None of it is in ``resource_changes``: a ``null_resource`` or
``terraform_data`` "create" may be ``aws rds delete-db-instance`` run with the operator's
credentials. The plan's ``configuration`` lists each resource's provisioners (not whether they
run at create or destroy time), so every created, replaced or destroyed resource with one gets
an ``unknown`` effect naming the command, and a ``local-exec`` command given as a constant is
also understood as the shell command it is: never less than held, denied when the command is.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

import msgspec

from keyturn.model import Effect, EffectKind, Resource, Target

# Where a local-exec command runs is the applying machine's working directory, which the plan
# does not tell: relative paths are named under this stand-in.
WORKING_DIR = "/terraform-working-dir"
# What runs a provisioner: any change that creates or destroys an object.
RUNS_ON = frozenset({"create", "delete"})


class Provisioner(msgspec.Struct, frozen=True):
    """One ``provisioners[]`` entry of a configuration resource."""

    type: str = ""
    expressions: dict[str, Any] | None = None


class ConfigResource(msgspec.Struct, frozen=True):
    """A configuration resource: only its address and provisioners are judged."""

    address: str = ""
    provisioners: list[Provisioner] | None = None


class ModuleCall(msgspec.Struct, frozen=True):
    module: ConfigModule | None = None


class ConfigModule(msgspec.Struct, frozen=True):
    resources: list[ConfigResource] | None = None
    module_calls: dict[str, ModuleCall] | None = None


class Configuration(msgspec.Struct, frozen=True):
    """The plan's ``configuration``, down to what provisioners it declares."""

    root_module: ConfigModule | None = None


def provisioned(configuration: Configuration | None) -> dict[str, list[Provisioner]]:
    """``{resource address without instance keys: its provisioners}`` over every module."""
    found: dict[str, list[Provisioner]] = {}
    if configuration is not None and configuration.root_module is not None:
        for prefix, module in _modules(configuration.root_module, ""):
            for resource in module.resources or ():
                if resource.provisioners and resource.address:
                    found[prefix + resource.address] = resource.provisioners
    return found


def _modules(
    module: ConfigModule, prefix: str, depth: int = 0
) -> Iterator[tuple[str, ConfigModule]]:
    yield prefix, module
    if depth > 64:  # a configuration is a tree of modules; a deeper one is not Terraform's
        return
    for name, call in (module.module_calls or {}).items():
        if call.module is not None:
            yield from _modules(call.module, f"{prefix}module.{name}.", depth + 1)


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
