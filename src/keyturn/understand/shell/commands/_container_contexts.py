"""Docker contexts and podman connections: which daemon the CLI talks to when a line names none
(:mod:`.containers` holds the table of verbs).

``docker context use NAME`` writes ``currentContext`` in the CLI's ``config.json`` (``default``
removes the key; checked with docker 28): every later docker command that names no daemon talks
to NAME's, which is another machine unless its endpoint is a local socket. So the change is
named ``docker:context/current`` and on NAME's daemon (``docker:prod/context/current``), and
lands where that daemon is, as the commands it redirects would; the settings file is an update
of this host's (of docker's service: only ``currentContext`` changes, not the programs the file
names, :mod:`keyturn.understand.runs_later`), so the later commands on the line find the
current context not known (:func:`._container_call.daemon_of`). podman's ``system connection
default NAME`` and ``system connection add --default`` likewise: podman 4 writes
``active_service`` in the user's containers.conf (root's: ``/etc/containers/containers.conf``;
checked with podman 4.3.1), podman 5 ``podman-connections.json``; all of them are named.

A context created or updated is named ``docker:context/<name>`` on its endpoint (``--docker
host=…``; else ``--from`` another context's; a create with neither copies the current one's,
docker 28) and lands where that is: later commands reach that daemon by the context's name
(``--context``, or the current context when it is the one updated). Its ``meta.json`` in the
context store (a folder named by the SHA-256 of the name) is this host's file. An imported
context's endpoint is in the archive, not known here. Removing, renaming and exporting (to
FILE, else ``NAME.dockercontext``; ``-``: stdout) change only this host's settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._container_call import (
    CONTEXT_NOT_KNOWN,
    ContainerCall,
    all_known,
    docker_folder,
    mount_fields,
    option_spec,
    podman_connections_file,
    podman_user_conf,
)
from keyturn.understand.shell.effects import directory_tree, file_path, write_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options

_E = EffectKind
_NO_OPTIONS = OptionSpec()
# The system containers.conf rootful podman 4 writes its connections to.
_ROOT_CONF = "/etc/containers/containers.conf"


def _here(call: ContainerCall) -> ContainerCall:
    """The call as this machine's: a setting of the CLI, whatever daemon the line names."""
    return ContainerCall(call.cmd, call.ctx, None, call.operation)


def _on(call: ContainerCall, daemon: str | None) -> ContainerCall:
    """The call as the daemon ``daemon``'s (``None``, ``default``: this machine's)."""
    return ContainerCall(
        call.cmd, call.ctx, None if daemon == "default" else daemon, call.operation
    )


def _made_current(call: ContainerCall, name: str, daemon: str | None) -> Effect:
    said = (
        f"makes {name} the current one: every later {call.cmd.name} command that names no "
        "daemon talks to its daemon"
    )
    return _on(call, daemon).effect(_E.UPDATE, "context/current", said)


# -- docker context ------------------------------------------------------------------------


def _docker_settings(call: ContainerCall) -> str:
    return f"{docker_folder(call.cmd, call.ctx)}/config.json"


def _docker_meta(call: ContainerCall, name: str) -> str:
    """The context's folder in the store: ``contexts/meta/<sha256(name)>``."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    return f"{docker_folder(call.cmd, call.ctx)}/contexts/meta/{digest}"


def context_use(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``context use NAME``: NAME becomes the current context (the module's docstring)."""
    opts = parse_options(args, _NO_OPTIONS)
    if opts.flags or opts.values or len(opts.operands) != 1:
        return None
    name = opts.operands[0]
    written = "currentContext: the context every later docker command talks to"
    return [
        _made_current(call, name, name),
        _here(call).file(_E.UPDATE, [_docker_settings(call)], written, service="docker"),
    ]


_CONTEXT_SET = option_spec("", {}, "description", "docker", "from")


def context_set(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``context create|update NAME [--docker host=…] [--from OTHER]``: the context, on the
    endpoint it is given (the module's docstring)."""
    opts = parse_options(args, _CONTEXT_SET)
    if not all_known(opts, _CONTEXT_SET, frozenset()) or len(opts.operands) != 1:
        return None
    creates = call.operation.endswith("create")
    name, kind = opts.operands[0], _E.CREATE if creates else _E.UPDATE
    fields: dict[str, str] = {}
    for spec in opts.values.get("docker", ()):
        fields.update(mount_fields(spec))
    endpoint = fields.get("host") or fields.get("from") or opts.value("from")
    if endpoint is None and creates:
        endpoint = call.daemon  # a copy of the current context
    at = _on(call, endpoint) if endpoint else _here(call)
    said = f"its endpoint: {endpoint}" if endpoint else "its description"
    meta = f"{_docker_meta(call, name)}/meta.json"
    return [
        at.effect(kind, f"context/{name}", said),
        _here(call).file(kind, [meta], f"context {name}'s endpoint"),
    ]


_CONTEXT_RM = option_spec("", {"force": "f"})


def context_rm(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``context rm NAME...``: each removed from the store; ``-f`` removes the current one
    too, and makes ``default`` current."""
    opts = parse_options(args, _CONTEXT_RM)
    if not all_known(opts, _CONTEXT_RM, frozenset({"f"})) or not opts.operands:
        return None
    here = _here(call)
    out = here.each(_E.DELETE, "context", opts.operands, "removes the context")
    folders = [p for name in opts.operands for p in directory_tree(_docker_meta(call, name))]
    out.append(here.file(_E.DELETE, folders, "the contexts' settings"))
    if opts.on("f"):
        reset = "currentContext, when a context removed was the current one"
        out.append(here.file(_E.UPDATE, [_docker_settings(call)], reset, service="docker"))
    return out


def context_import(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``context import NAME FILE|-``: a context whose endpoint is in the archive."""
    opts = parse_options(args, _NO_OPTIONS)
    if opts.flags or opts.values or len(opts.operands) != 2:
        return None
    name, source = opts.operands
    said = f"its endpoint is in {source}, not known here"
    out = [_on(call, CONTEXT_NOT_KNOWN).effect(_E.CREATE, f"context/{name}", said)]
    here = _here(call)
    meta = f"{_docker_meta(call, name)}/meta.json"
    out.append(here.file(_E.CREATE, [meta], f"context {name}'s endpoint"))
    if source != "-":
        out.append(here.file(_E.READ, [file_path(source, call.ctx)], "a context's archive"))
    return out


def context_export(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``context export NAME [FILE|-]``: read; written to FILE, else ``NAME.dockercontext``."""
    opts = parse_options(args, _NO_OPTIONS)
    if opts.flags or opts.values or not 1 <= len(opts.operands) <= 2:
        return None
    name = opts.operands[0]
    out = [_here(call).effect(_E.READ, f"context/{name}")]
    dest = opts.operands[1] if len(opts.operands) == 2 else f"{name}.dockercontext"
    if dest != "-":
        path = file_path(dest, call.ctx)
        out.append(write_effect(path, call.cmd, call.ctx, detail=f"context {name}'s archive"))
    return out


# -- podman system connection --------------------------------------------------------------


def _podman_settings(call: ContainerCall) -> list[str]:
    """The files podman keeps its connections in (the module's docstring)."""
    cmd, ctx = call.cmd, call.ctx
    files = [podman_user_conf(cmd, ctx), podman_connections_file(cmd, ctx)]
    return files + ([_ROOT_CONF] if ctx.home.rstrip("/") == "/root" else [])


def _podman_files(call: ContainerCall, said: str) -> Effect:
    # podman's own change of its connections (judged by the connection's effect), not a raw
    # write of its settings, which may name programs it runs (:mod:`keyturn.understand.runs_later`).
    return _here(call).file(_E.UPDATE, _podman_settings(call), said, service="docker")


def connection_default(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``system connection default NAME``: NAME becomes the default connection."""
    opts = parse_options(args, _NO_OPTIONS)
    if opts.flags or opts.values or len(opts.operands) != 1:
        return None
    name = opts.operands[0]
    return [_made_current(call, name, name), _podman_files(call, "the default connection")]


_CONNECTION_ADD = option_spec("p", {"default": "d", "port": "p"}, "identity", "socket-path")


def connection_add(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``system connection add [-d] NAME DESTINATION``: a connection to DESTINATION; ``-d``
    makes it the default."""
    opts = parse_options(args, _CONNECTION_ADD)
    if not all_known(opts, _CONNECTION_ADD, frozenset({"d"})) or len(opts.operands) != 2:
        return None
    name, destination = opts.operands
    out = [_on(call, destination).effect(_E.CREATE, f"context/{name}", f"to {destination}")]
    if opts.on("d"):
        out.append(_made_current(call, name, destination))
    return [*out, _podman_files(call, f"connection {name}")]


_CONNECTION_RM = option_spec("", {"all": "a"})


def connection_rm(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``system connection remove NAME`` (``--all``: every one)."""
    opts = parse_options(args, _CONNECTION_RM)
    if not all_known(opts, _CONNECTION_RM, frozenset({"a"})):
        return None
    names = [*opts.operands, *(["*"] if opts.on("a") else [])]
    if not names:
        return None
    out = _here(call).each(_E.DELETE, "context", names, "removes the connection")
    return [*out, _podman_files(call, "the connections removed")]


def connection_rename(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``system connection rename OLD NEW``: both names change meaning."""
    opts = parse_options(args, _NO_OPTIONS)
    if opts.flags or opts.values or len(opts.operands) != 2:
        return None
    old, new = opts.operands
    out = _here(call).each(_E.UPDATE, "context", [old, new], f"renames {old} to {new}")
    return [*out, _podman_files(call, f"connection {old} renamed")]
