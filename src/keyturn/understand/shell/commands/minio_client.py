"""``mc``, the MinIO client: copies, mirrors and removals on the deployments of its aliases and
on local paths (what the object-storage tools share, and its names: :mod:`._object_storage`).

Names: ``ALIAS/bucket/key`` -> ``minio:ALIAS/bucket/key``. mc takes a word for a local path unless
its first part is one of its aliases; the aliases are read from ``MC_HOST_<alias>`` variables
and mc's ``config.json`` (``-C``/``--config-dir``, ``MC_CONFIG_DIR``, else ``~/.mc``). A word
starting with ``/``, ``.`` or ``~`` is local; when the config cannot be read, a word whose first
part is no known alias is named both ways (``minio:data/x`` and ``file:/cwd/data/x``).

mc's own ``s3`` alias (in every new config) points at AWS S3: a path under it, or under any
alias whose URL is an ``amazonaws.com`` host, is named as the AWS CLI names it too
(``arn:aws:s3:::bucket/key``), unless the config read says ``s3`` points elsewhere; when the
config cannot be read, so is a path under any alias it may hold.

Meanings: ``--recursive`` (``-r``) takes whole trees; ``rb --force`` deletes the bucket's objects
too; ``mirror --remove`` is a mirror that deletes. ``--dry-run`` and ``--fake`` are dry runs.

Not understood (left unknown on purpose): config changes (``mc alias set``), administration
(``mc admin``), ``mc find --exec``, ``mc rm --stdin`` (names on stdin), and any other verb.
``mc`` is also Midnight Commander, whose lines have no verb: not understood either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import partial
from urllib.parse import urlsplit

from keyturn.model import Effect
from keyturn.understand.shell.commands._home import home_moved
from keyturn.understand.shell.commands._object_storage import (
    Meaning,
    Place,
    StorageCall,
    change_meaning,
    either_place,
    make_meaning,
    mirror_meaning,
    named_place,
    not_understood,
    on_aws_s3,
    read_meaning,
    remove_meaning,
    transfer_meaning,
    understand_verbs,
)
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_MC = OptionSpec(
    abbreviations=False,  # a Go program: an abbreviated option is an error
    valued="CH",
    long={"config-dir": "C", "custom-header": "H", "recursive": "r", "vid": "version-id"},
    long_valued=frozenset(
        {"limit-upload", "limit-download", "resolve", "conn-read-deadline"}
        | {"conn-write-deadline", "older-than", "newer-than", "rewind", "version-id", "encrypt"}
        | {"encrypt-key", "enc-c", "enc-kms", "enc-s3", "storage-class", "sc", "attr", "tags"}
        | {"legal-hold", "retention-mode", "retention-duration", "checksum", "region"}
        | {"exclude", "exclude-bucket", "exclude-storageclass", "monitoring-address"}
        | {"max-workers", "name", "exec", "ignore", "path", "regex", "larger", "smaller"}
        | {"maxdepth", "print", "metadata", "depth"}
    ),
)


def _mc_place(
    word: str,
    call: StorageCall,
    *,
    aliases: frozenset[str],
    complete: bool,
    on_aws: frozenset[str] = frozenset(),
) -> Place | None:
    """``ALIAS/bucket/key`` or a local path, as mc tells them (see this module's docstring)."""
    if "://" in word:
        return None  # a URL: mc names a deployment by its alias
    if not word or word.startswith(("/", ".", "~")):
        return call.local(word)
    alias = word.split("/", 1)[0]
    if alias not in aliases and complete:
        return call.local(word)
    path = word.strip("/")
    held = path.count("/") <= 1  # an alias or a bucket
    remote = named_place("minio:", path, "minio", "minio-bucket" if held else "minio-object")
    remote = evolve(remote, holder=held)
    if alias in on_aws or (alias not in aliases and not complete):
        remote = on_aws_s3(remote, path.partition("/")[2])
    return remote if alias in aliases else either_place(remote, call.local(word))


def _mc_aliases(
    opts: Options, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[frozenset[str], bool, frozenset[str]]:
    """The aliases mc knows, whether that is all of them (its config file was read), and
    those that point at AWS S3 (see the module's docstring)."""
    variables = {**ctx.env, **cmd.assignments}
    urls = {
        name.removeprefix("MC_HOST_"): value
        for name, value in variables.items()
        if name.startswith("MC_HOST_")
    }
    folder = opts.value("C") or variables.get("MC_CONFIG_DIR")
    if folder is None and home_moved(cmd, ctx):
        text = None  # ``HOME=/tmp/x mc …``: that home's ``.mc`` is not read here
    else:
        # Read as the line leaves it: a config.json an earlier command rewrote is that text,
        # or not known (then any word may name an alias) when the text is not.
        folder = folder or f"{ctx.home}/.mc"
        text = one_text_on_line(file_path(folder, ctx) + "/config.json", ctx)
    try:
        config = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        config = None
    if not isinstance(config, dict):
        # mc's own config, not read: its ``s3`` alias is AWS unless changed there.
        on_aws = {a for a, url in urls.items() if _aws_url(url)} | ({"s3"} - set(urls))
        return frozenset(urls), False, frozenset(on_aws)
    table = config.get("aliases") or config.get("hosts")  # "hosts" before mc 2020
    table = table if isinstance(table, dict) else {}
    for alias, entry in table.items():
        url = entry.get("url") if isinstance(entry, Mapping) else None
        urls.setdefault(alias, url if isinstance(url, str) else "")
    return frozenset(urls), True, frozenset(a for a, url in urls.items() if _aws_url(url))


def _aws_url(url: str) -> bool:
    """Whether an mc alias's URL is AWS S3's (``https://s3.amazonaws.com``, a regional one)."""
    try:
        host = urlsplit(url if "://" in url else "//" + url).hostname or ""
    except ValueError:
        return False
    return host == "amazonaws.com" or host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


def _mc_find(call: StorageCall, words: Sequence[str]) -> list[Effect] | None:
    """``find PATH``: reads; ``--exec`` runs a command on each object, not understood."""
    return None if call.opts.has("exec") else read_meaning(call, words)


_MC_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("ls", "cat", "head", "stat", "du", "tree", "diff", "sql"), read_meaning),
    "find": _mc_find,
    "cp": transfer_meaning,
    "mv": partial(transfer_meaning, move=True),
    "put": partial(transfer_meaning, pair=True),
    "get": partial(transfer_meaning, pair=True),
    "mirror": partial(mirror_meaning, deleting="remove"),
    "rm": partial(remove_meaning, detail="deletes it (--recursive: and everything under it)"),
    "rb": partial(
        remove_meaning, forcing="force", detail="deletes the bucket (--force: and its objects)"
    ),
    "mb": make_meaning,
    "pipe": partial(change_meaning, detail="written from stdin"),
}


@command("mc")
def mc(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``mc [FLAGS] VERB ARGS [FLAGS]``."""
    opts = parse_options(cmd.args, _MC)
    if opts.has("stdin"):
        return not_understood(cmd, ctx)  # the names come on stdin
    aliases, complete, on_aws = _mc_aliases(opts, cmd, ctx)
    place_of = partial(_mc_place, aliases=aliases, complete=complete, on_aws=on_aws)
    dry_run = opts.surely_on("dry-run", "fake")
    return understand_verbs(
        cmd, ctx, opts, _MC_VERBS, place_of, dry_run=dry_run, recursive=opts.on("r")
    )
