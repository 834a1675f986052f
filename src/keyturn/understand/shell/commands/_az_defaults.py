"""Where an ``az`` call lands when the line does not say: the default subscription and group.

az keeps its state in ``AZURE_CONFIG_DIR`` (else ``~/.azure``): ``azureProfile.json`` lists the
subscriptions signed in to, the one marked ``isDefault`` being where a call without
``--subscription`` goes (``az account set`` moves the mark); ``config`` (INI) may hold a default
resource group (``[defaults] group = rg-prod``, set by ``az configure --defaults group=…``), which
the variable ``AZURE_DEFAULTS_GROUP`` overrides.

Files are read through ``ctx.files`` only. When the line changed az's directory before the call
(``az account set``, ``az login``, ``az configure``) the disk holds what was there before, not
what the call will use: nothing is read then, and the subscription is not told.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._gcloud_config import changed_on_line, ini_value
from keyturn.understand.shell.effects import file_effect, home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_PROFILE_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class AzDefaults:
    """The default subscription (its id and its name, either may name it) and resource group."""

    subscriptions: tuple[str, ...] = ()
    group: str | None = None


def az_config_dir(cmd: SimpleCommand, ctx: ShellContext) -> str:
    """The directory az keeps its profile and settings in (absolute)."""
    given = setting(cmd, ctx.env, "AZURE_CONFIG_DIR")
    return home_path(given or "~/.azure", ctx).rstrip("/") or "/"


def az_defaults(cmd: SimpleCommand, ctx: ShellContext) -> AzDefaults:
    """The subscription and resource group a call without ``--subscription``/``-g`` uses, as
    far as the files tell; the variable's group even when they do not."""
    variable_group = setting(cmd, ctx.env, "AZURE_DEFAULTS_GROUP") or None
    directory = az_config_dir(cmd, ctx)
    if changed_on_line(directory, ctx):
        return AzDefaults(group=variable_group)
    profile = ctx.files.read_text(f"{directory}/azureProfile.json", limit=_PROFILE_LIMIT)
    config = ctx.files.read_text(f"{directory}/config", limit=_PROFILE_LIMIT)
    return AzDefaults(
        subscriptions=_default_subscription(profile),
        group=variable_group or _default_group(config),
    )


def _default_subscription(text: str | None) -> tuple[str, ...]:
    """The id and name of the subscription ``azureProfile.json`` marks as the default."""
    if not text:
        return ()
    try:
        document = json.loads(text.lstrip("\ufeff"))  # az writes it with a byte-order mark
    except ValueError:
        return ()
    subscriptions = document.get("subscriptions") if isinstance(document, dict) else None
    defaults = [
        s
        for s in (subscriptions if isinstance(subscriptions, list) else ())
        if isinstance(s, dict) and s.get("isDefault") is True
    ]
    if len(defaults) != 1:
        return ()  # none, or several: which one az takes is not told
    found = (defaults[0].get("id"), defaults[0].get("name"))
    return tuple(dict.fromkeys(v for v in found if isinstance(v, str) and v and "/" not in v))


def _default_group(text: str | None) -> str | None:
    """``[defaults] group`` of az's ``config`` file."""
    return ini_value(text, "defaults", "group")


# Commands that rewrite az's profile or settings: sign-ins, the default subscription, the
# defaults and settings themselves (reads among them -- ``az account show|list``, ``az config
# get`` -- change nothing).
_STATE_GROUPS = frozenset({"login", "logout", "configure", "init", "account", "config"})
_STATE_READS = frozenset({"show", "list", "get", "list-locations", "get-access-token"})


def rewrites_az_state(words: list[str]) -> bool:
    """Whether the az call ``words`` (its groups and verb) rewrites az's state files."""
    if not words or words[0] not in _STATE_GROUPS:
        return False
    return words[-1] not in _STATE_READS


def az_state_write(words: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """A write of az's directory: later calls on the line are not placed by what it held."""
    detail = f"az {' '.join(words[:3])}: rewrites az's profile or settings"
    directory = az_config_dir(cmd, ctx)
    return [file_effect(EffectKind.UPDATE, [f"{directory}/*"], cmd, ctx, detail=detail)]
