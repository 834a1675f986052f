"""RabbitMQ: ``rabbitmqctl`` and ``rabbitmqadmin`` (the Python v1 tool, ``VERB OBJECT
name=X``, and the v2 tool, ``VERB OBJECT --name X``). Names as :mod:`.messaging` says.

rabbitmqctl: ``list_*``, ``status`` and the other reports read; ``delete_queue`` deletes the
queue, ``purge_queue`` every message in it; ``delete_vhost`` the virtual host and everything
in it (``rabbitmq:<vhost>/*``); ``delete_user``, ``clear_policy``, ``clear_parameter``,
``delete_shovel``, ``forget_cluster_node`` delete; ``add_*`` create; ``set_policy`` with a
limit the broker enforces by dropping (``max-length``, ``message-ttl``, ``expires``...) deletes in
the queues its pattern may match (``declare policy`` alike); the other ``set_*``,
``change_password``, ``clear_permissions``, ``close_connection`` update; ``stop_app``,
``stop``, ``shutdown`` update the node and say it is disruptive; ``reset``/``force_reset``
replace everything on it (``rabbitmq:*``); ``import_definitions`` updates everything; ``eval``
(Erlang code) and any command not in the table are not understood.

rabbitmqadmin: ``list``/``show``/``export`` read; ``declare`` creates; ``delete`` deletes;
``purge`` deletes the messages; ``publish`` updates the exchange; ``get`` reads (deletes when
``ackmode=ack_requeue_false`` takes the messages); ``close`` updates; ``import`` updates
everything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from urllib.parse import quote

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kv_store import StoreCall
from keyturn.understand.shell.commands._messaging_names import joined, known_hosts, regex_globs
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_DISRUPTIVE = "disruptive: the node stops serving"


def vhost_root(vhost: str) -> str:
    """A virtual host as a name part: ``/`` is ``%2F``, as in the HTTP API."""
    return quote(vhost, safe="")


_RABBITMQCTL = OptionSpec(
    valued="npt",
    long={"node": "n", "vhost": "p", "timeout": "t", "quiet": "q", "silent": "s"},
    long_valued=frozenset({"erlang-cookie", "formatter", "apply-to", "priority", "pattern"}),
)
_Meaning = Callable[[StoreCall, Sequence[str]], "list[Effect] | None"]


def _named(kind: EffectKind, folder: str, detail: str = "", *, vhosted: bool = True) -> _Meaning:
    """``COMMAND NAME``: ``kind`` on ``<folder>/<NAME>`` (under the vhost unless not)."""

    def meaning(call: StoreCall, words: Sequence[str]) -> list[Effect] | None:
        if not words:
            return None
        scoped = call if vhosted else evolve(call, namespace="")
        return [scoped.effect(kind, [f"{folder}/{words[0]}"], detail)]

    return meaning


def _whole(kind: EffectKind, path: str, detail: str = "", *, vhosted: bool = False) -> _Meaning:
    """A command on something fixed (the node, every queue)."""

    def meaning(call: StoreCall, words: Sequence[str]) -> list[Effect] | None:
        scoped = call if vhosted else evolve(call, namespace="")
        return [scoped.effect(kind, [path], detail)]

    return meaning


def _delete_vhost(call: StoreCall, words: Sequence[str]) -> list[Effect] | None:
    if not words:
        return None
    bare = evolve(call, namespace="")
    paths = [f"vhost/{words[0]}", f"{vhost_root(words[0])}/*"]
    return [bare.effect(_E.DELETE, paths, "and every queue, exchange and message in it")]


def _parameter(kind: EffectKind) -> _Meaning:
    def meaning(call: StoreCall, words: Sequence[str]) -> list[Effect] | None:
        if len(words) < 2:
            return None
        return [call.effect(kind, [f"parameter/{words[0]}/{words[1]}"])]

    return meaning


# Policy keys under which the broker drops messages (or whole queues) by itself.
_DROPS = ("max-length", "max-length-bytes", "message-ttl", "expires", "delivery-limit")


def _policy(
    call: StoreCall, name: Sequence[str], pattern: str = "", definition: str = ""
) -> list[Effect] | None:
    """``set_policy NAME PATTERN DEFINITION`` (and ``declare policy``): an update of the
    policy, and a delete in the queues its pattern may match when it makes the broker drop
    messages or queues (``max-length``, ``message-ttl``, ``expires``...)."""
    if not name:
        return None
    dropping = [k for k in _DROPS if _has_key(definition, k)]
    if not dropping:
        return [call.effect(_E.UPDATE, [f"policy/{name[0]}"])]
    queues = [f"queue/{g}" for g in _searched(pattern)]
    why = f"{', '.join(dropping)}: the broker drops the messages (or queues) past the limit"
    return [call.effect(_E.DELETE, [f"policy/{name[0]}", *queues], why)]


def _searched(pattern: str) -> list[str]:
    """Globs of the names a policy pattern applies to: it is searched for in the name, not
    matched against all of it, unless anchored at both ends (``^orders$``)."""
    if not pattern:
        return ["*"]
    if pattern.startswith("^") and pattern.endswith("$") and "|" not in pattern:
        return regex_globs(pattern)
    return list(dict.fromkeys(f"*{g}*".replace("**", "*") for g in regex_globs(pattern)))


def _has_key(definition: str, key: str) -> bool:
    try:
        data = json.loads(definition)
    except ValueError:
        return key in definition  # not JSON now: the key's mention counts
    return not isinstance(data, dict) or key in data


_LISTED = {
    "queues": "queue/*",
    "exchanges": "exchange/*",
    "bindings": "binding/*",
    "policies": "policy/*",
    "operator_policies": "policy/*",
    "parameters": "parameter/*",
    "permissions": "permission/*",
    "consumers": "consumer/*",
    "unresponsive_queues": "queue/*",
    "vhost_limits": "vhost/*",
    "topic_permissions": "permission/*",
}
_READS = frozenset(
    {"status", "cluster_status", "environment", "report", "node_health_check", "ping"}
    | {"await_startup", "version", "help", "list_users", "list_vhosts", "list_connections"}
    | {"list_channels", "list_global_parameters", "list_feature_flags", "list_user_limits"}
    | {"list_user_permissions", "list_user_topic_permissions", "authenticate_user", "wait"}
    | {"await_online_nodes", "export_definitions", "decode", "encode"}
    | {"list_deprecated_features"}
)
_CTL: dict[str, _Meaning] = {
    **{f"list_{k}": _whole(_E.READ, v, vhosted=True) for k, v in _LISTED.items()},
    **{name: _whole(_E.READ, "node") for name in _READS},
    "delete_queue": _named(_E.DELETE, "queue", "the queue and every message in it"),
    "purge_queue": _named(_E.DELETE, "queue", "purges every message in it"),
    "delete_vhost": _delete_vhost,
    "delete_user": _named(_E.DELETE, "user", vhosted=False),
    "clear_policy": _named(_E.DELETE, "policy"),
    "clear_operator_policy": _named(_E.DELETE, "policy"),
    "clear_parameter": _parameter(_E.DELETE),
    "clear_global_parameter": _named(_E.DELETE, "parameter", vhosted=False),
    "delete_shovel": _named(_E.DELETE, "shovel"),
    "forget_cluster_node": _named(_E.DELETE, "node", "removes it from the cluster", vhosted=False),
    "add_user": _named(_E.CREATE, "user", vhosted=False),
    "add_vhost": _named(_E.CREATE, "vhost", vhosted=False),
    "change_password": _named(_E.UPDATE, "user", vhosted=False),
    "clear_password": _named(_E.UPDATE, "user", vhosted=False),
    "set_user_tags": _named(_E.UPDATE, "user", vhosted=False),
    "set_permissions": _named(_E.UPDATE, "permission"),
    "set_topic_permissions": _named(_E.UPDATE, "permission"),
    "clear_permissions": _named(_E.UPDATE, "permission", "removes the user's permissions"),
    "clear_topic_permissions": _named(_E.UPDATE, "permission"),
    "set_user_limits": _named(_E.UPDATE, "user", vhosted=False),
    "clear_user_limits": _named(_E.UPDATE, "user", vhosted=False),
    "set_policy": lambda call, words: _policy(call, words[:1], *words[1:3]),
    "set_operator_policy": lambda call, words: _policy(call, words[:1], *words[1:3]),
    "set_parameter": _parameter(_E.UPDATE),
    "set_global_parameter": _named(_E.UPDATE, "parameter", vhosted=False),
    "set_vhost_limits": _whole(_E.UPDATE, "vhost-limits", vhosted=True),
    "clear_vhost_limits": _whole(_E.UPDATE, "vhost-limits", vhosted=True),
    "close_connection": _named(_E.UPDATE, "connection", "closes it", vhosted=False),
    "close_all_connections": _whole(_E.UPDATE, "connection/*", "closes every connection"),
    "close_all_user_connections": _named(_E.UPDATE, "user", "closes its connections"),
    "sync_queue": _named(_E.UPDATE, "queue"),
    "cancel_sync_queue": _named(_E.UPDATE, "queue"),
    "trace_on": _whole(_E.UPDATE, "trace", vhosted=True),
    "trace_off": _whole(_E.UPDATE, "trace", vhosted=True),
    "stop_app": _whole(_E.UPDATE, "node", _DISRUPTIVE + " (the app stops)"),
    "start_app": _whole(_E.UPDATE, "node"),
    "stop": _whole(_E.UPDATE, "node", _DISRUPTIVE + " (the node stops)"),
    "shutdown": _whole(_E.UPDATE, "node", _DISRUPTIVE + " (the node stops)"),
    "join_cluster": _whole(_E.UPDATE, "node", "joins another cluster"),
    "rotate_logs": _whole(_E.UPDATE, "node"),
    "set_log_level": _whole(_E.UPDATE, "node"),
    "set_cluster_name": _whole(_E.UPDATE, "node"),
    "set_vm_memory_high_watermark": _whole(_E.UPDATE, "node"),
    "set_disk_free_limit": _whole(_E.UPDATE, "node"),
    "enable_feature_flag": _whole(_E.UPDATE, "node"),
    "reset": _whole(_E.REPLACE, "*", "returns the node to a blank state: all its data goes"),
    "force_reset": _whole(_E.REPLACE, "*", "forced: returns the node to a blank state"),
    "import_definitions": _whole(
        _E.UPDATE, "*", "imports definitions: queues, exchanges, users, policies"
    ),
}


@command("rabbitmqctl")
def rabbitmqctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rabbitmqctl [-n NODE] [-p VHOST] COMMAND [ARGS]``, as the module docstring says."""
    opts = parse_options(cmd.args, _RABBITMQCTL)
    if opts.has("help", "h", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if not opts.operands:
        return None
    meaning = _CTL.get(opts.operands[0])
    if meaning is None:
        return None
    node = opts.value("n") or setting(cmd, ctx.env, "RABBITMQ_NODENAME")
    vhost = opts.value("p") or "/"
    call = StoreCall(
        cmd,
        ctx,
        "rabbitmq",
        hosts=known_hosts(cmd, (node or "").rpartition("@")[2]),
        namespace=vhost_root(vhost),
        operation=f"rabbitmqctl {opts.operands[0]}",
    )
    found = meaning(call, opts.operands[1:])
    if found and opts.has("e", "if-empty", "u", "if-unused"):
        found = [evolve(e, detail=joined(e.detail, "only if empty or unused")) for e in found]
    return found


_ADMIN = OptionSpec(
    valued="HPVupNcUfSd",
    long={
        "host": "H",
        "port": "P",
        "vhost": "V",
        "username": "u",
        "password": "p",
        "node": "N",
        "config": "c",
        "base-uri": "U",
        "format": "f",
        "sort": "S",
        "depth": "d",
    },
    long_valued=frozenset({"name", "path-prefix", "ssl-key-file", "ssl-cert-file", "source"})
    | {"ssl-ca-cert-file", "destination", "destination-type", "routing-key", "type"}
    | {"durable", "payload", "ackmode", "count", "user", "table-style", "reason", "queue"}
    | {"pattern", "definition", "apply-to", "priority"},
)
_ADMIN_VERBS = {
    "list": _E.READ,
    "show": _E.READ,
    "export": _E.READ,
    "declare": _E.CREATE,
    "delete": _E.DELETE,
    "purge": _E.DELETE,
    "close": _E.UPDATE,
    "publish": _E.UPDATE,
    "get": _E.READ,
    "import": _E.UPDATE,
}
_FOLDERS = {
    "queue": "queue",
    "exchange": "exchange",
    "binding": "binding",
    "policy": "policy",
    "policie": "policy",
    "operator_policy": "policy",
    "operator_policie": "policy",
    "parameter": "parameter",
    "permission": "permission",
    "topic_permission": "permission",
    "vhost": "vhost",
    "user": "user",
    "connection": "connection",
    "channel": "channel",
    "consumer": "consumer",
    "node": "node",
    "vhost_limit": "vhost-limits",
    "shovel": "shovel",
}
_IMPLIED = {"publish": "exchange", "get": "queue"}  # v1: ``publish exchange=x``, ``get queue=q``
_BARE = frozenset({"vhost", "user", "connection", "channel", "node"})  # not under a vhost


@command("rabbitmqadmin")
def rabbitmqadmin(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rabbitmqadmin [-H HOST] [-V VHOST] VERB [OBJECT] [name=X | --name X] ...`` (also
    ``rabbitmqadmin OBJECTS VERB``)."""
    opts = parse_options(cmd.args, _ADMIN)
    if opts.has("help", "h", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    words = [w for w in opts.operands if "=" not in w]
    pairs = dict(w.split("=", 1) for w in opts.operands if "=" in w)
    if len(words) >= 2 and words[1] in _ADMIN_VERBS and words[0] not in _ADMIN_VERBS:
        words = [words[1], words[0], *words[2:]]  # v2: "queues delete"
    verb = words[0] if words else ""
    kind = _ADMIN_VERBS.get(verb)
    if kind is None or verb == "help":
        return None
    vhost = opts.value("V") or opts.value("vhost") or "/"
    address = opts.value("U") or opts.value("H") or ""
    call = StoreCall(
        cmd,
        ctx,
        "rabbitmq",
        hosts=known_hosts(cmd, address),
        namespace=vhost_root(vhost),
        operation=f"rabbitmqadmin {verb}",
    )
    if verb in ("export", "import"):
        detail = "imports definitions" if verb == "import" else ""
        return [evolve(call, namespace="").effect(kind, ["*"], detail)]
    what = words[1].rstrip("s") if len(words) > 1 else _IMPLIED.get(verb, "")
    folder = _FOLDERS.get(what)
    if folder is None:
        return (
            [evolve(call, namespace="").effect(_E.READ, ["node"])] if what == "overview" else None
        )
    return _admin_effect(call, opts, pairs, verb, kind, folder)


def _admin_effect(
    call: StoreCall, opts: Options, pairs: dict[str, str], verb: str, kind: EffectKind, folder: str
) -> list[Effect] | None:
    scoped = evolve(call, namespace="") if folder in _BARE else call
    name = opts.value("name") or pairs.get("name")
    if folder == "binding":
        source = opts.value("source") or pairs.get("source") or "*"
        name = f"{source}/{opts.value('destination') or pairs.get('destination') or '*'}"
    elif folder == "permission":
        name = opts.value("user") or pairs.get("user")
    elif verb == "publish":
        folder, name = "exchange", pairs.get("exchange") or opts.value("exchange") or "amq.default"
    elif verb == "get":
        name = name or pairs.get("queue") or opts.value("queue")
    if verb in ("list", "show"):
        return [scoped.effect(kind, [f"{folder}/{name or '*'}"])]
    if verb == "declare" and folder == "policy":
        pattern = pairs.get("pattern") or opts.value("pattern") or ""
        definition = pairs.get("definition") or opts.value("definition") or ""
        return _policy(call, [name] if name else [], pattern, definition)
    if not name:
        return None
    detail = ""
    if verb == "purge":
        detail = "purges every message in it"
    elif verb == "get" and "requeue_false" in (pairs.get("ackmode") or opts.value("ackmode") or ""):
        kind, detail = _E.DELETE, "takes the messages off the queue"
    elif verb == "delete" and folder == "vhost":
        detail = "and every queue, exchange and message in it"
        return [scoped.effect(kind, [f"vhost/{name}", f"{vhost_root(name)}/*"], detail)]
    return [scoped.effect(kind, [f"{folder}/{name}"], detail)]
