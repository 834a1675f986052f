"""Everyday commands that only read (``ls``, ``cat``, ``grep``…) or only create (``mkdir``).

A reading command names the files it reads (``file:/abs/path``), so that a policy can still
deny reading ``file:/etc/shadow``; one that reads no named file is named ``shell:<program>``.

Some of them write or run after all: ``sort -o FILE``, ``uniq IN OUT``, ``less -o FILE``,
``man -H BROWSER``, ``hash -p PATH NAME`` (the name runs PATH from then on; the options of the
reading tools: :mod:`._reader_options`), and the bash builtins that take a variable name or an
arithmetic expression (``let``, ``printf -v``, ``read``, ``test -v``, ``declare``): bash expands
an array subscript in them once more, so ``let 'a[$(rm -rf /)]=1'`` runs ``rm``
(:mod:`._builtin_evaluation`). Which programs are handled here, and how their words are read,
is :mod:`._basic_programs`.

awk, a reader whose program may run commands, has a module of its own (:mod:`.awk`).
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._basic_programs import (
    _FILE_READERS,
    _GREP,
    _HARMLESS,
    _PATTERN_READERS,
    _TREE_READERS,
)
from keyturn.understand.shell.commands._builtin_evaluation import (
    _REEVALUATING,
    _evaluated_words,
    _expanded_again,
    _may_evaluate,
    _reached_indirectly,
)
from keyturn.understand.shell.commands._reader_options import reader_option_effects, reader_spec
from keyturn.understand.shell.commands._reader_writes import reader_writes
from keyturn.understand.shell.commands._variable_names import keyturn_variables
from keyturn.understand.shell.effects import (
    command_effect,
    directory_tree,
    file_effect,
    file_path,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command


@command(*_HARMLESS)
def harmless(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Commands that read the machine's state and change nothing."""
    if cmd.name == "man" and parse_options(cmd.args, _MAN).has("P", "H", "C"):
        # The pager or browser man runs (``-P``, ``-H``) is a command of its own, and its
        # config file (``-C``) names the programs it runs: not judged here.
        return None
    if cmd.name == "hash" and parse_options(cmd.args, _HASH).has("p"):
        # ``hash -p /bin/rm ls``: ``ls`` runs /bin/rm for the rest of the session, which no
        # later command's name tells.
        reason = "hash -p makes a command name run another program from now on"
        return [unknown_effect(cmd, reason, ctx)]
    if _changes_the_machine(cmd):
        return None  # setting the clock, the host name or the network: not judged here
    again = _expanded_again(_evaluated_words(cmd), cmd, ctx)
    named = keyturn_variables(cmd, ctx, _evaluated_words(cmd))
    written = reader_writes(cmd, ctx)  # ``history -w FILE``, ``blkid -c FILE``
    if cmd.name in _REEVALUATING and _reached_indirectly(cmd) and _may_evaluate(cmd):
        # ``builtin declare -a 'a=($(rm …))'``, ``\declare``, ``$d``: bash parses a plain
        # command, yet the builtin evaluates its words again as a declaration does
        # (:mod:`.._declarations` reads only the grammar's declarations): what the subscripts
        # run is judged above, a compound value or a reference is not.
        reason = f"{cmd.name} reached as a plain command evaluates its words again"
        written = [*written, unknown_effect(cmd, reason, ctx)]
    return [command_effect(EffectKind.READ, cmd, ctx), *again, *named, *written]


_MAN = OptionSpec(
    valued="CDELMPRSempr",
    long={
        "pager": "P",
        "html": "H",
        "config-file": "C",
        "locale": "L",
        "systems": "m",
        "manpath": "M",
        "sections": "S",
        "extension": "e",
        "preprocessor": "p",
        "prompt": "r",
        "encoding": "E",
        "recode": "R",
    },
    other_long=frozenset(
        {"all", "apropos", "ascii", "catman", "debug", "default", "ditroff", "global-apropos"}
        | {"gxditview", "help", "ignore-case", "local-file", "location", "location-cat"}
        | {"match-case", "names-only", "nh", "nj", "no-hyphenation", "no-justification"}
        | {"no-subpages", "path", "regex", "troff", "troff-device", "update", "usage"}
        | {"version", "warnings", "whatis", "where", "where-cat", "wildcard"}
    ),
)
_HASH = OptionSpec(valued="pt")


@command("alias")
def alias(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``alias NAME=VALUE``: from the next line read on (or in a shell session that lives on),
    ``NAME`` runs ``VALUE``, which is judged as the command it is (``alias ls='rm -rf /'``)."""
    effects = [command_effect(EffectKind.READ, cmd, ctx)]
    for arg in cmd.args:
        _, equals, value = arg.partition("=")
        if equals:
            effects.extend(runs_command(value, "an alias", cmd, ctx))
    return effects


def _changes_the_machine(cmd: SimpleCommand) -> bool:
    """The forms of these reading commands that change the machine: ``date -s``, ``hostname
    NAME``, ``ifconfig eth0 down`` (``ip``: :mod:`.iproute`; ``mount``: :mod:`.host`)."""
    operands = [a for a in cmd.args if not a.startswith("-")]
    if cmd.name == "date":
        return any(a in ("-s", "--set") or a.startswith(("--set=", "-s")) for a in cmd.args)
    if cmd.name == "hostname":
        return bool(operands) or any(a in ("-F", "--file", "-b", "--boot") for a in cmd.args)
    if cmd.name == "ifconfig":
        return len(operands) > 1
    return False


# less and more run the ``+`` command they are given at start: ``!`` runs a shell command and
# ``|`` pipes to one.
_STARTUP_COMMAND = re.compile(r"\+.*[!|]")


@command(*_FILE_READERS)
def file_reader(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Reading named files (``cat /etc/os-release``)."""
    if cmd.name in ("less", "more") and any(_STARTUP_COMMAND.match(a) for a in cmd.args):
        return None  # a startup command that runs a command: not judged here
    spec = reader_spec(cmd.name) or OptionSpec(valued=_FILE_READERS[cmd.name])
    if cmd.name == "diff":
        spec = OptionSpec(valued=spec.valued, long={"recursive": "r"})
    return _read(cmd, ctx, spec, skip=0)


@command(*_PATTERN_READERS)
def pattern_reader(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``grep PATTERN FILES``: the pattern is no file (unless given with ``-e``/``-f``)."""
    spec = _GREP if "grep" in cmd.name else OptionSpec(valued=_PATTERN_READERS[cmd.name])
    opts = parse_options(cmd.args, spec)
    skip = 0 if opts.has("e", "f") else 1
    return _read(cmd, ctx, spec, skip=skip)


def _reads_trees(cmd: SimpleCommand, opts: Options) -> bool:
    """Whether the reader reads each directory it is given with everything under it -- so
    that ``grep -r x ~`` reads what ``~/.keyturn`` holds as surely as ``cat`` of it would."""
    if cmd.name in _TREE_READERS:
        return True
    if "grep" in cmd.name:
        return opts.has("r", "R") or opts.value("d") == "recurse"
    return cmd.name == "diff" and opts.has("r")


def _read(cmd: SimpleCommand, ctx: ShellContext, spec: OptionSpec, *, skip: int) -> list[Effect]:
    opts = parse_options(cmd.args, spec)
    operands = [op for op in opts.operands[skip:] if op != "-"]
    if _reads_trees(cmd, opts):
        given = operands or ([] if cmd.stdin_text is not None or cmd.stdin_dynamic else ["."])
        paths = [n for op in given for n in directory_tree(file_path(op, ctx))]
        if paths:
            return [
                file_effect(EffectKind.READ, paths, cmd, ctx),
                *reader_option_effects(cmd, opts, ctx),
            ]
    also = reader_option_effects(cmd, opts, ctx)
    if cmd.name in ("xxd", "uniq") and len(operands) > 1:  # ``xxd IN OUT``, ``uniq IN OUT``
        also.append(write_effect(file_path(operands.pop(), ctx), cmd, ctx))
    if cmd.name == "yq" and ({"-i", "--inplace"} & set(cmd.args)) and operands:
        return [*(write_effect(file_path(p, ctx), cmd, ctx) for p in operands), *also]
    if not operands:
        return [command_effect(EffectKind.READ, cmd, ctx), *also]
    return [file_effect(EffectKind.READ, [file_path(p, ctx) for p in operands], cmd, ctx), *also]


@command("cd", "pushd")
def change_directory(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cd``: reads; a directory decided at run time leaves what follows unknown."""
    if any(i > 0 for i in cmd.dynamic_words):
        reason = "changes to a directory decided at run time: what follows is not judged"
        return [unknown_effect(cmd, reason, ctx)]
    operands = [a for a in cmd.args if not a.startswith("-")]
    paths = [file_path(operands[0], ctx)] if operands else [ctx.home]
    return [file_effect(EffectKind.READ, paths, cmd, ctx)]


@command("mkdir", "touch")
def creator(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mkdir``/``touch``: create (``touch`` of an existing file updates its times)."""
    valued = "m" if cmd.name == "mkdir" else "drt"
    opts = parse_options(cmd.args, OptionSpec(valued=valued, long={"mode": "m"}))
    if not opts.operands:
        return None
    effects = []
    for operand in opts.operands:
        path = file_path(operand, ctx)
        kind = EffectKind.UPDATE if ctx.files.exists(path) else EffectKind.CREATE
        effects.append(file_effect(kind, [path], cmd, ctx))
    return effects
