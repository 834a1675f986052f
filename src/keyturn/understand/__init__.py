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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from keyturn.model import Action, ActionKind
from keyturn.understand.links import follow_links


@dataclass(frozen=True, slots=True)
class GitEntries:
    """What a git repository holds at or under one path of its work tree, each a mapping
    ``{path relative to the work tree: "MODE ID"}``: in each commit asked for (``None``: that
    revision cannot be read), in the index, and in the work tree (for the paths a commit or the
    index holds; a file that is not there is absent). One reading serves every revision a
    judgement compares, so the repository is opened and its index read once."""

    commits: Mapping[str, Mapping[str, str] | None]
    index: Mapping[str, str]
    worktree: Mapping[str, str]

    def commit(self, revision: str) -> dict[str, str] | None:
        """The files ``revision`` holds there; ``None`` when it was not read or cannot be."""
        found = self.commits.get(revision)
        return None if found is None else dict(found)

    def worktree_beside(self, revision: str) -> dict[str, str]:
        """The work tree's entries for the paths ``revision`` or the index holds."""
        paths = {*(self.commits.get(revision) or {}), *self.index}
        return {p: e for p, e in self.worktree.items() if p in paths}


# Directory listings longer than this are not given (a reader lists a settings directory, not a
# tree): the caller then cannot tell what the directory holds.
MAX_LISTED = 1_000


class FileReader(Protocol):
    """Read-only access to files next to the action (package.json, Makefile, plan JSON,
    ``file://`` parameters). Returns ``None`` when the file is absent or unreadable; never
    raises for that. ``limit`` bounds how much is read."""

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None: ...

    def exists(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        """The names in the directory ``path``, sorted; ``None`` when it is not a directory,
        cannot be read, or holds more than :data:`MAX_LISTED` entries."""

    def git_entries(self, root: str, relative: str, revisions: Sequence[str]) -> GitEntries | None:
        """What the repository whose work tree is ``root`` holds at or under ``relative`` in
        each of ``revisions``, its index and its work tree; ``None`` when the repository or
        its index cannot be read."""

    def links_followed(self, path: str) -> str | None:
        """``path`` as the system opens it, every symbolic link on it followed, when a link is
        on it; ``None`` when none is, or when that cannot be told (:mod:`.links`)."""


class NoFiles:
    """A FileReader that sees no files (pure judging: nothing beside the action is read)."""

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        return None

    def exists(self, path: str) -> bool:
        return False

    def is_dir(self, path: str) -> bool:
        return False

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        return None

    def git_entries(self, root: str, relative: str, revisions: Sequence[str]) -> GitEntries | None:
        return None

    def links_followed(self, path: str) -> str | None:
        return None


class MemoryFiles:
    """A FileReader over a dict ``{absolute path: text}``; directories are implied by paths.
    ``links``: symbolic links, ``{absolute link path: target}`` (a relative target from the
    link's directory)."""

    def __init__(self, files: dict[str, str], links: Mapping[str, str] | None = None) -> None:
        self._files = dict(files)
        self._links = dict(links or {})

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        text = self._files.get(path)
        return None if text is None else text[:limit]

    def exists(self, path: str) -> bool:
        return path in self._files or self.is_dir(path)

    def is_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self._files)

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        prefix = path.rstrip("/") + "/"
        names = {p[len(prefix) :].split("/", 1)[0] for p in self._files if p.startswith(prefix)}
        return tuple(sorted(names)) if names and len(names) <= MAX_LISTED else None

    def git_entries(self, root: str, relative: str, revisions: Sequence[str]) -> GitEntries | None:
        """Nothing: texts in memory hold no git objects."""
        return None

    def links_followed(self, path: str) -> str | None:
        return follow_links(path, self._links)


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
