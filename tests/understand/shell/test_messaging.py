"""Messaging and time-series command lines -> effects: Kafka's tools, kcat, rabbitmqctl,
rabbitmqadmin, nats and influx."""

from __future__ import annotations

import shlex

import pytest
from tests.conftest import BRIEF_POLICY
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands._messaging_names import regex_globs, subject_glob

_E = EffectKind
_OFFSETS = (
    '{"partitions": [{"topic": "orders", "partition": 0, "offset": 42},'
    ' {"topic": "orders", "partition": 1, "offset": -1}], "version": 1}'
)
_FILES = MemoryFiles({"/w/offsets.json": _OFFSETS, "/w/bad.json": "{nope"})


def _effects(command: str, **env: str) -> tuple[Effect, ...]:
    return understand_shell(command, cwd="/w", home="/home/u", env=env, files=_FILES).effects


def _meaning(command: str, **env: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    return [(e.effect, e.resource.names) for e in _effects(command, **env)]


K = "--bootstrap-server k:9092"
_ORDERS = "--entity-type topics --entity-name orders"


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        # kafka-topics
        (f"kafka-topics {K} --list", _E.READ, ("kafka:topic/*", "kafka:k/topic/*")),
        (
            f"kafka-topics {K} --describe --topic orders",
            _E.READ,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-topics {K} --create --topic orders --partitions 3",
            _E.CREATE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-topics {K} --alter --topic orders --partitions 6",
            _E.UPDATE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-topics {K} --delete --topic orders",
            _E.DELETE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-topics.sh {K} --delete --topic '.*'",
            _E.DELETE,
            ("kafka:topic/*", "kafka:k/topic/*"),
        ),
        (
            f"kafka-topics {K} --delete --topic orders.v1",
            _E.DELETE,
            (
                "kafka:topic/orders.v1",
                "kafka:topic/orders?v1",
                "kafka:k/topic/orders.v1",
                "kafka:k/topic/orders?v1",
            ),
        ),
        (
            f"kafka-topics {K} --delete --topic 'orders\\.v1'",
            _E.DELETE,
            ("kafka:topic/orders.v1", "kafka:k/topic/orders.v1"),
        ),
        (
            f"kafka-topics {K} --delete --topic 'test.*'",
            _E.DELETE,
            ("kafka:topic/test*", "kafka:k/topic/test*"),
        ),
        (
            f"kafka-topics {K} --delete --topic 'a|b'",
            _E.DELETE,
            ("kafka:topic/a", "kafka:topic/b", "kafka:k/topic/a", "kafka:k/topic/b"),
        ),
        (
            f"kafka-topics {K} --delete --topic 'log-[0-9]+'",
            _E.DELETE,
            ("kafka:topic/*", "kafka:k/topic/*"),
        ),
        (
            "kafka-topics --zookeeper zk.prod:2181/kafka --delete --topic t",
            _E.DELETE,
            ("kafka:topic/t", "kafka:zk.prod/topic/t"),
        ),
        # kafka-configs
        (
            f"kafka-configs {K} --alter {_ORDERS} --add-config retention.ms=1000",
            _E.DELETE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-configs {K} --alter --topic orders --delete-config retention.bytes",
            _E.DELETE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-configs {K} --alter {_ORDERS} --add-config retention.ms=-1",
            _E.UPDATE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-configs {K} --alter {_ORDERS} --add-config 'max.message.bytes=1,x=[a,b]'",
            _E.UPDATE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-configs {K} --describe --entity-type brokers --entity-name 1",
            _E.READ,
            ("kafka:broker/1", "kafka:k/broker/1"),
        ),
        (
            f"kafka-configs {K} --alter --entity-type brokers --entity-default --add-config a=1",
            _E.UPDATE,
            ("kafka:broker/*", "kafka:k/broker/*"),
        ),
        (
            f"kafka-configs {K} --alter --user alice --add-config producer_byte_rate=1",
            _E.UPDATE,
            ("kafka:user/alice", "kafka:k/user/alice"),
        ),
        # kafka-consumer-groups
        (f"kafka-consumer-groups {K} --list", _E.READ, ("kafka:group/*", "kafka:k/group/*")),
        (
            f"kafka-consumer-groups {K} --describe --group billing",
            _E.READ,
            ("kafka:group/billing", "kafka:k/group/billing"),
        ),
        (
            f"kafka-consumer-groups {K} --delete --group billing",
            _E.DELETE,
            ("kafka:group/billing", "kafka:k/group/billing"),
        ),
        (
            f"kafka-consumer-groups {K} --delete --all-groups",
            _E.DELETE,
            ("kafka:group/*", "kafka:k/group/*"),
        ),
        (
            f"kafka-consumer-groups {K} --delete-offsets --group billing --topic orders",
            _E.DELETE,
            ("kafka:group/billing", "kafka:k/group/billing"),
        ),
        (
            f"kafka-consumer-groups {K} --reset-offsets --group g --topic orders --to-earliest",
            _E.READ,
            ("kafka:group/g", "kafka:k/group/g"),
        ),
        (
            f"kafka-consumer-groups {K} --reset-offsets --group g --topic o --dry-run",
            _E.READ,
            ("kafka:group/g", "kafka:k/group/g"),
        ),
        (
            f"kafka-consumer-groups {K} --reset-offsets --group g --all-topics --execute",
            _E.UPDATE,
            ("kafka:group/g", "kafka:k/group/g"),
        ),
        # console tools, kcat
        (
            f"kafka-console-producer {K} --topic orders",
            _E.UPDATE,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        (
            f"kafka-console-consumer {K} --topic orders --from-beginning",
            _E.READ,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        ("kcat -b k:9092 -L", _E.READ, ("kafka:topic/*", "kafka:k/topic/*")),
        (
            "kcat -b k:9092 -C -t orders -o beginning -e",
            _E.READ,
            ("kafka:topic/orders", "kafka:k/topic/orders"),
        ),
        ("kcat -b k:9092 -P -t orders", _E.UPDATE, ("kafka:topic/orders", "kafka:k/topic/orders")),
        ("kafkacat -b k:9092 -t orders", _E.UPDATE, ("kafka:topic/orders", "kafka:k/topic/orders")),
        (
            "kcat -X bootstrap.servers=k2:9092 -Q -t orders:0:1700000000",
            _E.READ,
            ("kafka:topic/orders", "kafka:k2/topic/orders"),
        ),
        # rabbitmqctl
        ("rabbitmqctl list_queues", _E.READ, ("rabbitmq:queue/*", "rabbitmq:%2F/queue/*")),
        ("rabbitmqctl list_users", _E.READ, ("rabbitmq:node",)),
        ("rabbitmqctl status", _E.READ, ("rabbitmq:node",)),
        (
            "rabbitmqctl delete_queue orders",
            _E.DELETE,
            ("rabbitmq:queue/orders", "rabbitmq:%2F/queue/orders"),
        ),
        (
            "rabbitmqctl -n rabbit@mq-prod-1 -p shop purge_queue orders",
            _E.DELETE,
            (
                "rabbitmq:queue/orders",
                "rabbitmq:shop/queue/orders",
                "rabbitmq:mq-prod-1/shop/queue/orders",
            ),
        ),
        (
            "rabbitmqctl --vhost shop delete_queue orders --if-empty",
            _E.DELETE,
            ("rabbitmq:queue/orders", "rabbitmq:shop/queue/orders"),
        ),
        ("rabbitmqctl delete_vhost shop", _E.DELETE, ("rabbitmq:vhost/shop", "rabbitmq:shop/*")),
        ("rabbitmqctl delete_vhost /", _E.DELETE, ("rabbitmq:vhost//", "rabbitmq:%2F/*")),
        ("rabbitmqctl delete_user ci", _E.DELETE, ("rabbitmq:user/ci",)),
        (
            "rabbitmqctl clear_policy ha-all",
            _E.DELETE,
            ("rabbitmq:policy/ha-all", "rabbitmq:%2F/policy/ha-all"),
        ),
        ("rabbitmqctl add_user ci pw", _E.CREATE, ("rabbitmq:user/ci",)),
        (
            "rabbitmqctl set_permissions -p shop ci '.*' '.*' '.*'",
            _E.UPDATE,
            ("rabbitmq:permission/ci", "rabbitmq:shop/permission/ci"),
        ),
        ("rabbitmqctl stop_app", _E.UPDATE, ("rabbitmq:node",)),
        (
            "rabbitmqctl -n rabbit@mq-prod-1 reset",
            _E.REPLACE,
            ("rabbitmq:*", "rabbitmq:mq-prod-1/*"),
        ),
        ("rabbitmqctl force_reset", _E.REPLACE, ("rabbitmq:*",)),
        ("rabbitmqctl import_definitions defs.json", _E.UPDATE, ("rabbitmq:*",)),
        # rabbitmqadmin
        ("rabbitmqadmin list queues", _E.READ, ("rabbitmq:queue/*", "rabbitmq:%2F/queue/*")),
        (
            "rabbitmqadmin -H mq.prod -V shop delete queue name=orders",
            _E.DELETE,
            (
                "rabbitmq:queue/orders",
                "rabbitmq:shop/queue/orders",
                "rabbitmq:mq.prod/shop/queue/orders",
            ),
        ),
        (
            "rabbitmqadmin delete queue --name orders",
            _E.DELETE,
            ("rabbitmq:queue/orders", "rabbitmq:%2F/queue/orders"),
        ),
        (
            "rabbitmqadmin queues delete --name orders",
            _E.DELETE,
            ("rabbitmq:queue/orders", "rabbitmq:%2F/queue/orders"),
        ),
        (
            "rabbitmqadmin purge queue name=orders",
            _E.DELETE,
            ("rabbitmq:queue/orders", "rabbitmq:%2F/queue/orders"),
        ),
        (
            "rabbitmqadmin declare queue name=orders durable=true",
            _E.CREATE,
            ("rabbitmq:queue/orders", "rabbitmq:%2F/queue/orders"),
        ),
        (
            "rabbitmqadmin delete vhost name=shop",
            _E.DELETE,
            ("rabbitmq:vhost/shop", "rabbitmq:shop/*"),
        ),
        ("rabbitmqadmin delete user name=ci", _E.DELETE, ("rabbitmq:user/ci",)),
        (
            "rabbitmqadmin publish exchange=amq.direct routing_key=q payload=x",
            _E.UPDATE,
            ("rabbitmq:exchange/amq.direct", "rabbitmq:%2F/exchange/amq.direct"),
        ),
        (
            "rabbitmqadmin get queue=orders",
            _E.READ,
            ("rabbitmq:queue/orders", "rabbitmq:%2F/queue/orders"),
        ),
        (
            "rabbitmqadmin get queue=orders ackmode=ack_requeue_false",
            _E.DELETE,
            ("rabbitmq:queue/orders", "rabbitmq:%2F/queue/orders"),
        ),
        ("rabbitmqadmin export defs.json", _E.READ, ("rabbitmq:*",)),
        # nats
        ("nats stream ls", _E.READ, ("nats:stream/*",)),
        ("nats str info ORDERS", _E.READ, ("nats:stream/ORDERS",)),
        ("nats stream add ORDERS --subjects 'orders.*'", _E.CREATE, ("nats:stream/ORDERS",)),
        ("nats stream edit ORDERS --max-age 1h", _E.DELETE, ("nats:stream/ORDERS",)),
        ("nats stream edit ORDERS --description orders", _E.UPDATE, ("nats:stream/ORDERS",)),
        ("nats stream rm ORDERS -f", _E.DELETE, ("nats:stream/ORDERS", "nats:stream/ORDERS/*")),
        ("nats stream delete ORDERS", _E.DELETE, ("nats:stream/ORDERS", "nats:stream/ORDERS/*")),
        ("nats stream purge ORDERS -f", _E.DELETE, ("nats:stream/ORDERS",)),
        ("nats stream purge ORDERS --subject orders.new -f", _E.DELETE, ("nats:stream/ORDERS",)),
        ("nats stream rmm ORDERS 42 -f", _E.DELETE, ("nats:stream/ORDERS",)),
        ("nats consumer ls ORDERS", _E.READ, ("nats:stream/ORDERS/consumer/*",)),
        ("nats consumer rm ORDERS billing -f", _E.DELETE, ("nats:stream/ORDERS/consumer/billing",)),
        ("nats consumer next ORDERS billing", _E.UPDATE, ("nats:stream/ORDERS/consumer/billing",)),
        ("nats kv ls", _E.READ, ("nats:kv/*",)),
        ("nats kv get CONFIG db_url", _E.READ, ("nats:kv/CONFIG/db_url",)),
        ("nats kv put CONFIG db_url x", _E.UPDATE, ("nats:kv/CONFIG/db_url",)),
        ("nats kv create CONFIG db_url x", _E.CREATE, ("nats:kv/CONFIG/db_url",)),
        ("nats kv add CONFIG --history 5", _E.CREATE, ("nats:kv/CONFIG",)),
        ("nats kv del CONFIG db_url", _E.DELETE, ("nats:kv/CONFIG/db_url",)),
        ("nats kv rm CONFIG -f", _E.DELETE, ("nats:kv/CONFIG", "nats:kv/CONFIG/*")),
        ("nats kv purge CONFIG db_url", _E.DELETE, ("nats:kv/CONFIG/db_url",)),
        ("nats object rm backups db.tar", _E.DELETE, ("nats:object/backups/db.tar",)),
        ("nats obj del backups", _E.DELETE, ("nats:object/backups", "nats:object/backups/*")),
        ("nats pub orders.new '{}'", _E.UPDATE, ("nats:subject/orders.new",)),
        ("nats sub 'orders.>'", _E.READ, ("nats:subject/orders.*",)),
        ("nats request svc.reset ''", _E.UPDATE, ("nats:subject/svc.reset",)),
        (
            "nats -s nats://nats.prod:4222 stream ls",
            _E.READ,
            ("nats:stream/*", "nats:nats.prod/stream/*"),
        ),
        (
            "nats --context prod stream rm ORDERS -f",
            _E.DELETE,
            (
                "nats:stream/ORDERS",
                "nats:stream/ORDERS/*",
                "nats:prod/stream/ORDERS",
                "nats:prod/stream/ORDERS/*",
            ),
        ),
        # influx
        ("influx bucket list", _E.READ, ("influx:bucket/*",)),
        ("influx bucket ls -o acme", _E.READ, ("influx:bucket/*", "influx:acme/bucket/*")),
        ("influx bucket create -n metrics -r 30d", _E.CREATE, ("influx:bucket/metrics",)),
        ("influx bucket delete -n prod", _E.DELETE, ("influx:bucket/prod",)),
        (
            "influx bucket delete --name prod --org acme",
            _E.DELETE,
            ("influx:bucket/prod", "influx:acme/bucket/prod"),
        ),
        # By ID: which bucket cannot be told, so a protected name holds too.
        (
            "influx bucket delete -i 0123abcd",
            _E.DELETE,
            ("influx:bucket-id/0123abcd", "influx:bucket/*"),
        ),
        (
            "influx bucket update -i 0123abcd -r 1h",
            _E.DELETE,
            ("influx:bucket-id/0123abcd", "influx:bucket/*"),
        ),
        ("influx bucket update -i 0123abcd -d text", _E.UPDATE, ("influx:bucket-id/0123abcd",)),
        (
            "influx delete --bucket metrics --start 1970-01-01T00:00:00Z --stop 2030-01-01",
            _E.DELETE,
            ("influx:bucket/metrics",),
        ),
        (
            "influx query 'from(bucket: \"metrics\") |> range(start: -1h)'",
            _E.READ,
            ("influx:bucket/metrics",),
        ),
        ("influx write -b metrics 'cpu v=1'", _E.UPDATE, ("influx:bucket/metrics",)),
        ("influx write dryrun -b metrics 'cpu v=1'", _E.READ, ("influx:bucket/*",)),
        ("influx org delete -i 0a1b", _E.DELETE, ("influx:org-id/0a1b", "influx:org/*")),
        ("influx auth delete -i 0a1b", _E.DELETE, ("influx:auth/0a1b",)),
        ("influx user delete -n ci", _E.DELETE, ("influx:user/ci",)),
        ("influx task delete -i 0a1b", _E.DELETE, ("influx:task/0a1b",)),
        ("influx restore --full /backup", _E.REPLACE, ("influx:*",)),
        ("influx restore --bucket metrics /backup", _E.REPLACE, ("influx:bucket/metrics",)),
        ("influx backup /backup", _E.READ, ("influx:bucket/*",)),
        ("influx ping", _E.READ, ("influx:server",)),
    ],
)
def test_meanings(command: str, kind: EffectKind, names: tuple[str, ...]) -> None:
    assert _meaning(command) == [(kind, names)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            f"kafka-delete-records {K} --offset-json-file offsets.json",
            [(_E.DELETE, ("kafka:topic/orders", "kafka:k/topic/orders"))],
        ),
        (
            f"kafka-delete-records {K} --offset-json-file bad.json",
            [(_E.DELETE, ("kafka:topic/*", "kafka:k/topic/*"))],
        ),
        (
            f"kafka-console-consumer {K} --include 'orders.*' --group audit",
            [
                (_E.READ, ("kafka:topic/orders*", "kafka:k/topic/orders*")),
                (_E.UPDATE, ("kafka:group/audit", "kafka:k/group/audit")),
            ],
        ),
        (
            "kcat -b k:9092 -G billing orders payments",
            [
                (
                    _E.READ,
                    (
                        "kafka:topic/orders",
                        "kafka:topic/payments",
                        "kafka:k/topic/orders",
                        "kafka:k/topic/payments",
                    ),
                ),
                (_E.UPDATE, ("kafka:group/billing", "kafka:k/group/billing")),
            ],
        ),
        (
            'influx query \'from(bucket: "a") |> range(start: -1h) |> to(bucket: "b")\'',
            [(_E.READ, ("influx:bucket/a",)), (_E.UPDATE, ("influx:bucket/b",))],
        ),
        (
            "nats stream view ORDERS --translate 'rm -rf /srv/x'",
            [(_E.READ, ("nats:stream/ORDERS",)), (_E.DELETE, ("file:/srv/x", "file:/srv/x/*"))],
        ),
    ],
)
def test_several_effects(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert _meaning(command) == expected


@pytest.mark.parametrize(
    ("command", "env", "names"),
    [
        (
            "kafka-topics --bootstrap-server b1.prod:9092,b2.prod:9092 --delete --topic t",
            {},
            ("kafka:topic/t", "kafka:b1.prod/topic/t", "kafka:b2.prod/topic/t"),
        ),
        (
            "rabbitmqctl delete_queue q",
            {"RABBITMQ_NODENAME": "rabbit@mq-prod"},
            ("rabbitmq:queue/q", "rabbitmq:%2F/queue/q", "rabbitmq:mq-prod/%2F/queue/q"),
        ),
        (
            "nats stream rm S -f",
            {"NATS_URL": "nats://n1.prod:4222,nats://n2.prod:4222"},
            (
                "nats:stream/S",
                "nats:stream/S/*",
                "nats:n1.prod/stream/S",
                "nats:n1.prod/stream/S/*",
                "nats:n2.prod/stream/S",
                "nats:n2.prod/stream/S/*",
            ),
        ),
        ("nats kv get B k", {"NATS_CONTEXT": "prod"}, ("nats:kv/B/k", "nats:prod/kv/B/k")),
        (
            "influx bucket delete -n m",
            {"INFLUX_HOST": "https://influx.prod:8086", "INFLUX_ORG": "acme"},
            ("influx:bucket/m", "influx:acme/bucket/m", "influx:influx.prod/acme/bucket/m"),
        ),
        ("influx bucket delete -n m -c prod", {}, ("influx:bucket/m", "influx:prod/bucket/m")),
    ],
)
def test_the_server_adds_a_name_with_its_host(
    command: str, env: dict[str, str], names: tuple[str, ...]
) -> None:
    assert [e.resource.names for e in _effects(command, **env)] == [names]


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ('kafka-topics --bootstrap-server "$BS" --delete --topic o', ("kafka:topic/o",)),
        ('rabbitmqctl -n "$NODE" delete_queue q', ("rabbitmq:queue/q", "rabbitmq:%2F/queue/q")),
        ('nats -s "$URL" stream rm S -f', ("nats:stream/S", "nats:stream/S/*")),
        ('influx --host "$H" bucket delete -n b', ("influx:bucket/b",)),
    ],
)
def test_a_server_decided_at_run_time_names_no_place(
    command: str, names: tuple[str, ...], judge_brief: JudgeBrief
) -> None:
    (effect,) = _effects(command)
    assert (effect.effect, effect.resource.names) == (_E.DELETE, names)
    # where it lands cannot be told: the BRIEF policy's unknown_environment (production)
    decision = judge_brief(command, env=None)
    assert (decision.decision, decision.approvals_required) == (Verdict.ASK, 2)


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("nats stream rm ORDERS -f", "-f: without asking"),
        ("nats kv purge B k --force", "-f: without asking"),
        ("nats stream purge ORDERS --subject orders.new", "the messages on orders.new"),
        ("nats stream seal ORDERS", "sealed for good"),
        ("rabbitmqctl stop_app", "disruptive"),
        ("rabbitmqctl stop", "disruptive"),
        ("rabbitmqctl purge_queue q", "purges every message"),
        ("rabbitmqctl reset", "blank state"),
        ("rabbitmqctl delete_queue q --if-unused", "only if empty or unused"),
        (f"kafka-topics {K} --delete --topic '.*'", "regular expression '.*'"),
        (f"kafka-topics {K} --delete --topic t --if-exists", "--if-exists"),
        (f"kafka-configs {K} --alter --topic t --add-config retention.ms=1", "retention"),
        (f"kafka-consumer-groups {K} --reset-offsets --group g --topic t --to-earliest", "dry run"),
        (
            f"kafka-consumer-groups {K} --reset-offsets --group g --topic t --execute",
            "skipped or read again",
        ),
        (
            f"kafka-delete-records {K} --offset-json-file offsets.json",
            "partition 0 before offset 42",
        ),
        (
            f"kafka-delete-records {K} --offset-json-file offsets.json",
            "every record of partition 1",
        ),
        ("kcat -b k -t orders", "no -P/-C"),
        (
            "influx delete -b m --start 1 --stop 2 --predicate 'host=\"a\"'",
            "matching 'host=\"a\"' between 1 and 2",
        ),
        ("influx delete -b m --start 1 --stop 2", "every point"),
    ],
)
def test_details_say_what_is_at_stake(command: str, words: str) -> None:
    details = [e.detail for e in _effects(command)]
    assert any(words in d for d in details), details


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("rabbitmqctl eval 'halt().'", "not understood"),
        ("influx -execute 'DROP DATABASE x' -database y", "1.x"),
        ("influx v1 shell", "interactive"),
        ('influx query \'import "http" http.post(url: "x")\'', "imports http"),
        ('influx query "$Q"', "not known now"),
        ('kafka-topics --bootstrap-server k:9092 --delete --topic "$T"', "run time"),
        ('rabbitmqctl delete_queue "$Q"', "run time"),
        ('nats stream rm "$S" -f', "run time"),
        ("kafka-topics --bootstrap-server k:9092 --delete", "not understood"),
        ("nats stream rm", "not understood"),
        ("nats frobnicate", "not understood"),
        ("rabbitmqctl frobnicate", "not understood"),
        ("rabbitmqadmin frobnicate queue name=x", "not understood"),
        ("influx frobnicate", "not understood"),
        ("kcat -b k -P -C -t x", "not understood"),
        ("kafka-configs --alter --add-config a=1", "not understood"),
        ("kafka-consumer-groups --bootstrap-server k --reset-offsets", "not understood"),
    ],
)
def test_what_cannot_be_known_is_unknown_with_the_reason(command: str, reason: str) -> None:
    effects = _effects(command)
    unknown = [e for e in effects if e.effect is _E.UNKNOWN]
    assert unknown, command
    assert any(reason in e.detail for e in unknown), [e.detail for e in unknown]


@pytest.mark.parametrize(
    "command",
    [
        "kafka-topics --help",
        "kafka-topics.sh --version",
        "kcat -h",
        "kcat -X list",
        "rabbitmqctl --help",
        "rabbitmqadmin --help",
        "nats --help",
        "nats help",
        "influx --help",
    ],
)
def test_help_only_prints(command: str) -> None:
    assert [e.effect for e in _effects(command)] == [_E.READ], command


@pytest.mark.parametrize(
    ("pattern", "globs"),
    [
        ("orders", ["orders"]),
        ("orders.v1", ["orders.v1", "orders?v1"]),
        ("orders\\.v1", ["orders.v1"]),
        (".*", ["*"]),
        ("^orders$", ["orders"]),
        ("test.+", ["test?*"]),
        ("a|b.*", ["a", "b*"]),
        ("log-[0-9]+", ["*"]),
        ("(a|b)", ["*"]),
        ("", ["*"]),
        # an escaped letter is a class or a quote, not the letter
        ("or\\wers", ["*"]),
        ("\\Qorders\\E", ["*"]),
        ("o\\d+", ["*"]),
        ("orders\\-v1", ["orders-v1"]),
    ],
)
def test_a_topic_regex_is_named_by_what_it_may_match(pattern: str, globs: list[str]) -> None:
    assert regex_globs(pattern) == globs


def test_a_subject_wildcard_is_a_glob() -> None:
    assert [subject_glob(s) for s in ("a.b", "a.*", "a.>", ">")] == ["a.b", "a.*", "a.*", "*"]


PROTECTING = protecting(
    "kafka:*topic/orders",
    "rabbitmq:*queue/orders",
    "nats:stream/ORDERS",
    "influx:*bucket/prod",
    "nats:kv/CONFIG/*",
)


@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        (
            "kafka-topics --bootstrap-server prod-kafka:9092 --delete --topic orders",
            None,
            Verdict.DENY,
        ),
        (
            "kafka-topics --bootstrap-server dev-kafka:9092 --delete --topic orders",
            "dev",
            Verdict.DENY,
        ),
        (
            "kafka-topics --bootstrap-server dev-kafka:9092 --delete --topic '.*'",
            "dev",
            Verdict.DENY,
        ),
        (
            "kafka-topics --bootstrap-server dev-kafka:9092 --delete --topic 'ord.*'",
            "dev",
            Verdict.DENY,
        ),
        (
            "kafka-topics --bootstrap-server dev-kafka:9092 --delete --topic payments",
            "dev",
            Verdict.ALLOW,
        ),
        (
            "kafka-configs --bootstrap-server d --alter --topic orders --add-config retention.ms=1",
            "dev",
            Verdict.DENY,
        ),
        (
            "kafka-topics --bootstrap-server d:9092 --describe --topic orders",
            "production",
            Verdict.ALLOW,
        ),
        ("kcat -b d:9092 -C -t orders", "production", Verdict.ALLOW),
        ("rabbitmqctl delete_queue orders", "dev", Verdict.DENY),
        ("rabbitmqctl purge_queue orders", "dev", Verdict.DENY),
        ("rabbitmqadmin delete queue name=orders", "dev", Verdict.DENY),
        ("rabbitmqctl delete_vhost /", "dev", Verdict.DENY),  # holds %2F/queue/orders
        ("rabbitmqctl reset", "dev", Verdict.DENY),
        ("rabbitmqctl delete_queue carts", "dev", Verdict.ALLOW),
        ("nats stream rm ORDERS -f", "dev", Verdict.DENY),
        ("nats stream purge ORDERS -f", "dev", Verdict.DENY),
        ("nats stream rm CARTS -f", "dev", Verdict.ALLOW),
        ("nats kv rm CONFIG -f", "dev", Verdict.DENY),
        ("nats kv get CONFIG db_url", "production", Verdict.ALLOW),
        ("influx bucket delete -n prod", "dev", Verdict.DENY),
        ("influx delete --bucket prod --start 1 --stop 2", "dev", Verdict.DENY),
        ("influx restore --full /backup", "dev", Verdict.DENY),
        ("influx bucket delete -n staging", "dev", Verdict.ALLOW),
    ],
)
def test_under_a_policy_protecting_queues_and_topics(
    command: str, env: str | None, expected: Verdict, judge_brief: JudgeBrief
) -> None:
    assert PROTECTING != BRIEF_POLICY
    decision = judge_brief(command, env=env, policy=PROTECTING)
    assert decision.decision is expected, (command, decision.describe())


@pytest.mark.parametrize(
    ("command", "env", "expected", "approvals"),
    [
        (
            "kafka-topics --bootstrap-server prod-kafka:9092 --delete --topic orders",
            None,
            Verdict.ASK,
            2,
        ),
        ("kafka-topics --bootstrap-server prod-kafka:9092 --list", None, Verdict.ALLOW, 0),
        ("kafka-topics --bootstrap-server k:9092 --create --topic x", "staging", Verdict.ALLOW, 0),
        ("kafka-topics --bootstrap-server k:9092 --create --topic x", "production", Verdict.ASK, 1),
        ("rabbitmqctl -n rabbit@mq-prod-1 purge_queue orders", None, Verdict.ASK, 2),
        ("rabbitmqctl list_queues", "production", Verdict.ALLOW, 0),
        ("rabbitmqctl eval 'halt().'", "production", Verdict.DENY, 0),
        ("rabbitmqctl eval 'halt().'", "dev", Verdict.ASK, 1),
        ("nats --context prod stream rm ORDERS -f", None, Verdict.ASK, 2),
        ("nats stream ls", "production", Verdict.ALLOW, 0),
        ("influx bucket delete -n prod", None, Verdict.ASK, 2),
        ("influx query 'from(bucket: \"m\") |> range(start: -1h)'", "production", Verdict.ALLOW, 0),
    ],
)
def test_under_the_brief_policy(
    command: str, env: str | None, expected: Verdict, approvals: int, judge_brief: JudgeBrief
) -> None:
    decision = judge_brief(command, env=env)
    assert decision.decision is expected, (command, decision.describe())
    assert decision.approvals_required == approvals, (command, decision.describe())


_WORDS = (
    "-b", "-t", "-C", "-P", "-L", "-G", "-X", "-n", "-p", "-i", "-o", "-f", "-s", "--topic",
    "--delete", "--list", "--alter", "--group", "--execute", "--reset-offsets", "--add-config",
    "--bootstrap-server", "--entity-type", "--name", "--context", "--translate", "stream", "kv",
    "rm", "del", "purge", "ls", "bucket", "delete", "delete_queue", "reset", "queue", "name=x",
    "x", ".*", "$X", "a=b", "retention.ms=1", "write", "query", "pub",
)  # fmt: skip


@pytest.mark.parametrize(
    "program",
    [
        "kafka-topics",
        "kafka-configs",
        "kafka-consumer-groups",
        "kafka-delete-records",
        "kafka-console-producer",
        "kafka-console-consumer",
        "kcat",
        "rabbitmqctl",
        "rabbitmqadmin",
        "nats",
        "influx",
    ],
)
def test_any_arguments_give_effects_and_no_handler_failure(program: str) -> None:
    for size in range(5):
        for start in range(len(_WORDS)):
            words = [_WORDS[(start + k * 5) % len(_WORDS)] for k in range(size)]
            command = " ".join([program, *(shlex.quote(w) for w in words)])
            effects = _effects(command)
            assert effects, command
            assert not [e for e in effects if "could not understand" in e.detail], command


_KAFKA_ALTER = "kafka-configs --bootstrap-server b:9092 --alter"


@pytest.mark.parametrize(
    ("command", "files", "expected"),
    [
        (
            f"{_KAFKA_ALTER} --entity-type topics --entity-name orders --add-config-file r.txt",
            {"/w/r.txt": "# settings\nretention.bytes=1\n"},
            [(_E.DELETE, ("kafka:topic/orders", "kafka:b/topic/orders"))],
        ),
        (
            f"{_KAFKA_ALTER} --entity-type topics --entity-name orders --add-config-file r.txt",
            {"/w/r.txt": "max.message.bytes=10\n"},
            [(_E.UPDATE, ("kafka:topic/orders", "kafka:b/topic/orders"))],
        ),
        (
            f"{_KAFKA_ALTER} --entity-type topics --entity-name orders --add-config-file r.txt",
            {},
            [(_E.UNKNOWN, ("kafka:topic/orders", "kafka:b/topic/orders"))],
        ),
        (
            f"{_KAFKA_ALTER} --entity-type brokers --entity-name 1 "
            "--add-config log.retention.hours=1",
            {},
            [
                (
                    _E.DELETE,
                    ("kafka:broker/1", "kafka:topic/*", "kafka:b/broker/1", "kafka:b/topic/*"),
                )
            ],
        ),
        (
            f"{_KAFKA_ALTER} --entity-type topics --entity-name orders "
            "--delete-config cleanup.policy",
            {},
            [(_E.DELETE, ("kafka:topic/orders", "kafka:b/topic/orders"))],
        ),
        (
            "rabbitmqctl set_policy cap '^orders$' '{\"max-length-bytes\":1}' --apply-to queues",
            {},
            [
                (
                    _E.DELETE,
                    (
                        "rabbitmq:policy/cap",
                        "rabbitmq:queue/orders",
                        "rabbitmq:%2F/policy/cap",
                        "rabbitmq:%2F/queue/orders",
                    ),
                )
            ],
        ),
        (
            "rabbitmqctl set_policy lazy 'orders' '{\"queue-mode\":\"lazy\"}'",
            {},
            [(_E.UPDATE, ("rabbitmq:policy/lazy", "rabbitmq:%2F/policy/lazy"))],
        ),
        (
            "nats stream edit ORDERS --max-msgs-per-subject 1 -f",
            {},
            [(_E.DELETE, ("nats:stream/ORDERS",))],
        ),
        ("nats kv edit cfg --history 1", {}, [(_E.DELETE, ("nats:kv/cfg",))]),
        ("nats server request kick 7", {}, [(_E.UPDATE, ("nats:server",))]),
        ("nats account info", {}, [(_E.READ, ("nats:server",))]),
        (
            "nats account backup /w/bk",
            {},
            [(_E.READ, ("nats:stream/*",)), (_E.CREATE, ("file:/w/bk",))],
        ),
        ("influx bucket update -i 01ab -r 0", {}, [(_E.UPDATE, ("influx:bucket-id/01ab",))]),
    ],
)
def test_settings_that_make_the_server_drop_data(
    command: str, files: dict[str, str], expected: list[tuple[EffectKind, tuple[str, ...]]]
) -> None:
    found = understand_shell(command, cwd="/w", home="/home/u", files=MemoryFiles(files))
    assert [(e.effect, e.resource.names) for e in found.effects] == expected


@pytest.mark.parametrize(
    "command",
    ["nats server raft peer-remove n1", "nats server cluster step-down", "nats account purge A"],
)
def test_nats_server_and_account_verbs_beyond_reports_are_not_understood(command: str) -> None:
    assert [e.effect for e in _effects(command)] == [_E.UNKNOWN]
