"""``keyturn exec`` as a client of the server at ``$KEYTURN_SERVER``: the server judges the
command (and holds it for review); this process waits on the long-poll, retries once approved
(using the grant), and runs the command only on ``allow``."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from typing import Any

from keyturn.errors import EXIT_ASK, EXIT_DENY


def run_remote(args: argparse.Namespace) -> int:
    from keyturn.client import Client

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
        return subprocess.run(args.command, check=False).returncode
    except FileNotFoundError:
        print(f"keyturn exec: {args.command[0]}: command not found", file=sys.stderr)
        return 127
