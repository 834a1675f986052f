"""Understanding: native payload -> :class:`keyturn.model.Action`. Pure translation, no I/O.

Each surface lives in its own module and registers itself by kind, the way a third-party
understander would (``register``). Anything an understander needs from the world (files beside a
command, the policy's MCP mappings) arrives as an argument: :class:`FileReader` for files.

Rules every understander follows:
- an input it cannot parse raises :class:`keyturn.errors.InputError` with a one-line reason
  naming where (``plan.json: resource_changes[3].change.actions: expected a list``);
- a part it parses but cannot interpret becomes an ``unknown`` effect with a reason, never
  nothing: a non-empty input never yields an empty effect list;
- equal meaning gives an equal Action (and so an equal digest).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from keyturn.model import Action, ActionKind


@dataclass(frozen=True, slots=True)
class GitEntries:
    """What a git repository holds at or under one path of its work tree, each a mapping
    ``{path relative to the work tree: "MODE ID"}``: in a commit, in the index, and in the work
    tree (only for the paths the commit or the index hold; a file that is not there is absent)."""

    commit: Mapping[str, str]
    index: Mapping[str, str]
    worktree: Mapping[str, str]


class FileReader(Protocol):
    """Read-only access to files next to the action (package.json, Makefile, plan JSON,
    ``file://`` parameters). Returns ``None`` when the file is absent or unreadable; never
    raises for that. ``limit`` bounds how much is read."""

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None: ...

    def exists(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...

    def git_entries(self, root: str, relative: str, revision: str) -> GitEntries | None:
        """What the repository whose work tree is ``root`` holds at or under ``relative`` in
        ``revision``, its index and its work tree; ``None`` when that cannot be read."""


class NoFiles:
    """A FileReader that sees no files (pure judging: nothing beside the action is read)."""

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        return None

    def exists(self, path: str) -> bool:
        return False

    def is_dir(self, path: str) -> bool:
        return False

    def git_entries(self, root: str, relative: str, revision: str) -> GitEntries | None:
        return None


class MemoryFiles:
    """A FileReader over a dict ``{absolute path: text}``; directories are implied by paths."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = dict(files)

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        text = self._files.get(path)
        return None if text is None else text[:limit]

    def exists(self, path: str) -> bool:
        return path in self._files or self.is_dir(path)

    def is_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self._files)

    def git_entries(self, root: str, relative: str, revision: str) -> GitEntries | None:
        """Nothing: texts in memory hold no git objects."""
        return None


Understander = Callable[..., Action]
_REGISTRY: dict[ActionKind, str] = {
    # kind -> "module:function"; imported lazily so that a hook judging a shell command does not
    # pay for botocore's models.
    ActionKind.SHELL: "keyturn.understand.shell:understand_shell",
    ActionKind.AWS: "keyturn.understand.aws:understand_aws",
    ActionKind.TERRAFORM: "keyturn.understand.terraform:understand_terraform",
    ActionKind.K8S: "keyturn.understand.kubernetes:understand_admission",
    ActionKind.CLOUDFORMATION: "keyturn.understand.cloudformation:understand_change_set",
    ActionKind.MCP: "keyturn.understand.mcp:understand_mcp",
}


def register(kind: ActionKind, target: str) -> None:
    """Register (or replace) the understander of ``kind`` as ``"module:function"``."""
    _REGISTRY[kind] = target


def understander(kind: ActionKind) -> Understander:
    """The understander function registered for ``kind``."""
    import importlib

    module_name, _, func = _REGISTRY[kind].partition(":")
    fn: Any = getattr(importlib.import_module(module_name), func)
    return fn  # type: ignore[no-any-return]
