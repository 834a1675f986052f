"""``az`` calls that let a range of addresses through a store's firewall: judged, when the range
is wider than a ``/8``, as opening the store to every network, which removes its protection
(docs/security.md, "Opening a store to the world removes its protection"), as the Azure MCP
server's ``sql server firewall-rule create`` is (:mod:`keyturn.understand._mcp_azure`).

A firewall rule, or an address added to a network rule set, lives in the server, account or
vault it lets addresses into: the call is named as that store too (``azure:sql/server/S``, as
``az sql server`` names it), so that a pattern protecting the store holds the rule that opens
it. The rule keeps ``az``'s own name and is also named under the store
(``azure:sql/server/S/firewall-rule/R``).

How wide: :func:`~keyturn.understand._mcp_exposure.firewall_opening` (a range of more addresses
than a ``/8`` lets in every address; ``0.0.0.0``-``0.0.0.0`` is Azure's "allow Azure services"
rule and lets in no one from outside); an IPv6 range or prefix is wide from a ``/32`` up, as an
``aws:SourceIp`` is (:mod:`keyturn.understand.aws.public_exposure`). A range that is not
readable (given at run time, ``$IP``; a bound missing where the service keeps the rule's old
one) leaves the call ``unknown``, as the MCP server's is.

Options as azure-cli 2.91 gives them (``az … -h``, run without a login; what ``rdbms``'s
``firewall_rule_create_func`` does with a missing bound read in its source):

- ``sql server firewall-rule create|update -s SERVER -n RULE --start-ip-address A
  --end-ip-address B``; ``sql server ipv6-firewall-rule`` (``--start-ipv6-address``...);
  ``mysql|mariadb|postgres server firewall-rule`` (``-s/--server-name``, ``-n`` the rule);
  ``synapse workspace firewall-rule`` (``--workspace-name``, ``-n`` the rule); ``dls account
  firewall`` (``-n/--account``, ``--firewall-rule-name``); ``redis firewall-rules`` (``-n`` the
  cache, ``--rule-name``, ``--start-ip``/``--end-ip``).
- ``postgres flexible-server firewall-rule`` (``-s/--server-name``, ``-n`` the rule) and
  ``mysql flexible-server firewall-rule`` (``-n/--name`` the SERVER, ``-r/--rule-name`` the
  rule): a create given one bound takes it for the other (one address).
- An ``update`` keeps the bound it is not given, and ``--set``/``--add``/``--remove`` may set
  either: the range is not readable then.
- Addresses or CIDR ranges added to a network rule set (each word of a list): ``storage
  account network-rule add -n|--account-name A --ip-address|--ipv6-address``, ``keyvault
  network-rule add -n|--hsm-name V --ip-address``, ``acr network-rule add``,
  ``cognitiveservices account network-rule add``, ``keyvault create --network-acls-ips``,
  ``cosmosdb create|update --ip-range-filter`` (comma-separated; given empty it clears the
  account's IP filter, which lets every address in), ``search service create|update
  --ip-rules`` (``;`` or ``,`` between), ``eventhubs|servicebus namespace network-rule-set
  ip-rule add --ip-rule ip-address=A action=Allow`` and ``network-rule-set create|update
  --ip-rules`` (shorthand or JSON: the ``ip-mask``/``ip-address`` values are read).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from keyturn.model import Effect, EffectKind
from keyturn.understand._mcp_exposure import firewall_opening
from keyturn.understand.openings import opening
from keyturn.understand.shell.commands._az_nested import arm_resource_names
from keyturn.understand.shell.commands._az_options import given_as, last_value, option_values
from keyturn.understand.shell.commands._az_remote import az_names

__all__ = ["cidr_opening", "network_rules"]

_START = ("--start-ip-address",)
_END = ("--end-ip-address",)
# An IPv6 range of more addresses than a /32 lets in every address (AWS's ``aws:SourceIp``).
_WIDEST_V6 = 2**96


@dataclass(frozen=True, slots=True)
class _Rules:
    """An az group whose calls let addresses into the store they live in.

    ``parent``: the store's az path (``sql/server``) and ``named_by`` the options naming it;
    ``rule``: the word naming a rule under it (``firewall-rule``) and ``rule_by`` its options
    (no rule named: the call adds addresses to the store's rule set); ``start``/``end``: the
    bounds of a range, ``lists``: options giving addresses or CIDR ranges instead;
    ``keyed``: the lists' words carry each address by key (``ip-address=A``);
    ``one_bound``: a create given one bound takes it for both (flexible servers)."""

    parent: str
    named_by: tuple[str, ...]
    verbs: frozenset[str]
    rule: str = ""
    rule_by: tuple[str, ...] = ()
    start: tuple[str, ...] = _START
    end: tuple[str, ...] = _END
    lists: tuple[str, ...] = ()
    keyed: bool = False
    one_bound: bool = False


_WRITE = frozenset({"create", "update"})
_ADD = frozenset({"add"})
_SERVER_RULES = _Rules("", ("--server-name", "-s"), _WRITE, "firewall-rule", ("--name", "-n"))
_RULES: dict[tuple[str, ...], _Rules] = {
    ("sql", "server", "firewall-rule"): replace(
        _SERVER_RULES, parent="sql/server", named_by=("--server", "-s")
    ),
    ("sql", "server", "ipv6-firewall-rule"): replace(
        _SERVER_RULES,
        parent="sql/server",
        named_by=("--server", "-s"),
        rule="ipv6-firewall-rule",
        start=("--start-ipv6-address",),
        end=("--end-ipv6-address",),
    ),
    ("postgres", "flexible-server", "firewall-rule"): replace(
        _SERVER_RULES, parent="postgres/flexible-server", one_bound=True
    ),
    ("mysql", "flexible-server", "firewall-rule"): replace(
        _SERVER_RULES,
        parent="mysql/flexible-server",
        named_by=("--name", "-n"),
        rule_by=("--rule-name", "-r"),
        one_bound=True,
    ),
    ("mysql", "server", "firewall-rule"): replace(_SERVER_RULES, parent="mysql/server"),
    ("mariadb", "server", "firewall-rule"): replace(_SERVER_RULES, parent="mariadb/server"),
    ("postgres", "server", "firewall-rule"): replace(_SERVER_RULES, parent="postgres/server"),
    ("synapse", "workspace", "firewall-rule"): replace(
        _SERVER_RULES, parent="synapse/workspace", named_by=("--workspace-name",)
    ),
    ("dls", "account", "firewall"): replace(
        _SERVER_RULES,
        parent="dls/account",
        named_by=("--account", "-n"),
        rule_by=("--firewall-rule-name",),
    ),
    ("redis", "firewall-rules"): _Rules(
        "redis",
        ("--name", "-n"),
        _WRITE,
        "firewall-rule",
        ("--rule-name",),
        start=("--start-ip",),
        end=("--end-ip",),
    ),
    ("storage", "account", "network-rule"): _Rules(
        "storage/account",
        ("--account-name", "-n"),
        _ADD,
        lists=("--ip-address", "--ipv6-address"),
    ),
    ("keyvault", "network-rule"): _Rules(
        "keyvault", ("--name", "-n", "--hsm-name"), _ADD, lists=("--ip-address",)
    ),
    ("acr", "network-rule"): _Rules("acr", ("--name", "-n"), _ADD, lists=("--ip-address",)),
    ("cognitiveservices", "account", "network-rule"): _Rules(
        "cognitiveservices/account", ("--name", "-n"), _ADD, lists=("--ip-address",)
    ),
    **{
        (bus, "namespace", "network-rule-set", "ip-rule"): _Rules(
            f"{bus}/namespace",
            ("--namespace-name", "--name", "-n"),
            _ADD,
            lists=("--ip-rule",),
            keyed=True,
        )
        for bus in ("eventhubs", "servicebus")
    },
    **{
        (bus, "namespace", "network-rule-set"): _Rules(
            f"{bus}/namespace",
            ("--namespace-name", "--name", "-n"),
            _WRITE,
            lists=("--ip-rules",),
            keyed=True,
        )
        for bus in ("eventhubs", "servicebus")
    },
    # The store itself is the call's resource: named already (no ``named_by``).
    ("keyvault",): _Rules("", (), frozenset({"create"}), lists=("--network-acls-ips",)),
    ("cosmosdb",): _Rules("", (), _WRITE | {"restore"}, lists=("--ip-range-filter",)),
    ("search", "service"): _Rules("", (), _WRITE, lists=("--ip-rules",)),
}
# Options that set any property of what an ``update`` reads and writes back (az's generic
# update): the rule's range may be among them.
_GENERIC = ("--set", "--add", "--remove")
# Where a list's words carry their address as ``key=value`` (shorthand) or ``"key": "value"``.
_KEYED = re.compile(r"""(?i)\bip[-_]?(?:mask|address)["']?\s*[=:]\s*["']?([^\s,;"'}\]]*)""")


def network_rules(
    group: Sequence[str],
    verb: str,
    args: Sequence[str],
    rg: str | None,
    subscriptions: Sequence[str],
    effects: list[Effect],
) -> list[Effect]:
    """``effects`` (the call's own) named as the store the call lets addresses into too, and
    opening it when they are every address; ``unknown`` when which addresses is not readable.
    Other calls' effects are returned as they are."""
    rules = _RULES.get(tuple(group))
    if rules is None or verb not in rules.verbs:
        return effects
    why = _range_opening(rules, verb, args) if not rules.lists else _list_opening(rules, args)
    named = _named(effects, group, rules, args, rg, subscriptions) if rules.named_by else effects
    if why == "":
        return named
    if why is None:
        reason = "which addresses the rule lets in is not readable (decided at run time?)"
        return [
            replace(
                e, effect=EffectKind.UNKNOWN, detail="; ".join(d for d in (e.detail, reason) if d)
            )
            if e.effect is not EffectKind.READ
            else e
            for e in named
        ]
    return opening(named, why)


def _named(
    effects: list[Effect],
    group: Sequence[str],
    rules: _Rules,
    args: Sequence[str],
    rg: str | None,
    subscriptions: Sequence[str],
) -> list[Effect]:
    """Each change of ``effects`` also named as the store it lives in (and its rule under it)."""
    extra: list[str] = []
    stores = option_values(args, rules.named_by)
    ids = _ids(args)
    for store in stores[-1:] or ([] if ids else ["*"]):
        extra += az_names(rules.parent, store, rg, list(subscriptions))
        if rules.rule:
            # The rule by its own option (az's ``-n`` names the store in some groups).
            rule = last_value(args, rules.rule_by) or "*"
            extra += az_names("/".join(group), rule, rg, [*subscriptions])
            extra += az_names(f"{rules.parent}/{store}/{rules.rule}", rule, rg, [*subscriptions])
    for arm_id in ids:  # a rule's id: the store's is the id without its last type and name
        store_id = arm_id.strip().rstrip("/")
        store_id = store_id.rsplit("/", 2)[0] if rules.rule else store_id
        extra += [f"azure:{store_id}", *arm_resource_names(store_id)]
    return [
        replace(
            e, resource=replace(e.resource, names=tuple(dict.fromkeys((*e.resource.names, *extra))))
        )
        if e.effect is not EffectKind.READ
        else e
        for e in effects
    ]


def _ids(args: Sequence[str]) -> list[str]:
    """The ARM ids given after ``--ids`` (several words)."""
    out: list[str] = []
    for i, arg in enumerate(args):
        named, value = given_as(arg, ("--ids",))
        if named:
            out += [value] if value is not None else _following(args, i)
    return out


def _following(args: Sequence[str], i: int) -> list[str]:
    """The words after option ``args[i]`` up to the next option (an option taking a list)."""
    out: list[str] = []
    for arg in args[i + 1 :]:
        if arg.startswith("-") and len(arg) > 1:
            break
        out.append(arg)
    return out


def _range_opening(rules: _Rules, verb: str, args: Sequence[str]) -> str | None:
    """Why the rule's range opens the store (``""``: it does not; None: not readable)."""
    start, end = last_value(args, rules.start), last_value(args, rules.end)
    if verb == "update" and any(given_as(a, _GENERIC)[0] for a in args):
        return None
    if rules.one_bound and verb == "create":
        start, end = start or end, end or start
    if start is None or end is None:
        return None  # an update keeps its other bound; a create without one is refused
    return _range(start, end)


def _range(start: str, end: str) -> str | None:
    """Why ``start``-``end`` lets in every address, ``""`` when not, None when not readable."""
    try:
        low, high = ipaddress.ip_address(start.strip()), ipaddress.ip_address(end.strip())
    except ValueError:
        return None
    if low.version == 4 and high.version == 4:
        return firewall_opening(str(low), str(high))
    if low.version == 6 and high.version == 6:
        wide = int(high) - int(low) + 1 > _WIDEST_V6
        return f"firewall rule {low}-{high}: lets in every address" if wide else ""
    return None


def _list_opening(rules: _Rules, args: Sequence[str]) -> str | None:
    """Why the addresses or CIDR ranges of ``rules.lists`` on the line open the store
    (``""``: none does, or none is given; None: one is not readable and none opens it)."""
    found: list[str | None] = []
    for i, arg in enumerate(args):
        for option in rules.lists:
            named, value = given_as(arg, (option,))
            if named:
                words = [value] if value is not None else _following(args, i)
                found.append(_words_opening(option, words, keyed=rules.keyed))
    return next((why for why in found if why), None if None in found else "")


def _words_opening(option: str, words: list[str], *, keyed: bool) -> str | None:
    """Why one option's words open the store (``""`` when not, None when not readable)."""
    if keyed:
        addresses = [a for w in words for a in _KEYED.findall(w)]
        if words and not addresses:
            return None  # a file (``@rules.json``), or a spelling not read here
    else:
        addresses = [a for w in words for a in re.split(r"[,;]", w)]
        if option == "--ip-range-filter" and not any(a.strip() for a in addresses):
            return f"{option} '': clears the IP filter, which lets in every address"
    unreadable = False
    for address in (a.strip() for a in addresses if a.strip()):
        why = _cidr(address)
        if why:
            return f"{option} {address}: {why}"
        unreadable = unreadable or why is None
    return None if unreadable else ""


def cidr_opening(text: str) -> str | None:
    """Why an address or CIDR range (``0.0.0.0/0``) lets in every address (``""``: it does
    not; None: not an address or range). Shared with gcloud's authorized networks."""
    return _cidr(text)


def _cidr(text: str) -> str | None:
    """Why an address or CIDR range (``0.0.0.0/0``) lets in every address."""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return _range(str(network.network_address), str(network.broadcast_address))
