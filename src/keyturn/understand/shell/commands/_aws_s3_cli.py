"""The high-level ``aws s3`` commands, which each make many API calls (formats.md §8.1).

- ``ls`` reads; ``presign`` reads;
- ``cp SRC DST`` writes DST (``--recursive``: everything under it);
- ``mv SRC DST`` deletes SRC and writes DST;
- ``rm s3://b/p`` deletes the object, ``--recursive`` everything under the prefix;
- ``rb s3://b`` deletes the bucket, ``--force`` its objects first; ``mb`` creates one;
- ``sync SRC DST`` writes under DST, and with ``--delete`` deletes what SRC lacks under DST.

``--dryrun`` makes any of them a read. Local paths are named ``file:/abs/path``.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.registry import ShellContext

# Options of the s3 commands that take a value (everything else is a flag).
_VALUE_OPTIONS = frozenset(
    [
        "--exclude",
        "--include",
        "--acl",
        "--sse",
        "--sse-c",
        "--sse-c-key",
        "--sse-kms-key-id",
        "--storage-class",
        "--grants",
        "--website-redirect",
        "--content-type",
        "--cache-control",
        "--content-disposition",
        "--content-encoding",
        "--content-language",
        "--expires",
        "--source-region",
        "--metadata",
        "--metadata-directive",
        "--expected-size",
        "--page-size",
        "--sse-c-copy-source",
        "--sse-c-copy-source-key",
        "--request-payer",
        "--checksum-mode",
        "--checksum-algorithm",
        "--expires-in",
        "--index-document",
        "--error-document",
        "--copy-props",
        "--bucket-region",
    ]
)


@dataclass(frozen=True, slots=True)
class _Location:
    names: tuple[str, ...]
    is_s3: bool
    type: str


def _split(words: list[str]) -> tuple[list[str], set[str]]:
    paths: list[str] = []
    flags: set[str] = set()
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("--"):
            name = word.partition("=")[0]
            skip = name in _VALUE_OPTIONS and "=" not in word
            flags.add(name)
        else:
            paths.append(word)
    return paths, flags


def _location(path: str, ctx: ShellContext, *, tree: bool) -> _Location:
    """Names of an S3 URL or local path; ``tree`` names everything under it."""
    star = "*" if tree else ""
    if path.startswith("s3://"):
        bucket, _, key = path[5:].partition("/")
        if not key and not tree:
            names = (f"arn:aws:s3:::{bucket}", f"s3://{bucket}")
            return _Location(names, True, "s3-bucket")
        names = (f"arn:aws:s3:::{bucket}/{key}{star}", f"s3://{bucket}/{key}{star}")
        return _Location(names, True, "s3-object")
    if path == "-":
        return _Location(("stream:stdio",), False, "stream")
    full = home_path(path, ctx)
    suffix = "/*" if tree and full != "/" else ("*" if tree else "")
    return _Location((f"file:{full}{suffix}",), False, "file")


def _effect(kind: EffectKind, loc: _Location, target: Target, detail: str) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(names=loc.names, type=loc.type),
        target=target,
        service="s3" if loc.is_s3 else "file",
        operation=f"s3:{detail.split()[0]}" if loc.is_s3 else None,
        detail=detail,
    )


def s3_effects(words: list[str], *, ctx: ShellContext, target: Target) -> list[Effect] | None:
    """Effects of ``aws s3 SUBCOMMAND ...`` (``words`` starts at the subcommand); None for a
    form not understood."""
    sub, (paths, flags) = words[0], _split(words[1:])
    recursive = "--recursive" in flags
    if sub in ("ls", "presign"):
        loc = (
            _location(paths[0], ctx, tree=sub == "ls")
            if paths
            else _Location(("arn:aws:s3:::*", "s3://*"), True, "s3-bucket")
        )
        return [_effect(EffectKind.READ, loc, target, f"{sub} lists or reads")]
    found = _changes(sub, paths, flags, ctx=ctx, target=target, recursive=recursive)
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
    sub: str,
    paths: list[str],
    flags: set[str],
    *,
    ctx: ShellContext,
    target: Target,
    recursive: bool,
) -> list[Effect] | None:
    if sub in ("rm", "rb", "mb", "website") and len(paths) == 1:
        return _single(sub, paths[0], flags, ctx=ctx, target=target, recursive=recursive)
    if sub not in ("cp", "mv", "sync") or len(paths) != 2:
        return None
    tree = recursive or sub == "sync"
    src, dst = _location(paths[0], ctx, tree=tree), _location(paths[1], ctx, tree=tree)
    if not src.is_s3 and not dst.is_s3:
        return None
    effects = [_effect(EffectKind.READ, src, target, f"{sub} reads the source")]
    if sub == "mv":
        effects = [_effect(EffectKind.DELETE, src, target, "mv deletes the source")]
    effects.append(_effect(EffectKind.UPDATE, dst, target, f"{sub} writes, may overwrite"))
    if sub == "sync" and "--delete" in flags:
        effects.append(_effect(EffectKind.DELETE, dst, target, "sync --delete removes extras"))
    return effects


def _single(
    sub: str, path: str, flags: set[str], *, ctx: ShellContext, target: Target, recursive: bool
) -> list[Effect] | None:
    if not path.startswith("s3://"):
        return None
    if sub == "rm":
        loc = _location(path, ctx, tree=recursive)
        what = "rm --recursive deletes everything under the prefix" if recursive else "rm"
        return [_effect(EffectKind.DELETE, loc, target, what)]
    bucket = _location("s3://" + path[5:].split("/", 1)[0], ctx, tree=False)
    if sub == "mb":
        return [_effect(EffectKind.CREATE, bucket, target, "mb creates the bucket")]
    if sub == "website":
        return [_effect(EffectKind.UPDATE, bucket, target, "website configures the bucket")]
    effects = [_effect(EffectKind.DELETE, bucket, target, "rb deletes the bucket")]
    if "--force" in flags:
        objects = _location(bucket.names[1] + "/", ctx, tree=True)
        effects.insert(0, _effect(EffectKind.DELETE, objects, target, "rb --force deletes all"))
    return effects
