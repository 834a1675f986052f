"""Claude Code's PowerShell tool (on Windows) is judged on what its script does.

It was one ``unknown`` effect ("PowerShell commands are not understood yet"): held for review
however harmless, and -- worse for a reviewer -- with nothing said about what it would delete.
The script is now read as ``pwsh -Command`` reads it (the same reading as PowerShell text inside
a shell command), relative paths against the call's Windows working directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import BRIEF_POLICY
from tests.integrations.hooks.conftest import MAPPINGS


def powershell(command: str, cwd: str = "C:\\prod") -> dict[str, Any]:
    return {
        "session_id": "s-ps",
        "transcript_path": "C:\\Users\\olivia\\.claude\\t.jsonl",
        "cwd": cwd,
        "hook_event_name": "PreToolUse",
        "tool_name": "PowerShell",
        "tool_input": {"command": command},
        "tool_use_id": "toolu_ps",
    }


def answer(run_hook: Any, env: dict[str, str], script: str) -> dict[str, Any]:
    """Claude Code's hook output for the PowerShell tool running ``script``."""
    run = run_hook("claude-code", powershell(script), env)
    assert run.code == 0, run.stderr
    out: dict[str, Any] = run.json["hookSpecificOutput"]
    return out


@pytest.fixture()
def windows_env(hook_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The hook's environment with C:\\prod\\data protected."""
    policy = tmp_path / "protected.yaml"
    policy.write_text(
        BRIEF_POLICY.replace(
            '  - "aws_db_instance.main"\n',
            '  - "aws_db_instance.main"\n  - "file:C:/prod/data"\n',
        )
        + MAPPINGS
    )
    return {**hook_env, "KEYTURN_POLICY": str(policy), "OS": "Windows_NT"}


@pytest.mark.parametrize(
    "script",
    [
        "Remove-Item -Recurse -Force data",
        "Remove-Item -Recurse -Force C:\\prod\\data",
        "Get-Item data | Remove-Item -Recurse",
        "ri -r -fo .\\data",
        "Set-Location ..; Remove-Item -Recurse prod\\data",
        "cmd /c rd /s /q data",
    ],
)
def test_a_script_deleting_a_protected_folder_is_denied(
    run_hook: Any, windows_env: dict[str, str], script: str
) -> None:
    out = answer(run_hook, windows_env, script)
    assert out["permissionDecision"] == "deny", (script, out)
    assert "C:/prod/data" in out["permissionDecisionReason"], out


def test_a_harmless_script_is_not_held(run_hook: Any, windows_env: dict[str, str]) -> None:
    out = answer(run_hook, windows_env, "Get-ChildItem")
    assert out["permissionDecision"] == "allow", out


def test_a_script_keyturn_cannot_read_is_still_held(
    run_hook: Any, windows_env: dict[str, str]
) -> None:
    out = answer(run_hook, windows_env, "& $tool --wipe")
    assert out["permissionDecision"] in ("ask", "deny"), out


@pytest.mark.parametrize(
    "script",
    [
        "kubectl delete ns payments --context dev-1",
        "C:\\tools\\kubectl.exe delete namespace payments --context dev-1",
        "& kubectl --context dev-1 delete ns payments",
    ],
)
def test_a_program_the_script_runs_is_read_as_the_shell_reads_it(
    run_hook: Any, windows_env: dict[str, str], script: str
) -> None:
    # It was unknown: refused in production for that alone, but only asked about in dev, where
    # the protected namespace must be refused.
    out = answer(run_hook, windows_env, script)
    assert out["permissionDecision"] == "deny", (script, out)
    assert "k8s:namespace/payments" in out["permissionDecisionReason"], out


@pytest.mark.parametrize(
    "script",
    [
        "kubectl delete ns $ns --context dev-1",  # PowerShell's variable: not the text passed
        "curl -X DELETE https://k8s.example/api/v1/namespaces/x",  # Invoke-WebRequest's alias
        "find . -delete",  # Windows' find.exe
    ],
)
def test_a_word_powershell_evaluates_or_an_alias_is_not_read_as_a_shell_word(
    run_hook: Any, windows_env: dict[str, str], script: str
) -> None:
    out = answer(run_hook, windows_env, script)
    assert out["permissionDecision"] in ("ask", "deny"), (script, out)
    assert "not understood" in out["permissionDecisionReason"], out


def test_a_read_by_a_known_program_is_not_held(run_hook: Any, windows_env: dict[str, str]) -> None:
    out = answer(run_hook, windows_env, "kubectl get pods --context dev-1")
    assert out["permissionDecision"] == "allow", out
