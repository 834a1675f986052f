"""Data sources that act when they are read.

A data source is read during plan when its configuration is known then (and is not in
``resource_changes``), otherwise during apply: a ``read`` in the plan. Reading most of them
reads; reading these does what their provider makes of it:

- ``external`` (hashicorp/external) and ``local_command`` (hashicorp/local) run a program on
  the applying machine, ``shell_script`` (scottwinkler/shell) its ``read`` command;
- ``aws_lambda_invocation`` invokes a Lambda function (``RequestResponse``);
  ``aws_ecs_task_execution`` runs an ECS task (``RunTask``);
- ``azapi_resource_action`` (Azure/azapi) calls an action of an Azure resource (``POST``
  unless its ``method`` is ``GET``);
- ``helm_template`` (hashicorp/helm) with a ``postrender`` block runs that binary;
- ``http`` (hashicorp/http) sends its request: a method other than ``GET``, ``HEAD`` or
  ``OPTIONS`` changes what the URL names.

A read of one is ``unknown`` (what the program, function or task does is not in the plan),
named also by what it acts on where the plan tells. An ``http`` request whose method, URL,
headers and body the plan knows is judged as the same request sent by ``curl`` is (a
Kubernetes or AWS API call understood as such); a method known only on apply counts as one that
changes. The data sources read during plan have acted already: the plan step is judged for
that (``keyturn exec -- terraform plan``), not the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws_names import resource_names

if TYPE_CHECKING:  # the shell's HTTP reading is imported only when a request is judged
    from keyturn.understand.shell.commands._http_request import Request

__all__ = ["ACTING_DATA_TYPES", "read_effects"]

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LATER = "(known only on apply)"


def read_effects(
    resource_type: str, values: Any, unknown: Any, *, names: tuple[str, ...], target: Target,
    service: str, operation: str, detail: Callable[[str], str],
) -> list[Effect] | None:  # fmt: skip
    """The effects of reading the data source ``resource_type`` (named ``names``) configured
    with ``values`` (``unknown``: the plan's ``after_unknown``), or None when reading it only
    reads. ``detail`` makes an effect's detail from what the read does."""
    values = values if isinstance(values, dict) else {}
    unknown = unknown if isinstance(unknown, dict) else {}
    if resource_type == "http":
        request = _request(values, unknown)
        if request is False:
            return None
        if request is not None:
            return _sent(request, names, target, service, operation, detail)
    acts = _ACTS.get(resource_type)
    if acts is None:
        return None
    found = acts(values, unknown)
    if found is None:
        return None
    what, acted = found
    resource = Resource(tuple(dict.fromkeys((*names, *acted))), resource_type)
    return [Effect(EffectKind.UNKNOWN, resource, target, service, operation=operation,
                   detail=detail(what))]  # fmt: skip


Acts = tuple[str, tuple[str, ...]]


def _program(values: dict[str, Any], unknown: dict[str, Any]) -> Acts:
    program = values.get("program")
    shown = " ".join(map(str, program)) if isinstance(program, list) and program else _LATER
    return f"runs a program on apply: {shown}", ()


def _command(values: dict[str, Any], unknown: dict[str, Any]) -> Acts:
    command, arguments = values.get("command"), values.get("arguments")
    words = [command if isinstance(command, str) and command else _LATER]
    if isinstance(arguments, list):
        words += [str(a) for a in arguments if a is not None]
    elif "arguments" in unknown:
        words.append(_LATER)
    return "runs a program on apply: " + " ".join(words), ()


def _shell_script(values: dict[str, Any], unknown: dict[str, Any]) -> Acts:
    commands = values.get("lifecycle_commands")
    block = commands[0] if isinstance(commands, list) and commands else commands
    read = block.get("read") if isinstance(block, dict) else None
    return f"runs a shell script on apply: {read if isinstance(read, str) and read else _LATER}", ()


def _lambda(values: dict[str, Any], unknown: dict[str, Any]) -> Acts:
    function = values.get("function_name")
    if not isinstance(function, str) or not function:
        return f"invokes a Lambda function {_LATER} on apply", ()
    return f"invokes Lambda function {function} on apply", resource_names(
        "lambda:function", function
    )


def _ecs_task(values: dict[str, Any], unknown: dict[str, Any]) -> Acts:
    cluster, task = values.get("cluster"), values.get("task_definition")
    task = task if isinstance(task, str) and task else _LATER
    if not isinstance(cluster, str) or not cluster:
        return f"runs ECS task {task} in a cluster {_LATER} on apply", ()
    cluster_names = resource_names("ecs:cluster", cluster)
    return f"runs ECS task {task} in cluster {cluster} on apply", cluster_names


def _azure_action(values: dict[str, Any], unknown: dict[str, Any]) -> Acts | None:
    method = values.get("method")
    if isinstance(method, str) and method.upper() == "GET":
        return None
    if method is None and "method" not in unknown:
        method = "POST"  # the data source's default
    action, where = values.get("action"), values.get("resource_id")
    where = where if isinstance(where, str) and where else _LATER
    shown = f"{method if isinstance(method, str) else _LATER} {action or ''}".rstrip()
    return f"calls Azure action {shown} on {where} on apply", (where,) if where != _LATER else ()


def _post_renderer(values: dict[str, Any], unknown: dict[str, Any]) -> Acts | None:
    """``helm_template`` renders a chart (a read) and pipes it through its ``postrender``
    binary, which runs on this machine."""
    blocks = values.get("postrender")
    block = blocks[0] if isinstance(blocks, list) and blocks else blocks
    if not block and not unknown.get("postrender"):
        return None
    binary = block.get("binary_path") if isinstance(block, dict) else None
    return f"runs the post-renderer {binary or _LATER} on apply", ()


def _http(values: dict[str, Any], unknown: dict[str, Any]) -> Acts:
    """An ``http`` request some part of which is known only on apply."""
    from keyturn.understand.shell.commands._http_request import url_name

    method, url = values.get("method"), values.get("url")
    name = url_name(url) if isinstance(url, str) and url else None
    shown = f"{method if isinstance(method, str) else _LATER} {name or _LATER}"
    return f"sends an HTTP request {shown} on apply", (name,) if name else ()


_ACTS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Acts | None]] = {
    "external": _program,
    "http": _http,
    "local_command": _command,
    "shell_script": _shell_script,
    "aws_lambda_invocation": _lambda,
    "aws_ecs_task_execution": _ecs_task,
    "azapi_resource_action": _azure_action,
    "helm_template": _post_renderer,
}
ACTING_DATA_TYPES = frozenset(_ACTS)


def _request(values: dict[str, Any], unknown: dict[str, Any]) -> Request | Literal[False] | None:
    """The request an ``http`` data source sends: False when it only reads (its method, given or
    the default ``GET``, is a read), None when a part of it is known only on apply."""
    method = values.get("method")
    if method is None and "method" not in unknown:
        method = "GET"
    if isinstance(method, str) and method.upper() in _READ_METHODS:
        return False
    from keyturn.understand.shell.commands._http_request import Request

    url, body = values.get("url"), values.get("request_body")
    headers = values.get("request_headers") or {}
    parts = ("method", "url", "request_body", "request_headers")
    if any(unknown.get(p) for p in parts) or not isinstance(method, str):
        return None
    if not isinstance(url, str) or not isinstance(headers, dict):
        return None
    if body is not None and not isinstance(body, str):
        return None
    pairs = tuple((str(k), str(v)) for k, v in headers.items())
    return Request(method=method.upper(), url=url, body=body, headers=pairs)


def _sent(
    request: Request, names: tuple[str, ...], target: Target, service: str, operation: str,
    detail: Callable[[str], str],
) -> list[Effect]:  # fmt: skip
    """The data source's read and the request it sends, as ``curl`` sending it is judged."""
    from keyturn.understand.shell.commands._http_meaning import request_effects, url_name

    sends = f"sends HTTP {request.method} {url_name(request.url)} on apply"
    read = Effect(EffectKind.READ, Resource(names, "http"), target, service, operation=operation,
                  detail=detail(sends))  # fmt: skip
    return [read, *request_effects(request, target=target)]
