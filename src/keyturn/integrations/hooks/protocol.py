"""What every agent protocol module provides, and the values passed between the steps.

A protocol reads its agent's event (:meth:`HookProtocol.read`) into a
:class:`~keyturn.integrations.hooks.events.ToolCall`, and writes an :class:`Answer` back in the
form that agent honours (:meth:`HookProtocol.render`) as a :class:`Reply`: stdout, stderr and
the exit code. :meth:`HookProtocol.blocking` is the answer when anything went wrong: the
agent's *blocking* form, since most agents treat a crashed, silent or slow hook as "go ahead".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from keyturn.errors import InputError

from .events import ToolCall


class Stance(StrEnum):
    """What the hook tells the agent."""

    ALLOW = "allow"  # allowed by policy, or an approved request's grant was used
    HELD = "held"  # held for review: the agent must wait and retry after approval
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class Answer:
    """The hook's answer and the one-line reason the model (or person) reads."""

    stance: Stance
    reason: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """What the hook process writes and how it exits."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


class HookProtocol(Protocol):
    """One agent's hook protocol."""

    name: str

    def read(self, payload: Mapping[str, Any], *, home: str) -> ToolCall:
        """The tool call in the agent's event; :class:`InputError` when it is not one."""
        ...

    def render(self, answer: Answer, *, event: str) -> Reply:
        """The answer in the form the agent honours."""
        ...

    def blocking(self, reason: str, *, event: str) -> Reply:
        """The agent's blocking answer, for failures (bad input, errors, timeouts)."""
        ...


def dumps(value: Mapping[str, Any]) -> str:
    """JSON for stdout: one line, ASCII-safe."""
    return json.dumps(value, separators=(",", ":")) + "\n"


def field(payload: Mapping[str, Any], key: str, kind: type, *, where: str) -> Any:
    """``payload[key]``, which must be of ``kind``; a one-line InputError otherwise."""
    if key not in payload:
        raise InputError(f"{where}: missing field '{key}'")
    value = payload[key]
    if not isinstance(value, kind) or (kind is str and not value):
        raise InputError(f"{where}: field '{key}': expected a non-empty {kind.__name__}")
    return value


def optional(payload: Mapping[str, Any], key: str, kind: type, *, where: str) -> Any:
    """``payload[key]`` when present and not null, checked like :func:`field`; else None."""
    if payload.get(key) is None:
        return None
    return field(payload, key, kind, where=where)


@dataclass(frozen=True, slots=True)
class ToolEvent:
    """The fields every pre-tool event carries, checked."""

    event: str
    tool: str
    args: Mapping[str, Any]
    cwd: str
    session: str | None


def tool_event(payload: Mapping[str, Any], *, where: str, events: tuple[str, ...]) -> ToolEvent:
    """The event's name (one of ``events``), tool, tool input, directory and session."""
    event = field(payload, "hook_event_name", str, where=where)
    if event not in events:
        wanted = events[0] if len(events) == 1 else f"one of {', '.join(events)}"
        raise InputError(f"{where}: hook_event_name '{event}' is not {wanted}")
    return ToolEvent(
        event=event,
        tool=field(payload, "tool_name", str, where=where),
        args=field(payload, "tool_input", dict, where=where),
        cwd=absolute_directory(field(payload, "cwd", str, where=where), where=where),
        session=optional(payload, "session_id", str, where=where),
    )


def absolute_directory(cwd: str, *, where: str) -> str:
    """The event's working directory, which must be absolute: every relative path and
    ``cd``-less command is judged against it, and a relative one (``.``) names no directory
    (it would be read as ``/``)."""
    from keyturn.understand.paths import is_windows_path

    if not (cwd.startswith("/") or is_windows_path(cwd)):
        raise InputError(f"{where}: field 'cwd': expected an absolute directory, got {cwd!r}")
    return cwd


def text(args: Mapping[str, Any], key: str, *, where: str) -> str:
    """A string argument of a tool call (``tool_input.command``)."""
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise InputError(f"{where}: tool_input.{key}: expected a non-empty string")
    return value


def optional_text(args: Mapping[str, Any], key: str, *, where: str, at: str = "tool_input") -> str:
    """A string argument that may be empty or left out (an edit's old or new text, a file's
    content): ``""`` when absent or null. Anything but a string is bad input: judging its
    ``str()`` (``1``, ``NaN``) would judge, and bind an approval to, what was not sent."""
    value = args.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: {at}.{key}: expected a string")
    return value


def first_text(args: Mapping[str, Any], keys: tuple[str, ...], *, where: str) -> str:
    """The first of ``keys`` present as a string (agents renamed fields across versions)."""
    for key in keys:
        if isinstance(args.get(key), str) and args[key]:
            return str(args[key])
    raise InputError(f"{where}: tool_input.{keys[0]}: expected a non-empty string")


def held_reason(answer: Answer) -> str:
    """The reason for a held call, telling the model what to do next."""
    if "retry" in answer.reason:  # the gate's own message already says what to do
        return f"keyturn: {answer.reason}"
    if answer.request_id:
        return (
            f"keyturn: held for review: request {answer.request_id} ({answer.reason}); "
            "retry the same command after approval"
        )
    return f"keyturn: held for review ({answer.reason}); retry the same command after approval"
