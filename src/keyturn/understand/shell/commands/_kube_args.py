"""Command-line parsing shared by the kubectl and helm handlers: flags vs. positional words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from keyturn.understand.shell.commands._kube_flags import FlagSet, command_index


@dataclass(frozen=True, slots=True)
class ParsedArgs:
    """Positional words and flags (long name -> values given; booleans get ``"true"``).

    Everything after a bare ``--`` is in ``rest`` (the command ``kubectl exec`` runs).
    ``unknown``: flags the tool's verb is not known to take, each followed by a word that may
    be its value -- which words are the verb's own is then not known.
    """

    words: tuple[str, ...]
    flags: dict[str, list[str]] = field(default_factory=dict)
    rest: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    def value(self, name: str) -> str | None:
        """The last value given for flag ``name``."""
        values = self.flags.get(name)
        return values[-1] if values else None

    def has(self, name: str) -> bool:
        """Whether boolean flag ``name`` is set (and not ``=false``)."""
        value = self.value(name)
        return value is not None and value.lower() != "false"


def parse_args(
    args: Iterable[str],
    *,
    value_flags: frozenset[str],
    aliases: dict[str, str],
    booleans: frozenset[str] | None = None,
) -> ParsedArgs:
    """Split ``args`` into words and flags. ``value_flags`` take the next word as value unless
    given as ``--flag=value``; short flags in ``aliases`` may carry their value attached
    (``-nprod``). With ``booleans`` (the flags known to take no value), short flags may be
    grouped as the tools take them (``-it``), and a flag in neither set that is followed by a
    word is noted in :attr:`ParsedArgs.unknown`."""
    words: list[str] = []
    flags: dict[str, list[str]] = {}
    unknown: list[str] = []
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        i += 1
        if arg == "--":
            return ParsedArgs(tuple(words), flags, tuple(items[i:]), tuple(unknown))
        if not arg.startswith("-") or arg == "-":
            words.append(arg)
            continue
        if booleans is not None and not arg.startswith("--") and len(arg) > 2:
            i = _short_group(arg, items, i, FlagSet(value_flags, booleans, aliases), flags, unknown)
            continue
        name, eq, value = arg.partition("=")
        if not eq and not arg.startswith("--") and len(arg) > 2 and arg[:2] in value_flags:
            name, value, eq = arg[:2], arg[2:], "="
        name = aliases.get(name, name)
        if not eq:
            if name in value_flags and i < len(items):
                value = items[i]
                i += 1
            else:
                value = "true"
                known = booleans is None or name in booleans or name in value_flags
                if not known and i < len(items) and _may_be_value(items[i]):
                    unknown.append(name)
        flags.setdefault(name, []).append(value)
    return ParsedArgs(tuple(words), flags, (), tuple(unknown))


def _may_be_value(word: str) -> bool:
    return word == "-" or not word.startswith("-")


def _short_group(
    arg: str,
    items: list[str],
    i: int,
    known: FlagSet,
    flags: dict[str, list[str]],
    unknown: list[str],
) -> int:
    """Read ``-abc`` as pflag does: booleans one by one until a flag taking a value, whose value
    is the rest of the word (after an optional ``=``) or else the next word. The index after
    what was read."""
    letters = arg[1:]
    for at, letter in enumerate(letters):
        name = known.aliases.get(f"-{letter}", f"-{letter}")
        rest = letters[at + 1 :]
        if name in known.values:
            if rest:
                flags.setdefault(name, []).append(rest.removeprefix("="))
                return i
            if i < len(items):
                flags.setdefault(name, []).append(items[i])
                return i + 1
            flags.setdefault(name, []).append("true")
            return i
        if rest.startswith("="):
            flags.setdefault(name, []).append(rest[1:])
            return i
        if name not in known.booleans:
            # Not a flag of the verb: pflag fails; a newer release's may take the rest as value.
            unknown.append(name)
            return i
        flags.setdefault(name, []).append("true")
    return i


def parse_command(args: Iterable[str], *, root: FlagSet, verbs: dict[str, FlagSet]) -> ParsedArgs:
    """``args`` of a cobra tool (kubectl, helm): the verb found as cobra finds it
    (:func:`~._kube_flags.command_index`, with the tool's global flags ``root``), then every
    word read with that verb's flags (``verbs``; a verb not listed takes the global ones).
    ``words[0]`` is the verb (none: no word at all)."""
    items = list(args)
    at = command_index(items, root=root)
    if at is None:
        known = root
        verb: tuple[str, ...] = ()
    else:
        known = verbs.get(items[at], root)
        verb = (items.pop(at),)
    parsed = parse_args(
        items, value_flags=known.values, aliases=dict(known.aliases), booleans=known.booleans
    )
    return ParsedArgs(verb + parsed.words, parsed.flags, parsed.rest, parsed.unknown)
