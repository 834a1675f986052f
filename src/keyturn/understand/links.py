"""Paths through symbolic links on disk, judged where they land too.

The kernel opens a path through the links on it: ``echo {} > notes.txt`` writes
``.claude/settings.json`` when ``notes.txt`` links there, and ``rm cl/settings.json`` deletes
it when ``cl`` links to ``.claude``. A checked-out repository, an extracted archive or another
tool can leave such a link where the agent writes, and an effect names the path as written,
which no protection and no self-protection matched. Each ``file:`` name of an effect is
therefore also named where the links on it lead on disk now (:meth:`FileReader.links_followed`):
the whole path followed (a write, a read, a delete through ``link/``), and the path with only
its directory followed (a delete or a move of the link itself). Names are only added: a change
of the link itself is judged as one of its target as well, the stricter reading. A link the line
itself makes (``ln -s /srv/prod cur && rm -rf cur/``) is followed the same way, laid over the
disk's (:class:`LineLinks`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from keyturn.model import Action, Effect, Resource

_GLOB = re.compile(r"[*?\[]")
# Links followed on one path at most, as the kernel's ELOOP bound.
MAX_LINK_HOPS = 40


class LinkReader(Protocol):
    """What following links needs of a :class:`keyturn.understand.FileReader`."""

    def links_followed(self, path: str) -> str | None: ...


def follow_links(path: str, links: Mapping[str, str]) -> str | None:
    """``path`` with the links ``links`` (``{absolute link: target}``, a relative target from
    the link's directory) followed on it, as the kernel would; ``None`` when none is on it or
    they loop."""
    if not links or not path.startswith("/"):
        return None
    parts, done, hops = path.strip("/").split("/"), "", 0
    while parts:
        part = parts.pop(0)
        done = posixpath.normpath(f"{done}/{part}") if part else done
        target = links.get(done)
        if target is not None:
            hops += 1
            if hops > MAX_LINK_HOPS:
                return None
            landed = posixpath.normpath(posixpath.join(posixpath.dirname(done), target))
            parts, done = [*landed.strip("/").split("/"), *parts], ""
    landed = done or "/"
    return None if landed == posixpath.normpath(path) else landed


class LineLinks:
    """``files`` with the symbolic links a line makes laid over those on disk."""

    def __init__(self, files: LinkReader, made: Mapping[str, str]) -> None:
        self._files, self._made = files, made

    def links_followed(self, path: str) -> str | None:
        made = follow_links(path, self._made)
        return self._files.links_followed(made or path) or made


def with_link_targets(
    effects: Iterable[Effect], files: LinkReader, *, made: Mapping[str, str] | None = None
) -> list[Effect]:
    """``effects``, each file named also where the links on its paths lead: on disk, and the
    symbolic links ``made`` by the line (``{link: target}``) -- except in the effects of ``ln``
    itself, which makes them: making a link changes neither it nor what it points at."""
    line = LineLinks(files, made) if made else files
    found: list[Effect] = []
    for effect in effects:
        names = effect.resource.names
        reader = files if made and effect.operation == "ln" else line
        extra = [n for name in names if name.startswith("file:/") for n in _followed(name, reader)]
        found.append(_also_named(effect, extra))
    return found


def _also_named(effect: Effect, extra: Iterable[str]) -> Effect:
    """``effect`` named ``extra`` as well (the same effect when that adds no name)."""
    names = effect.resource.names
    fresh = tuple(n for n in dict.fromkeys(extra) if n not in names)
    if not fresh:
        return effect
    return replace(effect, resource=Resource((*names, *fresh), type=effect.resource.type))


def _with_effects(action: Action, effects: list[Effect]) -> Action:
    """``action`` with ``effects`` (the same action when none of them changed)."""
    if all(a is b for a, b in zip(effects, action.effects, strict=True)):
        return action
    return replace(action, effects=tuple(effects))


def action_with_link_targets(action: Action, files: LinkReader) -> Action:
    """``action`` with :func:`with_link_targets` applied to its effects."""
    return _with_effects(action, with_link_targets(action.effects, files))


def _followed(name: str, files: LinkReader) -> Sequence[str]:
    path = name[len("file:") :]
    glob = _GLOB.search(path)
    if glob is not None:  # ``cl/*``: the part before the first pattern is followed
        cut = path.rfind("/", 0, glob.start())
        head, rest = path[:cut] or "/", path[cut:]
        landed = files.links_followed(head)
        return ["file:" + landed.rstrip("/") + rest] if landed else []
    names = []
    whole = files.links_followed(path)
    if whole:
        names.append("file:" + whole)
    folder, _, leaf = path.rpartition("/")
    if folder and leaf:
        parent = files.links_followed(folder)
        if parent:
            names.append(f"file:{parent.rstrip('/')}/{leaf}")
    return names


def climbed_on_disk(path: str, files: LinkReader) -> str | None:
    """``path`` (absolute, as written: not normalised) with each ``..`` taken from the folder
    the disk has before it, the links on that prefix followed, as the kernel does (``lnk ->
    /srv/prod/sub``: ``lnk/../db`` is ``/srv/prod/db``); ``None`` when no link changes where
    it lands."""
    current = ""
    moved = False
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part != "..":
            current += "/" + part
            continue
        real = files.links_followed(current or "/")
        moved = moved or real is not None
        current = posixpath.dirname(real if real is not None else current or "/").rstrip("/")
    return posixpath.normpath(current or "/") if moved else None


def action_with_climbs(
    action: Action, written: Iterable[str], *, cwd: str, home: str, files: LinkReader
) -> Action:
    """``action`` with :func:`with_climbs` applied to its effects."""
    return _with_effects(
        action, with_climbs(action.effects, written, cwd=cwd, home=home, files=files)
    )


def with_climbs(
    effects: Iterable[Effect], written: Iterable[str], *, cwd: str, home: str, files: LinkReader
) -> list[Effect]:
    """``effects`` (of an agent's file tool or an MCP call) with each path in ``written`` (as
    the agent sent it) that climbs with ``..`` after a link on disk also named where the
    kernel takes it (:func:`climbed_on_disk`)."""
    from keyturn.understand.paths import agent_path, is_windows_path

    landed: dict[str, str] = {}
    for raw in written:
        if ".." not in raw or is_windows_path(raw) or is_windows_path(cwd):
            continue
        full = home.rstrip("/") + raw[1:] if raw == "~" or raw.startswith("~/") else raw
        full = full if full.startswith("/") else f"{cwd.rstrip('/')}/{full}"
        climbed = climbed_on_disk(full, files)
        if climbed is not None:
            landed["file:" + agent_path(raw, cwd=cwd, home=home)] = "file:" + climbed
    return [_also_named(e, (landed[n] for n in e.resource.names if n in landed)) for e in effects]
