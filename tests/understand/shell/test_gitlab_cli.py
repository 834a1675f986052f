"""The GitLab CLI, glab: effects on gitlab: resources, mirroring gh's github: ones."""

from __future__ import annotations

import pytest
from tests.conftest import BRIEF_POLICY
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
GIT_CONFIG = '[remote "origin"]\n\turl = git@gitlab.com:acme/infra/shop.git\n'
FILES = MemoryFiles({"/w/shop/.git/config": GIT_CONFIG})
SHOP = "gitlab:acme/infra/shop"


def _effects(command: str, cwd: str = "/w/shop/src") -> tuple[Effect, ...]:
    return understand_shell(command, cwd=cwd, home="/home/u", files=FILES).effects


def _meaning(command: str, cwd: str = "/w/shop/src") -> list[tuple[EffectKind, tuple[str, ...]]]:
    return [(e.effect, e.resource.names) for e in _effects(command, cwd)]


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        ("glab mr list", _E.READ, (f"{SHOP}/merge_requests/*", SHOP)),
        ("glab mr view 12", _E.READ, (f"{SHOP}/merge_requests/12", SHOP)),
        ("glab mr diff 12", _E.READ, (f"{SHOP}/merge_requests/12", SHOP)),
        ("glab mr create -t title -d text", _E.CREATE, (f"{SHOP}/merge_requests/*", SHOP)),
        ("glab mr merge 12 --yes", _E.UPDATE, (f"{SHOP}/merge_requests/12", SHOP)),
        ("glab mr merge", _E.UPDATE, (f"{SHOP}/merge_requests/current", SHOP)),
        ("glab mr close 12", _E.UPDATE, (f"{SHOP}/merge_requests/12", SHOP)),
        ("glab mr approve 12", _E.UPDATE, (f"{SHOP}/merge_requests/12", SHOP)),
        ("glab mr delete 12", _E.DELETE, (f"{SHOP}/merge_requests/12", SHOP)),
        ("glab mr checkout 12", _E.UPDATE, ("git:local/HEAD", SHOP)),
        ("glab issue list", _E.READ, (f"{SHOP}/issues/*", SHOP)),
        ("glab issue close 5", _E.UPDATE, (f"{SHOP}/issues/5", SHOP)),
        ("glab issue delete 5", _E.DELETE, (f"{SHOP}/issues/5", SHOP)),
        ("glab release list", _E.READ, (f"{SHOP}/releases/*", SHOP)),
        ("glab release delete v1 -y", _E.DELETE, (f"{SHOP}/releases/v1", SHOP)),
        (
            "glab release delete v1 --with-tag -y",
            _E.DELETE,
            (f"{SHOP}/releases/v1", f"{SHOP}/tags/v1", SHOP),
        ),
        (
            "glab -R acme/api release delete v2",
            _E.DELETE,
            ("gitlab:acme/api/releases/v2", "gitlab:acme/api"),
        ),
        ("glab variable list", _E.READ, (f"{SHOP}/variables/*",)),
        ("glab variable get TOKEN", _E.READ, (f"{SHOP}/variables/TOKEN",)),
        ("glab variable set TOKEN x", _E.UPDATE, (f"{SHOP}/variables/TOKEN",)),
        (
            "glab variable set TOKEN x --scope production",
            _E.UPDATE,
            (f"{SHOP}/variables/TOKEN", f"{SHOP}/environments/production/variables/TOKEN"),
        ),
        ("glab var delete TOKEN -g acme", _E.DELETE, ("gitlab:acme/variables/TOKEN",)),
        ("glab ci list", _E.READ, (f"{SHOP}/pipelines/*", SHOP)),
        ("glab ci view 77", _E.READ, (f"{SHOP}/pipelines/77", SHOP)),
        ("glab ci trace 901", _E.READ, (f"{SHOP}/jobs/901", SHOP)),
        ("glab ci delete 77", _E.DELETE, (f"{SHOP}/pipelines/77", SHOP)),
        ("glab ci delete --status failed", _E.DELETE, (f"{SHOP}/pipelines/*", SHOP)),
        ("glab ci retry 901", _E.UPDATE, (f"{SHOP}/jobs/901", SHOP)),
        ("glab ci cancel job 901", _E.UPDATE, (f"{SHOP}/jobs/901", SHOP)),
        ("glab pipeline run -b main", _E.UPDATE, (f"{SHOP}/pipelines/*", SHOP)),
        ("glab label delete bug", _E.DELETE, (f"{SHOP}/labels/bug", SHOP)),
        ("glab schedule delete 3", _E.DELETE, (f"{SHOP}/pipeline_schedules/3", SHOP)),
        ("glab deploy-key delete 8", _E.DELETE, (f"{SHOP}/deploy_keys/8", SHOP)),
        ("glab token revoke 4", _E.DELETE, (f"{SHOP}/access_tokens/4", SHOP)),
        ("glab repo view", _E.READ, (SHOP,)),
        ("glab repo view acme/prod", _E.READ, ("gitlab:acme/prod",)),
        ("glab repo delete acme/prod -y", _E.DELETE, ("gitlab:acme/prod",)),
        ("glab repo delete", _E.DELETE, (SHOP,)),
        ("glab repo delete https://gitlab.com/acme/prod.git", _E.DELETE, ("gitlab:acme/prod",)),
        ("glab repo delete gitlab.example.com/acme/prod", _E.DELETE, ("gitlab:acme/prod",)),
        ("glab repo transfer acme/shop --target-namespace other", _E.UPDATE, ("gitlab:acme/shop",)),
        ("glab repo archive acme/shop", _E.READ, ("gitlab:acme/shop",)),
        ("glab repo create acme/new", _E.CREATE, ("gitlab:acme/new",)),
        ("glab ssh-key delete 42", _E.DELETE, ("gitlab:user/keys/42",)),
        ("glab auth status", _E.READ, ("gitlab:auth",)),
        ("glab api projects/:id/merge_requests", _E.READ, (f"{SHOP}/merge_requests",)),
        ("glab api -X DELETE projects/acme%2Fprod", _E.DELETE, ("gitlab:acme/prod",)),
        ("glab api --method DELETE projects/:fullpath", _E.DELETE, (SHOP,)),
        ("glab api projects/:id/issues -f title=x", _E.UPDATE, (f"{SHOP}/issues",)),
        ("glab api -X PUT projects/123/archive", _E.UPDATE, ("gitlab:api/projects/123/archive",)),
        ("glab api user", _E.READ, ("gitlab:api/user",)),
        (
            "glab api graphql -f query='query { currentUser { name } }'",
            _E.READ,
            ("gitlab:graphql",),
        ),
        ("glab version", _E.READ, ("shell:glab",)),
    ],
)
def test_meanings(command: str, kind: EffectKind, names: tuple[str, ...]) -> None:
    assert _meaning(command) == [(kind, names)]


def test_clone_reads_the_project_and_creates_the_folder() -> None:
    assert _meaning("glab repo clone acme/tools", "/w") == [
        (_E.READ, ("gitlab:acme/tools",)),
        (_E.CREATE, ("file:/w/tools",)),
    ]


def test_the_project_comes_from_the_origin_remote_or_is_current() -> None:
    assert _meaning("glab mr delete 3", "/elsewhere") == [
        (_E.UNKNOWN, ("gitlab:current/merge_requests/3", "gitlab:current"))
    ]
    (unknown,) = _effects("glab repo delete -y", "/elsewhere")
    assert unknown.effect is _E.UNKNOWN and "-R GROUP/PROJECT" in unknown.detail
    (read,) = _effects("glab mr list", "/elsewhere")
    assert read.effect is _E.READ and read.resource.name == "gitlab:current/merge_requests/*"


def test_yes_and_scope_are_noted() -> None:
    (effect,) = _effects("glab repo delete acme/prod --yes")
    assert "-y: no confirmation prompt" in effect.detail
    (scoped,) = _effects("glab variable delete TOKEN -s staging")
    assert "scope staging" in scoped.detail


def test_a_pipeline_run_says_it_does_what_the_ci_file_says() -> None:
    (effect,) = _effects("glab ci run")
    assert ".gitlab-ci.yml" in effect.detail


def test_a_deleting_graphql_mutation_is_unknown() -> None:
    (effect,) = _effects("glab api graphql -f query='mutation { projectDelete(input: {}) }'")
    assert effect.effect is _E.UNKNOWN
    (update,) = _effects("glab api graphql -f query='mutation { createNote(input: {}) }'")
    assert update.effect is _E.UPDATE


@pytest.mark.parametrize(
    "command",
    [
        "glab frob",
        "glab mr frob 3",
        "glab issue frob",
        "glab ci frob",
        "glab repo frob",
        "glab repo clone",
        "glab alias set x 'repo delete'",
        "glab config set editor vim",
        "glab auth frob",
        "glab api",
        "glab stack create x",
        "glab ssh-key frob",
    ],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    effects = _effects(command)
    assert [e.effect for e in effects] == [_E.UNKNOWN], command
    assert not [e.detail for e in effects if "could not understand" in e.detail], command


PROTECTING = protecting("gitlab:acme/prod")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("glab repo delete acme/prod -y", Verdict.DENY),
        ("glab repo delete -R acme/prod", Verdict.DENY),
        ("glab api -X DELETE projects/acme%2Fprod", Verdict.DENY),
        ("glab api -X DELETE projects/:id -R acme/prod", Verdict.DENY),
        ("glab release delete v1 -R acme/prod", Verdict.DENY),  # named in the project too
        ("glab repo view -R acme/prod", Verdict.ALLOW),
        ("glab mr list -R acme/prod", Verdict.ALLOW),
        ("glab mr merge 3 -R acme/prod", Verdict.ASK),
        ("glab repo delete acme/staging -y", Verdict.ASK),
        ("glab frob", Verdict.DENY),
    ],
)
def test_under_a_policy_protecting_a_project(
    command: str, expected: Verdict, judge_brief: JudgeBrief
) -> None:
    assert PROTECTING != BRIEF_POLICY
    decision = judge_brief(command, files=FILES, policy=PROTECTING)
    assert decision.decision is expected, (command, decision.describe())


@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        ("glab mr list", "dev", Verdict.ALLOW),
        ("glab mr merge 3", "dev", Verdict.ALLOW),
        ("glab repo delete acme/prod -y", None, Verdict.ASK),
        ("glab variable set TOKEN x --scope production", None, Verdict.ASK),
        ("glab frob", "dev", Verdict.ASK),
    ],
)
def test_under_the_brief_policy(
    command: str, env: str | None, expected: Verdict, judge_brief: JudgeBrief
) -> None:
    decision = judge_brief(command, env=env, files=FILES)
    assert decision.decision is expected, (command, decision.describe())


def _with(command: str, files: dict[str, str]) -> list[tuple[EffectKind, tuple[str, ...]]]:
    found = understand_shell(command, cwd="/w", home="/home/u", files=MemoryFiles(files))
    return [(e.effect, e.resource.names) for e in found.effects]


def test_the_project_is_the_remote_glab_picks_and_the_others_are_named_too() -> None:
    remotes = (
        '[remote "origin"]\n\turl = git@gitlab.com:me/shop.git\n'
        '[remote "upstream"]\n\turl = https://gitlab.com/acme/shop.git\n'
    )
    assert _with("glab variable delete K", {"/w/.git/config": remotes}) == [
        (_E.DELETE, ("gitlab:acme/shop/variables/K", "gitlab:me/shop/variables/K"))
    ]
    resolved = remotes + '[remote "origin"]\n\tglab-resolved = base\n'
    assert _with("glab repo delete -y", {"/w/.git/config": resolved}) == [
        (_E.DELETE, ("gitlab:me/shop", "gitlab:acme/shop"))
    ]


@pytest.mark.parametrize(
    ("command", "files", "kind"),
    [
        ("glab api graphql -F query=@q.graphql", {}, _E.UNKNOWN),
        (
            "glab api graphql -F query=@q.graphql",
            {"/w/q.graphql": "{ currentUser { id } }"},
            _E.READ,
        ),
        (
            "glab api graphql -F query=@q.graphql",
            {"/w/q.graphql": "mutation { destroyBoard(input: {}) { errors } }"},
            _E.UNKNOWN,
        ),
        ("glab api graphql --input b.json", {"/w/b.json": '{"query": "{ a }"}'}, _E.READ),
        (
            "glab api graphql --input b.json",
            {"/w/b.json": '{"query": "mutation { createNote(input: {}) { errors } }"}'},
            _E.UPDATE,
        ),
        ("glab api graphql --input b.json", {"/w/b.json": '{"other": 1}'}, _E.UNKNOWN),
        ('glab api graphql -f query="$Q"', {}, _E.UNKNOWN),
        (
            "glab api graphql -f query=$'mutation { projectDelete # x\\n (input: {}) { errors } }'",
            {},
            _E.UNKNOWN,
        ),
        (
            "glab api graphql -f query='mutation { a: projectDelete(input: {}) { errors } }'",
            {},
            _E.UNKNOWN,
        ),
    ],
)
def test_graphql_documents_are_read_where_they_are(
    command: str, files: dict[str, str], kind: EffectKind
) -> None:
    assert [k for k, _ in _with(command, files)] == [kind]


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        ("glab api -X DELETE projects/4242", _E.UNKNOWN, ("gitlab:api/projects/4242",)),
        ("glab api projects/4242", _E.READ, ("gitlab:api/projects/4242",)),
        (
            "glab api -X DELETE groups/acme%2Finfra",
            _E.DELETE,
            ("gitlab:acme/infra", "gitlab:acme/infra/*"),
        ),
        ("glab api -X DELETE groups/acme/variables/K", _E.DELETE, ("gitlab:acme/variables/K",)),
        ("glab repo delete -R=acme/prod -y", _E.DELETE, ("gitlab:acme/prod",)),
    ],
)
def test_api_paths_name_what_a_protected_pattern_can_match(
    command: str, kind: EffectKind, names: tuple[str, ...]
) -> None:
    assert _with(command, {}) == [(kind, names)]
