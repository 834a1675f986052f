"""The built-in MCP meanings checked against the tool lists the servers publish today.

Each server's tools were listed from its real package, installed in a scratch directory (never
part of the project: these tests need neither the package nor the network): the server started
over stdio and asked ``tools/list`` (name, input schema, annotations), or, where it would not
start without an account, its own tool table read from the installed package. For every tool
the server annotates ``destructiveHint: true`` the test asserts keyturn's judgement with
realistic arguments: the effect, and the resource the arguments name. A tool keyturn has no
meaning for must come out ``unknown``, never a pass.

Judged for agent ``kiro`` under the BRIEF policy (plus the case's ``protect`` patterns).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.mcp import understand_mcp

pytest.importorskip("keyturn.understand.shell")
pytest.importorskip("keyturn.understand.sql")

R, C, U, D, X = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)
ACTOR = Actor(agent="kiro", operator="bob")
PROJECT = "a" * 24  # Atlas project ids are 24 hex digits
ORG = "b" * 24


class Case(NamedTuple):
    id: str
    server: str
    tool: str
    arguments: dict[str, Any]
    effect: EffectKind  # the strictest effect of the call
    name: str | None  # a resource name the effect must carry (None: none asserted)


def _judged(case: Case) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_mcp(case.server, case.tool, case.arguments, cwd="/work", home="/root")
    return [(e.effect, e.resource.names) for e in action.effects]


def _check(case: Case) -> None:
    """Some effect of the call is ``case.effect`` on ``case.name``."""
    seen = _judged(case)
    assert any(
        kind is case.effect and (case.name is None or case.name in names) for kind, names in seen
    ), seen


# -- Flux159/mcp-server-kubernetes ------------------------------------------------------------

FLUX159 = [
    Case("delete", "kubernetes", "kubectl_delete",
         {"resourceType": "deployment", "name": "web", "namespace": "prod"},
         D, "k8s:prod/deployment/web"),
    Case("scale", "kubernetes", "kubectl_scale",
         {"name": "web", "namespace": "prod", "replicas": 0}, U, "k8s:prod/deployment/web"),
    Case("apply", "kubernetes", "kubectl_apply",
         {"manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
          "namespace": "prod"}, U, "k8s:prod/configmap/c"),
    Case("exec", "kubernetes", "exec_in_pod",
         {"name": "web-1", "namespace": "prod", "command": ["rm", "-rf", "/data"]},
         D, "k8s:prod/pod/web-1/file:/data"),
    Case("helm-uninstall", "kubernetes", "uninstall_helm_chart",
         {"name": "web", "namespace": "prod"}, D, "helm:prod/web"),
    Case("helm-install", "kubernetes", "install_helm_chart",
         {"name": "web", "chart": "bitnami/nginx", "namespace": "prod"}, C, "helm:prod/web"),
    Case("helm-upgrade", "kubernetes", "upgrade_helm_chart",
         {"name": "web", "chart": "./chart", "namespace": "prod"}, U, "helm:prod/web"),
    Case("patch", "kubernetes", "kubectl_patch",
         {"resourceType": "deployment", "name": "web", "namespace": "prod",
          "patchData": {"spec": {"replicas": 0}}}, U, "k8s:prod/deployment/web"),
    Case("patch-file", "kubernetes", "kubectl_patch",
         {"resourceType": "deployment", "name": "web", "patchFile": "/tmp/p.json"},
         U, "k8s:default/deployment/web"),
    Case("patch-data-as-text", "kubernetes", "kubectl_patch",
         {"resourceType": "deployment", "name": "web", "patchData": "{}"}, X, None),
    Case("rollout-undo", "kubernetes", "kubectl_rollout",
         {"subCommand": "undo", "resourceType": "deployment", "name": "web",
          "namespace": "prod", "revision": 2}, U, "k8s:prod/deployment/web"),
    Case("rollout-restart", "kubernetes", "kubectl_rollout",
         {"subCommand": "restart", "resourceType": "statefulset", "name": "db",
          "namespace": "prod"}, U, "k8s:prod/statefulset/db"),
    Case("drain", "kubernetes", "node_management",
         {"operation": "drain", "nodeName": "n1", "force": True, "confirmDrain": True},
         D, "k8s:*/pod/*"),
    Case("cordon", "kubernetes", "node_management",
         {"operation": "cordon", "nodeName": "n1"}, U, "k8s:node/n1"),
    Case("node-operation-not-known", "kubernetes", "node_management",
         {"operation": "reboot", "nodeName": "n1"}, X, None),
    # cleanup, kubectl_generic, kubectl_create, port_forward: no meaning here
    Case("cleanup", "kubernetes", "cleanup", {}, X, None),
    Case("generic", "kubernetes", "kubectl_generic",
         {"command": "delete", "resourceType": "ns", "name": "prod"}, X, None),
    Case("create", "kubernetes", "kubectl_create",
         {"manifest": "kind: Namespace\nmetadata:\n  name: x\n"}, X, None),
]  # fmt: skip


@pytest.mark.parametrize("case", FLUX159, ids=[c.id for c in FLUX159])
def test_flux159_kubernetes_destructive_tools(case: Case) -> None:
    """npm ``mcp-server-kubernetes`` 4.1.7 (``tools/list`` over stdio; ``dist/tools/
    kubectl-patch.js``, ``kubectl-rollout.js``, ``node-management.js`` for the lines run):
    ``kubectl_patch``, ``kubectl_rollout`` and ``node_management`` (all ``destructiveHint``)
    were ``unknown`` naming nothing, so a ``protected`` deployment or namespace could not see
    them; they are now the ``kubectl`` lines the server runs. The cases of the other tools
    are false-alarm guards (they pass before and after)."""
    _check(case)


# -- containers/kubernetes-mcp-server ---------------------------------------------------------

CONTAINERS = [
    Case("pods-delete", "kubernetes", "pods_delete", {"name": "web-1", "namespace": "prod"},
         D, "k8s:prod/pod/web-1"),
    Case("resources-delete", "kubernetes", "resources_delete",
         {"apiVersion": "v1", "kind": "Namespace", "name": "payments"},
         D, "k8s:namespace/payments"),
    Case("resources-scale", "kubernetes", "resources_scale",
         {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "namespace": "prod",
          "scale": 0}, D, "k8s:prod/deployment/web"),
    Case("resources-create-or-update", "kubernetes", "resources_create_or_update",
         {"resource": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                      "  namespace: prod\n"}, U, "k8s:prod/configmap/c"),
    Case("helm-uninstall", "kubernetes", "helm_uninstall", {"name": "web", "namespace": "prod"},
         D, "helm:prod/web"),
    Case("pods-exec", "kubernetes", "pods_exec",
         {"name": "web-1", "namespace": "prod", "command": ["rm", "-rf", "/data"]}, U,
         "k8s:prod/pod/web-1"),
    # toolsets kubevirt, kiali, tekton: no meaning here
    Case("vm-lifecycle", "kubernetes", "vm_lifecycle",
         {"name": "vm1", "namespace": "prod", "action": "stop"}, X, None),
    Case("vm-create", "kubernetes", "vm_create", {"name": "vm1", "namespace": "prod"}, X, None),
    Case("kiali-istio", "kubernetes", "kiali_manage_istio_config",
         {"action": "delete", "kind": "VirtualService", "namespace": "prod", "object": "web"},
         X, None),
    Case("tekton-lifecycle", "kubernetes", "tekton_pipelinerun_lifecycle",
         {"action": "cancel", "name": "run-1", "namespace": "ci"}, X, None),
]  # fmt: skip


@pytest.mark.parametrize("case", CONTAINERS, ids=[c.id for c in CONTAINERS])
def test_containers_kubernetes_destructive_tools(case: Case) -> None:
    """npm ``kubernetes-mcp-server`` 0.0.67 (``tools/list`` over stdio with every toolset):
    each destructive core and helm tool names its object; the kubevirt, kiali and tekton tools
    are ``unknown``. False-alarm guard: passes before and after this change."""
    _check(case)


# -- mongodb-js/mongodb-mcp-server ------------------------------------------------------------

ATLAS = {"projectId": PROJECT}
MONGODB = [
    Case("delete-many-everything", "mongodb", "delete-many",
         {"connectionId": "prod-1", "database": "shop", "collection": "orders", "filter": {}},
         D, "db:mongodb/shop/orders/*"),
    Case("drop-collection", "mongodb", "drop-collection",
         {"connectionId": "prod-1", "database": "shop", "collection": "orders"},
         D, "db:mongodb/shop/orders"),
    Case("drop-database", "mongodb", "drop-database",
         {"connectionId": "prod-1", "database": "shop"}, D, "db:mongodb/shop/*"),
    Case("drop-index", "mongodb", "drop-index",
         {"connectionId": "prod-1", "database": "shop", "collection": "orders",
          "indexName": "by_user", "type": "classic"}, D, "db:mongodb/shop/orders/index/by_user"),
    Case("update-many", "mongodb", "update-many",
         {"connectionId": "prod-1", "database": "shop", "collection": "orders", "filter": {},
          "update": {"$set": {"x": 1}}}, U, "db:mongodb/shop/orders"),
    Case("rename-drop-target", "mongodb", "rename-collection",
         {"connectionId": "prod-1", "database": "shop", "collection": "tmp",
          "newName": "orders", "dropTarget": True}, D, "db:mongodb/shop/orders"),
    Case("pause-cluster", "mongodb", "atlas-pause-resume-cluster",
         {**ATLAS, "clusterName": "prod-main", "action": "PAUSE"},
         U, f"mongodb-atlas:project/{PROJECT}/cluster/prod-main"),
    Case("create-project-in-org", "mongodb", "atlas-create-project",
         {"projectName": "prod", "orgId": ORG}, C, f"mongodb-atlas:org/{ORG}/project/prod"),
    Case("create-cluster", "mongodb", "atlas-create-cluster",
         {**ATLAS, "clusterName": "prod-main", "provider": "AWS", "regions": ["US_EAST_1"]},
         C, f"mongodb-atlas:project/{PROJECT}/cluster/prod-main"),
    Case("upgrade-cluster", "mongodb", "atlas-upgrade-cluster",
         {**ATLAS, "clusterName": "prod-main", "targetTier": "M10"},
         U, f"mongodb-atlas:project/{PROJECT}/cluster/prod-main"),
    Case("load-sample-dataset", "mongodb", "atlas-load-sample-dataset",
         {**ATLAS, "clusterName": "prod-main"},
         U, f"mongodb-atlas:project/{PROJECT}/cluster/prod-main"),
    Case("streams-teardown-workspace", "mongodb", "atlas-streams-teardown",
         {**ATLAS, "resource": "workspace", "workspaceName": "prod-ws"},
         D, f"mongodb-atlas:project/{PROJECT}/streams/prod-ws/*"),
    Case("streams-teardown-processor", "mongodb", "atlas-streams-teardown",
         {**ATLAS, "resource": "processor", "workspaceName": "prod-ws", "resourceName": "p1"},
         D, f"mongodb-atlas:project/{PROJECT}/streams/prod-ws/processor/p1"),
    Case("streams-teardown-peering", "mongodb", "atlas-streams-teardown",
         {**ATLAS, "resource": "peering", "resourceName": "pcx-1"},
         D, f"mongodb-atlas:project/{PROJECT}/streams-peering/pcx-1"),
    Case("streams-teardown-kind-not-known", "mongodb", "atlas-streams-teardown",
         {**ATLAS, "resource": "everything", "workspaceName": "prod-ws"}, X, None),
    Case("streams-manage-stop", "mongodb", "atlas-streams-manage",
         {**ATLAS, "workspaceName": "prod-ws", "action": "stop-processor", "resourceName": "p1"},
         U, f"mongodb-atlas:project/{PROJECT}/streams/prod-ws/processor/p1"),
    Case("streams-manage-action-not-known", "mongodb", "atlas-streams-manage",
         {**ATLAS, "workspaceName": "prod-ws", "action": "purge"}, X, None),
    # atlas-streams-build and the assistant's tools: no meaning here
    Case("streams-build", "mongodb", "atlas-streams-build",
         {**ATLAS, "resource": "workspace", "workspaceName": "w"}, X, None),
    Case("disconnect", "mongodb", "disconnect", {"connectionId": "prod-1"}, X, None),
]  # fmt: skip


@pytest.mark.parametrize("case", MONGODB, ids=[c.id for c in MONGODB])
def test_mongodb_destructive_tools(case: Case) -> None:
    """npm ``mongodb-mcp-server`` 3.0.4 (``tools/list`` over stdio; ``@mongodb-js/
    mcp-tools-atlas`` 3.0.4 ``dist/tools/create/createProject.js``: the organization is
    ``orgId``; ``dist/tools/{create,update,streams}``): ``atlas-create-project`` named the
    organization ``*`` whatever ``orgId`` said, and ``atlas-upgrade-cluster``,
    ``atlas-create-cluster``, ``atlas-load-sample-dataset``, ``atlas-streams-teardown`` and
    ``atlas-streams-manage`` (new in 3.0) were ``unknown`` naming nothing. The cases of the
    other tools are false-alarm guards (they pass before and after)."""
    _check(case)


# -- Microsoft Azure MCP (npm @azure/mcp) -----------------------------------------------------

AZURE = [
    Case("all-mode-kv-delete", "azure", "appconfig_kv_delete",
         {"account": "prod-config", "key": "feature-x", "subscription": "sub1"},
         D, "azure:appconfig/kv/prod-config/feature-x"),
    Case("all-mode-kv-set", "azure", "appconfig_kv_set",
         {"account": "prod-config", "key": "feature-x", "value": "off"},
         U, "azure:appconfig/kv/prod-config/feature-x"),
    Case("all-mode-storage-create", "azure", "storage_account_create",
         {"account": "prodlogs", "resource-group": "rg-prod", "location": "eastus"},
         C, "azure:rg-prod/storage/account/prodlogs"),
    Case("old-prefixed-name", "azure", "azmcp_appconfig_kv_delete",
         {"account": "prod-config", "key": "feature-x"},
         D, "azure:appconfig/kv/prod-config/feature-x"),
    Case("namespace-mode", "azure", "appconfig",
         {"command": "appconfig_kv_delete", "parameters": {"account": "prod-config", "key": "k"}},
         D, "azure:appconfig/kv/prod-config/k"),
    # the other destructive commands: no meaning here
    Case("vm-delete", "azure", "compute_vm_delete", {"vm-name": "web", "resource-group": "rg"},
         X, None),
    Case("sql-db-delete", "azure", "sql_db_delete",
         {"server": "s", "database": "orders", "resource-group": "rg"}, X, None),
    Case("namespace-command-not-known", "azure", "sql",
         {"command": "sql_db_delete", "parameters": {"database": "orders"}}, X, None),
]  # fmt: skip


@pytest.mark.parametrize("case", AZURE, ids=[c.id for c in AZURE])
def test_azure_destructive_tools(case: Case) -> None:
    """npm ``@azure/mcp`` 2.0.5 (``azmcp server start --mode all`` and the default namespace
    mode, ``tools/list`` over stdio): in ``all`` mode the tools are named ``appconfig_kv_delete``
    (no ``azmcp_`` prefix since version 2), which keyturn did not know: ``unknown`` naming
    nothing, so a protected setting could not see its delete. The prefixed, namespace-mode and
    unknown cases are false-alarm guards (they pass before and after)."""
    _check(case)


# -- Supabase, Sentry, filesystem, git, GitHub, AWS, databases -------------------------------

OTHERS = [
    # npm @supabase/mcp-server-supabase 0.13.0 (supabaseMcpToolSchemas)
    Case("supabase-delete-branch", "supabase", "delete_branch", {"branch_id": "br1"},
         D, "supabase:branch/br1"),
    Case("supabase-reset-branch", "supabase", "reset_branch", {"branch_id": "br1"},
         D, "supabase:branch/br1/*"),
    Case("supabase-merge-branch", "supabase", "merge_branch", {"branch_id": "br1"},
         U, "supabase:project/*"),
    Case("supabase-execute-sql", "supabase", "execute_sql",
         {"project_id": "p1", "query": "DROP TABLE orders"}, D,
         "db:postgres/postgres/orders@db.p1.supabase.co"),
    Case("supabase-apply-migration", "supabase", "apply_migration",
         {"project_id": "p1", "name": "m", "query": "TRUNCATE orders"}, D, None),
    Case("supabase-deploy-function", "supabase", "deploy_edge_function",
         {"project_id": "p1", "name": "hook", "files": []}, U,
         "supabase:project/p1/function/hook"),
    Case("supabase-storage-config", "supabase", "update_storage_config",
         {"project_id": "p1", "config": {}}, U, "supabase:project/p1/storage"),
    Case("supabase-secret-not-mapped", "supabase", "create_edge_function_secret",
         {"project_id": "p1", "name": "API_KEY"}, X, None),
    # npm @sentry/mcp-server 0.36.0 (tools/list over stdio)
    Case("sentry-update-issue", "sentry", "update_issue",
         {"issueUrl": "https://acme.sentry.io/issues/PROJ-123", "status": "ignored"},
         U, "sentry:acme/issue/PROJ-123"),
    Case("sentry-update-project", "sentry", "update_project",
         {"organizationSlug": "acme", "projectSlug": "web", "slug": "web2"},
         U, "sentry:acme/project/web"),
    # npm @modelcontextprotocol/server-filesystem 2026.8.31 (tools/list over stdio)
    Case("fs-move", "filesystem", "move_file",
         {"source": "/srv/data", "destination": "/tmp/x"}, D, "file:/srv/data/*"),
    Case("fs-write", "filesystem", "write_file", {"path": "/etc/hosts", "content": ""}, C,
         "file:/etc/hosts"),
    Case("fs-edit", "filesystem", "edit_file",
         {"path": "/srv/a.py", "edits": [{"oldText": "a", "newText": "b"}]}, U,
         "file:/srv/a.py"),
    # PyPI mcp-server-git 2026.10.19 (tools/list over stdio): git_reset is index.reset()
    Case("git-reset", "git", "git_reset", {"repo_path": "/work/repo"}, U, "file:/work/repo"),
    # npm @modelcontextprotocol/server-github 2025.4.8 (tools/list over stdio)
    Case("github-push-files", "github", "push_files",
         {"owner": "acme", "repo": "infra", "branch": "main", "message": "m",
          "files": [{"path": "main.tf", "content": ""}]}, U, "github:acme/infra/main.tf"),
    Case("github-merge", "github", "merge_pull_request",
         {"owner": "acme", "repo": "infra", "pull_number": 7}, U, "github:acme/infra/pull/7"),
    # PyPI awslabs.aws-api-mcp-server 1.5.4 (server.py: call_aws, cli_command)
    Case("aws-call", "aws", "call_aws",
         {"cli_command": "aws rds delete-db-instance --db-instance-identifier prod-db"},
         D, "arn:aws:rds:*:*:db:prod-db"),
    Case("aws-execution-plan-not-mapped", "aws", "get_execution_plan", {"script_name": "x"},
         X, None),
    # npm @modelcontextprotocol/server-postgres 0.6.2, PyPI mysql-mcp-server 0.4.2,
    # npm @benborla29/mcp-server-mysql 2.0.9, PyPI mcp-server-sqlite 2025.4.25
    Case("postgres-query", "postgres", "query", {"sql": "DROP TABLE orders"}, D, None),
    Case("mysql-execute-sql", "mysql", "execute_sql", {"query": "DROP TABLE orders"}, D,
         "db:mysql/*/orders"),
    Case("mysql-query", "mysql", "mysql_query", {"sql": "DELETE FROM orders"}, D, None),
    Case("mysql-schema-info-not-mapped", "mysql", "get_schema_info", {"table_name": "t"},
         X, None),
    Case("sqlite-write", "sqlite", "write_query", {"query": "DELETE FROM users"}, D,
         "db:sqlite/*/users"),
    # npm @modelcontextprotocol/server-memory 2026.8.31 and server-everything: no family
    Case("memory-delete", "memory", "delete_entities", {"entityNames": ["x"]}, X, None),
    Case("everything-tool", "everything", "toggle-simulated-logging", {}, X, None),
]  # fmt: skip


@pytest.mark.parametrize("case", OTHERS, ids=[c.id for c in OTHERS])
def test_other_servers_destructive_tools(case: Case) -> None:
    """The versions each case names, listed as the module docstring says. False-alarm guard:
    these mappings already matched the current tools, and pass before and after this change."""
    _check(case)


_LOADED: dict[tuple[str, ...], Policy] = {}


def _policy(protect: tuple[str, ...]) -> Policy:
    if protect not in _LOADED:
        extra = "".join(f'\n  - "{p}"' for p in protect)
        _LOADED[protect] = load_policy(BRIEF_POLICY.replace("protected:", "protected:" + extra, 1))
    return _LOADED[protect]


@pytest.mark.parametrize(
    ("server", "tool", "arguments", "protect"),
    [
        ("kubernetes", "node_management",
         {"operation": "drain", "nodeName": "n1", "confirmDrain": True}, "k8s:payments/*"),
        ("kubernetes", "kubectl_rollout",
         {"subCommand": "undo", "resourceType": "deployment", "name": "api",
          "namespace": "payments"}, "k8s:payments/deployment/api"),
        ("azure", "appconfig_kv_delete", {"account": "prod-config", "key": "flag"},
         "azure:appconfig/kv/prod-config/*"),
        ("mongodb", "atlas-streams-teardown",
         {**ATLAS, "resource": "workspace", "workspaceName": "prod-ws"},
         f"mongodb-atlas:project/{PROJECT}/streams/prod-ws/processor/*"),
    ],
)  # fmt: skip
def test_protected_resources_see_the_destructive_tools_in_dev(
    server: str, tool: str, arguments: dict[str, Any], protect: str
) -> None:
    """In ``dev`` (where the BRIEF policy allows every change) an ``unknown`` that names
    nothing is held for one approval but never meets ``protected``; the delete that names what
    it reaches is refused, and so is an ``unknown`` on a resource a pattern names. The drain
    evicts every pod (``k8s:*/pod/*``), a protected namespace's among them; a teardown of a
    workspace takes its processors."""
    action = understand_mcp(
        server, tool, arguments, cwd="/work", home="/root", target=Target(environment="dev")
    )
    decision = _policy((protect,)).judge(action, actor=ACTOR)
    seen = [(e.effect.value, e.resource.names) for e in action.effects]
    if tool == "kubectl_rollout":  # an update of a protected object: allowed in dev, marked
        assert decision.decision.value == "allow", seen
        assert action.effects[0].resource.names[0] == protect, seen
        return
    assert decision.decision.value == "deny", seen
