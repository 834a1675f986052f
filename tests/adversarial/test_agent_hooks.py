"""Adversarial cases for the agent hooks: each spells a tool call, in the agent's own event
shape, so that it would come out looser than the same change made another way -- a file
moved away instead of deleted, a Terraform file's protection dropped by a patch instead of an
edit, a content search of keyturn's state directory by another agent's search tool, an MCP
switch given as a value the server takes for true.

Calls are read by the agent's protocol module (exactly as the hook reads the event), understood
with the files as they are (``MemoryFiles``), and judged under the BRIEF policy plus a protected
state file, with keyturn's state directory guarded as the hook guards it. Nothing tells the
environment, so it is the policy's ``unknown_environment`` (production).
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.model import Actor, Decision
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp

ALLOW, ASK, DENY = "allow", "ask", "deny"
CWD = "/srv/infra"
HOME = "/home/dev"
STATE = "/home/dev/.local/state/keyturn"
MAIN_TF = (
    'resource "aws_db_instance" "main" {\n'
    '  engine = "postgres"\n'
    "  lifecycle {\n"
    "    prevent_destroy = true\n"
    "  }\n"
    "}\n"
)
FILES = MemoryFiles(
    {
        f"{CWD}/main.tf": MAIN_TF,
        f"{CWD}/prod.tfstate": "{}",
        f"{CWD}/notes.md": "# notes\nold line\n",
        f"{STATE}/keyturn.db": "",
        # generated resources first: the protected block lies past the first megabyte
        f"{CWD}/big.tf": "# generated\n" + "#" * 1_100_000 + "\n" + MAIN_TF,
    }
)
EVENTS = {"codex": "PreToolUse", "claude-code": "PreToolUse", "kiro": "preToolUse"}


@pytest.fixture(scope="module")
def policy() -> Policy:
    text = BRIEF_POLICY.replace(
        '  - "aws_db_instance.main"\n',
        '  - "aws_db_instance.main"\n  - "file:/srv/infra/prod.tfstate"\n',
    )
    assert "file:/srv/infra/prod.tfstate" in text
    return load_policy(text, guarded_paths=(STATE,), private_paths=(STATE,))


def judge_tool(policy: Policy, agent: str, tool: str, tool_input: dict[str, Any]) -> Decision:
    event = {
        "session_id": "s-adv",
        "cwd": CWD,
        "hook_event_name": EVENTS[agent],
        "tool_name": tool,
        "tool_input": tool_input,
    }
    call = importlib.import_module(AGENTS[agent]).PROTOCOL.read(event, home=HOME)
    action = action_for_call(call, env={}, files=FILES)
    return policy.judge(action, actor=Actor(agent=agent, operator="olivia"))


def patch(*body: str) -> dict[str, str]:
    return {"command": "\n".join(("*** Begin Patch", *body, "*** End Patch")) + "\n"}


class Case(NamedTuple):
    id: str
    agent: str
    tool: str
    tool_input: dict[str, Any]
    expected: str
    approvals: int | None = None  # checked when given


CASES = [
    # Codex apply_patch: "Update File" + "Move to" removes the file at its old name.
    Case("codex-move-protected-file-away", "codex", "apply_patch",
         patch("*** Update File: prod.tfstate", "*** Move to: /tmp/old.tfstate", "@@", "-{}",
               "+{}"), DENY),
    Case("codex-move-plain-file-is-a-delete", "codex", "apply_patch",
         patch("*** Update File: notes.md", "*** Move to: /tmp/notes.md", "@@", " # notes"),
         ASK, 2),
    # ... and a Terraform file's protections are judged on the file as it is, whatever the hunk.
    Case("codex-update-drops-prevent-destroy", "codex", "apply_patch",
         patch("*** Update File: main.tf", "@@", "   lifecycle {",
               "-    prevent_destroy = true", "+    prevent_destroy = false"), DENY),
    Case("codex-update-drops-prevent-destroy-by-context", "codex", "apply_patch",
         patch("*** Update File: main.tf", "@@ resource \"aws_db_instance\" \"main\" {",
               "-  lifecycle {", "-    prevent_destroy = true", "-  }"), DENY),
    Case("codex-add-file-overwrites-protected-tf", "codex", "apply_patch",
         patch("*** Add File: main.tf", "+# moved to modules/"), DENY),
    Case("codex-delete-protected-tf", "codex", "apply_patch",
         patch("*** Delete File: main.tf"), DENY),
    Case("codex-move-tf-out-of-terraform", "codex", "apply_patch",
         patch("*** Update File: main.tf", "*** Move to: main.tf.bak", "@@",
               '   engine = "postgres"'), DENY),
    Case("codex-move-tf-dropping-prevent-destroy", "codex", "apply_patch",
         patch("*** Update File: main.tf", "*** Move to: db.tf", "@@", "   lifecycle {",
               "-    prevent_destroy = true", "+    prevent_destroy = false"), DENY),
    Case("claude-edit-protection-past-the-first-megabyte", "claude-code", "Edit",
         {"file_path": f"{CWD}/big.tf", "old_string": "    prevent_destroy = true\n",
          "new_string": ""}, DENY),
    Case("codex-update-protection-past-the-first-megabyte", "codex", "apply_patch",
         patch("*** Update File: big.tf", "@@", "   lifecycle {",
               "-    prevent_destroy = true"), DENY),
    # A refactoring that keeps the block, protection and all, is an ordinary move.
    Case("codex-move-tf-keeping-protection-is-a-move", "codex", "apply_patch",
         patch("*** Update File: main.tf", "*** Move to: db.tf", "@@", '   engine = "postgres"'),
         ASK, 2),
    Case("codex-patch-unrelated-edit-is-an-update", "codex", "apply_patch",
         patch("*** Update File: notes.md", "@@", "-old line", "+new line"), ASK, 1),
    # Kiro's search tools read what Claude Code's do: the tree under grep's path, and where a
    # glob pattern leads.
    Case("kiro-grep-tree-holding-state-dir", "kiro", "grep",
         {"pattern": "BEGIN", "path": "/home/dev/.local"}, DENY),
    Case("kiro-grep-home", "kiro", "grep", {"pattern": "token", "path": "~"}, DENY),
    Case("kiro-glob-pattern-into-state-dir", "kiro", "glob",
         {"pattern": f"{STATE}/*"}, DENY),
    Case("kiro-glob-pattern-up-and-into-state-dir", "kiro", "glob",
         {"pattern": "../../home/dev/.local/state/keyturn/*", "path": CWD}, DENY),
    Case("kiro-grep-project-is-a-read", "kiro", "grep", {"pattern": "TODO", "path": "src"},
         ALLOW),
    Case("kiro-glob-project-is-a-read", "kiro", "glob", {"pattern": "**/*.tf"}, ALLOW),
    # Kiro's knowledge tool indexes a file or a tree, and its search hands the model the text.
    Case("kiro-knowledge-add-state-dir", "kiro", "knowledge",
         {"command": "add", "name": "notes", "value": STATE}, DENY),
    Case("kiro-knowledge-add-home", "kiro", "knowledge",
         {"command": "add", "name": "notes", "value": "~"}, DENY),
    Case("kiro-knowledge-update-to-state-dir", "kiro", "knowledge",
         {"command": "update", "name": "notes", "path": "../../home/dev/.local"}, DENY),
    Case("kiro-knowledge-add-project-is-a-read", "kiro", "knowledge",
         {"command": "add", "name": "docs", "value": "docs"}, ALLOW),
    Case("kiro-knowledge-add-text", "kiro", "knowledge",
         {"command": "add", "name": "fact", "value": "we deploy on fridays\nnever"}, ALLOW),
    Case("kiro-knowledge-search", "kiro", "knowledge",
         {"command": "search", "query": "token"}, ALLOW),
    # The filesystem MCP server's write, edit and move reach the same files as Write and Edit.
    Case("claude-mcp-fs-write-drops-prevent-destroy", "claude-code", "mcp__filesystem__write_file",
         {"path": "main.tf", "content": "# moved to modules/"}, DENY),
    Case("claude-mcp-fs-edit-drops-prevent-destroy", "claude-code", "mcp__filesystem__edit_file",
         {"path": "main.tf", "edits": [{"oldText": "prevent_destroy = true",
                                        "newText": "prevent_destroy = false"}]}, DENY),
    Case("claude-mcp-fs-edit-unreadable-file-judged-on-edit", "claude-code",
         "mcp__filesystem__edit_file",
         {"path": "modules/db.tf", "edits": [{"oldText": "prevent_destroy = true",
                                              "newText": ""}]}, ASK, 1),
    Case("claude-mcp-fs-move-tf-away", "claude-code", "mcp__filesystem__move_file",
         {"source": "main.tf", "destination": "main.tf.bak"}, DENY),
    Case("claude-mcp-fs-move-tf-keeping-it", "claude-code", "mcp__filesystem__move_file",
         {"source": "main.tf", "destination": "db.tf"}, ASK, 2),
    Case("claude-mcp-fs-edit-dry-run-is-a-read", "claude-code", "mcp__filesystem__edit_file",
         {"path": "main.tf", "dryRun": True,
          "edits": [{"oldText": "prevent_destroy = true", "newText": ""}]}, ALLOW),
    Case("claude-mcp-fs-edit-other-text-is-an-update", "claude-code",
         "mcp__filesystem__edit_file",
         {"path": "main.tf", "edits": [{"oldText": "postgres", "newText": "mysql"}]}, ASK, 1),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_agent_tool_call(policy: Policy, case: Case) -> None:
    decision = judge_tool(policy, case.agent, case.tool, case.tool_input)
    assert decision.decision.value == case.expected, decision.reasons
    if case.approvals is not None:
        assert decision.approvals_required == case.approvals, decision.reasons


def test_codex_move_names_both_files(policy: Policy) -> None:
    """The source's effect is a delete, the destination's a create."""
    event = {
        "session_id": "s",
        "cwd": CWD,
        "hook_event_name": "PreToolUse",
        "tool_name": "apply_patch",
        "tool_input": patch(
            "*** Update File: notes.md", "*** Move to: docs/notes.md", "@@", " # notes"
        ),
    }
    call = importlib.import_module(AGENTS["codex"]).PROTOCOL.read(event, home=HOME)
    effects = action_for_call(call, env={}, files=FILES).effects
    assert [(e.effect.value, e.resource.name) for e in effects] == [
        ("delete", f"file:{CWD}/notes.md"),
        ("create", f"file:{CWD}/docs/notes.md"),
    ]


# Flux159's mcp-server-kubernetes tests its switches for JavaScript truth (``if (force)``,
# ``if (params.useTemplate)``): any truthy value sets them.
MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n"


class McpCase(NamedTuple):
    id: str
    tool: str
    arguments: dict[str, Any]
    expected: str
    approvals: int | None = None


MCP_CASES = [
    McpCase("k8s-apply-force-string-replaces-protected-ns", "kubectl_apply",
            {"manifest": MANIFEST, "force": "yes"}, DENY),
    McpCase("k8s-apply-force-one-replaces", "kubectl_apply",
            {"manifest": MANIFEST.replace("payments", "web"), "force": 1}, ASK, 2),
    McpCase("k8s-apply-force-false-string-is-still-force", "kubectl_apply",
            {"manifest": MANIFEST.replace("payments", "web"), "force": "false"}, ASK, 2),
    McpCase("k8s-apply-force-false-is-an-apply", "kubectl_apply",
            {"manifest": MANIFEST.replace("payments", "web"), "force": False}, ASK, 1),
    McpCase("helm-install-use-template-string", "install_helm_chart",
            {"name": "web", "chart": "nginx", "namespace": "prod", "useTemplate": "true"}, DENY),
    McpCase("helm-install-use-template-one", "install_helm_chart",
            {"name": "web", "chart": "nginx", "namespace": "prod", "useTemplate": 1}, DENY),
]  # fmt: skip


@pytest.mark.parametrize("case", MCP_CASES, ids=[c.id for c in MCP_CASES])
def test_kubernetes_server_switches(policy: Policy, case: McpCase) -> None:
    action = understand_mcp("kubernetes", case.tool, case.arguments)
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision.value == case.expected, decision.reasons
    if case.approvals is not None:
        assert decision.approvals_required == case.approvals, decision.reasons


def test_mcp_proxy_reads_the_files_a_filesystem_tool_changes(policy: Policy, tmp_path: Any) -> None:
    """The proxy judges a filesystem server's write with the file as it is on disk, as the
    hooks do: dropping a protected resource's ``prevent_destroy`` is refused, not held."""
    import anyio
    from mcp import StdioServerParameters
    from mcp import types as mcp_types

    from keyturn.integrations.mcp_proxy import McpProxy, ProxySettings, Upstream, policy_decide

    (tmp_path / "main.tf").write_text(MAIN_TF)
    settings = ProxySettings(
        name="filesystem",
        upstream=StdioServerParameters(command="/bin/false"),
        actor=Actor(agent="claude", operator="olivia"),
        cwd=str(tmp_path),
        home=HOME,
    )
    seen: list[Any] = []
    decide = policy_decide(policy)

    def recording(action: Any, actor: Actor) -> Any:
        seen.append(action)
        return decide(action, actor)

    proxy = McpProxy(settings=settings, policy=policy, decide=recording)
    upstream = Upstream(annotations={"write_file": {}})

    class Context:
        lifespan_context = upstream

    params = mcp_types.CallToolRequestParams(
        name="write_file", arguments={"path": "main.tf", "content": "# gone\n"}
    )
    result = anyio.run(proxy._call_tool, Context(), params)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert text.startswith("keyturn denied mcp:filesystem/write_file"), text
    (effect,) = seen[0].effects
    assert effect.removes_protection and "aws_db_instance.main" in effect.resource.names


# Kiro's sub-agents run under their own agent file's hooks: one without keyturn's is unjudged.
HOOKED = {"preToolUse": [{"matcher": "*", "command": "/opt/bin/keyturn hook kiro"}]}
SHELL_ONLY = {"preToolUse": [{"matcher": "shell", "command": "/opt/bin/keyturn hook kiro"}]}


def _invoke(*names: str | None) -> dict[str, Any]:
    subagents = [{"query": "clean up the old stacks", "agent_name": n} for n in names]
    return {"command": "InvokeSubagents", "content": {"subagents": subagents}}


SUBAGENT_CASES = [
    ("kiro-subagent-default-agent-unhooked", "use_subagent", _invoke(None), DENY),
    ("kiro-subagent-named-unhooked", "use_subagent", _invoke("ops"), DENY),
    ("kiro-subagent-hook-on-shell-only", "use_subagent", _invoke("narrow"), DENY),
    ("kiro-subagent-one-of-two-unhooked", "use_subagent", _invoke("reviewer", "ops"), DENY),
    ("kiro-subagent-trust-all-unhooked", "subagent",
     {"command": "InvokeSubagents", "content": {"subagents": [
         {"query": "x", "agent_name": "kiro_planner", "dangerously_trust_all_tools": True}
     ]}}, DENY),
    ("kiro-subagent-path-as-name", "use_subagent", _invoke("../../tmp/reviewer"), DENY),
    ("kiro-delegate-unhooked", "delegate", {"task": "deploy", "agent_name": "ops"}, DENY),
    ("kiro-subagent-hooked-agent", "use_subagent", _invoke("reviewer"), ALLOW),
    ("kiro-subagent-hooked-user-agent", "use_subagent", _invoke("helper"), ALLOW),
    ("kiro-subagent-list-agents", "use_subagent", {"command": "ListAgents"}, ALLOW),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tool", "tool_input", "expected"),
    [c[1:] for c in SUBAGENT_CASES],
    ids=[c[0] for c in SUBAGENT_CASES],
)
def test_kiro_subagents(
    policy: Policy, tmp_path: Any, tool: str, tool_input: dict[str, Any], expected: str
) -> None:
    import json

    project, home = tmp_path / "project", tmp_path / "home"
    for directory, name, hooks in (
        (project, "reviewer", HOOKED),
        (project, "narrow", SHELL_ONLY),
        (project, "ops", {}),
        (home, "helper", HOOKED),
    ):
        (directory / ".kiro" / "agents").mkdir(parents=True, exist_ok=True)
        config = {"name": name, "tools": ["*"], "hooks": hooks}
        (directory / ".kiro" / "agents" / f"{name}.json").write_text(json.dumps(config))
    event = {
        "cwd": str(project),
        "hook_event_name": "preToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
    }
    call = importlib.import_module(AGENTS["kiro"]).PROTOCOL.read(event, home=str(home))
    action = action_for_call(call, env={}, files=FILES)
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="olivia"))
    assert decision.decision.value == expected, decision.reasons
    if expected == DENY:
        assert "would not be judged" in " ".join(decision.reasons), decision.reasons


def test_codex_patch_lines_split_as_codex_splits_them() -> None:
    """A form feed in a path is part of it (Codex splits lines at ``\\n`` only): the delete is
    named whole, not as the directory before the form feed."""
    event = {
        "session_id": "s",
        "cwd": CWD,
        "hook_event_name": "PreToolUse",
        "tool_name": "apply_patch",
        "tool_input": patch("*** Delete File: keep/\x0cstate.json"),
    }
    call = importlib.import_module(AGENTS["codex"]).PROTOCOL.read(event, home=HOME)
    effects = action_for_call(call, env={}, files=FILES).effects
    assert [(e.effect.value, e.resource.name) for e in effects] == [
        ("delete", f"file:{CWD}/keep/\x0cstate.json")
    ]
