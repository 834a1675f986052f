"""``keyturn hook AGENT`` (answer one pre-tool event on stdin) and ``keyturn hook install AGENT``.

The hook path runs on every tool call an agent makes, so it parses its few options by hand
(argparse alone costs a noticeable share of a hook's start-up) and imports only the agent's
own protocol module.
"""

from __future__ import annotations

import os
import sys

from keyturn.errors import UsageError

USAGE = (
    "usage: keyturn hook {claude-code,codex,gemini,cursor,kiro} [--policy FILE] [--agent NAME]\n"
    "       keyturn hook install AGENT [--scope user|project] [--project DIR] [--policy FILE]"
)


def run(argv: list[str]) -> int:
    """Entry point of the ``hook`` verb."""
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    if argv[0] == "install":
        from keyturn.integrations.hooks.install import run_install

        return run_install(argv[1:])
    return _run_hook(argv[0], argv[1:])


def _run_hook(agent: str, rest: list[str]) -> int:
    import importlib

    from keyturn.integrations.hooks import AGENTS
    from keyturn.integrations.hooks.runner import run_hook
    from keyturn.integrations.hooks.settle import HookOptions

    if agent not in AGENTS:
        raise UsageError(f"unknown agent '{agent}' (one of {', '.join(AGENTS)})")
    options = _options(rest)
    policy = options.get("--policy") or os.environ.get("KEYTURN_POLICY") or "keyturn.yaml"
    protocol = importlib.import_module(AGENTS[agent]).PROTOCOL
    return run_hook(
        protocol,
        HookOptions(policy_path=policy, agent=options.get("--agent") or agent),
        env=os.environ,
        stdin=sys.stdin.buffer,
        out=sys.stdout,
        err=sys.stderr,
    )


def _options(rest: list[str]) -> dict[str, str]:
    """``--policy FILE`` / ``--agent NAME`` (also ``--x=v``); anything else is a usage error."""
    known = ("--policy", "--agent")
    found: dict[str, str] = {}
    words = iter(rest)
    for word in words:
        name, eq, value = word.partition("=")
        if name not in known:
            raise UsageError(f"unknown option '{word}' ({USAGE.splitlines()[0]})")
        if not eq:
            value = next(words, "")
        if not value:
            raise UsageError(f"option {name} needs a value")
        found[name] = value
    return found
