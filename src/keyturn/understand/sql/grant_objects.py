"""What a ``GRANT``/``REVOKE`` names: the objects after ``ON``, the grantees after ``TO`` /
``FROM``, and the tables whose rows a grant to everyone opens (:mod:`.public_grants`).

The kind of the objects is the run of words after ``ON`` each followed by another word or a
name (``TABLE t``, ``ALL TABLES IN SCHEMA s``, ``FOREIGN DATA WRAPPER w``), so a table named
like a kind (``GRANT SELECT ON event TO r``) is still named, and a kind this module never heard
of still finds the names after it. What the objects are is the kind's last word before any
``IN``: ``TABLE`` after any modifier (Snowflake's ``DYNAMIC``, ``EXTERNAL``, ``ICEBERG``,
``HYBRID``, ``EVENT TABLE``; PostgreSQL's ``FOREIGN TABLE``), ``VIEW`` (``MATERIALIZED
VIEW``) and ``SEQUENCE`` hold rows; their plurals after ``ALL|FUTURE ... IN SCHEMA|DATABASE``
are every table of the schema or database (Snowflake's ``FUTURE``: those made later, named as
every table there, since a dropped and re-made table takes its old name).

A stream's rows are another table's rows (Snowflake's ``STREAM``, Spanner's ``CHANGE STREAM``:
the changed rows with their values, Spanner docs "Fine-grained access control"): which table
is not in the text, so it opens every table of the server, as a role granted to everyone does.

Grants that are IAM bindings (BigQuery's DCL: ``GRANT `roles/...` ON TABLE|VIEW|EXTERNAL
TABLE|SCHEMA|PROJECT x TO "specialGroup:allUsers"``, BigQuery docs "Data control language"):
``allUsers`` is anyone on the internet, ``allAuthenticatedUsers`` anyone with a Google account,
both everyone. The role is any role (a custom role may hold ``getData``): on a table or view
its rows, on a ``SCHEMA`` (a dataset) every table of it, on a ``PROJECT`` every dataset, and on
a kind not known every table of the server. Snowflake's ``IMPORTED PRIVILEGES ON DATABASE d``
(a shared database) gives every table of ``d``.
"""

from __future__ import annotations

from keyturn.model import Resource
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    is_punct,
    is_word,
    name_at,
    names_list,
    skip_words,
)

_NAME_KINDS = frozenset({"word", "ident", "number", "string"})
# Kinds whose every word held rows before (kept: a verdict only gets stricter).
_TABLE_WORDS = frozenset({"table", "view", "sequence", "materialized", "external"})
# The last word of a kind of one object that holds rows.
_TABLE_LAST = frozenset({"table", "view", "sequence"})
EVERY_KINDS = frozenset({"tables", "sequences", "views"})
_STREAMS = frozenset({"stream", "streams"})
# Words before a grantee's name that are not part of it (PostgreSQL's GROUP, Snowflake's ROLE).
GRANTEE_NOISE = frozenset({"group", "role", "user"})
# Words ending the grantee list (``WITH GRANT OPTION``, ``GRANTED BY``, MySQL's ``REQUIRE``
# and ``AS``, Snowflake's ``COPY CURRENT GRANTS``).
_GRANTEES_END = frozenset({"granted", "require", "as", "cascade", "restrict", "copy"})
# IAM's everyone (BigQuery's ``user_list``), with or without ``specialGroup:``.
_IAM_EVERYONE = frozenset({"allusers", "allauthenticatedusers"})
# Engines whose grantee strings are accounts or roles, never IAM members.
_NOT_IAM = frozenset({"postgres", "redshift", "mysql", "sqlite"})


def object_kinds(tokens: Tokens, on: int, to: int) -> tuple[list[str], int]:
    """The words naming the kind of the objects after ``ON`` (each followed by another word or
    name) and where the first object's name is; ``to``: where the clause ends."""
    k = on + 1
    while k + 1 < to and tokens[k].kind == "word" and tokens[k + 1].kind in _NAME_KINDS:
        k += 1
    return [t.text for t in tokens[on + 1 : k]], k


def granted_names(tokens: Tokens, on: int, to: int, engine: str) -> tuple[str, list[list[str]]]:
    """(``database``, ``schema`` or ``object``, the names) of the objects a GRANT or REVOKE is
    on, for naming its update. A BigQuery schema is a dataset: a database."""
    kinds, first = object_kinds(tokens, on, to)
    kind = "object"
    if kinds and kinds[-1] == "database":
        kind = "database"
    elif kinds and kinds[-1] == "schema":
        kind = "schema" if len(kinds) > 1 else "object"
        kind = "database" if engine in ("bigquery", "mysql") else kind
    return kind, names_list(tokens, first, frozenset({"to", "from"}))[0]


def grantee_items(tokens: Tokens, start: int) -> list[Tokens]:
    """The comma-separated grantees from ``start`` (after ``TO``) to the end of the list."""
    base = tokens[0].depth
    items: list[Tokens] = []
    k = begin = start
    while k <= len(tokens):
        at_end = k == len(tokens)
        if not at_end and tokens[k].depth == base and tokens[k].kind == "word":
            word = tokens[k].text
            ends = word in _GRANTEES_END
            # WITH GRANT|ADMIN OPTION ends the list; MySQL's IDENTIFIED WITH plugin does not
            ends = ends or (word == "with" and not is_word(tokens, k - 1, "identified"))
            if ends:
                at_end = True
        if at_end or (tokens[k].depth == base and is_punct(tokens, k, ",")):
            if begin < k:
                items.append(tokens[begin:k])
            if at_end:
                break
            begin = k + 1
        k += 1
    return items


def grantee_at(item: Tokens) -> int:
    """Where the grantee's own name is in ``item`` (after ``ROLE``, ``GROUP``, ``USER``)."""
    return skip_words(item, 0, GRANTEE_NOISE) if len(item) > 1 else 0


def grantee_roles(tokens: Tokens, start: int, s: Session) -> list[Resource]:
    """The roles and users a GRANT or REVOKE changes (``ROLE PUBLIC`` is the role ``public``)."""
    out = []
    for item in grantee_items(tokens, start):
        parts, _ = name_at(item, grantee_at(item), strings=True)
        if parts:
            out.append(s.role_resource(parts[-1]))
    return out


def iam_everyone(item: Tokens, s: Session) -> bool:
    """Whether the grantee ``item`` is IAM's ``allUsers`` or ``allAuthenticatedUsers``."""
    if s.engine in _NOT_IAM or len(item) != 1 or item[0].kind not in ("word", "ident", "string"):
        return False
    member = item[0].text.lower().removeprefix("specialgroup:")
    return member in _IAM_EVERYONE


def opened_objects(tokens: Tokens, on: int, to: int, s: Session, *, iam: bool) -> list[Resource]:
    """The tables a ``GRANT ... ON <objects> TO`` everyone opens (see the module's text);
    ``iam``: the grantee is an IAM member (BigQuery), whose grant on a dataset gives rows."""
    base = tokens[0].depth
    privileges = {t.text for t in tokens[1:on] if t.kind == "word" and t.depth == base}
    kinds, first = object_kinds(tokens, on, to)
    if privileges == {"usage"} and not set(kinds) & {"sequence", "sequences"}:
        return []  # USAGE alone: MySQL's "no privilege"; on a table, PostgreSQL refuses it
    if set(kinds) & _STREAMS:
        return [s.database_resource("*", whole=True)]
    if is_punct(tokens, first, "*"):  # MySQL's * (the current database) and *.*
        every = is_punct(tokens, first + 1, ".") and is_punct(tokens, first + 2, "*")
        return [s.database_resource("*", whole=True) if every else s.database_resource(whole=True)]
    names = names_list(tokens[:to], first, frozenset())[0]
    inside = kinds[: kinds.index("in")] if "in" in kinds else kinds
    last = inside[-1] if inside else ""
    if set(kinds) & EVERY_KINDS:  # ALL|FUTURE TABLES IN SCHEMA s | IN DATABASE d
        if "database" in kinds or s.engine == "mysql":
            return [s.database_resource(p[-1], whole=True) for p in names]
        return [s.schema_resource(p) for p in names]
    if last == "database" and "imported" in privileges:  # Snowflake's shared database
        return [s.database_resource(p[-1], whole=True) for p in names]
    if (iam or s.engine == "bigquery") and last in ("schema", "project"):
        if last == "project":
            return [s.database_resource("*", whole=True)]
        datasets = [s.database_resource(p[-1], whole=True) for p in names]
        return datasets + [s.schema_resource(p) for p in names]
    if set(kinds) <= _TABLE_WORDS or last in _TABLE_LAST:
        return [_table(parts, s) for parts in names]
    # A database, schema, function... : no row by itself; for IAM, a kind not known
    return [s.database_resource("*", whole=True)] if iam else []


def _table(parts: list[str], s: Session) -> Resource:
    if parts[-1] == "*":  # MySQL's db.*
        return s.database_resource(parts[-2] if len(parts) > 1 else None, whole=True)
    return s.object_resource(parts, "table")
