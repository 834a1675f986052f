"""Secrets the red team found still stored or shown (findings/secrets.md), now in no record.

Each case goes through a real gate onto a real store (as in ``test_redaction_paths``) and the
secret is searched for in every field stored or shown: the audit records (each judgement's
reason included), the request (its stored decision and summary) and the answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.adversarial.conftest import assert_kept_out

from keyturn.gate import Gate
from keyturn.localfiles import LocalFiles
from keyturn.model import ActionKind
from keyturn.understand.payload import understand_payload


def _shell(line: str) -> tuple[str, dict[str, Any]]:
    return "shell", {"command": line, "cwd": "/srv/app", "home": "/home/kiro"}


def _mcp(server: str, tool: str, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "mcp", {"server": server, "tool": tool, "arguments": arguments, "cwd": "/srv/app"}


CASES: list[tuple[str, tuple[str, dict[str, Any]], str]] = [
    # 1. a judgement's reason quotes the unredacted detail
    ("reason-of-git-insteadof-with-url-password",
     _shell('git config --global url."https://user:InsteadTok001@github.com/".insteadOf '
            '"https://github.com/"'), "InsteadTok001"),
    ("reason-of-git-ext-transport-with-url-password",
     _shell("git clone 'ext::ssh -o ProxyCommand=x https://u:ExtTok0001@h/r'"), "ExtTok0001"),
    # 2. the understanding wrote <redacted> itself; summary and subject still hold the secret
    ("curl-oauth2-bearer", _shell("curl --oauth2-bearer OauthTok01 https://x.example/a"),
     "OauthTok01"),
    ("curl-cookie-data", _shell("curl -b session=CookieTok01 https://x.example/a"),
     "CookieTok01"),
    # 3. shapes
    ("curl-combined-short-options-ending-in-u",
     _shell("curl -su user:CombinedPw1 https://x.example"), "CombinedPw1"),
    ("curl-many-combined-short-options", _shell("curl -fsSLu user:CombinedPw2 https://x.example"),
     "CombinedPw2"),
    ("xh-bearer-option", _shell("xh --bearer XhBearer01 https://x.example"), "XhBearer01"),
    ("xh-bearer-attached", _shell("xh --bearer=XhBearer02 https://x.example"), "XhBearer02"),
    ("httpie-bearer-auth-type", _shell("http -A bearer -a HttpieTok1 https://x.example"),
     "HttpieTok1"),
    ("wget-authorization-header-option",
     _shell("wget --header='Authorization: token WgetTok001' https://x.example"), "WgetTok001"),
    ("psql-conninfo-blanks-around-equals", _shell('psql "host=db password = ConnPw0001"'),
     "ConnPw0001"),
    ("ini-password-written-by-echo",
     _shell('echo -e "[client]\\npassword = IniPw00001" > ~/.my.cnf'), "IniPw00001"),
    ("aws-credentials-written-by-printf",
     _shell("printf '[default]\\naws_secret_access_key = AwsKey0001\\n' >> ~/.aws/credentials"),
     "AwsKey0001"),
    ("tfvars-quoted-password", _shell("echo 'db_password = \"TfvPw00001\"' > x.auto.tfvars"),
     "TfvPw00001"),
    ("sql-dollar-quoted-password",
     _shell("psql -c \"ALTER ROLE bob PASSWORD $$SqlPw00001$$\""), "SqlPw00001"),
    ("sql-escape-string-password", _shell("psql -c \"ALTER ROLE bob PASSWORD E'SqlPw00002'\""),
     "SqlPw00002"),
    ("mysql-identified-with-plugin-by",
     _shell("mysql -e \"CREATE USER x IDENTIFIED WITH mysql_native_password BY 'SqlPw00003'\""),
     "SqlPw00003"),
    ("mysql-set-password-for", _shell("mysql -e \"SET PASSWORD FOR 'x'@'%' = 'SqlPw00004'\""),
     "SqlPw00004"),
    ("mysql-password-function", _shell("mysql -e \"SET PASSWORD = PASSWORD('SqlPw00005')\""),
     "SqlPw00005"),
    ("sqlcmd-with-password-equals",
     _shell("sqlcmd -S db -Q \"ALTER LOGIN sa WITH PASSWORD = 'SqlPw00006'\""), "SqlPw00006"),
    ("mysql-master-password",
     _shell("mysql -e \"CHANGE MASTER TO MASTER_PASSWORD = 'SqlPw00007'\""), "SqlPw00007"),
    ("redis-auth", _shell("redis-cli -h r AUTH RedisPw001"), "RedisPw001"),
    ("redis-auth-with-user", _shell("redis-cli -h r AUTH default RedisPw002"), "RedisPw002"),
    ("redis-requirepass", _shell("redis-cli -h r CONFIG SET requirepass RedisPw003"),
     "RedisPw003"),
    ("redis-acl-setuser", _shell("redis-cli -h r ACL SETUSER bob on '>RedisPw004'"),
     "RedisPw004"),
    ("mongosh-create-user-pwd",
     _shell("mongosh --eval 'db.createUser({user:\"x\",pwd:\"MongoPw001\",roles:[]})'"),
     "MongoPw001"),
    ("mongosh-change-user-password",
     _shell("mongosh --eval \"db.changeUserPassword('x','MongoPw002')\""), "MongoPw002"),
    ("url-query-key", _shell("curl 'https://api.example.com/v1?key=QueryKey001'"),
     "QueryKey001"),
    # 4. piped and here-string secrets into programs reading a password
    ("echo-into-sudo-stdin", _shell("echo SudoPw0001 | sudo -S apt-get update"), "SudoPw0001"),
    ("here-string-into-sudo-stdin", _shell("sudo -S <<< SudoPw0002 apt-get update"),
     "SudoPw0002"),
    ("echo-into-passwd-stdin", _shell("echo 'PasswdPw01' | passwd --stdin bob"), "PasswdPw01"),
    ("echo-into-chpasswd", _shell("echo 'bob:ChpassPw01' | chpasswd"), "ChpassPw01"),
    ("echo-into-gpg-passphrase-fd",
     _shell("echo GpgPw00001 | gpg --batch --passphrase-fd 0 -d f.gpg"), "GpgPw00001"),
    ("printf-into-openssl-pass-stdin",
     _shell("printf 'OsslPw0001\\n' | openssl enc -aes-256-cbc -pass stdin -in f -out g"),
     "OsslPw0001"),
    ("echo-into-gcloud-data-file",
     _shell("echo GcloudPw01 | gcloud secrets create s --data-file=-"), "GcloudPw01"),
    # MCP arguments
    ("mcp-pin-key", _mcp("bank", "pay", {"account": "a", "pin": "McpPin0001"}), "McpPin0001"),
    ("mcp-otp-key", _mcp("bank", "pay", {"account": "a", "OTP": "McpOtp0001"}), "McpOtp0001"),
    ("mcp-jwt-key", _mcp("api", "call", {"jwt": "McpJwt0001"}), "McpJwt0001"),
    ("mcp-session-id-key", _mcp("api", "call", {"session-id": "McpSess001"}), "McpSess001"),
    ("mcp-pw-key", _mcp("api", "call", {"pw": "McpPw00001"}), "McpPw00001"),
    ("mcp-plural-tokens", _mcp("api", "call", {"tokens": ["McpToks001"]}), "McpToks001"),
    ("mcp-key-val-pair", _mcp("cfg", "set", {"key": "password", "val": "McpPair001"}),
     "McpPair001"),
    ("mcp-field-value-pair", _mcp("cfg", "set", {"field": "password", "value": "McpPair002"}),
     "McpPair002"),
]  # fmt: skip


@pytest.mark.parametrize("environment", [None, "dev"])
@pytest.mark.parametrize(
    ("case", "call", "secret"), CASES, ids=[c[0] for c in CASES]
)  # fmt: skip
def test_the_secret_is_in_no_stored_or_shown_field(
    gate: Gate,
    case: str,
    call: tuple[str, dict[str, Any]],
    secret: str,
    environment: str | None,
) -> None:
    kind, payload = call
    action = understand_payload(
        ActionKind(kind),
        payload,
        environment=environment,
        mcp_mappings=gate.policy.mcp_mappings,
        files=LocalFiles(),
        env={},
        where="",
    )
    assert_kept_out(gate, action, secret, case=case)
