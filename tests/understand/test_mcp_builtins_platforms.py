"""Built-in meanings of the hosting-platform and observability MCP servers by their real tool
names: Railway (the npm server's railway lines and the CLI's own server), Vercel, Netlify,
Cloudflare, Azure, Grafana, Sentry, and Flux159's kubectl server; the family a server name
falls in; what the BRIEF's policy decides; and one policy covering the tool and the shell line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from keyturn.model import Action, Actor, EffectKind, Verdict
from keyturn.policy import load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import probe_mcp, understand_mcp, understood_by
from keyturn.understand.mcp_servers import family_for, text_arguments

pytest.importorskip("keyturn.understand.sql")
pytest.importorskip("keyturn.understand.shell")

R, C, U, D, X = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)
ACTOR = Actor(agent="claude", operator="olivia")
HOME = "/root"
# The directory the npm Railway server's tools run in is linked to project shop, production.
LINKED = {"projects": {"/work/app": {"name": "shop", "environmentName": "production"}}}
FILES = MemoryFiles(
    {
        f"{HOME}/.railway/config.json": json.dumps(LINKED),
        "/work/site/.netlify/state.json": json.dumps({"siteId": "site-1"}),
    }
)


def understand(server: str, tool: str, args: dict[str, Any]) -> Action:
    return understand_mcp(server, tool, args, cwd="/work", home=HOME, files=FILES)


def effects(action: Action) -> list[tuple[EffectKind, str]]:
    """(kind, first resource name) of each effect."""
    return [(e.effect, e.resource.names[0]) for e in action.effects]


def all_names(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


# -- what each tool does, by its real arguments ---------------------------------------------

Row = tuple[str, dict[str, Any], list[tuple[EffectKind, str]]]
WS = {"workspacePath": "/work/app"}
SHOP = "railway:shop/production"
CFG = f"file:{HOME}/.railway/config.json"
API = {"project_id": "p1", "environment_id": "production"}

RAILWAY: list[Row] = [
    # @railway/mcp-server: the railway line, run in workspacePath (linked to shop/production)
    ("deploy", {**WS, "service": "web"}, [(U, f"{SHOP}/service/web"), (U, CFG)]),
    ("deploy", {**WS, "environment": "staging", "ci": True},
     [(U, "railway:shop/staging/service/*"), (U, CFG)]),
    ("set-variables", {**WS, "service": "web", "variables": ["A=1", "B=2"]},
     [(U, f"{SHOP}/service/web/variable/A"), (U, f"{SHOP}/service/web/variable/B")]),
    ("list-variables", {**WS, "service": "web"}, [(R, f"{SHOP}/service/web/variable/*")]),
    ("create-environment", {**WS, "environmentName": "dev", "duplicateEnvironment": "production"},
     [(C, "railway:shop/dev")]),
    ("link-environment", {**WS, "environmentName": "dev"}, [(U, CFG)]),
    ("link-service", {**WS, "serviceName": "web"}, [(U, CFG)]),
    ("link-service", WS, [(R, SHOP)]),
    ("list-services", WS, [(R, SHOP)]),
    ("generate-domain", {**WS, "service": "web"}, [(C, f"{SHOP}/service/web/domain/*")]),
    ("get-logs", {**WS, "logType": "build", "service": "web", "lines": 50},
     [(R, f"{SHOP}/service/web")]),
    ("list-projects", WS, [(R, "railway:*")]),
    ("create-project-and-link", {**WS, "projectName": "shop2"}, [(C, "railway:shop2"), (U, CFG)]),
    ("deploy-template", {**WS, "searchQuery": "postgres"}, [(C, f"{SHOP}/service/*")]),
    ("list-deployments", {**WS, "service": "web"},
     [(R, "railway:*/*/service/web/deployment/*")]),
    ("check-railway-status", {}, [(R, "mcp:railway/check-railway-status")]),
    # railway mcp (the CLI's own server): Railway's API, named in the shell's form
    ("deploy", {**API, "service_id": "web"}, [(U, "railway:p1/production/service/web")]),
    ("list_variables", {**API, "service_id": "web"},
     [(R, "railway:p1/production/service/web/variable/*")]),
    ("set_variables", {**API, "service_id": "web", "variables": {"A": "1"}},
     [(U, "railway:p1/production/service/web/variable/A")]),
    ("add_reference_variable",
     {**API, "service_id": "web", "variables": [{"name": "DB", "value": "${{ pg.URL }}"}]},
     [(U, "railway:p1/production/service/web/variable/DB")]),
    ("generate_domain", {**API, "service_id": "web", "domain": "api.acme.com"},
     [(C, "railway:p1/production/service/web/domain/api.acme.com")]),
    ("create_environment", {"project_id": "p1", "name": "dev"}, [(C, "railway:p1/dev")]),
    ("create_project", {"name": "shop"}, [(C, "railway:shop")]),
    ("create_service", {**API, "name": "worker"}, [(C, "railway:p1/production/service/worker")]),
    ("link_service", {"service_name": "web"}, [(U, CFG)]),
    ("link_environment", {}, [(R, "railway:*/*")]),
    ("remove_service", {**API, "service_id": "web"}, [(R, "railway:p1/production/service/web")]),
    ("remove_service", {**API, "service_id": "web", "confirm": True},
     [(D, "railway:p1/production/service/web")]),
    ("remove_volume", {"volume_id": "v1", "confirm": True}, [(D, "railway:*/*/volume/v1")]),
    ("remove_bucket", {**API, "bucket_id": "b1", "confirm": True},
     [(D, "railway:p1/production/bucket/b1")]),
    ("scale_service", {**API, "service_id": "web", "replicas": {"us-east": 2}},
     [(U, "railway:p1/production/service/web")]),
    ("scale_service", {**API, "service_id": "web", "replicas": {"us-east": 0, "eu-west": 0}},
     [(D, "railway:p1/production/service/web/deployment/latest")]),
    ("create_volume", {**API, "service_id": "web", "mount_path": "/data"},
     [(C, "railway:p1/production/volume/*"), (U, "railway:p1/production/service/web")]),
    ("get_logs", {**API, "service_id": "web"}, [(R, "railway:p1/production/service/web")]),
    ("environment_status", API, [(R, "railway:p1/production")]),
]  # fmt: skip

VERCEL: list[Row] = [
    ("list_projects", {"teamId": "t1"}, [(R, "mcp:vercel/list_projects")]),
    ("get_deployment_build_logs", {"idOrUrl": "https://shop-abc.vercel.app/"},
     [(R, "vercel:deployment/shop-abc.vercel.app")]),
    ("get_deployment", {"idOrUrl": "dpl_123"}, [(R, "vercel:deployment/dpl_123")]),
    ("cancel_deployment", {"id": "dpl_123"}, [(U, "vercel:deployment/dpl_123")]),
    ("pause_project", {"projectId": "prj_1"}, [(U, "vercel:project/prj_1/production")]),
    ("create_project", {"requestBody": {"name": "shop"}}, [(C, "vercel:project/shop")]),
]  # fmt: skip


def netlify(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"selectSchema": {"operation": operation, "params": params}}


SITE = "netlify:site/site-1"
NETLIFY: list[Row] = [
    ("netlify-project-services-reader", netlify("get-project", {"siteId": "site-1"}), [(R, SITE)]),
    ("netlify-project-services-reader", netlify("get-projects", {}),
     [(R, "mcp:netlify/netlify-project-services-reader")]),
    ("netlify-deploy-services-reader", netlify("get-deploy", {"deployId": "d1"}),
     [(R, "netlify:site/*/deploy/d1")]),
    ("netlify-project-services-updater",
     netlify("manage-env-vars", {"siteId": "site-1", "deleteEnvVar": True, "envVarKey": "DB"}),
     [(D, f"{SITE}/env/*/DB")]),
    ("netlify-project-services-updater",
     netlify("manage-env-vars", {"siteId": "site-1", "upsertEnvVar": True, "envVarKey": "DB",
                                 "envVarValue": "x", "newVarContext": "production"}),
     [(U, f"{SITE}/env/production/DB")]),
    ("netlify-project-services-updater",
     netlify("manage-env-vars", {"siteId": "site-1", "getAllEnvVars": True}),
     [(R, f"{SITE}/env/*")]),
    ("netlify-project-services-updater",
     netlify("manage-form-submissions", {"siteId": "site-1", "action": "delete-submission",
                                         "submissionId": "s9"}),
     [(D, f"{SITE}/submission/s9")]),
    ("netlify-project-services-updater",
     netlify("update-project-name", {"siteId": "site-1", "name": "shop"}), [(U, SITE)]),
    ("netlify-project-services-updater",
     netlify("create-new-project", {"name": "shop"}), [(C, "netlify:site/shop")]),
    # the site from the directory's .netlify/state.json, which already records it
    ("netlify-deploy-services-updater", netlify("deploy-site", {"deployDirectory": "/work/site"}),
     [(R, "file:/work/site"), (U, f"{SITE}/production")]),
    # a site id the directory does not record yet: recorded there
    ("netlify-deploy-services-updater",
     netlify("deploy-site", {"deployDirectory": "/work/new", "siteId": "site-2"}),
     [(R, "file:/work/new"), (U, "netlify:site/site-2/production"),
      (U, "file:/work/new/.netlify/state.json")]),
    ("netlify-extension-services-updater",
     netlify("change-extension-installation",
             {"teamId": "t1", "extensionSlug": "neon", "shouldBeInstalled": False}),
     [(D, "netlify:team/t1/extension/neon")]),
    # verbose mode: the operation is the tool, its params the arguments
    ("netlify-project-manage-env-vars", {"siteId": "site-1", "deleteEnvVar": True,
                                         "envVarKey": "DB"}, [(D, f"{SITE}/env/*/DB")]),
    # an earlier release's router
    ("ntl-project-operations", netlify("update-forms", {"siteId": "site-1", "forms": "enabled"}),
     [(U, SITE)]),
]  # fmt: skip

CLOUDFLARE: list[Row] = [
    ("workers_get_worker", {"scriptName": "api"}, [(R, "cloudflare:worker/api")]),
    ("kv_namespace_create", {"title": "sessions"}, [(C, "cloudflare:kv/sessions")]),
    ("kv_namespace_delete", {"namespace_id": "ns1"}, [(D, "cloudflare:kv/ns1")]),
    ("r2_bucket_delete", {"name": "assets"}, [(D, "cloudflare:r2/assets")]),
    ("r2_object_put", {"bucket": "assets", "key": "a.txt", "content": "x"},
     [(U, "cloudflare:r2/assets/a.txt")]),
    ("r2_object_delete", {"bucket": "assets", "key": "a.txt"}, [(D, "cloudflare:r2/assets/a.txt")]),
    ("d1_database_create", {"name": "shop"}, [(C, "cloudflare:d1/shop")]),
    ("d1_database_delete", {"database_id": "db1"}, [(D, "cloudflare:d1/db1")]),
    # the SQL decides, as SQLite's in that database
    ("d1_database_query", {"database_id": "db1", "sql": "SELECT * FROM users", "params": None},
     [(R, "db:sqlite/db1")]),
    ("d1_database_query", {"database_id": "db1", "sql": "DROP TABLE users", "params": None},
     [(D, "db:sqlite/db1/users")]),
    ("hyperdrive_config_delete", {"hyperdrive_id": "h1"}, [(D, "cloudflare:hyperdrive/h1")]),
    ("set_active_account", {"activeAccountIdParam": "acc1"}, [(U, "cloudflare:account/acc1")]),
]  # fmt: skip

AZURE: list[Row] = [
    # namespace mode: the namespace tool, its command and parameters
    ("group", {"intent": "list groups", "command": "list", "parameters": {"subscription": "s1"}},
     [(R, "azure:group/*")]),
    ("storage", {"intent": "x", "command": "account_get", "parameters": {"account": "acct"}},
     [(R, "azure:storage/account/acct")]),
    ("appconfig", {"intent": "x", "command": "kv_delete",
                   "parameters": {"account": "cfg", "key": "k", "resource-group": "rg"}},
     [(D, "azure:appconfig/kv/cfg/k")]),
    ("appconfig", {"command": "kv_set", "parameters": {"account": "cfg", "key": "k", "value": "v"}},
     [(U, "azure:appconfig/kv/cfg/k")]),
    # learn with a blank intent only lists the commands
    ("storage", {"intent": "", "learn": True}, [(R, "mcp:azure/storage")]),
    # all mode: the command is the tool, its options the arguments
    ("azmcp_storage_account_create", {"account": "acct", "resource-group": "rg"},
     [(C, "azure:storage/account/acct")]),
    ("azmcp_appconfig_kv_delete", {"account": "cfg", "key": "k"},
     [(D, "azure:appconfig/kv/cfg/k")]),
    ("azmcp_subscription_list", {}, [(R, "azure:subscriptions/*")]),
]  # fmt: skip

GRAFANA: list[Row] = [
    ("search_dashboards", {"query": "api"}, [(R, "mcp:mcp-grafana/search_dashboards")]),
    ("get_dashboard_by_uid", {"uid": "abc"}, [(R, "grafana:dashboard/abc")]),
    ("query_prometheus", {"datasourceUid": "p", "expr": "up"},
     [(R, "mcp:mcp-grafana/query_prometheus")]),
    ("update_dashboard", {"uid": "abc", "operations": [{"op": "remove", "path": "$.panels[0]"}]},
     [(U, "grafana:dashboard/abc")]),
    ("update_dashboard", {"dashboard": {"uid": "abc", "title": "API"}, "overwrite": True},
     [(U, "grafana:dashboard/abc")]),
    ("update_dashboard", {"dashboard": {"title": "New"}, "folderUid": "f1"},
     [(C, "grafana:dashboard/*")]),
    ("alerting_manage_rules", {"operation": "list"}, [(R, "grafana:alert-rule/*")]),
    ("alerting_manage_rules", {"operation": "create", "title": "t", "folder_uid": "f1"},
     [(C, "grafana:alert-rule/*")]),
    ("alerting_manage_rules", {"operation": "update", "rule_uid": "r1"},
     [(U, "grafana:alert-rule/r1")]),
    ("alerting_manage_rules", {"operation": "delete", "rule_uid": "r1"},
     [(D, "grafana:alert-rule/r1")]),
    ("delete_alert_rule", {"uid": "r1"}, [(D, "grafana:alert-rule/r1")]),
    ("create_incident", {"title": "API down", "severity": "critical"},
     [(C, "grafana:incident/*")]),
    ("add_activity_to_incident", {"incidentId": "42", "body": "rolled back"},
     [(U, "grafana:incident/42")]),
    ("update_annotation", {"id": 7, "text": "x"}, [(U, "grafana:annotation/7")]),
]  # fmt: skip

SENTRY: list[Row] = [
    ("find_projects", {"organizationSlug": "acme"}, [(R, "mcp:sentry/find_projects")]),
    ("get_issue_details", {"organizationSlug": "acme", "issueId": "API-1"},
     [(R, "mcp:sentry/get_issue_details")]),
    ("update_issue", {"organizationSlug": "acme", "issueId": "API-1", "status": "resolved"},
     [(U, "sentry:acme/issue/API-1")]),
    ("update_issue", {"issueUrl": "https://acme.sentry.io/issues/123/", "status": "ignored"},
     [(U, "sentry:acme/issue/123")]),
    ("update_issue", {"issueUrl": "https://sentry.io/organizations/acme/issues/123/"},
     [(U, "sentry:acme/issue/123")]),
    ("add_issue_note", {"organizationSlug": "acme", "issueId": "API-1", "text": "x"},
     [(U, "sentry:acme/issue/API-1")]),
    ("create_project", {"organizationSlug": "acme", "teamSlug": "t", "name": "api"},
     [(C, "sentry:acme/project/api")]),
    ("update_project", {"organizationSlug": "acme", "projectSlug": "api"},
     [(U, "sentry:acme/project/api")]),
    ("delete_alert_rule", {"organizationSlug": "acme", "ruleId": "12345"},
     [(D, "sentry:acme/alert-rule/12345")]),
    ("delete_uptime_monitor",
     {"organizationSlug": "acme", "projectSlug": "api", "uptimeMonitorId": "9"},
     [(D, "sentry:acme/project/api/monitor/9")]),
    # the gateway calls a catalog tool by name: understood as that tool
    ("execute_sentry_tool", {"name": "update_issue", "arguments": {
        "organizationSlug": "acme", "issueId": "API-1", "status": "resolved"}},
     [(U, "sentry:acme/issue/API-1")]),
    ("execute_sentry_tool", {"name": "whoami", "arguments": {}},
     [(R, "mcp:sentry/execute_sentry_tool")]),
]  # fmt: skip

NS_MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n"
CM_MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n"
KUBECTL: list[Row] = [
    ("kubectl_get", {"resourceType": "pods", "namespace": "prod"},
     [(R, "mcp:kubernetes/kubectl_get")]),
    ("kubectl_delete", {"resourceType": "deployment", "name": "web", "namespace": "prod"},
     [(D, "k8s:prod/deployment/web")]),
    ("kubectl_delete", {"resourceType": "namespace", "name": "payments"},
     [(D, "k8s:namespace/payments")]),
    ("kubectl_delete", {"manifest": NS_MANIFEST}, [(D, "k8s:namespace/payments")]),
    ("kubectl_apply", {"manifest": CM_MANIFEST, "namespace": "prod"},
     [(U, "k8s:prod/configmap/app")]),
    ("kubectl_apply", {"manifest": CM_MANIFEST}, [(U, "k8s:default/configmap/app")]),
    ("kubectl_apply", {"manifest": CM_MANIFEST, "namespace": "prod", "dryRun": True},
     [(R, "k8s:prod/configmap/app")]),
    ("kubectl_scale", {"name": "web", "namespace": "prod", "replicas": 3},
     [(U, "k8s:prod/deployment/web")]),
    ("exec_in_pod", {"name": "web", "namespace": "prod", "command": ["ls", "/app"]},
     [(R, "file:/app")]),
    ("install_helm_chart", {"name": "web", "chart": "bitnami/nginx", "namespace": "prod"},
     [(C, "helm:prod/web")]),
    ("upgrade_helm_chart", {"name": "web", "chart": "bitnami/nginx", "namespace": "prod"},
     [(U, "helm:prod/web")]),
    ("uninstall_helm_chart", {"name": "web", "namespace": "prod"}, [(D, "helm:prod/web")]),
]  # fmt: skip

CASES = [
    (server, *row)
    for server, rows in (
        ("railway", RAILWAY),
        ("vercel", VERCEL),
        ("netlify", NETLIFY),
        ("cloudflare", CLOUDFLARE),
        ("azure", AZURE),
        ("mcp-grafana", GRAFANA),
        ("sentry", SENTRY),
        ("kubernetes", KUBECTL),
    )
    for row in rows
]


@pytest.mark.parametrize(("server", "tool", "args", "expected"), CASES)
def test_real_tools_mean_what_their_arguments_say(
    server: str, tool: str, args: dict[str, Any], expected: list[tuple[EffectKind, str]]
) -> None:
    action = understand(server, tool, args)
    assert effects(action) == expected
    for effect in action.effects:
        assert effect.tool == f"mcp:{server}/{tool}"
        assert f"mcp:{server}/{tool}" in effect.resource.names
    assert understood_by(server, tool) == "builtin"


# -- wide operations name wide resources --------------------------------------------------

WIDE = [
    ("railway", "remove_service", {**API, "service_id": "web", "confirm": True},
     "railway:p1/production/service/web/*"),
    ("railway", "remove_volume", {"volume_id": "v1", "confirm": True}, "railway:*/*/volume/v1/*"),
    ("cloudflare", "kv_namespace_delete", {"namespace_id": "ns1"}, "cloudflare:kv/ns1/*"),
    ("cloudflare", "r2_bucket_delete", {"name": "assets"}, "cloudflare:r2/assets/*"),
    ("cloudflare", "d1_database_delete", {"database_id": "db1"}, "db:sqlite/db1/*"),
    ("netlify", "netlify-project-services-updater",
     netlify("manage-env-vars", {"siteId": "site-1", "deleteEnvVar": True, "envVarKey": "DB"}),
     "netlify:site/site-1/env/*/DB"),
    ("kubernetes", "kubectl_delete", {"resourceType": "namespace", "name": "payments"},
     "k8s:payments/*"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "wide"), WIDE)
def test_wide_deletes_name_everything_they_take(
    server: str, tool: str, args: dict[str, Any], wide: str
) -> None:
    deleted = [e for e in understand(server, tool, args).effects if e.effect is D]
    assert deleted
    assert any(wide in e.resource.names for e in deleted)


def test_railway_lines_split_on_spaces_as_the_server_runs_them() -> None:
    """A value with a space becomes two words of the line: the shell sees what railway sees."""
    args = {**WS, "service": "web --environment staging"}
    (deploy, _) = understand("railway", "deploy", args).effects
    assert deploy.resource.names[0] == "railway:shop/staging/service/web"


def test_railway_removals_without_confirm_only_preview() -> None:
    (effect,) = understand("railway", "remove_volume", {"volume_id": "v1"}).effects
    assert effect.effect is R
    assert "confirm" in effect.detail


def test_azure_learn_with_an_intent_may_run_a_command_it_chooses() -> None:
    args = {"intent": "clean up the old storage accounts", "learn": True}
    (effect,) = understand("azure", "storage", args).effects
    assert effect.effect is X
    assert "sampling" in effect.detail


def test_azure_unlocking_a_setting_removes_its_protection() -> None:
    params = {"account": "cfg", "key": "k"}
    (unlock,) = understand(
        "azure", "appconfig", {"command": "kv_lock_set", "parameters": params}
    ).effects
    (lock,) = understand(
        "azure", "appconfig", {"command": "kv_lock_set", "parameters": {**params, "lock": True}}
    ).effects
    assert unlock.removes_protection
    assert not lock.removes_protection


def test_netlify_visitor_protection_switched_off_says_so() -> None:
    params = {"siteId": "site-1", "appliesTo": "all-projects", "requirePassword": False}
    args = netlify("update-visitor-access-controls", params)
    (effect,) = understand("netlify", "netlify-project-services-updater", args).effects
    assert "removes" in effect.detail


def test_kubectl_context_and_namespace_reach_the_target() -> None:
    args = {"resourceType": "deployment", "name": "web", "namespace": "prod", "context": "prod-1"}
    (effect,) = understand("kubernetes", "kubectl_delete", args).effects
    assert effect.target.kube_context == "prod-1"


def test_text_arguments_the_meanings_read_themselves() -> None:
    assert text_arguments("cloudflare", "d1_database_query") == frozenset({"sql"})
    assert text_arguments("azure", "storage") == frozenset({"command"})
    assert text_arguments("kubernetes", "exec_in_pod") == frozenset({"command"})


def test_an_azure_command_name_is_not_a_shell_line() -> None:
    args = {"command": "account_get", "parameters": {"account": "acct"}}
    assert not any(n.startswith("shell:") for n in all_names(understand("azure", "storage", args)))


# -- the family a server name falls in --------------------------------------------------------

FAMILY_OF = [
    ("railway", "railway"), ("railway-mcp-server", "railway"), ("vercel", "vercel"),
    ("netlify", "netlify"), ("cloudflare", "cloudflare"), ("cloudflare-bindings", "cloudflare"),
    ("azure", "azure"), ("azure-mcp", "azure"), ("azmcp", "azure"), ("grafana", "grafana"),
    ("mcp-grafana", "grafana"), ("sentry", "sentry"), ("sentry-mcp", "sentry"),
    ("mcp-server-kubernetes", "kubernetes"), ("kubernetes", "kubernetes"),
    # a database on a platform stays the database's; the earlier families keep their names
    ("railway-postgres", "postgres"), ("supabase", "supabase"), ("docker", "docker"),
    ("github", "github"), ("fetch", "fetch"), ("inventory", None),
]  # fmt: skip


@pytest.mark.parametrize(("server", "family"), FAMILY_OF)
def test_server_names_fall_in_the_family_they_name(server: str, family: str | None) -> None:
    assert family_for(server) == family


# -- tools a family does not list, and arguments that are missing ---------------------------

UNLISTED = [
    ("railway", "ssh"), ("vercel", "delete_project"), ("vercel", "deploy_to_vercel"),
    ("cloudflare", "workers_delete"), ("azure", "keyvault"), ("azure", "azmcp_group_delete"),
    ("grafana", "query_clickhouse"), ("grafana", "alerting_manage_routing"),
    ("sentry", "use_sentry"), ("kubernetes", "kubectl_generic"),
    ("kubernetes", "kubectl_create"), ("netlify", "netlify-deploy"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool"), UNLISTED)
def test_a_tool_the_family_does_not_list_is_unknown(server: str, tool: str) -> None:
    action = understand(server, tool, {"name": "x"})
    assert X in [e.effect for e in action.effects]
    assert understood_by(server, tool) is None
    assert [e.effect for e in probe_mcp(server, tool).effects] == [X]


UNKNOWN_CALLS = [
    ("netlify", "netlify-agent-runner-services-updater", netlify("start-run", {})),
    ("netlify", "netlify-project-services-updater", {"selectSchema": {"operation": "nuke"}}),
    ("azure", "storage", {"intent": "delete it", "command": "account_delete"}),
    ("sentry", "execute_sentry_tool", {"name": "use_sentry", "arguments": {}}),
    ("grafana", "alerting_manage_rules", {"operation": "purge"}),
    ("kubernetes", "install_helm_chart",
     {"name": "web", "chart": "nginx", "namespace": "prod", "useTemplate": True}),
    ("kubernetes", "kubectl_apply", {"manifest": "kind: X\nKEYTURN_MANIFEST_END\n"}),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args"), UNKNOWN_CALLS)
def test_calls_whose_meaning_is_decided_elsewhere_are_unknown(
    server: str, tool: str, args: dict[str, Any]
) -> None:
    assert [e.effect for e in understand(server, tool, args).effects] == [X]


MISSING = [
    ("railway", "deploy", {"service": "web", "ci": False, "workspacePath": None}, "workspacePath"),
    ("railway", "create-project-and-link", WS, "projectName"),
    ("railway", "set-variables", WS, "variables"),
    ("railway", "set_variables", API, "variables"),
    ("vercel", "cancel_deployment", {}, "id"),
    ("cloudflare", "kv_namespace_delete", {}, "namespace_id"),
    ("cloudflare", "d1_database_query", {"database_id": "db1"}, "sql"),
    ("grafana", "alerting_manage_rules", {"operation": "delete"}, "rule_uid"),
    ("grafana", "update_dashboard", {"operations": [{"op": "remove"}]}, "uid"),
    ("sentry", "update_issue", {"organizationSlug": "acme"}, "issueId"),
    ("sentry", "delete_alert_rule", {"organizationSlug": "acme"}, "ruleId"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "missing"), MISSING)
def test_a_missing_argument_is_unknown_and_named(
    server: str, tool: str, args: dict[str, Any], missing: str
) -> None:
    action = understand(server, tool, args)
    assert [e.effect for e in action.effects] == [X]
    assert missing in action.effects[0].detail


@pytest.mark.parametrize(
    ("server", "tool", "kind"),
    [
        ("railway", "set-variables", U),
        ("railway", "remove_volume", D),
        ("cloudflare", "r2_bucket_delete", D),
        ("kubernetes", "uninstall_helm_chart", D),
        ("netlify", "netlify-project-services-reader", R),
        ("netlify", "netlify-project-services-updater", U),
        ("cloudflare", "d1_database_query", R),  # only the SQL could tell
    ],
)
def test_probe_without_arguments_gives_the_nominal_effect(
    server: str, tool: str, kind: EffectKind
) -> None:
    assert [e.effect for e in probe_mcp(server, tool).effects] == [kind]


# -- decisions under the BRIEF's policy --------------------------------------------------------


def judge(
    policy_text: str, server: str, tool: str, args: dict[str, Any], *, protect: str = ""
) -> tuple[Verdict, int, list[str]]:
    if protect:
        policy_text = policy_text.replace("protected:", f'protected:\n  - "{protect}"', 1)
    decision = load_policy(policy_text).judge(understand(server, tool, args), actor=ACTOR)
    return decision.decision, decision.approvals_required, [j.rule for j in decision.judgements]


DECISIONS = [
    ("railway", "list-variables", {**WS, "service": "web"}, Verdict.ALLOW, 0),
    ("railway", "set-variables", {**WS, "service": "web", "variables": ["A=1"]}, Verdict.ASK, 1),
    ("railway", "remove_volume", {"volume_id": "v1"}, Verdict.ALLOW, 0),
    ("railway", "remove_volume", {"volume_id": "v1", "confirm": True}, Verdict.ASK, 2),
    ("vercel", "get_deployment", {"idOrUrl": "dpl_1"}, Verdict.ALLOW, 0),
    ("vercel", "delete_project", {"idOrName": "shop"}, Verdict.DENY, 0),
    ("netlify", "netlify-project-services-updater",
     netlify("manage-env-vars", {"siteId": "s1", "deleteEnvVar": True, "envVarKey": "DB"}),
     Verdict.ASK, 2),
    ("cloudflare", "d1_database_query", {"database_id": "db1", "sql": "SELECT 1"},
     Verdict.ALLOW, 0),
    ("cloudflare", "d1_database_query", {"database_id": "db1", "sql": "DELETE FROM users"},
     Verdict.ASK, 2),
    ("azure", "storage", {"intent": "x", "learn": True}, Verdict.DENY, 0),
    ("azure", "storage", {"command": "account_get", "parameters": {}}, Verdict.ALLOW, 0),
    ("mcp-grafana", "query_loki_logs", {"logql": "{app=\"api\"}"}, Verdict.ALLOW, 0),
    ("mcp-grafana", "update_dashboard", {"uid": "abc", "operations": [{"op": "add"}]},
     Verdict.ASK, 1),
    ("mcp-grafana", "alerting_manage_rules", {"operation": "delete", "rule_uid": "r1"},
     Verdict.ASK, 2),
    ("sentry", "search_issues", {"organizationSlug": "acme", "naturalLanguageQuery": "x"},
     Verdict.ALLOW, 0),
    ("sentry", "update_issue", {"organizationSlug": "acme", "issueId": "A-1", "status": "resolved"},
     Verdict.ASK, 1),
    ("kubernetes", "kubectl_delete",
     {"resourceType": "deployment", "name": "web", "namespace": "prod"}, Verdict.ASK, 2),
    ("kubernetes", "kubectl_get", {"resourceType": "pods"}, Verdict.ALLOW, 0),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "verdict", "approvals"), DECISIONS)
def test_decisions_under_the_brief_policy(
    brief_policy_text: str,
    server: str,
    tool: str,
    args: dict[str, Any],
    verdict: Verdict,
    approvals: int,
) -> None:
    got, needed, _ = judge(brief_policy_text, server, tool, args)
    assert (got, needed) == (verdict, approvals)


def test_a_protected_namespace_is_not_deleted_through_kubectl_delete(
    brief_policy_text: str,
) -> None:
    # BRIEF's own protected list holds k8s:namespace/payments
    args = {"manifest": NS_MANIFEST}
    verdict, _, rules = judge(brief_policy_text, "kubernetes", "kubectl_delete", args)
    assert verdict is Verdict.DENY
    assert any(r.startswith("protected") for r in rules)


# -- one policy covers the MCP tool and the shell command ------------------------------------

SAME_AS_SHELL = [
    # the npm Railway server runs these very lines in workspacePath
    ("railway", "set-variables", {**WS, "service": "web", "variables": ["A=1"]},
     "railway variables --service web --set A=1"),
    ("railway", "deploy", {**WS, "service": "web"}, "railway up --service web"),
    ("railway", "create-environment", {**WS, "environmentName": "dev"},
     "railway environment new dev"),
    ("railway", "generate-domain", {**WS, "service": "web"}, "railway domain --json --service web"),
    # Flux159's kubectl server runs these lines
    ("kubernetes", "kubectl_delete",
     {"resourceType": "deployment", "name": "web", "namespace": "prod", "context": "prod-1"},
     "kubectl delete deployment web -n prod --context prod-1"),
    ("kubernetes", "uninstall_helm_chart", {"name": "web", "namespace": "prod"},
     "helm uninstall web --namespace prod"),
    ("kubernetes", "exec_in_pod",
     {"name": "web", "namespace": "prod", "command": ["rm", "-rf", "/data"]},
     "kubectl exec web -n prod -- rm -rf /data"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "command"), SAME_AS_SHELL)
def test_a_cli_backed_tool_names_what_its_line_names(
    server: str, tool: str, args: dict[str, Any], command: str
) -> None:
    from keyturn.understand.shell import understand_shell

    tool_effects = understand(server, tool, args).effects
    shell = understand_shell(command, cwd="/work/app", home=HOME, files=FILES)
    mine = [(e.effect, tuple(n for n in e.resource.names if not n.startswith("mcp:")))
            for e in tool_effects]  # fmt: skip
    theirs = [(e.effect, e.resource.names) for e in shell.effects]
    assert [m for m in mine if m[1] != (CFG,)] == theirs


PROTECTED_AS_FOR_THE_SHELL = [
    ("railway", "remove_volume", {"volume_id": "prod-data", "confirm": True},
     "railway volume delete -v prod-data --yes"),
    ("cloudflare", "r2_bucket_delete", {"name": "assets"}, "wrangler r2 bucket delete assets"),
    ("cloudflare", "kv_namespace_delete", {"namespace_id": "ns1"},
     "wrangler kv namespace delete --namespace-id ns1"),
    ("cloudflare", "d1_database_query", {"database_id": "db1", "sql": "DROP TABLE users"},
     "wrangler d1 execute db1 --remote --command 'DROP TABLE users'"),
    ("netlify", "netlify-project-services-updater",
     netlify("manage-env-vars", {"siteId": "s1", "deleteEnvVar": True, "envVarKey": "DB"}),
     "netlify env:unset DB --site s1"),
    ("azure", "appconfig", {"command": "kv_delete", "parameters": {"account": "cfg", "key": "k"}},
     "az appconfig kv delete -n cfg --key k --yes"),
    ("kubernetes", "uninstall_helm_chart", {"name": "web", "namespace": "prod"},
     "helm uninstall web -n prod"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "command"), PROTECTED_AS_FOR_THE_SHELL)
def test_a_protected_pattern_written_for_the_shell_holds_for_the_tool(
    brief_policy_text: str, server: str, tool: str, args: dict[str, Any], command: str
) -> None:
    from keyturn.understand.shell import understand_shell

    shell = understand_shell(command, cwd="/", home=HOME)
    deleted = [e for e in shell.effects if e.effect is D]
    assert deleted, command
    protect = deleted[0].resource.names[0]  # as written for the shell
    verdict, _, rules = judge(brief_policy_text, server, tool, args, protect=protect)
    assert verdict is Verdict.DENY
    assert any(r.startswith("protected") for r in rules)


def test_grafana_and_sentry_names_are_patternable(brief_policy_text: str) -> None:
    for server, tool, args, protect in (
        ("mcp-grafana", "alerting_manage_rules", {"operation": "delete", "rule_uid": "r1"},
         "grafana:alert-rule/*"),
        ("sentry", "delete_alert_rule", {"organizationSlug": "acme", "ruleId": "1"},
         "sentry:acme/*"),
    ):  # fmt: skip
        verdict, _, rules = judge(brief_policy_text, server, tool, args, protect=protect)
        assert verdict is Verdict.DENY, (server, tool)
        assert any(r.startswith("protected") for r in rules)
