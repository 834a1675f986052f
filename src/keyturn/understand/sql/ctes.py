"""Where the main statement of ``WITH ... <statement>`` begins, read by the CTE list's shape.

A CTE's name may be any word the engine does not reserve: ``INSERT``, ``UPDATE``, ``DELETE``
and ``MERGE`` are unreserved in PostgreSQL, so ``WITH insert AS (SELECT 1) DELETE FROM t``
deletes from ``t``. The main statement is therefore found by walking the list as the grammar
has it, never by looking for the first statement keyword::

    WITH [RECURSIVE] name [(col, ...)] AS [NOT] [MATERIALIZED] (query)
         [SEARCH {BREADTH|DEPTH} FIRST BY col, ... SET col]
         [CYCLE col, ... SET col [TO value DEFAULT value] USING col]
         [, ...]
    <statement>

(PostgreSQL; MySQL and SQLite have the same list without the SEARCH and CYCLE clauses.)
ClickHouse also names an expression: ``WITH 1 AS x SELECT x`` (``expressions``).
"""

from __future__ import annotations

from keyturn.understand.sql.parsing import Tokens, closing, is_punct, is_word, skip_words

_NAME_KINDS = frozenset({"word", "ident"})


def main_statement(tokens: Tokens, *, expressions: bool = False) -> int | None:
    """The index where the statement after the CTE list of ``tokens`` (which starts with
    ``WITH``) begins; None when the list is not of the shape above. ``expressions``: an item
    may also be ``<expression> AS name`` (ClickHouse)."""
    i = skip_words(tokens, 1, {"recursive"})
    while True:
        after = _cte_end(tokens, i)
        if after is None and expressions:
            after = _expression_end(tokens, i)
        if after is None:
            return None
        if not is_punct(tokens, after, ","):
            return after if after < len(tokens) else None
        i = after + 1


def _cte_end(tokens: Tokens, i: int) -> int | None:
    """The index after the CTE starting at ``i`` (its name), its SEARCH and CYCLE clauses."""
    if i >= len(tokens) or tokens[i].kind not in _NAME_KINDS:
        return None
    i += 1
    if is_punct(tokens, i, "("):  # the column list
        i = closing(tokens, i) + 1
    if not is_word(tokens, i, "as"):
        return None
    i = skip_words(tokens, i + 1, {"not", "materialized"})
    if not is_punct(tokens, i, "("):
        return None
    i = closing(tokens, i) + 1
    if i > len(tokens):  # the body is not closed
        return None
    end = _search_end(tokens, i) if is_word(tokens, i, "search") else i
    if end is not None and is_word(tokens, end, "cycle"):
        end = _cycle_end(tokens, end)
    return end


def _expression_end(tokens: Tokens, i: int) -> int | None:
    """The index after ``<expression> AS name`` starting at ``i``."""
    base = tokens[0].depth
    at = i
    while at < len(tokens) and not (tokens[at].depth == base and is_word(tokens, at, "as")):
        if tokens[at].depth == base and is_punct(tokens, at, ","):
            return None
        at += 1
    return _one_name(tokens, at + 1) if at > i and at < len(tokens) else None


def _names_to(tokens: Tokens, i: int, word: str) -> int | None:
    """The index of ``word`` after ``col, col, ...`` starting at ``i``; None when another
    shape is there."""
    while i < len(tokens) and tokens[i].kind in _NAME_KINDS:
        if is_word(tokens, i + 1, word):
            return i + 1
        if not is_punct(tokens, i + 1, ","):
            return None
        i += 2
    return None


def _one_name(tokens: Tokens, i: int) -> int | None:
    return i + 1 if i < len(tokens) and tokens[i].kind in _NAME_KINDS else None


def _search_end(tokens: Tokens, i: int) -> int | None:
    """``SEARCH {BREADTH|DEPTH} FIRST BY col, ... SET col``."""
    if not (is_word(tokens, i + 1, "breadth", "depth") and is_word(tokens, i + 2, "first")):
        return None
    if not is_word(tokens, i + 3, "by"):
        return None
    at = _names_to(tokens, i + 4, "set")
    return None if at is None else _one_name(tokens, at + 1)


def _cycle_end(tokens: Tokens, i: int) -> int | None:
    """``CYCLE col, ... SET col [TO value DEFAULT value] USING col``: the two values are
    constants, read up to the ``DEFAULT`` and the ``USING``."""
    at = _names_to(tokens, i + 1, "set")
    at = None if at is None else _one_name(tokens, at + 1)
    if at is None:
        return None
    if is_word(tokens, at, "to"):
        base = tokens[0].depth
        while at < len(tokens) and not (tokens[at].depth == base and is_word(tokens, at, "using")):
            at += 1
    if not is_word(tokens, at, "using"):
        return None
    return _one_name(tokens, at + 1)
