"""What container commands earlier on the line made that later ones reach: volumes bound to a
host path, and the bind mounts of the containers they created.

1. The local volume driver mounts its ``device`` option: with ``o=bind`` a host folder, so
   ``docker volume create -o type=none -o o=bind -o device=/srv/data v && docker run -v v:/d
   alpine rm -rf /d/x`` deletes this host's ``/srv/data/x`` (podman 4.3.1 run: the file went).
   The same options given inline (``--mount type=volume,src=v,…,volume-opt=device=/srv,
   volume-opt=o=bind``) create the volume so when it is not there yet -- when it is, its own
   options hold (the same podman run: a second ``--mount`` naming another device wrote to the
   first one) -- and so does a compose volume's ``driver_opts``. A ``device`` that is a path
   but not bound is a disk or a file system mounted: named, not followed.
2. A container created on the line keeps its bind mounts: ``docker cp evil web:/data/x`` into
   a container ``docker run --name web -v /srv:/data`` made writes this host's ``/srv/x``.

What is noted is kept by daemon (:attr:`ShellContext.container_notes`): a later command on
another daemon reaches none of it. A volume or container made on another line is not known
here: judged as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from keyturn.understand.shell.commands._container_call import ContainerCall


@dataclass(frozen=True, slots=True)
class Device:
    """What a volume's driver options mount: the host ``path`` (a folder when ``bind``), and
    how it was given, for people."""

    path: str
    bind: bool
    how: str


def device_of(options: Iterable[tuple[str, str]], how: str) -> Device | str | None:
    """The host path the local driver's options (``type``, ``o``, ``device``) mount; ``None``
    when they mount none; a text: a device given but not understood (not a path)."""
    found = {key.strip().lower(): value.strip() for key, value in options}
    device = found.get("device")
    if device is None:
        return None
    if not device.startswith("/"):
        return f"{how}: the volume mounts {device or '?'}, not understood"
    bind = bool({"bind", "rbind"} & {o.strip().lower() for o in found.get("o", "").split(",")})
    return Device(device, bind, how)


def pairs(values: Iterable[str]) -> list[tuple[str, str]]:
    """``KEY=VALUE`` options (``-o``, ``volume-opt``) as pairs."""
    split = (value.partition("=") for value in values)
    return [(key, value) for key, _, value in split]


def note_volume(call: ContainerCall, name: str, device: Device) -> None:
    """The volume ``name`` mounts ``device`` for the later commands of the line."""
    call.ctx.container_notes[("volume", call.daemon or "", name)] = device


def noted_volume(call: ContainerCall, name: str) -> Device | None:
    """What an earlier command on the line made the volume ``name`` mount."""
    found = call.ctx.container_notes.get(("volume", call.daemon or "", name))
    return found if isinstance(found, Device) else None


@dataclass(frozen=True, slots=True)
class Bound:
    """A container's path ``inside`` showing this host's ``host_path``."""

    inside: str
    host_path: str
    readonly: bool


def note_container(call: ContainerCall, name: str, binds: Sequence[Bound]) -> None:
    """The container ``name`` shows ``binds`` to the later commands of the line."""
    call.ctx.container_notes[("container", call.daemon or "", name)] = tuple(binds)


def noted_binds(call: ContainerCall, name: str) -> tuple[Bound, ...]:
    """The bind mounts of the container ``name`` an earlier command on the line created."""
    found = call.ctx.container_notes.get(("container", call.daemon or "", name))
    return found if isinstance(found, tuple) else ()


def on_host(path: str, binds: Sequence[Bound]) -> tuple[Bound, str] | None:
    """The bind the container's ``path`` is in (the deepest), and the path on this host."""
    holding = [b for b in binds if path == b.inside or path.startswith(b.inside.rstrip("/") + "/")]
    if not holding:
        return None
    bind = max(holding, key=lambda b: len(b.inside))
    return bind, (bind.host_path.rstrip("/") + path[len(bind.inside.rstrip("/")) :]) or "/"
