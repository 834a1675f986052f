"""A short coverage-guided atheris run over the shell understander."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

SCRIPT = Path(__file__).parent / "assets" / "atheris_shell.py"
RUNS = 3000


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_atheris_shell_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed1").write_bytes(b"rm -rf ~/.keyturn && bash -c 'unset KEYTURN_POLICY'")
    (corpus / "seed2").write_bytes(b"echo $(kubectl delete ns prod) > /etc/x | tee -a y")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), f"-runs={RUNS}", "-max_len=4096", str(corpus)],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Done {RUNS} runs" in result.stderr
