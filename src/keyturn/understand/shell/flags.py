"""Command-line options as sets: ``rm -fr`` = ``rm -rf`` = ``rm -r -f`` = ``rm --recursive -f``.

:class:`OptionSpec` describes one program's options (which short letters take a value, which
long names mean which short letter); :func:`parse_options` splits argv into flags, option values
and operands; :func:`canonical_argv` rewrites argv so that equal option sets are spelled alike
(the text ``command:`` rules match and the digest's subject). A long option may be abbreviated
as the program allows (``chmod --recurs`` is ``chmod -R``): :func:`long_key`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """How one program spells its options.

    - ``valued``: short letters that take a value (``-n 5`` / ``-n5``).
    - ``long``: long name -> canonical key (a short letter, or the long name itself).
    - ``long_valued``: long names (canonical keys) that take a value (``--to=x`` / ``--to x``).
    - ``order``: the preferred order of short letters in the canonical cluster (``rf`` puts
      ``-r`` before ``-f`` so that ``rm -fr`` reads ``rm -rf``).
    - ``aliases``: short letter -> canonical letter (``R`` -> ``r`` for ``rm``).
    - ``stop_at_operand``: options end at the first operand (``ssh``, ``xargs``, wrappers).
    - ``other_long``: the program's other long names, which need no key of their own: they
      only make an abbreviation ambiguous (``sort --c`` is ``--check`` or
      ``--compress-program``: neither).
    - ``abbreviations``: whether the program takes a long name abbreviated, as GNU
      ``getopt_long`` (and git, and Python's argparse) do: ``--recurs`` is ``--recursive`` when
      no other long name the spec knows starts with ``recurs`` (:func:`long_key`). Go's flag
      packages do not (an abbreviation is an error there).
    """

    valued: str = ""
    long: Mapping[str, str] = field(default_factory=dict)
    long_valued: frozenset[str] = frozenset()
    order: str = ""
    aliases: Mapping[str, str] = field(default_factory=dict)
    stop_at_operand: bool = False
    other_long: frozenset[str] = frozenset()
    abbreviations: bool = True


def long_key(name: str, spec: OptionSpec) -> str:
    """The key of the long option spelled ``name`` (without ``--``): its own, or that of the
    one known long name it abbreviates. ``getopt_long`` takes any unambiguous prefix of a long
    name for it (``chmod --recurs``, ``tar --checkpoint-act=exec=…``, ``git push --mirr``):
    without this an abbreviated dangerous option would read as an unknown, harmless one. An
    ambiguous prefix (the program refuses it) stays an unknown option of its own, and so does a
    single letter (``--h`` of a Go program spelled with two dashes is its ``-h``)."""
    key = spec.long.get(name)
    if key is not None or len(name) < 2 or not spec.abbreviations or _knows(name, spec):
        return key or name
    found: set[str] = set()
    for known in _long_names(spec):
        if known.startswith(name):
            found.add(spec.long.get(known, known))
            if len(found) > 1:
                return name  # ambiguous (unless all name one option: getopt_long's rule)
    return found.pop() if found else name


def _knows(name: str, spec: OptionSpec) -> bool:
    return name in spec.long_valued or name in spec.other_long or name in spec.long.values()


def _long_names(spec: OptionSpec) -> list[str]:
    """Every long name ``spec`` knows (keys of more than one letter count as names)."""
    names = [*spec.long, *spec.other_long]
    names += [k for k in spec.long_valued if len(k) > 1]
    names += [k for k in spec.long.values() if len(k) > 1]
    return names


@dataclass(frozen=True, slots=True)
class Options:
    """Parsed options: ``flags`` (canonical keys), ``values`` (key -> values in order),
    ``operands`` (everything else, in order), ``rest`` (argv from the first operand on, when
    the spec stops there)."""

    flags: frozenset[str]
    values: Mapping[str, tuple[str, ...]]
    operands: tuple[str, ...]
    rest: tuple[str, ...] = ()

    def has(self, *keys: str) -> bool:
        return any(k in self.flags or k in self.values for k in keys)

    def value(self, key: str) -> str | None:
        found = self.values.get(key)
        return found[-1] if found else None

    def on(self, *keys: str) -> bool:
        """Whether a yes/no option that *widens* what a command does is on: given bare, or
        with any value but a spelling of false (``--rm``, ``--force=yes``; not ``--rm=false``).
        A value we cannot read counts as on, the stricter reading."""
        return any(self._given(k, lambda v: v not in _FALSE) for k in keys)

    def surely_on(self, *keys: str) -> bool:
        """Whether a yes/no option that *narrows* what a command does (``--dry-run``) is on:
        given bare, or with a spelling of true. A value we cannot read counts as off, the
        stricter reading (``--dry-run=maybe`` is not a dry run)."""
        return any(self._given(k, lambda v: v in _TRUE) for k in keys)

    def _given(self, key: str, means_on: Callable[[str], bool]) -> bool:
        if key in self.flags:
            return True
        given = self.value(key)
        return given is not None and means_on(given.lower())


_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})
_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})


def parse_options(args: Sequence[str], spec: OptionSpec) -> Options:
    """Split ``args`` (argv without the program) by ``spec``. Unknown options are kept as flags."""
    flags: set[str] = set()
    values: dict[str, list[str]] = {}
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            if spec.stop_at_operand:
                return _done(flags, values, operands, tuple(args[i + 1 :]))
            operands.extend(args[i + 1 :])
            break
        if arg.startswith("--") and len(arg) > 2:
            i = _long(args, i, spec, flags, values)
        elif arg.startswith("-") and len(arg) > 1:
            i = _short(args, i, spec, flags, values)
        else:
            if spec.stop_at_operand:
                return _done(flags, values, operands, tuple(args[i:]))
            operands.append(arg)
            i += 1
    return _done(flags, values, operands, ())


def _done(
    flags: set[str], values: dict[str, list[str]], operands: list[str], rest: tuple[str, ...]
) -> Options:
    return Options(
        flags=frozenset(flags),
        values={k: tuple(v) for k, v in values.items()},
        operands=tuple(operands),
        rest=rest,
    )


def _long(
    args: Sequence[str], i: int, spec: OptionSpec, flags: set[str], values: dict[str, list[str]]
) -> int:
    name, eq, value = args[i][2:].partition("=")
    key = long_key(name, spec)
    if eq:
        values.setdefault(key, []).append(value)
        return i + 1
    if key in spec.long_valued or (len(key) == 1 and key in spec.valued):
        if i + 1 < len(args):
            values.setdefault(key, []).append(args[i + 1])
        return i + 2
    flags.add(key)
    return i + 1


def _short(
    args: Sequence[str], i: int, spec: OptionSpec, flags: set[str], values: dict[str, list[str]]
) -> int:
    cluster = args[i][1:]
    for pos, letter in enumerate(cluster):
        key = spec.aliases.get(letter, letter)
        if letter in spec.valued:
            rest = cluster[pos + 1 :]
            if rest:
                values.setdefault(key, []).append(rest)
                return i + 1
            if i + 1 < len(args):
                values.setdefault(key, []).append(args[i + 1])
            return i + 2
        flags.add(key)
    return i + 1


def canonical_argv(argv: Sequence[str], spec: OptionSpec) -> tuple[str, ...]:
    """``argv`` with its options spelled one way: value-less short flags in one cluster in
    ``spec.order``, then other flags, valued options, and operands in their order."""
    if not argv:
        return ()
    opts = parse_options(argv[1:], spec)
    shorts = sorted(
        (k for k in opts.flags if len(k) == 1),
        key=lambda k: (spec.order.find(k) if k in spec.order else len(spec.order), k),
    )
    out: list[str] = [argv[0]]
    if shorts:
        out.append("-" + "".join(shorts))
    out.extend("--" + k for k in sorted(k for k in opts.flags if len(k) > 1))
    for key in sorted(opts.values):
        for value in opts.values[key]:
            out.extend(["-" + key, value] if len(key) == 1 else [f"--{key}={value}"])
    if any(op.startswith("-") for op in opts.operands):
        out.append("--")
    out.extend(opts.operands)
    return tuple(out)


Canonicaliser = Callable[[Sequence[str]], tuple[str, ...]]
_CANONICAL: dict[str, Canonicaliser] = {}


def register_canonical(name: str, how: OptionSpec | Canonicaliser) -> None:
    """Declare how program ``name`` spells its options canonically (by a spec or a function)."""
    if isinstance(how, OptionSpec):
        spec = how
        _CANONICAL[name] = lambda argv: canonical_argv(argv, spec)
    else:
        _CANONICAL[name] = how
    _CANONICAL_MEMO.clear()  # a spelling known now may differ from one remembered


def canonical_words(argv: Sequence[str]) -> tuple[str, ...]:
    """``argv`` with options spelled canonically when the program declared how; else as is.

    Remembered per argv (a pure function of it; asked twice per command, for its text and for
    the action's subject, and agents repeat their commands), in a bounded memo."""
    key = tuple(argv)
    found = _CANONICAL_MEMO.get(key)
    if found is None:
        found = _canonical_words(key)
        if len(_CANONICAL_MEMO) >= _CANONICAL_MEMO_LIMIT:
            _CANONICAL_MEMO.clear()
        _CANONICAL_MEMO[key] = found
    return found


_CANONICAL_MEMO: dict[tuple[str, ...], tuple[str, ...]] = {}
_CANONICAL_MEMO_LIMIT = 4096


def _canonical_words(argv: tuple[str, ...]) -> tuple[str, ...]:
    if not argv:
        return ()
    how = _CANONICAL.get(argv[0])
    if how is None:
        # Spellings register with their program's handler module, which is imported on first
        # use: load it so that the text never depends on which commands were seen before.
        from keyturn.understand.shell.registry import load_command

        load_command(argv[0])
        how = _CANONICAL.get(argv[0])
    return how(argv) if how is not None else tuple(argv)


def canonical_text(argv: Sequence[str]) -> str:
    """The normalised command text ``command:`` rules match (``rm -fr x`` -> ``rm -rf x``)."""
    return " ".join(canonical_words(argv))
