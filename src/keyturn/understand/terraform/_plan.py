"""Decoding ``terraform show -json`` / ``tofu show -json`` output into the few fields judged.

Plans can be large (100,000 resources), so the document is decoded with msgspec into structs
that hold only what is judged; ``before``/``after`` stay :class:`msgspec.Raw` slices of the
input until the one change that needs them is looked at, so memory stays near the file size.
Everything else in the plan (``planned_values``, ``prior_state``, ``configuration`` but for
its provisioners and provider configurations, ``resource_drift``) is skipped: drift is what
already happened, not what the plan will do.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec

from keyturn.errors import InputError
from keyturn.understand.terraform._config import Configuration

_NULL = msgspec.Raw(b"null")
# Plan format majors this code knows; a minor bump only adds fields (formats.md §4).
KNOWN_MAJORS = frozenset({"0", "1"})


class Change(msgspec.Struct, frozen=True):
    """A ``Change``: the actions and the object before and after (left undecoded)."""

    actions: list[str]
    before: msgspec.Raw = _NULL
    after: msgspec.Raw = _NULL
    after_unknown: msgspec.Raw = _NULL
    replace_paths: Any = None
    importing: Any = None


class ResourceChange(msgspec.Struct, frozen=True):
    """One entry of ``resource_changes``."""

    # An empty address would name no resource: refused as malformed, never a crash.
    address: Annotated[str, msgspec.Meta(min_length=1)]
    change: Change
    mode: str = "managed"
    type: str = ""
    previous_address: str | None = None
    deposed: str | None = None
    action_reason: str | None = None
    provider_name: str = ""


class ActionInvocation(msgspec.Struct, frozen=True):
    """A Terraform "action" run during apply (1.14+): arbitrary provider-defined effects."""

    address: str = ""
    type: str = ""


class Plan(msgspec.Struct, frozen=True):
    """The parts of a plan that are judged."""

    format_version: str | None = None
    terraform_version: Any = None  # a string in every real plan; anything else is not read
    resource_changes: list[ResourceChange] | None = None
    action_invocations: list[ActionInvocation] | None = None
    configuration: Configuration | None = None
    errored: bool = False


_DECODER = msgspec.json.Decoder(Plan)
_TYPE_WORDS = {
    "array": "a list",
    "object": "an object",
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "null": "null",
}
_ERROR = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$")


def decode_plan(text: str | bytes, *, source: str) -> Plan:
    """Decode and check a plan; raises :class:`InputError` naming ``source`` and the JSON path."""
    try:
        plan = _DECODER.decode(text)
    except msgspec.ValidationError as exc:
        raise InputError(_validation_message(str(exc), source)) from None
    except msgspec.DecodeError as exc:
        raise InputError(f"{source}: not valid JSON: {exc}") from None
    except RecursionError:
        # Hostile input: thousands of nested arrays/objects. Refused, never a crash.
        raise InputError(f"{source}: JSON nested too deeply; refusing it") from None
    if plan.format_version is None:
        raise InputError(
            f"{source}: format_version: missing (expected `terraform show -json PLANFILE` output)"
        )
    major = plan.format_version.split(".", 1)[0]
    if major not in KNOWN_MAJORS:
        raise InputError(
            f"{source}: format_version: {plan.format_version!r} has an unknown major version "
            f"(this keyturn reads 0.x and 1.x)"
        )
    return plan


def _validation_message(message: str, source: str) -> str:
    """``Expected `array`, got `str` - at `$.a[1]``` -> ``plan.json: a[1]: expected a list...``"""
    match = _ERROR.match(message)
    what, path = (match["what"], match["path"]) if match else (message, None)
    for word, plain in _TYPE_WORDS.items():
        what = what.replace(f"`{word}`", plain)
    if what.startswith("Expected a list, got") and path and path.endswith(".actions"):
        what = what.replace("Expected a list", "Expected a list of strings", 1)
    what = what[:1].lower() + what[1:]
    where = (path or "").lstrip(".") or "(top level)"
    return f"{source}: {where}: {what}"


_VALUE_DECODER = msgspec.json.Decoder()


def decode_value(raw: msgspec.Raw) -> Any:
    """Decode one ``before``/``after`` value (already known to be valid JSON)."""
    return _VALUE_DECODER.decode(raw)
