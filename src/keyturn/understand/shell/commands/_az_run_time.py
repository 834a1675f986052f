"""``az`` options that can open a store to the world (:mod:`._az_public`), given a value decided
only when the line runs: ``az storage account update -n prod --public-network-access "$X"``,
``--allow-blob-public-access $(cat flag)``, ``az sql server update -e "$V"``.

``$X`` may be ``Enabled``: the call may open the store, and is judged as opening it (removing
its protection: refused on a protected store, judged as any update elsewhere), as the AWS CLI's
``put-bucket-acl --acl "$X"`` is (:mod:`keyturn.understand.aws.run_time_exposure`). An option
that opens nothing (``--sku "$S"``) is left as it is.

A word decided at run time that may stand for options itself -- unquoted, so that bash splits
it into several words (``--tags $T`` where ``T='x --public-network-access Enabled'``), or
quoted where az reads an option rather than a value -- may be any option of the command, one
naming another resource among them: every change of the call is then ``unknown``, as the AWS
CLI's is (:func:`~._aws_cli_call.loosened`). argparse reads a word starting with ``-`` as an
option wherever it stands, so a quoted word is a value only where az must take one: right
after an option that takes a value, at least one (an option there makes az refuse the line).
Everywhere else it may be an option: not after an option's value (``-n prod "$OPTS"``), nor
after a flag (``--yes "$T"``), nor after an option whose value az may leave out (azure-cli's
``--tags``, nargs ``*``: ``--tags "$T"`` with ``T=--name=prod`` gives ``--tags`` nothing and
names ``prod``). Options keyturn does not list are taken to take one value, as most do.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect
from keyturn.understand.shell.commands._aws_cli_words import (
    RunTimeWords,
    could_start_option,
    run_time_words,
)
from keyturn.understand.shell.commands._az_gcloud_words import option_like
from keyturn.understand.shell.commands._az_generic_set import (
    GENERIC,
    RUN_TIME_TEXT,
    opening_property,
)
from keyturn.understand.shell.commands._az_options import given_as
from keyturn.understand.shell.commands._az_public import opening_options, reads_only
from keyturn.understand.shell.effects import changes_unknown
from keyturn.understand.shell.registry import SimpleCommand

__all__ = ["az_loose", "az_opened_at_run_time", "az_run_time"]

# Options az reads without a value (its global flags, the commands' confirmation and waiting):
# a word after one is read on its own. A prefix of one (``--y``) may be it.
_NO_VALUE_LONG = (
    *("--yes", "--no-wait", "--force-string", "--debug", "--verbose", "--only-show-errors"),
    "--help",
)
_NO_VALUE_SHORT = frozenset({"-y", "-h"})
# Options whose value az may leave out: azure-cli's ``tags_type`` (nargs ``*``, reused under
# other names such as ``--artifact-tags``) and ``tag_type`` (nargs ``?``).
_OPTIONAL_VALUE = ("--tags", "--tag")
_OPTIONAL_VALUE_ENDINGS = ("-tags", "-tag")
_LOOSE = (
    "a word decided at run time may stand for options of the command (public network access"
    " switched on, another resource named...)"
)


def az_run_time(cmd: SimpleCommand) -> frozenset[int] | None:
    """The indexes in ``cmd.args`` of the words decided at run time; None when the words az
    reads are not the line's own one for one (an option split out of a word such as ``-yn``):
    whether a value is decided at run time is then told by its text."""
    if len(cmd.argv) != len(cmd.raw_argv):
        return None
    return frozenset(i - 1 for i in cmd.dynamic_words if i > 0)


def az_opened_at_run_time(
    group: Sequence[str], verb: str, args: Sequence[str], run_time: frozenset[int] | None
) -> str | None:
    """Why the call may open its resource to the world: an option that can open it (or a
    generic update's ``--set``/``--add``/``--remove``) given a value decided at run time; None
    when none is."""
    if reads_only(verb):
        return None
    for spellings in opening_options(group):
        for at in _values(args, spellings):
            if _at_run_time(args, at, run_time):
                value = given_as(args[at], spellings)[1] or args[at]
                return f"{spellings[0]} {value}: decided at run time, it may open it to anyone"
    for at in _values(args, GENERIC, many=True):
        word = given_as(args[at], GENERIC)[1] or args[at]
        if _at_run_time(args, at, run_time) and (
            RUN_TIME_TEXT.search(word.partition("=")[0]) or opening_property(word)
        ):
            return f"{word}: what it sets is decided at run time, it may open it to anyone"
    return None


def az_loose(effects: list[Effect], cmd: SimpleCommand) -> list[Effect]:
    """``effects``, each change ``unknown`` when a word of the line decided at run time may
    stand for options (``_LOOSE``); as they are otherwise."""
    words = run_time_words(cmd)
    if not words.dynamic or not any(_loose(cmd.args, i, words) for i in words.dynamic):
        return effects
    return changes_unknown(effects, _LOOSE)


def _loose(args: Sequence[str], i: int, words: RunTimeWords) -> bool:
    """Whether word ``i`` of ``args`` (decided at run time) may stand for options: split by
    bash into several, or able to start with ``-`` where az reads an option (not right after
    an option, whose value it is, nor ``--x=$V``'s value)."""
    if i >= len(args):
        return False
    if i in words.splits:
        return True
    word = args[i]
    if word.startswith("--") and "=" in word:
        return any(c in word.partition("=")[0] for c in "$`{")  # ``--$NAME=x``
    return not _value_required(args, i) and could_start_option(word)


def _value_required(args: Sequence[str], i: int) -> bool:
    """Whether az must take word ``i`` of ``args`` as the value of the option before it: that
    option is written without ``=`` and takes a value, at least one (argparse refuses the line
    when an option follows instead). Not after a flag (``--yes "$T"``: ``T=--name=prod``
    names another resource) nor after an option whose value may be left out (``--tags "$T"``,
    nargs ``*``: ``--tags`` is then given none)."""
    before = args[i - 1] if i > 0 else ""
    if not option_like(before) or "=" in before:
        return False
    if before.startswith("--"):
        return not any(
            spelling.startswith(before) for spelling in _NO_VALUE_LONG + _OPTIONAL_VALUE
        ) and not before.endswith(_OPTIONAL_VALUE_ENDINGS)
    return before not in _NO_VALUE_SHORT


def _values(args: Sequence[str], spellings: Sequence[str], *, many: bool = False) -> list[int]:
    """Where in ``args`` the values of the option spelt ``spellings`` are: its word when the
    value is attached, else the word after it (``many``: every word up to the next option);
    az takes no option's value that starts with ``-``."""
    out: list[int] = []
    for i, arg in enumerate(args):
        named, value = given_as(arg, spellings)
        if not named:
            continue
        if value is not None:
            out.append(i)
            continue
        for j in range(i + 1, len(args) if many else min(i + 2, len(args))):
            if args[j].startswith("-"):
                break
            out.append(j)
    return out


def _at_run_time(args: Sequence[str], at: int, run_time: frozenset[int] | None) -> bool:
    if run_time is None:
        return RUN_TIME_TEXT.search(args[at]) is not None
    return at in run_time
