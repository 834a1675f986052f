"""What a ``kubectl patch``, ``annotate``, ``edit`` or applied manifest takes off an object: a
retention switch (:func:`keyturn.understand.k8s_retention.switches`: a reclaim policy off
``Retain``, ``helm.sh/resource-policy: keep`` or Argo CD's ``Prune=false`` removed...) or its
finalizers.

An admission review shows the object before and after; a command line shows only the write, so
the write is read for what it can take off, whatever was there before (fail closed):

- ``patch --type json`` (RFC 6902): a ``remove`` (or ``move`` from) at or above a switch, or an
  ``add``/``replace`` putting a value that is not safe there (or above it, without it);
- ``--type merge`` (RFC 7386) and the default ``strategic``: a switch given a value that is
  not safe, ``null`` (deleted) at or above it, and strategic merge's ``$patch: replace|delete``
  and ``$retainKeys`` that drop it by leaving it out;
- ``annotate``/``label`` ``KEY-`` (deleted) and ``KEY=VALUE`` (a namespace's Pod Security
  ``enforce`` label is a switch too);
- a manifest (``apply``, ``replace``): a switch it gives a value that is not safe;
- ``replace`` (and an API ``PUT``) writes the whole object: a switch it leaves out is taken off
  too (:func:`keyturn.understand.k8s_retention.left_out`) -- kubectl sends the file as the
  ``PUT`` body, seen with kubectl 1.32 against a recording server. ``apply`` does not: it takes
  off only what its own earlier apply set (the last-applied configuration, or the fields its
  manager owns), which a guard added by ``annotate``, helm or a controller is not, so what it
  leaves out is not read as dropped.

A write that opens a cloud-controller object's store to the world (a public access block off, a
public ACL, ``allUsers``...: :mod:`keyturn.understand.k8s_exposure`) removes the protection of
the object and of the store, which is named too: a manifest's objects, and a patch of a kind it
names (:mod:`keyturn.understand.k8s_exposure_patch`). A create counts as well.

Finalizers (``metadata.finalizers``, a namespace's ``spec.finalizers``) removed, or replaced by
a list that may lack some, let an object being deleted go there and then (the "unstick a
Terminating namespace" recipe): whether it is being deleted is not told here, so the write is
judged as the delete it may complete (as :mod:`keyturn.understand.kubernetes` judges it when
it is). A strategic merge of a list of finalizers only adds (their ``patchStrategy`` is
``merge``). A patch or edit whose text is not at hand may do either; so may one whose YAML is
refused for its aliases or nesting (:mod:`keyturn.yaml_limits`), which kubectl may still send.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import yaml

from keyturn.model import Effect, EffectKind
from keyturn.understand.k8s_exposure import Exposure, object_exposure
from keyturn.understand.k8s_exposure_patch import patched_exposure
from keyturn.understand.k8s_kinds import normalize_kind, object_names
from keyturn.understand.k8s_retention import left_out, switches
from keyturn.understand.shell.commands._kube_call import KubeCall, typed_targets
from keyturn.understand.shell.commands._kube_manifests import manifest_documents
from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.paths import normalize_path
from keyturn.yaml_limits import RefusedYaml, load

_FINALIZERS = (("metadata", "finalizers"), ("spec", "finalizers"))
_WRITES = (EffectKind.UPDATE, EffectKind.REPLACE)
_UNSET = object()  # a value taken away, or not known


@dataclass(frozen=True, slots=True)
class Unprotects:
    """What a write takes off: the switches (for people), whether finalizers, and why it is
    not known (the text of the write not at hand)."""

    dropped: tuple[str, ...] = ()
    finalizers: bool = False
    not_known: str | None = None
    left_out: tuple[str, ...] = ()  # switches a whole-object write takes off by leaving out
    exposed: Exposure | None = None  # a store the write opens to the world

    @property
    def any(self) -> bool:
        return self.guards or self.exposed is not None

    @property
    def guards(self) -> bool:
        """Whether the write takes a retention switch or finalizers off (or may)."""
        return bool(self.dropped or self.finalizers or self.not_known or self.left_out)

    def detail(self) -> str:
        parts = [f"takes off {', '.join(self.dropped)}"] if self.dropped else []
        if self.left_out:
            gone = ", ".join(self.left_out)
            parts.append(f"writes the whole object: takes off what it leaves out ({gone})")
        if self.finalizers:
            parts.append("removes finalizers: forces a pending deletion through")
        if self.not_known:
            parts.append(f"{self.not_known}: may take off its protection or finalizers")
        return "; ".join(parts)


def marked(effects: list[Effect], found: Unprotects) -> list[Effect]:
    """``effects`` (a write's updates) marked with what ``found`` says it takes off: removing
    protection, and finalizers' removal a delete."""
    if not found.any:
        return effects
    out, stores = [], []
    for effect in effects:
        if found.guards and effect.effect in (EffectKind.UPDATE, EffectKind.REPLACE):
            # A replace (``replace --force``: deleted, recreated) stays one: the new object
            # comes back without what it took off.
            finalized = found.finalizers and effect.effect is EffectKind.UPDATE
            kind = EffectKind.DELETE if finalized else effect.effect
            detail = "; ".join(p for p in (effect.detail, found.detail()) if p)
            effect = replace(effect, effect=kind, removes_protection=True, detail=detail)
        if found.exposed and effect.effect in (EffectKind.CREATE, *_WRITES):
            effect = found.exposed.marked(effect)
            stores += found.exposed.store_effects(effect)
        out.append(effect)
    return out + stores


def manifest_marked(call: KubeCall, effects: list[Effect]) -> list[Effect]:
    """``effects`` of ``apply``/``replace -f`` with each object marked with what its manifest
    takes off (:func:`manifest_unprotects`; ``replace`` writes whole objects)."""
    docs = manifest_documents(call) or []
    found: dict[str, Unprotects] = {}
    for doc in _objects(docs):
        unprotects = manifest_unprotects(doc, whole=call.verb == "replace")
        metadata = doc.get("metadata") or {}
        if unprotects.any and isinstance(metadata, dict) and isinstance(doc.get("kind"), str):
            namespace = metadata.get("namespace") or call.namespace
            kind = normalize_kind(doc["kind"])
            for name in object_names(kind, str(metadata.get("name")), str(namespace)):
                found[name] = unprotects
    if not found:
        return effects
    out = []
    for effect in effects:
        hit = next((found[n] for n in effect.resource.names if n in found), None)
        out += marked([effect], hit) if hit else [effect]
    return out


def _objects(docs: Iterable[Any]) -> Iterable[dict[str, Any]]:
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("items"), list):
            yield from _objects(doc["items"])
        elif isinstance(doc, dict):
            yield doc


def write_unprotects(call: KubeCall) -> Unprotects:
    """What the call's write (``patch``, ``edit``, ``annotate``) takes off; nothing for other
    verbs."""
    if call.verb in ("patch", "edit"):
        return patch_unprotects(call)
    if call.verb in ("annotate", "label"):
        return annotate_unprotects(call)
    return Unprotects()


def patch_unprotects(call: KubeCall) -> Unprotects:
    """What ``kubectl patch`` (``-p``/``--patch-file``) or ``kubectl edit`` takes off."""
    if call.verb == "edit":
        return Unprotects(not_known="edit: the new object is written in an editor")
    text = _patch_text(call)
    if text is None:
        return Unprotects(not_known="patch: its text is not known here")
    try:
        body = load(text)
    except RefusedYaml as why:
        return Unprotects(not_known=f"patch: its text is not read here ({why})")
    except yaml.YAMLError:
        return Unprotects()  # kubectl refuses it
    kind = (call.args.value("--type") or "strategic").lower()
    targets = typed_targets(call, call.args.words[1:])
    exposed = patched_exposure(body, json_patch=kind == "json", targets=targets)
    if kind == "json":
        found = _json_patch(body) if isinstance(body, list) else Unprotects()
    else:
        found = _merge(body, strategic=kind != "merge", manifest=False)
    return replace(found, exposed=exposed)


def annotate_unprotects(call: KubeCall) -> Unprotects:
    """What ``kubectl annotate|label … KEY-`` or ``KEY=VALUE`` takes off (both send a merge
    patch of ``metadata.annotations|labels``, ``null`` for ``KEY-``: seen with kubectl 1.32)."""
    written: dict[str, Any] = {}
    for word in call.args.words[1:]:
        key, eq, value = word.partition("=")
        if eq and key:
            written[key] = value
        elif word.endswith("-") and len(word) > 1:
            written[word[:-1]] = None
    if not written:
        return Unprotects()
    field = "labels" if call.verb == "label" else "annotations"
    return _merge({"metadata": {field: written}}, strategic=False, manifest=False)


def manifest_unprotects(doc: Any, *, whole: bool = False) -> Unprotects:
    """What one object of an applied or replacing manifest takes off; ``whole`` (``replace``,
    ``PUT``): what it leaves out too."""
    found = replace(_merge(doc, strategic=False, manifest=True), exposed=_opens(doc))
    if not whole or not isinstance(doc, dict):
        return found
    gone = tuple(
        label
        for label in left_out(doc)
        if not any(d.startswith(f"{label} (") for d in found.dropped)  # null: said already
    )
    return replace(found, left_out=gone)


def _opens(doc: Any) -> Exposure | None:
    """How the manifest's object opens its store, judged by itself (what the live object had
    is not at hand)."""
    api, kind = (doc.get(k) if isinstance(doc, dict) else None for k in ("apiVersion", "kind"))
    if not isinstance(api, str) or not isinstance(kind, str):
        return None
    return object_exposure(doc, old=None, group=api.rpartition("/")[0], kind=kind.lower())


def request_unprotects(method: str, body: str | None, content_type: str) -> Unprotects:
    """What an API request's body takes off: a PATCH by its content type (``json-patch``,
    ``merge-patch``, ``strategic-merge-patch``, ``apply-patch`` a manifest), a PUT as a
    manifest; a body not at hand may do anything."""
    if method not in ("PATCH", "PUT"):
        return Unprotects()
    if body is None:
        return Unprotects(not_known=f"{method}: its body is not known here")
    try:
        parsed = load(body)
    except RefusedYaml as why:
        return Unprotects(not_known=f"{method}: its body is not read here ({why})")
    except yaml.YAMLError:
        return Unprotects()
    kind = content_type.lower()
    if method == "PUT" or "apply-patch" in kind:
        return manifest_unprotects(parsed, whole=method == "PUT")
    if "json-patch" in kind:
        return _json_patch(parsed) if isinstance(parsed, list) else Unprotects()
    return _merge(parsed, strategic="strategic" in kind, manifest=False)


def _patch_text(call: KubeCall) -> str | None:
    """The patch's text: ``-p`` as written, ``--patch-file`` from the file; None when either
    is decided at run time or cannot be read."""
    cmd = call.cmd
    given = call.args.value("--patch")
    path = call.args.value("--patch-file")
    for value in (given, path):
        if value is not None and any(value in cmd.argv[i] for i in cmd.dynamic_words if value):
            return None
    if given is not None:
        return given
    if path is None:
        return None
    full = path.replace("~", call.ctx.home, 1) if path.startswith("~") else path
    return one_text_on_line(normalize_path(full, cwd=call.ctx.cwd), call.ctx)


def _switches() -> Iterable[tuple[tuple[str, ...], str, Callable[[Any], bool]]]:
    return switches()


def _merge(body: Any, *, strategic: bool, manifest: bool) -> Unprotects:
    """A merge or strategic merge patch (or a manifest) ``body``."""
    if not isinstance(body, dict):
        return Unprotects()
    dropped = []
    for path, label, safe in _switches():
        value = _walk(body, path, strategic=strategic)
        if value is not None and not safe(None if value is _UNSET else value):
            dropped.append(f"{label} ({'removed' if value is _UNSET else _shown(value)})")
    finalizers = False
    for path in _FINALIZERS:
        value = _walk(body, path, strategic=strategic)
        if value is _UNSET:
            finalizers = True
        elif isinstance(value, list):
            # A merge patch replaces the list; a manifest's empty list empties it.
            finalizers = finalizers or (not strategic and (not manifest or not value))
    return Unprotects(tuple(dict.fromkeys(dropped)), finalizers)


def _walk(body: dict[str, Any], path: tuple[str, ...], *, strategic: bool) -> Any:
    """The value ``body`` writes at ``path``: ``_UNSET`` when it deletes it (``null`` at or
    above it, strategic ``$patch``/``$retainKeys``/``$deleteFromPrimitiveList``), None when it
    leaves it alone."""
    node: Any = body
    for i, key in enumerate(path):
        if not isinstance(node, dict):
            return None
        if key in node:
            node = node[key]
            if node is None:
                return _UNSET
            continue
        if strategic:
            retain = node.get("$retainKeys")
            if node.get("$patch") in ("replace", "delete"):
                return _UNSET
            if isinstance(retain, list) and key not in retain:
                return _UNSET
            if i == len(path) - 1 and f"$deleteFromPrimitiveList/{key}" in node:
                return _UNSET
        return None
    return node


def _json_patch(ops: list[Any]) -> Unprotects:
    """A JSON patch: each operation's writes read against every switch and finalizer list."""
    dropped: list[str] = []
    finalizers = False
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("path"), str):
            continue
        name = op.get("op")
        path = _pointer(op["path"])
        removed = [path] if name == "remove" else []
        if name == "move" and isinstance(op.get("from"), str):
            removed.append(_pointer(op["from"]))
        written = op.get("value") if name in ("add", "replace") else _UNSET
        if name in ("add", "replace", "move", "copy"):
            dropped += _json_switches(path, written, removed)
            finalizers = finalizers or _json_finalizers(name, path, written, removed)
        elif name == "remove":
            dropped += _json_switches((), None, removed)
            finalizers = finalizers or _json_finalizers(name, path, None, removed)
    return Unprotects(tuple(dict.fromkeys(dropped)), finalizers)


def _json_switches(path: tuple[str, ...], value: Any, removed: list[tuple[str, ...]]) -> list[str]:
    found = []
    for target, label, safe in _switches():
        if any(_under(target, r) or _under(r, target) for r in removed):
            found.append(f"{label} (removed)")
        elif path and _under(target, path):
            at = _at(value, target[len(path) :])
            if at is _UNSET or not safe(at):
                shown = "not known" if at is _UNSET else "left out" if at is None else _shown(at)
                found.append(f"{label} ({shown})")
        elif path and _under(path, target):
            found.append(f"{label} (changed)")  # an item of a list switch: fail closed
    return found


def _json_finalizers(
    name: str, path: tuple[str, ...], value: Any, removed: list[tuple[str, ...]]
) -> bool:
    for target in _FINALIZERS:
        if any(_under(target, r) or _under(r, target) for r in removed):
            return True
        if path and _under(target, path) and name != "test":
            return True  # the whole list (or what holds it) written anew
        if path and _under(path, target) and len(path) > len(target) and name != "add":
            return True  # an item replaced
    return False


def _under(path: tuple[str, ...], top: tuple[str, ...]) -> bool:
    """Whether ``path`` is ``top`` or beneath it."""
    return path[: len(top)] == top


def _at(value: Any, rest: tuple[str, ...]) -> Any:
    for key in rest:
        if value is _UNSET or not isinstance(value, dict):
            return _UNSET if value is _UNSET else None
        value = value.get(key)
    return value


def _pointer(text: str) -> tuple[str, ...]:
    """A JSON pointer's keys (RFC 6901: ``~1`` is ``/``, ``~0`` is ``~``)."""
    parts = text.split("/")[1:] if text.startswith("/") else []
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in parts)


def _shown(value: Any) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, default=str)
    return shown if len(shown) <= 40 else shown[:37] + "..."
