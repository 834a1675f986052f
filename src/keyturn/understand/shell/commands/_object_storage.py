"""What the object-storage sync and copy tools share: ``rclone`` (:mod:`.rclone`), ``mc``, the
MinIO client (:mod:`.minio_client`), ``s3cmd`` (:mod:`.s3cmd`) and ``azcopy`` (:mod:`.azcopy`).
Each tool's module names its own path words and says which verbs mean what; the names and
choices below hold for all four.

Names: a local path is ``file:/abs/path``; everything under it ``file:/abs/path/*``. ``-``
(stdin or stdout) is ``stream:stdio``: nothing named is touched.

A URL's query string is a credential (azcopy's SAS token ``?sv=...&sig=...``, a presigned URL's
signature): it never reaches a name or a detail, and the command text shown (``command``, and
the name of a form not understood, which these handlers make unknown themselves for that
reason) has it replaced by ``?<redacted>``.

Meanings: listings and ``cat``-like verbs read. A copy reads each source and writes the
destination: everything under it (``/*``) when it is a directory (recursive, several sources, a
bucket or container, a word ending in ``/``), else the named object. A move deletes each
source instead of reading it. A removal deletes its names, and when recursive (or forced, as
``rb --force``) everything under them too. A mirror writes and deletes everything under its
destination; without the tool's deleting option it only writes. A dry run only reads. A
recursive delete of ``/`` or a home directory, a mirror onto one, is catastrophic. A change
whose place is decided at run time is unknown.

Environments: a local path lands in the environment given outright
(:func:`~keyturn.understand.shell.effects.local_target`). A remote lands there too, else in
none the caller's hints name (:func:`~._kube_call.untold`): an ``AWS_PROFILE=dev`` of the
session says nothing of a GCS bucket, of an ``mc`` alias (its keys are in mc's own config) or
of ``s3cmd``'s. Only a place marked ``aws_hints`` (an rclone remote its config puts on AWS S3,
which reads the AWS variables) takes the caller's AWS hints as well.

A verb not in a tool's table is not understood (left unknown on purpose).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._kube_call import untold
from keyturn.understand.shell.effects import file_path, home_or_root, local_target, unknown_effect
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_E = EffectKind
# Kinds that change what exists: on a place decided at run time they are unknown.
_CHANGES = frozenset({_E.UPDATE, _E.DELETE, _E.REPLACE})
# What an effect names of a place: the thing itself, everything under it, or both.
Scope = Literal["it", "under", "tree"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a path word points: its names (``it``) and those of everything under it
    (``under``); ``holder`` when it can only hold things (a bucket, a container, a remote's
    root); ``local`` its absolute path when it is on this host; ``run_time`` when the word is
    decided at run time; ``aws_hints`` when the caller's AWS hints tell where it is."""

    it: tuple[str, ...]
    under: tuple[str, ...]
    service: str
    type: str
    holder: bool = False
    local: str | None = None
    run_time: bool = False
    aws_hints: bool = False


def named_place(prefix: str, path: str, service: str, type: str, *, holder: bool = False) -> Place:
    """``prefix + path`` and ``prefix + path/*`` (a trailing ``/`` dropped)."""
    base = path.rstrip("/") or path
    return Place((prefix + base,), (prefix + base.rstrip("/") + "/*",), service, type, holder)


def on_aws_s3(place: Place, path: str) -> Place:
    """``place`` also named as the AWS CLI names S3 (``arn:aws:s3:::bucket/key``), for a tool
    whose remote is AWS S3 (``path``: ``bucket/key`` there), so that what protects the bucket
    by that name protects it from this tool too."""
    bucket, _, key = path.strip("/").partition("/")
    if not bucket:
        it, under = ("arn:aws:s3:::*",), ("arn:aws:s3:::*",)
    else:
        where = f"{bucket}/{key}" if key else bucket
        it = (f"arn:aws:s3:::{where}",)
        under = (f"arn:aws:s3:::{where}/*",)
    return evolve(place, it=place.it + it, under=place.under + under)


def either_place(first: Place, second: Place) -> Place:
    """A word that names ``first`` or ``second``, which one not known: both."""
    return evolve(
        first, it=first.it + second.it, under=first.under + second.under, local=second.local
    )


# stdin or stdout (``-``): nothing named is touched.
_STDIO = Place(("stream:stdio",), ("stream:stdio",), "shell", "stream")


@dataclass(frozen=True, slots=True)
class StorageCall:
    """One tool invocation being understood (``cmd``: its text without credentials): its
    options, how it names a path word (``place_of``), the operation shown (``rclone sync``),
    whether it only pretends (``dry_run``), and whether its verbs take whole trees
    (``recursive``)."""

    cmd: SimpleCommand
    ctx: ShellContext
    opts: Options
    operation: str
    place_of: Callable[[str, StorageCall], Place | None]
    dry_run: bool
    recursive: bool

    def places(self, words: Sequence[str]) -> list[Place] | None:
        """Each word's place; ``None`` when one cannot be named."""
        found = []
        for word in words:
            place = _STDIO if word == "-" else self.place_of(word, self)
            if place is None:
                return None
            found.append(evolve(place, run_time=True) if self._run_time(word) else place)
        return found

    def local(self, word: str) -> Place:
        """``word`` as a path on this host."""
        path = file_path(word, self.ctx)
        return evolve(named_place("file:", path, "file", "file"), local=path)

    def effect(self, kind: EffectKind, place: Place, scope: Scope, detail: str) -> Effect:
        """``kind`` on ``scope`` of ``place``: a read when only pretending, catastrophic when it
        deletes ``/`` or a home directory, unknown when a change lands where decided at run time."""
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
            target=self._target(place),
            service=place.service,
            command=self.cmd.text or None,
            operation=self.operation,
            catastrophic=f"{self.operation}: {wrecked}" if wrecked else None,
            detail=detail,
        )

    def _target(self, place: Place) -> Target:
        if place.aws_hints:
            return self.ctx.target
        if place is _STDIO or all(name.startswith("file:") for name in place.it):
            return local_target(self.ctx)
        return untold(self.ctx.target)  # a remote, or a word that may be a remote or a path

    def _run_time(self, word: str) -> bool:
        # The parser marks a whole word holding a variable or substitution (an option's value
        # may be glued on: ``--backup-dir=$X``).
        argv = self.cmd.argv
        return any(
            argv[i] == word or argv[i].endswith("=" + word)
            for i in self.cmd.dynamic_words
            if 0 < i < len(argv)
        )


Meaning = Callable[[StorageCall, Sequence[str]], list[Effect] | None]


def understand_verbs(
    cmd: SimpleCommand,
    ctx: ShellContext,
    opts: Options,
    verbs: dict[str, Meaning],
    place_of: Callable[[str, StorageCall], Place | None],
    *,
    dry_run: bool,
    recursive: bool,
) -> list[Effect]:
    """``TOOL VERB WORDS...`` by the tool's table of verbs."""
    if not opts.operands or opts.operands[0] not in verbs:
        return not_understood(cmd, ctx)
    verb, *words = opts.operands
    shown = _without_credentials(cmd)
    call = StorageCall(shown, ctx, opts, f"{cmd.name} {verb}", place_of, dry_run, recursive)
    found = verbs[verb](call, words)
    return not_understood(cmd, ctx) if found is None else found


def _without_credentials(cmd: SimpleCommand) -> SimpleCommand:
    """``cmd`` with the query of each URL in its text replaced (see this module's docstring)."""
    words = [w.split("?", 1)[0] + "?<redacted>" if "://" in w and "?" in w else w for w in cmd.argv]
    return evolve(cmd, text=" ".join(words)) if words != list(cmd.argv) else cmd


def not_understood(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What the dispatcher makes of a form not understood, without credentials."""
    reason = f"this form of {cmd.name!r} is not understood"
    return [unknown_effect(_without_credentials(cmd), reason, ctx)]


# -- meanings shared by the tools -----------------------------------------------------------


def read_meaning(
    call: StorageCall,
    words: Sequence[str],
    *,
    skip: int = 0,
    keep: int | None = None,
    everything: Place | None = None,
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


def transfer_meaning(
    call: StorageCall,
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


def _directory(call: StorageCall, word: str, place: Place, sources: int) -> bool:
    """Whether a copy's destination is a directory things are copied into."""
    return (
        call.recursive
        or sources > 1
        or place.holder
        or word.endswith("/")
        or word in (".", "..")
        or (place.local is not None and call.ctx.files.is_dir(place.local))
    )


def mirror_meaning(
    call: StorageCall, words: Sequence[str], *, deleting: str | None, move: bool = False
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
    if deleting is None or call.opts.on(deleting):
        out.append(call.effect(_E.DELETE, dst, "under", "deletes what the source lacks"))
    return out


def remove_meaning(
    call: StorageCall,
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
    whole = call.recursive or (forcing is not None and call.opts.on(forcing))
    return [call.effect(_E.DELETE, p, scope or ("tree" if whole else "it"), detail) for p in places]


def make_meaning(call: StorageCall, words: Sequence[str]) -> list[Effect] | None:
    """Creates each word's place (a bucket, a container, a directory)."""
    places = call.places(words)
    return [call.effect(_E.CREATE, p, "it", "creates it") for p in places] if places else None


def change_meaning(call: StorageCall, words: Sequence[str], *, detail: str) -> list[Effect] | None:
    """Updates each word's place (everything under it too when recursive)."""
    places = call.places(words)
    scope: Scope = "tree" if call.recursive else "it"
    return [call.effect(_E.UPDATE, p, scope, detail) for p in places] if places else None


def writing_too(option: str, detail: str, meaning: Meaning, scope: Scope = "under") -> Meaning:
    """``meaning``, with each value of ``option`` written too: everything under it (a backup
    directory, another destination), or it (``scope``: an output file)."""

    def understood(call: StorageCall, words: Sequence[str]) -> list[Effect] | None:
        found = meaning(call, words)
        places = call.places(call.opts.values.get(option, ()))
        if found is None or places is None:
            return None
        return found + [call.effect(_E.UPDATE, p, scope, detail) for p in places]

    return understood
