"""The AWS CLI's own aliases (``~/.aws/cli/alias``) and the home directory it reads them under.

The CLI reads ``$HOME/.aws/cli/alias`` (an INI file, botocore's ``raw_config_parse``) before it
parses a command, and puts every name of its ``[toplevel]`` section in its command table --
over a built-in service of that name too (awscli ``alias.py``: ``inject_aliases`` sets
``command_table[alias_name]``). So ``aws sts`` may run ``rds delete-db-instance …``:

- ``name = WORDS``: the CLI runs ``aws WORDS`` followed by the line's own words (the alias's
  global options override the line's; ``--profile`` there is refused, so the line's stands);
  an alias may name another alias, or the built-in it shadows.
- ``name = !TEXT``: the CLI hands ``TEXT`` and the line's words to a shell.
- v2 also reads ``[command SERVICE]`` sections: aliases of that service's operations.

A file that exists but cannot be read or parsed, or that the line itself rewrote in a way not
known, makes every ``aws`` command ``unknown``: any word may be an alias in it.
"""

from __future__ import annotations

import configparser
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace

from keyturn.understand.shell.commands._aws_cli_words import (
    AwsCommandLine,
    RunTimeWords,
    split_command_line,
)
from keyturn.understand.shell.commands._home import command_home, home_moved
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

ALIAS_FILE = ".aws/cli/alias"
_ALIAS_LIMIT = 256_000
# Wrappers that run the command with another user's home (sudo's env_reset sets HOME).
_OTHER_HOME_WRAPPERS = ("sudo", "doas")


@dataclass(frozen=True, slots=True)
class UnreadableAliases:
    """The alias file that may apply cannot be read: why."""

    reason: str


@dataclass(frozen=True, slots=True)
class ShellAlias:
    """A ``!`` alias: the shell line the CLI runs (``None`` when its words are not known)."""

    text: str | None


@dataclass(frozen=True, slots=True)
class ServiceAlias:
    """A plain alias: the command ``line`` the CLI runs instead; ``shadows`` when the alias
    names itself first (it then runs the built-in of that name, not itself again)."""

    line: AwsCommandLine
    shadows: bool


Expansion = ServiceAlias | ShellAlias | UnreadableAliases


def home_changed(cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether the command runs with another home directory than the caller's: the line sets
    ``HOME``/``USERPROFILE``, or a wrapper (``sudo``) resets it."""
    if any(w.split(":")[0] in _OTHER_HOME_WRAPPERS for w in cmd.wrappers):
        return True
    if "USERPROFILE" in cmd.assignments:
        return True
    return "HOME" in cmd.assignments and home_moved(cmd, ctx)


def alias_expansions(
    cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine
) -> list[Expansion]:
    """What the aliases that may apply make of ``line`` (empty: none applies)."""
    homes: list[str | None] = [command_home(cmd, ctx)]
    if any(w.split(":")[0] in _OTHER_HOME_WRAPPERS for w in cmd.wrappers):
        homes.append("/root")  # sudo's HOME: the target user's (root's unless -u says)
    found: list[Expansion] = []
    for home in dict.fromkeys(homes):
        if home is None:
            found.append(UnreadableAliases("the home directory (HOME) is decided at run time"))
            continue
        sections = _alias_sections(f"{home.rstrip('/')}/{ALIAS_FILE}", ctx)
        if isinstance(sections, UnreadableAliases):
            found.append(sections)
        elif sections:
            expanded = _expanded(line, sections)
            if expanded is not None:
                found.append(expanded)
    return found


def _alias_sections(
    path: str, ctx: ShellContext
) -> Mapping[str, Mapping[str, str]] | UnreadableAliases:
    """The sections of the alias file at ``path`` (empty when there is none)."""
    wrote, _ = written_text(ctx.written, path) if ctx.written else (False, None)
    text = one_text_on_line(path, ctx, limit=_ALIAS_LIMIT)
    if text is None:
        if wrote or ctx.files.exists(path) or ctx.files.is_dir(path):
            return UnreadableAliases(f"the AWS CLI alias file {path} cannot be read")
        return {}
    parser = configparser.RawConfigParser()  # botocore's raw_config_parse: names lowercased
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        return UnreadableAliases(f"the AWS CLI alias file {path} cannot be parsed: {exc}")
    return {
        section: {k: v.strip() for k, v in parser.items(section)} for section in parser.sections()
    }


def _expanded(line: AwsCommandLine, sections: Mapping[str, Mapping[str, str]]) -> Expansion | None:
    """``line`` with the alias its words name replaced, or None when none is named."""
    words = line.words
    toplevel = sections.get("toplevel", {})
    if words and words[0] in toplevel:
        return _replaced(line, 0, toplevel[words[0]])
    for section, aliases in sections.items():
        scope = section.split()
        if scope[:1] != ["command"] or len(scope) < 2:
            continue
        at = len(scope) - 1  # ``[command ec2]``: an alias of an operation of ec2
        if words[:at] == scope[1:] and len(words) > at and words[at] in aliases:
            return _replaced(line, at, aliases[words[at]])
    return None


def _replaced(line: AwsCommandLine, at: int, value: str) -> Expansion:
    """``line`` with word ``at`` (an alias) replaced by the alias's ``value``."""
    after = line.words[at + 1 :]
    if value.startswith("!"):
        if any(i > at for i in line.run_time.dynamic):
            return ShellAlias(None)
        return ShellAlias(" ".join([value[1:], *(shlex.quote(w) for w in after)]))
    try:
        alias_words = [w.strip("\n") for w in shlex.split(value)]
        alias = split_command_line(tuple(alias_words))
    except ValueError:
        return UnreadableAliases(f"the alias {line.words[at]!r} cannot be split into words")
    except Exception as exc:  # AmbiguousOption: the CLI refuses the alias
        return UnreadableAliases(f"the alias {line.words[at]!r}: {exc}")
    grown = len(alias.words) - 1

    def moved(indexes: frozenset[int]) -> frozenset[int]:
        return frozenset(i if i < at else i + grown for i in indexes if i != at)

    # The alias cannot change the profile (the CLI refuses ``--profile`` in one): the line's.
    alias_globals = {k: v for k, v in alias.globals.items() if k != "--profile"}
    expanded = replace(
        line,
        globals={**line.globals, **alias_globals},
        flags=line.flags | alias.flags,
        words=[*line.words[:at], *alias.words, *after],
        run_time=RunTimeWords(moved(line.run_time.dynamic), moved(line.run_time.splits)),
        run_time_globals=line.run_time_globals - set(alias_globals),
        loose_at=line.loose_at if line.loose_at <= at else line.loose_at + grown,
    )
    return ServiceAlias(expanded, shadows=alias.words[:1] == [line.words[at]])
