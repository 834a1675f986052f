"""Self-protection: the agent cannot weaken its own guard (built-in, before the policy's rules).

Denied, whatever the policy's allow rules say:

- any write, move or delete of the policy file, keyturn's state directory (``$KEYTURN_HOME``,
  ``~/.keyturn`` by default) and the agents' hook settings (``.claude/settings*.json``,
  ``.codex/``, ``.gemini/``, ``.kiro/``, ``.cursor/`` under any directory), system-wide
  (managed) ones included: ``/etc/claude-code/`` (``managed-settings.json`` with
  ``disableAllHooks`` takes keyturn out), ``/etc/gemini-cli/``, ``/etc/codex/``
  (``requirements.toml``, ``managed_config.toml``), ``/etc/cursor/`` and their macOS
  (``/Library/Application Support/...``) and Windows (``C:\\ProgramData\\...``) places;
- deleting or replacing a ``.claude`` directory (it holds the hook settings), or the
  ``site-packages`` (pipx, uv tools) directory keyturn's package may be in; and creating a
  ``.claude`` directory (``mv cfg .claude``, ``ln -s cfg .claude``): put in place whole, it
  brings whatever ``settings.local.json`` it holds (``disableAllHooks``), unseen;
- keyturn's installation where the judging process runs from (its package directory, an
  editable install's included, its ``keyturn`` command, its virtual environment as a whole):
  :mod:`.selfprotect_install`;
- keyturn's database tables, services, processes, containers and installed package, and
  names decided at run time from something naming keyturn: :mod:`.selfprotect_more`; its
  gate in a Kubernetes cluster: :mod:`.selfprotect_cluster`;
- any access, reading included, to keyturn's secrets: the audit signing key (it would let
  checkpoints be forged) and the install secret ``session-secret`` (it signs reviewers' session
  cookies), wherever they lie and by any glob that may name them; and any read of a state
  directory (``~/.keyturn``, ``$KEYTURN_HOME``) as a whole or of what is in it, the policy file
  excepted;
- setting, overriding or unsetting a keyturn variable (``env:KEYTURN_*``), or all of them at
  once (a command started with an empty environment: ``env -i``, ``exec -c``);
- changing everything under a directory that holds such files (an archive extracted, a tree
  synced or copied into ``/``, a home directory, a ``.claude`` directory, or a directory above
  the guarded paths): the files are not named, but they are among those written. A project
  directory is not counted, although it may hold ``.claude/settings.json``: extracting into a
  project is common, and its effects are judged by the policy as usual.

Names are compared without case, and without the trailing dots and spaces and the stream suffix
(``settings.json::$DATA``) Windows drops: macOS's and Windows' file systems open
``.CLAUDE/Settings.json`` as ``.claude/settings.json``. On Linux that refuses a few files that are
really others (a ``.CLAUDE`` directory): the price of one check for every system.

The policy engine knows neither where its own file is nor ``$KEYTURN_HOME``: the caller passes
those paths in as data (:func:`guarded_patterns`). An explicit opt-out exists for people who
test keyturn on itself: ``settings: {unsafe_allow_self_modification: true}``; it warns on every
load.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from keyturn.model import Effect, EffectKind
from keyturn.policy.matching import GlobSet
from keyturn.policy.selfprotect_cluster import (
    CLUSTER_GATE,
    cluster_gate_reason,
    may_reach_cluster_gate,
)
from keyturn.policy.selfprotect_install import InstallPlaces, running_install
from keyturn.policy.selfprotect_more import (
    PREFIXES,
    may_name_keyturn_variable,
    own_resource_reason,
    run_time_path_reason,
)

__all__ = [
    "CLUSTER_GATE",
    "GUARDED_PREFIXES",
    "OPT_OUT_SETTING",
    "SELF_PROTECTION_RULE",
    "SelfProtection",
    "fold",
    "guarded_patterns",
    "may_reach_cluster_gate",
    "warn_opt_out",
]

SELF_PROTECTION_RULE = "builtin:self-protection"
OPT_OUT_SETTING = "unsafe_allow_self_modification"

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

_CHANGES = frozenset(
    {
        EffectKind.CREATE,
        EffectKind.UPDATE,
        EffectKind.DELETE,
        EffectKind.REPLACE,
        EffectKind.UNKNOWN,
    }
)
_REMOVES = frozenset({EffectKind.DELETE, EffectKind.REPLACE, EffectKind.UPDATE, EffectKind.UNKNOWN})


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


@dataclass(frozen=True, slots=True)
class SelfProtection:
    """The compiled self-protection check for one policy: the built-in patterns plus the
    ``file:`` patterns of the paths the caller guards (``extra_paths``) and of keyturn's own
    installation where this process runs (:mod:`.selfprotect_install`)."""

    extra_paths: tuple[str, ...]
    writes: GlobSet
    # The guarded paths themselves, as spelled in ``extra_paths`` and folded (``fold``).
    guarded: tuple[str, ...] = ()
    # The state directories among them: not even read (they hold the secrets).
    private: tuple[str, ...] = ()
    # What may not be removed or replaced as a whole: the built-in places and the running
    # virtual environment's root.
    removes: GlobSet = field(default_factory=lambda: _BUILT_IN_REMOVES)
    # The running installation's places (folded paths) with their bounds: a wholesale change of
    # a directory from the bound down to the place takes it in (``rm -rf .venv/*``).
    install: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(
        cls,
        paths: Iterable[str],
        private: Iterable[str] = (),
        *,
        install: InstallPlaces | None = None,
    ) -> SelfProtection:
        """Self-protection over the built-in patterns plus ``paths`` (absolute paths), of
        which ``private`` (the state directories) are not even read, and the places of
        ``install`` (by default where this process runs from: :func:`running_install`)."""
        extra = guarded_patterns(paths)
        folded = tuple(fold(p) for p in extra)
        guarded = tuple(dict.fromkeys(p.removeprefix("file:").removesuffix("/*") for p in folded))
        hidden = tuple(fold(p) for p in guarded_patterns(private))
        # The state directories themselves, as spelled in ``hidden`` (not their ``/*`` forms,
        # which would pass for guarded files that may be read).
        private_dirs = tuple(p.removeprefix("file:") for p in hidden if not p.endswith("/*"))
        own = running_install() if install is None else install
        owned = tuple(fold(p) for p in guarded_patterns(p for p, _ in own.writes))
        written = (*map(fold, _WRITE_GUARDED + extra), *hidden, *owned)
        roots = tuple(fold("file:" + r) for r in own.removes)
        places = (*own.writes, *own.holders, *((r, r) for r in own.removes))
        return cls(
            extra_paths=extra,
            writes=GlobSet(tuple(dict.fromkeys(written))),
            guarded=tuple(dict.fromkeys((*guarded, *private_dirs))),
            private=private_dirs,
            removes=GlobSet(tuple(dict.fromkeys((*_REMOVES_FOLDED, *roots)))),
            install=tuple((fold("file:" + p)[5:], fold("file:" + b)[5:]) for p, b in places),
        )

    def _guarded_name(self, given: tuple[str, ...], folded: tuple[str, ...]) -> str:
        """The first of the ``given`` names (``folded``: the same, folded) that is keyturn's
        own: the one a message should show (a tree's other names say nothing)."""
        for name, folded_name in zip(given, folded, strict=True):
            one = (folded_name,)
            if (
                self.writes.match_any(one)
                or _managed(one)
                or (folded_name.startswith("env:") and may_name_keyturn_variable(folded_name))
            ):
                return name
        return given[0]

    def reason(self, effect: Effect) -> str | None:
        """Why ``effect`` would weaken keyturn's own guard, or ``None``."""
        names = effect.resource.names
        if effect.effect in _CHANGES and names[0].startswith("k8s:"):
            return cluster_gate_reason(effect)
        kind = effect.effect
        if kind in _CHANGES:
            own = own_resource_reason(effect, _CHANGES)
            if own is not None:
                return own
        # Every guarded pattern starts with ``file:`` or ``env:`` (``guarded_patterns`` spells
        # them so): most names (ARNs, k8s:, db:) are settled by this alone.
        for n in names:
            if n.startswith(_FILE_PREFIXES):
                break
        else:
            return None
        names = tuple(map(fold, names))
        # A change is told as such, even of a secret (the read guard below refuses it too).
        if kind in _CHANGES and (
            self.writes.match_any(names)
            or _managed(names)
            or any(n.startswith("env:") and may_name_keyturn_variable(n) for n in names)
        ):
            named = self._guarded_name(effect.resource.names, names)
            what = "variable" if named.startswith("env:") else "file"
            return (
                f"{kind.value} of keyturn's own {what} {named}: "
                "an agent may not change its own guard"
            )
        secret = self._secret_in(names, whole_trees=kind is EffectKind.READ)
        if secret is not None:
            return f"{secret}: an agent may not read it"
        if kind is EffectKind.CREATE and _CREATE_GUARDED.match_any(names):
            named = next(
                given
                for given, folded in zip(effect.resource.names, names, strict=True)
                if _CREATE_GUARDED.match_any((folded,))
            )
            return (
                f"create of {named}, a directory of hook settings: put in place whole (moved or "
                "linked there) it brings its own settings: an agent may not change its own guard"
            )
        if kind in _REMOVES and self.removes.match_any(names):
            return f"{kind.value} of {effect.resource.name}, which holds hook settings or keyturn"
        for name in names:
            if name.startswith("file:"):
                held = run_time_path_reason(name[5:], read=kind is EffectKind.READ)
                if held is not None:
                    return f"{held}: an agent may not change or read its own guard"
        if kind in _CHANGES:
            for name in names:
                if not name.startswith("file:"):
                    continue
                if name.endswith("/*"):
                    held = self._held_under(name[5:-2] or "/")
                    if held is not None:
                        return (
                            f"{kind.value} of everything under {name[5:-2] or '/'}, which holds "
                            f"{held}: an agent may not change its own guard"
                        )
                elif _GLOB.search(name):
                    held = self._matched_by(name[5:])
                    if held is not None:
                        return (
                            f"{kind.value} of {name[5:]}, which matches {held}: "
                            "an agent may not change its own guard"
                        )
        return None

    def _secret_in(self, names: tuple[str, ...], *, whole_trees: bool = False) -> str | None:
        """Why ``names`` may read one of keyturn's secrets, or ``None``: a secret's file by name
        (anywhere), or a state directory, anything in it (the policy file excepted) or a glob
        that may reach into one (``~/.keyturn/*``, ``~/.k*/session-*``, ``~/.*``); with
        ``whole_trees`` (a read) also a tree that holds one (``/home/*``: ``grep -r x /home``)."""
        for name in names:
            if not name.startswith("file:"):
                continue
            path = name[5:].rstrip("/")
            last = path.rpartition("/")[2]
            if last in _SECRET_NAMES:
                return f"{path} is keyturn's own secret"
            if path in self.guarded and path not in self.private:
                continue  # the policy file itself may be read
            if whole_trees and path.endswith("/*"):
                # A whole tree (``grep -r x /``, ``rsync -a /home/ …``): the state directories
                # inside it are read with it.
                tree = path[:-2]
                for directory in self.private:
                    if directory.startswith(tree + "/"):
                        return f"{tree or '/'} holds keyturn's state directory (its secrets)"
            if _GLOB.search(path) and self._may_reach_state(path):
                return f"{path} may name what keyturn's state directory holds (its secrets)"
            for directory in (*self.private, *_state_dirs_in(path)):
                if path == directory or path.startswith(directory + "/"):
                    return f"{path} is in keyturn's state directory, which holds its secrets"
        return None

    def _may_reach_state(self, pattern: str) -> bool:
        """Whether the glob ``pattern`` may name a state directory or what lies in it: a
        globbed part right under a home directory that matches ``.keyturn`` (``~/.*``), or
        leading parts matching a private one."""
        parts = pattern.split("/")
        for i, part in enumerate(parts[1:], start=1):
            if (
                _GLOB.search(part)
                and fnmatch.fnmatchcase(_STATE_DIR_NAME, part)
                and _HOMES.fullmatch("/".join(parts[:i]))
            ):
                return True
        for directory in self.private:
            held = directory.split("/")
            if len(parts) >= len(held) and all(
                fnmatch.fnmatchcase(d, p) for d, p in zip(held, parts, strict=False)
            ):
                return True
        return False

    def _matched_by(self, pattern: str) -> str | None:
        """What guarded file or directory the glob ``pattern`` (``~/.*``, ``/etc/keyturn/*.y*``)
        may name, or ``None``. Any directory may hold the agents' settings, so a last part that
        matches one of their names is enough."""
        parts = pattern.rstrip("/").rsplit("/", 2)
        for guarded in _GUARDED_NAMES:
            # ``.claude/settings.json`` is compared with the last two parts, the rest with one.
            tail = "/".join(parts[-2:]) if "/" in guarded else parts[-1]
            if fnmatch.fnmatchcase(guarded, tail):
                return guarded
        drive = pattern[:2] if _DRIVE.match(pattern) else ""
        managed = (drive + p.removeprefix("*") for p in _MANAGED_PATHS)
        for path in (*self.guarded, *managed):
            while path not in ("", "/", drive, drive + "/"):
                if fnmatch.fnmatchcase(path, pattern):
                    return path
                path = path.rsplit("/", 1)[0]
        for path, bound in self.install:
            # Up to its bound only: a glob naming the project around it is the policy's.
            while path.startswith(bound):
                if fnmatch.fnmatchcase(path, pattern):
                    return f"keyturn's own {path}"
                path = path.rsplit("/", 1)[0]
        return None

    def _held_under(self, folder: str) -> str | None:
        """What guarded files the directory ``folder`` holds, or ``None``."""
        folder = folder.rstrip("/") or "/"
        root = folder == "/" or _DRIVE.fullmatch(folder + "/") is not None
        if root or _HOMES.fullmatch(folder) or folder.endswith("/.claude"):
            return "agent hook settings (~/.claude, ~/.codex, ~/.gemini...)"
        inside = folder.rstrip("/") + "/"
        for path in self.guarded:
            if path.startswith(inside):
                return f"keyturn's own {path}"
        for path, bound in self.install:
            # From its bound down (``.venv/*``, ``.venv/lib/*``), not the project around it.
            if (folder + "/").startswith(bound + "/") and (path + "/").startswith(inside):
                return f"keyturn's own {path}"
        # A managed place named ``*/...`` is on any drive or volume: compared without the drive.
        bare = inside[2:] if _DRIVE.match(inside) else inside
        for path in _MANAGED_PATHS:
            if path.startswith(inside) or (path[0] == "*" and path[1:].startswith(bare)):
                return f"agent hook settings ({path.removeprefix('*')})"
        return None


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


def warn_opt_out(source: str) -> str:
    """Log (every load) that self-protection is off; the message, for ``Policy.warnings``."""
    message = (
        f"{source}: settings.{OPT_OUT_SETTING} is true: agents may edit the policy, keyturn's "
        "state and their own hook settings (unsafe)"
    )
    # Imported here: ``logging`` costs every hook start-up a few ms, and this is the rare path.
    import logging

    logging.getLogger("keyturn.policy").warning(message)
    return message
