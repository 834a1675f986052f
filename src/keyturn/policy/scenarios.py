"""``keyturn policy test``: scenario files that pin what a policy decides.

A scenario file::

    policy: keyturn.yaml            # optional, relative to this file
    scenarios:
      - name: kiro deletes and recreates production
        agent: kiro
        operator: dev
        env: production             # optional
        kind: terraform             # shell | aws | terraform | k8s | cloudformation | mcp
        input: {file: $FIXTURES/terraform/...}
        expect: ask
        approvals: 2                # optional
        rule: agents.*.ask[1]       # optional

Files next to a scenario are read through the ``read_text`` function the caller passes in, so
this module stays free of I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from keyturn.errors import InputError, KeyturnError
from keyturn.model import Action, ActionKind, Actor, Decision, Target, Verdict
from keyturn.policy.engine import Policy
from keyturn.policy.loader import Located, child_path, load_yaml
from keyturn.policy.validate import Checker

SCENARIO_KEYS = ("name", "agent", "operator", "env", "kind", "input", "expect", "approvals", "rule")
INPUT_KEYS: dict[ActionKind, tuple[str, ...]] = {
    ActionKind.SHELL: ("command", "cwd", "home"),
    ActionKind.AWS: ("service", "operation", "params", "region", "profile", "account"),
    ActionKind.TERRAFORM: ("file", "json", "workspace"),
    ActionKind.K8S: ("file", "json", "context"),
    ActionKind.CLOUDFORMATION: ("file", "json"),
    ActionKind.MCP: ("server", "tool", "arguments"),
}

ReadText = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One expected decision."""

    name: str
    agent: str
    operator: str
    kind: ActionKind
    input: dict[str, Any]
    expect: Verdict
    line: int
    env: str | None = None
    approvals: int | None = None
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class ScenarioFile:
    """A parsed scenario file."""

    source: str
    policy: str | None
    scenarios: tuple[Scenario, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one scenario."""

    scenario: Scenario
    passed: bool
    message: str

    def __str__(self) -> str:
        if self.passed:
            return f"PASS {self.scenario.name}"
        return f"FAIL {self.scenario.name}: {self.message}"


def parse_scenarios(text: str | bytes, *, source: str) -> ScenarioFile:
    """Parse and validate a scenario file; problems are one-line InputErrors with the line."""
    doc = load_yaml(text, source=source)
    check = Checker(doc)
    top = check.mapping(doc.value, "", ("policy", "scenarios"))
    policy = check.string(top["policy"], "policy") if "policy" in top else None
    items = top.get("scenarios")
    if not isinstance(items, list) or not items:
        raise check.fail("scenarios", "expected a non-empty list of scenarios")
    return ScenarioFile(
        source=source,
        policy=policy,
        scenarios=tuple(_scenario(check, doc, item, i) for i, item in enumerate(items)),
    )


def _scenario(check: Checker, doc: Located, item: Any, index: int) -> Scenario:
    path = child_path("scenarios", index)
    body = check.mapping(item, path, SCENARIO_KEYS)
    for key in ("name", "kind", "input", "expect"):
        if key not in body:
            raise check.fail(path, f"missing '{key}'")
    kind = check.choice(body["kind"], child_path(path, "kind"), ActionKind)
    given = check.mapping(body["input"], child_path(path, "input"), INPUT_KEYS[kind])
    return Scenario(
        name=check.string(body["name"], child_path(path, "name")),
        agent=check.string(body.get("agent", "agent"), child_path(path, "agent")),
        operator=check.string(body.get("operator", "operator"), child_path(path, "operator")),
        kind=kind,
        input=given,
        expect=check.choice(body["expect"], child_path(path, "expect"), Verdict),
        line=doc.line(path),
        env=check.string(body["env"], child_path(path, "env")) if "env" in body else None,
        approvals=check.integer(body["approvals"], child_path(path, "approvals"), low=0)
        if "approvals" in body
        else None,
        rule=check.string(body["rule"], child_path(path, "rule")) if "rule" in body else None,
    )


def run_scenario(scenario: Scenario, *, policy: Policy, read_text: ReadText) -> Result:
    """Understand the scenario's input, judge it, and compare with what it expects."""
    try:
        action = build_action(scenario, policy=policy, read_text=read_text)
    except KeyturnError as exc:
        return Result(scenario, False, f"input not understood: {exc.message}")
    except (ImportError, AttributeError) as exc:
        # The understander of this kind is not in this build: a failure, never a pass.
        return Result(scenario, False, f"kind '{scenario.kind}' is not available ({exc})")
    decision = policy.judge(action, actor=Actor(agent=scenario.agent, operator=scenario.operator))
    return _compare(scenario, decision)


def _compare(scenario: Scenario, decision: Decision) -> Result:
    deciding = [j for j in decision.judgements if j.decision is decision.decision]
    rules = [j.rule for j in deciding] or ["builtin:no-effects"]
    got = f"{decision.decision.value} (rule {rules[0]}"
    got += f": {deciding[0].reason})" if deciding else ")"
    if decision.decision is not scenario.expect:
        return Result(scenario, False, f"expected {scenario.expect.value}, got {got}")
    if scenario.approvals is not None and decision.approvals_required != scenario.approvals:
        return Result(
            scenario,
            False,
            f"expected {scenario.approvals} approval(s), got {decision.approvals_required} "
            f"(rule {rules[0]})",
        )
    if scenario.rule is not None and scenario.rule not in rules:
        return Result(
            scenario, False, f"expected rule {scenario.rule}, got {', '.join(sorted(set(rules)))}"
        )
    return Result(scenario, True, got)


def build_action(scenario: Scenario, *, policy: Policy, read_text: ReadText) -> Action:
    """The understood action of a scenario (through the registered understanders)."""
    from keyturn.understand import understander

    given = scenario.input
    env = scenario.env
    understand = understander(scenario.kind)
    if scenario.kind is ActionKind.SHELL:
        return understand(
            _required(scenario, "command"),
            cwd=given.get("cwd", "/"),
            home=given.get("home", "/root"),
            target=Target(environment=env),
        )
    if scenario.kind is ActionKind.AWS:
        target = Target(
            environment=env,
            aws_region=given.get("region"),
            aws_profile=given.get("profile"),
            aws_account=None if given.get("account") is None else str(given["account"]),
        )
        return understand(
            _required(scenario, "service"),
            _required(scenario, "operation"),
            given.get("params") or {},
            target=target,
        )
    if scenario.kind is ActionKind.MCP:
        return understand(
            _required(scenario, "server"),
            _required(scenario, "tool"),
            given.get("arguments") or {},
            mappings=policy.mcp_mappings,
            target=Target(environment=env),
        )
    text, source = _document(scenario, read_text)
    target = Target(
        environment=env,
        terraform_workspace=given.get("workspace"),
        kube_context=given.get("context"),
    )
    return understand(text, source=source, target=target)


def _required(scenario: Scenario, key: str) -> Any:
    if key not in scenario.input:
        raise InputError(f"scenario '{scenario.name}': input needs '{key}'")
    return scenario.input[key]


def _document(scenario: Scenario, read_text: ReadText) -> tuple[str, str]:
    given = scenario.input
    if ("file" in given) == ("json" in given):
        raise InputError(f"scenario '{scenario.name}': input needs exactly one of 'file', 'json'")
    if "json" in given:
        value = given["json"]
        text = value if isinstance(value, str) else json.dumps(value)
        return text, f"{scenario.name}.json"
    path = str(given["file"])
    return read_text(path), PurePath(path).name
