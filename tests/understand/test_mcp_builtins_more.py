"""Built-in meanings of more MCP servers by their real tool and argument names: Supabase,
MongoDB (with Atlas), MySQL, Redis, HashiCorp's Terraform server, gcloud and Docker; the family
a server name falls in; and what the BRIEF's policy decides for them."""

from __future__ import annotations

from typing import Any

import pytest

from keyturn.model import Action, Actor, EffectKind, Verdict
from keyturn.policy import load_policy
from keyturn.understand.mcp import probe_mcp, understand_mcp, understood_by
from keyturn.understand.mcp_servers import family_for, text_arguments

pytest.importorskip("keyturn.understand.sql")
pytest.importorskip("keyturn.understand.shell")

R, C, U, D, P, X = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.REPLACE,
    EffectKind.UNKNOWN,
)
ACTOR = Actor(agent="claude", operator="olivia")


def effects(action: Action) -> list[tuple[EffectKind, str]]:
    """(kind, first resource name) of each effect."""
    return [(e.effect, e.resource.names[0]) for e in action.effects]


def all_names(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


# -- what each tool does, by its real arguments ---------------------------------------------

Row = tuple[str, dict[str, Any], list[tuple[EffectKind, str]]]
PROJECT = {"project_id": "abc"}
ORDERS = {"database": "shop", "collection": "orders"}
ATLAS = {"projectId": "p1"}
WEB = {"terraform_org_name": "acme", "workspace_name": "web"}
PG, SB = "db:postgres/postgres", "supabase:project/abc"

SUPABASE: list[Row] = [
    # the SQL decides, in the project's database
    ("execute_sql", {**PROJECT, "query": "SELECT * FROM users"}, [(R, PG)]),
    ("execute_sql", {**PROJECT, "query": "DROP TABLE users"}, [(D, f"{PG}/users")]),
    ("apply_migration", {**PROJECT, "name": "add_t", "query": "CREATE TABLE t (id int)"},
     [(U, f"{SB}/migrations"), (C, f"{PG}/t")]),
    ("rollback_migration", {**PROJECT, "version": "20240101"}, [(D, f"{PG}/*")]),
    ("list_tables", {**PROJECT, "schemas": ["public"]}, [(R, PG)]),
    ("list_migrations", PROJECT, [(R, f"{SB}/migrations")]),
    ("get_logs", {**PROJECT, "service": "api"}, [(R, SB)]),
    ("query_logs", {**PROJECT, "sql": "DELETE FROM logs"}, [(R, SB)]),
    ("get_advisors", {**PROJECT, "type": "security"}, [(R, SB)]),
    ("get_edge_function", {**PROJECT, "function_slug": "hi"}, [(R, f"{SB}/function/hi")]),
    ("deploy_edge_function", {**PROJECT, "name": "hi", "files": []}, [(U, f"{SB}/function/hi")]),
    ("update_storage_config", {**PROJECT, "config": {}}, [(U, f"{SB}/storage")]),
    ("create_branch", {**PROJECT, "name": "feat"}, [(C, f"{SB}/branch/feat")]),
    ("create_branch", PROJECT, [(C, f"{SB}/branch/develop")]),
    ("delete_branch", {"branch_id": "b1"}, [(D, "supabase:branch/b1")]),
    ("reset_branch", {"branch_id": "b1"}, [(D, "supabase:branch/b1")]),
    ("rebase_branch", {"branch_id": "b1"}, [(U, "supabase:branch/b1")]),
    ("merge_branch", {"branch_id": "b1"}, [(U, "supabase:project/*")]),
    ("create_project", {"name": "shop", "region": "us-east-1", "organization_id": "o1"},
     [(C, "supabase:organization/o1/project/shop")]),
    ("pause_project", PROJECT, [(U, SB)]),
    ("get_project", {"id": "abc"}, [(R, SB)]),
    # a server scoped to one project (--project-ref) takes no project_id
    ("get_advisors", {"type": "performance"}, [(R, "supabase:project/*")]),
]  # fmt: skip

MONGODB: list[Row] = [
    ("find", {**ORDERS, "filter": {}}, [(R, "db:mongodb/shop/orders")]),
    ("count", ORDERS, [(R, "db:mongodb/shop/orders")]),
    ("list-collections", {"database": "shop"}, [(R, "db:mongodb/shop")]),
    ("insert-many", {**ORDERS, "documents": [{}]}, [(C, "db:mongodb/shop/orders")]),
    ("update-many", {**ORDERS, "update": {"$set": {"a": 1}}}, [(U, "db:mongodb/shop/orders")]),
    ("create-index", {**ORDERS, "keys": {"a": 1}}, [(U, "db:mongodb/shop/orders")]),
    ("delete-many", {**ORDERS, "filter": {"paid": False}}, [(D, "db:mongodb/shop/orders")]),
    ("drop-collection", ORDERS, [(D, "db:mongodb/shop/orders")]),
    ("drop-database", {"database": "shop"}, [(D, "db:mongodb/shop")]),
    ("drop-index", {**ORDERS, "indexName": "a_1"}, [(D, "db:mongodb/shop/orders/index/a_1")]),
    ("rename-collection", {**ORDERS, "newName": "b"},
     [(U, "db:mongodb/shop/orders"), (C, "db:mongodb/shop/b")]),
    ("rename-collection", {**ORDERS, "newName": "b", "dropTarget": True},
     [(U, "db:mongodb/shop/orders"), (D, "db:mongodb/shop/b")]),
    ("aggregate", {**ORDERS, "pipeline": [{"$out": "archive"}]},
     [(R, "db:mongodb/shop/orders"), (P, "db:mongodb/shop/archive")]),
    ("aggregate", {**ORDERS, "pipeline": [{"$merge": {"into": {"db": "bi", "coll": "daily"}}}]},
     [(R, "db:mongodb/shop/orders"), (U, "db:mongodb/bi/daily")]),
    ("aggregate", {**ORDERS, "pipeline": [{"$match": {}}]}, [(R, "db:mongodb/shop/orders")]),
    ("export", {**ORDERS, "exportTarget": [
        {"name": "aggregate", "arguments": {"pipeline": [{"$out": "x"}]}}]},
     [(R, "db:mongodb/shop/orders"), (P, "db:mongodb/shop/x")]),
    ("atlas-list-clusters", ATLAS, [(R, "mongodb-atlas:project/p1")]),
    ("atlas-inspect-cluster", {**ATLAS, "clusterName": "c1"},
     [(R, "mongodb-atlas:project/p1/cluster/c1")]),
    ("atlas-create-free-cluster", {**ATLAS, "name": "c2", "region": "US_EAST_1"},
     [(C, "mongodb-atlas:project/p1/cluster/c2"), (U, "mongodb-atlas:project/p1/access-list")]),
    ("atlas-create-db-user", {**ATLAS, "username": "app", "roles": []},
     [(C, "mongodb-atlas:project/p1/user/app"), (U, "mongodb-atlas:project/p1/access-list")]),
    ("atlas-connect-cluster", {**ATLAS, "clusterName": "c1"},
     [(C, "mongodb-atlas:project/p1/user/*"), (U, "mongodb-atlas:project/p1/access-list")]),
    ("atlas-create-access-list", {**ATLAS, "ipAddresses": ["10.0.0.1"]},
     [(U, "mongodb-atlas:project/p1/access-list")]),
    ("atlas-create-project", {"projectName": "shop", "organizationId": "o1"},
     [(C, "mongodb-atlas:org/o1/project/shop")]),
    ("atlas-pause-resume-cluster", {**ATLAS, "clusterName": "c1", "action": "PAUSE"},
     [(U, "mongodb-atlas:project/p1/cluster/c1")]),
    ("atlas-local-delete-deployment", {"deploymentName": "dev"}, [(D, "mongodb-atlas:local/dev")]),
]  # fmt: skip

MYSQL: list[Row] = [
    ("mysql_query", {"sql": "DELETE FROM shop.orders WHERE id = 1"}, [(D, "db:mysql/shop/orders")]),
    ("execute_sql", {"query": "TRUNCATE TABLE orders"}, [(D, "db:mysql/*/orders")]),
]  # fmt: skip

REDIS: list[Row] = [
    ("get", {"key": "session:1"}, [(R, "db:redis/*/session:1")]),
    ("set", {"key": "session:1", "value": "x"}, [(U, "db:redis/*/session:1")]),
    ("delete", {"key": "session:1"}, [(D, "db:redis/*/session:1")]),
    ("hset", {"name": "user:1", "key": "email", "value": "a@b"}, [(U, "db:redis/*/user:1")]),
    ("hgetall", {"name": "user:1"}, [(R, "db:redis/*/user:1")]),
    ("zadd", {"key": "board", "score": 1, "member": "a"}, [(U, "db:redis/*/board")]),
    ("expire", {"name": "k", "expire_seconds": 60}, [(U, "db:redis/*/k")]),
    ("expire", {"name": "k", "expire_seconds": 0}, [(D, "db:redis/*/k")]),
    ("json_del", {"name": "doc"}, [(D, "db:redis/*/doc")]),
    ("json_del", {"name": "doc", "path": "$.a"}, [(U, "db:redis/*/doc")]),
    ("rename", {"old_key": "a", "new_key": "b"}, [(U, "db:redis/*/a"), (U, "db:redis/*/b")]),
    ("scan_all_keys", {"pattern": "*"}, [(R, "db:redis/*")]),
    ("xreadgroup", {"key": "s", "group_name": "g", "consumer_name": "c"}, [(U, "db:redis/*/s")]),
]  # fmt: skip

TERRAFORM: list[Row] = [
    ("search_modules", {"module_query": "vpc"}, [(R, "mcp:terraform/search_modules")]),
    ("get_workspace_details", WEB, [(R, "terraform:workspace/web")]),
    ("create_workspace", WEB, [(C, "terraform:workspace/web")]),
    ("update_workspace", {**WEB, "auto_apply": "true"}, [(U, "terraform:workspace/web")]),
    ("create_run", {**WEB, "run_type": "plan_only"}, [(R, "terraform:workspace/web")]),
    # The default run applies at once where the workspace auto-applies: what, not known.
    ("create_run", WEB, [(X, "terraform:workspace/web")]),
    ("create_run", {**WEB, "run_type": "auto_approve"}, [(X, "terraform:workspace/web")]),
    ("create_run", {**WEB, "run_type": "is_destroy"}, [(D, "terraform:workspace/web")]),
    ("create_run", {**WEB, "run_type": "nuke"}, [(X, "terraform:workspace/web")]),
    ("action_run", {"run_id": "run-1", "run_action": "apply"}, [(X, "terraform:run/run-1")]),
    ("action_run", {"run_id": "run-1", "run_action": "discard"}, [(U, "terraform:run/run-1")]),
    ("delete_workspace_safely", {"workspace_id": "ws-1"}, [(D, "terraform:workspace-id/ws-1")]),
    ("force_unlock_workspace", {"workspace_id": "ws-1"}, [(U, "terraform:workspace-id/ws-1")]),
    ("delete_variable_in_variable_set", {"variable_set_id": "vs-1", "variable_id": "var-2"},
     [(D, "terraform:variable-set/vs-1/var-2")]),
    ("attach_variable_set_to_workspaces", {"variable_set_id": "vs-1", "workspace_ids": "ws-1,ws-2"},
     [(U, "terraform:workspace-id/ws-1"), (U, "terraform:workspace-id/ws-2")]),
]  # fmt: skip

GCLOUD: list[Row] = [
    ("run_gcloud_command", {"args": ["compute", "instances", "list"]},
     [(R, "gcp:compute/instances/*")]),
    ("run_gcloud_command", {"args": ["compute", "instances", "delete", "vm1", "--zone", "z"]},
     [(D, "gcp:compute/instances/vm1")]),
]  # fmt: skip

DOCKER: list[Row] = [
    ("list_containers", {"all": True}, [(R, "docker:container/*")]),
    ("run_container", {"image": "nginx", "name": "web"}, [(C, "docker:container/web")]),
    ("run_container", {"image": "pg", "name": "db", "volumes": ["pgdata:/var/lib/postgresql"]},
     [(C, "docker:container/db"), (U, "docker:volume/pgdata")]),
    # the server parses JSON text given for an object, and so does keyturn
    ("create_container", {"image": "a", "name": "a", "volumes": '{"/srv": {"bind": "/m"}}'},
     [(C, "docker:container/a"), (U, "file:/srv")]),
    ("recreate_container", {"image": "nginx", "name": "web"},
     [(D, "docker:container/web"), (C, "docker:container/web")]),
    ("stop_container", {"container_id": "web"}, [(U, "docker:container/web")]),
    ("remove_container", {"container_id": "web", "force": True}, [(D, "docker:container/web")]),
    ("pull_image", {"repository": "nginx", "tag": "1.27"}, [(C, "docker:image/nginx:1.27")]),
    ("push_image", {"repository": "acme/app"}, [(U, "docker:image/acme/app")]),
    ("remove_image", {"image": "nginx:1.27"}, [(D, "docker:image/nginx:1.27")]),
    ("create_network", {"name": "back", "internal": True}, [(C, "docker:network/back")]),
    ("remove_network", {"network_id": "back"}, [(D, "docker:network/back")]),
    ("create_volume", {"name": "v1"}, [(C, "docker:volume/v1")]),
    ("remove_volume", {"volume_name": "v1"}, [(D, "docker:volume/v1")]),
]  # fmt: skip

CASES = [
    (server, *row)
    for server, rows in (
        ("supabase", SUPABASE),
        ("mongodb", MONGODB),
        ("mcp-server-mysql", MYSQL),
        ("redis", REDIS),
        ("terraform", TERRAFORM),
        ("gcloud", GCLOUD),
        ("mcp-server-docker", DOCKER),
    )
    for row in rows
]


@pytest.mark.parametrize(("server", "tool", "args", "expected"), CASES)
def test_real_tools_mean_what_their_arguments_say(
    server: str, tool: str, args: dict[str, Any], expected: list[tuple[EffectKind, str]]
) -> None:
    action = understand_mcp(server, tool, args, cwd="/work")
    assert effects(action) == expected
    for effect in action.effects:
        assert effect.tool == f"mcp:{server}/{tool}"
        assert f"mcp:{server}/{tool}" in effect.resource.names
    assert understood_by(server, tool) == "builtin"


# -- wide operations name wide resources --------------------------------------------------

WIDE = [
    ("mongodb", "delete-many", ORDERS, "db:mongodb/shop/orders/*"),
    ("mongodb", "delete-many", {**ORDERS, "filter": {}}, "db:mongodb/shop/orders/*"),
    ("mongodb", "drop-database", {"database": "shop"}, "db:mongodb/shop/*"),
    ("supabase", "reset_branch", {"branch_id": "b1"}, "supabase:branch/b1/*"),
    ("supabase", "delete_branch", {"branch_id": "b1"}, "supabase:branch/b1/*"),
    ("supabase", "rollback_migration", {**PROJECT, "version": "1"}, f"{PG}/*"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "wide"), WIDE)
def test_wide_operations_name_everything_they_take(
    server: str, tool: str, args: dict[str, Any], wide: str
) -> None:
    (effect,) = understand_mcp(server, tool, args).effects
    assert effect.effect is D
    assert wide in effect.resource.names


def test_a_filtered_delete_many_is_not_named_wide() -> None:
    (effect,) = understand_mcp("mongodb", "delete-many", {**ORDERS, "filter": {"a": 1}}).effects
    assert "db:mongodb/shop/orders/*" not in effect.resource.names
    assert "filter" in effect.detail


def test_supabase_sql_is_also_named_on_the_projects_host_as_psql_names_it() -> None:
    from keyturn.understand.shell import understand_shell

    action = understand_mcp("supabase", "execute_sql", {**PROJECT, "query": "DROP TABLE users"})
    psql = "psql 'postgresql://postgres@db.abc.supabase.co:5432/postgres' -c 'DROP TABLE users'"
    shell = understand_shell(psql, cwd="/", home="/root")
    assert f"{PG}/users@db.abc.supabase.co" in all_names(action)
    assert {n for n in all_names(action) if n.startswith("db:")} <= all_names(shell)


def test_supabase_query_logs_reads_logs_not_the_database() -> None:
    action = understand_mcp("supabase", "query_logs", {**PROJECT, "sql": "DELETE FROM logs"})
    assert text_arguments("supabase", "query_logs") == frozenset({"sql"})
    assert not any(n.startswith("db:") for n in all_names(action))


def test_terraform_runs_carry_the_workspace_hint() -> None:
    args = {"terraform_org_name": "acme", "workspace_name": "prod-net", "run_type": "is_destroy"}
    (effect,) = understand_mcp("terraform", "create_run", args).effects
    assert effect.target.terraform_workspace == "prod-net"
    assert "terraform:org/acme/workspace/prod-net" in effect.resource.names


def test_atlas_access_list_open_to_every_address_says_so() -> None:
    args = {**ATLAS, "cidrBlocks": ["0.0.0.0/0"]}
    (effect,) = understand_mcp("mongodb", "atlas-create-access-list", args).effects
    assert "every address" in effect.detail


def test_a_containers_command_runs_inside_it_and_its_mounts_are_judged() -> None:
    args = {"image": "alpine", "name": "x", "command": "rm -rf /data", "volumes": ["/:/host"]}
    action = understand_mcp("docker", "run_container", args)
    assert "file:/data" not in all_names(action)  # not this machine's /data
    assert X in [e.effect for e in action.effects]  # a writable / is the host itself


# -- the family a server name falls in --------------------------------------------------------

FAMILY_OF = [
    ("supabase", "supabase"), ("supabase-postgres", "supabase"), ("postgres", "postgres"),
    ("mongodb", "mongodb"), ("MongoDB", "mongodb"), ("mongodb-docker", "mongodb"),
    ("mcp-server-mysql", "mysql"), ("mariadb-prod", "mysql"),
    ("redis", "redis"), ("mcp-redis", "redis"),
    ("terraform", "terraform"), ("terraform-aws", "terraform"), ("aws", "aws"),
    ("gcloud", "gcloud"), ("mcp-server-docker", "docker"), ("docker-fetch", "docker"),
    ("github", "github"), ("kubernetes", "kubernetes"), ("fetch", "fetch"), ("inventory", None),
]  # fmt: skip


@pytest.mark.parametrize(("server", "family"), FAMILY_OF)
def test_server_names_fall_in_the_family_they_name(server: str, family: str | None) -> None:
    assert family_for(server) == family


# -- tools a family does not list, and arguments that are missing ---------------------------

UNLISTED = [
    ("supabase", "drop_everything"), ("mongodb", "eval"), ("mysql", "run"),
    ("redis", "flushall"), ("terraform", "delete_project"), ("gcloud", "run_shell"),
    ("docker", "exec_container"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool"), UNLISTED)
def test_a_tool_the_family_does_not_list_is_unknown(server: str, tool: str) -> None:
    action = understand_mcp(server, tool, {"name": "x"})
    assert [e.effect for e in action.effects] == [X]
    assert understood_by(server, tool) is None
    assert [e.effect for e in probe_mcp(server, tool).effects] == [X]


MISSING = [
    ("supabase", "execute_sql", PROJECT, "query"),
    ("supabase", "pause_project", {}, "project_id"),
    ("supabase", "delete_branch", {}, "branch_id"),
    ("mongodb", "drop-database", {}, "database"),
    ("mongodb", "drop-collection", {"database": "shop"}, "collection"),
    ("mysql", "mysql_query", {"query": "DROP TABLE t"}, "sql"),
    ("redis", "delete", {"name": "k"}, "key"),
    ("terraform", "create_run", {"terraform_org_name": "acme"}, "workspace_name"),
    ("terraform", "action_run", {"run_id": "run-1"}, "run_action"),
    ("gcloud", "run_gcloud_command", {"args": "compute instances delete vm1"}, "args"),
    ("docker", "remove_volume", {}, "volume_name"),
    ("docker", "remove_container", {"container_id": "-f"}, "container_id"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "missing"), MISSING)
def test_a_missing_argument_is_unknown_and_named(
    server: str, tool: str, args: dict[str, Any], missing: str
) -> None:
    action = understand_mcp(server, tool, args)
    assert [e.effect for e in action.effects] == [X]
    assert missing in action.effects[0].detail


@pytest.mark.parametrize(
    ("server", "tool", "kind"),
    [
        ("mongodb", "drop-database", D),
        ("redis", "delete", D),
        ("docker", "remove_volume", D),
        ("terraform", "create_workspace", C),
        ("supabase", "execute_sql", R),  # only the SQL could tell: no arguments, no effect
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
    decision = load_policy(policy_text).judge(understand_mcp(server, tool, args), actor=ACTOR)
    return decision.decision, decision.approvals_required, [j.rule for j in decision.judgements]


DROP_USERS = {**PROJECT, "query": "DROP TABLE users"}


def test_supabase_drop_table_in_production_asks_two_approvals(brief_policy_text: str) -> None:
    verdict, approvals, _ = judge(brief_policy_text, "supabase", "execute_sql", DROP_USERS)
    assert (verdict, approvals) == (Verdict.ASK, 2)


@pytest.mark.parametrize(
    "protect", ["db:postgres/*/users", f"{PG}/users@db.abc.supabase.co", "*@db.abc.supabase.co"]
)
def test_supabase_drop_of_a_protected_table_is_denied(brief_policy_text: str, protect: str) -> None:
    verdict, _, rules = judge(
        brief_policy_text, "supabase", "execute_sql", DROP_USERS, protect=protect
    )
    assert verdict is Verdict.DENY
    assert any(r.startswith("protected") for r in rules)


def test_supabase_a_table_protected_in_another_project_is_not_this_one(
    brief_policy_text: str,
) -> None:
    protect = "*@db.xyz.supabase.co"
    verdict, _, _ = judge(brief_policy_text, "supabase", "execute_sql", DROP_USERS, protect=protect)
    assert verdict is Verdict.ASK


INVOICES = {"database": "billing", "collection": "invoices"}
OUT_TO_INVOICES = [{"$out": {"db": "billing", "coll": "invoices"}}]
MONGO_DENIED = [
    ("drop-database", {"database": "billing"}, "db:mongodb/billing"),
    ("drop-database", {"database": "billing"}, "db:mongodb/billing/invoices"),
    ("drop-collection", INVOICES, "db:mongodb/billing/invoices"),
    ("delete-many", INVOICES, "db:mongodb/billing/invoices"),
    ("delete-many", {**INVOICES, "filter": {"paid": True}}, "db:mongodb/billing/invoices"),
    ("aggregate", {**ORDERS, "pipeline": OUT_TO_INVOICES}, "db:mongodb/billing/*"),
]  # fmt: skip


@pytest.mark.parametrize(("tool", "args", "protect"), MONGO_DENIED)
def test_mongodb_removing_protected_data_is_denied(
    brief_policy_text: str, tool: str, args: dict[str, Any], protect: str
) -> None:
    verdict, _, rules = judge(brief_policy_text, "mongodb", tool, args, protect=protect)
    assert verdict is Verdict.DENY
    assert any(r.startswith("protected") for r in rules)


PROD_NET = {"terraform_org_name": "a", "workspace_name": "prod-net"}
DECISIONS = [
    ("mongodb", "find", INVOICES, Verdict.ALLOW, 0),
    ("mongodb", "insert-many", INVOICES, Verdict.ASK, 1),
    ("mongodb", "drop-collection", INVOICES, Verdict.ASK, 2),
    ("mongodb", "eval", {"code": "db.dropDatabase()"}, Verdict.DENY, 0),
    ("redis", "get", {"key": "k"}, Verdict.ALLOW, 0),
    ("redis", "delete", {"key": "k"}, Verdict.ASK, 2),
    ("mysql", "execute_sql", {"query": "SELECT 1"}, Verdict.ALLOW, 0),
    ("terraform", "create_run", {**PROD_NET, "run_type": "plan_only"}, Verdict.ALLOW, 0),
    ("terraform", "create_run", {**PROD_NET, "run_type": "is_destroy"}, Verdict.ASK, 2),
    ("terraform", "action_run", {"run_id": "run-1", "run_action": "apply"}, Verdict.DENY, 0),
    ("gcloud", "run_gcloud_command", {"args": ["compute", "zones", "list"]}, Verdict.ALLOW, 0),
    ("docker", "list_volumes", {}, Verdict.ALLOW, 0),
    ("docker", "remove_volume", {"volume_name": "pgdata"}, Verdict.ASK, 2),
    ("supabase", "list_tables", PROJECT, Verdict.ALLOW, 0),
    ("supabase", "deploy_edge_function", {**PROJECT, "name": "hi"}, Verdict.ASK, 1),
    ("supabase", "drop_everything", PROJECT, Verdict.DENY, 0),
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


# -- one policy covers the MCP tool and the shell command ------------------------------------

SAME_AS_SHELL = [
    ("mongodb", "drop-collection", ORDERS, "mongosh shop --eval 'db.orders.drop()'"),
    ("redis", "delete", {"key": "session:1"}, "redis-cli -n 0 DEL session:1"),
    ("docker", "remove_volume", {"volume_name": "pgdata"}, "docker volume rm pgdata"),
    ("gcloud", "run_gcloud_command", {"args": ["sql", "instances", "delete", "main"]},
     "gcloud sql instances delete main"),
    ("terraform", "create_run", {**WEB, "run_type": "is_destroy"},
     "TF_WORKSPACE=web terraform destroy"),
]  # fmt: skip


@pytest.mark.parametrize(("server", "tool", "args", "command"), SAME_AS_SHELL)
def test_a_protected_pattern_written_for_the_shell_holds_for_the_tool(
    brief_policy_text: str, server: str, tool: str, args: dict[str, Any], command: str
) -> None:
    from keyturn.understand.shell import understand_shell

    deleted = [e for e in understand_shell(command, cwd="/", home="/root").effects if e.effect is D]
    assert deleted, command
    protect = deleted[0].resource.names[0]  # as written for the shell (redis-cli's DB is 0)
    verdict, _, rules = judge(brief_policy_text, server, tool, args, protect=protect)
    assert verdict is Verdict.DENY
    assert any(r.startswith("protected") for r in rules)
