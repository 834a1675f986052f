"""Railway's command line, ``railway`` (see :mod:`.paas` for the names of every platform).

Names: ``railway:<project>/<environment>`` for an environment and under it
``/service/<service>`` (``/variable/<KEY>``, ``/domain/<domain>``,
``/deployment/latest``) and ``/volume/<volume>``; ``railway:<project>`` for a project. The
project is ``-p/--project``, the environment ``-e/--environment``, the service
``-s/--service``; else the project and environment this directory is linked to (``railway
link``, kept in ``~/.railway/config.json``), unless ``RAILWAY_TOKEN`` (a project token) says;
else ``*``. So ``protected: ["railway:*/volume/prod-data"]`` names a volume in any project and
environment, and ``*prod*`` tells a production environment.

Kinds: ``status``, ``logs``, ``list`` and the like read; ``up``, ``redeploy``, ``restart``,
``scale`` update the service; ``down`` deletes its latest deployment (the service stops
serving); ``variable set``/``delete`` update/delete variables; ``volume delete`` deletes the
volume and its data; ``environment delete``, ``service delete`` and ``delete`` (a project)
delete it and everything in it; ``link``/``unlink``/``environment NAME`` change which project
later commands reach (``~/.railway/config.json``). ``run`` judges the local command it runs
with the service's variables; ``ssh CMD`` the command run in the service's container.

Unknown on purpose: ``connect`` (a database shell: statements not known), ``shell`` and
``ssh`` without a command (interactive), ``volume browse`` (an interactive file manager),
``dev``, ``functions``, ``bucket`` and the rest.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    first,
    keys_of,
    meaning_of,
    operands,
    parse_args,
    prints,
    read_json,
    spelled,
    text_of,
    whole,
    yes_notes,
)
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_VALUED = frozenset("sepvmnrit") | frozenset(
    {"set", "set-from-stdin", "duplicate", "copy", "2fa-code", "lines", "filter", "since"}
    | {"until", "database", "variables", "message", "identity-file", "local-dir", "port"}
    | {"deployment", "workspace", "service-config", "region", "replicas", "path-as-root"}
)
_RAILWAY = OptionSpec(
    valued="sepvmnrit",
    long={
        "service": "s",
        "environment": "e",
        "project": "p",
        "volume": "v",
        "mount-path": "m",
        "name": "n",
        "repo": "r",
        "image": "i",
        "template": "t",
        "yes": "y",
    },
    long_valued=_VALUED,
    abbreviations=False,
)
# ``run`` and ``ssh`` take the command's words after their own options.
_RUNNING = OptionSpec(valued="sepi", long=_RAILWAY.long, long_valued=_VALUED, stop_at_operand=True)
_CONFIG = "~/.railway/config.json"


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where a command lands: project, environment and service (``*`` when not known)."""

    project: str
    environment: str
    service: str

    @property
    def environment_name(self) -> str:
        return f"railway:{self.project}/{self.environment}"

    @property
    def service_name(self) -> str:
        return f"{self.environment_name}/service/{self.service}"


def _scope(call: PaasCall, opts: Options) -> _Scope:
    project, environment = _linked(call.cmd, call.ctx)
    return _Scope(
        project=opts.value("p") or project or "*",
        environment=opts.value("e") or environment or "*",
        service=opts.value("s") or "*",
    )


def _linked(cmd: SimpleCommand, ctx: ShellContext) -> tuple[str | None, str | None]:
    """The project and environment names this directory (or the nearest folder above it) is
    linked to, from ``~/.railway/config.json``; a project token decides instead."""
    if setting(cmd, ctx.env, "RAILWAY_TOKEN"):
        return None, None
    config = read_json(ctx, ctx.home.rstrip("/") + _CONFIG[1:])
    projects = config.get("projects") if config else None
    if not isinstance(projects, dict):
        return None, None
    path = ctx.cwd
    while True:
        entry = projects.get(path)
        if isinstance(entry, dict):
            return text_of(entry, "name"), text_of(entry, "environmentName")
        parent = posixpath.dirname(path)
        if parent == path:
            return None, None
        path = parent


def _on_service(kind: EffectKind, detail: str = "", suffix: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [_scope(call, opts).service_name + suffix], detail)]

    return meaning


def _on_environment(kind: EffectKind, detail: str = "", suffix: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [_scope(call, opts).environment_name + suffix], detail)]

    return meaning


def _variables(kind: EffectKind, detail: str = "") -> Meaning:
    """``variable set KEY=V...``/``delete KEY``: one effect per variable."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        keys = keys_of(rest)
        if not keys:
            return None
        where = _scope(call, opts).service_name
        return [call.effect(kind, [f"{where}/variable/{k}"], detail) for k in keys]

    return meaning


def _variable_legacy(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``railway variables [--set K=V] [--set-from-stdin K]``: lists, or sets with ``--set``."""
    keys = keys_of([*opts.values.get("set", ()), *opts.values.get("set-from-stdin", ())])
    if rest:
        return None
    where = _scope(call, opts).service_name
    if keys:
        return [call.effect(_E.UPDATE, [f"{where}/variable/{k}"], _DEPLOYS) for k in keys]
    return [call.effect(_E.READ, [f"{where}/variable/*"], "lists the service's variables")]


_DEPLOYS = "the service redeploys with it (unless --skip-deploys)"


def _volume(kind: EffectKind, detail: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        scope = _scope(call, opts)
        volume = opts.value("v") or "*"
        names = [f"{scope.environment_name}/volume/{volume}"]
        if kind is _E.UPDATE and opts.value("s"):
            names.append(scope.service_name)
        return [call.effect(kind, names, detail)]

    return meaning


def _environment_delete(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    scope = _scope(call, opts)
    environment = first(rest, scope.environment)
    detail = "deletes the environment with its services, volumes and variables"
    return [call.effect(_E.DELETE, whole(f"railway:{scope.project}/{environment}"), detail)]


def _environment_new(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    scope = _scope(call, opts)
    source = opts.value("duplicate") or opts.value("copy")
    detail = f"copies the services and variables of {source}" if source else ""
    return [call.effect(_E.CREATE, [f"railway:{scope.project}/{first(rest)}"], detail)]


def _service_delete(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    detail = "deletes the service and all its deployments from the environment"
    return [call.effect(_E.DELETE, whole(_scope(call, opts).service_name), detail)]


def _project_delete(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    # Without -p railway asks which project: it need not be the linked one.
    project = opts.value("p") or first(rest)
    detail = "deletes the project: every environment, service, volume and deployment in it"
    return [call.effect(_E.DELETE, whole(f"railway:{project}"), detail)]


def _link(detail: str) -> Meaning:
    """A change of which project, environment or service later commands reach."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.local_file(_E.UPDATE, _CONFIG, detail)]

    return meaning


def _environment_link(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``railway environment [NAME]``: links this directory to an environment."""
    if len(rest) > 1:
        return None
    return _link(f"links this directory to environment {first(rest)}")(call, opts, rest)


def _service_link(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    if len(rest) > 1:
        return None
    return _link(f"links this directory to service {first(rest)}")(call, opts, rest)


def _domain(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    where = _scope(call, opts).service_name
    return [call.effect(_E.CREATE, [f"{where}/domain/{first(rest)}"], "adds a domain")]


def _projects(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    return [call.effect(_E.READ, ["railway:*"], "lists the projects")]


def _init(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    return [call.effect(_E.CREATE, [f"railway:{opts.value('n') or '*'}"], "a new project")]


def _connect(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    scope = _scope(call, opts)
    service = first(rest, scope.service)
    name = f"{scope.environment_name}/service/{service}"
    detail = "opens a database shell on the service: what it runs is not known"
    return [call.effect(_E.UNKNOWN, [name], detail)]


_TABLE: dict[str, Meaning] = spelled(
    {
        "whoami|version|help|docs|open|completion|starship": prints,
        "status": _on_environment(_E.READ),
        "list": _projects,
        "project|projects list|ls": _projects,
        "logs": _on_service(_E.READ, "reads the service's logs"),
        "up": _on_service(_E.UPDATE, "deploys the code here to the service"),
        "deploy": _on_environment(_E.CREATE, "deploys a template", "/service/*"),
        "redeploy": _on_service(_E.UPDATE, "redeploys the latest deployment"),
        "restart": _on_service(_E.UPDATE, "disruptive: restarts the service"),
        "scale": _on_service(_E.UPDATE, "changes the service's replicas"),
        "down": _on_service(
            _E.DELETE, "removes the latest deployment: the service stops", "/deployment/latest"
        ),
        "add": _on_environment(_E.CREATE, "adds a service or database", "/service/*"),
        "variable|variables|vars|var": _variable_legacy,
        "variable|variables|vars|var list|ls|get": _on_service(_E.READ, "", "/variable/*"),
        "variable|variables|vars|var set": _variables(_E.UPDATE, _DEPLOYS),
        "variable|variables|vars|var delete|rm|remove": _variables(_E.DELETE),
        "volume|volumes list|ls": _on_environment(_E.READ, "", "/volume/*"),
        "volume|volumes add|create|new": _on_environment(_E.CREATE, "", "/volume/*"),
        "volume|volumes delete|remove|rm": _volume(
            _E.DELETE, "deletes the volume and all its data"
        ),
        "volume|volumes update|edit|rename": _volume(_E.UPDATE),
        "volume|volumes detach": _volume(_E.UPDATE, "the service loses the volume's data"),
        "volume|volumes attach": _volume(_E.UPDATE, "mounts the volume in the service"),
        "volume|volumes files|file|download|dl|get": _volume(_E.READ),
        "volume|volumes upload|up|put": _volume(_E.UPDATE, "writes files into the volume"),
        "environment|env": operands(_environment_link),
        "environment|env list|ls|config|show|info": _on_environment(_E.READ),
        "environment|env link": _environment_link,
        "environment|env new|create|add": _environment_new,
        "environment|env delete|rm|remove": _environment_delete,
        "environment|env edit|update": _on_environment(_E.UPDATE, "changes service settings"),
        "service": operands(_service_link),
        "service list|ls": _on_environment(_E.READ, "", "/service/*"),
        "service status|logs": _on_service(_E.READ),
        "service link": _service_link,
        "service delete|remove|rm": _service_delete,
        "service redeploy": _on_service(_E.UPDATE, "redeploys the latest deployment"),
        "service restart": _on_service(_E.UPDATE, "disruptive: restarts the service"),
        "service scale": _on_service(_E.UPDATE, "changes the service's replicas"),
        "link": _link("links this directory to a project"),
        "project|projects link": _link("links this directory to a project"),
        "unlink": _link("unlinks this directory"),
        "login|logout": _link("changes the credentials railway uses"),
        "init": _init,
        "delete": _project_delete,
        "project|projects delete|rm|remove": _project_delete,
        "domain": _domain,
        "connect": _connect,
    }
)


@command("railway")
def railway(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Railway's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _RAILWAY)
    words = opts.operands
    call = PaasCall(cmd, ctx, "railway", notes=yes_notes(opts, "y"))
    if not words and opts.has("h", "help", "V", "version"):
        return [call.prints()]
    if words[:1] in (("run",), ("local",), ("ssh",)):
        return _running(call, words[0])
    return meaning_of(call, opts, words, _TABLE)


def _running(call: PaasCall, verb: str) -> list[Effect] | None:
    """``railway run CMD`` (here, with the service's variables) and ``railway ssh CMD`` (in
    the service's container): the command is judged."""
    args = call.cmd.args
    at = args.index(verb)
    before = parse_args(args[:at], _RAILWAY)
    opts = parse_args(args[at + 1 :], _RUNNING)
    merged = Options(
        flags=before.flags | opts.flags,
        values={**before.values, **opts.values},
        operands=(),
    )
    scope = _scope(call, merged)
    words = opts.rest or opts.operands
    if verb == "ssh":
        service = scope.service_name
        return call.nested(words, [service], f"in the container of {service}")
    secrets = call.effect(_E.READ, [f"{scope.service_name}/variable/*"], "the service's variables")
    if not words:
        return None
    return [secrets, *call.nested(words, [], "here, with the service's variables")]
