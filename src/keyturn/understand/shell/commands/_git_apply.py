"""``git apply`` and ``git am``, for the handler of :mod:`.git`: a patch's files are named from
its headers (:mod:`._patch_files`), under the work tree's root (``--directory=D``: under D there)
after ``-p N`` (1 unless given). Run below the top of the work tree, git 2.39 reads a git diff's
names (``diff --git``) from the top but a plain diff's (``---``/``+++`` only) from the folder it
runs in (``cd sub && git apply plain.diff`` changed ``sub/f``; checked in a scratch repository):
a patch holding both is read both ways. ``--reject`` writes each hunk that does not apply
beside its file, as ``<file>.rej``.

``-3``/``--3way`` merges with the blobs the patch's ``index`` lines name, and even without it
a ``Binary files ... differ`` patch with full ``index`` ids writes the repository's blob (git
2.39: a patch of ``main.tf`` naming an older blob wrote that blob, ``prevent_destroy`` gone,
none of it in the patch's text): what a patched file holds after is never read from the patch,
so each Terraform file it names is judged as written (:mod:`.._terraform_writes`), whatever
its hunks say. ``-3 --cached`` leaves the work tree alone (conflicts stay in the index).

``apply --check``/``--stat``/``--numstat``/``--summary`` change nothing unless ``--apply`` is
given; ``apply --cached`` changes the index only. When the patch's text is not at hand (piped in
from a download, a file not there) it may change any file: the hook settings of the work tree
are named then (self-protection refuses it where there are some; a person applies it), and so
are the addresses every Terraform file of the tree protects with ``prevent_destroy``.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_aborts import undone
from keyturn.understand.shell.commands._git_config_file import everything_in, work_tree_root
from keyturn.understand.shell.commands._git_effects import (
    git_effect,
    split_options,
    worktree_effect,
)
from keyturn.understand.shell.commands._git_tree_settings import Touches
from keyturn.understand.shell.commands._patch_files import (
    PatchedFile,
    patch_effects,
    patch_reads,
    patch_text,
    patched_files,
    settings_any_patch_reaches,
    stripped,
    under,
)
from keyturn.understand.shell.commands._tf_git_rewrites import with_rewritten_configuration
from keyturn.understand.shell.effects import write_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_VALUED = frozenset(
    {"--directory", "--include", "--exclude", "--whitespace", "-C", "--patch-format"}
)
_SUMMARIES = frozenset({"--check", "--stat", "--numstat", "--summary"})
_AM_CONTROL = frozenset(
    {"--continue", "--skip", "--abort", "--quit", "--resolved", "-r", "--show-current-patch"}
)


def apply(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git apply [OPTIONS] [PATCH...]`` (``args``: after the subcommand)."""
    return _applied(args, repo, cmd, ctx, am=False)


def am(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git am [OPTIONS] [MBOX...]``: each mail's patch applied and committed."""
    return _applied(args, repo, cmd, ctx, am=True)


def _applied(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext, *, am: bool
) -> list[Effect]:
    flags, operands, values = split_options(args, _VALUED)
    moves_head = git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)
    if am and flags & _AM_CONTROL:
        reset = undone("am", flags, repo, cmd, ctx)
        if reset is not None:
            return reset
        return [
            moves_head,
            worktree_effect(EffectKind.UPDATE, [everything_in(repo, ctx)], cmd, ctx, "am"),
        ]
    reads = patch_reads(operands, cmd, ctx)
    if not am and flags & _SUMMARIES and "--apply" not in flags:
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail="checks"), *reads]
    index_only = not am and "--cached" in flags
    texts = [patch_text(p, cmd, ctx) for p in (operands or ["-"])]
    found = [patched_files(t) if t is not None else None for t in texts]
    if any(f is None for f in found):
        # Not told which files it changes: any, the hook settings among them.
        reached = [] if index_only else settings_any_patch_reaches(repo, ctx)
        detail = "applies a patch whose text is not at hand"
        changed = [] if index_only else [everything_in(repo, ctx), *reached]
        tree = [worktree_effect(EffectKind.UPDATE, changed, cmd, ctx, detail)] if changed else []
        # It may take any prevent_destroy out: every protected address of the tree is named.
        tree = [
            with_rewritten_configuration(
                t, ctx, Touches.EVERY_FILE, said="a patch whose text is not at hand"
            )
            for t in tree
        ]
        return [moves_head, *tree, *reads]
    if index_only:
        return [
            git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx, detail="the index"),
            *reads,
        ]
    root = work_tree_root(ctx.cwd, ctx) or ctx.cwd
    strip = values.get("-p", "1")
    level = int(strip) if strip.isdigit() else None
    reverse = bool(flags & {"-R", "--reverse"})
    effects = [moves_head]
    for text, files in zip(texts, found, strict=True):
        # git am applies from the top (git 2.39: a plain diff's f, run in sub/, changed f).
        for start in [root] if am else _name_bases(text or "", root, ctx.cwd):
            base = start
            if "--directory" in values:
                base = normalize_path(values["--directory"], cwd=start)
            effects += patch_effects(
                files or [], base, cmd, ctx, strip=level, reverse=reverse, service="git"
            )
            if "--reject" in flags:
                effects += _rejects(files or [], base, level, cmd, ctx)
    return [*effects, *reads]


# The lines git reads as part of a ``diff --git`` header, before its ``---``/``+++`` pair.
_EXTENDED = (
    "index ",
    "old mode ",
    "new mode ",
    "deleted file mode ",
    "new file mode ",
    "similarity index ",
    "dissimilarity index ",
    "rename from ",
    "rename to ",
    "copy from ",
    "copy to ",
)


def _name_bases(text: str, root: str, here: str) -> list[str]:
    """Where git reads the patch's names from (module docstring): the top for a git diff's,
    the folder it runs in for a plain diff's; both when the patch holds both kinds."""
    git_style = plain = False
    in_header = False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("diff --git "):
            git_style, in_header = True, True
        elif line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            plain = plain or not in_header
            in_header = False
        elif not (in_header and line.startswith(_EXTENDED)):
            in_header = False
    bases = ([root] if git_style else []) + ([here] if plain else [])
    return list(dict.fromkeys(bases)) or [root]


def _rejects(
    files: list[PatchedFile],
    base: str,
    strip: int | None,
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect]:
    """The ``<file>.rej`` files ``--reject`` writes for the hunks that do not apply."""
    names: list[str] = []
    for found in files:
        level = 0 if found.bare else strip
        for name in (found.old, found.new):
            names += [under(base, p) + ".rej" for p in (stripped(name, level) if name else [])]
    detail = "writes the hunks that do not apply"
    return [write_effect(n, cmd, ctx, detail=detail) for n in dict.fromkeys(names)]
