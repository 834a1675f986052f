"""The high-level ``aws s3`` commands, which each make many API calls (formats.md §8.1).

- ``ls`` reads; ``presign`` reads;
- ``cp SRC DST`` writes DST (``--recursive``: everything under it);
- ``mv SRC DST`` deletes SRC and writes DST;
- ``rm s3://b/p`` deletes the object, ``--recursive`` everything under the prefix;
- ``rb s3://b`` deletes the bucket, ``--force`` its objects first; ``mb`` creates one;
- ``sync SRC DST`` writes under DST, and with ``--delete`` deletes what SRC lacks under DST.

``--dryrun`` makes any of them a read. A local path is a file of this machine, judged as ``cp``,
``mv`` and ``rm`` judge theirs (:func:`~keyturn.understand.shell.effects.file_effect`): in the
environment given outright, not the AWS profile's; a tree removed from ``/`` or a home directory
(``mv ~ s3://b/ --recursive``, ``sync s3://b/ ~ --delete``) is catastrophic; a write or delete of
a path decided at run time is ``unknown``; a start-up file written is held. Options may be
abbreviated as argparse allows (``--del`` is sync's ``--delete``), read against each command's
own options (awscli 1.46's ``customizations/s3``, with the sync strategies' ``--delete``,
``--exact-timestamps``, ``--size-only``, and v2's ``--copy-props``/``--no-overwrite``).

An upload or copy into S3 with a public ``--acl`` or ``--grants`` (:mod:`._aws_s3_acl`) opens
the objects written to anyone: their write removes their protection (``removes_protection``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._aws_cli_words import (
    NO_RUN_TIME_WORDS,
    RunTimeWords,
    resolve_option,
)
from keyturn.understand.shell.commands._aws_s3_acl import OptionValue, opened_to_anyone
from keyturn.understand.shell.commands.aws_cli import loosened
from keyturn.understand.shell.effects import (
    directory_tree,
    file_effect,
    file_path,
    removal_effect,
    write_effect,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def _options(
    flags: str = "", values: str = "", optional: str = "", many: str = ""
) -> dict[str, str]:
    """``{--option: nargs}`` from space-separated names: ``0`` flags, ``1`` one value, ``?``
    an optional value, ``+`` one or more."""
    table: dict[str, str] = {}
    for names, nargs in ((flags, "0"), (values, "1"), (optional, "?"), (many, "+")):
        table.update({f"--{n}": nargs for n in names.split()})
    return table


_TRANSFER = _options(
    flags="dryrun quiet follow-symlinks no-follow-symlinks no-guess-mime-type only-show-errors "
    "no-progress ignore-glacier-warnings force-glacier-transfer no-overwrite",
    values="include exclude acl sse-c-key sse-kms-key-id sse-c-copy-source-key storage-class "
    "website-redirect content-type cache-control content-disposition content-encoding "
    "content-language expires source-region page-size checksum-mode checksum-algorithm metadata "
    "metadata-directive case-conflict copy-props",
    optional="sse sse-c sse-c-copy-source request-payer",
    many="grants",
)
# The commands that write objects to S3 with the ``--acl``/``--grants`` given.
_WRITING = frozenset({"cp", "mv", "sync"})
# Each command's options -> how many words they take.
_COMMAND_OPTIONS: dict[str, dict[str, str]] = {
    "ls": _options(
        flags="recursive human-readable summarize",
        values="page-size bucket-name-prefix bucket-region",
        optional="request-payer",
    ),
    "presign": _options(values="expires-in"),
    "cp": {**_TRANSFER, **_options(flags="recursive", values="expected-size")},
    "mv": {**_TRANSFER, **_options(flags="recursive validate-same-s3-paths")},
    "sync": {**_TRANSFER, **_options(flags="delete exact-timestamps size-only")},
    "rm": _options(
        flags="dryrun quiet recursive only-show-errors",
        values="include exclude page-size",
        optional="request-payer",
    ),
    "mb": {"--tags": "2"},
    "rb": _options(flags="force"),
    "website": _options(values="index-document error-document"),
}


@dataclass(frozen=True, slots=True)
class _Location:
    names: tuple[str, ...]
    is_s3: bool
    type: str


@dataclass(frozen=True, slots=True)
class _Call:
    """One ``aws s3`` command being read: the command, its context and the AWS target, and why
    the objects it writes to S3 are open to anyone (``opens``; None: they are not)."""

    cmd: SimpleCommand
    ctx: ShellContext
    target: Target
    opens: str | None = None


def _split(
    words: list[str], options: dict[str, str], run_time: RunTimeWords
) -> tuple[list[str], dict[str, list[OptionValue]], bool]:
    """Paths, options given (by full name) with their values, and whether a word decided at run
    time may stand for options. An option the command does not have is taken as a flag (the CLI
    refuses it)."""
    paths: list[str] = []
    given: dict[str, list[OptionValue]] = {}
    loose = False
    option, wanted, nargs = "", 0, "0"
    for index, word in enumerate(words):
        if run_time.names_option(index, word):
            name, eq, inline = word.partition("=")
            option = resolve_option(name, options) or name
            values = given.setdefault(option, [])
            nargs = options.get(option, "0")
            if eq:
                values.append(OptionValue(inline, index in run_time.dynamic))
            wanted = 0 if eq else {"0": 0, "1": 1, "?": 1, "2": 2}.get(nargs, len(words))
            loose = loose or index in run_time.splits
            continue
        bound = wanted > 0 and nargs in "12"
        loose = loose or run_time.loose(index, word, bound=bound)
        if wanted > 0:
            wanted -= 1
            given[option].append(OptionValue(word, index in run_time.dynamic))
        else:
            paths.append(word)
    return paths, given, loose


def _location(path: str, *, tree: bool) -> _Location:
    """Names of an S3 URL (``tree``: everything under it), or of stdin/stdout (``-``)."""
    if path == "-":
        return _Location(("stream:stdio",), False, "stream")
    star = "*" if tree else ""
    bucket, _, key = path[5:].partition("/")
    if not key and not tree:
        names = (f"arn:aws:s3:::{bucket}", f"s3://{bucket}")
        return _Location(names, True, "s3-bucket")
    names = (f"arn:aws:s3:::{bucket}/{key}{star}", f"s3://{bucket}/{key}{star}")
    return _Location(names, True, "s3-object")


def _is_local(path: str) -> bool:
    return not path.startswith("s3://") and path != "-"


def _effect(kind: EffectKind, loc: _Location, target: Target, detail: str) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(names=loc.names, type=loc.type),
        target=target,
        service="s3" if loc.is_s3 else "file",
        operation=f"s3:{detail.split()[0]}" if loc.is_s3 else None,
        detail=detail,
    )


def s3_effects(
    words: list[str],
    *,
    cmd: SimpleCommand,
    ctx: ShellContext,
    target: Target,
    run_time: RunTimeWords = NO_RUN_TIME_WORDS,
) -> list[Effect] | None:
    """Effects of ``aws s3 SUBCOMMAND ...`` (``words`` starts at the subcommand, ``run_time``
    indexes them); None for a form not understood. Raises AmbiguousOption for an abbreviation
    several of the command's options share."""
    sub = words[0]
    options = _COMMAND_OPTIONS.get(sub)
    if options is None:
        return None
    paths, given, loose = _split(words[1:], options, run_time.shifted(1))
    call = _Call(cmd, ctx, target, opened_to_anyone(given) if sub in _WRITING else None)
    found = _s3_effects(sub, paths, set(given), call)
    if found is not None and any(_through_access_point(p) for p in paths):
        note = "through an S3 access point: which bucket it reaches is not known"
        found = [
            e
            if e.effect is EffectKind.READ or e.service != "s3"
            else replace(e, effect=EffectKind.UNKNOWN, detail=f"{e.detail}; {note}")
            for e in found
        ]
    # A run-time word may be another path, --recursive or --profile: only a read stays one.
    return loosened(found, keep_reads=True) if found is not None and loose else found


def _through_access_point(path: str) -> bool:
    """Whether an ``s3://`` path names an access point (its ARN or alias) for its bucket."""
    from keyturn.understand.aws.access_points import is_access_point

    if not path.startswith("s3://"):
        return False
    return is_access_point(path[5:]) or is_access_point(path[5:].split("/", 1)[0])


def _s3_effects(sub: str, paths: list[str], flags: set[str], call: _Call) -> list[Effect] | None:
    recursive = "--recursive" in flags
    if sub in ("ls", "presign"):
        # The CLI takes a path without ``s3://`` as one in S3 here (``aws s3 ls bucket``).
        loc = (
            _location("s3://" + paths[0].removeprefix("s3://"), tree=sub == "ls")
            if paths
            else _Location(("arn:aws:s3:::*", "s3://*"), True, "s3-bucket")
        )
        return [_effect(EffectKind.READ, loc, call.target, f"{sub} lists or reads")]
    found = _changes(sub, paths, flags, call, recursive=recursive)
    if found is None:
        return None
    if "--dryrun" in flags:
        return [
            Effect(
                effect=EffectKind.READ,
                resource=e.resource,
                target=e.target,
                service=e.service,
                operation=e.operation,
                detail=f"dry run of: {e.detail}",
            )
            for e in found
        ]
    return found


def _changes(
    sub: str, paths: list[str], flags: set[str], call: _Call, *, recursive: bool
) -> list[Effect] | None:
    if sub in ("rm", "rb", "mb", "website") and len(paths) == 1:
        return _single(sub, paths[0], flags, call.target, recursive=recursive)
    if sub not in ("cp", "mv", "sync") or len(paths) != 2:
        return None
    tree = recursive or sub == "sync"
    src, dst = paths
    if not src.startswith("s3://") and not dst.startswith("s3://"):
        return None  # the CLI refuses a copy with no S3 side
    effects = [_source(sub, src, call, tree=tree), _destination(sub, src, dst, call, tree=tree)]
    if sub == "sync" and "--delete" in flags:
        detail = "sync --delete removes what the source lacks"
        if _is_local(dst):
            path = file_path(dst, call.ctx)
            effects.append(removal_effect(path, call.cmd, call.ctx, recursive=True, detail=detail))
        else:
            effects.append(
                _effect(EffectKind.DELETE, _location(dst, tree=True), call.target, detail)
            )
    return effects


def _source(sub: str, src: str, call: _Call, *, tree: bool) -> Effect:
    """What the command does to its source: reads it, or (``mv``) deletes it."""
    if not _is_local(src):
        kind = EffectKind.DELETE if sub == "mv" else EffectKind.READ
        detail = "mv deletes the source" if sub == "mv" else f"{sub} reads the source"
        return _effect(kind, _location(src, tree=tree), call.target, detail)
    path = file_path(src, call.ctx)
    if sub == "mv":
        detail = "mv deletes the source"
        return removal_effect(path, call.cmd, call.ctx, recursive=tree, detail=detail)
    names = directory_tree(path)[-1:] if tree else [path]
    return file_effect(EffectKind.READ, names, call.cmd, call.ctx, detail=f"{sub} reads the source")


def _destination(sub: str, src: str, dst: str, call: _Call, *, tree: bool) -> Effect:
    """The write of the destination: a local file or tree as ``cp`` writes one."""
    detail = f"{sub} writes, may overwrite"
    if dst.startswith("s3://") and call.opens is not None:
        # Anyone may copy what was written away: refused on a protected store.
        opened = f"{detail}; removes protection: {call.opens}"
        written = _effect(EffectKind.UPDATE, _location(dst, tree=tree), call.target, opened)
        return replace(written, removes_protection=True)
    if not _is_local(dst):
        return _effect(EffectKind.UPDATE, _location(dst, tree=tree), call.target, detail)
    path = file_path(dst, call.ctx)
    if tree:
        under = directory_tree(path)[-1]
        return file_effect(EffectKind.UPDATE, [under], call.cmd, call.ctx, detail=detail)
    key_name = src[5:].partition("/")[2].rsplit("/", 1)[-1] if src.startswith("s3://") else ""
    into = dst.endswith("/") or dst.rsplit("/", 1)[-1] in (".", "..")
    if key_name and (into or call.ctx.files.is_dir(path)):
        path = f"{path.rstrip('/')}/{key_name}"  # into a folder: the key's last part
    return write_effect(path, call.cmd, call.ctx, detail=detail)


def _single(
    sub: str, path: str, flags: set[str], target: Target, *, recursive: bool
) -> list[Effect] | None:
    if not path.startswith("s3://"):
        return None
    if sub == "rm":
        loc = _location(path, tree=recursive)
        what = "rm --recursive deletes everything under the prefix" if recursive else "rm"
        return [_effect(EffectKind.DELETE, loc, target, what)]
    bucket = _location("s3://" + path[5:].split("/", 1)[0], tree=False)
    if sub == "mb":
        return [_effect(EffectKind.CREATE, bucket, target, "mb creates the bucket")]
    if sub == "website":
        return [_effect(EffectKind.UPDATE, bucket, target, "website configures the bucket")]
    effects = [_effect(EffectKind.DELETE, bucket, target, "rb deletes the bucket")]
    if "--force" in flags:
        objects = _location(bucket.names[1] + "/", tree=True)
        effects.insert(0, _effect(EffectKind.DELETE, objects, target, "rb --force deletes all"))
    return effects
