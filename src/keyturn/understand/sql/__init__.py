"""SQL text -> effects on named databases and tables (``db:<engine>/<database>[/<table>]``).

Used by the shell's SQL clients (``psql -c``, ``mysql -e``, ``sqlite3``), by MCP tools whose
argument is SQL, and by anything else that carries SQL text. Pure and total: any text gives
effects, never an exception and never an empty list.

Why a tokenizer and not a parser: a full parser (sqlglot) costs ~100 ms to import and
0.1–0.4 ms per statement, and refuses dialect corners; judging needs only the statement's verb,
its target objects and whether a ``WHERE`` is present. :mod:`.tokens` respects every quoting
and comment form; where text could be read two ways (backslashes in MySQL vs PostgreSQL) both
readings are judged and the effects of both kept, so quoting cannot hide a statement.
:mod:`.dialects` says how each engine quotes (any non-ASCII character is a name character, as
the engines' byte-wise lexers have it). :mod:`.statements` and :mod:`.ddl` classify statements,
:mod:`.meta` client meta-commands, :mod:`.names` names the resources.

Meanings (decided here, relied on by tests):
- SELECT/SHOW/EXPLAIN/DESCRIBE/VALUES/TABLE -> read (``SELECT ... FOR UPDATE`` too: its row
  locks end with the transaction); ``SELECT ... INTO t`` -> create.
- Function calls in any statement that runs expressions (queries, DML, COPY, SET, CREATE TABLE
  AS) are judged by name (:mod:`.functions`): built-ins with side effects -> their effect
  (``lo_unlink`` delete, ``pg_terminate_backend``/``setval``/``set_config`` update,
  ``dblink``/``dblink_exec``/``lo_export`` unknown); well-known pure built-ins -> nothing;
  any other function (``SELECT purge_orders()``) -> unknown: it may do anything. Quoted and
  ``U&"..."`` names are read as the engine reads them.
- LOCK TABLE -> update of each table (others wait). COPY ... TO 'file' -> unknown (writes a
  file). ALTER SYSTEM/DATABASE/ROLE ... SET of a setting naming a program or library
  (``archive_command``, ``shared_preload_libraries``...) -> unknown: it runs code on the host.
- INSERT/COPY FROM/LOAD DATA -> create of the table; upserts and REPLACE/MERGE -> update.
- UPDATE -> update; DELETE -> delete of the table (a multi-table DELETE's aliases are the
  tables they stand for: :mod:`.row_changes`). Without a WHERE (or with one that is always
  true, ``WHERE 1=1``) the detail says every row is hit. ``WITH`` names the main statement by
  the CTE list's shape (:mod:`.ctes`): a CTE may be named ``insert``.
- DROP TABLE/VIEW/INDEX/... and TRUNCATE -> delete of the object; DROP DATABASE -> delete of
  ``db:<engine>/<name>``; PostgreSQL schemas are ``db:<engine>/<database>/<schema>``.
  TRUNCATE ... CASCADE, DROP TYPE/DOMAIN/EXTENSION/FUNCTION/... CASCADE, PostgreSQL's DROP
  TABLE/VIEW/SCHEMA ... CASCADE and DROP OWNED reach objects they do not name: also named as
  everything in the database (``db:e/d/*``); so does a write of SQLite's schema table
  (``sqlite_master`` with ``writable_schema`` on), a delete (:mod:`.guards`).
- Foreign keys, inheritance and partitions declared earlier in the same text (:mod:`.reach`):
  a DELETE/UPDATE/REPLACE/TRUNCATE of the parent also names the tables it reaches. The schema
  is not seen otherwise: a bare DELETE names only its table.
- ClickHouse's ``ALTER TABLE ... DELETE|UPDATE|DROP/DETACH PARTITION``, ``TRUNCATE DATABASE``,
  ``DETACH``: :mod:`.clickhouse`.
- ALTER TABLE t DROP COLUMN c -> delete of the column, named ``db:e/d/t/c`` *and* ``db:e/d/t``:
  dropping a column loses the table's data, so protecting the table protects its columns.
  Renaming an object (or moving it to another schema) -> update of the old name that removes
  its protection (:mod:`.renames`). Other ALTERs (RENAME COLUMN, DROP CONSTRAINT, ...) ->
  update.
- CREATE -> create (``CREATE OR REPLACE TABLE`` -> replace; OR REPLACE of a view or function ->
  update); GRANT/REVOKE and ALTER DEFAULT PRIVILEGES -> update. Roles and users are
  ``db:<engine>/role:<name>``. Switching off a table's own guard (``DISABLE TRIGGER``,
  ``DROP RULE|TRIGGER|POLICY ... ON t``, ``DISABLE ROW LEVEL SECURITY``, a permissive
  policy) -> update of the table that removes its protection (:mod:`.guards`). A rule,
  trigger or event also has the effects of the code it stores (:mod:`.stored_code`); a trigger
  running a function whose body is not in the text -> unknown (one defined earlier in the
  text: what its body does, :mod:`.procedural`).
- Opening tables to everyone (:mod:`.public_grants`): a GRANT to ``PUBLIC``, IAM's
  ``allUsers`` (BigQuery; what each object kind opens: :mod:`.grant_objects`), MySQL's
  anonymous account or an account with no password, ``ALTER DEFAULT PRIVILEGES ... TO
  PUBLIC``, a role made ``BYPASSRLS``/``SUPERUSER``, an account's password emptied, a new
  account other hosts reach with no password (not one only ``localhost`` reaches) -> update
  of the tables it reaches (every table of the schema, database or server when they are not
  named) that removes their protection.
- Switching guards off for tables not named (:mod:`.guard_switches`): ``DROP EVENT TRIGGER``,
  ``ALTER EVENT TRIGGER ... DISABLE``, ``session_replication_role = replica`` (``SET``,
  ``set_config``, ``ALTER ROLE|DATABASE|SYSTEM ... SET``) -> update of the database with
  everything in it that removes its protection; ``CREATE OR REPLACE`` of a trigger function
  whose body raises no error -> also unknown; ``ALTER TABLE c ADD ... REFERENCES p ON DELETE
  CASCADE``, ``INHERIT p``, ``ATTACH PARTITION c`` -> update of ``c`` that removes its
  protection (another command's ``DELETE FROM p`` reaches it unnamed).
- ``DO`` -> what its body does, unknown where any of it is not understood
  (:func:`.procedural.do_block`); MySQL's ``DO expr`` -> the functions it calls.
- CALL/EXECUTE, COPY ... PROGRAM, psql ``\\!``/``\\i``/``\\gexec`` -> unknown with the reason.
- BEGIN/COMMIT/SET and similar session statements have no effect of their own; text made only
  of them reads the database. A server setting (MySQL ``SET GLOBAL x``, ``@@global.x``, a
  ``PRAGMA`` with a value) -> update; MariaDB's ``SET STATEMENT ... FOR <statement>`` -> the
  statement's effects (:mod:`.settings`).
- ``host``: when the server's host is known its name is added to every resource as a second
  name ``<primary>@<host>``, so a policy's ``resources: ["*prod*"]`` can tell the environment.
- ``psql_variables``: text psql reads as a script (stdin, ``-f``) has its ``:name`` variables
  replaced by their values before the server sees it (``SELECT :q`` may be ``SELECT 1; DROP
  TABLE users``): a statement using one is ``unknown``. (A ``-c`` text is sent as written.)
- Library loading runs code on the database host: ``CREATE FUNCTION ... LANGUAGE c`` (or
  ``AS 'lib.so'``), MySQL's ``CREATE FUNCTION ... SONAME`` and ``INSTALL PLUGIN|SONAME`` ->
  unknown.
"""

from __future__ import annotations

from keyturn.model import Effect, Target
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import Tokens
from keyturn.understand.sql.public_grants import left_open
from keyturn.understand.sql.statements import classify, session_only
from keyturn.understand.sql.tokens import readings, scan

__all__ = ["run_sql", "sql_effects", "unique_effects"]

_ENGINE_ALIASES = {"postgresql": "postgres", "pg": "postgres", "mariadb": "mysql"}


def sql_effects(
    sql: str,
    *,
    engine: str,
    database: str | None,
    target: Target,
    host: str | None = None,
) -> list[Effect]:
    """The effects of running ``sql`` on ``database`` (``*`` when unknown) of ``engine``.

    ``engine``: ``postgres``, ``mysql`` (also for MariaDB), ``sqlite``, or another name (then
    the stricter of several quoting readings is used). ``host``, when known, is added as a
    second name of every resource (``<name>@<host>``). Never raises; never returns nothing.
    """
    engine = _ENGINE_ALIASES.get(engine.lower(), engine.lower()) or "sql"
    session = Session(engine=engine, database=database or "*", host=host, target=target)
    return run_sql(sql, session)


def run_sql(sql: str, session: Session, *, psql_variables: bool = False) -> list[Effect]:
    """The effects of running ``sql`` in ``session``, which it leaves as the text leaves it (the
    database ``\\c``/``USE`` switched to, the files ``ATTACH``ed), for the text run next in the
    same session: psql's several ``-c``, sqlite3's arguments and dot-commands. Where two
    quoting readings end in different databases, the database is not told (``*``).

    ``psql_variables``: psql substitutes ``:name`` variables in this text (see above)."""
    start = session.position()
    ends = []
    effects: list[Effect] = []
    try:
        for dialect in readings(sql, engine=session.engine):
            session.move_to(start)
            for statement in scan(sql, dialect):
                effects += classify(statement, session)
                if psql_variables:
                    effects += _variables(statement, session)
            effects += left_open(session)  # once the text may have given them a password
            ends.append(session.position())
    except RecursionError:
        return [session.unknown("SQL nested too deeply to read")]
    if all(end == ends[0] for end in ends):
        session.move_to(ends[0])
    else:
        session.move_to(ends[0])
        session.database, session.search_path = "*", ()
    return unique_effects(effects) or [session_only(session)]


def _variables(statement: Tokens, session: Session) -> list[Effect]:
    """An unknown for a psql variable the statement uses (``:name``, ``:'name'``)."""
    if statement and statement[0].kind == "meta":
        return []  # meta-commands read their own arguments (:mod:`.meta`)
    for k, token in enumerate(statement[:-1]):
        after = statement[k + 1]
        if token.kind == "punct" and token.text == ":" and after.kind != "punct":
            name = after.text[:40]
            why = f"psql puts the value of the variable :{name} here, which is not known"
            return [session.unknown(why, "psql variable")]
    return []


def unique_effects(effects: list[Effect]) -> list[Effect]:
    """Drop repeats (a dump inserting into one table a thousand times is one effect)."""
    seen: set[tuple[object, ...]] = set()
    out: list[Effect] = []
    for e in effects:
        key = (e.effect, e.resource, e.operation, e.detail)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
