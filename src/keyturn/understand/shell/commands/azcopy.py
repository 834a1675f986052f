"""``azcopy``: copies, syncs and removals on Azure Storage, from S3 or GCS, and on local paths
(what the object-storage tools share, and its names: :mod:`._object_storage`).

Names: ``https://ACCOUNT.blob.core.windows.net/container/path`` -> ``azure:storage/ACCOUNT/
container/path`` (the ``dfs`` and ``file`` endpoints of an account alike: the same data reached
another way). Other URLs (S3 or GCS sources) name themselves, without their query, user info or
port. Any other word is a local path.

Meanings: ``--recursive`` takes whole trees; ``sync --delete-destination=true|prompt`` is a
mirror that deletes; ``set-properties`` changes the tier, metadata or tags. ``--dry-run`` is a
dry run.

Not understood (left unknown on purpose): logins, jobs, and any other verb.
"""

from __future__ import annotations

import re
from functools import partial
from urllib.parse import urlsplit

from keyturn.model import Effect
from keyturn.understand.shell.commands._object_storage import (
    Meaning,
    Place,
    StorageCall,
    change_meaning,
    make_meaning,
    mirror_meaning,
    named_place,
    read_meaning,
    remove_meaning,
    transfer_meaning,
    understand_verbs,
)
from keyturn.understand.shell.commands.cloud_cli import cloud_target
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_AZCOPY = OptionSpec(
    long_valued=frozenset(
        {"include-pattern", "exclude-pattern", "include-path", "exclude-path", "include-regex"}
        | {"exclude-regex", "include-after", "include-before", "include-attributes"}
        | {"exclude-attributes", "list-of-files", "list-of-versions", "from-to", "block-size-mb"}
        | {"put-blob-size-mb", "blob-type", "block-blob-tier", "page-blob-tier", "metadata"}
        | {"content-type", "content-encoding", "content-disposition", "content-language"}
        | {"cache-control", "overwrite", "check-md5", "delete-destination", "compare-hash"}
        | {"cap-mbps", "log-level", "output-type", "output-level", "trusted-microsoft-suffixes"}
        | {"exclude-blob-type", "blob-tags", "cpk-by-name", "delete-snapshots", "properties"}
        | {"permanent-delete", "hash-meta-dir", "local-hash-storage-mode", "exclude-container"}
        | {"s2s-handle-invalid-metadata", "rehydrate-priority", "quota-gb"}
    ),
)
_AZURE_HOST = re.compile(r"([a-z0-9]+)\.(?:blob|dfs|file)\.core\.", re.IGNORECASE)


def _azure_place(word: str, call: StorageCall) -> Place | None:
    """``https://ACCOUNT.blob.core.windows.net/container/path?SAS`` (see the module's
    docstring); another URL by itself without its query; else a local path."""
    if not word.lower().startswith(("https://", "http://")):
        return call.local(word)
    try:
        parts = urlsplit(word)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    path = parts.path.strip("/")
    account = _AZURE_HOST.match(host)
    if account is None:  # user info and port left out: they may hold credentials
        return named_place(f"{parts.scheme.lower()}://{host}/", path, "http", "url")
    name = f"{account.group(1).lower()}/{path}".rstrip("/")
    held = "/" not in path  # an account or a container
    kind = "blob-container" if held else "blob"
    return named_place("azure:storage/", name, "storage", kind, holder=held)


_AZCOPY_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("copy", "cp"), partial(transfer_meaning, pair=True)),
    "sync": partial(mirror_meaning, deleting="delete-destination"),
    **dict.fromkeys(
        ("remove", "rm"), partial(remove_meaning, detail="deletes it (--recursive: all)")
    ),
    **dict.fromkeys(("list", "ls"), read_meaning),
    "make": make_meaning,
    "set-properties": partial(change_meaning, detail="changes its tier, metadata or tags"),
}


@command("azcopy")
def azcopy(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``azcopy VERB ARGS [FLAGS]`` (flags anywhere)."""
    opts = parse_options(cmd.args, _AZCOPY)
    dry_run, recursive = opts.surely_on("dry-run"), opts.on("recursive")
    effects = understand_verbs(
        cmd, ctx, opts, _AZCOPY_VERBS, _azure_place, dry_run=dry_run, recursive=recursive
    )
    # Azure Storage is placed as az's resources are: an AWS profile or a kube context of the
    # shell says nothing of which storage account is reached.
    azure = cloud_target(ctx)
    return [
        evolve(e, target=azure) if e.resource.names[0].startswith("azure:") else e for e in effects
    ]
