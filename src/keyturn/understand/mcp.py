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

Server-declared annotations are untrusted hints (MCP spec): they may make a judgment stricter,
never looser. They apply to the tool's own effect, not to effects understood from SQL or shell
text in the arguments, which say more precisely what happens than a tool-wide hint.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, EffectKind, McpToolMapping, Resource, Target
from keyturn.understand import FileReader, NoFiles

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_INDEX = re.compile(r"\[(\d+)\]")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
# Argument names whose text is SQL / a shell command whatever the tool (issue 3, item 4).
SQL_ARGUMENTS = ("sql",)
SHELL_ARGUMENTS = ("command", "cmd")
_MAX_NESTED_TEXT = 100_000


def tool_name(server: str, tool: str) -> str:
    """The resource and ``tool:`` name of an MCP tool: ``mcp:<server>/<tool>``."""
    return f"mcp:{server}/{tool}"


@dataclass(frozen=True, slots=True)
class McpCall:
    """One tool call being understood, with what is needed to name its resources.

    Built-in meanings (``mcp_servers``) receive it and build effects through its methods, so
    every effect gets the tool name, the MCP resource name and the target in the same way.
    """

    server: str
    tool: str
    arguments: Mapping[str, Any]
    target: Target = field(default_factory=Target)
    cwd: str = "/"
    home: str = "/root"
    files: FileReader = field(default_factory=NoFiles)
    # Set when judging a tool without its arguments (``probe_mcp``): a missing argument then
    # gives the tool's nominal effect instead of ``unknown``.
    probe: bool = False

    @property
    def name(self) -> str:
        return tool_name(self.server, self.tool)

    def arg(self, path: str) -> Any:
        """The argument at a dotted path (``options.name``, ``files.0.path``), or ``None``."""
        return lookup(self.arguments, path)

    def text_arg(self, *paths: str) -> str | None:
        """The first of ``paths`` holding a non-empty string."""
        for path in paths:
            value = self.arg(path)
            if isinstance(value, str) and value:
                return value
        return None

    def file(self, path: str) -> str:
        """``file:`` name of a path argument, made absolute against cwd and home."""
        return "file:" + normalise_path(path, cwd=self.cwd, home=self.home)

    def effect(
        self,
        kind: EffectKind,
        names: Sequence[str] = (),
        *,
        type_: str = "",
        service: str = "mcp",
        detail: str = "",
        target: Target | None = None,
    ) -> Effect:
        """An effect of this tool on the resource named ``names`` (plus the MCP tool name)."""
        all_names = tuple(dict.fromkeys([*names, self.name]))
        return Effect(
            effect=kind,
            resource=Resource(all_names, type_ or ("mcp_tool" if not names else "")),
            target=(target or Target()).merged_over(self.target),
            service=service,
            tool=self.name,
            operation=f"mcp {self.tool}",
            detail=detail,
        )

    def unknown(self, reason: str) -> Effect:
        """An ``unknown`` effect on the tool itself, saying why."""
        return self.effect(EffectKind.UNKNOWN, detail=reason)

    def sql(self, text: str, *, engine: str, database: str | None = None) -> list[Effect]:
        """Effects of SQL text passed as an argument, attributed to this tool."""
        try:
            from keyturn.understand.sql import sql_effects
        except ImportError:
            return [self.unknown("SQL understanding is not available in this build")]
        try:
            found = sql_effects(
                text[:_MAX_NESTED_TEXT], engine=engine, database=database, target=self.target
            )
        except InputError as exc:
            return [self.unknown(f"SQL argument not understood: {exc.message}")]
        return self.adopt(found) or [self.unknown("SQL argument has no statement")]

    def shell(self, text: str) -> list[Effect]:
        """Effects of a shell command line passed as an argument, attributed to this tool."""
        try:
            from keyturn.understand.shell import understand_shell
        except ImportError:
            return [self.unknown("shell understanding is not available in this build")]
        try:
            action = understand_shell(
                text[:_MAX_NESTED_TEXT],
                cwd=self.cwd,
                home=self.home,
                target=self.target,
                files=self.files,
            )
        except InputError as exc:
            return [self.unknown(f"shell argument not understood: {exc.message}")]
        return self.adopt(action.effects) or [self.unknown("shell argument has no command")]

    def adopt(self, effects: Sequence[Effect]) -> list[Effect]:
        """Effects understood from argument text, re-attributed to this tool."""
        adopted = []
        for e in effects:
            names = tuple(dict.fromkeys([*e.resource.names, self.name]))
            adopted.append(
                replace(
                    e,
                    resource=Resource(names, e.resource.type),
                    target=e.target.merged_over(self.target),
                    tool=self.name,
                )
            )
        return adopted


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
) -> Action:
    """Understand one MCP ``tools/call`` as an :class:`Action` of kind ``mcp``.

    ``mappings`` are the policy's (``Policy.mcp_mappings``); ``annotations`` the tool's
    ``ToolAnnotations`` as the server declared them (camelCase keys, as on the wire).
    Raises :class:`InputError` when the server or tool name is empty or the arguments are not
    a JSON object.
    """
    name = _check_names(server, tool)
    args = _check_arguments(name, arguments)
    hints = _check_annotations(name, annotations)
    call = McpCall(server, tool, args, target=target, cwd=cwd, home=home, files=files)
    effects = _tool_effects(call, mappings, hints)
    effects += _text_argument_effects(call, consumed=_consumed(call, mappings))
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

    if any(fnmatchcase(server, m.server) and fnmatchcase(tool, m.tool) for m in mappings):
        return "policy"
    return "builtin" if mcp_servers.knows(server, tool) else None


def _tool_effects(
    call: McpCall, mappings: Sequence[McpToolMapping], hints: Mapping[str, Any]
) -> list[Effect]:
    """The tool's own effects: policy mapping first, then built-ins, else unknown."""
    from keyturn.understand import mcp_servers

    for mapping in mappings:
        if fnmatchcase(call.server, mapping.server) and fnmatchcase(call.tool, mapping.tool):
            return _apply_mapping(call, mapping, hints)
    builtin = mcp_servers.builtin_effects(call)
    if builtin is not None:
        return [stricter_by_annotations(e, hints) for e in builtin.own] + builtin.derived
    return [call.unknown(f"no mapping for tool {call.tool!r} of MCP server {call.server!r}")]


def _apply_mapping(
    call: McpCall, mapping: McpToolMapping, hints: Mapping[str, Any]
) -> list[Effect]:
    """Effects the policy's mapping gives: its effect on the templated resources, plus the
    effects of the SQL / shell text it names."""
    own: list[Effect] = []
    # A mapping that names SQL or shell text and no effect lets the text say what happens.
    text_only = mapping.effect is EffectKind.UNKNOWN and (
        mapping.sql_argument or mapping.shell_argument
    )
    for template in () if text_only else mapping.resources:
        names = fill_template(template, call.arguments, cwd=call.cwd, home=call.home)
        if not names:
            own.append(call.effect(mapping.effect, detail=f"template {template!r} not filled"))
        own.extend(call.effect(mapping.effect, [n]) for n in names)
    if not mapping.resources and not text_only:
        own.append(call.effect(mapping.effect, detail="mapped by policy"))
    derived: list[Effect] = []
    if mapping.sql_argument:
        text = call.arg(mapping.sql_argument)
        derived += (
            call.sql(text, engine=sql_engine(call.server), database=call.text_arg("database"))
            if isinstance(text, str) and text.strip()
            else [call.unknown(f"SQL argument {mapping.sql_argument!r} missing or not text")]
        )
    if mapping.shell_argument:
        text = call.arg(mapping.shell_argument)
        derived += (
            call.shell(text)
            if isinstance(text, str) and text.strip()
            else [call.unknown(f"shell argument {mapping.shell_argument!r} missing or not text")]
        )
    return [stricter_by_annotations(e, hints) for e in own] + derived


def _consumed(call: McpCall, mappings: Sequence[McpToolMapping]) -> frozenset[str]:
    """Text arguments the tool's mapping already understood (not to be understood twice)."""
    from keyturn.understand import mcp_servers

    for m in mappings:
        if fnmatchcase(call.server, m.server) and fnmatchcase(call.tool, m.tool):
            return frozenset(a for a in (m.sql_argument, m.shell_argument) if a)
    return mcp_servers.text_arguments(call.server, call.tool)


def _text_argument_effects(call: McpCall, *, consumed: frozenset[str]) -> list[Effect]:
    """SQL (``sql``) and shell (``command``, ``cmd``) text arguments of any tool."""
    effects: list[Effect] = []
    for key in SQL_ARGUMENTS:
        if key in consumed:
            continue
        text = call.arguments.get(key)
        if isinstance(text, str) and text.strip():
            engine = sql_engine(call.server)
            effects += call.sql(text, engine=engine, database=call.text_arg("database"))
    for key in SHELL_ARGUMENTS:
        if key in consumed:
            continue
        text = call.arguments.get(key)
        if isinstance(text, str) and text.strip():
            effects += call.shell(text)
    return effects


def stricter_by_annotations(effect: Effect, hints: Mapping[str, Any]) -> Effect:
    """Apply a tool's declared annotations to one of its effects, only ever more strictly.

    Only explicit values count: the spec's defaults (``destructiveHint`` true when absent) would
    turn every mapped write into a delete, and the mapping knows more than an absent hint.
    ``destructiveHint: true`` makes a read/create/update a delete; ``readOnlyHint: false`` makes
    a read an update; ``readOnlyHint: true`` changes nothing (a hint never loosens).
    """
    kind = effect.effect
    if kind in (EffectKind.UNKNOWN, EffectKind.DELETE, EffectKind.REPLACE):
        return effect
    if hints.get("destructiveHint") is True:
        return _reclassify(effect, EffectKind.DELETE, "server declares destructiveHint")
    if kind is EffectKind.READ and hints.get("readOnlyHint") is False:
        return _reclassify(effect, EffectKind.UPDATE, "server declares readOnlyHint: false")
    return effect


def _reclassify(effect: Effect, kind: EffectKind, why: str) -> Effect:
    detail = f"{effect.effect.value} judged as {kind.value}: {why}"
    return replace(effect, effect=kind, detail="; ".join(x for x in (effect.detail, detail) if x))


def fill_template(template: str, arguments: Mapping[str, Any], *, cwd: str, home: str) -> list[str]:
    """Resource names from a template with ``{arg.path}`` placeholders.

    A placeholder naming a list gives one name per element. A placeholder that names nothing (or
    an object) leaves the template unfilled: ``[]``. ``file:`` names are made absolute.
    """
    names = [""]
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        values = _placeholder_values(match.group(1).strip(), arguments)
        if not values:
            return []
        literal = template[pos : match.start()]
        names = [n + literal + v for n in names for v in values]
        pos = match.end()
    names = [n + template[pos:] for n in names]
    return [_normalise_name(n, cwd=cwd, home=home) for n in names if n]


def _placeholder_values(path: str, arguments: Mapping[str, Any]) -> list[str]:
    value = lookup(arguments, path)
    if value is None and path.startswith("arg.") and "arg" not in arguments:
        value = lookup(arguments, path[4:])
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            return []
        out.append(str(item))
    return [v for v in out if v]


def _normalise_name(name: str, *, cwd: str, home: str) -> str:
    if name.startswith("file:"):
        return "file:" + normalise_path(name[5:], cwd=cwd, home=home)
    return name


def lookup(value: Any, path: str) -> Any:
    """The value at an argument path inside JSON-like data (``a.b``, ``files[0].path`` or
    ``files.0.path``). ``None`` when absent."""
    for part in _INDEX.sub(r".\1", path).split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def normalise_path(path: str, *, cwd: str, home: str) -> str:
    """An absolute, normalised path: ``~`` expanded, relative paths joined to ``cwd``; Windows
    drive paths keep their drive with forward slashes (``C:/Users/x``)."""
    if _WINDOWS_DRIVE.match(path):
        drive, rest = path[:2].upper(), path[2:].replace("\\", "/")
        return drive + posixpath.normpath(rest)
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    if not path.startswith("/"):
        path = posixpath.join(cwd, path)
    normal = posixpath.normpath(path)
    # POSIX keeps a leading "//"; it names the same directory as "/" here.
    return "/" + normal.lstrip("/")


def sql_engine(server: str) -> str:
    """The SQL engine a server's name suggests (``postgres``, ``mysql``...), else ``sql``."""
    lowered = server.lower()
    for engine, hints in _ENGINES:
        if any(h in lowered for h in hints):
            return engine
    return "sql"


_ENGINES = (
    ("postgres", ("postgres", "pg", "supabase", "neon")),
    ("mysql", ("mysql", "mariadb")),
    ("sqlite", ("sqlite",)),
    ("mssql", ("mssql", "sqlserver")),
)


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
