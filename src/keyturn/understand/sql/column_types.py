"""A column's type changed in place: every value converted, and the conversion may lose them.

PostgreSQL's ``ALTER [COLUMN] c [SET DATA] TYPE t`` converts with the assignment cast, and
MySQL/MariaDB's ``MODIFY [COLUMN] c t`` and ``CHANGE [COLUMN] c new t`` convert too; both round
or cut without a word where the new type holds less (run on PostgreSQL 15 and on MariaDB 10.11
in its default strict mode: ``numeric(10,2)`` 1.75 to ``integer`` is 2, a ``timestamp`` to
``date`` loses its time, ``double`` 2.5 to ``int`` is 2 -- only a string too long for its new
length is refused). Whether a change loses anything depends on the column's present type, which
the statement does not say, so a type change is judged as rewriting every value of the column:
a delete of its data, as ``ALTER COLUMN … USING`` already is. A target type that holds every
value of every type is the exception (PostgreSQL's ``text``, MySQL's ``LONGTEXT``), and so are
the warehouses that refuse any change but a widening (Snowflake, BigQuery, Redshift).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    is_word,
    name_at,
    skip_if_exists,
    skip_words,
    top_index,
)

# Target types every value of any type converts to without loss, per engine.
_HOLDS_EVERYTHING = {
    "postgres": frozenset({"text"}),
    "mysql": frozenset({"longtext"}),
}

# Engines whose type changes only widen (a narrowing one is refused): nothing is lost there.
_WIDEN_ONLY = frozenset({"snowflake", "bigquery", "redshift"})

_WHY = "converts every value to the new type, which may round or cut them"


def retyped_column(action: Tokens, table: list[str], s: Session) -> Effect | None:
    """The delete of a column's data an ``ALTER TABLE`` action converting its type makes, or
    ``None`` when the action changes no column's type (or only to a type holding anything)."""
    verb = action[0].text if action and action[0].kind == "word" else ""
    if s.engine in _WIDEN_ONLY:
        return None
    if verb == "alter":
        column, after = name_at(action, skip_if_exists(action, skip_words(action, 1, {"column"})))
        at = top_index(action, "type", after)
        if not column or at < 0:
            return None
        target = at + 1
        operation = "ALTER COLUMN TYPE"
    elif verb in ("modify", "change"):
        column, after = name_at(action, skip_if_exists(action, skip_words(action, 1, {"column"})))
        if not column:
            return None
        if verb == "change":  # CHANGE old new TYPE: the new name comes first
            _, after = name_at(action, after)
        target = after
        operation = f"ALTER TABLE {verb.upper()}"
    else:
        return None
    if not is_word(action, target) and not _is_name(action, target):
        return None
    if action[target].text.lower() in _HOLDS_EVERYTHING.get(s.engine, frozenset()):
        return None
    return s.effect(EffectKind.DELETE, s.column_resource(table, column[-1]), operation, _WHY)


def _is_name(action: Tokens, i: int) -> bool:
    return i < len(action) and action[i].kind == "ident"
