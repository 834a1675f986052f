"""How a cobra program (kubectl, helm) reads its flags: the :class:`FlagSet` a verb takes, and
where cobra finds the verb among flags it does not know yet (:func:`command_index`).

Split out of :mod:`._kube_flags` so that the parse both tools share sits apart from the long
tables of each tool's flags (kubectl's in :mod:`._kube_flags`, helm's in :mod:`._helm_flags`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FlagSet:
    """The flags a tool's verb takes: long names taking a value, long names taking none (or an
    optional one after ``=``), and short spellings (``-n`` -> ``--namespace``)."""

    values: frozenset[str]
    booleans: frozenset[str]
    aliases: Mapping[str, str]

    def merged(self, other: FlagSet) -> FlagSet:
        """Both sets of flags (a verb's own and the tool's global ones)."""
        return FlagSet(
            self.values | other.values,
            self.booleans | other.booleans,
            {**self.aliases, **other.aliases},
        )


def _flag_set(values: str, booleans: str, shorts: str) -> FlagSet:
    """A FlagSet from blank-separated long names (without ``--``) and ``x=long`` shorts."""
    aliases = dict(pair.split("=") for pair in shorts.split())
    return FlagSet(
        frozenset(f"--{n}" for n in values.split()),
        frozenset(f"--{n}" for n in booleans.split()),
        {f"-{short}": f"--{long}" for short, long in aliases.items()},
    )


def command_index(args: tuple[str, ...] | list[str], *, root: FlagSet) -> int | None:
    """The index in ``args`` of the verb cobra runs, or None: the first word that is neither a
    flag nor the word after a flag not among ``root``'s booleans (cobra's ``stripFlags``: any
    other ``--flag`` or ``-f`` without ``=`` is taken to have its value in the next word)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None
        if arg.startswith("-") and "=" not in arg and (arg.startswith("--") or len(arg) == 2):
            long = root.aliases.get(arg, arg)
            i += 1 if long in root.booleans else 2
            continue
        if arg and not arg.startswith("-"):
            return i
        i += 1
    return None
