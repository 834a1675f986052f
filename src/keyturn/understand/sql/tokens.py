"""The SQL tokenizer: statements as token lists, respecting every way text can hide in quotes.

Handles ``'..'`` (doubled quotes; backslash escapes in MySQL and in PostgreSQL ``E'..'``),
``".."``/backtick identifiers, ``--`` and MySQL ``#`` comments, ``/* */`` comments (nested in
PostgreSQL), MySQL's executable ``/*! .. */`` comments (their inside runs, so it is read as
code), PostgreSQL dollar quoting, SQLite's ``[name]`` and ``$name(...)`` parameters, and
psql/mysql backslash meta-commands (each its own statement). An unterminated quote gives a
``bad`` token: the statement is unknown. Which characters make a name, and what each engine
quotes, is :mod:`.dialects`' (a non-ASCII character is a name character: ``x€$$`` is a name).

Comments end where the engine ends them: PostgreSQL's (and psql's) ``--`` comment at a line
feed *or* a carriage return (``[^\\n\\r]*`` in its scanner); MySQL's ``--`` is a comment only when
a space or a control character follows (``1--1`` is ``1 - -1``).

Meta-commands end where the client ends them, not at the end of the line: psql ends one at the
next unquoted backslash (``\\echo hi \\! cmd`` is two; after ``\\\\`` the rest of the line is
SQL); the mysql client reads a command that takes an argument up to the delimiter
(``\\u db; DROP ..``), and one that takes none is two characters long
(``SELECT 1\\G DROP ..``). ``\\d X`` is mysql's short ``DELIMITER X``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from keyturn.understand.sql.dialects import (
    Brackets,
    Dialect,
    dialect_for,
    dollar_tag,
    readings,
    simple_tokens,
    sqlite_parameter,
)

__all__ = ["Dialect", "Token", "dialect_for", "readings", "scan"]


@dataclass(frozen=True, slots=True)
class Token:
    """``kind``: word (lower-cased), ident (quoted identifier), string, number, punct, meta,
    param (a SQLite parameter), bad.
    ``depth``: parenthesis depth; a ``(`` or ``)`` carries the depth outside it."""

    kind: str
    text: str
    depth: int


_EXEC_COMMENT = re.compile(r"/\*M?!\d*")


def _quoted(sql: str, i: int, quote: str, *, backslash: bool) -> tuple[str, int, bool]:
    """The text of the quoted run opening at ``i``, the index after it, and whether it closed."""
    out: list[str] = []
    j, n = i + 1, len(sql)
    while j < n:
        ch = sql[j]
        if backslash and ch == "\\" and j + 1 < n:
            out.append(sql[j + 1])
            j += 2
        elif ch == quote:
            if sql.startswith(quote, j + 1):
                out.append(quote)
                j += 2
            else:
                return "".join(out), j + 1, True
        else:
            out.append(ch)
            j += 1
    return "".join(out), n, False


def _block_comment_end(sql: str, i: int, *, nested: bool) -> int:
    """Index after the ``/* */`` comment opening at ``i`` (end of text when unterminated)."""
    depth, j, n = 0, i, len(sql)
    while j < n:
        if sql.startswith("/*", j):
            depth = depth + 1 if nested or depth == 0 else depth
            j += 2
        elif sql.startswith("*/", j):
            depth -= 1
            j += 2
            if depth == 0:
                return j
        else:
            j += 1
    return n


def scan(sql: str, d: Dialect) -> list[list[Token]]:
    """Split ``sql`` into statements of tokens (meta-commands are one-token statements)."""
    statements: list[list[Token]] = []
    cur: list[Token] = []
    depth, i, n, in_exec = 0, 0, len(sql), False

    def flush() -> None:
        nonlocal cur, depth
        if cur:
            statements.append(cur)
        cur, depth = [], 0

    delimiter = ";"
    simple = simple_tokens(d)
    while i < n:
        c = sql[i]
        if delimiter != ";" and sql.startswith(delimiter, i):
            flush()
            i += len(delimiter)
            continue
        m = simple.match(sql, i)
        if not cur and m is not None and m.group().lower() == "delimiter":
            # the mysql client's DELIMITER line: statements end with another text from here on
            j = sql.find("\n", i)
            j = n if j < 0 else j
            delimiter = _delimiter_argument(sql[m.end() : j]) or delimiter
            i = j
            continue
        if m is not None and m.lastgroup != "punct":
            if m.lastgroup == "word":
                if d.postgres and m.group() in ("u", "U") and sql.startswith(_UNICODE, m.end()):
                    # U&"d\0061t" is the name "dat", U&'..' a string: read as PostgreSQL does
                    quote = sql[m.end() + 1]
                    text, i, ok = _quoted(sql, m.end() + 1, quote, backslash=False)
                    text, i = _unicode_escapes(sql, text, i)
                    kind = "ident" if quote == '"' else "string"
                    cur.append(Token(kind if ok else "bad", text, depth))
                    continue
                # a prefix letter glued to a quote is a string prefix: E'..', N'..', X'..'
                glued = m.end() < n and sql[m.end()] == "'"
                if glued and m.group().lower() in ("e", "n", "x", "b"):
                    esc = d.backslash or (d.postgres and m.group().lower() == "e")
                    text, i, ok = _quoted(sql, m.end(), "'", backslash=esc)
                    cur.append(Token("string" if ok else "bad", text, depth))
                    continue
                cur.append(Token("word", m.group().lower(), depth))
            elif m.lastgroup == "number":
                cur.append(Token("number", m.group(), depth))
            i = m.end()
        elif c == ";":
            flush()
            i += 1
        elif _line_comment(sql, i, d):
            i = _line_comment_end(sql, i, d)
        elif sql.startswith("/*", i):
            exec_m = _EXEC_COMMENT.match(sql, i)
            if exec_m is not None:  # MySQL runs the inside of /*! ... */
                in_exec, i = True, exec_m.end()
            else:
                i = _block_comment_end(sql, i, nested=d.postgres)
        elif in_exec and sql.startswith("*/", i):
            in_exec, i = False, i + 2
        elif c == "\\":
            flush()
            if d.mysql:
                text, i, delimiter = _mysql_meta(sql, i, delimiter)
            else:
                text, i = _psql_meta(sql, i)
            if text:
                statements.append([Token("meta", text, 0)])
        elif c in "'\"`":
            text, i, ok = _quoted(sql, i, c, backslash=d.backslash and c != "`")
            kind = "string" if c == "'" else "ident"
            cur.append(Token(kind if ok else "bad", text, depth))
        elif c == "$" and d.postgres and (dm := dollar_tag(d).match(sql, i)) is not None:
            end = sql.find(dm.group(), dm.end())
            body = sql[dm.end() : n if end < 0 else end]
            cur.append(Token("string" if end >= 0 else "bad", body, depth))
            i = n if end < 0 else end + len(dm.group())
        elif c == "[" and d.brackets is not Brackets.NONE:
            tsql = d.brackets is Brackets.TSQL
            text, i, ok = _bracketed(sql, i, doubled=tsql)
            cur.append(Token("ident" if ok else "bad", text, depth))
        elif d.sqlite_params and c in "$@:#" and (p := sqlite_parameter(sql, i)) is not None:
            end, ok = p
            cur.append(Token("param" if ok else "bad", sql[i:end], depth))
            i = end
        elif c == "(":
            cur.append(Token("punct", "(", depth))
            depth, i = depth + 1, i + 1
        elif c == ")":
            depth = max(depth - 1, 0)
            cur.append(Token("punct", ")", depth))
            i += 1
        elif m is not None:
            cur.append(Token("punct", m.group(), depth))
            i = m.end()
        else:
            cur.append(Token("punct", c, depth))
            i += 1
    flush()
    return statements


def _bracketed(sql: str, i: int, *, doubled: bool) -> tuple[str, int, bool]:
    """The name in the ``[...]`` opening at ``i``, the index after it, and whether it closed
    (SQLite ends it at the first ``]``; SQL Server reads ``]]`` as a ``]``)."""
    if doubled:
        return _quoted(sql, i, "]", backslash=False)
    end = sql.find("]", i + 1)
    if end < 0:
        return sql[i + 1 :], len(sql), False
    return sql[i + 1 : end], end + 1, True


def _line_comment(sql: str, i: int, d: Dialect) -> bool:
    """Whether a ``--`` (or MySQL ``#``) comment starts at ``i``."""
    if sql.startswith("#", i):
        return d.hash_comments
    if not sql.startswith("--", i):
        return False
    # MySQL: "--" followed by a space or a control character (or the end); else 1--1 = 1 - -1.
    # Its lexer tests bytes: a non-ASCII space (a no-break space) is no space there.
    after = sql[i + 2 : i + 3]
    return not d.mysql or after in ("", " ", "\x7f") or ord(after) < 32


def _line_comment_end(sql: str, i: int, d: Dialect) -> int:
    """Index of the character that ends the line comment starting at ``i``."""
    ends = [sql.find("\n", i)]
    if d.postgres and not sql.startswith("#", i):  # PostgreSQL: [^\n\r]*
        ends.append(sql.find("\r", i))
    found = [e for e in ends if e >= 0]
    return min(found) if found else len(sql)


def _psql_meta(sql: str, i: int) -> tuple[str, int]:
    """The psql meta-command starting at the backslash at ``i``, and where scanning goes on.

    Its name runs to whitespace or a backslash; its arguments to the end of the line or an
    unquoted backslash, which starts another meta-command -- or, doubled, ends this one and
    leaves the rest of the line to SQL (``\\echo x \\\\ DROP TABLE t``)."""
    n = len(sql)
    if sql.startswith("\\\\", i):  # a bare separator: the rest of the line is SQL
        return "", i + 2
    j = i + 1
    while j < n and not sql[j].isspace() and sql[j] != "\\":
        j += 1
    while j < n and sql[j] != "\n":
        ch = sql[j]
        if ch == "\\":
            text = sql[i:j].strip()
            return text, (j + 2 if sql.startswith("\\\\", j) else j)
        if ch == "'":
            j += 1
            while j < n and sql[j] not in "'\n":
                j += 2 if sql[j] == "\\" and sql[j + 1 : j + 2] not in ("", "\n") else 1
            j += 1 if j < n and sql[j] == "'" else 0
        elif ch in '"`':  # to the closing quote, or the end of the line when there is none
            end = sql.find(ch, j + 1)
            line_end = sql.find("\n", j + 1)
            line_end = n if line_end < 0 else line_end
            j = line_end if end < 0 or line_end < end else end + 1
        else:
            j += 1
    return sql[i:j].strip(), j


# The mysql client's one-letter commands that take an argument (up to the delimiter).
_MYSQL_TAKES_ARGUMENT = frozenset("?rdhPR.!TuC")


def _mysql_meta(sql: str, i: int, delimiter: str) -> tuple[str, int, str]:
    """The mysql client command at the backslash at ``i``: its text, where scanning goes on,
    and the delimiter after it (``\\d X`` sets it)."""
    letter = sql[i + 1 : i + 2]
    if letter in ("", "\n"):
        return "", i + 1, delimiter
    if letter not in _MYSQL_TAKES_ARGUMENT:
        return sql[i : i + 2], i + 2, delimiter
    line_end = sql.find("\n", i)
    line_end = len(sql) if line_end < 0 else line_end
    if letter == "d":  # the new delimiter holds at once, for the rest of this line too
        delimiter = _delimiter_argument(sql[i + 2 : line_end]) or delimiter
    end = sql.find(delimiter, i + 2, line_end)
    if end < 0:
        return sql[i:line_end].strip(), line_end, delimiter
    return sql[i:end].strip(), end + len(delimiter), delimiter


def _delimiter_argument(text: str) -> str:
    """The first argument of a DELIMITER command as the mysql client reads it (quotes
    removed); empty when there is none. A backslash is refused by the client: none."""
    text = text.strip()
    if not text:
        return ""
    if text[0] in "'\"`":
        end = text.find(text[0], 1)
        arg = text[1:] if end < 0 else text[1:end]
    else:
        arg = text.split()[0]
    return "" if "\\" in arg else arg


_UNICODE = ('&"', "&'")
_UESCAPE = re.compile(r"\s*uescape\s*'([^'])'", re.IGNORECASE)
_HEX = frozenset("0123456789abcdefABCDEF")


def _unicode_escapes(sql: str, text: str, end: int) -> tuple[str, int]:
    """The text of a ``U&`` name or string with its escapes decoded (``\\0061``,
    ``\\+000061``, or another escape character given by a following ``UESCAPE 'c'``), and
    the index after the clause. An escape that is not one is kept as written."""
    clause = _UESCAPE.match(sql, end)
    escape = clause.group(1) if clause else "\\"
    out: list[str] = []
    j = 0
    while j < len(text):
        ch = text[j]
        if ch != escape:
            out.append(ch)
            j += 1
            continue
        if text.startswith(escape, j + 1):  # a doubled escape character is itself
            out.append(escape)
            j += 2
            continue
        long = text.startswith("+", j + 1)
        start = j + 2 if long else j + 1
        digits = text[start : start + (6 if long else 4)]
        if len(digits) == (6 if long else 4) and _HEX.issuperset(digits):
            out.append(chr(min(int(digits, 16), 0x10FFFF)))
            j = start + len(digits)
        else:
            out.append(ch)
            j += 1
    return "".join(out), clause.end() if clause else end
