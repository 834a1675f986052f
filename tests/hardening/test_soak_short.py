"""A few seconds of the soak (``make soak`` runs minutes): two ``keyturn serve`` processes on
one PostgreSQL schema, mixed decisions, approvals, waits and grant uses through HTTP; no errors,
no lost records, no grant used twice, the chain verifies."""

from __future__ import annotations

import pytest

soak = pytest.importorskip("bench.soak")


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_short_soak(capsys: pytest.CaptureFixture[str]) -> None:
    assert soak.main(["--seconds", "4"]) == 0
    out = capsys.readouterr().out
    assert "soak: 0 errors" in out and "soak: OK" in out
    assert "0 used twice" in out and "audit log verifies" in out
