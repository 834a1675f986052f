"""What a git repository on the local disk holds for one path: in a commit, in the index and in
the work tree, for :meth:`keyturn.localfiles.LocalFiles.git_entries`.

Read with dulwich, never by running ``git``: a repository's settings can run programs
(``core.fsmonitor``, ``diff.external``), and the repository belongs to the agent being judged.
Nothing here writes. Each entry is ``"MODE ID"`` as git records it (``100644 <blob id>``); the
work tree's files are hashed as ``git hash-object`` would without filters, so a file git would
see through a clean filter (``core.autocrlf``, LFS) reads as changed -- the answer that spares
nothing.

Anything that cannot be read (no repository, a commit that does not resolve, an object missing,
a sparse or split index, a conflict, a file too large or of another type) makes the answer
``None``: callers read that as "it may change".
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from typing import TYPE_CHECKING

from keyturn.understand import GitEntries

if TYPE_CHECKING:
    from dulwich.objects import Commit
    from dulwich.repo import Repo

_FILE_LIMIT = 4_000_000  # bytes hashed per work-tree file
_ENTRY_LIMIT = 2_000  # paths under one folder
# Index extensions whose entries live elsewhere (split index) or stand for whole directories
# (sparse index): the index read alone does not say what is tracked.
_PARTIAL_INDEX = (b"link", b"sdir")


class _Unreadable(Exception):
    """Something the answer depends on cannot be read."""


def git_entries(root: str, relative: str, revisions: Sequence[str]) -> GitEntries | None:
    """What the repository whose work tree is ``root`` holds at or under ``relative`` (a file or
    a folder): in each of ``revisions`` (``HEAD``, a branch, a tag, ``HEAD~3``, ``-`` for the
    branch checked out before, ``A...B``), in the index, and in the work tree for those paths.
    The repository is opened and its index read once for them all."""
    try:
        from dulwich.repo import Repo
    except ImportError:  # pragma: no cover - a dependency of keyturn
        return None
    try:
        with Repo(root) as repo:
            commits = {rev: _readable_commit(repo, relative, rev) for rev in revisions}
            index = _in_index(repo, relative)
            paths = sorted({*index, *(p for found in commits.values() for p in found or ())})
            if len(paths) > _ENTRY_LIMIT:
                return None
            worktree = {p: e for p in paths if (e := _in_worktree(root, p)) is not None}
            return GitEntries(commits=commits, index=index, worktree=worktree)
    except Exception:  # an unreadable repository (a broken object, a loop) tells nothing
        return None


def _readable_commit(repo: Repo, relative: str, revision: str) -> dict[str, str] | None:
    """:func:`_in_commit`, ``None`` when ``revision`` cannot be read."""
    try:
        return _in_commit(repo, relative, revision)
    except Exception:  # a revision not read here, a missing object: that one tells nothing
        return None


def _in_commit(repo: Repo, relative: str, revision: str) -> dict[str, str]:
    from dulwich.objects import Tree

    commit = _commit(repo, revision)
    if commit is None:
        return {}  # a repository with no commit yet holds nothing
    found: dict[str, str] = {}
    tree = repo[commit.tree]
    parts = relative.split("/")
    for depth, part in enumerate(parts):
        if not isinstance(tree, Tree):
            return {}
        try:
            mode, sha = tree[part.encode()]
        except KeyError:
            return {}
        if depth + 1 < len(parts):
            tree = repo[sha]
            continue
        if stat.S_ISDIR(mode):
            _walk(repo, repo[sha], relative, found)
        else:
            found[relative] = f"{mode:o} {sha.decode()}"
    return found


def _walk(repo: Repo, tree: object, prefix: str, found: dict[str, str]) -> None:
    from dulwich.objects import Tree

    if not isinstance(tree, Tree):
        raise _Unreadable(prefix)
    for entry in tree.iteritems():
        path = f"{prefix}/{entry.path.decode()}"
        if len(found) > _ENTRY_LIMIT:
            raise _Unreadable(prefix)
        if stat.S_ISDIR(entry.mode):
            _walk(repo, repo[entry.sha], path, found)
        else:
            found[path] = f"{entry.mode:o} {entry.sha.decode()}"


def _commit(repo: Repo, revision: str) -> Commit | None:
    """The commit ``revision`` names (a name or an id, then ``~N``/``^N`` steps); ``None`` for
    the ``HEAD`` of a repository with no commit yet."""
    from dulwich.objects import Commit
    from dulwich.objectspec import parse_commit

    if revision in ("-", "@{-1}"):
        revision = _previous_branch(repo)
    if "..." in revision:  # A...B: the one commit where A and B parted, as git reads it
        return _merge_base(repo, *revision.split("...", 1))
    if revision.lower() in ("@{u}", "@{upstream}"):
        revision = _upstream(repo)
    spelled = _REVISION.fullmatch(revision)
    if spelled is None:
        raise _Unreadable(revision)  # a reflog date, a search, a range: not read here
    name, steps = spelled.group(1), spelled.group(2)
    name = _SHORTHANDS.get(name, name)
    if name == "HEAD" and _unborn(repo):
        return None
    try:
        commit = parse_commit(repo, name.encode())
    except KeyError:
        if name == "HEAD":
            raise
        commit = parse_commit(repo, _remote_branch(repo, name))
    for step, count in _STEP.findall(steps):
        times = int(count) if count else 1
        # ~N: N first parents up; ^N: the Nth parent (^0: the commit itself).
        for which in [0] * times if step == "~" else [times - 1] if times else []:
            if which >= len(commit.parents):
                raise _Unreadable(revision)
            parent = repo[commit.parents[which]]
            if not isinstance(parent, Commit):
                raise _Unreadable(revision)
            commit = parent
    return commit


def _merge_base(repo: Repo, left: str, right: str) -> Commit:
    from dulwich.graph import find_merge_base
    from dulwich.objects import Commit

    ours, theirs = _commit(repo, left or "HEAD"), _commit(repo, right or "HEAD")
    if ours is None or theirs is None:
        raise _Unreadable("no commit")
    bases = find_merge_base(repo, [ours.id, theirs.id])
    if len(bases) != 1:  # unrelated histories, or a criss-cross: not one answer
        raise _Unreadable(f"{left}...{right}")
    found = repo[bases[0]]
    if not isinstance(found, Commit):
        raise _Unreadable(f"{left}...{right}")
    return found


def _upstream(repo: Repo) -> str:
    """The branch ``@{upstream}`` names: the current branch's ``branch.<name>.remote`` and
    ``.merge`` settings, as ``refs/remotes/<remote>/<branch>`` (``.`` : a local branch)."""
    from dulwich.refs import Ref

    head = repo.refs.read_ref(Ref(b"HEAD")) or b""
    if not head.startswith(b"ref: refs/heads/"):
        raise _Unreadable("no branch checked out")
    branch = head[len(b"ref: refs/heads/") :]
    config = repo.get_config()
    remote = config.get((b"branch", branch), b"remote")
    merge = config.get((b"branch", branch), b"merge")
    if not remote or not merge or not merge.startswith(b"refs/heads/"):
        raise _Unreadable("no upstream")
    name = merge[len(b"refs/heads/") :]
    if remote == b".":
        return f"refs/heads/{name.decode()}"
    return f"refs/remotes/{remote.decode()}/{name.decode()}"


_REVISION = re.compile(r"([^~^@:\s]+|@|stash@\{0\})((?:[~^]\d*)*)")
_STEP = re.compile(r"([~^])(\d*)")
_SHORTHANDS = {"@": "HEAD", "stash@{0}": "refs/stash"}


def _unborn(repo: Repo) -> bool:
    """Whether ``HEAD`` names a branch with no commit yet."""
    from dulwich.refs import Ref

    target = repo.refs.read_ref(Ref(b"HEAD"))
    if target is None or not target.startswith(b"ref: "):
        return False
    return repo.refs.read_ref(Ref(target[5:])) is None


def _previous_branch(repo: Repo) -> str:
    """What ``git checkout -`` switches to: the last ``checkout: moving from X to Y``'s X."""
    path = os.path.join(repo.controldir(), "logs", "HEAD")
    try:
        with open(path, "rb") as handle:
            lines = handle.read(_FILE_LIMIT).splitlines()
    except OSError as exc:
        raise _Unreadable("logs/HEAD") from exc
    for line in reversed(lines):
        _, _, message = line.partition(b"\t")
        if message.startswith(b"checkout: moving from "):
            return message.split(b" ")[3].decode()
    raise _Unreadable("no previous branch")


def _remote_branch(repo: Repo, name: str) -> bytes:
    """``git checkout NAME`` of a branch only a remote has: git makes it from the one remote
    branch so named (two or more: git refuses, and so nothing is switched)."""
    wanted = [name.encode()]
    matches = [
        ref
        for ref in repo.refs.allkeys()
        if ref.startswith(b"refs/remotes/") and ref.split(b"/", 3)[3:] == wanted
    ]
    if len(matches) != 1:
        raise _Unreadable(name)
    return matches[0]


def _in_index(repo: Repo, relative: str) -> dict[str, str]:
    from dulwich.index import ConflictedIndexEntry

    index = repo.open_index()
    if any(ext.signature in _PARTIAL_INDEX for ext in index._extensions):
        raise _Unreadable("index")
    found: dict[str, str] = {}
    name = relative.encode()
    prefix = name + b"/"
    for path, entry in index.items():
        if path != name and not path.startswith(prefix):
            continue
        if isinstance(entry, ConflictedIndexEntry) or stat.S_ISDIR(entry.mode):
            raise _Unreadable(path)
        found[path.decode()] = f"{entry.mode:o} {entry.sha.decode()}"
    return found


def _in_worktree(root: str, relative: str) -> str | None:
    """The entry git would record for the work tree's file (without filters); ``None`` when it
    is not there or is not a file or a link."""
    from dulwich.objects import Blob

    path = os.path.join(root, relative)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            mode, data = 0o120000, os.fsencode(os.readlink(path))
        elif stat.S_ISREG(info.st_mode) and info.st_size <= _FILE_LIMIT:
            mode = 0o100755 if info.st_mode & stat.S_IXUSR else 0o100644
            with open(path, "rb") as handle:
                data = handle.read(_FILE_LIMIT + 1)
        else:
            return None
    except OSError:
        return None
    return f"{mode:o} {Blob.from_string(data).id.decode()}"
