"""Hostile inputs found by a second reading of the exposure and option-spelling code: each made
the understanding raise (a traceback from ``keyturn check``, a server error) or take minutes.
Each is now read -- as unknown or as an opening where it may be one -- or refused as bad input.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyturn.cli import main
from keyturn.errors import InputError
from keyturn.model import EffectKind, Target
from keyturn.server.api_input import parse_json
from keyturn.server.errors import ApiError
from keyturn.understand import MemoryFiles
from keyturn.understand.aws import understand_aws
from keyturn.understand.shell import understand_shell

POLICY = "version: 1\ndefault: allow\n"
DEEP = '{"Bucket": "b", "Key": "k", "x": ' + '{"a": ' * 700 + "1" + "}" * 700 + "}"


def test_check_aws_refuses_parameters_nested_too_deep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """700 levels passed ``json.loads`` and then overflowed the stack while the parameters
    were normalised and redacted: a traceback. Now the one-line bad-input error, exit 2."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(POLICY)
    code = main(["check", "aws", "s3", "get-object", "--policy", str(policy), "--params", DEEP])
    err = capsys.readouterr().err
    assert code == 2
    assert "nested more than 200 levels" in err and len(err.strip().splitlines()) == 1


def test_the_server_refuses_a_body_nested_too_deep() -> None:
    with pytest.raises(ApiError) as refused:
        parse_json(DEEP.encode(), what="body", code="bad_request")
    assert refused.value.status == 400


def test_aws_parameters_nested_past_the_stack_are_bad_input() -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(1500):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    with pytest.raises(InputError):
        understand_aws("s3", "GetObject", {"Bucket": "b", "Key": "k", "x": deep})


def _shell(line: str, files: dict[str, str]) -> list[tuple[str, bool]]:
    action = understand_shell(
        line, cwd="/w", home="/home/u", env={}, target=Target(environment="dev"),
        files=MemoryFiles(files),
    )  # fmt: skip
    return [(e.effect.value, e.removes_protection) for e in action.effects]


def test_a_yaml_alias_bomb_in_a_policy_file_is_not_read() -> None:
    """Seven levels of nine aliases each stand for 4.8 million values in a few hundred bytes:
    looked through one by one, that took seconds (minutes at nine levels). The file is now
    looked at up to a bound, and beyond it not told: unknown."""
    lines = ["a0: &a0 [x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 8)]
    found = _shell(
        "gcloud storage buckets set-iam-policy gs://prod-b /w/p.yaml",
        {"/w/p.yaml": "\n".join(lines) + "\n"},
    )
    assert ("unknown", False) in found


def test_a_manifest_key_that_is_a_number_is_read() -> None:
    """YAML reads ``1: x`` as a number key: the exposure reader raised on it, and the whole
    command became one unknown. The public access block switched off is read now."""
    patch = "spec: {forProvider: {1: x, blockPublicAcls: false}}"
    found = _shell(f"kubectl patch bucketpublicaccessblock prod-b --type merge -p '{patch}'", {})
    assert any(removes for _, removes in found), found


def test_a_grant_uri_that_is_a_list_is_an_opening_not_read() -> None:
    """A plan whose ACL grantee ``uri`` is a list raised ``TypeError`` (unhashable); it is now
    a grant not read, which may be to anyone."""
    from keyturn.understand.terraform import understand_terraform

    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_s3_bucket_acl.a",
                "type": "aws_s3_bucket_acl",
                "name": "a",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {
                        "bucket": "acme-archive",
                        "access_control_policy": [
                            {"grant": [{"grantee": [{"uri": ["x"]}], "permission": "READ"}]}
                        ],
                    },
                    "after_unknown": {},
                },
            }
        ],
    }
    action = understand_terraform(json.dumps(plan).encode())
    assert action.effects
    assert any(e.effect in (EffectKind.UNKNOWN, EffectKind.CREATE) for e in action.effects)


def test_a_template_principal_with_a_number_key_is_read() -> None:
    """A YAML template whose bucket policy principal has a number key (``{1: x}``) raised
    ``AttributeError``; such a principal is not read now, so the policy may let anyone in."""
    template = (
        "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n"
        "      Bucket: acme-archive\n      PolicyDocument:\n        Statement:\n"
        "          - Effect: Allow\n            Principal: {1: x}\n"
        "            Action: s3:GetObject\n"
        "            Resource: '*'\n"
    )
    action = understand_aws(
        "cloudformation", "CreateStack", {"StackName": "s", "TemplateBody": template}
    )
    assert any(e.removes_protection for e in action.effects), action.effects
