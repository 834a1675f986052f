"""``nats``, the NATS command line: streams, consumers, key-value and object stores, core
publish/subscribe. Names as :mod:`.messaging` says.

Kinds: ``ls``/``info``/``report``/``get``/``view``/``history``/``watch``/``sub`` read
(``backup`` also writes the backup here); ``add`` creates; ``edit``/``put``/``update``/``seal``/
``pub``/``request`` update (``consumer next`` too: acknowledging takes messages off a work
queue; ``edit`` deletes when it sets a limit -- ``--max-age``, ``--max-msgs``, ``--ttl``,
``--history``... -- or settings from a file: what they do not keep goes); ``rm`` deletes (a
stream with its consumers, ``nats:stream/<s>/*``; ``kv del BUCKET`` without a key the bucket
and every key); ``stream purge`` deletes the messages (``--subject``/``--seq``/``--keep`` say
which); ``stream rmm`` one message; ``kv purge`` a key and its history. A ``--translate`` or
``reply --command`` command is judged as the shell command it is.

Unknown on purpose (``None``): a verb not in the table, and a form without the name it needs
(``nats stream rm`` picks one interactively); ``nats server`` and ``nats account`` verbs other
than their reports (``server raft peer-remove``, ``server cluster step-down``...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kv_store import StoreCall
from keyturn.understand.shell.commands._messaging_names import (
    force_note,
    joined,
    known_hosts,
    subject_glob,
)
from keyturn.understand.shell.effects import command_effect, file_effect, file_path
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_NATS = OptionSpec(
    valued="sH",
    long={"server": "s", "header": "H"},
    long_valued=frozenset({"user", "password", "creds", "nkey", "tlscert", "tlskey", "tlsca"})
    | {"timeout", "context", "socks-proxy", "js-api-prefix", "js-event-prefix", "js-domain"}
    | {"domain", "inbox-prefix", "connection-name", "colors", "config", "subject", "seq"}
    | {"keep", "count", "id", "since", "translate", "output", "history", "ttl", "replicas"}
    | {"max-value-size", "max-bucket-size", "description", "storage", "tags", "cluster"}
    | {"republish-source", "republish-destination", "mirror", "mirror-domain", "source"}
    | {"revision", "name", "reply", "queue", "wait", "sleep", "subjects", "retention"}
    | {"discard", "max-msgs", "max-bytes", "max-age", "max-msg-size", "dupe-window"}
    | {"max-msgs-per-subject", "max-consumers", "deliver", "filter", "max-deliver", "backoff"}
    | {"target", "bps", "max-pending", "heartbeat", "last-for", "expression", "server-name"}
    | {"command", "placement", "preferred", "chunk-size", "inactive-threshold", "limit"}
    | {"dot", "idle", "created", "consumers", "leader", "sort", "pull-count", "replay"},
)
_GROUPS = {
    "stream": "stream",
    "str": "stream",
    "st": "stream",
    "ms": "stream",
    "s": "stream",
    "kv": "kv",
    "consumer": "consumer",
    "con": "consumer",
    "obs": "consumer",
    "c": "consumer",
    "object": "object",
    "obj": "object",
}
_ALIASES = {
    "list": "ls",
    "l": "ls",
    "nfo": "info",
    "i": "info",
    "status": "info",
    "state": "info",
    "create": "add",
    "new": "add",
    "update": "edit",
    "delete": "rm",
    "del": "rm",
    "cp": "copy",
    "subj": "subjects",
    "snapshot": "backup",
    "query": "find",
}
_Meaning = Callable[[StoreCall, Options, Sequence[str]], "list[Effect] | None"]


def _on(kind: EffectKind, shape: str, *details: str) -> _Meaning:
    """``VERB A [B]`` on a path shaped by ``shape`` (``stream/{0}``, ``kv/{0}/{1}``); ``*``
    fills in a listing's missing name."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        needed = shape.count("{")
        if len(words) < needed:
            if kind is not _E.READ:
                return None
            words = [*words, *["*"] * (needed - len(words))]
        path = shape.format(*words[:needed])
        return [call.effect(kind, [path], joined(*details, force_note(opts)))]

    return meaning


def _stream_rm(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    if not words:
        return None
    paths = [f"stream/{words[0]}", f"stream/{words[0]}/*"]
    return [call.effect(_E.DELETE, paths, joined("and its consumers", force_note(opts)))]


def _purge(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    if not words:
        return None
    which = "every message"
    if opts.value("subject"):
        which = f"the messages on {opts.value('subject')}"
    if opts.value("seq") or opts.value("keep"):
        which += f" (--seq {opts.value('seq')})" if opts.value("seq") else ""
        which += f" (keeping {opts.value('keep')})" if opts.value("keep") else ""
    return [call.effect(_E.DELETE, [f"stream/{words[0]}"], joined(which, force_note(opts)))]


def _kv_del(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    if not words:
        return None
    note = force_note(opts)
    if len(words) >= 2:
        detail = "a delete marker: the history stays"
        return [call.effect(_E.DELETE, [f"kv/{words[0]}/{words[1]}"], joined(detail, note))]
    paths = [f"kv/{words[0]}", f"kv/{words[0]}/*"]
    return [call.effect(_E.DELETE, paths, joined("the bucket and every key", note))]


def _obj_del(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    if not words:
        return None
    if len(words) >= 2:
        return [call.effect(_E.DELETE, [f"object/{words[0]}/{words[1]}"], force_note(opts))]
    paths = [f"object/{words[0]}", f"object/{words[0]}/*"]
    return [call.effect(_E.DELETE, paths, joined("the bucket and its objects", force_note(opts)))]


def _copy(group: str) -> _Meaning:
    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        if group == "stream" and len(words) >= 2:
            source, target = f"stream/{words[0]}", f"stream/{words[1]}"
        elif group == "consumer" and len(words) >= 3:
            source, target = (
                f"stream/{words[0]}/consumer/{words[1]}",
                f"stream/{words[0]}/consumer/{words[2]}",
            )
        else:
            return None
        return [call.effect(_E.READ, [source]), call.effect(_E.CREATE, [target], "its settings")]

    return meaning


def _edit(shape: str) -> _Meaning:
    """``stream|kv|object edit NAME``: lowering a limit (``--max-age``, ``--max-msgs``,
    ``--ttl``, ``--history``...) or taking settings from a file deletes what falls outside."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        limits = sorted(k for k in _LIMITS if opts.has(k))
        if not limits:
            return _on(_E.UPDATE, shape)(call, opts, words)
        why = f"--{limits[0]}: what the new limits do not keep is deleted"
        return _on(_E.DELETE, shape, why)(call, opts, words)

    return meaning


_LIMITS = frozenset({"max-age", "max-msgs", "max-bytes", "max-msgs-per-subject", "ttl"})
_LIMITS |= {"history", "max-bucket-size", "config"}


def _backup(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``stream backup STREAM DIR``: the stream is read, and written here."""
    if len(words) < 2:
        return None
    return _backed_up(call, words[0], words[1])


def _backed_up(call: StoreCall, stream: str, directory: str) -> list[Effect]:
    read = call.effect(_E.READ, [f"stream/{stream}"], "backed up")
    written = file_effect(_E.CREATE, [file_path(directory, call.ctx)], call.cmd, call.ctx)
    return [read, written]


_STREAM_READS = ("ls", "info", "report", "find", "subjects", "view", "get", "graph")
_CONSUMER_READS = ("ls", "info", "report", "graph")
_MEANINGS: dict[str, dict[str, _Meaning]] = {
    "stream": {
        **{verb: _on(_E.READ, "stream/{0}") for verb in _STREAM_READS},
        "add": _on(_E.CREATE, "stream/{0}"),
        "edit": _edit("stream/{0}"),
        "backup": _backup,
        "seal": _on(_E.UPDATE, "stream/{0}", "sealed for good: no message is added or removed"),
        "rm": _stream_rm,
        "purge": _purge,
        "rmm": _on(_E.DELETE, "stream/{0}", "removes one message"),
        "copy": _copy("stream"),
        "restore": _on(_E.CREATE, "stream/*", "the stream in the backup (not read)"),
        "gaps": _on(_E.READ, "stream/{0}"),
    },
    "consumer": {
        **{verb: _on(_E.READ, "stream/{0}/consumer/{1}") for verb in _CONSUMER_READS},
        "add": _on(_E.CREATE, "stream/{0}/consumer/{1}"),
        "edit": _on(_E.UPDATE, "stream/{0}/consumer/{1}"),
        "rm": _on(_E.DELETE, "stream/{0}/consumer/{1}"),
        "next": _on(_E.UPDATE, "stream/{0}/consumer/{1}", "acknowledges what it takes"),
        "sub": _on(_E.UPDATE, "stream/{0}/consumer/{1}", "acknowledges what it takes"),
        "pause": _on(_E.UPDATE, "stream/{0}/consumer/{1}"),
        "resume": _on(_E.UPDATE, "stream/{0}/consumer/{1}"),
        "unpin": _on(_E.UPDATE, "stream/{0}/consumer/{1}"),
        "copy": _copy("consumer"),
    },
    "kv": {
        "ls": _on(_E.READ, "kv/{0}"),
        "info": _on(_E.READ, "kv/{0}"),
        "view": _on(_E.READ, "kv/{0}"),
        "watch": _on(_E.READ, "kv/{0}"),
        "get": _on(_E.READ, "kv/{0}/{1}"),
        "history": _on(_E.READ, "kv/{0}/{1}"),
        "add": _on(_E.CREATE, "kv/{0}"),
        "edit": _edit("kv/{0}"),
        "put": _on(_E.UPDATE, "kv/{0}/{1}"),
        "create": _on(_E.CREATE, "kv/{0}/{1}"),
        "update": _on(_E.UPDATE, "kv/{0}/{1}"),
        "revert": _on(_E.UPDATE, "kv/{0}/{1}"),
        "rm": _kv_del,
        "purge": _on(_E.DELETE, "kv/{0}/{1}", "the key and its history"),
        "compact": _on(_E.DELETE, "kv/{0}", "the history of deleted keys"),
    },
    "object": {
        "ls": _on(_E.READ, "object/{0}"),
        "info": _on(_E.READ, "object/{0}"),
        "watch": _on(_E.READ, "object/{0}"),
        "get": _on(_E.READ, "object/{0}/{1}"),
        "add": _on(_E.CREATE, "object/{0}"),
        "edit": _edit("object/{0}"),
        "seal": _on(_E.UPDATE, "object/{0}", "sealed for good"),
        "put": _on(_E.UPDATE, "object/{0}/{1}"),
        "rm": _obj_del,
    },
}
_KV_VERBS = frozenset({"create", "update"})  # their own meaning in kv, aliases elsewhere


def _subject(kind: EffectKind, detail: str) -> _Meaning:
    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        if not words:
            return None
        return [call.effect(kind, [f"subject/{subject_glob(words[0])}"], detail)]

    return meaning


_TOP: dict[str, _Meaning] = {
    "pub": _subject(_E.UPDATE, "publishes"),
    "publish": _subject(_E.UPDATE, "publishes"),
    "request": _subject(_E.UPDATE, "sends a request: whatever answers acts on it"),
    "req": _subject(_E.UPDATE, "sends a request: whatever answers acts on it"),
    "reply": _subject(_E.UPDATE, "answers requests"),
    "sub": _subject(_E.READ, "subscribes"),
    "subscribe": _subject(_E.READ, "subscribes"),
    **{
        verb: lambda call, opts, words: [call.effect(_E.READ, ["server"])]
        for verb in ("rtt", "latency", "events", "errors", "schema")
    },
    "server": lambda call, opts, words: _server(call, words),
    "account": lambda call, opts, words: _account(call, opts, words),
}
# ``nats server`` verbs that only report; ``server request kick|reload`` act on the server, and
# the rest (``raft peer-remove``, ``cluster step-down``, ``run``...) are not understood.
_SERVER_READS = frozenset({"ls", "list", "info", "ping", "report", "check", "mapping", "watch"})
_SERVER_READS |= {"graph", "passwd", "request", "req"}


def _server(call: StoreCall, words: Sequence[str]) -> list[Effect] | None:
    verb = words[0] if words else ""
    if verb not in _SERVER_READS:
        return None
    if verb in ("request", "req") and words[1:2] and words[1] in ("kick", "reload"):
        return [call.effect(_E.UPDATE, ["server"], f"server request {words[1]}")]
    return [call.effect(_E.READ, ["server"])]


def _account(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    verb = words[0] if words else "info"
    if verb in ("info", "report", "tls"):
        return [call.effect(_E.READ, ["server"])]
    if verb == "backup":
        return _backed_up(call, "*", words[1]) if len(words) > 1 else None
    if verb == "restore":
        return [call.effect(_E.CREATE, ["stream/*"], "the streams of the backup (not read)")]
    return None


@command("nats")
def nats(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``nats [-s SERVER] [--context C] GROUP VERB ARGS`` and ``nats pub|sub|request ...``."""
    opts = parse_options(cmd.args, _NATS)
    words = list(opts.operands)
    if opts.has("help", "h", "version", "help-long") or words[:1] in (["help"], ["cheat"]):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if not words:
        return None
    server = opts.value("s") or setting(cmd, ctx.env, "NATS_URL")
    context = opts.value("context") or setting(cmd, ctx.env, "NATS_CONTEXT")
    call = StoreCall(cmd, ctx, "nats", hosts=known_hosts(cmd, server, context))
    group = _GROUPS.get(words[0])
    if group is None:
        meaning = _TOP.get(words[0])
        rest = words[1:]
        call = evolve(call, operation=f"nats {words[0]}")
    else:
        verb = words[1] if len(words) > 1 else ""
        verb = verb if group == "kv" and verb in _KV_VERBS else _ALIASES.get(verb, verb)
        meaning = _MEANINGS[group].get(verb)
        rest = words[2:]
        call = evolve(call, operation=f"nats {group} {verb}")
    found = meaning(call, opts, rest) if meaning is not None else None
    if found is None:
        return None
    for option in ("translate", "command"):
        line = opts.value(option)
        if line:
            found += _nested(cmd, ctx, line)
    return found


def _nested(cmd: SimpleCommand, ctx: ShellContext, line: str) -> list[Effect]:
    """The shell command ``--translate``/``--command`` runs, judged as one."""
    if ctx.understand_nested is None:
        from keyturn.understand.shell.effects import unknown_effect

        return [unknown_effect(cmd, "runs a shell command not judged here", ctx)]
    return ctx.understand_nested(line)
