"""Archives and compressors: ``tar``, ``zip``/``unzip``, ``gzip``/``bzip2``/``xz``/``zstd``/``lz4``.

- Listing and testing read the archive. Creating writes it and reads what goes in.
- Extracting writes into the target directory (``-C``, ``-d``, else the working directory):
  an ``update`` of everything under it, as the members are not known before the archive is read
  (what the Terraform files there protect is named: one may be overwritten or overridden).
- ``tar --recursive-unlink`` removes each directory the archive names, with all in it, before
  extracting: a delete of the members named, else of everything under the target directory.
- What removes the originals is a delete of them: ``tar --remove-files``, ``zip -m``, and the
  compressors, which replace each file by its compressed (or decompressed) form unless told to
  keep it (``-k``; zstd and lz4 keep unless ``--rm``). Recursively over ``/`` or a home
  directory that is catastrophic, as ``rm -r`` is.
- Options that make them run a command are judged by that command: tar's
  ``--use-compress-program``/``-I``, ``--to-command``, ``--checkpoint-action=exec=``,
  ``--info-script``/``-F``, ``--new-volume-script``, ``--rsh-command``, ``--rmt-command``; zip's
  ``-TT``/``--unzip-command``. A ``host:path`` archive (tar reaches it through a remote shell)
  and ``TAR_OPTIONS`` set on the line are unknown.
- Long options are read as each tool takes them, abbreviations included (:mod:`._tar_options`,
  :mod:`._zip_options`). Files they write besides the archive are named (tar's
  ``--index-file``, ``--volno-file``, ``-g`` snapshot; zip's ``-lf`` log); the members of a
  list in a file (``tar -T``, ``xz --files``, ``zstd --filelist``) are unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._tar_options import TAR
from keyturn.understand.shell.commands._tf_removal import with_removed_configuration
from keyturn.understand.shell.commands._tf_trees import with_tree_written
from keyturn.understand.shell.commands._zip_options import ZIP_SHORT, read_zip_argv
from keyturn.understand.shell.effects import (
    directory_tree,
    file_effect,
    file_path,
    removal_effect,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

# -- tar ---------------------------------------------------------------------------------------

_TAR_MODES = "cxtruAd"


def _tar_argv(args: tuple[str, ...]) -> list[str]:
    """tar's argv with an old-style first word (``tar czf out.tgz``) spelled with dashes: each
    of its letters that takes a value takes the next word, in order (``tar cfT a.tar list`` is
    ``-c -f a.tar -T list``)."""
    if not (args and args[0] and not args[0].startswith("-") and set(args[0]) <= _LETTERS):
        return list(args)
    out: list[str] = []
    rest = list(args[1:])
    for letter in args[0]:
        out.append("-" + letter)
        if letter in TAR.valued and rest:
            out.append(rest.pop(0))
    return out + rest


_LETTERS = frozenset("cxtruAdzjJvfCTXpkmOoSGWMBihlPaHgKLNVbFI")


@command("tar", "gtar", "bsdtar")
def tar(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``tar``: what it reads and writes, the originals it removes, the commands it runs."""
    opts = parse_options(_tar_argv(cmd.args), TAR)
    effects = _tar_commands(opts, cmd, ctx)
    if "TAR_OPTIONS" in cmd.assignments:
        effects.append(unknown_effect(cmd, "TAR_OPTIONS adds options decided elsewhere", ctx))
    mode = next((m for m in _TAR_MODES if opts.has(m)), "delete" if opts.has("delete") else "")
    if not mode:
        return [*effects, unknown_effect(cmd, "tar without a mode (-c, -x, -t...)", ctx)]
    base = file_path(opts.value("C") or ".", ctx)
    archive = opts.value("f")
    if archive is not None and ":" in archive.split("/", 1)[0] and not opts.has("force-local"):
        effects.append(unknown_effect(cmd, f"the archive {archive} is on another machine", ctx))
        archive = None
    archive_path = None if archive in (None, "-") else file_path(archive, ctx)
    added = [*opts.operands, *opts.values.get("add-file", ())]
    members = [_under(base, op, ctx) for op in added]
    effects += _tar_side_files(opts, mode, cmd, ctx)
    if mode in "td":
        effects += _reads([archive_path], cmd, ctx)
        if mode == "d":
            effects += _reads(members or [base], cmd, ctx)
    elif mode == "x":
        effects += _reads([archive_path], cmd, ctx)
        top = opts.value("one-top-level")  # ``=DIR``: everything goes into DIR (from -C)
        into = _under(base, top, ctx) if top else base
        effects.append(_extract(into, members, cmd, ctx))
        if opts.has("recursive-unlink"):
            # GNU tar empties each directory the archive names before extracting into it (as
            # ``rm -rf``): the members named, else anything under the target directory.
            what = "tar --recursive-unlink"
            gone = members or [into.rstrip("/") + "/*"]
            effects += [_removed(path, cmd, ctx, what) for path in gone]
        if opts.has("P", "absolute-names"):
            # Members named ``/home/me/.claude/settings.json`` or ``../../srv`` are written
            # there: where each lands is the archive's.
            reason = "extracts with absolute names (-P): where each file lands is the archive's"
            effects.append(unknown_effect(cmd, reason, ctx))
    else:  # c, r, u, A, --delete: the archive is written
        if archive_path is not None:
            detail = "the archive tar writes"
            adds = mode != "c"  # -r, -u, -A, --delete change an archive that is there
            effects.append(write_effect(archive_path, cmd, ctx, detail=detail, appends=adds))
        if mode != "delete":
            # tar takes in a directory with everything under it (unless --no-recursion).
            tree = not opts.has("no-recursion")
            effects += _reads([n for m in members for n in _tree(m, tree)], cmd, ctx)
        if opts.has("remove-files") and mode in "cru":
            effects += [_removed(path, cmd, ctx, "tar --remove-files") for path in members]
    return effects or [file_effect(EffectKind.READ, ["/dev/stdin"], cmd, ctx)]


def _tar_side_files(
    opts: Options, mode: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The files tar writes besides the archive and the members (``--index-file``, which gets
    the verbose listing, ``--volno-file``, the ``-g`` snapshot when archiving; all opened from
    the working directory, before ``-C``), and the unknown of members listed in a file."""
    effects: list[Effect] = []
    written = [*opts.values.get("index-file", ()), *opts.values.get("volno-file", ())]
    snapshots = [file_path(v, ctx) for v in opts.values.get("g", ())]
    if mode in "cru":
        written += opts.values.get("g", ())
    else:
        effects += _reads(snapshots, cmd, ctx)
    for value in written:
        effects.append(write_effect(file_path(value, ctx), cmd, ctx, detail="written by tar"))
    if opts.has("T") and mode in "cru":
        # What goes in (and, with --remove-files, what is removed) is listed in a file.
        reason = "tar -T takes the files it archives (and removes) from a list not read here"
        effects.append(unknown_effect(cmd, reason, ctx))
    return effects


def _tar_commands(opts: Options, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    effects: list[Effect] = []
    for key, what in (
        ("I", "tar --use-compress-program"),
        ("to-command", "tar --to-command"),
        ("F", "tar --info-script"),
        ("rsh-command", "tar --rsh-command"),
        ("rmt-command", "tar --rmt-command"),
    ):
        for value in opts.values.get(key, ()):
            effects += runs_command(value, what, cmd, ctx)
    for action in opts.values.get("checkpoint-action", ()):
        kind, _, value = action.partition("=")
        if kind == "exec":
            effects += runs_command(value, "tar --checkpoint-action=exec", cmd, ctx)
    return effects


# -- zip / unzip ---------------------------------------------------------------------------------


@command("zip")
def zip_(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``zip ARCHIVE FILES…``: writes the archive; ``-m`` deletes the files it took in;
    ``-TT CMD`` runs CMD to test it; ``-lf FILE`` writes a log (``FILE.log`` when FILE has no
    suffix)."""
    argv = read_zip_argv(cmd.args)
    effects: list[Effect] = []
    for run in argv.commands:
        effects += runs_command(run, "zip -TT", cmd, ctx)
    for log in argv.logs:
        for path in dict.fromkeys([file_path(log, ctx), file_path(log + ".log", ctx)]):
            effects.append(write_effect(path, cmd, ctx, detail="the log zip -lf writes"))
    opts = parse_options(argv.args, ZIP_SHORT)
    if not opts.operands:
        return effects or None
    archive, *files = opts.operands
    target = opts.value("O") or archive
    effects.append(write_effect(file_path(target, ctx), cmd, ctx, detail="the archive zip writes"))
    if opts.has("@"):
        effects.append(unknown_effect(cmd, "zip -@ takes the files to add from its input", ctx))
    paths = [file_path(f, ctx) for f in files]
    if not opts.has("d"):
        effects += _reads([n for p in paths for n in _tree(p, opts.has("r"))], cmd, ctx)
    if opts.has("m"):
        effects += [_removed(p, cmd, ctx, "zip -m", recursive=opts.has("r")) for p in paths]
    return effects


_UNZIP = OptionSpec(valued="dxP", long={"exdir": "d"}, long_valued=frozenset({"d"}))
_UNZIP_READS = frozenset("ltvzcpZ")


@command("unzip")
def unzip(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``unzip ARCHIVE [MEMBERS] [-d DIR]``: reads the archive and writes into DIR."""
    opts = parse_options(cmd.args, _UNZIP)
    if not opts.operands:
        return None
    archive, *members = opts.operands
    effects = _reads([file_path(archive, ctx)], cmd, ctx)
    if opts.has(*_UNZIP_READS):
        return effects  # lists, tests or prints to the terminal
    base = file_path(opts.value("d") or ".", ctx)
    effects.append(_extract(base, [_under(base, m, ctx) for m in members], cmd, ctx))
    if any(a.startswith("-") and not a.startswith("--") and ":" in a for a in cmd.args):
        # ``-:`` keeps ``../`` in member names: where each lands is the archive's.
        reason = "extracts with -: (members may climb out with ../): where each lands is not told"
        effects.append(unknown_effect(cmd, reason, ctx))
    return effects


# -- compressors ---------------------------------------------------------------------------------

# program -> (suffix it adds, decompresses by default, keeps the original by default)
_COMPRESSORS = {
    "gzip": (".gz", False, False),
    "gunzip": (".gz", True, False),
    "bzip2": (".bz2", False, False),
    "bunzip2": (".bz2", True, False),
    "xz": (".xz", False, False),
    "unxz": (".xz", True, False),
    "lzma": (".lzma", False, False),
    "unlzma": (".lzma", True, False),
    "zstd": (".zst", False, True),
    "unzstd": (".zst", True, True),
    "lz4": (".lz4", False, True),
    "unlz4": (".lz4", True, True),
}
_COMPRESSOR = OptionSpec(
    valued="SoTbBCLM",
    long={
        "stdout": "c",
        "to-stdout": "c",
        "keep": "k",
        "decompress": "d",
        "uncompress": "d",
        "recursive": "r",
        "list": "l",
        "test": "t",
        "suffix": "S",
        "force": "f",
        "threads": "T",
    },
    long_valued=frozenset({"S", "o", "T", "format", "memory", "memlimit", "patch-from"}),
)


@command(*_COMPRESSORS)
def compressor(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``gzip FILE``: FILE becomes FILE.gz (the original goes); ``-d`` the other way."""
    suffix, decompress, keeps = _COMPRESSORS[cmd.name]
    opts = parse_options(cmd.args, _COMPRESSOR)
    paths = [file_path(op, ctx) for op in opts.operands if op != "-"]
    if any(_names_a_file_list(arg) for arg in cmd.args):
        # ``xz --files=LIST``, ``zstd --filelist LIST --rm``: the files it replaces are listed
        # in a file (or on the input).
        reason = f"{cmd.name} takes the files it compresses (and removes) from a list"
        return [*_reads(paths, cmd, ctx), unknown_effect(cmd, reason, ctx)]
    if not paths:
        return [file_effect(EffectKind.READ, ["/dev/stdin"], cmd, ctx)]
    effects = _reads(paths, cmd, ctx)
    if opts.has("c", "l", "t"):
        return effects  # to the terminal, a listing, a test: nothing changes
    decompress = decompress or opts.has("d")
    suffix = opts.value("S") or suffix
    output = opts.value("o")
    keep = opts.has("k") or (keeps and not opts.has("rm"))
    recursive = opts.has("r")
    for path in paths:
        if output is not None:
            made = file_path(output, ctx)
        elif recursive:
            made = path.rstrip("/") + "/*"
        else:
            made = path.removesuffix(suffix) if decompress else path + suffix
        effects.append(write_effect(made, cmd, ctx, detail=f"written by {cmd.name}"))
        if not keep:
            effects.append(_removed(path, cmd, ctx, cmd.name, recursive=recursive))
    return effects


def _names_a_file_list(arg: str) -> bool:
    """``--files[=F]``/``--files0[=F]`` (xz, also abbreviated) or ``--filelist`` (zstd)."""
    name = arg[2:].partition("=")[0] if arg.startswith("--") else ""
    return len(name) >= 4 and any(n.startswith(name) for n in ("files", "files0", "filelist"))


# -- shared ------------------------------------------------------------------------------------


def _under(base: str, path: str, ctx: ShellContext) -> str:
    """``path`` as tar or unzip reads it: relative to their target directory."""
    return path if path.startswith("/") else file_path(f"{base.rstrip('/')}/{path}", ctx)


def _tree(path: str, whole: bool) -> list[str]:
    """``path``, and with ``whole`` everything under it (an archive of a directory reads it)."""
    return directory_tree(path) if whole else [path]


def _reads(paths: Sequence[str | None], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    known = [p for p in paths if p is not None]
    return [file_effect(EffectKind.READ, known, cmd, ctx)] if known else []


def _extract(base: str, members: list[str], cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """Writing an archive's members under ``base`` (all of them unless some are named). What
    they hold is not known here: a Terraform file under the tree they land in may be
    overwritten, or overridden by one they bring (:mod:`._tf_trees`)."""
    names = members or [base.rstrip("/") + "/*"]  # "/" gives "/*" too
    effect = file_effect(
        EffectKind.UPDATE, names, cmd, ctx, detail=f"extracts the archive into {base}"
    )
    for tree in members or [base]:
        effect = with_tree_written(effect, tree, ctx, sources=[None])
    return effect


def _removed(
    path: str, cmd: SimpleCommand, ctx: ShellContext, what: str, *, recursive: bool = True
) -> Effect:
    """The original ``path`` removed once its contents went into the archive (a folder's
    Terraform files with it: :mod:`._tf_removal`)."""
    removed = removal_effect(path, cmd, ctx, recursive=recursive, detail=f"{what} removes {path}")
    return with_removed_configuration(removed, [path], cmd, ctx, globbed=False, trees=recursive)
