"""Agent tool calls that came out looser than the same change made another way (agent
hooks, MCP): a Kiro ``use_aws`` whose instance or profile is among its ``positional_args``; a
``.claude`` directory (or the project itself) put in place whole; a Gemini shell call with two
working directories; Kiro's and Codex's own expansion of ``~``, ``$HOME`` and links in paths; a
patch climbing out of a link; an MCP ``move_file`` of a directory; an MCP ``edit_file`` matched
by the server's whitespace-flexible fallback; MCP git tools that run planted hooks.

Each call is read by the agent's protocol module, understood with the files on disk
(``LocalFiles`` over ``tmp_path``) and judged under the BRIEF policy, in ``dev`` where nothing
tells the environment (so only what is protected or keyturn's own is refused), with
``<tmp>/keep`` protected.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Actor, EffectKind
from keyturn.policy import Policy, load_policy

ALLOW, ASK, DENY = "allow", "ask", "deny"
EVENTS = {
    "claude-code": "PreToolUse",
    "codex": "PreToolUse",
    "gemini": "BeforeTool",
    "kiro": "preToolUse",
}
MAIN_TF = (
    'resource "aws_db_instance" "main" {\n'
    '  engine = "postgres"\n'
    "  lifecycle {\n"
    "    prevent_destroy = true\n"
    "  }\n"
    "}\n"
)


class World:
    """A home with a project in ``tmp_path``, a protected ``keep`` folder beside them and a
    link ``project/klink -> keep``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.project = self.home / "project"
        self.keep = root / "keep"
        self.project.mkdir(parents=True)
        self.keep.mkdir()
        (self.keep / "db").write_text("data")
        (self.project / "klink").symlink_to(self.keep)
        text = BRIEF_POLICY.replace(
            "unknown_environment: production", "unknown_environment: dev"
        ).replace(
            '  - "aws_db_instance.main"\n',
            f'  - "aws_db_instance.main"\n  - "file:{self.keep}"\n  - "file:{self.keep}/**"\n',
        )
        assert f"file:{self.keep}/**" in text and "unknown_environment: dev" in text
        self.policy: Policy = load_policy(text)

    def action(
        self, agent: str, tool: str, tool_input: dict[str, Any], *, cwd: Path | None = None
    ) -> Action:
        event = {
            "session_id": "s-gaps",
            "cwd": str(cwd or self.project),
            "hook_event_name": EVENTS[agent],
            "tool_name": tool,
            "tool_input": tool_input,
        }
        call = importlib.import_module(AGENTS[agent]).PROTOCOL.read(event, home=str(self.home))
        return action_for_call(call, env={"HOME": str(self.home)}, files=LocalFiles())

    def judge(
        self, agent: str, tool: str, tool_input: dict[str, Any], *, cwd: Path | None = None
    ) -> str:
        action = self.action(agent, tool, tool_input, cwd=cwd)
        return self.policy.judge(action, actor=Actor(agent=agent, operator="olivia")).decision.value


@pytest.fixture()
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def names(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


def kinds(action: Action) -> set[EffectKind]:
    return {e.effect for e in action.effects}


# -- 1. Kiro use_aws: positional_args are words of the aws command line ----------------------


def _use_aws(positional: list[str], parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "service_name": "rds",
        "operation_name": "delete-db-instance",
        "positional_args": positional,
        "parameters": parameters,
        "region": "us-east-1",
        "label": "x",
    }


def test_kiro_use_aws_instance_among_positional_args_is_the_protected_one(world: World) -> None:
    tool_input = _use_aws(["--db-instance-identifier", "prod-main"], {"skip-final-snapshot": ""})
    action = world.action("kiro", "use_aws", tool_input)
    assert "arn:aws:rds:us-east-1:*:db:prod-main" in names(action)
    assert world.judge("kiro", "use_aws", tool_input) == DENY


def test_kiro_use_aws_profile_among_positional_args_is_the_production_account(
    world: World,
) -> None:
    params = {"db-instance-identifier": "app-db", "skip-final-snapshot": ""}
    assert world.judge("kiro", "use_aws", _use_aws([], params)) == ALLOW
    assert world.judge("kiro", "use_aws", _use_aws(["--profile", "prod-admin"], params)) == ASK


def test_kiro_use_aws_positional_args_that_are_not_words_are_unknown(world: World) -> None:
    action = world.action("kiro", "use_aws", _use_aws([["--profile"], "x"], {}))  # type: ignore[list-item]
    assert kinds(action) == {EffectKind.UNKNOWN}


# -- 2. A .claude directory, or the project, put in place whole ------------------------------


@pytest.mark.parametrize("command", ["mv cfg .claude", "ln -s cfg .claude", "mv cfg x/.claude"])
def test_a_claude_directory_moved_or_linked_into_place_is_refused(
    world: World, command: str
) -> None:
    (world.project / "cfg").mkdir()
    (world.project / "cfg" / "settings.local.json").write_text('{"disableAllHooks": true}')
    (world.project / "x").mkdir()
    assert world.judge("claude-code", "Bash", {"command": command}) == DENY


def test_a_claude_directory_moved_into_place_by_mcp_move_file_is_refused(world: World) -> None:
    (world.project / "cfg").mkdir()
    args = {"source": str(world.project / "cfg"), "destination": str(world.project / ".claude")}
    assert world.judge("claude-code", "mcp__filesystem__move_file", args) == DENY


def test_the_project_directory_put_in_place_whole_is_refused(world: World) -> None:
    # The old project moved away first: a new one under its name brings its own settings.
    evil, gone = world.root / "evil", world.root / "gone"
    evil.mkdir()
    args = {"source": str(evil), "destination": str(gone)}
    assert world.judge("claude-code", "mcp__filesystem__move_file", args, cwd=gone) == DENY
    line = f"ln -s {evil} {gone}"
    assert world.judge("claude-code", "Bash", {"command": line}, cwd=gone) == DENY


def test_folders_inside_claude_and_elsewhere_may_still_be_made(world: World) -> None:
    for command in ("mkdir -p .claude/commands", "mv cfg cfg2", "mkdir -p build/out"):
        assert world.judge("claude-code", "Bash", {"command": command}) == ALLOW, command


# -- 3. Gemini run_shell_command: dir_path and directory --------------------------------------


def test_gemini_shell_with_two_different_working_directories_is_unknown(world: World) -> None:
    args = {"command": "rm -rf db", "directory": str(world.project), "dir_path": str(world.keep)}
    action = world.action("gemini", "run_shell_command", args)
    assert kinds(action) == {EffectKind.UNKNOWN}
    assert world.judge("gemini", "run_shell_command", args) == ASK


def test_gemini_shell_with_dir_path_alone_runs_there(world: World) -> None:
    args = {"command": "rm -rf db", "directory": "", "dir_path": str(world.keep)}
    assert world.judge("gemini", "run_shell_command", args) == DENY


# -- 4. Kiro: ~, $HOME and links in its paths -------------------------------------------------


@pytest.mark.parametrize("workdir", ["~/../keep", "$HOME/../keep", "${HOME}/../keep", "klink/.."])
def test_kiro_working_dir_is_expanded_and_canonicalised_as_kiro_does(
    world: World, workdir: str
) -> None:
    command = "rm -rf db" if workdir != "klink/.." else "rm -rf keep"
    args = {"command": command, "working_dir": workdir}
    assert world.judge("kiro", "execute_bash", args) == DENY


def test_kiro_fs_write_path_through_home_variable_is_the_real_file(world: World) -> None:
    (world.project / "main.tf").write_text(MAIN_TF)
    args = {"command": "create", "path": "$HOME/project/main.tf", "file_text": "# gone\n"}
    action = world.action("kiro", "fs_write", args)
    assert f"file:{world.project}/main.tf" in names(action)
    assert world.judge("kiro", "fs_write", args) == DENY


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("fs_write", {"command": "create", "path": "$KEYTURN_HOME/x", "file_text": "x"}),
        ("fs_read", {"operations": [{"mode": "Line", "path": "${PWD}/secret"}]}),
        ("execute_bash", {"command": "rm -rf db", "working_dir": "$OTHER"}),
    ],
)
def test_kiro_path_with_another_variable_is_unknown(
    world: World, tool: str, args: dict[str, Any]
) -> None:
    assert kinds(world.action("kiro", tool, args)) == {EffectKind.UNKNOWN}


# -- 5. Codex workdir: ~ and links --------------------------------------------------------------


def test_codex_workdir_tilde_is_the_home_directory(world: World) -> None:
    args = {"cmd": "rm -rf db", "workdir": "~/../keep"}
    assert f"file:{world.keep}/db" in names(world.action("codex", "exec_command", args))
    assert world.judge("codex", "exec_command", args) == DENY


def test_codex_workdir_climbing_out_of_a_link_is_unknown(world: World) -> None:
    # Older Codex leaves the ``..`` to the kernel, newer ones take it lexically.
    args = {"cmd": "rm -rf keep", "workdir": "klink/.."}
    assert kinds(world.action("codex", "exec_command", args)) == {EffectKind.UNKNOWN}


# -- 6. apply_patch paths climbing out of a link --------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        ("*** Delete File: klink/../keep/db",),
        ("*** Update File: klink/../keep/db", "*** Move to: moved", "@@", "-data", "+data"),
    ],
)
def test_codex_patch_climbing_out_of_a_link_names_where_the_kernel_lands(
    world: World, body: tuple[str, ...]
) -> None:
    patch = "\n".join(("*** Begin Patch", *body, "*** End Patch")) + "\n"
    action = world.action("codex", "apply_patch", {"command": patch})
    assert f"file:{world.keep}/db" in names(action)
    assert world.judge("codex", "apply_patch", {"command": patch}) == DENY


# -- 7. MCP move_file of a directory ---------------------------------------------------------


def test_mcp_move_file_of_a_directory_names_what_it_holds(world: World) -> None:
    args = {"source": str(world.root), "destination": str(world.root) + "-moved"}
    action = world.action("claude-code", "mcp__filesystem__move_file", args)
    assert f"file:{world.root}/*" in names(action)
    assert world.judge("claude-code", "mcp__filesystem__move_file", args) == DENY


# -- 8. MCP edit_file matched by the server's whitespace-flexible fallback -------------------


@pytest.mark.parametrize(
    "old",
    ["prevent_destroy = true ", "lifecycle {\nprevent_destroy = true", "\tprevent_destroy = true"],
)
def test_mcp_edit_file_whitespace_flexible_match_drops_protection(world: World, old: str) -> None:
    (world.project / "main.tf").write_text(MAIN_TF)
    new = old.replace("true", "false")
    args = {"path": str(world.project / "main.tf"), "edits": [{"oldText": old, "newText": new}]}
    action = world.action("claude-code", "mcp__filesystem__edit_file", args)
    assert "aws_db_instance.main" in names(action)
    assert world.judge("claude-code", "mcp__filesystem__edit_file", args) == DENY


def test_mcp_edit_file_flexible_edit_keeping_protection_is_an_update(world: World) -> None:
    (world.project / "main.tf").write_text(MAIN_TF)
    edit = {"oldText": 'engine = "postgres" ', "newText": 'engine = "mysql"'}
    args = {"path": str(world.project / "main.tf"), "edits": [edit]}
    assert world.judge("claude-code", "mcp__filesystem__edit_file", args) == ALLOW


# -- 9. MCP git tools that run planted hooks -----------------------------------------------


@pytest.mark.parametrize(
    ("tool", "hook", "extra"),
    [
        ("git_commit", "pre-commit", {"message": "x"}),
        ("git_commit", "post-commit", {"message": "x"}),
        ("git_checkout", "post-checkout", {"branch_name": "main"}),  # judged so already
    ],
)
def test_mcp_git_tools_judge_the_hooks_they_run(
    world: World, tool: str, hook: str, extra: dict[str, str]
) -> None:
    repo = world.project / "repo"
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / ".git" / "config").write_text("[core]\n\tbare = false\n")
    (hooks / hook).write_text(f"#!/bin/sh\nrm -rf {world.keep}\n")
    os.chmod(hooks / hook, 0o755)
    args = {"repo_path": str(repo), **extra}
    assert world.judge("claude-code", f"mcp__git__{tool}", args) == DENY
