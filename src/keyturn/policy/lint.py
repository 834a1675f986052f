"""``keyturn policy lint``: the holes a policy leaves open, found before an agent finds them.

Misconfigured access control was the root cause of the incident keyturn answers, so the policy
is analysed like code: each finding has a severity, a stable code, the line, and a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from keyturn.model import DESTRUCTIVE_EFFECTS, EffectKind, Verdict
from keyturn.policy.engine import Policy
from keyturn.policy.matching import GlobSet, is_literal, literal_prefix
from keyturn.policy.rules import AgentRules, sections_for
from keyturn.policy.schema import Rule


class Severity(StrEnum):
    """How bad a finding is: errors fail ``lint`` (exit 1), warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding."""

    severity: Severity
    code: str
    source: str
    line: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "file": self.source,
            "line": self.line,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.severity.value} {self.code}: {self.message}"


# Every resource-name form an understander produces (BRIEF §4.2 and the forms the shell, MCP,
# Terraform and CloudFormation understandings add): a protected pattern must start like one.
NAME_FORMS = (
    "arn:",
    "s3://",
    "k8s:",
    "file:/",
    "db:",
    "mcp:",
    "gs://",
    "gcp:",
    "azure:",
    "graphql:",
    "http://",
    "https://",
    "helm:",
    "git:",
    "github:",
    "terraform:",
    "cfn:",
    "env:",
    "docker:",
    "pulumi:",
    "eksctl:",
    "service:",
    "host:",
    "process:",
    "cron:",
    "firewall:",
    "vault:",
    "consul:",
    "etcd:",
    "rclone:",
    "minio:",
    "ansible:",
    "ssh:",
    "railway:",
    "fly:",
    "heroku:",
    "vercel:",
    "netlify:",
    "digitalocean:",
    "cloudflare:",
    "gitlab:",
    "supabase:",
    "mongodb-atlas:",
    "kafka:",
    "rabbitmq:",
    "nats:",
    "influx:",
    "grafana:",
    "sentry:",
)
_WINDOWS_FILE = re.compile(r"file:[A-Za-z](?::(?:/.*)?)?\Z", re.DOTALL)
_TERRAFORM_ADDRESS = re.compile(
    r"(?:module\.[\w-]+(?:\[[^\]]+\])?\.)*(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*"
    r"(?:\[[^\]]+\])?\Z"
)


def lint(policy: Policy) -> list[Finding]:
    """Every finding on ``policy``, errors first, then by line."""
    findings = [
        *_default_allow(policy),
        *_destructive_without_review(policy),
        *_unknown_allowed_in_production(policy),
        *_reviewer_groups(policy),
        *_reviewer_is_agent(policy),
        *_reviewer_is_operator(policy),
        *_protected_patterns(policy),
        *_shadowed(policy),
    ]
    unique = {(f.code, f.line, f.message): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.severity is not Severity.ERROR, f.line))


def _finding(policy: Policy, severity: Severity, code: str, line: int, message: str) -> Finding:
    return Finding(severity=severity, code=code, source=policy.source, line=line, message=message)


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


def _destructive_without_review(policy: Policy) -> list[Finding]:
    findings = []
    for section in policy.document.agents:
        rules = AgentRules(
            sections_for(section.key, policy.document.agents), policy.environment_names
        )
        who = "every agent" if section.key == "*" else f"agent '{section.key}'"
        for env in sorted(policy.production_environments & set(policy.environment_names)):
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
                            f"{who} can {kind.value} in {env} without review "
                            f"({c.rule.rule_id} allows it)",
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
        people = {p for g in r.reviewers for p in policy.reviewers[g]}
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
                if section.key == "*" or not GlobSet((section.key,)).match(person):
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
        if not section.operators or section.key == "*":
            continue
        for rule in (r for s in policy.rules_for(section.key).sections for r in s.rules):
            if rule.verdict is not Verdict.ASK:
                continue
            groups = rule.reviewers or tuple(policy.reviewers)
            members = {p for g in groups for p in policy.reviewers.get(g, ())}
            conflicted = sorted(members & {*section.operators, section.key})
            if not conflicted:
                continue
            eligible = sorted(members - set(conflicted))
            short = len(eligible) < rule.approvals
            findings.append(
                _finding(
                    policy,
                    Severity.ERROR if short else Severity.WARNING,
                    "reviewer-is-operator",
                    rule.line,
                    f"{', '.join(conflicted)} operate(s) {section.key} and review in "
                    f"{', '.join(groups)}: for {rule.rule_id} ({rule.approvals} approval(s)) only "
                    f"{', '.join(eligible) or 'nobody'} can approve {section.key}'s requests"
                    + (": they can never be approved" if short else ""),
                )
            )
    return findings


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


def protected_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` can match no resource name keyturn produces, or ``None``."""
    prefix = literal_prefix(pattern)
    if not prefix:
        return None
    if prefix.startswith("file:") and not prefix.startswith("file:/"):
        if _WINDOWS_FILE.match(prefix):
            return None
        return "is not an absolute path: file names are file:/absolute/path"
    if any(prefix.startswith(form) or form.startswith(prefix) for form in NAME_FORMS):
        return _k8s_problem(pattern) if prefix.startswith("k8s:") else None
    sample = pattern.replace("*", "x").replace("?", "x")
    if _TERRAFORM_ADDRESS.match(sample):
        return None
    return (
        f"matches no resource name form ({', '.join(NAME_FORMS)}, or a Terraform address type.name)"
    )


def _k8s_problem(pattern: str) -> str | None:
    parts = pattern[4:].split("/")
    kind = parts[0] if len(parts) == 2 else parts[1] if len(parts) == 3 else None
    if kind is None or not is_literal(kind):
        return None
    if kind != kind.lower():
        return f"has kind '{kind}': kinds in names are lower-case and singular"
    try:
        from keyturn.understand.k8s_kinds import normalize_kind
    except ImportError:  # pragma: no cover - the kind table ships with the understanders
        return None
    normal = normalize_kind(kind)
    if normal != kind:
        return f"has kind '{kind}': kinds in names are singular (did you mean '{normal}'?)"
    return None


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


def covers(broad: Rule, narrow: Rule) -> bool:
    """Whether every effect ``narrow`` can match is also matched by ``broad`` (conservative)."""
    if not broad.applies_to_effects >= narrow.applies_to_effects:
        return False
    for mine, theirs in ((broad.environments, narrow.environments), (broad.kinds, narrow.kinds)):
        if mine is not None and (theirs is None or not theirs <= mine):
            return False
    pairs = (
        (broad.resources, narrow.resources),
        (broad.services, narrow.services),
        (broad.commands, narrow.commands),
        (broad.tools, narrow.tools),
    )
    for mine_globs, their_globs in pairs:
        if mine_globs is None:
            continue
        if their_globs is None or not all(mine_globs.covers(p) for p in their_globs.patterns):
            return False
    return True
