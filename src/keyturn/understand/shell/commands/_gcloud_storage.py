"""Cloud Storage verbs over ``gs://`` URLs and local paths: ``gcloud storage rm|cp|mv|rsync|ls|
cat|du`` and ``gsutil`` (its ``acl``, ``iam``, ``retention``... sub-commands too).

A recursive delete or write names the objects under its prefix too (``gs://b/x/*``); a copy,
move or sync down to this machine writes (or, for ``rsync -d``, empties) the local tree; a move
deletes its source.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._az_gcloud_words import verb_effect
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.commands._gcloud_policy_files import gsutil_policy_file
from keyturn.understand.shell.commands._gcloud_protection import gsutil_unprotects
from keyturn.understand.shell.commands._gcloud_public import exposing, gsutil_exposes
from keyturn.understand.shell.effects import file_effect, home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

STORAGE_VERBS = frozenset({"rm", "cp", "mv", "rsync", "ls", "cat", "du"})
# gsutil's verbs that read (``get``) or change a bucket's settings.
_SETTING_VERBS = frozenset({"acl", "iam", "defacl", "lifecycle", "setmeta", "label", "pap"})
_SETTING_VERBS |= {"retention", "versioning", "ubla", "bucketpolicyonly"}


def storage_effects(
    verb: str,
    args: list[str],
    recursive: bool,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    deletes: bool = False,
) -> list[Effect]:
    """``gcloud storage``/``gsutil`` verbs over ``gs://`` URLs and local paths (``deletes``:
    ``rsync`` removes what the source lacks from the destination)."""
    if deletes:
        destination = [a for a in args if not a.startswith("-")][-1:]
        local = [a for a in destination if _local_path(a)]
        # rsync -d removes what the source lacks anywhere under the destination: its tree.
        remote = _remote_storage("rm", destination if not local else [], True, cmd, ctx)
        return (remote if not local else []) + _local_storage(
            verb, args, recursive, cmd, ctx, deletes=True
        )
    return _remote_storage(verb, args, recursive, cmd, ctx) + _local_storage(
        verb, args, recursive, cmd, ctx, deletes=False
    )


def _remote_storage(
    verb: str, args: list[str], recursive: bool, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The effects of a storage verb on the buckets and objects ``args`` name."""
    urls = [a for a in args if a.startswith("gs://")]
    kind = verb_effect(verb)
    if verb in ("cp", "rsync"):
        kind = EffectKind.UPDATE
    if verb == "mv" and urls:
        urls, kind = urls[:1], EffectKind.DELETE  # the source is deleted
    if not urls:
        urls = ["gs://*"]
    if verb in ("cp", "mv", "rsync") and args and not args[-1].startswith("gs://"):
        kind = EffectKind.READ if verb != "mv" else kind  # downloading reads the bucket
    detail = "recursive" if recursive else ""
    op = f"{cmd.name} storage {verb}" if cmd.name == "gcloud" else f"gsutil {verb}"
    # A recursive delete or write reaches every object under the prefix (``rm -r gs://b/x``
    # deletes ``gs://b/x/*``), named so that a pattern protecting them is reached.
    tree = recursive and kind in (EffectKind.DELETE, EffectKind.UPDATE)
    return [
        cloud_effect(
            kind, _prefix_names(u, tree), ctx, service="storage", operation=op, detail=detail
        )
        for u in urls
    ]


def _prefix_names(url: str, tree: bool) -> list[str]:
    """``url`` as named (no trailing slash), and the objects under it when ``tree``."""
    name = url.rstrip("/") or url
    return [name, f"{name}/*"] if tree and not name.endswith("*") else [name]


def _local_path(word: str) -> bool:
    """Whether a storage operand is a path on this machine (``file://`` or no scheme)."""
    return word != "-" and (word.startswith("file://") or "://" not in word)


def _local_storage(
    verb: str,
    args: list[str],
    recursive: bool,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    deletes: bool,
) -> list[Effect]:
    """What a copy, move or sync does to local files: the destination written (its tree
    emptied of what the source lacks, for ``rsync -d``), a moved source deleted."""
    if verb not in ("cp", "mv", "rsync"):
        return []
    operands = [a for a in args if not a.startswith("-")]
    if len(operands) < 2:
        return []
    *sources, destination = operands
    op = f"{cmd.name} storage {verb}" if cmd.name == "gcloud" else f"gsutil {verb}"
    out = []
    if _local_path(destination):
        path = home_path(destination.removeprefix("file://"), ctx)
        tree = recursive or verb == "rsync" or len(sources) > 1 or destination.endswith("/")
        paths = [path, f"{path.rstrip('/')}/*"] if tree else [path]
        kind = EffectKind.DELETE if deletes else EffectKind.UPDATE
        detail = "removes the local files the source lacks" if deletes else "downloads into it"
        out.append(file_effect(kind, paths, cmd, ctx, detail=f"{op}: {detail}"))
    if verb == "mv":
        for source in (s for s in sources if _local_path(s)):
            path = home_path(source.removeprefix("file://"), ctx)
            paths = [path, f"{path.rstrip('/')}/*"] if recursive else [path]
            out.append(file_effect(EffectKind.DELETE, paths, cmd, ctx, detail=f"{op}: moved away"))
    return out


def gsutil_effects(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``gsutil [-m] [-o OPT] [-u PROJECT] VERB [-r] gs://...`` (``ctx`` placed as the call
    lands)."""
    args = list(cmd.args)
    while args and args[0].startswith("-"):
        args = args[2:] if args[0] in ("-o", "-u", "-h", "-i") else args[1:]
    if not args:
        return None
    verb, rest = args[0], args[1:]
    recursive = any(a.startswith("-") and ("r" in a or "R" in a) for a in rest)
    if verb == "rsync" and any(a.startswith("-") and "d" in a for a in rest):
        effects = storage_effects("rsync", rest, recursive, cmd, ctx, deletes=True)
        return with_command(_public(effects, verb, rest), cmd)
    if verb in _SETTING_VERBS:
        sub = rest[0] if rest else ""
        kind = EffectKind.READ if sub == "get" else EffectKind.UPDATE
        urls = [a for a in rest if a.startswith("gs://")] or ["gs://*"]
        service = "iam" if verb == "iam" else "storage"
        op = f"gsutil {verb} {sub}".strip()
        # A retention policy cleared, versioning off; or the data opened to the world (by a
        # predefined ACL, a grant, or the policy or ACL file set).
        judged = gsutil_policy_file(verb, rest, cmd, ctx)
        public = judged.public if judged else None
        why = gsutil_unprotects(verb, rest) or public or gsutil_exposes(verb, rest)
        effects = [
            cloud_effect(
                kind,
                urls,
                ctx,
                service=service,
                operation=op,
                detail=why or "",
                removes_protection=bool(why),
            )
        ]
        if judged and judged.unknown:  # the file not read: whether it opens them is not told
            effects.append(
                cloud_effect(
                    EffectKind.UNKNOWN,
                    urls,
                    ctx,
                    service=service,
                    operation=op,
                    detail=judged.unknown,
                )
            )
        return with_command(effects, cmd)
    return with_command(_public(storage_effects(verb, rest, recursive, cmd, ctx), verb, rest), cmd)


def _public(effects: list[Effect], verb: str, rest: list[str]) -> list[Effect]:
    """``effects`` as opening the data to the world when the call says so (``cp -a
    public-read``)."""
    why = gsutil_exposes(verb, rest)
    return exposing(effects, why) if why else effects
