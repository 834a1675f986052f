"""docs/integrations.md against the code: every agent in the install table is installable and
gets exactly the documented settings entry in the documented file; the numbers and lists the
guide quotes are the ones the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from keyturn.cli import mcp_proxy
from keyturn.cli.exec import DEFAULT_WAIT_SECONDS
from keyturn.integrations.credentials import _KEPT_AWS_VARIABLES, MAX_DURATION
from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.deadlines import DEFAULT_DEADLINE
from keyturn.integrations.hooks.deadlines import asked_deadline as deadline_seconds
from keyturn.integrations.hooks.install import (
    AGENT_TIMEOUT_SECONDS,
    hook_command,
    install,
    settings_path,
)

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
EXECUTABLE = "/opt/keyturn/bin/keyturn"


def _table_rows(header: str) -> list[list[str]]:
    """The cells of the table whose header row starts with ``header``."""
    start = DOC.index(header)
    rows = []
    for line in DOC[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


INSTALL_ROWS = _table_rows("| agent | `AGENT` | user scope | project scope |")


def _unquote(cell: str) -> str:
    return cell.strip("`")


def test_install_table_names_every_agent_once() -> None:
    names = [_unquote(row[1]) for row in INSTALL_ROWS]
    assert sorted(names) == sorted(AGENTS)


@pytest.mark.parametrize("row", INSTALL_ROWS, ids=lambda row: _unquote(row[1]))
def test_documented_agent_installs_the_documented_entry(row: list[str], tmp_path: Path) -> None:
    agent, user, project = (_unquote(c) for c in row[1:4])
    home, proj = tmp_path / "home", tmp_path / "project"
    user_path = settings_path(agent, scope="user", home=home, project=proj, kiro_agent="keyturn")
    project_path = settings_path(
        agent, scope="project", home=home, project=proj, kiro_agent="keyturn"
    )
    assert "~/" + str(user_path.relative_to(home)) == user
    assert str(project_path.relative_to(proj)) == project
    command = hook_command(agent, policy=None, executable=EXECUTABLE)
    assert install(agent, path=project_path, command=command)
    blocks = re.findall(rf"<!-- hook-entry {re.escape(agent)} -->\n```json\n(.*?)```", DOC, re.S)
    assert len(blocks) == 1, f"docs/integrations.md: one hook-entry block for {agent}"
    assert json.loads(project_path.read_text()) == json.loads(blocks[0])
    # Installing twice changes nothing, as the guide says.
    assert not install(agent, path=project_path, command=command)


def test_answer_table_covers_every_agent() -> None:
    rows = _table_rows("| agent | allow | deny | held for review |")
    assert sorted(_unquote(r[0]) for r in rows) == sorted(AGENTS)


def test_quoted_deadlines_and_timeouts_are_the_code_s() -> None:
    assert DEFAULT_DEADLINE == 20.0 and "own 20-second deadline" in DOC
    assert f"(default {DEFAULT_DEADLINE:g};" in DOC
    assert AGENT_TIMEOUT_SECONDS == 30 and "set to 30 seconds" in DOC
    assert deadline_seconds({"KEYTURN_HOOK_DEADLINE": "nonsense"}) == DEFAULT_DEADLINE
    assert deadline_seconds({"KEYTURN_HOOK_DEADLINE": "0"}) == DEFAULT_DEADLINE
    assert deadline_seconds({"KEYTURN_HOOK_DEADLINE": "3601"}) == DEFAULT_DEADLINE
    assert deadline_seconds({"KEYTURN_HOOK_DEADLINE": "3600"}) == 3600
    assert f"(default {DEFAULT_WAIT_SECONDS:g})" in DOC
    assert f"(at most {MAX_DURATION})" in DOC


def test_kept_aws_variables_are_listed_exactly() -> None:
    section = DOC[DOC.index("### Credentials") : DOC.index("### Terraform")]
    listed = set(re.findall(r"`(AWS_[A-Z_]+)`", section.split("- `AWS_CONFIG_FILE`")[0]))
    assert listed == set(_KEPT_AWS_VARIABLES)


def test_mcp_client_config_launches_a_valid_proxy() -> None:
    (block,) = re.findall(r"<!-- mcp-client-config -->\n```json\n(.*?)```", DOC, re.S)
    servers = json.loads(block)["mcpServers"]
    for name, server in servers.items():
        assert server["command"] == "keyturn"
        args = server["args"]
        assert args[0] == "mcp-proxy"
        options, upstream = mcp_proxy._split(args[1:])
        assert upstream, "an upstream command after --"
        assert options[options.index("--name") + 1] == name


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv/app"], "filesystem"),
        (["uvx", "mcp-server-git"], "git"),
    ],
)
def test_documented_default_server_names(command: list[str], name: str) -> None:
    assert mcp_proxy.server_name(command) == name
    assert f"`{name}`" in DOC
