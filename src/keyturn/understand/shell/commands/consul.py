"""Consul (``consul``): its key-value store, agent, members, catalog and services. What the
three key-value tools share is in :mod:`._kv_store`.

Names (decided here): ``consul:kv/<key>`` (``-recurse`` and ``-keys``: ``consul:kv/<prefix>*``),
``consul:agent``, ``consul:members``, ``consul:catalog``, ``consul:service/<id>``, ``consul:*``
(everything). The server (``-http-addr``/``CONSUL_HTTP_ADDR``) adds ``consul:<host>/kv/<key>``.

Kinds: ``consul leave`` is an update that says ``disruptive``; ``consul snapshot restore``
replaces everything.

Unknown on purpose: ACL, intention, connect, config and the rest, named ``consul:*`` (and by
server) and placed as the server is (:func:`._server_target.not_understood`).
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
    go_style,
    meaning_of,
    prints_version,
    server_hosts,
)
from keyturn.understand.shell.commands._server_target import not_understood
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind


_CONSUL = OptionSpec(
    long_valued=frozenset({"http-addr", "token", "token-file", "ca-file", "ca-path", "id"})
    | frozenset({"client-cert", "client-key", "tls-server-name", "datacenter", "namespace"})
    | frozenset({"partition", "peer", "session", "modify-index", "flags", "separator"})
    | frozenset({"prefix", "format", "node", "service", "node-meta", "filter", "near"})
    | frozenset({"segment", "status", "tag", "reason"}),
)


def _consul_kv(kind: EffectKind, detail: str = "", *, whole: bool = False) -> Meaning:
    """``consul kv VERB KEY``: one key, or with ``-recurse``/``-keys`` (and ``export``) every
    key starting with it."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        key = words[0].lstrip("/") if words else ""
        if whole or opts.has("recurse", "keys"):
            return [call.effect(kind, [f"kv/{key}*"], every_key(key))]
        return [call.effect(kind, [f"kv/{key}"], detail)] if key else None

    return meaning


def _consul_import(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    prefix = (opts.value("prefix") or "").lstrip("/")
    detail = f"writes the keys of the data given (not read here), under {prefix or 'the root'}"
    return [call.effect(_E.UPDATE, [f"kv/{prefix}*"], detail)]


def _deregister(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    service = opts.value("id")
    if service:
        return [call.effect(_E.DELETE, [f"service/{service}"])]
    detail = f"the services defined in {' '.join(words) or '?'} (not read here)"
    return [call.effect(_E.DELETE, ["service/*"], detail)]


_CONSUL_MEANINGS: dict[str, Meaning] = {
    "kv get": _consul_kv(_E.READ),
    "kv export": _consul_kv(_E.READ, whole=True),
    "kv put": _consul_kv(_E.UPDATE),
    "kv import": _consul_import,
    "kv delete": _consul_kv(_E.DELETE),
    "members": fixed(_E.READ, "members"),
    "info": fixed(_E.READ, "agent"),
    "catalog": fixed(_E.READ, "catalog"),
    "version": prints_version,
    "services deregister": _deregister,
    "leave": fixed(_E.UPDATE, "agent", "disruptive: the agent leaves the cluster and stops"),
    "snapshot restore": fixed(
        _E.REPLACE, "*", "replaces the whole state (keys, catalog, ACLs) with the snapshot's"
    ),
}


@command("consul")
def consul(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Consul's commands, as the module docstring says."""
    opts = parse_options(go_style(cmd.args), _CONSUL)
    if opts.has("h", "help"):
        return [command_effect(_E.READ, cmd, ctx, detail=PRINTS_ONLY)]
    address = opts.value("http-addr") or setting(cmd, ctx.env, "CONSUL_HTTP_ADDR")
    call = StoreCall(cmd, ctx, "consul", hosts=server_hosts(address))
    found = meaning_of(call, opts, opts.operands, _CONSUL_MEANINGS)
    return found if found is not None else not_understood(call)
