"""vault (and bao), consul and etcdctl command lines -> effects."""

from __future__ import annotations

import pytest
from tests.conftest import BRIEF_POLICY
from tests.understand.shell.conftest import protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand.shell import understand_shell

_E = EffectKind


def _effects(command: str, **env: str):
    return understand_shell(command, cwd="/w", home="/home/u", env=env).effects


def _meaning(command: str, **env: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    return [(e.effect, e.resource.names) for e in _effects(command, **env)]


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        ("vault kv get secret/prod/db", _E.READ, ("vault:secret/prod/db",)),
        ("vault kv get -mount=secret prod/db", _E.READ, ("vault:secret/prod/db",)),
        ("vault kv get -mount secret /prod/db", _E.READ, ("vault:secret/prod/db",)),
        ("vault kv get --mount=secret prod/db", _E.READ, ("vault:secret/prod/db",)),
        ("vault kv list secret/", _E.READ, ("vault:secret",)),
        ("vault kv metadata get secret/app", _E.READ, ("vault:secret/app",)),
        (
            "vault read -field=pw secret/data/app",
            _E.READ,
            ("vault:secret/data/app", "vault:secret/app"),
        ),
        ("vault list auth/approle/role", _E.READ, ("vault:auth/approle/role",)),
        ("vault status", _E.READ, ("vault:sys/seal-status",)),
        ("vault secrets list", _E.READ, ("vault:sys/mounts",)),
        ("vault auth list -detailed", _E.READ, ("vault:sys/auth",)),
        ("vault audit list", _E.READ, ("vault:sys/audit",)),
        ("vault policy list", _E.READ, ("vault:sys/policies/acl",)),
        ("vault policy read admin", _E.READ, ("vault:sys/policies/acl/admin",)),
        ("vault token lookup", _E.READ, ("vault:auth/token/self",)),
        ("vault token lookup -accessor 8609", _E.READ, ("vault:auth/token/accessors/8609",)),
        ("vault version", _E.READ, ("shell:vault",)),
        ("vault kv put secret/app pw=x", _E.UPDATE, ("vault:secret/app",)),
        ("vault kv put -mount=secret app pw=x", _E.UPDATE, ("vault:secret/app",)),
        ("vault kv put -cas=0 secret/app pw=x", _E.CREATE, ("vault:secret/app",)),
        ("vault kv patch secret/app pw=y", _E.UPDATE, ("vault:secret/app",)),
        ("vault kv rollback -version=2 secret/app", _E.UPDATE, ("vault:secret/app",)),
        ("vault kv undelete -versions=3 secret/app", _E.UPDATE, ("vault:secret/app",)),
        (
            "vault write auth/approle/role/ci policies=ci",
            _E.UPDATE,
            ("vault:auth/approle/role/ci",),
        ),
        ("vault policy write ci ci.hcl", _E.UPDATE, ("vault:sys/policies/acl/ci",)),
        ("vault secrets enable -path=kv2 -version=2 kv", _E.CREATE, ("vault:sys/mounts/kv2",)),
        ("vault secrets enable database", _E.CREATE, ("vault:sys/mounts/database",)),
        ("vault secrets tune -max-lease-ttl=1h secret/", _E.UPDATE, ("vault:sys/mounts/secret",)),
        ("vault auth enable -path=gh github", _E.CREATE, ("vault:sys/auth/gh",)),
        ("vault token create -policy=ci", _E.CREATE, ("vault:auth/token/create",)),
        ("vault token create -role=ci", _E.CREATE, ("vault:auth/token/create/ci",)),
        ("vault operator seal", _E.UPDATE, ("vault:sys/seal",)),
        ("vault login -method=github", _E.UPDATE, ("file:/home/u/.vault-token",)),
        ("vault kv delete secret/app", _E.DELETE, ("vault:secret/app",)),
        ("vault kv destroy -versions=1,2 secret/app", _E.DELETE, ("vault:secret/app",)),
        ("vault kv metadata delete -mount=secret app", _E.DELETE, ("vault:secret/app",)),
        ("vault delete auth/approle/role/ci", _E.DELETE, ("vault:auth/approle/role/ci",)),
        (
            "vault delete secret/metadata/app",
            _E.DELETE,
            ("vault:secret/metadata/app", "vault:secret/app"),
        ),
        (
            "vault write secret/destroy/app versions=1",
            _E.DELETE,
            ("vault:secret/destroy/app", "vault:secret/app"),
        ),
        ("vault policy delete ci", _E.DELETE, ("vault:sys/policies/acl/ci",)),
        ("vault token revoke -self", _E.DELETE, ("vault:auth/token/self",)),
        ("vault token revoke hvs.SECRET", _E.DELETE, ("vault:auth/token/*",)),
        ("vault token revoke -mode=path auth/github", _E.DELETE, ("vault:auth/github/*",)),
        (
            "vault lease revoke -prefix database/creds/prod",
            _E.DELETE,
            ("vault:sys/leases/database/creds/prod*", "vault:database/creds/prod*"),
        ),
        ("vault secrets disable secret/", _E.DELETE, ("vault:sys/mounts/secret", "vault:secret/*")),
        (
            "vault delete sys/mounts/secret",
            _E.DELETE,
            ("vault:sys/mounts/secret", "vault:secret/*"),
        ),
        ("vault auth disable github/", _E.DELETE, ("vault:sys/auth/github", "vault:auth/github/*")),
        ("vault audit disable file/", _E.DELETE, ("vault:sys/audit/file",)),
        (
            "vault -ns=team kv get secret/app",
            _E.READ,
            ("vault:secret/app", "vault:team/secret/app"),
        ),
        ("bao kv get secret/app", _E.READ, ("vault:secret/app",)),
        ("bao secrets disable secret", _E.DELETE, ("vault:sys/mounts/secret", "vault:secret/*")),
        ("consul kv get app/db", _E.READ, ("consul:kv/app/db",)),
        ("consul kv get -recurse app/", _E.READ, ("consul:kv/app/*",)),
        ("consul kv get -keys", _E.READ, ("consul:kv/*",)),
        ("consul kv export app", _E.READ, ("consul:kv/app*",)),
        ("consul members", _E.READ, ("consul:members",)),
        ("consul catalog services", _E.READ, ("consul:catalog",)),
        ("consul info", _E.READ, ("consul:agent",)),
        ("consul version", _E.READ, ("shell:consul",)),
        ("consul kv put app/db x", _E.UPDATE, ("consul:kv/app/db",)),
        ("consul kv put -cas -modify-index=12 app/db x", _E.UPDATE, ("consul:kv/app/db",)),
        ("consul kv import @data.json", _E.UPDATE, ("consul:kv/*",)),
        ("consul kv import -prefix=app/ -", _E.UPDATE, ("consul:kv/app/*",)),
        ("consul kv delete app/db", _E.DELETE, ("consul:kv/app/db",)),
        ("consul kv delete -recurse app/", _E.DELETE, ("consul:kv/app/*",)),
        ("consul kv delete -recurse", _E.DELETE, ("consul:kv/*",)),
        ("consul services deregister -id=web", _E.DELETE, ("consul:service/web",)),
        ("consul services deregister web.hcl", _E.DELETE, ("consul:service/*",)),
        ("consul leave", _E.UPDATE, ("consul:agent",)),
        ("consul snapshot restore backup.snap", _E.REPLACE, ("consul:*",)),
        ("etcdctl get /app/db", _E.READ, ("etcd:/app/db",)),
        ("etcdctl get /app --prefix --keys-only", _E.READ, ("etcd:/app*",)),
        ("etcdctl -w json get --limit 5 /app", _E.READ, ("etcd:/app",)),
        ("etcdctl watch /app", _E.READ, ("etcd:/app",)),
        ("etcdctl member list", _E.READ, ("etcd:member/*",)),
        ("etcdctl endpoint health --cluster", _E.READ, ("etcd:member/*",)),
        ("etcdctl lease list", _E.READ, ("etcd:lease/*",)),
        ("etcdctl version", _E.READ, ("shell:etcdctl",)),
        ("etcdctl put /app/db x", _E.UPDATE, ("etcd:/app/db",)),
        ("etcdctl put --lease=1234 /app/db x", _E.UPDATE, ("etcd:/app/db",)),
        ("etcdctl txn", _E.UPDATE, ("etcd:*",)),
        ("etcdctl lock jobs", _E.UPDATE, ("etcd:jobs/*",)),
        ("etcdctl elect leader p1", _E.UPDATE, ("etcd:leader/*",)),
        ("etcdctl elect -l leader", _E.READ, ("etcd:leader/*",)),
        ("etcdctl compaction 1234", _E.UPDATE, ("etcd:*",)),
        ("etcdctl defrag", _E.UPDATE, ("etcd:*",)),
        ("etcdctl del /app/db", _E.DELETE, ("etcd:/app/db",)),
        ("etcdctl del /app --prefix", _E.DELETE, ("etcd:/app*",)),
        ('etcdctl del "" --prefix', _E.DELETE, ("etcd:*",)),
        ("etcdctl del /a /z", _E.DELETE, ("etcd:*",)),
        ("etcdctl del --from-key /a", _E.DELETE, ("etcd:*",)),
        ("etcdctl member remove 8e9e05c52164694d", _E.DELETE, ("etcd:member/8e9e05c52164694d",)),
        ("etcdctl user delete ci", _E.DELETE, ("etcd:user/ci",)),
        ("etcdctl role delete reader", _E.DELETE, ("etcd:role/reader",)),
        ("etcdctl snapshot restore backup.db", _E.REPLACE, ("etcd:*",)),
        ("etcdctl auth disable", _E.UPDATE, ("etcd:auth",)),
    ],
)
def test_meanings(command: str, kind: EffectKind, names: tuple[str, ...]) -> None:
    assert _meaning(command) == [(kind, names)]


@pytest.mark.parametrize(
    ("command", "env", "names"),
    [
        (
            "vault kv get secret/app",
            {"VAULT_ADDR": "https://vault.prod.example"},
            ("vault:secret/app", "vault:vault.prod.example/secret/app"),
        ),
        (
            "vault kv get -address=https://vault.prod.example:8200 secret/app",
            {"VAULT_ADDR": "https://vault.dev.example"},
            ("vault:secret/app", "vault:vault.prod.example/secret/app"),
        ),
        (
            "VAULT_ADDR=http://10.0.0.9:8200 vault kv get secret/app",
            {},
            ("vault:secret/app", "vault:10.0.0.9/secret/app"),
        ),
        (
            "bao kv get secret/app",
            {"BAO_ADDR": "https://bao.prod.example"},
            ("vault:secret/app", "vault:bao.prod.example/secret/app"),
        ),
        (
            "vault kv get secret/app",
            {"VAULT_ADDR": "https://vault.prod.example", "VAULT_NAMESPACE": "team"},
            (
                "vault:secret/app",
                "vault:team/secret/app",
                "vault:vault.prod.example/team/secret/app",
            ),
        ),
        (
            "consul kv get app/db",
            {"CONSUL_HTTP_ADDR": "consul.prod.example:8500"},
            ("consul:kv/app/db", "consul:consul.prod.example/kv/app/db"),
        ),
        (
            "consul kv get -http-addr https://consul.prod.example:8501 app/db",
            {},
            ("consul:kv/app/db", "consul:consul.prod.example/kv/app/db"),
        ),
        (
            "etcdctl --endpoints=https://e1.prod:2379,https://e2.prod:2379 get a",
            {},
            ("etcd:a", "etcd:e1.prod/a", "etcd:e2.prod/a"),
        ),
        (
            "etcdctl get a",
            {"ETCDCTL_ENDPOINTS": "10.0.0.5:2379"},
            ("etcd:a", "etcd:10.0.0.5/a"),
        ),
    ],
)
def test_the_server_adds_a_name_with_its_host(
    command: str, env: dict[str, str], names: tuple[str, ...]
) -> None:
    (effect,) = _effects(command, **env)
    assert effect.resource.names == names


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("vault kv destroy -versions=1 secret/app", "permanent"),
        ("vault kv metadata delete secret/app", "permanent"),
        ("vault kv delete secret/app", "undelete restores it"),
        ("vault secrets disable secret/", "permanent"),
        ("vault audit disable file/", "audit trail"),
        ("vault operator seal", "disruptive"),
        ("consul leave", "disruptive"),
        ("etcdctl defrag", "disruptive"),
    ],
)
def test_details_say_what_is_at_stake(command: str, words: str) -> None:
    (effect,) = _effects(command)
    assert words in effect.detail, effect.detail


def test_etcd_auth_disable_removes_protection() -> None:
    (effect,) = _effects("etcdctl auth disable")
    assert effect.removes_protection


def test_printing_the_request_sends_nothing() -> None:
    for command in ("vault kv delete -output-curl-string secret/app", "vault kv delete -h"):
        assert [e.effect for e in _effects(command)] == [_E.READ], command


def test_a_path_decided_at_run_time_makes_a_change_unknown() -> None:
    (effect,) = _effects('vault kv metadata delete "secret/$APP"')
    assert effect.effect is _E.UNKNOWN and "run time" in effect.detail
    (read,) = _effects('vault kv get "secret/$APP"')
    assert read.effect is _E.READ


def test_the_command_a_lock_runs_is_judged() -> None:
    found = _meaning("etcdctl lock jobs -- rm -rf /srv/data")
    assert found[0] == (_E.UPDATE, ("etcd:jobs/*",))
    assert (_E.DELETE, ("file:/srv/data", "file:/srv/data/*")) in found


@pytest.mark.parametrize(
    "command",
    [
        "vault",
        "vault kv",
        "vault kv get",
        "vault kv frobnicate secret/x",
        "vault operator unseal",
        "vault operator init",
        "vault operator raft snapshot restore x.snap",
        "vault operator rekey",
        "vault secrets disable",
        "vault token revoke -mode=path",
        "vault token revoke -mode=weird x",
        "vault pki issue x",
        "vault -address=",
        "consul",
        "consul kv put",
        "consul acl token delete -id x",
        "consul snapshot save b.snap",
        "etcdctl",
        "etcdctl del",
        "etcdctl member add m2 --peer-urls=http://x:2380",
        "etcdctl alarm disarm",
        "etcdctl snapshot save b.db",
    ],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    effects = _effects(command)
    assert [e.effect for e in effects] == [_E.UNKNOWN], command
    assert not [e.detail for e in effects if "could not understand" in e.detail], command


@pytest.mark.parametrize(
    "command",
    [
        "vault kv get -mount",
        "vault kv put -mount= =",
        "vault read -address=http://[ secret/x",
        "vault kv get -address=unix:///tmp/s secret/x",
        "consul kv get -http-addr",
        "consul kv delete -recurse=true",
        "etcdctl --endpoints get",
        "etcdctl lock",
        "etcdctl -w",
        "vault -- kv get -x",
    ],
)
def test_odd_input_is_still_understood_or_unknown(command: str) -> None:
    effects = _effects(command)
    assert effects, command
    assert not [e.detail for e in effects if "could not understand" in e.detail], command


PROTECTING = protecting("vault:secret/prod/*")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("vault kv metadata delete secret/prod/db", Verdict.DENY),
        ("vault kv destroy -versions=1 -mount=secret prod/db", Verdict.DENY),
        ("vault delete secret/metadata/prod/db", Verdict.DENY),  # the raw KV v2 API
        ("bao kv delete secret/prod/db", Verdict.DENY),
        ("vault kv get secret/prod/db", Verdict.ALLOW),
        ("vault kv put secret/prod/db pw=x", Verdict.ASK),
        ("vault kv metadata delete secret/staging/db", Verdict.ASK),
        # Disabling the whole mount deletes the protected secrets under it.
        ("vault secrets disable secret/", Verdict.DENY),
    ],
)
def test_under_a_policy_protecting_prod_secrets(
    command: str, expected: Verdict, judge_brief
) -> None:
    assert PROTECTING != BRIEF_POLICY
    decision = judge_brief(command, policy=PROTECTING)
    assert decision.decision is expected, (command, decision.describe())


@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        ("vault kv get secret/app", "dev", Verdict.ALLOW),
        ("vault read secret/data/app", "dev", Verdict.ALLOW),
        ("consul kv get -recurse app/", "dev", Verdict.ALLOW),
        ("etcdctl get /app --prefix", "dev", Verdict.ALLOW),
        ("etcdctl del /app/x", "dev", Verdict.ALLOW),
        ("vault kv get secret/app", "production", Verdict.ALLOW),
        ("vault secrets disable secret/", "production", Verdict.ASK),
        ("consul snapshot restore b.snap", "production", Verdict.ASK),
        ("vault operator unseal", "production", Verdict.DENY),  # not understood, in production
        ("vault operator unseal", "dev", Verdict.ASK),
    ],
)
def test_under_the_brief_policy(command: str, env: str, expected: Verdict, judge_brief) -> None:
    decision = judge_brief(command, env=env)
    assert decision.decision is expected, (command, decision.describe())
