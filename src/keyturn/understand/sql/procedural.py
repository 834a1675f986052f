"""Function bodies in the text: PL/pgSQL and SQL (PostgreSQL).

A function's body runs when it is called -- by a trigger, on others' statements, for a trigger
function. So the session keeps each body the text defines (``CREATE [OR REPLACE] FUNCTION|
PROCEDURE f(...) ... AS 'body' LANGUAGE l``); a trigger executing ``f`` is judged by it
(:mod:`.stored_code`), and so is ``CREATE OR REPLACE`` of a function returning ``trigger``:
the triggers already bound to it run the new body. A ``DO`` block runs its body now
(:func:`do_block`).

A body is judged as the statements it holds, each as if it ran now (the scanner cuts it at its
semicolons; no branch is assumed not taken). PL/pgSQL's own statements are read for what they
run: ``IF``/``ELSIF``/``WHILE``/``WHEN`` conditions and assignments by the functions they call
(:mod:`.functions`), ``PERFORM`` as a query, ``FOR r IN <query> LOOP`` by its query, ``RETURN
QUERY`` by its query, ``EXECUTE 'constant text'`` by that text. ``EXECUTE`` of text built at
run time, ``OPEN ... FOR EXECUTE`` and any language other than ``plpgsql`` and ``sql`` are
unknown; so is any statement the SQL understanding does not know.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.functions import call_effects
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    is_punct,
    is_word,
    name_at,
    skip_words,
    top_index,
)
from keyturn.understand.sql.tokens import Token, dialect_for, scan

Classify = Callable[[Tokens, Session], list[Effect]]

_QUERIES = frozenset({"select", "with", "values", "table"})
_NOTHING = frozenset(
    {"null", "get", "fetch", "move", "close", "commit", "rollback", "return", "raise"}
    | {"assert", "exit", "continue", "end"}
)


def routine(tokens: Tokens) -> tuple[list[str], str, str] | None:
    """(name parts, language, body) of ``CREATE [OR REPLACE] FUNCTION|PROCEDURE f()`` whose
    body is a string; None otherwise."""
    kind_at = next(
        (k for k in range(1, min(len(tokens), 6)) if is_word(tokens, k, "function", "procedure")),
        -1,
    )
    if kind_at < 0:
        return None
    parts, after = name_at(tokens, kind_at + 1)
    if not (is_punct(tokens, after, "(") and is_punct(tokens, after + 1, ")")):
        # only a routine without arguments can be a trigger's: ``f(int)`` is another
        # function than the ``f()`` a trigger runs
        return None
    body = None
    language = "sql"
    for k in range(kind_at + 1, len(tokens) - 1):
        if tokens[k].depth != tokens[0].depth:
            continue
        if is_word(tokens, k, "as") and tokens[k + 1].kind == "string":
            body = tokens[k + 1].text
        elif is_word(tokens, k, "language") and tokens[k + 1].kind in ("word", "string", "ident"):
            language = tokens[k + 1].text.lower()
    if not parts or body is None:
        return None
    return parts, language, body


def forget(tokens: Tokens, s: Session) -> None:
    """ALTER or DROP of a routine: its name may no longer name the body the text gave it (any
    kept body whose name is a word of the statement is forgotten)."""
    if not any(is_word(tokens, k, "function", "procedure") for k in range(1, 4)):
        return
    words = {t.text for t in tokens if t.kind in ("word", "ident")}
    for key in [k for k in s.routines if k.rsplit("/", 1)[-1].rsplit(".", 1)[-1] in words]:
        del s.routines[key]


# PostgreSQL 15's trigger functions in pg_catalog, which is searched before any schema: a
# trigger naming one runs it, not a function of that name the text defined elsewhere.
CATALOG_TRIGGERS = frozenset(
    {"suppress_redundant_updates_trigger", "tsvector_update_trigger", "unique_key_recheck"}
    | {"tsvector_update_trigger_column"}
    | {f"RI_FKey_{a}_{e}" for a in ("cascade", "noaction", "restrict") for e in ("del", "upd")}
    | {f"RI_FKey_{a}_{e}" for a in ("setdefault", "setnull") for e in ("del", "upd")}
    | {"RI_FKey_check_ins", "RI_FKey_check_upd"}
)


def returns_trigger(tokens: Tokens) -> bool:
    """Whether a CREATE FUNCTION says ``RETURNS trigger`` (or ``event_trigger``), the type's
    name also quoted or qualified (``RETURNS pg_catalog."trigger"``: PostgreSQL 15 run)."""
    at = top_index(tokens, "returns")
    if at < 0:
        return False
    k = at + 1
    if k < len(tokens) and tokens[k].text.lower() == "pg_catalog" and is_punct(tokens, k + 1, "."):
        k += 2
    kind = tokens[k].kind if k < len(tokens) else ""
    return kind in ("word", "ident") and tokens[k].text in ("trigger", "event_trigger")


def judge_code(body: str, language: str, s: Session, classify: Classify) -> list[Effect]:
    """The effects of running ``body`` written in ``language``."""
    if language not in ("plpgsql", "sql"):
        return [s.unknown(f"runs code in the language {language[:40]}", "code")]
    out: list[Effect] = []
    declaring = False
    for statement in scan(body, dialect_for(s.engine)):
        if language == "sql":
            out += classify(statement, s)
            continue
        found, declaring = _plpgsql(list(statement), s, classify, declaring=declaring)
        out += found
    return out


def _plpgsql(
    tokens: list[Token], s: Session, classify: Classify, *, declaring: bool
) -> tuple[list[Effect], bool]:
    """The effects of one PL/pgSQL statement, and whether a DECLARE section goes on after it."""
    out: list[Effect] = []
    while tokens:
        if is_punct(tokens, 0, "<") and is_punct(tokens, 1, "<"):  # <<label>>
            tokens = tokens[5:]
            continue
        word = tokens[0].text if tokens[0].kind == "word" else ""
        if word == "declare":
            tokens, declaring = tokens[1:], True
            continue
        if word == "begin":
            tokens, declaring = tokens[1:], False
            continue
        if declaring:  # a declaration: its default value runs at the block's start
            return out + call_effects(tokens, s), True
        if word in ("else", "loop", "exception"):
            tokens = tokens[1:]
            continue
        ends = {"if": "then", "elsif": "then", "elseif": "then", "when": "then", "case": "then"}
        ends |= {"while": "loop", "for": "loop", "foreach": "loop"}
        if word in ends:
            at = top_index(tokens, ends[word])
            if at < 0:
                return [*out, s.unknown(f"a {word.upper()} not understood", "code")], False
            out += _head(tokens[1:at], word, s, classify)
            tokens = tokens[at + 1 :]
            continue
        return out + _simple(tokens, word, s, classify), False
    return out, declaring


def _head(part: list[Token], word: str, s: Session, classify: Classify) -> list[Effect]:
    """A condition, or a FOR loop's source (``r IN <query>``, ``i IN 1..10``)."""
    if word in ("for", "foreach"):
        at = top_index(part, "in")
        source = part[at + 1 :] if at >= 0 else part
        if is_word(source, 0, "execute"):
            return [_built("FOR ... IN EXECUTE", s)]
        if is_word(source, 0, *_QUERIES):
            return classify(source, s)
    return call_effects(part, s)


def _simple(tokens: list[Token], word: str, s: Session, classify: Classify) -> list[Effect]:
    if word == "select":  # SELECT ... INTO [STRICT] v: assigns variables, creates no table
        tokens = _without_into(tokens)
    if word == "perform":
        return classify([Token("word", "select", tokens[0].depth), *tokens[1:]], s)
    if word == "return" and is_word(tokens, 1, "query"):
        query = tokens[2:]
        if is_word(query, 0, "execute"):
            return [_built("RETURN QUERY EXECUTE", s)]
        return classify(query, s) if query else []
    if word == "open":
        at = top_index(tokens, "for")
        if is_word(tokens, at + 1, "execute"):
            return [_built("OPEN ... FOR EXECUTE", s)]
        return classify(tokens[at + 1 :], s) if at >= 0 and at + 1 < len(tokens) else []
    if word == "execute":
        return _execute(tokens, s, classify)
    if word in _NOTHING:  # their expressions run
        return call_effects(tokens[1:], s)
    assigned = _assignment(tokens)
    if assigned >= 0:
        return call_effects(tokens[assigned:], s)
    return classify(tokens, s)


def _without_into(tokens: list[Token]) -> list[Token]:
    """A PL/pgSQL ``SELECT`` without its ``INTO [STRICT] target[, ...]`` (PostgreSQL docs,
    plpgsql-statements: in PL/pgSQL it stores the row in variables)."""
    into = top_index(tokens, "into")
    if into < 0:
        return tokens
    k = skip_words(tokens, into + 1, {"strict"})
    while True:
        _, k = name_at(tokens, k)
        if not is_punct(tokens, k, ","):
            break
        k += 1
    return [*tokens[:into], *tokens[k:]]


def _assignment(tokens: list[Token]) -> int:
    """Where the value of ``target := value`` / ``target = value`` begins, else -1."""
    if not tokens or tokens[0].kind not in ("word", "ident"):
        return -1
    _, k = name_at(tokens, 0)
    if is_punct(tokens, k, "[") or is_punct(tokens, k, "("):
        return -1
    if is_punct(tokens, k, ":") and is_punct(tokens, k + 1, "="):
        return k + 2
    return k + 1 if is_punct(tokens, k, "=") else -1


def _execute(tokens: list[Token], s: Session, classify: Classify) -> list[Effect]:
    """``EXECUTE 'constant' [INTO ...] [USING ...]``: the constant's statements; anything built
    at run time is not known."""
    constant = len(tokens) >= 2 and tokens[1].kind == "string"
    if not constant or (len(tokens) > 2 and not is_word(tokens, 2, "into", "using", "strict")):
        return [_built("EXECUTE", s)]
    out: list[Effect] = []
    for statement in scan(tokens[1].text, dialect_for(s.engine)):
        out += classify(statement, s)
    return out + call_effects(tokens[2:], s)


def _built(what: str, s: Session) -> Effect:
    return s.unknown(f"{what} runs SQL text built at run time", "code")


def do_block(tokens: Tokens, s: Session, classify: Classify) -> list[Effect]:
    """``DO [LANGUAGE l] 'body' [LANGUAGE l]`` (PostgreSQL 15 run): the body runs now, in
    plpgsql unless said; string constants a newline apart are one string. Its effects are
    named; where any part of it is not understood the block is unknown, with the first
    reason (a body understood in full is judged by what it does, as a trigger function's).
    ``DO LANGUAGE sql`` is refused by the server: unknown. MySQL's ``DO expr, ...`` evaluates
    its expressions: the functions they call."""
    if s.engine == "mysql":
        return call_effects(tokens, s)
    language, body, k = "plpgsql", "", 1
    while k < len(tokens):
        if is_word(tokens, k, "language") and k + 1 < len(tokens):
            language, k = tokens[k + 1].text.lower(), k + 2
        elif tokens[k].kind == "string":
            body, k = body + tokens[k].text, k + 1
        else:
            return [s.unknown(f"a DO block not understood near {tokens[k].text[:20]!r}", "DO")]
    if not body or language == "sql":
        return [s.unknown("a DO block not understood", "DO")]
    found = judge_code(body, language, s, classify)
    here = s.database_resource()
    unread = [e for e in found if e.effect is EffectKind.UNKNOWN and e.resource == here]
    if not unread:
        return found
    why = f"runs a procedural code block not all of it understood: {unread[0].detail}"
    return [s.unknown(why, "DO"), *(e for e in found if e not in unread)]
