"""The judging fast paths decide exactly what the plain definitions do.

Gates (rules.py) may only leave out rules that cannot match; a GlobSet's prefix check may only
skip values no glob matches, and its first match is the first glob matching; the results are
plain values.
"""

from __future__ import annotations

import gc
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import BRIEF_POLICY

from keyturn.model import (
    ActionKind,
    Decision,
    Effect,
    EffectKind,
    Judgement,
    Resource,
    Target,
    Verdict,
)
from keyturn.policy import load_policy
from keyturn.policy.compiled import CompiledRule
from keyturn.policy.matching import GlobSet, RequiredText, literal_prefix, overlap, required_text
from keyturn.policy.outcome import Outcome

from .helpers import action, actor

ALPHABET = "ab:/*?-"
globs = st.text(alphabet=ALPHABET, min_size=0, max_size=6)
values = st.text(alphabet="ab:/-", min_size=0, max_size=7)
# Resource names that may stand for several resources (``a*``: everything under a).
wide_values = st.text(alphabet="ab:/-*", min_size=0, max_size=7)


def _reference(patterns: tuple[str, ...], value: str) -> bool:
    """What a glob means, one pattern at a time (``*`` any run, ``?`` one character)."""
    for p in patterns:
        body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p)
        if re.fullmatch(body, value, re.DOTALL):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(globs, min_size=1, max_size=4), st.lists(values, min_size=1, max_size=3))
def test_globset_matches_as_its_globs(patterns: list[str], names: list[str]) -> None:
    gs = GlobSet(tuple(patterns))
    for name in names:
        assert gs.match(name) is _reference(gs.patterns, name)
    assert gs.match_any(names) is any(_reference(gs.patterns, n) for n in names)
    first = [i for i, p in enumerate(gs.patterns) if any(_reference((p,), n) for n in names)]
    assert gs.first_match(names) == (first[0] if first else None)
    required = RequiredText.of(gs.patterns)
    for pattern in gs.patterns:
        for name in names:
            if _reference((pattern,), name):
                text, at_start = required_text(pattern)
                assert name.startswith(text) if at_start else text in name
                assert required is None or required.found_in(name)


RULE_GLOBS = ["a*", "ab", "*b", "a:?", "b:*", "ab:*:b", "?"]


def _policy_text(rules: list[tuple[str, int | None, str, list[str]]]) -> str:
    """kiro's rules as a policy: (verdict, approvals an ask asks of sre or None, criterion,
    globs)."""
    lines = ["version: 1", "default: ask", "reviewers:", "  sre: [ann, ben, cat]", "agents:"]
    lines.append("  kiro:")
    by_verdict: dict[str, list[str]] = {}
    for verdict, approvals, criterion, globs in rules:
        quoted = ", ".join(f'"{g}"' for g in globs)
        body = f"      - {{{criterion}: [{quoted}]"
        if criterion == "effect":  # no narrowing criterion: matches every effect of its slot
            body = "      - {effect: [read, create, update, delete, replace]"
        if verdict == "ask" and approvals is not None:
            body += f", approvals: {approvals}, reviewers: [sre]"
        by_verdict.setdefault(verdict, []).append(body + "}")
    for verdict, entries in by_verdict.items():
        lines.append(f"    {verdict}:")
        lines.extend(entries)
    return "\n".join(lines) + "\n"


def test_results_are_values_the_collector_does_not_walk(brief_policy_text: str) -> None:
    e = Effect(effect=EffectKind.DELETE, resource=Resource(names=("arn:aws:s3:::x",)))
    outcome = Outcome(Verdict.ASK, "r", "why", approvals=2, reviewers=("sre",), protected=True)
    built = Judgement(e, "production", *outcome)
    assert built == Judgement(
        effect=e,
        environment="production",
        decision=Verdict.ASK,
        rule="r",
        reason="why",
        approvals=2,
        reviewers=("sre",),
        protected=True,
    )
    assert hash(built) == hash(Judgement(e, "production", *outcome))
    assert built != Judgement(e, "staging", *outcome)
    a, who = action(e), actor()
    made = Decision(a, who, Verdict.ASK, 2, ("sre",), (built,), ("x",), "sha256:0")
    assert made == Decision(
        action=a,
        actor=who,
        decision=Verdict.ASK,
        approvals_required=2,
        reviewers=("sre",),
        judgements=(built,),
        reasons=("x",),
        policy_digest="sha256:0",
    )
    # Judging builds one of each per action: untracked, they never trigger a collection.
    judged = load_policy(brief_policy_text).judge(a, actor=who)
    assert not gc.is_tracked(judged)
    assert not gc.is_tracked(judged.judgements[0])


def test_one_effect_decides_as_two_equal_effects_do(brief_policy_text: str) -> None:
    policy = load_policy(brief_policy_text)
    for kind in ("read", "delete", "unknown", "update"):
        for env in ("production", "staging", "dev", "nowhere"):
            e = Effect(
                effect=EffectKind(kind),
                resource=Resource(names=("arn:aws:s3:::b",)),
                target=Target(environment=env),
            )
            one = policy.judge(action(e), actor=actor("kiro"))
            two = policy.judge(action(e, e), actor=actor("kiro"))
            assert one.decision is two.decision
            assert one.approvals_required == two.approvals_required
            assert one.reviewers == two.reviewers
            assert one.reasons == two.reasons[: len(one.reasons)]
            assert one.judgements[0] == two.judgements[0]


winning_rules = st.lists(
    st.tuples(
        st.sampled_from(["deny", "ask", "allow"]),
        st.integers(min_value=1, max_value=3),
        st.sampled_from(["resource", "resource", "resource", "service", "command", "effect"]),
        st.lists(st.sampled_from(RULE_GLOBS), min_size=1, max_size=2),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=300, deadline=None)
@given(
    winning_rules,
    st.sampled_from(list(EffectKind)),
    st.lists(wide_values.filter(bool), min_size=1, max_size=3),
    st.one_of(st.none(), values),
    st.one_of(st.none(), values),
)
def test_the_deciding_rule_is_the_one_the_plain_definition_picks(
    rules: list[tuple[str, int, str, list[str]]],
    kind: EffectKind,
    names: list[str],
    service: str | None,
    command: str | None,
) -> None:
    """Deny and allow: the first matching rule in file order; ask: the most approvals, the
    first on a tie; any deny over any ask over any allow -- whether a rule is tried in the
    combined expression, on its own, or left out below an unconditional one. A deny or an ask
    also holds a wide name (``a*``) that may take in something its resource globs name."""
    policy = load_policy(_policy_text(list(rules)))
    indexed = policy.rules_for("kiro")
    e = Effect(effect=kind, resource=Resource(names=tuple(names)), service=service, command=command)

    def reaches(c: CompiledRule) -> bool:
        if c.resources is None or c.unconditional:
            return False
        wide = [n for n in names if "*" in n or "?" in n]
        started = [p for p in c.resources.patterns if literal_prefix(p)]
        return _matches_but_resource(c, e) and any(overlap(n, p) for n in wide for p in started)

    for env in (*policy.environment_names, None):
        expected = None
        for position, all_ in enumerate(indexed.slots(kind, env)):
            matching = [
                c for c in all_ if c.matches(e, ActionKind.SHELL) or (position < 2 and reaches(c))
            ]
            if position == 1:  # ask: most approvals first, file order on a tie
                matching.sort(key=lambda c: -c.rule.approvals)
            if matching:
                expected = matching[0]
                break
        assert indexed.plan(kind, env).winner(e, ActionKind.SHELL) is expected


def _matches_but_resource(c: CompiledRule, e: Effect) -> bool:
    """The rule's criteria other than its resource, read off the rule itself."""
    rule = c.rule
    return (
        (rule.services is None or rule.services.match(e.service))
        and (rule.commands is None or rule.commands.match(e.command))
        and (rule.tools is None or rule.tools.match(e.tool))
        and (rule.kinds is None or ActionKind.SHELL in rule.kinds)
    )


_GUARDED_BRIEF = load_policy(BRIEF_POLICY, guarded_paths=("/etc/keyturn/keyturn.yaml",))
BUILTIN_NAMES = [
    "arn:aws:rds:*:*:db:prod-7",  # protected
    "aws_db_instance.main",  # protected
    "arn:aws:s3:::plain",
    "file:/",
    "file:/home/bob",
    "file:/srv/app/build",
    "file:/etc/keyturn/keyturn.yaml",  # keyturn's own (guarded below)
    "file:/root/.claude/settings.json",
    "env:KEYTURN_POLICY",
    "env:PATH",
    "k8s:namespace/payments",  # protected
]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(list(EffectKind)),
    st.lists(st.sampled_from(BUILTIN_NAMES), min_size=1, max_size=3),
    st.sampled_from([None, "fork bomb"]),
    st.booleans(),
    st.sampled_from([None, "aws_db_instance.main"]),
)
def test_skipping_the_built_ins_never_skips_a_built_in_verdict(
    kind: EffectKind,
    names: list[str],
    catastrophic: str | None,
    removes_protection: bool,
    protected_by: str | None,
) -> None:
    """The engine calls the built-in rules only for effects they can decide: whatever they
    would decide is what it decides."""
    policy = _GUARDED_BRIEF
    e = Effect(
        effect=kind,
        resource=Resource(names=tuple(names)),
        catastrophic=catastrophic,
        removes_protection=removes_protection,
        protected_by=protected_by,
    )
    protection = policy._protection
    assert protection is not None
    protected, shown = protection.reach(e)
    built_in = policy._builtins(e, protected=protected, names=shown)
    decided = policy._decide(e, "kiro", ActionKind.SHELL, "production")
    if built_in is not None:
        assert decided == built_in
    else:
        assert not decided.rule.startswith(("builtin:catastrophic", "builtin:self", "protected["))


def test_a_slot_ranks_deny_then_the_largest_ask_then_allow() -> None:
    """The plain cases of the ranking, one by one (the property above finds them by chance)."""
    policy = load_policy(
        _policy_text(
            [
                ("allow", None, "resource", ["a*"]),
                ("ask", 1, "resource", ["a*"]),
                ("ask", 3, "resource", ["ab"]),
                ("ask", 2, "effect", []),
                ("deny", None, "resource", ["*b:*"]),
                ("deny", None, "service", ["b*"]),
            ]
        )
    )
    plan = policy.rules_for("kiro").plan(EffectKind.DELETE, None)

    def winner(name: str, service: str | None = None) -> str | None:
        e = Effect(effect=EffectKind.DELETE, resource=Resource(names=(name,)), service=service)
        c = plan.winner(e, ActionKind.SHELL)
        return None if c is None else c.rule_id

    assert winner("ab") == "agents.kiro.ask[1]"  # 3 approvals over 1, over the earlier allow
    assert winner("a") == "agents.kiro.ask[2]"  # the unconditional ask (2) over ask[0] (1)
    assert winner("ab:x") == "agents.kiro.deny[0]"
    assert winner("a", service="bb") == "agents.kiro.deny[1]"
    # Nothing ranked after the unconditional ask is ever looked at.
    assert plan.cap == 2 + 1 and len(plan.ranked) == 2 + 3 + 1  # 2 denies, ask[1], ask[2]


def test_agents_share_the_rules_and_plans_they_have_in_common(brief_policy_text: str) -> None:
    policy = load_policy(brief_policy_text)
    kiro, other = policy.rules_for("kiro"), policy.rules_for("someone-else")
    kind, env = EffectKind.DELETE, "production"
    every = {c.rule_id: c for c in other.plan(kind, env).ranked}
    # kiro's own deny (service: iam) ranks first; the "*" rules after it are the same objects.
    for c in kiro.plan(kind, env).ranked:
        if c.rule_id.startswith("agents.*."):
            assert every[c.rule_id] is c
    # Two agents with no rules of their own have one plan per slot between them.
    assert policy.rules_for("a").plan(kind, env) is policy.rules_for("b").plan(kind, env)
    assert kiro.plan(kind, env) is not other.plan(kind, env)
