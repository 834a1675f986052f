"""``patch``: applies a diff to the files its headers name (:mod:`._patch_files`).

The files are named under the working directory (``-d DIR``: under DIR) after ``-p N``; without
``-p`` both the whole name and its base name are named, as GNU patch may read either. An
original file given (``patch FILE < fix.diff``) is the one changed; ``-o OUT`` writes OUT
instead; ``--dry-run`` changes nothing. A patch whose text is not at hand (piped from a
download, a file not there) or not read here (a context diff) is not understood.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._patch_files import (
    patch_effects,
    patch_reads,
    patch_text,
    patched_files,
    settings_any_patch_reaches,
)
from keyturn.understand.shell.effects import (
    command_effect,
    file_effect,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

PATCH = OptionSpec(
    valued="pidoBDFVYzrg",
    long={
        "strip": "p",
        "input": "i",
        "directory": "d",
        "output": "o",
        "reverse": "R",
        "dry-run": "dry-run",
        "backup": "b",
        "forward": "N",
        "force": "f",
        "batch": "t",
        "silent": "s",
        "quiet": "s",
        "reject-file": "r",
        "prefix": "B",
        "ifdef": "D",
        "fuzz": "F",
        "version-control": "V",
        "basename-prefix": "Y",
        "suffix": "z",
        "get": "g",
    },
    long_valued=frozenset({"p", "i", "d", "o", "r", "B", "D", "F", "V", "Y", "z", "g"}),
)


@command("patch")
def patch(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    opts = parse_options(cmd.args, PATCH)
    source = opts.value("i") or (opts.operands[1] if len(opts.operands) > 1 else "-")
    reads = patch_reads([source], cmd, ctx)
    if opts.surely_on("dry-run"):
        return [command_effect(EffectKind.READ, cmd, ctx, detail="dry run"), *reads]
    base = normalize_path(opts.value("d") or ".", cwd=ctx.cwd)
    reads += _side_files(opts, base, cmd, ctx)
    output = opts.value("o")
    if output is not None and output != "-":
        return [write_effect(normalize_path(output, cwd=base), cmd, ctx), *reads]
    if opts.operands:  # the file to patch is given: the patch's names are not read
        changed = normalize_path(opts.operands[0], cwd=base)
        backups = [
            write_effect(b, cmd, ctx, detail=f"the backup of {changed}")
            for b in _backups(changed, opts)
        ]
        return [write_effect(changed, cmd, ctx, detail=f"patches {changed}"), *backups, *reads]
    text = patch_text(source, cmd, ctx)
    files = patched_files(text) if text is not None else None
    if not files:
        reason = (
            "applies a patch whose text is not at hand"
            if text is None
            else "applies a patch whose files are not told (a context diff, or none named)"
        )
        return [unknown_effect(cmd, reason, ctx), *_hook_settings(base, cmd, ctx), *reads]
    strip = opts.value("p")
    level = int(strip) if strip is not None and strip.isdigit() else None
    effects = patch_effects(files, base, cmd, ctx, strip=level, reverse=opts.has("R"))
    return [*effects, *reads]


def _hook_settings(base: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """A patch whose files are not told may change any file under ``base``: the hook settings
    of the work tree there are named."""
    reached = settings_any_patch_reaches(base, ctx)
    detail = "a patch whose files are not told may change them"
    return [file_effect(EffectKind.UPDATE, reached, cmd, ctx, detail=detail)] if reached else []


def _side_files(opts: Options, base: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What patch writes besides the files it patches: the rejects file (``-r FILE``: a hunk
    that does not apply is written there, and the patch decides which do not), and backups
    under a prefix or suffix (``-B``/``-Y``/``-z``) when the files patched are not told by
    the line (:func:`_backups` names them when they are)."""
    effects = []
    rejects = opts.value("r")
    if rejects is not None and rejects != "-":
        path = normalize_path(rejects, cwd=base)
        effects.append(write_effect(path, cmd, ctx, detail="the rejected hunks"))
    if not opts.operands and any(opts.value(k) for k in "BYz"):
        reason = "writes backups at names its -B/-Y/-z options make of files the patch names"
        effects.append(unknown_effect(cmd, reason, ctx))
    return effects


def _backups(changed: str, opts: Options) -> list[str]:
    """The backup files patch writes for ``changed`` under ``-B PREFIX``, ``-Y PREFIX`` (before
    the base name) or ``-z SUFFIX``."""
    folder, _, name = changed.rpartition("/")
    found = []
    if prefix := opts.value("B"):
        found.append(normalize_path(prefix + changed.lstrip("/"), cwd=folder or "/"))
        found.append(normalize_path(prefix + name, cwd=folder or "/"))
    if prefix := opts.value("Y"):
        found.append(normalize_path(f"{folder}/{prefix}{name}", cwd="/"))
    if suffix := opts.value("z"):
        found.append(normalize_path(changed + suffix, cwd="/"))
    return list(dict.fromkeys(found))
