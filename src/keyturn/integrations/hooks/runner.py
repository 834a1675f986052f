"""Run one hook invocation: read stdin, judge, answer; under a deadline; never fail open.

Agents treat a hook that crashes, exits 1 or overruns its timeout as "go ahead". So every
failure, including keyturn's own bugs, becomes the agent's *blocking* answer, and a watchdog
answers blocking before the agent's own timeout would (``KEYTURN_HOOK_DEADLINE`` seconds,
default :data:`.deadlines.DEFAULT_DEADLINE`, never past the agent's installed timeout less a
margin: :mod:`.deadlines`). A crash no Python code can catch -- a parser's native code
faulting on hostile text -- is kept from killing the hook: on POSIX the event is judged in a
forked child, and a child that dies is answered blocking by the hook (:func:`judge_in_child`).

:func:`answer_event` is the one function that turns an event into a reply. The in-process hook
(:func:`run_hook`) and the resident hook daemon (:mod:`.daemon`) both call it, with the event
text, the environment and the working directory as arguments, so their answers cannot differ.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, Protocol

from keyturn.errors import InputError, KeyturnError
from keyturn.paths import account_home, keyturn_home
from keyturn.paths import policy_path as locate_policy

from .deadlines import hook_deadline
from .outcomes import after_tool, exit_status, status_of, warning
from .protocol import HookProtocol, Reply
from .settle import HookOptions, record_outcome, settle

MAX_EVENT_BYTES = 16 << 20


class ByteSource(Protocol):
    """What the hook reads its event from (stdin, or stdin with a part already read)."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; fewer only at end of file."""
        ...


class _Answerer:
    """Writes exactly one reply, whichever of the work and the watchdog comes first."""

    def __init__(self, out: IO[str], err: IO[str]) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._out, self._err = out, err

    def answer(self, reply: Reply) -> bool:
        with self._lock:
            if self._done:
                return False
            self._done = True
            if reply.stdout:
                self._out.write(reply.stdout)
            if reply.stderr:
                self._err.write(reply.stderr)
            self._out.flush()
            self._err.flush()
            return True


def expired(protocol: HookProtocol, limit: float, *, event: str) -> Reply:
    """The blocking reply when no decision came within ``limit`` seconds; never exit 0, since
    the work may still be running (and an agent reads a silent exit 0 as "go ahead"). It says
    to ask again: the judging (or the request it opens) goes on, and the retry finds it."""
    reason = f"no decision within {limit:g}s; not decided yet, retry the same call"
    reply = failure(protocol, reason, event=event)
    return replace(reply, exit_code=reply.exit_code or 2)


def run_hook(
    protocol: HookProtocol,
    options: HookOptions,
    *,
    env: Mapping[str, str],
    stdin: ByteSource,
    out: IO[str],
    err: IO[str],
    cwd: str | None = None,
    started: float | None = None,
    refuse: str | None = None,
) -> int:
    """Answer one event read from ``stdin``; returns the exit code.

    ``started`` (``time.monotonic()``) is when the hook process began waiting on something else
    (the daemon), so that the watchdog keeps to the one deadline the agent was promised.
    ``refuse``: answer blocking with this reason, without judging (the daemon died judging it).
    """
    answerer = _Answerer(out, err)
    seen: dict[str, str] = {"event": ""}
    # Never past the agent's own timeout: an agent that gives up first mostly lets the call run.
    limit, too_long = hook_deadline(env, protocol.name)
    if too_long:
        err.write(too_long)
        err.flush()
    spent = time.monotonic() - started if started is not None else 0.0

    children: list[int] = []

    def expire() -> None:
        reply = expired(protocol, limit, event=seen["event"])
        if answerer.answer(reply):
            for pid in children:  # the judging child must not act on after the answer
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            os._exit(reply.exit_code)

    watchdog = threading.Timer(max(limit - spent, 0.05), expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        data = stdin.read(MAX_EVENT_BYTES + 1)
        if refuse is not None:
            reply = refusal(protocol, refuse, data=data)
        elif hasattr(os, "fork"):
            seen["event"] = event_name(data, protocol=protocol)
            reply = judge_in_child(
                protocol,
                options,
                data=data,
                env=env,
                cwd=cwd or os.getcwd(),
                event=seen["event"],
                children=children,
            )
        else:
            reply = answer_event(
                protocol, options, data=data, env=env, cwd=cwd or os.getcwd(), seen=seen
            )
    finally:
        watchdog.cancel()
    answerer.answer(reply)
    return reply.exit_code


def judge_in_child(
    protocol: HookProtocol,
    options: HookOptions,
    *,
    data: bytes,
    env: Mapping[str, str],
    cwd: str,
    event: str,
    children: list[int],
) -> Reply:
    """:func:`answer_event` in a forked child, its reply sent back through a pipe; a child that
    dies instead (a signal, or no reply) gets the blocking answer to ``event`` (the event's
    name). ``children`` receives the child's pid while it runs (for the watchdog)."""
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns of fork() beside other threads; the only other thread is the
        # watchdog, asleep on its timer and holding no lock the child could need.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: judge, send the reply, and leave without running exit handlers
        try:
            os.close(read_end)
            reply = answer_event(protocol, options, data=data, env=env, cwd=cwd)
            message = json.dumps([reply.stdout, reply.stderr, reply.exit_code]).encode()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(message)
        finally:
            os._exit(0)
    children.append(pid)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read()
    _, status = os.waitpid(pid, 0)
    children.remove(pid)
    how = os.waitstatus_to_exitcode(status)
    if how == 0:
        try:
            stdout, stderr, code = json.loads(message)
            return Reply(stdout=str(stdout), stderr=str(stderr), exit_code=int(code))
        except (ValueError, TypeError):
            pass
    what = f"signal {-how}" if how < 0 else f"exit {how}"
    return failure(protocol, f"judging this action failed ({what}); refused", event=event)


def event_name(data: bytes, *, protocol: HookProtocol) -> str:
    """The event's ``hook_event_name``, or "" (for the blocking answers)."""
    try:
        name = _parse_event(data, agent=protocol.name).get("hook_event_name")
    except Exception:  # the blocking answers are given whatever the event looks like
        return ""
    return name if isinstance(name, str) else ""


def answer_event(
    protocol: HookProtocol,
    options: HookOptions,
    *,
    data: bytes,
    env: Mapping[str, str],
    cwd: str,
    seen: dict[str, str] | None = None,
) -> Reply:
    """The reply to one event (``data``, the hook's stdin), judged with ``env`` as the hook's
    environment and ``cwd`` as its working directory; never raises.

    Nothing here reads the process's own environment or working directory: relative paths
    (the policy, ``$KEYTURN_HOME``) resolve against ``cwd``. ``seen["event"]`` is set to the
    event's name as soon as it is known (for the deadline's blocking reply).
    """
    seen = {} if seen is None else seen
    seen.setdefault("event", "")
    try:
        payload = _parse_event(data, agent=protocol.name)
        event = payload.get("hook_event_name")
        seen["event"] = event if isinstance(event, str) else ""
        home = env.get("HOME") or account_home()
        ran = after_tool(protocol.name, seen["event"])
        if ran is not None:  # the tool ran: read the call as the event before it showed it
            payload = {**payload, "hook_event_name": ran[0]}
        call = protocol.read(payload, home=home)
        home_dir = state_home(env, cwd=cwd)
        # The chain every verb shares (--policy, $KEYTURN_POLICY, ./keyturn.yaml, the one in
        # $KEYTURN_HOME), from the hook's own environment and directory, never the daemon's.
        policy = locate_policy(options.policy_path or None, env, home=Path(home_dir), cwd=cwd)
        resolved = replace(options, policy_path=str(policy), home=home_dir)
        if ran is not None:
            code = exit_status(payload)
            status = status_of(ran[1], code)
            record_outcome(call, options=resolved, env=env, status=status, exit_status=code)
            return Reply()  # nothing to say to the agent: the outcome is recorded
        return protocol.render(settle(call, options=resolved, env=env), event=seen["event"])
    except KeyturnError as exc:
        return failure(protocol, exc.message, event=seen["event"])
    except Exception as exc:  # a bug in keyturn must still block, never let the call through
        return failure(
            protocol,
            f"internal error: {type(exc).__name__}: {exc}".splitlines()[0],
            event=seen["event"],
        )


def failure(protocol: HookProtocol, reason: str, *, event: str) -> Reply:
    """The reply when the hook could not do its work: the agent's blocking answer before a
    tool runs; after it ran (:mod:`.outcomes`), a warning, since nothing is left to block."""
    if after_tool(protocol.name, event) is not None:
        return warning(reason)
    return protocol.blocking(reason, event=event)


def refusal(protocol: HookProtocol, reason: str, *, data: bytes) -> Reply:
    """The blocking answer to the event in ``data``, whatever it asks (nothing is judged)."""
    return failure(protocol, reason, event=event_name(data, protocol=protocol))


def state_home(env: Mapping[str, str], *, cwd: str) -> str:
    """keyturn's state directory for this environment (:func:`keyturn.paths.keyturn_home`)."""
    return str(keyturn_home(env, cwd=cwd))


def _parse_event(data: bytes, *, agent: str) -> dict[str, Any]:
    if len(data) > MAX_EVENT_BYTES:
        raise InputError(f"{agent} event: larger than {MAX_EVENT_BYTES} bytes")
    if not data.strip():
        raise InputError(f"{agent} event: empty stdin (expected the hook's JSON event)")
    try:
        payload = json.loads(data)
    except ValueError as exc:
        message = getattr(exc, "msg", str(exc))
        raise InputError(f"{agent} event: not valid JSON ({message})") from None
    if not isinstance(payload, dict):
        raise InputError(f"{agent} event: expected a JSON object")
    return payload
