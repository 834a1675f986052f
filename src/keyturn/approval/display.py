"""What a reviewer reads about a request, made impossible for the agent to falsify or hide.

Two rules, shared by the web pages, the terminal and the webhook notifications:

- The headline of a request is keyturn's own account of its effects (:func:`headline`), worst
  first -- never the free text an agent sent along (which is shown, when at all, labelled as
  the agent's claim).
- Every agent-controlled string is shown through :func:`visible`: characters that would hide or
  rewrite what is read (terminal escapes, carriage returns, backspaces, bidi overrides,
  zero-width and other invisible characters, line breaks in a one-line field, look-alike
  spaces) are shown as escapes (``\\x1b``, ``\\u202e``, ``\\n``) -- never silently dropped,
  so that the reviewer sees that something was there.

Only the display changes: the stored action, its summary and its digest are left as they are.
A backslash is not itself escaped: a literal ``\\x1b`` typed by an agent shows as what it is,
and can only make a request look more suspicious, never less.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

# Categories shown as escapes: controls, format characters (bidi embeddings, overrides and
# isolates, zero-width space/joiners, word joiner, soft hyphen, tags), line and paragraph
# separators, surrogates, private use and unassigned code points (which a font may draw as
# nothing).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Letters and marks that draw as nothing (Hangul fillers, braille blank, Khmer inherent vowels,
# the combining grapheme joiner, variation selectors): invisible content a reviewer would miss.
_INVISIBLE = frozenset({0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0})
_INVISIBLE_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x180B, 0x180F))
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Worst first: what a headline leads with.
_VERDICT_RANK = {"deny": 2, "ask": 1, "allow": 0}
_EFFECT_RANK = {"delete": 5, "replace": 5, "unknown": 4, "update": 3, "create": 2, "read": 0}
HEADLINE_NAME_CHARS = 160


def needs_escape(char: str) -> bool:
    """Whether ``char`` could hide or rewrite what is shown around it."""
    code = ord(char)
    if char == " ":
        return False
    if code in _INVISIBLE or any(lo <= code <= hi for lo, hi in _INVISIBLE_RANGES):
        return True
    category = unicodedata.category(char)
    # Every space but the ASCII one: a no-break space makes "rm\u00a0-rf" one word that reads
    # as two.
    return category in _ESCAPED_CATEGORIES or category == "Zs"


def escape_char(char: str) -> str:
    """``\\n``, ``\\x1b``, ``\\u202e`` or ``\\U000e0041``: the character, spelled out."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def segments(value: object) -> Iterator[tuple[bool, str]]:
    """``value`` as text in runs: ``(False, plain)`` or ``(True, escape)``."""
    text = "" if value is None else str(value)
    start = 0
    for i, char in enumerate(text):
        if needs_escape(char):
            if i > start:
                yield False, text[start:i]
            yield True, escape_char(char)
            start = i + 1
    if start < len(text):
        yield False, text[start:]


def visible(value: object) -> str:
    """``value`` as plain text with every hiding character spelled out (terminal, Slack)."""
    return "".join(part for _, part in segments(value))


def visible_html(value: object) -> Markup:
    """``value`` as HTML: escaped, with each spelled-out character marked (``span.esc``) so
    that it stands out from text that merely looks like an escape."""
    out = [
        Markup('<span class="esc" title="hidden character">{}</span>').format(part)
        if is_escape
        else escape(part)
        for is_escape, part in segments(value)
    ]
    return Markup("").join(out)


def shorten(text: str, limit: int) -> str:
    """``text`` within about ``limit`` characters, cut in the middle and saying how much was
    cut: the start and the end (where a dangerous suffix would sit) both stay visible."""
    if limit < 20 or len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head
    return f"{text[:head]}…[{len(text) - head - tail} more characters]…{text[-tail:]}"


def _judged_effects(decision: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored decision's judged effects, or its action's effects when none were judged."""
    judged = decision.get("decision", {})
    found = judged.get("effects") if isinstance(judged, dict) else None
    if isinstance(found, list) and any(isinstance(e, dict) for e in found):
        return [e for e in found if isinstance(e, dict)]
    action = decision.get("action", {})
    raw = action.get("effects") if isinstance(action, dict) else None
    out = []
    for e in raw if isinstance(raw, list) else ():
        if isinstance(e, dict):
            res = e.get("resource")
            names = res.get("names") if isinstance(res, dict) else None
            out.append({"effect": e.get("effect"), "resource": names or []})
    return out


def ranked_effects(decision: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The effects of a stored decision (``{"action", "decision"}``), worst first: the
    strictest verdict, then protected resources, then the most destructive kind of effect."""
    effects = _judged_effects(decision)
    return sorted(effects, key=_severity, reverse=True)


def _severity(e: Mapping[str, Any]) -> tuple[int, int, int]:
    return (
        _VERDICT_RANK.get(str(e.get("decision")), 1),
        1 if e.get("protected") else 0,
        # An effect kind keyturn does not know ranks with the worst: never below a delete.
        _EFFECT_RANK.get(str(e.get("effect")), 5),
    )


def _first_name(e: Mapping[str, Any]) -> str:
    names = e.get("resource")
    if isinstance(names, list | tuple) and names:
        return str(names[0])
    return "?"


def headline_of(kind: str, effects: Sequence[Mapping[str, Any]]) -> str:
    """``"aws: delete rds:prod-db (protected) (+2 more: 1 update, 1 read)"``: the first of
    ``effects`` (ranked by the caller) and a count of the rest by kind."""
    label = f"{kind}: " if kind else ""
    if not effects:
        return f"{label}no effects recorded"
    first = effects[0]
    text = f"{label}{first.get('effect') or 'unknown'} "
    text += shorten(_first_name(first), HEADLINE_NAME_CHARS)
    if first.get("protected"):
        text += " (protected)"
    rest = Counter(str(e.get("effect") or "unknown") for e in effects[1:])
    if rest:
        ordered = sorted(rest.items(), key=lambda kv: (-_EFFECT_RANK.get(kv[0], 5), kv[0]))
        counts = ", ".join(f"{n} {k}" for k, n in ordered)
        text += f" (+{len(effects) - 1} more: {counts})"
    return text


def headline(decision: Mapping[str, Any]) -> str:
    """A stored decision's headline, from keyturn's judgement of its effects alone."""
    action = decision.get("action", {})
    kind = str(action.get("kind") or "") if isinstance(action, dict) else ""
    return headline_of(kind, ranked_effects(decision))


def request_headline(request: Any) -> str:
    """The headline of an :class:`~keyturn.approval.model.ApprovalRequest` (or of its API
    JSON, which carries the same stored ``decision``)."""
    stored = request.get("decision") if isinstance(request, Mapping) else request.draft.decision
    return headline(stored if isinstance(stored, Mapping) else {})
