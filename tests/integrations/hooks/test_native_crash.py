"""A crash no Python code can catch -- native code faulting on hostile text -- must not become
"go ahead": the in-process hook judges in a forked child and answers blocking when it dies."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from tests.integrations.hooks.test_claude_code import decision, event

# The real hook process, with the judging replaced by a segmentation fault (what a parser's
# native code does on the input that breaks it) when asked to.
CRASHING_HOOK = """
import os, signal, sys
import keyturn.integrations.hooks.runner as runner

real = runner.answer_event

def faulting(*args, **kwargs):
    if os.environ.get("FAULT") == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    return real(*args, **kwargs)

runner.answer_event = faulting
from keyturn.cli import entry
sys.argv = ["keyturn", "hook", "claude-code"]
sys.exit(entry())
"""


def _hook(env: dict[str, str], **extra: str) -> tuple[Any, str, int]:
    data = json.dumps(event("Bash", {"command": "ls -la /srv"}))
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_HOOK],
        input=data.encode(),
        capture_output=True,
        env={**env, **extra},
        timeout=60,
    )
    return json.loads(done.stdout or b"null"), done.stderr.decode(), done.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX fork and signals")
def test_a_judgement_that_dies_is_answered_blocking(hook_env: dict[str, str]) -> None:
    out, _, code = _hook(hook_env)
    assert code == 0 and decision(out)[0] == "allow"  # the control: judged, it is allowed
    out, err, code = _hook(hook_env, FAULT="segv")
    verdict, reason = decision(out)
    assert verdict == "deny", (out, err)
    assert "signal 11" in reason and "refused" in reason
