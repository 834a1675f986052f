"""The words of an ``az``, ``gcloud`` or ``gsutil`` line: which verbs read, create, delete or
update, and how the line splits into positional words and ``--flag value`` options.

Shared by both tools' readers (:mod:`._az_call`, :mod:`._gcloud_call`, :mod:`._gcloud_storage`):
a verb means the same in either (``delete``, ``list-*``, ``create``...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import EffectKind

READ_VERBS = frozenset({"list", "describe", "show", "get", "read", "export", "ls", "cat"})
READ_PREFIXES = ("list-", "get-", "describe-", "show-", "check-", "wait")
DELETE_VERBS = frozenset({"delete", "purge", "remove", "rm", "destroy", "rb", "abandon"})
CREATE_VERBS = frozenset({"create", "add", "mb", "deploy", "submit", "import"})
IAM_VERBS = frozenset({"add-iam-policy-binding", "remove-iam-policy-binding", "set-iam-policy"})
VERB = re.compile(r"[a-z][a-z0-9-]*\Z")
# A word argparse reads as a value even though it starts with ``-``: a negative number.
_NEGATIVE_NUMBER = re.compile(r"-\d+\Z|-\d*\.\d+\Z")

Flags = dict[str, list[str]]


def verb_effect(verb: str) -> EffectKind:
    """What a verb does by its name: read, delete, create, else update."""
    if verb in READ_VERBS or verb.startswith(READ_PREFIXES):
        return EffectKind.READ
    if verb in DELETE_VERBS or verb.startswith(("delete-", "remove-", "purge-")):
        return EffectKind.DELETE
    if verb in CREATE_VERBS or verb.startswith("create-"):
        return EffectKind.CREATE
    return EffectKind.UPDATE


def split_flags(
    argv: Sequence[str], valued: frozenset[str], short: dict[str, str]
) -> tuple[list[str], Flags]:
    """Positional words and ``--flag value`` options (flags not in ``valued`` take none)."""
    words: list[str] = []
    flags: Flags = {}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word.startswith("-") and len(word) > 1:
            name, eq, value = word.lstrip("-").partition("=")
            name = short.get(name, name) if not word.startswith("--") else name
            if not eq and name in valued and i + 1 < len(argv) and not option_like(argv[i + 1]):
                value, i = argv[i + 1], i + 1
            flags.setdefault(name, []).append(value)
            if name == "ids":  # az --ids takes several
                while i + 1 < len(argv) and not argv[i + 1].startswith("-"):
                    flags[name].append(argv[i + 1])
                    i += 1
        else:
            words.append(word)
        i += 1
    return words, flags


def option_like(word: str) -> bool:
    """Whether argparse (az's and gcloud's parser) reads ``word`` as an option wherever it
    stands, quoted or not: it starts with ``-`` and is not ``-`` alone nor a negative number.
    Never an option's value: ``--tags --name=prod`` is ``--tags`` (given no value) and
    ``--name prod``, where a single-valued option so followed is refused."""
    return word.startswith("-") and len(word) > 1 and _NEGATIVE_NUMBER.match(word) is None


def last(flags: Flags, name: str) -> str | None:
    """The last value given for ``--name``, if any."""
    values = flags.get(name)
    return values[-1] if values else None
