"""Serverless database platforms' command lines: Neon (``neonctl``, ``neon``), PlanetScale
(``pscale``) and Turso (``turso``). Built on the platform tools' shared parts
(:mod:`._paas_common`): a part the line does not tell is ``*``.

Names (from the widest scope to the object):
- ``neon:<project>``, ``neon:<project>/branch/<branch>``, ``…/branch/<branch>/database/<db>``,
  ``…/branch/<branch>/role/<role>``. The project is ``--project-id``, else ``projectId`` of
  the context file (``--context-file``, else ``.neon`` here); a branch not given is ``*``
  (the project's default one is not known here).
- ``planetscale:<org>/<database>``, ``…/<database>/<branch>``, ``…/<branch>/backup/<id>``;
  the organisation is ``--org``, else ``*``.
- ``turso:db/<name>``, ``turso:group/<name>``.

Kinds: lists, gets, shows, diffs and dumps read; creates create; deletes and destroys delete
the thing with everything in it; Neon's ``branches reset`` and ``branches restore`` replace
the branch's data (with its parent's or another point's); PlanetScale's ``deploy-request
deploy`` changes the production branch's schema (an update), and disabling safe migrations
removes a protection. SQL given to ``turso db shell DB SQL`` or piped to ``pscale shell`` is
judged as the SQL clients judge it (``db:sqlite/<db>/…``, ``db:mysql/<db>/…``).

Unknown on purpose: interactive shells, ``connect``, ``auth``, ``init`` and anything not
listed.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    meaning_of,
    operands,
    parse_args,
    prints,
    read_json,
    spelled,
    whole,
    yes_notes,
)
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.sql import sql_effects

_E = EffectKind


# -- Neon -----------------------------------------------------------------------------------

_NEON = OptionSpec(
    valued="o",
    long_valued=frozenset({"project-id", "org-id", "context-file", "api-key", "o", "output"})
    | {"branch", "name", "config-dir", "role-name", "database-name", "source"},
    long={"output": "o"},
    abbreviations=False,
)


def _neon_project(call: PaasCall, opts: Options) -> str:
    given = opts.value("project-id")
    if given:
        return given
    context = read_json(call.ctx, home_path(opts.value("context-file") or ".neon", call.ctx))
    found = context.get("projectId") if context else None
    return found if isinstance(found, str) and found else "*"


def _neon(kind: EffectKind, place: str, detail: str = "", *, tree: bool = False) -> Meaning:
    """A meaning on one Neon object: ``place`` is ``project``, ``branch``, ``database`` or
    ``role``; the object is the first operand (``*`` when none). A new branch is named by
    ``--name`` (``--parent``, a flag of ``reset`` and a valued option of ``create``, is read
    as a flag: its value then stands among the operands, so they are not used)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        project = _neon_project(call, opts)
        if kind is _E.CREATE and place == "branch":
            rest = [opts.value("name") or "*"]
        name = rest[0] if rest else "*"
        if place == "project":
            found = f"neon:{name if rest else project}"
        elif place == "branch":
            found = f"neon:{project}/branch/{name}"
        else:
            branch = opts.value("branch") or "*"
            found = f"neon:{project}/branch/{branch}/{place}/{name}"
        return [call.effect(kind, whole(found) if tree else [found], detail)]

    return operands(meaning)


def _neon_set_context(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    path = opts.value("context-file") or ".neon"
    return [call.local_file(_E.UPDATE, path, "the project later commands act on")]


_NEON_TABLE: dict[str, Meaning] = spelled(
    {
        "help, me, connection-string|cs, operations list, projects|project list": prints,
        "projects|project get": _neon(_E.READ, "project"),
        "projects|project create": _neon(_E.CREATE, "project"),
        "projects|project update": _neon(_E.UPDATE, "project"),
        "projects|project delete": _neon(_E.DELETE, "project", "deletes the project", tree=True),
        "branches|branch list|get|schema-diff": _neon(_E.READ, "branch"),
        "branches|branch create": _neon(_E.CREATE, "branch"),
        "branches|branch rename|set-default|add-compute": _neon(_E.UPDATE, "branch"),
        "branches|branch reset": _neon(
            _E.REPLACE, "branch", "the branch's data is replaced with its parent's", tree=True
        ),
        "branches|branch restore": _neon(
            _E.REPLACE, "branch", "the branch's data is replaced with another point's", tree=True
        ),
        "branches|branch delete": _neon(_E.DELETE, "branch", "deletes the branch", tree=True),
        "databases|database|db list": _neon(_E.READ, "database"),
        "databases|database|db create": _neon(_E.CREATE, "database"),
        "databases|database|db delete": _neon(_E.DELETE, "database", "all its data", tree=True),
        "roles|role list": _neon(_E.READ, "role"),
        "roles|role create": _neon(_E.CREATE, "role"),
        "roles|role delete": _neon(_E.DELETE, "role"),
        "ip-allow list": _neon(_E.READ, "project"),
        "ip-allow add|remove|reset": _neon(_E.UPDATE, "project", "who may connect"),
        "set-context": operands(_neon_set_context),
    }
)


@command("neonctl", "neon")
def neonctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Neon's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _NEON)
    call = PaasCall(cmd, ctx, "neon")
    if not opts.operands and opts.has("h", "help", "version"):
        return [call.prints()]
    return meaning_of(call, opts, list(opts.operands), _NEON_TABLE)


# -- PlanetScale ----------------------------------------------------------------------------

_PSCALE = OptionSpec(
    long_valued=frozenset({"org", "service-token", "service-token-id", "format", "f"})
    | {"api-url", "dir", "from", "region", "backup", "restore", "cluster-size", "into"},
    valued="f",
    abbreviations=False,
)


def _ps(kind: EffectKind, depth: int, detail: str = "", *, tree: bool = False) -> Meaning:
    """A meaning on ``planetscale:<org>/<database>[/<branch>[/backup/<id>]]``: ``depth`` is
    how many operands name it (1 a database, 2 a branch, 3 a backup)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        parts = [*rest[:depth], *["*"] * (depth - len(rest[:depth]))]
        if depth == 3:
            parts = [parts[0], parts[1], "backup", parts[2]]
        found = "/".join([f"planetscale:{opts.value('org') or '*'}", *parts])
        return [call.effect(kind, whole(found) if tree else [found], detail)]

    return operands(meaning)


def _ps_shell(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``pscale shell DB BRANCH`` with SQL on its standard input."""
    text = call.cmd.stdin_text
    if not rest or text is None:
        return None  # an interactive session: the statements are not known
    return sql_effects(text, engine="mysql", database=rest[0], target=server_target(call.ctx))


_PSCALE_TABLE: dict[str, Meaning] = spelled(
    {
        "help, version, auth, org list|show, region list": prints,
        "database|db list": _ps(_E.READ, 0),
        "database|db show|dump": _ps(_E.READ, 1),
        "database|db create": _ps(_E.CREATE, 1),
        "database|db delete": _ps(_E.DELETE, 1, "deletes the database", tree=True),
        "database|db restore-dump": _ps(_E.UPDATE, 2, "loads the dump into the branch"),
        "branch list": _ps(_E.READ, 1),
        "branch show|schema|diff": _ps(_E.READ, 2),
        "branch create": _ps(_E.CREATE, 2),
        "branch delete": _ps(_E.DELETE, 2, "deletes the branch", tree=True),
        "branch promote|demote": _ps(_E.UPDATE, 2, "changes which branch is production"),
        "branch safe-migrations enable": _ps(_E.UPDATE, 2),
        "deploy-request|dr list|show|diff": _ps(_E.READ, 1),
        "deploy-request|dr create|close": _ps(_E.UPDATE, 2),
        "deploy-request|dr deploy|revert|apply": _ps(
            _E.UPDATE, 1, "changes the production branch's schema"
        ),
        "backup list": _ps(_E.READ, 2),
        "backup show": _ps(_E.READ, 3),
        "backup create": _ps(_E.CREATE, 2),
        "backup delete": _ps(_E.DELETE, 3),
        "backup restore": _ps(_E.CREATE, 3, "a new branch from the backup"),
        "shell": operands(_ps_shell),
    }
)


@command("pscale")
def pscale(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """PlanetScale's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _PSCALE)
    words = list(opts.operands)
    call = PaasCall(cmd, ctx, "planetscale", notes=yes_notes(opts, "force"))
    if words[:3] == ["branch", "safe-migrations", "disable"]:
        org = opts.value("org") or "*"
        found = "/".join([f"planetscale:{org}", *[*words[3:5], "*", "*"][:2]])
        detail = "lets schema changes reach production without a deploy request"
        return [call.effect(_E.UPDATE, [found], detail, removes_protection=True)]
    if not words and opts.has("h", "help", "version"):
        return [call.prints()]
    return meaning_of(call, opts, words, _PSCALE_TABLE)


# -- Turso ----------------------------------------------------------------------------------

_TURSO = OptionSpec(
    long_valued=frozenset({"group", "location", "from-db", "from-file", "from-dump", "type"})
    | {"expiration", "e", "timestamp", "instance-url"},
    abbreviations=False,
)


def _turso(kind: EffectKind, place: str, detail: str = "", *, tree: bool = False) -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        names = [f"turso:{place}/{n}" for n in rest] or [f"turso:{place}/*"]
        found = [m for n in names for m in (whole(n) if tree else [n])]
        return [call.effect(kind, found, detail)]

    return operands(meaning)


def _turso_shell(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``turso db shell DB [SQL]``: the SQL given, or piped in; else interactive."""
    text = rest[1] if len(rest) > 1 else call.cmd.stdin_text
    if not rest or text is None:
        return None
    return sql_effects(text, engine="sqlite", database=rest[0], target=server_target(call.ctx))


_TURSO_TABLE: dict[str, Meaning] = spelled(
    {
        "help, auth, org list, plan show|select": prints,
        "db|database list|show|inspect|locations": _turso(_E.READ, "db"),
        "db|database create|import": _turso(_E.CREATE, "db"),
        "db|database destroy": _turso(_E.DELETE, "db", "deletes the database", tree=True),
        "db|database tokens create|invalidate": _turso(_E.UPDATE, "db", "its access tokens"),
        "db|database shell": operands(_turso_shell),
        "group list": _turso(_E.READ, "group"),
        "group create": _turso(_E.CREATE, "group"),
        "group destroy": _turso(
            _E.DELETE, "group", "deletes the group with every database in it", tree=True
        ),
    }
)


@command("turso")
def turso(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Turso's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _TURSO)
    call = PaasCall(cmd, ctx, "turso", notes=yes_notes(opts, "yes", "y"))
    if not opts.operands and opts.has("h", "help", "version"):
        return [call.prints()]
    return meaning_of(call, opts, list(opts.operands), _TURSO_TABLE)
