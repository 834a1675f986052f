"""The kubeconfig files kubectl and helm read, read as they read them.

kubectl reads each file as YAML (JSON is YAML): only the first document of a file with several,
the last of two equal keys. It fails outright on a file it cannot load -- a syntax error, a
value of the wrong type (``current-context: yes``), two contexts of the same name -- so such a
file leaves the context and namespace not told, never the next file's. Of a ``KUBECONFIG``
list the first file that sets ``current-context`` decides it, and the first that defines a
context its namespace; a missing file is skipped. A file an earlier command on the line
changed in a way not known (:func:`~keyturn.understand.shell.line_writes.one_text_on_line`) is
one that cannot be loaded.
"""

from __future__ import annotations

from typing import Any

import yaml

from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext
from keyturn.yaml_limits import load_all

_LIMIT = 1_000_000


class NotTold(Exception):
    """What the kubeconfig says cannot be told (a file that cannot be loaded, or not known)."""


class Kubeconfig:
    """The kubeconfig files a call reads (the one ``--kubeconfig`` names, else the list
    ``KUBECONFIG`` gives, else ``~/.kube/config`` under ``home``; ``home`` None: not told), each
    loaded once, when first asked."""

    def __init__(self, paths: list[str] | None, ctx: ShellContext, *, home: str | None) -> None:
        paths = [p for p in paths or () if p]
        if not paths and home is not None:
            paths = [f"{home.rstrip('/')}/.kube/config" if home else ".kube/config"]
        self._paths = paths
        self._told = bool(paths)
        self._ctx = ctx
        self._documents: list[dict[str, Any]] | None = None

    def _loaded(self) -> list[dict[str, Any]]:
        if not self._told:
            raise NotTold
        if self._documents is None:
            documents = []
            for path in self._paths:
                document = _load(normalize_path(path, cwd=self._ctx.cwd), self._ctx)
                if document is None:
                    self._told = False
                    raise NotTold
                documents.append(document)
            self._documents = documents
        return self._documents

    def check(self) -> None:
        """Raise :class:`NotTold` unless the files can be read as kubectl reads them (a
        missing one is read as empty, as kubectl skips it)."""
        self._loaded()

    def current_context(self) -> str | None:
        """The current context (the first file that sets one), or None: none set, or not told."""
        try:
            documents = self._loaded()
        except NotTold:
            return None
        for document in documents:
            context = document.get("current-context")
            if context:
                return str(context)
        return None

    def namespace_of(self, context: str) -> str | None:
        """The namespace the kubeconfig sets for ``context`` (the first file that defines the
        context), or None: it sets none. Raises :class:`NotTold`."""
        for document in self._loaded():
            for entry in document.get("contexts") or ():
                if entry.get("name") == context:
                    namespace = (entry.get("context") or {}).get("namespace")
                    return str(namespace) if namespace else None
        return None


def kubeconfig_paths(explicit: str | None, listed: str | None) -> list[str]:
    """The kubeconfig files named: ``--kubeconfig``'s value is one path, colons and all (as
    client-go's explicit path); only the ``KUBECONFIG`` variable is a list."""
    if explicit:
        return [explicit]
    return [p for p in listed.split(":") if p] if listed else []


def _load(path: str, ctx: ShellContext) -> dict[str, Any] | None:
    """The settings of the file ``path`` as kubectl loads them (``{}`` when missing or empty),
    or None when kubectl would fail on them or their text is not known."""
    text = one_text_on_line(path, ctx, limit=_LIMIT)
    if text is None:
        wrote, _ = written_text(ctx.written, path) if ctx.written else (False, None)
        return None if wrote else {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # The first document only, as kubectl reads it; a later one is never parsed.
        document = next(load_all(text, loader), None)
    except (yaml.YAMLError, RecursionError):
        return None
    if document is None:
        return {}
    return document if _well_formed(document) else None


def _well_formed(document: object) -> bool:
    """Whether kubectl loads ``document``: the fields read here of the types it requires, and
    no context named twice."""
    if not isinstance(document, dict) or not _text_or_none(document.get("current-context")):
        return False
    contexts = document.get("contexts")
    if contexts is None:
        return True
    if not isinstance(contexts, list):
        return False
    names = []
    for entry in contexts:
        if not isinstance(entry, dict) or not _text_or_none(entry.get("name")):
            return False
        body = entry.get("context")
        if body is not None and not isinstance(body, dict):
            return False
        if not _text_or_none((body or {}).get("namespace")):
            return False
        names.append(entry.get("name"))
    return len(names) == len(set(names))


def _text_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)
