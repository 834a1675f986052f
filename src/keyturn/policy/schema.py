"""The policy file, validated and normalised: frozen values the engine compiles.

Everything here is already checked (types, names, references); ``canonical()`` gives the
normalised form the policy digest is computed over, so comments, whitespace, key order and
equivalent spellings (``effect: read`` vs ``effect: [read]``) do not change the digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from keyturn.model import ActionKind, EffectKind, McpToolMapping, Verdict
from keyturn.policy.matching import GlobSet

VERDICT_ORDER = (Verdict.DENY, Verdict.ASK, Verdict.ALLOW)


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of an agent section (``agents.<agent>.<verdict>[<index>]``).

    ``None`` for a criterion means the rule does not constrain it. ``reviewers`` is already
    resolved (every group when the rule names none); ``reviewers_given`` is what the file said.
    """

    agent: str
    verdict: Verdict
    index: int
    line: int
    effects: frozenset[EffectKind] | None = None
    environments: frozenset[str] | None = None
    resources: GlobSet | None = None
    services: GlobSet | None = None
    commands: GlobSet | None = None
    tools: GlobSet | None = None
    kinds: frozenset[ActionKind] | None = None
    approvals: int = 0
    reviewers: tuple[str, ...] = ()
    reviewers_given: tuple[str, ...] | None = None
    name: str | None = None
    reason: str | None = None

    @property
    def path(self) -> str:
        """Where the rule is in the file: ``agents.kiro.deny[0]``."""
        return f"agents.{self.agent}.{self.verdict.value}[{self.index}]"

    @property
    def rule_id(self) -> str:
        """How decisions name the rule: its ``name``, else its path."""
        return self.name or self.path

    @property
    def names_unknown(self) -> bool:
        """True when the rule names the ``unknown`` effect explicitly."""
        return self.effects is not None and EffectKind.UNKNOWN in self.effects

    @property
    def applies_to_effects(self) -> frozenset[EffectKind]:
        """Effect kinds the rule can match (allow rules reach ``unknown`` only by name)."""
        if self.effects is not None:
            return self.effects
        every = frozenset(EffectKind)
        if self.verdict is Verdict.ALLOW:
            return every - {EffectKind.UNKNOWN}
        return every

    @property
    def narrowing(self) -> bool:
        """True when the rule has criteria beyond effect and environment."""
        return any(
            c is not None
            for c in (self.resources, self.services, self.commands, self.tools, self.kinds)
        )

    def canonical(self) -> dict[str, Any]:
        def globs(value: GlobSet | None) -> list[str] | None:
            return None if value is None else sorted(set(value.patterns))

        def names(value: frozenset[str] | None) -> list[str] | None:
            return None if value is None else sorted(value)

        data: dict[str, Any] = {
            "effect": names(self.effects),
            "environment": names(self.environments),
            "resource": globs(self.resources),
            "service": globs(self.services),
            "command": globs(self.commands),
            "tool": globs(self.tools),
            "kind": names(self.kinds),
            "name": self.name,
            "reason": self.reason,
        }
        if self.verdict is Verdict.ASK:
            data["approvals"] = self.approvals
            data["reviewers"] = sorted(self.reviewers)
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True, slots=True)
class AgentSection:
    """The rules of one ``agents:`` key (an agent name, a glob like ``claude-*``, or ``*``)."""

    key: str
    line: int
    rules: tuple[Rule, ...]
    operators: tuple[str, ...] = ()

    def canonical(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            verdict.value: [r.canonical() for r in self.rules if r.verdict is verdict]
            for verdict in VERDICT_ORDER
        }
        if self.operators:  # only when given, so that existing digests stay as they were
            body["operators"] = sorted(self.operators)
        return body


@dataclass(frozen=True, slots=True)
class EnvironmentSpec:
    """How to tell that an action lands in one environment; any criterion matching is enough."""

    name: str
    line: int
    aws_accounts: GlobSet | None = None
    aws_profiles: GlobSet | None = None
    kube_contexts: GlobSet | None = None
    terraform_workspaces: GlobSet | None = None
    resources: GlobSet | None = None

    def canonical(self) -> dict[str, Any]:
        fields = {
            "aws_accounts": self.aws_accounts,
            "aws_profiles": self.aws_profiles,
            "kube_contexts": self.kube_contexts,
            "terraform_workspaces": self.terraform_workspaces,
            "resources": self.resources,
        }
        return {k: list(v.patterns) for k, v in fields.items() if v is not None}


@dataclass(frozen=True, slots=True)
class Settings:
    """Timing settings of the ``settings:`` section (seconds)."""

    request_ttl_seconds: int = 3600
    grant_ttl_seconds: int = 900
    mcp_wait_seconds: int = 300
    # Switches off the built-in self-protection (warned on every load); see policy/selfprotect.
    unsafe_allow_self_modification: bool = False

    def canonical(self) -> dict[str, Any]:
        canonical: dict[str, Any] = {
            "request_ttl_seconds": self.request_ttl_seconds,
            "grant_ttl_seconds": self.grant_ttl_seconds,
            "mcp_wait_seconds": self.mcp_wait_seconds,
        }
        if self.unsafe_allow_self_modification:  # only when set: older digests stay the same
            canonical["unsafe_allow_self_modification"] = True
        return canonical


@dataclass(frozen=True, slots=True)
class AwsCredential:
    """The role keyturn brokers for an environment (``credentials.aws.<env>``), and the
    read-only one (``read_role_arn``) for commands allowed there without review that may run
    code nobody judged (``terraform plan``): see ``integrations.execution.environment``."""

    role_arn: str
    duration_seconds: int = 900
    read_role_arn: str | None = None


@dataclass(frozen=True, slots=True)
class Credentials:
    """The ``credentials:`` section: brokered credentials per environment."""

    aws: Mapping[str, AwsCredential] = field(default_factory=lambda: MappingProxyType({}))

    def canonical(self) -> dict[str, Any]:
        return {
            "aws": {
                env: {
                    "role_arn": c.role_arn,
                    "duration_seconds": c.duration_seconds,
                    # Only when given: a policy without it keeps the digest it had.
                    **({"read_role_arn": c.read_role_arn} if c.read_role_arn else {}),
                }
                for env, c in sorted(self.aws.items())
            }
        }


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """The whole policy file, validated. ``lines`` keeps key path -> line for lint messages."""

    source: str
    version: int
    default: Verdict
    unknown_environment: str
    production: frozenset[str]
    environments: tuple[EnvironmentSpec, ...]
    reviewers: Mapping[str, tuple[str, ...]]
    protected: tuple[str, ...]
    agents: tuple[AgentSection, ...]
    mcp_mappings: tuple[McpToolMapping, ...]
    settings: Settings
    credentials: Credentials
    lines: Mapping[str, int]

    def canonical(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "default": self.default.value,
            "unknown_environment": self.unknown_environment,
            "production": sorted(self.production),
            "environments": [[e.name, e.canonical()] for e in self.environments],
            "reviewers": {g: sorted(set(p)) for g, p in sorted(self.reviewers.items())},
            "protected": sorted(set(self.protected)),
            "agents": {s.key: s.canonical() for s in self.agents},
            "mcp": [_mapping_canonical(m) for m in self.mcp_mappings],
            "settings": self.settings.canonical(),
            "credentials": self.credentials.canonical(),
        }

    def line(self, path: str) -> int:
        """The line of a key path in the file (1 when unknown)."""
        return self.lines.get(path, 1)


def _mapping_canonical(m: McpToolMapping) -> dict[str, Any]:
    return {
        "server": m.server,
        "tool": m.tool,
        "effect": m.effect.value,
        "resources": list(m.resources),
        "sql": m.sql_argument,
        "shell": m.shell_argument,
    }
