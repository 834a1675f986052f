"""Where the gate places an effect given an environment outright: also where its own hints
put it (:func:`with_hinted_environments`, what :func:`keyturn.gate.judge` judges).

Separate from :mod:`keyturn.gate` because it is pure policy work on an action (no store, no
audit record, no clock): the gate judges and records, this only places.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from keyturn.model import Action, Effect, Target
from keyturn.policy.environments import EnvironmentResolver

if TYPE_CHECKING:
    from keyturn.policy import Policy


def with_hinted_environments(action: Action, *, policy: Policy) -> Action:
    """``action``, each effect placed in an environment outright -- ``--env``, the
    ``environment`` of a decision request, the target of an understood action -- placed again
    where its own hints put it, when they tell another environment the policy defines. The
    copy names that environment, so the decision, the strictest of its effects, is the stricter
    of the two: a given environment is one more hint and never judges a change looser than
    where it lands (``--env dev`` with ``kubectl --context prod-eu delete``).

    An effect's own hints are those its understanding put on it (a ``--context`` or
    ``--profile`` flag, the profile an ``aws`` call runs under, a payload's account, workspace
    or context) and its resource names the policy's ``environments`` match; not the action's
    surroundings it would otherwise inherit (the operator's ``AWS_PROFILE`` does not place a
    local ``touch``, and ``keyturn exec --env`` replaces the credentials the command gets).
    What the hints leave untold (none, or none an environment matches) stays where the caller
    says; a given name the policy does not define is already judged in its
    ``unknown_environment``. Deterministic for one policy, so a retry has the same digest.
    """
    defined = frozenset(policy.environment_names)
    copies: dict[Effect, None] = {}
    present = set(action.effects)
    for effect in action.effects:
        given = effect.target.environment or action.target.environment
        if given not in defined:
            continue
        bare = replace(effect, target=replace(effect.target, environment=None))
        hinted = policy.environment_of(bare, action_target=_NO_HINTS, memo=False)
        if hinted == given or not _told(policy, bare, hinted):
            continue
        copy = replace(effect, target=replace(effect.target, environment=hinted))
        if copy not in present:
            copies[copy] = None
    if not copies:
        return action
    return replace(action, effects=(*action.effects, *copies))


_NO_HINTS = Target()
# The environment a probe resolver names when nothing matches: no environment's name.
_UNTOLD = "\x00untold"


def _told(policy: Policy, effect: Effect, hinted: str) -> bool:
    """Whether ``effect``'s hints tell ``hinted``, rather than leave it to the policy's
    ``unknown_environment`` (which may also be an environment hints can match: production)."""
    if hinted != policy.unknown_environment:
        return True
    specs = policy.document.environments
    if not any(spec.name == hinted for spec in specs):
        return False
    probe = EnvironmentResolver(specs, unknown_environment=_UNTOLD)
    return probe.resolve(effect.target, effect.resource.names, memo=False) != _UNTOLD
