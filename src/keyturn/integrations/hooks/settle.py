"""Judge one tool call and settle what the hook answers: the seam between hooks and the gate.

- ``KEYTURN_SERVER`` set: the action goes to the server (:mod:`.remote`), which judges it and
  opens the request; an unreachable server is a failure (the caller blocks).
- otherwise the local gate (:func:`local_gate`) judges it with the local policy and records
  the decision in the audit log -- allow and deny too: "who did what" is answered there
  afterwards, and a decision that cannot be recorded is refused. An ``ask`` opens the request,
  or lets the call through once when an approved grant for this exact action exists. The hook
  daemon keeps its gates open (``HookOptions.gates``); the in-process hook opens the store on
  each call. Cursor delivers some calls to two of its events; one grant covers both deliveries
  of one call (:mod:`.paired`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from keyturn.model import Actor, Verdict

from .events import ToolCall, action_for_call
from .paired import pairs, submit_paired
from .protocol import Answer, Stance

if TYPE_CHECKING:
    from keyturn.bootstrap import Settings
    from keyturn.gate import Gate, Outcome
    from keyturn.model import Action
    from keyturn.policy import Policy


@dataclass(frozen=True, slots=True)
class HookOptions:
    """How the hook was invoked: the policy file and the agent name the policy knows it by.

    - ``home``: the state directory (``$KEYTURN_HOME``) when the caller resolved it; it is then
      guarded by self-protection and used by the local gate.
    - ``load_policy``: how the policy file is loaded, with the signature of
      :func:`keyturn.policy.load_policy_file` (the hook daemon passes its reloading cache).
    """

    policy_path: str
    agent: str
    home: str | None = None
    load_policy: Callable[..., Policy] | None = None
    gates: GateSource | None = None


def settle(call: ToolCall, *, options: HookOptions, env: Mapping[str, str]) -> Answer:
    """Understand and judge ``call``; raises on any failure (the caller answers blocking)."""
    where = _where(call, options=options, env=env)
    answered: Outcome | Mapping[str, Any]
    if isinstance(where.judge, str):
        from .remote import submit_remote

        answered = submit_remote(where.judge, where.action, actor=where.actor, env=env)
    elif options.home and pairs(call.agent, call.event):
        answered = submit_paired(
            where.judge, where.action, actor=where.actor, event=call.event, home=options.home
        )
    else:
        answered = where.judge.submit(where.action, actor=where.actor)
    return answer_for(answered, summary=where.action.summary)


def record_outcome(
    call: ToolCall,
    *,
    options: HookOptions,
    env: Mapping[str, str],
    status: str,
    exit_status: int | None,
) -> None:
    """Record what came of ``call`` after it ran (:mod:`.outcomes`): in the server's audit log
    with ``KEYTURN_SERVER``, else the local state's; raises when it cannot (the caller warns)."""
    where = _where(call, options=options, env=env)
    if isinstance(where.judge, str):
        from .remote import record_remote

        record_remote(
            where.judge,
            where.action,
            actor=where.actor,
            status=status,
            exit_status=exit_status,
            env=env,
        )
        return
    where.judge.record_outcome(
        where.action, actor=where.actor, status=status, exit_status=exit_status
    )


@dataclass(frozen=True, slots=True)
class _Where:
    """A call understood, who makes it, and who judges and records it: the server's URL
    (``KEYTURN_SERVER``) or the local gate."""

    action: Action
    actor: Actor
    judge: str | Gate


def _where(call: ToolCall, *, options: HookOptions, env: Mapping[str, str]) -> _Where:
    from keyturn.localfiles import LocalFiles

    actor = Actor(agent=options.agent, operator=_operator(env), session=call.session)
    server = env.get("KEYTURN_SERVER")
    if server:
        # The server judges with its own policy; a local one, when present, names MCP tools.
        present = _policy_if_present(options)
        mappings = present.mcp_mappings if present is not None else ()
        action = action_for_call(call, env=env, files=LocalFiles(), mcp_mappings=mappings)
        return _Where(action, actor, server)
    policy = _load_policy(options)
    action = action_for_call(call, env=env, files=LocalFiles(), mcp_mappings=policy.mcp_mappings)
    gate = local_gate(
        env, policy_path=options.policy_path, home=options.home, policy=policy, gates=options.gates
    )
    return _Where(action, actor, gate)


def answer_for(outcome: Outcome | Mapping[str, Any], *, summary: str = "") -> Answer:
    """The hook's answer for the gate's (or the server's) outcome; a held call's reason starts
    with what was held (``summary``)."""
    if isinstance(outcome, Mapping):
        verdict = Verdict(str(outcome["verdict"]))
        message, request_id = str(outcome.get("message") or verdict), outcome.get("request_id")
    else:
        verdict, message, request_id = outcome.verdict, outcome.message, outcome.request_id
    if verdict is Verdict.ALLOW:
        return Answer(Stance.ALLOW, message)
    if verdict is Verdict.DENY:
        return Answer(Stance.DENY, message)
    held = f"{summary}: {message}" if summary else message
    return Answer(Stance.HELD, held, request_id=str(request_id) if request_id else None)


class GateSource(Protocol):
    """Gives the gate for a state and a loaded policy (the hook daemon's keeps them open)."""

    def __call__(self, settings: Settings, policy: Policy) -> Gate: ...


def local_gate(
    env: Mapping[str, str],
    *,
    policy_path: str,
    home: str | None = None,
    policy: Policy | None = None,
    gates: GateSource | None = None,
) -> Gate:
    """The local gate (settings -> store -> gate) through :mod:`keyturn.bootstrap`, judging
    with ``policy`` when the caller loaded it; from ``gates`` when given."""
    from keyturn.bootstrap import build_gate, load_settings

    settings = load_settings(home=home, policy=policy_path, environ=env)
    if gates is not None and policy is not None:
        return gates(settings, policy)
    return build_gate(settings, policy=policy)


def _policy_if_present(options: HookOptions) -> Policy | None:
    import os

    if not os.path.exists(options.policy_path):
        return None
    return _load_policy(options)


def _load_policy(options: HookOptions) -> Policy:
    """The policy, with the state directory guarded by self-protection when it is known."""
    from keyturn.policy import load_policy_file

    load = options.load_policy or load_policy_file
    guarded = (options.home,) if options.home else ()
    return load(options.policy_path, guarded_paths=guarded)


def _operator(env: Mapping[str, str]) -> str:
    return env.get("KEYTURN_OPERATOR") or env.get("USER") or env.get("LOGNAME") or "unknown"
