"""``keyturn exec`` as a client of the server at ``$KEYTURN_SERVER``: the server judges the
command (and holds it for review); this process waits on the long-poll, retries once approved
(using the grant), and runs the command only on ``allow``.

The command always runs with the operator's cloud credentials removed, as in local mode. The
client holds no policy, so it brokers no credentials: a command needing cloud access gets it
only in local mode (``credentials:`` in the policy), never the operator's. ``terraform apply``
without a saved plan is refused here: the approval could not be bound to a plan the server
never saw (local mode plans, judges and applies exactly that plan)."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from typing import Any

from keyturn.errors import EXIT_ASK, EXIT_DENY


def run_remote(args: argparse.Namespace) -> int:
    from keyturn.bootstrap import load_settings
    from keyturn.client import Client
    from keyturn.errors import UsageError
    from keyturn.integrations.credentials import scrubbed_environment
    from keyturn.integrations.execution.terraform_apply import parse_apply

    settings = load_settings(home=getattr(args, "home", None))
    if parse_apply(args.command, cwd=os.getcwd(), environ=os.environ) is not None:
        raise UsageError(
            "terraform apply through KEYTURN_SERVER needs local mode to bind the approval to a "
            "plan: unset KEYTURN_SERVER (keyturn plans, judges and applies exactly that plan)"
        )
    child_env = scrubbed_environment(os.environ, state_dir=settings.home)

    client = Client.from_env()
    body: dict[str, Any] = {
        "kind": "shell",
        "payload": {
            "command": shlex.join(args.command),
            "cwd": os.getcwd(),
            "home": os.path.expanduser("~"),
        },
        "actor": {"agent": args.agent, "operator": args.operator, "session": args.session},
    }
    if args.env:
        body["environment"] = args.env
    if body["actor"]["agent"] == "agent":
        body["actor"].pop("agent")  # an agent token names the agent
    answer = client.decide(body)
    if answer["verdict"] == "ask":
        print(f"keyturn exec: {answer['message']}", file=sys.stderr)
        if args.no_wait:
            print(answer["request_id"])
            return EXIT_ASK
        waited = client.wait(int(answer["request_id"]), timeout=float(args.timeout))
        print(f"keyturn exec: {waited['message']}", file=sys.stderr)
        if waited["verdict"] != "allow":
            return EXIT_ASK if waited["verdict"] == "ask" else EXIT_DENY
        answer = client.decide(body)
    if answer["verdict"] != "allow":
        print(f"keyturn exec: {answer['message']}", file=sys.stderr)
        return EXIT_DENY
    try:
        print(
            "keyturn exec: the command runs without the operator's cloud credentials "
            "(client mode brokers none)",
            file=sys.stderr,
        )
        return subprocess.run(args.command, check=False, env=child_env).returncode
    except FileNotFoundError:
        print(f"keyturn exec: {args.command[0]}: command not found", file=sys.stderr)
        return 127
