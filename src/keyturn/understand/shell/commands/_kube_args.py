"""Command-line parsing shared by the kubectl and helm handlers: flags vs. positional words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ParsedArgs:
    """Positional words and flags (long name -> values given; booleans get ``"true"``).

    Everything after a bare ``--`` is in ``rest`` (the command ``kubectl exec`` runs).
    """

    words: tuple[str, ...]
    flags: dict[str, list[str]] = field(default_factory=dict)
    rest: tuple[str, ...] = ()

    def value(self, name: str) -> str | None:
        """The last value given for flag ``name``."""
        values = self.flags.get(name)
        return values[-1] if values else None

    def has(self, name: str) -> bool:
        """Whether boolean flag ``name`` is set (and not ``=false``)."""
        value = self.value(name)
        return value is not None and value.lower() != "false"


def parse_args(
    args: Iterable[str], *, value_flags: frozenset[str], aliases: dict[str, str]
) -> ParsedArgs:
    """Split ``args`` into words and flags. ``value_flags`` take the next word as value unless
    given as ``--flag=value``; short flags in ``aliases`` may carry their value attached
    (``-nprod``)."""
    words: list[str] = []
    flags: dict[str, list[str]] = {}
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        i += 1
        if arg == "--":
            return ParsedArgs(tuple(words), flags, tuple(items[i:]))
        if not arg.startswith("-") or arg == "-":
            words.append(arg)
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
        flags.setdefault(name, []).append(value)
    return ParsedArgs(tuple(words), flags)
