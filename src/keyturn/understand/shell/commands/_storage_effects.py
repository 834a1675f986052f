"""Effects on the storage objects volume managers name (``lvm:vg0/data``, ``zfs:tank/data``),
shared by :mod:`.volumes` and :mod:`._host_zfs`: the name's prefix is the resource's type and
service, so one ``protected`` pattern per manager holds.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import local_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

__all__ = ["storage_effect"]


def storage_effect(
    kind: EffectKind,
    names: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    catastrophic: str | None = None,
    detail: str = "",
) -> Effect:
    """An effect on LVM or ZFS objects (``lvm:vg0/data``, ``zfs:tank/data``)."""
    return Effect(
        effect=kind,
        resource=Resource(tuple(dict.fromkeys(names)), type=names[0].split(":", 1)[0]),
        target=local_target(ctx),
        service=names[0].split(":", 1)[0],
        command=cmd.text,
        operation=" ".join(cmd.argv[:2]),
        catastrophic=catastrophic,
        detail=detail or (catastrophic or ""),
    )
