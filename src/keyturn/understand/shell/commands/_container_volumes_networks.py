"""What creating volumes and networks and connecting containers to networks mean, for
``docker``, ``podman`` and ``nerdctl`` in :mod:`.containers` (which decides the names and holds
the table of verbs; removing and pruning them are in :mod:`._container_lifecycle`).

A volume created with a ``device=`` option is a host path or device bound into it, which is not
understood: the path is named, and later commands on the line using the volume reach it
(:mod:`._container_line`).
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._container_call import ContainerCall, option_spec
from keyturn.understand.shell.commands._container_line import (
    Device,
    device_of,
    note_volume,
    pairs,
)
from keyturn.understand.shell.effects import directory_tree
from keyturn.understand.shell.flags import parse_options

_E = EffectKind


# -- volumes and networks ------------------------------------------------------------------

_VOLUME_CREATE = option_spec(
    "do", {"driver": "d", "opt": "o"}, *("label", "name", "scope", "sharing", "availability")
)


def volume_create(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``volume create [NAME]`` (unnamed: ``volume/*``); a ``device=`` option mounts a host
    path or device into it: not understood, the path named as a bind mount's is, and noted for
    the later commands of the line (:mod:`._container_line`)."""
    opts = parse_options(args, _VOLUME_CREATE)
    names = list(opts.operands) or list(opts.values.get("name", ())) or ["*"]
    out = call.each(_E.CREATE, "volume", names, "creates the volume")
    given = opts.values.get("o", ())
    devices = [o for o in given if o.startswith("device=")]
    device = device_of(pairs(given), f"--opt {devices[-1]}") if devices else None
    if not isinstance(device, Device) or opts.value("d") not in (None, "local"):
        return out + [
            call.unknown(f"--opt {d}: the volume is a host path or device") for d in devices
        ]
    for name in names:
        if name != "*":
            note_volume(call, name, device)
    said = f"{device.how}: the volume is this host's {device.path}"
    return [*out, call.daemon_file(_E.UNKNOWN, directory_tree(device.path), said)]


_NETWORK_CREATE = option_spec(
    "do",
    {"driver": "d", "opt": "o"},
    *("subnet", "gateway", "ip-range", "aux-address", "label", "scope", "ipam-driver"),
    *("ipam-opt", "config-from", "interface-name", "dns", "route"),
)


def network_create(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    names = parse_options(args, _NETWORK_CREATE).operands
    return call.each(_E.CREATE, "network", names, "creates the network") or None


_NETWORK_JOIN = option_spec(
    "", {"force": "f"}, *("alias", "ip", "ip6", "link", "link-local-ip", "driver-opt")
)


def network_join(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``network connect|disconnect NETWORK CONTAINER``: an update of both."""
    operands = parse_options(args, _NETWORK_JOIN).operands
    if len(operands) != 2:
        return None
    network, container = operands
    said = call.operation.rsplit(" ", 1)[-1] + "s"
    return [
        call.effect(_E.UPDATE, f"network/{network}", f"{said} container {container}"),
        call.effect(_E.UPDATE, f"container/{container}", f"{said} network {network}"),
    ]
