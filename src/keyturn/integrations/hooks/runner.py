"""Run one hook invocation: read stdin, judge, answer; under a deadline; never fail open.

Agents treat a hook that crashes, exits 1 or overruns its timeout as "go ahead". So every
failure, including keyturn's own bugs, becomes the agent's *blocking* answer, and a watchdog
answers blocking before the agent's own timeout would (``KEYTURN_HOOK_DEADLINE`` seconds,
default :data:`DEFAULT_DEADLINE`; install with an agent timeout above it).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from typing import IO, Any

from keyturn.errors import InputError, KeyturnError

from .protocol import HookProtocol, Reply
from .settle import HookOptions, settle

DEFAULT_DEADLINE = 20.0
MAX_EVENT_BYTES = 16 << 20


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


def deadline_seconds(env: Mapping[str, str]) -> float:
    """The hook's own deadline; a malformed value falls back to the default, never to none."""
    try:
        value = float(env.get("KEYTURN_HOOK_DEADLINE") or DEFAULT_DEADLINE)
    except ValueError:
        return DEFAULT_DEADLINE
    return value if 0 < value <= 3600 else DEFAULT_DEADLINE


def run_hook(
    protocol: HookProtocol,
    options: HookOptions,
    *,
    env: Mapping[str, str],
    stdin: IO[bytes],
    out: IO[str],
    err: IO[str],
) -> int:
    """Answer one event read from ``stdin``; returns the exit code."""
    answerer = _Answerer(out, err)
    seen: dict[str, str] = {"event": ""}
    limit = deadline_seconds(env)

    def expire() -> None:
        reply = protocol.blocking(f"no decision within {limit:g}s", event=seen["event"])
        if answerer.answer(reply):
            os._exit(reply.exit_code or 2)

    watchdog = threading.Timer(limit, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        reply = _judge(protocol, options, env=env, stdin=stdin, seen=seen)
    finally:
        watchdog.cancel()
    answerer.answer(reply)
    return reply.exit_code


def _judge(
    protocol: HookProtocol,
    options: HookOptions,
    *,
    env: Mapping[str, str],
    stdin: IO[bytes],
    seen: dict[str, str],
) -> Reply:
    try:
        payload = _read_event(stdin, agent=protocol.name)
        event = payload.get("hook_event_name")
        seen["event"] = event if isinstance(event, str) else ""
        home = env.get("HOME") or os.path.expanduser("~")
        call = protocol.read(payload, home=home)
        return protocol.render(settle(call, options=options, env=env), event=seen["event"])
    except KeyturnError as exc:
        return protocol.blocking(exc.message, event=seen["event"])
    except Exception as exc:  # a bug in keyturn must still block, never let the call through
        return protocol.blocking(
            f"internal error: {type(exc).__name__}: {exc}".splitlines()[0], event=seen["event"]
        )


def _read_event(stdin: IO[bytes], *, agent: str) -> dict[str, Any]:
    data = stdin.read(MAX_EVENT_BYTES + 1)
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
