"""Cloud Storage verbs over ``gs://`` URLs and local paths: ``gcloud storage rm|cp|mv|rsync|ls|
cat|du`` and ``gsutil`` (its ``acl``, ``iam``, ``retention``... sub-commands too).

A recursive delete or write names the objects under its prefix too (``gs://b/x/*``); a copy,
move or sync down to this machine writes (or, for ``rsync -d``, empties) the local tree; a move
deletes its source.

A URL decided at run time (``gsutil rm gs://scratch/x "$MORE"``, ``gsutil acl set public-read
gs://a "$B"``, ``gsutil cp f "$DEST"``) may be any bucket's: what the verb does to it is done
to ``gs://*`` (its known parts kept: ``"$B/x"`` is ``gs://*/x``), so that a protected bucket
passed through a variable gets the verdict its own name would (:mod:`._gcloud_run_time`). A
source of a copy or a sync is only read: a run-time one names nothing more. gsutil's headers
(``-h x-goog-acl:public-read``) and its global options: :mod:`._gsutil_line`.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._az_gcloud_words import verb_effect
from keyturn.understand.shell.commands._az_generic_set import RUN_TIME_TEXT
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.commands._gcloud_names import with_wildcard_sets
from keyturn.understand.shell.commands._gcloud_policy_files import gsutil_policy_file
from keyturn.understand.shell.commands._gcloud_protection import gsutil_unprotects
from keyturn.understand.shell.commands._gcloud_public import exposing, gsutil_exposes
from keyturn.understand.shell.commands._gcloud_run_time import loose_words, loosen, with_globs
from keyturn.understand.shell.commands._gsutil_line import header_opening, read_gsutil_line
from keyturn.understand.shell.effects import file_effect, home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

STORAGE_VERBS = frozenset({"rm", "cp", "mv", "rsync", "ls", "cat", "du"})
# gsutil's verbs that read (``get``) or change a bucket's settings.
_SETTING_VERBS = frozenset({"acl", "iam", "defacl", "lifecycle", "setmeta", "label", "pap"})
_SETTING_VERBS |= {"retention", "versioning", "ubla", "bucketpolicyonly"}
# gsutil's options that take a value, by verb (``supported_sub_args`` of gsutil 5's commands):
# the word after one is its value, not a URL.
_GSUTIL_VALUED = {"cp": "aLszj", "mv": "aLszj", "rsync": "axyj", "setmeta": "h"}


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
    later = _run_time_urls(verb, args, gsutil=cmd.name == "gsutil")
    if later and urls == ["gs://*"]:
        urls = []  # the run-time URLs below name what it may be
    out = [
        cloud_effect(
            kind, _prefix_names(u, tree), ctx, service="storage", operation=op, detail=detail
        )
        for u in urls
    ]
    for changed, word in later:
        why = f"{word}: which URL is decided at run time"
        out.append(
            cloud_effect(
                changed,
                _prefix_names(_as_url(word), tree and changed is not EffectKind.READ),
                ctx,
                service="storage",
                operation=op,
                detail="; ".join(d for d in (detail, why) if d),
            )
        )
    return out


def _run_time_urls(verb: str, args: list[str], *, gsutil: bool) -> list[tuple[EffectKind, str]]:
    """The operands of ``args`` decided at run time that may be Cloud Storage URLs, with what
    the verb does to them: a removal or a move's source deleted, a copy's or sync's destination
    written, what a listing reads read (a copy's or a sync's sources, only read, are left)."""
    operands = _operands(verb, args, gsutil=gsutil)
    out: list[tuple[EffectKind, str]] = []
    for at, word in enumerate(operands):
        if not RUN_TIME_TEXT.match(word):
            continue  # its known start tells: a URL named as written, or a local path
        last = at == len(operands) - 1
        if verb in ("cp", "rsync") and not last:
            continue
        if verb == "mv" and not last:
            out.append((EffectKind.DELETE, word))
        elif verb in ("cp", "rsync", "mv"):
            out.append((EffectKind.UPDATE, word))
        else:
            out.append((verb_effect(verb), word))
    return out


def _operands(verb: str, args: list[str], *, gsutil: bool) -> list[str]:
    """The words of ``args`` that are not options nor (for gsutil) an option's value."""
    valued = _GSUTIL_VALUED.get(verb, "") if gsutil else ""
    out: list[str] = []
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word.startswith("-") and word != "-":
            letters = word[1:] if not word.startswith("--") else ""
            for j, letter in enumerate(letters):
                if letter in valued:
                    skip = j == len(letters) - 1  # no value attached: the next word
                    break
        else:
            out.append(word)
    return out


def _as_url(word: str) -> str:
    """A run-time operand as the ``gs://`` URL it may be, its run-time parts ``*``."""
    return with_globs([f"gs://{word}"])[-1]


def _prefix_names(url: str, tree: bool) -> list[str]:
    """``url`` as named (no trailing slash), and the objects under it when ``tree``; a part
    decided at run time also as ``*`` (:func:`._gcloud_run_time.with_globs`)."""
    name = url.rstrip("/") or url
    return with_globs([name, f"{name}/*"] if tree and not name.endswith("*") else [name])


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
    """``gsutil [-m] [-o OPT] [-u PROJECT] [-h HEADER] VERB [-r] gs://...`` (``ctx`` placed as
    the call lands)."""
    line = read_gsutil_line(list(cmd.args))
    if line is None:
        return None
    effects = with_wildcard_sets(_gsutil_call(line.verb, line.rest, cmd, ctx))
    header = header_opening(line)  # ``-h x-goog-acl:public-read``: what it writes is public
    if header:
        effects = exposing(effects, header)
    loose = loose_words(cmd)
    if loose:
        # Among the global options it may be more words before the verb's: any URL.
        reach = ["gs://*"] if loose[0] < line.at else []
        effects = loosen(effects, reach=reach)
    return with_command(effects, cmd)


def _gsutil_call(verb: str, rest: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The effects of gsutil's ``verb`` over its words ``rest``."""
    recursive = any(a.startswith("-") and ("r" in a or "R" in a) for a in rest)
    if verb == "rsync" and any(a.startswith("-") and "d" in a for a in rest):
        effects = storage_effects("rsync", rest, recursive, cmd, ctx, deletes=True)
        return _public(effects, verb, rest)
    if verb in _SETTING_VERBS:
        return _setting(verb, rest, cmd, ctx)
    return _public(storage_effects(verb, rest, recursive, cmd, ctx), verb, rest)


def _setting(verb: str, rest: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """gsutil's ``acl``, ``iam``, ``pap``...: a bucket's or object's setting read or changed."""
    sub = rest[0] if rest else ""
    kind = EffectKind.READ if sub == "get" else EffectKind.UPDATE
    urls = _setting_urls(rest)
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
                EffectKind.UNKNOWN, urls, ctx, service=service, operation=op, detail=judged.unknown
            )
        )
    return effects


def _setting_urls(rest: list[str]) -> list[str]:
    """The URLs a setting verb names: those written (a part decided at run time also as
    ``*``), and any bucket (``gs://*``) for a word decided at run time after the first URL --
    the grants, files and values come before the URLs -- or when none is written."""
    first = next((i for i, w in enumerate(rest) if w.startswith("gs://")), None)
    urls = with_globs([w for w in rest if w.startswith("gs://")])
    if first is None or any(RUN_TIME_TEXT.match(w) for w in rest[first:]):
        urls.append("gs://*")
    return urls


def _public(effects: list[Effect], verb: str, rest: list[str]) -> list[Effect]:
    """``effects`` as opening the data to the world when the call says so (``cp -a
    public-read``)."""
    why = gsutil_exposes(verb, rest)
    return exposing(effects, why) if why else effects
