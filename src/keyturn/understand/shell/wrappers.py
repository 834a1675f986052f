"""Wrappers: commands that run another command (``sudo``, ``env``, ``timeout``, ``xargs``…).

:func:`unwrap` strips them, with their options, to reach the command that really runs, keeping
what they add: assignments (``env A=1``, ``sudo VAR=x``), the wrapper itself in
``SimpleCommand.wrappers`` (``ssh:db1`` names the remote host). Wrappers that hand a *string* to a
shell (``ssh host 'cmd'``, ``su -c``, ``watch``, ``flock -c``, ``env -S``) become ``sh -c TEXT``
so that the text is parsed like any nested shell. An unknown wrapper is simply an unknown program.

Some wrappers also move the command elsewhere: ``env -C DIR``, ``sudo -D DIR`` (or ``sudo -i``, the
target's home), ``systemd-run`` (``/`` unless told otherwise), ``unshare -w``, ``nsenter -w``,
``chroot``, ``pkexec``, ``su -``, ``uv run --directory``: :attr:`Unwrapped.directories` says where,
so that relative paths are judged there.

Some write a file of their own: a trace, log or report that would otherwise go to the standard
error (``strace -o FILE``, ``ltrace -o``, ``time -o``, ``valgrind --log-file=``), or the
terminal's output (``script FILE``, ``./typescript`` by default). Such a file is added to the
command's redirections as the stream it diverts (``strace -o F cmd`` is judged as ``cmd 2>F``,
``script -a F -c cmd`` as ``sh -c cmd &>>F``), so that it is named as written, wherever the
command is judged. Some set the command's environment (``strace -E VAR=x``, ``fakeroot -l LIB``
is ``LD_PRELOAD=LIB``): judged like ``env VAR=x``. Some start a shell without a command
(``unshare``, ``nsenter``, ``fakeroot``, ``firejail``): that shell is judged as ``sh``, which
reads its commands from the input.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import Redirect, SimpleCommand, evolve
from keyturn.understand.shell.words import basename

MAX_WRAPPERS = 16
STDIN_WORD = "{stdin}"


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
        _s("ugpCDrtTUh", user="u", group="g", prompt="p", chdir="D", role="r", type="t"),
        assignments=True,
        bare="an interactive root shell (sudo without a command)",
    ),
    "doas": _Wrapper(_s("uC"), bare="an interactive root shell (doas without a command)"),
    "env": _Wrapper(_s("uCS", unset="u", chdir="C", **{"split-string": "S"}), assignments=True),
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


# Wrappers that, given these options, act on a running process (by pid) instead of a command.
_PID_ONLY = {
    "ionice": ("p", "P", "u"),
    "taskset": ("p", "pid"),
    "chrt": ("p", "pid"),
    "prlimit": ("p",),
}


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """The command that really runs (``command``), or why it is not known (``unknown``).

    Both ``None``: the wrappers ran nothing judged (``env`` alone prints the environment).
    ``directories``: the working directories the wrappers change to, in order (relative to the
    one before; ``~`` the home directory), ``None`` for one decided at run time."""

    command: SimpleCommand | None
    unknown: str | None = None
    directories: tuple[str | None, ...] = ()


@dataclass(slots=True)
class _State:
    argv: list[str]
    raw: list[str]
    dynamic: list[bool]
    assignments: dict[str, str]
    wrappers: list[str]
    stdin_text: str | None = None  # literal text on stdin (xargs reads its arguments there)
    directories: list[str | None] = field(default_factory=list)  # see Unwrapped.directories
    writes: list[Redirect] = field(default_factory=list)  # the files the wrappers write

    def drop(self, count: int) -> None:
        del self.argv[:count], self.raw[:count], self.dynamic[:count]

    def build(self, cmd: SimpleCommand) -> SimpleCommand:
        return evolve(
            cmd,
            argv=(basename(self.argv[0]), *self.argv[1:]) if self.argv else (),
            program=self.argv[0] if self.argv else "",
            raw_argv=tuple(self.raw),
            dynamic_words=frozenset(i for i, d in enumerate(self.dynamic) if d),
            assignments=dict(self.assignments),
            wrappers=tuple(self.wrappers),
            redirects=(*cmd.redirects, *self.writes) if self.writes else cmd.redirects,
        )


def unwrap(cmd: SimpleCommand) -> Unwrapped:
    """Strip the wrappers in front of ``cmd`` (argv[0] may still be a path)."""
    raw = list(cmd.raw_argv) if len(cmd.raw_argv) == len(cmd.argv) else list(cmd.argv)
    state = _State(
        argv=list(cmd.argv),
        raw=raw,
        dynamic=[i in cmd.dynamic_words for i in range(len(cmd.argv))],
        assignments=dict(cmd.assignments),
        wrappers=list(cmd.wrappers),
        stdin_text=cmd.stdin_text,
    )
    for _ in range(MAX_WRAPPERS):
        if not state.argv or state.dynamic[0]:
            return Unwrapped(state.build(cmd), directories=tuple(state.directories))
        step = _strip_one(state)
        if step is _Step.STOP:
            return Unwrapped(state.build(cmd), directories=tuple(state.directories))
        if isinstance(step, Unwrapped):
            return step
    return Unwrapped(None, unknown=f"more than {MAX_WRAPPERS} wrappers")


class _Step(Enum):
    GO_ON = "go on"  # a wrapper was stripped: look at the new argv[0]
    STOP = "stop"  # argv[0] is no wrapper


_Outcome = Unwrapped | _Step


def _strip_one(state: _State) -> _Outcome:
    """Strip one wrapper, or say there is none, or give the final outcome."""
    name = basename(state.argv[0])
    special = _SPECIAL.get(name)
    if special is not None:
        return special(state)
    wrapper = _WRAPPERS.get(name)
    if wrapper is None:
        return _Step.STOP
    return _generic(state, name, wrapper)


def _generic(state: _State, name: str, wrapper: _Wrapper) -> _Outcome:
    opts = parse_options(state.argv[1:], wrapper.spec)
    rest_start = len(state.argv) - len(opts.rest)
    split_string = opts.value("S") if name == "env" else None
    if split_string is not None:
        # env -S splits its string into words and runs them followed by the remaining words.
        following = state.argv[rest_start:]
        text = split_string + (" " + shlex.join(following) if following else "")
        return _as_shell(state, rest_start, "env -S", text=text)
    if name == "command" and opts.has("v", "V"):
        return Unwrapped(None)
    if name in _PID_ONLY and opts.has(*_PID_ONLY[name]):
        return Unwrapped(None)  # changes or shows a running process: runs nothing
    if name == "systemd-run" and opts.has("S", "shell"):
        return Unwrapped(None, unknown=wrapper.bare)
    if name == "ssh":
        local = _ssh_runs_locally(opts)
        if local is not None:
            return Unwrapped(None, unknown=local)
    elsewhere = _writes_and_settings(state, name, opts, end=rest_start)
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
    if wrapper.assignments or not wrapper.shell_string:
        index = _take_assignments(state, index)
    if index >= len(state.argv):
        if name == "sudo" and opts.has("l", "v", "k", "K", "V"):
            return Unwrapped(None)  # list, validate or forget credentials: runs nothing
        if not (wrapper.starts_shell or state.writes):
            return Unwrapped(None, unknown=wrapper.bare or None)
        # A shell of its own (judged as ``sh``, which reads its input), or no command but a
        # file written all the same (``strace -p PID -o FILE``: judged as ``:`` with it).
        word = "sh" if wrapper.starts_shell else ":"
        state.argv.append(word)
        state.raw.append(word)
        state.dynamic.append(False)
    state.wrappers.append(label)
    _note_directory(state, name, opts, option_words=state.dynamic[1:rest_start], at=rest_start)
    if wrapper.shell_string and not (name == "watch" and opts.has("x", "exec")):
        return _as_shell(state, index, label)
    state.drop(index)
    return _Step.GO_ON


# The files wrappers write themselves, by option key: a trace, log or report that goes to the
# standard error without the option, so each is judged as the command's ``2>FILE`` (``2>>``
# with the option that appends). Not ``>``: what the line knows the command prints is not what
# these files will hold (:mod:`.line_writes`).
_WRITES: dict[str, tuple[str, ...]] = {
    "strace": ("o",),
    "ltrace": ("o",),
    "time": ("o",),
    "valgrind": (
        *("log-file", "xml-file", "callgrind-out-file", "cachegrind-out-file"),
        *("massif-out-file", "dhat-out-file"),
    ),
    "xvfb-run": ("e", "f"),  # Xvfb's error output, and the X authority file it writes
    "fakeroot": ("s",),  # where it saves its fake ownerships on exit
    "firejail": ("output", "output-stderr"),
}
_APPENDS = {"strace": "A", "time": "a"}
# Options that set a variable of the command's environment (``VAR=VALUE``; ``VAR`` alone
# removes it), and those that set one variable to their value.
_SETS_VARIABLES = {"strace": "E"}
_SETS_VARIABLE = {"fakeroot": ("l", "LD_PRELOAD")}  # the library fakeroot preloads


def _writes_and_settings(state: _State, name: str, opts: Options, *, end: int) -> str | None:
    """Note the files wrapper ``name`` writes and the variables it sets for the command (its
    options ``opts``, ``argv[1:end]``); the reason it is unknown when it also runs another
    program (``strace -o '|CMD'`` pipes the trace to CMD, ``fakeroot --faked PROG``)."""
    appends = _APPENDS.get(name)
    op = "2>>" if appends is not None and opts.has(appends) else "2>"
    for key in _WRITES.get(name, ()):
        for path in opts.values.get(key, ()):
            if name == "strace" and path.startswith(("|", "!")):
                return f"strace -o {path[:60]}: pipes its trace to a command"
            state.writes.append(Redirect(op, path, dynamic=_run_time(state, path, end=end)))
    for assignment in opts.values.get(_SETS_VARIABLES.get(name, ""), ()):
        variable, equals, value = assignment.partition("=")
        if equals and _is_assignment(assignment):
            state.assignments[variable] = value
    key, variable = _SETS_VARIABLE.get(name, ("", ""))
    if opts.value(key) is not None:
        state.assignments[variable] = opts.value(key) or ""
    if name == "fakeroot" and opts.value("faked") is not None:
        return f"fakeroot --faked {opts.value('faked')}: runs another program as its daemon"
    return None


def _run_time(state: _State, value: str, *, end: int) -> bool:
    """Whether the option value ``value`` is (in) a word of ``argv[1:end]`` decided at run
    time."""
    words = zip(state.argv[1:end], state.dynamic[1:end], strict=True)
    return any(dynamic and value in word for word, dynamic in words)


# What the directory helpers give for a wrapper that leaves the command where it is (a
# directory is never named by an empty word).
_STAYS = ""


def _note_directory(
    state: _State, name: str, opts: Options, *, option_words: list[bool], at: int
) -> None:
    """Note where wrapper ``name`` (its options ``opts``, its operands from ``at``) runs the
    command, when it moves it (``env -C /``, ``sudo -D /``, ``chroot DIR``...)."""
    where: str | None = _STAYS
    if name in ("env", "sudo", "unshare"):
        given = opts.value({"env": "C", "sudo": "D", "unshare": "w"}[name])
        if given is not None:
            where = given
        elif name == "sudo" and opts.has("i", "login"):
            where = _home_of(opts.value("u"))  # a login shell starts in the target's home
        elif name == "unshare":
            where = opts.value("R") or _STAYS  # the new root, where it starts
    elif name == "systemd-run":
        where = _systemd_run_directory(opts)
    elif name == "nsenter":
        where = _nsenter_directory(state.argv[1:at], state.dynamic[1:at])
    elif name == "chroot" and not opts.has("skip-chdir") and at < len(state.argv):
        where = None if state.dynamic[at] else state.argv[at]
    elif name == "pkexec" and not opts.has("keep-cwd"):
        where = _home_of(opts.value("u"))
    if where == _STAYS:
        return
    # An option word decided at run time may be the directory (``env -C "$D"``); nsenter's
    # says so itself (its target's pid often is one).
    run_time = any(option_words) and name != "nsenter"
    state.directories.append(None if run_time else where)


def _home_of(user: str | None) -> str:
    """The home directory of ``user`` (root's when none is named), as keyturn guesses it."""
    if user is None or user in ("root", "0", "#0"):
        return "/root"
    return f"/home/{user}"


def _systemd_run_directory(opts: Options) -> str:
    """A transient service starts in ``/`` (a user's in their home) unless told otherwise;
    ``--scope`` runs the command in the caller's own process, where it is."""
    if opts.has("scope") or opts.has("d", "same-dir"):
        return _STAYS
    given = opts.value("working-directory")
    if given:
        return given
    return "~" if opts.has("user") else "/"


def _nsenter_directory(words: list[str], dynamic: list[bool]) -> str | None:
    """``nsenter -wDIR``/``--wd=DIR`` (the value only attached: alone, ``-w`` is the target
    process's directory, decided at run time), or the root ``-rDIR``/``--root=DIR`` moves to."""
    found: str | None = _STAYS
    for word, run_time in zip(words, dynamic, strict=True):
        for long, short in (("--wd", "w"), ("--root", "r")):
            if word == long or word.startswith(long + "="):
                value = word.partition("=")[2] or None
            elif word.startswith("-") and not word.startswith("--") and short in word:
                value = word[word.index(short) + 1 :] or None
            else:
                continue
            if short == "w" or found == _STAYS:
                found = None if run_time else value
    return found


def _as_shell(state: _State, index: int, label: str, *, text: str | None = None) -> _Outcome:
    """Replace the rest of argv by ``sh -c TEXT`` (the wrapper hands a string to a shell)."""
    if text is None:
        words = state.argv[index:]
        dynamic = any(state.dynamic[index:])
        text = " ".join(words)
        meant = shlex.join(words)
        if len(words) > 1 and meant != text:
            # The wrapper joins its words with spaces for a shell, so quoting inside them is
            # lost (`watch bash -c 'rm -rf /'` really runs `bash -c rm -rf /`). Judge that
            # reading and the one the words meant, one per line: the stricter decides.
            text = f"{text}\n{meant}"
    else:
        dynamic = False
    if label not in state.wrappers:
        state.wrappers.append(label)
    state.argv[:] = ["sh", "-c", text]
    state.raw[:] = ["sh", "-c", text]
    state.dynamic[:] = [False, False, dynamic]
    return _Step.GO_ON


def _take_assignments(state: _State, index: int) -> int:
    """Take the ``VAR=x`` words from ``index`` on as assignments; the index after them.

    Only some wrappers take such words (``env``, ``sudo``); under the others the word would be
    run as a program and fail, but judging what follows it is stricter than calling the line
    unknown-and-harmless."""
    while index < len(state.argv) and _is_assignment(state.argv[index]):
        key, _, value = state.argv[index].partition("=")
        state.assignments[key] = value
        index += 1
    return index


def _is_assignment(word: str) -> bool:
    key, eq, _ = word.partition("=")
    return bool(eq) and key.replace("_", "a").isalnum() and not key[0].isdigit()


def _su(state: _State) -> _Outcome:
    spec = OptionSpec(
        valued="cgGsw",
        long={"command": "c", "shell": "s", "group": "g", "login": "l"},
        long_valued=frozenset({"c", "s", "g"}),
    )
    opts = parse_options(state.argv[1:], spec)
    user = next((op for op in opts.operands if op != "-"), "root")
    text = opts.value("c")
    if text is None:
        return Unwrapped(None, unknown=f"an interactive shell as {user} (su without -c)")
    state.wrappers.append(f"su:{user}")
    if "-" in opts.operands or opts.has("l"):
        state.directories.append(_home_of(user))  # a login shell starts in the user's home
    return _as_shell(state, 0, f"su:{user}", text=text)


def _xargs(state: _State) -> _Outcome:
    spec = OptionSpec(
        valued="ILnPsdEa",
        long={"replace": "I", "max-args": "n", "max-procs": "P", "delimiter": "d", "null": "0"},
        long_valued=frozenset({"I", "n", "P", "d"}),
        stop_at_operand=True,
    )
    opts = parse_options(state.argv[1:], spec)
    index = len(state.argv) - len(opts.rest)
    replace_str = opts.value("I") or ("{}" if opts.has("i") else None)
    state.wrappers.append("xargs")
    if index >= len(state.argv):
        state.argv[:], state.raw[:], state.dynamic[:] = ["echo"], ["echo"], [False]
        return _Step.GO_ON
    state.drop(index)
    if replace_str:
        # ``-I {}`` runs the command once per input line, the line put in place of ``{}``. One
        # known line without quotes (``echo / | xargs -I{} rm -rf {}``) is put in; otherwise
        # the words are decided at run time.
        line = _one_plain_line(state.stdin_text) if not opts.has("0", "d", "a") else None
        for i, word in enumerate(state.argv):
            if i and replace_str in word:
                if line is None:
                    state.dynamic[i] = True
                else:
                    state.argv[i] = word.replace(replace_str, line)
                    state.raw[i] = state.argv[i]
        return _Step.GO_ON
    known = _stdin_words(state.stdin_text) if not opts.has("0", "d", "a") else None
    if known is None:
        state.argv.append(STDIN_WORD)
        state.raw.append(STDIN_WORD)
        state.dynamic.append(True)
    else:
        # The text piped in is known (`echo / | xargs rm -rf`): its words are the arguments.
        state.argv.extend(known)
        state.raw.extend(known)
        state.dynamic.extend(False for _ in known)
    return _Step.GO_ON


def _one_plain_line(text: str | None) -> str | None:
    """The one input line of ``text`` (blanks around it dropped, as xargs -I does), when there
    is exactly one and xargs would take it as it is (no quotes or backslashes)."""
    if text is None:
        return None
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) != 1 or any(c in lines[0] for c in "'\"\\"):
        return None
    return lines[0]


def _stdin_words(text: str | None) -> list[str] | None:
    """xargs's arguments from literal stdin text (blank-separated, quotes honoured)."""
    if text is None:
        return None
    try:
        return shlex.split(text)
    except ValueError:
        return None


def _parallel(state: _State) -> _Outcome:
    args = state.argv[1:]
    end = next((i for i, a in enumerate(args) if a in (":::", "::::", ":::+")), len(args))
    start = 0
    while start < end and args[start].startswith("-"):
        start += 2 if args[start] in ("-j", "-S", "--jobs", "-X", "--sshlogin") else 1
    command = args[start:end]
    state.wrappers.append("parallel")
    if not command:
        return Unwrapped(None, unknown="parallel runs commands read from its input")
    if len(command) == 1 and " " in command[0]:
        return _as_shell(state, start + 1, "parallel", text=command[0])
    values = args[end + 1 :] if end < len(args) and args[end] == ":::" else []
    state.drop(start + 1)
    del state.argv[len(command) :], state.raw[len(command) :], state.dynamic[len(command) :]
    # Each value after ::: is run in turn: judge one command over all of them.
    words: list[tuple[str, bool]] = []
    for word, dynamic in zip(state.argv, state.dynamic, strict=True):
        if word == "{}" and values:
            words.extend((v, False) for v in values)
        else:
            words.append((word, dynamic or "{" in word))
    if not any(w == "{}" for w in command):
        words.extend([(v, False) for v in values] or [(STDIN_WORD, True)])
    state.argv[:] = [w for w, _ in words]
    state.raw[:] = list(state.argv)
    state.dynamic[:] = [d for _, d in words]
    return _Step.GO_ON


def _flock(state: _State) -> _Outcome:
    spec = OptionSpec(valued="wEc", long={"timeout": "w", "command": "c"}, stop_at_operand=True)
    opts = parse_options(state.argv[1:], spec)
    index = len(state.argv) - len(opts.rest) + 1  # the lock file
    if opts.value("c") is not None:
        return _as_shell(state, index, "flock", text=opts.value("c"))
    rest = state.argv[index:]
    if rest[:1] in (["-c"], ["--command"]) and len(rest) > 1:
        return _as_shell(state, index, "flock", text=rest[1])
    index = _take_assignments(state, index)
    if index >= len(state.argv):
        return Unwrapped(None)
    state.wrappers.append("flock")
    state.drop(index)
    return _Step.GO_ON


def _container_exec(state: _State) -> _Outcome:
    tool = basename(state.argv[0])
    args = state.argv[1:]
    skip = 1 if args[:1] == ["exec"] else 2 if args[:2] == ["container", "exec"] else 0
    if not skip:
        return _Step.STOP
    spec = OptionSpec(
        valued="eguw",
        long={"env": "e", "user": "u", "workdir": "w", "env-file": "env-file"},
        long_valued=frozenset({"e", "u", "w", "env-file", "detach-keys"}),
        stop_at_operand=True,
    )
    opts = parse_options(args[skip:], spec)
    index = len(state.argv) - len(opts.rest)
    if index + 1 >= len(state.argv):
        return Unwrapped(None, unknown=f"{tool} exec without a command")
    state.wrappers.append(f"{tool}-exec:{state.argv[index]}")
    state.drop(index + 1)
    return _Step.GO_ON


# kubectl's options that take a value (the global ones and exec's own), so that the pod is the
# first word that is not an option or an option's value (``-n shop web-0``: ``web-0``).
_KUBECTL_EXEC_OPTIONS = OptionSpec(
    valued="ncfs",
    long={"namespace": "n", "container": "c", "filename": "f", "server": "s"},
    long_valued=frozenset(
        {"n", "c", "f", "s", "context", "cluster", "kubeconfig", "user", "token", "as"}
        | {"as-group", "as-uid", "pod-running-timeout", "request-timeout", "certificate-authority"}
        | {"client-certificate", "client-key", "tls-server-name", "cache-dir", "v", "vmodule"}
    ),
)


def _kubectl_exec(state: _State) -> _Outcome:
    """``kubectl exec [OPTIONS] POD -- CMD…``: the command runs in the pod (noted with its
    namespace when the line gives one, ``kubectl-exec:shop/web-0``; else ``kubectl-exec:web-0``,
    the kubeconfig's namespace being beyond the words)."""
    args = state.argv[1:]
    if "exec" not in args or "--" not in args or args.index("exec") > args.index("--"):
        return _Step.STOP
    cut = args.index("--") + 1
    words = [a for a in args[: cut - 1] if a != "exec"]
    opts = parse_options(words, _KUBECTL_EXEC_OPTIONS)
    pod = opts.operands[0].removeprefix("pod/") if opts.operands else "?"
    if cut >= len(args):
        return Unwrapped(None, unknown="kubectl exec without a command")
    namespace = opts.value("n")
    state.wrappers.append(f"kubectl-exec:{namespace}/{pod}" if namespace else f"kubectl-exec:{pod}")
    state.drop(cut + 1)
    return _Step.GO_ON


def _runuser(state: _State) -> _Outcome:
    """``runuser -u USER [--] CMD…`` runs the words; ``runuser [-l] USER -c TEXT`` is su's form."""
    spec = OptionSpec(
        valued="ugGcsw",
        long={"user": "u", "group": "g", "command": "c", "shell": "s", "login": "l"},
        long_valued=frozenset({"u", "g", "G", "c", "s", "w"}),
        stop_at_operand=True,
    )
    opts = parse_options(state.argv[1:], spec)
    if opts.value("u") is None:
        return _su(state)
    index = _take_assignments(state, len(state.argv) - len(opts.rest))
    if index >= len(state.argv):
        return Unwrapped(None, unknown=f"an interactive shell as {opts.value('u')}")
    state.wrappers.append(f"runuser:{opts.value('u')}")
    state.drop(index)
    return _Step.GO_ON


def _sg(state: _State) -> _Outcome:
    """``sg GROUP [-c] TEXT``: a shell runs the text with GROUP as the group."""
    args = state.argv[1:]
    words = [a for a in args if a != "-"]
    if len(words) < 2:
        return Unwrapped(None, unknown="an interactive shell in another group (sg alone)")
    group, rest = words[0], words[1:]
    if rest[0] == "-c":
        rest = rest[1:]
    if not rest:
        return Unwrapped(None, unknown="an interactive shell in another group (sg alone)")
    return _as_shell(state, 0, f"sg:{group}", text=" ".join(rest))


_SCRIPT = OptionSpec(
    valued="cEIOBTmo",
    long={
        **{"command": "c", "echo": "E", "log-in": "I", "log-out": "O", "log-io": "B"},
        **{"log-timing": "T", "logging-format": "m", "output-limit": "o", "append": "a"},
    },
    long_valued=frozenset({"c", "E", "I", "O", "B", "T", "m", "o"}),
    other_long=frozenset({"timing", "flush", "force", "quiet", "return", "help", "version"}),
)


def _script(state: _State) -> _Outcome:
    """``script -c TEXT [FILE]`` runs the text in a shell; without ``-c`` an interactive one.
    It writes the terminal's output to FILE (``./typescript`` unless a file or ``-O``/``-B``/
    ``-I`` names a log), its logs (``-O``, ``-I``, ``-B``, ``-T``, ``--timing=FILE``): each is
    judged as the shell's ``&>FILE`` (``&>>`` with ``-a``)."""
    words = [part for word in state.argv[1:] for part in _script_timing(word)]
    opts = parse_options(words, _SCRIPT)
    text = opts.value("c")
    if text is None:
        return Unwrapped(None, unknown="script starts an interactive shell")
    logs = [*opts.operands, *(log for key in "OIBT" for log in opts.values.get(key, ()))]
    logs += opts.values.get("timing", ())
    if not (opts.operands or opts.has("O", "I", "B")):
        logs.append("typescript")
    op = "&>>" if opts.has("a") else "&>"
    end = len(state.argv)
    state.writes.extend(Redirect(op, log, dynamic=_run_time(state, log, end=end)) for log in logs)
    return _as_shell(state, 0, "script", text=text)


def _script_timing(word: str) -> list[str]:
    """``script``'s word, with ``-tFILE`` (its optional value only glued on) spelled
    ``--timing=FILE``: ``-t`` alone writes the timing to the standard error."""
    if word.startswith("--") or not word.startswith("-"):
        return [word]
    at = word.find("t")
    if at < 1 or at == len(word) - 1 or any(c in _SCRIPT.valued for c in word[1:at]):
        return [word]
    return [*([word[:at]] if at > 1 else []), f"--timing={word[at + 1 :]}"]


# tmux subcommands whose operands are a shell command (tmux hands one to ``sh -c``), with the
# letters of their options that take a value.
_TMUX_COMMANDS = {
    ("new-session", "new"): "cefFnstxy",
    ("new-window", "neww"): "ceFnt",
    ("split-window", "splitw"): "celtF",
    ("respawn-pane", "respawnp", "respawn-window", "respawnw"): "cet",
    ("run-shell", "run"): "cdt",
    ("display-popup", "popup"): "bcdehsStTwxy",
    ("pipe-pane", "pipep"): "t",
    ("if-shell", "if"): "t",
}
_TMUX_GLOBAL = OptionSpec(valued="LSfcT", stop_at_operand=True)


def _tmux(state: _State) -> _Outcome:
    """A tmux command that runs a shell command: that command, judged like ``sh -c``."""
    opts = parse_options(state.argv[1:], _TMUX_GLOBAL)
    if opts.value("c") is not None:  # tmux -c TEXT: runs TEXT with the default shell
        return _as_shell(state, 0, "tmux", text=opts.value("c"))
    sub, *args = opts.rest or ("",)
    if sub in ("send-keys", "send"):
        return Unwrapped(None, unknown="tmux send-keys types into a terminal: what runs is unknown")
    valued = next((v for names, v in _TMUX_COMMANDS.items() if sub in names), None)
    if valued is None:
        return _Step.STOP  # no command of its own: tmux itself is judged
    # The operands are the tail of argv: they go to a shell with their run-time marks kept.
    spec = OptionSpec(valued=valued, stop_at_operand=True)
    start = len(state.argv) - len(parse_options(args, spec).rest)
    if sub in ("if-shell", "if"):  # the test runs; the words after it are tmux commands
        del state.argv[start + 1 :], state.raw[start + 1 :], state.dynamic[start + 1 :]
    if start >= len(state.argv):
        return Unwrapped(None, unknown=f"tmux {sub} starts an interactive shell")
    return _as_shell(state, start, f"tmux-{sub}")


_SCREEN = OptionSpec(valued="ceEhpSstTX", stop_at_operand=True)


def _screen(state: _State) -> _Outcome:
    """``screen [-dm] [-S NAME] CMD …`` runs the command; ``-X`` sends one to a session."""
    opts = parse_options(state.argv[1:], _SCREEN)
    if opts.has("X"):
        return Unwrapped(None, unknown="screen -X drives a session: what runs is unknown")
    index = _take_assignments(state, len(state.argv) - len(opts.rest))
    if index >= len(state.argv):
        return Unwrapped(None, unknown="screen without a command: an interactive shell")
    state.wrappers.append("screen")
    state.drop(index)
    return _Step.GO_ON


# Environment and version managers that run a command in a project's environment:
# program -> (its subcommand, operands before the command). Not pdm, hatch or pipenv: their
# ``run`` also runs scripts the project's files name, which a bare word cannot tell apart.
_RUNNERS = {
    "uv": ("run", 0),
    "poetry": ("run", 0),
    "conda": ("run", 0),
    "mamba": ("run", 0),
    "micromamba": ("run", 0),
    "bundle": ("exec", 0),
    "mise": ("exec", 0),
    "asdf": ("exec", 0),
    "rbenv": ("exec", 0),
    "pyenv": ("exec", 0),
    "nodenv": ("exec", 0),
    "direnv": ("exec", 1),  # the directory
}
# The runners' options that take a value (the others are flags).
_RUNNER_OPTIONS = OptionSpec(
    valued="npC",
    long={"name": "n", "prefix": "p", "cwd": "C", "cd": "C"},
    long_valued=frozenset(
        {"n", "p", "C", "python", "with", "from", "project", "directory", "package", "group"}
        | {"extra", "env-file", "index", "env"}
    ),
    stop_at_operand=True,
)


def _runner(state: _State) -> _Outcome:
    """``uv run CMD``, ``bundle exec CMD``, ``direnv exec DIR CMD``…: the command runs."""
    tool = basename(state.argv[0])
    sub, before = _RUNNERS[tool]
    if sub not in state.argv[1:]:
        return _Step.STOP
    start = state.argv.index(sub, 1) + 1
    opts = parse_options(state.argv[start:], _RUNNER_OPTIONS)
    index = _take_assignments(state, len(state.argv) - len(opts.rest) + before)
    if index >= len(state.argv):
        return Unwrapped(None, unknown=f"{tool} {sub} without a command")
    state.wrappers.append(f"{tool}-{sub}")
    # ``uv [--directory D] run [--directory D]``, ``conda run --cwd D``, ``mise -C D exec``:
    # the command runs in D.
    key = _RUNNER_DIRECTORY.get(tool)
    if key is not None:
        before_sub = parse_options(state.argv[1 : start - 1], _RUNNER_OPTIONS)
        given = opts.value(key) or before_sub.value(key)
        if given is not None:
            run_time = any(state.dynamic[1:index])
            state.directories.append(None if run_time else given)
    state.drop(index)
    return _Step.GO_ON


# The option of a runner that changes the directory the command runs in.
_RUNNER_DIRECTORY = {"uv": "directory", "conda": "C", "mamba": "C", "micromamba": "C", "mise": "C"}


# ssh settings (``-o NAME=VALUE``) that run a program or load a library on this machine.
_SSH_LOCAL_SETTINGS = frozenset(
    {
        *("proxycommand", "localcommand", "permitlocalcommand", "knownhostscommand", "match"),
        *("pkcs11provider", "securitykeyprovider", "xauthlocation", "include"),
    }
)
_SSH_NO_CONFIG = frozenset({"none", "/dev/null"})
# How ssh splits a setting: its name, then blanks or one ``=``.
_SSH_SETTING = re.compile(r"\s*=\s*|\s+")


def _ssh_runs_locally(opts: Options) -> str | None:
    """Why an ssh command line runs something on this machine, or ``None``: a setting that
    runs a command or loads a library here (``-o ProxyCommand=…``, ``-I pkcs11.so``), another
    configuration file (``-F``: it may hold them), or a log file written here (``-E``)."""
    for setting in opts.values.get("o", ()):
        name, *value = _SSH_SETTING.split(setting.strip(), maxsplit=1)
        name = name.lower()
        if name == "permitlocalcommand" and value and value[0].strip().lower() in ("no", "false"):
            continue
        if name in _SSH_LOCAL_SETTINGS:
            return f"ssh -o {setting[:60]}: runs a command or loads code on this machine"
    config = opts.value("F")
    if config is not None and config.lower() not in _SSH_NO_CONFIG:
        return f"ssh -F {config}: a configuration file may run commands on this machine"
    if opts.value("I") is not None:
        return f"ssh -I {opts.value('I')}: loads a PKCS#11 library on this machine"
    if opts.value("E") is not None:
        return f"ssh -E {opts.value('E')}: appends its log to a file on this machine"
    return None


# ``ip``'s options that take a value, as the shortest spelling ip takes for each (it takes any
# prefix of the name that is not another's).
_IP_VALUED = ("l", "f", "rc", "n")
_IP_VALUED_NAMES = ("loops", "family", "rcvbuf", "netns")


def _ip(state: _State) -> _Outcome:
    """``ip [OPTIONS] netns exec NAME CMD…`` and ``ip vrf exec NAME CMD…`` run CMD;
    ``ip -batch FILE`` runs the ip commands in FILE (netns exec among them)."""
    args = state.argv[1:]
    i, every = 0, False
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        option = args[i].lstrip("-")  # case matters: -n is -netns, -N -Numeric
        if "batch".startswith(option):
            return Unwrapped(None, unknown="ip -batch runs the ip commands read from a file")
        every = every or (option == "a" or ("all".startswith(option) and len(option) > 1))
        valued = any(
            name.startswith(option) and option.startswith(short)
            for short, name in zip(_IP_VALUED, _IP_VALUED_NAMES, strict=True)
        )
        i += 2 if valued else 1
    if i + 1 >= len(args):
        return _Step.STOP
    what, sub = args[i].lower(), args[i + 1].lower()
    runs = bool(sub) and "exec".startswith(sub)
    place = "netns" if len(what) >= 3 and "netns".startswith(what) else "vrf"
    if not runs or not (place == "netns" or "vrf".startswith(what)):
        return _Step.STOP
    name_at = 1 + i + 2  # index in argv of the namespace's name (none with -all)
    start = name_at if every and place == "netns" else name_at + 1
    if start >= len(state.argv):
        return Unwrapped(None, unknown=f"ip {place} exec without a command")
    label = f"ip-{place}:{'*' if start == name_at else state.argv[name_at]}"
    state.wrappers.append(label)
    state.drop(start)
    return _Step.GO_ON


_SPECIAL = {
    "ip": _ip,
    "runuser": _runuser,
    "sg": _sg,
    "script": _script,
    "tmux": _tmux,
    "screen": _screen,
    **dict.fromkeys(_RUNNERS, _runner),
    "su": _su,
    "xargs": _xargs,
    "parallel": _parallel,
    "flock": _flock,
    "docker": _container_exec,
    "podman": _container_exec,
    "nerdctl": _container_exec,
    "kubectl": _kubectl_exec,
    "oc": _kubectl_exec,
}


# Wrappers that run the command on this machine: any of them may move it somewhere on it
# (``nohup env -C / …``). Not those running it elsewhere (ssh, containers, pods).
LOCAL_WRAPPERS = (frozenset(_WRAPPERS) | frozenset(_SPECIAL)) - {
    *("ssh", "docker", "podman", "nerdctl", "kubectl", "oc"),
}


def wrapper_names() -> Sequence[str]:
    """Every program name treated as a wrapper (for tests and docs)."""
    return sorted(set(_WRAPPERS) | set(_SPECIAL))
