"""The README's walkthrough commands, run exactly as written (Docs are code).

Every ``$ ...`` line in a ``console`` block of README.md is run with bash from the repository
root. ``export`` lines set the environment for the lines after them; every other line must end
with ``# exit N`` and must exit with N.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXIT = re.compile(r"^(?P<command>.*?)\s+#\s*exit\s+(?P<code>\d+)\s*$")


def console_lines() -> list[str]:
    text = (REPO / "README.md").read_text()
    lines: list[str] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        lines.extend(line[2:] for line in block.splitlines() if line.startswith("$ "))
    return lines


def test_readme_has_a_walkthrough() -> None:
    lines = console_lines()
    assert sum(1 for line in lines if EXIT.match(line)) >= 10


def _environment(fixtures: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["KEYTURN_FIXTURES"] = str(fixtures)
    return env


@pytest.mark.parametrize("index", range(len(console_lines())))
def test_readme_command(index: int, fixtures: Path, tmp_path: Path) -> None:
    lines = console_lines()
    env = _environment(fixtures)
    env["KEYTURN_HOME"] = str(tmp_path / "home")
    for earlier in lines[:index]:
        if earlier.startswith("export "):
            for assignment in shlex.split(earlier)[1:]:
                name, _, value = assignment.partition("=")
                env[name] = value
    line = lines[index]
    if line.startswith("export "):
        return
    match = EXIT.match(line)
    assert match, f"README line without '# exit N': {line}"
    result = subprocess.run(
        ["bash", "-c", match["command"]],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == int(match["code"]), (line, result.stdout, result.stderr)
