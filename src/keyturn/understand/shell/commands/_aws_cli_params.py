"""``--param value`` options of an ``aws`` command -> the API call's parameters.

Each option is an input member of the operation, spelled ``xform_name(member, "-")``. Booleans
are ``--flag``/``--no-flag``; lists take every word up to the next option; structures take JSON
or the CLI's shorthand (``Key=a,Value=b``); ``file://`` values are read through ``ctx.files``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from keyturn.understand.shell.commands.aws_cli import (
    UnreadableInput,
    as_mapping,
    parse_value,
    read_file_value,
)
from keyturn.understand.shell.registry import ShellContext

if TYPE_CHECKING:  # pragma: no cover - typing only
    from botocore.model import OperationModel, Shape

_IGNORED_WITH_VALUE = frozenset({"--starting-token", "--page-size", "--max-items"})
_SKELETON = "--generate-cli-skeleton"


def _split_options(words: list[str]) -> list[tuple[str, list[str]]]:
    """``[(option, values)]`` in order; words before the first option are dropped."""
    found: list[tuple[str, list[str]]] = []
    for word in words:
        if word.startswith("--"):
            name, eq, inline = word.partition("=")
            found.append((name, [inline] if eq else []))
        elif found:
            found[-1][1].append(word)
    return found


def options_to_params(
    model: OperationModel, words: list[str], *, ctx: ShellContext
) -> dict[str, Any] | None:
    """The parameters of the call; None when the CLI would not call the API at all
    (``--generate-cli-skeleton``). Raises UnreadableInput for an unreadable input file."""
    from botocore import xform_name

    shape = model.input_shape
    members = dict(shape.members) if shape is not None else {}
    by_option = {xform_name(m, "-"): m for m in members}
    params: dict[str, Any] = {}
    explicit: dict[str, Any] = {}
    for option, values in _split_options(words):
        key = option[2:]
        if option == _SKELETON:
            return None
        if option in ("--cli-input-json", "--cli-input-yaml"):
            params.update(_input_document(option, values, ctx))
        elif option in _IGNORED_WITH_VALUE:
            continue
        elif key in by_option:
            member = by_option[key]
            explicit[member] = _convert_option(members[member], values, ctx, negated=False)
        elif key.startswith("no-") and key[3:] in by_option:
            member = by_option[key[3:]]
            explicit[member] = _convert_option(members[member], values, ctx, negated=True)
    params.update(explicit)
    return params


def _input_document(option: str, values: list[str], ctx: ShellContext) -> dict[str, Any]:
    if not values:
        raise UnreadableInput(f"{option} has no value")
    text = values[0]
    if text.startswith(("file://", "fileb://")):
        text = read_file_value(text, ctx)
    try:
        if option == "--cli-input-yaml":
            import yaml

            doc = yaml.safe_load(text)
        else:
            doc = json.loads(text)
    except (ValueError, ImportError) as exc:
        raise UnreadableInput(f"{option}: not valid input ({exc.__class__.__name__})") from exc
    except Exception as exc:  # yaml.YAMLError has no common base with ValueError
        raise UnreadableInput(f"{option}: not valid YAML") from exc
    return dict(as_mapping(doc, option))


def _is_boolean_value_struct(shape: Shape) -> bool:
    """EC2's ``AttributeBooleanValue``: a structure whose only member is a boolean ``Value``."""
    members = getattr(shape, "members", {}) if shape.type_name == "structure" else {}
    return list(members) == ["Value"] and members["Value"].type_name == "boolean"


def _convert_option(shape: Shape, values: list[str], ctx: ShellContext, *, negated: bool) -> Any:
    if shape.type_name == "boolean":
        return not negated
    if _is_boolean_value_struct(shape):
        return {"Value": not negated}
    if shape.type_name == "list":
        if len(values) == 1:
            one = _load(values[0], ctx)
            if isinstance(one, list):
                return [coerce(v, shape.member) for v in one]
            if isinstance(one, str) and "," in one and shape.member.type_name == "string":
                return [v for v in one.split(",") if v]
        return [convert(v, shape.member, ctx) for v in values]
    return convert(values[0], shape, ctx) if values else ""


def _load(text: str, ctx: ShellContext) -> Any:
    if text.startswith(("file://", "fileb://")):
        text = read_file_value(text, ctx)
    return parse_value(text)


def convert(text: str, shape: Shape, ctx: ShellContext) -> Any:
    """One CLI word as a value of ``shape``: JSON, shorthand, or the scalar it spells."""
    value = _load(text, ctx)
    if isinstance(value, str) and shape.type_name in ("structure", "map"):
        value = parse_shorthand(value)
    elif isinstance(value, str) and shape.type_name == "list":
        value = [v for v in value.split(",") if v]
    return coerce(value, shape)


def coerce(value: Any, shape: Shape) -> Any:
    """Scalars spelled as text, turned into the type the model says (shorthand is all text)."""
    kind = shape.type_name
    if isinstance(value, str):
        if kind == "boolean" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if kind in ("integer", "long") and value.lstrip("-").isdigit():
            return int(value)
        if kind in ("float", "double"):
            try:
                return float(value)
            except ValueError:
                return value
        return value
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: coerce(v, members[k]) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: coerce(v, shape.value) for k, v in value.items()}
    return value


def parse_shorthand(text: str) -> Any:
    """The CLI's shorthand: ``a=1,b=[x,y],c={d=2}`` -> a dict (simple cases; text otherwise)."""
    parsed, rest = _parse_pairs(text, 0)
    return parsed if rest == len(text) and parsed else text


def _parse_pairs(text: str, i: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    while i < len(text) and text[i] != "}":
        eq = text.find("=", i)
        if eq < 0:
            return out, i
        key = text[i:eq].strip()
        value, i = _parse_value(text, eq + 1)
        out[key] = value
        if i < len(text) and text[i] == ",":
            i += 1
    return out, i


def _parse_value(text: str, i: int) -> tuple[Any, int]:
    if i < len(text) and text[i] == "{":
        inner, j = _parse_pairs(text, i + 1)
        return inner, min(j + 1, len(text))
    if i < len(text) and text[i] == "[":
        items: list[Any] = []
        i += 1
        while i < len(text) and text[i] != "]":
            item, i = _parse_value(text, i)
            items.append(item)
            if i < len(text) and text[i] == ",":
                i += 1
        return items, min(i + 1, len(text))
    j = i
    while j < len(text) and text[j] not in ",]}":
        j += 1
    # "Key=a,Value=b" splits on commas only before another "name="; keep commas otherwise.
    return text[i:j], j
