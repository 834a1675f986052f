"""Object-storage sync and copy tools: ``rclone``, ``mc`` (the MinIO client), ``s3cmd``,
``azcopy``.

Names (decided here):
- A local path is ``file:/abs/path``; everything under it ``file:/abs/path/*``.
- rclone ``REMOTE:path`` -> ``rclone:REMOTE/path`` (the remote's root: ``rclone:REMOTE``). What
  kind of storage a remote is lives in rclone's config, not on the line, so a remote called
  ``s3prod`` stays ``rclone:s3prod/...``. On-the-fly remotes (``:s3:bucket``) and remotes with
  inline parameters (``remote,key=value:path``, which may hold credentials) are not named: the
  line is not understood.
- mc ``ALIAS/bucket/key`` -> ``minio:ALIAS/bucket/key``. mc takes a word for a local path unless
  its first part is one of its aliases; the aliases are read from ``MC_HOST_<alias>`` variables
  and mc's ``config.json`` (``-C``/``--config-dir``, ``MC_CONFIG_DIR``, else ``~/.mc``). A word
  starting with ``/``, ``.`` or ``~`` is local; when the config cannot be read, a word whose first
  part is no known alias is named both ways (``minio:data/x`` and ``file:/cwd/data/x``).
- s3cmd ``s3://bucket/key`` -> the AWS CLI's names (``arn:aws:s3:::bucket/key`` and
  ``s3://bucket/key``; a bucket alone ``arn:aws:s3:::bucket``; everything under a prefix
  ``...bucket/key*``, as S3 prefixes work), so that a ``protected`` pattern on the ARN holds
  whichever tool is used.
- azcopy ``https://ACCOUNT.blob.core.windows.net/container/path`` -> ``azure:storage/ACCOUNT/
  container/path`` (the ``dfs`` and ``file`` endpoints of an account alike: the same data reached
  another way). Other URLs (S3 or GCS sources) name themselves, without their query.

A URL's query string is a credential (azcopy's SAS token ``?sv=...&sig=...``, a presigned URL's
signature): it never reaches a name or a detail, and the command text shown (``command``, and
the name of a form not understood, which these handlers make unknown themselves for that
reason) has it replaced by ``?<redacted>``.

Meanings: listings and ``cat``-like verbs read. A copy reads each source and writes the
destination: everything under it (``/*``) when it is a directory (recursive, several sources, a
bucket or container, a word ending in ``/``), else the named object. A move deletes each
source instead of reading it. A removal deletes its names, and with ``--recursive`` (rclone: always;
``purge``, ``rb --force``) everything under them too. A mirror (``rclone sync``, ``mc mirror
--remove``, ``s3cmd sync --delete-removed``, ``azcopy sync --delete-destination=true|prompt``)
writes and deletes everything under its destination; without those options it only writes. A
dry run (``--dry-run``; rclone and s3cmd ``-n``; mc ``--fake``) only reads. A recursive delete
of ``/`` or a home directory, a mirror onto one, is catastrophic. A change whose place is
decided at run time is unknown. Everything lands in the environment given outright
(:func:`~keyturn.understand.shell.effects.local_target`).

Not understood (left unknown on purpose): mounts and servers (``rclone mount|serve|rc|ncdu``,
which give or take changes outside the line), config changes (``rclone config create``,
``mc alias set``, ``s3cmd --configure``), administration (``mc admin``), ``mc find --exec``,
``mc rm --stdin`` (names on stdin), logins, jobs, and any other verb. ``mc`` is also Midnight
Commander, whose lines have no verb: not understood either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.effects import (
    command_effect,
    file_path,
    home_or_root,
    local_target,
    unknown_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
# Kinds that change what exists: on a place decided at run time they are unknown.
_CHANGES = frozenset({_E.UPDATE, _E.DELETE, _E.REPLACE})
# What an effect names of a place: the thing itself, everything under it, or both.
Scope = Literal["it", "under", "tree"]


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a path word points: its names (``it``) and those of everything under it
    (``under``); ``holder`` when it can only hold things (a bucket, a container, a remote's
    root); ``local`` its absolute path when it is on this host; ``run_time`` when the word is
    decided at run time."""

    it: tuple[str, ...]
    under: tuple[str, ...]
    service: str
    type: str
    holder: bool = False
    local: str | None = None
    run_time: bool = False


def _named(prefix: str, path: str, service: str, type: str, *, holder: bool = False) -> _Place:
    """``prefix + path`` and ``prefix + path/*`` (a trailing ``/`` dropped)."""
    base = path.rstrip("/") or path
    return _Place((prefix + base,), (prefix + base.rstrip("/") + "/*",), service, type, holder)


def _either(first: _Place, second: _Place) -> _Place:
    """A word that names ``first`` or ``second``, which one not known: both."""
    return evolve(
        first, it=first.it + second.it, under=first.under + second.under, local=second.local
    )


# stdin or stdout (``-``): nothing named is touched.
_STDIO = _Place(("stream:stdio",), ("stream:stdio",), "shell", "stream")
# Every bucket (``s3cmd ls`` with no URL), named as the AWS CLI names it.
_S3_ALL = _Place(("arn:aws:s3:::*", "s3://*"), ("arn:aws:s3:::*", "s3://*"), "s3", "s3-bucket")


@dataclass(frozen=True, slots=True)
class _Call:
    """One tool invocation being understood (``cmd``: its text without credentials): its
    options, how it names a path word (``place_of``), the operation shown (``rclone sync``),
    whether it only pretends (``dry_run``), and whether its verbs take whole trees
    (``recursive``)."""

    cmd: SimpleCommand
    ctx: ShellContext
    opts: Options
    operation: str
    place_of: Callable[[str, _Call], _Place | None]
    dry_run: bool
    recursive: bool

    def places(self, words: Sequence[str]) -> list[_Place] | None:
        """Each word's place; ``None`` when one cannot be named."""
        found = []
        for word in words:
            place = _STDIO if word == "-" else self.place_of(word, self)
            if place is None:
                return None
            found.append(evolve(place, run_time=True) if self._run_time(word) else place)
        return found

    def local(self, word: str) -> _Place:
        path = file_path(word, self.ctx)
        return evolve(_named("file:", path, "file", "file"), local=path)

    def effect(self, kind: EffectKind, place: _Place, scope: Scope, detail: str) -> Effect:
        names = {"it": place.it, "under": place.under, "tree": place.it + place.under}[scope]
        wrecked = None
        if self.dry_run:
            kind, detail = _E.READ, f"dry run: {detail}"
        elif kind is _E.DELETE and place.local and scope != "it":
            wrecked = home_or_root(place.local, home=self.ctx.home)
        if kind in _CHANGES and place.run_time and wrecked is None:
            kind, detail = _E.UNKNOWN, f"{detail}; where it lands is decided at run time"
        return Effect(
            effect=kind,
            resource=Resource(tuple(dict.fromkeys(names)), type=place.type),
            target=local_target(self.ctx),
            service=place.service,
            command=self.cmd.text or None,
            operation=self.operation,
            catastrophic=f"{self.operation}: {wrecked}" if wrecked else None,
            detail=detail,
        )

    def _run_time(self, word: str) -> bool:
        # The parser marks a whole word holding a variable or substitution (an option's value
        # may be glued on: ``--backup-dir=$X``).
        argv = self.cmd.argv
        return any(
            argv[i] == word or argv[i].endswith("=" + word)
            for i in self.cmd.dynamic_words
            if 0 < i < len(argv)
        )


Meaning = Callable[[_Call, Sequence[str]], list[Effect] | None]


def _on(opts: Options, *keys: str) -> bool:
    """Whether a yes/no option is on: given bare, or with a value other than false
    (``--dry-run``, ``--delete-destination=prompt``; not ``--dry-run=false``)."""
    return any(
        k in opts.flags or (opts.value(k) or "false").lower() not in ("false", "0") for k in keys
    )


def _understand(
    cmd: SimpleCommand,
    ctx: ShellContext,
    opts: Options,
    verbs: dict[str, Meaning],
    place_of: Callable[[str, _Call], _Place | None],
    *,
    dry_run: bool,
    recursive: bool,
) -> list[Effect]:
    """``TOOL VERB WORDS...`` by the tool's table of verbs."""
    if not opts.operands or opts.operands[0] not in verbs:
        return _not_understood(cmd, ctx)
    verb, *words = opts.operands
    shown = _without_credentials(cmd)
    call = _Call(shown, ctx, opts, f"{cmd.name} {verb}", place_of, dry_run, recursive)
    found = verbs[verb](call, words)
    return _not_understood(cmd, ctx) if found is None else found


def _without_credentials(cmd: SimpleCommand) -> SimpleCommand:
    """``cmd`` with the query of each URL in its text replaced (see the module's docstring)."""
    words = [w.split("?", 1)[0] + "?<redacted>" if "://" in w and "?" in w else w for w in cmd.argv]
    return evolve(cmd, text=" ".join(words)) if words != list(cmd.argv) else cmd


def _not_understood(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What the dispatcher makes of a form not understood, without credentials."""
    reason = f"this form of {cmd.name!r} is not understood"
    return [unknown_effect(_without_credentials(cmd), reason, ctx)]


# -- meanings shared by the tools -----------------------------------------------------------


def _read(
    call: _Call,
    words: Sequence[str],
    *,
    skip: int = 0,
    keep: int | None = None,
    everything: _Place | None = None,
) -> list[Effect] | None:
    """Reads each path word (after ``skip`` words that are not paths; only ``keep`` of
    them); with none, ``everything`` (else not understood)."""
    words = words[skip:][:keep]
    if not words:
        return [call.effect(_E.READ, everything, "under", "lists it")] if everything else None
    places = call.places(words)
    if places is None:
        return None
    return [call.effect(_E.READ, p, "tree", "lists or reads it") for p in places]


def _transfer(
    call: _Call,
    words: Sequence[str],
    *,
    move: bool = False,
    pair: bool = False,
    to: Scope | None = None,
) -> list[Effect] | None:
    """``SOURCE... DESTINATION`` (``pair``: exactly one source): each source is read (deleted
    when moving), the destination written -- everything under it when it is a directory,
    else itself (``to`` decides outright)."""
    places = call.places(words)
    if places is None or len(places) < 2 or (pair and len(places) != 2):
        return None
    *sources, dst = places
    scope: Scope = "tree" if call.recursive else "it"
    if move:
        out = [call.effect(_E.DELETE, s, scope, "moved away from here") for s in sources]
    else:
        out = [call.effect(_E.READ, s, scope, "copied from here") for s in sources]
    into: Scope = to or ("under" if _directory(call, words[-1], dst, len(sources)) else "it")
    out.append(call.effect(_E.UPDATE, dst, into, "written here: what is there is overwritten"))
    return out


def _directory(call: _Call, word: str, place: _Place, sources: int) -> bool:
    """Whether a copy's destination is a directory things are copied into."""
    return (
        call.recursive
        or sources > 1
        or place.holder
        or word.endswith("/")
        or word in (".", "..")
        or (place.local is not None and call.ctx.files.is_dir(place.local))
    )


def _mirror(
    call: _Call, words: Sequence[str], *, deleting: str | None, move: bool = False
) -> list[Effect] | None:
    """``SOURCE DESTINATION``: makes everything under the destination like the source, and
    deletes there what the source lacks -- always (``deleting`` None) or when the option
    ``deleting`` is on. ``move``: the source is deleted once fetched."""
    places = call.places(words)
    if places is None or len(places) != 2:
        return None
    src, dst = places
    out = [
        call.effect(_E.DELETE, src, "tree", "deleted once fetched")
        if move
        else call.effect(_E.READ, src, "tree", "mirrored from here"),
        call.effect(_E.UPDATE, dst, "under", "made like the source"),
    ]
    if deleting is None or _on(call.opts, deleting):
        out.append(call.effect(_E.DELETE, dst, "under", "deletes what the source lacks"))
    return out


def _bisync(call: _Call, words: Sequence[str]) -> list[Effect] | None:
    """``rclone bisync PATH1 PATH2``: each side gets the other's changes, deletions too."""
    places = call.places(words)
    if places is None or len(places) != 2:
        return None
    said = "made like the other side, deletions too"
    return [call.effect(k, p, "under", said) for p in places for k in (_E.UPDATE, _E.DELETE)]


def _remove(
    call: _Call,
    words: Sequence[str],
    *,
    detail: str,
    scope: Scope | None = None,
    forcing: str | None = None,
) -> list[Effect] | None:
    """Deletes each word's place: everything under it too when recursive or the option
    ``forcing`` is on (``rb --force``), unless ``scope`` says outright."""
    places = call.places(words)
    if not places:
        return None
    whole = call.recursive or (forcing is not None and _on(call.opts, forcing))
    return [call.effect(_E.DELETE, p, scope or ("tree" if whole else "it"), detail) for p in places]


def _make(call: _Call, words: Sequence[str]) -> list[Effect] | None:
    places = call.places(words)
    return [call.effect(_E.CREATE, p, "it", "creates it") for p in places] if places else None


def _change(call: _Call, words: Sequence[str], *, detail: str) -> list[Effect] | None:
    places = call.places(words)
    scope: Scope = "tree" if call.recursive else "it"
    return [call.effect(_E.UPDATE, p, scope, detail) for p in places] if places else None


def _writing_too(option: str, detail: str, meaning: Meaning, scope: Scope = "under") -> Meaning:
    """``meaning``, with each value of ``option`` written too: everything under it (a backup
    directory, another destination), or it (``scope``: an output file)."""

    def understood(call: _Call, words: Sequence[str]) -> list[Effect] | None:
        found = meaning(call, words)
        places = call.places(call.opts.values.get(option, ()))
        if found is None or places is None:
            return None
        return found + [call.effect(_E.UPDATE, p, scope, detail) for p in places]

    return understood


# -- rclone ---------------------------------------------------------------------------------

# Options taking a value (flags may come anywhere; any other option is a flag). A valued one
# not listed takes its value as a path word: a transfer then has a word too many and is not
# understood, a removal names one place too many -- never one too few.
_RCLONE = OptionSpec(
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


def _rclone_place(word: str, call: _Call) -> _Place | None:
    """``REMOTE:path`` (a ``/`` before the ``:`` makes it a local path, as rclone reads it)."""
    if "://" in word:
        return None  # a URL: no verb understood here takes one
    remote, colon, path = word.partition(":")
    if not colon or "/" in remote:
        return call.local(word)
    if not _RCLONE_REMOTE.fullmatch(remote):
        return None  # an on-the-fly backend or inline parameters: see the module's docstring
    path = path.strip("/")
    return _named(
        "rclone:", f"{remote}/{path}" if path else remote, "rclone", "rclone-path", holder=not path
    )


def _dedupe(call: _Call, words: Sequence[str]) -> list[Effect] | None:
    """``dedupe [MODE] PATH`` (or ``--dedupe-mode``): ``list`` reads, ``rename`` renames,
    every other mode deletes duplicates."""
    if len(words) > 2:
        return None
    mode = call.opts.value("dedupe-mode") or (words[0] if len(words) == 2 else "interactive")
    if mode == "list":
        return _read(call, words[-1:])
    if mode == "rename":
        return _change(call, words[-1:], detail="renames duplicates")
    return _remove(call, words[-1:], scope="under", detail="deletes duplicate files")


def _rclone_config(call: _Call, words: Sequence[str]) -> list[Effect] | None:
    """``config show|dump|file|...`` read rclone's config file; its other verbs change it and
    are not understood."""
    reads = bool(words) and words[0] in _RCLONE_CONFIG_READS
    return _rclone_config_file(call, words) if reads else None


def _rclone_config_file(call: _Call, words: Sequence[str]) -> list[Effect]:
    """A read of rclone's config file (``--config``, ``RCLONE_CONFIG``, else the default)."""
    named = call.opts.value("config") or setting(call.cmd, call.ctx.env, "RCLONE_CONFIG")
    path = named or f"{call.ctx.home.rstrip('/')}/.config/rclone/rclone.conf"
    return [call.effect(_E.READ, call.local(path), "it", "rclone's config: remotes and secrets")]


def _version(call: _Call, words: Sequence[str]) -> list[Effect]:
    return [command_effect(_E.READ, call.cmd, call.ctx, detail="prints its version")]


_RCLONE_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("ls", "lsl", "lsd", "lsf", "lsjson", "cat", "size", "md5sum"), _read),
    **dict.fromkeys(("sha1sum", "about", "check", "cryptcheck"), _read),
    "tree": _writing_too("o", "tree --output: the listing is written here", _read, "it"),
    "hashsum": partial(_read, skip=1),  # hashsum HASH PATH
    "checksum": partial(_read, skip=1),  # checksum HASH SUMFILE PATH
    "copy": partial(_transfer, pair=True),
    "copyto": partial(_transfer, pair=True, to="tree"),
    "move": partial(_transfer, pair=True, move=True),
    "moveto": partial(_transfer, pair=True, move=True, to="tree"),
    "sync": partial(_mirror, deleting=None),
    "bisync": _bisync,
    "delete": partial(_remove, detail="deletes the files in it"),
    "purge": partial(_remove, detail="deletes it and everything in it"),
    "deletefile": partial(_remove, scope="it", detail="deletes the file"),
    "rmdir": partial(_remove, scope="it", detail="removes the empty directory"),
    "rmdirs": partial(_remove, detail="removes the empty directories in it"),
    "cleanup": partial(_remove, scope="under", detail="empties its trash and old versions"),
    "dedupe": _dedupe,
    "mkdir": _make,
    "touch": partial(_change, detail="creates it or sets its time"),
    "rcat": partial(_change, detail="written from stdin"),
    "link": partial(_change, detail="makes a public link to it (or removes one)"),
    "config": _rclone_config,
    "listremotes": _rclone_config_file,
    "version": _version,
}
# The verbs that overwrite or delete: --backup-dir moves what they would lose there instead.
_RCLONE_VERBS |= {
    verb: _writing_too("backup-dir", "--backup-dir: what is replaced moves here", meaning)
    for verb, meaning in _RCLONE_VERBS.items()
    if verb in ("copy", "copyto", "move", "moveto", "sync")
}


@command("rclone")
def rclone(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``rclone [FLAGS] VERB ARGS [FLAGS]``: every verb works on whole trees."""
    opts = parse_options(cmd.args, _RCLONE)
    dry_run = _on(opts, "n")
    return _understand(
        cmd, ctx, opts, _RCLONE_VERBS, _rclone_place, dry_run=dry_run, recursive=True
    )


# -- mc (MinIO client) ----------------------------------------------------------------------

_MC = OptionSpec(
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


def _mc_place(word: str, call: _Call, *, aliases: frozenset[str], complete: bool) -> _Place | None:
    """``ALIAS/bucket/key`` or a local path, as mc tells them (see the module's docstring)."""
    if "://" in word:
        return None  # a URL: mc names a deployment by its alias
    if not word or word.startswith(("/", ".", "~")):
        return call.local(word)
    alias = word.split("/", 1)[0]
    if alias not in aliases and complete:
        return call.local(word)
    path = word.strip("/")
    held = path.count("/") <= 1  # an alias or a bucket
    remote = _named("minio:", path, "minio", "minio-bucket" if held else "minio-object")
    remote = evolve(remote, holder=held)
    return remote if alias in aliases else _either(remote, call.local(word))


def _mc_aliases(
    opts: Options, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[frozenset[str], bool]:
    """The aliases mc knows, and whether that is all of them (its config file was read)."""
    variables = {**ctx.env, **cmd.assignments}
    known = {name.removeprefix("MC_HOST_") for name in variables if name.startswith("MC_HOST_")}
    folder = opts.value("C") or variables.get("MC_CONFIG_DIR") or f"{ctx.home}/.mc"
    text = ctx.files.read_text(file_path(folder, ctx) + "/config.json")
    try:
        config = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        config = None
    if not isinstance(config, dict):
        return frozenset(known), False
    table = config.get("aliases") or config.get("hosts")  # "hosts" before mc 2020
    return frozenset(known | set(table if isinstance(table, dict) else ())), True


def _mc_find(call: _Call, words: Sequence[str]) -> list[Effect] | None:
    """``find PATH``: reads; ``--exec`` runs a command on each object, not understood."""
    return None if call.opts.has("exec") else _read(call, words)


_MC_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("ls", "cat", "head", "stat", "du", "tree", "diff", "sql"), _read),
    "find": _mc_find,
    "cp": _transfer,
    "mv": partial(_transfer, move=True),
    "put": partial(_transfer, pair=True),
    "get": partial(_transfer, pair=True),
    "mirror": partial(_mirror, deleting="remove"),
    "rm": partial(_remove, detail="deletes it (--recursive: and everything under it)"),
    "rb": partial(_remove, forcing="force", detail="deletes the bucket (--force: and its objects)"),
    "mb": _make,
    "pipe": partial(_change, detail="written from stdin"),
}


@command("mc")
def mc(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``mc [FLAGS] VERB ARGS [FLAGS]``."""
    opts = parse_options(cmd.args, _MC)
    if opts.has("stdin"):
        return _not_understood(cmd, ctx)  # the names come on stdin
    aliases, complete = _mc_aliases(opts, cmd, ctx)
    place_of = partial(_mc_place, aliases=aliases, complete=complete)
    dry_run = _on(opts, "dry-run", "fake")
    return _understand(
        cmd, ctx, opts, _MC_VERBS, place_of, dry_run=dry_run, recursive=_on(opts, "r")
    )


# -- s3cmd ----------------------------------------------------------------------------------

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


def _s3_place(word: str, call: _Call) -> _Place | None:
    """``s3://bucket/key`` by the AWS CLI's names (see the module's docstring); another URL is
    not understood; else a local path."""
    if not word.startswith("s3://"):
        return None if "://" in word else call.local(word)
    bucket, _, key = word[5:].partition("/")
    where = f"{bucket}/{key}" if key else bucket
    it = (f"arn:aws:s3:::{where}", f"s3://{where}")
    under = (f"arn:aws:s3:::{bucket}/{key}*", f"s3://{bucket}/{key}*")
    return _Place(it, under, "s3", "s3-object" if key else "s3-bucket", holder=not key)


def _s3cmd_get(call: _Call, words: Sequence[str], *, move: bool = False) -> list[Effect] | None:
    """``get s3://... [LOCAL]``: without LOCAL, into the working directory (a single object
    under its own name)."""
    if words and all(w.startswith("s3://") for w in words):
        single = len(words) == 1 and not call.recursive and not words[0].endswith("/")
        words = [*words, words[0].rsplit("/", 1)[-1] if single else "."]
    return _transfer(call, words, move=move)


def _s3cmd_setting(call: _Call, words: Sequence[str]) -> list[Effect] | None:
    urls = [w for w in words if w.startswith("s3://")]
    return _change(call, urls, detail="changes its settings")


_S3CMD_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("ls", "du"), partial(_read, everything=_S3_ALL)),
    "la": partial(_read, keep=0, everything=_S3_ALL),
    **dict.fromkeys(("info", "listmp", "multipart", "ws-info", "getlifecycle"), _read),
    **dict.fromkeys(("getpolicy", "getcors", "getnotification"), _read),
    "signurl": partial(_read, keep=1),  # signurl URL EXPIRY
    "mb": _make,
    "rb": partial(_remove, forcing="f", detail="deletes the bucket (--force: and its objects)"),
    **dict.fromkeys(("del", "rm"), partial(_remove, detail="deletes it (-r: the prefix)")),
    "put": _transfer,
    "get": _s3cmd_get,
    "cp": _transfer,
    "mv": partial(_transfer, move=True),
    "sync": partial(_mirror, deleting="delete-removed"),
    **dict.fromkeys(_S3CMD_SETTINGS, _s3cmd_setting),
}
# The uploading verbs: --add-destination writes another destination too.
_S3CMD_VERBS |= {
    verb: _writing_too("add-destination", "--add-destination: written too", meaning)
    for verb, meaning in _S3CMD_VERBS.items()
    if verb in ("put", "cp", "sync")
}
# --delete-after-fetch: get and sync delete what they fetched.
_S3CMD_FETCH_VERBS: dict[str, Meaning] = {
    **_S3CMD_VERBS,
    "get": partial(_s3cmd_get, move=True),
    "sync": partial(_mirror, deleting="delete-removed", move=True),
}


@command("s3cmd")
def s3cmd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``s3cmd [OPTIONS] VERB ARGS [OPTIONS]``."""
    opts = parse_options(_unabbreviated(cmd.args), _S3CMD)
    if opts.has("configure"):
        return _not_understood(cmd, ctx)  # rewrites its config file, interactively
    verbs = _S3CMD_FETCH_VERBS if _on(opts, "delete-after-fetch") else _S3CMD_VERBS
    dry_run, recursive = _on(opts, "n"), _on(opts, "r")
    return _understand(cmd, ctx, opts, verbs, _s3_place, dry_run=dry_run, recursive=recursive)


# -- azcopy ---------------------------------------------------------------------------------

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


def _azure_place(word: str, call: _Call) -> _Place | None:
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
        return _named(f"{parts.scheme.lower()}://{host}/", path, "http", "url")
    name = f"{account.group(1).lower()}/{path}".rstrip("/")
    held = "/" not in path  # an account or a container
    kind = "blob-container" if held else "blob"
    return _named("azure:storage/", name, "storage", kind, holder=held)


_AZCOPY_VERBS: dict[str, Meaning] = {
    **dict.fromkeys(("copy", "cp"), partial(_transfer, pair=True)),
    "sync": partial(_mirror, deleting="delete-destination"),
    **dict.fromkeys(("remove", "rm"), partial(_remove, detail="deletes it (--recursive: all)")),
    **dict.fromkeys(("list", "ls"), _read),
    "make": _make,
    "set-properties": partial(_change, detail="changes its tier, metadata or tags"),
}


@command("azcopy")
def azcopy(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``azcopy VERB ARGS [FLAGS]`` (flags anywhere)."""
    opts = parse_options(cmd.args, _AZCOPY)
    dry_run, recursive = _on(opts, "dry-run"), _on(opts, "recursive")
    return _understand(
        cmd, ctx, opts, _AZCOPY_VERBS, _azure_place, dry_run=dry_run, recursive=recursive
    )
