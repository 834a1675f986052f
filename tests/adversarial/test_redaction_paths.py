"""A secret an agent hands keyturn reaches no record, whatever path it takes.

Each case puts a secret where agents really put one -- on a command line, in a here-string, in
an AWS call's parameters, an MCP tool's arguments, a Kubernetes Secret under admission -- runs
it through the gate onto a real store, and then looks for the secret in everything recorded: the
audit records, the request (its stored decision and summary) and the answer. The verdict must be
the one the unredacted action gets.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.adversarial.conftest import everything_recorded

from keyturn.audit.redaction import Redactor
from keyturn.gate import Gate
from keyturn.localfiles import LocalFiles
from keyturn.model import ActionKind, Actor
from keyturn.understand.payload import understand_payload

KIRO = Actor(agent="kiro", operator="bob", session="s1")
TOKEN = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"  # a classic 40-hex GitHub token's shape


def _shell(line: str) -> tuple[str, dict[str, Any]]:
    return "shell", {"command": line, "cwd": "/srv/app", "home": "/home/kiro"}


def _aws(service: str, operation: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "aws", {"service": service, "operation": operation, "params": params}


def _mcp(server: str, tool: str, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "mcp", {"server": server, "tool": tool, "arguments": arguments, "cwd": "/srv/app"}


def _admission(obj: dict[str, Any], operation: str = "CREATE") -> tuple[str, dict[str, Any]]:
    kind = obj["kind"]
    review = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "u-1",
            "kind": {"group": "", "version": "v1", "kind": kind},
            "resource": {"group": "", "version": "v1", "resource": kind.lower() + "s"},
            "name": obj["metadata"]["name"],
            "namespace": "payments",
            "operation": operation,
            "userInfo": {"username": "system:serviceaccount:agents:kiro"},
            "object": obj,
            "oldObject": obj if operation == "UPDATE" else None,
            "dryRun": False,
        },
    }
    return "k8s", {"document": json.dumps(review).encode(), "source": "review.json"}


_MANIFEST = (
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ndata:\n"
    '  tls.key: QUJDREVGR0hJSktMTU5PUA==\n  config.json: |\n    {{"auths": "{s}"}}\n'
)
_APPLIED = json.dumps({"apiVersion": "v1", "kind": "Secret", "stringData": {"cert": "K8sApplied1"}})
_SECRET_OBJECT = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "db", "annotations": {
        "kubectl.kubernetes.io/last-applied-configuration": _APPLIED}},
    "data": {"tls.key": "SzhzRGF0YVZhbHVl"},
    "stringData": {"cert": "K8sStringData1"},
}  # fmt: skip
_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"containers": [{"name": "c", "image": "x", "env": [
        {"name": "DB_PASSWORD", "value": "PodEnvPw123"}]}]},
}  # fmt: skip

_APPLIED_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "api", "annotations": {
        "kubectl.kubernetes.io/last-applied-configuration": json.dumps({**_POD, "spec": {
            "containers": [{"name": "c", "env": [{"name": "API_TOKEN", "value": "PodApplied12"}]}]
        }})}},
    "spec": {"containers": [{"name": "c", "image": "x"}]},
}  # fmt: skip

# (id, (kind, payload), the secrets that must not be recorded)
CASES: list[tuple[str, tuple[str, dict[str, Any]], tuple[str, ...]]] = [
    ("R-piped-password-in-the-echo-effect",
     _shell("echo Tok3nTok3nXYZ | docker login --password-stdin -u me reg.io"), ("Tok3nTok3nXYZ",)),
    ("R-sshpass-password-in-the-resource-name",
     _shell("sshpass -p Pw9Pw9Pw9 ssh prod-host uptime"), ("Pw9Pw9Pw9",)),
    ("R-here-string-into-password-stdin",
     _shell("docker login -u me --password-stdin reg.io <<< 'HereStr1ng99'"), ("HereStr1ng99",)),
    ("R-here-string-into-gh-with-token",
     _shell("gh auth login --with-token <<< GhTok3nValue1"), ("GhTok3nValue1",)),
    ("R-echo-piped-into-gh-with-token",
     _shell("echo GhTok3nValue2 | gh auth login --with-token"), ("GhTok3nValue2",)),
    ("R-docker-login-password-attached", _shell("docker login -u me -pAtt4chedPw reg.io"),
     ("Att4chedPw",)),
    ("R-sshpass-password-attached", _shell("sshpass -pAtt4chedPw2 ssh host"), ("Att4chedPw2",)),
    ("R-curl-user-password-attached", _shell("curl -uadmin:CurlPw9876 https://x.example"),
     ("CurlPw9876",)),
    ("R-curl-cookie-header",
     _shell("curl -H 'Cookie: session=C00kieValue1' https://api.example.com"), ("C00kieValue1",)),
    ("R-curl-json-body-password",
     _shell('curl -X POST -d \'{"user":"bob","password":"JsonPw12345"}\' https://x.example/login'),
     ("JsonPw12345",)),
    ("R-git-clone-token-as-user-name",
     _shell(f"git clone https://{TOKEN}@github.com/acme/app"), (TOKEN,)),
    ("R-slack-webhook-url",
     _shell("curl -d x https://hooks.slack.com/services/T0AAAA/B0BBBB/SlackHookSecret12"),
     ("SlackHookSecret12",)),
    ("R-ssm-securestring-value-on-the-command-line",
     _shell("aws ssm put-parameter --name /prod/db --type SecureString --value SsmPw12345"),
     ("SsmPw12345",)),
    ("R-ssm-securestring-in-cli-input-json",
     _shell("aws ssm put-parameter --cli-input-json "
            "'{\"Name\":\"/prod/db\",\"Value\":\"SsmJs0nPw1\",\"Type\":\"SecureString\"}'"),
     ("SsmJs0nPw1",)),
    ("R-htpasswd-batch-password", _shell("htpasswd -b .htpasswd admin HtPw12345"), ("HtPw12345",)),
    ("R-vault-login-token", _shell("vault login hvs.VaultTok3n123"), ("hvs.VaultTok3n123",)),
    ("R-npm-auth-token-set",
     _shell("npm config set //registry.npmjs.org/:_authToken NpmTok3n12345"), ("NpmTok3n12345",)),
    ("R-openssl-pass-option",
     _shell("openssl enc -aes-256-cbc -pass pass:OsslPw12345 -in f -out f.enc"), ("OsslPw12345",)),
    ("R-openssl-k-option", _shell("openssl enc -aes-256-cbc -k OsslPw67890 -in f"),
     ("OsslPw67890",)),
    ("R-zip-password", _shell("zip -P ZipPw12345 out.zip f"), ("ZipPw12345",)),
    ("R-7z-password-attached", _shell("7z a -pSevenPw123 out.7z f"), ("SevenPw123",)),
    ("R-rabbitmqctl-add-user", _shell("rabbitmqctl add_user admin RmqCtlPw123"), ("RmqCtlPw123",)),
    ("R-ldapsearch-bind-password", _shell("ldapsearch -x -D cn=admin -w LdapPw12345 -b dc=x"),
     ("LdapPw12345",)),
    ("R-smbclient-user-percent-password", _shell("smbclient //host/share -U user%SmbPw12345"),
     ("SmbPw12345",)),
    ("R-ssh-keygen-new-passphrase", _shell("ssh-keygen -t ed25519 -N KeygenPw123 -f k"),
     ("KeygenPw123",)),
    ("R-doctl-access-token", _shell("doctl auth init -t DoTok3n12345"), ("DoTok3n12345",)),
    ("R-kubernetes-secret-manifest-in-a-here-document",
     _shell("kubectl apply -f - <<EOF\n" + _MANIFEST.format(s="HereDocAuth1") + "EOF"),
     ("QUJDREVGR0hJSktMTU5PUA==", "HereDocAuth1")),
    ("R-yaml-password-written-by-a-here-document",
     _shell("cat > app.yaml <<'EOF'\ndb:\n  password: Hunt3rHunt3r\nEOF"), ("Hunt3rHunt3r",)),
    ("R-aws-ssm-securestring-parameter",
     _aws("ssm", "put-parameter",
          {"Name": "/prod/db", "Type": "SecureString", "Value": "SsmV4lue1"}),
     ("SsmV4lue1",)),
    ("R-aws-cloudformation-secret-parameter",
     _aws("cloudformation", "update-stack", {"StackName": "prod", "Parameters": [
         {"ParameterKey": "DBPassword", "ParameterValue": "CfnPw12345"}]}), ("CfnPw12345",)),
    ("R-aws-ecs-environment-name-value-pair",
     _aws("ecs", "register-task-definition", {"family": "web", "containerDefinitions": [
         {"name": "c", "environment": [{"name": "DB_PASSWORD", "value": "EcsPw12345"}]}]}),
     ("EcsPw12345",)),
    ("R-aws-s3-sse-customer-key",
     _aws("s3api", "put-object", {"Bucket": "b", "Key": "k", "SSECustomerKey": "SseCKey12345"}),
     ("SseCKey12345",)),
    ("R-aws-kms-plaintext", _aws("kms", "encrypt", {"KeyId": "k", "Plaintext": "KmsPlain123"}),
     ("KmsPlain123",)),
    ("R-mcp-name-value-setting",
     _mcp("settings", "set_env", {"name": "DB_PASSWORD", "value": "McpEnvPw123"}),
     ("McpEnvPw123",)),
    ("R-mcp-cookie-header",
     _mcp("http", "fetch", {"url": "https://x.example", "headers": {"Cookie": "sid=McpC00kie1"}}),
     ("McpC00kie1",)),
    ("R-mcp-kubernetes-secret-manifest",
     _mcp("kubernetes", "kubectl_apply", {"manifest": _MANIFEST.format(s="McpDocAuth1")}),
     ("QUJDREVGR0hJSktMTU5PUA==", "McpDocAuth1")),
    ("R-admission-secret-data-any-key-and-last-applied", _admission(_SECRET_OBJECT),
     ("SzhzRGF0YVZhbHVl", "K8sStringData1", "K8sApplied1")),
    ("R-admission-secret-update", _admission(_SECRET_OBJECT, "UPDATE"),
     ("SzhzRGF0YVZhbHVl", "K8sStringData1", "K8sApplied1")),
    ("R-admission-pod-environment-pair", _admission(_POD), ("PodEnvPw123",)),
    ("R-admission-pod-environment-in-last-applied", _admission(_APPLIED_POD), ("PodApplied12",)),
]  # fmt: skip

# Ordinary lines that look a little like the shapes above: recorded as typed.
PLAIN = [
    "ssh -p 2222 prod-host uptime",
    "zip -r out.zip dir",
    "7z a -p out.7z f",
    "openssl enc -d -aes-256-cbc -in f -pass env:PW",
    "htpasswd -c .htpasswd bob",
    "vault login -method=oidc",
    "npm config set registry https://registry.example.com",
    "aws ssm put-parameter --name /x --type String --value hello",
    "git clone https://x-access-token@github.com/acme/app",
    "curl --cookie-jar jar.txt https://x.example",
    "cat <<EOF > values.yaml\nreplicas: 3\nimage: web\nEOF",
]


@pytest.mark.parametrize(
    ("case", "call", "secrets"), CASES, ids=[c[0] for c in CASES]
)  # fmt: skip
def test_a_secret_reaches_no_record(
    gate: Gate, case: str, call: tuple[str, dict[str, Any]], secrets: tuple[str, ...]
) -> None:
    kind, payload = call
    action = understand_payload(
        ActionKind(kind),
        payload,
        environment=None,
        mcp_mappings=gate.policy.mcp_mappings,
        files=LocalFiles(),
        env={},
        where="",
    )
    unredacted = gate.policy.judge(action, actor=KIRO)
    outcome = gate.submit(action, actor=KIRO)
    assert outcome.decision.decision is unredacted.decision
    answered = json.dumps(outcome.decision.to_json()) + outcome.message
    recorded = everything_recorded(gate) + answered
    for secret in secrets:
        assert secret not in recorded, f"{case}: {secret!r} was recorded"
    record = next(
        r.parsed() for r in gate.store.audit_records() if r.parsed()["kind"] == "decision"
    )
    assert record["data"]["redacted"], "the record lists what it redacted"


@pytest.mark.parametrize("line", PLAIN)
def test_ordinary_lines_are_recorded_as_typed(line: str) -> None:
    found: list[str] = []
    assert Redactor(b"k" * 32).text(line, found) == line
    assert found == []


def test_a_short_password_is_not_hunted_through_the_other_effects(gate: Gate) -> None:
    # ``mysql -proot`` is redacted where it stands; ``/root`` elsewhere on the line stays.
    payload = _shell("mysql -proot -e 'select 1'; ls /root")[1]
    action = understand_payload(
        ActionKind.SHELL, payload, environment=None, mcp_mappings=(), files=LocalFiles(), env={}
    )
    redacted, found = gate.redactor.action(action)
    assert found == ("password option",)
    assert "-proot" not in redacted.summary and redacted.summary.endswith("; ls /root")
    names = [n for e in redacted.effects for n in e.resource.names]
    assert "file:/root" in names, names


# A megabyte an agent hands a tool (a file's content, a hex dump) with a secret's trigger word:
# each shape once scanned the rest of a run from every position of it.
HOSTILE_TEXTS = [
    pytest.param("token " + "0123456789abcdef" * (1 << 16), id="R-dos-url-scheme-over-a-hex-run"),
    pytest.param("token " + "a-" * (1 << 19), id="R-dos-assignment-name-over-a-dashed-run"),
    pytest.param("password: b" + " " * (1 << 20) + "c", id="R-dos-header-value-over-blanks"),
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_a_megabyte_of_hostile_text_is_redacted_in_bounded_time(text: str) -> None:
    redactor = Redactor(b"k" * 32)
    out = redactor.text(text, [])
    assert redactor.text(out, []) == out
