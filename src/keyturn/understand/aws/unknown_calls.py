"""The ``unknown`` effect of an AWS call whose outcome is decided elsewhere: a runbook, a
scheduled task, a rule's target or a remote command that keyturn cannot see into. One shape for
all of them, so that the service, the operation and the names read the same in every review."""

from __future__ import annotations

from collections.abc import Iterable

from keyturn.model import Effect, EffectKind, Resource, Target

__all__ = ["unknown_call"]


def unknown_call(qualified: str, target: Target, names: Iterable[str], reason: str) -> Effect:
    """``unknown`` on ``names`` (repeats dropped, order kept) for the call ``qualified``
    (``ssm:SendCommand``), saying ``reason``."""
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=tuple(dict.fromkeys(names))),
        target=target,
        service=qualified.split(":", 1)[0],
        operation=qualified,
        detail=reason,
    )
