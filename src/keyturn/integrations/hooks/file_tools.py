"""Agent file tools (write, edit, patch, delete, read) as ``file:`` effects.

Two things make a file write more than an ``update``:

- a Terraform file whose edit drops ``prevent_destroy = true`` from a resource block (as
  Terraform reads it: commented out counts as dropped) switches that resource's protection
  off: the effect carries ``removes_protection`` and names the resource's address too, so a
  ``protected`` pattern on the address matches. An edit whose old text is not found in the file
  exactly once (replaced everywhere: at least once) rewrites it in a way not known -- agents
  match loosely (Gemini CLI's ``replace`` trims lines, tries a regular expression, then asks a
  model to fix the edit) -- and so removes the protection of everything the file holds;
- a write to an agent's own hook settings (or keyturn's policy) could take keyturn out of the
  agent's path, so it is judged as removing a protection keyturn itself knows about
  (landscape §5.3 C1: agents editing their own settings to drop the hook).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target
from keyturn.understand import FileReader
from keyturn.understand._hcl_protection import (
    dropped_elsewhere,
    dropped_protection,
    protection_detail,
)
from keyturn.understand._mcp_files import file_text
from keyturn.understand.paths import agent_path

from .protocol import optional_text

# Paths (suffixes of the absolute path) whose content decides whether keyturn is consulted.
_GUARD_FILES = (
    "/.claude/settings.json",
    "/.claude/settings.local.json",
    "/.codex/hooks.json",
    "/.codex/config.toml",
    "/.gemini/settings.json",
    "/.cursor/hooks.json",
    "/keyturn.yaml",
)
_GUARD_DIRS = ("/.kiro/agents/", "/.kiro/hooks/", "/.kiro/settings/")
# The agents' system-wide (managed) settings: they can switch every other hook off.
_MANAGED_DIRS = (
    *("/etc/claude-code/", "/etc/gemini-cli/", "/etc/codex/", "/etc/cursor/"),
    *("/library/application support/claudecode/", "/programdata/claudecode/"),
)


def file_name(path: str, *, cwd: str, home: str) -> str:
    """``file:/absolute/path`` for ``path`` as an agent sent it (relative to ``cwd``, ``~``
    for ``home``): POSIX unless clearly Windows (a drive or a UNC prefix), Windows paths as
    ``file:C:/path`` with forward slashes -- the shell's and MCP's normaliser
    (:mod:`keyturn.understand.paths`)."""
    return "file:" + agent_path(path, cwd=cwd, home=home)


def _path_of(name: str) -> str:
    return name.removeprefix("file:")


def guards_keyturn(name: str) -> bool:
    """Whether writing this file can change whether keyturn is consulted (compared without
    case: macOS's and Windows' file systems do not tell ``.CLAUDE`` from ``.claude``)."""
    path = _path_of(name).lower()
    return path.endswith(_GUARD_FILES) or any(d in path for d in (*_GUARD_DIRS, *_MANAGED_DIRS))


def change_effects(
    tool: str,
    name: str,
    kind: EffectKind,
    before: str | None,
    after: str | None,
    *,
    target: Target,
    fragments: bool = False,
    elsewhere: frozenset[str] = frozenset(),
) -> list[Effect]:
    """The effect of turning ``before`` (None: no file there, or not readable) into ``after``
    (None: rewritten in a way not known) in file ``name``; ``fragments``: the two are an
    edit's own old and new texts, not whole files; ``elsewhere``: the addresses protected in
    other files whose protection the change takes away (:func:`dropped_elsewhere`)."""
    dropped = dropped_protection(name, before, after, fragments=fragments) | elsewhere
    names = (name, *sorted(a for a in dropped if a))
    if guards_keyturn(name):
        detail = f"{tool} {_path_of(name)}: changes whether keyturn is consulted"
        return [
            Effect(
                kind,
                Resource((name,), type="file"),
                target=target,
                service="file",
                operation=tool,
                removes_protection=True,
                protected_by="agent hook settings",
                detail=detail,
            )
        ]
    if dropped:
        what = protection_detail(dropped, known=after is not None)
        detail = f"{tool} {_path_of(name)}: {what}"
        return [
            Effect(
                kind,
                Resource(names, type="file"),
                target=target,
                service="file",
                operation=tool,
                removes_protection=True,
                detail=detail,
            )
        ]
    return [
        Effect(
            kind,
            Resource((name,), type="file"),
            target=target,
            service="file",
            operation=tool,
            detail=f"{tool} {_path_of(name)}",
        )
    ]


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _action(summary: str, effects: Iterable[Effect], subject: Any, *, target: Target) -> Action:
    # Built-in agent tools act on the local machine the way a shell command would.
    return Action(ActionKind.SHELL, summary, tuple(effects), target=target, subject=subject)


def write_action(
    tool: str, name: str, content: str, *, files: FileReader, target: Target
) -> Action:
    """A whole-file write: ``create`` when the file is absent, else ``update``."""
    path = _path_of(name)
    before = file_text(files, path)
    kind = EffectKind.UPDATE if files.exists(path) else EffectKind.CREATE
    elsewhere = frozenset(dropped_elsewhere(path, content, files))
    effects = change_effects(
        tool,
        name,
        kind,
        before if before is not None else "",
        content,
        target=target,
        elsewhere=elsewhere,
    )
    subject = {"tool": tool, "path": name, "content": _sha(content)}
    return _action(f"{tool} {path}", effects, subject, target=target)


def edit_action(
    tool: str, name: str, edits: Sequence[Mapping[str, Any]], *, files: FileReader, target: Target
) -> Action:
    """String replacements in one file (``edits``: ``{old, new, all}``, a missing text empty):
    an ``update``. Each old text must be found exactly once (with ``all``: at least once),
    else what the edit rewrites is not known (module docstring)."""
    path = _path_of(name)
    pairs = [
        Replacement(
            optional_text(e, "old", where=tool, at="edit"),
            optional_text(e, "new", where=tool, at="edit"),
            bool(e.get("all")),
            e.get("count"),
        )
        for e in edits
    ]
    before = file_text(files, path)
    if before is None:  # judge the fragments when the file cannot be read
        olds, news = "\n".join(r.old for r in pairs), "\n".join(r.new for r in pairs)
        elsewhere = frozenset(dropped_elsewhere(path, None, files))
        effects = change_effects(
            tool,
            name,
            EffectKind.UPDATE,
            olds,
            news,
            target=target,
            fragments=True,
            elsewhere=elsewhere,
        )
    else:
        after = edited(before, pairs)
        elsewhere = frozenset(dropped_elsewhere(path, after, files))
        effects = change_effects(
            tool, name, EffectKind.UPDATE, before, after, target=target, elsewhere=elsewhere
        )
    subject = {
        "tool": tool,
        "path": name,
        "edits": [
            [_sha(r.old), _sha(r.new), r.every, *([] if r.times is None else [r.times])]
            for r in pairs
        ],
    }
    return _action(f"{tool} {path}", effects, subject, target=target)


class Replacement(NamedTuple):
    """One string replacement of an edit tool: ``every`` occurrence or one; ``times``: how many
    the agent said there are (Gemini's ``expected_replacements``), when it said."""

    old: str
    new: str
    every: bool = False
    times: int | None = None


def edited(text: str, edits: Sequence[Replacement]) -> str | None:
    """``text`` after each replacement in turn; None when an old text is not found exactly once
    (``every``: not at all; with ``times``: not that many times): the agent then fails, or
    matches loosely somewhere -- Gemini has a model rewrite an edit whose count is off."""
    for old, new, every, times in edits:
        found = text.count(old)
        if found == 0 or (found > 1 and not every) or (times is not None and found != times):
            return None
        text = text.replace(old, new)
    return text


def delete_action(
    tool: str, name: str, *, target: Target, files: FileReader | None = None
) -> Action:
    """A file deletion: as ``rm`` of it, a Terraform file's deletion names what it protected
    (its text read through ``files``; Cursor's Delete tool sends only the path)."""
    if files is not None:
        current = file_text(files, _path_of(name))
        effects = change_effects(tool, name, EffectKind.DELETE, current, "", target=target)
        return _action(
            f"{tool} {_path_of(name)}", effects, {"tool": tool, "path": name}, target=target
        )
    effects = [
        Effect(
            EffectKind.DELETE,
            Resource((name,), type="file"),
            target=target,
            service="file",
            operation=tool,
            detail=f"{tool} {_path_of(name)}",
            removes_protection=guards_keyturn(name),
            protected_by="agent hook settings" if guards_keyturn(name) else None,
        )
    ]
    return _action(f"{tool} {_path_of(name)}", effects, {"tool": tool, "path": name}, target=target)


def read_action(tool: str, names: Sequence[str], *, target: Target) -> Action:
    """Reads of files or directories."""
    unique = list(dict.fromkeys(names))
    effects = [
        Effect(
            EffectKind.READ,
            Resource((n,), type="file"),
            target=target,
            service="file",
            operation=tool,
            detail=f"{tool} {_path_of(n)}",
        )
        for n in unique
    ]
    return _action(
        f"{tool} {' '.join(_path_of(n) for n in unique)}",
        effects,
        {"tool": tool, "paths": unique},
        target=target,
    )
