"""Checks the loaded YAML against the policy schema and builds a :class:`PolicyDocument`.

Every problem is one line: ``FILE:LINE: key.path: problem (did you mean 'x'?)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from keyturn.model import ActionKind, EffectKind, Verdict
from keyturn.policy.loader import Located, child_path
from keyturn.policy.matching import GlobSet
from keyturn.policy.schema import (
    AgentSection,
    Credentials,
    EnvironmentSpec,
    PolicyDocument,
    Rule,
)
from keyturn.policy.sections import parse_credentials, parse_mcp, parse_settings
from keyturn.policy.validate_checker import Checker, _type_name, suggest
from keyturn.policy.windows_names import fold_pattern

__all__ = [
    "ENV_KEYS",
    "RULE_KEYS",
    "SECTION_KEYS",
    "TOP_KEYS",
    "Checker",
    "build_document",
    "suggest",
]

TOP_KEYS = (
    "version",
    "default",
    "unknown_environment",
    "production",
    "environments",
    "reviewers",
    "protected",
    "agents",
    "mcp",
    "settings",
    "credentials",
)
ENV_KEYS = ("aws_accounts", "aws_profiles", "kube_contexts", "terraform_workspaces", "resources")
RULE_KEYS = (
    "effect",
    "environment",
    "resource",
    "service",
    "command",
    "tool",
    "kind",
    "approvals",
    "reviewers",
    "name",
    "reason",
)
# An agent section holds its rules and, optionally, who operates that agent (``operators``):
# people who run the agent can never approve its requests, and lint checks the groups still
# have enough other people.
SECTION_KEYS = (*(v.value for v in Verdict), "operators")


def build_document(doc: Located) -> PolicyDocument:
    """Validate ``doc`` and build the policy document."""
    check = Checker(doc)
    if doc.value is None:
        raise check.fail("", "the policy file is empty (it needs at least 'version: 1')")
    top = check.mapping(doc.value, "", TOP_KEYS)
    if "version" not in top:
        raise check.fail("", "missing 'version: 1'")
    if top["version"] != 1 or isinstance(top["version"], bool):
        raise check.fail("version", f"unsupported version {top['version']!r} (expected 1)")
    environments = _environments(check, top.get("environments"))
    env_names = tuple(e.name for e in environments)
    production_list = (
        check.strings(top["production"], "production") if "production" in top else None
    )
    unknown_env = _unknown_environment(
        check, top.get("unknown_environment"), env_names, production=production_list
    )
    if not env_names:
        env_names = (unknown_env,)
    production = (
        frozenset(
            check.reference(name, child_path("production", i), env_names, "environment")
            for i, name in enumerate(production_list)
        )
        if production_list is not None
        else frozenset({"production"})
    )
    reviewers = _reviewers(check, top.get("reviewers"))
    return PolicyDocument(
        source=doc.source,
        version=1,
        default=check.choice(top.get("default", "ask"), "default", Verdict),
        unknown_environment=unknown_env,
        production=production,
        environments=environments,
        reviewers=reviewers,
        protected=_protected(check, top.get("protected")),
        agents=_agents(check, top.get("agents"), env_names=env_names, reviewers=reviewers),
        mcp_mappings=parse_mcp(check, top.get("mcp")),
        settings=parse_settings(check, top.get("settings")),
        credentials=(
            parse_credentials(check, top["credentials"], env_names)
            if "credentials" in top
            else Credentials()
        ),
        lines=MappingProxyType(dict(doc.lines)),
    )


def _environments(check: Checker, value: Any) -> tuple[EnvironmentSpec, ...]:
    envs = check.mapping(value, "environments", None)
    result = []
    for name, spec in envs.items():
        path = child_path("environments", name)
        body = check.mapping(spec, path, ENV_KEYS)
        globs = {k: check.globs(v, child_path(path, k)) for k, v in body.items()}
        result.append(EnvironmentSpec(name=name, line=check.doc.line(path), **globs))
    return tuple(result)


def _unknown_environment(
    check: Checker,
    value: Any,
    env_names: tuple[str, ...],
    *,
    production: Sequence[str] | None,
) -> str:
    """The environment of an effect whose environment cannot be told. Left out: the first
    ``production`` one the file lists (fail closed: what keyturn cannot place is judged as
    production), else ``production`` when defined or nothing is, else the first environment."""
    if value is None:
        if production:
            return production[0]
        return "production" if "production" in env_names or not env_names else env_names[0]
    name = check.string(value, "unknown_environment")
    if env_names:
        check.reference(name, "unknown_environment", env_names, "environment")
    return name


def _reviewers(check: Checker, value: Any) -> Mapping[str, tuple[str, ...]]:
    groups = check.mapping(value, "reviewers", None)
    result: dict[str, tuple[str, ...]] = {}
    for name, people in groups.items():
        path = child_path("reviewers", name)
        if not isinstance(people, list) or not people:
            raise check.fail(path, f"expected a non-empty list of people, got {_type_name(people)}")
        result[name] = tuple(check.string(p, child_path(path, i)) for i, p in enumerate(people))
    return MappingProxyType(result)


def _protected(check: Checker, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise check.fail("protected", f"expected a list of patterns, got {_type_name(value)}")
    return tuple(
        fold_pattern(check.string(p, child_path("protected", i))) for i, p in enumerate(value)
    )


def _agents(
    check: Checker,
    value: Any,
    *,
    env_names: tuple[str, ...],
    reviewers: Mapping[str, tuple[str, ...]],
) -> tuple[AgentSection, ...]:
    agents = check.mapping(value, "agents", None)
    sections = []
    seen_names: dict[str, str] = {}
    for key, body in agents.items():
        path = child_path("agents", key)
        verdicts = check.mapping(body, path, SECTION_KEYS)
        rules: list[Rule] = []
        operators = _operators(check, verdicts.get("operators"), child_path(path, "operators"))
        for verdict_name, rule_list in verdicts.items():
            if verdict_name == "operators":
                continue
            verdict = Verdict(verdict_name)
            list_path = child_path(path, verdict_name)
            if rule_list is None:
                continue
            if not isinstance(rule_list, list):
                raise check.fail(
                    list_path, f"expected a list of rules, got {_type_name(rule_list)}"
                )
            for index, raw in enumerate(rule_list):
                rule = _rule(
                    check,
                    raw,
                    agent=key,
                    verdict=verdict,
                    index=index,
                    env_names=env_names,
                    reviewers=reviewers,
                )
                if rule.name is not None:
                    if rule.name in seen_names:
                        raise check.fail(
                            child_path(rule.path, "name"),
                            f"rule name '{rule.name}' is already used by {seen_names[rule.name]}",
                        )
                    seen_names[rule.name] = rule.path
                rules.append(rule)
        sections.append(
            AgentSection(
                key=key, line=check.doc.line(path), rules=tuple(rules), operators=operators
            )
        )
    return tuple(sections)


def _operators(check: Checker, value: Any, path: str) -> tuple[str, ...]:
    """An agent section's ``operators``: the people who run that agent."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise check.fail(path, f"expected a list of people, got {_type_name(value)}")
    return tuple(check.string(p, child_path(path, i)) for i, p in enumerate(value))


def _rule(
    check: Checker,
    raw: Any,
    *,
    agent: str,
    verdict: Verdict,
    index: int,
    env_names: tuple[str, ...],
    reviewers: Mapping[str, tuple[str, ...]],
) -> Rule:
    path = child_path(child_path(child_path("agents", agent), verdict.value), index)
    body = check.mapping(raw, path, RULE_KEYS)
    if raw is None or not isinstance(raw, dict):
        raise check.fail(path, "expected a mapping (a rule)")

    def sub(key: str) -> str:
        return child_path(path, key)

    envs = None
    if "environment" in body:
        names = check.strings(body["environment"], sub("environment"))
        single = isinstance(body["environment"], str)
        envs = frozenset(
            check.reference(
                n,
                sub("environment") if single else child_path(sub("environment"), i),
                env_names,
                "environment",
            )
            for i, n in enumerate(names)
        )
    if verdict is not Verdict.ASK:
        for key in ("approvals", "reviewers"):
            if key in body:
                raise check.fail(sub(key), f"'{key}' applies to ask rules only")
    approvals = check.integer(body.get("approvals", 1), sub("approvals"), low=1)
    given = None
    if "reviewers" in body:
        given = tuple(
            check.reference(g, child_path(sub("reviewers"), i), reviewers, "reviewer group")
            for i, g in enumerate(check.strings(body["reviewers"], sub("reviewers")))
        )

    def globs(key: str) -> GlobSet | None:
        return check.globs(body[key], sub(key)) if key in body else None

    return Rule(
        agent=agent,
        verdict=verdict,
        index=index,
        line=check.doc.line(path),
        effects=check.choices(body["effect"], sub("effect"), EffectKind)
        if "effect" in body
        else None,
        environments=envs,
        resources=globs("resource"),
        # Service names compare without case (IAM's own do: ``IAM:DeleteRole`` is
        # ``iam:DeleteRole``); the understandings name them in lower case.
        services=GlobSet(tuple(p.lower() for p in check.strings(body["service"], sub("service"))))
        if "service" in body
        else None,
        commands=globs("command"),
        tools=globs("tool"),
        kinds=check.choices(body["kind"], sub("kind"), ActionKind) if "kind" in body else None,
        approvals=approvals if verdict is Verdict.ASK else 0,
        reviewers=(given if given is not None else tuple(reviewers))
        if verdict is Verdict.ASK
        else (),
        reviewers_given=given,
        name=check.string(body["name"], sub("name")) if "name" in body else None,
        reason=check.string(body["reason"], sub("reason")) if "reason" in body else None,
    )
