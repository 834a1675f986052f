"""The ``keyturn`` command line. One module per verb group; only the verb's module is imported.

Exit codes everywhere: 0 allow, 3 ask, 4 deny, 2 bad usage or bad input (one line on stderr),
1 keyturn's own failure.
"""

from __future__ import annotations

import sys

# Not ``typing.TYPE_CHECKING``: importing ``typing`` costs a hook's start-up ~10 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# verb -> module exposing ``run(argv: list[str]) -> int``. Imported lazily: a hook judging one
# shell command must not pay for the server or botocore.
VERBS: dict[str, str] = {
    "check": "keyturn.cli.check",
    "init": "keyturn.cli.init",
    "policy": "keyturn.cli.policy",
    "token": "keyturn.cli.token",
    "requests": "keyturn.cli.requests",
    "approve": "keyturn.cli.review",
    "reject": "keyturn.cli.review",
    "cancel": "keyturn.cli.review",
    "revoke": "keyturn.cli.revoke",
    "exec": "keyturn.cli.exec",
    "audit": "keyturn.cli.audit",
    "serve": "keyturn.cli.serve",
    "hook": "keyturn.cli.hook",
    "mcp-proxy": "keyturn.cli.mcp_proxy",
    "demo": "keyturn.cli.demo",
}

USAGE = "usage: keyturn {" + ",".join(sorted(VERBS)) + "} ..."

# What ``keyturn --help`` says of each verb, in the order a new user meets them.
SUMMARIES: dict[str, str] = {
    "init": "set up: starter policy, state database, audit signing key",
    "check": "understand an action, judge it against the policy, print the decision",
    "exec": "judge a command; run it when allowed or once approved",
    "hook": "judge an agent's tool call from its hook; 'hook install AGENT' wires it in",
    "mcp-proxy": "judge every MCP tool call before the upstream server sees it",
    "requests": "list approval requests, or show one",
    "approve": "approve a pending request (once per distinct eligible reviewer)",
    "reject": "reject a pending request (one rejection rejects)",
    "cancel": "withdraw a pending request",
    "revoke": "revoke the unused grant of an approved request",
    "audit": "verify, export, trace or checkpoint the tamper-evident audit log",
    "policy": "lint the policy, explain what an agent may do, run scenario tests",
    "token": "create, list and revoke the tokens people and agents act with",
    "serve": "run the server: JSON API, admission webhook, reviewers' pages",
    "demo": "replay the December 2025 incident against keyturn (nothing real runs)",
}

EXIT_CODES = "exit codes: 0 allow, 3 ask, 4 deny, 2 bad usage or input, 1 keyturn's own failure"


def _help() -> str:
    width = max(map(len, SUMMARIES))
    verbs = "\n".join(f"  {verb:<{width}}  {what}" for verb, what in SUMMARIES.items())
    return (
        f"{USAGE}\n\nStands between AI agents and real infrastructure.\n\n"
        f"commands:\n{verbs}\n\n{EXIT_CODES}\n"
        "Run 'keyturn VERB --help' for a verb's options."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``keyturn`` command line; returns the exit code."""
    import importlib

    from keyturn.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, KeyturnError

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(f"keyturn: expected a command ({USAGE}; see 'keyturn --help')", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args[0] in ("-h", "--help"):
        print(_help())
        return 0
    if args[0] == "--version":
        from keyturn import __version__

        print(f"keyturn {__version__}")
        return 0
    verb, rest = args[0], args[1:]
    module_name = VERBS.get(verb)
    if module_name is None:
        print(f"keyturn: unknown command '{verb}' ({USAGE})", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            print(f"keyturn {verb}: not available in this build", file=sys.stderr)
            return EXIT_INTERNAL
        raise
    try:
        code: int = module.run([verb, *rest] if module_name.endswith("review") else rest)
        return code
    except KeyturnError as exc:
        print(f"keyturn {verb}: {one_line(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (``keyturn check ... | head``): not keyturn's failure.
        sys.stderr.close()
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print(f"keyturn {verb}: interrupted", file=sys.stderr)
        return EXIT_INTERNAL


def one_line(message: str) -> str:
    """``message`` with control characters escaped: hostile input echoed in an error (a ``\\r``
    in an argument, a newline in a file name) must not break the one-line contract or forge
    lines in a terminal or log."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def entry() -> None:
    """The console script. ``keyturn hook AGENT`` first asks the resident hook daemon, before
    importing anything else (see :mod:`keyturn.integrations.hooks.fastpath`)."""
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "hook" and args[1] not in _HOOK_SUBCOMMANDS:
        from keyturn.integrations.hooks import fastpath

        code = fastpath.answer(args[1:])
        if code is not None:
            sys.exit(code)
    sys.exit(main())


# ``keyturn hook`` words that are not an agent: they never take the fast path.
_HOOK_SUBCOMMANDS = frozenset({"install", "daemon", "-h", "--help"})
