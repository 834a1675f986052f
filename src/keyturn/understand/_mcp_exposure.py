"""MCP tool calls that open a store to the world, judged as the command lines and API calls
that do the same are: as removing the store's protection (``removes_protection``, the effect's
kind kept), refused on a protected store and judged as the update it is elsewhere
(docs/security.md, "Opening a store to the world removes its protection").

A tool that is an ``aws`` or ``gcloud`` command line (``call_aws``, ``run_gcloud_command``) is
judged by the shell's reading of that line, which applies the same rules already. The tools
mapped on their own read their arguments here, with the rules of the surface they mirror:

- the Azure MCP server's commands take ``az``'s options by name (``allow-blob-public-access``,
  ``public-network-access``, ``default-action``, ``public-access``...): read by
  :func:`~keyturn.understand.shell.commands._az_public.exposed`, as ``az`` is
  (:func:`azure_opening`), and with the values the server's own commands take where they
  differ (npm ``@azure/mcp`` 2.0.5, ``tools/list``; ``microsoft/mcp``'s services):
  ``redis_create``'s ``public-network-access`` is a boolean (``true`` deploys the cache with
  ``publicNetworkAccess: Enabled``), ``compute_disk_update``'s ``network-access-policy
  AllowAll`` lets a disk be exported or uploaded from any network,
  ``storagesync_service_update``'s ``incoming-traffic-policy AllowAllTraffic`` lets every
  network reach the sync service, and a SQL server's firewall rule over a range wider than a
  ``/8`` (``0.0.0.0``-``255.255.255.255``) lets in every address (:func:`firewall_opening`:
  as wide as an ``aws:SourceIp`` condition that no longer holds a statement);
- a Cloud Control ``UpdateResource`` patch, read by
  :func:`keyturn.understand.cloud_control_exposure.patch_exposure` as the ``aws cloudcontrol
  update-resource`` call is (:mod:`._mcp_cloud_control`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, EffectKind
from keyturn.understand.openings import opening

__all__ = ["azure_opening", "exposing", "firewall_opening", "untold_opening"]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def exposing(effects: list[Effect], why: str) -> list[Effect]:
    """``effects`` (but reads and unknowns) as opening their store: protection removed."""
    return opening(effects, why, where=lambda e: e.effect is not EffectKind.UNKNOWN)


# -- Azure -------------------------------------------------------------------------------------


def _option(key: str) -> str:
    """A parameter's name as ``az`` spells the option: ``allowBlobPublicAccess`` and
    ``allow_blob_public_access`` are ``--allow-blob-public-access``."""
    return "--" + _CAMEL.sub("-", key).replace("_", "-").lower()


def _word(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return None


def azure_opening(command: str, params: Mapping[str, Any]) -> str | None:
    """Why an Azure MCP command (``storage_account_create``) with ``params`` opens what it
    names to the world, read as the ``az`` line giving the same options would be; None when
    it does not. Without the shell's ``az`` reader nothing is read: None (the command keeps
    its own judgement)."""
    try:
        from keyturn.understand.shell.commands._az_public import exposed
    except ImportError:  # a build without shell understanding
        return None
    args = [
        f"{_option(str(key))}={word}"
        for key, value in params.items()
        if (word := _word(value)) is not None
    ]
    group, _, verb = command.replace("_", " ").rpartition(" ")
    return exposed(group.split(), verb, args) or _server_opening(params)


# The server's own options and the values (lower case) that open what they name: (option,
# values, what it opens). ``true``: a boolean option (``redis_create``).
_SERVER_OPENING: tuple[tuple[str, frozenset[str], str], ...] = (
    ("--public-network-access", frozenset({"true", "enabled"}), "opens it to every network"),
    (
        "--network-access-policy",
        frozenset({"allowall"}),
        "lets it be exported or uploaded from every network",
    ),
    ("--incoming-traffic-policy", frozenset({"allowalltraffic"}), "lets every network in"),
)


def _server_opening(params: Mapping[str, Any]) -> str | None:
    for key, value in params.items():
        word = _word(value)
        for option, values, what in _SERVER_OPENING:
            if word is not None and _option(str(key)) == option and word.lower() in values:
                return f"{option} {word}: {what}"
    return None


def untold_opening(params: Mapping[str, Any], option: str) -> str | None:
    """Why a create that sends no ``option`` (``public-network-access``) may open what it
    makes, or over what exists puts back, to every network: the service's default decides;
    None when the option is given (read by :func:`azure_opening`)."""
    if any(_option(str(key)) == f"--{option}" for key in params):
        return None
    return f"--{option} not told: the service's default decides, which may let every network in"


# A range holding more addresses than a /8 lets in every address, as a ``/7`` or wider
# ``aws:SourceIp`` no longer holds a statement to known callers (:mod:`..aws.public_exposure`).
_WIDEST = 2**24


def firewall_opening(start: str | None, end: str | None) -> str | None:
    """Why a firewall rule from ``start`` to ``end`` (IPv4 addresses, as Azure SQL's are) opens
    the server to the world, ``""`` when it does not; None when the range is not readable (an
    address missing, or not an IPv4 one: the call is then not understood)."""
    try:
        low = ipaddress.IPv4Address((start or "").strip())
        high = ipaddress.IPv4Address((end or "").strip())
    except ValueError:
        return None
    if int(high) - int(low) + 1 > _WIDEST:
        return f"firewall rule {low}-{high}: lets in every address"
    return ""


# -- Cloud Control patches ---------------------------------------------------------------------
