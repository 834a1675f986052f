"""Argument parsing shared by every verb: one-line errors and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import os
from typing import NoReturn

from keyturn.errors import UsageError


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is a :class:`UsageError` (one line, exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def parser(prog: str, description: str) -> ArgumentParser:
    return ArgumentParser(prog=f"keyturn {prog}", description=description, allow_abbrev=False)


POLICY_HELP = (
    "policy file (default: $KEYTURN_POLICY, ./keyturn.yaml, or $KEYTURN_HOME/keyturn.yaml)"
)


def add_policy_option(p: argparse.ArgumentParser) -> None:
    """``--policy FILE``; resolve the value with :func:`policy_file`."""
    p.add_argument("--policy", metavar="FILE", default=None, help=POLICY_HELP)


def policy_file(given: str | None) -> str:
    """The policy file for ``--policy`` (or its absence): the chain every verb shares."""
    from keyturn.paths import policy_path

    return str(policy_path(given))


def add_actor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--agent",
        default=os.environ.get("KEYTURN_AGENT") or "agent",
        help="the agent acting (default: $KEYTURN_AGENT)",
    )
    p.add_argument(
        "--operator",
        default=os.environ.get("USER") or "unknown",
        help="the human the agent acts for (default: $USER)",
    )
    p.add_argument("--session", default=os.environ.get("KEYTURN_SESSION"), help="agent session id")
