"""Secrets typed on a command line never reach a record, yet approvals stay bound to them.

Each case plants a secret in a shape agents really type and checks that the redacted text has
no trace of it, that the rest of the line is kept (a reviewer must still see what will happen),
and that ordinary commands come out untouched."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from keyturn.audit.redaction import Redactor
from keyturn.audit.secrets import secret_name

KEY = b"k" * 32
MARKER = re.compile(r"<redacted:[0-9a-f]{16}>")

# (command line, the secrets in it, words that must still be there)
SECRET_LINES = [
    ('PGPASSWORD=Hunter2x psql -h db -c "DROP TABLE users"', ["Hunter2x"], ["DROP TABLE users"]),
    ('mysql -uroot -pS3cretPw -e "drop database x"', ["S3cretPw"], ["-uroot", "drop database x"]),
    ("mysql -h prod --password=S3cretPw -e 'DROP DATABASE app'", ["S3cretPw"], ["--password="]),
    ("mariadb-dump --password S3cretPw app", ["S3cretPw"], ["--password", "app"]),
    ('psql "postgresql://admin:Sup3rPw@prod-db:5432/app" -c "DROP TABLE t"', ["Sup3rPw"],
     ["admin:", "@prod-db:5432/app"]),
    ('curl -H "Authorization: Bearer abcDEF123456789" -X DELETE https://api.x/r',
     ["abcDEF123456789"], ["Authorization: Bearer ", "-X DELETE https://api.x/r"]),
    ("curl -H 'X-Api-Key: KeyValue123456' https://api.x/r", ["KeyValue123456"], ["X-Api-Key"]),
    ("curl -u admin:AdminPw99 https://x/a; curl --user=root:RootPw99 https://y",
     ["AdminPw99", "RootPw99"], ["admin:", "root:"]),
    ('curl -X DELETE "https://u:UrlPw1234@api.x.com/v1/items/1?api_key=QueryKey1&x=2"',
     ["UrlPw1234", "QueryKey1"], ["x=2", "api.x.com/v1/items/1"]),
    ("aws configure set aws_secret_access_key wJalrXUtnFEMIK7MDENG", ["wJalrXUtnFEMIK7MDENG"],
     ["aws_secret_access_key"]),
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr aws s3 rb s3://b",
     ["wJalrXUtnFEMIK7MDENG", "FwoGZXIvYXdzEJr"], ["aws s3 rb s3://b"]),
    ("aws secretsmanager put-secret-value --secret-id prod/db --secret-string 'v3ry s3cret'",
     ["v3ry s3cret"], ["--secret-id prod/db"]),
    ("aws rds modify-db-instance --db-instance-identifier prod --master-user-password MasterPw1",
     ["MasterPw1"], ["--db-instance-identifier prod"]),
    ("kubectl create secret generic db --from-literal=password=LitPw123 --from-literal=h=dbhost1",
     ["LitPw123", "dbhost1"], ["generic db"]),
    ("echo PipedPw123 | docker login -u me --password-stdin reg.io", ["PipedPw123"],
     ["--password-stdin reg.io"]),
    ("docker login -u me -p LoginPw123 reg.io", ["LoginPw123"], ["reg.io"]),
    ("ssh -p 2222 ci docker login -pLoginPw123 reg.io", ["LoginPw123"], ["reg.io"]),
    ("vault kv put secret/app password=VaultPw1 api=VaultApi2", ["VaultPw1", "VaultApi2"],
     ["secret/app"]),
    ("export GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz; gh repo delete o/r --yes",
     ["ghp_0123456789abcdefghijklmnopqrstuvwxyz"], ["gh repo delete o/r --yes"]),
    ("git remote set-url origin https://x:ghs_0123456789abcdefghijklmnopqrstuvwxyz@github.com/o/r",
     ["ghs_0123456789abcdefghijklmnopqrstuvwxyz"], ["github.com/o/r"]),
    ("gh secret set DB_PASS --body GhBody123 -R o/r", ["GhBody123"], ["-R o/r"]),
    ("psql -c \"ALTER USER bob WITH PASSWORD 'NewPw1234'\"", ["NewPw1234"], ["ALTER USER bob"]),
    ("mysql -e \"CREATE USER 'a'@'%' IDENTIFIED BY 'IdPw1234'\"", ["IdPw1234"], ["CREATE USER"]),
    ("sshpass -p SshPw123 ssh host rm -rf /srv; redis-cli -a RedisPw1 FLUSHALL",
     ["SshPw123", "RedisPw1"], ["rm -rf /srv", "FLUSHALL"]),
    ("mc alias set prod https://minio AKIAEXAMPLE McSecret123", ["McSecret123"], ["AKIAEXAMPLE"]),
    ("KEYTURN_TOKEN=kt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 keyturn requests",
     ["kt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"], ["keyturn requests"]),
    ("curl -H 'Authorization: token xoxb-1234567890-abcdefghij' https://slack.com/api/x",
     ["xoxb-1234567890-abcdefghij"], ["https://slack.com/api/x"]),
    ("STRIPE_KEY=sk_live_0123456789abcdefABCD node x.js", ["sk_live_0123456789abcdefABCD"], []),
    ("az login -u me@x.com -p AzPw12345", ["AzPw12345"], ["me@x.com"]),
    ("fly secrets set DB_URL=FlyVal123 API=FlyVal456 -a prod-app", ["FlyVal123", "FlyVal456"],
     ["DB_URL=", "API=", "-a prod-app"]),
    ("heroku config:set STRIPE=HkVal1234 -a prod", ["HkVal1234"], ["STRIPE=", "-a prod"]),
    ("railway variables --set TOKEN=RwVal123 --set=B=RwVal456", ["RwVal123", "RwVal456"],
     ["--set TOKEN=", "--set=B="]),
    ("railway variable set K=RwVal789 -s api", ["RwVal789"], ["K=", "-s api"]),
    ("netlify env:set API_KEY NlVal1234 --context production", ["NlVal1234"],
     ["API_KEY", "--context production"]),
    ("glab variable set TOKEN GlVal1234 -R acme/x", ["GlVal1234"], ["TOKEN", "-R acme/x"]),
    ("glab variable set TOKEN -v GlVal5678", ["GlVal5678"], ["TOKEN -v"]),
    ("echo WrVal1234 | wrangler secret put API_KEY", ["WrVal1234"], ["wrangler secret put"]),
    ("printf VcVal1234 | vercel env add API production", ["VcVal1234"], ["vercel env add API"]),
    ("cqlsh -u cassandra -p CqPw12345 prod-db", ["CqPw12345"], ["-u cassandra", "prod-db"]),
    ("rabbitmqadmin -u admin -p RmqPw1234 list queues", ["RmqPw1234"], ["list queues"]),
    ("influx bucket list -t InfluxTok12345", ["InfluxTok12345"], ["bucket list"]),
]  # fmt: skip

# Ordinary commands: nothing in them is a secret, so they must come out as they went in.
PLAIN_LINES = [
    "rm -rf ./scratch",
    "ssh -p2222 bastion login",  # ssh's port, and a remote command named login
    "ssh -p 2222 bastion login",
    "cd /srv && PWD=/tmp ls -la; mkdir -p /tmp/x",
    'kubectl patch deploy web -p \'{"spec":{"replicas":0}}\'',
    "aws secretsmanager delete-secret --secret-id prod/db --force-delete-without-recovery",
    "aws s3api list-objects-v2 --bucket b --starting-token abc123",
    "docker login -u me --password-stdin reg.io",
    "terraform apply -auto-approve -var region=eu-west-1",
    "kubectl get secret db -o yaml",
    "git push --force origin main",
    "curl https://example.com/path?page=2",
    "mysql -p -e 'select 1'",
    "ssh -i ~/.ssh/id_ed25519 host uptime",
    "gh pr merge 12 --admin",
    "heroku ps:scale web=0 -a prod",
    "glab variable list -R acme/x",
    "fly secrets list -a prod-app",
    "railway run -- env FOO=bar ls",
    "echo hello | wrangler deploy",
]


@pytest.fixture()
def redactor() -> Redactor:
    return Redactor(KEY)


@pytest.mark.parametrize(("line", "secrets", "kept"), SECRET_LINES, ids=lambda v: str(v)[:40])
def test_secrets_are_replaced_and_the_rest_kept(
    redactor: Redactor, line: str, secrets: list[str], kept: list[str]
) -> None:
    found: list[str] = []
    out = redactor.text(line, found)
    for secret in secrets:
        assert secret not in out, out
        assert redactor.marker(secret) in out, out
    for word in kept:
        assert word in out, out
    assert found, "a redaction must say what it found"
    assert redactor.text(out, []) == out, "redacting twice changes nothing"


@pytest.mark.parametrize("line", PLAIN_LINES)
def test_ordinary_commands_are_untouched(redactor: Redactor, line: str) -> None:
    found: list[str] = []
    assert redactor.text(line, found) == line
    assert found == []


def test_words_of_a_command_are_redacted_like_its_text(redactor: Redactor) -> None:
    found: list[str] = []
    words = ["mysql", "-pS3cretPw", "--password", "Other Pw", "-e", "DROP DATABASE x"]
    out = redactor.words(words, found)
    assert out == [
        "mysql",
        "-p" + redactor.marker("S3cretPw"),
        "--password",
        redactor.marker("Other Pw"),
        "-e",
        "DROP DATABASE x",
    ]


def test_json_values_under_secret_keys_are_replaced_whole(redactor: Redactor) -> None:
    params = {
        "DBInstanceIdentifier": "prod-db",
        "MasterUserPassword": "MasterPw1",
        "ManageMasterUserPassword": True,
        "Credentials": {"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "wJalrXUtn"},
        "NextToken": "page-2",
        "Tags": [{"Key": "team", "Value": "payments"}],
        "connection": "postgresql://app:DsnPw123@db/app",
    }
    out = redactor.json(params, [])
    assert out["DBInstanceIdentifier"] == "prod-db"
    assert out["MasterUserPassword"] == redactor.marker("MasterPw1")
    assert out["ManageMasterUserPassword"] is True
    assert out["Credentials"] == {
        "AccessKeyId": "AKIAEXAMPLE",
        "SecretAccessKey": redactor.marker("wJalrXUtn"),
    }
    assert out["NextToken"] == "page-2"
    assert out["Tags"] == params["Tags"]
    assert out["connection"] == f"postgresql://app:{redactor.marker('DsnPw123')}@db/app"


def test_a_pipeline_into_a_password_reader_in_a_shell_subject(redactor: Redactor) -> None:
    subject = [
        {"argv": ["echo", "PipedPw123"], "assignments": {}},
        {"argv": ["docker", "login", "--password-stdin"], "assignments": {"DB_PASSWORD": "x1"}},
    ]
    out = redactor.json(subject, [])
    assert out[0]["argv"] == ["echo", redactor.marker("PipedPw123")]
    assert out[1]["assignments"] == {"DB_PASSWORD": redactor.marker("x1")}
    assert out[1]["argv"] == subject[1]["argv"]


def test_a_pipeline_into_a_secret_setter_in_a_shell_subject(redactor: Redactor) -> None:
    subject = [
        {"argv": ["echo", "WrVal1234"], "assignments": {}},
        {"argv": ["wrangler", "secret", "put", "API_KEY"], "assignments": {}},
    ]
    out = redactor.json(subject, [])
    assert out[0]["argv"] == ["echo", redactor.marker("WrVal1234")]
    assert out[1]["argv"] == subject[1]["argv"]
    deploy = [subject[0], {"argv": ["wrangler", "deploy"], "assignments": {}}]
    assert redactor.json(deploy, [])[0]["argv"] == ["echo", "WrVal1234"]


def test_fingerprints_are_keyed() -> None:
    """Equal secrets, equal markers under one install's key; another key, another marker: a
    copy of the records gives no way to test guessed passwords without the key."""
    one, same, other = Redactor(KEY), Redactor(KEY), Redactor(b"x" * 32)
    assert one.marker("hunter2") == same.marker("hunter2")
    assert one.marker("hunter2") != other.marker("hunter2")
    assert one.marker("hunter2") != one.marker("hunter3")


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("PGPASSWORD", True),
        ("MYSQL_PWD", True),
        ("PWD", False),
        ("OLDPWD", False),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("AWS_ACCESS_KEY_ID", False),
        ("MasterUserPassword", True),
        ("ManageMasterUserPassword", True),
        ("secret-id", False),
        ("SecretArn", False),
        ("password-stdin", False),
        ("token-file", False),
        ("NextToken", False),
        ("_authToken", True),
        ("api_key", True),
        ("x-api-key", True),
        ("auth-mode", False),
        ("sse-c-key", True),
        ("region", False),
        ("bypass", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert secret_name(name) is secret


def test_a_long_text_is_searched_in_linear_time(redactor: Redactor) -> None:
    """A file's content given to a tool: searched by the in-word shapes, a blank ends a value."""
    text = ("x " * 5000) + "DB_PASSWORD=LongPw123 next words " + ("y " * 5000)
    out = redactor.text(text, [])
    assert "LongPw123" not in out
    assert f"DB_PASSWORD={redactor.marker('LongPw123')} next words" in out


_SECRET = st.text(alphabet="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=10)
# Lines whose secret is found by where it stands (a token found by its own shape would not be
# found once replaced by random text).
_TEMPLATES = [
    line
    for line, secrets, _ in SECRET_LINES
    if len(secrets) == 1 and not re.match(r"gh[ps]_|kt_|xox|sk_", secrets[0])
]


@settings(max_examples=300, deadline=None)
@given(template=st.sampled_from(_TEMPLATES), secret=_SECRET)
def test_any_secret_in_a_known_shape_is_gone(template: str, secret: str) -> None:
    line_secrets = dict((line, s[0]) for line, s, _ in SECRET_LINES)
    # A secret that is also a word of the line around it ("identifier" in
    # --db-instance-identifier) is replaced where it is the value, not inside the option's name.
    assume(secret not in template)
    line = template.replace(line_secrets[template], secret)
    out = Redactor(KEY).text(line, [])
    assert secret not in out
    assert MARKER.search(out)


@settings(max_examples=500, deadline=None)
@given(value=st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
))  # fmt: skip
def test_redaction_is_total_and_idempotent(value: object) -> None:
    """Any JSON value: no exception, and a second pass finds nothing more."""
    redactor = Redactor(KEY)
    once = redactor.json(value, [])
    found: list[str] = []
    assert redactor.json(once, found) == once
    assert found == []


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=200))
def test_text_redaction_is_total_and_idempotent(text: str) -> None:
    redactor = Redactor(KEY)
    once = redactor.text(text, [])
    assert redactor.text(once, []) == once


@pytest.mark.parametrize(
    "line",
    [
        "curl -u ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa https://x",  # a marker holds a colon
        "curl -u admin:pw12345 https://x",
        "PGPASSWORD=x psql; echo hunter2 | docker login --password-stdin",
    ],
)
def test_a_marker_is_never_redacted_again(redactor: Redactor, line: str) -> None:
    once = redactor.text(line, [])
    found: list[str] = []
    assert redactor.text(once, found) == once
    assert found == []
    assert redactor.json({"Pass": once, "password": once}, []) == redactor.json(
        redactor.json({"Pass": once, "password": once}, []), []
    )
