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

import functools
import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import msgspec

from keyturn.audit.secret_text import long_text_spans, text_spans
from keyturn.audit.secrets import (
    Span,
    piped_secrets,
    reads_secret_on_input,
    secret_name,
    word_spans,
)
from keyturn.model import Action, Decision, Effect, Resource

__all__ = ["Redactor"]

DOMAIN = b"keyturn.redaction/1\x00"
_MARKER = re.compile(r"<redacted:[0-9a-f]{16}>")
# Texts longer than this are searched by the in-word shapes only (linear, in the regex engine):
# a file's content given to an MCP tool is not a command line to split into words.
LONG_TEXT = 4096
# Lower-case text every secret shape of :mod:`keyturn.audit.secrets` needs (a name part, a
# program, a token prefix): a text with none of them has nothing to redact. Substring tests, as
# a regular expression's alternation costs a hundred times more on every judged action.
_TRIGGERS = (
    *("pass", "pwd", "secret", "token", "key", "cred", "auth", "sas", "sig", "pat"),
    *("bearer", "basic", "private", "identified", "login", "configure", "vault"),
    *(" bao ", "/bao ", " mc ", "/mc ", " -a ", "mysql", "mariadb", "redis-cli", "sqlcmd"),
    *("bcp", "mongo", "curl", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "k_live_"),
    *("k_test_", "sk-", "npm_", "aiza", "eyj", "kt_"),
    *("variable", "config:set", "env:set", " heroku ", "/heroku ", "cqlsh", "rabbitmqadmin"),
    *("influx", "env add"),
)


def _may_hold_secret(text: str) -> bool:
    low = f" {text.lower()} "
    return any(t in low for t in _TRIGGERS) or ("://" in low and "@" in low)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _action_strings(action: Action) -> Iterator[str]:
    yield action.summary
    for e in action.effects:
        yield from e.resource.names
        yield e.command or ""
        yield e.detail
        yield e.catastrophic or ""
    yield from _strings(action.subject)


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
        if not _may_hold_secret(" ".join(_action_strings(decision.action))):
            return decision, ()
        found: list[str] = []
        action, effects = self._action(decision.action, found)
        if not found:
            return decision, ()
        reasons = tuple(self.text(r, found) for r in decision.reasons)
        # A judgement points at its action's effect; one that does not (were the engine to
        # copy an effect) is redacted on its own rather than trusted to be clean.
        judgements = tuple(
            msgspec.structs.replace(
                j, effect=effects.get(id(j.effect)) or self._effect(j.effect, found)
            )
            for j in decision.judgements
        )
        redacted = msgspec.structs.replace(
            decision, action=action, judgements=judgements, reasons=reasons
        )
        return redacted, tuple(dict.fromkeys(found))

    def action(self, action: Action) -> tuple[Action, tuple[str, ...]]:
        """``action`` redacted, and what was found."""
        found: list[str] = []
        redacted, _ = self._action(action, found)
        return (redacted, tuple(dict.fromkeys(found))) if found else (action, ())

    def _action(self, action: Action, found: list[str]) -> tuple[Action, dict[int, Effect]]:
        """The redacted action and, by the id of each original effect that changed, its
        redacted form (judgements point at the original effects)."""
        changed: dict[int, Effect] = {}
        effects = []
        for effect in action.effects:
            new = self._effect(effect, found)
            if new is not effect:
                changed[id(effect)] = new
            effects.append(new)
        summary = self.text(action.summary, found)
        subject = self.json(action.subject, found)
        if not found:
            return action, changed
        return replace(action, summary=summary, effects=tuple(effects), subject=subject), changed

    def _effect(self, effect: Effect, found: list[str]) -> Effect:
        before = len(found)
        names = tuple(self.text(n, found) for n in effect.resource.names)
        command = None if effect.command is None else self.text(effect.command, found)
        detail = self.text(effect.detail, found)
        catastrophic = effect.catastrophic and self.text(effect.catastrophic, found)
        if len(found) == before:
            return effect
        resource = Resource(names=names, type=effect.resource.type)
        return replace(
            effect, resource=resource, command=command, detail=detail, catastrophic=catastrophic
        )

    # -- texts, words, JSON ----------------------------------------------------------------------

    def text(self, text: str, found: list[str]) -> str:
        """A command line, summary or note with its secrets replaced (``found`` collects why)."""
        if not text or not _may_hold_secret(text):
            return text
        spans = long_text_spans(text) if len(text) > LONG_TEXT else text_spans(text)
        return self._apply(text, spans, found)

    def words(
        self, words: Sequence[str], found: list[str], *, piped_from: Sequence[str] = ()
    ) -> list[str]:
        """A command's words (``argv``) with their secrets replaced."""
        if not piped_from and not _may_hold_secret(" ".join(words)):
            return list(words)
        spans = word_spans(words)
        if piped_from:
            extra = piped_secrets(words, into=piped_from)
            spans = [a + b for a, b in zip(spans, extra, strict=True)]
        return [self._apply(w, s, found) for w, s in zip(words, spans, strict=True)]

    def json(self, value: Any, found: list[str]) -> Any:
        """A JSON value (a subject, MCP arguments, AWS parameters) with its secrets replaced:
        values under secret-named keys whole, strings by their shapes, lists of words as a
        command's words."""
        if isinstance(value, str):
            return self.text(value, found)
        if isinstance(value, Mapping):
            return {k: self._member(k, v, found) for k, v in value.items()}
        if isinstance(value, list | tuple):
            if value and all(isinstance(v, str) for v in value):
                return self.words(value, found)
            if value and all(isinstance(v, Mapping) and "argv" in v for v in value):
                return self._commands(value, found)
            return [self.json(v, found) for v in value]
        return value

    def _member(self, key: Any, value: Any, found: list[str]) -> Any:
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        if isinstance(value, str) and _MARKER.fullmatch(value):
            return value  # redacted already (redacting twice changes nothing)
        if scalar and value != "" and isinstance(key, str) and _secret_key(key):
            found.append("named secret")
            return self.marker(str(value))
        return self.json(value, found)

    def _commands(self, entries: Sequence[Any], found: list[str]) -> list[Any]:
        """A shell subject's commands in order; a command piped into one that reads a password
        or a secret on its input (``--password-stdin``, ``wrangler secret put``) has its words
        redacted as that secret."""
        out = []
        for i, entry in enumerate(entries):
            into = entries[i + 1].get("argv") if i + 1 < len(entries) else None
            redacted = {k: self._member(k, v, found) for k, v in entry.items() if k != "argv"}
            argv = entry.get("argv")
            if isinstance(argv, list) and all(isinstance(w, str) for w in argv):
                piped: list[str] | tuple[()] = ()
                if isinstance(into, list) and all(isinstance(w, str) for w in into):
                    piped = into if reads_secret_on_input(into) else ()
                redacted["argv"] = self.words(argv, found, piped_from=piped)
            else:
                redacted["argv"] = self.json(argv, found)
            out.append({k: redacted[k] for k in entry})
        return out

    def _apply(self, text: str, spans: Sequence[Span], found: list[str]) -> str:
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
            found.append(why)
            at = end
        out.append(text[at:])
        return "".join(out)


@functools.lru_cache(maxsize=4096)
def _secret_key(key: str) -> bool:
    return secret_name(key)
