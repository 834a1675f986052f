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
  (:func:`azure_opening`);
- a Cloud Control ``UpdateResource`` patch, read by
  :func:`keyturn.understand.cloud_control_exposure.patch_exposure` as the ``aws cloudcontrol
  update-resource`` call is (:mod:`._mcp_cloud_control`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, EffectKind
from keyturn.understand.openings import opening

__all__ = ["azure_opening", "exposing"]

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
    return exposed(group.split(), verb, args)


# -- Cloud Control patches ---------------------------------------------------------------------
