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
        text, why = _ddl_text(flags, cmd, ctx)
    elif tuple(group) == ("spanner", "databases") and verb == "execute-sql":
        text, why = _sql_text(flags, cmd)
    else:
        return None
    word = names[0] if names else "*"
    database, _ = resource_name(word)
    found = _INSTANCE_IN_PATH.search(word.rstrip("/"))
    instance = found.group(1) if found else (flags.get("instance") or ["*"])[-1] or "*"
    inside = named(f"spanner/instances/{instance}/databases", word)
    bases = list(dict.fromkeys(named("spanner/databases", word) + inside))
    if text is None:
        return [unknown(why, [*bases, *(f"{b}/*" for b in bases)])]
    from keyturn.understand.sql import sql_effects

    effects = sql_effects(text, engine="spanner", database=database, target=ctx.target)
    effects += _row_deletions(effects, text)
    prefix = f"db:spanner/{database}"
    return [_under(e, bases, prefix, database) for e in effects]


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


def _ddl_text(flags: Flags, cmd: SimpleCommand, ctx: ShellContext) -> tuple[str | None, str]:
    """The DDL the call runs (``--ddl-file`` wins over ``--ddl``, as gcloud has it), or None
    and why it is not known."""
    paths = flags.get("ddl-file") or []
    if paths:
        path = paths[-1]
        if not path or decided_at_run_time(path, cmd):
            return None, "--ddl-file: which file is decided at run time"
        text = one_text_on_line(home_path(path, ctx), ctx, limit=_LIMIT)
        if text is None:
            return None, f"--ddl-file {path}: the DDL file is not at hand"
        return text, ""
    texts = flags.get("ddl") or []
    if not texts:
        return None, "spanner ddl update without --ddl: the DDL it runs is not known"
    if any(decided_at_run_time(t, cmd) for t in texts):
        return None, "--ddl: the DDL is decided at run time"
    return ";\n".join(texts), ""


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
