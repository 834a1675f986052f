"""``keyturn policy explain``: what an agent can actually do, environment by environment.

Each cell judges a synthetic effect (of one kind, on a resource no pattern names, in one
environment) through the real engine, so the table cannot drift from what ``judge`` does. Rules
narrowed by resource, service, command, tool or action kind are listed under the table: they
change the answer only when their conditions hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from keyturn.model import ActionKind, Effect, EffectKind, Resource, Target, Verdict
from keyturn.policy.engine import Policy
from keyturn.policy.schema import Rule

SYNTHETIC_RESOURCE = "explain:any-resource"


@dataclass(frozen=True, slots=True)
class Row:
    """One cell of the table: effect kind x environment."""

    effect: EffectKind
    environment: str
    decision: Verdict
    approvals: int
    reviewers: tuple[str, ...]
    rule: str

    def to_json(self) -> dict[str, Any]:
        return {
            "effect": self.effect.value,
            "environment": self.environment,
            "decision": self.decision.value,
            "approvals": self.approvals,
            "reviewers": list(self.reviewers),
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """The effective permissions of one agent."""

    agent: str
    policy_digest: str
    rows: tuple[Row, ...]
    narrower: tuple[Rule, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "policy_digest": self.policy_digest,
            "permissions": [r.to_json() for r in self.rows],
            "narrower_rules": [
                {"rule": r.rule_id, "decision": r.verdict.value, "when": describe_conditions(r)}
                for r in self.narrower
            ],
        }

    def render(self) -> str:
        """A fixed-width table for people."""
        header = ("EFFECT", "ENVIRONMENT", "DECISION", "APPROVALS", "REVIEWERS", "RULE")
        body = [
            (
                r.effect.value,
                r.environment,
                r.decision.value,
                str(r.approvals) if r.decision is Verdict.ASK else "-",
                ",".join(r.reviewers) if r.decision is Verdict.ASK else "-",
                r.rule,
            )
            for r in self.rows
        ]
        widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
        lines = [f"agent {self.agent} (policy {self.policy_digest[:19]})"]
        for line in (header, *body):
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
        if self.narrower:
            lines.append("")
            lines.append("Narrower rules (apply only when their conditions hold):")
            for rule in self.narrower:
                lines.append(
                    f"  {rule.verdict.value:<5} {describe_conditions(rule)}  ({rule.rule_id})"
                )
        lines.append("")
        lines.append(
            "Built-in, whatever the rules say: catastrophic actions and deleting or unprotecting "
            "a protected resource are denied; unknown effects are at least ask (deny in "
            "production)."
        )
        return "\n".join(line.rstrip() for line in lines)


def explain(
    policy: Policy, *, agent: str, environments: Sequence[str] | None = None
) -> Explanation:
    """The effective permissions of ``agent`` in ``environments`` (all by default)."""
    envs = tuple(environments) if environments else policy.environment_names
    rows = []
    for env in envs:
        for kind in EffectKind:
            effect = Effect(
                effect=kind,
                resource=Resource(names=(SYNTHETIC_RESOURCE,)),
                target=Target(environment=env),
            )
            j = policy.judge_effect(
                effect, agent=agent, kind=ActionKind.SHELL, action_target=Target()
            )
            rows.append(
                Row(
                    effect=kind,
                    environment=j.environment,
                    decision=j.decision,
                    approvals=j.approvals,
                    reviewers=j.reviewers,
                    rule=j.rule,
                )
            )
    sections = policy.rules_for(agent).sections
    narrower = tuple(r for s in sections for r in s.rules if r.narrowing)
    return Explanation(
        agent=agent, policy_digest=policy.digest, rows=tuple(rows), narrower=narrower
    )


def describe_conditions(rule: Rule) -> str:
    """``effect in delete,replace; service ~ iam`` — a rule's criteria, for people."""
    parts = []
    if rule.effects is not None:
        parts.append("effect in " + ",".join(sorted(e.value for e in rule.effects)))
    if rule.environments is not None:
        parts.append("environment in " + ",".join(sorted(rule.environments)))
    globs = (
        ("resource", rule.resources),
        ("service", rule.services),
        ("command", rule.commands),
        ("tool", rule.tools),
    )
    for label, value in globs:
        if value is not None:
            parts.append(f"{label} ~ " + " | ".join(value.patterns))
    if rule.kinds is not None:
        parts.append("kind in " + ",".join(sorted(k.value for k in rule.kinds)))
    return "; ".join(parts) or "always"
