"""One ``az`` call: its groups and verb, options, where it lands (its resource group and
subscription, from the line or az's defaults), and its effects (see :mod:`.cloud_cli` for the
names and the meanings of the verbs).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import takewhile

from keyturn.model import Effect, EffectKind
from keyturn.understand.openings import opening
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._az_defaults import (
    AzDefaults,
    az_defaults,
    az_state_write,
    rewrites_az_state,
)
from keyturn.understand.shell.commands._az_firewall import network_rules
from keyturn.understand.shell.commands._az_gcloud_words import (
    VERB,
    Flags,
    last,
    split_flags,
    verb_effect,
)
from keyturn.understand.shell.commands._az_generic_set import generic_opening
from keyturn.understand.shell.commands._az_names import arm_names, group_ids, rest_effects
from keyturn.understand.shell.commands._az_nested import id_url_names, inner_names
from keyturn.understand.shell.commands._az_protection import (
    data_deletes,
    deny_settings_off,
    switched_off,
    unprotecting,
)
from keyturn.understand.shell.commands._az_public import exposed, reads_only
from keyturn.understand.shell.commands._az_remote import (
    az_local_writes,
    az_names,
    az_remote_effects,
)
from keyturn.understand.shell.commands._az_run_time import (
    az_loose,
    az_opened_at_run_time,
    az_run_time,
)
from keyturn.understand.shell.commands._az_scopes import (
    az_group_deployment,
    az_lock_delete,
    cloud_effect,
)
from keyturn.understand.shell.commands._az_spellings import az_spelling
from keyturn.understand.shell.effects import shell_name
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_AZ_VALUED = frozenset(
    {"name", "resource-group", "subscription", "location", "output", "query", "ids", "mode"}
    | {"template-file", "template-uri", "parameters", "scripts", "command-id", "resource"}
    | {"resource-type", "namespace", "parent", "vault-name", "server", "account-name"}
    | {"lock-name", "image", "size", "sku", "scope", "assignee", "role", "tags", "set"}
    | {"script", "script-uri", "command", "settings", "protected-settings", "vm-name"}
    | {"file", "dest", "destination", "path", "method", "url", "uri", "body", "headers"}
    | {"instance-id", "url-parameters", "uri-parameters"}
)
# Groups whose resource is also named as another spelling names it: the storagesync
# extension's ``storage-sync-service`` is the service ``azure:storagesync/NAME`` (as the Azure
# MCP server's ``storagesync service`` names it).
_ALSO_NAMED = {"storagesync/storage-sync-service": "storagesync"}
_AZ_SHORT = {"n": "name", "g": "resource-group", "l": "location", "o": "output", "y": "yes"}
_AZ_SHORT |= {"f": "file", "d": "destination", "m": "method", "u": "url", "b": "body"}


def az_effects(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``az GROUP... VERB [-n NAME] [-g RG] [--ids ID...]`` (``ctx`` placed as the call
    lands), its options read as az's parser reads them (abbreviations, attached values:
    :mod:`._az_spellings`), each reading of the line judged, and held when which option a word
    is depends on options of the command keyturn does not hold."""
    # az takes no positional names: the words before the first option are the groups and the
    # verb; a word after an option is that option's value (-s NAME), whether known or not.
    words = list(takewhile(lambda arg: not arg.startswith("-"), cmd.args))
    spelt = az_spelling(words, cmd.args)
    out: list[Effect] = []
    for args in spelt.readings:
        reading = replace(cmd, argv=(cmd.argv[0], *args))
        out += [e for e in _az_reading(words, reading, ctx) if e not in out]
    if spelt.doubts:
        reason = (
            f"{', '.join(spelt.doubts)}: az may read this as another option of the command"
            " (an abbreviation keyturn cannot tell without the command's own options)"
        )
        _, flags = split_flags(spelt.readings[0], _AZ_VALUED, _AZ_SHORT)
        given = last(flags, "subscription")
        subscriptions = [given] if given else []
        out.append(_az_unknown(flags, subscriptions, cmd, ctx, reason=reason))
    # A word decided at run time that may stand for options: any option, any resource.
    return with_command(az_loose(out, cmd), cmd)


def _az_reading(words: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The effects of one reading of an az call (its options in full spellings)."""
    _, flags = split_flags(cmd.args, _AZ_VALUED, _AZ_SHORT)
    # What az's files say names the resources too (never az's own settings).
    defaults = AzDefaults() if rewrites_az_state(words) else az_defaults(cmd, ctx)
    # The subscription is named, so that ``*prod*`` tells by it too: the flag's, else the
    # profile's default (by its id and its name).
    given = last(flags, "subscription")
    subscriptions = [given] if given else list(defaults.subscriptions)
    found = _az_call(words, flags, defaults, subscriptions, cmd, ctx)
    if found is None:
        found = [_az_unknown(flags, subscriptions, cmd, ctx)]
    if rewrites_az_state(words):
        # Written first: what follows on the line is not placed by what the disk held.
        return az_state_write(words, cmd, ctx) + found
    return found


def _az_unknown(
    flags: Flags,
    subscriptions: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    reason: str = "this form of 'az' is not understood",
) -> Effect:
    """Not understood: named by the command, its group and subscription (placed by them, never
    by the AWS hints of the shell)."""
    rg = last(flags, "resource-group")
    place = [f"azure:group/{rg}", f"azure:{rg}/*", *group_ids(rg, subscriptions)] if rg else []
    place += [f"azure:subscriptions/{s}/*" for s in subscriptions]
    names = [shell_name(cmd.text), *place]
    return cloud_effect(
        EffectKind.UNKNOWN, names, ctx, service="azure", operation="az", detail=reason
    )


def _az_call(
    words: list[str],
    flags: Flags,
    defaults: AzDefaults,
    subscriptions: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect] | None:
    """The effects of an az call (``words``: its groups and verb)."""
    if words == ["rest"]:
        return rest_effects(flags, subscriptions, ctx)
    if len(words) < 2 or VERB.match(words[-1]) is None:
        return None
    group, verb = words[:-1], words[-1]
    given_rg = last(flags, "resource-group")
    detail = "--yes: no confirmation prompt" if "yes" in flags else ""
    # Where a group stands in place of ``*`` (the lock removed, what Complete mode deletes),
    # only the line's own -g names it: az's default group is only ever a name besides.
    if group[-1:] == ["lock"] and verb == "delete":
        return az_lock_delete(group, flags, given_rg, ctx)
    rg = given_rg or (defaults.group if group != ["group"] else None)
    remote = az_remote_effects(group, verb, flags, rg, subscriptions, cmd, ctx)
    if group[:2] in (["deployment", "group"], ["group", "deployment"]) and verb == "create":
        return az_group_deployment(flags, given_rg, ctx)
    path = "/".join(group)
    kind = verb_effect(verb)
    if verb == "purge":
        detail = "permanent: cannot be recovered"
    names = flags.get("name") or flags.get("lock-name") or []
    if group == ["group"] and not names and rg:
        names, rg = [rg], None
    by_url = id_url_names(group, cmd.args, rg, subscriptions)  # a key vault object's --id
    if not names and not flags.get("ids") and not by_url:
        names = ["*"]
    op = f"az {' '.join(group)} {verb}"
    out = [cloud_effect(kind, by_url, ctx, service=group[0], operation=op)] if by_url else []
    for name in names:
        resource = az_names(path, name, rg, subscriptions)
        resource += inner_names(group, verb, name, cmd.args, rg, subscriptions)
        if path in _ALSO_NAMED:  # the same resource as another az group (or MCP) names it
            resource += az_names(_ALSO_NAMED[path], name, rg, subscriptions)
        out.append(cloud_effect(kind, resource, ctx, service=group[0], operation=op, detail=detail))
    for arm_id in flags.get("ids", []):
        out.append(cloud_effect(kind, arm_names(arm_id), ctx, service=group[0], operation=op))
    # A firewall rule or an address let into a store: named as the store, opening it when wide.
    out = network_rules(group, verb, cmd.args, rg, subscriptions, out)
    why = switched_off(group, verb, cmd.args)  # soft delete, a legal hold... switched off
    out = unprotecting(out, why) if why else out
    # Public blob access, every network let in: by an option, a property ``--set``, or a
    # value of either decided at run time (``--public-network-access "$X"``: it may open it).
    public = exposed(group, verb, cmd.args) or (
        None
        if reads_only(verb)
        else generic_opening(cmd.args)
        or az_opened_at_run_time(group, verb, cmd.args, az_run_time(cmd))
    )
    out = opening(out, public) if public else out
    out += data_deletes(group, verb, cmd.args, rg, subscriptions, ctx)
    out += deny_settings_off(group, verb, cmd.args, rg, subscriptions, ctx)
    return out + remote + az_local_writes(group, verb, flags, cmd, ctx)
