"""Telling which environment an effect lands in.

An environment given outright (``--env``, or named by the input) wins when the policy defines
it; a name the policy does not define is treated as the ``unknown_environment`` (fail closed: a
typo in ``--env`` must not escape production's rules). Otherwise the first environment, in file
order, with any criterion matching the target's hints or any of the resource's names -- but a
production environment that matches too wins over a non-production one listed before it;
otherwise ``unknown_environment``.

Why production wins: one action carries several hints at once, and they may disagree. A delete
under the profile ``default`` in the production account matches ``dev`` by its profile and
``production`` by its account; with ``dev`` listed first, file order alone would judge it as a
dev delete. Fail closed: where the evidence points at production, it is production.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from keyturn.model import Target
from keyturn.policy.schema import EnvironmentSpec

_MEMO_LIMIT = 8_192  # like the judgement memo: bounded memory under ever-new names
_NO_HINTS = Target()


class EnvironmentResolver:
    """Resolves (target, resource names) to an environment name, with a bounded memo."""

    __slots__ = ("_by_resource", "_defined", "_memo", "_production", "_specs", "_unknown")

    def __init__(
        self,
        specs: Sequence[EnvironmentSpec],
        *,
        unknown_environment: str,
        production: Collection[str] = (),
    ) -> None:
        self._specs = tuple(specs)
        self._production = frozenset(production)
        self._defined = frozenset(s.name for s in self._specs) | {unknown_environment}
        self._unknown = unknown_environment
        self._memo: dict[tuple[Target, tuple[str, ...]], str] = {}
        self._by_resource = tuple(s for s in self._specs if s.resources is not None)

    def resolve(self, target: Target, names: tuple[str, ...], *, memo: bool = True) -> str:
        """The environment of an effect on a resource called ``names`` under ``target``
        (``memo=False`` for names never seen again, such as a big plan's addresses)."""
        given = target.environment
        if given:  # decided outright: cheaper than hashing the target for the memo
            return given if given in self._defined else self._unknown
        if not memo:
            return self._resolve(target, names)
        key = (target, names)
        env = self._memo.get(key)
        if env is None:
            env = self._resolve(target, names)
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = env
        return env

    def _resolve(self, target: Target, names: tuple[str, ...]) -> str:
        if target.environment:
            return target.environment if target.environment in self._defined else self._unknown
        # Without hints only resource patterns can tell (hint criteria need a hint).
        bare = target == _NO_HINTS
        specs, matches = (self._by_resource, _names_match) if bare else (self._specs, _matches)
        first = None
        for spec in specs:
            production = spec.name in self._production
            if (first is None or production) and matches(spec, target, names):
                if production:
                    return spec.name
                first = spec.name
        return first or self._unknown


def _names_match(spec: EnvironmentSpec, target: Target, names: tuple[str, ...]) -> bool:
    return spec.resources is not None and spec.resources.match_any(names)


def _matches(spec: EnvironmentSpec, target: Target, names: tuple[str, ...]) -> bool:
    if spec.aws_accounts is not None and spec.aws_accounts.match(target.aws_account):
        return True
    if spec.aws_profiles is not None and spec.aws_profiles.match(target.aws_profile):
        return True
    if spec.kube_contexts is not None and spec.kube_contexts.match(target.kube_context):
        return True
    if spec.terraform_workspaces is not None and spec.terraform_workspaces.match(
        target.terraform_workspace
    ):
        return True
    return spec.resources is not None and spec.resources.match_any(names)
