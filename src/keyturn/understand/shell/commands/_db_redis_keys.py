"""Redis commands that reach more keys than their first (for :mod:`._datastores`): the key a
command writes over, moves away or schedules for deletion, and ``CONFIG SET`` of where the
server writes its files.

- ``RENAME src dst`` writes ``src``'s value over ``dst`` (what ``dst`` held is lost: a replace)
  and the old name no longer holds the value (an update that takes its protection away, as
  the SQL clients judge ``ALTER TABLE … RENAME``); ``RENAMENX`` only creates ``dst``.
- ``COPY src dst [DB n] [REPLACE]`` reads ``src`` and creates ``dst`` in database ``n`` (with
  ``REPLACE``: writes over it). ``RESTORE key ttl payload [REPLACE]`` likewise.
- ``MOVE key n`` takes the key out of this database (an update that takes its protection away)
  and creates it in ``n``; ``SWAPDB a b`` replaces every key of both databases.
- ``MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS k…]``
  deletes the keys here (``COPY``: reads them) and creates them, or with ``REPLACE`` writes over
  them, in database ``db`` of ``host``.
- ``LMOVE``/``BLMOVE``/``RPOPLPUSH``/``BRPOPLPUSH``/``SMOVE src dst`` change both lists/sets.
- A time to live deletes the key when it runs out (at once for one not ahead: ``EXPIRE k 0``):
  ``EXPIRE``, ``PEXPIRE``, ``EXPIREAT``, ``PEXPIREAT``, ``SETEX``, ``PSETEX``, and ``SET``/
  ``GETEX`` with ``EX``/``PX``/``EXAT``/``PXAT`` are a delete of the key.
- ``CONFIG SET dir|dbfilename|…``: ``SAVE`` then writes the database file anywhere the server
  may write (Redis 7 refuses these unless ``enable-protected-configs`` allows them; older
  servers do not): unknown.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.names import Session

__all__ = ["config_moves_files", "key_effects"]

_E = EffectKind
_TTL_OPTIONS = frozenset({"ex", "px", "exat", "pxat"})
_EXPIRES = frozenset({"expire", "pexpire", "expireat", "pexpireat"})
_TWO_KEYS = frozenset({"lmove", "blmove", "rpoplpush", "brpoplpush", "smove"})
# Settings naming a file or folder the server writes (``CONFIG SET`` takes several pairs).
_FILE_SETTINGS = frozenset(
    {"dir", "dbfilename", "appendfilename", "appenddirname", "logfile", "pidfile", "aclfile"}
    | {"cluster-config-file", "unixsocket"}
)


def _key(s: Session, key: str, database: str | None = None, host: str | None = None) -> Resource:
    where = Session("redis", database or s.database, host or s.host, s.target)
    return where.object_resource([key], "key")


def _db(value: str) -> str:
    """A database number as written; one not plainly a number is not told."""
    return value if value.isdigit() else "*"


def _rename(s: Session, args: list[str], op: str, *, only_new: bool) -> list[Effect] | None:
    if len(args) < 2:
        return None
    src, dst = args[0], args[1]
    why = f"renamed to {dst}: the old name no longer holds it"
    moved = s.effect(_E.UPDATE, _key(s, src), op, why, removes_protection=True)
    if only_new:
        return [moved, s.effect(_E.CREATE, _key(s, dst), op, "only when it does not exist")]
    return [moved, s.effect(_E.REPLACE, _key(s, dst), op, f"{src}'s value written over it")]


def _copy(s: Session, args: list[str], op: str) -> list[Effect] | None:
    if len(args) < 2:
        return None
    words = [a.lower() for a in args[2:]]
    database = s.database
    if "db" in words:
        at = words.index("db") + 3  # the number after DB, in args
        database = _db(args[at]) if at < len(args) else "*"
    replace = "replace" in words
    kind, detail = (_E.REPLACE, "written over") if replace else (_E.CREATE, "when not there")
    return [
        s.effect(_E.READ, _key(s, args[0]), op),
        s.effect(kind, _key(s, args[1], database), op, detail),
    ]


def _move(s: Session, args: list[str], op: str) -> list[Effect] | None:
    if len(args) < 2:
        return None
    to = _db(args[1])
    why = f"moved to database {to}"
    gone = s.effect(_E.UPDATE, _key(s, args[0]), op, why, removes_protection=True)
    return [gone, s.effect(_E.CREATE, _key(s, args[0], to), op)]


def _restore(s: Session, args: list[str], op: str) -> list[Effect] | None:
    if not args:
        return None
    if "replace" in (a.lower() for a in args[3:]):
        return [s.effect(_E.REPLACE, _key(s, args[0]), op, "written over")]
    return [s.effect(_E.CREATE, _key(s, args[0]), op, "when not there")]


def _swapdb(s: Session, args: list[str], op: str) -> list[Effect] | None:
    if len(args) < 2:
        return None
    detail = "swapped with the other database: every key it holds is replaced"
    return [
        s.effect(_E.REPLACE, s.database_resource(_db(a), whole=True), op, detail) for a in args[:2]
    ]


def _migrate(s: Session, args: list[str], op: str) -> list[Effect] | None:
    if len(args) < 5:
        return None
    host, key, database = args[0], args[2], _db(args[3])
    keys = [key] if key else []
    copy = replace = False
    k = 5
    while k < len(args):
        word = args[k].lower()
        if word == "keys":
            keys += args[k + 1 :]
            break
        copy, replace = copy or word == "copy", replace or word == "replace"
        k += {"auth": 2, "auth2": 3}.get(word, 1)  # skip the password (and user)
    if not keys:
        return None
    effects: list[Effect] = []
    for name in keys:
        here = (_E.READ, "copied") if copy else (_E.DELETE, f"moved to {host}")
        there = (_E.REPLACE, "written over") if replace else (_E.CREATE, "when not there")
        effects.append(s.effect(here[0], _key(s, name), op, here[1]))
        effects.append(s.effect(there[0], _key(s, name, database, host), op, there[1]))
    return effects


def _two_keys(s: Session, args: list[str], op: str) -> list[Effect] | None:
    if len(args) < 2:
        return None
    return [s.effect(_E.UPDATE, _key(s, k), op) for k in args[:2]]


def _expires(name: str, args: list[str]) -> bool:
    """Whether the command gives the key a time to live."""
    if name in _EXPIRES or name in ("setex", "psetex"):
        return True
    options = {a.lower() for a in args[2:]} if name == "set" else set()
    if name == "getex":
        options = {a.lower() for a in args[1:]}
    return bool(options & _TTL_OPTIONS)


_Meaning = Callable[[Session, list[str], str], "list[Effect] | None"]
_MEANINGS: dict[str, _Meaning] = {
    "rename": lambda s, a, op: _rename(s, a, op, only_new=False),
    "renamenx": lambda s, a, op: _rename(s, a, op, only_new=True),
    "copy": _copy,
    "move": _move,
    "restore": _restore,
    "swapdb": _swapdb,
    "migrate": _migrate,
    **dict.fromkeys(_TWO_KEYS, _two_keys),
}


def key_effects(name: str, args: list[str], s: Session, op: str) -> list[Effect] | None:
    """The effects of ``name`` (lower case) when it is one of the commands above; ``None``
    when it is not. A form without the operands it needs is unknown."""
    if _expires(name, args) and args:
        detail = "a time to live: the key is deleted when it runs out"
        return [s.effect(_E.DELETE, _key(s, args[0]), op, detail)]
    meaning = _MEANINGS.get(name)
    if meaning is None:
        return None
    return meaning(s, args, op) or [s.unknown(f"{op} without the keys it needs", op)]


def config_moves_files(args: list[str]) -> bool:
    """Whether ``CONFIG SET p1 v1 [p2 v2 …]`` sets where the server writes a file."""
    return (
        bool(args)
        and args[0].lower() == "set"
        and any(p.lower() in _FILE_SETTINGS for p in args[1::2])
    )
