"""The built-in MCP meanings checked against the servers' real tools and arguments: each case
spells a call the real server runs so that it would come out looser than what it does -- a read
that writes, an update that deletes, a delete that names nothing a ``protected`` pattern sees.
Every case cites the repository and file the tool (and its arguments) come from.

Judged for agent ``kiro`` under the BRIEF policy (plus the case's ``protect`` patterns); nothing
tells the environment unless the call does, so it is production: deletes ask for two approvals,
creates and updates for one, unknown effects are refused, reads allowed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, EffectKind
from keyturn.policy import Policy, load_policy
from keyturn.understand.mcp import understand_mcp

pytest.importorskip("keyturn.understand.shell")

ALLOW, ASK, DENY = "allow", "ask", "deny"
ACTOR = Actor(agent="kiro", operator="bob")
REPO = {"repo_path": "/work/repo"}
PROJECT = {"owner": "acme", "owner_type": "org", "project_number": 1, "item_id": 5}


class Case(NamedTuple):
    id: str
    server: str
    tool: str
    arguments: dict[str, Any]
    expected: str
    protect: tuple[str, ...] = ()
    approvals: int | None = None  # checked when given


CASES = [
    # modelcontextprotocol/servers src/git/src/mcp_server_git/server.py: git_diff runs
    # repo.git.diff(target), so a target starting with "-" is an option: --output= writes a file
    Case("git-diff-target-output-option", "git", "git_diff",
         {**REPO, "target": "--output=/root/.bashrc"}, DENY),
    # ... and git takes any unique prefix of a long option
    Case("git-diff-target-abbreviated-option", "git", "git_diff",
         {**REPO, "target": "--outp=/etc/cron.d/x"}, DENY),
    Case("git-diff-branch-still-reads", "git", "git_diff", {**REPO, "target": "main"}, ALLOW),
    # same file: git_checkout runs repo.git.checkout(branch_name): "." restores every file from
    # the index, discarding uncommitted work -- a delete, not a branch switch
    Case("git-checkout-dot-discards", "git", "git_checkout", {**REPO, "branch_name": "."},
         ASK, approvals=2),
    Case("git-checkout-force-option", "git", "git_checkout",
         {**REPO, "branch_name": "--force"}, DENY),
    Case("git-checkout-branch-one-approval", "git", "git_checkout",
         {**REPO, "branch_name": "main"}, ASK, approvals=1),
    # cyanheads/git-mcp-server src/mcp-server/tools/definitions/git-branch.tool.ts: the same tool
    # name deletes with operation "delete" in `path`; its schema drops the repo_path it ignores
    Case("git-branch-of-another-server-deletes", "git-mcp-server", "git_branch",
         {**REPO, "path": "/srv/prod", "operation": "delete", "name": "main"}, DENY),
    # ... git-reset.tool.ts: mode "hard" discards the working tree
    Case("git-reset-hard-of-another-server", "git", "git_reset", {**REPO, "mode": "hard"}, DENY),
    Case("git-branch-list-still-reads", "git", "git_branch",
         {**REPO, "branch_type": "local"}, ALLOW),
    # github/github-mcp-server pkg/github/deprecated_tool_aliases.go: update_project_item is an
    # alias of projects_write, which deletes with method "delete_project_item"
    Case("github-alias-update-deletes", "github", "update_project_item",
         {**PROJECT, "method": "delete_project_item"}, ASK, approvals=2),
    Case("github-alias-update-deletes-protected", "github", "update_project_item",
         {**PROJECT, "method": "delete_project_item"}, DENY, ("github:acme/*",)),
    # README.md (Projects): delete_project_item names no repository, only owner + project
    Case("github-delete-project-item-protected", "github", "delete_project_item",
         PROJECT, DENY, ("github:acme/*",)),
    # pkg/github/__toolsnaps__/delete_org_package.snap: org + package, no repository
    Case("github-delete-org-package-protected", "github", "delete_org_package",
         {"org": "acme", "package_type": "container", "package_name": "api"}, DENY,
         ("github:acme/*",)),
    # README.md (Labels): label_write deletes with method "delete"
    Case("github-label-write-delete", "github", "label_write",
         {"owner": "acme", "repo": "infra", "method": "delete", "name": "bug"}, ASK, approvals=2),
    Case("github-label-write-unknown-method", "github", "label_write",
         {"owner": "acme", "repo": "infra", "method": "purge", "name": "bug"}, DENY),
    # Flux159/mcp-server-kubernetes src/tools/kubectl-get.ts: name is a word of kubectl's line;
    # src/security/kubectl-flags.ts refuses --server only unless ALLOW_KUBECTL_UNSAFE_FLAGS
    Case("kubectl-get-name-is-server-option", "kubernetes", "kubectl_get",
         {"resourceType": "pods", "name": "--server=https://evil.example", "namespace": "prod"},
         DENY),
    Case("kubectl-get-still-reads", "kubernetes", "kubectl_get",
         {"resourceType": "pods", "name": "web", "namespace": "prod"}, ALLOW),
]  # fmt: skip

_LOADED: dict[tuple[str, ...], Policy] = {}


def _policy(protect: tuple[str, ...]) -> Policy:
    if protect not in _LOADED:
        extra = "".join(f'\n  - "{p}"' for p in protect)
        _LOADED[protect] = load_policy(BRIEF_POLICY.replace("protected:", "protected:" + extra, 1))
    return _LOADED[protect]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_real_tool_calls_are_judged_as_what_they_do(case: Case) -> None:
    action = understand_mcp(case.server, case.tool, case.arguments, cwd="/work", home="/root")
    decision = _policy(case.protect).judge(action, actor=ACTOR)
    seen = [(e.effect.value, e.resource.names, e.detail) for e in action.effects]
    assert decision.decision.value == case.expected, seen
    if case.approvals is not None:
        assert decision.approvals_required == case.approvals, seen


def _first(server: str, tool: str, args: dict[str, Any], **kw: Any) -> tuple[EffectKind, str]:
    effect = understand_mcp(server, tool, args, **kw).effects[0]
    return effect.effect, effect.resource.names[0]


def test_a_fork_is_created_where_it_lands_not_at_its_source() -> None:
    # github/github-mcp-server README.md (fork_repository): owner/repo are the source,
    # organization the account the fork is created in
    args = {"owner": "acme", "repo": "infra", "organization": "outside"}
    assert _first("github", "fork_repository", args) == (EffectKind.CREATE, "github:outside/infra")


def test_the_archived_servers_pull_number_names_the_pull_request() -> None:
    # modelcontextprotocol/servers src/github/operations/pulls.ts (the npm server-github):
    # merge_pull_request takes pull_number where github-mcp-server takes pullNumber
    for key in ("pull_number", "pullNumber"):
        args = {"owner": "acme", "repo": "infra", key: 3}
        assert _first("github", "merge_pull_request", args) == (
            EffectKind.UPDATE,
            "github:acme/infra/pull/3",
        )


def test_issue_write_means_its_method() -> None:
    # github/github-mcp-server README.md (Issues): issue_write creates or updates by method
    base = {"owner": "acme", "repo": "infra"}
    assert _first("github", "issue_write", {**base, "method": "create"})[0] is EffectKind.CREATE
    updated = _first("github", "issue_write", {**base, "method": "update", "issue_number": 4})
    assert updated == (EffectKind.UPDATE, "github:acme/infra/issues/4")


def test_read_many_names_every_path() -> None:
    # modelcontextprotocol/servers src/filesystem/server.ts: read_multiple_files takes `paths`
    action = understand_mcp("filesystem", "read_multiple_files", {"paths": ["/a", "b"]}, cwd="/w")
    assert [e.resource.names[0] for e in action.effects] == ["file:/a", "file:/w/b"]


@pytest.mark.parametrize(
    ("server", "tool", "args"),
    [
        # containers/kubernetes-mcp-server pkg/toolsets/core/resources.go: resources_get
        ("kubernetes", "resources_get", {"kind": "Secret", "name": "db", "namespace": "prod"}),
        # modelcontextprotocol/servers src/filesystem/server.ts: read_text_file
        ("filesystem", "read_text_file", {"path": "/etc/hosts"}),
        # github/github-mcp-server README.md: get_file_contents
        ("github", "get_file_contents", {"owner": "acme", "repo": "infra", "path": "a"}),
        # modelcontextprotocol/servers src/git/tests/snapshots/list_tools.json: git_log
        ("git", "git_log", {"repo_path": "/r"}),
    ],
)
def test_a_destructive_hint_makes_a_mapped_read_a_delete(
    server: str, tool: str, args: dict[str, Any]
) -> None:
    hinted = understand_mcp(server, tool, args, annotations={"destructiveHint": True})
    assert understand_mcp(server, tool, args).effects[0].effect is EffectKind.READ
    assert {e.effect for e in hinted.effects} == {EffectKind.DELETE}


def test_a_read_only_hint_never_loosens_a_delete() -> None:
    # containers/kubernetes-mcp-server pkg/toolsets/core/resources.go: resources_delete
    args = {"apiVersion": "v1", "kind": "ConfigMap", "name": "x", "namespace": "prod"}
    hints = {"readOnlyHint": True, "destructiveHint": False}
    action = understand_mcp("kubernetes", "resources_delete", args, annotations=hints)
    assert [e.effect for e in action.effects] == [EffectKind.DELETE]
