"""``pulumi`` command lines -> effects.

Names: ``pulumi:stack/<stack>`` and ``pulumi:dir:<dir>``. The stack is ``-s``/``--stack``, else
the one ``pulumi stack select`` left in pulumi's workspace settings (:mod:`._pulumi_project`),
else ``pulumi:stack/current`` (none can be read). A short stack name (``main``, ``acme/main``)
is also named fully qualified as far as it is told (``pulumi:stack/*/app/main``: the
organisation is not told, the project is the project file's), so a protected
``pulumi:stack/acme/app/main`` holds for it. After ``pulumi stack select`` (or ``stack
init``/``rename``) earlier on the line, the call may act on any stack (``pulumi:stack/*``): the
selection is not read from the disk any longer.

- ``destroy`` (and its aliases ``down``, ``dn``) deletes every resource of the stack (or the
  ``--target`` URNs); ``deployment run destroy`` does so in Pulumi Deployments.
- ``up`` is unknown until previewed, as ``terraform apply`` without a plan is, plus a replace of
  each ``--replace`` URN; ``watch`` is unknown.
- ``preview`` reads the stack, and runs the project's program on this machine (its language
  host starts it): unknown, as running any program of the project is -- unless the project is a
  ``yaml`` one naming no ``compiler`` command, local plugin or package built from a path
  (:mod:`._pulumi_project`), or there is no project (pulumi refuses). ``destroy``/``refresh``
  ``--run-program`` run it too.
- ``stack rm`` deletes the stack; ``stack select``/``init``/``rename`` rewrite the selection (a
  write of the workspace settings); ``state unprotect`` removes a resource's protection;
  listings and ``config get`` read.
- Files written on this machine: ``stack export --file FILE``, ``stack graph FILE``, ``preview
  --save-plan FILE``, ``import --out FILE`` -- judged as the file writes they are.
- Any other form is unknown, on the stack's names. So is a line whose subcommand pulumi finds
  otherwise than its words are read here: before the subcommand, cobra takes the word after
  any option but the root's switches as that option's value (``pulumi --profiling x destroy``
  and ``pulumi -y version destroy`` run ``destroy``). The root's valued flags (``--tracing``,
  ``--otel-traces``, ``--color``, ``-v``...) are read as taking one.

pulumi (3.208 and later) takes any flag the line leaves out from ``PULUMI_OPTION_<FLAG>``
(``PULUMI_OPTION_STACK=prod pulumi destroy`` destroys ``prod``): the stack, the directory and
``--run-program`` are read from there too.

Each change is judged both with the shell's AWS hints and under a profile no environment names
(pulumi's providers may name their own): an ``AWS_PROFILE=dev`` never makes it laxer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._pulumi_project import (
    SWITCHED_ON_LINE,
    find_project,
    program_runs,
    selected_stack,
    selection_write,
    stack_names,
)
from keyturn.understand.shell.effects import (
    also_without_aws_hints,
    file_effect,
    home_path,
    unknown_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
# pulumi's persistent root flags (``pkg/cmd/pulumi``'s root command): those taking a value,
# and its switches (cobra's flags with a default when given bare).
_ROOT_VALUED = frozenset({"C", "v", "tracing", "otel-traces", "tracing-header", "profiling"})
_ROOT_VALUED |= frozenset({"memprofilerate", "color"})
_ROOT_SWITCHES = frozenset({"e", "emoji", "Q", "fully-qualify-stack-names", "logflow"})
_ROOT_SWITCHES |= frozenset({"logtostderr", "non-interactive", "disable-integrity-checking"})
_ROOT_SWITCHES |= frozenset({"h", "help"})
_PULUMI = OptionSpec(
    valued="sCov",
    long={"stack": "s", "cwd": "C", "out": "o", "verbose": "v"},
    long_valued=frozenset({"s", "C", "o", "target", "replace", "message", "m", "config-file"})
    | frozenset({"parallel", "p", "exclude", "policy-pack", "secrets-provider", "suppress"})
    | frozenset({"file", "save-plan", "plan"})
    | _ROOT_VALUED,
)
_READS = frozenset({"whoami", "version", "about", "logs", "help", "pre", ""})
_STACK_READS = frozenset({"ls", "output", "history", "export", "graph", ""})
_DESTROYS = frozenset({"destroy", "down", "dn"})
# What Go's ``strconv.ParseBool`` reads as false (an unset variable too).
_FALSE_WORDS = frozenset({"", "0", "f", "F", "false", "FALSE", "False"})
# ``pulumi deployment run OPERATION``: what each does to the stack, run in Pulumi Deployments.
_DEPLOYMENT_RUNS = {
    "destroy": (_E.DELETE, "deployment run destroy: deletes every resource of the stack"),
    "update": (_E.UNKNOWN, "deployment run update: changes not known until previewed"),
    "up": (_E.UNKNOWN, "deployment run up: changes not known until previewed"),
    "refresh": (_E.UPDATE, "deployment run refresh: updates state"),
    "preview": (_E.READ, "deployment run preview: changes nothing"),
}


class _Pulumi:
    """One pulumi invocation: its stack and directory names, and effects on them."""

    def __init__(self, cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> None:
        self.cmd, self.ctx, self.opts = cmd, ctx, opts
        given = opts.value("C") or self._option_variable("cwd")
        self.directory = home_path(given, ctx) if given else ctx.cwd
        self.project = find_project(self.directory, ctx)
        stack = (
            opts.value("s")
            or self._option_variable("stack")
            or selected_stack(cmd, ctx, self.project)
        )
        stacks = stack_names(stack, self.project) if stack else ["pulumi:stack/current"]
        self.switched = stack == SWITCHED_ON_LINE
        self.names = [*stacks, f"pulumi:dir:{self.directory}"]
        self.target = ctx.target

    def effect(
        self,
        kind: EffectKind,
        detail: str,
        extra: list[str] | tuple[str, ...] = (),
        *,
        removes_protection: bool = False,
    ) -> Effect:
        if self.switched:
            detail += "; the stack was selected earlier on the line: any stack"
        return Effect(
            effect=kind,
            resource=Resource(tuple(dict.fromkeys([*extra, *self.names])), type="pulumi"),
            target=self.target,
            service="pulumi",
            command=self.cmd.text or None,
            operation=" ".join(a for a in self.cmd.argv[:3] if not a.startswith("-")),
            removes_protection=removes_protection,
            detail=detail,
        )

    def _option_variable(self, flag: str) -> str:
        """The ``PULUMI_OPTION_<FLAG>`` variable, on the line or in the environment: pulumi
        (3.208 and later) takes any flag not given on the line from it."""
        name = "PULUMI_OPTION_" + flag.upper().replace("-", "_")
        return self.cmd.assignments.get(name) or self.ctx.env.get(name) or ""

    def on(self, flag: str) -> bool:
        """Whether the switch ``--flag`` is on: on the line, else by its variable (anything
        but Go's false spellings is taken as on: what pulumi refuses changes nothing)."""
        if self.opts.has(flag):
            return self.opts.on(flag)
        return self._option_variable(flag) not in _FALSE_WORDS

    def written(self, path: str, detail: str) -> Effect:
        """A file of this machine the call writes."""
        return file_effect(
            _E.UPDATE, [home_path(path, self.ctx)], self.cmd, self.ctx, detail=detail
        )

    def program(self) -> list[Effect]:
        """An unknown for the project's program, when the call runs it here."""
        why = program_runs(self.project)
        return [] if why is None else [unknown_effect(self.cmd, why, self.ctx)]


@command("pulumi")
def pulumi(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """pulumi subcommands, as the module docstring says."""
    call = _Pulumi(cmd, ctx, parse_options(cmd.args, _PULUMI))
    first = call.opts.operands[0] if call.opts.operands else ""
    runs = _cobra_subcommand(cmd.args)
    if runs != first:
        # An option before the subcommand read otherwise than pulumi reads it: which one runs
        # is not told (``pulumi -y version destroy`` runs destroy).
        either = " or ".join(repr(w) for w in (runs, first))
        detail = f"pulumi: which subcommand runs ({either}) is not told: an option may take it"
        return _also_untold([call.effect(_E.UNKNOWN, detail)], call.target)
    found = _pulumi(call)
    if found is None:
        sub = " ".join(call.opts.operands[:2])
        found = [call.effect(_E.UNKNOWN, f"pulumi {sub}: this form is not understood".strip())]
    return _also_untold(found, call.target)


def _cobra_subcommand(args: Sequence[str]) -> str:
    """The subcommand pulumi runs, found as cobra finds it (``stripFlags``): a ``--name`` or
    ``-x`` word without ``=`` that is not one of the root's switches takes the next word as its
    value, whatever it is (the subcommand's own flags are not known yet); other option words
    are skipped; ``--`` ends the search. ``""``: none."""
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            return ""
        long = word.startswith("--") and word[2:] not in _ROOT_SWITCHES
        short = len(word) == 2 and word[0] == "-" and word[1] not in _ROOT_SWITCHES
        if (long or short) and "=" not in word:
            index += 2
            continue
        if word and not word.startswith("-"):
            return word
        index += 1
    return ""


# The profile pulumi's AWS provider uses when its stack's configuration (``aws:profile``) or
# the program names one: not read here, so no environment's pattern names it.
_PROVIDER_PROFILE = "(the provider's own profile: not read)"


def _also_untold(effects: list[Effect], hinted: Target) -> list[Effect]:
    """:func:`also_without_aws_hints`, the twins placed by a profile no environment names: a
    twin with no hints at all would take the shell's ``AWS_PROFILE`` back from the action
    (pulumi's target carries no workspace, as terraform's does, to keep it apart)."""
    out = also_without_aws_hints(effects, hinted)
    bare = replace(hinted, aws_profile=None, aws_account=None, aws_region=None)
    twin = replace(bare, aws_profile=_PROVIDER_PROFILE)
    return [
        replace(e, target=twin) if i >= len(effects) and e.target == bare else e
        for i, e in enumerate(out)
    ]


def _pulumi(call: _Pulumi) -> list[Effect] | None:
    opts = call.opts
    sub, rest = (opts.operands[0], list(opts.operands[1:])) if opts.operands else ("", [])
    if sub in _READS or opts.has("help", "h"):
        return [call.effect(_E.READ, f"{sub or 'help'}: changes nothing")]
    if sub == "preview":
        saved = [call.written(p, "preview --save-plan") for p in opts.values.get("save-plan", ())]
        read = call.effect(_E.READ, "preview: changes nothing in the stack")
        return [read, *saved, *call.program()]
    if sub in _DESTROYS:
        urns = opts.values.get("target", ())
        deleted = call.effect(_E.DELETE, "destroy: deletes every resource of the stack", urns)
        return [deleted, *(call.program() if call.on("run-program") else [])]
    if sub in ("up", "update"):
        replaced = [
            call.effect(_E.REPLACE, "replace requested (--replace)", (urn,))
            for urn in opts.values.get("replace", ())
        ]
        auto = " (--yes: no confirmation)" if opts.has("yes", "y", "skip-preview", "f") else ""
        return [*replaced, call.effect(_E.UNKNOWN, "changes not known until previewed" + auto)]
    if sub == "watch":
        return [call.effect(_E.UNKNOWN, "watch: deploys every change as files change")]
    if sub == "stack":
        return _stack(call, rest)
    if sub == "state":
        return _state(call, rest)
    if sub == "deployment" and rest[:1] == ["run"] and len(rest) > 1:
        kind, detail = _DEPLOYMENT_RUNS.get(
            rest[1], (_E.UNKNOWN, f"deployment run {rest[1]}: not understood")
        )
        return [call.effect(kind, detail)]
    if sub == "config":
        kind = _E.READ if rest[:1] in ([], ["get"]) else _E.UPDATE
        return [call.effect(kind, " ".join(["config", *rest[:1]]))]
    if sub == "refresh":
        return [call.effect(_E.UPDATE, sub), *(call.program() if call.on("run-program") else [])]
    if sub in ("import", "cancel", "login", "logout", "install"):
        code = opts.values.get("o", ()) if sub == "import" else ()
        return [call.effect(_E.UPDATE, sub), *(call.written(p, "import --out") for p in code)]
    return None


def _stack(call: _Pulumi, rest: list[str]) -> list[Effect] | None:
    action = rest[0] if rest else ""
    named = [n for s in rest[1:2] for n in stack_names(s, call.project)]
    if action == "export":
        files = [call.written(p, "stack export --file") for p in call.opts.values.get("file", ())]
        return [call.effect(_E.READ, "stack export"), *files]
    if action == "graph":
        files = [call.written(p, "stack graph: the graph's file") for p in rest[1:2]]
        return [call.effect(_E.READ, "stack graph"), *files]
    if action in _STACK_READS or (action == "tag" and rest[1:2] in (["get"], ["ls"])):
        return [call.effect(_E.READ, f"stack {action}".strip())]
    if action in ("rm", "remove"):
        forced = " (--force: with its resources still in it)" if call.opts.has("force", "f") else ""
        return [call.effect(_E.DELETE, "stack removed, with its state" + forced, named)]
    selects = selection_write(call.cmd, call.ctx, f"pulumi stack {action}: selects the stack")
    if action in ("init", "new"):
        return [call.effect(_E.CREATE, "stack created", named), selects]
    if action == "select":
        kind = _E.CREATE if call.opts.has("c", "create") else _E.READ
        return [call.effect(kind, "stack select", named), selects]
    if action == "rename":
        return [call.effect(_E.UPDATE, "stack rename"), selects]
    return [call.effect(_E.UPDATE, f"stack {action}")] if action else None


def _state(call: _Pulumi, rest: list[str]) -> list[Effect] | None:
    action, urns = (rest[0], rest[1:]) if rest else ("", [])
    if not action:
        return None
    if action == "unprotect":
        detail = "unprotect: the resource may then be deleted"
        return [
            call.effect(_E.UPDATE, detail, [urn], removes_protection=True) for urn in urns or ["*"]
        ]
    detail = "forgotten: removed from state, not destroyed" if action == "delete" else action
    return [call.effect(_E.UPDATE, f"state {detail}", urns)]
