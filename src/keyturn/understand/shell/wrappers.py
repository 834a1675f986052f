"""Wrappers: commands that run another command (``sudo``, ``env``, ``timeout``, ``xargs``…).

:func:`unwrap` strips them, with their options, to reach the command that really runs, keeping
what they add: assignments (``env A=1``, ``sudo VAR=x``), the wrapper itself in
``SimpleCommand.wrappers`` (``ssh:db1`` names the remote host; ``systemd-run -H db1`` and ``-M
box``, which run the unit on that machine or container, are noted so too). Wrappers that hand a
*string* to a shell (``ssh host 'cmd'``, ``su -c``, ``watch``, ``flock -c``, ``env -S``) become
``sh -c TEXT`` so that the text is parsed like any nested shell. An unknown wrapper is simply
an unknown program.

Some wrappers also move the command elsewhere: ``env -C DIR``, ``sudo -D DIR`` (or ``sudo -i``, the
target's home), ``systemd-run`` (``/`` unless told otherwise), ``unshare -w``, ``nsenter -w``,
``chroot``, ``pkexec``, ``su -``, ``uv run --directory``: :attr:`Unwrapped.directories` says where,
so that relative paths are judged there. Some give it a new root (``chroot DIR``, ``unshare
--root``, ``nsenter --root``, ``sudo --chroot``, ``systemd-run -p RootDirectory=``): its absolute
paths are DIR's, and its programs too (:mod:`._new_roots`). ``systemd-run -p`` properties that
run programs of their own (``ExecStartPre=``...) or put other files at its paths
(``BindPaths=``...) make it unknown; ``StandardOutput=file:PATH`` is a redirection.

Some write a file of their own: a trace, log or report that would otherwise go to the standard
error (``strace -o FILE``, ``ltrace -o``, ``time -o``, ``valgrind --log-file=``), or the
terminal's output (``script FILE``, ``./typescript`` by default). Such a file is added to the
command's redirections as the stream it diverts (``strace -o F cmd`` is judged as ``cmd 2>F``,
``script -a F -c cmd`` as ``sh -c cmd &>>F``), so that it is named as written, wherever the
command is judged. Some set the command's environment (``strace -E VAR=x``, ``fakeroot -l LIB``
is ``LD_PRELOAD=LIB``): judged like ``env VAR=x``. Some start a shell without a command
(``unshare``, ``nsenter``, ``fakeroot``, ``firejail``): that shell is judged as ``sh``, which
reads its commands from the input.

The state the handlers share is in :mod:`._wrapper_state`; the files, variables and directories
a generic wrapper notes on the command in :mod:`._wrapper_context`; the wrappers with a reading
of their own in :mod:`._special_wrappers` (those running here) and :mod:`._remote_wrappers`
(containers, pods, and ssh's local side effects).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from keyturn.understand.shell._remote_wrappers import ssh_runs_locally
from keyturn.understand.shell._special_wrappers import SPECIAL
from keyturn.understand.shell._wrapper_context import (
    note_directory,
    note_root,
    writes_and_settings,
)
from keyturn.understand.shell._wrapper_state import (
    STDIN_WORD,
    Outcome,
    State,
    Step,
    Unwrapped,
    as_shell,
    take_assignments,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.paths import basename
from keyturn.understand.shell.registry import SimpleCommand

__all__ = ["LOCAL_WRAPPERS", "MAX_WRAPPERS", "STDIN_WORD", "Unwrapped", "unwrap", "wrapper_names"]

MAX_WRAPPERS = 16


@dataclass(frozen=True, slots=True)
class _Wrapper:
    spec: OptionSpec = field(default_factory=lambda: _s())
    positional: int = 0  # operands before the command (timeout's duration, ssh's host)
    assignments: bool = False  # VAR=x words may come before the command
    shell_string: bool = False  # the command words are joined and run by a shell
    bare: str = ""  # without a command: "" = harmless, else the reason it is unknown
    starts_shell: bool = False  # without a command, a shell of its own (reading its input)


def _s(valued: str = "", **long: str) -> OptionSpec:
    return OptionSpec(
        valued=valued,
        long=long,
        long_valued=frozenset(v for v in long.values() if len(v) == 1 and v in valued),
        stop_at_operand=True,
    )


def _with_long(spec: OptionSpec, *names: str) -> OptionSpec:
    """``spec`` plus long-only options that take a value (``--slice NAME``)."""
    return replace(
        spec,
        long={**spec.long, **{n: n for n in names}},
        long_valued=spec.long_valued | frozenset(names),
    )


def _long_valued(*names: str) -> OptionSpec:
    return _with_long(_s(), *names)


_WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _Wrapper(
        _s(
            "ugpCDrtTUhR",
            user="u",
            group="g",
            prompt="p",
            chdir="D",
            role="r",
            type="t",
            chroot="R",
            **{"shell": "s", "login": "i"},
        ),
        assignments=True,
        bare="an interactive root shell (sudo without a command)",
    ),
    "doas": _Wrapper(_s("uC"), bare="an interactive root shell (doas without a command)"),
    "env": _Wrapper(
        _s("uCS", unset="u", chdir="C", **{"split-string": "S", "ignore-environment": "i"}),
        assignments=True,
    ),
    "nohup": _Wrapper(),
    "time": _Wrapper(_s("fo", format="f", output="o", append="a")),
    "command": _Wrapper(_s()),
    "builtin": _Wrapper(_s()),
    "exec": _Wrapper(_s("a")),
    "noglob": _Wrapper(),
    "nocorrect": _Wrapper(),
    "coproc": _Wrapper(),
    "timeout": _Wrapper(_s("sk", signal="s", **{"kill-after": "k"}), positional=1),
    "nice": _Wrapper(_s("n", adjustment="n")),
    "ionice": _Wrapper(_s("cnpPu", **{"class": "c", "classdata": "n", "pid": "p"})),
    "stdbuf": _Wrapper(_s("ioe", input="i", output="o", error="e")),
    "setsid": _Wrapper(_s()),
    "chroot": _Wrapper(
        _long_valued("userspec", "groups"), positional=1, bare="an interactive shell in a chroot"
    ),
    "unshare": _Wrapper(_s("SGRw", setuid="S", setgid="G", root="R", wd="w"), starts_shell=True),
    "nsenter": _Wrapper(_s("tSG", target="t", setuid="S", setgid="G"), starts_shell=True),
    "busybox": _Wrapper(),
    "toybox": _Wrapper(),  # a multi-call binary like busybox: ``toybox rm`` is rm
    "ssh": _Wrapper(
        _s("BbcDEeFIiJLlmOoPpQRSWw"),
        positional=1,
        shell_string=True,
        bare="an interactive ssh session: what it runs is not known",
    ),
    "watch": _Wrapper(_s("nq", interval="n"), shell_string=True),
    # Run a command as another user, in another session or scheduler setting.
    "pkexec": _Wrapper(_s("u", user="u"), bare="an interactive root shell (pkexec alone)"),
    "runcon": _Wrapper(_s("turl", type="t", user="u", role="r", range="l")),
    "setpriv": _Wrapper(
        _long_valued(
            *("reuid", "regid", "ruid", "rgid", "euid", "egid", "groups", "inh-caps"),
            *("ambient-caps", "bounding-set", "securebits", "pdeathsig", "selinux-label"),
            *("apparmor-profile", "landlock-access", "landlock-rule"),
        )
    ),
    "taskset": _Wrapper(_s(), positional=1),  # the mask (``-c``: as a list)
    "chrt": _Wrapper(
        _s("TPD", **{"sched-runtime": "T", "sched-period": "P", "sched-deadline": "D"}),
        positional=1,  # the priority
    ),
    "numactl": _Wrapper(
        _s(
            "NmCpiw",
            cpunodebind="N",
            membind="m",
            physcpubind="C",
            preferred="p",
            interleave="i",
            weighted="w",
        )
    ),
    "prlimit": _Wrapper(_s("p", pid="p")),  # its limits are attached (-n10, --nofile=10)
    "cgexec": _Wrapper(_s("g")),
    "chpst": _Wrapper(_s("uUbe/nlLmdofpcr")),
    "systemd-run": _Wrapper(
        _with_long(
            _s("upEMH", unit="u", property="p", setenv="E", machine="M", host="H"),
            *("description", "slice", "uid", "gid", "nice", "working-directory"),
            *("on-active", "on-boot", "on-startup", "on-unit-active", "on-unit-inactive"),
            *("on-calendar", "on-clock-change", "on-timezone-change", "timer-property"),
            *("path-property", "socket-property", "service-type", "expand-environment"),
        ),
        bare="systemd-run without a command (or with --shell): an interactive shell",
    ),
    "setarch": _Wrapper(_s(), positional=1),  # the architecture
    "linux32": _Wrapper(),
    "linux64": _Wrapper(),
    "dbus-run-session": _Wrapper(
        _with_long(_s(), "config-file", "dbus-daemon"),
        bare="a session bus without a command",
    ),
    "xvfb-run": _Wrapper(
        _s(
            "nsfpew",
            **{"server-num": "n", "server-args": "s", "auth-file": "f", "xauth-protocol": "p"},
            **{"error-file": "e", "wait": "w"},
        )
    ),
    # Tracing, measuring and shimming a command still runs it.
    "strace": _Wrapper(
        _with_long(
            _s(
                "abeEIoOpPsSuUX",
                columns="a",
                env="E",
                interruptible="I",
                output="o",
                attach="p",
                user="u",
                **{"detach-on": "b", "trace-path": "P", "string-limit": "s"},
                **{"summary-sort-by": "S", "summary-columns": "U", "const-print-style": "X"},
                **{"output-append-mode": "A"},
            ),
            *("trace", "signal", "status", "inject", "fault", "read", "write", "abbrev"),
            *("verbose", "raw", "argv0"),
        )
    ),
    "ltrace": _Wrapper(
        _s("aADeFlnopsuwx", align="a", config="F", library="l", indent="n", output="o", where="w")
    ),
    "valgrind": _Wrapper(),  # its options are all --name=value
    "fakeroot": _Wrapper(_with_long(_s("sil", lib="l"), "faked"), starts_shell=True),
    "eatmydata": _Wrapper(),
    "unbuffer": _Wrapper(),
    "firejail": _Wrapper(starts_shell=True),  # its options are all --name=value
    "torsocks": _Wrapper(_s("uapP")),
    "proxychains": _Wrapper(_s("f")),
    "proxychains4": _Wrapper(_s("f")),
    "caffeinate": _Wrapper(_s("tw")),
    "catchsegv": _Wrapper(),
}


# Wrappers that, given these options and no command, start a shell of their own.
_SHELL_OPTIONS = {"sudo": ("s", "i"), "doas": ("s",)}

# Wrappers that, given these options, act on a running process (by pid) instead of a command.
_PID_ONLY = {
    "ionice": ("p", "P", "u"),
    "taskset": ("p", "pid"),
    "chrt": ("p", "pid"),
    "prlimit": ("p",),
}


def unwrap(cmd: SimpleCommand) -> Unwrapped:
    """Strip the wrappers in front of ``cmd`` (argv[0] may still be a path)."""
    raw = list(cmd.raw_argv) if len(cmd.raw_argv) == len(cmd.argv) else list(cmd.argv)
    state = State(
        argv=list(cmd.argv),
        raw=raw,
        dynamic=[i in cmd.dynamic_words for i in range(len(cmd.argv))],
        assignments=dict(cmd.assignments),
        wrappers=list(cmd.wrappers),
        stdin_text=cmd.stdin_text,
    )
    for _ in range(MAX_WRAPPERS):
        if not state.argv or state.dynamic[0]:
            return state.unwrapped(cmd)
        step = _strip_one(state)
        if step is Step.STOP:
            return state.unwrapped(cmd)
        if isinstance(step, Unwrapped):
            return replace(step, emptied=step.emptied or state.emptied)
    return Unwrapped(None, unknown=f"more than {MAX_WRAPPERS} wrappers")


def _strip_one(state: State) -> Outcome:
    """Strip one wrapper, or say there is none, or give the final outcome."""
    name = basename(state.argv[0])
    special = SPECIAL.get(name)
    if special is not None:
        return special(state)
    wrapper = _WRAPPERS.get(name)
    if wrapper is None:
        return Step.STOP
    return _generic(state, name, wrapper)


def _generic(state: State, name: str, wrapper: _Wrapper) -> Outcome:
    opts = parse_options(state.argv[1:], wrapper.spec)
    rest_start = len(state.argv) - len(opts.rest)
    if name == "env" and state.argv[rest_start : rest_start + 1] == ["-"]:
        # A lone ``-`` after env's options is ``-i`` (an empty environment), not the command:
        # ``env - ls`` runs ls.
        rest_start += 1
        state.emptied = True
    if (name == "env" and opts.has("i")) or (name == "exec" and opts.has("c")):
        state.emptied = True
    split_string = opts.value("S") if name == "env" else None
    if split_string is not None:
        # env -S splits its string into words and reads them as its own arguments (options,
        # NAME=VALUE, the command) before the remaining words: judged as that env line.
        following = state.argv[rest_start:]
        text = "env " + split_string + (" " + shlex.join(following) if following else "")
        return as_shell(state, rest_start, "env -S", text=text)
    if name == "command" and opts.has("v", "V"):
        return Unwrapped(None)
    if name in _PID_ONLY and opts.has(*_PID_ONLY[name]):
        return Unwrapped(None)  # changes or shows a running process: runs nothing
    if name == "systemd-run" and opts.has("S", "shell"):
        return Unwrapped(None, unknown=wrapper.bare)
    if name == "ssh":
        local = ssh_runs_locally(opts)
        if local is not None:
            return Unwrapped(None, unknown=local)
    elsewhere = writes_and_settings(state, name, opts, end=rest_start)
    if elsewhere is not None:
        return Unwrapped(None, unknown=elsewhere)
    index = rest_start
    label = name
    for _ in range(wrapper.positional):
        if index < len(state.argv):
            label = f"{name}:{state.argv[index]}"
            index += 1
    # Only some wrappers take VAR=x; for the others such a word would fail to run, but judging
    # what follows it is stricter than calling the line unknown-and-harmless.
    if name == "ssh" and state.stdin_text is not None and not any(state.dynamic[index:]):
        # ssh hands its input to the remote command; with none, the remote shell runs it as
        # commands (``echo 'rm -rf /' | ssh host``, ``… | ssh host bash -s``).
        return as_shell(state, index, label, text=_fed(state.argv[index:], state.stdin_text))
    if wrapper.assignments or not wrapper.shell_string:
        index = take_assignments(state, index)
    if index >= len(state.argv):
        if name == "sudo" and opts.has("l", "v", "k", "K", "V"):
            return Unwrapped(None)  # list, validate or forget credentials: runs nothing
        # ``sudo -s``/``sudo -i``/``doas -s`` alone start the user's shell, which runs what it
        # reads (``echo 'rm -rf /' | sudo -s``), as ``sudo sh`` would.
        starts_shell = wrapper.starts_shell or (
            name in _SHELL_OPTIONS and opts.has(*_SHELL_OPTIONS[name])
        )
        if not (starts_shell or state.writes):
            return Unwrapped(None, unknown=wrapper.bare or None)
        # A shell of its own (judged as ``sh``, which reads its input), or no command but a
        # file written all the same (``strace -p PID -o FILE``: judged as ``:`` with it).
        word = "sh" if starts_shell else ":"
        state.argv.append(word)
        state.raw.append(word)
        state.dynamic.append(False)
    state.wrappers.append(label)
    note_directory(state, name, opts, option_words=state.dynamic[1:rest_start], at=rest_start)
    rooted = note_root(state, name, opts, at=rest_start)
    if rooted is not None:
        return Unwrapped(None, unknown=rooted)
    if wrapper.shell_string and not (name == "watch" and opts.has("x", "exec")):
        return as_shell(state, index, label)
    state.drop(index)
    return Step.GO_ON


def _fed(words: list[str], stdin_text: str) -> str:
    """The command line ``words`` (joined with blanks, as ssh sends them) run with
    ``stdin_text`` on its input; with no words, the text itself (a shell reading it)."""
    if not words:
        return stdin_text
    end = "KEYTURN_INPUT"
    while end in stdin_text:
        end += "_"
    return f"{{ {' '.join(words)}\n}} <<'{end}'\n{stdin_text}\n{end}"


# Wrappers that run the command on this machine: any of them may move it somewhere on it
# (``nohup env -C / …``). Not those running it elsewhere (ssh, containers, pods).
LOCAL_WRAPPERS = (frozenset(_WRAPPERS) | frozenset(SPECIAL)) - {
    *("ssh", "docker", "podman", "nerdctl", "kubectl", "oc"),
}


def wrapper_names() -> Sequence[str]:
    """Every program name treated as a wrapper (for tests and docs)."""
    return sorted(set(_WRAPPERS) | set(SPECIAL))
