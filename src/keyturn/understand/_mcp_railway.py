"""Built-in meanings of Railway's MCP servers' tools, named as the shell's ``railway`` names them.

Two servers answer to the name, and both are understood (their tool names do not overlap but
for ``deploy``, told apart by its arguments):

- ``railwayapp/railway-mcp-server`` (npm ``@railway/mcp-server``), ``src/tools/*.ts`` and
  ``src/cli/*.ts``: kebab-case tools (``deploy``, ``create-environment``, ``link-environment``,
  ``link-service``, ``list-services``, ``list-variables``, ``set-variables``,
  ``generate-domain``, ``get-logs``, ``list-deployments``, ``list-projects``,
  ``create-project-and-link``, ``deploy-template``, ``check-railway-status``), each taking
  ``workspacePath``. Each runs a ``railway`` command line in ``workspacePath``
  (``src/cli/core.ts``: the line is split on single spaces and run without a shell; earlier
  releases ran it with ``exec``, through a shell, so an argument holding shell syntax (``;``,
  ``|``, ``&``, quotes, ``$(``, redirections, a line break, a ``#`` word) is unknown), so each
  is understood as that line through the shell understanding
  (:mod:`keyturn.understand.shell.commands._paas_railway`), in that directory: the project and
  environment it is linked to (``~/.railway/config.json``) name the resources exactly as
  ``railway`` typed there would. ``list-deployments`` runs ``railway deployment list``, which the
  shell does not know: it is named here, a read of the service.
- the server bundled in the Railway CLI (``railway mcp``; the npm package's last release only
  starts it): snake_case tools on Railway's API, named in the same form
  (:mod:`._mcp_railway_api`).

Names: ``railway:<project>/<environment>/service/<service>`` (``/variable/<KEY>``,
``/domain/<domain>``, ``/deployment/*``), ``railway:<project>/<environment>``,
``railway:<project>``; a part not told is ``*``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
    own_effects,
)
from keyturn.understand._mcp_railway_api import API_TOOLS
from keyturn.understand._mcp_railway_api import deploy as api_deploy

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_SERVICE = "railway"
_CONFIG = "~/.railway/config.json"
_Line = Callable[["McpCall"], list[str]]

# -- @railway/mcp-server: the railway line each tool runs -------------------------------------


class _Missing(ValueError):
    """The line needs an argument the call does not give (its name)."""


def _words(command: str) -> list[str]:
    """The argv ``runRailwayCommand`` runs: the line split on single spaces, no shell."""
    return command.split(" ")


def _need(call: McpCall, arg: str) -> str:
    value = call.text_arg(arg)
    if value is None:
        raise _Missing(arg)
    return value


def _opt(call: McpCall, arg: str, flag: str) -> str:
    """`` --flag value`` when the (truthy) argument is given, as the server appends it."""
    value = call.text_arg(arg)
    return f" {flag} {value}" if value else ""


def _switch(call: McpCall, arg: str, flag: str) -> str:
    return f" {flag}" if call.arg(arg) is True else ""


def _scoped(call: McpCall) -> str:
    return _opt(call, "service", "--service") + _opt(call, "environment", "--environment")


def _deploy_line(call: McpCall) -> list[str]:
    command = "railway up" + _switch(call, "ci", "--ci")
    command += _opt(call, "environment", "--environment") + _opt(call, "service", "--service")
    return _words(command)


def _create_environment_line(call: McpCall) -> list[str]:
    command = f"railway environment new {_need(call, 'environmentName')}"
    command += _opt(call, "duplicateEnvironment", "--duplicate")
    pairs = call.arg("serviceVariables")
    for pair in pairs if isinstance(pairs, list) else []:
        service = pair.get("service") if isinstance(pair, Mapping) else None
        variable = pair.get("variable") if isinstance(pair, Mapping) else None
        if isinstance(service, str) and isinstance(variable, str):
            command += f" --service-variable {service} {variable}"
    return _words(command)


def _link_environment_line(call: McpCall) -> list[str]:
    name = call.text_arg("environmentName")
    return _words(f"railway environment {name}" if name else "railway environment")


def _link_service_line(call: McpCall) -> list[str]:
    name = call.text_arg("serviceName")
    # Without a name it only lists the services (``railway status --json``).
    return _words(f"railway service {name}" if name else "railway status --json")


def _list_variables_line(call: McpCall) -> list[str]:
    command = "railway variables" + _scoped(call)
    return _words(command + _switch(call, "kv", "--kv") + _switch(call, "json", "--json"))


def _set_variables_line(call: McpCall) -> list[str]:
    variables = call.arg("variables")
    if not isinstance(variables, list) or not variables:
        raise _Missing("variables")
    command = "railway variables" + _scoped(call) + _switch(call, "skipDeploys", "--skip-deploys")
    return _words(command + "".join(f" --set {v}" for v in variables if isinstance(v, str)))


def _domain_line(call: McpCall) -> list[str]:
    return _words("railway domain --json" + _opt(call, "service", "--service"))


def _logs_line(call: McpCall) -> list[str]:
    kind = "--build" if call.text_arg("logType") == "build" else "--deployment"
    lines = call.arg("lines")
    count = lines if isinstance(lines, int) and not isinstance(lines, bool) and lines else 100
    command = f"railway logs {kind} --json --lines {count}"
    text = call.text_arg("filter")
    command += f' --filter "{text}"' if text else ""
    deployment = call.text_arg("deploymentId")
    command += f" {deployment}" if deployment else ""
    return _words(command + _scoped(call))


# Characters that change what a line run through ``sh -c`` does: separators, pipes,
# substitutions, redirections, quoting, line breaks.
_SHELL_CHARS = frozenset(";&|`<>'\"\\\n\r")
_SHELL_RELEASES = "releases before argv arrays ran the line through a shell, where it means more"


def _shell_syntax(value: object, depth: int = 0) -> str | None:
    """The first text argument (``workspacePath`` aside) that a shell would not take as plain
    words, if any: the package's earlier releases spliced arguments into a line run by
    ``exec`` (a shell), so ``service: "web; railway down -y"`` ran a second command there."""
    if isinstance(value, str):
        words = value.split()
        if _SHELL_CHARS & set(value) or "$(" in value or any(w.startswith("#") for w in words):
            return value
        return None
    if depth > 3:
        return None
    items = (
        [v for k, v in value.items() if k != "workspacePath"]
        if isinstance(value, Mapping)
        else value
        if isinstance(value, list)
        else []
    )
    for item in items:
        found = _shell_syntax(item, depth + 1)
        if found is not None:
            return found
    return None


def _cli(kind: EffectKind, *lines: _Line, then_link: str = "") -> Handler:
    """A tool that runs the ``railway`` lines ``lines`` give, in ``workspacePath``; ``kind`` is
    its nominal effect (a probe without arguments). ``then_link``: it then links this directory
    to a service (``~/.railway/config.json``), the detail says which."""

    def handle(call: McpCall) -> BuiltinEffects:
        if call.probe:
            return own_effects(call.effect(kind, service=_SERVICE, detail="any arguments"))
        workspace = call.text_arg("workspacePath")
        if workspace is None:
            return missing_argument(call, kind, "workspacePath")
        here = replace(call, cwd=call.file(workspace).removeprefix("file:"))
        spliced = _shell_syntax(call.arguments)
        if spliced is not None:
            return own_effects(call.unknown(f"{spliced!r}: {_SHELL_RELEASES}"))
        try:
            texts = [shlex.join(line(here)) for line in lines]
        except _Missing as exc:
            return missing_argument(call, kind, str(exc))
        effects = [e for text in texts for e in here.shell(text)]
        if then_link:
            effects.append(here.effect(U, [here.file(_CONFIG)], service="file", detail=then_link))
        return own_effects(*effects)

    return handle


def _constant(command: str) -> _Line:
    return lambda call: _words(command)


def _init_line(call: McpCall) -> list[str]:
    return _words(f"railway init --name {_need(call, 'projectName')}")


def _link_project_line(call: McpCall) -> list[str]:
    return _words(f"railway link -p {_need(call, 'projectName')}")


def _list_deployments(call: McpCall) -> BuiltinEffects:
    """``railway deployment list``: reads the service's deployments (named here)."""
    env, svc = call.text_arg("environment") or "*", call.text_arg("service") or "*"
    names = [f"railway:*/{env}/service/{svc}/deployment/*"]
    return own_effects(call.effect(R, names, service=_SERVICE, detail="lists deployments"))


def _deploy(call: McpCall) -> BuiltinEffects:
    """``deploy`` of either server: the npm one takes ``workspacePath``."""
    if "workspacePath" in call.arguments:
        link = "then links this directory to the project's first service"
        return _cli(U, _deploy_line, then_link=link)(call)
    return api_deploy(call)


RAILWAY = ServerFamily(
    "railway",
    ("railway*", "*railway*"),
    {
        # both servers
        "deploy": _deploy,
        # @railway/mcp-server (kebab-case): the railway line each runs
        "check-railway-status": on_tool(R, _SERVICE),
        "list-projects": _cli(R, _constant("railway list --json")),
        "create-project-and-link": _cli(C, _init_line, _link_project_line),
        "list-services": _cli(R, _constant("railway status --json")),
        "link-service": _cli(U, _link_service_line),
        "create-environment": _cli(C, _create_environment_line),
        "link-environment": _cli(U, _link_environment_line),
        "list-variables": _cli(R, _list_variables_line),
        "set-variables": _cli(U, _set_variables_line),
        "generate-domain": _cli(C, _domain_line),
        "get-logs": _cli(R, _logs_line),
        "list-deployments": _list_deployments,
        "deploy-template": _cli(C, _constant("railway deploy")),
        # railway mcp (snake_case): Railway's API, named in _mcp_railway_api
        **API_TOOLS,
    },
)
