"""``keyturn exec`` as a client of the server at ``$KEYTURN_SERVER``: the server judges the
command (and holds it for review); this process waits on the long-poll, retries once approved
(using the grant), and runs the command only on ``allow``.

The command is understood *here*, as local mode and the hooks understand it: with this disk's
files (a symbolic link into a protected tree, a ``core.fsmonitor`` planted in ``.git/config``,
the script a line runs) and this environment, bound to the bytes of the files the line names
(:mod:`keyturn.integrations.execution.understood`). The server, which sees none of this, gets
the understood action (``{"action": <canonical>}``), never the raw line; its answer counts only
for that action's digest, and once approved the command is understood again and runs only when
it still gives the approved digest and the files it names are unchanged.

The command always runs as in local mode without the operator's cloud credentials and without
the inherited settings that run code (:func:`~keyturn.integrations.execution.environment.
base_environment`). The client holds no policy, so it brokers no credentials: a command needing
cloud access gets it only in local mode (``credentials:`` in the policy), never the operator's.
``terraform apply`` without a saved plan is refused here: the approval could not be bound to a
plan the server never saw (local mode plans, judges and applies exactly that plan)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from keyturn.errors import EXIT_ASK, EXIT_DENY

if TYPE_CHECKING:
    from keyturn.client import Client
    from keyturn.model import Action


def run_remote(args: argparse.Namespace) -> int:
    from keyturn.bootstrap import load_settings
    from keyturn.client import Client
    from keyturn.errors import UsageError
    from keyturn.integrations.execution.environment import NO_CREDENTIALS, base_environment
    from keyturn.integrations.execution.named_files import changed_files
    from keyturn.integrations.execution.terraform_apply import parse_apply
    from keyturn.integrations.execution.understood import understand_command

    settings = load_settings(home=getattr(args, "home", None))
    if parse_apply(args.command, cwd=os.getcwd(), environ=os.environ) is not None:
        raise UsageError(
            "terraform apply through KEYTURN_SERVER needs local mode to bind the approval to a "
            "plan: unset KEYTURN_SERVER (keyturn plans, judges and applies exactly that plan)"
        )
    child_env, withheld = base_environment(os.environ, state_dir=settings.home)
    client = Client.from_env()
    actor: dict[str, Any] = {"agent": args.agent, "operator": args.operator}
    actor["session"] = args.session
    if actor["agent"] == "agent":
        actor.pop("agent")  # an agent token names the agent

    action = understand_command(args.command, environment=args.env)
    answer = _decide(client, action, actor)
    if answer["verdict"] == "ask":
        print(f"keyturn exec: {answer['message']}", file=sys.stderr)
        if args.no_wait:
            print(answer["request_id"])
            return EXIT_ASK
        waited = client.wait(int(answer["request_id"]), timeout=float(args.timeout))
        print(f"keyturn exec: {waited['message']}", file=sys.stderr)
        if waited["verdict"] != "allow":
            return EXIT_ASK if waited["verdict"] == "ask" else EXIT_DENY
        # What the command reads or runs may have changed during the review: the approval is
        # for the command as it was understood, so it is understood again and the grant fits
        # only when that still gives the approved digest.
        again = understand_command(args.command, environment=args.env)
        if again.digest != action.digest:
            print(
                "keyturn exec: what the command runs changed while it waited for review "
                f"({action.digest} was approved, it is now {again.digest})",
                file=sys.stderr,
            )
        action = again
        answer = _decide(client, action, actor)
        if answer["verdict"] == "ask":
            print(f"keyturn exec: {answer['message']}", file=sys.stderr)
            return EXIT_ASK
    if answer["verdict"] != "allow":
        print(f"keyturn exec: {answer['message']}", file=sys.stderr)
        return EXIT_DENY
    changed = changed_files(action, args.command, cwd=os.getcwd())
    if changed:
        print(
            f"keyturn exec: not run: changed since it was judged: {', '.join(changed)}",
            file=sys.stderr,
        )
        return EXIT_DENY
    note = f"{NO_CREDENTIALS} (client mode brokers none)"
    print(f"keyturn exec: {note}{'; ' + withheld if withheld else ''}", file=sys.stderr)
    try:
        return subprocess.run(args.command, check=False, env=child_env).returncode
    except FileNotFoundError:
        print(f"keyturn exec: {args.command[0]}: command not found", file=sys.stderr)
        return 127


def _decide(client: Client, action: Action, actor: Mapping[str, Any]) -> dict[str, Any]:
    """The server's answer on ``action``, sent understood, as the hooks send it (the server
    keys the request and its grant by the action's digest; secrets in it are redacted there
    first, so a line holding one has the server's digest, not this process's)."""
    return client.decide(
        {"action": action.canonical(), "summary": action.summary, "actor": dict(actor)}
    )
