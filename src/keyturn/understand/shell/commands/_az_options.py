"""The values ``az``'s parser gives an option, however the line spells it.

az parses with argparse and leaves its abbreviations on: a long option may be cut to any
prefix no other option of the command shares (azure-cli 2.91, run without a login:
``az storage account update -n x -g rg --public-netw Bogus`` is refused as "not a valid value
for '--public-network-access'", and ``--allow-blob-pub`` given bare parses as
``--allow-blob-public-access``). The other options of a command are not known here, so every
prefix of a long spelling is read as that option (closed: where az would find it ambiguous it
refuses the line). A short option may carry its value attached (``-pENABLED``, ``-p=ENABLED``).
"""

from __future__ import annotations

from collections.abc import Sequence


def option_values(
    args: Sequence[str], spellings: Sequence[str], *, bare: str | None = None
) -> list[str]:
    """Every value given for the option spelt by any of ``spellings`` (long ``--x``, or short
    ``-x``) in ``args``: ``--x v``, ``--x=v``, a prefix of ``--x``, ``-x v``, ``-xv``; an option
    given without a value gives ``bare`` (a three-state flag's ``true``), else nothing."""
    out: list[str] = []
    for i, arg in enumerate(args):
        named, value = given_as(arg, spellings)
        if not named:
            continue
        if value is not None:
            out.append(value)
        elif i + 1 < len(args) and not args[i + 1].startswith("-"):
            out.append(args[i + 1])
        elif bare is not None:
            out.append(bare)
    return out


def last_value(args: Sequence[str], spellings: Sequence[str]) -> str | None:
    """The last value given for the option (as :func:`option_values` reads it), if any."""
    found = option_values(args, spellings)
    return found[-1] if found else None


def given_as(arg: str, spellings: Sequence[str]) -> tuple[bool, str | None]:
    """Whether the word ``arg`` names the option of ``spellings``, and the value it carries
    attached (None when the value, if any, is the next word)."""
    if arg.startswith("--"):
        head, eq, value = arg.partition("=")
        if len(head) > 2 and any(s.startswith("--") and s.startswith(head) for s in spellings):
            return True, value if eq else None
        return False, None
    for short in (s for s in spellings if not s.startswith("--")):
        if arg == short:
            return True, None
        if arg.startswith(short) and len(arg) > len(short):
            return True, arg[len(short) :].removeprefix("=")
    return False, None
