"""``bq``, BigQuery's command line.

Names: ``db:bigquery/<dataset>`` and ``db:bigquery/<dataset>/<table>`` (a model, routine or
job: ``<dataset>/model:<m>``, ``<dataset>/routine:<r>``, ``*/job:<id>``), plus
``<name>@<project>`` when the project is known (``project:dataset.table`` in the id,
``--project_id``, the ``project_id`` of ``.bigqueryrc``, ``CLOUDSDK_CORE_PROJECT``), so
``*prod*`` tells the environment by project.
Partition and snapshot decorators (``t$20240101``, ``t@-3600000``) name the table.

Kinds: ``ls``, ``show``, ``head``, ``wait``, ``query --dry_run`` read; ``query`` is judged as
the SQL it runs (:mod:`._warehouse_sql`; text, else stdin), with ``--destination_table`` created
(``--replace``: replaced, ``--append_table``: updated); ``rm`` deletes (``-r``: the dataset and
every table in it, ``db:bigquery/<dataset>/*``); ``mk`` creates; ``update`` updates (deletes
when it sets an expiration: what expires is deleted); ``cp``
replaces the destination (``-a``: updates, ``-n``: creates) and reads the sources; ``load``
creates rows (``--replace``: replaces); ``extract`` reads the table and writes ``gs://`` objects;
``insert`` creates rows. ``-f``/``--force`` is noted in the detail.

Unknown on purpose (``None``): ``rm``/``mk`` of transfer configs, reservations, connections and
capacity commitments, ``cancel``, ``shell``, ``init`` and any other command; an id decided at
run time makes a change unknown.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import Arg, setting, with_command
from keyturn.understand.shell.commands._warehouse_sql import Client
from keyturn.understand.shell.effects import command_effect, home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_VALUED = frozenset(
    {"project_id", "dataset_id", "location", "format", "apilog", "api", "api_version"}
    | {"bigqueryrc", "ca_certificates_file", "credential_file", "service_account"}
    | {"service_account_credential_file", "job_id", "job_property", "max_rows_per_request"}
    | {"trace", "httplib2_debuglevel", "discovery_file", "universe_domain", "destination_table"}
    | {"parameter", "max_rows", "start_row", "schedule", "display_name", "target_dataset"}
    | {"destination_schema", "time_partitioning_field", "time_partitioning_type", "label"}
    | {"time_partitioning_expiration", "clustering_fields", "maximum_bytes_billed", "schema"}
    | {"destination_kms_key", "external_table_definition", "udf_resource", "source_format"}
    | {"field_delimiter", "skip_leading_rows", "encoding", "max_bad_records", "quote"}
    | {"null_marker", "expiration", "default_table_expiration", "description", "view"}
    | {"materialized_view", "default_partition_expiration", "data_location", "connection_id"}
    | {"table_definition", "max_results", "page_token", "filter", "selected_fields"}
    | {"compression", "destination_format", "print_header", "row_access_policy"}
)
# -n and -s take a value only for these commands (``bq cp -n`` is --no_clobber)
_COUNTED = frozenset({"query", "head", "ls"})


def _args(
    words: tuple[str, ...], start: int, valued: frozenset[str] = _VALUED
) -> tuple[dict[str, str], list[Arg]]:
    """absl flags (``--name=v``, ``--name v``, ``--name``/``--noname``, ``-f``) and operands,
    from ``start``."""
    flags: dict[str, str] = {}
    operands: list[Arg] = []
    i = start
    while i < len(words):
        word = words[i]
        if word == "--":
            operands += [Arg("", w, k) for k, w in enumerate(words[i + 1 :], start=i + 1)]
            break
        if word.startswith("-") and len(word) > 1:
            name, eq, value = word.lstrip("-").partition("=")
            if not eq and name in valued and i + 1 < len(words):
                value, i = words[i + 1], i + 1
            elif not eq and len(name) > 1 and word.startswith("-") and not word.startswith("--"):
                for letter in name:  # a cluster of short flags: -rf
                    flags[letter] = "true"
                i += 1
                continue
            elif not eq:
                value = "false" if name.startswith("no") and name[2:] in _BOOLEANS else "true"
                name = name[2:] if value == "false" else name
            flags[name] = value
        else:
            operands.append(Arg("", word, i))
        i += 1
    return flags, operands


_BOOLEANS = frozenset(
    {"use_legacy_sql", "replace", "append_table", "force", "recursive", "dry_run", "table"}
    | {"dataset", "no_clobber", "headless", "quiet", "synchronous_mode", "sync", "model"}
    | {"routine", "job", "snapshot", "clone", "restore", "autodetect"}
)


def _on(flags: dict[str, str], *names: str) -> bool:
    return any(flags.get(n, "false").lower() not in ("false", "0", "no") for n in names)


class _Bq:
    """One ``bq`` invocation: its verb, flags, project and default dataset."""

    def __init__(
        self, cmd: SimpleCommand, ctx: ShellContext, verb: str, flags: dict[str, str]
    ) -> None:
        self.cmd, self.ctx, self.verb, self.flags = cmd, ctx, verb, flags
        rc = _bigqueryrc(cmd, ctx, flags.get("bigqueryrc"), verb)
        self.project = (
            flags.get("project_id")
            or rc.get("project_id")
            or setting(cmd, ctx.env, "CLOUDSDK_CORE_PROJECT")
        )
        self.dataset = flags.get("dataset_id") or rc.get("dataset_id")

    def resource(self, ident: str, kind: str = "", *, dataset: bool = False) -> Resource:
        """``[project:]dataset[.table]`` (or ``project.dataset.table``) as a resource; a bare
        name is a table of ``--dataset_id`` when given, else a dataset."""
        project, _, rest = ident.rpartition(":")
        parts = rest.split(".")
        if not project and len(parts) >= 3:
            project, parts = parts[0], parts[1:]
        if len(parts) >= 2:
            name, table = parts[-2], parts[-1]
        elif dataset or not self.dataset:
            name, table = parts[0], ""
        else:
            name, table = self.dataset, parts[0]
        table = table.split("$", 1)[0].split("@", 1)[0]
        prefix = f"{kind}:" if kind else ""
        primary = f"db:bigquery/{name or '*'}" + (f"/{prefix}{table}" if table else "")
        return self.named(primary, (kind or "table") if table else "dataset", project)

    def named(self, primary: str, type_: str, project: str = "") -> Resource:
        where = project or self.project
        names = (primary, f"{primary}@{where}") if where else (primary,)
        return Resource(names, type=type_)

    def effect(self, kind: EffectKind, resource: Resource, detail: str = "") -> Effect:
        notes = [detail, "-f: without asking" if _on(self.flags, "f", "force") else ""]
        return Effect(
            effect=kind,
            resource=resource,
            target=self.ctx.target,
            service="db",
            command=self.cmd.text or None,
            operation=f"bq {self.verb}",
            detail="; ".join(n for n in notes if n),
        )


def _bigqueryrc(
    cmd: SimpleCommand, ctx: ShellContext, given: str | None, verb: str
) -> dict[str, str]:
    """The flags bq takes from its ``.bigqueryrc`` (``--bigqueryrc``, ``BIGQUERYRC``, else
    ``~/.bigqueryrc``): those before any ``[command]`` section, and the verb's own section."""
    path = given or setting(cmd, ctx.env, "BIGQUERYRC") or "~/.bigqueryrc"
    text = ctx.files.read_text(home_path(path, ctx), limit=65_536) or ""
    found: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section in ("", verb) and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip().lstrip("-")] = value.strip()
    return found


def _ids(bq: _Bq, operands: list[Arg], kind: EffectKind, what: str = "") -> list[Effect]:
    return [bq.effect(kind, bq.resource(a.value, what)) for a in operands]


def _rm(bq: _Bq, operands: list[Arg]) -> list[Effect] | None:
    if len(operands) != 1 or _on(bq.flags, *_NOT_DATA):
        return None
    ident = operands[0].value
    if _on(bq.flags, "j", "job"):
        return [bq.effect(_E.DELETE, bq.named(f"db:bigquery/*/job:{ident}", "job"))]
    what = "model" if _on(bq.flags, "m", "model") else "routine" if _on(bq.flags, "routine") else ""
    resource = bq.resource(ident, what, dataset=_on(bq.flags, "d", "dataset"))
    if resource.type == "dataset" and _on(bq.flags, "r", "recursive"):
        primary = resource.names[0]
        wide = bq.named(primary + "/*", "dataset", ident.rpartition(":")[0])
        names = Resource((*resource.names, *wide.names), type="dataset")
        return [bq.effect(_E.DELETE, names, "-r: and every table in it")]
    return [bq.effect(_E.DELETE, resource)]


_NOT_DATA = (
    *("transfer_config", "reservation", "connection", "capacity_commitment"),
    *("reservation_assignment", "transfer_run"),
)


def _update(bq: _Bq, operands: list[Arg]) -> list[Effect] | None:
    """``bq update``: an update, unless it sets an expiration, which deletes: ``--expiration
    N`` the table itself N seconds on, ``--time_partitioning_expiration N`` the partitions
    older than N seconds. (A dataset's defaults apply to the tables made later.)"""
    expiring = [
        key
        for key in ("expiration", "time_partitioning_expiration")
        if bq.flags.get(key, "").strip() not in ("", "0", "-1")
    ]
    if not expiring:
        return _ids(bq, operands[:1], _E.UPDATE) or None
    detail = f"--{expiring[0]}: what expires is deleted"
    return [bq.effect(_E.DELETE, bq.resource(a.value), detail) for a in operands[:1]] or None


def _mk(bq: _Bq, operands: list[Arg]) -> list[Effect] | None:
    if len(operands) < 1 or _on(bq.flags, *_NOT_DATA):
        return None
    view = "view" in bq.flags or "materialized_view" in bq.flags
    return [bq.effect(_E.CREATE, bq.resource(operands[0].value), "a view" if view else "")]


def _cp(bq: _Bq, operands: list[Arg]) -> list[Effect] | None:
    if len(operands) != 2:
        return None
    if _on(bq.flags, "a", "append_table"):
        kind, detail = _E.UPDATE, "-a: appends to the destination"
    elif _on(bq.flags, "n", "no_clobber") or _on(bq.flags, "snapshot", "clone"):
        kind, detail = _E.CREATE, ""
    else:
        kind, detail = _E.REPLACE, "overwrites the destination if it exists"
    sources = [bq.effect(_E.READ, bq.resource(s)) for s in operands[0].value.split(",") if s]
    return [*sources, bq.effect(kind, bq.resource(operands[1].value), detail)]


def _load(bq: _Bq, operands: list[Arg]) -> list[Effect] | None:
    if len(operands) < 2:
        return None
    if _on(bq.flags, "replace"):
        return [bq.effect(_E.REPLACE, bq.resource(operands[0].value), "--replace: the rows")]
    return [bq.effect(_E.CREATE, bq.resource(operands[0].value), "loads rows")]


def _extract(bq: _Bq, operands: list[Arg]) -> list[Effect] | None:
    if len(operands) != 2:
        return None
    read = bq.effect(_E.READ, bq.resource(operands[0].value))
    urls = tuple(u for u in operands[1].value.split(",") if u.startswith("gs://"))
    if not urls:
        return None
    return [read, bq.effect(_E.UPDATE, Resource(urls, type="object"), "writes the export")]


def _query(bq: _Bq, operands: list[Arg]) -> list[Effect] | None:
    if _on(bq.flags, "dry_run"):
        where = bq.resource(bq.dataset or "*", dataset=True)
        return [bq.effect(_E.READ, where, "--dry_run: validated, not run")]
    client = Client("bigquery", bq.cmd, bq.ctx, database=bq.dataset, host=bq.project)
    if operands:
        dynamic = any(a.index in bq.cmd.dynamic_words for a in operands)
        text = " ".join(a.value for a in operands)
        client.text(Arg("q", text, operands[0].index if dynamic else -1))
    else:
        client.stdin()
    effects = client.effects
    target = bq.flags.get("destination_table")
    if target:
        if _on(bq.flags, "replace"):
            kind, detail = _E.REPLACE, "--replace: the query's result replaces the table"
        elif _on(bq.flags, "append_table"):
            kind, detail = _E.UPDATE, "--append_table"
        else:
            kind, detail = _E.CREATE, "the query's result"
        effects.append(bq.effect(kind, bq.resource(target), detail))
    return effects


def _everything(bq: _Bq) -> Resource:
    """The project's datasets, or the tables of ``--dataset_id``."""
    return bq.resource(bq.dataset or "*", dataset=True)


_Meaning = Callable[[_Bq, list[Arg]], "list[Effect] | None"]
_MEANINGS: dict[str, _Meaning] = {
    "ls": lambda bq, ops: _ids(bq, ops, _E.READ) or [bq.effect(_E.READ, _everything(bq))],
    "show": lambda bq, ops: _ids(bq, ops, _E.READ) or [bq.effect(_E.READ, _everything(bq))],
    "head": lambda bq, ops: _ids(bq, ops, _E.READ) or None,
    "wait": lambda bq, ops: [bq.effect(_E.READ, bq.named("db:bigquery/*/job:*", "job"))],
    "update": _update,
    "insert": lambda bq, ops: _ids(bq, ops[:1], _E.CREATE) or None,
    "rm": _rm,
    "mk": _mk,
    "cp": _cp,
    "load": _load,
    "extract": _extract,
    "query": _query,
}


@command("bq")
def bq(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``bq [global flags] COMMAND [flags] [args]``, as the module docstring says."""
    flags, operands = _args(cmd.argv, 1)
    if not operands:
        printing = _on(flags, "help", "h", "version")
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")] if printing else None
    verb = operands[0].value
    if verb in ("help", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    meaning = _MEANINGS.get(verb)
    if meaning is None:
        return None
    valued = _VALUED | {"n", "s"} if verb in _COUNTED else _VALUED
    more, rest = _args(cmd.argv, operands[0].index + 1, valued)
    state = _Bq(cmd, ctx, verb, {**flags, **more})
    found = meaning(state, rest)
    if found is None:
        return None
    if verb != "query" and any(a.index in cmd.dynamic_words for a in rest):
        found = [_at_run_time(e) for e in found]
    return with_command(found, cmd)


def _at_run_time(effect: Effect) -> Effect:
    if effect.effect is _E.READ:
        return effect
    from keyturn.understand.shell.registry import evolve

    return evolve(effect, effect=_E.UNKNOWN, detail="which one is decided at run time")
