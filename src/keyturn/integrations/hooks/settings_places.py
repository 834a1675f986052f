"""A directory put in place whole where the agent reads its hook settings.

The agents read their settings from the project (``<cwd>/.claude/settings.local.json``,
``<cwd>/.codex/``...) and from the home directory. A tool call that creates or replaces the
project directory, the home directory or a folder above either -- a directory moved or linked
there after the old one was moved away -- puts new settings at those paths without writing them
by name. Such an effect is named also by the settings directories it brings, so that
self-protection judges it as the write of the settings it is (:mod:`keyturn.policy.selfprotect`).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from keyturn.model import Action, Effect, EffectKind, Resource

# Where each agent keeps its settings, under the project and under the home directory.
_SETTINGS_DIRS = (".claude", ".codex", ".gemini", ".cursor", ".kiro")
# What puts a directory in place whole (``mv``, ``ln -s``, ``move_file``): ``mkdir`` of a folder
# that is there already is a create too, and is refused with it (rare, and safe).
_PLACES = frozenset({EffectKind.CREATE, EffectKind.REPLACE})


def with_settings_places(action: Action, *, cwd: str, home: str) -> Action:
    """``action`` with each create or replace of ``cwd``, ``home`` or a folder above either
    named also by the agents' settings directories under ``cwd`` and ``home`` it holds."""
    bases = [b for b in (cwd, home) if b.startswith("/")]
    if not bases:  # a Windows project: its paths are spelled otherwise (nothing to compare)
        return action
    effects = [_with_settings(e, bases) for e in action.effects]
    if all(new is old for new, old in zip(effects, action.effects, strict=True)):
        return action
    return replace(action, effects=tuple(effects))


def _with_settings(effect: Effect, bases: list[str]) -> Effect:
    if effect.effect not in _PLACES:
        return effect
    added: list[str] = []
    for name in effect.resource.names:
        if not name.startswith("file:") or not name[5:].startswith("/"):
            continue
        placed = posixpath.normpath(name[5:])
        for base in bases:
            if _holds(placed, posixpath.normpath(base)):
                added += [f"file:{base.rstrip('/')}/{d}" for d in _SETTINGS_DIRS]
    extra = [n for n in dict.fromkeys(added) if n not in effect.resource.names]
    if not extra:
        return effect
    resource = Resource((*effect.resource.names, *extra), type=effect.resource.type)
    detail = "; ".join(
        x for x in (effect.detail, "puts in place the directory the agent reads settings from") if x
    )
    return replace(effect, resource=resource, detail=detail)


def _holds(folder: str, path: str) -> bool:
    """Whether ``folder`` is ``path`` or a folder above it (``/`` excepted: never created)."""
    return folder != "/" and (path == folder or path.startswith(folder + "/"))
