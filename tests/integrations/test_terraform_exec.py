"""``keyturn exec -- terraform apply``: plan to a file, judge that plan, apply exactly that file.

``assets/terraform`` is a STAND-IN for the terraform executable (a small shell script, not
Terraform): ``show -json`` prints a real plan from the shared fixtures, and every call is
logged with the sha256 of the plan file it wrote or was given, so the tests can tell which file
was applied.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from keyturn.approval import Role, approve
from keyturn.bootstrap import load_settings, open_state
from keyturn.cli import main
from keyturn.errors import UsageError
from keyturn.integrations.execution.terraform_apply import parse_apply

STANDIN = Path(__file__).parent / "assets" / "terraform"
REPLACE_PLAN = (
    "hashicorp+terraform/internal__command__testdata__show-json__requires-replace__output.json"
)
# A plan that asks in production (a delete whose configuration is gone is denied there: a
# removed block may run provisioners the plan does not show).
UPDATE_PLAN = "hashicorp+terraform/internal__command__testdata__show-json__drift__output.json"


@pytest.fixture()
def home(
    tmp_path: Path, brief_policy_text: str, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE", "KEYTURN_AGENT", "KEYTURN_SESSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KEYTURN_POLICY", str(policy))
    monkeypatch.setenv("USER", "bob")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOPERATORBROADKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "operator-secret")
    (tmp_path / "tf").mkdir()
    # On PATH, as terraform is installed: a program run by a path in the project is judged as
    # the file it is, not as the tool it is named like.
    monkeypatch.setenv("PATH", f"{STANDIN.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STANDIN_TF_LOG", str(tmp_path / "tf" / "log"))
    monkeypatch.setenv("STANDIN_TF_PLAN", str(fixtures / "terraform" / REPLACE_PLAN))
    monkeypatch.delenv("STANDIN_TF_SECOND_PLAN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    return tmp_path


def log(home: Path) -> list[str]:
    path = home / "tf" / "log"
    return path.read_text().splitlines() if path.exists() else []


def sha_of(line: str) -> str:
    return line.split("sha256=")[1].split()[0]


def approve_all(request_id: int, *reviewers: str) -> None:
    store = open_state(load_settings())
    try:
        now = time.time()
        for who in reviewers:
            store.transition(
                request_id,
                lambda r, w=who: approve(r, reviewer=w, role=Role.REVIEWER, reason="ok", now=now),
                now=now,
            )
    finally:
        store.close()


def request_state(request_id: int) -> tuple[str, bool]:
    store = open_state(load_settings())
    try:
        request = store.get_request(request_id)
        grant = request.grant
        return request.state.value, grant is not None and grant.used_at is not None
    finally:
        store.close()


APPLY = ["exec", "--no-wait", "--agent", "kiro", "--", "terraform", "apply", "-auto-approve"]
APPLY += ["-var", "size=large", "-target=test_instance.test"]


def plans(home: Path) -> list[Path]:
    root = home / "home" / "plans"
    return sorted(p for p in root.iterdir()) if root.exists() else []


def test_held_plan_is_applied_exactly_once_after_approval(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(APPLY) == 3
    out, err = capsys.readouterr()
    request_id = int(out.strip())
    assert "held for 2 reviews from sre" in err
    [planned] = [line for line in log(home) if line.startswith("plan ")]
    # The user's planning options are carried over; -auto-approve is not a planning option.
    assert "-input=false" in planned and "-var=size=large" in planned
    assert "-target=test_instance.test" in planned and "auto-approve" not in planned
    assert not [line for line in log(home) if line.startswith("apply")]
    [kept] = plans(home)
    assert (kept / "plan.tfplan").is_file()

    approve_all(request_id, "alice", "carol")
    assert main(APPLY) == 0
    [applied] = [line for line in log(home) if line.startswith("apply ")]
    assert sha_of(applied) == sha_of(planned)  # exactly the file that was planned and judged
    assert applied.split()[1].endswith("/plan.tfplan")
    assert "aws_key=none" in applied  # the operator's key never reaches terraform
    assert request_state(request_id) == ("approved", True)
    assert plans(home) == []

    # The grant was used once: the same command plans again and is held again.
    assert main(APPLY) == 3
    assert len([line for line in log(home) if line.startswith("apply ")]) == 1


def test_a_changed_plan_does_not_use_the_grant(
    home: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STANDIN_TF_SECOND_PLAN", str(fixtures / "terraform" / UPDATE_PLAN))
    assert main(APPLY) == 3
    first = int(capsys.readouterr().out.strip())
    approve_all(first, "alice", "carol")
    assert main(APPLY) == 3  # the kept file now shows another plan: a new review
    out, err = capsys.readouterr()
    assert int(out.strip()) != first
    assert "no longer shows what was reviewed" in err
    assert not [line for line in log(home) if line.startswith("apply")]
    assert request_state(first) == ("approved", False)  # the grant is still unused


def test_a_plan_file_with_other_bytes_does_not_use_the_grant(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(APPLY) == 3
    first = int(capsys.readouterr().out.strip())
    approve_all(first, "alice", "carol")
    [kept] = plans(home)
    (kept / "plan.tfplan").write_text("another plan file, same shown plan\n")
    assert main(APPLY) == 3
    assert int(capsys.readouterr().out.strip()) != first
    assert not [line for line in log(home) if line.startswith("apply")]
    assert request_state(first) == ("approved", False)


def test_denied_plan_is_not_applied_nor_kept(
    home: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The brief's policy protects aws_db_instance.main; this fixture plan replaces a
    # test_instance, so protect that address through --env and a policy of our own.
    policy = home / "strict.yaml"
    policy.write_text(
        (home / "keyturn.yaml").read_text().replace('"aws_db_instance.main"', '"test_instance.*"')
    )
    monkeypatch.setenv("KEYTURN_POLICY", str(policy))
    assert main(APPLY) == 4
    assert "protected resource" in capsys.readouterr().err
    assert not [line for line in log(home) if line.startswith("apply")]
    assert plans(home) == []


def test_allowed_plan_is_applied_straight_away(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exec", "--env", "dev", "--", "terraform", "-chdir=infra", "apply"]) == 0
    lines = log(home)
    assert lines[0] == "chdir infra"
    assert [line.split()[0] for line in lines if not line.startswith("chdir")] == [
        "plan",
        "show",
        "apply",
    ]
    assert "no role configured for dev" in capsys.readouterr().err
    assert plans(home) == []


def test_apply_of_a_saved_plan_is_left_to_the_shell_understanding() -> None:
    assert parse_apply(["terraform", "apply", "tfplan"], cwd="/w", environ={}) is None
    assert parse_apply(["terraform", "plan"], cwd="/w", environ={}) is None
    assert parse_apply(["ls", "apply"], cwd="/w", environ={}) is None


def test_apply_options_are_carried_to_plan(tmp_path: Path) -> None:
    (tmp_path / "infra" / ".terraform").mkdir(parents=True)
    (tmp_path / "infra" / ".terraform" / "environment").write_text("prod-eu\n")
    cmd = parse_apply(
        ["/opt/tofu", "-chdir=infra", "apply", "-replace", "aws_vpc.main", "-lock=false",
         "--var-file=prod.tfvars", "-input=false"],
        cwd=str(tmp_path),
        environ={},
    )  # fmt: skip
    assert cmd is not None
    assert cmd.name == "tofu" and cmd.workspace == "prod-eu"
    assert cmd.directory == str(tmp_path / "infra")
    assert cmd.plan_argv(Path("/p/f")) == [
        "/opt/tofu", "-chdir=infra", "plan", "-input=false", "-out=/p/f",
        "-replace=aws_vpc.main", "-lock=false", "-var-file=prod.tfvars",
    ]  # fmt: skip
    assert cmd.apply_argv(Path("/p/f")) == ["/opt/tofu", "-chdir=infra", "apply", "/p/f"]
    env_ws = parse_apply(["terraform", "apply"], cwd="/w", environ={"TF_WORKSPACE": "prod"})
    assert env_ws is not None and env_ws.workspace == "prod"


def test_an_option_that_cannot_be_planned_is_bad_usage(home: Path) -> None:
    with pytest.raises(UsageError, match="-state-out=x cannot be carried over"):
        parse_apply(["terraform", "apply", "-state-out=x"], cwd="/w", environ={})
    assert main(["exec", "--", "terraform", "apply", "-var"]) == 2
    assert log(home) == []


def _approve_when_held(home: Path, *, tamper: bool) -> None:
    store = open_state(load_settings())
    try:
        for _ in range(600):
            if store.list_requests():
                break
            time.sleep(0.05)
        request_id = store.list_requests()[0].id
    finally:
        store.close()
    if tamper:
        [kept] = plans(home)
        (kept / "plan.tfplan").write_text("swapped while waiting for review\n")
    approve_all(request_id, "alice", "carol")


@pytest.mark.parametrize("tamper", [False, True], ids=["untouched", "swapped-while-waiting"])
def test_waiting_apply_runs_the_judged_file_or_nothing(home: Path, tamper: bool) -> None:
    argv = ["exec", "--poll", "0.05", "--agent", "kiro", "--", "terraform", "apply"]
    result: list[int] = []
    waiter = threading.Thread(target=lambda: result.append(main(argv)))
    waiter.start()
    _approve_when_held(home, tamper=tamper)
    waiter.join(timeout=60)
    applied = [line for line in log(home) if line.startswith("apply ")]
    if tamper:
        assert result == [4]  # the bytes are no longer those judged: not applied
        assert applied == []
        store = open_state(load_settings())
        try:
            runs = [r.parsed() for r in store.audit_records() if r.parsed()["kind"] == "execution"]
        finally:
            store.close()
        assert "changed after it was judged" in runs[-1]["data"]["detail"]
    else:
        assert result == [0]
        [planned] = [line for line in log(home) if line.startswith("plan ")]
        assert [sha_of(line) for line in applied] == [sha_of(planned)]
    assert plans(home) == []
