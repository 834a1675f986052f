"""DynamoDB PartiQL statements (``ExecuteStatement``, ``BatchExecuteStatement``,
``ExecuteTransaction``): which table each one reads or writes, and how.

The table and the verb are in the statement's text, not in a parameter: ``DELETE FROM
"prod-orders" WHERE id = 1`` deletes from ``prod-orders`` as ``DeleteItem`` does. Only the four
statement forms DynamoDB takes are read (``SELECT ... FROM``, ``INSERT INTO``, ``UPDATE``,
``DELETE FROM``, and a transaction's ``EXISTS(SELECT ...)`` check); a statement not read so is
reported with no table, for an ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from keyturn.model import EffectKind

__all__ = ["statement_writes", "statements_of"]

# A table: a double-quoted name ("" escapes a quote) or a plain identifier.
_TABLE = r'(?P<table>"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_.-]*)'
_FORMS: tuple[tuple[re.Pattern[str], EffectKind], ...] = (
    (re.compile(r"DELETE\s+FROM\s+" + _TABLE, re.I), EffectKind.DELETE),
    (re.compile(r"UPDATE\s+" + _TABLE, re.I), EffectKind.UPDATE),
    (re.compile(r"INSERT\s+INTO\s+" + _TABLE, re.I), EffectKind.UPDATE),
    (re.compile(r"(?:EXISTS\s*\(\s*)?SELECT\s.*?\sFROM\s+" + _TABLE, re.I | re.S), EffectKind.READ),
)
# Comments PartiQL allows: ``--`` to the end of the line and ``/* ... */``.
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_OPERATIONS = {
    "ExecuteStatement": None,
    "BatchExecuteStatement": "Statements",
    "ExecuteTransaction": "TransactStatements",
}


def statements_of(operation: str, params: Mapping[str, Any]) -> list[Any] | None:
    """The statement texts of a PartiQL call (each possibly not text); None when the call is
    not one or its statements are not in the shape the API takes."""
    if operation not in _OPERATIONS:
        return None
    key = _OPERATIONS[operation]
    if key is None:
        return [params.get("Statement")]
    listed = params.get(key)
    if not isinstance(listed, list) or not listed:
        return None
    return [s.get("Statement") if isinstance(s, Mapping) else None for s in listed]


def statement_writes(statement: Any) -> tuple[EffectKind, str] | None:
    """``(effect, table)`` of one statement (the table as DynamoDB names it, a ``"table"."index"``
    as its table); None when it is not read."""
    if not isinstance(statement, str):
        return None
    text = _COMMENT.sub(" ", statement).strip()
    for pattern, kind in _FORMS:
        match = pattern.match(text)
        if match is None:
            continue
        table = match["table"]  # "table" alone (even before ."index"), or an identifier
        quoted = table.startswith('"')
        table = table[1:-1].replace('""', '"') if quoted else table.split(".", 1)[0]
        return (kind, table) if table else None
    return None
