"""Messaging and time-series tools: Kafka's command-line tools (here), ``kcat``/``kafkacat``
(:mod:`._messaging_kcat`), RabbitMQ's ``rabbitmqctl`` and ``rabbitmqadmin``
(:mod:`._messaging_rabbitmq`), ``nats`` (:mod:`._messaging_nats`) and InfluxDB's ``influx``
(:mod:`._messaging_influx`).

Names (decided here), built as the key-value stores' are (:class:`._kv_store.StoreCall`): a
name without the server, and the same name under each server host the line or the
environment names, so that ``*prod*`` tells the environment by server and a protected
``kafka:*topic/orders`` holds on any cluster:
- Kafka: ``kafka:topic/<name>``, ``kafka:group/<id>``, ``kafka:broker/<id>``,
  ``kafka:user/<name>``, ``kafka:client/<id>`` (``kafka:<host>/topic/<name>`` with
  ``--bootstrap-server``/``-b``). A ``--topic`` regular expression is named by what it may
  match (``.*`` -> ``kafka:topic/*``; :func:`._messaging_names.regex_globs`).
- RabbitMQ: ``rabbitmq:queue/<name>``, ``exchange/``, ``policy/`` ... also under the virtual
  host (``rabbitmq:%2F/queue/orders``: ``/`` written ``%2F`` as the HTTP API does) and the node's
  host (``-n rabbit@mq-prod-1``, ``-H``); ``rabbitmq:vhost/<name>``, ``rabbitmq:user/<name>``,
  ``rabbitmq:node``; ``rabbitmq:*`` for everything on the node.
- NATS: ``nats:stream/<name>``, ``nats:stream/<name>/consumer/<name>``,
  ``nats:kv/<bucket>[/<key>]``, ``nats:object/<bucket>[/<name>]``, ``nats:subject/<subject>``
  (wildcards as ``*``); the server's host and the ``--context`` name add ``nats:<where>/...``.
- InfluxDB: ``influx:bucket/<name>`` (``influx:bucket-id/<id>`` when named by ID), also under
  the organisation (``influx:<org>/bucket/<name>``) and the ``--host``/active config.

Kinds: listing, describing, consuming and subscribing read; producing, publishing, writing
points, altering and configuration changes update (a Kafka retention or cleanup policy change
deletes what falls out of it: on a broker's defaults, in every topic; settings from
``--add-config-file`` are read); creating creates; deleting topics, groups, records, queues,
streams, buckets, keys -- and purging a queue or stream, ``influx delete`` of points -- delete;
``rabbitmqctl reset`` and ``influx restore --full`` replace everything. ``-f``/``--force`` is
noted in the detail; a name decided at run time makes a change unknown.

Unknown on purpose (``None``): any command or verb not in the tables, a form without the name
it needs, ``rabbitmqctl eval``, InfluxDB 1.x's ``influx -execute``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands import (  # noqa: F401  (register their handlers)
    _messaging_influx,
    _messaging_kcat,
    _messaging_nats,
    _messaging_rabbitmq,
)
from keyturn.understand.shell.commands._kv_store import StoreCall
from keyturn.understand.shell.commands._messaging_names import joined, known_hosts, regex_globs
from keyturn.understand.shell.effects import command_effect, file_path
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_PRINTS = "only prints help or the version"

_KAFKA = OptionSpec(
    long_valued=frozenset({"bootstrap-server", "zookeeper", "topic", "partitions", "config"})
    | {"replication-factor", "replica-assignment", "command-config", "delete-config", "group"}
    | {"entity-type", "entity-name", "add-config", "add-config-file", "broker", "user"}
    | {"broker-logger", "client", "ip", "bootstrap-controller", "offset-json-file", "timeout"}
    | {"to-offset", "to-datetime", "by-duration", "shift-by", "from-file", "topic-id"}
    | {"producer.config", "consumer.config", "property", "producer-property", "include"}
    | {"consumer-property", "max-messages", "partition", "offset", "formatter", "whitelist"}
    | {"broker-list", "line-reader", "reader-config", "key-deserializer", "admin.config"}
    | {"value-deserializer", "isolation-level", "compression-codec", "batch-size"}
    | {"request-required-acks", "message-send-max-retries", "formatter-config"},
    abbreviations=False,
)


def _kafka_call(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> StoreCall:
    servers = [opts.value(k) or "" for k in ("bootstrap-server", "broker-list", "zookeeper")]
    servers.append(opts.value("bootstrap-controller") or "")
    return StoreCall(cmd, ctx, "kafka", hosts=known_hosts(cmd, *servers))


def _tool(cmd: SimpleCommand) -> str:
    return cmd.name.removesuffix(".sh")


def _topics(opts: Options, cmd: SimpleCommand) -> tuple[list[str], str]:
    """The topic paths ``--topic`` selects (a regular expression), and a detail."""
    pattern = opts.value("topic")
    if pattern is None:
        return [], ""
    if _decided(cmd, pattern):
        return ["topic/*"], _RUN_TIME
    globs = regex_globs(pattern)
    detail = "" if globs == [pattern] else f"the topics matching the regular expression {pattern!r}"
    return [f"topic/{g}" for g in globs], detail


_RUN_TIME = "which topics is decided at run time"


def _decided(cmd: SimpleCommand, value: str) -> bool:
    """Whether ``value`` comes from a word decided at run time."""
    argv = cmd.argv
    return any(0 < i < len(argv) and argv[i] and argv[i] in value for i in cmd.dynamic_words)


def _printing(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> list[Effect] | None:
    if opts.has("help", "version", "h"):
        return [command_effect(_E.READ, cmd, ctx, detail=_PRINTS)]
    return None


@command("kafka-topics", "kafka-topics.sh")
def kafka_topics(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kafka-topics --bootstrap-server B (--list | --describe | --create | --alter |
    --delete) [--topic REGEX]``."""
    opts = parse_options(cmd.args, _KAFKA)
    printing = _printing(cmd, ctx, opts)
    if printing is not None:
        return printing
    call = _kafka_call(cmd, ctx, opts)
    paths, detail = _topics(opts, cmd)
    if detail == _RUN_TIME and not opts.has("list", "describe"):
        return [call.effect(_E.UNKNOWN, paths, detail)]
    if opts.has("create"):
        name = opts.value("topic")
        return [call.effect(_E.CREATE, [f"topic/{name}"])] if name else None
    if opts.has("list"):
        return [call.effect(_E.READ, ["topic/*"])]
    if opts.has("describe"):
        return [call.effect(_E.READ, paths or ["topic/*"], detail)]
    if not paths:
        return None
    if opts.has("delete"):
        note = "--if-exists" if opts.has("if-exists") else ""
        return [call.effect(_E.DELETE, paths, joined(detail, "every message in it", note))]
    if opts.has("alter"):
        what = "adds partitions" if opts.has("partitions") else "changes the topic"
        return [call.effect(_E.UPDATE, paths, joined(what, detail))]
    return None


# Topic settings whose change deletes messages: those past the new retention go.
_RETENTION = frozenset({"retention.ms", "retention.bytes", "local.retention.ms"})
_RETENTION |= {"local.retention.bytes", "log.retention.ms", "log.retention.bytes"}
_RETENTION |= {"log.retention.minutes", "log.retention.hours", "log.local.retention.ms"}
_RETENTION |= {"log.local.retention.bytes"}
_ENTITIES = {
    "topics": "topic",
    "brokers": "broker",
    "broker-loggers": "broker",
    "users": "user",
    "clients": "client",
    "ips": "ip",
    "groups": "group",
    "client-metrics": "client-metrics",
}


@command("kafka-configs", "kafka-configs.sh")
def kafka_configs(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kafka-configs --bootstrap-server B --entity-type T (--entity-name N |
    --entity-default) (--describe | --alter --add-config k=v,... --delete-config k,...)``;
    ``--topic``, ``--broker``, ``--user``, ``--client``, ``--group`` name the entity too."""
    opts = parse_options(cmd.args, _KAFKA)
    printing = _printing(cmd, ctx, opts)
    if printing is not None:
        return printing
    call = _kafka_call(cmd, ctx, opts)
    path = _entity(opts)
    if opts.has("describe"):
        return [call.effect(_E.READ, [path or "*"])]
    if not opts.has("alter") or path is None:
        return None
    changed = _config_keys(opts.values.get("add-config", ()))
    source = opts.value("add-config-file")
    if source:
        text = ctx.files.read_text(file_path(source, ctx), limit=262_144)
        if text is None:
            return [call.effect(_E.UNKNOWN, [path], f"sets the settings of {source} (not read)")]
        changed.update(_properties(text))
    removed = {k.strip() for v in opts.values.get("delete-config", ()) for k in v.split(",")}
    losing = sorted(k for k in {*changed, *removed} if _loses_messages(k, changed.get(k)))
    if losing and path.startswith(("topic/", "broker/")):
        why = f"changes {', '.join(losing)}: messages the new setting does not keep are deleted"
        # A broker's default reaches every topic that has no setting of its own.
        paths = [path] if path.startswith("topic/") else [path, "topic/*"]
        return [call.effect(_E.DELETE, paths, why)]
    keys = ", ".join(sorted({*changed, *removed})) or "settings from a file"
    return [call.effect(_E.UPDATE, [path], f"sets {keys}")]


def _loses_messages(key: str, value: str | None) -> bool:
    """Whether setting ``key`` (to ``value``; ``None``: removed, back to the default) may
    delete messages: a retention (other than ``-1``, unlimited) or the cleanup policy (compaction
    keeps one message per key; deletion, what the retention keeps)."""
    return key.removeprefix("log.") == "cleanup.policy" or (key in _RETENTION and value != "-1")


def _properties(text: str) -> dict[str, str]:
    """``key=value`` lines of a properties file."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, eq, value = line.strip().partition("=")
        if eq and key and not key.startswith(("#", "!")):
            found[key.strip()] = value.strip()
    return found


_SHORTCUTS = (
    *(("topic", "topic"), ("broker", "broker"), ("broker-logger", "broker")),
    *(("user", "user"), ("client", "client"), ("group", "group")),
)


def _entity(opts: Options) -> str | None:
    """The entity path (``topic/orders``, ``broker/1``, ``broker/*`` for the defaults)."""
    for option, folder in _SHORTCUTS:
        named = opts.value(option)
        if named:
            return f"{folder}/{named}"
    kind = _ENTITIES.get(opts.value("entity-type") or "")
    if kind is None:
        return None
    name = opts.value("entity-name")
    return f"{kind}/{name}" if name else f"{kind}/*"


def _config_keys(values: Sequence[str]) -> dict[str, str]:
    """``k=v,k2=[a,b]`` settings as a mapping (commas inside brackets stay)."""
    found: dict[str, str] = {}
    for value in values:
        depth, current = 0, ""
        for char in value + ",":
            depth += {"[": 1, "]": -1}.get(char, 0)
            if char == "," and depth <= 0:
                key, _, setting = current.partition("=")
                if key.strip():
                    found[key.strip()] = setting.strip()
                current = ""
            else:
                current += char
    return found


@command("kafka-consumer-groups", "kafka-consumer-groups.sh")
def kafka_consumer_groups(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kafka-consumer-groups --bootstrap-server B (--list | --describe | --delete |
    --delete-offsets | --reset-offsets [--execute]) (--group G... | --all-groups)``."""
    opts = parse_options(cmd.args, _KAFKA)
    printing = _printing(cmd, ctx, opts)
    if printing is not None:
        return printing
    call = _kafka_call(cmd, ctx, opts)
    groups = ["group/*"] if opts.has("all-groups") else [f"group/{g}" for g in _all(opts, "group")]
    if opts.has("list"):
        return [call.effect(_E.READ, ["group/*"])]
    if not groups:
        return None
    if opts.has("describe"):
        return [call.effect(_E.READ, groups)]
    topic = opts.value("topic") or ("every topic" if opts.has("all-topics") else "")
    if opts.has("delete-offsets"):
        return [call.effect(_E.DELETE, groups, f"the committed offsets on {topic or '?'}")]
    if opts.has("delete"):
        return [call.effect(_E.DELETE, groups, "the group and its committed offsets")]
    if opts.has("reset-offsets"):
        if opts.has("execute") and not opts.has("dry-run"):
            why = "moves the committed position: messages are skipped or read again"
            return [call.effect(_E.UPDATE, groups, joined(why, topic and f"on {topic}"))]
        return [call.effect(_E.READ, groups, "a dry run (no --execute): only shows the plan")]
    return None


def _all(opts: Options, key: str) -> list[str]:
    return [v for value in opts.values.get(key, ()) for v in value.split(",") if v]


@command("kafka-delete-records", "kafka-delete-records.sh")
def kafka_delete_records(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kafka-delete-records --bootstrap-server B --offset-json-file F``: deletes the records
    before the offsets the file gives (read through ``ctx.files``)."""
    opts = parse_options(cmd.args, _KAFKA)
    printing = _printing(cmd, ctx, opts)
    if printing is not None:
        return printing
    source = opts.value("offset-json-file")
    if not source:
        return None
    call = _kafka_call(cmd, ctx, opts)
    text = ctx.files.read_text(file_path(source, ctx))
    partitions = _partitions(text)
    if partitions is None:
        why = f"the records of the partitions listed in {source} (not read)"
        return [call.effect(_E.DELETE, ["topic/*"], why)]
    return [
        call.effect(_E.DELETE, [f"topic/{topic}"], "; ".join(sorted(notes)))
        for topic, notes in partitions.items()
    ]


def _partitions(text: str | None) -> dict[str, set[str]] | None:
    """Topic -> what is deleted in it, from ``{"partitions": [{"topic", "partition",
    "offset"}]}``; None when the text is not such a file."""
    try:
        listed = json.loads(text or "")["partitions"]
        found: dict[str, set[str]] = {}
        for item in listed:
            offset = int(item.get("offset", -1))
            where = f"partition {int(item['partition'])}"
            note = f"every record of {where}" if offset < 0 else f"{where} before offset {offset}"
            found.setdefault(str(item["topic"]), set()).add(note)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return found or None


@command("kafka-console-producer", "kafka-console-producer.sh")
def kafka_console_producer(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kafka-console-producer --bootstrap-server B --topic T``: writes messages."""
    opts = parse_options(cmd.args, _KAFKA)
    printing = _printing(cmd, ctx, opts)
    if printing is not None:
        return printing
    topic = opts.value("topic")
    if not topic:
        return None
    return [_kafka_call(cmd, ctx, opts).effect(_E.UPDATE, [f"topic/{topic}"], "produces")]


@command("kafka-console-consumer", "kafka-console-consumer.sh")
def kafka_console_consumer(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kafka-console-consumer --bootstrap-server B (--topic T | --include REGEX) [--group
    G]``: reads; with a group it also commits the group's position."""
    opts = parse_options(cmd.args, _KAFKA)
    printing = _printing(cmd, ctx, opts)
    if printing is not None:
        return printing
    call = _kafka_call(cmd, ctx, opts)
    pattern = opts.value("include") or opts.value("whitelist")
    paths = [f"topic/{g}" for g in regex_globs(pattern)] if pattern else _topics(opts, cmd)[0]
    if not paths:
        return None
    found = [call.effect(_E.READ, paths, "consumes")]
    group = opts.value("group")
    if group:
        found.append(call.effect(_E.UPDATE, [f"group/{group}"], "commits its position"))
    return found
