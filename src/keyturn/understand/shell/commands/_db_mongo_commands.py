"""What a database command sent with ``db.runCommand(CMD)`` or ``db.adminCommand(CMD)`` does,
for :mod:`._mongo_code` (which reads the command's name and plain string value from the code).

``adminCommand`` runs on the ``admin`` database. On a collection, ``db.users.runCommand("drop")``
names that collection. ``dropDatabase`` drops the database; ``drop`` and ``delete`` the
collection (``delete``: its documents); a command known to only read reads; any other, or one
not written plainly, is unknown.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.names import Session

__all__ = ["command_effects"]

# Database commands known to only read.
_READ_COMMANDS = frozenset(
    {"ping", "buildInfo", "buildinfo", "serverStatus", "hello", "isMaster", "ismaster"}
    | {"listDatabases", "listCollections", "listIndexes", "dbStats", "collStats", "count"}
    | {"connectionStatus", "hostInfo", "getCmdLineOpts", "currentOp", "whatsmyuri", "distinct"}
    | {"getParameter", "replSetGetStatus", "find", "explain", "getLog", "validate"}
)


def command_effects(
    method: str, name: str | None, value: str | None, collection: str | None, s: Session, op: str
) -> list[Effect]:
    """The effects of command ``name`` (``None``: not written plainly) with the plain string
    ``value`` it was given, sent by ``method`` on ``collection`` (or the database) of ``s``."""
    if method == "adminCommand":
        s = Session("mongodb", "admin", s.host, s.target)
    if name is None:
        return [s.unknown(f"{op}: a command not written plainly", op)]
    if collection is not None and value is None and method == "runCommand":
        value = collection
    if name == "dropDatabase":
        return [s.effect(EffectKind.DELETE, s.database_resource(), op, "dropDatabase")]
    if name in ("drop", "delete") and value:
        target = s.object_resource([value], "collection")
        return [s.effect(EffectKind.DELETE, target, op, f"{name} command")]
    if name in _READ_COMMANDS:
        return [s.effect(EffectKind.READ, s.database_resource(), op, f"{name} command")]
    return [s.unknown(f"{op}: command {name} not understood", op)]
