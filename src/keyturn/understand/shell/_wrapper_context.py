"""What a generic wrapper changes around the command it runs, besides running it.

Some wrappers write a file of their own (``strace -o FILE``, judged as the command's
``2>FILE``), set its environment (``strace -E VAR=x``, ``fakeroot -l LIB``) or move it to
another directory (``env -C DIR``, ``sudo -i``, ``chroot DIR``, ``systemd-run``), or to another
machine (``systemd-run -H HOST``, ``-M CONTAINER``: noted ``ssh:HOST`` as ssh notes its host):
:mod:`.wrappers` says why each is judged that way. The tables and helpers that note them are
here, by wrapper name and option, apart from the wrapper table and the loop that strips
wrappers: that loop only asks them what to note on the command (or why the line is unknown).
"""

from __future__ import annotations

import shlex

from keyturn.understand.shell._wrapper_state import (
    State,
    decided_at_run_time,
    home_of,
    is_assignment,
)
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import Redirect

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
_SETS_VARIABLES = {"strace": "E", "systemd-run": "E"}
_SETS_VARIABLE = {"fakeroot": ("l", "LD_PRELOAD")}  # the library fakeroot preloads


def writes_and_settings(state: State, name: str, opts: Options, *, end: int) -> str | None:
    """Note the files wrapper ``name`` writes and the variables it sets for the command (its
    options ``opts``, ``argv[1:end]``); the reason it is unknown when it also runs another
    program (``strace -o '|CMD'`` pipes the trace to CMD, ``fakeroot --faked PROG``)."""
    appends = _APPENDS.get(name)
    op = "2>>" if appends is not None and opts.has(appends) else "2>"
    for key in _WRITES.get(name, ()):
        for path in opts.values.get(key, ()):
            if name == "strace" and path.startswith(("|", "!")):
                return f"strace -o {path[:60]}: pipes its trace to a command"
            state.writes.append(
                Redirect(op, path, dynamic=decided_at_run_time(state, path, end=end))
            )
    for assignment in opts.values.get(_SETS_VARIABLES.get(name, ""), ()):
        variable, equals, value = assignment.partition("=")
        if equals and is_assignment(assignment):
            state.assignments[variable] = value
    key, variable = _SETS_VARIABLE.get(name, ("", ""))
    if opts.value(key) is not None:
        state.assignments[variable] = opts.value(key) or ""
    if name == "fakeroot" and opts.value("faked") is not None:
        return f"fakeroot --faked {opts.value('faked')}: runs another program as its daemon"
    if name == "systemd-run":
        return _systemd_run_machine(state, opts) or _systemd_run_properties(state, opts, end=end)
    return None


# ``systemd-run -M``'s name for this machine (``-M lennart@`` means it too: systemd-run(1)).
_THIS_MACHINE = ".host"


def _systemd_run_machine(state: State, opts: Options) -> str | None:
    """Note the machine ``systemd-run -H [USER@]HOST[:PORT][/CONTAINER]`` (over ssh) or ``-M
    [USER@]CONTAINER`` (a container of this host's machined) runs the unit on, as ssh notes its
    host (``ssh:HOST``): the command's files, services and processes are that machine's, named
    and placed there (:mod:`.commands._elsewhere`), not this one's. The reason it is unknown
    when where it runs is not told."""
    host, machine = opts.value("H"), opts.value("M")
    if host is not None and machine is not None:
        return "systemd-run -H and -M both given: which machine runs the command is not told"
    if host is not None:
        where = _ssh_host(host)
    elif machine is not None:
        where = machine.rpartition("@")[2]
        if where in ("", _THIS_MACHINE):
            return None  # this machine's own manager, as without -M
    else:
        return None
    if not where:
        return f"systemd-run -{'H' if host is not None else 'M'} names no machine"
    state.wrappers.append(f"ssh:{where}")
    return None


def _ssh_host(given: str) -> str:
    """``[USER@]HOST`` of ``-H [USER@]HOST[:PORT][/CONTAINER]`` (older systemd: ``HOST:
    CONTAINER``); a bracketed IPv6 address is kept whole."""
    user, at, rest = given.rpartition("@")
    if rest.startswith("[") and "]" in rest:
        host = rest[: rest.index("]") + 1]
    else:
        host = rest.split("/", 1)[0].split(":", 1)[0]
    return f"{user}{at}{host}" if host else ""


# Properties of a transient unit that make what the command does other than what its words
# say: a program run of their own (every ``Exec*=``: ``ExecStartPre=``, ``ExecSearchPath=``...),
# other files put at the paths it names, variables from a file. (``RootDirectory=`` is a new
# root: :func:`note_root`.)
_UNIT_RUNS = "Exec"
_UNIT_UNREAD = {
    **dict.fromkeys(
        ("RootImage", "BindPaths", "BindReadOnlyPaths", "MountImages", "ExtensionImages"),
        "the unit sees other files at the paths the command names",
    ),
    "ExtensionDirectories": "the unit sees other files at the paths the command names",
    "EnvironmentFile": "the unit takes variables from a file",
}
# StandardOutput=/StandardError=/StandardInput= ``file:``/``truncate:``/``append:`` PATH: the
# stream connected to PATH, judged as the command's redirection.
_UNIT_STREAMS = {"StandardOutput": "", "StandardError": "2", "StandardInput": ""}
_STREAM_KINDS = {"file": ">", "truncate": ">", "append": ">>"}


def _systemd_run_properties(state: State, opts: Options, *, end: int) -> str | None:
    """Note what ``systemd-run -p NAME=VALUE`` properties do to the command (the files its
    streams are connected to, the variables it gets); the reason it is unknown when one runs
    a program or moves files."""
    for setting in opts.values.get("p", ()):
        prop, _, value = setting.partition("=")
        prop = prop.strip()
        if prop.startswith(_UNIT_RUNS):
            return f"systemd-run -p {prop}=: the unit runs a program of its own"
        if prop in _UNIT_UNREAD:
            return f"systemd-run -p {prop}=: {_UNIT_UNREAD[prop]}"
        if prop == "Environment":
            try:
                pairs = shlex.split(value)
            except ValueError:
                return "systemd-run -p Environment=: variables not read"
            for pair in pairs:
                if is_assignment(pair):
                    variable, _, given = pair.partition("=")
                    state.assignments[variable] = given
        stream = _UNIT_STREAMS.get(prop)
        kind, colon, path = value.partition(":")
        if stream is None or not colon or kind not in _STREAM_KINDS:
            continue
        op = "<" if prop == "StandardInput" else stream + _STREAM_KINDS[kind]
        state.writes.append(Redirect(op, path, dynamic=decided_at_run_time(state, path, end=end)))
    return None


def _is_root(path: str) -> bool:
    return path.strip().rstrip("/") == ""


def note_root(state: State, name: str, opts: Options, *, at: int) -> str | None:
    """Note the new root wrapper ``name`` runs the command in (``chroot DIR``, ``unshare
    --root=DIR``, ``nsenter --root=DIR``, ``sudo --chroot=DIR``, ``systemd-run -p
    RootDirectory=DIR``) as a ``root:DIR`` wrapper label: every absolute path the command names
    is DIR's (:mod:`._new_roots`). The reason it is unknown when the root is decided at run
    time."""
    root: str | None = None
    if name == "chroot" and at < len(state.argv):
        if state.dynamic[at]:
            return "chroot into a directory decided at run time"
        root = state.argv[at]
    elif name in ("unshare", "sudo"):
        root = opts.value("R")
    elif name == "nsenter":
        root = _nsenter_root(state.argv[1:at])
    elif name == "systemd-run":
        given = [
            value
            for prop, _, value in (p.partition("=") for p in opts.values.get("p", ()))
            if prop.strip() == "RootDirectory"
        ]
        root = given[-1].strip().lstrip("-") if given else None
    if root is None or _is_root(root):
        return None
    if decided_at_run_time(state, root, end=at):
        return f"{name}: a new root decided at run time"
    state.wrappers.append(f"root:{root}")
    return None


def _nsenter_root(words: list[str]) -> str | None:
    """``--root=DIR``/``-rDIR`` (the value only attached: alone, ``-r`` is the target
    process's root, which :func:`_nsenter_directory` says is decided at run time)."""
    found = None
    for word in words:
        if word.startswith("--root="):
            found = word.partition("=")[2] or found
        elif word.startswith("-") and not word.startswith("--"):
            for pos, letter in enumerate(word[1:], start=2):
                if letter in "rwtSG":  # the rest of the word is this option's value
                    if letter == "r" and word[pos:]:
                        found = word[pos:]
                    break
    return found


# What the directory helpers give for a wrapper that leaves the command where it is (a
# directory is never named by an empty word).
_STAYS = ""


def note_directory(
    state: State, name: str, opts: Options, *, option_words: list[bool], at: int
) -> None:
    """Note where wrapper ``name`` (its options ``opts``, its operands from ``at``) runs the
    command, when it moves it (``env -C /``, ``sudo -D /``, ``chroot DIR``...)."""
    where: str | None = _STAYS
    if name in ("env", "sudo", "unshare"):
        given = opts.value({"env": "C", "sudo": "D", "unshare": "w"}[name])
        if given is not None:
            where = given
        elif name == "sudo" and opts.has("i", "login"):
            where = home_of(opts.value("u"))  # a login shell starts in the target's home
        elif name == "unshare":
            where = opts.value("R") or _STAYS  # the new root, where it starts
    elif name == "systemd-run":
        where = _systemd_run_directory(opts)
    elif name == "nsenter":
        where = _nsenter_directory(state.argv[1:at], state.dynamic[1:at])
    elif name == "chroot" and not opts.has("skip-chdir") and at < len(state.argv):
        where = None if state.dynamic[at] else state.argv[at]
    elif name == "pkexec" and not opts.has("keep-cwd"):
        where = home_of(opts.value("u"))
    if where == _STAYS:
        return
    # An option word decided at run time may be the directory (``env -C "$D"``); nsenter's
    # says so itself (its target's pid often is one).
    run_time = any(option_words) and name != "nsenter"
    state.directories.append(None if run_time else where)


def _systemd_run_directory(opts: Options) -> str:
    """A transient service starts in ``/`` (a user's in their home) unless told otherwise
    (``--working-directory``, or the ``-p WorkingDirectory=`` property: a leading ``-`` only
    lets it be missing); ``--scope`` runs the command in the caller's own process, where it
    is."""
    if opts.has("scope") or opts.has("d", "same-dir"):
        return _STAYS
    given = opts.value("working-directory")
    if given:
        return given
    properties = [
        value.strip().removeprefix("-")
        for prop, _, value in (p.partition("=") for p in opts.values.get("p", ()))
        if prop.strip() == "WorkingDirectory"
    ]
    if properties and properties[-1]:
        return properties[-1]
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
