"""The Terraform configuration a removal of many files at once takes away: ``rm *.tf``, ``rm -rf
.``, ``rm -r modules/``, ``mv infra /tmp/``, ``find . -name '*.tf' -delete``.

Deleting ``main.tf`` names the resources its text protects with ``prevent_destroy`` (without
their blocks the next apply destroys them: :mod:`keyturn.understand.shell._terraform_writes`).
A glob or a directory names no file, so the Terraform files it takes in are found here through
the files at hand -- bash expands the glob as the line runs (``*``, ``?``, ``[…]`` in each part,
``**`` at any depth, as zsh and bash's ``globstar`` read it; dot files count, as with
``dotglob``) and a directory removed whole holds them -- and read, and what they protect is
named on the effect, which then switches that protection off.

Only a word bash expands is a glob: ``rm '*.tf'`` removes the file named ``*.tf`` (as does the
``{}`` of ``find -exec``, which find fills in; the ``find`` handler judges that itself, with the
tests before the action, :func:`find_keeps`). ``.terraform`` (provider and module downloads),
``.git`` and ``node_modules`` are not searched; nor is more than :data:`_MAX_ENTRIES` entries
(the detail says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fnmatch import fnmatchcase
from itertools import pairwise

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand._hcl_protection import (
    TERRAFORM_READ_LIMIT,
    dropped_protection,
    is_terraform_file,
)
from keyturn.understand.shell.commands._find_actions import FIND_OPERATORS, find_test_passes
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_GLOB = frozenset("*?[")
# Not configuration, and large: downloads (``.terraform``), history, packages.
_SKIPPED = frozenset({".terraform", ".git", "node_modules"})
_MAX_ENTRIES = 20_000
# Tests of find that say which files an action reaches (the others only narrow it further).
_FIND_NAMES = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename"})


def globbed_words(cmd: SimpleCommand) -> frozenset[str]:
    """The words of ``cmd`` that bash expands as globs (a ``*``, ``?`` or ``[`` outside quotes
    and not escaped). Without the words as written, every word that holds one."""
    if len(cmd.raw_argv) != len(cmd.argv):
        return frozenset(w for w in cmd.argv[1:] if _GLOB & set(w))
    return frozenset(
        word for word, raw in zip(cmd.argv[1:], cmd.raw_argv[1:], strict=True) if _expands(raw)
    )


def _expands(raw: str) -> bool:
    quote = ""
    escaped = False
    for char in raw:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in _GLOB:
            return True
    return False


class _Walk:
    """What a search of the files at hand found, and whether it stopped short."""

    def __init__(self, ctx: ShellContext) -> None:
        self.ctx = ctx
        self.found: dict[str, None] = {}
        self.left = _MAX_ENTRIES
        self.cut = False

    def listed(self, folder: str) -> list[str]:
        """The entries of ``folder`` (absolute paths), as far as the budget goes."""
        names = self.ctx.files.list_dir(folder) or ()
        if len(names) > self.left:
            self.cut = True
            names = names[: self.left]
        self.left -= len(names)
        return [f"{folder.rstrip('/')}/{n}" for n in names if n not in _SKIPPED]

    def tree(self, folder: str) -> None:
        """Every Terraform file under ``folder``."""
        if folder.rstrip("/").rsplit("/", 1)[-1] in _SKIPPED:
            return
        stack = [folder]
        while stack and not self.cut:
            for path in self.listed(stack.pop()):
                if is_terraform_file(path):
                    self.found[path] = None
                elif self.ctx.files.is_dir(path):
                    stack.append(path)

    def folders(self, folder: str) -> list[str]:
        """``folder`` and every folder under it (``**``)."""
        out, stack = [], [folder]
        while stack and not self.cut:
            here = stack.pop()
            out.append(here)
            stack += [p for p in self.listed(here) if self.ctx.files.is_dir(p)]
        return out

    def expand(self, pattern: str) -> list[str]:
        """The paths the absolute glob ``pattern`` matches."""
        places = ["/"]
        for part in (p for p in pattern.split("/") if p):
            if part == "**":
                places = [f for place in places for f in self.folders(place)]
            elif _GLOB & set(part):
                places = [
                    p
                    for place in places
                    for p in self.listed(place)
                    if fnmatchcase(p.rsplit("/", 1)[-1], part)
                ]
            else:
                places = [f"{place.rstrip('/')}/{part}" for place in places]
        return places


def covered_files(
    paths: Iterable[str], ctx: ShellContext, *, globbed: bool, trees: bool
) -> tuple[list[str], bool]:
    """The Terraform files at hand that removing ``paths`` (absolute; globs when ``globbed``)
    takes away: a directory's whole tree with ``trees``. A plain file is left out (its own
    effect names what it protects). Also whether the search stopped short."""
    walk = _Walk(ctx)
    for path in paths:
        if path.endswith("/*") and trees:
            path = path[:-2] or "/"
        matched = walk.expand(path) if globbed and _GLOB & set(path) else [path]
        for found in matched:
            if trees and ctx.files.is_dir(found):
                walk.tree(found)
            elif found != path and is_terraform_file(found):
                walk.found[found] = None
    for written in ctx.written:  # what the line wrote there before (not on disk yet)
        if is_terraform_file(written) and any(_covers(p, written, trees=trees) for p in paths):
            walk.found[written] = None
    return list(walk.found), walk.cut


def _covers(path: str, written: str, *, trees: bool) -> bool:
    base = path[:-2] if path.endswith("/*") else path
    if trees and written.startswith(base.rstrip("/") + "/"):
        return True
    return written != path and fnmatchcase(written, path)


def with_removed_configuration(
    effect: Effect,
    paths: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    globbed: bool,
    trees: bool,
    keep: Callable[[str], bool] | None = None,
) -> Effect:
    """``effect`` (the removal of ``paths``), naming the resources the Terraform files it takes
    away protect and switching their protection off (module docstring). ``globbed``: the paths
    are globs bash expands; ``trees``: a directory goes whole; ``keep``: which of the files
    found it reaches (find's tests)."""
    if not (globbed or trees) or effect.catastrophic or effect.effect is EffectKind.READ:
        return effect  # one file (its own effect names it), or denied already
    found, cut = covered_files(paths, ctx, globbed=globbed, trees=trees)
    dropped: set[str] = set()
    for path in found:
        if keep is not None and not keep(path):
            continue
        for before in texts_before(path, ctx):
            dropped |= dropped_protection(path, before, None)
    note = "; not every file under it was searched for Terraform configuration" if cut else ""
    return naming_dropped(effect, dropped, "takes away the Terraform files that protect", note)


def naming_dropped(effect: Effect, dropped: set[str], what: str, note: str = "") -> Effect:
    """``effect`` naming the addresses ``dropped`` (``""``: a resource not told) and switching
    their protection off, its detail saying ``what`` it does to them; ``note`` is added to
    the detail either way."""
    if not dropped:
        return evolve(effect, detail=effect.detail + note) if note else effect
    names = (*effect.resource.names, *sorted(a for a in dropped if a))
    protected = ", ".join(sorted(a or "a resource" for a in dropped))
    said = f"{what} {protected} (prevent_destroy)"
    return evolve(
        effect,
        resource=Resource(tuple(dict.fromkeys(names)), type=effect.resource.type),
        removes_protection=True,
        detail=f"{effect.detail}; {said}{note}" if effect.detail else said + note,
    )


def glob_matches(pattern: str, ctx: ShellContext) -> tuple[list[str], bool]:
    """The paths the absolute glob ``pattern`` matches among the files at hand, as bash
    expands it; also whether the search stopped short."""
    walk = _Walk(ctx)
    return walk.expand(pattern), walk.cut


def terraform_files_under(folder: str, ctx: ShellContext) -> tuple[list[str], bool] | None:
    """The Terraform files under ``folder`` on disk, and whether the search stopped short;
    ``None`` when ``folder`` is not a directory that can be listed."""
    if not ctx.files.is_dir(folder) or ctx.files.list_dir(folder) is None:
        return None
    walk = _Walk(ctx)
    walk.tree(folder)
    return list(walk.found), walk.cut


def texts_before(path: str, ctx: ShellContext) -> list[str]:
    """What the file may hold when the command runs: the disk's text, and the text an earlier
    command on the line wrote there."""
    texts = []
    disk = ctx.files.read_text(path, limit=TERRAFORM_READ_LIMIT)
    if disk is not None:
        texts.append(disk)
    line = ctx.written.get(path)
    if line is not None:
        texts.append(line)
    return texts


def find_keeps(
    args: Sequence[str], action: int, roots: Sequence[tuple[str, str]]
) -> Callable[[str], bool]:
    """Which files (absolute) under ``roots`` (``(as written, absolute)``) find's action at
    ``args[action]`` reaches: those its ``-name``/``-path`` tests before it let through. An
    operator there (``-o``, ``!``, parentheses) lets everything through."""
    tests = list(args[:action])
    if any(word in FIND_OPERATORS for word in tests):
        return lambda path: True
    pairs = [(t, v) for t, v in pairwise(tests) if t in _FIND_NAMES]

    def keep(path: str) -> bool:
        shown = _as_find_shows(path, roots)
        return all(find_test_passes(test, value, shown) for test, value in pairs)

    return keep


def _as_find_shows(path: str, roots: Sequence[tuple[str, str]]) -> str:
    for written, root in roots:
        base = root.rstrip("/")
        if path.startswith(base + "/"):
            return written.rstrip("/") + path[len(base) :]
    return path


def find_removes(
    effect: Effect,
    args: list[str],
    action: int,
    roots: list[tuple[str, str]],
    cmd: SimpleCommand,
    ctx: ShellContext,
    under: list[str] | None = None,
) -> Effect:
    """A delete by find's action at ``args[action]`` (``-delete``; with ``under``, a delete by
    the command ``-exec`` runs on them) with the Terraform files it reaches named."""
    if effect.effect is not EffectKind.DELETE:
        return effect
    if under is not None and not {f"file:{u}" for u in under} & set(effect.resource.names):
        return effect  # not on what find found
    keep = find_keeps(args, action, roots)
    globbed = bool(globbed_words(cmd) & {written for written, _ in roots})
    paths = [root for _, root in roots]
    return with_removed_configuration(
        effect, paths, cmd, ctx, globbed=globbed, trees=True, keep=keep
    )
