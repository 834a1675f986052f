"""Resources whose apply runs code the plan does not show.

Terraform holds a provisioner, the ``external`` data source and an action invocation as
``unknown``: what they do is a program's business. Some resources are the same thing under a
resource's name: ``aws_lambda_invocation`` invokes a function on apply (again when its input
changes, and on destroy with ``lifecycle_scope = "CRUD"``), ``aws_ssm_association`` runs a
document (``AWS-RunShellScript``: any command) on instances, a CloudFormation stack made from
a template creates, changes or deletes whatever the template says. Each change of one yields an
``unknown`` effect besides the resource's own.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RUNS_CODE_TYPES", "runs_code"]

# type -> (the actions that run it, what runs).
_ALL = frozenset({"create", "update", "delete"})
_SET = frozenset({"create", "update"})
_STACK = "stack {}: the resources of its template are not seen"
_STACK_SET = "stack set {}: its stacks are not seen"
_RUNS: dict[str, tuple[frozenset[str], str]] = {
    "aws_lambda_invocation": (_ALL, "invokes Lambda function {function_name}"),
    "aws_ssm_association": (_SET, "runs SSM document {name} on its targets"),
    "awscc_ssm_association": (_SET, "runs SSM document {name} on its targets"),
    # A new version becomes the default: associations running the document run it next.
    "aws_ssm_document": (frozenset({"update"}), "changes what runs SSM document {name}"),
    "aws_cloudformation_stack": (_ALL, _STACK.format("{name}")),
    "awscc_cloudformation_stack": (_ALL, _STACK.format("{stack_name}")),
    "aws_cloudformation_stack_set": (_ALL, _STACK_SET.format("{name}")),
    "awscc_cloudformation_stack_set": (_ALL, _STACK_SET.format("{stack_set_name}")),
    "aws_cloudformation_stack_set_instance": (_ALL, _STACK_SET.format("{stack_set_name}")),
    "aws_cloudformation_stack_instances": (_ALL, _STACK_SET.format("{stack_set_name}")),
    "azurerm_virtual_machine_run_command": (_SET, "runs a command on {virtual_machine_id}"),
}


class _Known(dict[str, Any]):
    """Format values: what the plan does not know yet shows as ``?``."""

    def __missing__(self, key: str) -> str:
        return "?"


RUNS_CODE_TYPES = frozenset(_RUNS)


def runs_code(resource_type: str, actions: tuple[str, ...], values: Any) -> str | None:
    """What a change of ``resource_type`` with ``actions`` runs on apply (for the detail of an
    ``unknown`` effect), or None when it runs nothing the plan does not show."""
    found = _RUNS.get(resource_type)
    if found is None or not found[0].intersection(actions):
        return None
    known = _Known(
        {k: v for k, v in values.items() if isinstance(v, str) and v}
        if isinstance(values, dict)
        else {}
    )
    return found[1].format_map(known) + ": runs on apply, what it does is not in the plan"
