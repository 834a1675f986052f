"""Wrappers whose words do not read ``WRAPPER [OPTIONS] [OPERANDS] COMMAND…``: each has a
handler of its own, found by program name in :data:`SPECIAL`.

The generic reading of :mod:`.wrappers` (options, a fixed number of operands, then the command)
does not fit these: ``su -c TEXT`` and ``sg GROUP TEXT`` hand a string to a shell, ``xargs`` and
``parallel`` add arguments read from their input, ``flock`` takes a lock file before the command,
``script``, ``tmux`` and ``screen`` start terminals that run one, ``uv run`` and ``bundle exec``
run one only under a subcommand, and ``ip netns exec`` deep in ip's own words. The handlers of
wrappers that run the command elsewhere (containers, pods) are in :mod:`._remote_wrappers`, and
those of ``xargs`` and ``parallel`` in :mod:`._input_wrappers`; the table here names them too,
so that :mod:`.wrappers` looks every special wrapper up in one place.
"""

from __future__ import annotations

from keyturn.understand.shell._input_wrappers import parallel, xargs
from keyturn.understand.shell._remote_wrappers import container_exec, kubectl_exec
from keyturn.understand.shell._wrapper_state import (
    Outcome,
    State,
    Step,
    Unwrapped,
    as_shell,
    decided_at_run_time,
    home_of,
    take_assignments,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.paths import basename
from keyturn.understand.shell.registry import Redirect


def _su(state: State) -> Outcome:
    spec = OptionSpec(
        valued="cgGsw",
        long={"command": "c", "shell": "s", "group": "g", "login": "l"},
        long_valued=frozenset({"c", "s", "g"}),
    )
    opts = parse_options(state.argv[1:], spec)
    user = next((op for op in opts.operands if op != "-"), "root")
    text = opts.value("c")
    if text is None:
        # Without -c su starts a shell, which runs what it reads: known text is judged
        # (``echo 'rm -rf /' | su``), anything else is not known.
        if state.stdin_text is None:
            return Unwrapped(None, unknown=f"an interactive shell as {user} (su without -c)")
        text = state.stdin_text
    state.wrappers.append(f"su:{user}")
    if "-" in opts.operands or opts.has("l"):
        state.directories.append(home_of(user))  # a login shell starts in the user's home
    return as_shell(state, 0, f"su:{user}", text=text)


def _flock(state: State) -> Outcome:
    spec = OptionSpec(valued="wEc", long={"timeout": "w", "command": "c"}, stop_at_operand=True)
    opts = parse_options(state.argv[1:], spec)
    index = len(state.argv) - len(opts.rest) + 1  # the lock file
    if opts.value("c") is not None:
        return as_shell(state, index, "flock", text=opts.value("c"))
    rest = state.argv[index:]
    if rest[:1] in (["-c"], ["--command"]) and len(rest) > 1:
        return as_shell(state, index, "flock", text=rest[1])
    index = take_assignments(state, index)
    if index >= len(state.argv):
        return Unwrapped(None)
    state.wrappers.append("flock")
    state.drop(index)
    return Step.GO_ON


def _runuser(state: State) -> Outcome:
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
    index = take_assignments(state, len(state.argv) - len(opts.rest))
    if index >= len(state.argv):
        return Unwrapped(None, unknown=f"an interactive shell as {opts.value('u')}")
    state.wrappers.append(f"runuser:{opts.value('u')}")
    state.drop(index)
    return Step.GO_ON


def _sg(state: State) -> Outcome:
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
    return as_shell(state, 0, f"sg:{group}", text=" ".join(rest))


_SCRIPT = OptionSpec(
    valued="cEIOBTmo",
    long={
        **{"command": "c", "echo": "E", "log-in": "I", "log-out": "O", "log-io": "B"},
        **{"log-timing": "T", "logging-format": "m", "output-limit": "o", "append": "a"},
    },
    long_valued=frozenset({"c", "E", "I", "O", "B", "T", "m", "o"}),
    other_long=frozenset({"timing", "flush", "force", "quiet", "return", "help", "version"}),
)


def _script(state: State) -> Outcome:
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
    state.writes.extend(
        Redirect(op, log, dynamic=decided_at_run_time(state, log, end=end)) for log in logs
    )
    return as_shell(state, 0, "script", text=text)


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


def _tmux(state: State) -> Outcome:
    """A tmux command that runs a shell command: that command, judged like ``sh -c``."""
    opts = parse_options(state.argv[1:], _TMUX_GLOBAL)
    if opts.value("c") is not None:  # tmux -c TEXT: runs TEXT with the default shell
        return as_shell(state, 0, "tmux", text=opts.value("c"))
    sub, *args = opts.rest or ("",)
    if sub in ("send-keys", "send"):
        return Unwrapped(None, unknown="tmux send-keys types into a terminal: what runs is unknown")
    valued = next((v for names, v in _TMUX_COMMANDS.items() if sub in names), None)
    if valued is None:
        return Step.STOP  # no command of its own: tmux itself is judged
    # The operands are the tail of argv: they go to a shell with their run-time marks kept.
    spec = OptionSpec(valued=valued, stop_at_operand=True)
    start = len(state.argv) - len(parse_options(args, spec).rest)
    if sub in ("if-shell", "if"):  # the test runs; the words after it are tmux commands
        del state.argv[start + 1 :], state.raw[start + 1 :], state.dynamic[start + 1 :]
    if start >= len(state.argv):
        return Unwrapped(None, unknown=f"tmux {sub} starts an interactive shell")
    return as_shell(state, start, f"tmux-{sub}")


_SCREEN = OptionSpec(valued="ceEhpSstTX", stop_at_operand=True)


def _screen(state: State) -> Outcome:
    """``screen [-dm] [-S NAME] CMD …`` runs the command; ``-X`` sends one to a session."""
    opts = parse_options(state.argv[1:], _SCREEN)
    if opts.has("X"):
        return Unwrapped(None, unknown="screen -X drives a session: what runs is unknown")
    index = take_assignments(state, len(state.argv) - len(opts.rest))
    if index >= len(state.argv):
        return Unwrapped(None, unknown="screen without a command: an interactive shell")
    state.wrappers.append("screen")
    state.drop(index)
    return Step.GO_ON


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


def _runner(state: State) -> Outcome:
    """``uv run CMD``, ``bundle exec CMD``, ``direnv exec DIR CMD``…: the command runs."""
    tool = basename(state.argv[0])
    sub, before = _RUNNERS[tool]
    if sub not in state.argv[1:]:
        return Step.STOP
    start = state.argv.index(sub, 1) + 1
    opts = parse_options(state.argv[start:], _RUNNER_OPTIONS)
    index = take_assignments(state, len(state.argv) - len(opts.rest) + before)
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
    return Step.GO_ON


# The option of a runner that changes the directory the command runs in.
_RUNNER_DIRECTORY = {"uv": "directory", "conda": "C", "mamba": "C", "micromamba": "C", "mise": "C"}


# ``ip``'s options that take a value, as the shortest spelling ip takes for each (it takes any
# prefix of the name that is not another's).
_IP_VALUED = ("l", "f", "rc", "n")
_IP_VALUED_NAMES = ("loops", "family", "rcvbuf", "netns")


def _ip(state: State) -> Outcome:
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
        return Step.STOP
    what, sub = args[i].lower(), args[i + 1].lower()
    runs = bool(sub) and "exec".startswith(sub)
    place = "netns" if len(what) >= 3 and "netns".startswith(what) else "vrf"
    if not runs or not (place == "netns" or "vrf".startswith(what)):
        return Step.STOP
    name_at = 1 + i + 2  # index in argv of the namespace's name (none with -all)
    start = name_at if every and place == "netns" else name_at + 1
    if start >= len(state.argv):
        return Unwrapped(None, unknown=f"ip {place} exec without a command")
    label = f"ip-{place}:{'*' if start == name_at else state.argv[name_at]}"
    state.wrappers.append(label)
    state.drop(start)
    return Step.GO_ON


SPECIAL = {
    "ip": _ip,
    "runuser": _runuser,
    "sg": _sg,
    "script": _script,
    "tmux": _tmux,
    "screen": _screen,
    **dict.fromkeys(_RUNNERS, _runner),
    "su": _su,
    "xargs": xargs,
    "parallel": parallel,
    "flock": _flock,
    "docker": container_exec,
    "podman": container_exec,
    "nerdctl": container_exec,
    "kubectl": kubectl_exec,
    "oc": kubectl_exec,
}
