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
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    *("cookie", "plaintext", "securestring", "ldap", "smbclient", "zip", "7z", "rabbitmqctl"),
    *("hooks.", "webhooks", "openssl", "<redacted>"),
    # Reading a password on the input (``| sudo -S``, ``chpasswd``, ``--data-file=-``), redis'
    # ``ACL SETUSER``, and the key names of :data:`_ARGUMENT_SECRETS`.
    *("sudo", "chpasswd", "stdin", "data-file", "setuser", "pin", "otp", "jwt", "session", "pw"),
    # Tools whose password or token options are short (``az sql … -p``, ``vercel -t``,
    # ``supabase -p``, ``etcdctl --user u:p``).
    *(" az ", "/az ", "etcdctl", "vercel", " vc ", "/vc ", "supabase"),
)


def _may_hold_secret(text: str) -> bool:
    low = f" {text.lower()} "
    return any(t in low for t in _TRIGGERS) or ("://" in low and "@" in low)


def _once_per_text(edit: Callable[[str], str], found: list[str]) -> Callable[[str], str]:
    """``edit`` run once per distinct text: a line's effects share its command text (a brace
    expansion gives hundreds of effects, each with the whole expanded line), and every pass is
    a search of that text. A repeat notes again what the first pass added to ``found``
    (:meth:`Redactor._effect` tells a changed effect by what it adds there)."""
    done: dict[str, tuple[str, tuple[str, ...]]] = {}

    def edited(text: str) -> str:
        hit = done.get(text)
        if hit is None:
            before = len(found)
            hit = done[text] = (edit(text), tuple(found[before:]))
        else:
            found.extend(hit[1])
        return hit[0]

    return edited


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


# Keys that name a member, and the keys of its value, in lists of name/value pairs (ECS and
# Kubernetes environment variables, CloudFormation parameters, an MCP tool's settings).
_PAIR_NAMES = ("name", "Name", "key", "Key", "ParameterKey", "parameterKey", "OptionName")
_PAIR_NAMES_MORE = ("field", "Field")
_PAIR_VALUES = ("value", "Value", "ParameterValue", "parameterValue", "val", "Val")
# A Kubernetes object's annotation that repeats the whole object as ``kubectl apply`` saw it.
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def secret_members(value: Mapping[str, Any]) -> frozenset[str]:
    """The keys of ``value`` whose values are secret by the mapping's own shape."""
    keys: set[str] = set()
    for name in (*_PAIR_NAMES, *_PAIR_NAMES_MORE):
        named = value.get(name)
        if isinstance(named, str) and named and _secret_key(named):
            keys.update(k for k in _PAIR_VALUES if k in value)
    kind = value.get("Type", value.get("type"))
    if isinstance(kind, str) and kind.lower() == "securestring":
        keys.update(k for k in ("Value", "value") if k in value)
    if value.get("kind") == "Secret" and str(value.get("apiVersion", "v1")) == "v1":
        keys.update(k for k in ("data", "stringData") if k in value)
    # The object again, as JSON text: a Secret's data in clear among it.
    applied = value.get(_LAST_APPLIED)
    if isinstance(applied, str) and '"Secret"' in applied:
        keys.add(_LAST_APPLIED)
    return frozenset(keys)


# Key names a tool's arguments use for a credential that :func:`secret_name` (shared with
# shell variables and options, where ``--session`` or ``-pin`` mean other things) leaves alone.
_ARGUMENT_SECRETS = frozenset({"pin", "otp", "jwt", "bearer", "session", "sessionid", "pw"})


@functools.lru_cache(maxsize=4096)
def _secret_key(key: str) -> bool:
    """Whether a JSON member called ``key`` holds a secret (any case, ``-``/``_``, plurals)."""
    if secret_name(key) or (key.endswith(("s", "S")) and secret_name(key[:-1])):
        return True
    bare = re.sub(r"[-_\s]", "", key).lower()
    return bare in _ARGUMENT_SECRETS or bare.removesuffix("s") in _ARGUMENT_SECRETS
