"""``rclone``: copies, moves, syncs and removals on the remotes of rclone's config and on local
paths (what the object-storage tools share, and its names: :mod:`._object_storage`).

Names: ``REMOTE:path`` -> ``rclone:REMOTE/path`` (the remote's root: ``rclone:REMOTE``). What kind
of storage a remote is lives in rclone's config (as the line leaves it; ``--config``,
``RCLONE_CONFIG``, else ``~/.config/rclone/rclone.conf``) or in ``RCLONE_CONFIG_<NAME>_TYPE``
variables: a remote on AWS S3 (``type = s3``, ``provider = AWS`` or none, no other endpoint) is
also named as the AWS CLI names it (``arn:aws:s3:::bucket/key``), so that what protects the
bucket protects it from rclone too. When the config cannot be read, any remote may be one.
On-the-fly remotes (``:s3:bucket``) and remotes with inline parameters (``remote,key=value:path``,
which may hold credentials) are not named: the line is not understood. A word with a ``/``
before its ``:`` is a local path, as rclone reads it.

Meanings: every verb works on whole trees: a copy's destination is a directory, and a removal
(``delete``, ``purge``, ``rmdirs``) takes everything under its names (``deletefile`` and
``rmdir`` the one name). ``sync`` is a mirror that always deletes; ``bisync`` makes each side
like the other, deletions too. The verbs that overwrite or delete write their ``--backup-dir``
too. ``--dry-run`` (``-n``) is a dry run. ``config show|dump|file|...`` and ``listremotes`` read
rclone's config file (``--config``, ``RCLONE_CONFIG``, else ``~/.config/rclone/rclone.conf``).

Not understood (left unknown on purpose): mounts and servers (``rclone mount|serve|rc|ncdu``,
which give or take changes outside the line), config changes (``rclone config create``), and
any other verb.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._home import home_moved
from keyturn.understand.shell.commands._object_storage import (
    Meaning,
    Place,
    StorageCall,
    change_meaning,
    make_meaning,
    mirror_meaning,
    named_place,
    on_aws_s3,
    read_meaning,
    remove_meaning,
    transfer_meaning,
    understand_verbs,
    writing_too,
)
from keyturn.understand.shell.effects import command_effect, file_path
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind

# Options taking a value (flags may come anywhere; any other option is a flag). A valued one
# not listed takes its value as a path word: a transfer then has a word too many and is not
# understood, a removal names one place too many -- never one too few.
_RCLONE = OptionSpec(
    abbreviations=False,  # a Go program: an abbreviated option is an error
    valued="Fso",  # lsf's --format and --separator, tree's --output
    long={"dry-run": "n", "format": "F", "separator": "s", "output": "o"},
    long_valued=frozenset(
        {"config", "transfers", "checkers", "bwlimit", "bwlimit-file", "include", "exclude"}
        | {"filter", "include-from", "exclude-from", "filter-from", "files-from"}
        | {"files-from-raw", "min-age", "max-age", "min-size", "max-size", "max-depth"}
        | {"log-file", "log-level", "log-format", "stats", "stats-log-level", "stats-unit"}
        | {"backup-dir", "suffix", "compare-dest", "copy-dest", "order-by", "max-transfer"}
        | {"cutoff-mode", "max-duration", "multi-thread-streams", "multi-thread-cutoff"}
        | {"buffer-size", "retries", "retries-sleep", "low-level-retries", "timeout"}
        | {"contimeout", "tpslimit", "tpslimit-burst", "user-agent", "header", "header-upload"}
        | {"header-download", "dedupe-mode", "max-backlog", "max-delete", "max-delete-size"}
        | {"track-renames-strategy", "cache-dir", "temp-dir", "password-command", "ca-cert"}
        | {"client-cert", "client-key", "bind", "dump", "modify-window", "metadata-set"}
        | {"exclude-if-present", "level", "workdir", "compare", "conflict-resolve"}
        | {"conflict-loser", "conflict-suffix", "backup-dir1", "backup-dir2"}
    ),
)
_RCLONE_REMOTE = re.compile(r"[\w.+@][\w.+@ -]*")  # rclone's rule for a remote's name
_RCLONE_CONFIG_READS = frozenset({"show", "dump", "file", "paths", "providers", "redacted"})


def _rclone_place(
    word: str, call: StorageCall, *, on_aws: frozenset[str] | None = frozenset()
) -> Place | None:
    """``REMOTE:path`` (a ``/`` before the ``:`` makes it a local path, as rclone reads it);
    ``on_aws``: the remotes on AWS S3 (``None``: not known, any may be)."""
    if "://" in word:
        return None  # a URL: no verb understood here takes one
    remote, colon, path = word.partition(":")
    if not colon or "/" in remote:
        return call.local(word)
    if not _RCLONE_REMOTE.fullmatch(remote):
        return None  # an on-the-fly backend or inline parameters: see the module's docstring
    path = path.strip("/")
    place = named_place(
        "rclone:", f"{remote}/{path}" if path else remote, "rclone", "rclone-path", holder=not path
    )
    if on_aws is not None and remote in on_aws:
        # rclone's S3 backend reads the AWS variables: the caller's AWS hints tell its account.
        return evolve(on_aws_s3(place, path), aws_hints=True)
    return on_aws_s3(place, path) if on_aws is None else place


def _aws_remotes(opts: Options, cmd: SimpleCommand, ctx: ShellContext) -> frozenset[str] | None:
    """The remotes on AWS S3, from rclone's config and ``RCLONE_CONFIG_<NAME>_*`` variables;
    ``None`` when the config cannot be read (then any remote may be).

    The config is read as the line leaves it: one an earlier command rewrote (``printf … >
    rclone.conf && rclone purge …``) is that text, or not known when the text is not."""
    named = opts.value("config") or setting(cmd, ctx.env, "RCLONE_CONFIG")
    if not named and _other_config_home(cmd, ctx):
        return None
    path = named or f"{ctx.home.rstrip('/')}/.config/rclone/rclone.conf"
    text = one_text_on_line(file_path(path, ctx), ctx, limit=262_144)
    if text is None:
        return None
    remotes = _sections(text)
    for name, value in {**ctx.env, **cmd.assignments}.items():
        found = _REMOTE_VARIABLE.fullmatch(name)
        if found is not None:
            remotes.setdefault(found.group(1).lower(), {})[found.group(2).lower()] = value
    return frozenset(name for name, keys in remotes.items() if _on_aws(keys))


def _other_config_home(cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether rclone looks for its default config elsewhere than ``~/.config/rclone``: under
    ``XDG_CONFIG_HOME``, or the home the line gives it (``HOME=/tmp/x rclone …``), whose
    files are not read here."""
    return home_moved(cmd, ctx) or bool(setting(cmd, ctx.env, "XDG_CONFIG_HOME"))


_REMOTE_VARIABLE = re.compile(r"RCLONE_CONFIG_([A-Z0-9_]+?)_(TYPE|PROVIDER|ENDPOINT)", re.I)


def _sections(text: str) -> dict[str, dict[str, str]]:
    """``[name]`` sections of rclone's config with their ``key = value`` lines (keys
    lower-cased)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1].strip(), {})
        elif current is not None and "=" in stripped and not stripped.startswith(("#", ";")):
            key, _, value = stripped.partition("=")
            current[key.strip().lower()] = value.strip()
    return sections


def _on_aws(keys: Mapping[str, str]) -> bool:
    """Whether a remote's settings put it on AWS S3."""
    endpoint = keys.get("endpoint", "")
    return (
        keys.get("type", "").lower() == "s3"
        and keys.get("provider", "AWS").lower() in ("aws", "")
        and (not endpoint or "amazonaws.com" in endpoint.lower())
    )


def _dedupe(call: StorageCall, words: Sequence[str]) -> list[Effect] | None:
    """``dedupe [MODE] PATH`` (or ``--dedupe-mode``): ``list`` reads, ``rename`` renames,
    every other mode deletes duplicates."""
    if len(words) > 2:
        return None
    mode = call.opts.value("dedupe-mode") or (words[0] if len(words) == 2 else "interactive")
    if mode == "list":
        return read_meaning(call, words[-1:])
    if mode == "rename":
        return change_meaning(call, words[-1:], detail="renames duplicates")
    return remove_meaning(call, words[-1:], scope="under", detail="deletes duplicate files")


def _bisync(call: StorageCall, words: Sequence[str]) -> list[Effect] | None:
    """``rclone bisync PATH1 PATH2``: each side gets the other's changes, deletions too."""
    places = call.places(words)
    if places is None or len(places) != 2:
        return None
    said = "made like the other side, deletions too"
    return [call.effect(k, p, "under", said) for p in places for k in (_E.UPDATE, _E.DELETE)]


def _rclone_config(call: StorageCall, words: Sequence[str]) -> list[Effect] | None:
    """``config show|dump|file|...`` read rclone's config file; its other verbs change it and
    are not understood."""
    reads = bool(words) and words[0] in _RCLONE_CONFIG_READS
    return _rclone_config_file(call, words) if reads else None


def _rclone_config_file(call: StorageCall, words: Sequence[str]) -> list[Effect]:
    """A read of rclone's config file (``--config``, ``RCLONE_CONFIG``, else the default)."""
    named = call.opts.value("config") or setting(call.cmd, call.ctx.env, "RCLONE_CONFIG")
    path = named or f"{call.ctx.home.rstrip('/')}/.config/rclone/rclone.conf"
    return [call.effect(_E.READ, call.local(path), "it", "rclone's config: remotes and secrets")]


def _version(call: StorageCall, words: Sequence[str]) -> list[Effect]:
    return [command_effect(_E.READ, call.cmd, call.ctx, detail="prints its version")]


_RCLONE_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("ls", "lsl", "lsd", "lsf", "lsjson", "cat", "size", "md5sum"), read_meaning),
    **dict.fromkeys(("sha1sum", "about", "check", "cryptcheck"), read_meaning),
    "tree": writing_too("o", "tree --output: the listing is written here", read_meaning, "it"),
    "hashsum": partial(read_meaning, skip=1),  # hashsum HASH PATH
    "checksum": partial(read_meaning, skip=1),  # checksum HASH SUMFILE PATH
    "copy": partial(transfer_meaning, pair=True),
    "copyto": partial(transfer_meaning, pair=True, to="tree"),
    "move": partial(transfer_meaning, pair=True, move=True),
    "moveto": partial(transfer_meaning, pair=True, move=True, to="tree"),
    "sync": partial(mirror_meaning, deleting=None),
    "bisync": _bisync,
    "delete": partial(remove_meaning, detail="deletes the files in it"),
    "purge": partial(remove_meaning, detail="deletes it and everything in it"),
    "deletefile": partial(remove_meaning, scope="it", detail="deletes the file"),
    "rmdir": partial(remove_meaning, scope="it", detail="removes the empty directory"),
    "rmdirs": partial(remove_meaning, detail="removes the empty directories in it"),
    "cleanup": partial(remove_meaning, scope="under", detail="empties its trash and old versions"),
    "dedupe": _dedupe,
    "mkdir": make_meaning,
    "touch": partial(change_meaning, detail="creates it or sets its time"),
    "rcat": partial(change_meaning, detail="written from stdin"),
    "link": partial(change_meaning, detail="makes a public link to it (or removes one)"),
    "config": _rclone_config,
    "listremotes": _rclone_config_file,
    "version": _version,
}
# The verbs that overwrite or delete: --backup-dir moves what they would lose there instead.
_RCLONE_VERBS |= {
    verb: writing_too("backup-dir", "--backup-dir: what is replaced moves here", meaning)
    for verb, meaning in _RCLONE_VERBS.items()
    if verb in ("copy", "copyto", "move", "moveto", "sync")
}


@command("rclone")
def rclone(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``rclone [FLAGS] VERB ARGS [FLAGS]``: every verb works on whole trees."""
    opts = parse_options(cmd.args, _RCLONE)
    dry_run = opts.surely_on("n")
    place_of = partial(_rclone_place, on_aws=_aws_remotes(opts, cmd, ctx))
    return understand_verbs(
        cmd, ctx, opts, _RCLONE_VERBS, place_of, dry_run=dry_run, recursive=True
    )
