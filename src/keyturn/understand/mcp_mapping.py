"""What the policy's ``mcp:`` mappings and a server's declared annotations make of a tool call:
the mapping's effect on its templated resources (``{arg.path}`` placeholders), the SQL / shell
text it names, and annotations applied only ever more strictly."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Any

from keyturn.model import Effect, EffectKind, McpToolMapping
from keyturn.understand.mcp_call import (
    McpCall,
    is_relative,
    lookup,
    names_under_roots,
    normalise_path,
    sql_engine,
)

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def matching_mapping(
    server: str, tool: str, mappings: Sequence[McpToolMapping]
) -> McpToolMapping | None:
    """The first of the policy's mappings whose server and tool globs match, if any."""
    for mapping in mappings:
        if fnmatchcase(server, mapping.server) and fnmatchcase(tool, mapping.tool):
            return mapping
    return None


def apply_mapping(call: McpCall, mapping: McpToolMapping, hints: Mapping[str, Any]) -> list[Effect]:
    """Effects the policy's mapping gives: its effect on the templated resources, plus the
    effects of the SQL / shell text it names."""
    own: list[Effect] = []
    # A mapping that names SQL or shell text and no effect lets the text say what happens.
    text_only = mapping.effect is EffectKind.UNKNOWN and (
        mapping.sql_argument or mapping.shell_argument
    )
    for template in () if text_only else mapping.resources:
        names = fill_template(
            template, call.arguments, cwd=call.cwd, home=call.home, roots=call.roots
        )
        if not names:
            own.append(call.effect(mapping.effect, detail=f"template {template!r} not filled"))
        own.extend(call.effect(mapping.effect, [n]) for n in names)
    if not mapping.resources and not text_only:
        own.append(call.effect(mapping.effect, detail="mapped by policy"))
    derived: list[Effect] = []
    if mapping.sql_argument:
        text = call.arg(mapping.sql_argument)
        # Whether the mapped server takes a ``database`` argument is not known: both.
        database = call.text_arg("database")
        derived += (
            call.sql_told_or_not(text, engine=sql_engine(call.server), database=database)
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


def fill_template(
    template: str,
    arguments: Mapping[str, Any],
    *,
    cwd: str,
    home: str,
    roots: Sequence[str] | None = None,
) -> list[str]:
    """Resource names from a template with ``{arg.path}`` placeholders.

    A placeholder naming a list gives one name per element. A placeholder that names nothing (or
    an object) leaves the template unfilled: ``[]``. ``file:`` names are made absolute: against
    each of ``roots`` when some are known (the directories the server resolves a relative path
    against: one name per root), else against ``cwd``.
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
    return [m for n in names if n for m in _normalise_name(n, cwd=cwd, home=home, roots=roots)]


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


def _normalise_name(name: str, *, cwd: str, home: str, roots: Sequence[str] | None) -> list[str]:
    if not name.startswith("file:"):
        return [name]
    path = name[5:]
    if roots and is_relative(path, home=home):
        return ["file:" + p for p in names_under_roots(path, roots, home=home)]
    return ["file:" + normalise_path(path, cwd=cwd, home=home)]
