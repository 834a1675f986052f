"""Through the gate: a secret on the command line reaches no audit record, no request, no
answer; the verdict is the one the unredacted action gets; the approval binds the secret (another
password is another action); ``keyturn check`` prints the digest the gate records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyturn.audit.verify import verify_log
from keyturn.bootstrap import build_gate, load_settings
from keyturn.cli import main
from keyturn.gate import Gate
from keyturn.model import Actor, Target, Verdict
from keyturn.understand.shell import understand_shell

SECRET = "Hunter2xyz"
LINE = f'PGPASSWORD={SECRET} psql -h db -c "DROP TABLE scratch"'
KIRO = Actor(agent="kiro", operator="bob", session="s1")
PRODUCTION = Target(environment="production")


@pytest.fixture()
def home(tmp_path: Path, brief_policy_text: str) -> Path:
    (tmp_path / "keyturn.yaml").write_text(brief_policy_text)
    return tmp_path / "home"


def _gate(home: Path) -> Gate:
    settings = load_settings(home=str(home), policy=str(home.parent / "keyturn.yaml"), environ={})
    return build_gate(settings)


def _everything_recorded(gate: Gate) -> str:
    records = "\n".join(r.canonical for r in gate.store.audit_records())
    requests = "\n".join(
        json.dumps(r.draft.decision) + r.draft.summary for r in gate.store.list_requests()
    )
    return records + requests


def test_a_secret_reaches_no_record_and_the_verdict_holds(home: Path) -> None:
    gate = _gate(home)
    action = understand_shell(LINE, cwd="/srv", target=PRODUCTION)
    unredacted = gate.policy.judge(action, actor=KIRO)
    outcome = gate.submit(action, actor=KIRO)
    assert outcome.verdict is Verdict.ASK is unredacted.decision
    assert [j.decision for j in outcome.decision.judgements] == [
        j.decision for j in unredacted.judgements
    ]
    assert [j.effect.resource.names for j in outcome.decision.judgements] == [
        j.effect.resource.names for j in unredacted.judgements
    ]
    assert SECRET not in outcome.message
    assert SECRET not in json.dumps(outcome.decision.to_json())
    recorded = _everything_recorded(gate)
    assert SECRET not in recorded
    assert gate.redactor.marker(SECRET) in recorded
    decision_record = next(
        r.parsed() for r in gate.store.audit_records() if r.parsed()["kind"] == "decision"
    )
    assert decision_record["data"]["redacted"] == ["named secret"]
    store = gate.store
    report = verify_log(store.audit_records(), (), public_key=None, head=store.audit_head())
    assert report.ok, report.problem


def test_the_approval_binds_the_secret(home: Path) -> None:
    """The same line finds the same request; another password is another action."""
    gate = _gate(home)
    first = gate.submit(understand_shell(LINE, cwd="/srv", target=PRODUCTION), actor=KIRO)
    again = gate.submit(understand_shell(LINE, cwd="/srv", target=PRODUCTION), actor=KIRO)
    other_line = LINE.replace(SECRET, "Other7pass")
    other = gate.submit(understand_shell(other_line, cwd="/srv", target=PRODUCTION), actor=KIRO)
    assert first.request_id == again.request_id
    assert first.decision.digest == again.decision.digest
    assert other.decision.digest != first.decision.digest
    assert other.request_id != first.request_id


def test_the_fingerprint_key_is_the_installs(home: Path) -> None:
    """Two gates on one home (a hook process and a server) agree; another install does not."""
    action = understand_shell(LINE, cwd="/srv", target=PRODUCTION)
    one = _gate(home).submit(action, actor=KIRO)
    two = _gate(home).submit(action, actor=KIRO)
    assert one.decision.digest == two.decision.digest
    assert (home / "session-secret").stat().st_mode & 0o777 == 0o600
    elsewhere = home.parent / "other"
    (elsewhere).mkdir()
    (elsewhere / "keyturn.yaml").write_text((home.parent / "keyturn.yaml").read_text())
    three = _gate(elsewhere / "home").submit(action, actor=KIRO)
    assert three.decision.digest != one.decision.digest


def test_check_prints_the_digest_the_gate_records(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEYTURN_HOME", str(home))
    monkeypatch.chdir("/srv" if Path("/srv").is_dir() else home.parent)
    policy = str(home.parent / "keyturn.yaml")
    code = main(["check", "shell", "--policy", policy, "--env", "production", "--json", LINE])
    printed = json.loads(capsys.readouterr().out)
    assert code == 3
    assert SECRET not in json.dumps(printed)
    action = understand_shell(LINE, cwd=str(Path.cwd()), target=PRODUCTION)
    recorded = _gate(home).submit(action, actor=KIRO)
    assert printed["digest"] == recorded.decision.digest
