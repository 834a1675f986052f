"""Properties an ``az … update`` sets through its generic-update options (``--set``, ``--add``,
``--remove``: azure-cli's ``generic_update_command``) that open a store to the world, as the
options of :mod:`._az_public` do: ``az storage account update -n prod --set
publicNetworkAccess=Enabled``, ``--set networkRuleSet.defaultAction=Allow``, ``az resource
update --ids … --set properties.publicNetworkAccess=Enabled``, or a JSON value holding them
(``--set networkRuleSet='{"defaultAction": "Allow"}'``).

A property is matched by its last name in the path, without case or ``_`` (az takes the SDK's
``public_network_access`` as well as the REST ``publicNetworkAccess``). What is set at run time
(``--set "$S"``, ``--set publicNetworkAccess=$X``): :mod:`._az_run_time`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.understand.shell.commands._az_options import given_as

__all__ = ["GENERIC", "RUN_TIME_TEXT", "generic_opening", "opening_property"]

GENERIC = ("--set", "--add", "--remove")
# Text the shell decides only when the line runs: an expansion or a substitution.
RUN_TIME_TEXT = re.compile(r"[$`]|[<>]\(")
_TRUE = frozenset({"true"})
# (the property, lower case without ``_``) -> (the values that open the store, what it opens).
_PROPERTIES: dict[str, tuple[frozenset[str], str]] = {
    "publicnetworkaccess": (frozenset({"enabled", "all"}), "opens it to every network"),
    "allowblobpublicaccess": (_TRUE, "lets the account's containers be public"),
    "defaultaction": (frozenset({"allow"}), "lets every network address in"),
    "anonymouspullenabled": (_TRUE, "lets anyone pull its images"),
    "publicaccess": (frozenset({"blob", "container", "file", "filesystem"}), "makes it public"),
    "networkaccesspolicy": (
        frozenset({"allowall"}),
        "lets it be exported or uploaded from every network",
    ),
    "incomingtrafficpolicy": (frozenset({"allowalltraffic"}), "lets every network in"),
    "firewallstate": (frozenset({"disabled"}), "switches its firewall off: every address in"),
}
# A property and its value: ``a.b.prop=value`` (shorthand) or ``"prop": "value"`` (JSON).
_PROPERTY = re.compile(
    rf"""(?<![a-z0-9])({"|".join(_PROPERTIES)})["']?\s*[=:]\s*["']?([^\s,;"'}}\]]*)"""
)


def generic_opening(args: Sequence[str]) -> str | None:
    """Why the generic-update options of ``args`` open the resource (a property of
    ``_PROPERTIES`` set to a value that opens it), or None."""
    for word in generic_values(args):
        for prop, value in _PROPERTY.findall(_plain(word)):
            values, what = _PROPERTIES[prop]
            if value in values:
                return f"{word}: {what}"
    return None


def opening_property(word: str) -> bool:
    """Whether ``word`` (a value of ``--set``...) sets a property that can open the store."""
    return _PROPERTY.search(_plain(word)) is not None


def generic_values(args: Sequence[str]) -> list[str]:
    """The words given to ``--set``/``--add``/``--remove`` (each takes several)."""
    out: list[str] = []
    for i, arg in enumerate(args):
        named, value = given_as(arg, GENERIC)
        if not named:
            continue
        if value is not None:
            out.append(value)
            continue
        for word in args[i + 1 :]:
            if word.startswith("-"):
                break
            out.append(word)
    return out


def _plain(word: str) -> str:
    return word.lower().replace("_", "")
