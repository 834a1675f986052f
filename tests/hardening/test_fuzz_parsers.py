"""Hostile input to every understander: only InputError, never a hang, never an allow from a
problem.

Every action that comes back is judged under three policies (BRIEF, read-only-allow and
default-allow); an ``unknown`` effect is never allowed under any of them.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyturn.errors import InputError
from keyturn.model import EffectKind, McpToolMapping, Target
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_shell
from keyturn.understand.sql import sql_effects
from keyturn.understand.terraform import understand_terraform

from ._judging import assert_fails_closed
from ._strategies import SHELL_TOKENS, SQL_TOKENS, json_values, maybe, token_text

FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

pytestmark = pytest.mark.timeout(240)


def _understood_or_refused(call: Any) -> None:
    """Run ``call``; a refusal must be a one-line InputError, a result must fail closed."""
    try:
        action = call()
    except InputError as exc:
        assert exc.exit_code == 2
        assert exc.message and "\n" not in exc.message
        return
    assert_fails_closed(action)


# -- shell -----------------------------------------------------------------------------------


@FUZZ
@given(command=token_text(SHELL_TOKENS) | st.text(max_size=200))
def test_shell_text(command: str) -> None:
    action = understand_shell(command, cwd="/home/dev/repo", home="/home/dev")
    assert_fails_closed(action)


@FUZZ
@given(
    command=token_text(SHELL_TOKENS, max_size=12),
    env=st.dictionaries(st.sampled_from(["AWS_PROFILE", "KEYTURN_ENV", "X", "HOME"]), st.text()),
    cwd=st.sampled_from(["/", "/tmp", "relative", "C:/Users/x", "/a/../.."]),
)
def test_shell_with_context(command: str, env: dict[str, str], cwd: str) -> None:
    _understood_or_refused(lambda: understand_shell(command, cwd=cwd, env=env))


# -- Terraform plans -------------------------------------------------------------------------

_ACTIONS = st.lists(
    st.sampled_from(["no-op", "create", "read", "update", "delete", "forget", "bogus"]),
    max_size=3,
)


@st.composite
def plans(draw: st.DrawFn) -> Any:
    change = {
        "actions": draw(maybe(_ACTIONS)),
        "before": draw(json_values(8)),
        "after": draw(json_values(8)),
    }
    resource = {
        "address": draw(maybe(st.sampled_from(["aws_db_instance.main", "a.b", "", "x[0]"]))),
        "mode": draw(maybe(st.sampled_from(["managed", "data"]))),
        "type": draw(maybe(st.sampled_from(["aws_db_instance", "aws_s3_bucket", "null"]))),
        "name": draw(maybe(st.text(max_size=5))),
        "change": draw(maybe(st.just(change))),
    }
    plan = {
        "format_version": draw(maybe(st.sampled_from(["1.2", "0.1", "2.0", ""]))),
        "resource_changes": draw(maybe(st.lists(maybe(st.just(resource)), max_size=3))),
    }
    extra = draw(st.dictionaries(st.text(max_size=8), json_values(5), max_size=2))
    return {**extra, **plan}


@FUZZ
@given(doc=plans())
def test_terraform_plans(doc: Any) -> None:
    _understood_or_refused(lambda: understand_terraform(json.dumps(doc)))


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200))
def test_terraform_bytes(raw: bytes | str) -> None:
    _understood_or_refused(lambda: understand_terraform(raw))


# -- Kubernetes AdmissionReviews -------------------------------------------------------------


@st.composite
def reviews(draw: st.DrawFn) -> Any:
    kind = {
        "group": draw(maybe(st.sampled_from(["", "apps", "rbac.authorization.k8s.io"]))),
        "version": "v1",
        "kind": draw(maybe(st.sampled_from(["Namespace", "Deployment", "Secret", "Zzz"]))),
    }
    request = {
        "uid": "u",
        "operation": draw(maybe(st.sampled_from(["CREATE", "UPDATE", "DELETE", "CONNECT"]))),
        "kind": draw(maybe(st.just(kind))),
        "namespace": draw(maybe(st.sampled_from(["payments", "", "default"]))),
        "name": draw(maybe(st.sampled_from(["x", "", "prod"]))),
        "object": draw(json_values(8)),
        "oldObject": draw(json_values(8)),
        "subResource": draw(maybe(st.sampled_from(["", "scale", "exec"]))),
    }
    envelope = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}
    return draw(st.sampled_from([{**envelope, "request": request}, request, {"request": None}]))


@FUZZ
@given(doc=reviews())
def test_admission_reviews(doc: Any) -> None:
    _understood_or_refused(lambda: understand_admission(json.dumps(doc)))


# -- CloudFormation change sets --------------------------------------------------------------


@st.composite
def change_sets(draw: st.DrawFn) -> Any:
    change = {
        "Action": draw(maybe(st.sampled_from(["Add", "Modify", "Remove", "Import", "Dynamic"]))),
        "LogicalResourceId": draw(maybe(st.sampled_from(["Db", "", "Bucket"]))),
        "PhysicalResourceId": draw(maybe(st.sampled_from(["prod-db", "", "arn:aws:s3:::b"]))),
        "ResourceType": draw(maybe(st.sampled_from(["AWS::RDS::DBInstance", "Custom::X", ""]))),
        "Replacement": draw(maybe(st.sampled_from(["True", "False", "Conditional"]))),
        "Details": draw(maybe(st.lists(json_values(6), max_size=2))),
    }
    item = {
        "Type": draw(maybe(st.just("Resource"))),
        "ResourceChange": draw(maybe(st.just(change))),
    }
    return {
        "StackName": draw(maybe(st.sampled_from(["payments", ""]))),
        "StackId": draw(maybe(st.just("arn:aws:cloudformation:us-east-1:1:stack/p/x"))),
        "Changes": draw(maybe(st.lists(maybe(st.just(item)), max_size=3))),
    }


@FUZZ
@given(doc=change_sets())
def test_change_sets(doc: Any) -> None:
    _understood_or_refused(lambda: understand_change_set(json.dumps(doc)))


# -- AWS calls -------------------------------------------------------------------------------

_SERVICES = ["s3", "s3api", "rds", "iam", "ec2", "secretsmanager", "secrets-manager", "dynamodb"]
_OPERATIONS = [
    "DeleteDBInstance",
    "delete-db-instance",
    "DeleteBucket",
    "PutObject",
    "ListBuckets",
    "TerminateInstances",
    "ModifyDBInstance",
    "DeleteSecret",
    "AttachRolePolicy",
    "Foo",
    "",
]


@FUZZ
@given(
    service=st.sampled_from(_SERVICES) | st.text(max_size=12),
    operation=st.sampled_from(_OPERATIONS) | st.text(max_size=20),
    params=st.none() | st.dictionaries(st.text(max_size=20), json_values(10), max_size=5),
)
def test_aws_calls(service: str, operation: str, params: dict[str, Any] | None) -> None:
    _understood_or_refused(
        lambda: understand_aws(service, operation, params, target=Target(aws_region="us-east-1"))
    )


# -- MCP tool calls --------------------------------------------------------------------------

_MAPPINGS = (
    McpToolMapping(server="db", tool="query", effect=EffectKind.UNKNOWN, sql_argument="sql"),
    McpToolMapping(server="ops", tool="run", effect=EffectKind.UNKNOWN, shell_argument="cmd"),
    McpToolMapping(
        server="files", tool="put*", effect=EffectKind.UPDATE, resources=("file:{path}",)
    ),
)
_ARG_KEYS = ["path", "source", "destination", "sql", "cmd", "edits", "content", "repo_path", ""]


@FUZZ
@given(
    server=st.sampled_from(["filesystem", "git", "github", "db", "ops", "files", "x"]),
    tool=st.sampled_from(["write_file", "move_file", "edit_file", "query", "run", "put_x", "?"]),
    arguments=st.none()
    | st.dictionaries(st.sampled_from(_ARG_KEYS) | st.text(max_size=5), json_values(6)),
    annotations=st.none() | st.dictionaries(st.sampled_from(["readOnlyHint", "x"]), json_values(2)),
)
def test_mcp_calls(
    server: str, tool: str, arguments: dict[str, Any] | None, annotations: dict[str, Any] | None
) -> None:
    _understood_or_refused(
        lambda: understand_mcp(
            server, tool, arguments, mappings=_MAPPINGS, annotations=annotations, cwd="/srv"
        )
    )


# -- SQL -------------------------------------------------------------------------------------


@FUZZ
@given(
    sql=token_text(SQL_TOKENS) | st.text(max_size=200),
    engine=st.sampled_from(["postgres", "mysql", "sqlite", "mssql", "bogus"]),
    database=st.none() | st.sampled_from(["app", "prod", ""]),
)
def test_sql(sql: str, engine: str, database: str | None) -> None:
    try:
        effects = sql_effects(sql, engine=engine, database=database, target=Target())
    except InputError as exc:
        assert "\n" not in exc.message
        return
    assert effects, "SQL text gave no effects"
    for effect in effects:
        assert effect.effect in EffectKind
