"""Understanding MCP tool calls: ``tools/call`` on a named server -> effects on named resources.

Every effect carries ``tool="mcp:<server>/<tool>"`` and its resource carries the name
``mcp:<server>/<tool>`` next to whatever resource the arguments name (``file:/srv/app.py``,
``k8s:prod/deployment/web``, ``db:postgres/orders``...).

A call is understood in this order:

1. the policy's ``mcp:`` mappings (:class:`~keyturn.model.McpToolMapping`): the first one whose
   server and tool globs match decides the effect; its resource templates fill ``{arg.path}``
   placeholders from the arguments; ``sql_argument`` / ``shell_argument`` name text understood
   as SQL / a shell command;
2. the built-in meanings of common servers' real tools (:mod:`keyturn.understand.mcp_servers`);
3. otherwise the call is ``unknown`` (never allowed silently).

Independently of the mapping, ``sql`` and ``command``/``cmd`` text arguments are understood as
SQL and shell text, so a tool nobody mapped still shows what its text would do.

A relative path given to the filesystem server is resolved by it against its allowed
directories, not a working directory: ``roots`` says which they are when the caller knows (the
proxy reads them from the server's command line, :func:`filesystem_roots`).

Server-declared annotations are untrusted hints (MCP spec): they may make a judgment stricter,
never looser. They apply to the tool's own effect, not to effects understood from SQL or shell
text in the arguments, which say more precisely what happens than a tool-wide hint.

The call and its naming are :mod:`.mcp_call`; mappings and annotations :mod:`.mcp_mapping`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, EffectKind, McpToolMapping, Target
from keyturn.understand import FileReader, NoFiles
from keyturn.understand._mcp_files import filesystem_roots
from keyturn.understand.links import with_climbs, with_link_targets
from keyturn.understand.mcp_call import McpCall, sql_engine, tool_name
from keyturn.understand.mcp_mapping import (
    apply_mapping,
    matching_mapping,
    stricter_by_annotations,
)
from keyturn.understand.runs_later import mark_runs_later, mark_runs_later_through_links
from keyturn.understand.shell.effects import with_machine_targets

# Names other modules take from here (the built-in servers' meanings, the MCP proxy).
__all__ = [
    "SHELL_ARGUMENTS",
    "SQL_ARGUMENTS",
    "McpCall",
    "filesystem_roots",
    "probe_mcp",
    "sql_engine",
    "tool_name",
    "understand_mcp",
    "understood_by",
]

# Argument names whose text is SQL / a shell command whatever the tool.
SQL_ARGUMENTS = ("sql",)
SHELL_ARGUMENTS = ("command", "cmd")


def understand_mcp(
    server: str,
    tool: str,
    arguments: Mapping[str, Any] | None = None,
    *,
    mappings: Sequence[McpToolMapping] = (),
    annotations: Mapping[str, Any] | None = None,
    target: Target = Target(),  # noqa: B008 - frozen value, safe as a default
    cwd: str = "/",
    home: str = "/root",
    files: FileReader = NoFiles(),  # noqa: B008 - stateless reader, safe as a default
    roots: Sequence[str] | None = None,
) -> Action:
    """Understand one MCP ``tools/call`` as an :class:`Action` of kind ``mcp``.

    ``mappings`` are the policy's (``Policy.mcp_mappings``); ``annotations`` the tool's
    ``ToolAnnotations`` as the server declared them (camelCase keys, as on the wire).
    ``roots``: the directories the server resolves a relative path against, when known (a
    relative path is then named under each); ``()`` when the caller knows it cannot tell them
    (a filesystem server's relative path is then ``unknown``); ``None``, not told: against
    ``cwd``, the directory an agent's client gives its servers as their root.
    Raises :class:`InputError` when the server or tool name is empty or the arguments are not
    a JSON object.
    """
    name = _check_names(server, tool)
    args = _check_arguments(name, arguments)
    hints = _check_annotations(name, annotations)
    call = McpCall(
        server,
        tool,
        args,
        target=target,
        cwd=cwd,
        home=home,
        files=files,
        roots=None if roots is None else tuple(roots),
    )
    effects = _tool_effects(call, mappings, hints)
    effects += _text_argument_effects(call, consumed=_consumed(call, mappings))
    on_disk = not isinstance(files, NoFiles)
    if on_disk:
        # ``dir/lnk/../x`` opens where the kernel takes it: from the link's target.
        effects = with_climbs(effects, _strings(args), cwd=cwd, home=home, files=files)
    effects = mark_runs_later(effects, home=home)
    if on_disk:
        # Judged where a link leads, too (``write_file notes`` with ``notes -> ~/.bashrc``);
        # without files there is no link to follow, and nothing to judge again.
        effects = mark_runs_later_through_links(
            effects, with_link_targets(effects, files), files=files, home=home
        )
    effects = with_machine_targets(effects)  # through ``x -> /dev/sda``: the disk's write
    subject = {"server": server, "tool": tool, "arguments": _canonical(name, args)}
    return Action(
        kind=ActionKind.MCP,
        summary=f"{name} ({len(effects)} effect{'s' if len(effects) != 1 else ''})",
        effects=tuple(_dedupe(effects)),
        target=target,
        subject=subject,
    )


def probe_mcp(
    server: str,
    tool: str,
    *,
    mappings: Sequence[McpToolMapping] = (),
    annotations: Mapping[str, Any] | None = None,
    target: Target = Target(),  # noqa: B008 - frozen value, safe as a default
) -> Action:
    """A tool judged at its mildest, without arguments: what no arguments could make milder.

    A mapped tool gets its nominal effects on the tool itself; what only its arguments could
    tell (SQL or shell text) reads as a read. An unmapped tool stays ``unknown``: no argument
    makes it known. The proxy hides a tool from ``tools/list`` when this is denied.
    """
    name = _check_names(server, tool)
    hints = _check_annotations(name, annotations)
    call = McpCall(server, tool, {}, target=target, probe=True)
    effects = _tool_effects(call, mappings, hints)
    if understood_by(server, tool, mappings) is not None:
        effects = [
            replace(e, effect=EffectKind.READ) if e.effect is EffectKind.UNKNOWN else e
            for e in effects
        ]
    subject = {"server": server, "tool": tool, "probe": True}
    return Action(
        ActionKind.MCP, f"{name} (any arguments)", tuple(_dedupe(effects)), target, subject
    )


def understood_by(server: str, tool: str, mappings: Sequence[McpToolMapping] = ()) -> str | None:
    """What gives a tool its meaning: ``"policy"``, ``"builtin"``, or ``None`` (unknown
    whatever its arguments)."""
    from keyturn.understand import mcp_servers

    if matching_mapping(server, tool, mappings) is not None:
        return "policy"
    return "builtin" if mcp_servers.knows(server, tool) else None


def _tool_effects(
    call: McpCall, mappings: Sequence[McpToolMapping], hints: Mapping[str, Any]
) -> list[Effect]:
    """The tool's own effects: policy mapping first, then built-ins, else unknown."""
    from keyturn.understand import mcp_servers

    mapping = matching_mapping(call.server, call.tool, mappings)
    if mapping is not None:
        return apply_mapping(call, mapping, hints)
    builtin = mcp_servers.builtin_effects(call)
    if builtin is not None:
        return [stricter_by_annotations(e, hints) for e in builtin.own] + builtin.derived
    return [call.unknown(f"no mapping for tool {call.tool!r} of MCP server {call.server!r}")]


def _consumed(call: McpCall, mappings: Sequence[McpToolMapping]) -> frozenset[str]:
    """Text arguments the tool's mapping already understood (not to be understood twice)."""
    from keyturn.understand import mcp_servers

    m = matching_mapping(call.server, call.tool, mappings)
    if m is not None:
        return frozenset(a for a in (m.sql_argument, m.shell_argument) if a)
    return mcp_servers.text_arguments(call.server, call.tool)


def _text_argument_effects(call: McpCall, *, consumed: frozenset[str]) -> list[Effect]:
    """SQL (``sql``) and shell (``command``, ``cmd``) text arguments of any tool. Whether the
    server takes a ``database`` argument is not known: the SQL is judged in it and where none
    is told."""
    effects: list[Effect] = []
    for key in SQL_ARGUMENTS:
        if key in consumed:
            continue
        text = call.arguments.get(key)
        if isinstance(text, str) and text.strip():
            engine = sql_engine(call.server)
            database = call.text_arg("database")
            effects += call.sql_told_or_not(text, engine=engine, database=database)
    for key in SHELL_ARGUMENTS:
        if key in consumed:
            continue
        text = call.arguments.get(key)
        if isinstance(text, str) and text.strip():
            effects += call.shell(text)
    return effects


def _check_names(server: Any, tool: Any) -> str:
    if not isinstance(server, str) or not server.strip():
        raise InputError("mcp: server name: expected a non-empty string")
    if not isinstance(tool, str) or not tool.strip():
        raise InputError(f"mcp:{server}: tool name: expected a non-empty string")
    return tool_name(server, tool)


def _check_arguments(name: str, arguments: Any) -> Mapping[str, Any]:
    if arguments is None:
        return {}
    if not isinstance(arguments, Mapping):
        raise InputError(f"{name}: arguments: expected a JSON object, got {_json_type(arguments)}")
    return arguments


def _check_annotations(name: str, annotations: Any) -> Mapping[str, Any]:
    if annotations is None:
        return {}
    if not isinstance(annotations, Mapping):
        raise InputError(
            f"{name}: annotations: expected a JSON object, got {_json_type(annotations)}"
        )
    return annotations


def _canonical(name: str, args: Mapping[str, Any]) -> Any:
    """The arguments as plain JSON data (the digest binds to them)."""
    try:
        return json.loads(json.dumps(args, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name}: arguments: not JSON data ({exc})") from None


def _json_type(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _dedupe(effects: list[Effect]) -> list[Effect]:
    """Equal effects once, in first-seen order (equal meaning -> equal action)."""
    return list(dict.fromkeys(effects))


def _strings(value: Any) -> list[str]:
    """The strings in an MCP call's arguments, nested ones too (bounded)."""
    found: list[str] = []
    stack = [value]
    while stack and len(found) < 1000:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found
