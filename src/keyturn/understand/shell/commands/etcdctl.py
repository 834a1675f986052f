"""etcd's ``etcdctl`` (API v3). What the three key-value tools share is in :mod:`._kv_store`.

Names (decided here): ``etcd:<key>`` as written (``--prefix``: ``etcd:<key>*``; ``del ""
--prefix`` is ``etcd:*``; a range or ``--from-key`` is ``etcd:*``), ``etcd:member/<id>``,
``etcd:user/<name>``, ``etcd:role/<name>``, ``etcd:lease/*``, ``etcd:auth``. The server
(``--endpoints``/``ETCDCTL_ENDPOINTS``) adds ``etcd:<host>/<key>``.

Kinds: ``etcdctl defrag`` is an update that says ``disruptive``; ``etcdctl snapshot restore``
replaces everything; ``etcdctl auth disable`` removes protection. ``etcdctl lock NAME CMD``
judges CMD as a command line, and so does ``etcdctl watch KEY [END] -- CMD`` (etcdctl runs CMD
here on every change of the keys: at once, when the same line or anyone else writes them).

Unknown on purpose: member add/update, alarm, move-leader, downgrade, snapshot save, ``watch
-i`` (its watches and their commands come on the input) and the rest, named ``etcd:*`` (and
by server) and placed as the server is.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kv_store import (
    PRINTS_ONLY,
    Meaning,
    StoreCall,
    every_key,
    fixed,
    meaning_of,
    named_in,
    nested_line,
    prints_version,
    server_hosts,
)
from keyturn.understand.shell.commands._server_target import not_understood
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind


_ETCD = OptionSpec(
    valued="wd",
    long={"write-out": "w", "discovery-srv": "d", "interactive": "i", "listen": "l"},
    long_valued=frozenset({"w", "d", "endpoints", "user", "password", "cacert", "cert", "key"})
    | frozenset({"dial-timeout", "command-timeout", "keepalive-time", "keepalive-timeout"})
    | frozenset({"discovery-srv-name", "auth-jwt-token", "limit", "rev", "sort-by", "order"})
    | frozenset({"consistency", "lease", "ttl", "data-dir", "wal-dir", "name", "peer-urls"})
    | frozenset({"initial-cluster", "initial-cluster-token", "initial-advertise-peer-urls"})
    | frozenset({"max-txn-ops", "max-request-bytes", "revision"}),
)


def _etcd_keys(kind: EffectKind, *, ranged: bool = True) -> Meaning:
    """``etcdctl VERB KEY [END]``: one key, every key with ``--prefix``; a range (``END``,
    ``--from-key``) is named ``etcd:*``. ``put KEY VALUE`` has no range."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        if not words:
            return None
        key, end = words[0], words[1] if ranged and len(words) > 1 else None
        if end is not None or opts.has("from-key"):
            upto = f" up to {end!r}" if end is not None else " on"
            return [call.effect(kind, ["*"], f"every key from {key!r}{upto}")]
        if opts.has("prefix"):
            return [call.effect(kind, [f"{key}*"], every_key(key))]
        return [call.effect(kind, [key])]

    return meaning


def _watch(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``etcdctl watch [KEY [END]] [-- CMD...]``: reads the keys; the words after the first
    ``--`` following ``watch`` are a command etcdctl runs on every event (exec-watch, as its
    ``parseWatchArgs`` finds them), judged as a command line. Without ``--``, more than a key
    and a range end is refused by etcdctl: not understood here either. ``ETCDCTL_WATCH_KEY``
    (and ``ETCDCTL_WATCH_RANGE_END``) give the key when no operand does."""
    if opts.has("i"):
        return None  # interactive: the watches and their commands are read on the input
    raw = list(call.cmd.args)
    after = raw[raw.index("watch") + 1 :] if "watch" in raw else []
    command = after[after.index("--") + 1 :] if "--" in after else []
    keys = list(words[: len(words) - len(command)])
    if len(keys) > 2:
        return None
    if not keys:
        key = setting(call.cmd, call.ctx.env, "ETCDCTL_WATCH_KEY")
        end = setting(call.cmd, call.ctx.env, "ETCDCTL_WATCH_RANGE_END")
        keys = [k for k in (key, end) if k]
    watched = _etcd_keys(_E.READ)(call, opts, keys) if keys else None
    watched = watched or [call.effect(_E.READ, ["*"], "no key given: not told which keys")]
    if not command:
        return watched
    note = "run by etcdctl on every change of the watched keys"
    ran = [
        evolve(e, detail=f"{e.detail}; {note}" if e.detail else note)
        for e in nested_line(call, command)
    ]
    return [*watched, *ran]


def _lock(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``etcdctl lock NAME [CMD...]``: holds the lock, and runs CMD while it does."""
    if not words:
        return None
    held = call.effect(_E.UPDATE, [f"{words[0]}/*"], "holds the lock")
    return [held, *nested_line(call, words[1:])] if len(words) > 1 else [held]


def _elect(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``etcdctl elect NAME [PROPOSAL]`` campaigns; ``--listen`` only observes."""
    if not words:
        return None
    if opts.has("l"):
        return [call.effect(_E.READ, [f"{words[0]}/*"], "observes the election")]
    return [call.effect(_E.UPDATE, [f"{words[0]}/*"], "campaigns in the election")]


_ETCD_MEANINGS: dict[str, Meaning] = {
    "get": _etcd_keys(_E.READ),
    "watch": _watch,
    "put": _etcd_keys(_E.UPDATE, ranged=False),
    "del": _etcd_keys(_E.DELETE),
    "txn": fixed(_E.UPDATE, "*", "a transaction: its changes come from stdin (not read here)"),
    "lock": _lock,
    "elect": _elect,
    "compaction": fixed(_E.UPDATE, "*", "permanent: discards the history before the revision"),
    "defrag": fixed(_E.UPDATE, "*", "disruptive: the member blocks while it defragments"),
    "snapshot restore": fixed(
        _E.REPLACE, "*", "a data directory holding only the snapshot's keys, for a new cluster"
    ),
    "member list": fixed(_E.READ, "member/*"),
    "member remove": named_in("member", _E.DELETE, "disruptive: the member leaves the cluster"),
    "endpoint": fixed(_E.READ, "member/*"),
    "lease list": fixed(_E.READ, "lease/*"),
    "version": prints_version,
    "user delete": named_in("user", _E.DELETE),
    "role delete": named_in("role", _E.DELETE),
    "auth disable": fixed(
        _E.UPDATE,
        "auth",
        "switches authentication off: whoever reaches the cluster may read and change any key",
        removes_protection=True,
    ),
}


@command("etcdctl")
def etcdctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """etcdctl's (API v3) commands, as the module docstring says."""
    opts = parse_options(cmd.args, _ETCD)
    if opts.has("h", "help"):
        return [command_effect(_E.READ, cmd, ctx, detail=PRINTS_ONLY)]
    endpoints = opts.value("endpoints") or setting(cmd, ctx.env, "ETCDCTL_ENDPOINTS")
    call = StoreCall(cmd, ctx, "etcd", hosts=server_hosts(endpoints))
    found = meaning_of(call, opts, opts.operands, _ETCD_MEANINGS)
    return found if found is not None else not_understood(call)
