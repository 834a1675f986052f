"""``keyturn hook AGENT`` (answer one pre-tool event on stdin), ``keyturn hook install AGENT``
and ``keyturn hook daemon`` (the resident process that answers hooks fast, docs/hooks-daemon.md).

The hook path runs on every tool call an agent makes, so it parses its few options by hand
(argparse alone costs a noticeable share of a hook's start-up) and imports only the agent's
own protocol module.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from keyturn.errors import UsageError

if TYPE_CHECKING:
    from keyturn.integrations.hooks.protocol import HookProtocol
    from keyturn.integrations.hooks.settle import HookOptions

USAGE = (
    "usage: keyturn hook {claude-code,codex,gemini,cursor,kiro} [--policy FILE] [--agent NAME]\n"
    "       keyturn hook install AGENT [--scope user|project] [--project DIR] [--policy FILE]\n"
    "                            [--kiro-agent NAME] [--outcomes]\n"
    "       keyturn hook daemon [--idle-timeout SECONDS] [--socket PATH]"
)


def run(argv: list[str]) -> int:
    """Entry point of the ``hook`` verb."""
    if not argv:
        raise UsageError("expected an agent, install or daemon (see 'keyturn hook --help')")
    if argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv[0] == "install":
        from keyturn.integrations.hooks.install import run_install

        return run_install(argv[1:])
    if argv[0] == "daemon":
        from keyturn.integrations.hooks.daemon import run_daemon

        return run_daemon(argv[1:])
    return _run_hook(argv[0], argv[1:])


# What would kill the daemon would kill this process too: refused, not judged again here.
DAEMON_DIED_REASON = (
    "keyturn's hook daemon stopped while judging this action; refused (run it again to retry)"
)


def _run_hook(agent: str, rest: list[str]) -> int:
    from keyturn.integrations.hooks import fastpath
    from keyturn.integrations.hooks.runner import run_hook

    protocol, options = hook_setup(agent, rest, env=os.environ)
    code = run_hook(
        protocol,
        options,
        env=os.environ,
        # The fast path may have read (some of) the event already, and found no daemon.
        stdin=fastpath.stdin_rest(sys.stdin.buffer),
        out=sys.stdout,
        err=sys.stderr,
        cwd=os.getcwd(),
        started=fastpath.STARTED,
        refuse=DAEMON_DIED_REASON if fastpath.DAEMON_DIED else None,
    )
    if fastpath.START_DAEMON and os.name == "posix":  # after answering: never waited for
        from keyturn.integrations.hooks.daemon import start_in_background

        start_in_background(os.environ)
    return code


def hook_setup(
    agent: str, rest: list[str], *, env: Mapping[str, str]
) -> tuple[HookProtocol, HookOptions]:
    """The agent's protocol and the hook's options for ``keyturn hook AGENT REST...`` run with
    ``env``: shared by the in-process hook and the hook daemon."""
    import importlib

    from keyturn.integrations.hooks import AGENTS
    from keyturn.integrations.hooks.settle import HookOptions

    if agent not in AGENTS:
        raise UsageError(f"unknown agent '{agent}' (one of {', '.join(AGENTS)})")
    options = _options(rest)
    policy = options.get("--policy") or ""  # empty: the usual chain, resolved per event
    protocol = importlib.import_module(AGENTS[agent]).PROTOCOL
    return protocol, HookOptions(policy_path=policy, agent=options.get("--agent") or agent)


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
