"""``ip`` (iproute2): reading the machine's network, or changing it.

iproute2 takes any prefix of an object or a command for the first one it begins, in its own
fixed order (``matches()`` in its ``lib/utils.c``; the order of ``cmds[]`` in ``ip/ip.c`` and of
the tests in each object's ``do_*`` function): ``ip l s eth0 down`` is ``ip link set eth0
down``, ``ip a f`` ``ip address flush``, ``ip r f all`` ``ip route flush all`` -- confirmed in a
network namespace of its own (``unshare -rn``), where each did what its long spelling does.
Words are resolved here the same way, from iproute2's tables: only a command that resolves to
a listing (``show``, ``list``, ``get``, ``save``...) reads (``shell:ip``); any other changes the
machine's network and is ``unknown``, not judged here. For the objects whose order is not
copied here, a word reads only when it begins a listing command and no changing one (the order
cannot make it a change then). ``ip netns exec``/``ip vrf exec`` run a command and ``ip -batch
FILE`` runs the commands in FILE (:mod:`.._special_wrappers`).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import command_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

# ip's objects in the order it tries them (ip/ip.c); aliases name the object they stand for.
_OBJECTS = (
    *("address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable"),
    *("ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap"),
    *("token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns"),
    *("netconf", "vrf", "sr", "nexthop", "mptcp", "ioam", "help", "stats"),
)
_ALIASES = {
    "neighbour": "neighbor",
    "ntbl": "ntable",
    "tunl": "tunnel",
    "tap": "tuntap",
    "tcpmetrics": "tcp_metrics",
    "mrule": "rule",
}
# Objects that only show: whatever follows, nothing changes.
_ONLY_SHOW = frozenset({"monitor", "mroute", "netconf", "help"})

_READ, _CHANGE, _RUN = "read", "change", "run"
# Each object's commands in the order its do_* function tests them: (name, meaning, whether
# only the whole word matches -- ``chg`` is compared with strcmp).
_COMMANDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "address": (
        *(("add", _CHANGE, False), ("change", _CHANGE, False), ("chg", _CHANGE, True)),
        *(("replace", _CHANGE, False), ("delete", _CHANGE, False), ("list", _READ, False)),
        *(("show", _READ, False), ("lst", _READ, False), ("flush", _CHANGE, False)),
        *(("save", _READ, False), ("showdump", _READ, False), ("restore", _CHANGE, False)),
        ("help", _READ, False),
    ),
    "route": (
        *(("add", _CHANGE, False), ("change", _CHANGE, False), ("chg", _CHANGE, True)),
        *(("replace", _CHANGE, False), ("prepend", _CHANGE, False), ("append", _CHANGE, False)),
        *(("test", _CHANGE, False), ("delete", _CHANGE, False), ("list", _READ, False)),
        *(("show", _READ, False), ("lst", _READ, False), ("get", _READ, False)),
        *(("flush", _CHANGE, False), ("save", _READ, False), ("restore", _CHANGE, False)),
        *(("showdump", _READ, False), ("help", _READ, False)),
    ),
    "rule": (
        *(("list", _READ, False), ("lst", _READ, False), ("show", _READ, False)),
        *(("save", _READ, False), ("restore", _CHANGE, False), ("add", _CHANGE, False)),
        *(("delete", _CHANGE, False), ("flush", _CHANGE, False), ("help", _READ, False)),
    ),
    "neighbor": (
        *(("add", _CHANGE, False), ("change", _CHANGE, False), ("chg", _CHANGE, True)),
        *(("replace", _CHANGE, False), ("delete", _CHANGE, False), ("get", _READ, False)),
        *(("show", _READ, False), ("lst", _READ, False), ("list", _READ, False)),
        *(("flush", _CHANGE, False), ("help", _READ, False)),
    ),
    "link": (
        *(("add", _CHANGE, False), ("set", _CHANGE, False), ("change", _CHANGE, False)),
        *(("replace", _CHANGE, False), ("delete", _CHANGE, False), ("show", _READ, False)),
        *(("lst", _READ, False), ("list", _READ, False), ("xstats", _READ, False)),
        *(("afstats", _READ, False), ("property", _CHANGE, False), ("help", _READ, False)),
    ),
    "netns": (
        *(("list", _READ, False), ("show", _READ, False), ("lst", _READ, False)),
        *(("list-id", _READ, False), ("help", _READ, False), ("add", _CHANGE, False)),
        *(("set", _CHANGE, False), ("delete", _CHANGE, False), ("identify", _READ, False)),
        *(("pids", _READ, False), ("exec", _RUN, False), ("monitor", _READ, False)),
        ("attach", _CHANGE, False),
    ),
    "vrf": (
        *(("identify", _READ, False), ("pids", _READ, False), ("exec", _RUN, False)),
        *(("show", _READ, False), ("lst", _READ, False), ("list", _READ, False)),
        ("help", _READ, False),
    ),
}
# For the other objects: the commands that list, and every command of theirs that changes
# something (or names a sub-object: ``ip xfrm state flush``), whatever their order.
_LISTINGS = ("show", "list", "lst", "get", "help", "monitor")
_CHANGING = (
    *("add", "append", "attach", "change", "chg", "create", "del", "delete", "deleteall"),
    *("flush", "prepend", "replace", "reset", "restore", "set", "test", "update", "allocspi"),
    *("expire", "offload", "prl", "6rd", "setdefault", "property", "exec", "bucket"),
)

# ip's options in the order it tries them (ip/ip.c), those taking a value marked.
_OPTIONS = (
    *("loops=", "family=", "human", "human-readable", "iec", "stats", "statistics", "details"),
    *("resolve", "oneline", "timestamp", "tshort", "Version", "force", "batch=", "brief"),
    *("json", "pretty", "rcvbuf=", "color", "help", "netns=", "Numeric", "all"),
)


def _begins(word: str, name: str) -> bool:
    """iproute2's ``matches()``: ``word`` is a prefix of ``name``. Before iproute2 6.x an empty
    word matched every name (the first one tried wins), so it does here too: the stricter."""
    return name.startswith(word)


@command("ip")
def ip(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``ip [OPTIONS] OBJECT [COMMAND ...]``: a read when the command lists, else unknown."""
    words, stop = _after_options(list(cmd.args))
    if stop == "batch":
        return None  # the commands are in a file (see _special_wrappers)
    if stop == "usage" or not words:
        return [command_effect(EffectKind.READ, cmd, ctx)]  # the version, or the usage
    obj = next((o for o in _OBJECTS if _begins(words[0], o)), None)
    if obj is None:
        return [unknown_effect(cmd, f"ip has no object {words[0]!r}: not understood", ctx)]
    obj = _ALIASES.get(obj, obj)
    if len(words) == 1 or obj in _ONLY_SHOW:
        return [command_effect(EffectKind.READ, cmd, ctx)]
    meaning, resolved = _meaning(obj, words[1])
    if meaning == _READ:
        return [command_effect(EffectKind.READ, cmd, ctx)]
    if meaning == _RUN:
        reason = f"ip {obj} exec runs a command: not judged here"
    else:
        reason = f"ip {obj} {resolved} changes the machine's network: not judged here"
    return [unknown_effect(cmd, reason, ctx)]


def _meaning(obj: str, verb: str) -> tuple[str, str]:
    """What ``verb`` means to ``obj`` (:data:`_READ`, :data:`_CHANGE` or :data:`_RUN`), and the
    command iproute2 takes it for (``verb`` itself when that is not known)."""
    ordered = _COMMANDS.get(obj)
    if ordered is None:
        lists = verb != "" and any(_begins(verb, name) for name in _LISTINGS)
        changes = any(_begins(verb, name) for name in _CHANGING)
        return (_READ if lists and not changes else _CHANGE), verb
    for name, meaning, whole in ordered:
        if verb == name if whole else _begins(verb, name):
            return meaning, name
    return _CHANGE, verb  # ip refuses it; nothing known to read


def _after_options(args: list[str]) -> tuple[list[str], str | None]:
    """``args`` without ip's leading options (a valued one's value too), as ip's ``main()``
    reads them, and why ip stops there: ``"batch"`` (``-batch FILE``), ``"usage"`` (``-help``,
    ``-Version``), else ``None``."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        option = args[i]
        if option == "--":
            return args[i + 1 :], None
        option = option[1:] if option.startswith("--") else option
        if option in ("-4", "-6", "-0", "-I", "-D", "-M", "-B"):
            i += 1
            continue
        given, equals, _ = option[1:].partition("=")  # only -color takes ``=VALUE``
        found = next((o for o in _OPTIONS if given and o.rstrip("=").startswith(given)), None)
        if found == "batch=":
            return [], "batch"
        if found in ("Version", "help"):
            return [], "usage"
        valued = found is not None and found.endswith("=") and not equals
        i += 2 if valued else 1
    return args[i:], None
