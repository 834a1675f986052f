"""The repository a git command uses, and the settings git reads there.

git finds its repository from ``--git-dir``/``GIT_DIR``, else from the nearest directory up
that holds a ``.git`` (a folder, or a ``gitdir:`` file as in linked work trees) or that is a
bare repository itself (``git -C /srv/repo.git push``): :func:`find_git_dir`. Its settings
are, in the order git reads them (the last one of a single-valued key wins): the system file
(``/etc/gitconfig``, ``GIT_CONFIG_SYSTEM``), the user's (``$XDG_CONFIG_HOME/git/config`` and
``~/.gitconfig``, or ``GIT_CONFIG_GLOBAL``), the repository's (``<common dir>/config`` and its
``config.worktree``), ``GIT_CONFIG_COUNT``'s pairs and ``-c``; the files each one includes are
read in its place: :func:`git_settings`. The branch checked out is what ``<git dir>/HEAD``
names: :func:`checked_out`.

What cannot be told is said (:attr:`GitSettings.unknown`) for the caller to fail closed on: a
repository or file named at run time, ``GIT_CONFIG_PARAMETERS``, or a settings file that an
earlier command on the line wrote (``git config remote.origin.mirror true && git push``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from keyturn.model import Effect
from keyturn.understand.shell.commands._git_config_file import parse_settings
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_MAX_LEVELS = 32
_MAX_FILES = 16
_LIMIT = 262_144
_FALSE = frozenset({"false", "no", "off", "0"})
# git options before the subcommand that take the next word as their value.
GLOBAL_VALUED = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"})


def setting_name(key: str) -> tuple[str, str, str]:
    """``(section, subsection, name)`` of a setting's key, section and name lower-cased as git
    compares them (``remote.Origin.PUSH`` -> ``("remote", "Origin", "push")``)."""
    section, _, rest = key.partition(".")
    subsection, _, name = rest.rpartition(".")
    return section.lower(), subsection, name.lower()


def is_on(value: str | None) -> bool:
    """Whether a yes/no setting is on; one not known counts as on (the stricter reading)."""
    return value is None or value.strip().lower() not in _FALSE


_EXPIRY = re.compile(r"(\d+)[. _]*(second|minute|hour|day|week|month|year)s?[. _]*ago")
_UNIT_DAYS = {"second": 0, "minute": 0, "hour": 0, "day": 1, "week": 7, "month": 30, "year": 365}
_KEEPING_DAYS = 14  # git's own default for gc.pruneExpire: anything sooner prunes more


def soon(value: str | None) -> bool:
    """Whether an expiry setting (``gc.pruneExpire``, ``gc.reflogExpire``) drops what is
    younger than git's default two weeks: ``now``, ``all``, an hour or a day ago, a date
    (it may be today), a value not known; not ``never``/``false`` or a span of 14 days
    or more."""
    if value is None:
        return True
    folded = value.strip().lower()
    if folded in ("never", "false"):
        return False
    span = _EXPIRY.fullmatch(folded)
    if span is None:
        return True
    return int(span.group(1)) * _UNIT_DAYS[span.group(2)] < _KEEPING_DAYS


@dataclass(frozen=True, slots=True)
class GitSettings:
    """The settings in force for a git command: ``pairs`` in the order git reads them (a value
    of ``None`` is decided at run time), and why they are not all known (``unknown``)."""

    pairs: tuple[tuple[str, str | None], ...]
    unknown: str | None = None

    def values(self, section: str, name: str, *, subsection: str | None = "") -> list[str | None]:
        """The values of ``section.[subsection.]name`` in order; ``subsection=None``: any."""
        found: list[str | None] = []
        for key, value in self.pairs:
            sec, sub, nam = setting_name(key)
            if sec == section and nam == name and subsection in (None, sub):
                found.append(value)
        return found

    def last(self, section: str, name: str, *, subsection: str = "") -> str | None:
        """The value in force of a single-valued setting (``""`` when it is not set)."""
        found = self.values(section, name, subsection=subsection)
        return found[-1] if found else ""


def git_settings(
    repo: str, cmd: SimpleCommand, ctx: ShellContext, *, given: Sequence[tuple[str, str | None]]
) -> GitSettings:
    """The settings git reads for ``cmd`` run with its work tree at ``repo``; ``given``: those
    of ``-c``/``--config-env`` (:func:`._git_config.given_settings`)."""
    reader = _Reader(cmd, ctx)
    reader.system()
    reader.user()
    found = find_git_dir(repo, cmd, ctx)
    if work_tree_moved(cmd, ctx) and given_git_dir(cmd, ctx) is None:
        # git looks for the repository from the directory it runs in, not the work tree.
        reader.unknown = "git's repository is found elsewhere than its work tree"
    if isinstance(found, Effect):
        reader.unknown = "git's repository is decided at run time or not known"
    elif found is not None:
        common = common_dir(found[0], ctx)
        reader.file(common + "/config")
        reader.file(found[0] + "/config.worktree")
    reader.counted()
    for key, value in given:
        reader.add(key, value, base=ctx.cwd)
    return GitSettings(tuple(reader.pairs), reader.unknown)


class _Reader:
    """Reads settings files in git's order, following includes; notes what is not known."""

    def __init__(self, cmd: SimpleCommand, ctx: ShellContext) -> None:
        self.cmd, self.ctx = cmd, ctx
        self.pairs: list[tuple[str, str | None]] = []
        self.unknown: str | None = None
        self.read = 0

    def variable(self, name: str) -> str | None:
        return self.cmd.assignments.get(name) or self.ctx.env.get(name)

    def system(self) -> None:
        if is_on(self.variable("GIT_CONFIG_NOSYSTEM") or "false"):
            return
        self.path(self.variable("GIT_CONFIG_SYSTEM") or "/etc/gitconfig", base="/")

    def user(self) -> None:
        chosen = self.variable("GIT_CONFIG_GLOBAL")
        if chosen:
            self.path(chosen, base=self.ctx.cwd)
            return
        home = self.ctx.home.rstrip("/")
        xdg = self.variable("XDG_CONFIG_HOME") or f"{home}/.config"
        self.path(f"{xdg}/git/config", base="/")
        self.path(f"{home}/.gitconfig", base="/")

    def counted(self) -> None:
        """``GIT_CONFIG_COUNT`` with ``GIT_CONFIG_KEY_<n>``/``GIT_CONFIG_VALUE_<n>``; and
        ``GIT_CONFIG_PARAMETERS`` (git's own spelling of ``-c``), not read here."""
        if self.variable("GIT_CONFIG_PARAMETERS") is not None:
            self.unknown = "GIT_CONFIG_PARAMETERS gives git settings not read here"
        count = self.variable("GIT_CONFIG_COUNT")
        if count is None:
            return
        if not count.isdigit() or int(count) > 64:
            self.unknown = "GIT_CONFIG_COUNT gives git settings not known"
            return
        for n in range(int(count)):
            key = self.variable(f"GIT_CONFIG_KEY_{n}")
            if key is None or _run_time(key):
                self.unknown = "GIT_CONFIG_KEY_* gives git settings not known"
                continue
            value = self.variable(f"GIT_CONFIG_VALUE_{n}")
            self.add(key, None if value is None or _run_time(value) else value, base="/")

    def path(self, path: str, *, base: str) -> None:
        """Read the file ``path`` names (``~/`` the home folder, relative from ``base``)."""
        if _run_time(path) or (path.startswith("~") and not path.startswith("~/")):
            self.unknown = f"git reads settings from {path[:80]}, decided at run time"
            return
        if path.startswith("~/"):
            path = self.ctx.home.rstrip("/") + path[1:]
        self.file(normalize_path(path, cwd=base))

    def file(self, path: str) -> None:
        if self.read >= _MAX_FILES:
            self.unknown = "git's settings include more files than are followed"
            return
        self.read += 1
        if _changed_on_line(path, self.ctx):
            self.unknown = f"an earlier command on the line changes {path}"
        text = self.ctx.files.read_text(path, limit=_LIMIT) or ""
        for key, value in parse_settings(text):
            self.add(key, value, base=posixpath.dirname(path))

    def add(self, key: str, value: str | None, *, base: str) -> None:
        self.pairs.append((key, value))
        folded = key.lower()
        if folded == "include.path" or (
            folded.startswith("includeif.") and folded.endswith(".path")
        ):
            # Conditions are not weighed: any included file may be in force.
            if value is None:
                self.unknown = "git includes settings from a file decided at run time"
            else:
                self.path(value, base=base)


def _changed_on_line(path: str, ctx: ShellContext) -> bool:
    """Whether an earlier command on the line wrote the settings file ``path``: by name (a
    ``git config`` run from a sub-folder names ``<there>/.git/config``, so any repository's
    settings file counts), or as part of a tree -- but not the whole work tree that git's own
    commands (``git commit``, ``git checkout``) are said to change."""
    for name in ctx.written:
        if name == path or name.endswith(("/.git/config", "/.gitconfig", "/git/config")):
            return True
        if name.endswith("/*") and ctx.files.exists(name[:-2] + "/.git"):
            continue
        if written_text({name: None}, path)[0]:
            return True
    return False


def checked_out(repo: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The branch checked out (``<git dir>/HEAD`` naming ``refs/heads/<branch>``); ``None``
    when not known: HEAD detached, no repository, or an earlier command on the line may have
    moved it (``git checkout main && git push -f origin HEAD``)."""
    if ctx.disk_stale:
        return None
    found = find_git_dir(repo, cmd, ctx)
    if found is None or isinstance(found, Effect):
        return None
    head = (ctx.files.read_text(found[0] + "/HEAD", limit=4096) or "").strip()
    ref = head.removeprefix("ref:").strip() if head.startswith("ref:") else ""
    return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None


def find_git_dir(
    repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[str, str | None] | Effect | None:
    """(the repository's git folder, its work tree's root: ``None`` for a bare one or one
    named outright) for a command run in ``repo``; an unknown effect when it cannot be told;
    ``None`` when there is none."""
    given = given_git_dir(cmd, ctx)
    if given is not None:
        if _run_time(given):
            return unknown_effect(cmd, "git's repository is decided at run time", ctx)
        return normalize_path(given, cwd=ctx.cwd), None
    folder = repo.rstrip("/") or "/"
    for _ in range(_MAX_LEVELS):
        found = _repository_at(folder.rstrip("/") or "/", cmd, ctx)
        if found is not None or folder == "/":
            return found
        folder = posixpath.dirname(folder)
    return None


def _repository_at(
    folder: str, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[str, str | None] | Effect | None:
    """The repository git finds at ``folder``: its ``.git`` first, then ``folder`` itself
    when it is a bare repository (``HEAD``, ``objects/`` and ``refs/`` in it)."""
    dot_git = folder.rstrip("/") + "/.git"
    if ctx.files.is_dir(dot_git):
        return dot_git, folder
    if ctx.files.exists(dot_git):
        pointer = (ctx.files.read_text(dot_git, limit=4096) or "").strip()
        if not pointer.startswith("gitdir:"):
            reason = f"{dot_git} is a file that does not name a repository"
            return unknown_effect(cmd, reason, ctx)
        return normalize_path(pointer.removeprefix("gitdir:").strip(), cwd=folder), folder
    bare = folder.rstrip("/")
    if (
        ctx.files.exists(bare + "/HEAD")
        and ctx.files.is_dir(bare + "/objects")
        and ctx.files.is_dir(bare + "/refs")
    ):
        return folder, None
    return None


def given_git_dir(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The repository ``--git-dir`` (before the subcommand) or ``GIT_DIR`` names."""
    args = cmd.args
    i, given = 0, None
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "--git-dir" and i + 1 < len(args):
            given = "$" if i + 2 in cmd.dynamic_words else args[i + 1]
        elif args[i].startswith("--git-dir="):
            given = "$" if i + 1 in cmd.dynamic_words else args[i].removeprefix("--git-dir=")
        i += 2 if args[i] in GLOBAL_VALUED else 1
    return given or cmd.assignments.get("GIT_DIR") or ctx.env.get("GIT_DIR")


def work_tree_moved(cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether the work tree is named apart from where git runs (``--work-tree``,
    ``GIT_WORK_TREE``, ``-c core.worktree``)."""
    args = cmd.args
    i = 0
    while i < len(args) and args[i].startswith("-"):
        value = args[i + 1] if i + 1 < len(args) else ""
        if args[i].startswith("--work-tree") or (
            args[i] == "-c" and value.lower().startswith("core.worktree")
        ):
            return True
        i += 2 if args[i] in GLOBAL_VALUED else 1
    variables: Mapping[str, str] = {**ctx.env, **cmd.assignments}
    return "GIT_WORK_TREE" in variables


def common_dir(git_dir: str, ctx: ShellContext) -> str:
    """The folder a linked work tree's repository shares with the main one (``commondir``):
    its settings and hooks are there."""
    pointer = (ctx.files.read_text(git_dir + "/commondir", limit=4096) or "").strip()
    return normalize_path(pointer, cwd=git_dir) if pointer else git_dir


def _run_time(word: str) -> bool:
    return "$" in word or "`" in word
