"""``keyturn exec -- terraform apply`` (and ``tofu apply``): plan, judge that plan, apply it.

``terraform apply`` without a saved plan decides what to change only when it runs, so there is
nothing to judge beforehand. Through ``keyturn exec`` it becomes:

1. ``terraform plan -input=false -out=FILE`` with the user's planning options (``-var``,
   ``-var-file``, ``-target``, ``-replace``, ``-destroy``, ``-refresh-only``, ``-chdir``...);
   the plan step is itself judged (a read) and runs with the environment of any allowed command;
2. ``terraform show -json FILE``, understood as a plan; the action is bound to the SHA-256 of
   the plan file's bytes too (``subject.plan_file``), so a grant for it fits no other file;
3. the file is kept in ``$KEYTURN_HOME/plans/<digest>/`` while its review is pending; the same
   ``keyturn exec -- terraform apply`` run again finds it, shows it again (the shown plan and
   the bytes must still give the reviewed digest, or it is planned afresh), and
4. ``terraform apply FILE`` applies exactly that file, checked once more just before.

``TF_CLI_ARGS`` / ``TF_CLI_ARGS_show`` / ``TF_CLI_ARGS_apply`` are taken out of the show and
apply steps: extra arguments there would change what is shown or applied behind the judgement.

The plan is judged in the workspace terraform uses: ``TF_WORKSPACE``, else the one recorded in
``$TF_DATA_DIR/environment`` (or ``.terraform/environment``) of the ``-chdir`` directory; the
plan step must have been understood in that same workspace, or nothing is planned.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyturn.errors import EXIT_ASK, EXIT_DENY, KeyturnError, UsageError
from keyturn.integrations.execution import saved_plans
from keyturn.integrations.execution.environment import child_environment
from keyturn.integrations.execution.saved_plans import SavedPlan
from keyturn.model import Action, Actor, Target, Verdict

if TYPE_CHECKING:
    from keyturn.gate import Gate

_TOOLS = frozenset({"terraform", "tofu"})
# Planning options that take a value (``-name=value`` or ``-name value``) and switches.
_VALUED = frozenset({"var", "var-file", "target", "replace", "lock-timeout", "parallelism"})
_SWITCHES = frozenset({"destroy", "refresh-only", "compact-warnings", "no-color", "lock"})
_SWITCHES |= {"refresh"}
# Meaningless once the saved plan is applied: it never prompts.
_DROPPED = frozenset({"auto-approve", "input"})


class PlanStepRefused(KeyturnError):
    """The policy refuses the plan step itself: nothing was planned."""

    code = "plan_refused"
    exit_code = EXIT_DENY


class PlanStepHeld(KeyturnError):
    """The plan step itself waits for review: nothing was planned yet."""

    code = "plan_held"
    exit_code = EXIT_ASK


class PlanFailed(KeyturnError):
    """``plan`` or ``show -json`` failed, or the plan file changed after it was judged."""

    code = "terraform_plan_failed"


class PlanChanged(KeyturnError):
    """The plan file's bytes are no longer those judged: it is not applied."""

    code = "plan_changed"
    exit_code = EXIT_DENY


@dataclass(frozen=True, slots=True)
class ApplyCommand:
    """``terraform [-chdir=DIR] apply [planning options]`` as given, split for re-use."""

    tool: str
    global_args: tuple[str, ...]
    plan_args: tuple[str, ...]
    directory: str
    workspace: str

    @property
    def name(self) -> str:
        return os.path.basename(self.tool)

    def plan_argv(self, out: Path) -> list[str]:
        return [self.tool, *self.global_args, "plan", "-input=false", f"-out={out}",
                *self.plan_args]  # fmt: skip

    def judged_plan_argv(self) -> list[str]:
        """The plan step as it is judged: without ``-out``, whose file is keyturn's own (in
        ``$KEYTURN_HOME/plans``, which no command of the agent may write)."""
        return [self.tool, *self.global_args, "plan", "-input=false", *self.plan_args]

    def show_argv(self, plan_file: Path) -> list[str]:
        return [self.tool, *self.global_args, "show", "-json", str(plan_file)]

    def apply_argv(self, plan_file: Path) -> list[str]:
        return [self.tool, *self.global_args, "apply", str(plan_file)]

    def key(self) -> str:
        return saved_plans.command_key(
            {
                "tool": self.name,
                "args": [*self.global_args, *self.plan_args],
                "directory": self.directory,
                "workspace": self.workspace,
            }
        )


def parse_apply(
    argv: Sequence[str], *, cwd: str, environ: Mapping[str, str]
) -> ApplyCommand | None:
    """The apply command in ``argv``, or ``None`` when it is not ``terraform``/``tofu apply``
    without a saved plan (then the shell understanding judges it as it stands).

    Raises :class:`UsageError` for an option that cannot be carried over to ``plan``."""
    if not argv or os.path.basename(argv[0]) not in _TOOLS:
        return None
    rest, global_args, directory = list(argv[1:]), [], cwd
    while rest and rest[0].startswith("-chdir="):
        value = rest.pop(0).partition("=")[2]
        global_args.append(f"-chdir={value}")
        directory = os.path.normpath(os.path.join(directory, value))
    if not rest or rest[0] != "apply":
        return None
    plan_args = _plan_args(rest[1:], tool=os.path.basename(argv[0]))
    if plan_args is None:
        return None
    return ApplyCommand(
        tool=argv[0],
        global_args=tuple(global_args),
        plan_args=tuple(plan_args),
        directory=directory,
        workspace=_workspace(directory, environ),
    )


def _plan_args(words: list[str], *, tool: str) -> list[str] | None:
    out: list[str] = []
    while words:
        word = words.pop(0)
        if not word.startswith("-"):
            return None  # ``apply PLANFILE``: a saved plan, judged through its JSON
        name, eq, value = word.lstrip("-").partition("=")
        if name in _DROPPED:
            continue
        if name in _VALUED:
            if not eq:
                if not words:
                    raise UsageError(f"{tool} apply: -{name} needs a value")
                value = words.pop(0)
            out.append(f"-{name}={value}")
        elif name in _SWITCHES:
            out.append(f"-{name}{eq}{value}")
        else:
            raise UsageError(
                f"{tool} apply: option {word} cannot be carried over to the plan keyturn judges"
            )
    return out


def _workspace(directory: str, environ: Mapping[str, str]) -> str:
    """The workspace terraform will use, found as terraform finds it: ``TF_WORKSPACE``, else
    the one ``terraform workspace select`` recorded in the data directory's ``environment``
    file -- ``$TF_DATA_DIR`` (relative to the ``-chdir`` directory, where terraform runs) or
    ``.terraform`` -- else ``default``. (A project kept with ``TF_DATA_DIR=.tfprod`` must not
    be judged by a ``.terraform/environment`` terraform does not read.)"""
    if environ.get("TF_WORKSPACE"):
        return environ["TF_WORKSPACE"]
    data_dir = environ.get("TF_DATA_DIR") or ".terraform"
    try:
        chosen = Path(directory, data_dir, "environment").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "default"
    return chosen.strip() or "default"


@dataclass(frozen=True, slots=True)
class PreparedApply:
    """A judged plan ready to apply: the action (bound to the file's bytes), the kept file."""

    action: Action
    command: ApplyCommand
    saved: SavedPlan
    file_digest: str

    def checked_argv(self) -> list[str]:
        """``terraform apply FILE``, after checking the file's bytes are those judged."""
        try:
            now = saved_plans.file_digest(self.saved.plan_file)
        except OSError as exc:
            raise PlanChanged(f"{self.saved.plan_file}: cannot read ({exc.strerror})") from None
        if now != self.file_digest:
            raise PlanChanged(f"{self.saved.plan_file}: changed after it was judged; not applied")
        return self.command.apply_argv(self.saved.plan_file)

    def discard(self) -> None:
        self.saved.discard()


def apply_environment(variables: Mapping[str, str]) -> dict[str, str]:
    """The show/apply steps' environment: without ``TF_CLI_ARGS*`` (see the module doc)."""
    return {k: v for k, v in variables.items() if not k.startswith("TF_CLI_ARGS")}


@dataclass(frozen=True, slots=True)
class ApplyContext:
    """What preparing an apply needs from ``keyturn exec``."""

    gate: Gate
    actor: Actor
    requester: str
    home: Path
    environment: str | None
    environ: Mapping[str, str]
    sts_client_factory: Callable[[], Any] | None = None
    clock: Callable[[], float] = time.time

    def say(self, line: str) -> None:
        print(f"keyturn exec: {line}", file=sys.stderr)


def prepare_apply(command: ApplyCommand, ctx: ApplyContext) -> PreparedApply:
    """The kept plan of this same command when it still shows what was reviewed, else a new
    plan: planned, shown, understood, bound to its bytes and kept."""
    plans_dir = ctx.home / "plans"
    target = Target(environment=ctx.environment, terraform_workspace=command.workspace)
    kept = saved_plans.find(plans_dir, key=command.key())
    if kept is not None:
        reused = _reuse(kept, command, target, ctx)
        if reused is not None:
            return reused
    return _plan(command, target, ctx)


def _reuse(
    kept: SavedPlan, command: ApplyCommand, target: Target, ctx: ApplyContext
) -> PreparedApply | None:
    ttl = float(ctx.gate.policy.settings.request_ttl_seconds)
    if ctx.clock() - kept.created > ttl:
        ctx.say(f"the plan kept at {kept.directory} is older than a review may take: replanning")
        kept.discard()
        return None
    action, digest = _judgeable(command, kept.plan_file, target, ctx)
    if action.digest != kept.digest:
        ctx.say(f"the plan kept at {kept.directory} no longer shows what was reviewed: replanning")
        kept.discard()
        return None
    ctx.say(f"using the plan kept for review at {kept.plan_file}")
    return PreparedApply(action=action, command=command, saved=kept, file_digest=digest)


def _plan(command: ApplyCommand, target: Target, ctx: ApplyContext) -> PreparedApply:
    from keyturn.localfiles import LocalFiles
    from keyturn.understand.shell import understand_shell

    planning = saved_plans.new_planning_dir(ctx.home / "plans")
    try:
        argv = command.plan_argv(planning / saved_plans.PLAN_FILE)
        step = understand_shell(
            shlex.join(command.judged_plan_argv()),
            cwd=os.getcwd(),
            home=os.path.expanduser("~"),
            env=ctx.environ,
            target=Target(environment=ctx.environment),
            files=LocalFiles(),
        )
        _same_workspace(step, command)
        outcome = ctx.gate.submit(step, actor=ctx.actor, requester=ctx.requester)
        if outcome.verdict is Verdict.DENY:
            raise PlanStepRefused(f"{command.name} plan: {outcome.message}")
        if outcome.verdict is Verdict.ASK:
            raise PlanStepHeld(f"{command.name} plan: {outcome.message}")
        child = child_environment(
            outcome,
            policy=ctx.gate.policy,
            environ=ctx.environ,
            state_dir=ctx.home,
            environment=ctx.environment,
            sts_client_factory=ctx.sts_client_factory,
        )
        ctx.say(f"{command.name} plan: {child.note}")
        # The plan's text goes to stderr: stdout stays for the request id (``--no-wait``).
        done = subprocess.run(argv, env=dict(child.variables), capture_output=True, check=False)
        sys.stderr.write(done.stdout.decode("utf-8", "replace"))
        sys.stderr.write(done.stderr.decode("utf-8", "replace"))
        ctx.gate.record_execution(outcome, exit_status=done.returncode)
        if done.returncode != 0 or not (planning / saved_plans.PLAN_FILE).is_file():
            raise PlanFailed(f"{command.name} plan exited with status {done.returncode}")
        action, digest = _judgeable(command, planning / saved_plans.PLAN_FILE, target, ctx)
        kept = saved_plans.keep(planning, key=command.key(), digest=action.digest,
                                created=ctx.clock())  # fmt: skip
    except BaseException:  # refused, failed or interrupted: no half-made plan is kept
        shutil.rmtree(planning, ignore_errors=True)
        raise
    ctx.say(f"plan kept at {kept.plan_file} ({digest})")
    return PreparedApply(action=action, command=command, saved=kept, file_digest=digest)


_WORKSPACE_NAME = "terraform:workspace/"


def _same_workspace(step: Action, command: ApplyCommand) -> None:
    """Refuse when the plan step was understood in another workspace than the one the plan
    will be judged in: one of the two would be judged in the wrong environment."""
    named = {
        name.removeprefix(_WORKSPACE_NAME)
        for effect in step.effects
        for name in effect.resource.names
        if name.startswith(_WORKSPACE_NAME)
    }
    if named and named != {command.workspace}:
        raise PlanFailed(
            f"{command.name} plan is understood in workspace {', '.join(sorted(named))} but "
            f"its plan would be judged in {command.workspace}: not planned"
        )


def _judgeable(
    command: ApplyCommand, plan_file: Path, target: Target, ctx: ApplyContext
) -> tuple[Action, str]:
    """The plan in ``plan_file`` as an action bound to the file's bytes, and their digest."""
    from keyturn.integrations.execution.environment import base_environment
    from keyturn.understand.terraform import snapshot_has_removed_blocks, understand_terraform

    before = saved_plans.file_digest(plan_file)
    # Showing a saved plan reads the file and the provider schemas: no cloud credentials,
    # and no inherited setting that loads code into terraform or its providers.
    env = apply_environment(base_environment(ctx.environ, state_dir=ctx.home)[0])
    shown = subprocess.run(command.show_argv(plan_file), env=env, capture_output=True, check=False)
    if shown.returncode != 0:
        sys.stderr.write(shown.stderr.decode("utf-8", "replace"))
        raise PlanFailed(f"{command.name} show -json {plan_file}: exit {shown.returncode}")
    # The plan's own configuration snapshot, from the very bytes that were shown and will be
    # applied: whether a removed block may run provisioners the JSON does not show.
    planned = plan_file.read_bytes()
    if "sha256:" + hashlib.sha256(planned).hexdigest() != before:
        raise PlanFailed(f"{plan_file}: changed while it was being shown")
    action = understand_terraform(
        shown.stdout,
        source=f"{command.name} show -json",
        target=target,
        removed_blocks=snapshot_has_removed_blocks(planned),
    )
    subject = {**(action.subject or {}), "plan_file": before}
    summary = action.summary.replace("terraform plan:", f"{command.name} apply of a saved plan:")
    return replace(action, subject=subject, summary=summary), before
