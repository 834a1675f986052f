"""Secrets found in one place and replaced wherever else they stand in the same action.

The secrets a command's understanding replaced by ``<redacted>`` taken back from the text as
typed, one pattern for every secret found, and the texts an effect's redaction changed (to swap
into the decision's reasons). Split from :mod:`.redaction` to keep it small.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from keyturn.audit.redaction_texts import _MARKER, LONG_TEXT
from keyturn.model import Action, Effect

# What a command's understanding writes in place of a credential it recognised (curl's
# ``--oauth2-bearer <redacted>``, an object URL's ``?<redacted>``).
_UNDERSTOOD = "<redacted>"
# An effect command with more of them than this is not matched back (bounded work per text).
_MAX_UNDERSTOOD = 8


def _understood_secrets(action: Action) -> set[str]:
    """The secrets a command's understanding recognised and replaced by ``<redacted>`` in an
    effect's command, taken back from the text as typed: the command's words in the subject,
    or the summary. The redactor's own shapes may not know them (``--oauth2-bearer``, ``-b``),
    yet the summary and the subject hold them in clear."""
    commands = [e.command for e in action.effects if e.command and _UNDERSTOOD in e.command]
    if not commands:
        return set()
    raws = [action.summary]
    entries = action.subject.get("commands") if isinstance(action.subject, Mapping) else None
    for entry in entries if isinstance(entries, list) else ():
        argv = entry.get("argv") if isinstance(entry, Mapping) else None
        if isinstance(argv, list) and all(isinstance(w, str) for w in argv):
            raws.append(" ".join(argv))
    raws = [r for r in raws if r and len(r) <= LONG_TEXT]
    secrets: set[str] = set()
    for command in dict.fromkeys(commands):
        parts = command.split(_UNDERSTOOD)
        if len(parts) - 1 > _MAX_UNDERSTOOD or len(command) > LONG_TEXT:
            continue
        for raw in raws:
            taken = _taken_out(raw, parts)
            if taken is not None:
                secrets.update(t for t in taken if not _MARKER.fullmatch(t))
                break
    return secrets


def _taken_out(raw: str, parts: Sequence[str]) -> list[str] | None:
    """What stands in ``raw`` between the ``parts`` of a text they were cut from, each gap
    the shortest that fits (one pass, no backtracking: a hostile line costs linear time);
    ``None`` when ``raw`` is not that text."""
    if not raw.startswith(parts[0]) or not raw.endswith(parts[-1]):
        return None
    at, end = len(parts[0]), len(raw) - len(parts[-1])
    taken = []
    for part in parts[1:-1]:
        found = raw.find(part, at + 1, end) if part else at + 1
        if found == -1 or found > end:
            return None
        taken.append(raw[at:found])
        at = found + len(part)
    if end <= at:
        return None
    taken.append(raw[at:end])
    return taken


def _swaps(pairs: Sequence[tuple[Effect, Effect]]) -> list[tuple[str, str]]:
    """Each text an effect's redaction changed, with what replaced it, longest first."""
    out: dict[str, str] = {}
    for original, redacted in pairs:
        if original is redacted:
            continue
        texts = [
            *zip(original.resource.names, redacted.resource.names, strict=True),
            (original.command or "", redacted.command or ""),
            (original.detail, redacted.detail),
            (original.catastrophic or "", redacted.catastrophic or ""),
        ]
        out.update((a, b) for a, b in texts if a and a != b)
    return sorted(out.items(), key=lambda ab: len(ab[0]), reverse=True)


def _swap(text: str, swaps: Sequence[tuple[str, str]]) -> str:
    for original, redacted in swaps:
        if original in text:
            text = text.replace(original, redacted)
    return text


# A secret shorter than this is replaced where a shape finds it, not everywhere it appears
# (``mysql -proot`` must not blank every ``/root`` of the line's other effects).
MIN_REPEATED = 6


def _known_pattern(seen: set[str]) -> re.Pattern[str] | None:
    """A pattern matching each secret of ``seen``, wherever it stands (``-pSECRET`` too)."""
    values = sorted((v for v in seen if len(v) >= MIN_REPEATED), key=len, reverse=True)
    if not values:
        return None
    return re.compile("|".join(re.escape(v) for v in values))
