"""How each engine cuts SQL text into tokens: the quoting rules :mod:`.tokens` scans by.

Names and dollar-quote tags are read as the engines' own lexers read them, which work on
bytes: PostgreSQL's ``scan.l`` has ``ident_start [A-Za-z\\200-\\377_]`` and ``ident_cont
[A-Za-z\\200-\\377_0-9\\$]``, and a dollar-quote tag is ``$`` + ``dolq_start dolq_cont*`` +
``$``; MySQL and SQLite also take every byte of a multibyte character as a name character. So
any non-ASCII character (``€``, a no-break space) is part of a name, and ``x€$$`` is one name,
not a name followed by a dollar quote. Only ASCII spaces and controls are whitespace.

SQLite also has ``[name]`` identifiers (to the first ``]``) and parameters ``$name``,
``@name``, ``:name``, ``#name`` whose Tcl form ``$name(...)`` runs to the next space or ``)``
(``tokenize.c``), so a quote inside either is no quote. SQL Server's ``[name]`` doubles ``]``.

Where the engine is not known, its lexer is not either: :func:`readings` gives every reading
that could cut the text differently, and the effects of all are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum


class Brackets(StrEnum):
    """What ``[`` opens."""

    NONE = "none"  # nothing: punctuation (PostgreSQL arrays, MySQL)
    SQLITE = "sqlite"  # a name, to the first ``]``
    TSQL = "tsql"  # a name in which ``]]`` is a ``]`` (SQL Server)


@dataclass(frozen=True, slots=True)
class Dialect:
    """The quoting rules of one reading of SQL text."""

    backslash: bool  # '...' strings take backslash escapes (MySQL)
    postgres: bool  # nested comments, dollar quotes, E'' strings
    hash_comments: bool  # '#' starts a comment (MySQL)
    mysql: bool = False  # the mysql client's meta-commands; '--' needs a space after it
    # Non-ASCII characters are name characters (the engines above lex bytes). False: only
    # Unicode letters and digits are, for an engine that may lex by Unicode category.
    wide_names: bool = True
    brackets: Brackets = Brackets.NONE
    sqlite_params: bool = False  # SQLite's $name(...), @name, :name, #name parameters


_WIDE_START = "A-Za-z_\x80-\U0010ffff"
_WIDE = re.compile(
    r"(?P<ws>[ \t\n\r\f\v]+)"
    rf"|(?P<word>[{_WIDE_START}][{_WIDE_START}0-9$]*)"
    r"|(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<punct>::|<=|>=|<>|!=|\|\||[(),.=*<>+\-/%:?])"
)
_NARROW = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<word>[^\W\d]\w*(?:\$\w*)*)"
    r"|(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)"
    r"|(?P<punct>::|<=|>=|<>|!=|\|\||[(),.=*<>+\-/%:?])"
)
_WIDE_DOLLAR = re.compile(rf"\$(?:[{_WIDE_START}][{_WIDE_START}0-9]*)?\$")
_NARROW_DOLLAR = re.compile(r"\$(?:[^\W\d]\w*)?\$")


def simple_tokens(d: Dialect) -> re.Pattern[str]:
    """The pattern of whitespace, names, numbers and punctuation in ``d``."""
    return _WIDE if d.wide_names else _NARROW


def dollar_tag(d: Dialect) -> re.Pattern[str]:
    """The pattern of a dollar-quote delimiter (``$$``, ``$tag$``) in ``d``."""
    return _WIDE_DOLLAR if d.wide_names else _NARROW_DOLLAR


_SQLITE_SPACE = frozenset(" \t\n\f\r")


def _sqlite_name_char(c: str) -> bool:
    return not c.isascii() or c.isalnum() or c in "_$"


def sqlite_parameter(sql: str, i: int) -> tuple[int, bool] | None:
    """Where the SQLite parameter starting at ``i`` (``$``, ``@``, ``:`` or ``#``) ends, as
    ``tokenize.c`` reads it: name characters and ``::``, then a Tcl ``(...)`` running to the
    next space or ``)``; and whether SQLite takes it (a ``(...)`` cut by a space or the end
    of the text is refused). None when no parameter starts there."""
    n, j, size = 0, i + 1, len(sql)
    while j < size:
        c = sql[j]
        if _sqlite_name_char(c):
            n, j = n + 1, j + 1
        elif c == "(" and n > 0:
            j += 1
            while j < size and sql[j] not in _SQLITE_SPACE and sql[j] != ")":
                j += 1
            closed = j < size and sql[j] == ")"
            return (j + 1 if closed else j), closed
        elif c == ":" and sql.startswith("::", j):
            j += 2
        else:
            break
    return (j, True) if n > 0 else None


def dialect_for(engine: str, *, backslash: bool | None = None) -> Dialect:
    """The quoting rules of ``engine``; ``backslash`` overrides whether strings take escapes."""
    mysql, sqlite = engine == "mysql", engine == "sqlite"
    return Dialect(
        backslash=mysql if backslash is None else backslash,
        # unknown engines get PostgreSQL's richer quoting: more text is read as quoted, and the
        # other readings are judged too (see :func:`readings`)
        postgres=not mysql and not sqlite,
        hash_comments=mysql,
        mysql=mysql,
        brackets=Brackets.SQLITE if sqlite else Brackets.NONE,
        sqlite_params=sqlite,
    )


_KNOWN = frozenset({"postgres", "mysql", "sqlite"})
_PLAIN = Dialect(backslash=False, postgres=False, hash_comments=False)
_TSQL = replace(_PLAIN, brackets=Brackets.TSQL)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PARAMETER = re.compile(r"[$@:#][^\s(]*\(")


def readings(sql: str, *, engine: str) -> list[Dialect]:
    """Every quoting reading of ``sql`` to judge: the engine's own, plus the other backslash
    reading when backslashes occur (MySQL's NO_BACKSLASH_ESCAPES, PostgreSQL's E-strings). For
    an unknown engine also: the non-PostgreSQL reading when dollar quotes or comments occur,
    MySQL's when ``--`` does, SQLite's and SQL Server's when ``[`` or a Tcl-style parameter
    does, and one where only Unicode letters make names when a non-ASCII character and ``$``
    occur. The effects of all are kept, so a quoting trick cannot hide a statement."""
    first = dialect_for(engine)
    out = [first]
    if "\\" in sql:
        out.append(dialect_for(engine, backslash=not first.backslash))
    if engine in _KNOWN:
        return out
    if "$" in sql or "/*" in sql:
        out.append(_PLAIN)
    if "--" in sql:
        out.append(dialect_for("mysql"))  # the engine may be MySQL: 1--1 is no comment there
    if "[" in sql or _PARAMETER.search(sql):
        out.append(dialect_for("sqlite"))
    if "[" in sql:
        out.append(_TSQL)
    if "$" in sql and _NON_ASCII.search(sql):
        out.append(replace(first, wide_names=False))
    return out
