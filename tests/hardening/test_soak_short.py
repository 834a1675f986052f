"""A few seconds of the soak (``make soak`` runs minutes): two processes, one PostgreSQL
store, mixed decisions and approvals; no errors, no lost records, the chain verifies."""

from __future__ import annotations

import pytest

soak = pytest.importorskip("bench.soak")


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_short_soak(capsys: pytest.CaptureFixture[str]) -> None:
    assert soak.main(["--seconds", "4"]) == 0
    out = capsys.readouterr().out
    assert "0 errors" in out and "soak: OK" in out
