"""``keyturn policy lint|explain|test``: analyse the policy file and pin its decisions.

Exit codes: ``lint`` 1 when it finds an error, 0 otherwise; ``test`` 1 when a scenario fails;
2 when the policy or a scenario file does not load (one line on stderr).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from keyturn.cli._args import add_policy_option, parser, policy_file
from keyturn.errors import InputError, UsageError
from keyturn.policy import Policy, load_policy_file
from keyturn.policy.validate import suggest

USAGE = "usage: keyturn policy {lint,explain,test} ..."
_SUBCOMMANDS = """subcommands:
  lint     find the holes in a policy file
  explain  what an agent may do, environment by environment
  test     run scenario files against the policy
"""


def run(argv: list[str]) -> int:
    """Dispatch ``keyturn policy SUBCOMMAND``."""
    if not argv:
        raise UsageError(f"expected a subcommand ({USAGE})")
    if argv[0] in ("-h", "--help"):
        print(f"{USAGE}\n\n{_SUBCOMMANDS}\nRun 'keyturn policy SUBCOMMAND --help' for its options.")
        return 0
    sub, rest = argv[0], argv[1:]
    handlers = {"lint": _lint, "explain": _explain, "test": _test}
    handler = handlers.get(sub)
    if handler is None:
        raise UsageError(f"unknown subcommand '{sub}'{suggest(sub, handlers)} ({USAGE})")
    return handler(rest)


def _lint(argv: list[str]) -> int:
    from keyturn.policy.lint import Severity, lint

    p = parser("policy lint", "Find the holes in a policy file.")
    add_policy_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    policy = load_policy_file(policy_file(args.policy))
    findings = lint(policy)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if args.json:
        print(
            json.dumps(
                {
                    "policy": policy.source,
                    "policy_digest": policy.digest,
                    "errors": errors,
                    "warnings": len(findings) - errors,
                    "findings": [f.to_json() for f in findings],
                },
                indent=2,
            )
        )
    else:
        for finding in findings:
            print(finding)
        print(f"{errors} error(s), {len(findings) - errors} warning(s) in {policy.source}")
    return 1 if errors else 0


def _explain(argv: list[str]) -> int:
    from keyturn.policy.explain import explain

    p = parser("policy explain", "Show what an agent can do, environment by environment.")
    add_policy_option(p)
    p.add_argument("--agent", required=True, help="the agent to explain")
    p.add_argument("--env", action="append", help="only this environment (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    policy = load_policy_file(policy_file(args.policy))
    for env in args.env or ():
        if env not in policy.environment_names:
            raise UsageError(
                f"--env: '{env}' is not an environment of {policy.source}"
                f"{suggest(env, policy.environment_names)}"
            )
    explanation = explain(policy, agent=args.agent, environments=args.env)
    if args.json:
        print(json.dumps(explanation.to_json(), indent=2))
    else:
        print(explanation.render())
    return 0


def _test(argv: list[str]) -> int:
    from keyturn.policy.scenarios import parse_scenarios, run_scenario

    p = parser("policy test", "Run scenario files against the policy.")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    p.add_argument(
        "--policy",
        metavar="FILE",
        help="policy file (default: the scenario file's "
        "'policy:', else $KEYTURN_POLICY, ./keyturn.yaml or $KEYTURN_HOME/keyturn.yaml)",
    )
    args = p.parse_args(argv)
    passed = failed = 0
    policies: dict[Path, Policy] = {}
    for name in args.files:
        file = Path(name)
        parsed = parse_scenarios(_read(file), source=str(file))
        policy_path = _policy_path(args.policy, parsed.policy, file)
        if policy_path not in policies:
            policies[policy_path] = load_policy_file(policy_path)
        base = file.parent

        def read_text(path: str, base: Path = base) -> str:
            return _read_beside(base, path)

        for scenario in parsed.scenarios:
            result = run_scenario(scenario, policy=policies[policy_path], read_text=read_text)
            print(result)
            passed += result.passed
            failed += not result.passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _policy_path(flag: str | None, named: str | None, scenario_file: Path) -> Path:
    if flag:
        return Path(flag)
    if named:
        return scenario_file.parent / named
    return Path(policy_file(None))


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{file}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot read ({exc})") from None


def _read_beside(base: Path, path: str) -> str:
    """A file a scenario names: ``$FIXTURES/...`` under $KEYTURN_FIXTURES, else beside it."""
    if path.startswith("$FIXTURES/"):
        root = os.environ.get("KEYTURN_FIXTURES")
        if not root:
            raise InputError(f"{path}: set KEYTURN_FIXTURES to the fixtures folder")
        return _read(Path(root) / path.removeprefix("$FIXTURES/"))
    return _read(base / path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv[1:]))
