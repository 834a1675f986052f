"""Frozen value types shared by every layer: the action, its effects, and the decision on it.

An agent's intended action (a shell command, an AWS call, a Terraform plan, ...) is turned by
``keyturn.understand`` into an :class:`Action`: a list of :class:`Effect` values, each one effect
kind on one :class:`Resource` (which may carry several names) in a :class:`Target` (the hints
from which the policy tells the environment). ``keyturn.policy`` judges an Action into a
:class:`Decision`.

The canonical encoding (:meth:`Action.canonical_bytes`) is what approvals bind to: its SHA-256
is the action digest. It is stable across key order and whitespace of the input and across
equivalent spellings (understanders normalise before building the Action).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import msgspec

# The name helpers: Resource uses two, and the public ones are re-exported (imported from here).
from keyturn.model_names import brackets_as_one_character as brackets_as_one_character
from keyturn.model_names import name_key as name_key
from keyturn.model_names import names_left_open, wide_starts_of
from keyturn.model_names import path_brackets as path_brackets
from keyturn.model_names import person_key as person_key

ACTION_SCHEMA = "keyturn.action/1"


class EffectKind(StrEnum):
    """What an effect does to its resource."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"
    UNKNOWN = "unknown"


DESTRUCTIVE_EFFECTS = frozenset({EffectKind.DELETE, EffectKind.REPLACE})


class Verdict(StrEnum):
    """A decision. Ordered by strictness: allow < ask < deny."""

    ALLOW = "allow"
    ASK = "ask"
    DENY = "deny"

    @property
    def strictness(self) -> int:
        return _STRICTNESS[self]

    def stricter(self, other: Verdict) -> Verdict:
        """The stricter of two verdicts."""
        return self if self.strictness >= other.strictness else other


_STRICTNESS = {Verdict.ALLOW: 0, Verdict.ASK: 1, Verdict.DENY: 2}


class ActionKind(StrEnum):
    """The surfaces keyturn understands (``keyturn check KIND``)."""

    SHELL = "shell"
    AWS = "aws"
    TERRAFORM = "terraform"
    K8S = "k8s"
    CLOUDFORMATION = "cloudformation"
    MCP = "mcp"


def canonical_json(value: Any) -> bytes:
    """The one canonical JSON encoding: sorted keys, no whitespace, UTF-8.

    Text that is not Unicode (a lone UTF-16 surrogate, which JSON's ``\ud800`` escape yields)
    has no UTF-8 form, so no digest: it is bad input, refused as such, not a crash."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        from keyturn.errors import InputError

        bad = text[exc.start : exc.end].encode("unicode_escape").decode("ascii")
        raise InputError(f"the input holds text that is not valid Unicode ({bad})") from None


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    """Leave out unset fields so that adding an optional field keeps old digests."""
    return {k: v for k, v in mapping.items() if v not in (None, "", (), [], {}, False)}


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource, by every name it is known by (BRIEF §4.2). A pattern matching any name matches.

    ``names[0]`` is the primary name shown to people. ``type`` is informative
    (``aws_db_instance``, ``namespace``, ``file``...). ``wide_starts``: the text before the
    first wildcard of each name that has one (a name standing for several resources,
    ``file:/srv/*``), told once here rather than on every judgement of a delete;
    ``open_names``: those of the names that leave open what lies below or inside them (not
    only an ARN's region and account), which deny and ask rules hold by what they may reach.
    """

    names: tuple[str, ...]
    type: str = ""
    wide_starts: tuple[str, ...] = field(init=False, compare=False, repr=False)
    open_names: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.names or not all(isinstance(n, str) and n for n in self.names):
            raise ValueError("a resource needs at least one non-empty name")
        starts = wide_starts_of(self.names)
        object.__setattr__(self, "wide_starts", starts)
        object.__setattr__(self, "open_names", names_left_open(self.names) if starts else ())

    @property
    def name(self) -> str:
        return self.names[0]

    def canonical(self) -> dict[str, Any]:
        return _drop_empty({"names": list(self.names), "type": self.type})


@dataclass(frozen=True, slots=True)
class Target:
    """Where an effect lands, as far as the input tells: the hints the policy's
    ``environments`` section matches on. ``environment`` is set when it is known outright
    (``--env``, or the input names it)."""

    environment: str | None = None
    aws_account: str | None = None
    aws_profile: str | None = None
    aws_region: str | None = None
    kube_context: str | None = None
    kube_namespace: str | None = None
    terraform_workspace: str | None = None

    def canonical(self) -> dict[str, Any]:
        return _drop_empty(
            {
                "environment": self.environment,
                "aws_account": self.aws_account,
                "aws_profile": self.aws_profile,
                "aws_region": self.aws_region,
                "kube_context": self.kube_context,
                "kube_namespace": self.kube_namespace,
                "terraform_workspace": self.terraform_workspace,
            }
        )

    def merged_over(self, base: Target) -> Target:
        """This target's hints, falling back to ``base`` for what this one leaves unset."""
        return Target(
            environment=self.environment or base.environment,
            aws_account=self.aws_account or base.aws_account,
            aws_profile=self.aws_profile or base.aws_profile,
            aws_region=self.aws_region or base.aws_region,
            kube_context=self.kube_context or base.kube_context,
            kube_namespace=self.kube_namespace or base.kube_namespace,
            terraform_workspace=self.terraform_workspace or base.terraform_workspace,
        )


@dataclass(frozen=True, slots=True)
class Effect:
    """One effect of an action on one resource.

    - ``service``: the service a ``service:`` rule matches (``iam``, ``rds``, ``s3``, ``k8s``,
      ``git``, ``file``, ``terraform``...).
    - ``command``: the normalised command text a ``command:`` rule matches (shell only).
    - ``tool``: ``mcp:<server>/<tool>`` for MCP calls (a ``tool:`` rule matches it).
    - ``operation``: what was asked, for people (``rds:DeleteDBInstance``, ``kubectl delete``).
    - ``removes_protection``: the effect switches off the resource's protection (deletion
      protection, termination protection, a lock, ``prevent_destroy``): judged as a delete of a
      protected resource when the resource is protected.
    - ``protected_by``: the understanding itself knows this resource is protected (e.g. its
      protection was removed earlier in the same command line): judged as protected whatever
      the policy's ``protected`` list says.
    - ``catastrophic``: set when the effect is in the built-in catastrophic set (``rm -rf /``,
      ``mkfs``, ``dd`` onto a block device, fork bombs): denied everywhere.
    - ``detail``: one line for people.
    """

    effect: EffectKind
    resource: Resource
    target: Target = field(default_factory=Target)
    service: str | None = None
    command: str | None = None
    tool: str | None = None
    operation: str | None = None
    removes_protection: bool = False
    protected_by: str | None = None
    catastrophic: str | None = None
    detail: str = ""

    def canonical(self) -> dict[str, Any]:
        return _drop_empty(
            {
                "effect": self.effect.value,
                "resource": self.resource.canonical(),
                "target": self.target.canonical(),
                "service": self.service,
                "command": self.command,
                "tool": self.tool,
                "operation": self.operation,
                "removes_protection": self.removes_protection,
                "protected_by": self.protected_by,
                "catastrophic": self.catastrophic,
            }
        )


@dataclass(frozen=True, slots=True)
class Action:
    """An agent's intended action, understood.

    ``subject`` is the kind-specific normalised content the digest binds to besides the effects
    (for a plan: each change's address, actions and values; for shell: the working directory
    and the normalised commands).
    It must be JSON-serialisable and already normalised (equal meaning -> equal subject).
    """

    kind: ActionKind
    summary: str
    effects: tuple[Effect, ...]
    target: Target = field(default_factory=Target)
    subject: Any = None
    # The digest, computed on first use: the gate, the audit record and the answer each ask
    # for it, and each computation is a canonical encoding plus a SHA-256.
    _digest: str | None = field(default=None, init=False, repr=False, compare=False)

    def canonical(self) -> dict[str, Any]:
        return {
            "schema": ACTION_SCHEMA,
            "kind": self.kind.value,
            "target": self.target.canonical(),
            "effects": [e.canonical() for e in self.effects],
            "subject": self.subject,
        }

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.canonical())

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the canonical encoding: what approvals bind to."""
        digest = self._digest
        if digest is None:
            digest = "sha256:" + hashlib.sha256(self.canonical_bytes()).hexdigest()
            object.__setattr__(self, "_digest", digest)
        return digest


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the agent, the human operator it acts for, and the agent's session."""

    agent: str
    operator: str
    session: str | None = None


# The two results of judging are msgspec structs, not frozen dataclasses: one of each is built
# for every judged action, and a struct is built in C (a frozen dataclass's ``__init__`` sets
# each field through ``object.__setattr__``: seven times slower, a fifth of judging an effect).
# ``gc=False``: they never take part in a reference cycle (they point at actions, effects and
# strings only), so the cyclic collector need not track them; judging then triggers fewer
# collections, which is where the slowest judgements came from.
class Judgement(msgspec.Struct, frozen=True, gc=False):
    """The decision on one effect, with the rule that decided and why."""

    effect: Effect
    environment: str
    decision: Verdict
    rule: str
    reason: str
    approvals: int = 0
    reviewers: tuple[str, ...] = ()
    protected: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "effect": self.effect.effect.value,
            "resource": list(self.effect.resource.names),
            "environment": self.environment,
            "decision": self.decision.value,
            "rule": self.rule,
            "reason": self.reason,
            "approvals": self.approvals,
            "reviewers": list(self.reviewers),
            "protected": self.protected,
            "service": self.effect.service,
            "operation": self.effect.operation,
            "command": self.effect.command,
            "tool": self.effect.tool,
            "detail": self.effect.detail,
        }


class Decision(msgspec.Struct, frozen=True, gc=False):
    """The verdict on a whole action: the strictest of its effects, approvals the largest asked,
    reviewer groups the union of those asked."""

    action: Action
    actor: Actor
    decision: Verdict
    approvals_required: int
    reviewers: tuple[str, ...]
    judgements: tuple[Judgement, ...]
    reasons: tuple[str, ...]
    policy_digest: str

    @property
    def digest(self) -> str:
        return self.action.digest

    def describe(self) -> str:
        """A one-line account of the decision for agents and logs."""
        if self.decision is Verdict.ALLOW:
            return f"allowed: {self.action.summary}"
        reasons = "; ".join(self.reasons) or self.action.summary
        if self.decision is Verdict.DENY:
            return f"denied: {reasons}"
        groups = ", ".join(self.reviewers) or "any reviewer"
        return f"needs {self.approvals_required} approval(s) from {groups}: {reasons}"

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "approvals_required": self.approvals_required,
            "reviewers": list(self.reviewers),
            "digest": self.digest,
            "policy_digest": self.policy_digest,
            "kind": self.action.kind.value,
            "summary": self.action.summary,
            "agent": self.actor.agent,
            "operator": self.actor.operator,
            "effects": [j.to_json() for j in self.judgements],
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class McpToolMapping:
    """The policy's mapping of one MCP tool glob on one server to an effect (``mcp:`` section).

    ``resources`` are templates with ``{arg.path}`` placeholders filled from the call's
    arguments (``"file:{path}"``, ``"db:postgres/{database}"``). ``sql_argument`` /
    ``shell_argument`` name an argument whose text is SQL / a shell command, understood as such.
    """

    server: str
    tool: str
    effect: EffectKind
    resources: tuple[str, ...] = ()
    sql_argument: str | None = None
    shell_argument: str | None = None
