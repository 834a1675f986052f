"""Settings that weaken keyturn's guarantees (``keyturn policy lint``).

The load warns of ``unsafe_allow_self_modification`` on stderr, which CI does not read; lint
reports it where CI looks. A grant is bound to one action and expires (BRIEF §2.3): one valid
for days outlives the review that gave it.
"""

from __future__ import annotations

from keyturn.policy.engine import Policy
from keyturn.policy.lint_parts import Problem, Severity

__all__ = ["LONGEST_GRANT_SECONDS", "long_grant_ttl", "self_modification"]

# A day: longer, and a grant given for one change is still good for the next day's.
LONGEST_GRANT_SECONDS = 86400


def self_modification(policy: Policy) -> list[Problem]:
    """``settings.unsafe_allow_self_modification: true``: agents may rewrite their policy."""
    if not policy.settings.unsafe_allow_self_modification:
        return []
    return [
        Problem(
            Severity.ERROR,
            policy.document.line("settings.unsafe_allow_self_modification"),
            "settings.unsafe_allow_self_modification is true: agents may edit the policy that "
            "governs them, keyturn's state and their own hook settings; remove it",
        )
    ]


def long_grant_ttl(policy: Policy) -> list[Problem]:
    """A ``grant_ttl`` over a day."""
    seconds = policy.settings.grant_ttl_seconds
    if seconds <= LONGEST_GRANT_SECONDS:
        return []
    key = next(
        (
            k
            for k in ("settings.grant_ttl", "settings.grant_ttl_seconds")
            if k in policy.document.lines
        ),
        "settings",
    )
    return [
        Problem(
            Severity.WARNING,
            policy.document.line(key),
            f"{key} is {_spelled(seconds)}: an approved action's grant outlives its review; "
            "at most 1d (the default is 15m)",
        )
    ]


def _spelled(seconds: int) -> str:
    return f"{seconds // 86400}d" if seconds % 86400 == 0 else f"{seconds}s"
