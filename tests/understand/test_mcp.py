"""Understanding MCP tool calls: policy mappings, built-in servers, annotations, text arguments."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, EffectKind, McpToolMapping, Resource, Target
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import probe_mcp, understand_mcp, understood_by

R, C, U, D, X = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)


def kinds(action: Action) -> list[EffectKind]:
    return [e.effect for e in action.effects]


def names(action: Action) -> list[tuple[str, ...]]:
    return [e.resource.names for e in action.effects]


def assert_attributed(action: Action, server: str, tool: str) -> None:
    """Every effect names the tool, and its resource carries the MCP name."""
    assert action.kind is ActionKind.MCP
    assert action.effects, "a tool call never yields no effects"
    for effect in action.effects:
        assert effect.tool == f"mcp:{server}/{tool}"
        assert f"mcp:{server}/{tool}" in effect.resource.names


@pytest.fixture()
def fake_sql(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A stand-in SQL understander: DROP is a delete, anything else a read, on the table named
    last. Records how it was called."""
    calls: list[dict[str, Any]] = []

    def sql_effects(sql: str, *, engine: str, database: str | None, target: Target) -> list[Effect]:
        calls.append({"sql": sql, "engine": engine, "database": database})
        table = sql.split()[-1]
        kind = D if sql.upper().startswith("DROP") else R
        name = f"db:{engine}/{database or '*'}/{table}"
        return [Effect(effect=kind, resource=Resource((name,)), target=target, service="db")]

    module = types.ModuleType("keyturn.understand.sql")
    module.sql_effects = sql_effects  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyturn.understand.sql", module)
    return calls


@pytest.fixture()
def fake_shell(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A stand-in shell understander: ``rm X`` deletes file:X, ``aws ... delete-*`` deletes an
    RDS ARN, anything else reads."""
    calls: list[str] = []

    def understand_shell(command: str, **kwargs: Any) -> Action:
        calls.append(command)
        words = command.split()
        if words[0] == "rm":
            effect = Effect(effect=D, resource=Resource((f"file:{words[-1]}",)), command=command)
        elif words[0] == "aws" and words[2].startswith("delete-"):
            arn = f"arn:aws:rds:*:*:db:{words[-1]}"
            effect = Effect(effect=D, resource=Resource((arn,)), service="rds", command=command)
        else:
            effect = Effect(effect=R, resource=Resource(("shell:" + words[0],)), command=command)
        return Action(ActionKind.SHELL, command, (effect,))

    module = types.ModuleType("keyturn.understand.shell")
    module.understand_shell = understand_shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyturn.understand.shell", module)
    return calls


# -- filesystem --------------------------------------------------------------------------------


def test_filesystem_read_names_the_file_made_absolute() -> None:
    action = understand_mcp("filesystem", "read_text_file", {"path": "src/../app.py"}, cwd="/srv")
    assert kinds(action) == [R]
    assert names(action) == [("file:/srv/app.py", "mcp:filesystem/read_text_file")]
    assert_attributed(action, "filesystem", "read_text_file")


def test_filesystem_read_multiple_files_gives_one_read_per_file() -> None:
    action = understand_mcp(
        "fs", "read_multiple_files", {"paths": ["/etc/hosts", "~/.ssh/id_rsa"]}, home="/home/u"
    )
    assert kinds(action) == [R, R]
    assert [n[0] for n in names(action)] == ["file:/etc/hosts", "file:/home/u/.ssh/id_rsa"]


def test_filesystem_write_is_an_update_of_an_existing_file_else_a_create() -> None:
    files = MemoryFiles({"/srv/app.py": "print()"})
    existing = understand_mcp("filesystem", "write_file", {"path": "/srv/app.py"}, files=files)
    fresh = understand_mcp("filesystem", "write_file", {"path": "/srv/new.py"}, files=files)
    assert kinds(existing) == [U]
    assert kinds(fresh) == [C]


def test_filesystem_move_deletes_the_source_and_creates_the_destination() -> None:
    action = understand_mcp("filesystem", "move_file", {"source": "/a", "destination": "/b"})
    assert kinds(action) == [D, C]
    assert [n[0] for n in names(action)] == ["file:/a", "file:/b"]


def test_filesystem_edit_dry_run_is_a_read_and_windows_paths_keep_the_drive() -> None:
    dry = understand_mcp("filesystem", "edit_file", {"path": "C:\\work\\a.txt", "dryRun": True})
    real = understand_mcp("filesystem", "edit_file", {"path": "C:\\work\\a.txt"})
    assert kinds(dry) == [R]
    assert kinds(real) == [U]
    assert names(real)[0][0] == "file:C:/work/a.txt"


def test_filesystem_missing_path_is_unknown() -> None:
    action = understand_mcp("filesystem", "write_file", {"content": "x"})
    assert kinds(action) == [X]
    assert "path" in action.effects[0].detail


# -- git -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "kind"),
    [("git_status", R), ("git_log", R), ("git_commit", U), ("git_reset", U), ("git_checkout", U)],
)
def test_git_tools_act_on_the_repository(tool: str, kind: EffectKind) -> None:
    # Each tool with the arguments it takes (another server's extra arguments make it unknown).
    extra = {"git_commit": {"message": "m"}, "git_checkout": {"branch_name": "main"}}
    action = understand_mcp("git", tool, {"repo_path": "/work/repo", **extra.get(tool, {})})
    assert set(kinds(action)) == {kind}  # git_checkout: also as its shell line (git:local/HEAD)
    assert names(action)[0][0] == "file:/work/repo"
    assert action.effects[0].service == "git"


# -- GitHub --------------------------------------------------------------------------------------


def test_github_delete_file_names_the_repository_and_path() -> None:
    args = {"owner": "acme", "repo": "infra", "path": "main.tf", "branch": "main", "message": "x"}
    action = understand_mcp("github", "delete_file", args)
    assert kinds(action) == [D]
    assert names(action)[0][:2] == ("github:acme/infra/main.tf", "github:acme/infra")
    assert_attributed(action, "github", "delete_file")


def test_github_push_files_updates_each_file_and_merge_is_an_update() -> None:
    push = understand_mcp(
        "github",
        "push_files",
        {"owner": "acme", "repo": "app", "branch": "main", "files": [{"path": "a"}, {"path": "b"}]},
    )
    merge = understand_mcp(
        "github", "merge_pull_request", {"owner": "acme", "repo": "app", "pullNumber": 7}
    )
    read = understand_mcp("github", "get_file_contents", {"owner": "acme", "repo": "app"})
    assert kinds(push) == [U, U]
    assert [n[0] for n in names(push)] == ["github:acme/app/a", "github:acme/app/b"]
    assert kinds(merge) == [U]
    assert names(merge)[0][0] == "github:acme/app/pull/7"
    assert kinds(read) == [R]


def test_github_delete_repository_is_a_delete_of_the_repository() -> None:
    action = understand_mcp("github", "delete_repository", {"owner": "acme", "repo": "prod-infra"})
    assert kinds(action) == [D]
    assert "github:acme/prod-infra" in names(action)[0]


# -- Kubernetes ----------------------------------------------------------------------------------


def test_kubernetes_delete_of_a_namespace_is_cluster_scoped() -> None:
    args = {"apiVersion": "v1", "kind": "Namespace", "name": "payments"}
    action = understand_mcp("kubernetes", "resources_delete", args)
    assert kinds(action) == [D]
    assert names(action)[0][0] == "k8s:namespace/payments"


def test_kubernetes_pod_delete_and_listing() -> None:
    delete = understand_mcp("k8s", "pods_delete", {"namespace": "prod", "name": "web-1"})
    listing = understand_mcp("k8s", "namespaces_list", {})
    assert kinds(delete) == [D]
    assert names(delete)[0][0] == "k8s:prod/pod/web-1"
    assert delete.effects[0].target.kube_namespace == "prod"
    assert kinds(listing) == [R]


def test_kubernetes_create_or_update_reads_the_manifest() -> None:
    manifest = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\n"
        "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: payments}\n"
    )
    action = understand_mcp("kubernetes", "resources_create_or_update", {"resource": manifest})
    assert kinds(action) == [U, U]
    assert [n[0] for n in names(action)] == ["k8s:prod/deployment/web", "k8s:namespace/payments"]


def test_kubernetes_scale_to_zero_is_a_delete_and_helm_uninstall_too() -> None:
    # kubernetes-mcp-server's argument is "scale" (it has no "replicas")
    args = {"kind": "Deployment", "name": "api", "namespace": "prod", "scale": 0}
    scale = understand_mcp("kubernetes", "resources_scale", args)
    uninstall = understand_mcp("kubernetes", "helm_uninstall", {"name": "db", "namespace": "prod"})
    assert kinds(scale) == [D]
    assert kinds(uninstall) == [D]
    assert names(uninstall)[0][0] == "helm:prod/db"


def test_kubernetes_unparsable_manifest_is_unknown() -> None:
    action = understand_mcp("kubernetes", "resources_create_or_update", {"resource": "a: [b"})
    assert kinds(action) == [X]


# -- SQL and shell text ------------------------------------------------------------------------


def test_postgres_query_is_understood_as_sql(fake_sql: list[dict[str, Any]]) -> None:
    action = understand_mcp("postgres", "query", {"sql": "DROP TABLE orders"})
    assert kinds(action) == [D]
    assert names(action) == [("db:postgres/*/orders", "mcp:postgres/query")]
    assert fake_sql == [{"sql": "DROP TABLE orders", "engine": "postgres", "database": None}]
    assert_attributed(action, "postgres", "query")


def test_sql_argument_of_any_tool_is_understood(fake_sql: list[dict[str, Any]]) -> None:
    action = understand_mcp("mysql-prod", "run", {"sql": "DROP TABLE t", "database": "shop"})
    assert kinds(action) == [X, D]
    assert names(action)[1][0] == "db:mysql/shop/t"


def test_sql_without_the_sql_understander_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyturn.understand.sql", None)
    action = understand_mcp("postgres", "query", {"sql": "DROP TABLE orders"})
    assert kinds(action) == [X]
    assert "SQL" in action.effects[0].detail


def test_aws_call_aws_is_understood_as_the_cli_command(fake_shell: list[str]) -> None:
    command = "aws rds delete-db-instance --db-instance-identifier prod-db"
    action = understand_mcp("aws-api", "call_aws", {"cli_command": [command, "aws s3 ls"]})
    assert kinds(action) == [D, R]
    assert names(action)[0] == ("arn:aws:rds:*:*:db:prod-db", "mcp:aws-api/call_aws")
    assert action.effects[0].command == command
    assert fake_shell == [command, "aws s3 ls"]
    suggest = understand_mcp("aws-api", "suggest_aws_commands", {"query": "list buckets"})
    assert kinds(suggest) == [R]


def test_command_argument_of_an_unmapped_tool_adds_its_shell_effects(
    fake_shell: list[str],
) -> None:
    action = understand_mcp("devbox", "run_command", {"command": "rm /etc/passwd"})
    assert kinds(action) == [X, D]
    assert names(action)[1] == ("file:/etc/passwd", "mcp:devbox/run_command")


def test_kubernetes_exec_understands_the_command(fake_shell: list[str]) -> None:
    args = {"namespace": "prod", "name": "web-1", "command": ["rm", "-rf", "/data"]}
    action = understand_mcp("kubernetes", "pods_exec", args)
    assert kinds(action) == [U, D]
    assert fake_shell == ["rm -rf /data"]


# -- policy mappings -------------------------------------------------------------------------


def test_policy_mapping_fills_templates_and_wins_over_builtins() -> None:
    mapping = McpToolMapping(
        server="filesystem",
        tool="read_*",
        effect=U,
        resources=("file:{path}", "db:postgres/{options.database}"),
    )
    args = {"path": "notes.txt", "options": {"database": "orders"}}
    action = understand_mcp("filesystem", "read_text_file", args, mappings=[mapping], cwd="/w")
    assert kinds(action) == [U, U]
    assert [n[0] for n in names(action)] == ["file:/w/notes.txt", "db:postgres/orders"]


def test_policy_mapping_first_matching_glob_wins_and_lists_expand() -> None:
    first = McpToolMapping(server="inv*", tool="drop_*", effect=D, resources=("db:inv/{names}",))
    second = McpToolMapping(server="inv*", tool="*", effect=R)
    action = understand_mcp("inventory", "drop_db", {"names": ["a", "b"]}, mappings=[first, second])
    other = understand_mcp("inventory", "list_dbs", {}, mappings=[first, second])
    assert kinds(action) == [D, D]
    assert [n[0] for n in names(action)] == ["db:inv/a", "db:inv/b"]
    assert kinds(other) == [R]
    assert understood_by("inventory", "list_dbs", [first, second]) == "policy"


def test_policy_mapping_indexes_and_unfilled_templates() -> None:
    mapping = McpToolMapping(server="s", tool="t", effect=D, resources=("file:{files[0].path}",))
    filled = understand_mcp("s", "t", {"files": [{"path": "/x"}]}, mappings=[mapping])
    unfilled = understand_mcp("s", "t", {}, mappings=[mapping])
    assert names(filled)[0][0] == "file:/x"
    assert kinds(unfilled) == [D]
    assert names(unfilled) == [("mcp:s/t",)]
    assert "not filled" in unfilled.effects[0].detail


def test_policy_mapping_with_sql_argument_and_no_effect_lets_the_sql_decide(
    fake_sql: list[dict[str, Any]],
) -> None:
    mapping = McpToolMapping(server="warehouse", tool="run_sql", effect=X, sql_argument="q.text")
    action = understand_mcp(
        "warehouse", "run_sql", {"q": {"text": "SELECT * FROM sales"}}, mappings=[mapping]
    )
    assert kinds(action) == [R]
    assert fake_sql[0]["sql"] == "SELECT * FROM sales"


def test_policy_mapping_with_shell_argument_keeps_its_own_effect(fake_shell: list[str]) -> None:
    mapping = McpToolMapping(server="box", tool="exec", effect=U, shell_argument="script")
    action = understand_mcp("box", "exec", {"script": "rm /srv/db"}, mappings=[mapping])
    assert kinds(action) == [U, D]


# -- annotations -------------------------------------------------------------------------------


def test_destructive_hint_turns_an_update_into_a_delete() -> None:
    mapping = McpToolMapping(server="inv", tool="rename", effect=U)
    action = understand_mcp(
        "inv", "rename", {}, mappings=[mapping], annotations={"destructiveHint": True}
    )
    assert kinds(action) == [D]
    assert "destructiveHint" in action.effects[0].detail


def test_read_only_hint_never_turns_a_write_into_a_read() -> None:
    hints = {"readOnlyHint": True, "destructiveHint": False}
    action = understand_mcp("github", "delete_file", {"owner": "o", "repo": "r"}, annotations=hints)
    assert kinds(action) == [D]
    write = understand_mcp("fs", "write_file", {"path": "/a"}, annotations={"readOnlyHint": True})
    assert kinds(write) == [C]


def test_read_only_false_makes_a_read_an_update_and_unknown_stays_unknown() -> None:
    read = understand_mcp(
        "git", "git_status", {"repo_path": "/r"}, annotations={"readOnlyHint": False}
    )
    unmapped = understand_mcp("x", "y", {}, annotations={"readOnlyHint": True})
    assert kinds(read) == [U]
    assert kinds(unmapped) == [X]


def test_annotations_do_not_touch_effects_understood_from_text(
    fake_sql: list[dict[str, Any]],
) -> None:
    action = understand_mcp(
        "postgres", "query", {"sql": "SELECT 1 FROM t"}, annotations={"destructiveHint": True}
    )
    assert kinds(action) == [R]


# -- unmapped, malformed, digests --------------------------------------------------------------


def test_unmapped_tool_is_unknown_with_a_reason() -> None:
    action = understand_mcp("inventory", "drop_db", {"name": "orders"})
    assert kinds(action) == [X]
    assert names(action) == [("mcp:inventory/drop_db",)]
    assert "no mapping" in action.effects[0].detail
    assert understood_by("inventory", "drop_db") is None


def test_known_server_with_an_unknown_tool_is_unknown() -> None:
    assert kinds(understand_mcp("filesystem", "format_disk", {})) == [X]


@pytest.mark.parametrize("arguments", [[1, 2], "path=/x", 3])
def test_arguments_that_are_not_an_object_are_one_line_input_errors(arguments: Any) -> None:
    with pytest.raises(InputError) as caught:
        understand_mcp("fs", "write_file", arguments)
    assert str(caught.value).startswith("mcp:fs/write_file: arguments: expected a JSON object")
    assert "\n" not in str(caught.value)


def test_empty_names_and_non_json_arguments_are_input_errors() -> None:
    with pytest.raises(InputError):
        understand_mcp("", "t")
    with pytest.raises(InputError):
        understand_mcp("s", " ")
    with pytest.raises(InputError, match="not JSON data"):
        understand_mcp("s", "t", {"x": {1, 2}})
    with pytest.raises(InputError, match="annotations"):
        understand_mcp("s", "t", {}, annotations=["readOnlyHint"])  # type: ignore[arg-type]


def test_equal_meaning_gives_an_equal_digest() -> None:
    a = understand_mcp("github", "delete_file", {"owner": "o", "repo": "r", "path": "p"})
    b = understand_mcp("github", "delete_file", {"path": "p", "repo": "r", "owner": "o"})
    c = understand_mcp("github", "delete_file", {"owner": "o", "repo": "r", "path": "q"})
    assert a.digest == b.digest != c.digest
    assert a.subject == {
        "server": "github",
        "tool": "delete_file",
        "arguments": {"owner": "o", "path": "p", "repo": "r"},
    }


def test_probe_gives_nominal_effects_of_mapped_tools_and_unknown_for_unmapped() -> None:
    write = probe_mcp("filesystem", "write_file", annotations={"destructiveHint": True})
    query = probe_mcp("postgres", "query")
    unmapped = probe_mcp("inventory", "drop_db")
    assert kinds(write) == [D]
    assert kinds(query) == [R]
    assert kinds(unmapped) == [X]


def test_judged_by_the_brief_policy_an_unmapped_tool_is_never_allowed(
    brief_policy_text: str,
) -> None:
    from keyturn.model import Actor, Verdict
    from keyturn.policy import load_policy

    policy = load_policy(brief_policy_text)
    actor = Actor(agent="claude", operator="olivia")
    unmapped = policy.judge(understand_mcp("inventory", "drop_db", {"name": "x"}), actor=actor)
    read = policy.judge(understand_mcp("fs", "read_text_file", {"path": "/a"}), actor=actor)
    assert unmapped.decision is not Verdict.ALLOW
    assert read.decision is Verdict.ALLOW


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(
    server=st.sampled_from(["filesystem", "git", "github", "postgres", "kubernetes", "aws", "zz"]),
    tool=st.sampled_from(
        ["write_file", "git_reset", "delete_file", "query", "resources_delete", "call_aws", "x"]
    ),
    arguments=st.dictionaries(
        st.sampled_from(["path", "paths", "repo_path", "owner", "repo", "sql", "kind", "name"]),
        _json,
        max_size=4,
    ),
)
def test_any_arguments_give_attributed_effects_and_never_raise(
    server: str, tool: str, arguments: dict[str, Any]
) -> None:
    action = understand_mcp(server, tool, arguments)
    assert_attributed(action, server, tool)


def test_with_the_real_sql_understanding_a_drop_is_a_delete_of_the_table() -> None:
    try:
        from keyturn.understand.sql import sql_effects  # noqa: F401
    except ImportError:
        pytest.skip("the SQL understanding is not in this build")
    action = understand_mcp("postgres", "query", {"sql": "DROP TABLE orders"})
    assert D in kinds(action)
    assert all(n[0].startswith("db:postgres") for n in names(action))
    assert_attributed(action, "postgres", "query")


def test_with_the_real_shell_understanding_call_aws_deletes_the_instance() -> None:
    try:
        from keyturn.understand.shell import understand_shell  # noqa: F401
    except ImportError:
        pytest.skip("the shell understanding is not in this build")
    command = "aws rds delete-db-instance --db-instance-identifier prod-db"
    action = understand_mcp("aws", "call_aws", {"cli_command": command})
    assert D in kinds(action)
    assert any("arn:aws:rds:*:*:db:prod-db" in n for n in names(action))


def test_sqlite_tools_are_judged_by_their_sql(fake_sql: list[dict[str, Any]]) -> None:
    """The reference SQLite server: whatever a tool's name says, its SQL decides."""
    for tool in ("write_query", "read_query", "create_table"):
        understand_mcp("sqlite", tool, {"query": "DROP TABLE orders"})
    assert [c["engine"] for c in fake_sql] == ["sqlite"] * 3
    assert [c["sql"] for c in fake_sql] == ["DROP TABLE orders"] * 3
    assert kinds(understand_mcp("sqlite", "list_tables", {})) == [EffectKind.READ]
    assert kinds(understand_mcp("sqlite", "describe_table", {"table_name": "t"})) == [
        EffectKind.READ
    ]
    assert kinds(understand_mcp("sqlite", "write_query", {})) == [X]


def test_sqlite_drop_through_read_query_is_a_delete() -> None:
    action = understand_mcp("sqlite", "read_query", {"query": "SELECT 1; DROP TABLE orders"})
    assert D in kinds(action)
