"""SQL Server's T-SQL as ``sqlcmd`` runs it.

T-SQL needs no ``;`` between statements (``USE prod DROP TABLE users`` is two), so a scanned
statement is split where another begins (:func:`tsql_statements`): at a word that only starts
a statement, or at a DML/DDL verb that does not continue the one before (``ON DELETE CASCADE``,
``GRANT INSERT``, ``WHEN MATCHED THEN DELETE``, ``ALTER TABLE t DROP COLUMN c`` continue it).
Splitting too often only makes the judgement stricter; not splitting would hide a statement.
``[names]``, ``#temp`` tables, ``@variables`` and ``db..table`` are read as names.

A script's lines (:func:`script_items`): ``GO`` ends a batch; ``:command`` and ``!!command``
lines are sqlcmd's own (:mod:`.warehouses` judges them); ``$(name)`` scripting variables are
replaced by their values before anything is judged (:func:`substitute`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from keyturn.understand.sql.parsing import is_punct, is_word
from keyturn.understand.sql.tokens import Token

# Words that only ever start a statement (reserved in T-SQL).
_STARTS = frozenset(
    {"use", "truncate", "restore", "backup", "dbcc", "shutdown", "kill", "bulk", "waitfor"}
    | {"print", "raiserror", "throw", "declare", "goto", "return", "while", "if", "begin"}
    | {"checkpoint", "reconfigure", "setuser", "readtext", "writetext", "updatetext", "go"}
    | {"commit", "rollback", "save", "deallocate", "open", "close", "fetch", "break"}
    | {"continue", "else", "end", "deny", "grant", "revoke"}
)
_DML = frozenset({"insert", "update", "delete", "merge"})
_DDL = frozenset({"drop", "create", "alter"})
_EXEC = frozenset({"exec", "execute"})
# Words after which a DML verb continues the statement (FK actions, trigger events, MERGE).
_DML_AFTER = frozenset({"on", "for", "after", "of", "instead", "then", "not", "inner", "left"})
_DML_AFTER_ALSO = frozenset({"right", "full", "outer", "cross", "hash", "loop", "with"})
_OBJECTS = frozenset(
    {"table", "database", "view", "procedure", "proc", "function", "trigger", "schema"}
    | {"login", "user", "role", "synonym", "type", "sequence", "assembly", "index"}
)


def tsql_statements(tokens: list[Token]) -> list[list[Token]]:
    """The statements in one scanned T-SQL statement."""
    merged = _names(tokens)
    if not merged:
        return []
    base = merged[0].depth
    out: list[list[Token]] = []
    current: list[Token] = []
    case_depth = 0
    granted = False  # inside GRANT/REVOKE/DENY before its TO/FROM: verbs are permissions
    for k, t in enumerate(merged):
        word = t.text if t.kind == "word" and t.depth == base else ""
        if word == "case":
            case_depth += 1
        if current and word and _starts_here(merged, k, current, case_depth, granted):
            out.append(current)
            current, case_depth, granted = [], 0, False
        if word == "end" and case_depth:
            case_depth -= 1
        if not current and word in ("grant", "revoke", "deny"):
            granted = True
        elif granted and word in ("to", "from"):
            granted = False
        if word != "go" or current:
            current.append(t)
    out.append(current)
    return [s for s in out if s and not is_word(s, 0, "go")]


def _starts_here(
    tokens: list[Token], k: int, current: list[Token], case_depth: int, granted: bool
) -> bool:
    """Whether the word at ``k`` begins a new statement after ``current``."""
    word, prev = tokens[k].text, tokens[k - 1]
    before = prev.text if prev.kind == "word" else prev.text if prev.text == "," else ""
    if word in ("else", "end"):
        return case_depth == 0
    if word == "if":
        return not is_word(tokens, k + 1, "exists", "not")
    if word in ("grant", "revoke", "deny"):
        return before not in ("with", "revoke")
    if word in ("open", "close", "fetch"):
        return before not in ("rows", "row", "next")
    if word in _STARTS:
        return True
    if granted and word in _DML | _DDL | _EXEC:
        return False
    if word in _DML and is_word(current, 0, "with"):
        return any(is_word(current, i, *_DML) for i in range(1, len(current)))
    if word in _DML:
        return before not in _DML_AFTER and before not in _DML_AFTER_ALSO and before != ","
    if word in _EXEC:
        return before not in ("with", "as")
    if word in _DDL:
        if is_word(current, 0, "alter"):
            return is_word(tokens, k + 1, *_OBJECTS) and not is_word(tokens, k + 1, "index")
        return before not in ("for", "with", "on")
    return False


def _names(tokens: list[Token]) -> list[Token]:
    """``[name]``, ``#temp``/``##temp``, ``@var``/``@@var`` as names; ``db..t`` as
    ``db.dbo.t``."""
    found = bracketed(tokens)
    out: list[Token] = []
    i = 0
    while i < len(found):
        t = found[i]
        if t.kind == "punct" and t.text in ("#", "@"):
            j = i
            while j < len(found) and is_punct(found, j, t.text):
                j += 1
            if j < len(found) and found[j].kind in ("word", "ident"):
                out.append(Token("ident", t.text * (j - i) + found[j].text, t.depth))
                i = j + 1
                continue
        out.append(t)
        if is_punct(found, i, ".") and is_punct(found, i + 1, "."):
            out.append(Token("word", "dbo", t.depth))
        i += 1
    return out


def bracketed(tokens: list[Token]) -> list[Token]:
    """``[name]`` (SQL Server) and ``[project:dataset.table]`` (BigQuery's legacy SQL) as one
    quoted name; a bracket that does not close is left as it is."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        end = _bracket_end(tokens, i) if t.kind == "punct" and t.text == "[" else -1
        if end < 0:
            out.append(t)
            i += 1
            continue
        text = ""
        for k in range(i + 1, end):
            gap = " " if text and tokens[k - 1].kind == "word" and tokens[k].kind == "word" else ""
            text += gap + tokens[k].text
        out.append(Token("ident", text, t.depth))
        i = end + 1
    return out


def _bracket_end(tokens: list[Token], i: int) -> int:
    for k in range(i + 1, min(len(tokens), i + 40)):
        if tokens[k].kind == "punct" and tokens[k].text == "]":
            return k
        if tokens[k].kind not in ("word", "punct", "number") or tokens[k].text == "[":
            return -1
    return -1


_GO = re.compile(r"[ \t]*(\S+)(?:[ \t]+\d+)?[ \t]*\Z")
_VARIABLE = re.compile(r"\$\(([A-Za-z_][\w-]*)\)")


def script_items(
    text: str, *, terminator: str | None = "GO", commands: tuple[str, ...] = (":", "!!")
) -> list[tuple[str, str]]:
    """A client's script as ``("sql", text)`` batches and ``("command", line)`` lines, in
    order: sqlcmd's ``:r file``, ``:setvar X 1``, ``!!cmd`` (and ``GO`` ending a batch),
    snowsql's ``!source file``, ``!system cmd``."""
    items: list[tuple[str, str]] = []
    batch: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        ended = _GO.match(line) if terminator else None
        if ended is not None and terminator and ended.group(1).lower() == terminator.lower():
            batch.append(";")
            continue
        if stripped.startswith(commands):
            if batch:
                items.append(("sql", "\n".join(batch)))
                batch = []
            items.append(("command", stripped))
            continue
        batch.append(line)
    if any(line.strip() for line in batch):
        items.append(("sql", "\n".join(batch)))
    return items


def substitute(text: str, variables: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with its ``$(name)`` scripting variables replaced, and the names of those
    that have no value (sqlcmd takes them from ``-v``, ``:setvar`` and the environment)."""
    missing: list[str] = []

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        found = variables.get(name, variables.get(name.upper()))
        if found is None:
            missing.append(name)
            return m.group(0)
        return found

    return _VARIABLE.sub(value, text), missing
