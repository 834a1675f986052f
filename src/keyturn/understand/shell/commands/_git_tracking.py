"""Whether git tracks or ignores a file, as far as the file reader can tell, for the git
subcommands that spare some files of the tree they change (:mod:`._git_tree_settings`).

Each answer is ``True``, ``False`` or ``None`` (cannot be told): callers take ``None`` as the
reading under which the file is changed.

- Tracked: the file's path is in the index (``.git/index``), found as the index spells an entry
  (its name's length, the name, a NUL; a length of 13 reads as a newline through the reader's
  text, as ``\r`` does). A version-2 index read whole, with no split or sparse
  parts, that holds no such entry says the file is not tracked; any other index says nothing.
- Ignored: the ignore files git reads, lowest first -- ``core.excludesFile`` (else
  ``$XDG_CONFIG_HOME/git/ignore`` or ``~/.config/git/ignore``), ``.git/info/exclude``, the
  ``.gitignore`` of the root and of each directory down to the file -- matched as gitignore(5)
  says (the last match wins, ``!`` re-includes, a directory excluded excludes all in it). An
  ignore file that is there but cannot be read makes the answer ``None``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from keyturn.understand.shell.commands._git_config_file import parse_settings
from keyturn.understand.shell.registry import ShellContext

_INDEX_LIMIT = 4_000_000
_IGNORE_LIMIT = 262_144
# Index extensions whose entries live elsewhere (a split index's shared part) or stand for
# whole directories (a sparse index): the main index alone cannot say a path is not there.
_PARTIAL_INDEX = ("link", "sdir")


def tracked(root: str, relative: str, ctx: ShellContext, *, folder: bool = False) -> bool | None:
    """Whether the index of the work tree ``root`` holds ``relative`` (for a ``folder``: any
    entry under it, which says only that not all of it is untracked: ``None``)."""
    text = ctx.files.read_text(root + "/.git/index", limit=_INDEX_LIMIT)
    if text is None or not text.startswith("DIRC"):
        return None
    if folder:
        return None if relative + "/" in text else _untracked_if_whole(text)
    size = len(relative.encode())
    # The byte before a name is its length; read as text, a 13 (``\r``) comes out as ``\n``
    # (``infra/main.tf``): both spellings are looked for.
    marks = {chr(size), "\n"} if size == 0x0D else {chr(size)}
    if size < 0x80 and any(f"{mark}{relative}\x00" in text for mark in marks):
        return True
    if relative + "\x00" in text:  # a longer name ending so, or an extended entry: unclear
        return None
    return _untracked_if_whole(text)


def _untracked_if_whole(text: str) -> bool | None:
    whole = len(text) < _INDEX_LIMIT and text[4:8] == "\x00\x00\x00\x02"
    if not whole or any(mark in text for mark in _PARTIAL_INDEX):
        return None
    return False


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    negated: bool
    folder_only: bool
    anchored: bool
    base: str  # the directory the pattern's file is in, relative to the root ("" for the root)


def ignored(root: str, relative: str, ctx: ShellContext, *, folder: bool = False) -> bool | None:
    """Whether git ignores ``relative`` (a path under the work tree ``root``)."""
    patterns = _patterns(root, relative, ctx)
    if patterns is None:
        return None
    parts = relative.split("/")
    for depth in range(1, len(parts) + 1):
        is_folder = depth < len(parts) or folder
        if _last_match(patterns, "/".join(parts[:depth]), is_folder):
            return True  # an excluded directory: nothing under it can be re-included
    return False


def _last_match(patterns: list[_Pattern], path: str, is_folder: bool) -> bool:
    verdict = False
    for pattern in patterns:
        if pattern.folder_only and not is_folder:
            continue
        if pattern.base and not path.startswith(pattern.base + "/"):
            continue
        local = path[len(pattern.base) + 1 :] if pattern.base else path
        subject = local if pattern.anchored else local.rsplit("/", 1)[-1]
        if pattern.regex.fullmatch(subject):
            verdict = not pattern.negated
    return verdict


def _patterns(root: str, relative: str, ctx: ShellContext) -> list[_Pattern] | None:
    """Every pattern that applies to ``relative``, lowest precedence first; ``None`` when an
    ignore file is there but cannot be read."""
    sources: list[tuple[str, str]] = [(path, "") for path in _global_excludes(root, ctx)]
    sources.append((root + "/.git/info/exclude", ""))
    folders = relative.split("/")[:-1]
    for depth in range(len(folders) + 1):
        base = "/".join(folders[:depth])
        sources.append((f"{root}/{base}/.gitignore" if base else f"{root}/.gitignore", base))
    patterns: list[_Pattern] = []
    for path, base in sources:
        text = ctx.files.read_text(path, limit=_IGNORE_LIMIT)
        if text is None:
            if ctx.files.exists(path):
                return None
            continue
        try:
            found = [p for line in text.splitlines() if (p := _pattern(line, base)) is not None]
        except re.error:  # a pattern read otherwise than git reads it: nothing can be told
            return None
        patterns += found
    return patterns


def _global_excludes(root: str, ctx: ShellContext) -> list[str]:
    """The user's ignore file: ``core.excludesFile`` of the repository's or the user's settings,
    else the default place under ``$XDG_CONFIG_HOME`` or ``~/.config``."""
    home = ctx.env.get("HOME") or ctx.home
    config = ctx.env.get("XDG_CONFIG_HOME") or f"{home}/.config"
    for settings in (f"{root}/.git/config", f"{home}/.gitconfig", f"{config}/git/config"):
        text = ctx.files.read_text(settings, limit=_IGNORE_LIMIT) or ""
        for key, value in reversed(parse_settings(text)):
            if key.lower() == "core.excludesfile" and value:
                if value == "~" or value.startswith("~/"):
                    value = home + value[1:]
                return [posixpath.normpath(posixpath.join(root, value))]
    return [f"{config}/git/ignore"]


def _pattern(line: str, base: str) -> _Pattern | None:
    """One line of an ignore file as a pattern (``None`` for blanks and comments)."""
    text = _strip_trailing_spaces(line)
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated or text.startswith("\\!") or text.startswith("\\#"):
        text = text[1:]
    folder_only = text.endswith("/") and not text.endswith("\\/")
    text = text.rstrip("/") if folder_only else text
    anchored = "/" in text
    text = text.lstrip("/")
    if not text:
        return None
    return _Pattern(re.compile(_regex(text)), negated, folder_only, anchored, base)


def _strip_trailing_spaces(line: str) -> str:
    end = len(line)
    while end > 0 and line[end - 1] == " " and not (end > 1 and line[end - 2] == "\\"):
        end -= 1
    return line[:end]


def _regex(glob: str) -> str:
    """A gitignore glob as a regular expression (``*`` and ``?`` stop at ``/``; ``**/``,
    ``/**/`` and a trailing ``/**`` cross directories)."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i) and (i == 0 or glob[i - 1] == "/"):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i) and i + 2 == len(glob) and (i == 0 or glob[i - 1] == "/"):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and (close := glob.find("]", i + 2)) != -1:
            body = glob[i + 1 : close]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = close + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)
