"""The words of an ``aws`` command line, read the way the CLI's argparse reads them.

Options may be abbreviated to any prefix that only one option starts (``--prof`` is
``--profile``): first among the global options, anywhere on the line, then among the
command's; a prefix several options start with is refused by the CLI (:class:`AmbiguousOption`).
Words decided at run time are tracked by index (:class:`RunTimeWords`): one that bash may split,
or that may start with ``-``, may stand for more options.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from keyturn.understand.shell.registry import SimpleCommand

# Global options that take a value / that do not: awscli v1's ``data/cli.json`` options, and the
# v2 additions (``--cli-binary-format``, ``--no-cli-pager``, ``--cli-auto-prompt``).
GLOBAL_VALUE_OPTIONS = frozenset(
    {
        "--profile",
        "--region",
        "--endpoint-url",
        "--output",
        "--query",
        "--color",
        "--ca-bundle",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--cli-binary-format",
    }
)
GLOBAL_FLAGS = frozenset(
    {
        "--debug",
        "--v2-debug",
        "--no-verify-ssl",
        "--no-paginate",
        "--no-cli-pager",
        "--no-sign-request",
        "--cli-auto-prompt",
        "--no-cli-auto-prompt",
        "--version",
    }
)
_GLOBAL_OPTIONS = GLOBAL_VALUE_OPTIONS | GLOBAL_FLAGS

# A word bash keeps as one word whatever its value: one double-quoted string without ``$@`` or
# ``${a[@]}`` (which expand to several), after an optional ``--name=``.
_ONE_WORD = re.compile(r'(?:--[A-Za-z0-9-]+=)?"[^"@]*"')


class UnreadableInput(Exception):
    """A ``file://`` parameter or input file that cannot be read or parsed."""


class AmbiguousOption(UnreadableInput):
    """An abbreviated option that several options start with."""


def resolve_option(name: str, options: Collection[str]) -> str | None:
    """The option ``name`` (``--prof``) stands for: itself when it is one, else the only one it
    starts (argparse's abbreviations, on in the AWS CLI); None when it starts none. Raises
    AmbiguousOption when it starts several: the CLI refuses it, and which ones exist differs
    between CLI versions."""
    if name in options:
        return name
    if len(name) < 3 or not name.startswith("--"):
        return None
    found = sorted(o for o in options if o.startswith(name))
    if len(found) > 1:
        raise AmbiguousOption(f"{name} is short for several options ({', '.join(found[:4])})")
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class RunTimeWords:
    """Which words of a list are decided at run time (``dynamic``), and which of those bash may
    split into several words (``splits``: an unquoted ``$X``, ``"$@"``), by index."""

    dynamic: frozenset[int] = frozenset()
    splits: frozenset[int] = frozenset()

    def shifted(self, by: int) -> RunTimeWords:
        """The same words, indexed in the list that starts ``by`` words later."""
        return RunTimeWords(
            frozenset(i - by for i in self.dynamic if i >= by),
            frozenset(i - by for i in self.splits if i >= by),
        )

    def names_option(self, index: int, word: str) -> bool:
        """Whether word ``index`` is an option whose name is written out: ``--x`` or
        ``--x=$VALUE`` (only the value decided at run time), not ``--$NAME``."""
        if not word.startswith("--"):
            return False
        name, eq, _ = word.partition("=")
        return index not in self.dynamic or (bool(eq) and not any(c in name for c in "$`{"))

    def loose(self, index: int, text: str, *, bound: bool) -> bool:
        """Whether word ``index`` (``text``) may stand for options: decided at run time, and
        either split into several words or, when not the value of an option taking exactly one
        (``bound``; argparse refuses an option there), able to start with ``-``."""
        if index not in self.dynamic:
            return False
        return index in self.splits or (not bound and could_start_option(text))


NO_RUN_TIME_WORDS = RunTimeWords()


def could_start_option(text: str) -> bool:
    """Whether a word decided at run time can begin with ``-``: its known start is empty."""
    return text[:1] in ("-", "$", "`", "{", "")


def run_time_words(cmd: SimpleCommand) -> RunTimeWords:
    """The run-time words of ``cmd.args`` (argv without the program)."""
    dynamic = frozenset(i - 1 for i in cmd.dynamic_words if i > 0)
    if not dynamic:
        return NO_RUN_TIME_WORDS
    raw = cmd.raw_argv if len(cmd.raw_argv) == len(cmd.argv) else ()
    splits = frozenset(i for i in dynamic if not raw or not _ONE_WORD.fullmatch(raw[i + 1]))
    return RunTimeWords(dynamic, splits)


@dataclass(slots=True)
class AwsCommandLine:
    """An ``aws`` command line split into its parts.

    ``run_time`` indexes ``words``; ``run_time_globals`` are the global options whose value is
    decided at run time; ``loose`` says a run-time word among the global options' values may
    stand for more words, the first of them after ``loose_at`` of ``words`` (before the
    service or operation, those may be among them)."""

    globals: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)
    run_time: RunTimeWords = field(default_factory=RunTimeWords)
    run_time_globals: set[str] = field(default_factory=set)
    loose: bool = False
    loose_at: int = 0


def split_command_line(
    args: tuple[str, ...], run_time: RunTimeWords = NO_RUN_TIME_WORDS
) -> AwsCommandLine:
    """Pull the global options (allowed anywhere on the line, abbreviated or not) out of the
    arguments. Raises AmbiguousOption for an abbreviation several global options share."""
    line = AwsCommandLine()
    dynamic: set[int] = set()
    splits: set[int] = set()
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, inline = word.partition("=")
        named = run_time.names_option(i, word)
        option = resolve_option(name, _GLOBAL_OPTIONS) if named else None
        if option in GLOBAL_VALUE_OPTIONS:
            value_at = i if eq else i + 1
            if value_at < len(args):
                line.globals[option] = inline if eq else args[value_at]
                if value_at in run_time.dynamic:
                    line.run_time_globals.add(option)
                    if value_at in run_time.splits and not line.loose:
                        line.loose, line.loose_at = True, len(line.words)
                else:
                    line.run_time_globals.discard(option)
            i = value_at
        elif option is not None:
            line.flags.add(option)
        else:
            if i in run_time.dynamic:
                dynamic.add(len(line.words))
            if i in run_time.splits:
                splits.add(len(line.words))
            line.words.append(word)
        i += 1
    line.run_time = RunTimeWords(frozenset(dynamic), frozenset(splits))
    return line


def parse_value(text: str) -> Any:
    """A CLI value: JSON when it looks like JSON, else the text itself."""
    stripped = text.strip()
    if stripped[:1] in ("{", "[", '"'):
        try:
            return json.loads(stripped)
        except ValueError:
            return text
    return text


def as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    """``value`` when it is a JSON object; raises UnreadableInput otherwise."""
    if not isinstance(value, Mapping):
        raise UnreadableInput(f"{what}: expected a JSON object")
    return value
