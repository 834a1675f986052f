"""terraform and tofu command lines -> effects.

- ``destroy`` and ``apply -destroy`` -> delete of ``terraform:workspace/<ws>`` (and of each
  ``-target=ADDR`` when given); ``plan -destroy`` only plans: read. When the workspace's state
  is a local file at hand (``terraform.tfstate``, ``terraform.tfstate.d/<ws>/terraform.tfstate``
  or ``-state=PATH``), every resource it lists is a delete too, named by its address and the
  names its attributes give (its ARN, id, type-derived names), as a plan's are: a destroy of a
  state holding a protected resource is denied before anything runs.
- ``apply PLANFILE`` -> that plan's effects when its JSON is at hand (``PLANFILE.json`` beside
  it, or PLANFILE itself if it is JSON), else unknown; ``apply`` without a plan file -> unknown
  ("changes not known until planned"), plus a replace of every ``-replace=ADDR``.
- ``taint`` -> replace (on the next apply); ``untaint``, ``state rm`` (forgotten), ``state mv``,
  ``import``, ``force-unlock``, ``refresh`` -> update; ``workspace delete`` -> delete.
- ``plan``/``init``/``validate``/``fmt``/``show``/``output``/``version``/``providers``... -> read.

The workspace is ``TF_WORKSPACE`` (on the line or in the environment), else ``default``.
``TF_CLI_ARGS`` and ``TF_CLI_ARGS_<command>`` are read as extra arguments, as terraform does:
``TF_CLI_ARGS_apply=-destroy terraform apply`` is a destroy.
"""

from __future__ import annotations

import json
import shlex

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.effects import also_without_aws_hints
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_READS = frozenset(
    {"plan", "init", "validate", "fmt", "show", "output", "version", "providers", "graph"}
    | {"console", "get", "metadata", "-version", "--version", "-help", "--help", "help"}
)
_STATE_READS = frozenset({"list", "show", "pull"})
_WORKSPACE_READS = frozenset({"list", "show", "select"})


class _Call:
    """One terraform/tofu invocation: its words, flags, workspace and directory."""

    def __init__(self, cmd: SimpleCommand, ctx: ShellContext) -> None:
        self.cmd, self.ctx, self.tool = cmd, ctx, cmd.name
        args = list(cmd.args)
        self.cwd = ctx.cwd
        while args and args[0].startswith("-chdir="):
            self.cwd = _absolute(args.pop(0).partition("=")[2], ctx)
        self.sub = args[0] if args else ""
        extra = self._env("TF_CLI_ARGS") + " " + self._env(f"TF_CLI_ARGS_{self.sub}")
        rest = args[1:] + _split(extra) if extra.strip() else args[1:]
        self.flags = [a.lstrip("-") for a in rest if a.startswith("-")]
        self.words = [a for a in rest if not a.startswith("-")]
        self.workspace = self._env("TF_WORKSPACE") or "default"
        self.target = Target(terraform_workspace=self._env("TF_WORKSPACE") or None)
        self.target = self.target.merged_over(ctx.target)
        if self.target.terraform_workspace:
            self.workspace = self.target.terraform_workspace

    def _env(self, name: str) -> str:
        return self.cmd.assignments.get(name) or self.ctx.env.get(name) or ""

    def flag(self, name: str) -> bool:
        return any(f == name or f.startswith(name + "=") for f in self.flags)

    def values(self, name: str) -> list[str]:
        return [f.partition("=")[2] for f in self.flags if f.startswith(name + "=")]

    def effect(self, kind: EffectKind, names: tuple[str, ...], detail: str) -> Effect:
        return Effect(
            kind,
            Resource(names, "terraform"),
            self.target,
            "terraform",
            command=self.cmd.text or None,
            operation=f"{self.tool} {self.sub}".strip(),
            detail=f"{detail}; directory {self.cwd}",
        )

    @property
    def workspace_names(self) -> tuple[str, ...]:
        return (f"terraform:workspace/{self.workspace}", f"terraform:dir:{self.cwd}")


@command("terraform", "tofu")
def terraform(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """terraform/tofu subcommands, as the module docstring says."""
    call = _Call(cmd, ctx)
    return also_without_aws_hints(_subcommand(call), call.target)


def _subcommand(call: _Call) -> list[Effect]:
    sub = call.sub
    if sub in ("destroy", "apply"):
        return _apply(call)
    if sub in _READS or not sub:
        return [call.effect(_E.READ, call.workspace_names, f"{sub or 'help'}: changes nothing")]
    if sub == "taint":
        return [call.effect(_E.REPLACE, _addresses(call), "tainted: replaced on the next apply")]
    if sub in ("untaint", "import", "force-unlock", "refresh"):
        names = _addresses(call)[:1] if sub != "force-unlock" else call.workspace_names
        return [call.effect(_E.UPDATE, names, sub)]
    if sub == "state":
        return _state(call)
    if sub == "workspace":
        return _workspace(call)
    return [call.effect(_E.UNKNOWN, call.workspace_names, f"{call.tool} {sub}: not understood")]


def _apply(call: _Call) -> list[Effect]:
    if call.sub == "destroy" or call.flag("destroy"):
        targets = call.values("target")
        names = tuple(targets) if targets else call.workspace_names
        if targets:
            names += call.workspace_names
        destroy = call.effect(_E.DELETE, names, "destroy: deletes every resource it manages")
        return [destroy] if targets else [destroy, *_state_effects(call)]
    if call.flag("refresh-only"):
        return [call.effect(_E.UPDATE, call.workspace_names, "refresh-only: updates state")]
    effects = [
        call.effect(_E.REPLACE, (addr, *call.workspace_names), "replace requested (-replace)")
        for addr in call.values("replace")
    ]
    if call.words:
        effects.extend(_plan_file_effects(call, call.words[0]))
    else:
        auto = " (-auto-approve: no confirmation)" if call.flag("auto-approve") else ""
        effects.append(
            call.effect(_E.UNKNOWN, call.workspace_names, "changes not known until planned" + auto)
        )
    return effects


def _plan_file_effects(call: _Call, plan_file: str) -> list[Effect]:
    """The effects of a saved plan, from its JSON (``show -json``) when readable."""
    from keyturn.understand.terraform import understand_terraform

    path = _absolute(plan_file, call.ctx, cwd=call.cwd)
    for candidate in (f"{path}.json", path):
        text = call.ctx.files.read_text(candidate, limit=512_000_000)
        if text is None or not text.lstrip().startswith("{"):
            continue
        try:
            action = understand_terraform(text, source=candidate, target=call.target)
        except InputError as exc:
            reason = f"plan file {plan_file}: {exc}"
            return [call.effect(_E.UNKNOWN, (path, *call.workspace_names), reason)]
        return list(action.effects)
    reason = f"plan file {plan_file}: its JSON (terraform show -json) is not at hand"
    return [call.effect(_E.UNKNOWN, (path, *call.workspace_names), reason)]


def _state_effects(call: _Call) -> list[Effect]:
    """A delete of every managed resource the workspace's local state lists (none when the
    state is elsewhere: a remote backend, or not at hand)."""
    from keyturn.understand.terraform._names import derived_names, service_of

    given = call.values("state")
    if given:
        path = _absolute(given[-1], call.ctx, cwd=call.cwd)
    elif call.workspace == "default":
        path = f"{call.cwd.rstrip('/')}/terraform.tfstate"
    else:
        path = f"{call.cwd.rstrip('/')}/terraform.tfstate.d/{call.workspace}/terraform.tfstate"
    text = call.ctx.files.read_text(path, limit=512_000_000)
    try:
        resources = json.loads(text).get("resources") if text else None
    except (ValueError, AttributeError):
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
            names = (address, *derived_names(kind, attributes), *call.workspace_names)
            effect = call.effect(_E.DELETE, tuple(dict.fromkeys(names)), f"destroyed (in {path})")
            effects.append(evolve(effect, service=service_of(kind)))
    return effects


def _addresses(call: _Call) -> tuple[str, ...]:
    return tuple(call.words) or call.workspace_names


def _state(call: _Call) -> list[Effect]:
    action = call.words[0] if call.words else ""
    addresses = call.words[1:]
    if action in _STATE_READS:
        return [call.effect(_E.READ, call.workspace_names, f"state {action}")]
    if action == "rm":
        return [
            call.effect(_E.UPDATE, (a, *call.workspace_names), "forgotten: removed from state, "
                        "not destroyed (no longer managed)")
            for a in addresses or ["*"]
        ]  # fmt: skip
    names = tuple(addresses) + call.workspace_names
    return [call.effect(_E.UPDATE, names, f"state {action}: rewrites state")]


def _workspace(call: _Call) -> list[Effect]:
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


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:  # unbalanced quotes: terraform would refuse; judge the words anyway
        return text.split()


def _absolute(path: str, ctx: ShellContext, *, cwd: str | None = None) -> str:
    if path.startswith("~"):
        path = ctx.home.rstrip("/") + path[1:]
    if not path.startswith("/"):
        path = f"{(cwd or ctx.cwd).rstrip('/')}/{path}"
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/" + "/".join(parts)
