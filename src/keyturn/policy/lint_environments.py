"""Environments judged looser than production where production is meant (``policy lint``).

Two ways a policy hands production's actions to a looser environment's rules: the environment
of an action keyturn cannot place (``unknown_environment``) is not a production one -- the
December 2025 posture, where a bare ``kubectl`` or ``aws`` with no context or profile was
trusted as if it were dev -- and an environment named like production (``prod-eu``) is left out
of ``production:`` while another one is in it.
"""

from __future__ import annotations

import re

from keyturn.policy.engine import Policy
from keyturn.policy.lint_parts import Problem, Severity
from keyturn.policy.loader import child_path

__all__ = ["looks_like_production", "production_lookalikes", "unplaced_not_production"]

# Environment names people give production (``prod``, ``prod-eu``, ``eu_prd2``, ``live``; not
# ``preprod`` or ``non-prod``): one left out of ``production`` (``[production]`` when not
# written) is judged as a non-production environment.
_PRODUCTION_WORD = re.compile(r"(?:prod|prd|production|live)\d*")
_NOT_WORDS = frozenset({"non", "not", "pre"})


def looks_like_production(name: str) -> bool:
    """Whether the environment ``name`` reads like a production one."""
    words = re.split(r"[-_.\s]+", name.lower())
    return any(_PRODUCTION_WORD.fullmatch(w) for w in words) and not _NOT_WORDS.intersection(words)


def _defined_production(policy: Policy) -> list[str]:
    return sorted(policy.production_environments & set(policy.environment_names))


def unplaced_not_production(policy: Policy) -> list[Problem]:
    """An ``unknown_environment`` written in the file that is not a production environment,
    where one is defined (without one, ``no-production`` says so already)."""
    production = _defined_production(policy)
    name = policy.unknown_environment
    if "unknown_environment" not in policy.document.lines or not production:
        return []
    if name in policy.production_environments:
        return []
    return [
        Problem(
            Severity.ERROR,
            policy.document.line("unknown_environment"),
            f"unknown_environment '{name}' is not a production environment: an action keyturn "
            f"cannot place (no profile, account or context) is judged by {name}'s rules, not "
            f"production's; use {' or '.join(repr(p) for p in production)}",
        )
    ]


def production_lookalikes(policy: Policy) -> list[Problem]:
    """Environments named like production but not in ``production:``, where another is: lint's
    production checks and the deny of unknown effects pass them by."""
    production = _defined_production(policy)
    if not production:
        return []  # no-production reports the policy as a whole
    listed = ", ".join(production)
    return [
        Problem(
            Severity.ERROR,
            policy.document.line(child_path("environments", name)),
            f"{child_path('environments', name)} is named like production but 'production:' "
            f"lists only {listed}: unknown effects there are held, not denied, and lint checks "
            "no production rules there; add it to 'production:'",
        )
        for name in policy.environment_names
        if name not in policy.production_environments and looks_like_production(name)
    ]
