"""``keyturn mcp-proxy [--name N] [--policy FILE] [--agent A] [--operator U] -- UPSTREAM CMD…``

Runs a stdio MCP server that judges every tool call before the upstream stdio MCP server
``UPSTREAM CMD…`` sees it. Configure the agent to launch this command instead of the server.
stdout carries the protocol only; every log line goes to stderr.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import sys
from collections.abc import Sequence
from typing import Any

from keyturn.cli._args import add_actor_options, add_policy_option, parser, policy_file
from keyturn.errors import EXIT_BAD_INPUT, UsageError
from keyturn.model import Actor

_SERVER_WORD = re.compile(r"(?:mcp-server-|server-)([A-Za-z0-9][\w.-]*)")


def run(argv: list[str]) -> int:
    """Run the proxy until the client closes stdin. Exit 0 then; 2 on bad usage or policy."""
    options, upstream = _split(argv)
    p = parser("mcp-proxy", "Judge every MCP tool call before the upstream server sees it.")
    p.add_argument("--name", help="the server's name in policy rules (mcp:NAME/TOOL)")
    add_policy_option(p)
    add_actor_options(p)
    p.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds an upstream call may take before it fails closed (default 120)",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="hold a call needing review until it is decided (up to the policy's "
        "settings.mcp_wait) instead of answering at once with the request id",
    )
    p.add_argument(
        "--no-store",
        action="store_true",
        help="judge only, recording nothing: calls needing review are refused with no request",
    )
    args = p.parse_args(options)
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")

    from keyturn.integrations.mcp_proxy import McpProxy, ProxySettings, upstream_parameters

    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="keyturn mcp-proxy: %(message)s"
    )
    args.policy = policy_file(args.policy)
    policy, decide = _judging(args.policy, no_store=args.no_store, wait=args.wait)
    name = args.name or server_name(upstream)
    from keyturn.understand.mcp import filesystem_roots

    cwd, home = os.getcwd(), os.path.expanduser("~")
    settings = ProxySettings(
        name=name,
        upstream=upstream_parameters(upstream, env=os.environ),
        actor=Actor(agent=args.agent, operator=args.operator, session=args.session),
        call_timeout=args.timeout,
        cwd=cwd,
        home=home,
        # The upstream starts here (it inherits this directory): a filesystem server resolves
        # a relative path against the directories its command line gives, not against cwd.
        roots=filesystem_roots(upstream, cwd=cwd, home=home),
    )
    proxy = McpProxy(settings=settings, policy=policy, decide=decide)
    logging.getLogger("keyturn.mcp_proxy").info(
        "serving %s (policy %s) in front of %s", name, args.policy, " ".join(upstream)
    )
    import anyio

    anyio.run(proxy.serve_stdio)
    # Every call was refused (fail closed); the exit code tells a supervisor the server given
    # never started.
    return EXIT_BAD_INPUT if proxy.upstream_error else 0


def _judging(policy_path: str, *, no_store: bool, wait: bool) -> tuple[Any, Any]:
    """The policy and the ``decide`` callable: through the gate (recorded in the audit log,
    asks held as requests) unless ``--no-store``. A policy that does not load raises."""
    from keyturn.integrations.mcp_proxy import gate_decide, policy_decide

    if no_store:
        from keyturn.paths import keyturn_home
        from keyturn.policy import load_policy_file

        # keyturn's state is guarded as the gate guards it, with or without a store.
        policy = load_policy_file(policy_path, guarded_paths=(str(keyturn_home()),))
        return policy, policy_decide(policy)
    from keyturn.bootstrap import build_gate, load_settings

    gate = build_gate(load_settings(policy=policy_path))
    wait_seconds = float(gate.policy.settings.mcp_wait_seconds) if wait else 0.0
    return gate.policy, gate_decide(gate, wait_seconds=wait_seconds)


def _split(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """Options before ``--``, the upstream command after it."""
    if "--" not in argv:
        if any(a in ("-h", "--help") for a in argv):
            return list(argv), []
        raise UsageError(
            "give the upstream server's command after '--' (keyturn mcp-proxy -- CMD…)"
        )
    at = list(argv).index("--")
    upstream = list(argv[at + 1 :])
    if not upstream:
        raise UsageError("no upstream command after '--'")
    return list(argv[:at]), upstream


def server_name(command: Sequence[str]) -> str:
    """A server name from its command line when ``--name`` is not given:
    ``npx @modelcontextprotocol/server-filesystem /srv`` -> ``filesystem``,
    ``uvx mcp-server-git`` -> ``git``, else the program's base name."""
    for word in command:
        match = _SERVER_WORD.search(posixpath.basename(word.rstrip("/")) or word)
        if match is None:
            match = _SERVER_WORD.search(word)
        if match is not None:
            return match.group(1).removesuffix(".js").removesuffix(".py")
    base = posixpath.basename(command[0]) if command else "upstream"
    return base.rsplit(".", 1)[0] or "upstream"
