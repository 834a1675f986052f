"""terraform and tofu command lines -> effects.

- ``destroy`` and ``apply -destroy`` -> delete of ``terraform:workspace/<ws>`` (and of each
  ``-target=ADDR`` when given); ``plan -destroy`` only plans: read. When the workspace's state
  is a local file at hand (``terraform.tfstate``, ``terraform.tfstate.d/<ws>/terraform.tfstate``
  or ``-state=PATH``), every resource it lists is a delete too, named by its address and the
  names its attributes give (its ARN, id, type-derived names), as a plan's are: a destroy of a
  state holding a protected resource is denied before anything runs.
- ``apply PLANFILE`` -> that plan's effects as its JSON shows them, and an unknown effect (see
  below); ``apply`` without a plan file -> unknown ("changes not known until planned"), plus a
  replace of every ``-replace=ADDR``.
- ``taint`` -> replace (on the next apply); ``untaint``, ``state rm`` (forgotten), ``state mv``,
  ``import``, ``force-unlock``, ``refresh`` -> update; ``workspace delete`` -> delete.
- ``plan``/``init``/``validate``/``fmt``/``show``/``output``/``version``/``providers``... -> read,
  besides the files they write on this machine (``plan -out=FILE``, ``fmt``'s files,
  ``providers mirror DIR``...: :mod:`._terraform_files`), and besides the data sources of the
  configuration at hand that act when read while planning (``external`` runs its program):
  unknown (:mod:`._terraform_plan_reads`).

An address is read as terraform reads it (blanks, comments and a ``resource.`` prefix left out:
:func:`keyturn.understand.terraform._addresses.canonical_address`) and named as terraform prints
it; one it cannot read that way is unknown. An address with an instance key
(``-target='aws_db_instance.main[0]'``) is also named without it, as a plan's are
(:func:`keyturn.understand.terraform._names.address_names`). ``-target-file``/``-exclude-file``
(OpenTofu) are read for their addresses, as the line leaves them; unknown when not at hand.

Options are read as terraform's flag parser reads them: ``-name=value``, or ``-name value`` for
the options that take a value (``-target``, ``-replace``, ``-state``, ``-var``...), with one
dash or two.

The workspace is ``TF_WORKSPACE`` (on the line or in the environment), else one the line
switched to (``terraform workspace select``), else the one ``terraform workspace select`` left
in the data directory's ``environment`` file (``.terraform/environment``, or under
``TF_DATA_DIR``, in the ``-chdir`` directory), else ``default``. It is a target hint, as
``TF_WORKSPACE`` is. ``TF_CLI_ARGS`` and ``TF_CLI_ARGS_<command>`` (``TF_CLI_ARGS_apply``,
``TF_CLI_ARGS_workspace_select``) are read as extra arguments before those on the line, as
terraform does: ``TF_CLI_ARGS_apply=-destroy terraform apply`` is a destroy; one whose value is
decided at run time may add any option: unknown.

A saved plan: terraform applies the binary plan file, and nothing keyturn can read ties the
JSON beside it (``PLANFILE.json``, from ``terraform show -json PLANFILE``) to that binary: the
JSON may be stale (another plan saved since) or forged (showing no change while the binary
destroys). So ``apply PLANFILE`` is judged by the JSON's effects *and* an unknown effect: what
the JSON shows is judged as it is (a protected resource it deletes is denied), and the apply is
at least ``ask`` (``deny`` in production), since what runs may be another plan. Without the
binary plan or without its JSON at hand it is unknown. A PLANFILE that is itself a JSON plan is
judged by it alone: terraform cannot apply it (it is no plan file). ``keyturn exec -- terraform
apply`` plans, judges that plan and applies exactly the judged file: the way to apply a plan
without the unknown.

Each change is also judged without the AWS hints (the provider may name its own profile): that
twin names the workspace, so the judge does not fill the AWS hints back in.
"""

from __future__ import annotations

import json
from dataclasses import replace

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._terraform_call import (
    TerraformCall,
    absolute,
    decided_at_run_time,
    text_on_line,
)
from keyturn.understand.shell.commands._terraform_files import listed_addresses, written_files
from keyturn.understand.shell.commands._terraform_plan_reads import PLANNING_COMMANDS, acting_reads
from keyturn.understand.shell.effects import also_without_aws_hints
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve
from keyturn.understand.terraform._names import address_names

_E = EffectKind
_READS = frozenset(
    {"plan", "init", "validate", "fmt", "show", "output", "version", "providers", "graph"}
    | {"console", "get", "metadata", "-version", "--version", "-help", "--help", "help"}
)
_STATE_READS = frozenset({"list", "show", "pull"})
_WORKSPACE_READS = frozenset({"list", "show", "select"})
_JSON_START = 4096  # enough of a plan file to tell JSON (a "{" after blanks) from the binary


@command("terraform", "tofu")
def terraform(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """terraform/tofu subcommands, as the module docstring says."""
    call = TerraformCall(cmd, ctx)
    effects = _subcommand(call)
    for name in call.dynamic_args:
        reason = f"{name} is decided at run time: it may add any option (-destroy, -target...)"
        effects.append(call.effect(_E.UNKNOWN, call.workspace_names, reason))
    judged = also_without_aws_hints(effects, call.target)
    # The twins name the workspace: a target left empty would take the AWS hints back from
    # the judge (it fills an effect's missing hints from the line's).
    named = replace(
        call.target,
        aws_profile=None,
        aws_account=None,
        aws_region=None,
        terraform_workspace=call.workspace,
    )
    return effects + [evolve(e, target=named) for e in judged[len(effects) :]]


def _subcommand(call: TerraformCall) -> list[Effect]:
    return _meaning(call) + written_files(call.invocation()) + _planning_reads(call)


def _planning_reads(call: TerraformCall) -> list[Effect]:
    """The data sources that act when read while this command plans (``apply PLANFILE``
    plans nothing: its plan's JSON shows what it reads)."""
    if call.sub not in PLANNING_COMMANDS or (call.sub == "apply" and call.words):
        return []
    out = []
    for read in acting_reads(call.cwd, call.ctx):
        if read.address:
            names = (read.address, *call.workspace_names)
            why = f"reads data source {read.address}, which {read.why}: what it does is not known"
        else:
            names, why = (
                call.workspace_names,
                f"the data sources it reads are not known: {read.why}",
            )
        out.append(call.effect(_E.UNKNOWN, names, f"{call.sub} {why}"))
    return out


def _meaning(call: TerraformCall) -> list[Effect]:
    sub = call.sub
    if sub in ("destroy", "apply"):
        return _apply(call)
    if sub in _READS or not sub:
        return [call.effect(_E.READ, call.workspace_names, f"{sub or 'help'}: changes nothing")]
    if sub == "taint":
        return _addressed(call, _E.REPLACE, list(call.words), "tainted: replaced on the next apply")
    if sub in ("untaint", "import"):
        return _addressed(call, _E.UPDATE, list(call.words[:1]), sub)
    if sub in ("force-unlock", "refresh"):
        return [call.effect(_E.UPDATE, call.workspace_names, sub)]
    if sub == "state":
        return _state(call)
    if sub == "workspace":
        return _workspace(call)
    return [call.effect(_E.UNKNOWN, call.workspace_names, f"{call.tool} {sub}: not understood")]


def _apply(call: TerraformCall) -> list[Effect]:
    listed, not_read = _listed(call)
    if call.sub == "destroy" or call.flag("destroy"):
        given = [*call.values("target"), *listed]
        detail = "destroy: deletes every resource it manages"
        if not given:
            # No target (or a target file not read: it may list none): everything goes.
            destroy = call.effect(_E.DELETE, call.workspace_names, detail)
            return [destroy, *_state_effects(call), *not_read]
        targeted = call.addressed(_E.DELETE, given, detail, extra=call.workspace_names)
        return [*targeted, *not_read]
    if call.flag("refresh-only"):
        return [call.effect(_E.UPDATE, call.workspace_names, "refresh-only: updates state")]
    effects = [
        effect
        for addr in call.values("replace")
        for effect in call.addressed(
            _E.REPLACE, [addr], "replace requested (-replace)", extra=call.workspace_names
        )
    ]
    effects += not_read
    if call.words:
        effects.extend(_plan_file_effects(call, call.words[0]))
    else:
        auto = " (-auto-approve: no confirmation)" if call.flag("auto-approve") else ""
        effects.append(
            call.effect(_E.UNKNOWN, call.workspace_names, "changes not known until planned" + auto)
        )
    return effects


def _plan_file_effects(call: TerraformCall, plan_file: str) -> list[Effect]:
    """The effects of a saved plan as its JSON (``show -json``) shows them, and an unknown:
    nothing ties that JSON to the binary plan terraform applies (the module docstring)."""
    from keyturn.understand.terraform import understand_terraform

    files = call.ctx.files
    path = absolute(plan_file, call.ctx, cwd=call.cwd)
    unknown_names = (path, *call.workspace_names)
    start, _ = text_on_line(path, call.ctx, limit=_JSON_START)
    candidate = path if start and start.lstrip().startswith("{") else f"{path}.json"
    binary = candidate != path and (start is not None or files.exists(path))
    text, _ = text_on_line(candidate, call.ctx, limit=512_000_000)
    if not text or not text.lstrip().startswith("{"):
        reason = f"plan file {plan_file}: its JSON (terraform show -json) is not at hand"
        return [call.effect(_E.UNKNOWN, unknown_names, reason)]
    try:
        action = understand_terraform(text, source=candidate, target=call.target)
    except InputError as exc:
        return [call.effect(_E.UNKNOWN, unknown_names, f"plan file {plan_file}: {exc}")]
    effects = list(action.effects)
    if candidate == path:
        return effects  # the JSON itself: terraform cannot apply it
    if binary:
        reason = (
            f"applies the binary plan {plan_file}; {candidate} beside it cannot be shown to be "
            "that plan's (it may be stale or forged)"
        )
    else:
        reason = f"plan file {plan_file} is not at hand: {candidate} cannot be its plan"
    return [*effects, call.effect(_E.UNKNOWN, unknown_names, reason)]


def _state_effects(call: TerraformCall) -> list[Effect]:
    """A delete of every managed resource the workspace's local state lists (none when the
    state is elsewhere: a remote backend, or not at hand)."""
    from keyturn.understand.terraform._names import derived_names, service_of

    given = call.values("state")
    if given:
        path = absolute(given[-1], call.ctx, cwd=call.cwd)
    elif decided_at_run_time(call.workspace):
        reason = "destroy: which workspace's state it destroys is not known"
        return [call.effect(_E.UNKNOWN, call.workspace_names, reason)]
    elif call.workspace == "default":
        path = f"{call.cwd.rstrip('/')}/terraform.tfstate"
    else:
        path = f"{call.cwd.rstrip('/')}/terraform.tfstate.d/{call.workspace}/terraform.tfstate"
    text, rewritten = text_on_line(path, call.ctx, limit=512_000_000)
    if rewritten:
        reason = f"destroy: the line rewrote its state {path} before it; what it lists is not known"
        return [call.effect(_E.UNKNOWN, call.workspace_names, reason)]
    try:
        resources = json.loads(text).get("resources") if text else None
    except (ValueError, AttributeError, RecursionError):
        resources = None
    effects = []
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict) or resource.get("mode") != "managed":
            continue
        kind, name = str(resource.get("type", "")), str(resource.get("name", ""))
        base = ".".join(p for p in (resource.get("module"), kind, name) if isinstance(p, str) and p)
        for instance in resource.get("instances") or [{}]:
            key = instance.get("index_key") if isinstance(instance, dict) else None
            address = base + ("" if key is None else f"[{json.dumps(key)}]")
            attributes = instance.get("attributes") if isinstance(instance, dict) else None
            names = (*address_names(address), *derived_names(kind, attributes))
            effect = call.effect(
                _E.DELETE, (*names, *call.workspace_names), f"destroyed (in {path})"
            )
            effects.append(evolve(effect, service=service_of(kind)))
    return effects


def _addressed(
    call: TerraformCall, kind: EffectKind, addresses: list[str], detail: str
) -> list[Effect]:
    """:meth:`TerraformCall.addressed`, on the workspace when no address is given."""
    if not addresses:
        return [call.effect(kind, call.workspace_names, detail)]
    return call.addressed(kind, addresses, detail)


def _listed(call: TerraformCall) -> tuple[list[str], list[Effect]]:
    """The addresses ``-target-file`` lists, and an unknown for each ``-target-file`` or
    ``-exclude-file`` not read (what it lists may be anything)."""
    invocation = call.invocation()
    targets = listed_addresses(invocation, "target-file")
    excluded = listed_addresses(invocation, "exclude-file")
    unknown = [
        call.effect(_E.UNKNOWN, call.workspace_names, reason)
        for reason in (*targets.not_known, *excluded.not_known)
    ]
    return list(targets.addresses), unknown


def _state(call: TerraformCall) -> list[Effect]:
    action = call.words[0] if call.words else ""
    addresses = call.words[1:]
    if action in _STATE_READS:
        return [call.effect(_E.READ, call.workspace_names, f"state {action}")]
    if action == "rm":
        detail = "forgotten: removed from state, not destroyed (no longer managed)"
        if not addresses:
            return [call.effect(_E.UPDATE, ("*", *call.workspace_names), detail)]
        return [
            effect
            for a in addresses
            for effect in call.addressed(_E.UPDATE, [a], detail, extra=call.workspace_names)
        ]
    detail = f"state {action}: rewrites state"
    if action == "mv" and addresses:
        return call.addressed(_E.UPDATE, addresses, detail, extra=call.workspace_names)
    # ``state push FILE``, ``state replace-provider FROM TO``: their words are no addresses.
    return [call.effect(_E.UPDATE, (*addresses, *call.workspace_names), detail)]


def _workspace(call: TerraformCall) -> list[Effect]:
    action = call.words[0] if call.words else ""
    name = call.words[1] if len(call.words) > 1 else "*"
    if action in _WORKSPACE_READS:
        return [call.effect(_E.READ, call.workspace_names, f"workspace {action}")]
    if action == "delete":
        names = (f"terraform:workspace/{name}",)
        return [call.effect(_E.DELETE, names, "workspace deleted (its state is dropped)")]
    if action == "new":
        return [call.effect(_E.CREATE, (f"terraform:workspace/{name}",), "workspace created")]
    return [call.effect(_E.UNKNOWN, call.workspace_names, f"workspace {action}: not understood")]
