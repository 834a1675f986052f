"""Statements that store code the server runs later, on other statements or on a schedule.

What such code does is what the statement that stores it does, so it is judged now:

- PostgreSQL ``CREATE RULE r AS ON event TO t [WHERE c] DO [ALSO|INSTEAD] {NOTHING | command
  | (command; ...)}``: the commands run whenever the event happens on ``t``. Their effects,
  and an update of ``t`` (its statements now do something else).
- ``CREATE [OR REPLACE] [CONSTRAINT|EVENT] TRIGGER ... EXECUTE {FUNCTION|PROCEDURE} f(...)``
  (PostgreSQL): an update of the table (``OR REPLACE`` of a trigger or rule removes the
  table's protection: the old one may have guarded it, :mod:`.guards`), and what ``f``'s
  body does when the text defined it before (:mod:`.procedural`); else unknown: the body is
  not at hand. ``CREATE OR REPLACE FUNCTION
  ... RETURNS trigger``: what its body does too (triggers bound to it run the new body).
- ``CREATE TRIGGER ... BEGIN stmt; ... END`` (SQLite, MySQL) or ``... FOR EACH ROW stmt``
  (MySQL): the body's statements are judged, and the table is updated. The scanner cuts the
  body at its semicolons, so the statements after the first are judged as statements of their
  own: as if they ran now, which is no looser than running later.
- MySQL ``CREATE|ALTER EVENT e ... DO body``: the body is judged, and the event created or
  updated.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql import ddl
from keyturn.understand.sql.guard_switches import replaced_trigger_function
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    closing,
    is_punct,
    is_word,
    name_at,
    skip_if_exists,
    skip_words,
    top_index,
)
from keyturn.understand.sql.procedural import (
    CATALOG_TRIGGERS,
    judge_code,
    returns_trigger,
    routine,
)

Classify = Callable[[Tokens, Session], list[Effect]]


def stored_code(tokens: Tokens, s: Session, classify: Classify) -> list[Effect] | None:
    """The effects of a CREATE or ALTER of a rule, trigger or event (``tokens`` starts with
    either verb); None for any other statement."""
    event = _event_at(tokens)
    if event > 0:
        return _event(tokens, event, s, classify)
    if tokens[0].text != "create":
        return None
    kind, _, or_replace = ddl.object_kind(tokens)
    if kind in ("function", "procedure"):
        return _routine(tokens, s, classify, replacing=or_replace)
    if kind == "rule":
        return _rule(tokens, s, classify)
    if kind == "trigger":
        return _trigger(tokens, s, classify)
    return None


def _routine(
    tokens: Tokens, s: Session, classify: Classify, *, replacing: bool
) -> list[Effect] | None:
    """Keep a function's body for the triggers that run it; a trigger function replaced is
    judged by its body now."""
    found = routine(tokens)
    trigger_code = replacing and returns_trigger(tokens)
    if found is None:
        if not trigger_code:
            return None
        why = "replaces a trigger function whose body is not understood"
        return [*ddl.create(tokens, s), s.unknown(why, "CREATE FUNCTION")]
    parts, language, body = found
    s.routines[s.object_resource(parts, "function").name] = (language, body)
    if not trigger_code:
        return None
    guard = replaced_trigger_function(".".join(parts), language, body, s)
    return ddl.create(tokens, s) + guard + judge_code(body, language, s, classify)


def _event_at(tokens: Tokens) -> int:
    """The index of EVENT in ``CREATE|ALTER [DEFINER = u] EVENT`` (MySQL), -1 when it is not
    that statement (PostgreSQL's EVENT TRIGGER and Snowflake's EVENT TABLE are not)."""
    for k in range(1, min(len(tokens), 12)):
        if is_word(tokens, k, "event") and not is_punct(tokens, k - 1, "="):
            return -1 if is_word(tokens, k + 1, "trigger", "table") else k
        if is_word(tokens, k) and tokens[k].text in ddl.OBJECT_KINDS:
            return -1
    return -1


def _table(
    tokens: Tokens, s: Session, after: int, op: str, why: str, *, removes: bool = False
) -> list[Effect]:
    """An update of the table named at ``after`` (none when none is). ``OR REPLACE`` takes
    the trigger or rule it replaces away, which may have guarded the table
    (:mod:`.guards`): it removes the table's protection, as ``removes`` says it does."""
    parts, _ = name_at(tokens, skip_words(tokens, after, {"only"}))
    if not parts:
        return []
    replacing = ddl.object_kind(tokens)[2]
    if replacing:
        why += "; replaces the one of that name, which may have guarded the table"
    res = s.object_resource(parts, "table")
    removes = removes or replacing
    return [s.effect(EffectKind.UPDATE, res, op, why, removes_protection=removes)]


def _rule(tokens: Tokens, s: Session, classify: Classify) -> list[Effect]:
    out = ddl.create(tokens, s)
    to = top_index(tokens, "to")
    if to >= 0:
        why, instead = "its statements now run the rule too", _writes_instead(tokens, to)
        if instead:
            why = "its inserts or updates now do the rule's action instead: they are lost"
        out += _table(tokens, s, to + 1, "CREATE RULE", why, removes=instead)
    do = top_index(tokens, "do")
    k = skip_words(tokens, do + 1, {"also", "instead"})
    if do < 0 or k >= len(tokens):
        return [*out, s.unknown("a rule whose action is not understood", "CREATE RULE")]
    if is_word(tokens, k, "nothing"):
        return out
    if is_punct(tokens, k, "("):  # ( command; ... ): the commands after the first are cut off
        body = tokens[k + 1 : closing(tokens, k)]
        return out + (classify(body, s) if body else [])
    return out + classify(tokens[k:], s)


def _writes_instead(tokens: Tokens, to: int) -> bool:
    """Whether a rule is ``ON INSERT|UPDATE ... DO INSTEAD``: the table's writes are dropped or
    sent elsewhere (PostgreSQL 15 run: ``DO INSTEAD NOTHING`` made ``INSERT 0 0``, ``UPDATE
    0``). ``ON DELETE ... DO INSTEAD`` keeps rows (a guard); ``ON SELECT`` makes an empty
    table a view (refused for one with rows)."""
    do = top_index(tokens, "do")
    return is_word(tokens, to - 1, "insert", "update") and is_word(tokens, do + 1, "instead")


def _trigger(tokens: Tokens, s: Session, classify: Classify) -> list[Effect]:
    out = ddl.create(tokens, s)
    on = top_index(tokens, "on")
    if any(is_word(tokens, k, "event") for k in range(1, 4)):  # PostgreSQL: on DDL commands
        why = "runs its function on every matching DDL statement"
        out.append(s.effect(EffectKind.UPDATE, s.database_resource(), "CREATE EVENT TRIGGER", why))
    elif on >= 0:
        out += _table(tokens, s, on + 1, "CREATE TRIGGER", "its statements now run the trigger")
    execute = top_index(tokens, "execute")
    if execute >= 0:
        at = skip_words(tokens, execute + 1, {"function", "procedure"})
        parts = name_at(tokens, at)[0]
        known = parts and not (len(parts) == 1 and parts[0] in CATALOG_TRIGGERS)
        code = s.routines.get(s.object_resource(parts, "function").name) if known else None
        if code is not None:  # defined earlier in the text: what its body does
            return out + judge_code(code[1], code[0], s, classify)
        name = ".".join(parts) or "a function"
        why = f"the trigger runs {name}() on others' statements; its body is not at hand"
        return [*out, s.unknown(why, "CREATE TRIGGER")]
    body = _trigger_body(tokens)
    if body is None:
        return [*out, s.unknown("a trigger whose body is not understood", "CREATE TRIGGER")]
    return out + (classify(body, s) if body else [])


def _trigger_body(tokens: Tokens) -> Tokens | None:
    """The first statement of a MySQL or SQLite trigger's body (empty: none before the
    scanner's cut); None when it is not found."""
    begin = top_index(tokens, "begin")
    if begin >= 0:
        return tokens[begin + 1 :]
    row = top_index(tokens, "row")
    if row < 0 or not is_word(tokens, row - 1, "each"):
        return None
    k = row + 1
    if is_word(tokens, k, "follows", "precedes"):
        k = name_at(tokens, k + 1)[1]
    return tokens[k:] or None


def _event(tokens: Tokens, at: int, s: Session, classify: Classify) -> list[Effect]:
    verb = tokens[0].text.upper()
    parts, _ = name_at(tokens, skip_if_exists(tokens, at + 1))
    if not parts:
        return [s.unknown(f"{verb} EVENT without a name", f"{verb} EVENT")]
    kind = EffectKind.CREATE if verb == "CREATE" else EffectKind.UPDATE
    out = [s.effect(kind, s.object_resource(parts, "event"), f"{verb} EVENT", "runs on a schedule")]
    do = top_index(tokens, "do")
    if do < 0:
        return out
    body = tokens[skip_words(tokens, do + 1, {"begin"}) :]
    return out + (classify(body, s) if body else [])
