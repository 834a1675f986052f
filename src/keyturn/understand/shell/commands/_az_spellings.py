"""The options of an ``az`` line spelt out in full, as az's parser reads them, before keyturn
reads what they name.

az parses with argparse, abbreviations on (azure-cli 2.91, run without a login):
``az keyvault delete --na prod-kv`` deletes vault ``prod-kv`` ("--na" is ``--name``, the only
option of that command it starts), ``az group delete --nam prod-rg``, ``az sql db delete --ser
s --resource-gr rg`` are all taken; ``az keyvault delete --n x`` is refused ("ambiguous option:
--n could match --name, --no-wait"). A short option takes its value attached (``-nprod-rg``,
``-n=prod-rg``) and follows a flag in one word (``-yn prod-rg`` is ``-y -n prod-rg``).

keyturn does not hold every command's option table (six thousand commands), so the rule, fail
closed, is:

- A word spelt exactly as an option keyturn reads for the command's group is that option
  (az matches an exact spelling first).
- A word that is a prefix of exactly one such option (aliases of one meaning counted once:
  ``--resource-group-name`` is the group) is read as it -- if the command has that option and
  az takes the word at all, it is that option. When the word is also a prefix of an option of
  some az command keyturn does not read (``--na`` is ``--namespace-name`` where a command has
  no ``--name``: :data:`_CERTAIN_FROM` says from which length it never is), the command might
  mean that one: the word is still read as the option, and the call is held besides (a doubt,
  judged unknown).
- A word that is a prefix of several options keyturn reads (``--resource``: ``--resource`` of
  ``az lock``, the group elsewhere) is read each way, one reading of the line each, and held
  besides.

So an abbreviation names what its full spelling names, and is never judged more loosely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

# Options keyturn reads in every az command (the naming ones, and where the call lands).
_EVERYWHERE = (
    *("--name", "--resource-group", "--resource-group-name", "--subscription", "--ids"),
    *("--yes", "--location", "--output", "--query", "--set"),
)
# Options keyturn reads only in some groups (az 2.91 gives these groups these options).
_IN_GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("lock",), ("--lock-name", "--resource", "--resource-name", "--resource-type")),
    (("lock",), ("--namespace", "--parent")),
    (("resource",), ("--resource-type", "--namespace", "--parent")),
    (("keyvault",), ("--vault-name", "--id")),
    (("sql", "db"), ("--server",)),
    (("sql", "dw"), ("--server",)),
    (("postgres", "flexible-server", "db"), ("--server-name",)),
    (("mysql", "flexible-server", "db"), ("--server-name",)),
    (("cosmosdb",), ("--account-name",)),
    (("storage",), ("--account-name", "--container-name", "--source", "--destination")),
    (("storage",), ("--file", "--dest", "--path")),
    (("backup",), ("--vault-name", "--item-name", "--container-name")),
    (("vm",), ("--vm-name", "--scripts", "--script", "--script-uri", "--command-id")),
    (("vm",), ("--settings", "--protected-settings")),
    (("vmss",), ("--vm-name", "--scripts", "--script", "--script-uri", "--command-id")),
    (("vmss",), ("--settings", "--protected-settings")),
    (("aks",), ("--command", "--file")),
    (("deployment",), ("--mode", "--template-file", "--template-uri", "--parameters")),
    (("group", "deployment"), ("--mode", "--template-file", "--template-uri", "--parameters")),
    (("stack",), ("--id",)),
    (("role",), ("--scope", "--assignee", "--role")),
    (("rest",), ("--method", "--url", "--uri", "--body", "--headers")),
    (("rest",), ("--url-parameters", "--uri-parameters")),
)
# Spellings of one meaning: a prefix of both is not in doubt between them.
_ALIASES = {"--resource-group-name": "--resource-group", "--resource-name": "--resource"}
# From which length a prefix of the option is that option (or an alias) in every az 2.91
# command that takes it at all (computed from the parsers of all 6105 commands: ``--resource-g``
# is never another option; ``--nam`` is ``--namespace-name`` where a command has no ``--name``).
# Missing: no prefix is certain (even the full spelling is a prefix of another option).
_CERTAIN_FROM = {
    **{"--resource-group": 12, "--ids": 5, "--yes": 5, "--output": 3, "--query": 3},
    **{"--lock-name": 8, "--vault-name": 9, "--server-name": 10, "--account-name": 11},
    **{"--container-name": 13, "--item-name": 8, "--scripts": 9, "--script-uri": 12},
    **{"--command-id": 11, "--settings": 10, "--protected-settings": 20},
    **{"--template-file": 12, "--template-uri": 12, "--parameters": 12, "--uri": 5},
    **{"--body": 5, "--headers": 9, "--url-parameters": 9, "--uri-parameters": 6},
    "--resource-group-name": 18,
}
# Options that take no value.
_FLAGS = frozenset({"--yes"})
# Short options that take a value, everywhere and in some groups.
_SHORT_EVERYWHERE = frozenset({"-n", "-g"})
_SHORT_IN_GROUPS: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("sql", "db"), frozenset({"-s"})),
    (("postgres", "flexible-server", "db"), frozenset({"-s"})),
    (("mysql", "flexible-server", "db"), frozenset({"-s"})),
    (("cosmosdb",), frozenset({"-a"})),
    (("backup",), frozenset({"-v", "-i", "-c"})),
    (("storage",), frozenset({"-c", "-s", "-d", "-f"})),
    # ``az rest -mdelete -u URL``: argparse takes ``-mdelete`` as ``--method delete``.
    (("rest",), frozenset({"-m", "-u", "-b"})),
    (("aks",), frozenset({"-f"})),
)
_MAX_READINGS = 16


@dataclass(frozen=True, slots=True)
class AzSpelling:
    """An az line's arguments as az may read them, each option in its full spelling (one
    reading for each way a word may be read), and the words whose meaning depends on options
    of the command keyturn does not hold (the call is held for them)."""

    readings: tuple[tuple[str, ...], ...]
    doubts: tuple[str, ...]


def options_of(group: Sequence[str]) -> tuple[str, ...]:
    """The long options keyturn reads for a command of ``group``."""
    found = list(_EVERYWHERE)
    for prefix, spellings in _IN_GROUPS:
        if tuple(group[: len(prefix)]) == prefix:
            found += spellings
    return tuple(dict.fromkeys(found))


def _shorts_of(group: Sequence[str]) -> frozenset[str]:
    found = set(_SHORT_EVERYWHERE)
    for prefix, shorts in _SHORT_IN_GROUPS:
        if tuple(group[: len(prefix)]) == prefix:
            found |= shorts
    return frozenset(found)


def az_spelling(group: Sequence[str], args: Sequence[str]) -> AzSpelling:
    """``args`` of an az call of ``group`` with its options spelt out (see the module)."""
    spellings = options_of(group)
    shorts = _shorts_of(group)
    choices: list[list[str]] = []
    doubts: list[str] = []
    taking = ""  # the option whose value(s) the next word is
    for arg in args:
        if taking and not (taking == "--ids" and arg.startswith("-") and len(arg) > 1):
            choices.append([arg])
            taking = "" if taking != "--ids" else taking
            continue
        taking = ""
        if arg.startswith("--") and len(arg) > 2:
            head, eq, value = arg.partition("=")
            read, doubtful = _long(head, spellings)
            if doubtful:
                doubts.append(head)
            choices.append([f"{r}{eq}{value}" for r in read])
            if not eq and read[0] in spellings and read[0] not in _FLAGS:
                taking = read[0]
        elif arg.startswith("-") and len(arg) > 1:
            word = _short(arg, shorts)
            choices.append([word])
            if word in shorts:
                taking = word
        else:
            choices.append([arg])
    return AzSpelling(_readings(choices), tuple(dict.fromkeys(doubts)))


def _long(head: str, spellings: Sequence[str]) -> tuple[list[str], bool]:
    """The full spellings ``head`` may stand for (itself when none), and whether that is in
    doubt."""
    if head in spellings:
        return [head], False
    matches = [s for s in spellings if s.startswith(head)]
    meanings = list(dict.fromkeys(_ALIASES.get(s, s) for s in matches))
    if not meanings:
        return [head], False
    certain = len(meanings) == 1 and any(
        len(head) >= _CERTAIN_FROM.get(s, len(s) + 1) for s in matches
    )
    return meanings, not certain


def _short(arg: str, shorts: frozenset[str]) -> str:
    """A short option with its value attached (``-nNAME``), or after ``-y`` in one word
    (``-yn``), as ``-n=NAME``/``-n``; other words as they are."""
    word = arg[2:] if arg.startswith("-y") and f"-{arg[2:3]}" in shorts else arg
    word = word if word.startswith("-") else f"-{word}"
    head = word[:2]
    if head in shorts and len(word) > 2 and word[2] != "=":
        return f"{head}={word[2:]}"
    return word


def _readings(choices: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """One argument list for each way of reading the words (past :data:`_MAX_READINGS`, the
    words with several readings beyond take their first: the call is held all the same)."""
    count = 1
    capped = []
    for options in choices:
        if count * len(options) > _MAX_READINGS:
            options = options[:1]
        count *= len(options)
        capped.append(options)
    return tuple(tuple(r) for r in product(*capped))
