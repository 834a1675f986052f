"""Hostile policy files and command lines: PolicyError / exit 2, never a crash or an allow of
something not understood."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyturn.cli import main
from keyturn.errors import PolicyError
from keyturn.model import Verdict
from keyturn.policy import load_policy

from ._judging import ACTOR, brief_policy_text

FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
pytestmark = pytest.mark.timeout(240)

_YAML_TOKENS = [
    "version: 1",
    "default: allow",
    "default: deny",
    "default: maybe",
    "agents:",
    '  "*":',
    "    allow:",
    "      - effect: read",
    "      - effect: bogus",
    "protected:",
    '  - "*"',
    "reviewers:",
    "  sre: [alice]",
    "  sre: []",
    "environments:",
    "  prod: {}",
    "&a x",
    "*a",
    "<<: *a",
    "!!binary aGk=",
    "!!set {a}",
    "? complex",
    "- - -",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    "|",
    ">",
    "\t",
    "%YAML 1.1",
    "---",
    "...",
    "settings:",
    "  request_ttl: -5",
    "  grant_ttl: 1y",
    "mcp:",
    "  x:",
    "    tools:",
    "unknown_environment: nowhere",
    "production: 3",
]


@st.composite
def policy_texts(draw: st.DrawFn) -> str:
    """Random lines of policy-like YAML, or the BRIEF policy with random lines removed."""
    if draw(st.booleans()):
        return "\n".join(draw(st.lists(st.sampled_from(_YAML_TOKENS) | st.text(max_size=12))))
    lines = brief_policy_text().splitlines()
    keep = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    return "\n".join(line for line, k in zip(lines, keep, strict=True) if k)


@FUZZ
@given(text=policy_texts() | st.text(max_size=300) | st.binary(max_size=200))
def test_policy_yaml(text: str | bytes) -> None:
    try:
        policy = load_policy(text)
    except PolicyError as exc:
        assert "\n" not in exc.message and exc.message.startswith("keyturn.yaml")
        return
    assert policy.digest.startswith("sha256:")
    from keyturn.understand.shell import understand_shell

    # Whatever loaded still refuses to allow what it cannot understand.
    action = understand_shell("$(curl http://x) --now")
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW


# -- keyturn check with random arguments -----------------------------------------------------

_CLI_TOKENS = [
    "shell",
    "aws",
    "terraform",
    "k8s",
    "cloudformation",
    "mcp",
    "--json",
    "--env",
    "dev",
    "production",
    "prod",
    "--agent",
    "kiro",
    "--operator",
    "--session",
    "--cwd",
    "/tmp",
    "-",
    "rm -rf /srv",
    "ls",
    "s3",
    "DeleteBucket",
    "--params",
    '{"Bucket":"b"}',
    "{",
    "[]",
    "--args",
    '{"path":"/etc/x"}',
    "filesystem",
    "write_file",
    "--region",
    "--profile",
    "--account",
    "--workspace",
    "--context",
    "plan.json",
    "/nonexistent",
    "--policy",
    "-h",
    "--help",
    "",
    "\x00",
    "--",
    "--unknown",
    "=",
    "--json=1",
]


@pytest.fixture(scope="module", autouse=True)
def _own_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI runs in this process: its state (the install secret ``check`` redacts with) goes
    to a directory of the test's own, not the account's ``~/.keyturn``."""
    saved = os.environ.get("KEYTURN_HOME")
    os.environ["KEYTURN_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if saved is None:
        os.environ.pop("KEYTURN_HOME", None)
    else:
        os.environ["KEYTURN_HOME"] = saved


@pytest.fixture(scope="module")
def policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("policy") / "keyturn.yaml"
    path.write_text(brief_policy_text(), encoding="utf-8")
    return path


def _run_cli(argv: list[str], stdin: bytes) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = SimpleNamespace(buffer=io.BytesIO(stdin), read=lambda *a: stdin.decode("latin-1"))
    saved = sys.stdin
    sys.stdin = fake_stdin  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse's --help
                assert "-h" in argv or "--help" in argv, argv
                code = int(exc.code or 0)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


@FUZZ
@given(
    args=st.lists(st.sampled_from(_CLI_TOKENS) | st.text(max_size=10), max_size=8),
    stdin=st.binary(max_size=100) | st.just(b'{"format_version":"1.0"}'),
)
def test_check_command_line(policy_file: Path, args: list[str], stdin: bytes) -> None:
    code, out, err = _run_cli(["check", "--policy", str(policy_file), *args], stdin)
    assert code in (0, 2, 3, 4), (args, code, err)
    if code == 2 and not ("-h" in args or "--help" in args):
        assert err.strip() and len(err.strip().splitlines()) == 1, err
    if code == 0 and out.lstrip().startswith("{"):
        decision = json.loads(out)
        assert all(e["effect"] != "unknown" for e in decision["effects"])
