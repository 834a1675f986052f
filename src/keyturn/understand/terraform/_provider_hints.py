"""Where a plan's providers act: the constants of ``configuration.provider_config``.

A workspace is only the name of a state; the provider configuration decides where the API calls
go. An AWS provider's ``profile``, the account of the role its ``assume_role`` (or
``assume_role_with_web_identity``) takes, its ``allowed_account_ids`` (it refuses to run in any
other account), its ``region``; a Kubernetes, kubectl or Helm provider's ``config_context``:
each is a hint the policy's ``environments`` match, as ``--profile`` or ``--context`` is on a
command line. Only constants are read: an expression known only on apply tells nothing here.

Each change is judged where its own target puts it (the workspace, its object's ARN) *and* again
under each provider configuration that may be the one it uses, that configuration's hints over
the target: the decision, the strictest of the effects, is the strictest of these. Its own
configuration is the one its configuration resource's ``provider_config_key`` names; a change
with none found (a resource removed from the configuration, a key Terraform leaves unresolved
across a module boundary) may use any configuration of its provider, so each counts. The target
is kept beside the copies, never replaced: a configured profile does not prove where the calls
go (credentials in the environment may come first, depending on the provider's version), and a
context is read only from a kubeconfig the provider is given, so a hint adds strictness and
never takes it away.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, Target
from keyturn.understand.terraform._config import Configuration, ProviderConfig, modules

__all__ = ["ProviderHints"]

# The provider types read as AWS (their profile, role and accounts) and as Kubernetes clients.
_AWS_TYPES = frozenset({"aws", "awscc"})
_ROLE_BLOCKS = ("assume_role", "assume_role_with_web_identity")
# arn:PARTITION:iam::ACCOUNT:role/NAME
_ROLE_ACCOUNT = re.compile(r"arn:[a-z-]+:iam::([0-9]{12}):")
_ACCOUNT = re.compile(r"[0-9]{12}")
# Candidates of one configuration beyond which the rest are not judged (allowed_account_ids).
_MOST_ACCOUNTS = 16


class ProviderHints:
    """The hint targets of a plan's provider configurations, and the copies of a change's
    effects judged under them."""

    __slots__ = ("_by_key", "_by_provider", "_keys", "_merged")

    def __init__(self, configuration: Configuration, by_key: dict[str, tuple[Target, ...]]):
        self._by_key = by_key
        self._by_provider: dict[str, tuple[Target, ...]] = {}
        for key, config in (configuration.provider_config or {}).items():
            provider = config.full_name or f"name:{config.name}"
            self._by_provider[provider] = (*self._by_provider.get(provider, ()), *by_key[key])
        self._keys = {
            prefix + resource.address: resource.provider_config_key
            for prefix, module in modules(configuration)
            for resource in module.resources or ()
        }
        self._merged: dict[tuple[Target, Target], Target] = {}

    @classmethod
    def of(cls, configuration: Configuration | None) -> ProviderHints | None:
        """The hints of ``configuration``, or None when no provider configuration has any."""
        if configuration is None or not configuration.provider_config:
            return None
        by_key = {key: _candidates(config) for key, config in configuration.provider_config.items()}
        return cls(configuration, by_key) if any(by_key.values()) else None

    def also_judged(self, effects: list[Effect], address: str, provider: str) -> list[Effect]:
        """``effects`` of the change at ``address`` (its configuration address: no instance
        keys) made by ``provider`` (its ``provider_name``), with a copy of each under every
        hint target of the configurations it may use (the hints over the effect's target)."""
        hints = self._hints(address, provider)
        if not hints:
            return effects
        found = dict.fromkeys(effects)
        for hint in hints:
            for effect in effects:
                found.setdefault(replace(effect, target=self._over(hint, effect.target)))
        return list(found)

    def _hints(self, address: str, provider: str) -> tuple[Target, ...]:
        key = self._keys.get(address)
        if key is not None and key in self._by_key:
            return self._by_key[key]
        short = provider.rsplit("/", 1)[-1]
        return (*self._by_provider.get(provider, ()), *self._by_provider.get(f"name:{short}", ()))

    def _over(self, hint: Target, target: Target) -> Target:
        # A plan's effects share a few targets: one merged target each, not one per effect.
        merged = self._merged.get((hint, target))
        if merged is None:
            if len(self._merged) >= 1024:
                self._merged.clear()
            merged = self._merged[(hint, target)] = hint.merged_over(target)
        return merged


def _candidates(config: ProviderConfig) -> tuple[Target, ...]:
    """The hint targets one provider configuration's constants give (none: ``()``)."""
    expressions = config.expressions or {}
    kind = (config.full_name or config.name).rsplit("/", 1)[-1]
    context = _text(expressions.get("config_context"))
    for block in _blocks(expressions.get("kubernetes")):  # the Helm provider's block
        context = context or _text(block.get("config_context"))
    if kind not in _AWS_TYPES:
        return (Target(kube_context=context),) if context else ()
    profile, region = _text(expressions.get("profile")), _text(expressions.get("region"))
    accounts = _accounts(expressions)
    if not (profile or context or accounts):
        return ()  # a region alone tells no environment
    hint = Target(aws_profile=profile, aws_region=region, kube_context=context)
    return tuple(replace(hint, aws_account=a) for a in accounts) or (hint,)


def _accounts(expressions: dict[str, Any]) -> tuple[str, ...]:
    """The accounts the roles taken and the allowed account IDs name, in order, once each."""
    found: list[str] = []
    for name in _ROLE_BLOCKS:
        for block in _blocks(expressions.get(name)):
            role = _text(block.get("role_arn"))
            match = _ROLE_ACCOUNT.match(role or "")
            if match:
                found.append(match[1])
    allowed = _constant(expressions.get("allowed_account_ids"))
    if isinstance(allowed, list):
        found += [str(a) for a in allowed if _ACCOUNT.fullmatch(str(a))]
    return tuple(dict.fromkeys(found))[:_MOST_ACCOUNTS]


def _constant(expression: Any) -> Any:
    return expression.get("constant_value") if isinstance(expression, dict) else None


def _text(expression: Any) -> str | None:
    value = _constant(expression)
    return value if isinstance(value, str) and value else None


def _blocks(expression: Any) -> list[dict[str, Any]]:
    """A nested block's expressions: a list of them in a plan, or one object constant (an
    attribute written ``= {...}``) read as the expressions of its constant values."""
    if isinstance(expression, list):
        return [b for b in expression if isinstance(b, dict)]
    value = _constant(expression)
    if isinstance(value, dict):
        return [{k: {"constant_value": v} for k, v in value.items()}]
    if isinstance(value, list):
        return [
            {k: {"constant_value": v} for k, v in b.items()} for b in value if isinstance(b, dict)
        ]
    return []
