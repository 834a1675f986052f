"""Wrappers that add to the command the arguments they read from their input: ``xargs`` and
``parallel``, looked up by :mod:`._special_wrappers` with the other wrappers of their own.

Known input (``echo / | xargs rm -rf``, ``parallel rm -rf ::: /``) is put in as the words it
becomes -- split as xargs splits it (blanks and quotes, ``-0``, ``-d``), one line in place of
``-I``'s string, each ``:::`` value in turn, or each value as a command line when ``parallel``
has no command; input not known is one word decided at run time.
"""

from __future__ import annotations

import shlex

from keyturn.understand.shell._wrapper_state import (
    STDIN_WORD,
    Outcome,
    State,
    Step,
    Unwrapped,
    as_shell,
)
from keyturn.understand.shell.escapes import decode_ansi_c
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options


def xargs(state: State) -> Outcome:
    """``xargs [OPTIONS] COMMAND…``: the command with the arguments read from its input."""
    spec = OptionSpec(
        valued="ILnPsdEa",
        # ``--replace`` takes its string only as ``--replace=R`` (alone it is ``-i``: ``{}``);
        # the next word is the command (``xargs --replace rm -rf {}``).
        long={"replace": "i", "max-args": "n", "max-procs": "P", "delimiter": "d", "null": "0"},
        long_valued=frozenset({"n", "P", "d"}),
        stop_at_operand=True,
    )
    args, attached = _attached_replace(state.argv[1:])
    opts = parse_options(args, spec)
    index = len(state.argv) - len(opts.rest)
    replace_str = (
        opts.value("I") or attached or opts.value("i") or ("{}" if opts.has("i") else None)
    )
    state.wrappers.append("xargs")
    if index >= len(state.argv):
        state.argv[:], state.raw[:], state.dynamic[:] = ["echo"], ["echo"], [False]
        return Step.GO_ON
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
        return Step.GO_ON
    known = _input_items(state.stdin_text, opts) if not opts.has("a") else None
    if known is None:
        state.argv.append(STDIN_WORD)
        state.raw.append(STDIN_WORD)
        state.dynamic.append(True)
    else:
        # The text piped in is known (`echo / | xargs rm -rf`): its words are the arguments.
        state.argv.extend(known)
        state.raw.extend(known)
        state.dynamic.extend(False for _ in known)
    return Step.GO_ON


# xargs's short options that take no value: an ``i`` after them in a cluster is ``-i``.
_XARGS_FLAGS = frozenset("0prtx")
_XARGS_VALUED = frozenset({"I", "L", "n", "P", "s", "d", "E", "a"})


def _attached_replace(args: list[str]) -> tuple[list[str], str | None]:
    """``args`` with a replace string written against ``-i`` taken out (``-iX``: X, not
    ``{}``), and that string."""
    out = list(args)
    value_next = False
    for at, arg in enumerate(args):
        if value_next:  # the value of ``-n 1``, ``-I {}``...
            value_next = False
            continue
        if arg == "--" or not arg.startswith("-"):
            break  # the command
        cluster = arg[1:]
        if arg.startswith("--") or cluster in _XARGS_VALUED:
            value_next = cluster in _XARGS_VALUED
            continue
        cut = cluster.find("i")
        if cut >= 0 and set(cluster[:cut]) <= _XARGS_FLAGS and cluster[cut + 1 :]:
            out[at] = "-" + cluster[: cut + 1]
            return out, cluster[cut + 1 :]
    return out, None


def _one_plain_line(text: str | None) -> str | None:
    """The one input line of ``text`` (blanks around it dropped, as xargs -I does), when there
    is exactly one and xargs would take it as it is (no quotes or backslashes)."""
    if text is None:
        return None
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) != 1 or any(c in lines[0] for c in "'\"\\"):
        return None
    return lines[0]


def _input_items(text: str | None, opts: Options) -> list[str] | None:
    """xargs's arguments from literal stdin text: split at NULs (``-0``), at the delimiter
    (``-d '\\n'``), else into blank-separated words."""
    if text is None:
        return None
    if opts.has("0"):
        items = text.split("\0")
    elif opts.value("d") is not None:
        delimiter = decode_ansi_c(opts.value("d") or "")
        if len(delimiter) != 1:
            return None
        items = text.split(delimiter)
    else:
        return _stdin_words(text)
    return items[:-1] if items and not items[-1] else items


def _stdin_words(text: str | None) -> list[str] | None:
    """xargs's arguments from literal stdin text (blank-separated, quotes honoured)."""
    if text is None:
        return None
    try:
        return shlex.split(text)
    except ValueError:
        return None


def parallel(state: State) -> Outcome:
    """``parallel [OPTIONS] [COMMAND…] [::: VALUES]``: the command over each value, or each
    value (each input line) as a command line when no command is given."""
    args = state.argv[1:]
    end = next((i for i, a in enumerate(args) if a in (":::", "::::", ":::+")), len(args))
    start = 0
    while start < end and args[start].startswith("-"):
        start += 2 if args[start] in ("-j", "-S", "--jobs", "-X", "--sshlogin") else 1
    command = args[start:end]
    state.wrappers.append("parallel")
    if not command:
        # Without a command each argument after ``:::`` (else each input line) is a command
        # line (``parallel ::: 'rm -rf /'``, ``echo 'rm -rf /' | parallel``).
        lines = _parallel_command_lines(args, end, state.stdin_text)
        if lines is None:
            return Unwrapped(None, unknown="parallel runs commands read from its input")
        return as_shell(state, len(state.argv), "parallel", text=lines)
    if len(command) == 1 and " " in command[0]:
        return as_shell(state, start + 1, "parallel", text=command[0])
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
    return Step.GO_ON


def _parallel_command_lines(args: list[str], end: int, stdin_text: str | None) -> str | None:
    """The command lines ``parallel`` runs when given no command: the words of one ``:::``
    group, or the known input; ``None`` when they are not known (several groups are combined,
    ``::::`` reads files)."""
    if end < len(args):
        values = args[end + 1 :]
        if args[end] != ":::" or any(v in (":::", "::::", ":::+", "::::+") for v in values):
            return None
        return "\n".join(values)
    return stdin_text
