"""Renames: an object renamed or moved to another schema is no longer named by its old name.

A policy protects a table by its name (``db:postgres/*/payments``), so a rename takes its
protection away: ``ALTER TABLE payments RENAME TO old; DROP TABLE old`` would drop it in two
steps, neither touching a protected name. As a Terraform ``moved`` block does to its old
address, a rename is judged as an update of the old name that removes its protection: denied
when that name is protected, and otherwise the update it always was. The object's new name
is told in the detail; a table moved into another database (MySQL's ``RENAME TABLE a TO
other.a``) is also created there.

Forms: ``ALTER <kind> name RENAME [TO|AS] new`` (MySQL also ``RENAME new``), ``ALTER <kind>
name SET SCHEMA s`` (PostgreSQL), ``RENAME TABLE a TO b[, c TO d]`` and ``RENAME USER`` (MySQL).
Renaming a column, constraint or index of a table is an update of the table, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import Tokens, is_punct, is_word, name_at

# RENAME <these> a TO b renames a part of a table, not the table.
_PARTS = frozenset({"column", "constraint", "index", "key", "partition", "attribute", "value"})


def new_name(action: Tokens) -> tuple[str, list[str]] | None:
    """(how, new name parts) when ``action`` -- the tokens after the object's name, from
    ``RENAME`` or ``SET`` on -- renames the object itself or moves it to another schema
    (``how`` is ``rename`` or ``schema``); None when it renames a part of it or does neither.
    An empty name: the new one is not understood."""
    if is_word(action, 0, "set") and is_word(action, 1, "schema"):
        return "schema", name_at(action, 2)[0]
    if not is_word(action, 0, "rename"):
        return None
    if is_word(action, 1, "to", "as"):
        return "rename", name_at(action, 2)[0]
    if is_word(action, 1) and action[1].text in _PARTS:
        return None
    parts, after = name_at(action, 1)
    if parts and is_word(action, after, "to"):  # RENAME a TO b: a column (PostgreSQL, SQLite)
        return None
    return "rename", parts  # MySQL: ALTER TABLE t RENAME new


def renamed(
    s: Session, old: Resource, *, how: str, old_parts: Sequence[str], new_parts: Sequence[str]
) -> list[Effect]:
    """The effects of renaming (``how``: ``rename``) or moving to another schema (``schema``)
    the object ``old`` named by ``old_parts``."""
    op = "SET SCHEMA" if how == "schema" else "RENAME"
    if how == "schema":
        where = f"moves to the schema {'.'.join(new_parts) or 'not understood'}"
    else:
        where = f"renames to {'.'.join(new_parts) or 'a name not understood'}"
    why = f"{where}: the old name no longer names it"
    out = [s.effect(EffectKind.UPDATE, old, op, why, removes_protection=True)]
    if how == "rename" and new_parts and s.resolve(new_parts)[0] != s.resolve(old_parts)[0]:
        moved = f"moved from {'.'.join(old_parts)}"
        out.append(s.effect(EffectKind.CREATE, s.object_resource(new_parts, old.type), op, moved))
    return out


def rename(tokens: Tokens, s: Session) -> list[Effect]:
    """MySQL ``RENAME TABLE a TO b[, ...]`` / ``RENAME USER a TO b``: each old name loses
    its protection."""
    user = is_word(tokens, 1, "user")
    i = 2 if is_word(tokens, 1, "table", "tables", "user") else 1
    out: list[Effect] = []
    while i < len(tokens):
        old, i = name_at(tokens, i, strings=user)
        new: list[str] = []
        if old and is_word(tokens, i, "to"):
            new, i = name_at(tokens, i + 1, strings=user)
        if old:
            res = s.role_resource(old[-1]) if user else s.object_resource(old, "table")
            if user:
                new = new[-1:]  # a user's host part names no other user
            out += renamed(s, res, how="rename", old_parts=old, new_parts=new)
        while i < len(tokens) and not is_punct(tokens, i, ","):
            i += 1
        i += 1
    return out or [s.unknown("RENAME of something not understood", "RENAME")]
