"""Governance gaps from the red-team report: a ``service:`` rule reached through another API,
protected file names in another case, agent names in another spelling, a grant used after the
program it runs changed, and an audit log whose head or records went missing."""

from __future__ import annotations

import json
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell
from tests.store.helpers import NOW, draft, open_backend, opened, raw_sql

from keyturn.approval import RequestState, Role, approve, vote_step
from keyturn.audit.chain import GENESIS
from keyturn.audit.record import StoredRecord
from keyturn.audit.signing import Signer
from keyturn.bootstrap import load_settings, open_state
from keyturn.cli import audit as audit_cli
from keyturn.cli import main
from keyturn.errors import EXIT_ASK, EXIT_INTERNAL
from keyturn.integrations.execution.named_files import (
    bound_to_files,
    changed_files,
    named_files,
)
from keyturn.model import Actor, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.store.interface import Store
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_CLOUDCONTROL = "aws --profile dev cloudcontrol"
_ATTACH_ADMIN = (
    '[{"op":"add","path":"/ManagedPolicyArns/-",'
    '"value":"arn:aws:iam::aws:policy/AdministratorAccess"}]'
)


# -- a service rule reaches the service's resources through Cloud Control ----------------------


@pytest.mark.parametrize(
    "line",
    [
        f"{_CLOUDCONTROL} delete-resource --type-name AWS::IAM::Role --identifier admin-role",
        f"{_CLOUDCONTROL} create-resource --type-name AWS::IAM::User "
        '--desired-state \'{"UserName":"backdoor"}\'',
        f"{_CLOUDCONTROL} update-resource --type-name AWS::IAM::Role --identifier r "
        f"--patch-document '{_ATTACH_ADMIN}'",
        # A type no native name is known for: the type itself tells the service.
        f"{_CLOUDCONTROL} update-resource --type-name AWS::IAM::RolePolicy --identifier 'p|r' "
        f"--patch-document '{_ATTACH_ADMIN}'",
    ],
    ids=["delete-role", "create-user", "attach-admin-policy", "role-policy"],
)
def test_iam_deny_holds_an_iam_resource_changed_through_cloud_control(
    judge_shell: JudgeShell, line: str
) -> None:
    decision = judge_shell(line)
    assert decision.decision is Verdict.DENY, decision.reasons
    assert any("agents.kiro.deny" in j.rule for j in decision.judgements)


def test_plain_iam_call_is_still_denied(judge_shell: JudgeShell) -> None:
    decision = judge_shell("aws iam delete-role --role-name r --profile dev")
    assert decision.decision is Verdict.DENY


def test_a_call_that_uses_an_iam_role_is_not_an_iam_change(judge_shell: JudgeShell) -> None:
    """Another service's ARN in a call of its own is a resource it uses (``sts assume-role``,
    ``lambda create-function --role``): only the APIs that change other services' resources by
    name (Cloud Control, CloudFormation) are judged as that service."""
    role = "arn:aws:iam::222222222222:role/x"
    decision = judge_shell(
        f"aws --profile dev sts assume-role --role-arn {role} --role-session-name s"
    )
    assert decision.decision is Verdict.ALLOW, decision.reasons


def test_cloud_control_on_a_non_iam_type_is_not_held_by_the_iam_rule(
    judge_shell: JudgeShell,
) -> None:
    decision = judge_shell(
        f"{_CLOUDCONTROL} delete-resource --type-name AWS::Logs::LogGroup --identifier g"
    )
    assert decision.decision is Verdict.ALLOW, decision.reasons


_SERVICE_POLICY = """
version: 1
default: deny
unknown_environment: dev
environments:
  dev:
    aws_profiles: ["dev*"]
reviewers:
  sre: [alice, bob]
agents:
  "*":
    allow:
      - service: cloudcontrol
      - service: iam
        effect: read
    ask:
      - service: iam
        approvals: 2
        reviewers: [sre]
"""


def _judge_with(policy: Policy, line: str, *, agent: str = "kiro") -> Verdict:
    action = understand_shell(
        line, cwd=CWD, home=HOME, env={}, target=Target(), files=MemoryFiles({})
    )
    return policy.judge(action, actor=Actor(agent=agent, operator="op")).decision


def test_iam_ask_holds_cloud_control_that_a_cloudcontrol_allow_let_through() -> None:
    policy = load_policy(_SERVICE_POLICY)
    line = f"{_CLOUDCONTROL} delete-resource --type-name AWS::IAM::Role --identifier r"
    assert _judge_with(policy, line) is Verdict.ASK


def test_an_allow_of_the_arn_service_does_not_loosen_the_effect_own_service() -> None:
    # Only ``allow: service: iam`` (reads) and default deny: the cloudcontrol delete keeps the
    # default its own service gives; the iam reading never allows.
    policy = load_policy(
        _SERVICE_POLICY.replace("      - service: cloudcontrol\n", "").replace(
            "    ask:\n      - service: iam\n        approvals: 2\n        reviewers: [sre]\n",
            "",
        )
    )
    line = f"{_CLOUDCONTROL} delete-resource --type-name AWS::IAM::Role --identifier r"
    assert _judge_with(policy, line) is Verdict.DENY  # default deny, not allow via iam


def test_an_arn_service_ask_does_not_loosen_a_default_deny() -> None:
    policy = load_policy(_SERVICE_POLICY.replace("      - service: cloudcontrol\n", ""))
    line = f"{_CLOUDCONTROL} delete-resource --type-name AWS::IAM::Role --identifier r"
    assert _judge_with(policy, line) is Verdict.DENY


# -- protected file names compare without case ------------------------------------------------

_PROTECTED_FILES = """
version: 1
default: allow
unknown_environment: dev
environments:
  dev:
    aws_profiles: ["dev*"]
protected:
  - "file:/srv/prod"
  - "file:/srv/prod/*"
agents:
  "*":
    allow:
      - effect: [read, create, update, delete, replace]
"""


@pytest.mark.parametrize(
    "line",
    ["rm -rf /srv/PROD", "rm -rf /srv/Prod/data", "rm -rf /SRV/prod", "rm -rf /srv/PRO*"],
)
def test_protected_file_in_another_case_is_denied(line: str) -> None:
    policy = load_policy(_PROTECTED_FILES)
    assert _judge_with(policy, line) is Verdict.DENY


def test_protected_pattern_in_upper_case_holds_a_lower_case_name() -> None:
    policy = load_policy(_PROTECTED_FILES.replace('"file:/srv/prod"', '"file:/SRV/Prod"'))
    assert _judge_with(policy, "rm -rf /srv/prod") is Verdict.DENY


def test_other_files_stay_allowed() -> None:
    policy = load_policy(_PROTECTED_FILES)
    assert _judge_with(policy, "rm -rf /srv/PRODUCE") is Verdict.ALLOW


# -- agent names compare as approvals compare people ------------------------------------------


@pytest.mark.parametrize(
    "agent", ["Kiro", "kiro ", "\uff4b\uff49\uff52\uff4f", " KIRO", "ki\u200bro"]
)
def test_agent_section_applies_to_another_spelling_of_the_agent(
    brief_policy: Policy, agent: str
) -> None:
    line = "aws iam delete-user --user-name u --profile dev"
    assert _judge_with(brief_policy, line, agent="kiro") is Verdict.DENY
    assert _judge_with(brief_policy, line, agent=agent) is Verdict.DENY


def test_section_key_in_another_case_applies_to_the_agent() -> None:
    policy = load_policy(
        _PROTECTED_FILES.replace(
            '  "*":\n', '  "Kiro":\n    deny:\n      - command: "rm -rf /tmp/x"\n  "*":\n'
        )
    )
    assert _judge_with(policy, "rm -rf /tmp/x", agent="kiro") is Verdict.DENY
    assert _judge_with(policy, "rm -rf /tmp/x", agent="other") is Verdict.ALLOW


# -- keyturn exec runs nothing that changed since its review ----------------------------------


_EXEC = ["exec", "--no-wait", "--env", "dev", "--agent", "kiro", "--"]


def _approve_all_pending() -> list[int]:
    store = open_state(load_settings())
    try:
        approved = []
        for request in store.list_requests(states=[RequestState.PENDING]):
            now = time.time()
            for who in ("alice", "carol")[: request.draft.approvals_required]:
                step = vote_step("approve", by=who, role=Role.REVIEWER, reason="ok", now=now)
                store.transition(request.id, step, now=now)
            approved.append(request.id)
        return approved
    finally:
        store.close()


def _write_program(path: Path, marker: str) -> None:
    path.write_text(f"open({marker!r}, 'w').close()\n")


@pytest.mark.parametrize(
    "command",
    [
        lambda script: [sys.executable, "x.py"],
        lambda script: [sys.executable, str(script)],
        lambda script: ["bash", "-c", f"{shlex.quote(sys.executable)} x.py"],
    ],
    ids=["interpreter-relative", "interpreter-absolute", "inside-bash-c"],
)
def test_exec_does_not_run_a_script_rewritten_after_its_approval(
    exec_home: Path, command: Callable[[Path], list[str]]
) -> None:
    script = exec_home / "x.py"
    _write_program(script, "harmless")
    argv = command(script)
    assert main([*_EXEC, *argv]) == EXIT_ASK
    assert _approve_all_pending()
    _write_program(script, "victim-deleted")
    assert main([*_EXEC, *argv]) == EXIT_ASK  # a new review, the grant is not used for it
    assert not (exec_home / "victim-deleted").exists()
    assert not (exec_home / "harmless").exists()


def test_exec_does_not_run_a_program_file_rewritten_after_its_approval(exec_home: Path) -> None:
    program = exec_home / "deploy"
    program.write_text(f"#!{sys.executable}\nopen('harmless', 'w').close()\n")
    program.chmod(0o755)
    assert main([*_EXEC, "./deploy", "--fast"]) == EXIT_ASK
    assert _approve_all_pending()
    program.write_text(f"#!{sys.executable}\nopen('victim-deleted', 'w').close()\n")
    assert main([*_EXEC, "./deploy", "--fast"]) == EXIT_ASK
    assert not (exec_home / "victim-deleted").exists()


def test_exec_runs_an_unchanged_script_once_on_its_approval(exec_home: Path) -> None:
    script = exec_home / "x.py"
    _write_program(script, "ran")
    argv = [sys.executable, "x.py"]
    assert main([*_EXEC, *argv]) == EXIT_ASK
    assert _approve_all_pending()
    assert main([*_EXEC, *argv]) == 0
    assert (exec_home / "ran").exists()


def test_a_script_changed_after_judging_is_caught_just_before_it_runs(tmp_path: Path) -> None:
    script = tmp_path / "x.py"
    script.write_text("print('a')\n")
    command = ["python3", "x.py"]
    action = understand_shell(
        shlex.join(command), cwd=str(tmp_path), home=HOME, env={}, target=Target(),
        files=MemoryFiles({}),
    )  # fmt: skip
    bound = bound_to_files(action, named_files(command, cwd=str(tmp_path)))
    assert bound.digest != action.digest
    assert changed_files(bound, command, cwd=str(tmp_path)) == []
    script.write_text("print('b')\n")
    assert changed_files(bound, command, cwd=str(tmp_path)) == [str(script)]


# -- keyturn audit verify: a missing head, and a log missing what the state tables show -------

_EVERY = 100


def _audit_store(spec: dict[str, str]) -> Store:
    return open_backend(spec, signer=Signer.from_pem(spec["pem"].encode()), every=_EVERY)


def _history(spec: dict[str, str]) -> None:
    """Two requests; the first approved by two reviewers and its grant used."""
    store = _audit_store(spec)
    try:
        first, _ = store.open_request(draft(), now=NOW, entry=opened())
        for who in ("alice", "carol"):
            store.transition(
                first.id,
                lambda r, who=who: approve(r, reviewer=who, role=Role.REVIEWER, reason="ok",
                                           now=NOW),
                now=NOW,
            )  # fmt: skip
        actor = {"agent": "kiro", "operator": "bob"}
        assert store.consume_grant(
            digest=draft().digest, agent="kiro", operator="bob", now=NOW + 1, actor=actor
        )
        store.open_request(draft("sha256:" + "b" * 64), now=NOW, entry=opened())
    finally:
        store.close()


def _records(spec: dict[str, str]) -> list[StoredRecord]:
    store = _audit_store(spec)
    try:
        return list(store.audit_records())
    finally:
        store.close()


def _audit_verify(spec: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    argv = ["verify", "--home", spec["home"]]
    if "database" in spec:
        argv += ["--database", spec["database"]]
    code = audit_cli.run(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _cut_to(spec: dict[str, str], keep: int) -> None:
    """Delete the records after ``keep`` and set the head to match (no key needed)."""
    records = _records(spec)
    raw_sql(spec, "DELETE FROM audit_log WHERE seq > ?", (keep,))
    raw_sql(spec, "DELETE FROM audit_checkpoints WHERE seq > ?", (keep,))
    chain = records[keep - 1].chain if keep else GENESIS.hex()
    raw_sql(spec, "UPDATE audit_head SET seq = ?, chain = ? WHERE id = 1", (keep, chain))


def test_untampered_history_verifies(
    audit_state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _history(audit_state)
    code, text = _audit_verify(audit_state, capsys)
    assert code == 0, text


def test_verify_with_the_head_row_deleted_says_it_does_not_verify(
    audit_state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _history(audit_state)
    raw_sql(audit_state, "DELETE FROM audit_head")
    code, text = _audit_verify(audit_state, capsys)
    assert code == EXIT_INTERNAL
    assert "does NOT verify" in text and "head" in text
    assert "Traceback" not in text


def test_verify_of_an_emptied_log_with_requests_in_the_store_fails(
    audit_state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _history(audit_state)
    _cut_to(audit_state, 0)
    code, text = _audit_verify(audit_state, capsys)
    assert code == EXIT_INTERNAL
    assert "does NOT verify" in text and "request" in text


def test_verify_of_a_log_cut_before_the_grant_use_fails(
    audit_state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _history(audit_state)
    kinds = [json.loads(r.canonical)["kind"] for r in _records(audit_state)]
    _cut_to(audit_state, kinds.index("grant.used"))
    code, text = _audit_verify(audit_state, capsys)
    assert code == EXIT_INTERNAL
    assert "does NOT verify" in text


def test_verify_log_names_a_request_the_log_does_not_mention() -> None:
    from keyturn.audit.verify import StateEvidence, verify_log

    report = verify_log((), (), public_key=None, state=StateEvidence(requests=frozenset({7})))
    assert not report.ok and "request 7" in report.problem
