"""The home directory a tool reads its settings under is read one way for every tool
(``commands._home``): the ``HOME`` the line gives it, ``~`` expanded as bash expands it in an
assignment, a relative one joined to the working directory, every spelling normalised; a home
decided at run time, or given empty, is not told.

Each tool used to have its own reading: kubectl joined ``HOME=~/x`` to the working directory (a
folder literally named ``~`` there chose the cluster), the AWS CLI did not read a relative home
at all, and an empty ``HOME=`` made kubectl look at ``/.kube/config``.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy; the settings are real
files under ``tmp_path`` (the session's home has a dev kubeconfig and no AWS aliases).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.adversarial.conftest import ACTOR
from tests.conftest import BRIEF_POLICY

from keyturn.localfiles import LocalFiles
from keyturn.model import Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell

DEV_KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: kind-dev\n"
PROD_KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: prod-east\n"
DELETE_PROD_DB = "rds delete-db-instance --db-instance-identifier prod-db --skip-final-snapshot"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY)


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """The session's home (a dev kubeconfig), with the project beside it."""
    _write(tmp_path / "home/.kube/config", DEV_KUBECONFIG)
    (tmp_path / "project").mkdir()
    return tmp_path / "home"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _decision(policy: Policy, line: str, home: Path) -> str:
    action = understand_shell(
        line,
        cwd=str(home.parent / "project"),
        home=str(home),
        env={"HOME": str(home), "AWS_PROFILE": "dev"},
        target=Target(),
        files=LocalFiles(),
    )
    return policy.judge(action, actor=ACTOR).decision.value


def test_a_tilde_home_is_under_the_sessions_home_not_a_folder_named_tilde(
    policy: Policy, home: Path
) -> None:
    """``HOME=~/other``: bash makes it ``$HOME/other``, whose kubeconfig names production; a
    folder literally named ``~`` in the working directory (with a dev kubeconfig) is not it."""
    _write(home / "other/.kube/config", PROD_KUBECONFIG)
    _write(home.parent / "project/~/other/.kube/config", DEV_KUBECONFIG)
    assert _decision(policy, "HOME=~/other kubectl delete deploy web", home) == "ask"


def test_a_relative_home_is_read_from_the_working_directory(policy: Policy, home: Path) -> None:
    """``HOME=../alt aws nuke``: the CLI opens ``../alt/.aws/cli/alias`` from the working
    directory, and its alias deletes the production database."""
    _write(home.parent / "alt/.aws/cli/alias", f"[toplevel]\nnuke = {DELETE_PROD_DB}\n")
    assert _decision(policy, "HOME=../alt aws --profile dev nuke", home) == "deny"


@pytest.mark.parametrize(
    "line",
    [
        "kubectl delete deploy web",
        "aws --profile dev rds delete-db-instance --db-instance-identifier db1",
        "psql -h localhost -d app -c 'select 1'",
    ],
)
@pytest.mark.parametrize("spelling", ["~", "{home}/.", "{home}//", "../home", "{home}/x/.."])
def test_every_spelling_of_the_sessions_home_is_that_home(
    policy: Policy, home: Path, line: str, spelling: str
) -> None:
    (home / "x").mkdir()
    plain = _decision(policy, line, home)
    given = f"HOME={spelling.format(home=home)} {line}"
    assert _decision(policy, given, home) == plain, given


@pytest.mark.parametrize(
    "line",
    [
        "kubectl delete deploy web",
        "aws --profile dev rds delete-db-instance --db-instance-identifier db1",
        "psql -h localhost -d app -c 'select 1'",
    ],
)
@pytest.mark.parametrize("home_given", ["", "$X", "$(mktemp -d)", "`mktemp -d`"])
def test_a_home_not_told_is_never_allowed(
    policy: Policy, home: Path, line: str, home_given: str
) -> None:
    """The plain line is allowed (the session's dev settings); under a home the line leaves
    undecided or empty the settings are not known."""
    assert _decision(policy, line, home) == "allow"
    given = f"HOME={home_given} {line}"
    assert _decision(policy, given, home) in ("ask", "deny"), given
