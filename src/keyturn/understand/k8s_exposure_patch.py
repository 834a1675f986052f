"""What a patch of a cloud-controller object opens to the world (:mod:`.k8s_exposure`), read
from the patch alone: the object before it is not at hand, so what the patch writes is judged
by itself (a flag of a public access block set to ``false``, a public ACL, a policy letting
``*`` in...), and what it leaves out is left as it was.

A JSON patch (RFC 6902) is read as the merge patch it amounts to: ``add``/``replace`` write
their value at their path, ``remove`` (and the target of ``move``/``copy``, whose value is not
told) write ``null`` -- a public access block's flag taken away is off. A list item addressed
by its index is read as an item of the list.

The kind is read with its API group when the command spells it (``bucket.s3.services.k8s.aws``,
``TYPE.VERSION.GROUP``); a short name (``bucket``) is resolved by the cluster's discovery, so
the patch is read as a patch of every kind of that name that may open a store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from keyturn.understand.k8s_exposure import Exposure, kinds_named, patch_exposure
from keyturn.understand.k8s_kinds import normalize_kind

__all__ = ["patched_exposure"]

_VERSION = re.compile(r"v\d+(?:(?:alpha|beta)\d*)?")


def patched_exposure(
    body: Any, *, json_patch: bool, targets: Iterable[tuple[str, str]]
) -> Exposure | None:
    """How ``body`` (a merge patch, or a JSON patch's operations when ``json_patch``) opens the
    stores of the (type as written, name) ``targets``; None when it opens none."""
    merge = _as_merge(body) if json_patch else body
    found = [
        exposure
        for type_word, name in targets
        for group, kind in _kinds(type_word)
        if (exposure := patch_exposure(merge, group=group, kind=kind, name=name)) is not None
    ]
    if not found:
        return None
    whys = tuple(dict.fromkeys(w for e in found for w in e.whys))
    stores = tuple(dict.fromkeys(s for e in found for s in e.stores))
    return Exposure(whys, stores)


def _kinds(type_word: str) -> list[tuple[str, str]]:
    """(API group, kind) of ``TYPE[.VERSION][.GROUP]``: the one spelled, else every kind of
    the name that may open a store."""
    kind_word, _, group = type_word.partition(".")
    head, _, rest = group.partition(".")
    group = rest if _VERSION.fullmatch(head) and rest else group
    kind = normalize_kind(kind_word)
    return [(group, kind)] if group else kinds_named(kind)


def _as_merge(ops: Any) -> Any:
    """The merge patch a JSON patch's operations amount to, for reading what they write."""
    if not isinstance(ops, list):
        return None
    body: dict[str, Any] = {}
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("path"), str):
            continue
        name = op.get("op")
        if name not in ("add", "replace", "remove", "move", "copy"):
            continue
        keys = [k.replace("~1", "/").replace("~0", "~") for k in op["path"].split("/")[1:]]
        if not keys:
            continue
        node = body
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[keys[-1]] = op.get("value") if name in ("add", "replace") else None
    return _lists(body)


def _lists(value: Any) -> Any:
    """Objects keyed by list indexes (``0``, ``-``: the end) read as the lists they write."""
    if not isinstance(value, dict):
        return value
    items = {k: _lists(v) for k, v in value.items()}
    if items and all(k.isdigit() or k == "-" for k in items):
        return list(items.values())
    return items
