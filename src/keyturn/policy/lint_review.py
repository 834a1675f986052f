"""Review that one person can give, and ``unknown`` let through (``keyturn policy lint``).

``one-approval-for-destructive`` looks at ``ask`` rules; two more ways production's deletes go
ahead on one person's word: no rule covers them, so ``default: ask`` decides -- and it asks one
approval of anyone in any group -- and an ``ask`` rule naming ``unknown`` in production, which
turns the built-in deny of what keyturn cannot read (a ``bash -c "$(echo … | base64 -d)"`` may
well be a delete) into one approval. And an ``allow`` naming ``unknown`` outside production says
what nobody means: keyturn holds those effects anyway, and under ``default: deny`` the rule
turns their deny into a review.
"""

from __future__ import annotations

from keyturn.model import DESTRUCTIVE_EFFECTS, Verdict
from keyturn.policy.engine import Policy
from keyturn.policy.lint_parts import Problem, Severity
from keyturn.policy.rules import AgentRules, sections_for

__all__ = ["default_one_approval", "unknown_allowed_elsewhere", "unknown_on_one_approval"]


def default_one_approval(policy: Policy) -> list[Problem]:
    """Production deletes and replacements no unconditional rule covers for an agent the file
    does not name (its rules are ``*``'s, the fewest any agent has), under ``default: ask``."""
    if policy.default is not Verdict.ASK:
        return []
    rules = AgentRules(sections_for("*", policy.document.agents), policy.environment_names)
    open_ = [
        f"{kind.value} in {env}"
        for env in sorted(policy.production_environments & set(policy.environment_names))
        for kind in sorted(DESTRUCTIVE_EFFECTS)
        if not any(
            c.unconditional
            for verdict in (Verdict.DENY, Verdict.ASK, Verdict.ALLOW)
            for c in rules.candidates(verdict, kind, env)
        )
    ]
    if not open_:
        return []
    return [
        Problem(
            Severity.WARNING,
            policy.document.line("default"),
            f"no rule of agents.* covers {', '.join(open_)}, so for an agent no other section "
            "names, default: ask decides: one approval from anyone in any group (the "
            "two-person rule does not hold); add an ask rule for delete and replace there "
            "with approvals: 2",
        )
    ]


def unknown_on_one_approval(policy: Policy) -> list[Problem]:
    """``ask`` rules naming ``unknown`` that apply in production with fewer than 2 approvals,
    whatever the call (a ``kind`` aside): one held to a tool, service, command or resource is a
    choice about what that one thing may do."""
    production = policy.production_environments
    return [
        Problem(
            Severity.WARNING,
            rule.line,
            f"{rule.rule_id} lets 'unknown' effects in production go ahead on one approval: "
            "keyturn denies them there otherwise, and what it cannot read may be a delete; "
            "ask at least 2, from two people",
        )
        for section in policy.document.agents
        for rule in section.rules
        if rule.verdict is Verdict.ASK
        and rule.names_unknown
        and rule.approvals < 2
        and (rule.environments is None or rule.environments & production)
        and all(c is None for c in (rule.resources, rule.services, rule.commands, rule.tools))
    ]


def unknown_allowed_elsewhere(policy: Policy) -> list[Problem]:
    """``allow`` rules naming ``unknown`` only outside production (in production:
    ``unknown-allowed-in-production``)."""
    production = policy.production_environments
    return [
        Problem(
            Severity.WARNING,
            rule.line,
            f"{rule.rule_id} allows 'unknown' effects in {', '.join(sorted(rule.environments))}: "
            "keyturn still holds them for review, and under default: deny the rule turns their "
            "deny into a review; drop 'unknown' from it",
        )
        for section in policy.document.agents
        for rule in section.rules
        if rule.verdict is Verdict.ALLOW
        and rule.names_unknown
        and rule.environments is not None
        and not rule.environments & production
    ]
