"""``docker compose``, ``docker-compose`` and ``podman-compose`` (see :mod:`.containers`).

The verbs that create or start containers (``up``, ``create``, ``start``, ``restart``,
``run``) run the services as their compose file says (:mod:`._compose_file`,
:mod:`._compose_services`): each service's mounts, devices and commands are judged as the
``docker run`` they are. Without a compose file compose refuses to run, and only the project
is named (``run``'s command is judged with the service's mounts not told, as before); a file
not understood adds an unknown effect. A ``name:`` in the file names the project when neither
``-p`` nor ``COMPOSE_PROJECT_NAME`` does."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._compose_file import (
    ComposeModel,
    compose_model,
    compose_settings,
    working_directory,
)
from keyturn.understand.shell.commands._compose_services import (
    depends_on,
    run_service,
    selected,
    started,
)
from keyturn.understand.shell.commands._container_builds import compose_build_reach
from keyturn.understand.shell.commands._container_call import (
    ContainerCall,
    all_known,
    daemon_of,
    exec_target,
    option_spec,
)
from keyturn.understand.shell.commands._container_command import command_effects
from keyturn.understand.shell.commands._container_mounts import host_access, mounts_of
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind


# -- compose -------------------------------------------------------------------------------

# Options before the verb, of compose (and docker-compose 1's, podman-compose's): any other
# one makes the line not understood, as for docker's.
_COMPOSE = option_spec(
    "fpcH",
    {"file": "f", "project-name": "p", "context": "c", "host": "H"}
    | {"workdir": "project-directory", "version": "v"},
    *("project-directory", "env-file", "profile", "ansi", "parallel", "progress", "log-level"),
    *("tlscacert", "tlscert", "tlskey", "podman-path", "podman-args", "in-pod", "pod-args"),
    *(f"podman-{verb}-args" for verb in ("pull", "push", "build", "inspect", "run", "start")),
    *(f"podman-{verb}-args" for verb in ("stop", "rm", "volume")),
    stop=True,
)
_COMPOSE_FLAGS = frozenset(
    {"v", "all-resources", "compatibility", "dry-run", "verbose", "no-ansi", "tls"}
    | {"tlsverify", "skip-hostname-check", "no-cleanup", "no-pod"}
)
_COMPOSE_VERB = option_spec(
    "t",
    {"volumes": "v", "timeout": "t", "renew-anon-volumes": "V", "stop": "s", "force": "f"},
    *("rmi", "scale", "pull", "wait-timeout", "index", "exit-code-from", "attach", "no-attach"),
)
_COMPOSE_READS = frozenset(
    {"ps", "logs", "config", "ls", "images", "top", "version", "port", "events"}
)
# The verbs that create or start the services' containers: their compose file is read.
_RUNS_SERVICES = frozenset({"up", "create", "start", "restart", "run"})
_COMPOSE_SAID = {
    "up": (_E.UPDATE, "creates or updates its services and starts them"),
    "create": (_E.CREATE, "creates its services' containers"),
    "start": (_E.UPDATE, "starts its services"),
    "restart": (_E.UPDATE, "restarts its services"),
    "pull": (_E.UPDATE, "pulls its services' images"),
    "build": (_E.UPDATE, "builds its services' images"),
    "unpause": (_E.UPDATE, "resumes its services"),
    "stop": (_E.UPDATE, "its services stop"),
    "kill": (_E.UPDATE, "its services are killed: they stop"),
    "pause": (_E.UPDATE, "its services are paused: they stop"),
}


def compose(
    cmd: SimpleCommand, ctx: ShellContext, args: Sequence[str], daemon: str | None, program: str
) -> list[Effect] | None:
    """``[docker] compose [OPTIONS] VERB ARGS`` on the project (``daemon``: docker's)."""
    opts = parse_options(args, _COMPOSE)
    if not opts.rest or not all_known(opts, _COMPOSE, _COMPOSE_FLAGS):
        return None
    verb, rest = opts.rest[0], opts.rest[1:]
    call = ContainerCall(cmd, ctx, daemon or daemon_of(opts, cmd, ctx), f"{program} {verb}")
    settings = compose_settings(opts, cmd, ctx)
    if isinstance(settings, str) and verb not in _COMPOSE_READS:
        # Which files and which project are not told: nothing it does can be named.
        return [call.unknown(f"compose's own settings are not told: {settings}")]
    settings = settings if isinstance(settings, dict) else {}
    model = None if verb in _COMPOSE_READS else compose_model(opts, cmd, ctx, settings)
    name = _project(opts, cmd, ctx, model, settings)
    project = f"compose/{name}"
    if verb in _COMPOSE_READS:
        read = call.effect(_E.READ, "compose/*" if verb == "ls" else project)
        return [read, *_config_output(rest, call, ctx)] if verb == "config" else [read]
    if verb == "run":
        return _compose_run(project, rest, call, model, name)
    if verb == "exec":
        service = exec_target(rest)
        return [call.unknown(f"runs a command in service {service} of project {name}")]
    opts = parse_options(rest, _COMPOSE_VERB)
    if verb == "down":
        return _compose_down(project, opts, call)
    if verb == "rm":
        said = (
            "stops and removes its containers" if opts.on("s") else "removes its stopped containers"
        )
        out = [call.effect(_E.DELETE, project, said)]
        return out + _compose_volumes(project, opts.on("v"), "anonymous volumes", call)
    if verb not in _COMPOSE_SAID:
        return None
    kind, said = _COMPOSE_SAID[verb]
    renewed = verb == "up" and opts.on("V")
    recreated = _compose_volumes(project, renewed, "anonymous volumes are recreated", call)
    out = [call.effect(kind, project, said), *recreated, *_builds(verb, rest, opts, model, call)]
    if verb not in _RUNS_SERVICES:
        return out
    if isinstance(model, str):
        out.append(call.unknown(f"runs the services of a compose file not understood: {model}"))
    elif model is not None:
        out += started(call, model, name, opts.operands, deps=not opts.on("no-deps"))
    return out


def _builds(
    verb: str,
    words: Sequence[str],
    opts: Options,
    model: ComposeModel | str | None,
    call: ContainerCall,
) -> list[Effect]:
    """What a build gives the Dockerfiles' RUN steps of this host (:mod:`._container_builds`):
    ``build`` and ``up --build`` build the services' images, ``up``/``create`` a missing one
    (the project's update names the images built)."""
    if verb not in ("build", "up", "create") or not isinstance(model, ComposeModel):
        return []
    ssh = (
        [v for i, w in enumerate(words) for v in _ssh_value(words, i, w)] if verb == "build" else []
    )
    deps = opts.on("with-dependencies") if verb == "build" else not opts.on("no-deps")
    return compose_build_reach(call, model, selected(model, opts.operands, deps=deps), ssh=ssh)


def _ssh_value(words: Sequence[str], at: int, word: str) -> list[str]:
    """``build --ssh VALUE`` / ``--ssh=VALUE``."""
    if word.startswith("--ssh="):
        return [word[6:]]
    if word == "--ssh":
        return [words[at + 1] if at + 1 < len(words) else ""]
    return []


# ``config``'s options taking a value: ``-o``/``--output`` writes the rendered model to a file.
_CONFIG = option_spec("o", {"output": "o"}, "format", "hash")


def _config_output(args: Sequence[str], call: ContainerCall, ctx: ShellContext) -> list[Effect]:
    """``config -o FILE``: the file is overwritten with the compose model (docker compose
    config: "-o, --output  Save to file"). pflag reads ``-o=FILE`` as FILE, so a value
    starting with ``=`` names both."""
    given = [v for v in parse_options(args, _CONFIG).values.get("o", ()) if v]
    words = [w for v in given for w in ((v, v[1:]) if v.startswith("=") and v[1:] else (v,))]
    if not words:
        return []
    paths = [file_path(w, ctx) for w in words]
    return [call.file(_E.UPDATE, paths, "config -o: overwritten with the rendered compose model")]


def _compose_down(project: str, opts: Options, call: ContainerCall) -> list[Effect]:
    """``down``: the project's containers and networks; ``-v`` its volumes, ``--rmi`` its
    images."""
    out = [call.effect(_E.DELETE, project, "removes the project's containers and networks")]
    out += _compose_volumes(project, opts.on("v"), "the project's data volumes", call)
    images = opts.value("rmi")
    if images in ("all", "local"):
        out.append(call.effect(_E.DELETE, f"{project}/image/*", f"--rmi {images}: its images"))
    return out


def _compose_volumes(project: str, lost: bool, which: str, call: ContainerCall) -> list[Effect]:
    if not lost:
        return []
    return [call.effect(_E.DELETE, f"{project}/volume/*", f"{which}: their data is lost")]


_COMPOSE_RUN = option_spec(
    "evlpuw",
    {"env": "e", "volume": "v", "label": "l", "publish": "p", "user": "u", "workdir": "w"}
    | {"detach": "d", "interactive": "i", "tty": "t", "no-TTY": "T"},
    *("name", "entrypoint", "cap-add", "cap-drop", "env-from-file", "pull"),
    stop=True,
)
_COMPOSE_RUN_FLAGS = frozenset(
    {"d", "i", "t", "T", "rm", "no-deps", "service-ports", "use-aliases", "build"}
    | {"quiet-pull", "remove-orphans", "quiet", "quiet-build"}
)


def _compose_run(
    project: str,
    args: Sequence[str],
    call: ContainerCall,
    model: ComposeModel | str | None,
    name: str,
) -> list[Effect] | None:
    """``run [OPTIONS] SERVICE [COMMAND]``: a one-off container of the service, with its own
    mounts and command (the compose file's) and what the line adds, and the services it
    depends on started (not with ``--no-deps``). Without the service in a compose file read
    here, the line's command is understood with the service's own mounts not known."""
    opts = parse_options(args, _COMPOSE_RUN)
    if not opts.rest or not all_known(opts, _COMPOSE_RUN, _COMPOSE_RUN_FLAGS):
        return None
    service = opts.rest[0]
    said = f"runs a one-off container of service {service}"
    out = [call.effect(_E.UPDATE, project, said)]
    if isinstance(model, ComposeModel) and service in model.services:
        out += run_service(call, model, name, service, line=opts, words=opts.rest[1:])
        needed = depends_on(model.services[service])
        if needed and not opts.on("no-deps"):
            out += [e for e in started(call, model, name, needed, deps=True) if e not in out]
        return out
    if isinstance(model, str):
        out.append(call.unknown(f"runs a service of a compose file not understood: {model}"))
    unseen = [f"service {service}'s volumes in the compose file"]
    mounts, unread = mounts_of(opts, call)
    ran = command_effects(call, opts, service, opts.rest[1:], mounts, unseen=unseen)
    access = host_access(opts, call, mounts, unread)
    return [*out, *access, *ran]


def _project(
    opts: Options,
    cmd: SimpleCommand,
    ctx: ShellContext,
    model: ComposeModel | str | None,
    settings: Mapping[str, str],
) -> str:
    """The compose project's name (see the module's docstring)."""
    named = opts.value("p") or settings.get("COMPOSE_PROJECT_NAME")
    if not named and isinstance(model, ComposeModel) and model.name:
        named = model.name
    if named:
        return named.lower()
    folder = working_directory(opts, cmd, ctx, settings)
    valid = re.sub(r"[^a-z0-9_-]", "", posixpath.basename(folder).lower()).lstrip("_-")
    return valid or "*"
