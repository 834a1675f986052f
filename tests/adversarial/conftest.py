"""The adversarial suite's shared judge: a command line judged under the BRIEF policy; and the
homes several suites act in: an initialised keyturn home for ``keyturn exec`` (``exec_home``),
a signed state on SQLite and PostgreSQL to tamper with (``audit_state``), and a local gate
whose stored texts are searched for secrets (``gate``, :func:`everything_recorded`).

Cases are judged for agent ``kiro`` acting for operator ``bob``; ``env`` plays the part of
``keyturn check --env`` (unset: the environment is told from the command itself, else the
policy's ``unknown_environment``, production).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import psycopg
import pytest
from tests.store.helpers import PG_URL

from keyturn.audit.signing import Signer
from keyturn.bootstrap import PUBLIC_KEY_FILE, SIGNING_KEY_FILE, build_gate, load_settings
from keyturn.cli import main
from keyturn.gate import Gate
from keyturn.model import Action, Actor, Decision, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import FileReader, MemoryFiles
from keyturn.understand.shell import understand_shell

ACTOR = Actor(agent="kiro", operator="bob")
CWD = "/home/kiro/project"
HOME = "/home/kiro"

JudgeShell = Callable[..., Decision]


_LOADED: dict[str, Policy] = {}


@pytest.fixture()
def brief_policy(brief_policy_text: str) -> Policy:
    """The BRIEF §4.1 policy, loaded once per run."""
    if brief_policy_text not in _LOADED:
        _LOADED[brief_policy_text] = load_policy(brief_policy_text)
    return _LOADED[brief_policy_text]


@pytest.fixture()
def judge_shell(brief_policy: Policy) -> JudgeShell:
    """``judge_shell(command, *, env=None, cwd=CWD, files=None, variables=None) -> Decision``."""

    def judge(
        command: str,
        *,
        env: str | None = None,
        cwd: str = CWD,
        files: FileReader | Mapping[str, str] | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Decision:
        reader = MemoryFiles(dict(files)) if isinstance(files, Mapping) else files
        action = understand_shell(
            command,
            cwd=cwd,
            home=HOME,
            env=variables,
            target=Target(environment=env),
            files=reader if reader is not None else MemoryFiles({}),
        )
        return brief_policy.judge(action, actor=ACTOR)

    return judge


@pytest.fixture()
def exec_home(tmp_path: Path, brief_policy_text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A keyturn home initialised under ``tmp_path`` with the BRIEF policy, the operator bob,
    nothing of the caller's ``KEYTURN_*`` settings, and ``work/`` the working directory."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE", "KEYTURN_AGENT", "KEYTURN_SESSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("KEYTURN_SERVER", raising=False)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KEYTURN_POLICY", str(policy))
    monkeypatch.setenv("USER", "bob")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["init"]) == 0
    return work


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def audit_state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A state home holding a signing key, and how to reach its store."""
    home = tmp_path / "home"
    home.mkdir()
    signer = Signer.generate()
    (home / SIGNING_KEY_FILE).write_bytes(signer.private_pem())
    (home / PUBLIC_KEY_FILE).write_bytes(signer.public_pem())
    spec = {"home": str(home), "pem": signer.private_pem().decode()}
    if request.param == "sqlite":
        yield {**spec, "kind": "sqlite", "path": str(home / "keyturn.db")}
        return
    schema = "kt_" + uuid.uuid4().hex[:12]
    yield {**spec, "kind": "postgres", "url": PG_URL, "schema": schema,
           "database": f"{PG_URL}?schema={schema}"}  # fmt: skip
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture()
def gate(tmp_path: Path, brief_policy_text: str) -> Gate:
    """A local gate over the BRIEF policy, its state under ``tmp_path``, no environment read."""
    (tmp_path / "keyturn.yaml").write_text(brief_policy_text)
    settings = load_settings(
        home=str(tmp_path / "home"), policy=str(tmp_path / "keyturn.yaml"), environ={}
    )
    return build_gate(settings)


def everything_recorded(gate: Gate) -> str:
    """Every text ``gate`` stored: its audit records and its requests' decisions and summaries."""
    records = "\n".join(r.canonical for r in gate.store.audit_records())
    requests = "\n".join(
        json.dumps(r.draft.decision) + r.draft.summary for r in gate.store.list_requests()
    )
    return records + requests


def assert_kept_out(gate: Gate, action: Action, secret: str, *, case: str) -> None:
    """``action`` submitted through ``gate`` as ``kiro`` (for bob, session s1), judged as its
    unredacted form is, and ``secret`` in no field stored or shown: the decision, the answer's
    message, the action, the reasons, each effect's detail, the audit records, the requests."""
    kiro = Actor(agent="kiro", operator="bob", session="s1")
    unredacted = gate.policy.judge(action, actor=kiro)
    outcome = gate.submit(action, actor=kiro)
    assert outcome.decision.decision is unredacted.decision
    decision = outcome.decision
    shown = [
        json.dumps(decision.to_json()),
        outcome.message,
        decision.describe(),
        json.dumps(decision.action.canonical()),
        *decision.reasons,
        *(j.reason for j in decision.judgements),
        *(j.effect.detail for j in decision.judgements),
        everything_recorded(gate),
    ]
    for text in shown:
        assert secret not in text, f"{case}: {secret!r} in {text[:300]!r}"
