"""The Terraform configuration a copy or an extraction over a whole tree takes away: ``cp -r
src/. .``, ``cp -r src modules``, ``rsync -a [--delete] src/ .``, ``tar -xf a.tar``, ``unzip
a.zip``, ``cp /tmp/x/* .``.

Such a command names the tree it writes (``file:<dest>/*``), not the files in it; what it does
to them is found here. A source at hand (a folder, or the files a glob matches, read through the
file reader) is compared file by file: a Terraform file of the destination it overwrites names
what it protected and the new text no longer does (:func:`dropped_protection`), one ``rsync
--delete`` removes (the source does not hold it) names all it protected, and a file it brings
that overrides another's protection -- ``override.tf``, ``x_override.tf``, ``main.tofu`` beside
``main.tf`` -- names what that one protected (:func:`dropped_elsewhere`). A source that is not
at hand (an archive's members, another host's folder, a folder not there or too large to walk)
may hold anything, an override file too (``tar -k`` keeps the files there, not from new ones):
every Terraform file of the destination tree then names what it protects.
"""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase

from keyturn.model import Effect, EffectKind
from keyturn.understand._hcl_protection import (
    TERRAFORM_READ_LIMIT,
    dropped_elsewhere,
    dropped_protection,
    is_terraform_file,
)
from keyturn.understand.shell.commands._tf_removal import (
    covered_files,
    glob_matches,
    naming_dropped,
    terraform_files_under,
    texts_before,
)
from keyturn.understand.shell.registry import ShellContext

_GLOB = frozenset("*?[")
_WHAT = "may take away the Terraform configuration that protects"
# What a copy writes: {destination path: its new text (None: not known)}; None when the
# source is not at hand (anything may be written).
Writes = dict[str, str | None] | None


def with_tree_written(
    effect: Effect,
    dest: str,
    ctx: ShellContext,
    *,
    sources: list[str | None],
    deletes: bool = False,
) -> Effect:
    """``effect`` (a write of the tree ``dest``), naming what the Terraform files it overwrites,
    removes or brings in take away (module docstring). ``sources``: the folders or files whose
    contents land in ``dest`` itself (``None``: one not at hand); ``deletes``: files of ``dest``
    the sources do not hold go (``rsync --delete``)."""
    if effect.catastrophic or effect.effect is EffectKind.READ:
        return effect
    writes: dict[str, str | None] | None = {}
    for source in sources:
        found = _source_writes(source, dest, ctx)
        if found is None or writes is None:
            writes = None
            continue
        writes.update(found)
    return _judged(effect, dest, writes, ctx, deletes=deletes)


def with_glob_copied(
    effect: Effect, pattern: str, dest: str, ctx: ShellContext, *, trees: bool
) -> Effect:
    """``effect`` (a copy of what the glob ``pattern`` matches into the folder ``dest``, folders
    whole with ``trees``), naming what the Terraform files it overwrites or brings take away."""
    if effect.catastrophic or effect.effect is EffectKind.READ:
        return effect
    matches, cut = glob_matches(pattern, ctx)
    if cut or not matches:
        # Not at hand: a Terraform file of dest the glob's last part matches may be
        # overwritten (with trees, a folder it matches), and the copy may bring an override.
        name = pattern.rstrip("/").rsplit("/", 1)[-1]
        return _judged(effect, dest, None, ctx, reached=lambda rel: _first_matches(rel, name))
    writes: dict[str, str | None] = {}
    for match in matches:
        target = f"{dest.rstrip('/')}/{match.rsplit('/', 1)[-1]}"
        if ctx.files.is_dir(match):
            if trees:
                found = _source_writes(match, target, ctx)
                if found is None:
                    return _judged(effect, dest, None, ctx)
                writes.update(found)
        elif is_terraform_file(match):
            writes[target] = _read(match, ctx)
    return _judged(effect, dest, writes, ctx)


def _first_matches(relative: str, name: str) -> bool:
    return fnmatchcase(relative.split("/", 1)[0], name)


def _source_writes(
    source: str | None, dest: str, ctx: ShellContext
) -> dict[str, str | None] | None:
    """The Terraform files copying ``source``'s contents into ``dest`` writes, and their texts;
    ``None`` when the source is not at hand."""
    if source is None or not source.startswith("/"):
        return None
    base = dest.rstrip("/")
    if not ctx.files.is_dir(source):
        if not ctx.files.exists(source):
            return None
        name = source.rsplit("/", 1)[-1]  # one file, into the folder dest
        return {f"{base}/{name}": _read(source, ctx)} if is_terraform_file(name) else {}
    walked = terraform_files_under(source, ctx)
    if walked is None or walked[1]:
        return None
    root = source.rstrip("/")
    found = [*walked[0], *(w for w in ctx.written if w.startswith(root + "/"))]
    return {
        f"{base}/{path[len(root) + 1 :]}": _read(path, ctx)
        for path in found
        if is_terraform_file(path)
    }


def _read(path: str, ctx: ShellContext) -> str | None:
    if path in ctx.written:
        return None  # written earlier on the line: what it holds then is not sure
    return ctx.files.read_text(path, limit=TERRAFORM_READ_LIMIT)


def _judged(
    effect: Effect,
    dest: str,
    writes: Writes,
    ctx: ShellContext,
    *,
    deletes: bool = False,
    reached: Callable[[str], bool] | None = None,
) -> Effect:
    """``effect`` naming what the copy of ``writes`` into ``dest`` takes away; ``reached``
    (a test of a path relative to ``dest``) narrows the files of dest it may overwrite when
    the source is not at hand."""
    found, cut = covered_files([dest], ctx, globbed=False, trees=True)
    base = dest.rstrip("/")
    dropped: set[str] = set()
    for path in found:
        if writes is None:
            if reached is not None and not reached(path[len(base) + 1 :]):
                continue
            after: str | None = None
        elif path in writes:
            after = writes[path]
        elif deletes:
            after = ""
        else:
            continue  # left as it is
        for before in texts_before(path, ctx):
            dropped |= dropped_protection(path, before, after)
    for path, text in (writes or {}).items():
        dropped |= dropped_elsewhere(path, text, ctx.files)
    note = "; not every file under it was searched for Terraform configuration" if cut else ""
    return naming_dropped(effect, dropped, _WHAT, note)


def with_rsync_written(
    effect: Effect,
    sources: list[tuple[str, str]],
    dest: str,
    ctx: ShellContext,
    *,
    deletes: bool,
    trees: bool,
) -> Effect:
    """``effect`` (rsync's write of the local ``dest``) naming what the Terraform files it
    overwrites, removes or brings take away. ``sources``: each as written and its place
    (:func:`._rsync_places.rsync_place`). A source written with a trailing ``/`` (or ``.``)
    sends what it holds into ``dest``; else itself, by its name, into the folder ``dest``
    (a file sent to a file ``dest`` is that file's own write). Without ``trees`` (``-r``,
    ``-a``) rsync skips a folder, and deletes nothing."""
    into_dest: list[str | None] = []
    deletes = deletes and trees
    for word, place in sources:
        local = place.startswith("/")
        if local and not trees and ctx.files.is_dir(place):
            continue  # "skipping directory"
        if word in (".", "..") or word.endswith(("/", "/.", "/..")):
            into_dest.append(place if local else None)
            continue
        if not (len(sources) > 1 or dest.endswith("/") or ctx.files.is_dir(dest)):
            continue  # one file onto another: file_effect judges it
        name = place.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        if local and ctx.files.is_dir(place):
            effect = with_tree_written(
                effect, f"{dest.rstrip('/')}/{name}", ctx, sources=[place], deletes=deletes
            )
        elif local and ctx.files.exists(place):
            into_dest.append(place)  # one file, by its name
        elif is_terraform_file(name):
            into_dest.append(None)  # a Terraform file not at hand: anything of dest
        elif trees:  # a folder not at hand, under its name
            target = f"{dest.rstrip('/')}/{name}"
            effect = with_tree_written(effect, target, ctx, sources=[None], deletes=deletes)
    if not into_dest:
        return effect
    return with_tree_written(effect, dest, ctx, sources=into_dest, deletes=deletes)
