"""The GitHub CLI: effects on github: resources, named as the GitHub MCP server's tools are."""

from __future__ import annotations

import pytest
from tests.conftest import BRIEF_POLICY
from tests.understand.shell.conftest import protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
GIT_CONFIG = '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/shop.git\n'
FILES = MemoryFiles({"/w/shop/.git/config": GIT_CONFIG})


def _effects(command: str, cwd: str = "/w/shop/src", **env: str):
    return understand_shell(command, cwd=cwd, home="/home/u", env=env, files=FILES).effects


def _pairs(command: str, **env: str) -> list[tuple[EffectKind, str]]:
    return [(e.effect, e.resource.name) for e in _effects(command, **env)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("gh pr list", (_E.READ, "github:acme/shop/pull/*")),
        ("gh pr view 12", (_E.READ, "github:acme/shop/pull/12")),
        ("gh pr create --title t --body b", (_E.CREATE, "github:acme/shop/pull/*")),
        ("gh pr merge 12 --squash", (_E.UPDATE, "github:acme/shop/pull/12")),
        ("gh pr merge", (_E.UPDATE, "github:acme/shop/pull/current")),
        ("gh pr checkout 12", (_E.UPDATE, "git:local/HEAD")),
        ("gh issue close 5", (_E.UPDATE, "github:acme/shop/issues/5")),
        ("gh issue delete 5 --yes", (_E.DELETE, "github:acme/shop/issues/5")),
        ("gh repo view", (_E.READ, "github:acme/shop")),
        ("gh repo delete --yes", (_E.DELETE, "github:acme/shop")),
        ("gh repo delete acme/other --yes", (_E.DELETE, "github:acme/other")),
        ("gh repo archive -y", (_E.UPDATE, "github:acme/shop")),
        ("gh -R acme/api release delete v1 -y", (_E.DELETE, "github:acme/api/releases/v1")),
        ("gh release delete v1 --repo acme/api", (_E.DELETE, "github:acme/api/releases/v1")),
        ("gh secret set TOKEN -b x", (_E.UPDATE, "github:acme/shop/secrets/TOKEN")),
        ("gh secret delete TOKEN -o acme", (_E.DELETE, "github:acme/secrets/TOKEN")),
        (
            "gh secret delete TOKEN -e production",
            (_E.DELETE, "github:acme/shop/environments/production/secrets/TOKEN"),
        ),
        (
            "gh workflow run deploy.yml",
            (_E.UPDATE, "github:acme/shop/actions/workflows/deploy.yml"),
        ),
        ("gh run cancel 99", (_E.UPDATE, "github:acme/shop/actions/runs/99")),
        ("gh cache delete --all", (_E.DELETE, "github:acme/shop/actions/caches/*")),
        ("gh gist delete abc", (_E.DELETE, "github:gist/abc")),
        ("gh api repos/acme/shop", (_E.READ, "github:acme/shop")),
        ("gh api -X DELETE repos/acme/shop", (_E.DELETE, "github:acme/shop")),
        ("gh api --method=DELETE /repos/{owner}/{repo}", (_E.DELETE, "github:acme/shop")),
        ("gh api repos/{owner}/{repo}/issues -f title=x", (_E.UPDATE, "github:acme/shop/issues")),
        ("gh api graphql -f query='query { viewer { login } }'", (_E.READ, "github:graphql")),
        (
            "gh api graphql -f query='mutation { addStar(input:{}) { x } }'",
            (_E.UPDATE, "github:graphql"),
        ),
        ("gh auth status", (_E.READ, "github:auth")),
        ("gh auth logout", (_E.UPDATE, "github:auth")),
        ("gh status", (_E.READ, "github:acme/shop")),
    ],
)
def test_meanings(command: str, expected: tuple[EffectKind, str]) -> None:
    assert _pairs(command) == [expected], _pairs(command)


def test_a_clone_reads_the_repository_and_creates_its_folder() -> None:
    assert _pairs("gh repo clone acme/other") == [
        (_E.READ, "github:acme/other"),
        (_E.CREATE, "file:/w/shop/src/other"),
    ]
    assert _pairs("gh repo clone acme/other here")[1] == (_E.CREATE, "file:/w/shop/src/here")


def test_gh_repo_variable_names_the_repository() -> None:
    assert _pairs("gh issue delete 5", GH_REPO="acme/web") == [
        (_E.DELETE, "github:acme/web/issues/5")
    ]


def test_admin_merge_removes_protection() -> None:
    (effect,) = _effects("gh pr merge 12 --admin --squash")
    assert effect.removes_protection


def test_a_repository_that_cannot_be_named_is_not_deleted_as_named() -> None:
    found = _effects("gh repo delete --yes", cwd="/elsewhere")
    assert [e.effect for e in found] == [_E.UNKNOWN]


@pytest.mark.parametrize(
    "command",
    [
        "gh config set editor 'rm -rf /'",  # gh runs the editor later
        "gh alias set x --shell 'rm -rf /'",
        "gh extension install owner/gh-x",
        "gh my-extension run",
        "gh api graphql -f query='mutation { deleteRepository(input:{}) { x } }'",
        "gh pr",
    ],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    assert any(e.effect is _E.UNKNOWN for e in _effects(command)), command


PROTECTING = protecting("github:acme/shop")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("gh pr list", Verdict.ALLOW),
        ("gh pr merge 12", Verdict.ASK),
        ("gh repo delete --yes", Verdict.DENY),  # protected
        ("gh api -X DELETE repos/{owner}/{repo}", Verdict.DENY),
        # Bypassing the branch protection of a protected repository is unprotecting it.
        ("gh pr merge 12 --admin", Verdict.DENY),
    ],
)
def test_under_a_policy_protecting_the_repository(
    command: str, expected: Verdict, judge_brief
) -> None:
    assert PROTECTING != BRIEF_POLICY
    decision = judge_brief(command, cwd="/w/shop", files=FILES, policy=PROTECTING)
    assert decision.decision is expected, (command, decision.describe())
