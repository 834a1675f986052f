"""``az`` calls that act on a whole scope: a lock deleted (the protection of what it locks
goes with it), a group deployment (in Complete mode, a delete of everything the template does
not hold). ``rg`` is the group the line itself names (``-g``): without one the scope is ``*``.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._az_nested import lock_scope_names
from keyturn.understand.shell.registry import ShellContext


def cloud_effect(
    kind: EffectKind,
    names: Sequence[str],
    ctx: ShellContext,
    *,
    service: str,
    operation: str,
    detail: str = "",
    removes_protection: bool = False,
) -> Effect:
    """One effect of a gcloud or az call on ``names``, placed by ``ctx``'s target."""
    return Effect(
        effect=kind,
        resource=Resource(names=tuple(dict.fromkeys(names)), type=service),
        target=ctx.target,
        service=service,
        operation=operation,
        detail=detail,
        removes_protection=removes_protection,
    )


def az_lock_delete(
    group: list[str], flags: dict[str, list[str]], rg: str | None, ctx: ShellContext
) -> list[Effect]:
    """Deleting a lock removes the protection of what it locks (the group, or a resource).
    A lock's ``--ids`` holds its scope, named as az names the group or resource there; an id
    that is not read so leaves the scope open (``azure:*``)."""
    resource = (flags.get("resource") or [""])[-1]
    names = []
    for arm in flags.get("ids", []):
        names += [f"azure:{arm}", *(lock_scope_names(arm) or ["azure:*"])]
    if resource:
        names += [f"azure:{rg}/{resource}" if rg else f"azure:*/{resource}"]
    elif rg:
        names += [f"azure:group/{rg}"]
    return [
        cloud_effect(
            EffectKind.UPDATE,
            names or ["azure:*"],
            ctx,
            service="azure",
            operation=f"az {' '.join(group)} delete",
            detail="removes a delete lock",
            removes_protection=True,
        )
    ]


def az_group_deployment(
    flags: dict[str, list[str]], rg: str | None, ctx: ShellContext
) -> list[Effect]:
    """A group deployment updates the group; in Complete mode it deletes what the template
    does not hold."""
    group = f"azure:group/{rg or '*'}"
    op = "az deployment group create"
    out = [cloud_effect(EffectKind.UPDATE, [group], ctx, service="resources", operation=op)]
    if (flags.get("mode") or [""])[-1].lower() == "complete":
        detail = "Complete mode deletes every resource of the group not in the template"
        names = [f"azure:{rg or '*'}/*", group]
        out.append(
            cloud_effect(
                EffectKind.DELETE, names, ctx, service="resources", operation=op, detail=detail
            )
        )
    return out
