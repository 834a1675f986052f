"""One raw payload of a kind ``keyturn check`` knows, understood: the one mapping from a kind's
fields to its understander, shared by ``keyturn check`` (fields from the command line, the
local files and environment) and the server (fields from a request body, no files).

Payload fields per kind: shell ``{command, cwd, home}``; aws ``{service, operation, params,
region, profile, account}``; mcp ``{server, tool, arguments, cwd, home}``; terraform, k8s and
cloudformation ``{document, source}`` plus ``workspace`` / ``context`` / ``region, account``.
``document`` is the JSON text (bytes or str) or the parsed JSON value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, McpToolMapping, Target
from keyturn.understand import FileReader, NoFiles, understander

SOURCES = {
    ActionKind.TERRAFORM: "plan.json",
    ActionKind.K8S: "review.json",
    ActionKind.CLOUDFORMATION: "change-set.json",
}


def understand_payload(
    kind: ActionKind,
    payload: Mapping[str, Any],
    *,
    environment: str | None,
    mcp_mappings: Sequence[McpToolMapping],
    files: FileReader | None = None,
    env: Mapping[str, str] | None = None,
    where: str = "payload.",
) -> Action:
    """Understand one raw payload of ``kind``. ``files`` and ``env`` are what the caller may
    show of the world (none by default: a server sees no agent's files); ``where`` prefixes
    the field names in error messages (``payload.`` for the API, nothing on the command line).
    """
    fn = understander(kind)
    _required_str = _requirer(where)
    reader = files if files is not None else NoFiles()
    if kind is ActionKind.SHELL:
        return fn(
            _required_str(payload, "command"),
            cwd=optional_str(payload, "cwd") or "/",
            home=optional_str(payload, "home") or "/root",
            env=dict(env or {}),
            target=Target(environment=environment),
            files=reader,
        )
    if kind is ActionKind.AWS:
        target = Target(
            environment=environment,
            aws_region=optional_str(payload, "region"),
            aws_profile=optional_str(payload, "profile"),
            aws_account=optional_str(payload, "account"),
        )
        return fn(
            _required_str(payload, "service"),
            _required_str(payload, "operation"),
            _object(payload, "params", where),
            target=target,
        )
    if kind is ActionKind.MCP:
        return fn(
            _required_str(payload, "server"),
            _required_str(payload, "tool"),
            _object(payload, "arguments", where),
            mappings=mcp_mappings,
            target=Target(environment=environment),
            cwd=optional_str(payload, "cwd") or "/",
            home=optional_str(payload, "home") or "/root",
            files=reader,
        )
    return _document(kind, payload, environment=environment, where=where)


def _document(
    kind: ActionKind, payload: Mapping[str, Any], *, environment: str | None, where: str
) -> Action:
    document = payload.get("document")
    if document is None:
        raise InputError(f"{where}document: missing (the JSON document to judge)")
    text = document if isinstance(document, (str, bytes)) else json.dumps(document)
    if kind is ActionKind.TERRAFORM:
        target = Target(
            environment=environment, terraform_workspace=optional_str(payload, "workspace")
        )
    elif kind is ActionKind.K8S:
        target = Target(environment=environment, kube_context=optional_str(payload, "context"))
    else:
        target = Target(
            environment=environment,
            aws_region=optional_str(payload, "region"),
            aws_account=optional_str(payload, "account"),
        )
    source = optional_str(payload, "source") or SOURCES[kind]
    try:
        result: Action = understander(kind)(text, source=source, target=target)
    except msgspec.MsgspecError as exc:
        # What the document's decoder refuses beyond the understander's own checks (a number
        # out of a double's range, ``1e999``) is bad input like any other, not a crash.
        raise InputError(f"{where}document: {source}: {_one_line(str(exc))}") from None
    return result


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _object(payload: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = payload.get(key) or {}
    if not isinstance(value, dict):
        raise InputError(f"{where}{key}: expected a JSON object")
    return value


def _requirer(where: str) -> Callable[[Mapping[str, Any], str], str]:
    def required_str(payload: Mapping[str, Any], key: str) -> str:
        value = payload.get(key)
        if not isinstance(value, str) or not value:
            raise InputError(f"{where}{key}: expected a non-empty string")
        return value

    return required_str


def optional_str(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key}: expected a string")
    return value or None
