"""Which hook settings files a git subcommand changing a whole tree reaches, for
:mod:`._git_worktree` and :mod:`.git`.

``git clean``, ``reset --hard``, ``stash``, ``checkout .`` name ``file:<repo>/*``; the hook
settings the reader shows in that tree (:mod:`._hook_settings_files`) are added to the effect
when the subcommand changes them, as git decides which files it touches:

- ``clean`` removes untracked files that are not ignored; ``-x`` ignored ones too; ``-X`` only
  ignored ones. Tracked files stay.
- ``checkout .``, ``restore .`` write the index's version over a file that differs from it.
- ``stash``, ``reset --hard``, ``checkout -f`` make the index and the work tree what ``HEAD``
  holds: a file that differs from it in either is rewritten; ``stash -u`` also removes untracked
  files that are not ignored, ``-a`` every untracked file. ``stash -k`` makes the work tree what
  the index holds (as ``checkout .``; with ``-u`` untracked files go too); ``stash --staged``
  takes the staged changes out: a file the index holds otherwise than ``HEAD`` is rewritten.
- From another commit (``reset --hard v1``, ``checkout main -- .``, ``switch -f main``) the same
  against that commit; switching branches without ``-f`` writes the files the two commits hold
  differently; ``merge X``/``rebase X`` the files ``X`` changed since the two parted
  (:mod:`._git_merges`).
- ``rm -r`` removes every tracked file.

Whether a file differs is read from the repository itself (``FileReader.git_entries``: the
commit's, the index's and the work tree's object ids), and only when nothing earlier on the
line changed anything: otherwise what git finds is not what the disk shows now. What the reader
cannot tell (:mod:`._git_tracking`) is read as the change: a file is spared only when it is
known to be one git leaves alone. A repository holding replacements (``git replace``, under
``refs/replace/``) shows other commits than the ones read: nothing is compared there.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from enum import Enum

from keyturn.model import Effect, Resource
from keyturn.understand import GitEntries
from keyturn.understand.shell.commands._git_config_file import work_tree_root
from keyturn.understand.shell.commands._git_tracking import ignored, tracked
from keyturn.understand.shell.commands._hook_settings_files import (
    HookSettings,
    folders_down_to,
    hook_settings_in,
    under,
)
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, evolve


class Touches(Enum):
    """Which files of the tree a subcommand changes."""

    TRACKED = "tracked files"  # rm -r
    UNTRACKED = "untracked files that are not ignored"  # clean
    UNTRACKED_AND_IGNORED = "untracked files, ignored ones too"  # clean -x
    IGNORED = "ignored files"  # clean -X
    UNLIKE_INDEX = "tracked files that differ from the index"  # checkout .
    UNLIKE_COMMIT = "files that differ from a commit"  # stash, reset --hard [REV]
    UNLIKE_COMMIT_AND_UNTRACKED = "those, and untracked files that are not ignored"  # stash -u
    UNLIKE_INDEX_AND_UNTRACKED = "files unlike the index, untracked ones not ignored"  # stash -ku
    STAGED = "files the index holds otherwise than HEAD"  # stash --staged
    SWITCHED = "files the commit switched to holds otherwise"  # checkout BRANCH
    MERGED = "files the commit merged changed since the two parted"  # merge, rebase
    EVERY_FILE = "every file"  # stash -a


def settings_reached(
    folders: Iterable[str],
    touches: Touches,
    ctx: ShellContext,
    *,
    revision: str = "HEAD",
    base: str = "HEAD",
) -> list[str]:
    """The names of the hook settings in ``folders`` that a subcommand changing ``touches``
    changes, or may: what cannot be told counts. ``revision``: the commit it makes the tree
    like, where one counts; ``base``: for a switch, the commit it switches from (a stash
    applied: the commit the stash was made on)."""
    revisions = (revision, base)
    return [
        f.name for f in hook_settings_in(folders, ctx) if not _spared(f, touches, ctx, revisions)
    ]


def whole_work_tree(repo: str, ctx: ShellContext) -> list[str]:
    """The folders to probe for a subcommand that changes the whole work tree holding ``repo``
    (``reset --hard``, ``stash``): its root and each directory from ``repo`` up to it."""
    root = work_tree_root(repo, ctx)
    return folders_down_to(root, repo) if root is not None else [repo]


def named_too(effect: Effect, names: list[str]) -> Effect:
    """``effect`` naming the files ``names`` (absolute paths) as well."""
    if not names:
        return effect
    added = tuple("file:" + n for n in names)
    resource = Resource(tuple(dict.fromkeys(effect.resource.names + added)), effect.resource.type)
    return evolve(effect, resource=resource)


def rewrites_file(
    path: str, touches: Touches, ctx: ShellContext, *, revision: str = "HEAD", base: str = "HEAD"
) -> bool | None:
    """Whether a subcommand changing ``touches`` (one that brings a commit's or the index's
    files: ``checkout``, ``restore``, ``reset --hard``, a switch) writes other contents over
    the file ``path`` (or removes it), as the repository's object ids say: ``False`` when git
    leaves it as it is. ``None`` when that cannot be read -- no repository or objects at hand,
    a revision not resolved, or an earlier command on the line changed what git will find."""
    if touches not in _BY_CONTENT or ctx.disk_stale or ctx.committed_earlier:
        return None
    root = work_tree_root(posixpath.dirname(path), ctx)
    relative = under(path, root) if root is not None else None
    if root is None or relative is None or replaced(root, ctx):
        return None
    needed = _revisions_needed(touches, (revision, base), committed_earlier=False)
    entries = ctx.files.git_entries(root, relative, needed)
    if entries is None or entries.commit(revision) is None:
        return None
    found = HookSettings(path, folder=False)
    return not _unchanged(entries, touches, found, ctx, (root, relative, revision, base))


def replaced(root: str, ctx: ShellContext) -> bool:
    """Whether the repository of the work tree ``root`` may hold replacements (``git replace``:
    ``refs/replace/*``), or that cannot be told: git then shows other commits than the ones
    the reader (which applies none) reads."""
    dot_git = root.rstrip("/") + "/.git"
    git_dir = dot_git
    if not ctx.files.is_dir(dot_git):
        pointer = (ctx.files.read_text(dot_git, limit=4096) or "").strip()
        if not pointer.startswith("gitdir:"):
            return True
        git_dir = normalize_path(pointer.removeprefix("gitdir:").strip(), cwd=root)
    shared = (ctx.files.read_text(git_dir + "/commondir", limit=4096) or "").strip()
    common = normalize_path(shared, cwd=git_dir) if shared else git_dir
    if ctx.files.list_dir(common + "/refs/replace"):
        return True
    packed = ctx.files.read_text(common + "/packed-refs", limit=_PACKED_LIMIT)
    return packed is not None and (" refs/replace/" in packed or len(packed) >= _PACKED_LIMIT)


_PACKED_LIMIT = 4_000_000


def _spared(
    found: HookSettings, touches: Touches, ctx: ShellContext, revisions: tuple[str, str]
) -> bool:
    """Whether git is known to leave ``found`` alone."""
    revision = revisions[0]
    if touches is Touches.EVERY_FILE or ctx.disk_stale:
        return False
    root = work_tree_root(posixpath.dirname(found.path), ctx)
    relative = under(found.path, root) if root is not None else None
    if root is None or relative is None:
        return False  # no repository seen: what git tracks or ignores cannot be told
    if touches in _BY_CONTENT and replaced(root, ctx):
        return False  # the commits git shows are not those the reader reads
    needed = _revisions_needed(touches, revisions, committed_earlier=ctx.committed_earlier)
    entries = ctx.files.git_entries(root, relative, needed) if needed else None
    if ctx.committed_earlier and not _recorded_alike(entries):
        return False  # what the line commits first may differ from what is read now
    if touches in _BY_CONTENT and entries is not None and entries.commit(revision) is not None:
        return _unchanged(entries, touches, found, ctx, (root, relative, *revisions))
    # The repository's objects cannot be read: only whether the index holds the file is told.
    is_tracked = tracked(root, relative, ctx, folder=found.folder)
    if touches is Touches.UNLIKE_COMMIT and revision != "HEAD":
        return False  # another commit may hold the file, tracked here or not
    if touches in _TRACKED_ONLY:
        return is_tracked is False
    if touches in _AND_UNTRACKED:
        return is_tracked is False and ignored(root, relative, ctx, folder=found.folder) is True
    if is_tracked is True:  # clean never removes a tracked file
        return True
    if touches is Touches.UNTRACKED:
        return ignored(root, relative, ctx, folder=found.folder) is True
    # -x removes it whatever the ignore files say; -X removes it when they ignore it, and a
    # "not ignored" from files read here is not trusted to spare it (git may read others).
    return False


def _revisions_needed(
    touches: Touches, revisions: tuple[str, str], *, committed_earlier: bool
) -> tuple[str, ...]:
    """The commits whose files the judgement compares, read in one go: the one the subcommand
    brings; for a switch the one it starts from; for a merge HEAD and where the two parted;
    and HEAD when work is committed first on the line."""
    revision, base = revisions
    wanted: list[str] = []
    if touches in _BY_CONTENT:
        wanted.append(revision)
        if touches is Touches.SWITCHED:
            wanted.append(base)
        elif touches is Touches.MERGED:
            wanted += ["HEAD", f"HEAD...{revision}"]
    if committed_earlier:
        wanted.append("HEAD")
    return tuple(dict.fromkeys(wanted))


def _recorded_alike(entries: GitEntries | None) -> bool:
    """Whether the work tree, the index and HEAD hold the same files: then ``git add``/``git
    commit`` leave HEAD's as they are."""
    if entries is None:
        return False
    head = entries.commit("HEAD")
    return head is not None and entries.worktree_beside("HEAD") == dict(entries.index) == head


_BY_CONTENT = frozenset(
    {
        Touches.UNLIKE_INDEX,
        Touches.UNLIKE_COMMIT,
        Touches.UNLIKE_COMMIT_AND_UNTRACKED,
        Touches.UNLIKE_INDEX_AND_UNTRACKED,
        Touches.STAGED,
        Touches.SWITCHED,
        Touches.MERGED,
    }
)
_AND_UNTRACKED = frozenset(
    {Touches.UNLIKE_COMMIT_AND_UNTRACKED, Touches.UNLIKE_INDEX_AND_UNTRACKED}
)
# What leaves an untracked file alone (git refuses to overwrite one, or never looks at it).
_TRACKED_ONLY = frozenset(
    {
        Touches.TRACKED,
        Touches.UNLIKE_INDEX,
        Touches.UNLIKE_COMMIT,
        Touches.STAGED,
        Touches.SWITCHED,
        Touches.MERGED,
    }
)


def _unchanged(
    entries: GitEntries,
    touches: Touches,
    found: HookSettings,
    ctx: ShellContext,
    where: tuple[str, str, str, str],
) -> bool:
    """Whether the files at ``found`` (``where``: the work tree, the path in it, the commit the
    subcommand brings, the commit a switch starts from) are already what the subcommand would
    make them, as ``entries`` say."""
    root, relative, revision, base = where
    theirs = entries.commit(revision)
    if touches is Touches.MERGED:
        # A three-way merge keeps our version of a file the other side did not change since
        # the two parted (or changed to what we hold): else it writes theirs, or a conflict.
        ours, parted = entries.commit("HEAD"), entries.commit(f"HEAD...{revision}")
        return ours is not None and parted is not None and theirs in (ours, parted)
    if touches is Touches.SWITCHED:
        # Without -f, git writes only the files the two commits hold differently (a local
        # change to any other file is carried over as it is).
        now = entries.commit(base)
        return now is not None and now == theirs
    index = dict(entries.index)
    if touches is Touches.STAGED:
        return theirs == index  # nothing staged there: git leaves the work tree's file alone
    like_index = entries.worktree_beside(revision) == index
    same = like_index if touches in _FROM_INDEX else like_index and theirs == index
    if touches in _AND_UNTRACKED:
        if found.folder:
            return False  # untracked files in it would go too, and they cannot be listed here
        if not index and not theirs:  # untracked: removed unless ignored
            return ignored(root, relative, ctx) is True
    return same


_FROM_INDEX = frozenset({Touches.UNLIKE_INDEX, Touches.UNLIKE_INDEX_AND_UNTRACKED})
