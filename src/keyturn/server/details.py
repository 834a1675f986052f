"""What a reviewer needs to see beyond the effects, kept beside the request.

The action digest binds a Terraform plan through a hash of its changes, so the resource-level
diff (before/after of the changed attributes, shown ``(sensitive)`` where the plan marks them)
and the count of resources that depend on what is replaced or deleted are computed from the raw
plan when the decision is made and stored by digest in the server's own
``keyturn_request_details`` table, in the same database as the requests (so every server on
one PostgreSQL sees them).

What reviewers see is part of what they approve: the sensitive marks and the configuration's
references are not among the changes the plan's hash covers, so the view's own hash goes into
the action's subject (:func:`bound_to_view`), and with it into the digest. Two submissions
with the same changes but different views (every value marked sensitive, the references gone)
are two actions, two requests; one digest has one view, so "the first write wins" is exact.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from keyturn.approval.display import shorten
from keyturn.audit.redaction import Redactor
from keyturn.model import Action, ActionKind, canonical_json
from keyturn.store.interface import Store

# A plan may change many attributes and hold long values (a policy document, user data): what
# is not shown is said (``more_changes``, a cut that counts its characters), and a long value is
# cut in the middle, so neither a long list nor a long prefix hides the end of a change.
MAX_SHOWN_ATTRIBUTES = 100
MAX_VALUE_CHARS = 2000
SENSITIVE = "(sensitive)"
_REPLACING = {("delete", "create"), ("create", "delete"), ("delete",)}


def body_view(action: Action, body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The reviewer's view of ``action`` that only the raw request ``body`` tells (a plan's
    diff and dependents), or ``None``. An understood ``{action}`` carries no plan: a document
    sent beside it is not what was understood, and is not shown."""
    if action.kind is not ActionKind.TERRAFORM or "action" in body:
        return None
    payload = body.get("payload") or {}
    document = payload.get("document") if isinstance(payload, dict) else None
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except (ValueError, RecursionError):
            return None
    return terraform_details(document) if isinstance(document, dict) else None


# The key of the action's subject that binds what reviewers are shown.
VIEW_KEY = "shown"


def bound_to_view(
    action: Action, view: Mapping[str, Any], *, redactor: Redactor
) -> tuple[Action, dict[str, Any]]:
    """``action`` bound to ``view``, and the view as it is kept and shown (its secrets
    redacted, as the gate redacts the action): the hash of the shown view joins the action's
    subject, so the digest -- what approvals and grants bind -- covers what reviewers saw."""
    shown = redactor.json(dict(view), [])
    digest = "sha256:" + hashlib.sha256(canonical_json(shown)).hexdigest()
    subject = dict(action.subject) if isinstance(action.subject, Mapping) else {}
    subject[VIEW_KEY] = digest
    return replace(action, subject=subject), shown


def details_of(action: Action, body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The reviewer's extra view of ``action``: a shell action's parsed commands, from its
    subject (bound by the digest); a plan's view from the raw request ``body``
    (:func:`body_view`, bound by :func:`bound_to_view`)."""
    if action.kind is ActionKind.TERRAFORM:
        return body_view(action, body)
    if action.kind is ActionKind.SHELL and isinstance(action.subject, dict):
        commands = action.subject.get("commands")
        cwd = action.subject.get("cwd")
        return {
            "cwd": cwd if isinstance(cwd, str) else None,
            "commands": [_command_line(c) for c in commands or () if isinstance(c, dict)],
        }
    return None


def _command_line(entry: Mapping[str, Any]) -> dict[str, Any]:
    argv = entry.get("argv") or []
    return {
        "argv": [str(a) for a in argv],
        "assignments": entry.get("assignments") or {},
        "wrappers": entry.get("wrappers") or [],
        "redirects": entry.get("redirects") or [],
        "problem": entry.get("problem"),
    }


def terraform_details(plan: Mapping[str, Any]) -> dict[str, Any]:
    """Per changed resource: address, actions, changed attributes, and dependents."""
    graph = _dependency_graph(plan)
    rows = []
    for rc in plan.get("resource_changes") or []:
        if not isinstance(rc, dict):
            continue
        change = rc.get("change") or {}
        actions = tuple(change.get("actions") or ())
        if actions in (("no-op",), ("read",)):
            continue
        address = str(rc.get("address", "?"))
        dependents = None
        if graph is not None and actions in _REPLACING:
            dependents = len(_dependents(graph, _config_address(rc)))
        changes = _changed_attributes(change)
        rows.append(
            {
                "address": address,
                "actions": list(actions),
                "changes": changes[:MAX_SHOWN_ATTRIBUTES],
                "more_changes": max(0, len(changes) - MAX_SHOWN_ATTRIBUTES),
                "dependents": dependents,
            }
        )
    return {"terraform": rows, "dependencies_known": graph is not None}


def _changed_attributes(change: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The attributes a change sets or alters, before and after. A value the plan marks
    sensitive (``before_sensitive``/``after_sensitive``: a database password, a key) is shown
    as ``(sensitive)``: the plan's JSON carries it in clear, a reviewer's page must not."""
    before, after = change.get("before"), change.get("after")
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    keys = sorted(set(b) | set(a))
    out = [
        {
            "attribute": k,
            "before": _shown(b.get(k), change.get("before_sensitive"), k),
            "after": _shown(a.get(k), change.get("after_sensitive"), k),
        }
        for k in keys
        if b.get(k) != a.get(k) or before is None or after is None
    ]
    return out


def _shown(value: Any, marks: Any, key: str) -> str:
    if value is not None and _marked(marks if marks is True else _member(marks, key)):
        return SENSITIVE
    return _short(value)


def _member(marks: Any, key: str) -> Any:
    return marks.get(key) if isinstance(marks, dict) else None


def _marked(marks: Any) -> bool:
    """Whether a sensitivity mark (``true``, or a structure holding one) marks anything."""
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(_marked(v) for v in marks.values())
    if isinstance(marks, list):
        return any(_marked(v) for v in marks)
    return False


def _short(value: Any) -> str:
    if value is None:
        return "-"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return shorten(text, MAX_VALUE_CHARS)


def _config_address(rc: Mapping[str, Any]) -> str:
    """``module.x.aws_vpc.main[0]`` -> ``module.x.aws_vpc.main``: the configuration's name."""
    address = str(rc.get("address", ""))
    return address.split("[", 1)[0]


def _dependency_graph(plan: Mapping[str, Any]) -> dict[str, set[str]] | None:
    """``address -> addresses it depends on`` from the plan's ``configuration`` (``None``
    when the plan carries no configuration: then the count is unknown)."""
    config = plan.get("configuration")
    if not isinstance(config, dict) or not isinstance(config.get("root_module"), dict):
        return None
    graph: dict[str, set[str]] = {}
    for resource in _config_resources(config["root_module"], prefix=""):
        address, refs = resource
        graph.setdefault(address, set()).update(refs)
    return graph


def _config_resources(module: Mapping[str, Any], *, prefix: str) -> Iterable[tuple[str, set[str]]]:
    for res in module.get("resources") or []:
        if not isinstance(res, dict) or "address" not in res:
            continue
        refs = {prefix + str(d) for d in res.get("depends_on") or []}
        refs.update(prefix + r for r in _references(res.get("expressions")))
        yield prefix + str(res["address"]), refs
    for name, call in (module.get("module_calls") or {}).items():
        if isinstance(call, dict) and isinstance(call.get("module"), dict):
            yield from _config_resources(call["module"], prefix=f"{prefix}module.{name}.")


def _references(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "references" and isinstance(item, list):
                found.update(_resource_part(r) for r in item if isinstance(r, str))
            else:
                found |= _references(item)
    elif isinstance(value, list):
        for item in value:
            found |= _references(item)
    return {r for r in found if r}


def _resource_part(ref: str) -> str:
    """``aws_vpc.main.id`` -> ``aws_vpc.main`` (references list both; keep resource names)."""
    parts = ref.split(".")
    if parts[0] in ("var", "local", "each", "count", "path", "terraform", "self"):
        return ""
    if parts[0] == "data" and len(parts) >= 3:
        return ".".join(parts[:3])
    return ".".join(parts[:2]) if len(parts) >= 2 else ""


def _dependents(graph: Mapping[str, set[str]], address: str) -> set[str]:
    """Every resource that depends on ``address``, directly or through others."""
    found: set[str] = set()
    frontier = [address]
    while frontier:
        current = frontier.pop()
        for other, deps in graph.items():
            if current in deps and other not in found and other != address:
                found.add(other)
                frontier.append(other)
    return found


# -- storage ----------------------------------------------------------------------------------


def save_details(store: Store, *, digest: str, details: Mapping[str, Any]) -> None:
    """Keep ``details`` for ``digest`` (the first write wins: equal digest, equal view)."""
    store.keep_details(digest=digest, text=json.dumps(details, sort_keys=True))


def load_details(store: Store, *, digest: str) -> dict[str, Any] | None:
    """The details kept for ``digest``, or ``None``."""
    text = store.details(digest)
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None
