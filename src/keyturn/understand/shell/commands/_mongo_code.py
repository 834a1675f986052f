"""mongosh code (``--eval``, a heredoc) -> effects, for code the recogniser reads in full.

Each statement must be one of: ``show dbs|collections|...``, ``use DB``, or a call chain on
``db`` written plainly -- ``db.coll.method(ARGS)``, ``db["coll"]``, ``db.getCollection("c")``,
``db.getSiblingDB("d")``, then cursor methods (``.sort({..}).limit(5).toArray()``) --
optionally inside ``print(..)``/``printjson(..)``/``console.log(..)``. Arguments must be
literals (objects, arrays, strings, numbers, ``ObjectId("..")`` and its kin). Anything else --
a variable (``const c = db.users; c.drop()``), a computed name (``db[n]``), a callback
(``forEach(n => ..)``), ``?.``, ``with``, an assignment to ``db`` -- is ``unknown``: JavaScript
can reach the same calls in too many ways to recognise them by pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.names import Session

_TOKEN = re.compile(
    r"(?P<space>[ \t\r\f\v]+)|(?P<newline>\n)|(?P<comment>//[^\n]*|/\*.*?\*/)"
    r"|(?P<name>[A-Za-z_$][\w$]*)|(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)"
    r"|(?P<string>'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")"
    r"|(?P<punct>\?\.|=>|[.()\[\]{},:;=+\-])",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # name, number, string, punct
    text: str
    newline_before: bool


def _tokens(code: str) -> list[_Tok] | None:
    """The tokens of ``code``; ``None`` at anything outside the small language read here
    (template strings, regular expressions, other operators)."""
    out: list[_Tok] = []
    i, newline = 0, False
    while i < len(code):
        m = _TOKEN.match(code, i)
        if m is None:
            return None
        kind = m.lastgroup or ""
        if kind == "newline" or (kind == "comment" and "\n" in m.group()):
            newline = True
        elif kind not in ("space", "comment"):
            out.append(_Tok(kind, m.group(), newline))
            newline = False
        i = m.end()
    return out


def _statements(tokens: list[_Tok]) -> list[list[_Tok]]:
    """Split at ``;`` and at line ends outside brackets (unless the next line goes on with
    ``.method``). A wrong split leaves parts that do not read: unknown, never a miss."""
    out: list[list[_Tok]] = [[]]
    depth = 0
    for t in tokens:
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        ends_line = t.newline_before and depth == 0 and t.text not in (".", "?.")
        if ends_line and out[-1]:
            out.append([])
        if t.kind == "punct" and t.text == ";" and depth == 0:
            out.append([])
        else:
            out[-1].append(t)
    return [s for s in out if s]


_WRAPPERS = (("print",), ("printjson",), ("console", ".", "log"))
_SHOW = frozenset({"dbs", "databases", "collections", "tables", "users", "roles", "profile"})
_CONSTRUCTORS = frozenset(
    {"ObjectId", "ISODate", "Date", "NumberLong", "NumberInt", "NumberDecimal", "Timestamp"}
    | {"UUID", "BinData", "MinKey", "MaxKey", "Decimal128", "Long", "Int32", "Double", "new"}
)
_LITERAL_WORDS = frozenset({"true", "false", "null", "undefined", "NaN", "Infinity"})
_CALLBACKS = frozenset({"printjson", "print"})


@dataclass(frozen=True, slots=True)
class MongoCall:
    """One method call the code makes: on a database (``collection`` None) or a collection."""

    database: str
    collection: str | None
    method: str
    args_empty: bool


def read_calls(code: str, database: str) -> tuple[list[MongoCall], str | None, list[str]]:
    """The calls ``code`` makes, the database ``use`` leaves it in (``None``: no ``use``), and
    the statements not read (each one is unknown)."""
    tokens = _tokens(code)
    if tokens is None:
        return [], None, [code.strip()[:40]]
    calls: list[MongoCall] = []
    unread: list[str] = []
    used: str | None = None
    for statement in _statements(tokens):
        words = [t.text for t in statement]
        if (len(words) == 2 and words[0] == "show" and words[1] in _SHOW) or words == ["it"]:
            calls.append(MongoCall(used or database, None, "show", True))
            continue
        if len(words) == 2 and words[0] == "use" and statement[1].kind == "name":
            used = words[1]
            continue
        found = _chain(_unwrapped(statement), used or database)
        if found is None:
            unread.append(" ".join(words)[:40])
        else:
            calls += found
    return calls, used, unread


def _unwrapped(statement: list[_Tok]) -> list[_Tok]:
    """The expression inside ``print(..)``, ``printjson(..)`` or ``console.log(..)``."""
    words = [t.text for t in statement]
    for wrapper in _WRAPPERS:
        n = len(wrapper)
        if tuple(words[:n]) == wrapper and words[n : n + 1] == ["("] and words[-1] == ")":
            return statement[n + 1 : -1]
    return statement


def _chain(tokens: Sequence[_Tok], database: str) -> list[MongoCall] | None:
    """The calls of ``db....`` written plainly; ``None`` when it is anything else."""
    if not tokens or tokens[0].text != "db" or tokens[0].kind != "name":
        return None
    collection: str | None = None
    calls: list[MongoCall] = []
    after_call = False
    i = 1
    while i < len(tokens):
        t = tokens[i]
        if t.text == "[" and i + 2 < len(tokens) and tokens[i + 2].text == "]":
            name = _string(tokens[i + 1])
            if name is None or after_call:
                return None
            collection = name if collection is None else f"{collection}.{name}"
            i += 3
            continue
        if t.text != "." or i + 1 >= len(tokens) or tokens[i + 1].kind != "name":
            return None
        name = tokens[i + 1].text
        i += 2
        if i >= len(tokens) or tokens[i].text != "(":
            if after_call:
                return None  # a property of a result: not read
            collection = name if collection is None else f"{collection}.{name}"
            continue
        end = _closing(tokens, i)
        if end is None:
            return None
        args = tokens[i + 1 : end]
        i = end + 1
        if not after_call and collection is None and name in ("getSiblingDB", "getCollection"):
            value = _string(args[0]) if len(args) == 1 else None
            if value is None:
                return None
            database, collection = (value, None) if name == "getSiblingDB" else (database, value)
            continue
        if not _literal(args, callback=after_call):
            return None
        calls.append(MongoCall(database, collection, name, not args or _empty_object(args)))
        after_call = True
    return calls if calls else None


def _closing(tokens: Sequence[_Tok], i: int) -> int | None:
    depth = 0
    for k in range(i, len(tokens)):
        if tokens[k].kind == "punct" and tokens[k].text in "([{":
            depth += 1
        elif tokens[k].kind == "punct" and tokens[k].text in ")]}":
            depth -= 1
            if depth == 0:
                return k if tokens[k].text == ")" else None
    return None


def _string(t: _Tok) -> str | None:
    """A string token's text, when it has no escapes (an escape could spell any name)."""
    if t.kind != "string" or "\\" in t.text:
        return None
    return t.text[1:-1]


def _empty_object(args: Sequence[_Tok]) -> bool:
    return [t.text for t in args] == ["{", "}"]


def _literal(args: Sequence[_Tok], *, callback: bool) -> bool:
    """Whether call arguments are plain literals (``forEach(printjson)`` allowed on results)."""
    if callback and len(args) == 1 and args[0].text in _CALLBACKS:
        return True
    for k, t in enumerate(args):
        if t.kind in ("string", "number"):
            continue
        if t.kind == "punct" and t.text in "{}[],:-+()":
            if t.text == "(" and (k == 0 or args[k - 1].text not in _CONSTRUCTORS):
                return False
            continue
        if t.kind == "name":
            key = k + 1 < len(args) and args[k + 1].text == ":"
            if key or t.text in _LITERAL_WORDS or t.text in _CONSTRUCTORS:
                continue
        return False
    return True


def mongo_effects(
    code: str, s: Session, *, reads: frozenset[str], writes: dict[str, EffectKind]
) -> list[Effect]:
    """The effects of mongosh ``code`` run in ``s``: ``reads`` are the methods that only read,
    ``writes`` map the others known to their effect; any other method is unknown."""
    calls, used, unread = read_calls(code, s.database)
    effects: list[Effect] = []
    for call in calls:
        op = f"mongo:{call.method}"
        session = Session("mongodb", call.database, s.host, s.target)
        kind = writes.get(call.method)
        if kind is None and call.method not in reads and call.method != "show":
            effects.append(session.unknown(f"mongosh method not understood: {call.method}", op))
            continue
        if call.collection is None or call.method == "dropDatabase":
            resource = session.database_resource()
        else:
            resource = session.object_resource([call.collection], "collection")
        if kind is None:
            effects.append(session.effect(EffectKind.READ, resource, op))
            continue
        detail = "every document" if kind is EffectKind.DELETE and call.args_empty else ""
        effects.append(session.effect(kind, resource, op, detail))
    if used is not None:
        s.database = used
    for text in unread:
        effects.append(s.unknown(f"mongosh code not understood: {text}"))
    return effects or [s.effect(EffectKind.READ, s.database_resource(), "mongo:read")]
