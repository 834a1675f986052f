"""Tables a statement reaches without naming them, when the same text declared the link.

PostgreSQL, MySQL/MariaDB and SQLite (with ``foreign_keys=ON``) run a foreign key's actions on
the referencing table: deleting a parent row deletes the rows ``ON DELETE CASCADE`` and nulls
(or defaults) those ``ON DELETE SET NULL|SET DEFAULT``; changing its key does the same ``ON
UPDATE``. MySQL's ``REPLACE`` and SQLite's ``INSERT OR REPLACE`` delete the old row first, so
the delete actions run. A PostgreSQL ``DELETE``/``UPDATE``/``TRUNCATE`` of a table reaches the
tables inheriting from it and its partitions; ``DROP TABLE`` drops its partitions.

keyturn does not see the schema, so a link is known only when the text declared it before the
statement (``CREATE TABLE c (... REFERENCES p ON DELETE CASCADE)``, ``ALTER TABLE c ADD
FOREIGN KEY (...) REFERENCES p ...``, ``INHERITS (p)``, ``PARTITION OF p``, ``ALTER TABLE p
ATTACH PARTITION c``); the session keeps them for the statements after it. What a statement
reaches is followed on (a cascaded delete runs the grandchildren's actions too).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.names import Dependent, Session
from keyturn.understand.sql.parsing import (
    Tokens,
    closing,
    is_punct,
    is_word,
    name_at,
    skip_if_exists,
    skip_words,
)

# Referential actions, and how many words each is; RESTRICT and NO ACTION change nothing.
_ACTIONS = {"cascade": 1, "set null": 2, "set default": 2, "restrict": 1, "no action": 2}
_CHANGES = frozenset({"cascade", "set null", "set default"})


def record(tokens: Tokens, s: Session) -> None:
    """Keep the links a ``CREATE TABLE`` or ``ALTER TABLE`` declares (``tokens`` starts with
    CREATE or ALTER; other statements are ignored)."""
    at = _table_word(tokens)
    if at < 0:
        return
    table, after = name_at(tokens, skip_words(tokens, skip_if_exists(tokens, at + 1), {"only"}))
    if not table:
        return
    resource = s.object_resource(table, "table")
    for k in range(after, len(tokens)):
        if is_word(tokens, k, "references"):
            parent, j = name_at(tokens, k + 1)
            if parent:
                on_delete, on_update = _actions(tokens, j)
                _add(s, _table(s, parent), Dependent(resource, "fk", on_delete, on_update))
        elif is_word(tokens, k, "inherits") and is_punct(tokens, k + 1, "("):
            for parent in _names_in(tokens, k + 1):
                _add(s, _table(s, parent), Dependent(resource, "inherits"))
        elif is_word(tokens, k, "partition") and is_word(tokens, k + 1, "of"):
            parent, _ = name_at(tokens, k + 2)
            if parent and tokens[0].text == "create":
                _add(s, _table(s, parent), Dependent(resource, "partition"))
        elif is_word(tokens, k, "attach") and is_word(tokens, k + 1, "partition"):
            child, _ = name_at(tokens, k + 2)
            if child and tokens[0].text == "alter":
                _add(s, resource, Dependent(_table(s, child), "partition"))
        elif is_word(tokens, k, "inherit") and tokens[0].text == "alter":
            parent, _ = name_at(tokens, k + 1)
            if parent:
                _add(s, _table(s, parent), Dependent(resource, "inherits"))


def _table_word(tokens: Tokens) -> int:
    """The index of TABLE in ``CREATE [modifiers] TABLE`` / ``ALTER TABLE``, else -1."""
    for k in range(1, min(len(tokens), 8)):
        if is_word(tokens, k, "table"):
            return k
        if not is_word(tokens, k) or tokens[k].text not in _MODIFIERS:
            return -1
    return -1


_MODIFIERS = frozenset(
    {"temporary", "temp", "unlogged", "global", "local", "foreign", "virtual", "or", "replace"}
)


def _names_in(tokens: Tokens, opening: int) -> list[list[str]]:
    end, k, out = closing(tokens, opening), opening + 1, []
    while k < end:
        parts, j = name_at(tokens, k)
        if parts:
            out.append(parts)
        k = max(j, k + 1)
    return out


def _actions(tokens: Tokens, k: int) -> tuple[str, str]:
    """The ``ON DELETE`` and ``ON UPDATE`` actions of the key whose REFERENCES target ends at
    ``k`` (its column list, ``MATCH`` and ``DEFERRABLE`` clauses are passed over)."""
    if is_punct(tokens, k, "("):
        k = closing(tokens, k) + 1
    found = {"delete": "", "update": ""}
    while k < len(tokens):
        if is_word(tokens, k, "on") and is_word(tokens, k + 1, "delete", "update"):
            event, k = tokens[k + 1].text, k + 2
            two = " ".join(t.text for t in tokens[k : k + 2] if t.kind == "word")
            action = next((a for a in _ACTIONS if f"{two} ".startswith(f"{a} ")), "")
            found[event] = action if action in _CHANGES else ""
            k += _ACTIONS.get(action, 1)
        elif is_word(tokens, k, "match", "initially"):
            k += 2
        elif is_word(tokens, k, "deferrable", "not", "enforced"):
            k += 1
        else:
            break
    return found["delete"], found["update"]


def changing_key(tokens: Tokens) -> bool:
    """Whether ``tokens`` declare a foreign key whose action deletes the referencing rows or
    wipes their key when the referenced rows go or change (``ON DELETE CASCADE|SET NULL|SET
    DEFAULT``, ``ON UPDATE SET NULL|SET DEFAULT``; ``ON UPDATE CASCADE`` only follows the new
    key)."""
    for k in range(len(tokens)):
        if is_word(tokens, k, "references"):
            on_delete, on_update = _actions(tokens, name_at(tokens, k + 1)[1])
            if on_delete or on_update in ("set null", "set default"):
                return True
    return False


def _table(s: Session, parts: list[str]) -> Resource:
    return s.object_resource(parts, "table")


def _add(s: Session, parent: Resource, dependent: Dependent) -> None:
    for name in parent.names:
        links = s.dependents.setdefault(name, [])
        if dependent not in links:
            links.append(dependent)


def reached(s: Session, table: Resource, event: str, *, cascade: bool = False) -> list[Effect]:
    """The effects on the declared dependents of ``table`` when ``event`` (``delete``,
    ``update``, ``truncate``, ``drop``) happens to it; ``cascade``: the statement said
    CASCADE (TRUNCATE/DROP)."""
    out: list[Effect] = []
    seen = {table.name}
    todo = [(table, event)]
    while todo:
        parent, happened = todo.pop()
        for dep in s.dependents.get(parent.name, []):
            kind = _effect(dep, happened, cascade=cascade)
            if kind is None or dep.table.name in seen:
                continue
            seen.add(dep.table.name)
            why = f"{_why(dep)} {parent.name.rsplit('/', 1)[-1]}, declared {dep.where}"
            out.append(s.effect(kind, dep.table, f"{happened.upper()} reaches", why))
            todo.append((dep.table, "delete" if kind is EffectKind.DELETE else "update"))
    return out


def _effect(dep: Dependent, event: str, *, cascade: bool) -> EffectKind | None:
    if dep.how != "fk":  # inheritance children and partitions: the parent's rows are theirs
        if event == "drop" and dep.how == "inherits" and not cascade:
            return None  # DROP of a parent with children fails without CASCADE
        return EffectKind.UPDATE if event == "update" else EffectKind.DELETE
    if event in ("truncate", "drop"):
        # TRUNCATE ... CASCADE empties the referencing table; DROP ... CASCADE only drops the
        # key (the referencing rows stay)
        return EffectKind.DELETE if event == "truncate" and cascade else None
    action = dep.on_delete if event == "delete" else dep.on_update
    if not action:
        return None
    if action == "cascade" and event == "delete":
        return EffectKind.DELETE
    return EffectKind.UPDATE


def _why(dep: Dependent) -> str:
    if dep.how == "fk":
        return "a foreign key's action reaches it from"
    return "inherits from" if dep.how == "inherits" else "is a partition of"
