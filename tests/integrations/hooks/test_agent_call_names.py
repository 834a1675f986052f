"""What agents' calls are named as: Kiro's ``use_aws`` parameters as the CLI options Kiro
passes (kebab case, whatever the model wrote), and the MCP server a Cursor launch command
starts (the package, not its last argument)."""

from __future__ import annotations

from typing import Any

import pytest

from keyturn.integrations.hooks.cursor import _server_name
from keyturn.integrations.hooks.events import ToolCall, ToolCategory, action_for_call
from keyturn.integrations.hooks.kiro import PROTOCOL as KIRO
from keyturn.model import Action, EffectKind


def use_aws(tool_input: dict[str, Any]) -> Action:
    event = {
        "hook_event_name": "preToolUse",
        "cwd": "/srv/infra",
        "tool_name": "use_aws",
        "tool_input": {"region": "us-east-1", **tool_input},
    }
    return action_for_call(KIRO.read(event, home="/home/k"), env={})


@pytest.mark.parametrize(
    "name",
    [
        "db_instance_identifier",
        "DBInstanceIdentifier",
        "dbInstanceIdentifier",
        "--db-instance-identifier",
    ],
)
def test_use_aws_parameters_name_the_cli_option(name: str) -> None:
    action = use_aws(
        {
            "service_name": "rds",
            "operation_name": "delete-db-instance",
            "parameters": {name: "prod-db"},
            "profile_name": "dev",
        }
    )
    (effect,) = action.effects
    assert effect.effect is EffectKind.DELETE
    assert effect.resource.names[0] == "arn:aws:rds:us-east-1:*:db:prod-db"


def test_use_aws_parameter_profile_wins_over_profile_name() -> None:
    # Kiro passes --profile PROFILE_NAME first and the parameters after: the CLI keeps the last
    action = use_aws(
        {
            "service_name": "s3api",
            "operation_name": "delete-bucket",
            "parameters": {"bucket": "b", "profile": "prod-admin"},
            "profile_name": "dev",
        }
    )
    assert action.effects[0].target.aws_profile == "prod-admin"


def test_use_aws_two_spellings_of_one_option_are_unknown() -> None:
    action = use_aws(
        {
            "service_name": "rds",
            "operation_name": "delete-db-instance",
            "parameters": {"DBInstanceIdentifier": "dev-db", "db_instance_identifier": "prod-db"},
        }
    )
    (effect,) = action.effects
    assert effect.effect is EffectKind.UNKNOWN
    assert "both --db-instance-identifier" in effect.detail


def test_use_aws_empty_value_is_a_bare_flag() -> None:
    action = use_aws(
        {
            "service_name": "rds",
            "operation_name": "delete-db-instance",
            "parameters": {"DBInstanceIdentifier": "dev-db", "SkipFinalSnapshot": ""},
            "profile_name": "dev",
        }
    )
    assert action.effects[0].effect is EffectKind.DELETE


def kiro_event(tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "hook_event_name": "preToolUse",
        "cwd": "/srv/infra",
        "tool_name": "use_aws",
        "tool_input": tool_input,
    }


def test_kiro_snake_case_delete_of_a_protected_db_is_denied(run_hook, hook_env):
    event = kiro_event(
        {
            "service_name": "rds",
            "operation_name": "delete-db-instance",
            "parameters": {"db_instance_identifier": "prod-db"},
            "region": "eu-west-1",
            "profile_name": "dev",
        }
    )
    run = run_hook("kiro", event, hook_env)
    assert run.code == 2
    assert run.stderr.startswith("keyturn: denied") and "protected" in run.stderr


@pytest.mark.parametrize(
    ("command", "server"),
    [
        ("npx -y @modelcontextprotocol/server-filesystem /srv/github", "server-filesystem"),
        ("npx -y @acme/files", "files"),
        ("npx --registry https://r.example/github -y @acme/server-fetch@1.2.0", "server-fetch"),
        ("pnpm dlx kubernetes-mcp-server@latest", "kubernetes-mcp-server"),
        ("uvx mcp-server-git --repository /srv/github", "mcp-server-git"),
        ("uvx --python 3.12 --from mcp-server-fetch mcp-server-fetch", "mcp-server-fetch"),
        ("/opt/bin/mcp-server-postgres postgres://db/github", "mcp-server-postgres"),
        ("cmd /c npx -y @acme/files", "files"),
        ("docker run -i --rm mcp/github", "docker"),
        ("npx -y", "npx"),
        ("-y", "unknown"),
    ],
)
def test_cursor_names_the_server_by_what_it_launches(command: str, server: str) -> None:
    assert _server_name({"command": command}) == server


def test_cursor_mcp_with_an_option_for_a_command_does_not_crash(run_hook, hook_env):
    payload = {
        "conversation_id": "c-1",
        "hook_event_name": "beforeMCPExecution",
        "workspace_roots": ["/srv/infra"],
        "tool_name": "read_file",
        "tool_input": "{}",
        "command": "-y",
    }
    run = run_hook("cursor", payload, hook_env)
    assert run.code == 0 and "Traceback" not in run.stderr
    assert "mcp:unknown/read_file" in run.json["agent_message"]


def test_a_directory_argument_does_not_make_a_server_github() -> None:
    call = ToolCall(
        agent="cursor",
        tool="delete_file",
        category=ToolCategory.MCP,
        arguments={"arguments": {"owner": "a", "repo": "b", "path": "x"}},
        cwd="/srv",
        home="/home/c",
        mcp_server=_server_name(
            {"command": "npx -y @modelcontextprotocol/server-filesystem /srv/github"}
        ),
        mcp_tool="delete_file",
    )
    (effect,) = action_for_call(call, env={}).effects
    assert effect.effect is EffectKind.UNKNOWN  # the filesystem server has no delete_file
