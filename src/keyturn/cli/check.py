"""``keyturn check KIND ...``: understand one action, judge it, print the decision.

Exit codes: 0 allow, 3 ask, 4 deny, 2 bad usage or input (including a policy that does not
load: every check is then refused), 1 keyturn's own failure. ``check`` is a dry run: it records
nothing and opens no request.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from keyturn.audit.redaction import Redactor
from keyturn.cli._args import POLICY_HELP, ArgumentParser, policy_file
from keyturn.errors import EXIT_ALLOW, EXIT_ASK, EXIT_DENY, InputError, UsageError
from keyturn.json_limits import MAX_NESTING, too_deep
from keyturn.model import Action, ActionKind, Actor, Decision, Verdict

# Inputs larger than this are refused rather than read (a plan of 100,000 resources is ~100 MB).
MAX_INPUT_BYTES = 1 << 30

EXIT_FOR_VERDICT = {Verdict.ALLOW: EXIT_ALLOW, Verdict.ASK: EXIT_ASK, Verdict.DENY: EXIT_DENY}


def build_parser() -> ArgumentParser:
    common = _common_options()
    p = ArgumentParser(
        prog="keyturn check",
        description="Understand an action, judge it against the policy, print the decision.",
        parents=[common],
        allow_abbrev=False,
    )
    kinds = p.add_subparsers(
        dest="kind", metavar="KIND", required=True, parser_class=ArgumentParser
    )
    shell = kinds.add_parser("shell", parents=[common], help="a shell command line")
    shell.add_argument("command", metavar="'COMMAND STRING'")
    shell.add_argument("--cwd", default=None, help="working directory (default: the current one)")
    aws = kinds.add_parser("aws", parents=[common], help="an AWS API call")
    aws.add_argument("service")
    aws.add_argument("operation")
    aws.add_argument("--params", default=None, metavar="JSON", help="the call's parameters")
    aws.add_argument("--region")
    aws.add_argument("--profile")
    aws.add_argument("--account")
    tf = kinds.add_parser("terraform", parents=[common], help="terraform/tofu show -json output")
    tf.add_argument("file", metavar="PLAN.json", help="plan JSON file, or - for standard input")
    tf.add_argument("--workspace", help="the Terraform workspace the plan is for")
    k8s = kinds.add_parser("k8s", parents=[common], help="an AdmissionReview v1 request")
    k8s.add_argument("file", metavar="ADMISSION_REVIEW.json")
    k8s.add_argument("--context", help="the kube context (cluster) the request is for")
    cfn = kinds.add_parser("cloudformation", parents=[common], help="DescribeChangeSet output")
    cfn.add_argument("file", metavar="CHANGE_SET.json")
    cfn.add_argument("--region")
    cfn.add_argument("--account")
    mcp = kinds.add_parser("mcp", parents=[common], help="an MCP tool call")
    mcp.add_argument("server")
    mcp.add_argument("tool")
    mcp.add_argument("--args", default=None, metavar="JSON", help="the call's arguments object")
    mcp.add_argument("--cwd", default=None)
    return p


def _common_options() -> ArgumentParser:
    """Options accepted before or after KIND (``--json`` at the end is what people type).

    Defaults are left out (SUPPRESS) so that a value given before KIND is not overwritten by the
    kind's parser; :func:`_resolved_options` fills in the defaults afterwards.
    """
    common = ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--policy", metavar="FILE", help=POLICY_HELP)
    common.add_argument("--agent", help="the agent acting (default: $KEYTURN_AGENT)")
    common.add_argument("--operator", help="the human the agent acts for (default: $USER)")
    common.add_argument("--session", help="the agent's session id")
    common.add_argument("--env", help="the environment the action lands in, when known")
    common.add_argument("--json", action="store_true", help="print one JSON object")
    return common


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    options = _resolved_options(args)
    from keyturn.gate import judge
    from keyturn.paths import keyturn_home
    from keyturn.policy import load_policy_file

    # keyturn's state is guarded as the gate guards it (bootstrap.build_gate): a dry run must
    # answer what the hook would.
    policy = load_policy_file(options["policy"], guarded_paths=(str(keyturn_home()),))
    env = options["env"]
    if env is not None and env not in policy.environment_names:
        raise UsageError(_unknown_environment(env, policy.environment_names))
    action = understand(args, environment=env, mcp_mappings=policy.mcp_mappings)
    actor = Actor(agent=options["agent"], operator=options["operator"], session=options["session"])
    # Redacted as the gate redacts, with the install's key: the digest shown is the one the
    # gate records for the same action.
    # Judged as the gate judges (an --env beside the hints: keyturn.gate.judge).
    decision, _ = _redactor().decision(judge(action, policy=policy, actor=actor))
    if options["json"]:
        print(json.dumps(decision.to_json(), indent=2, sort_keys=False))
    else:
        print(render(decision))
    return EXIT_FOR_VERDICT[decision.decision]


def _redactor() -> Redactor:
    """The install's redactor; one of this run's own when the install's secret cannot be read
    or made (a read-only home): then only the digests of actions with secrets differ."""
    import secrets

    from keyturn.bootstrap import install_secret
    from keyturn.paths import keyturn_home

    try:
        key = install_secret(keyturn_home())
    except OSError:
        key = secrets.token_bytes(32)
    return Redactor(key)


def _resolved_options(args: argparse.Namespace) -> dict[str, Any]:
    """Common options with their defaults (SUPPRESS leaves unset ones out of the namespace)."""
    return {
        "policy": policy_file(getattr(args, "policy", None)),
        "agent": getattr(args, "agent", None) or os.environ.get("KEYTURN_AGENT") or "agent",
        "operator": getattr(args, "operator", None) or os.environ.get("USER") or "unknown",
        "session": getattr(args, "session", None) or os.environ.get("KEYTURN_SESSION"),
        "env": getattr(args, "env", None),
        "json": getattr(args, "json", False),
    }


def _unknown_environment(name: str, known: tuple[str, ...]) -> str:
    import difflib

    # "prod" should find "production": prefixes first, then near spellings.
    close = [k for k in known if k.startswith(name)] or difflib.get_close_matches(
        name, known, n=1, cutoff=0.5
    )
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
    return f"--env: unknown environment '{name}'{hint}"


def understand(
    args: argparse.Namespace, *, environment: str | None, mcp_mappings: Any = ()
) -> Action:
    """Turn the parsed command line into an understood Action (no judging): the command line's
    fields as a payload, understood as the server understands one, but with this machine's
    files and environment."""
    from keyturn.localfiles import LocalFiles
    from keyturn.understand.payload import understand_payload

    kind = ActionKind(args.kind)
    here = {"cwd": os.path.abspath(getattr(args, "cwd", None) or os.getcwd())}
    here["home"] = os.path.expanduser("~")
    payload: dict[str, Any]
    if kind is ActionKind.SHELL:
        payload = {"command": args.command, **here}
    elif kind is ActionKind.AWS:
        payload = {
            "service": args.service,
            "operation": args.operation,
            "params": _json_object(args.params, what="--params"),
            "region": args.region,
            "profile": args.profile,
            "account": args.account,
        }
    elif kind is ActionKind.MCP:
        arguments = _json_object(args.args, what="--args")
        payload = {"server": args.server, "tool": args.tool, "arguments": arguments, **here}
    else:
        document, source = read_input(args.file)
        payload = {"document": document, "source": source}
        payload.update(
            {k: getattr(args, k, None) for k in ("workspace", "context", "region", "account")}
        )
    return understand_payload(
        kind,
        payload,
        environment=environment,
        mcp_mappings=mcp_mappings,
        files=LocalFiles(),
        env=os.environ,
        where="",
    )


def _json_object(text: str | None, *, what: str) -> Mapping[str, Any]:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{what}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{what}: JSON nested too deeply; refusing it") from None
    if too_deep(value):
        raise InputError(f"{what}: JSON nested more than {MAX_NESTING} levels; refusing it")
    if not isinstance(value, dict):
        raise InputError(f"{what}: expected a JSON object, got {type(value).__name__}")
    return value


def read_input(name: str) -> tuple[bytes, str]:
    """Read an input file (or ``-`` for stdin) as bytes, bounded; one-line errors."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        source = "<stdin>"
    else:
        if "\x00" in name:
            raise InputError(f"{name!r}: a file name cannot hold a NUL character")
        path = Path(name)
        try:
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise InputError(f"{name}: larger than {MAX_INPUT_BYTES} bytes; refusing to read")
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{name}: is a directory, expected a JSON file") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
        source = name
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{source}: larger than {MAX_INPUT_BYTES} bytes; refusing to read")
    return data, source


_MARK = {Verdict.ALLOW: "ALLOW", Verdict.ASK: "ASK", Verdict.DENY: "DENY"}


def render(decision: Decision) -> str:
    """Human output a reviewer reads in five seconds: the verdict, then a line per effect."""
    head = _MARK[decision.decision]
    if decision.decision is Verdict.ASK:
        groups = ", ".join(decision.reviewers) or "any reviewer"
        head += f" — {decision.approvals_required} approval(s) from {groups}"
    lines = [f"{head}: {decision.action.summary}"]
    rows = [
        (
            j.effect.effect.value,
            j.effect.resource.name + (" [protected]" if j.protected else ""),
            j.environment,
            j.decision.value,
            j.rule,
        )
        for j in decision.judgements
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)] if rows else []
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(4)]
        lines.append("  " + "  ".join(cells) + "  " + row[4])
    for reason in decision.reasons:
        lines.append(f"  why: {reason}")
    lines.append(f"  digest: {decision.digest}")
    return "\n".join(lines)
