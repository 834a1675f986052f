"""The compiled policy: judges actions effect by effect (BRIEF §4.1).

Per effect, in order: the built-in catastrophic set (deny), protection (deny), then the agent's
rules: a matching ``deny`` wins, else a matching ``ask`` (the one asking most approvals), else a
matching ``allow``, else ``default``. ``unknown`` effects are at least ``ask`` and ``deny`` in
production unless an ask rule naming ``unknown`` matches. The action's decision is the strictest
of its effects. The decision on one effect is :mod:`.engine_decisions`' (the base class).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Mapping

from keyturn.model import (
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
from keyturn.policy.engine_decisions import EffectDecisions
from keyturn.policy.environments import EnvironmentResolver
from keyturn.policy.matching import GlobSet, is_literal
from keyturn.policy.outcome import Outcome, ask_outcome
from keyturn.policy.protection import Protection
from keyturn.policy.rules import AgentRules, SharedParts, agent_key, sections_for
from keyturn.policy.schema import Credentials, PolicyDocument, Settings
from keyturn.policy.selfprotect import SelfProtection, warn_opt_out
from keyturn.policy.windows_names import is_drive_name, with_folded_names

_NO_HINTS = Target()
_AGENT_CACHE_LIMIT = 1024
_BULK_EFFECTS = 1024


class Policy(EffectDecisions):
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

    def _default(self, *, protected: bool) -> Outcome:
        default = self.default
        reason = f"no rule matches; the policy's default is {default.value}"
        if default is Verdict.ASK:
            return ask_outcome("default", reason, 1, self._all_groups, protected=protected)
        return Outcome(default, "default", reason, protected=protected)


_KIND_WORD = {kind: kind.value for kind in EffectKind}  # ``.value`` is a slow descriptor


def _reason_line(j: Judgement) -> str:
    e = j.effect
    return f"{_KIND_WORD[e.effect]} {e.resource.names[0]} in {j.environment}: {j.reason} ({j.rule})"
