"""What a built-in meaning of an MCP server's tools is made of, shared by every family.

A family (:class:`ServerFamily`) maps tool globs to handlers; a handler turns one call into
:class:`BuiltinEffects`. The helpers here are the ones every family's handlers use: effects of the
tool alone, an argument the meaning needs but does not get, and a tool that acts on nothing its
arguments name. They live apart from the families (:mod:`._mcp_files`, :mod:`._mcp_databases`,
:mod:`._mcp_cloud`) so that each family's module imports them without importing the others, and
apart from :mod:`.mcp_servers`, which only chooses the family a call falls in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from keyturn.model import Effect, EffectKind

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

R, C, U, D = EffectKind.READ, EffectKind.CREATE, EffectKind.UPDATE, EffectKind.DELETE


@dataclass(frozen=True, slots=True)
class BuiltinEffects:
    """What a built-in mapping understood: ``own`` (the tool's own effects, which declared
    annotations may make stricter) and ``derived`` (effects of SQL or shell text in the
    arguments, which they do not touch)."""

    own: list[Effect]
    derived: list[Effect]


Handler = Callable[["McpCall"], BuiltinEffects]


@dataclass(frozen=True, slots=True)
class ServerFamily:
    """The built-in meanings of one kind of server."""

    name: str
    servers: tuple[str, ...]
    tools: Mapping[str, Handler]


def own_effects(*effects: Effect) -> BuiltinEffects:
    return BuiltinEffects(list(effects), [])


def missing_argument(call: McpCall, kind: EffectKind, *args: str) -> BuiltinEffects:
    """An argument the meaning needs is absent: unknown, or when probing the tool without
    arguments, its nominal effect on itself."""
    what = f"argument {' or '.join(repr(a) for a in args)} missing or not text"
    return own_effects(call.effect(kind, detail=what) if call.probe else call.unknown(what))


def on_tool(kind: EffectKind, service: str = "mcp") -> Handler:
    """The tool acts on nothing its arguments name (listing, searching the server itself)."""
    return lambda call: own_effects(call.effect(kind, service=service))


def structured(value: Any) -> Any:
    """JSON text given where a list or object belongs, read as the data it holds (the servers
    parse it so); anything else as it is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value
