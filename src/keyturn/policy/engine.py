"""The compiled policy: judges actions effect by effect (BRIEF §4.1).

Per effect, in order: the built-in catastrophic set (deny), protection (deny), then the agent's
rules: a matching ``deny`` wins, else a matching ``ask`` (the one asking most approvals), else a
matching ``allow``, else ``default``. ``unknown`` effects are at least ``ask`` and ``deny`` in
production unless an ask rule naming ``unknown`` matches. The action's decision is the strictest
of its effects.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Mapping

from keyturn.model import (
    DESTRUCTIVE_EFFECTS,
    Action,
    ActionKind,
    Actor,
    Decision,
    Effect,
    EffectKind,
    Judgement,
    McpToolMapping,
    Target,
    Verdict,
    canonical_json,
)
from keyturn.policy import builtin
from keyturn.policy.environments import EnvironmentResolver
from keyturn.policy.matching import GlobSet, is_literal
from keyturn.policy.outcome import Outcome, ask_outcome
from keyturn.policy.plan import SlotPlan
from keyturn.policy.protection import Protection
from keyturn.policy.rules import AgentRules, CompiledRule, SharedParts, agent_key, sections_for
from keyturn.policy.schema import Credentials, PolicyDocument, Rule, Settings
from keyturn.policy.selfprotect import (
    GUARDED_PREFIXES,
    SELF_PROTECTION_RULE,
    SelfProtection,
    may_reach_cluster_gate,
    warn_opt_out,
)
from keyturn.policy.through_services import stricter_through_services
from keyturn.policy.windows_names import is_drive_name, with_folded_names

_NO_HINTS = Target()
_AGENT_CACHE_LIMIT = 1024
_BULK_EFFECTS = 1024


_DELETE, _REPLACE, _UNKNOWN = EffectKind.DELETE, EffectKind.REPLACE, EffectKind.UNKNOWN
_READ = EffectKind.READ


class Policy:
    """A loaded, validated and compiled policy. Immutable once built; safe to share.

    ``guarded_paths``: absolute paths of keyturn's own files (the policy file, the state
    directory) that no agent may change, besides the built-in patterns (``policy/selfprotect``);
    ``private_paths`` (the state directories) are not even read: they hold keyturn's secrets.
    """

    def __init__(
        self,
        document: PolicyDocument,
        *,
        guarded_paths: Iterable[str] = (),
        private_paths: Iterable[str] = (),
    ) -> None:
        self.document = document
        self.warnings: tuple[str, ...] = ()
        self._self_protection: SelfProtection | None = SelfProtection.build(
            guarded_paths, private_paths
        )
        if document.settings.unsafe_allow_self_modification:
            self._self_protection = None
            self.warnings = (warn_opt_out(document.source),)
        self.digest = "sha256:" + hashlib.sha256(canonical_json(document.canonical())).hexdigest()
        names = [e.name for e in document.environments]
        if document.unknown_environment not in names:
            names.append(document.unknown_environment)
        self.environment_names: tuple[str, ...] = tuple(names)
        self._env_set = frozenset(names)
        self._resolver = EnvironmentResolver(
            document.environments,
            unknown_environment=document.unknown_environment,
            production=document.production,
        )
        self._protection = Protection.build(document.protected)
        # The services the deny and ask rules name: an effect on an ARN of one of them reached
        # through another API (Cloud Control's AWS::IAM::Role) is judged as that service too.
        services = {
            p
            for section in document.agents
            for rule in section.rules
            if rule.verdict is not Verdict.ALLOW and rule.services is not None
            for p in rule.services.patterns
        }
        self._held_services = GlobSet(tuple(sorted(services))) if services else None
        # Windows drive paths compare without case: only a policy naming one folds names.
        self._fold_windows = any(map(is_drive_name, document.protected)) or any(
            is_drive_name(p)
            for section in document.agents
            for rule in section.rules
            if rule.resources is not None
            for p in rule.resources.patterns
        )
        self._all_groups = tuple(document.reviewers)
        # What no rule matching gives: (resource unprotected, protected).
        self._defaults = (self._default(protected=False), self._default(protected=True))
        self._agents: dict[str, AgentRules] = {}
        self._shared = SharedParts()
        # Index the rules of every agent the file names now, as part of compiling the policy:
        # otherwise the first effect each agent sends pays for it (hundreds of microseconds
        # with a few hundred rules). Agents reached only through a glob key are indexed on
        # first use.
        for section in document.agents:
            if is_literal(section.key) and len(self._agents) < _AGENT_CACHE_LIMIT:
                self.rules_for(section.key)

    # -- the public surface -------------------------------------------------------------------

    @property
    def source(self) -> str:
        """The file the policy came from (for messages)."""
        return self.document.source

    @property
    def default(self) -> Verdict:
        """The decision for an effect no rule covers."""
        return self.document.default

    @property
    def unknown_environment(self) -> str:
        """The environment assumed when none can be told."""
        return self.document.unknown_environment

    @property
    def production_environments(self) -> frozenset[str]:
        """The environments treated as production (``production``, or the ``production:`` list)."""
        return self.document.production

    @property
    def reviewers(self) -> Mapping[str, tuple[str, ...]]:
        """Reviewer group -> people."""
        return self.document.reviewers

    @property
    def protected(self) -> tuple[str, ...]:
        """The protected resource patterns."""
        return self.document.protected

    @property
    def mcp_mappings(self) -> tuple[McpToolMapping, ...]:
        """The ``mcp:`` section's tool mappings."""
        return self.document.mcp_mappings

    @property
    def settings(self) -> Settings:
        """Request/grant lifetimes and the MCP wait."""
        return self.document.settings

    @property
    def credentials(self) -> Credentials:
        """Brokered credentials per environment."""
        return self.document.credentials

    def rules_for(self, agent: str) -> AgentRules:
        """The indexed rules applying to ``agent`` (cached). Agent names compare as
        :func:`~keyturn.policy.rules.agent_key` does: ``Kiro``, ``kiro `` and ``ｋｉｒｏ`` are
        kiro, as for approvals (the name is often the agent's own claim)."""
        rules = self._agents.get(agent)
        if rules is None:
            key = agent_key(agent)
            rules = self._agents.get(key)
            if len(self._agents) >= _AGENT_CACHE_LIMIT:
                self._agents.clear()
                self._shared = SharedParts()
            if rules is None:
                sections = sections_for(key, self.document.agents)
                rules = AgentRules(sections, self.environment_names, self._shared)
                self._agents[key] = rules
            self._agents[agent] = rules
        return rules

    def environment_of(self, effect: Effect, *, action_target: Target, memo: bool = True) -> str:
        """The environment ``effect`` lands in.

        The effect's own hints count first; those it leaves unset come from the action's target
        (an understanding need not repeat the caller's hints on every effect). But an effect
        with hints of its own and none of AWS was placed by something else -- a kube context,
        a Terraform workspace -- by an understanding that dropped the AWS hints on purpose (a
        kubectl call lands where its context says; terraform's changes are judged also without
        them, the provider may name its own profile): it does not take the action's AWS hints,
        or an ``AWS_PROFILE=dev`` of the shell would make a delete on the production cluster a
        dev one. Failing closed, an effect the AWS hints would put in a production environment
        stays there.
        """
        target = effect.target
        names = effect.resource.names
        # Most effects carry no hints of their own, and one naming its environment outright is
        # decided by that alone: skip building a merged Target for them.
        if target.environment:
            merged = target
        elif target == _NO_HINTS:
            merged = action_target
        elif (
            target.aws_profile
            or target.aws_account
            or target.aws_region
            or not (
                action_target.aws_profile or action_target.aws_account or action_target.aws_region
            )
        ):
            merged = target.merged_over(action_target)
        else:
            return self._environment_without_aws_hints(target, action_target, names, memo=memo)
        return self._resolver.resolve(merged, names, memo=memo)

    def _environment_without_aws_hints(
        self, target: Target, action_target: Target, names: tuple[str, ...], *, memo: bool
    ) -> str:
        """:meth:`environment_of` for an effect whose AWS hints were dropped (the rare case)."""
        bare = Target(
            environment=action_target.environment,
            kube_context=target.kube_context or action_target.kube_context,
            kube_namespace=target.kube_namespace or action_target.kube_namespace,
            terraform_workspace=target.terraform_workspace or action_target.terraform_workspace,
        )
        env = self._resolver.resolve(bare, names, memo=memo)
        production = self.production_environments
        if env in production:
            return env
        hinted = self._resolver.resolve(target.merged_over(action_target), names, memo=memo)
        return hinted if hinted in production else env

    def judge(self, action: Action, *, actor: Actor) -> Decision:
        """Judge every effect of ``action`` for ``actor``; the decision is the strictest."""
        agent, kind, target = actor.agent, action.kind, action.target
        if len(action.effects) == 1:
            return self._single(
                action, actor, self._judge_one(action.effects[0], agent, kind, target)
            )
        if len(action.effects) > _BULK_EFFECTS:
            judgements = self._judge_bulk(action.effects, agent=agent, kind=kind, target=target)
        else:
            judgements = tuple(self._judge_one(e, agent, kind, target) for e in action.effects)
        if not judgements:
            return Decision(
                action=action,
                actor=actor,
                decision=Verdict.DENY,
                approvals_required=0,
                reviewers=(),
                judgements=(),
                reasons=(
                    f"nothing to judge: the action has no effects ({builtin.NO_EFFECTS_RULE})",
                ),
                policy_digest=self.digest,
            )
        decision = Verdict.ALLOW
        for j in judgements:
            decision = decision.stricter(j.decision)
        approvals, groups = 0, list[str]()
        if decision is Verdict.ASK:
            for j in judgements:
                if j.decision is Verdict.ASK:
                    approvals = max(approvals, j.approvals)
                    groups.extend(g for g in j.reviewers if g not in groups)
        return Decision(
            action=action,
            actor=actor,
            decision=decision,
            approvals_required=approvals,
            reviewers=tuple(groups),
            judgements=judgements,
            reasons=tuple(_reason_line(j) for j in judgements if j.decision is not Verdict.ALLOW),
            policy_digest=self.digest,
        )

    def _single(self, action: Action, actor: Actor, j: Judgement) -> Decision:
        """The decision on an action of one effect: what :meth:`judge` computes for many,
        without the loops (the common case: one command, one call)."""
        verdict = j.decision
        if verdict is Verdict.ALLOW:
            return Decision(action, actor, verdict, 0, (), (j,), (), self.digest)
        if verdict is Verdict.ASK:
            # An ask outcome's reviewers are already without repeats (ask_outcome).
            return Decision(
                action,
                actor,
                verdict,
                j.approvals,
                j.reviewers,
                (j,),
                (_reason_line(j),),
                self.digest,
            )
        return Decision(action, actor, verdict, 0, (), (j,), (_reason_line(j),), self.digest)

    def _judge_bulk(
        self, effects: Iterable[Effect], *, agent: str, kind: ActionKind, target: Target
    ) -> tuple[Judgement, ...]:
        """Judge the effects of a big action (a plan of thousands of resources).

        They are one per address, never seen again: the environment resolver's memo would only
        hash and store them (and evict entries worth keeping). The cyclic collector is held off
        meanwhile: judgements hold no cycles, and it would walk the whole plan again and again
        (a tenth of the time).
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return tuple(self._judge_one(e, agent, kind, target, memo=False) for e in effects)
        finally:
            if was_enabled:
                gc.enable()

    def judge_effect(
        self,
        effect: Effect,
        *,
        agent: str,
        kind: ActionKind,
        action_target: Target,
        memo: bool = True,
    ) -> Judgement:
        """Judge one effect of an action of ``kind`` for ``agent``.

        ``memo``: let the environment resolver remember what these resource names told (off for
        the one-off resources of a big plan). Judgements themselves are not memoised: agents
        send new objects every time, and a memo's look-ups, stores and resizes cost more than
        judging afresh (they were the slowest judgements).
        """
        return self._judge_one(effect, agent, kind, action_target, memo=memo)

    def _judge_one(
        self, effect: Effect, agent: str, kind: ActionKind, action_target: Target, memo: bool = True
    ) -> Judgement:
        """:meth:`judge_effect` (positional arguments: this runs for every judged effect)."""
        matched = with_folded_names(effect) if self._fold_windows else effect
        given = effect.target.environment
        if given:  # named outright (what environment_of decides first), without the calls
            env = given if given in self._env_set else self.document.unknown_environment
        else:
            env = self.environment_of(effect, action_target=action_target, memo=memo)
        return Judgement(effect, env, *self._decide(matched, agent, kind, env))

    # -- the decision on one effect --------------------------------------------------------------

    def _decide(self, effect: Effect, agent: str, kind: ActionKind, env: str) -> Outcome:
        names = effect.resource.names
        protection = self._protection
        if protection is None:
            protected, shown = False, names
        else:
            # ``shown``: the names as the patterns are matched (file names in lower case).
            protected, shown = protection.reach(effect)
        # The built-in rules can only decide an effect that is flagged catastrophic, a
        # destructive, protection-removing or not understood one on a protected resource (what
        # keyturn cannot read may be a delete: no approval may release it), a destructive one
        # whose protection went earlier, or one naming a file or an environment variable (the
        # catastrophic paths and keyturn's own files and settings have no other names): most
        # effects skip the call.
        if (
            effect.catastrophic
            or (
                (protected or effect.protected_by)
                and (effect.effect in DESTRUCTIVE_EFFECTS or effect.removes_protection)
            )
            or (protected and effect.effect is _UNKNOWN)
            or names[0].startswith(GUARDED_PREFIXES)
            or (len(names) > 1 and any(n.startswith(GUARDED_PREFIXES) for n in names))
            or (
                names[0].startswith("k8s:")
                and effect.effect is not _READ
                and may_reach_cluster_gate(effect)
            )
        ):
            builtin_verdict = self._builtins(effect, protected=protected, names=shown)
            if builtin_verdict is not None:
                return builtin_verdict
        rules = self._agents.get(agent) or self.rules_for(agent)
        per_kind = rules.plans.get(env) or rules.plans[None]
        plan = per_kind[effect.effect]
        outcome = self._by_rules(effect, kind, env, plan, rules, protected=protected)
        held = self._held_services
        if held is not None and outcome.decision is not Verdict.DENY:
            outcome = stricter_through_services(effect, outcome, held, kind, plan, protected)
        return outcome

    def _by_rules(
        self,
        effect: Effect,
        kind: ActionKind,
        env: str,
        plan: SlotPlan,
        rules: AgentRules,
        *,
        protected: bool,
    ) -> Outcome:
        """What the agent's rules (and the default) decide on ``effect``."""
        starts = effect.resource.wide_starts
        best = plan.winning_rank(effect, kind)
        if starts and effect.resource.open_names:
            best = plan.reaching_rank(effect, kind, best)
        ranked = plan.ranked
        if best < plan.deny_end:
            return ranked[best].outcomes[protected]
        if effect.effect is EffectKind.UNKNOWN:
            chosen = ranked[best].rule if best < plan.ask_end else None
            env_key = env if env in self._env_set else None
            return self._unknown(
                effect, kind=kind, env=env, ask=chosen, rules=rules, env_key=env_key
            )
        if best < len(ranked):
            return ranked[best].outcomes[protected]
        return self._defaults[protected]

    def _builtins(
        self, effect: Effect, *, protected: bool, names: tuple[str, ...]
    ) -> Outcome | None:
        """The built-in rules; ``protected``: whether a ``protected`` pattern names it;
        ``names``: the effect's names as the protected patterns are matched against (its
        file names in lower case)."""
        destructive = effect.effect in DESTRUCTIVE_EFFECTS
        # catastrophic_reason looks no further than these two: spare the call otherwise.
        if destructive or effect.catastrophic:
            reason = builtin.catastrophic_reason(effect)
            if reason is not None:
                return Outcome(Verdict.DENY, builtin.CATASTROPHIC_RULE, f"catastrophic: {reason}")
        guard = self._self_protection
        if guard is not None:
            reason = guard.reason(effect)
            if reason is not None:
                return Outcome(Verdict.DENY, SELF_PROTECTION_RULE, reason)
        unknown = effect.effect is _UNKNOWN
        protection = self._protection
        if (
            protected
            and protection is not None
            and (destructive or unknown or effect.removes_protection)
        ):
            found = protection.outcome(names, destructive=destructive, unknown=unknown)
            if found is not None:
                return found
        if destructive and effect.protected_by:
            return Outcome(
                Verdict.DENY,
                builtin.PROTECTION_REMOVED_RULE,
                f"its protection was removed earlier ({effect.protected_by})",
                protected=True,
            )
        return None

    def _unknown(
        self,
        effect: Effect,
        *,
        kind: ActionKind,
        env: str,
        ask: Rule | None,
        rules: AgentRules,
        env_key: str | None,
    ) -> Outcome:
        """``unknown``: at least ask; deny in production unless an ask rule names ``unknown``."""
        named = _largest_ask(
            tuple(
                c
                for c in rules.candidates(Verdict.ASK, effect.effect, env_key)
                if c.rule.names_unknown
            ),
            effect,
            kind,
        )
        explicit = None if named is None else named.rule
        what = effect.detail or "keyturn cannot tell what this does"
        if env in self.production_environments:
            if explicit is None:
                return Outcome(
                    Verdict.DENY,
                    builtin.UNKNOWN_IN_PRODUCTION_RULE,
                    f"not understood, in production: {what}",
                )
            return ask_outcome(
                explicit.rule_id, explicit.reason, explicit.approvals, explicit.reviewers
            )
        chosen = explicit or ask
        if chosen is not None:
            return ask_outcome(chosen.rule_id, chosen.reason, chosen.approvals, chosen.reviewers)
        allow = _first(rules.candidates(Verdict.ALLOW, effect.effect, env_key), effect, kind)
        if self.default is Verdict.DENY and allow is None:
            return Outcome(Verdict.DENY, "default", f"not understood: {what}; default is deny")
        return ask_outcome(
            builtin.UNKNOWN_AT_LEAST_ASK_RULE,
            f"not understood, needs review: {what}",
            1,
            self._all_groups,
        )

    def _default(self, *, protected: bool) -> Outcome:
        default = self.default
        reason = f"no rule matches; the policy's default is {default.value}"
        if default is Verdict.ASK:
            return ask_outcome("default", reason, 1, self._all_groups, protected=protected)
        return Outcome(default, "default", reason, protected=protected)


def _first(
    candidates: tuple[CompiledRule, ...], effect: Effect, kind: ActionKind
) -> CompiledRule | None:
    for c in candidates:
        if c.matches(effect, kind):
            return c
    return None


def _largest_ask(
    candidates: tuple[CompiledRule, ...], effect: Effect, kind: ActionKind
) -> CompiledRule | None:
    """The matching ask rule asking the most approvals (the first on a tie)."""
    best: CompiledRule | None = None
    for c in candidates:
        if (best is None or c.rule.approvals > best.rule.approvals) and c.matches(effect, kind):
            best = c
    return best


_KIND_WORD = {kind: kind.value for kind in EffectKind}  # ``.value`` is a slow descriptor


def _reason_line(j: Judgement) -> str:
    e = j.effect
    return f"{_KIND_WORD[e.effect]} {e.resource.names[0]} in {j.environment}: {j.reason} ({j.rule})"
