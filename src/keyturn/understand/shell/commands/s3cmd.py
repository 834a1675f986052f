"""``s3cmd``: copies, syncs and removals on S3 and local paths (what the object-storage tools
share, and its names: :mod:`._object_storage`).

Names: ``s3://bucket/key`` -> the AWS CLI's names (``arn:aws:s3:::bucket/key`` and
``s3://bucket/key``; a bucket alone ``arn:aws:s3:::bucket``; everything under a prefix
``...bucket/key*``, as S3 prefixes work), so that a ``protected`` pattern on the ARN holds
whichever tool is used. A listing with no URL reads every bucket (``arn:aws:s3:::*``). Another
URL is not understood; any other word is a local path. A long option cut short
(``--delete-rem``) is read as optparse reads it: spelled out when one option alone starts so.

Meanings: ``--recursive`` (``-r``) takes whole trees; ``rb --force`` deletes the bucket's objects
too; ``sync --delete-removed`` is a mirror that deletes; ``--delete-after-fetch`` makes ``get``
and ``sync`` delete what they fetched; ``put``, ``cp`` and ``sync`` write their
``--add-destination`` too; ``get`` without a local path writes into the working directory. The
verbs that set something of a bucket or object (``setacl``, ``setpolicy``, ``expire``...)
update it. ``--dry-run`` (``-n``) is a dry run.

Not understood (left unknown on purpose): ``s3cmd --configure`` (it rewrites its config file,
interactively), and any other verb.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from keyturn.model import Effect
from keyturn.understand.shell.commands._object_storage import (
    Meaning,
    Place,
    StorageCall,
    change_meaning,
    make_meaning,
    mirror_meaning,
    not_understood,
    read_meaning,
    remove_meaning,
    transfer_meaning,
    understand_verbs,
    writing_too,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_S3CMD = OptionSpec(
    valued="cDm",
    long={"config": "c", "restore-days": "D", "mime-type": "m", "recursive": "r"}
    | {"force": "f", "dry-run": "n", "bucket-location": "region"},
    long_valued=frozenset(
        {"access_key", "secret_key", "access_token", "upload-id", "acl-grant", "acl-revoke"}
        | {"restore-priority", "max-delete", "limit", "add-destination", "exclude"}
        | {"exclude-from", "rexclude", "rexclude-from", "include", "include-from", "rinclude"}
        | {"rinclude-from", "files-from", "region", "host", "host-bucket", "storage-class"}
        | {"access-logging-target-prefix", "default-mime-type", "add-header", "remove-header"}
        | {"server-side-encryption-kms-id", "encoding", "add-encoding-exts", "ws-index"}
        | {"multipart-chunk-size-mb", "ws-error", "expiry-date", "expiry-days", "expiry-prefix"}
        | {"cf-add-cname", "cf-remove-cname", "cf-comment", "cf-default-root-object"}
        | {"cache-file", "ca-certs", "ssl-cert", "ssl-key", "limit-rate", "max-retries"}
        | {"content-disposition", "content-type"}
    ),
)
# s3cmd's other long options: optparse takes any prefix only one option has (``--delete-rem``),
# so every option must be known for a prefix to be read as s3cmd reads it.
_S3CMD_FLAGS = frozenset(
    {"configure", "dump-config", "ssl", "no-ssl", "encrypt", "no-encrypt", "continue"}
    | {"continue-put", "skip-existing", "check-md5", "no-check-md5", "acl-public", "acl-private"}
    | {"delete-removed", "no-delete-removed", "delete-after", "delay-updates", "preserve"}
    | {"delete-after-fetch", "no-preserve", "keep-dirs", "reduced-redundancy", "rr"}
    | {"no-reduced-redundancy", "no-rr", "no-access-logging", "guess-mime-type", "no-mime-magic"}
    | {"no-guess-mime-type", "server-side-encryption", "verbatim", "disable-multipart"}
    | {"list-md5", "list-allow-unordered", "human-readable-sizes", "progress", "no-progress"}
    | {"skip-destination-validation", "stats", "enable", "disable", "cf-invalidate"}
    | {"cf-invalidate-default-index", "cf-no-invalidate-default-index-root", "verbose"}
    | {"debug", "version", "follow-symlinks", "quiet", "check-certificate", "check-hostname"}
    | {"no-check-certificate", "no-check-hostname", "signature-v2", "no-connection-pooling"}
    | {"requester-pays", "long-listing", "stop-on-error"}
)
_S3CMD_LONG = _S3CMD_FLAGS | _S3CMD.long_valued | frozenset(_S3CMD.long)
# Verbs that set something of a bucket or object: an update of the s3:// words.
_S3CMD_SETTINGS = frozenset(
    {"modify", "restore", "setacl", "setpolicy", "delpolicy", "setcors", "delcors", "payer"}
    | {"setlifecycle", "dellifecycle", "expire", "setversioning", "ws-create", "ws-delete"}
    | {"abortmp", "setownership", "setblockpublicaccess", "setobjectlegalhold"}
    | {"setobjectretention", "setnotification", "delnotification"}
)
# Every bucket (``s3cmd ls`` with no URL), named as the AWS CLI names it.
_S3_ALL = Place(("arn:aws:s3:::*", "s3://*"), ("arn:aws:s3:::*", "s3://*"), "s3", "s3-bucket")


def _unabbreviated(args: Sequence[str]) -> list[str]:
    """s3cmd's words with each long option cut short spelled out, as optparse reads it."""
    out: list[str] = []
    for at, arg in enumerate(args):
        if arg == "--":
            return out + list(args[at:])
        name, eq, value = arg[2:].partition("=")
        if arg.startswith("--") and name and name not in _S3CMD_LONG:
            matches = [n for n in _S3CMD_LONG if n.startswith(name)]
            arg = f"--{matches[0]}{eq}{value}" if len(matches) == 1 else arg
        out.append(arg)
    return out


def _s3_place(word: str, call: StorageCall) -> Place | None:
    """``s3://bucket/key`` by the AWS CLI's names (see this module's docstring); another URL is
    not understood; else a local path."""
    if not word.startswith("s3://"):
        return None if "://" in word else call.local(word)
    bucket, _, key = word[5:].partition("/")
    where = f"{bucket}/{key}" if key else bucket
    it = (f"arn:aws:s3:::{where}", f"s3://{where}")
    under = (f"arn:aws:s3:::{bucket}/{key}*", f"s3://{bucket}/{key}*")
    return Place(it, under, "s3", "s3-object" if key else "s3-bucket", holder=not key)


def _s3cmd_get(
    call: StorageCall, words: Sequence[str], *, move: bool = False
) -> list[Effect] | None:
    """``get s3://... [LOCAL]``: without LOCAL, into the working directory (a single object
    under its own name)."""
    if words and all(w.startswith("s3://") for w in words):
        single = len(words) == 1 and not call.recursive and not words[0].endswith("/")
        words = [*words, words[0].rsplit("/", 1)[-1] if single else "."]
    return transfer_meaning(call, words, move=move)


def _s3cmd_setting(call: StorageCall, words: Sequence[str]) -> list[Effect] | None:
    urls = [w for w in words if w.startswith("s3://")]
    return change_meaning(call, urls, detail="changes its settings")


_S3CMD_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("ls", "du"), partial(read_meaning, everything=_S3_ALL)),
    "la": partial(read_meaning, keep=0, everything=_S3_ALL),
    **dict.fromkeys(("info", "listmp", "multipart", "ws-info", "getlifecycle"), read_meaning),
    **dict.fromkeys(("getpolicy", "getcors", "getnotification"), read_meaning),
    "signurl": partial(read_meaning, keep=1),  # signurl URL EXPIRY
    "mb": make_meaning,
    "rb": partial(
        remove_meaning, forcing="f", detail="deletes the bucket (--force: and its objects)"
    ),
    **dict.fromkeys(("del", "rm"), partial(remove_meaning, detail="deletes it (-r: the prefix)")),
    "put": transfer_meaning,
    "get": _s3cmd_get,
    "cp": transfer_meaning,
    "mv": partial(transfer_meaning, move=True),
    "sync": partial(mirror_meaning, deleting="delete-removed"),
    **dict.fromkeys(_S3CMD_SETTINGS, _s3cmd_setting),
}
# The uploading verbs: --add-destination writes another destination too.
_S3CMD_VERBS |= {
    verb: writing_too("add-destination", "--add-destination: written too", meaning)
    for verb, meaning in _S3CMD_VERBS.items()
    if verb in ("put", "cp", "sync")
}
# --delete-after-fetch: get and sync delete what they fetched.
_S3CMD_FETCH_VERBS: dict[str, Meaning] = {
    **_S3CMD_VERBS,
    "get": partial(_s3cmd_get, move=True),
    "sync": partial(mirror_meaning, deleting="delete-removed", move=True),
}


@command("s3cmd")
def s3cmd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``s3cmd [OPTIONS] VERB ARGS [OPTIONS]``."""
    opts = parse_options(_unabbreviated(cmd.args), _S3CMD)
    if opts.has("configure"):
        return not_understood(cmd, ctx)  # rewrites its config file, interactively
    verbs = _S3CMD_FETCH_VERBS if opts.on("delete-after-fetch") else _S3CMD_VERBS
    dry_run, recursive = opts.surely_on("n"), opts.on("r")
    return understand_verbs(cmd, ctx, opts, verbs, _s3_place, dry_run=dry_run, recursive=recursive)
