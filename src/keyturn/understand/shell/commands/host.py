"""The machine's own management: services, power, cron tables, the firewall and mounts.

Names (decided here):
- ``service:<unit>`` for a systemd unit or SysV service (``nginx.service`` is ``service:nginx``;
  other unit types keep their suffix: ``service:backup.timer``); a unit on another machine
  (``systemctl -H HOST``/``-M NAME``) is ``service:<host>/<unit>``; the environment the service
  manager gives every service (``systemctl set-environment``) is
  ``service:manager-environment``.
- ``host:local`` (or ``host:<host>``) for the machine itself: shutting it down or rebooting it,
  by a power verb or by starting its target (``systemctl start reboot.target``, ``isolate
  rescue.target``).
- ``cron:<user>`` for a user's cron table (the user of ``-u``, else ``$USER``, else ``current``).
- ``firewall:<tool>/<table>`` (``firewall:iptables/filter``, ``firewall:nft/ruleset``,
  ``firewall:ufw``).

Kinds: looking is a read. Starting, stopping, restarting, enabling, disabling, powering off,
changing firewall rules are updates -- the resource is still there after -- and the ones that
interrupt something say ``disruptive`` in their detail, as AWS's ``Stop*`` calls do; a policy
names them with ``command:`` rules (``systemctl stop*``, ``shutdown*``). ``crontab -r`` deletes
the whole table. What installs commands to run later is unknown, the commands not judged here:
``crontab FILE``, ``crontab -e`` with its ``$EDITOR``, ``systemctl enable|link|reenable PATH``
(a unit file from anywhere: its ``ExecStart=`` runs), ``systemctl edit``; and so is a variable
that loads code set in the manager's environment (``systemctl set-environment LD_PRELOAD=…``:
every service started after loads it). ``nft`` joins its words into one line of commands
separated by ``;`` or newlines (``nft list ruleset \\; flush ruleset`` flushes): a read only
when every command lists. ``mount`` reads only when it lists (``mount``, ``mount -l``): any
other form mounts -- ``mount -a`` every fstab entry, ``mount DIR`` DIR's -- and is unknown.
Signals to processes: :mod:`.signals`; the kernel's settings (``sysctl``): :mod:`._host_sysctl`.
Forms not recognised are unknown.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.code_settings import variable_effects
from keyturn.understand.shell.commands import _host_sysctl  # noqa: F401  (registers sysctl)
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.effects import command_effect, local_target, unknown_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

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


# Units whose start takes the machine down or away (``systemctl start reboot.target`` is
# ``systemctl reboot``), and the power verb each stands for.
_POWER_UNIT = re.compile(
    r"(?:systemd-)?(reboot|poweroff|halt|kexec|soft-reboot|rescue|emergency|suspend|hibernate"
    r"|hybrid-sleep|suspend-then-hibernate|sleep|shutdown|ctrl-alt-del|exit)\.(?:target|service)"
)
_POWER_UNITS = {"shutdown": "poweroff", "ctrl-alt-del": "reboot", "exit": "poweroff"}
_STARTS = frozenset(
    {"start", "restart", "try-restart", "reload-or-restart", "try-reload-or-restart", "isolate"}
)
# What makes a unit start at every boot: a power unit there stops every boot.
_AT_BOOT = frozenset({"set-default", "add-wants", "add-requires", "enable", "reenable"})
# Verbs that take a unit file's path and install it (``enable --now /tmp/x.service``).
_INSTALLS_FILES = frozenset({"enable", "reenable", "link"})
_MANAGER_ENVIRONMENT = frozenset({"set-environment", "unset-environment", "import-environment"})


def _unit_name(unit: str, where: str | None) -> str:
    name = unit.removesuffix(".service")
    return f"service:{where}/{name}" if where else f"service:{name}"


@command("systemctl")
def systemctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """systemctl VERB [UNIT...]: reads, power actions on the machine, and unit changes. With
    ``-H HOST`` (over ssh) or ``-M CONTAINER`` it acts on another machine, which the session's
    cloud hints do not place (``_server_target.server_target``)."""
    opts = parse_options(cmd.args, _SYSTEMCTL)
    where = opts.value("H") or opts.value("M")
    effects = _systemctl(opts, cmd, ctx, where)
    if not where or effects is None:
        return effects
    return [evolve(e, target=server_target(ctx)) for e in effects]


def _systemctl(
    opts: Options, cmd: SimpleCommand, ctx: ShellContext, where: str | None
) -> list[Effect] | None:
    verb, units = (opts.operands[0], list(opts.operands[1:])) if opts.operands else ("", [])
    if verb in _SYSTEMCTL_READS or opts.has("version", "h", "help"):
        return [_effect(_E.READ, [_unit_name(u, where) for u in units], cmd, ctx)]
    if verb in _POWER:
        return [_power(_POWER[verb], cmd, ctx, where)]
    if verb in _MANAGER_ENVIRONMENT:
        return _manager_environment(verb, opts, cmd, ctx, where)
    power = _power_unit(verb, units, user=opts.has("user"))
    if power is not None:
        if verb in _STARTS:
            return [_power(_POWER[power], cmd, ctx, where)]
        reason = f"{verb} makes the machine {power} at every boot: {_POWER[power]}"
        return [unknown_effect(cmd, reason, ctx)]
    installed = [u for u in units if "/" in u] if verb in _INSTALLS_FILES else []
    if installed or verb == "edit":
        what = f"installs the unit file {installed[0]}" if installed else "edits a unit's drop-in"
        reason = f"systemctl {verb} {what}: what its Exec lines run is not judged here"
        return [unknown_effect(cmd, reason, ctx)]
    if not units and verb not in ("daemon-reload", "daemon-reexec", "reset-failed"):
        return None
    if verb == "set-property":
        units = units[:1]  # the rest are PROPERTY=VALUE
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


def _power_unit(verb: str, units: list[str], *, user: bool) -> str | None:
    """The power verb a unit of ``units`` stands for when ``verb`` starts it now or at every
    boot (a user's manager has no such units: ``None``)."""
    if user or (verb not in _STARTS and verb not in _AT_BOOT):
        return None
    for unit in units:
        found = _POWER_UNIT.fullmatch(unit)
        if found is not None:
            return _POWER_UNITS.get(found.group(1), found.group(1))
    return None


def _manager_environment(
    verb: str, opts: Options, cmd: SimpleCommand, ctx: ShellContext, where: str | None
) -> list[Effect]:
    """``systemctl set-environment NAME=VALUE…`` (and ``unset-``, ``import-``): the environment
    every service started after gets. A variable that loads code there (``LD_PRELOAD``,
    ``PYTHONPATH``...) is unknown, as on a command line: every service runs what it loads."""
    words = list(opts.operands[1:])
    name = "manager-environment" if not opts.has("user") else "user-manager-environment"
    detail = f"{verb}: every service the manager starts from now on gets it"
    effects = [
        _effect(_E.UPDATE, [_unit_name(name, where)], cmd, ctx, detail=detail, service="service")
    ]
    if verb == "unset-environment":
        return effects
    if verb == "import-environment" and not words:
        reason = "imports the caller's whole environment into every service's: not judged here"
        return [*effects, unknown_effect(cmd, reason, ctx)]
    run_time = {cmd.argv[i] for i in cmd.dynamic_words if 0 < i < len(cmd.argv)}
    assigned: dict[str, str | None] = {}
    for word in words:
        key, equals, value = word.partition("=")
        if verb == "import-environment":
            assigned[word] = None if word in run_time else ctx.env.get(word)
        elif equals:
            assigned[key] = None if word in run_time else value
    return effects + variable_effects(assigned, cmd, ctx)


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


_NFT = OptionSpec(
    valued="fIDd",
    long={"file": "f", "includepath": "I", "define": "D", "debug": "d", "check": "c"},
    long_valued=frozenset("fIDd"),
    stop_at_operand=True,  # "options must be specified before commands"
)
# nft's commands that only show: ``list``, ``describe``, ``monitor``, ``get`` (an element),
# ``export`` (the ruleset, as JSON or XML).
_NFT_READS = frozenset({"list", "describe", "monitor", "get", "export"})
_NFT_WIPES = frozenset({"flush", "delete", "destroy"})
_NFT_COMMANDS = re.compile(r"[;\n]")


@command("nft")
def nft(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """nft: a read when every command lists (or ``--check``); anything else changes rules.

    nft joins its words into one line and reads commands separated by ``;`` or newlines from
    it: ``nft list ruleset \\; flush ruleset`` flushes the ruleset (confirmed with nftables
    1.0.6 in a network namespace of its own), so each command counts."""
    opts = parse_options(cmd.args, _NFT)
    names = ["firewall:nft/ruleset"]
    if opts.has("c", "v", "V", "version", "h", "help"):
        return [_effect(_E.READ, names, cmd, ctx, service="firewall")]
    commands = [c.split() for c in _NFT_COMMANDS.split(" ".join(opts.rest))]
    verbs = [words[0] for words in commands if words]
    if not verbs and not opts.has("f"):
        return None  # the interactive shell: what it is told is not known
    if verbs and all(v in _NFT_READS for v in verbs) and not opts.has("f"):
        return [_effect(_E.READ, names, cmd, ctx, service="firewall")]
    wipes = [" ".join(w[:2]) for w in commands if w and w[0] in _NFT_WIPES]
    detail = f"{_DISRUPTIVE}{'; '.join(wipes)}" if wipes else "changes its rules"
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


# --- mounts ------------------------------------------------------------------------------------

# mount's options that only list what is mounted (or print its version or help).
_MOUNT_LISTS = frozenset({"-l", "--show-labels", "-V", "--version", "-h", "--help"})


@command("mount")
def mount(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mount``/``mount -l`` list; any other form mounts (``mount -a``: every fstab entry;
    ``mount DIR``: DIR's fstab entry, maybe an empty directory over live data): unknown."""
    if all(a in _MOUNT_LISTS for a in cmd.args):
        return [command_effect(_E.READ, cmd, ctx, detail="lists what is mounted")]
    return None
