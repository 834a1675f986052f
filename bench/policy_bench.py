"""Judging one effect against the BRIEF policy grown to 500 rules, beside Cedar and Rego.

The same 2,000 varied effects are judged by keyturn's policy engine, by cedarpy (Cedar) and by
regorus (Rego, through the ``opa-eval`` package) evaluating an equivalent policy. The
environment is given explicitly to all three (Cedar and Rego get it in their input; keyturn in
the effect's target) so that each engine does the same work: find the deciding rule, with deny
over ask over allow over the default. The three must agree on every effect; the bench says how
many they agreed on.

Each engine first judges the same 200 other effects (hot code and caches, as in a running
server), then is timed over 2,000 effects it has never seen, in three rounds with new effects
each time; the engines take turns round by round, and each figure is the median over the
rounds (a shared host has slow spells: one within a round of keyturn's few milliseconds can
move that round's p99 tenfold). None of the three memoises a judgement.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench._stats import per_call_ns, summary

RULES_PER_AGENT = 20
AGENTS = [f"agent-{i:02d}" for i in range(25)]  # 25 x 20 = 500 generated rules
EFFECTS = ["read", "create", "update", "delete", "replace"]
ENVIRONMENTS = ["production", "staging", "dev"]
SAMPLES = 2000
ROUNDS = 3
WARM_UP = 200  # effects judged before timing, none of them among the timed ones


def _brief_policy() -> dict[str, Any]:
    from tests.conftest import BRIEF_POLICY

    loaded: dict[str, Any] = yaml.safe_load(BRIEF_POLICY)
    return loaded


def _generated_rule(k: int) -> tuple[str, dict[str, Any]]:
    """Rule number k of the grown policy: (verdict list name, rule)."""
    match k % 4:
        case 0:
            return "deny", {"resource": f"arn:aws:s3:::team{k}-secret*"}
        case 1:
            return "ask", {
                "effect": ["update", "delete"],
                "environment": "production",
                "service": f"svc{k}",
                "approvals": 1,
                "reviewers": ["sre"],
            }
        case 2:
            return "allow", {
                "effect": ["create", "update"],
                "environment": "staging",
                "resource": f"arn:aws:*:*:*:*team{k}-*",
            }
        case _:
            return "deny", {
                "effect": ["delete"],
                "resource": f"arn:aws:dynamodb:*:*:table/team{k}-*",
            }


def grown_policy() -> dict[str, Any]:
    policy = _brief_policy()
    for i, agent in enumerate(AGENTS):
        section: dict[str, list[dict[str, Any]]] = {}
        for j in range(RULES_PER_AGENT):
            verdict, rule = _generated_rule(i * RULES_PER_AGENT + j)
            section.setdefault(verdict, []).append(rule)
        policy["agents"][agent] = section
    return policy


@dataclass(frozen=True)
class Probe:
    agent: str
    effect: str
    environment: str
    service: str
    name: str


def probes(count: int, seed: int = 7) -> list[Probe]:
    rng = random.Random(seed)
    total = len(AGENTS) * RULES_PER_AGENT
    out = []
    for n in range(count):
        k = rng.randrange(total)
        name = rng.choice(
            [
                f"arn:aws:s3:::team{k}-secret-{n}",
                f"arn:aws:dynamodb:*:*:table/team{k}-t{n}",
                f"arn:aws:rds:*:*:db:prod-{n}",
                f"arn:aws:lambda:*:*:function:team{k}-f{n}",
                f"arn:aws:ec2:*:*:instance/i-{n:08x}",
            ]
        )
        out.append(
            Probe(
                agent=rng.choice([*AGENTS, "kiro"]),
                effect=rng.choice(EFFECTS),
                environment=rng.choice(ENVIRONMENTS),
                service=rng.choice(["s3", "rds", "iam", "ec2", f"svc{k}"]),
                name=name,
            )
        )
    return out


# --- the equivalent policy, as Cedar and as Rego -------------------------------------------


def _rules(policy: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(agent, verdict, rule) for every rule, protected patterns as deny rules first."""
    rules = [
        ("*", "deny", {"effect": ["delete", "replace"], "resource": p}) for p in policy["protected"]
    ]
    for agent, section in policy["agents"].items():
        for verdict in ("deny", "ask", "allow"):
            rules.extend((agent, verdict, rule) for rule in section.get(verdict, []))
    return rules


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def cedar_text(policy: dict[str, Any]) -> tuple[str, list[str]]:
    texts, verdicts = [], []
    for agent, verdict, rule in _rules(policy):
        conds = []
        if "effect" in rule:
            conds.append(f"{json.dumps(_as_list(rule['effect']))}.contains(context.effect)")
        if "environment" in rule:
            conds.append(f"{json.dumps(_as_list(rule['environment']))}.contains(context.env)")
        if "service" in rule:
            conds.append(f"context.service == {json.dumps(rule['service'])}")
        if "resource" in rule:
            conds.append(f"context.name like {json.dumps(rule['resource'])}")
        if "command" in rule:
            conds.append(f"context.command like {json.dumps(rule['command'])}")
        principal = "principal" if agent == "*" else f'principal == Agent::"{agent}"'
        head = "forbid" if verdict == "deny" else "permit"
        body = " && ".join(conds) or "true"
        texts.append(f"{head}({principal}, action, resource) when {{ {body} }};")
        verdicts.append(verdict)
    return "\n".join(texts), verdicts


def _glob_regex(pattern: str) -> str:
    """keyturn's glob (``*`` matches any run of characters) as an anchored regex. regorus's
    ``glob.match`` rejects an empty delimiter list, and with ``:`` as delimiter ``*`` would not
    cross ARN segments, so the regex keeps the semantics exactly equal."""
    special = set(".^$+?()[]{}|\\")
    body = "".join(".*" if c == "*" else ("\\" + c if c in special else c) for c in pattern)
    return f"^{body}$"


def rego_text(policy: dict[str, Any]) -> str:
    lines = ["package keyturn", "import rego.v1"]
    for n, (agent, verdict, rule) in enumerate(_rules(policy)):
        conds = []
        if agent != "*":
            conds.append(f"input.agent == {json.dumps(agent)}")
        if "effect" in rule:
            conds.append(f"input.effect in {json.dumps(_as_list(rule['effect']))}")
        if "environment" in rule:
            conds.append(f"input.env in {json.dumps(_as_list(rule['environment']))}")
        if "service" in rule:
            conds.append(f"input.service == {json.dumps(rule['service'])}")
        if "resource" in rule:
            conds.append(f"regex.match({json.dumps(_glob_regex(rule['resource']))}, input.name)")
        if "command" in rule:
            conds.append(f"regex.match({json.dumps(_glob_regex(rule['command']))}, input.command)")
        body = "; ".join(conds) or "true"
        lines.append(f'{verdict} contains "r{n}" if {{ {body} }}')
    # One rule to query: regorus evaluates rule paths only (``data.keyturn`` is refused).
    lines.append('decision := {"deny": deny, "ask": ask, "allow": allow}')
    return "\n".join(lines) + "\n"


def _combine(denied: bool, asked: bool, allowed: bool, default: str) -> str:
    if denied:
        return "deny"
    if asked:
        return "ask"
    return "allow" if allowed else default


# --- the three engines ----------------------------------------------------------------------


def keyturn_judge(policy: dict[str, Any]) -> tuple[Any, Any]:
    from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Resource, Target
    from keyturn.policy import load_policy

    compiled = load_policy(yaml.safe_dump(policy), source="bench.yaml")

    def prepare(p: Probe) -> tuple[Any, Any]:
        effect = Effect(
            effect=EffectKind(p.effect),
            resource=Resource(names=(p.name,)),
            target=Target(environment=p.environment),
            service=p.service,
        )
        action = Action(kind=ActionKind.AWS, summary=p.name, effects=(effect,))
        return action, Actor(agent=p.agent, operator="bob")

    def judge(prepared: tuple[Any, Any]) -> str:
        action, actor = prepared
        return str(compiled.judge(action, actor=actor).decision)  # a StrEnum: its value

    return prepare, judge


def cedar_judge(policy: dict[str, Any]) -> tuple[Any, Any]:
    import cedarpy

    text, verdicts = cedar_text(policy)
    policy_set = cedarpy.PolicySet.from_str(text)
    entities = cedarpy.Entities.from_json_str("[]")
    default = policy["default"]

    def prepare(p: Probe) -> dict[str, Any]:
        return {
            "principal": {"type": "Agent", "id": p.agent},
            "action": {"type": "Action", "id": "judge"},
            "resource": {"type": "Resource", "id": p.name},
            "context": {
                "effect": p.effect,
                "env": p.environment,
                "service": p.service,
                "name": p.name,
                "command": "",
            },
        }

    def judge(request: dict[str, Any]) -> str:
        result = cedarpy.is_authorized(request, policy_set, entities)
        matched = {verdicts[int(r.removeprefix("policy"))] for r in result.diagnostics.reasons}
        return _combine("deny" in matched, "ask" in matched, "allow" in matched, default)

    return prepare, judge


def rego_judge(policy: dict[str, Any]) -> tuple[Any, Any]:
    import opa_eval

    folder = tempfile.mkdtemp(prefix="keyturn-bench-")
    path = Path(folder, "policy.rego")
    path.write_text(rego_text(policy))
    engine = opa_eval.OpaEval(str(path), query="data.keyturn.decision")
    default = policy["default"]

    def prepare(p: Probe) -> str:
        return json.dumps(
            {
                "agent": p.agent,
                "effect": p.effect,
                "env": p.environment,
                "service": p.service,
                "name": p.name,
                "command": "",
            }
        )

    def judge(input_json: str) -> str:
        out = engine.evaluate_parsed(input_json)
        result = out[0] if isinstance(out, list) else out
        return _combine(
            bool(result.get("deny")), bool(result.get("ask")), bool(result.get("allow")), default
        )

    return prepare, judge


def run() -> list[str]:
    policy = grown_policy()
    samples = [probes(SAMPLES, seed=7 + r) for r in range(ROUNDS)]
    warm_up = probes(WARM_UP, seed=11)
    lines = [
        f"policy: BRIEF grown to {len(_rules(policy))} rules; {ROUNDS} rounds of {SAMPLES} "
        "varied effects, new ones each round"
    ]
    engines = {}
    for label, factory in (
        ("keyturn", keyturn_judge),
        ("cedarpy", cedar_judge),
        ("regorus", rego_judge),
    ):
        try:
            engines[label] = factory(policy)
        except ImportError as exc:
            lines.append(f"{label}: not installed ({exc.name})")
    results: dict[str, list[str]] = {label: [] for label in engines}
    rounds: dict[str, list[tuple[float, float, float]]] = {label: [] for label in engines}
    # The engines take turns round by round, so that a slow spell of this shared host falls
    # on all of them; each figure is the median over the rounds.
    for sample in samples:
        for label, (prepare, judge) in engines.items():
            # The inputs are built first: building 2,000 of them pushes an engine's own data
            # out of the processor's caches. Then the engine is warmed up on the same separate
            # effects every time (hot code and data, as in a running server, and as it was
            # before the other engines' turn), so the timed pass is the first time it sees
            # its effects.
            inputs = [prepare(p) for p in sample]
            for item in [prepare(p) for p in warm_up]:
                judge(item)
            rounds[label].append(summary(per_call_ns(judge, inputs)))
            results[label].extend(judge(i) for i in inputs)
    timings = {label: _median_round(figures) for label, figures in rounds.items()}
    for label, (p50, p99, mean) in timings.items():
        lines.append(
            f"{label}: p50 {p50:.2f} us, p99 {p99:.2f} us, mean {mean:.2f} us "
            f"(p99 by round: {', '.join(f'{r[1]:.2f}' for r in rounds[label])})"
        )
    if "keyturn" in timings:
        k50, k99, _ = timings["keyturn"]
        for peer in ("cedarpy", "regorus"):
            if peer in timings:
                agree = sum(a == b for a, b in zip(results["keyturn"], results[peer], strict=True))
                p50, p99, _ = timings[peer]
                lines.append(
                    f"keyturn vs {peer}: {p50 / k50:.0f}x faster at p50, {p99 / k99:.0f}x at p99 "
                    f"(target >= 100x); decisions agree on {agree}/{len(results['keyturn'])}"
                )
    return lines


def _median_round(figures: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(p50, p99, mean), each the median over the rounds."""
    return (
        statistics.median(f[0] for f in figures),
        statistics.median(f[1] for f in figures),
        statistics.median(f[2] for f in figures),
    )
