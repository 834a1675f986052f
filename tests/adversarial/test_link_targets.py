"""A path through a symbolic link on disk is judged where it lands.

A checked-out repository, an extracted archive or another tool can leave a link where the agent
writes: ``notes.txt -> .claude/settings.json``, ``cl -> .claude``. The kernel opens the target,
so ``echo {} > notes.txt`` switches the agent's hook off; the effect named only ``notes.txt``,
which neither self-protection nor a ``protected`` pattern matched. Every surface that names
files -- shell lines, the agents' file tools, MCP file servers -- now names also where the links
on a path lead (:mod:`keyturn.understand.links`).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Actor, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_shell

REPO = "/home/dev/repo"
HOME = "/home/dev"
STATE = "/home/dev/.keyturn"
SETTINGS = f"{REPO}/.claude/settings.json"
TEXTS = {
    SETTINGS: '{"hooks": {"PreToolUse": ["keyturn hook claude-code"]}}',
    f"{REPO}/README.md": "# repo\n",
    f"{STATE}/session-secret": "s3cret",
    "/srv/prod/db.sqlite": "",
}
FILES = MemoryFiles(
    TEXTS,
    links={
        f"{REPO}/notes.txt": ".claude/settings.json",  # relative, from the link's directory
        f"{REPO}/cl": f"{REPO}/.claude",  # a directory
        f"{REPO}/docs/key": "../../.keyturn/session-secret",
        f"{REPO}/data": "/srv/prod",
        f"{REPO}/hop": "notes.txt",  # a link to a link
        f"{REPO}/loop": "loop",
        f"{REPO}/deep": f"{REPO}/.claude/sub",  # its parent is the hook settings' folder
        f"{REPO}/prodsub": "/srv/prod/sub",
    },
)
ACTOR = Actor(agent="claude-code", operator="dev")


@pytest.fixture(scope="module")
def policy() -> Policy:
    text = BRIEF_POLICY.replace(
        '  - "aws_db_instance.main"\n', '  - "aws_db_instance.main"\n  - "file:/srv/prod/*"\n'
    )
    assert "file:/srv/prod/*" in text
    return load_policy(text, guarded_paths=(STATE,), private_paths=(STATE,))


def _shell(command: str) -> Action:
    return understand_shell(command, cwd=REPO, home=HOME, files=FILES)


def _names(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


def test_links_are_followed_as_the_kernel_follows_them() -> None:
    assert FILES.links_followed(f"{REPO}/notes.txt") == SETTINGS
    assert FILES.links_followed(f"{REPO}/cl/settings.json") == SETTINGS
    assert FILES.links_followed(f"{REPO}/hop") == SETTINGS
    assert FILES.links_followed(f"{REPO}/docs/key") == f"{STATE}/session-secret"
    assert FILES.links_followed(f"{REPO}/data/db.sqlite") == "/srv/prod/db.sqlite"
    assert FILES.links_followed(f"{REPO}/README.md") is None  # no link on it
    assert FILES.links_followed(f"{REPO}/loop") is None  # past the kernel's bound


SWITCHING_OFF = [
    "echo {} > notes.txt",
    "truncate -s0 notes.txt",
    "cp /dev/null cl/settings.json",
    "rm cl/settings.json",
    "rm -rf cl/",
    "rm -rf cl/*",
    "mv cl/settings.json /tmp/x",
    "echo {} > hop",
    "tee notes.txt < /dev/null",
]


@pytest.mark.parametrize("command", SWITCHING_OFF)
def test_a_shell_change_through_a_link_to_hook_settings_is_refused(
    policy: Policy, command: str
) -> None:
    decision = policy.judge(_shell(command), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (command, decision.reasons)
    assert SELF_PROTECTION_RULE in {j.rule for j in decision.judgements}, command


@pytest.mark.parametrize("command", ["cat docs/key", "cp docs/key /tmp/k", "base64 docs/key"])
def test_a_read_of_keyturns_secret_through_a_link_is_refused(policy: Policy, command: str) -> None:
    decision = policy.judge(_shell(command), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (command, decision.reasons)


@pytest.mark.parametrize(
    "command", ["rm -rf data/", "rm data/db.sqlite", "mv data/db.sqlite /tmp/"]
)
def test_a_protected_file_reached_through_a_link_is_protected(policy: Policy, command: str) -> None:
    decision = policy.judge(_shell(command), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (command, decision.reasons)
    assert "protected[2]" in {j.rule for j in decision.judgements}, command


def test_a_path_without_links_is_named_as_before() -> None:
    for command in ("echo x > README.md", "rm -rf build", "cat README.md"):
        assert _shell(command) == understand_shell(
            command, cwd=REPO, home=HOME, files=MemoryFiles(TEXTS)
        ), command


def _agent_call(agent: str, tool: str, tool_input: dict[str, object]) -> Action:
    event = {
        "session_id": "s1",
        "cwd": REPO,
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
    }
    call = importlib.import_module(AGENTS[agent]).PROTOCOL.read(event, home=HOME)
    return action_for_call(call, env={}, files=FILES)


@pytest.mark.parametrize(
    ("tool", "tool_input"),
    [
        ("Write", {"file_path": f"{REPO}/notes.txt", "content": "{}"}),
        (
            "Edit",
            {"file_path": f"{REPO}/cl/settings.json", "old_string": "keyturn", "new_string": "x"},
        ),
        ("Read", {"file_path": f"{REPO}/docs/key"}),
    ],
)
def test_an_agent_file_tool_through_a_link_is_refused(
    policy: Policy, tool: str, tool_input: dict[str, object]
) -> None:
    decision = policy.judge(_agent_call("claude-code", tool, tool_input), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (tool, decision.reasons)


def _mcp_write(path: str) -> Action:
    """The filesystem MCP server's ``write_file`` of ``path``, understood over :data:`FILES`."""
    return understand_mcp(
        "filesystem",
        "write_file",
        {"path": path, "content": "{}"},
        cwd=REPO,
        home=HOME,
        files=FILES,
    )


def test_an_mcp_file_server_through_a_link_is_refused(policy: Policy) -> None:
    action = _mcp_write(f"{REPO}/notes.txt")
    assert SETTINGS in {n.removeprefix("file:") for n in _names(action)}
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


def test_the_local_disk_follows_real_links(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "settings.json").write_text("{}")
    os.symlink(".claude/settings.json", tmp_path / "notes.txt")
    os.symlink(".claude", tmp_path / "cl")
    files = LocalFiles()
    real = os.path.realpath(tmp_path)
    assert files.links_followed(str(tmp_path / "notes.txt")) == f"{real}/.claude/settings.json"
    assert files.links_followed(f"{real}/cl/settings.json") == f"{real}/.claude/settings.json"
    assert files.links_followed(f"{real}/.claude/settings.json") is None
    action = understand_shell("echo {} > notes.txt", cwd=real, home=HOME, files=files)
    assert f"file:{real}/.claude/settings.json" in _names(action)


@pytest.mark.parametrize(
    "command",
    [
        "ln -s /srv/prod cur && rm -rf cur/",
        "ln -sfn /srv/prod cur; rm cur/db.sqlite",
        "ln -s /srv cur && mv cur/prod/db.sqlite /tmp/",
        "cd /tmp && ln -s /srv/prod p && rm -rf p/*",
    ],
)
def test_a_link_the_line_makes_is_followed_too(policy: Policy, command: str) -> None:
    decision = policy.judge(_shell(command), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (command, decision.reasons)
    assert "protected[2]" in {j.rule for j in decision.judgements}, command


def test_a_hard_link_the_line_makes_is_not_taken_for_a_symbolic_one() -> None:
    # ``ln TARGET LINK`` (no -s) shares the file: nothing under LINK/ leads elsewhere.
    names = _names(_shell("ln /srv/prod/db.sqlite copy && rm -rf copy/x"))
    assert "file:/srv/prod/db.sqlite/x" not in names


@pytest.mark.parametrize(
    ("tool", "tool_input"),
    [
        ("Write", {"file_path": f"{REPO}/deep/../settings.json", "content": "{}"}),
        (
            "Edit",
            {
                "file_path": f"{REPO}/deep/../settings.json",
                "old_string": "keyturn",
                "new_string": "x",
            },
        ),
    ],
)
def test_a_file_tool_climbing_out_of_a_link_lands_where_the_kernel_takes_it(
    policy: Policy, tool: str, tool_input: dict[str, object]
) -> None:
    """``deep -> .claude/sub``: ``deep/../settings.json`` is ``.claude/settings.json`` to the
    kernel, though its text says ``settings.json`` beside ``deep``."""
    decision = policy.judge(_agent_call("claude-code", tool, tool_input), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (tool, decision.reasons)
    assert SELF_PROTECTION_RULE in {j.rule for j in decision.judgements}


@pytest.mark.parametrize("command", ["rm prodsub/../db.sqlite", "echo x > deep/../settings.json"])
def test_a_shell_path_climbing_out_of_a_link_lands_where_the_kernel_takes_it(
    policy: Policy, command: str
) -> None:
    decision = policy.judge(_shell(command), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (command, decision.reasons)


def test_an_mcp_file_server_climbing_out_of_a_link_is_refused(policy: Policy) -> None:
    decision = policy.judge(_mcp_write(f"{REPO}/deep/../settings.json"), actor=ACTOR)
    assert decision.decision is Verdict.DENY, decision.reasons
    assert SELF_PROTECTION_RULE in {j.rule for j in decision.judgements}
