"""``gcloud spanner databases ddl update DB --instance=I --ddl='DROP TABLE t'`` (or
``--ddl-file=F``, which gcloud reads in place of ``--ddl``): the DDL is judged as SQL run on the
database (:mod:`keyturn.understand.sql`), and what it names is named under the database's
resource names -- ``gcp:spanner/instances/I/databases/DB/t`` and ``gcp:spanner/databases/DB/t``
(in the project and configuration too, as :func:`._gcloud_names.gcp_names` gives them) -- so a
pattern protecting the instance's or the database's contents holds. The SQL layer's own name
(``db:spanner/DB/t``) is kept besides.

Spanner's own DDL: ``ALTER TABLE t ADD|REPLACE ROW DELETION POLICY (OLDER_THAN(...))`` sets a
time-to-live that deletes the table's rows as they age, so it is also a delete of the table.
A DDL text or file decided at run time, or a file not at hand, is unknown on the database.

Read as gcloud 528 reads them (``command_lib/spanner/flags.py``, ``ddl_parser.py``): an empty
``--ddl-file=`` is no file (``if args.ddl_file``), so the ``--ddl`` texts run; each ``--ddl``
is split into statements by itself, so each is judged by itself (one text's open ``/*``
cannot hide the next), in one session. A ``--ddl=`` (or a file) with no statement in it is
still sent, as a request with none: what the server makes of it is not known, so it is
unknown on the database, never a call that does nothing.

``gcloud spanner databases execute-sql DB --instance=I --sql='DELETE FROM t'`` is judged the
same way: its ``--sql`` as SQL run on the database, named as above (gcloud 528's ``--help`` and
``execute_sql.py``: ``--sql`` is a plain string, never a file; a ``--flags-file`` may give it,
read before). ``--query-mode=PLAN`` is judged as the statement itself (that a plan of a DML
changes nothing was not run here, so it is not relied on), and ``--enable-partitioned-dml``
runs the same DML in parts. ``execute-sql`` of another group is not understood.

``gcloud spanner databases ddl describe DB`` (any ``ddl`` verb but ``update``) acts on the
database: named as ``gcloud spanner databases describe DB`` names it (:func:`database_group`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._az_gcloud_words import Flags
from keyturn.understand.shell.commands._gcloud_names import resource_name
from keyturn.understand.shell.commands._gcloud_policy_files import decided_at_run_time
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

Named = Callable[[str, str], list[str]]
Unknown = Callable[[str, list[str]], Effect]
_LIMIT = 1_000_000
# ``projects/P/instances/I/databases/D``: the instance is in the word itself.
_INSTANCE_IN_PATH = re.compile(r"(?:^|/)instances/([^/]+)/databases/[^/]+/?\Z")
# A row deletion policy (Spanner's TTL) added or replaced: the rows it matches are deleted.
_ROW_DELETION = re.compile(r"(?i)\bdeletion\b")
_ALTERS = ("sql:ALTER TABLE ADD", "sql:ALTER TABLE REPLACE")
_NOTHING = "sql:session"  # the SQL understanding's "no effectful statement"


def spanner_effects(
    group: Sequence[str],
    verb: str,
    names: Sequence[str],
    flags: Flags,
    *,
    named: Named,
    unknown: Unknown,
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect] | None:
    """The effects of the SQL a ``spanner databases ddl update`` or ``execute-sql`` runs; None
    for other calls."""
    if verb == "execute-sql" and tuple(group) != ("spanner", "databases"):
        return [unknown(f"{' '.join(group)} execute-sql: what its SQL does is not read", [])]
    if tuple(group) == ("spanner", "databases", "ddl") and verb == "update":
        texts, why = _ddl_texts(flags, cmd, ctx)
    elif tuple(group) == ("spanner", "databases") and verb == "execute-sql":
        text, why = _sql_text(flags, cmd)
        texts = None if text is None else [text]
    else:
        return None
    word = names[0] if names else "*"
    database, _ = resource_name(word)
    found = _INSTANCE_IN_PATH.search(word.rstrip("/"))
    instance = found.group(1) if found else (flags.get("instance") or ["*"])[-1] or "*"
    inside = named(f"spanner/instances/{instance}/databases", word)
    bases = list(dict.fromkeys(named("spanner/databases", word) + inside))
    whole = [*bases, *(f"{b}/*" for b in bases)]
    if texts is None:
        return [unknown(why, whole)]
    effects = _run(texts, database, ctx)
    if verb == "update" and all(e.operation == _NOTHING for e in effects):
        # gcloud sends the request with no statement (or none that changes anything): what
        # the server makes of it is not known, never "nothing happens"
        return [unknown("spanner ddl update: the DDL sent holds no statement", whole)]
    effects += _row_deletions(effects, "\n".join(texts))
    prefix = f"db:spanner/{database}"
    return [_under(e, bases, prefix, database) for e in effects]


def _run(texts: list[str], database: str, ctx: ShellContext) -> list[Effect]:
    """The effects of the SQL texts run one after another on the database: each ``--ddl`` is
    split into statements by itself (gcloud's ``SplitDdlIntoStatements``), so one text's open
    comment or quote does not swallow the next; one session, so what one text declares (an
    interleaved table, a foreign key) holds for the next."""
    from keyturn.understand.sql import run_sql, unique_effects
    from keyturn.understand.sql.names import Session

    session = Session(engine="spanner", database=database or "*", host=None, target=ctx.target)
    found = [e for text in texts for e in run_sql(text, session)]
    changes = [e for e in found if e.operation != _NOTHING]
    return unique_effects(changes) or found[:1]


def database_group(group: Sequence[str]) -> list[str]:
    """The group path that names what a call acts on: ``spanner databases ddl describe DB``
    reads the database ``DB`` (``ddl`` is not a kind of resource)."""
    if tuple(group) == ("spanner", "databases", "ddl"):
        return ["spanner", "databases"]
    return list(group)


def _sql_text(flags: Flags, cmd: SimpleCommand) -> tuple[str | None, str]:
    """The SQL ``execute-sql`` runs (its last ``--sql``, as argparse keeps it), or None and why
    it is not known."""
    texts = flags.get("sql") or []
    if not texts:
        return None, "spanner execute-sql without --sql: the SQL it runs is not known"
    if decided_at_run_time(texts[-1], cmd):
        return None, "--sql: the SQL is decided at run time"
    return texts[-1], ""


def _ddl_texts(flags: Flags, cmd: SimpleCommand, ctx: ShellContext) -> tuple[list[str] | None, str]:
    """The DDL texts the call runs, or None and why they are not known. As gcloud 528's
    ``GetDDLsFromArgs`` has it: a ``--ddl-file`` (the last) wins over every ``--ddl``, but an
    empty one (``--ddl-file=``) is no file, and the ``--ddl`` texts run."""
    paths = flags.get("ddl-file") or []
    if paths and paths[-1] and decided_at_run_time(paths[-1], cmd):
        return None, "--ddl-file: which file is decided at run time"
    if paths and paths[-1]:
        path = paths[-1]
        text = one_text_on_line(home_path(path, ctx), ctx, limit=_LIMIT)
        if text is None:
            return None, f"--ddl-file {path}: the DDL file is not at hand"
        return [text], ""
    if paths and decided_at_run_time(paths[-1], cmd):
        return None, "--ddl-file: which file is decided at run time"
    texts = flags.get("ddl") or []
    if not texts and not paths:
        return None, "spanner ddl update without --ddl: the DDL it runs is not known"
    if any(decided_at_run_time(t, cmd) for t in texts):
        return None, "--ddl: the DDL is decided at run time"
    return list(texts) or [""], ""


def _row_deletions(effects: list[Effect], text: str) -> list[Effect]:
    """A delete of each table whose row deletion policy is added or replaced: the rows older
    than the policy says are deleted (read closed: any ``ALTER TABLE ... ADD|REPLACE`` in a
    text that speaks of deletion)."""
    if _ROW_DELETION.search(text) is None:
        return []
    why = "a row deletion policy deletes the table's rows as they age"
    return [
        replace(e, effect=EffectKind.DELETE, detail=why)
        for e in effects
        if e.operation in _ALTERS and e.effect is EffectKind.UPDATE
    ]


def _under(effect: Effect, bases: list[str], prefix: str, database: str) -> Effect:
    """``effect`` with each SQL name also named under the database's resource names."""
    names: list[str] = []
    for name in effect.resource.names:
        if name == prefix or name.startswith(prefix + "/"):
            rest = name[len(prefix) :]
        else:  # a role, or another database: still inside this one as far as DDL reaches
            rest = "/" + name.removeprefix("db:spanner/")
        names += [f"{base}{rest}" for base in bases]
    names += effect.resource.names
    resource = Resource(names=tuple(dict.fromkeys(names)), type=effect.resource.type)
    return replace(effect, resource=resource, service="spanner", detail=effect.detail)
