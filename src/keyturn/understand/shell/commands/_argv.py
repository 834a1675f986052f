"""Option parsing that keeps each value's position in argv, so a handler can tell whether the
value was decided at run time (``cmd.dynamic_words``) and in which order options came.

Used by the SQL, HTTP, cloud and runner handlers, whose options carry text to judge (``-c``
SQL, ``-d`` bodies) or names (``--project``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from keyturn.model import Effect
from keyturn.understand.shell.registry import SimpleCommand


@dataclass(frozen=True, slots=True)
class Arg:
    """One option value or operand, with its index in ``cmd.argv`` (flags have value ``""``)."""

    key: str
    value: str
    index: int


@dataclass(frozen=True, slots=True)
class Spec:
    """How a program spells options.

    - ``short``: short letters taking a value (``-c SQL``, ``-cSQL``).
    - ``attached``: short letters whose value only comes glued on (mysql ``-pSECRET``).
    - ``long``: long name -> key (unlisted long names are their own key).
    - ``long_valued``: keys (after ``long``) whose long form takes a value.
    - ``single_dash_long``: long names also spelled with one dash (``sqlite3 -cmd``).
    - ``stop_at_operand``: options end at the first operand (``redis-cli GET -x``).
    """

    short: str = ""
    attached: str = ""
    long: Mapping[str, str] = field(default_factory=dict)
    long_valued: frozenset[str] = frozenset()
    single_dash_long: frozenset[str] = frozenset()
    stop_at_operand: bool = False


@dataclass(frozen=True, slots=True)
class Parsed:
    """Options in command-line order (``options``) and operands."""

    options: tuple[Arg, ...]
    operands: tuple[Arg, ...]

    def all(self, *keys: str) -> list[Arg]:
        return [a for a in self.options if a.key in keys]

    def last(self, *keys: str) -> Arg | None:
        found = self.all(*keys)
        return found[-1] if found else None

    def has(self, *keys: str) -> bool:
        return any(a.key in keys for a in self.options)


def parse(cmd: SimpleCommand, spec: Spec, *, start: int = 1) -> Parsed:
    """Parse ``cmd.argv[start:]`` by ``spec``."""
    argv = cmd.argv
    options: list[Arg] = []
    operands: list[Arg] = []
    i = start
    while i < len(argv):
        word = argv[i]
        if word == "--":
            operands += [Arg("", argv[k], k) for k in range(i + 1, len(argv))]
            break
        if word.startswith("-") and len(word) > 1 and not (spec.stop_at_operand and operands):
            i = _option(argv, i, spec, options)
            continue
        if spec.stop_at_operand and not operands:
            operands += [Arg("", argv[k], k) for k in range(i, len(argv))]
            break
        operands.append(Arg("", word, i))
        i += 1
    return Parsed(tuple(options), tuple(operands))


def _option(argv: tuple[str, ...], i: int, spec: Spec, out: list[Arg]) -> int:
    word = argv[i]
    if word.startswith("--") or word[1:].split("=", 1)[0] in spec.single_dash_long:
        name, eq, value = word.lstrip("-").partition("=")
        key = spec.long.get(name, name)
        if eq:
            out.append(Arg(key, value, i))
            return i + 1
        if key in spec.long_valued or (len(key) == 1 and key in spec.short):
            out.append(Arg(key, argv[i + 1] if i + 1 < len(argv) else "", i + 1))
            return i + 2
        out.append(Arg(key, "", i))
        return i + 1
    for pos, letter in enumerate(word[1:], start=1):
        rest = word[pos + 1 :]
        if letter in spec.attached:
            out.append(Arg(letter, rest, i))
            return i + 1
        if letter in spec.short:
            if rest:
                out.append(Arg(letter, rest, i))
                return i + 1
            out.append(Arg(letter, argv[i + 1] if i + 1 < len(argv) else "", i + 1))
            return i + 2
        out.append(Arg(letter, "", i))
    return i + 1


def is_dynamic(cmd: SimpleCommand, arg: Arg) -> bool:
    """Whether the word holding ``arg`` is decided at run time."""
    return arg.index in cmd.dynamic_words


def with_command(effects: Iterable[Effect], cmd: SimpleCommand) -> list[Effect]:
    """``effects`` with the command text ``command:`` rules match filled in."""
    return [e if e.command else replace(e, command=cmd.text or None) for e in effects]


def setting(cmd: SimpleCommand, env: Mapping[str, str], name: str) -> str | None:
    """A variable set on the line (``PGHOST=x psql``) or in the environment."""
    value = cmd.assignments.get(name)
    return value if value is not None else env.get(name)
