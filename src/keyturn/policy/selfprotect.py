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
    may_name_keyturn_variable,
    own_resource_reason,
    run_time_path_reason,
)
from keyturn.policy.selfprotect_names import (
    _BUILT_IN_REMOVES,
    _CREATE_GUARDED,
    _DRIVE,
    _FILE_PREFIXES,
    _GLOB,
    _GUARDED_NAMES,
    _HOMES,
    _MANAGED_PATHS,
    _REMOVES_FOLDED,
    _SECRET_NAMES,
    _STATE_DIR_NAME,
    _WRITE_GUARDED,
    GUARDED_PREFIXES,
    _managed,
    _state_dirs_in,
    fold,
    guarded_patterns,
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
