"""Built-in meanings of HashiCorp's Terraform server's tools (registry, HCP Terraform / TFE).

Source: ``hashicorp/terraform-mcp-server`` ``pkg/toolsets/mapping.go`` (every tool's name) and
``pkg/tools/tfe/*.go`` (``create_run.go``, ``action_run.go``, ``create_workspace.go``,
``update_workspace.go``, ``delete_workspace_safely.go``, ``force_unlock_workspace.go``,
``variable_sets.go``: ``terraform_org_name``, ``workspace_name``, ``workspace_id``, ``run_type``,
``run_id``, ``run_action``, ``variable_set_id``...). Tools whose arguments were not read there
(teams, projects, workspace variables and tags, policy sets, no-code workspaces) stay unknown.

A workspace is named as the shell's ``terraform`` names it, ``terraform:workspace/<name>``, with
``terraform:org/<org>/workspace/<name>`` beside it, and the workspace is the effect's
Terraform-workspace hint (``terraform_workspaces:`` in the policy's environments). A tool that
takes a workspace by id names ``terraform:workspace-id/<id>`` and ``terraform:workspace/*`` (which
workspace is not told). A run is ``terraform:run/<id>``. What a run applies is not known until
it is planned, as for ``terraform apply`` without a plan file: a run that may apply without
confirmation, and ``action_run`` ``apply``, are ``unknown``; a destroy run deletes the workspace
(as ``terraform destroy``); a plan-only run reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyturn.model import EffectKind, Target
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_SERVICE = "terraform"
X = EffectKind.UNKNOWN

# run_type -> (effect, detail); the safe server variant offers the first four.
_RUN_TYPES = {
    "plan_only": (R, "a speculative plan: nothing is applied"),
    # A workspace set to apply automatically applies whatever the plan holds, deletions
    # included; the call does not say which: unknown, as ``terraform apply`` without a plan.
    "plan_and_apply": (X, "plans, and applies at once where the workspace auto-applies"),
    "refresh_state": (U, "refreshes the workspace's state"),
    "allow_empty_apply": (X, "may apply without confirmation: changes not known until planned"),
    "auto_approve": (X, "applies without confirmation: changes not known until planned"),
    "is_destroy": (D, "destroys every resource of the workspace"),
}


def _workspace(kind: EffectKind, detail: str = "", run_type: bool = False) -> Handler:
    """A workspace named by ``terraform_org_name`` and ``workspace_name``."""

    def handle(call: McpCall) -> BuiltinEffects:
        org, name = call.text_arg("terraform_org_name"), call.text_arg("workspace_name")
        if org is None or name is None:
            arg = "terraform_org_name" if org is None else "workspace_name"
            return missing_argument(call, kind, arg)
        judged, why = kind, detail
        if run_type:
            value = call.text_arg("run_type") or "plan_and_apply"  # the server's default
            judged, why = _RUN_TYPES.get(value, (X, f"run_type {value!r} not known"))
        names = [f"terraform:workspace/{name}", f"terraform:org/{org}/workspace/{name}"]
        return own_effects(
            call.effect(
                judged,
                names,
                type_="terraform_workspace",
                service=_SERVICE,
                detail=why,
                target=Target(terraform_workspace=name),
            )
        )

    return handle


def _update_workspace(call: McpCall) -> BuiltinEffects:
    notes = []
    if call.text_arg("new_name"):
        notes.append(f"renamed to {call.text_arg('new_name')}")
    if (call.text_arg("auto_apply") or "").lower() == "true":
        notes.append("auto_apply: its plans will apply without confirmation")
    return _workspace(U, "; ".join(notes))(call)


def _by_workspace_id(kind: EffectKind, detail: str) -> Handler:
    def handle(call: McpCall) -> BuiltinEffects:
        workspace = call.text_arg("workspace_id")
        if workspace is None:
            return missing_argument(call, kind, "workspace_id")
        names = [f"terraform:workspace-id/{workspace}", "terraform:workspace/*"]
        return own_effects(
            call.effect(kind, names, type_="terraform_workspace", service=_SERVICE, detail=detail)
        )

    return handle


def _action_run(call: McpCall) -> BuiltinEffects:
    run, action = call.text_arg("run_id"), call.text_arg("run_action")
    if run is None or action is None:
        return missing_argument(call, X, "run_id" if run is None else "run_action")
    if action in ("discard", "cancel"):
        kind, detail = U, f"{action}s the run"
    elif action == "apply":
        kind, detail = X, "applies the run: its changes are not in the call"
    else:
        kind, detail = X, f"run_action {action!r} not known"
    names = [f"terraform:run/{run}"]
    return own_effects(
        call.effect(kind, names, type_="terraform_run", service=_SERVICE, detail=detail)
    )


def _variable_set(kind: EffectKind, *, item: str = "", org: bool = False) -> Handler:
    """A variable set by ``variable_set_id`` (``item``: the argument naming a variable in it),
    or, with ``org``, one being created by ``terraform_org_name`` and ``name``."""

    def handle(call: McpCall) -> BuiltinEffects:
        keys = ("terraform_org_name", "name") if org else ("variable_set_id", item or "key")
        values = [call.text_arg(k) for k in keys]
        if None in values:
            return missing_argument(call, kind, keys[values.index(None)])
        first, second = values
        if org:
            names = [f"terraform:org/{first}/variable-set/{second}"]
        else:
            names = [f"terraform:variable-set/{first}" + (f"/{second}" if item else "")]
        detail = "" if org or item else f"variable {second}"
        return own_effects(
            call.effect(kind, names, type_="variable_set", service=_SERVICE, detail=detail)
        )

    return handle


def _set_workspaces(detail: str) -> Handler:
    """Attaching a variable set to workspaces (or detaching it) changes what their runs do."""

    def handle(call: McpCall) -> BuiltinEffects:
        varset, ids = call.text_arg("variable_set_id"), call.text_arg("workspace_ids")
        if varset is None or ids is None:
            return missing_argument(
                call, U, "variable_set_id" if varset is None else "workspace_ids"
            )
        workspaces = [w.strip() for w in ids.split(",") if w.strip()] or ["*"]
        return own_effects(
            *(
                call.effect(
                    U,
                    [f"terraform:workspace-id/{w}", "terraform:workspace/*"],
                    type_="terraform_workspace",
                    service=_SERVICE,
                    detail=f"{detail} variable set {varset}",
                )
                for w in workspaces
            )
        )

    return handle


_REGISTRY_READS = (
    "search_providers",
    "get_provider_details",
    "get_latest_provider_version",
    "get_provider_capabilities",
    "search_modules",
    "get_module_details",
    "get_latest_module_version",
    "search_policies",
    "get_policy_details",
    "resolve_provider_doc_id",
    "get_provider_docs",
    "search_private_modules",
    "get_private_module_details",
    "search_private_providers",
    "get_private_provider_details",
)
_TFE_READS = (
    "list_terraform_orgs",
    "list_terraform_projects",
    "list_workspaces",
    "list_runs",
    "get_run_details",
    "get_plan_details",
    "get_plan_logs",
    "get_plan_json_output",
    "get_apply_details",
    "get_apply_logs",
    "get_sentinel_mock",
    "get_token_permissions",
    "list_stacks",
    "get_stack_details",
    "list_variable_sets",
    "list_workspace_variables",
    "read_workspace_tags",
    "list_workspace_policy_sets",
)

TERRAFORM = ServerFamily(
    "terraform",
    ("terraform*", "*terraform*", "tfe", "tfe-*", "hcp-terraform*"),
    {
        **dict.fromkeys(_REGISTRY_READS + _TFE_READS, on_tool(R, _SERVICE)),
        "get_workspace_details": _workspace(R),
        "create_workspace": _workspace(C),
        "update_workspace": _update_workspace,
        "delete_workspace_safely": _by_workspace_id(D, "only when it manages no resources"),
        "force_unlock_workspace": _by_workspace_id(U, "releases the lock, a run may still hold"),
        "create_run": _workspace(U, run_type=True),
        "action_run": _action_run,
        "create_variable_set": _variable_set(C, org=True),
        "create_variable_in_variable_set": _variable_set(U),
        "delete_variable_in_variable_set": _variable_set(D, item="variable_id"),
        "attach_variable_set_to_workspaces": _set_workspaces("attaches"),
        "detach_variable_set_from_workspaces": _set_workspaces("detaches"),
    },
)
