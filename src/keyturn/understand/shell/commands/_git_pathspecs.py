"""The files a git pathspec reaches, as git reads it (``git help glossary``, "pathspec").

- A path names that file, or that folder and everything under it (``git restore -s main src``
  rewrites ``src/b.txt``): both are named.
- Magic after a leading ``:``: ``:/`` or ``:(top)`` starts at the work tree's top, not the
  working directory; ``:(glob)``, ``:(literal)`` only change how the rest matches, which the
  names' own ``*`` takes in. A pathspec that excludes (``:!x``, ``:^x``, ``:(exclude)x``) stands
  for everything else, and one that ignores case (``:(icase)``, ``GIT_ICASE_PATHSPECS``) or
  reads attributes (``:(attr:…)``) for files not told by its text: each names the whole work
  tree. Magic git does not know is read the same way (git refuses it; nothing is lost by the
  wider name).
"""

from __future__ import annotations

from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._git_config_file import work_tree_root
from keyturn.understand.shell.effects import directory_tree, file_path
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_SHORT_MAGIC = {"/": "top", "!": "exclude", "^": "exclude"}
_KNOWN_MAGIC = frozenset({"top", "glob", "literal"})  # these keep the rest's own meaning


def pathspec_names(spec: str, repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[str]:
    """The file names ``spec`` reaches in the work tree ``repo`` from ``ctx.cwd``."""
    top = work_tree_root(repo, ctx) or repo.rstrip("/")
    whole = [top + "/*"]
    if setting(cmd, ctx.env, "GIT_ICASE_PATHSPECS") not in (None, "", "0"):
        return whole
    if not spec.startswith(":") or setting(cmd, ctx.env, "GIT_LITERAL_PATHSPECS") == "1":
        return directory_tree(file_path(spec, ctx))
    magic, rest = _magic(spec[1:])
    if magic is None or not magic <= _KNOWN_MAGIC:
        return whole
    base = top if "top" in magic else ctx.cwd
    return directory_tree(normalize_path(rest or ".", cwd=base))


def _magic(text: str) -> tuple[frozenset[str] | None, str]:
    """The magic words of a pathspec after its ``:`` and the pattern after them; ``None`` when
    the magic is not read (an unclosed ``(``)."""
    if text.startswith("("):
        close = text.find(")")
        if close < 0:
            return None, text
        words = (w.strip().partition(":")[0] for w in text[1:close].split(","))
        return frozenset(w for w in words if w), text[close + 1 :]
    found = set()
    at = 0
    while at < len(text) and text[at] in _SHORT_MAGIC:
        found.add(_SHORT_MAGIC[text[at]])
        at += 1
    if at < len(text) and text[at] == ":":
        at += 1
    return frozenset(found), text[at:]
