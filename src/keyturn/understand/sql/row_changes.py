"""UPDATE and DELETE: the tables whose rows they change, and whether every row is hit.

The multi-table DELETE of MySQL (``DELETE p FROM payments AS p ...``, ``DELETE FROM a1, a2
USING t1 AS a1 JOIN t2 AS a2 ...``) and of SQL Server (``DELETE p FROM payments p``,
``DELETE FROM p FROM payments p``) names its targets by the aliases its table references
declare: a target is the table its alias stands for. There a target must be one of the
references, so one that names neither an alias nor a table of them is named as written *and*
by every table of the references: which one it means was not understood. (PostgreSQL's
``DELETE FROM t USING ...`` deletes from the table ``t``; its USING only joins others.)
"""

from __future__ import annotations

from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    closing,
    is_punct,
    is_word,
    name_at,
    names_list,
    skip_words,
    top_index,
    where_always_true,
)
from keyturn.understand.sql.reach import reached


def row_scope(tokens: Tokens, verb: str, after: int) -> str:
    """The detail of an UPDATE or DELETE whose WHERE (from ``after`` on) hits every row."""
    where = top_index(tokens, "where", after)
    if where < 0:
        return f"{verb} without WHERE: every row"
    if where_always_true(tokens, where):
        return f"{verb} with an always-true WHERE: every row"
    return ""


def update(tokens: Tokens, s: Session) -> list[Effect]:
    """UPDATE t SET ... [WHERE]: update of each target table; every row without a WHERE."""
    i = skip_words(tokens, 1, {"only", "low_priority", "ignore", "or", "rollback", "abort"})
    i = skip_words(tokens, i, {"replace", "fail"})
    set_at = top_index(tokens, "set", i)
    targets = [name_at(tokens, i)[0]]
    base = tokens[0].depth
    for k in range(i, set_at if set_at >= 0 else len(tokens)):
        joined = is_word(tokens, k, "join") or is_punct(tokens, k, ",")
        if joined and tokens[k].depth == base:  # MySQL multi-table UPDATE a, b / a JOIN b
            targets.append(name_at(tokens, skip_words(tokens, k + 1, {"only"}))[0])
    targets = [t for t in targets if t]
    if not targets:
        return [s.unknown("UPDATE without a table", "UPDATE")]
    detail = row_scope(tokens, "UPDATE", max(set_at, i))
    out = []
    for res in (s.object_resource(t, "table") for t in targets):
        out += [s.effect(EffectKind.UPDATE, res, "UPDATE", detail), *reached(s, res, "update")]
    return out


_TARGETS_END = frozenset({"using", "where", "from", "returning", "order", "limit", "as", "join"})


def delete(tokens: Tokens, s: Session) -> list[Effect]:
    """DELETE FROM t [WHERE]: delete of each target table; every row without a WHERE."""
    i = skip_words(tokens, 1, {"low_priority", "quick", "ignore"})
    if is_word(tokens, i, "from"):
        i = skip_words(tokens, i + 1, {"only"})
        first, j = name_at(tokens, i)
        targets = [first]
        if s.engine not in ("postgres", "sqlite") and is_punct(tokens, j, ","):
            # MySQL's DELETE FROM a, b USING ... (an error in PostgreSQL and SQLite)
            targets += names_list(tokens, j + 1, _TARGETS_END)[0]
        refs, strict = _references_after(tokens, j, s.engine)
    else:  # MySQL / SQL Server multi-table DELETE a, b FROM ...
        targets = names_list(tokens, i, _TARGETS_END)[0]
        refs, strict = top_index(tokens, "from", i), True
    targets = [[p for p in t if p != "*"] for t in targets if t]
    if not targets:
        return [s.unknown("DELETE without a table", "DELETE")]
    extra: list[Effect] = []
    if refs >= 0:
        references = table_references(tokens, refs + 1)
        targets = _resolved(targets, references, strict=strict)
        if strict and not references:
            extra.append(s.unknown("DELETE from tables not understood", "DELETE"))
    detail = row_scope(tokens, "DELETE", i) or "rows matching WHERE"
    out = []
    for res in (s.object_resource(t, "table") for t in targets):
        out += [s.effect(EffectKind.DELETE, res, "DELETE", detail), *reached(s, res, "delete")]
    return out + extra


def _references_after(tokens: Tokens, j: int, engine: str) -> tuple[int, bool]:
    """Where the table references the targets of ``DELETE FROM targets`` stand for begin
    (-1: none), and whether each target must be one of them. SQL Server's second FROM and
    MySQL's USING hold them (a target must be one); elsewhere a USING only joins other
    tables, and a target named by none of its aliases is a table of its own."""
    if engine in ("postgres", "sqlite"):
        return -1, False
    second = top_index(tokens, "from", j)
    if second >= 0:
        return second, True
    return top_index(tokens, "using", j), engine == "mysql"


@dataclass(frozen=True, slots=True)
class Reference:
    """A table of a FROM/USING list, and the alias it is declared with (lower-cased)."""

    table: tuple[str, ...]
    alias: str | None


def _resolved(
    targets: list[list[str]], references: list[Reference], *, strict: bool
) -> list[list[str]]:
    """The tables ``targets`` stand for; a target found in none of ``references`` is itself,
    and also every one of them when it must be one (``strict``: then it was not understood)."""
    out: list[list[str]] = []
    for target in targets:
        key = tuple(p.lower() for p in target)
        found = [list(r.table) for r in references if len(key) == 1 and r.alias == key[0]]
        found += [list(r.table) for r in references if _same_table(r.table, key)]
        if not found:
            found = [target, *(list(r.table) for r in references if strict)]
        out += [t for t in found if t not in out]
    return out


def _same_table(table: tuple[str, ...], key: tuple[str, ...]) -> bool:
    """Whether ``key`` names ``table`` (``t`` names ``shop.t`` too)."""
    folded = tuple(p.lower() for p in table)
    return folded == key or (len(key) == 1 and folded[-1:] == key)


# Words that end the table references, and words that are no table name or alias there.
_REFS_END = frozenset({"where", "order", "limit", "returning", "option", "output", "set"})
_JOINS = frozenset({"join", "straight_join"})
_NOT_ALIASES = frozenset(
    {"on", "using", "join", "straight_join", "left", "right", "inner", "outer", "cross"}
    | {"natural", "full", "where", "partition", "use", "ignore", "force", "order", "limit"}
    | {"returning", "option", "output", "set", "with", "lateral", "tablesample", "as"}
)
_QUERY_STARTS = frozenset({"select", "with", "values", "table"})


def table_references(tokens: Tokens, start: int) -> list[Reference]:
    """The tables (and their aliases) of the table references from ``start`` on: names after
    the start, a ``,`` or a JOIN; parenthesised joins are entered, derived tables and
    conditions skipped."""
    base, k, expect = tokens[0].depth, start, True
    out: list[Reference] = []
    while k < len(tokens):
        t = tokens[k]
        if t.depth == base and t.kind == "word" and t.text in _REFS_END:
            break
        if is_punct(tokens, k, "("):
            grouping = expect and not is_word(tokens, k + 1, *_QUERY_STARTS)
            k = k + 1 if grouping else closing(tokens, k) + 1
            if not grouping and expect:  # a derived table: rows of a query, never deleted
                k, expect = _alias_at(tokens, skip_words(tokens, k, {"as"}))[1], False
            continue
        if is_punct(tokens, k, ",") or (t.kind == "word" and t.text in _JOINS):
            expect = True
        elif expect and t.kind in ("word", "ident") and not _keyword(t.kind, t.text):
            parts, k = name_at(tokens, k)
            if is_word(tokens, k, "partition") and is_punct(tokens, k + 1, "("):
                k = closing(tokens, k + 1) + 1
            alias, k = _alias_at(tokens, k)
            out.append(Reference(tuple(parts), alias))
            expect = False
            continue
        k += 1
    return out


def _keyword(kind: str, text: str) -> bool:
    return kind == "word" and text in _NOT_ALIASES


def _alias_at(tokens: Tokens, k: int) -> tuple[str | None, int]:
    """The alias declared at ``k`` (``[AS] name``), lower-cased, and the index after it."""
    at = k + 1 if is_word(tokens, k, "as") else k
    named = at < len(tokens) and tokens[at].kind in ("word", "ident")
    if named and not _keyword(tokens[at].kind, tokens[at].text):
        return tokens[at].text.lower(), at + 1
    return None, k
