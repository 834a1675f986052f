"""The machine's own management: services, power, processes, cron tables and the firewall.

Names (decided here):
- ``service:<unit>`` for a systemd unit or SysV service (``nginx.service`` is ``service:nginx``;
  other unit types keep their suffix: ``service:backup.timer``); a unit on another machine
  (``systemctl -H HOST``/``-M NAME``) is ``service:<host>/<unit>``.
- ``host:local`` (or ``host:<host>``) for the machine itself: shutting it down or rebooting it.
- ``process:<pid>``, ``process:<name or pattern>``, ``process:*`` (every process).
- ``cron:<user>`` for a user's cron table (the user of ``-u``, else ``$USER``, else ``current``).
- ``firewall:<tool>/<table>`` (``firewall:iptables/filter``, ``firewall:nft/ruleset``,
  ``firewall:ufw``).

Kinds: looking is a read. Starting, stopping, restarting, enabling, disabling, signalling,
powering off, changing firewall rules are updates -- the resource is still there after -- and
the ones that interrupt something say ``disruptive`` in their detail, as AWS's ``Stop*`` calls
do; a policy names them with ``command:`` rules (``systemctl stop*``, ``shutdown*``).
``crontab -r`` deletes the whole table. Signalling every process (``kill -1``, ``kill 1``,
``killall5``, ``pkill .``) is catastrophic: it takes the machine (or the session) down at once.
What installs commands to run later (``crontab FILE``, ``crontab -e`` with its ``$EDITOR``) is
unknown: the commands are not judged here. Forms not recognised are unknown.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import local_target
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_DISRUPTIVE = "disruptive: "


def _effect(
    kind: EffectKind,
    names: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    detail: str = "",
    service: str = "host",
    catastrophic: str | None = None,
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(tuple(dict.fromkeys(names)) or ("host:local",), type=service),
        target=local_target(ctx),
        service=service,
        command=cmd.text,
        operation=" ".join(cmd.argv[:2]) if service != "process" else cmd.name,
        catastrophic=catastrophic,
        detail=detail,
    )


# --- services and power ------------------------------------------------------------------------

_SYSTEMCTL = OptionSpec(
    valued="HMtpPsn",
    long={"host": "H", "machine": "M", "type": "t", "property": "p", "signal": "s", "lines": "n"},
    long_valued=frozenset({"H", "M", "t", "p", "s", "n", "kill-whom", "kill-value", "state"})
    | frozenset({"root", "image", "output", "job-mode", "boot-loader-entry", "message", "what"})
    | frozenset({"preset-mode", "timestamp", "reboot-argument", "when", "drop-in", "legend"}),
)
_SYSTEMCTL_READS = frozenset(
    {"status", "show", "cat", "help", "is-active", "is-enabled", "is-failed", "get-default"}
    | {"is-system-running", "show-environment", "list-jobs", "list-units", "list-unit-files"}
    | {"list-timers", "list-sockets", "list-dependencies", "list-machines", "list-paths"}
    | {"list-automounts", "whoami", ""}
)
_SYSTEMCTL_STOPS = {
    "stop": "stops",
    "kill": "signals the processes of",
    "disable": "disables",
    "mask": "masks (can no longer start)",
    "isolate": "stops every unit not needed by",
    "freeze": "freezes",
    "clean": "removes the state, cache or logs of",
}
_POWER = {
    "poweroff": "powers the machine off",
    "halt": "halts the machine",
    "reboot": "reboots the machine",
    "soft-reboot": "restarts the machine's user space",
    "kexec": "reboots the machine into another kernel",
    "suspend": "suspends the machine",
    "hibernate": "hibernates the machine",
    "hybrid-sleep": "suspends the machine",
    "suspend-then-hibernate": "suspends the machine",
    "sleep": "suspends the machine",
    "rescue": "takes the machine to rescue mode (stops its services)",
    "emergency": "takes the machine to emergency mode (stops its services)",
    "default": "takes the machine to its default target",
}


def _unit_name(unit: str, where: str | None) -> str:
    name = unit.removesuffix(".service")
    return f"service:{where}/{name}" if where else f"service:{name}"


@command("systemctl")
def systemctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """systemctl VERB [UNIT...]: reads, power actions on the machine, and unit changes."""
    opts = parse_options(cmd.args, _SYSTEMCTL)
    verb, units = (opts.operands[0], list(opts.operands[1:])) if opts.operands else ("", [])
    where = opts.value("H") or opts.value("M")
    if verb in _SYSTEMCTL_READS or opts.has("version", "h", "help"):
        return [_effect(_E.READ, [_unit_name(u, where) for u in units], cmd, ctx)]
    if verb in _POWER:
        return [_power(_POWER[verb], cmd, ctx, where)]
    if not units and verb not in ("daemon-reload", "daemon-reexec", "reset-failed"):
        return None
    names = [_unit_name(u, where) for u in units] or [f"host:{where or 'local'}"]
    remote = f" on {where}" if where else ""
    if verb in _SYSTEMCTL_STOPS or (verb == "disable" and opts.has("now")):
        detail = f"{_DISRUPTIVE}{_SYSTEMCTL_STOPS[verb]} {' '.join(units)}{remote}"
        if opts.has("now") and verb in ("disable", "mask"):
            detail += ", and stops it now"
        return [_effect(_E.UPDATE, names, cmd, ctx, detail=detail, service="service")]
    if verb in ("restart", "try-restart", "reload-or-restart", "try-reload-or-restart"):
        detail = f"{_DISRUPTIVE}restarts {' '.join(units)}{remote}"
        return [_effect(_E.UPDATE, names, cmd, ctx, detail=detail, service="service")]
    return [_effect(_E.UPDATE, names, cmd, ctx, detail=f"{verb}{remote}", service="service")]


def _power(what: str, cmd: SimpleCommand, ctx: ShellContext, where: str | None = None) -> Effect:
    names = [f"host:{where or 'local'}"]
    return _effect(_E.UPDATE, names, cmd, ctx, detail=f"{_DISRUPTIVE}{what}")


@command("service")
def sysv_service(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``service NAME ACTION``; ``service --status-all`` reads."""
    words = [a for a in cmd.args if not a.startswith("-")]
    if not words or "--status-all" in cmd.args or (len(words) > 1 and words[1] == "status"):
        return [_effect(_E.READ, [_unit_name(w, None) for w in words[:1]], cmd, ctx)]
    if len(words) < 2:
        return None
    action = words[1]
    detail = f"{_DISRUPTIVE}{action} {words[0]}" if action in ("stop", "restart") else action
    return [_effect(_E.UPDATE, [_unit_name(words[0], None)], cmd, ctx, detail=detail)]


_SHUTDOWN = OptionSpec(long={"halt": "H", "poweroff": "P", "reboot": "r"})


@command("shutdown")
def shutdown(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``shutdown [-r|-h|-P] [TIME]``; ``-k`` only warns, ``-c`` cancels, ``--help`` reads."""
    opts = parse_options(cmd.args, _SHUTDOWN)
    if opts.has("help", "k", "show"):
        return [_effect(_E.READ, ["host:local"], cmd, ctx, detail="changes nothing")]
    if opts.has("c"):
        return [_effect(_E.UPDATE, ["host:local"], cmd, ctx, detail="cancels a shutdown")]
    return [_power("reboots the machine" if opts.has("r") else "shuts the machine down", cmd, ctx)]


@command("reboot", "halt", "poweroff")
def power_command(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``reboot``/``halt``/``poweroff``; ``--help`` and ``-w`` (only writes the log) read."""
    if {"--help", "-w", "--wtmp-only"} & set(cmd.args):
        return [_effect(_E.READ, ["host:local"], cmd, ctx, detail="changes nothing")]
    return [_power(_POWER[cmd.name], cmd, ctx)]


_RUNLEVELS = {"0": "powers the machine off", "6": "reboots the machine"}
_RUNLEVELS |= dict.fromkeys(("1", "s", "S"), "takes the machine to single-user mode")


@command("init", "telinit")
def init(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``init N``/``telinit N``: a change of runlevel; ``q`` re-reads its configuration."""
    words = [a for a in cmd.args if not a.startswith("-")]
    if not words:
        return None
    if words[0] in _RUNLEVELS:
        return [_power(_RUNLEVELS[words[0]], cmd, ctx)]
    return [_effect(_E.UPDATE, ["host:local"], cmd, ctx, detail=f"runlevel {words[0]}")]


# --- processes ---------------------------------------------------------------------------------

_EVERY_PROCESS = "signals every process it may (with root, the whole machine)"


@command("kill")
def kill(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kill [-SIG] PID...``: ``-l`` lists signals and ``-0`` only checks; PID ``-1`` (every
    process) and ``1`` (init) are catastrophic."""
    args = list(cmd.args)
    if not args or args[0] in ("-l", "-L", "--list", "--table"):
        return [_effect(_E.READ, ["process:*"], cmd, ctx, service="process")]
    signal = "TERM"
    if args[0] in ("-s", "-n", "--signal") and len(args) > 1:
        signal, args = args[1], args[2:]
    elif args[0].startswith("-") and args[0] != "--" and len(args) > 1:
        signal, args = args[0][1:], args[1:]  # kill -9 PID, kill -1 PID (SIGHUP), kill -KILL PID
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        return None
    if signal in ("0", "SIG0"):
        return [_effect(_E.READ, [f"process:{p}" for p in args], cmd, ctx, service="process")]
    effects = []
    for pid in args:
        if pid in ("-1", "1"):
            what = _EVERY_PROCESS if pid == "-1" else "signals init: the machine goes down"
            effects.append(_signal(["process:*"], signal, cmd, ctx, catastrophic=what))
        else:
            effects.append(_signal([f"process:{pid}"], signal, cmd, ctx))
    return effects


def _signal(
    names: list[str],
    signal: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    catastrophic: str | None = None,
) -> Effect:
    detail = f"{_DISRUPTIVE}sends SIG{signal.upper().removeprefix('SIG')}"
    return _effect(
        _E.UPDATE, names, cmd, ctx, detail=detail, service="process", catastrophic=catastrophic
    )


_PKILL = OptionSpec(
    valued="sgGPtuUF",
    long={"signal": "signal", "euid": "u", "uid": "U", "parent": "P", "terminal": "t"},
    long_valued=frozenset({"signal", "u", "U", "P", "t", "g", "G", "s", "F", "ns", "nslist"}),
)
_MATCH_ALL = frozenset({"", ".", ".*", "^", "$", "^.*$", ".+"})
_SIGNAL_OPTION = re.compile(r"-(\d+|[A-Z][A-Z0-9+-]*)")  # pkill -9, killall -KILL


@command("pkill", "killall", "killall5")
def pkill(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``pkill PATTERN``/``killall NAME``: a signal to the processes named; a pattern matching
    everything and ``killall5`` are catastrophic (``pgrep`` only reads: :mod:`.basic`)."""
    if cmd.name == "killall5":
        return [_signal(["process:*"], "TERM", cmd, ctx, catastrophic=_EVERY_PROCESS)]
    args = list(cmd.args)
    named = args[0][1:] if args and _SIGNAL_OPTION.fullmatch(args[0]) else None
    opts = parse_options(args[1:] if named else args, _PKILL)
    signal = named or opts.value("signal") or opts.value("s") or "TERM"
    patterns = list(opts.operands)
    if not patterns and opts.has("u", "U"):
        users = opts.value("u") or opts.value("U")
        return [_signal([f"process:user/{users}/*"], signal, cmd, ctx)]
    if not patterns:
        return None
    if _MATCH_ALL & set(patterns):
        return [_signal(["process:*"], signal, cmd, ctx, catastrophic=_EVERY_PROCESS)]
    return [_signal([f"process:{p}" for p in patterns], signal, cmd, ctx)]


# --- cron --------------------------------------------------------------------------------------

_CRONTAB = OptionSpec(valued="u")


@command("crontab")
def crontab(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``crontab -l`` reads, ``crontab -r`` deletes the table; installing one (a file, stdin,
    ``-e``'s editor) is unknown: what it schedules is not judged here."""
    opts = parse_options(cmd.args, _CRONTAB)
    user = opts.value("u") or ctx.env.get("USER") or "current"
    name = [f"cron:{user}"]
    if opts.has("l"):
        return [_effect(_E.READ, name, cmd, ctx, service="cron")]
    if opts.has("r"):
        detail = f"removes every cron job of {user}"
        return [_effect(_E.DELETE, name, cmd, ctx, detail=detail, service="cron")]
    return None


# --- firewall ----------------------------------------------------------------------------------

# iptables' long options, each with its short letter.
_IPTABLES_LONG = (
    "table:t append:A insert:I delete:D replace:R new-chain:N rename-chain:E delete-chain:X "
    "flush:F list:L policy:P zero:Z list-rules:S check:C jump:j protocol:p source:s "
    "destination:d in-interface:i out-interface:o match:m wait:w"
)
_IPTABLES = OptionSpec(
    valued="tAIDRNEPCjpsdiomwW",  # -L, -F, -X, -Z, -S: their chain is optional
    long=dict(pair.split(":") for pair in _IPTABLES_LONG.split()),
    long_valued=frozenset("tAIDRNEPCjpsdiomwW"),
)
_IPTABLES_READS = frozenset("LSC") | {"version", "V", "h", "help"}
_IPTABLES_WIPES = {
    "F": "flushes the rules of",
    "X": "deletes the chains of",
    "P": "sets a policy in",
}


@command("iptables", "ip6tables", "iptables-legacy", "ip6tables-legacy", "iptables-nft")
def iptables(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """iptables: listing and checking read; any rule change is an update of the table."""
    opts = parse_options(cmd.args, _IPTABLES)
    names = [f"firewall:iptables/{opts.value('t') or 'filter'}"]
    if opts.has(*_IPTABLES_READS) and not opts.has(*"AIDRNEXFPZ"):
        return [_effect(_E.READ, names, cmd, ctx, service="firewall")]
    wipes = [what for key, what in _IPTABLES_WIPES.items() if opts.has(key)]
    detail = f"{_DISRUPTIVE}{'; '.join(wipes)} {names[0]}" if wipes else "changes its rules"
    return [_effect(_E.UPDATE, names, cmd, ctx, detail=detail, service="firewall")]


@command("nft")
def nft(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """nft: ``list`` and ``--check`` read; ``flush``/``delete`` and the rest change rules."""
    words = [a for a in cmd.args if not a.startswith("-")]
    names = ["firewall:nft/ruleset"]
    if words[:1] in (["list"], ["describe"]) or {"-c", "--check", "-v", "--version"} & set(
        cmd.args
    ):
        return [_effect(_E.READ, names, cmd, ctx, service="firewall")]
    if not words and not {"-f", "--file"} & set(cmd.args):
        return None  # the interactive shell: what it is told is not known
    wipes = words[:1] in (["flush"], ["delete"], ["destroy"])
    detail = f"{_DISRUPTIVE}{' '.join(words[:2])}" if wipes else "changes its rules"
    return [_effect(_E.UPDATE, names, cmd, ctx, detail=detail, service="firewall")]


@command("ufw")
def ufw(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """ufw: ``status``/``show``/``app list``/``--dry-run`` read; ``disable`` and ``reset``
    switch the firewall off; other commands change its rules."""
    words = [a for a in cmd.args if not a.startswith("-")]
    names = ["firewall:ufw"]
    reads = words[:1] in (["status"], ["show"], ["version"]) or words[:2] in (
        ["app", "list"],
        ["app", "info"],
    )
    if not words or reads or "--dry-run" in cmd.args:
        return [_effect(_E.READ, names, cmd, ctx, service="firewall")]
    if words[0] in ("disable", "reset"):
        detail = f"{_DISRUPTIVE}{words[0]}: the firewall is switched off"
        return [_effect(_E.UPDATE, names, cmd, ctx, detail=detail, service="firewall")]
    return [_effect(_E.UPDATE, names, cmd, ctx, detail=words[0], service="firewall")]
