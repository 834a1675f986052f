"""Secrets out of every record, the approval still bound to them.

:class:`Redactor` replaces each secret :mod:`keyturn.audit.secrets` finds in a judged action --
its summary, each effect's command, detail and resource names, the kind's subject, the
decision's reasons -- by ``<redacted:FINGERPRINT>``. The fingerprint is an HMAC-SHA256 of the
secret under the install's secret (``bootstrap.install_secret``), cut to 64 bits:

- the action's digest is computed over the redacted action, so an approval still binds the
  exact secret (the same command with another password has another digest and needs its own
  review), yet nothing recorded holds the secret;
- without the install's secret, a fingerprint cannot be checked against guessed passwords, so a
  copy of the database or of a webhook's message gives no way to test guesses offline;
- equal secrets show equal fingerprints, so a reviewer can tell "the same token as before".

The gate judges first and redacts after: a verdict never depends on what was redacted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import msgspec

from keyturn.audit.redaction_repeats import (
    _known_pattern,
    _swap,
    _swaps,
    _understood_secrets,
)
from keyturn.audit.redaction_texts import (
    _MARKER,
    LONG_TEXT,
    _action_strings,
    _may_hold_secret,
    _once_per_text,
)
from keyturn.audit.secret_members import _secret_key, secret_members
from keyturn.audit.secret_text import long_text_spans, text_spans
from keyturn.audit.secrets import (
    Span,
    piped_secrets,
    reads_secret_on_input,
    word_spans,
)
from keyturn.model import Action, Decision, Effect, Resource

__all__ = ["Redactor"]

DOMAIN = b"keyturn.redaction/1\x00"


class Redactor:
    """Replaces secrets by keyed fingerprints. ``key`` is the install's secret."""

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(DOMAIN + key).digest()

    def marker(self, secret: str) -> str:
        """What stands for ``secret`` in every record."""
        mac = hmac.new(self._key, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
        return f"<redacted:{mac.hexdigest()[:16]}>"

    # -- decisions and actions ------------------------------------------------------------------

    def decision(self, decision: Decision) -> tuple[Decision, tuple[str, ...]]:
        """``decision`` with its action and reasons redacted, and what was found (empty, and
        the very same decision, when there was nothing)."""
        # Each distinct text once: a line's effects often share one long command text.
        if not _may_hold_secret(" ".join(dict.fromkeys(_action_strings(decision.action)))):
            return decision, ()
        found: list[str] = []
        action, effects, known = self._action(decision.action, found)
        if not found:
            return decision, ()
        # A judgement points at its action's effect; one that does not (were the engine to
        # copy an effect) is redacted on its own rather than trusted to be clean.
        redacted_effects = {
            id(j.effect): effects.get(id(j.effect)) or self._effect(j.effect, found)
            for j in decision.judgements
        }
        swaps = _swaps(
            [(o, redacted_effects.get(id(o), o)) for o in decision.action.effects]
            + [(j.effect, redacted_effects[id(j.effect)]) for j in decision.judgements]
        )

        def note(text: str) -> str:
            # The engine writes a reason from the effect's *unredacted* detail ("not
            # understood, needs review: {detail}"): the redacted detail takes its place, then
            # the text is searched as any other (a shape, a secret found elsewhere).
            return self._known(self.text(_swap(text, swaps), found), known, found)

        reasons = tuple(note(r) for r in decision.reasons)
        judgements = tuple(
            msgspec.structs.replace(j, effect=redacted_effects[id(j.effect)], reason=note(j.reason))
            for j in decision.judgements
        )
        redacted = msgspec.structs.replace(
            decision, action=action, judgements=judgements, reasons=reasons
        )
        return redacted, tuple(dict.fromkeys(found))

    def action(self, action: Action) -> tuple[Action, tuple[str, ...]]:
        """``action`` redacted, and what was found."""
        found: list[str] = []
        redacted, _, _ = self._action(action, found)
        return (redacted, tuple(dict.fromkeys(found))) if found else (action, ())

    def _action(
        self, action: Action, found: list[str]
    ) -> tuple[Action, dict[int, Effect], re.Pattern[str] | None]:
        """The redacted action; by the id of each original effect that changed, its redacted
        form (judgements point at the original effects); and the secrets found, as a pattern.

        A secret found in one place is replaced wherever else it stands: the whole line shows
        that ``echo X | docker login --password-stdin`` pipes a password, the effect of the
        ``echo`` alone (``echo X``) does not; ``sshpass -p X`` is found in the line, not in a
        resource named ``shell:sshpass -p X``."""
        seen: set[str] = set()
        edit = _once_per_text(lambda t: self.text(t, found, seen), found)
        effects = [self._effect(e, found, edit) for e in action.effects]
        summary = self.text(action.summary, found, seen)
        subject = self.json(action.subject, found, seen)
        seen.update(_understood_secrets(action))
        known = _known_pattern(seen)
        if known is not None:
            edit = _once_per_text(lambda t: self._known(t, known, found), found)
            effects = [self._effect(e, found, edit) for e in effects]
            summary = self._known(summary, known, found)
            subject = self._known_json(subject, known, found)
        changed = {id(o): n for o, n in zip(action.effects, effects, strict=True) if n is not o}
        if not found:
            return action, changed, known
        redacted = replace(action, summary=summary, effects=tuple(effects), subject=subject)
        return redacted, changed, known

    def _effect(
        self, effect: Effect, found: list[str], edit: Callable[[str], str] | None = None
    ) -> Effect:
        edit = edit or (lambda t: self.text(t, found))
        before = len(found)
        names = tuple(edit(n) for n in effect.resource.names)
        command = None if effect.command is None else edit(effect.command)
        detail = edit(effect.detail)
        catastrophic = effect.catastrophic and edit(effect.catastrophic)
        if len(found) == before:
            return effect
        resource = Resource(names=names, type=effect.resource.type)
        return replace(
            effect, resource=resource, command=command, detail=detail, catastrophic=catastrophic
        )

    # -- texts, words, JSON ----------------------------------------------------------------------

    def text(self, text: str, found: list[str], seen: set[str] | None = None) -> str:
        """A command line, summary or note with its secrets replaced (``found`` collects why;
        ``seen``, when given, the secrets themselves)."""
        if not text or not _may_hold_secret(text):
            return text
        spans = long_text_spans(text) if len(text) > LONG_TEXT else text_spans(text)
        return self._apply(text, spans, found, seen)

    def words(
        self,
        words: Sequence[str],
        found: list[str],
        *,
        piped_from: Sequence[str] = (),
        seen: set[str] | None = None,
    ) -> list[str]:
        """A command's words (``argv``) with their secrets replaced."""
        if not piped_from and not _may_hold_secret(" ".join(words)):
            return list(words)
        spans = word_spans(words)
        if piped_from:
            extra = piped_secrets(words, into=piped_from)
            spans = [a + b for a, b in zip(spans, extra, strict=True)]
        out = []
        for word, at in zip(words, spans, strict=True):
            embedded = self._embedded(word, found, seen)
            out.append(embedded if embedded is not None else self._apply(word, at, found, seen))
        return out

    def json(self, value: Any, found: list[str], seen: set[str] | None = None) -> Any:
        """A JSON value (a subject, MCP arguments, AWS parameters) with its secrets replaced:
        values under secret-named keys whole, strings by their shapes, lists of words as a
        command's words, and the values a mapping's shape makes secret (a ``name``/``value``
        pair naming a secret, an SSM ``SecureString``, a Kubernetes Secret's data)."""
        if isinstance(value, str):
            embedded = self._embedded(value, found, seen)
            return embedded if embedded is not None else self.text(value, found, seen)
        if isinstance(value, Mapping):
            secret_keys = secret_members(value)
            return {
                k: self._secret(v, found, seen, "secret value")
                if k in secret_keys
                else self._member(k, v, found, seen)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            if value and all(isinstance(v, str) for v in value):
                return self.words(value, found, seen=seen)
            if value and all(isinstance(v, Mapping) and "argv" in v for v in value):
                return self._commands(value, found, seen)
            return [self.json(v, found, seen) for v in value]
        return value

    def _embedded(self, text: str, found: list[str], seen: set[str] | None) -> str | None:
        """A JSON document held as text (``--cli-input-json '{…}'``, a Kubernetes object's
        ``last-applied-configuration``) redacted by its structure, as JSON again; ``None``
        when the text is no such document or its structure shows no secret (then its shapes
        are searched as for any text)."""
        if text[:1] not in ("{", "[") or text[-1:] not in ("}", "]") or len(text) > MAX_EMBEDDED:
            return None
        try:
            value = json.loads(text)
            if not isinstance(value, dict | list):
                return None
            before = len(found)
            redacted = self.json(value, found, seen)
        except (ValueError, RecursionError):
            return None
        if len(found) == before:
            return None
        return json.dumps(redacted, ensure_ascii=False, separators=(",", ":"))

    def _member(self, key: Any, value: Any, found: list[str], seen: set[str] | None) -> Any:
        if isinstance(key, str) and _secret_key(key):
            # A list under a secret's name (``"tokens": [...]``) is a list of secrets.
            deep = isinstance(value, list | tuple)
            return self._secret(value, found, seen, "named secret", deep=deep)
        return self.json(value, found, seen)

    def _secret(
        self, value: Any, found: list[str], seen: set[str] | None, why: str, *, deep: bool = True
    ) -> Any:
        """``value`` replaced whole (each scalar of it, when ``deep``); a marker stays."""
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        if isinstance(value, str) and _MARKER.fullmatch(value):
            return value  # redacted already (redacting twice changes nothing)
        if scalar and value != "":
            found.append(why)
            if seen is not None:
                seen.add(str(value))
            return self.marker(str(value))
        if deep and isinstance(value, Mapping):
            return {k: self._secret(v, found, seen, why) for k, v in value.items()}
        if deep and isinstance(value, list | tuple):
            return [self._secret(v, found, seen, why) for v in value]
        return self.json(value, found, seen)

    def _commands(
        self, entries: Sequence[Any], found: list[str], seen: set[str] | None
    ) -> list[Any]:
        """A shell subject's commands in order; a command piped into one that reads a password
        or a secret on its input (``--password-stdin``, ``wrangler secret put``) has its words
        redacted as that secret, and such a command's own input (a here-string) too."""
        out = []
        for i, entry in enumerate(entries):
            into = entries[i + 1].get("argv") if i + 1 < len(entries) else None
            argv = entry.get("argv")
            words = isinstance(argv, list) and all(isinstance(w, str) for w in argv)
            reads = words and reads_secret_on_input(argv)
            redacted = {
                k: self._secret(str(v).strip(), found, seen, "piped password")
                if k == "stdin" and reads and isinstance(v, str) and v.strip()
                else self._member(k, v, found, seen)
                for k, v in entry.items()
                if k != "argv"
            }
            if words:
                piped: list[str] | tuple[()] = ()
                if isinstance(into, list) and all(isinstance(w, str) for w in into):
                    piped = into if reads_secret_on_input(into) else ()
                redacted["argv"] = self.words(argv, found, piped_from=piped, seen=seen)
            else:
                redacted["argv"] = self.json(argv, found, seen)
            out.append({k: redacted[k] for k in entry})
        return out

    def _known(self, text: str, known: re.Pattern[str] | None, found: list[str]) -> str:
        """``text`` with every secret found elsewhere in its action replaced too."""
        if known is None or not text:
            return text
        spans = [Span(m.start(), m.end(), "repeated secret") for m in known.finditer(text)]
        return self._apply(text, spans, found, None)

    def _known_json(self, value: Any, known: re.Pattern[str], found: list[str]) -> Any:
        if isinstance(value, str):
            return self._known(value, known, found)
        if isinstance(value, Mapping):
            return {k: self._known_json(v, known, found) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._known_json(v, known, found) for v in value]
        return value

    def _apply(
        self, text: str, spans: Sequence[Span], found: list[str], seen: set[str] | None = None
    ) -> str:
        if not spans:
            return text
        # A marker already in the text stays as it is, whatever a shape finds in or around it
        # (``-u <redacted:…>`` has a colon): redacting twice changes nothing.
        markers = [(m.start(), m.end()) for m in _MARKER.finditer(text)] if "<" in text else []
        spans = [s for s in spans if not any(s.start < e and b < s.end for b, e in markers)]
        merged: list[list[Any]] = []
        for span in sorted(spans, key=lambda s: (s.start, -s.end)):
            if merged and span.start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], span.end)
            else:
                merged.append([span.start, span.end, span.why])
        out, at = [], 0
        for start, end, why in merged:
            out.append(text[at:start])
            out.append(self.marker(text[start:end]))
            if seen is not None:
                seen.add(text[start:end])
            found.append(why)
            at = end
        out.append(text[at:])
        return "".join(out)


# JSON held as text is parsed for its structure up to this length (longer: searched as text).
MAX_EMBEDDED = 1 << 18
