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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._az_gcloud_words import Flags
from keyturn.understand.shell.commands._gcloud_names import resource_name
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


def ddl_update_effects(
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
    """The effects of the DDL a ``spanner databases ddl update`` runs; None for other calls."""
    if tuple(group) != ("spanner", "databases", "ddl") or verb != "update":
        return None
    word = names[0] if names else "*"
    database, _ = resource_name(word)
    found = _INSTANCE_IN_PATH.search(word.rstrip("/"))
    instance = found.group(1) if found else (flags.get("instance") or ["*"])[-1] or "*"
    inside = named(f"spanner/instances/{instance}/databases", word)
    bases = list(dict.fromkeys(named("spanner/databases", word) + inside))
    text, why = _ddl_text(flags, cmd, ctx)
    if text is None:
        return [unknown(why, [*bases, *(f"{b}/*" for b in bases)])]
    from keyturn.understand.sql import sql_effects

    effects = sql_effects(text, engine="spanner", database=database, target=ctx.target)
    effects += _row_deletions(effects, text)
    prefix = f"db:spanner/{database}"
    return [_under(e, bases, prefix, database) for e in effects]


def _ddl_text(flags: Flags, cmd: SimpleCommand, ctx: ShellContext) -> tuple[str | None, str]:
    """The DDL the call runs (``--ddl-file`` wins over ``--ddl``, as gcloud has it), or None
    and why it is not known."""
    paths = flags.get("ddl-file") or []
    if paths:
        path = paths[-1]
        if not path or _decided_at_run_time(path, cmd):
            return None, "--ddl-file: which file is decided at run time"
        text = one_text_on_line(home_path(path, ctx), ctx, limit=_LIMIT)
        if text is None:
            return None, f"--ddl-file {path}: the DDL file is not at hand"
        return text, ""
    texts = flags.get("ddl") or []
    if not texts:
        return None, "spanner ddl update without --ddl: the DDL it runs is not known"
    if any(_decided_at_run_time(t, cmd) for t in texts):
        return None, "--ddl: the DDL is decided at run time"
    return ";\n".join(texts), ""


def _decided_at_run_time(value: str, cmd: SimpleCommand) -> bool:
    """Whether ``value`` comes (even in part) from a word decided at run time."""
    words = [cmd.argv[i] for i in cmd.dynamic_words if 0 < i < len(cmd.argv)]
    return any(word and (value in word or word in value) for word in words)


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
