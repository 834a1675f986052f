"""Effects marked as opening what they reach to the world.

Opening a store to anyone on the internet removes its protection, as switching its retention
or deletion protection off does (docs/security.md): the effect keeps its kind and gains
``removes_protection`` with the reason after its detail. Reads open nothing and keep as they
are. Shared by the surfaces that find an opening after the call's effects are made (the
``az``, ``gcloud``/``gsutil`` and ``aws`` command lines, MCP tools).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from keyturn.model import Effect, EffectKind


def opening(
    effects: list[Effect], why: str, *, where: Callable[[Effect], bool] | None = None
) -> list[Effect]:
    """``effects``, each change (not a read) ``where`` holds for, as opening its resource:
    protection removed, ``why`` joined to its detail."""
    return [
        replace(e, removes_protection=True, detail="; ".join(d for d in (e.detail, why) if d))
        if e.effect is not EffectKind.READ and (where is None or where(e))
        else e
        for e in effects
    ]
