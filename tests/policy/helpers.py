"""Building hand-made actions for policy tests."""

from __future__ import annotations

from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Resource, Target


def effect(
    kind: str,
    *names: str,
    env: str | None = None,
    **fields: object,
) -> Effect:
    """An effect of ``kind`` on a resource called ``names`` (in ``env`` when given)."""
    target = fields.pop("target", None) or Target(environment=env)
    return Effect(
        effect=EffectKind(kind),
        resource=Resource(names=names or ("res:x",)),
        target=target,  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def action(
    *effects: Effect, kind: ActionKind = ActionKind.SHELL, target: Target | None = None
) -> Action:
    """An action made of ``effects``."""
    return Action(kind=kind, summary="test action", effects=effects, target=target or Target())


def actor(agent: str = "claude-code") -> Actor:
    return Actor(agent=agent, operator="dev")
