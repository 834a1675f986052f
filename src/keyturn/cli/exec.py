"""``keyturn exec [--no-wait] [--env E] -- CMD...``: judge a command, run it when allowed.

- allow: run it (no shell; the exit status passes through) and record the outcome;
- deny: exit 4 with the reason on stderr; nothing runs;
- ask: open (or find) the request and wait for reviewers, showing progress on stderr; once
  approved, the grant is consumed and the command runs. With ``--no-wait`` print the request
  id and exit 3; running the same ``keyturn exec`` after approval runs it, once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from keyturn.approval.model import ApprovalRequest, Role
from keyturn.bootstrap import build_gate, open_state
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options, current_holder, settings_of
from keyturn.errors import EXIT_ASK, EXIT_DENY, AuthError, UsageError
from keyturn.gate import Gate, Outcome
from keyturn.integrations.execution.environment import child_environment
from keyturn.integrations.execution.named_files import changed_files
from keyturn.integrations.execution.terraform_apply import (
    ApplyContext,
    PlanChanged,
    PreparedApply,
    apply_environment,
    parse_apply,
    prepare_apply,
)
from keyturn.integrations.execution.understood import understand_command
from keyturn.model import Action, Actor, Verdict
from keyturn.store.interface import Store

DEFAULT_WAIT_SECONDS = 3600.0


def run(argv: list[str]) -> int:
    p = parser("exec", "Judge a command against the policy and run it when allowed or approved.")
    add_state_options(p, policy=True)
    p.add_argument("--no-wait", action="store_true", help="when approval is needed, exit 3")
    p.add_argument("--env", help="the environment the command acts on (e.g. production)")
    p.add_argument("--agent", default=os.environ.get("KEYTURN_AGENT") or "agent")
    p.add_argument("--operator", default=os.environ.get("USER") or "unknown")
    p.add_argument("--session", default=os.environ.get("KEYTURN_SESSION"))
    p.add_argument("--timeout", type=float, default=DEFAULT_WAIT_SECONDS, metavar="S")
    p.add_argument("--poll", type=float, default=1.0, metavar="S", help=argparse_hidden())
    p.add_argument("command", nargs="*", metavar="-- CMD")
    args = p.parse_args(argv)
    if not args.command:
        raise UsageError("nothing to run: keyturn exec [options] -- CMD ...")
    if os.environ.get("KEYTURN_SERVER"):
        from keyturn.cli.exec_remote import run_remote

        return run_remote(args)
    settings = settings_of(args)
    store = open_state(settings)
    try:
        agent, requester = _who(store, agent=args.agent, operator=args.operator)
        gate = build_gate(settings, store=store)  # a broken policy raises here: nothing runs
        actor = Actor(agent=agent, operator=args.operator, session=args.session)
        planned = _planned_apply(
            args, gate=gate, actor=actor, requester=requester, home=settings.home
        )
        understood: list[Action] = []  # the command as understood, latest last

        def understand() -> Action:
            understood.append(_understand(args.command, env=args.env))
            return understood[-1]

        action = planned.action if planned else understand()
        outcome = gate.submit(action, actor=actor, requester=requester)
        if outcome.verdict is Verdict.ASK:
            # A planned apply is checked against the plan file's bytes just before it runs;
            # any other command is understood afresh once approved (see ``_held``).
            again = None if planned else understand
            outcome = _held(
                gate, outcome, action=action, actor=actor, requester=requester, args=args,
                understand_again=again,
            )  # fmt: skip
            if outcome.verdict is Verdict.ASK:
                return EXIT_ASK  # a planned apply keeps its plan file for the retry
        if outcome.verdict is Verdict.DENY:
            if planned:
                planned.discard()
            print(f"keyturn exec: {outcome.message}", file=sys.stderr)
            return EXIT_DENY
        child = child_environment(
            outcome, policy=gate.policy, environ=os.environ, state_dir=settings.home,
            environment=args.env,
        )  # fmt: skip
        print(f"keyturn exec: {child.note}", file=sys.stderr)
        if planned is None:
            changed = changed_files(understood[-1], args.command, cwd=os.getcwd())
            if changed:  # on the record: nothing ran (a grant it used is spent)
                detail = f"not run: changed since it was judged: {', '.join(changed)}"
                gate.record_execution(outcome, exit_status=None, detail=detail)
                print(f"keyturn exec: {detail}", file=sys.stderr)
                return EXIT_DENY
            return _run(gate, outcome, args.command, env=child.variables)
        try:
            try:
                argv = planned.checked_argv()
            except PlanChanged as exc:  # on the record: the grant was used, nothing ran
                gate.record_execution(outcome, exit_status=None, detail=exc.message)
                raise
            return _run(gate, outcome, argv, env=apply_environment(child.variables))
        finally:
            planned.discard()  # applied (or refused) once: the grant is used up either way
    finally:
        store.close()


def _planned_apply(
    args: object, *, gate: Gate, actor: Actor, requester: str, home: Path
) -> PreparedApply | None:
    """``terraform``/``tofu apply`` without a saved plan: planned, judged on that plan."""
    command = list(getattr(args, "command", []))
    apply = parse_apply(command, cwd=os.getcwd(), environ=os.environ)
    if apply is None:
        return None
    context = ApplyContext(
        gate=gate, actor=actor, requester=requester, home=home,
        environment=getattr(args, "env", None), environ=os.environ,
    )  # fmt: skip
    return prepare_apply(apply, context)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def _who(store: Store, *, agent: str, operator: str) -> tuple[str, str]:
    """The agent and the requester. With ``$KEYTURN_TOKEN``, an agent token names the agent
    (``--agent`` cannot claim another) and its holder is the requester."""
    if not os.environ.get("KEYTURN_TOKEN"):
        return agent, operator
    holder = current_holder(store)
    if holder.role is Role.AGENT:
        if agent not in ("agent", holder.name):
            raise AuthError(f"the token is {holder.name}'s; it cannot act as agent {agent}")
        return holder.name, holder.name
    return agent, holder.name


def _understand(command: list[str], *, env: str | None) -> Action:
    """The command understood here, bound to the content of the files it names (the same in
    client mode: :mod:`keyturn.integrations.execution.understood`)."""
    return understand_command(command, environment=env)


def _held(
    gate: Gate,
    outcome: Outcome,
    *,
    action: Action,
    actor: Actor,
    requester: str,
    args: object,
    understand_again: Callable[[], Action] | None = None,
) -> Outcome:
    """Print the request; wait for it unless told not to; once approved, consume the grant.

    The wait may take an hour, and what the understanding read (a script the command runs, a
    ``package.json`` script, a Makefile) may change meanwhile: the approval is for the command
    as it was understood, so it is understood again (``understand_again``) and the grant is
    used only when that still gives the approved digest; otherwise a new review is asked."""
    print(f"keyturn exec: {outcome.message}", file=sys.stderr)
    if getattr(args, "no_wait", False):
        print(outcome.request_id)
        return outcome
    assert outcome.request_id is not None
    waited = gate.wait(
        outcome.request_id,
        timeout=float(getattr(args, "timeout", DEFAULT_WAIT_SECONDS)),
        poll_seconds=float(getattr(args, "poll", 1.0)),
        on_progress=_progress,
    )
    if waited.verdict is not Verdict.ALLOW:
        if waited.verdict is Verdict.ASK:
            print(f"keyturn exec: {waited.message}", file=sys.stderr)
        return waited
    print(f"keyturn exec: {waited.message}", file=sys.stderr)
    now_understood = action if understand_again is None else understand_again()
    if now_understood.digest != action.digest:
        print(
            "keyturn exec: what the command runs changed while it waited for review "
            f"({action.digest} was approved, it is now {now_understood.digest})",
            file=sys.stderr,
        )
    retried = gate.submit(now_understood, actor=actor, requester=requester)
    if retried.verdict is Verdict.ASK:
        print(f"keyturn exec: {retried.message}", file=sys.stderr)
    return retried


def _progress(request: ApprovalRequest) -> None:
    print(f"keyturn exec: request {request.id}: {request.describe_needed()}", file=sys.stderr)


def _run(
    gate: Gate, outcome: Outcome, command: list[str], *, env: Mapping[str, str] | None = None
) -> int:
    """Run the command without a shell, pass its exit status through, and record it."""
    try:
        proc = subprocess.run(command, check=False, env=None if env is None else dict(env))
        status, detail = proc.returncode, ""
    except FileNotFoundError:
        status, detail = 127, f"{command[0]}: command not found"
    except PermissionError:
        status, detail = 126, f"{command[0]}: permission denied"
    if status < 0:  # killed by a signal: report it the way a shell does
        detail = f"killed by {signal.Signals(-status).name}"
        status = 128 - status
    if detail:
        print(f"keyturn exec: {detail}", file=sys.stderr)
    gate.record_execution(outcome, exit_status=status, detail=detail)
    return status
