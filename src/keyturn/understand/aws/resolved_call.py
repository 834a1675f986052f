"""One AWS API call as keyturn reads it: botocore's names for it, its parameters as plain JSON
values, what its name says it does; and the one shape every effect of a call is written in."""

from __future__ import annotations

import base64
import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws import catalog
from keyturn.understand.aws.verbs import VerbMeaning, classify

__all__ = ["AwsCall", "call_effect", "json_safe", "resolve_call", "with_call"]


@dataclass(frozen=True, slots=True)
class AwsCall:
    """A resolved call: botocore service name, CamelCase operation, JSON-safe parameters."""

    service: str
    operation: str
    params: Mapping[str, Any]
    meaning: VerbMeaning

    @property
    def qualified(self) -> str:
        return f"{self.service}:{self.operation}"

    def subject(self) -> dict[str, Any]:
        """What the digest binds to besides the effects: the call itself, normalised."""
        return {"service": self.service, "operation": self.operation, "params": self.params}


def json_safe(value: Any, *, where: str) -> Any:
    """Parameters as plain JSON values: bytes as ``{"$bytes": base64}``, datetimes as ISO text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{where}: parameter names must be strings, got {key!r}")
            out[key] = json_safe(item, where=f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [json_safe(v, where=f"{where}[{i}]") for i, v in enumerate(value)]
    raise InputError(f"{where}: unsupported parameter value of type {type(value).__name__}")


def resolve_call(service: str, operation: str, params: Mapping[str, Any] | None) -> AwsCall:
    """Resolve names through botocore's models and normalise the parameters."""
    if not isinstance(service, str) or not isinstance(operation, str):
        raise InputError("aws: service and operation must be strings")
    name = catalog.resolve_service(service)
    op = catalog.resolve_operation(name, operation)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise InputError(f"aws: {name}:{op}: parameters must be a JSON object")
    try:
        safe = json_safe(params, where=f"{name}:{op}")
    except RecursionError:
        raise InputError(f"aws: {name}:{op}: parameters nested too deeply") from None
    return AwsCall(service=name, operation=op, params=safe, meaning=classify(name, op))


def call_effect(
    call: AwsCall,
    kind: EffectKind,
    resource: Resource,
    target: Target,
    notes: list[str],
    *,
    removes: bool = False,
) -> Effect:
    """An effect of ``call``: its notes joined as the detail (the operation's name when none)."""
    return Effect(
        effect=kind,
        resource=resource,
        target=target,
        service=call.service,
        operation=call.qualified,
        removes_protection=removes,
        detail="; ".join(notes) or call.qualified,
    )


def with_call(effect: Effect, call: AwsCall) -> Effect:
    """An effect understood elsewhere (the SQL a call runs) as made by ``call``."""
    return replace(effect, service=effect.service or call.service, operation=call.qualified)
