"""Signals to processes: ``kill``, ``pkill``, ``killall``, ``killall5``.

Names: ``process:<pid>`` (a number as the kernel gets it: ``kill 007`` is ``process:7``),
``process:<name or pattern>``, ``process:user/<user>/*`` (``pkill -u bob``), ``process:*``
(every process). A signal is an update whose detail says ``disruptive``.

Signalling every process is catastrophic: it takes the machine, or the session, down at once.
That is ``kill -1``/``kill 1`` however the number is spelled -- bash reads a PID as a decimal
integer with blanks, a sign and leading zeros: ``kill -9 -01``, ``kill -9 " 1"``, ``kill -9 +1``
call ``kill(-1, 9)``, ``kill(1, 9)``, ``kill(1, 9)`` (confirmed under ``strace`` with signal 0)
-- ``killall5``, and a ``pkill``/``killall`` selection that takes in every process: an
inverted match (``pkill --inverse``; procps-ng 4 refuses pkill's short ``-v``, older ones take
it), every process of root (``-u root``, ``-U 0``, ``-G 0``, ``killall -u root``), the
children of init (``-P 1``), or a pattern that matches the empty string or every usual process
(``.``, ``'[a-z]'``, ``'[[:alpha:]]'``: pkill's patterns are extended regular expressions,
searched in the name or, with ``-f``, the whole command line). A PID or a selection decided at
run time may be ``-1`` (``kill $(cat pids)``, ``kill ${P:--1}``, ``pgrep . | xargs kill``), so it
is ``unknown``; so is a pattern that matches many unrelated processes (``pkill -f /``, ``pkill
sh``: sshd and every shell) and one read from a PID file (``pkill -F``). ``pgrep`` only reads
(:mod:`.basic`).
"""

from __future__ import annotations

import re
import warnings

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import local_target
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.wrappers import STDIN_WORD

_E = EffectKind
_EVERY_PROCESS = "signals every process it may (with root, the whole machine)"
_RUN_TIME = "which processes it signals is decided at run time (maybe -1: every process)"


def _effect(
    kind: EffectKind,
    names: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    detail: str = "",
    catastrophic: str | None = None,
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(tuple(dict.fromkeys(names)), type="process"),
        target=local_target(ctx),
        service="process",
        command=cmd.text,
        operation=cmd.name,
        catastrophic=catastrophic,
        detail=detail,
    )


def _signal(
    names: list[str],
    signal: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    catastrophic: str | None = None,
) -> Effect:
    detail = f"disruptive: sends SIG{signal.upper().removeprefix('SIG')}"
    return _effect(_E.UPDATE, names, cmd, ctx, detail=detail, catastrophic=catastrophic)


def _not_known(names: list[str], why: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """An ``unknown`` signal, still named for the processes as written: one whose name holds
    ``keyturn`` stays self-protection's to refuse."""
    return _effect(_E.UNKNOWN, names, cmd, ctx, detail=why)


# --- kill --------------------------------------------------------------------------------------

# How bash's kill (legal_number: strtoimax, base 10) and the kill programs read a PID.
_PID = re.compile(r"\s*([+-]?\d+)\s*")


@command("kill")
def kill(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kill [-SIG] PID...``: ``-l`` lists signals and ``-0`` only checks; PID ``-1`` (every
    process) and ``1`` (init), in any spelling, are catastrophic; a PID decided at run time is
    unknown."""
    args = list(enumerate(cmd.args, start=1))  # (index in argv, word)
    words = list(cmd.args)
    if not words or words[0] in ("-l", "-L", "--list", "--table"):
        return [_effect(_E.READ, ["process:*"], cmd, ctx)]
    signal = "TERM"
    if words[0] in ("-s", "-n", "--signal") and len(words) > 1:
        signal, args = words[1], args[2:]
    elif words[0].startswith("-") and words[0] != "--" and len(words) > 1:
        signal, args = words[0][1:], args[1:]  # kill -9 PID, kill -1 PID (SIGHUP), kill -KILL PID
    if args and args[0][1] == "--":
        args = args[1:]
    if not args:
        return None
    return [_kill_one(index, pid, signal, cmd, ctx) for index, pid in args]


def _kill_one(index: int, pid: str, signal: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    if index in cmd.dynamic_words or STDIN_WORD in pid:
        return _not_known([f"process:{pid}"], _RUN_TIME, cmd, ctx)
    number = _PID.fullmatch(pid)
    value = int(number.group(1)) if number else None
    name = f"process:{pid if value is None else value}"
    if signal in ("0", "SIG0"):
        return _effect(_E.READ, [name], cmd, ctx)
    if value in (-1, 1):
        what = _EVERY_PROCESS if value == -1 else "signals init: the machine goes down"
        return _signal(["process:*"], signal, cmd, ctx, catastrophic=what)
    return _signal([name], signal, cmd, ctx)


# --- pkill, killall, killall5 ------------------------------------------------------------------

_PKILL_LONG = (
    "signal:signal euid:u uid:U parent:P terminal:t session:s pgroup:g group:G pidfile:F "
    "queue:q runstates:r older:O inverse:inverse full:f exact:x ignore-case:i newest:n oldest:o "
    "echo:e count:c logpidfile:L ignore-ancestors:A help:h version:V"
)
_PKILL = OptionSpec(
    valued="sgGPtuUFqrO",
    long=dict(pair.split(":") for pair in _PKILL_LONG.split()),
    long_valued=frozenset("sgGPtuUFqrO") | {"signal", "cgroup", "ns", "nslist"},
)
_KILLALL_LONG = (
    "signal:s user:u older-than:o younger-than:y ns:n context:Z regexp:r exact:e ignore-case:I "
    "process-group:g interactive:i list:l quiet:q verbose:v wait:w version:V help:h"
)
_KILLALL = OptionSpec(
    valued="suoynZ",
    long=dict(pair.split(":") for pair in _KILLALL_LONG.split()),
    long_valued=frozenset("suoynZ"),
)
# ``pkill -9``, ``killall -KILL``, ``-SIGUSR1``, ``-RTMIN+3``: a number or a signal's name --
# not ``-U0``, ``-G0``, ``-P1``, which are pkill's own options with their values attached.
_SIGNAL_OPTION = re.compile(r"-(\d+|(?:SIG)?(?:[A-Z]{2,}[0-9]?|RTM(?:IN|AX)(?:[+-]\d+)?))")
_ROOT = frozenset({"root", "0"})  # every process of root is nearly every process
_INIT = frozenset({"0", "1"})  # the parents of every service


@command("pkill", "killall", "killall5")
def pkill(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``pkill PATTERN``/``killall NAME``: a signal to the processes selected; a selection that
    takes in every process is catastrophic, one decided at run time or too wide to tell is
    unknown."""
    if cmd.name == "killall5":
        return [_signal(["process:*"], "TERM", cmd, ctx, catastrophic=_EVERY_PROCESS)]
    args = list(cmd.args)
    named = args[0][1:] if args and _SIGNAL_OPTION.fullmatch(args[0]) else None
    killall = cmd.name == "killall"
    opts = parse_options(args[1:] if named else args, _KILLALL if killall else _PKILL)
    if opts.has("h", "V") or (killall and opts.has("l")):
        return [_effect(_E.READ, ["process:*"], cmd, ctx)]
    signal = named or opts.value("signal") or opts.value("s") or "TERM"
    patterns = list(opts.operands)
    every = _takes_in_everything(opts, patterns, killall=killall)
    if every is not None:
        return [_signal(["process:*"], signal, cmd, ctx, catastrophic=every)]
    run_time = any(i > 0 for i in cmd.dynamic_words) or any(STDIN_WORD in a for a in args)
    if run_time or (not killall and opts.has("F")):
        names = [f"process:{p}" for p in patterns] or ["process:*"]
        return [_not_known(names, _RUN_TIME, cmd, ctx)]
    if not patterns:
        return _selected_without_pattern(opts, signal, cmd, ctx)
    if killall and not opts.has("r"):
        return [_signal([f"process:{p}" for p in patterns], signal, cmd, ctx)]
    return [_by_pattern(patterns, opts, signal, cmd, ctx, killall=killall)]


def _takes_in_everything(opts: Options, patterns: list[str], *, killall: bool) -> str | None:
    """Why the selection signals (nearly) every process, or ``None``."""
    if not killall and opts.has("inverse", "v"):
        return "an inverted match signals every process but those named"
    if patterns:
        return None
    users = {u for key in ("u", "U", "G") for v in opts.values.get(key, ()) for u in v.split(",")}
    if killall:
        users = {u for v in opts.values.get("u", ()) for u in v.split(",")}
    if users & _ROOT:
        return "signals every process of root: nearly every process of the machine"
    parents = {p for v in opts.values.get("P", ()) for p in v.split(",")}
    if not killall and parents & _INIT:
        return "signals every child of init: every service of the machine"
    return None


def _selected_without_pattern(
    opts: Options, signal: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect] | None:
    """``pkill -u bob``, ``killall -u bob``, ``pkill -P 4242``: the processes of a user, a
    parent, a session, a group or a terminal."""
    names = [f"process:user/{u}/*" for key in ("u", "U") for u in opts.values.get(key, ())]
    for key, what in (("P", "parent"), ("s", "session"), ("g", "group"), ("t", "terminal")):
        names += [f"process:{what}/{v}/*" for v in opts.values.get(key, ())]
    return [_signal(names, signal, cmd, ctx)] if names else None


def _by_pattern(
    patterns: list[str],
    opts: Options,
    signal: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    killall: bool,
) -> Effect:
    full = not killall and opts.has("f")
    exact = not killall and opts.has("x")
    ignore_case = opts.has("I" if killall else "i")
    breadth = _breadth(patterns[0], full=full, exact=exact, ignore_case=ignore_case)
    names = [f"process:{p}" for p in patterns]
    if breadth == "all":
        why = f"the pattern {patterns[0]!r} matches every process: {_EVERY_PROCESS}"
        return _signal(["process:*"], signal, cmd, ctx, catastrophic=why)
    if breadth == "many":
        why = f"the pattern {patterns[0]!r} matches many unrelated processes (sshd, shells...)"
        return _not_known(names, why, cmd, ctx)
    if breadth == "unreadable":
        return _not_known(names, f"a pattern keyturn cannot read: {patterns[0]!r}", cmd, ctx)
    return _signal(names, signal, cmd, ctx)


# Processes found on nearly every machine, by name and by command line: a pattern that matches
# all of them matches every process; one that matches several selects unrelated ones.
_NAMES = (
    *("systemd", "init", "kthreadd", "sshd", "bash", "sh", "cron", "dbus-daemon", "python3"),
    *("node", "postgres", "nginx", "containerd", "kworker/0:1", "claude"),
)
_COMMAND_LINES = (
    *("/sbin/init", "/lib/systemd/systemd --system", "/usr/sbin/sshd -D", "sshd: root@pts/0"),
    *("-bash", "/bin/bash", "/usr/sbin/cron -f", "/usr/bin/dbus-daemon --system"),
    *("python3 app.py", "node /usr/local/bin/claude", "postgres: checkpointer", "kthreadd"),
    *("nginx: master process /usr/sbin/nginx", "/usr/bin/containerd"),
)
_MANY = 3
_MAX_PATTERN = 256
# POSIX bracket classes, which Python's re does not know, as the ranges they stand for.
_POSIX_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r"\s",
    "blank": r" \t",
    "punct": r"!-/:-@\[-`{-~",
    "print": " -~",
    "graph": "!-~",
    "cntrl": r"\x00-\x1f\x7f",
    "xdigit": "0-9A-Fa-f",
}
_POSIX_CLASS = re.compile(r"\[:([a-z]+):\]")


def _breadth(pattern: str, *, full: bool, exact: bool, ignore_case: bool) -> str | None:
    """``"all"`` when the extended regular expression ``pattern`` matches every process,
    ``"many"`` when it matches several unrelated ones, ``"unreadable"`` when it cannot be read,
    else ``None``."""
    if len(pattern) > _MAX_PATTERN:
        return "unreadable"
    translated = _POSIX_CLASS.sub(lambda m: _POSIX_CLASSES.get(m.group(1), m.group(0)), pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compiled = re.compile(translated, re.IGNORECASE if ignore_case else 0)
    except re.error:
        return "unreadable"
    if not exact and compiled.search(""):
        return "all"
    matches = compiled.fullmatch if exact else compiled.search
    samples = _COMMAND_LINES if full else _NAMES
    hits = sum(1 for sample in samples if matches(sample))
    if hits == len(samples):
        return "all"
    return "many" if hits >= _MANY else None
