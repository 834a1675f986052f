"""``keyturn revoke`` as a client of a real server (``KEYTURN_SERVER``): an approved exec whose
grant is revoked is held again instead of running; a grant already used cannot be revoked
(exit 2, one line)."""

from __future__ import annotations

import pytest
from tests.browser.test_review_pages import demo  # noqa: F401  (the fixture)
from tests.server.test_client_mode import cli

pytestmark = pytest.mark.slow


def _held_then_approved(url: str, tokens: dict[str, str], cmd: list[str]) -> str:
    held = cli(url, tokens["kiro"], *cmd)
    assert held.returncode == 3, held.stderr
    rid = held.stdout.strip()
    for who in ("alice", "carol"):
        assert cli(url, tokens[who], "approve", rid, "--reason", "ok").returncode == 0
    return rid


def test_revoke_through_the_server(demo) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, tokens = demo
    cmd = ["exec", "--no-wait", "--env", "production", "--operator", "bob", "--"]
    first = [*cmd, "rm", "-rf", "./revoked-before-use"]
    rid = _held_then_approved(url, tokens, first)
    refused = cli(url, tokens["kiro"], "revoke", rid)
    assert refused.returncode == 2 and "--reason" in refused.stderr
    done = cli(url, tokens["alice"], "revoke", rid, "--reason", "wrong cluster")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"request {rid}: revoked by alice; grant ")
    again = cli(url, tokens["kiro"], *first)
    assert again.returncode == 3 and again.stdout.strip() != rid  # held again, did not run

    second = [*cmd, "rm", "-rf", "./used-first"]
    rid2 = _held_then_approved(url, tokens, second)
    assert cli(url, tokens["kiro"], *second).returncode == 0
    late = cli(url, tokens["admin"], "revoke", rid2, "--reason", "too late")
    assert late.returncode == 2, late.stderr
    assert len(late.stderr.strip().splitlines()) == 1
    assert "already used" in late.stderr and "cannot be revoked" in late.stderr
