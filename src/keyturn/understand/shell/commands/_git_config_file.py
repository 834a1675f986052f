"""Reading a repository's ``.git/config``, for :mod:`._git_config`.

Which work tree holds a directory (the nearest one up with a ``.git`` folder) and the
``(key, value)`` settings of a git config file, read leniently: whatever the file holds,
reading it never fails, and values are read as git reads them (quotes joined, escapes
resolved, trailing comments cut): enough to find the settings that run commands.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from keyturn.understand.shell.registry import ShellContext

_MAX_LEVELS = 32


def repository_root(start: str, ctx: ShellContext) -> str | None:
    """The work tree holding ``start`` (the nearest directory up whose ``.git`` is one)."""
    return _nearest_up(start, lambda folder: ctx.files.is_dir(folder + "/.git"))


def work_tree_root(start: str, ctx: ShellContext) -> str | None:
    """The work tree holding ``start``, a linked one too (its ``.git`` is a file naming the
    repository's folder for it): the nearest directory up that has a ``.git``."""
    return _nearest_up(start, lambda folder: ctx.files.exists(folder + "/.git"))


def everything_in(repo: str, ctx: ShellContext) -> str:
    """The name of every file of the work tree holding ``repo`` (``TOP/*``: ``git reset
    --hard`` from ``src/`` discards changes above it too); ``repo/*`` when no ``.git`` is seen."""
    return (work_tree_root(repo, ctx) or repo.rstrip("/")) + "/*"


def _nearest_up(start: str, holds: Callable[[str], bool]) -> str | None:
    folder = start.rstrip("/") or "/"
    for _ in range(_MAX_LEVELS):
        if holds(folder.rstrip("/")):
            return folder.rstrip("/")
        if folder == "/":
            return None
        folder = posixpath.dirname(folder)
    return None


_SECTION = re.compile(r'\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_ITEM = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*?))?\s*\Z")


def parse_settings(text: str) -> list[tuple[str, str]]:
    """``(section[.subsection].name, value)`` pairs of a git config file (quotes and trailing
    comments removed: enough to find the settings that run commands)."""
    out: list[tuple[str, str]] = []
    section = ""
    for line in text.splitlines():
        header = _SECTION.match(line)
        if header is not None:
            name, sub = header.group(1), header.group(2)
            section = f"{name}.{sub}" if sub is not None else name
            line = line[header.end() :]
        stripped = line.strip()
        if not stripped or stripped[0] in "#;" or not section:
            continue
        item = _ITEM.match(stripped)
        if item is not None:
            out.append((f"{section}.{item.group(1)}", _value(item.group(2) or "")))
    return out


def _value(raw: str) -> str:
    """A config value as git reads it: quotes joined, escapes resolved, a comment cut."""
    out, quoted, i = [], False, 0
    while i < len(raw):
        c = raw[i]
        if c == '"':
            quoted = not quoted
        elif c == "\\" and i + 1 < len(raw):
            i += 1
            out.append({"n": "\n", "t": "\t"}.get(raw[i], raw[i]))
        elif c in "#;" and not quoted:
            break
        else:
            out.append(c)
        i += 1
    return "".join(out).strip()
