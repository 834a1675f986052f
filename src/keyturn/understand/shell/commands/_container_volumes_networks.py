"""What creating volumes and networks and connecting containers to networks mean, for
``docker``, ``podman`` and ``nerdctl`` in :mod:`.containers` (which decides the names and holds
the table of verbs; removing and pruning them are in :mod:`._container_lifecycle`).

A volume created with a ``device=`` option is a host path or device bound into it, which is not
understood.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._container_call import ContainerCall, option_spec
from keyturn.understand.shell.flags import parse_options

_E = EffectKind


# -- volumes and networks ------------------------------------------------------------------

_VOLUME_CREATE = option_spec(
    "do", {"driver": "d", "opt": "o"}, *("label", "name", "scope", "sharing", "availability")
)


def volume_create(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``volume create [NAME]`` (unnamed: ``volume/*``); a ``device=`` option binds a host
    path or device into it, which is not understood."""
    opts = parse_options(args, _VOLUME_CREATE)
    names = list(opts.operands) or list(opts.values.get("name", ())) or ["*"]
    out = call.each(_E.CREATE, "volume", names, "creates the volume")
    devices = [o for o in opts.values.get("o", ()) if o.startswith("device=")]
    return out + [call.unknown(f"--opt {d}: the volume is a host path or device") for d in devices]


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
