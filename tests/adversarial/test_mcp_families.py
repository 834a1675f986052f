"""Adversarial cases for the built-in MCP server families (MongoDB, Redis, Flux159's kubectl
server, the npm Railway server, Netlify): each spells a destructive tool call so that it would
come out looser than it is -- a read or an update where it deletes, a name a ``protected``
pattern misses, an environment laxer than the call lands in, or text a shell would run and the
judgement does not see.

Judged for agent ``kiro`` under the BRIEF policy (plus the case's ``protect`` patterns); nothing
tells the environment unless the call does, so it is the policy's ``unknown_environment``
(production): deletes ask for two approvals, unknown effects are refused, reads allowed.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp

pytest.importorskip("keyturn.understand.sql")
pytest.importorskip("keyturn.understand.shell")

ALLOW, ASK, DENY = "allow", "ask", "deny"
HOME = "/root"
FILES = MemoryFiles(
    {
        f"{HOME}/.railway/config.json": json.dumps(
            {"projects": {"/work/app": {"name": "shop", "environmentName": "production"}}}
        )
    }
)
ACTOR = Actor(agent="kiro", operator="bob")
ORDERS = {"database": "shop", "collection": "orders"}
WS = {"workspacePath": "/work/app"}
WEB = {"resourceType": "deployment", "name": "web"}


def _netlify(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"selectSchema": {"operation": operation, "params": params}}


class Case(NamedTuple):
    id: str
    server: str
    tool: str
    arguments: dict[str, Any]
    expected: str
    protect: tuple[str, ...] = ()
    approvals: int | None = None  # checked when given


CASES = [
    # MongoDB: a filter of top-level operators only may match every document, as {} does
    Case("mongo-delete-many-where-true", "mongodb", "delete-many",
         {**ORDERS, "filter": {"$where": "true"}}, DENY, ("db:mongodb/shop/orders/*",)),
    Case("mongo-delete-many-expr", "mongodb", "delete-many",
         {**ORDERS, "filter": {"$expr": {"$eq": [1, 1]}}}, DENY, ("db:mongodb/shop/orders/*",)),
    Case("mongo-delete-many-comment-only", "mongodb", "delete-many",
         {**ORDERS, "filter": {"$comment": "cleanup"}}, DENY, ("db:mongodb/shop/orders/*",)),
    # ... a field in it narrows it: still held, not taken as every document
    Case("mongo-delete-many-by-field", "mongodb", "delete-many",
         {**ORDERS, "filter": {"status": "stale"}}, ASK, ("db:mongodb/shop/orders/*",)),
    # a pipeline given as JSON text still has its $out judged
    Case("mongo-aggregate-out-as-json-text", "mongodb", "aggregate",
         {**ORDERS, "pipeline": '[{"$out": "users"}]'}, DENY, ("db:mongodb/shop/users",)),
    Case("mongo-aggregate-pipeline-not-a-list", "mongodb", "aggregate",
         {**ORDERS, "pipeline": 7}, DENY),
    # explain executing an aggregate: its write stages are judged too
    Case("mongo-explain-aggregate-out", "mongodb", "explain",
         {**ORDERS, "method": [{"name": "aggregate",
                                "arguments": {"pipeline": [{"$out": "users"}]}}],
          "verbosity": "executionStats"}, DENY, ("db:mongodb/shop/users",)),
    Case("mongo-find-still-reads", "mongodb", "find", {**ORDERS, "filter": {}}, ALLOW),
    Case("mongo-aggregate-match-still-reads", "mongodb", "aggregate",
         {**ORDERS, "pipeline": [{"$match": {"a": 1}}]}, ALLOW),
    # Redis: the root JSON path with blanks around it is still the whole document
    Case("redis-json-del-root-padded", "redis", "json_del", {"name": "doc", "path": " $ "}, ASK,
         approvals=2),
    # Flux159's kubectl server: switches are tested for JavaScript truth...
    Case("kubectl-all-namespaces-as-text", "kubernetes", "kubectl_delete",
         {**WEB, "allNamespaces": "true", "context": "dev-1"}, DENY, ("k8s:payments/*",)),
    Case("kubectl-all-namespaces-as-number", "kubernetes", "kubectl_delete",
         {**WEB, "allNamespaces": 1, "context": "dev-1"}, DENY, ("k8s:payments/*",)),
    # ... and a namespace that is not text is passed on, not "default"
    Case("kubectl-namespace-as-list", "kubernetes", "kubectl_delete",
         {**WEB, "namespace": ["prod"], "context": "dev-1"}, DENY),
    Case("kubectl-namespace-as-list-protected", "kubernetes", "kubectl_delete",
         {**WEB, "namespace": ["payments"], "context": "dev-1"}, DENY),
    Case("kubectl-dev-delete-still-allowed", "kubernetes", "kubectl_delete",
         {**WEB, "namespace": "web", "context": "dev-1"}, ALLOW),
    Case("kubectl-get-still-reads", "kubernetes", "kubectl_get",
         {"resourceType": "pods", "namespace": "prod"}, ALLOW),
    # the npm Railway server: releases that ran the line through a shell ran a second command
    Case("railway-service-semicolon", "railway", "deploy",
         {**WS, "service": "web; railway down -y"}, DENY),
    Case("railway-service-and-and", "railway", "deploy",
         {**WS, "service": "web && railway volume delete -v v1 --yes"}, DENY),
    Case("railway-service-substitution", "railway", "list-variables",
         {**WS, "service": "$(railway down -y)"}, DENY),
    Case("railway-service-newline", "railway", "list-variables",
         {**WS, "service": "web\nrailway down -y"}, DENY),
    Case("railway-logs-filter-breaks-quotes", "railway", "get-logs",
         {**WS, "service": "web", "filter": 'x" ; railway down -y ; echo "'}, DENY),
    Case("railway-variables-still-read", "railway", "list-variables",
         {**WS, "service": "web"}, ALLOW),
    Case("railway-url-variable-still-held", "railway", "set-variables",
         {**WS, "service": "web", "variables": ["URL=postgres://u:p@h/db?ssl=1"]}, ASK),
    # Netlify: ids the server splices unencoded into its API paths
    Case("netlify-env-key-path-traversal", "netlify", "netlify-project-services-updater",
         _netlify("manage-env-vars", {"siteId": "s1", "deleteEnvVar": True,
                                      "envVarKey": "../../../sites/s2"}), DENY),
    Case("netlify-env-key-drops-site", "netlify", "netlify-project-services-updater",
         _netlify("manage-env-vars", {"siteId": "s1", "deleteEnvVar": True, "envVarKey": "DB?"}),
         DENY),
    Case("netlify-verbose-site-with-slash", "netlify", "netlify-project-manage-env-vars",
         {"siteId": "s1/../s2", "deleteEnvVar": True, "envVarKey": "DB"}, DENY),
    Case("netlify-env-read-still-allowed", "netlify", "netlify-project-services-updater",
         _netlify("manage-env-vars", {"siteId": "s1", "getAllEnvVars": True}), ALLOW),
]  # fmt: skip

_LOADED: dict[tuple[str, ...], Policy] = {}


def _policy(protect: tuple[str, ...]) -> Policy:
    if protect not in _LOADED:
        extra = "".join(f'\n  - "{p}"' for p in protect)
        _LOADED[protect] = load_policy(BRIEF_POLICY.replace("protected:", "protected:" + extra, 1))
    return _LOADED[protect]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mcp_family_calls_are_judged_as_what_they_do(case: Case) -> None:
    action = understand_mcp(
        case.server, case.tool, case.arguments, cwd="/work", home=HOME, files=FILES
    )
    decision = _policy(case.protect).judge(action, actor=ACTOR)
    seen = [(e.effect.value, e.resource.names, e.detail) for e in action.effects]
    assert decision.decision.value == case.expected, seen
    if case.approvals is not None:
        assert decision.approvals_required == case.approvals, seen


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("resources_delete", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}),
        ("pods_exec", {"name": "db-0", "command": ["sh", "-c", "rm -rf /var/lib/pg"]}),
        ("resources_scale", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}),
        ("helm_uninstall", {"name": "payments-api"}),
    ],
)
def test_a_kubernetes_servers_context_argument_does_not_make_a_call_dev(
    tool: str, args: dict[str, object], brief_policy: Policy
) -> None:
    """containers/kubernetes-mcp-server ignores ``context`` unless started on a kubeconfig with
    several contexts: a call naming a dev context is judged where the cluster is not told too."""
    extra = {"scale": 0} if tool == "resources_scale" else {}
    call = {**args, **extra, "namespace": "shop", "context": "kind-x"}
    decision = brief_policy.judge(understand_mcp("kubernetes", tool, call), actor=ACTOR)
    assert decision.decision is not Verdict.ALLOW, (tool, decision.reasons)
