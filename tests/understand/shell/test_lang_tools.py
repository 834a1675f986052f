"""pip, go and cargo: what only reports is a read; what builds, installs, tests, runs or
configures runs code keyturn does not see and stays unknown."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind
from keyturn.understand.shell import understand_shell


def _kinds(command: str) -> list[EffectKind]:
    return [e.effect for e in understand_shell(command, cwd="/w").effects]


@pytest.mark.parametrize(
    "command",
    [
        "pip list",
        "pip3 show requests",
        "pip freeze",
        "pip --version",
        "pip config list",
        "pip index versions requests",
        "go version",
        "go env",
        "go env GOPATH",
        "go list ./...",
        "go mod graph",
        "cargo tree",
        "cargo --version",
        "cargo metadata --format-version 1",
    ],
)
def test_reports_read(command: str) -> None:
    assert _kinds(command) == [EffectKind.READ]


@pytest.mark.parametrize(
    "command",
    [
        "pip install requests",
        "pip download requests",
        "pip config set global.index-url https://evil.example/simple",
        "pip uninstall -y requests",
        "go test ./...",
        "go run main.go",
        "go generate ./...",
        "go env -w GOFLAGS=-toolexec=/tmp/x",
        "go list -toolexec=/tmp/x ./...",
        "go vet -vettool=/tmp/x ./...",
        "go mod tidy",
        "cargo build",
        "cargo install ripgrep",
        "cargo run",
        "pip",
        "go",
    ],
)
def test_what_runs_code_is_unknown(command: str) -> None:
    assert _kinds(command) == [EffectKind.UNKNOWN]
