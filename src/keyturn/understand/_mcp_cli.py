"""Built-in meanings of the servers whose tools are a command line: Google Cloud and Docker.

Each call is understood as the shell command it amounts to, through the shell understanding,
so that it is named and judged exactly as that command typed in a terminal would be (the
``gcp:``, ``gs://`` and ``docker:`` names of :mod:`keyturn.understand.shell.commands.cloud_cli`
and :mod:`keyturn.understand.shell.commands.containers`), the way the AWS family's ``call_aws``
is the ``aws`` command it carries.

- gcloud: ``googleapis/gcloud-mcp`` ``packages/gcloud-mcp/src/tools/run_gcloud_command.ts``
  (``run_gcloud_command``: ``args``, the words after ``gcloud``, run without a shell);
- Docker: ``ckreiling/mcp-server-docker`` ``src/mcp_server_docker/server.py`` and
  ``input_schemas.py`` (``container_id``, ``image``, ``name``, ``network``, ``volumes``,
  ``repository``/``tag``, ``network_id``, ``volume_name``, ``force``...). A tool's arguments
  become the ``docker`` line that does the same, the container's ``entrypoint`` and
  ``command`` included (the SDK splits a string as ``shlex`` does): what they do inside is
  judged as for that ``docker run`` line, through its mounts (``rm -rf /data`` with ``-v
  /srv/prod:/data`` deletes /srv/prod). An argument that would read as an option (``-…``) is
  not turned into a line: unknown.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    Handler,
    ServerFamily,
    missing_argument,
    own_effects,
    structured,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

R, C, U, D, X = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)

# -- gcloud ------------------------------------------------------------------------------------


def _run_gcloud(call: McpCall) -> BuiltinEffects:
    """``run_gcloud_command``: ``gcloud ARGS…``, each argument one word (no shell between)."""
    args = call.arg("args")
    if not isinstance(args, list) or not args or not all(isinstance(a, str) for a in args):
        return missing_argument(call, X, "args")
    return BuiltinEffects([], call.shell(shlex.join(["gcloud", *args])))


GCLOUD = ServerFamily(
    "gcloud",
    ("gcloud*", "*gcloud*"),
    {"run_gcloud_command": _run_gcloud},
)

# -- Docker ------------------------------------------------------------------------------------


class _NotALine(ValueError):
    """The arguments do not make a ``docker`` line that means the same (the reason)."""


def _word(call: McpCall, arg: str, default: str | None = None) -> str:
    value = call.arg(arg)
    value = default if value is None else value
    if not isinstance(value, str) or not value:
        raise _NotALine(f"argument {arg!r} missing or not text")
    if value.startswith("-"):
        raise _NotALine(f"argument {arg!r} ({value!r}) would read as an option")
    return value


def _volume_options(value: Any) -> list[str]:
    """``-v`` options for ``volumes``: ``{"/src": {"bind": "/dst", "mode": "ro"}}`` or
    ``["/src:/dst:ro"]``, as the Docker SDK takes them."""
    value = structured(value)
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        specs = list(value)
    elif isinstance(value, Mapping):
        specs = []
        for source, spec in value.items():
            bind = spec.get("bind") if isinstance(spec, Mapping) else None
            mode = spec.get("mode", "rw") if isinstance(spec, Mapping) else None
            if not isinstance(bind, str) or not isinstance(mode, str):
                raise _NotALine(f"volume {source!r}: no 'bind' path")
            specs.append(f"{source}:{bind}:{mode}")
    else:
        raise _NotALine("'volumes' is neither a mapping nor a list of strings")
    if any(s.startswith("-") for s in specs):
        raise _NotALine("a volume would read as an option")
    return [w for s in specs for w in ("-v", s)]


def _split(call: McpCall, arg: str) -> list[str]:
    """The words of ``entrypoint`` or ``command``: a string split as the Docker SDK splits it
    (``shlex.split``), a list of strings as it is."""
    value = call.arg(arg)
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    if not isinstance(value, str):
        raise _NotALine(f"argument {arg!r} is neither text nor a list of strings")
    try:
        return shlex.split(value)
    except ValueError as exc:
        raise _NotALine(f"argument {arg!r} does not split into words ({exc})") from None


def _run_words(call: McpCall, verb: str) -> list[str]:
    """``docker run``/``create`` with the container's options, then the image and what runs in
    it: the entrypoint's first word as ``--entrypoint``, its others and the command after the
    image (the process runs the entrypoint with the command as its arguments)."""
    words = [verb]
    if verb == "run" and call.arg("detach") is not False:
        words.append("-d")
    if call.arg("name") is not None:
        words += ["--name", _word(call, "name")]
    if call.arg("network") is not None:
        words += ["--network", _word(call, "network")]
    words += _volume_options(call.arg("volumes"))
    if call.arg("auto_remove") is True:
        words.append("--rm")
    entrypoint = _split(call, "entrypoint")
    if entrypoint:
        if entrypoint[0].startswith("-"):
            raise _NotALine(f"entrypoint {entrypoint[0]!r} would read as an option")
        words += ["--entrypoint", entrypoint[0]]
    return [*words, _word(call, "image"), *entrypoint[1:], *_split(call, "command")]


def _flag(call: McpCall, arg: str, flag: str) -> list[str]:
    return [flag] if call.arg(arg) is True else []


_Line = Callable[["McpCall"], list[str]]


def _docker(kind: EffectKind, *lines: _Line) -> Handler:
    """Each of ``lines`` (a function of the call giving the words after ``docker``) as the
    ``docker`` command it is; ``kind`` is the tool's nominal effect, for a probe without
    arguments."""

    def handle(call: McpCall) -> BuiltinEffects:
        if call.probe:
            return own_effects(call.effect(kind, service="docker", detail="any arguments"))
        try:
            texts = [shlex.join(["docker", *line(call)]) for line in lines]
        except _NotALine as exc:
            return own_effects(call.unknown(f"not a docker line: {exc}"))
        return own_effects(*(e for text in texts for e in call.shell(text)))

    return handle


def _image_ref(call: McpCall) -> str:
    repository, tag = _word(call, "repository"), call.arg("tag")
    return f"{repository}:{tag}" if isinstance(tag, str) and tag else repository


def _recreated(call: McpCall) -> list[str]:
    return ["rm", "-f", _word(call, "container_id", call.text_arg("name"))]


DOCKER = ServerFamily(
    "docker",
    ("docker*", "*docker*"),
    {
        "list_containers": _docker(R, lambda c: ["ps", *_flag(c, "all", "-a")]),
        "create_container": _docker(C, lambda c: _run_words(c, "create")),
        "run_container": _docker(C, lambda c: _run_words(c, "run")),
        "recreate_container": _docker(D, _recreated, lambda c: _run_words(c, "run")),
        "start_container": _docker(U, lambda c: ["start", _word(c, "container_id")]),
        "stop_container": _docker(U, lambda c: ["stop", _word(c, "container_id")]),
        "remove_container": _docker(
            D, lambda c: ["rm", *_flag(c, "force", "-f"), _word(c, "container_id")]
        ),
        "fetch_container_logs": _docker(R, lambda c: ["logs", _word(c, "container_id")]),
        "list_images": _docker(R, lambda c: ["images"]),
        "pull_image": _docker(C, lambda c: ["pull", _image_ref(c)]),
        "push_image": _docker(U, lambda c: ["push", _image_ref(c)]),
        "build_image": _docker(
            C,
            lambda c: [
                "build",
                "-t",
                _word(c, "tag"),
                *(["-f", _word(c, "dockerfile")] if c.arg("dockerfile") is not None else []),
                _word(c, "path"),
            ],
        ),
        "remove_image": _docker(D, lambda c: ["rmi", *_flag(c, "force", "-f"), _word(c, "image")]),
        "list_networks": _docker(R, lambda c: ["network", "ls"]),
        "create_network": _docker(
            C,
            lambda c: [
                "network",
                "create",
                *(["--driver", _word(c, "driver")] if c.arg("driver") is not None else []),
                *_flag(c, "internal", "--internal"),
                _word(c, "name"),
            ],
        ),
        "remove_network": _docker(D, lambda c: ["network", "rm", _word(c, "network_id")]),
        "list_volumes": _docker(R, lambda c: ["volume", "ls"]),
        "create_volume": _docker(
            C,
            lambda c: [
                "volume",
                "create",
                *(["--driver", _word(c, "driver")] if c.arg("driver") is not None else []),
                _word(c, "name"),
            ],
        ),
        "remove_volume": _docker(
            D, lambda c: ["volume", "rm", *_flag(c, "force", "-f"), _word(c, "volume_name")]
        ),
    },
)
