"""``keyturn policy lint``: the holes a policy leaves open, found before an agent finds them.

Misconfigured access control was the root cause of the incident keyturn answers, so the policy
is analysed like code: each finding has a severity, a stable code, the line, and a message.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import DESTRUCTIVE_EFFECTS, EffectKind, Verdict, person_key
from keyturn.policy.engine import Policy
from keyturn.policy.lint_breadth import protected_too_broad
from keyturn.policy.lint_credentials import read_role_is_write_role, role_in_other_environment
from keyturn.policy.lint_environments import (
    looks_like_production,
    production_lookalikes,
    unplaced_not_production,
)
from keyturn.policy.lint_mcp import mcp_mapping_shadowed, mcp_mapping_weakens
from keyturn.policy.lint_names import NAME_FORMS, protected_pattern_problem, rule_resource_problems
from keyturn.policy.lint_parts import Finding, Problem, Severity, covers
from keyturn.policy.lint_placement import (
    catch_all_placement,
    dead_placement,
    production_placed_elsewhere,
)
from keyturn.policy.lint_review import (
    default_one_approval,
    unknown_allowed_elsewhere,
    unknown_on_one_approval,
)
from keyturn.policy.lint_reviewers import hook_agent_reviewers, machine_reviewers
from keyturn.policy.lint_settings import long_grant_ttl, self_modification
from keyturn.policy.matching import GlobSet
from keyturn.policy.rules import AgentRules, sections_for
from keyturn.policy.schema import Rule

__all__ = ["NAME_FORMS", "Finding", "Severity", "covers", "lint", "protected_pattern_problem"]


def lint(policy: Policy) -> list[Finding]:
    """Every finding on ``policy``, errors first, then by line."""
    findings = [
        *_default_allow(policy),
        *_no_production(policy),
        *_destructive_without_review(policy),
        *_one_approval_for_destructive(policy),
        *_unknown_allowed_in_production(policy),
        *_reviewer_groups(policy),
        *_reviewer_is_agent(policy),
        *_reviewer_is_operator(policy),
        *_protected_patterns(policy),
        *_shadowed(policy),
        # The checks of the lint_* modules, under codes named here (every code is in this file).
        *_each_finding(policy, "unknown-environment-not-production", unplaced_not_production),
        *_each_finding(policy, "no-production", production_lookalikes),
        *_each_finding(policy, "role-in-other-environment", role_in_other_environment),
        *_each_finding(policy, "read-role-is-write-role", read_role_is_write_role),
        *_each_finding(policy, "rule-matches-nothing", rule_resource_problems),
        *_each_finding(policy, "unsafe-self-modification", self_modification),
        *_each_finding(policy, "long-grant-ttl", long_grant_ttl),
        *_each_finding(policy, "reviewer-is-agent", hook_agent_reviewers),
        *_each_finding(policy, "reviewer-is-agent", machine_reviewers),
        *_each_finding(policy, "one-approval-for-destructive", default_one_approval),
        *_each_finding(policy, "one-approval-for-destructive", unknown_on_one_approval),
        *_each_finding(policy, "unknown-allowed", unknown_allowed_elsewhere),
        *_each_finding(policy, "environment-catch-all", catch_all_placement),
        *_each_finding(policy, "production-placed-elsewhere", production_placed_elsewhere),
        *_each_finding(policy, "environment-matches-nothing", dead_placement),
        *_each_finding(policy, "protected-too-broad", protected_too_broad),
        *_each_finding(policy, "mcp-mapping-weakens", mcp_mapping_weakens),
        *_each_finding(policy, "mcp-mapping-shadowed", mcp_mapping_shadowed),
    ]
    unique = {(f.code, f.line, f.message): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.severity is not Severity.ERROR, f.line))


def _finding(policy: Policy, severity: Severity, code: str, line: int, message: str) -> Finding:
    return Finding(severity=severity, code=code, source=policy.source, line=line, message=message)


def _each_finding(
    policy: Policy, code: str, check: Callable[[Policy], list[Problem]]
) -> list[Finding]:
    """What ``check`` finds, as findings with ``code``."""
    return [
        Finding(
            severity=p.severity, code=code, source=policy.source, line=p.line, message=p.message
        )
        for p in check(policy)
    ]


def _default_allow(policy: Policy) -> list[Finding]:
    if policy.default is not Verdict.ALLOW:
        return []
    return [
        _finding(
            policy,
            Severity.ERROR,
            "default-allow",
            policy.document.line("default"),
            "default: allow lets every agent do anything no rule mentions; use ask",
        )
    ]


def _no_production(policy: Policy) -> list[Finding]:
    """No defined environment is production: ``production:`` was left out and none is called
    ``production``. Unknown effects there are then held instead of denied, and no production
    check of lint looks at it -- an environment called ``prod`` gets dev's treatment."""
    defined = policy.environment_names
    if policy.production_environments & set(defined):
        return []
    named = [n for n in defined if looks_like_production(n)]
    why = (
        "no environment is treated as production (none is called 'production' and the "
        "policy has no 'production:' list): unknown effects there are held, not denied, and "
        "lint checks no production rules"
    )
    if named:
        return [
            _finding(
                policy,
                Severity.ERROR,
                "no-production",
                policy.document.line(f"environments.{named[0]}"),
                f"environment '{named[0]}' is not production: {why}; "
                f"add 'production: [{', '.join(named)}]'",
            )
        ]
    return [
        _finding(
            policy,
            Severity.WARNING,
            "no-production",
            policy.document.line("environments"),
            f"{why}; name them in 'production:'",
        )
    ]


def _review_environments(policy: Policy) -> list[str]:
    """The environments where a destructive effect must not go unreviewed: the production ones,
    and the one effects land in when keyturn cannot tell where (a delete whose environment
    nobody can tell may well be in production)."""
    envs = set(policy.production_environments & set(policy.environment_names))
    envs.add(policy.unknown_environment)
    return sorted(envs)


def _destructive_without_review(policy: Policy) -> list[Finding]:
    findings = []
    production = policy.production_environments
    for section in policy.document.agents:
        rules = AgentRules(
            sections_for(section.key, policy.document.agents), policy.environment_names
        )
        who = "every agent" if section.key == "*" else f"agent '{section.key}'"
        for env in _review_environments(policy):
            where = (
                env
                if env in production
                else f"{env} (where keyturn puts effects whose environment it cannot tell)"
            )
            for kind in sorted(DESTRUCTIVE_EFFECTS):
                if _unconditional(rules, Verdict.DENY, kind, env) or _unconditional(
                    rules, Verdict.ASK, kind, env
                ):
                    continue
                for c in rules.candidates(Verdict.ALLOW, kind, env):
                    if section.key != "*" and c.rule.agent == "*":
                        continue  # reported once, for every agent
                    findings.append(
                        _finding(
                            policy,
                            Severity.ERROR,
                            "destructive-without-review",
                            c.rule.line,
                            f"{who} can {kind.value} in {where} without review "
                            f"({c.rule.rule_id} allows it)",
                        )
                    )
    return findings


def _one_approval_for_destructive(policy: Policy) -> list[Finding]:
    """An ``ask`` that lets a production delete or replace go ahead on one person's word, where
    no rule asks more of every such effect: the two-person rule the incident called for."""
    findings = []
    for section in policy.document.agents:
        rules = AgentRules(
            sections_for(section.key, policy.document.agents), policy.environment_names
        )
        who = "every agent" if section.key == "*" else f"agent '{section.key}'"
        for env in sorted(policy.production_environments & set(policy.environment_names)):
            for kind in sorted(DESTRUCTIVE_EFFECTS):
                asks = rules.candidates(Verdict.ASK, kind, env)
                if _unconditional(rules, Verdict.DENY, kind, env) or any(
                    c.unconditional and c.rule.approvals >= 2 for c in asks
                ):
                    continue
                for c in asks:
                    if c.rule.approvals >= 2 or (section.key != "*" and c.rule.agent == "*"):
                        continue  # a rule of every agent is reported once, for every agent
                    findings.append(
                        _finding(
                            policy,
                            Severity.WARNING,
                            "one-approval-for-destructive",
                            c.rule.line,
                            f"{who} can {kind.value} in {env} on one approval "
                            f"({c.rule.rule_id}): ask at least 2, from two people",
                        )
                    )
    return findings


def _unconditional(rules: AgentRules, verdict: Verdict, kind: EffectKind, env: str) -> bool:
    return any(c.unconditional for c in rules.candidates(verdict, kind, env))


def _all_rules(policy: Policy) -> list[Rule]:
    return [r for s in policy.document.agents for r in s.rules]


def _unknown_allowed_in_production(policy: Policy) -> list[Finding]:
    prod = policy.production_environments
    return [
        _finding(
            policy,
            Severity.ERROR,
            "unknown-allowed-in-production",
            r.line,
            f"{r.rule_id} allows 'unknown' effects in production; keyturn still holds them, "
            "but the rule says what nobody should mean",
        )
        for r in _all_rules(policy)
        if r.verdict is Verdict.ALLOW
        and r.names_unknown
        and (r.environments is None or r.environments & prod)
    ]


def _reviewer_groups(policy: Policy) -> list[Finding]:
    findings = []
    if not policy.reviewers:
        findings.append(
            _finding(
                policy,
                Severity.WARNING,
                "no-reviewers",
                1,
                "no reviewer groups: nothing that asks can ever be approved",
            )
        )
    for r in _all_rules(policy):
        if r.verdict is not Verdict.ASK or not policy.reviewers:
            continue
        people = {person_key(p) for g in r.reviewers for p in policy.reviewers[g]}
        if len(people) < r.approvals:
            findings.append(
                _finding(
                    policy,
                    Severity.ERROR,
                    "too-few-reviewers",
                    r.line,
                    f"{r.rule_id} asks {r.approvals} approvals from {', '.join(r.reviewers)}, "
                    f"which has {len(people)} people: it can never be approved",
                )
            )
    return findings


def _reviewer_is_agent(policy: Policy) -> list[Finding]:
    findings = []
    for group, people in policy.reviewers.items():
        for index, person in enumerate(people):
            for section in policy.document.agents:
                if section.key == "*" or not GlobSet((person_key(section.key),)).match(
                    person_key(person)
                ):
                    continue
                findings.append(
                    _finding(
                        policy,
                        Severity.ERROR,
                        "reviewer-is-agent",
                        policy.document.line(f"reviewers.{group}[{index}]"),
                        f"'{person}' is a reviewer in '{group}' and an agent "
                        f"(agents.{section.key}): an agent must never approve",
                    )
                )
    return findings


def _reviewer_is_operator(policy: Policy) -> list[Finding]:
    """A reviewer group that contains the operator of an agent it reviews: that person can never
    approve the agent's requests, so the group has fewer people for it than it seems — an error
    when too few are left to give the approvals asked, a warning otherwise."""
    findings = []
    for section in policy.document.agents:
        operators = _operators_of(policy, section.key)
        if not operators:
            continue
        who = "every agent" if section.key == "*" else section.key
        for owner in policy.rules_for(section.key).sections:
            # A rule of a broader section whose own operators conflict is reported there.
            broader = set() if owner is section else _operators_of(policy, owner.key)
            for rule in owner.rules:
                if rule.verdict is not Verdict.ASK:
                    continue
                groups = rule.reviewers or tuple(policy.reviewers)
                members = {p for g in groups for p in policy.reviewers.get(g, ())}
                barred = {person_key(p) for p in operators}
                conflicted = sorted(p for p in members if person_key(p) in barred)
                if conflicted and not {person_key(p) for p in conflicted} <= {
                    person_key(p) for p in broader
                }:
                    findings.append(
                        _operator_finding(policy, who, rule, groups, members, conflicted)
                    )
    return findings


def _operators_of(policy: Policy, key: str) -> set[str]:
    """Who runs the agents of section ``key``: the operators of every section applying to it
    (those named in a glob section or in ``*`` run each agent it reaches), and the agent."""
    operators = {p for s in policy.rules_for(key).sections for p in s.operators}
    if operators and key != "*":
        operators.add(key)
    return operators


def _operator_finding(
    policy: Policy,
    who: str,
    rule: Rule,
    groups: tuple[str, ...],
    members: set[str],
    conflicted: list[str],
) -> Finding:
    barred = {person_key(p) for p in conflicted}
    eligible = sorted(p for p in members if person_key(p) not in barred)
    short = len({person_key(p) for p in eligible}) < rule.approvals
    return _finding(
        policy,
        Severity.ERROR if short else Severity.WARNING,
        "reviewer-is-operator",
        rule.line,
        f"{', '.join(conflicted)} operate(s) {who} and review in "
        f"{', '.join(groups)}: for {rule.rule_id} ({rule.approvals} approval(s)) only "
        f"{', '.join(eligible) or 'nobody'} can approve {who}'s requests"
        + (": they can never be approved" if short else ""),
    )


def _protected_patterns(policy: Policy) -> list[Finding]:
    findings = []
    for index, pattern in enumerate(policy.protected):
        problem = protected_pattern_problem(pattern)
        if problem is not None:
            findings.append(
                _finding(
                    policy,
                    Severity.WARNING,
                    "protected-matches-nothing",
                    policy.document.line(f"protected[{index}]"),
                    f"protected[{index}] '{pattern}' {problem}",
                )
            )
    return findings


def _shadowed(policy: Policy) -> list[Finding]:
    findings = []
    for section in policy.document.agents:
        applying = sections_for(section.key, policy.document.agents)
        denies = [r for s in applying for r in s.rules if r.verdict is Verdict.DENY]
        for rule in section.rules:
            if rule.verdict is Verdict.DENY:
                continue
            cover = next((d for d in denies if covers(d, rule)), None)
            if cover is not None:
                findings.append(
                    _finding(
                        policy,
                        Severity.WARNING,
                        "shadowed-rule",
                        rule.line,
                        f"{rule.rule_id} never applies: {cover.rule_id} denies everything it "
                        "matches",
                    )
                )
    return findings
