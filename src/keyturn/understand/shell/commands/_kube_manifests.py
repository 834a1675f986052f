"""The objects a ``kubectl -f`` manifest names: (kind, name, namespace) read through the
shell's file reader; ``None`` whenever they cannot all be known (URL, directory, kustomization,
unreadable or malformed YAML, an object without a name, a file an earlier command on the line
changed in a way not known), so the caller says unknown."""

from __future__ import annotations

from typing import Any

import yaml

from keyturn.understand.k8s_kinds import normalize_kind
from keyturn.understand.shell.commands._kube_call import KubeCall
from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.paths import normalize_path
from keyturn.yaml_limits import load_all


def manifest_objects(call: KubeCall) -> list[tuple[str, str, str | None]] | None:
    """(kind, name, namespace) of each object in the ``-f`` manifests, or ``None``."""
    docs = manifest_documents(call)
    if docs is None:
        return None
    objects: list[tuple[str, str, str | None]] = []
    for doc in docs:
        if not _collect(doc, objects):
            return None
    return objects


def manifest_documents(call: KubeCall) -> list[Any] | None:
    """The YAML documents of the ``-f`` manifests as loaded, or ``None`` when any of them
    cannot be read."""
    sources = call.args.flags.get("--filename")
    if not sources or call.args.value("--kustomize"):
        return None
    docs: list[Any] = []
    for source in sources:
        text = _read_manifest(call, source)
        if text is None:
            return None
        try:
            docs += load_all(text)
        except yaml.YAMLError:
            return None
    return docs


def _read_manifest(call: KubeCall, source: str) -> str | None:
    if source == "-":
        return None if call.cmd.stdin_dynamic else call.cmd.stdin_text
    if "://" in source:
        return None
    path = source.replace("~", call.ctx.home, 1) if source.startswith("~") else source
    path = path if path.startswith("/") else f"{call.ctx.cwd.rstrip('/')}/{path}"
    if call.ctx.files.is_dir(path):
        return None
    # What an earlier command on the line wrote there, when known; else the disk's text, or
    # None (not known) when the line changed the file in a way not known.
    return one_text_on_line(normalize_path(path, cwd=call.ctx.cwd), call.ctx)


def _collect(doc: Any, out: list[tuple[str, str, str | None]]) -> bool:
    if doc is None:
        return True
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
        return False
    if doc["kind"] == "List" or (doc["kind"].endswith("List") and "items" in doc):
        return all(_collect(item, out) for item in doc.get("items") or ())
    metadata = doc.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str):
        generate = metadata.get("generateName") if isinstance(metadata, dict) else None
        name = f"{generate}*" if isinstance(generate, str) else None
    if not name:
        return False
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    out.append(
        (normalize_kind(doc["kind"]), name, namespace if isinstance(namespace, str) else None)
    )
    return True
