"""mongosh code (``--eval``, a heredoc) -> effects, for code the recogniser reads in full.

Each statement must be one of: ``show dbs|collections|...``, ``use DB``, or a call chain on
``db`` written plainly -- ``db.coll.method(ARGS)``, ``db["coll"]``, ``db["method"](ARGS)``,
``db.getCollection("c")``, ``db.getSiblingDB("d")``, ``db.getMongo().getDB("d")``, then
cursor methods (``.sort({..}).limit(5).toArray()``) --
optionally inside ``print(..)``/``printjson(..)``/``console.log(..)``. Arguments must be
literals (objects, arrays, strings, numbers, ``ObjectId("..")`` and its kin). Anything else --
a variable (``const c = db.users; c.drop()``), a computed name (``db[n]``), a callback
(``forEach(n => ..)``), ``?.``, ``with``, any other assignment to ``db`` -- is ``unknown``:
JavaScript can reach the same calls in too many ways to recognise them by pattern.
``db.runCommand(CMD)``/``db.adminCommand(CMD)`` are read by the command they send
(:func:`run_command`).

Where later statements run: ``use DB`` moves them to ``DB``, and so does ``db =
db.getSiblingDB("DB")`` (mongosh's ``db`` is an ordinary variable; the assignment itself stays
unknown, as every other assignment); after any other statement not read, the database they run
on is not told (``*``): that statement may have pointed ``db`` anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._db_mongo_commands import command_effects
from keyturn.understand.shell.registry import evolve
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
    # The call's arguments, each as its tokens (``renameCollection('archive', true)``: two).
    arguments: tuple[tuple[_Tok, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class MongoCode:
    """What :func:`read_calls` reads of some code: the calls it makes, the database later code
    runs on (``None``: the one it started on), and each statement not read with the database
    it ran on."""

    calls: list[MongoCall]
    database: str | None
    unread: list[tuple[str, str]]


def read_calls(code: str, database: str) -> MongoCode:
    """The calls ``code`` makes on ``database`` and the databases it switches to."""
    tokens = _tokens(code)
    if tokens is None:
        return MongoCode([], "*", [(database, code.strip()[:40])])
    calls: list[MongoCall] = []
    unread: list[tuple[str, str]] = []
    current, moved = database, False
    for statement in _statements(tokens):
        words = [t.text for t in statement]
        if (len(words) == 2 and words[0] == "show" and words[1] in _SHOW) or words == ["it"]:
            calls.append(MongoCall(current, None, "show", True))
            continue
        if len(words) == 2 and words[0] == "use" and statement[1].kind == "name":
            current, moved = words[1], True
            continue
        switched = _sibling(statement)
        if switched is not None:  # judged where it points; the assignment itself is unknown
            unread.append((current, " ".join(words)[:40]))
            current, moved = switched, True
            continue
        found = _chain(_unwrapped(statement), current)
        if found is None:
            unread.append((current, " ".join(words)[:40]))
            current, moved = "*", True  # it may have pointed ``db`` anywhere
        else:
            calls += found
    return MongoCode(calls, current if moved else None, unread)


_SIBLING = frozenset({"getSiblingDB", "getSisterDB"})


def _sibling(statement: list[_Tok]) -> str | None:
    """The database ``db = db.getSiblingDB("DB")`` points ``db`` to."""
    words = [t.text for t in statement]
    if len(words) != 8 or statement[0].kind != "name" or statement[2].kind != "name":
        return None
    if words[:4] == ["db", "=", "db", "."] and words[4] in _SIBLING and words[5::2] == ["(", ")"]:
        return _string(statement[6]) or None
    return None


def _unwrapped(statement: list[_Tok]) -> list[_Tok]:
    """The expression inside ``print(..)``, ``printjson(..)`` or ``console.log(..)``."""
    words = [t.text for t in statement]
    for wrapper in _WRAPPERS:
        n = len(wrapper)
        if tuple(words[:n]) == wrapper and words[n : n + 1] == ["("] and words[-1] == ")":
            return statement[n + 1 : -1]
    return statement


def _chain(tokens: Sequence[_Tok], database: str) -> list[MongoCall] | None:
    """The calls of ``db....`` written plainly; ``None`` when it is anything else. A name is
    ``.name`` or ``["name"]``; followed by ``(`` it is a method (``db["dropDatabase"]()``),
    else a collection. ``getSiblingDB("d")``, ``getMongo().getDB("d")`` move to ``d``."""
    if not tokens or tokens[0].text != "db" or tokens[0].kind != "name":
        return None
    collection: str | None = None
    calls: list[MongoCall] = []
    after_call = False
    i = 1
    while i < len(tokens):
        step = _member(tokens, i)
        if step is None:
            return None
        name, i = step
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
        if not after_call and collection is None and name in _SWITCHES:
            switched = _switch(name, args, tokens, i)
            if switched is None:
                return None
            (moved_to, collection), i = switched
            database = moved_to or database
            continue
        if not _literal(args, callback=after_call):
            return None
        empty = not args or _empty_object(args)
        calls.append(MongoCall(database, collection, name, empty, _arguments(args)))
        after_call = True
    return calls if calls else None


_SWITCHES = frozenset({"getSiblingDB", "getSisterDB", "getCollection", "getMongo"})


def _member(tokens: Sequence[_Tok], i: int) -> tuple[str, int] | None:
    """The name accessed at ``i`` (``.name`` or ``["name"]``) and where it ends."""
    t = tokens[i]
    if t.text == "[" and i + 2 < len(tokens) and tokens[i + 2].text == "]":
        name = _string(tokens[i + 1])
        return (name, i + 3) if name is not None else None
    if t.text == "." and i + 1 < len(tokens) and tokens[i + 1].kind == "name":
        return tokens[i + 1].text, i + 2
    return None


def _switch(
    name: str, args: Sequence[_Tok], tokens: Sequence[_Tok], i: int
) -> tuple[tuple[str, str | None], int] | None:
    """``getSiblingDB("d")`` -> (d, no collection); ``getCollection("c")`` -> ("", c) (the
    same database); ``getMongo().getDB("d")`` -> (d, no collection), read up to its end."""
    if name == "getMongo":
        step = _member(tokens, i) if not args else None
        if step is None or step[0] != "getDB" or step[1] >= len(tokens):
            return None
        end = _closing(tokens, step[1]) if tokens[step[1]].text == "(" else None
        if end is None:
            return None
        args, i, name = tokens[step[1] + 1 : end], end + 1, "getSiblingDB"
    value = _string(args[0]) if len(args) == 1 else None
    if value is None:
        return None
    return ((value, None) if name != "getCollection" else ("", value)), i


def _arguments(args: Sequence[_Tok]) -> tuple[tuple[_Tok, ...], ...]:
    """A call's arguments, split at its top-level commas."""
    out: list[tuple[_Tok, ...]] = []
    part: list[_Tok] = []
    depth = 0
    for t in args:
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        if depth == 0 and t.kind == "punct" and t.text == ",":
            out.append(tuple(part))
            part = []
        else:
            part.append(t)
    return (*out, tuple(part)) if part or out else ()


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
    ``writes`` map the others known to their effect; any other method is unknown. ``s`` is left
    on the database later code runs on."""
    found = read_calls(code, s.database)
    effects: list[Effect] = []
    for call in found.calls:
        effects += _call_effects(call, s, reads=reads, writes=writes)
    for database, text in found.unread:
        where = Session("mongodb", database, s.host, s.target)
        effects.append(where.unknown(f"mongosh code not understood: {text}"))
    if found.database is not None:
        s.database = found.database
    return effects or [s.effect(EffectKind.READ, s.database_resource(), "mongo:read")]


def _call_effects(
    call: MongoCall, s: Session, *, reads: frozenset[str], writes: dict[str, EffectKind]
) -> list[Effect]:
    """The effects of one call, on the database it was made on."""
    op = f"mongo:{call.method}"
    session = Session("mongodb", call.database, s.host, s.target)
    if call.method in ("runCommand", "adminCommand"):
        return run_command(call, session, op)
    kind = writes.get(call.method)
    if kind is None and call.method not in reads and call.method != "show":
        return [session.unknown(f"mongosh method not understood: {call.method}", op)]
    if call.method == "renameCollection" and call.collection is not None:
        return _rename(call, call.collection, session, op)
    if call.collection is None or call.method == "dropDatabase":
        resource = session.database_resource()
    else:
        resource = session.object_resource([call.collection], "collection")
    if kind is None:
        return [session.effect(EffectKind.READ, resource, op)]
    detail = "every document" if kind is EffectKind.DELETE and call.args_empty else ""
    return [session.effect(kind, resource, op, detail)]


# JavaScript's falsy literals: ``renameCollection(to, false)`` keeps an existing target.
_FALSY = frozenset({"false", "0", "null", "undefined", '""', "''"})


def _rename(call: MongoCall, collection: str, s: Session, op: str) -> list[Effect]:
    """``renameCollection(to[, dropTarget])``: as the SQL clients judge ``ALTER TABLE ...
    RENAME``, an update of the old name that takes its protection away (the old name no longer
    names the data); with ``dropTarget`` the collection already called ``to`` is dropped."""
    first = call.arguments[0] if call.arguments else ()
    target = _string(first[0]) if len(first) == 1 else None
    if not target:
        return [s.unknown(f"{op} to a name not written plainly", op)]
    why = f"renames to {target}: the old name no longer names it"
    old = s.object_resource([collection], "collection")
    effects = [evolve(s.effect(EffectKind.UPDATE, old, op, why), removes_protection=True)]
    drop = [t.text for t in call.arguments[1]] if len(call.arguments) > 1 else []
    if drop and " ".join(drop) not in _FALSY:
        new = s.object_resource([target], "collection")
        effects.append(s.effect(EffectKind.DELETE, new, op, "dropTarget: dropped first"))
    return effects


def run_command(call: MongoCall, s: Session, op: str) -> list[Effect]:
    """``db.runCommand(CMD)``/``db.adminCommand(CMD)``: the command is the first key of a
    literal object or a string (:mod:`._db_mongo_commands` judges it)."""
    first = call.arguments[0] if call.arguments else ()
    name, value = _command(first)
    return command_effects(call.method, name, value, call.collection, s, op)


def _command(tokens: tuple[_Tok, ...]) -> tuple[str | None, str | None]:
    """The command's name and, when it is a plain string, its value: ``{drop: "users"}`` is
    ("drop", "users"), ``{dropDatabase: 1}`` ("dropDatabase", None), ``"ping"`` ("ping",
    None)."""
    if len(tokens) == 1:
        return _string(tokens[0]), None
    if len(tokens) < 5 or tokens[0].text != "{" or tokens[2].text != ":":
        return None, None
    key = tokens[1].text if tokens[1].kind == "name" else _string(tokens[1])
    value = _string(tokens[3]) if tokens[4].text in (",", "}") else None
    return key, value
