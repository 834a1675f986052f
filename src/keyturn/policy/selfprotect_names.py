"""The names self-protection guards, and how a name is spelled before it is compared with them.

The built-in patterns (keyturn's own files, the agents' hook settings and their managed places,
keyturn's installation, its secrets), what is derived from them, and :func:`fold`. Split from
:mod:`.selfprotect` to keep it small: that module holds the check (:class:`SelfProtection`) and
re-exports the public names here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from keyturn.policy.matching import GlobSet
from keyturn.policy.selfprotect_more import PREFIXES

__all__ = ["GUARDED_PREFIXES", "fold", "guarded_patterns"]


# The agents' system-wide (managed) settings: they load before, and may switch off, every other
# hook (formats.md §1.1, §2.1-2.3). ``*/`` before the macOS and Windows places: a drive or a
# volume in front.
_MANAGED_DIRS = (
    *("/etc/claude-code", "/etc/gemini-cli", "/etc/codex", "/etc/cursor"),
    "*/Library/Application Support/ClaudeCode",
    "*/Library/Application Support/GeminiCli",
    *("*/ProgramData/ClaudeCode", "*/Program Files/ClaudeCode", "*/ProgramData/gemini-cli"),
)
_MANAGED_FILES = (
    "*/Library/Application Support/Cursor/hooks.json",
    "*/ProgramData/Cursor/hooks.json",
)
# keyturn's own installed code and its command: the hooks run it, so an agent that edits or
# removes it switches its guard off (a hook that cannot start lets the call through in most
# agents). The package as pip, pipx and uv lay it out; the ``keyturn`` command in any ``bin``.
_INSTALL = (
    *(
        f"file:*/{where}-packages/keyturn{tail}"
        for where in ("site", "dist")
        for tail in ("", "/*")
    ),
    *(f"file:*/{tool}/keyturn{tail}" for tool in ("pipx/venvs", "uv/tools") for tail in ("", "/*")),
    "file:*/bin/keyturn",
    # What makes it importable and tells its version: an editable install's path file and
    # finder (deleted, ``import keyturn`` fails and the hook with it), the package's metadata.
    *(f"file:*-packages/{name}" for name in ("__editable__*keyturn*", "_keyturn*.pth")),
    *(f"file:*-packages/keyturn-*.dist-info{tail}" for tail in ("", "/*")),
)
# Any effect but a read of these is denied. ``*`` matches ``/`` too, so ``file:*/.kiro/*``
# covers every directory and the user-level copies under any home.
_WRITE_GUARDED = (
    "file:*/keyturn.yaml",
    "file:*/.keyturn",
    "file:*/.keyturn/*",
    "file:*/.claude/settings*.json",
    "file:*/.codex",
    "file:*/.codex/*",
    "file:*/.gemini",
    "file:*/.gemini/*",
    "file:*/.kiro",
    "file:*/.kiro/*",
    "file:*/.cursor",
    "file:*/.cursor/*",
    "env:KEYTURN_*",
    *_INSTALL,
)
# Only removing the directory as a whole: the rest of ``.claude`` (commands, agents) is the
# project's own and may be edited. Likewise the directories keyturn's package is installed in
# (a ``site-packages`` moved away takes it along); other packages in them may be changed.
_REMOVE_GUARDED = (
    "file:*/.claude",
    *(f"file:*/{place}" for place in ("site-packages", "dist-packages", "pipx/venvs", "uv/tools")),
)
# Not even created: a directory moved or linked into place under this name brings its own
# ``settings*.json`` along, which no write of the file itself shows (``mv cfg .claude``). The
# other agents' directories are guarded whole (``_WRITE_GUARDED``).
_CREATE_GUARDED = GlobSet(("file:*/.claude",))  # already folded
# Not even read.
_SECRET_NAMES = ("audit-signing.key", "session-secret")
_ALL_GUARDED = tuple(f"file:*/{name}" for name in _SECRET_NAMES)
# The default state directory's name, wherever it is (``$KEYTURN_HOME`` comes as data).
_STATE_DIR_NAME = ".keyturn"


_DRIVE = re.compile(r"[a-z]:/")
_STREAM = re.compile(r":[^/]*")
_TRAILING_DOTS = re.compile(r"(?<=[^/. ])[. ]+(?=/|\Z)")


def fold(name: str) -> str:
    """``name`` as compared here: lower-cased; a ``file:`` path also without what Windows drops
    or reads as a stream of the same file (``:stream``, ``::$DATA``, trailing dots and spaces of
    each part), a drive's colon kept (``file:c:/users/...``)."""
    name = name.lower()
    if not name.startswith("file:"):
        return name
    path = name[5:]
    if ":" not in path and not path.endswith((".", " ")) and "./" not in path and " /" not in path:
        return name  # most names: nothing Windows would drop
    head = path[:2] if _DRIVE.match(path) else ""
    rest = path[len(head) :]
    if ":" in rest:
        rest = _STREAM.sub("", rest)
    if rest.endswith((".", " ")) or "./" in rest or " /" in rest:
        rest = _TRAILING_DOTS.sub("", rest)
    return "file:" + head + rest


def guarded_patterns(paths: Iterable[str]) -> tuple[str, ...]:
    """``file:`` patterns for ``paths`` (the policy file, the state directory): each path and
    everything below it. Windows paths are spelled with forward slashes, like the understanders'
    ``file:C:/...`` names."""
    patterns: list[str] = []
    for path in paths:
        spelled = str(path).replace("\\", "/").rstrip("/")
        if not spelled:
            continue
        patterns.extend((f"file:{spelled}", f"file:{spelled}/*"))
    return tuple(dict.fromkeys(patterns))


_FILE_PREFIXES = ("file:", "env:")
if not all(
    p.startswith(_FILE_PREFIXES) for p in (*_WRITE_GUARDED, *_REMOVE_GUARDED, *_ALL_GUARDED)
):  # SelfProtection.reason's early exit relies on it
    raise RuntimeError("a self-protection pattern starts with neither file: nor env:")
# The names the engine asks the built-ins about (the patterns', selfprotect_more's).
GUARDED_PREFIXES = (*_FILE_PREFIXES, *PREFIXES)
_REMOVES_FOLDED = tuple(fold(p) for p in _REMOVE_GUARDED)
_BUILT_IN_REMOVES = GlobSet(_REMOVES_FOLDED)
# The managed places as paths (folded), for globs and directories above them; and as patterns
# (each and everything below it), asked only of names holding one of _MANAGED_HINTS: kept out
# of SelfProtection.writes, whose one expression every file name goes through.
_MANAGED_PATHS = tuple(fold("file:" + p)[5:] for p in (*_MANAGED_DIRS, *_MANAGED_FILES))
_MANAGED_SET = GlobSet(tuple(f"file:{p}{tail}" for p in _MANAGED_PATHS for tail in ("", "/*")))
_MANAGED_HINTS = ("/etc/", "/library/", "/program")
# The names the built-in patterns guard in any directory (for globs that may match them).
_GUARDED_NAMES = (
    *(".keyturn", ".claude", ".codex", ".gemini", ".kiro", ".cursor"),
    *("keyturn.yaml", *_SECRET_NAMES, ".claude/settings.json", ".claude/settings.local.json"),
)
_GLOB = re.compile(r"[*?\[]")
# Home directories: each holds the user-level hook settings (and ``~/.keyturn``).
_HOMES = re.compile(r"/root|/home(?:/[^/]+)?|(?:[a-z]:)?/users(?:/[^/]+)?")  # folded


def _managed(names: tuple[str, ...]) -> bool:
    """Whether one of (folded) ``names`` is an agent's managed settings place, or in one."""
    return any(h in n for n in names for h in _MANAGED_HINTS) and _MANAGED_SET.match_any(names)


def _state_dirs_in(path: str) -> tuple[str, ...]:
    """The default-named state directory (``…/.keyturn``) ``path`` is or lies in, if any."""
    marker = f"/{_STATE_DIR_NAME}"
    at = path.find(marker + "/")
    if at < 0:
        return (path,) if path.endswith(marker) else ()
    return (path[: at + len(marker)],)
