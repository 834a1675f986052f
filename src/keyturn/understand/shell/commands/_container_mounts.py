"""What of this host a container gets: its bind mounts and named volumes, and whether it
gets the host itself (see :mod:`.containers`)."""

from __future__ import annotations

import posixpath
import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._container_call import ContainerCall, mount_fields
from keyturn.understand.shell.effects import (
    directory_tree,
    home_or_root,
    home_path,
    is_block_device,
)
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext

_E = EffectKind


# Capabilities with which a container escapes to the host.
_HOST_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH"})


def host_access(opts: Options, call: ContainerCall) -> list[Effect]:
    """What of this host a container gets: its mounts, and whether it gets the host itself."""
    out = [e for spec in opts.values.get("v", ()) for e in _volume_option(spec, call)]
    out += [e for spec in opts.values.get("mount", ()) for e in _mount_option(spec, call)]
    found = _takeovers(opts)
    if found:
        why = ", ".join(found)
        out.append(call.unknown(f"the container gets the host ({why}): it can do anything to it"))
    return out


def _takeovers(opts: Options) -> list[str]:
    """The options that give a container the host itself."""
    found = ["--privileged"] if opts.on("privileged") else []
    if "host" in opts.values.get("pid", ()):
        found.append("--pid=host")
    capabilities = {
        c.strip().upper().removeprefix("CAP_")
        for value in opts.values.get("cap-add", ())
        for c in value.split(",")
    }
    found += [f"--cap-add {c}" for c in sorted(capabilities & _HOST_CAPABILITIES)]
    devices = (d.split(":")[0] for d in opts.values.get("device", ()))
    found += [f"--device {d}" for d in devices if is_block_device(d)]
    # A cgroup rule allowing block devices ("b ..." or "a": all) lets it make and write a disk.
    rules = opts.values.get("device-cgroup-rule", ())
    found += [f"--device-cgroup-rule {r}" for r in rules if r.strip()[:1] in ("a", "b")]
    return found


_VOLUME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_VOLUME_OPTIONS = re.compile(r"[A-Za-z0-9_=,.-]*")


def _volume_option(spec: str, call: ContainerCall) -> list[Effect]:
    """``-v SRC:DST[:OPTIONS]``: SRC a path (``/``, ``~``, ``.``) is a bind mount, else a named
    volume; ``-v /DST`` alone is an anonymous volume (nothing of the host)."""
    parts = spec.split(":")
    if len(parts) == 1 and spec.startswith("/"):
        return []
    options = parts[2] if len(parts) == 3 else ""
    if len(parts) not in (2, 3) or not parts[1].startswith("/"):
        return [call.unknown(f"-v {spec}: a mount not understood")]
    if not _VOLUME_OPTIONS.fullmatch(options):
        return [call.unknown(f"-v {spec}: a mount not understood")]
    readonly = "ro" in options.split(",")
    path = _host_path(parts[0], call.ctx)
    if path is not None:
        return _bind(path, readonly, f"-v {spec}", call)
    return _named_volume(parts[0], readonly, f"-v {spec}", call)


def _mount_option(spec: str, call: ContainerCall) -> list[Effect]:
    """``--mount type=bind,source=S,target=T[,readonly]`` (the type is volume by default)."""
    fields = mount_fields(spec)
    kind = fields.get("type", "volume")
    source = fields.get("source") or fields.get("src") or ""
    readonly = any(fields.get(k) in ("", "true", "1") for k in ("readonly", "ro"))
    how = f"--mount {spec}"
    if kind in ("tmpfs", "ramfs"):
        return []
    # A volume option naming a device is a bind in disguise (the local driver mounts it).
    if '"' in spec or "device=" in spec or kind not in ("bind", "volume"):
        return [call.unknown(f"{how}: a mount not understood")]
    if kind == "volume":
        return _named_volume(source, readonly, how, call) if source else []
    path = _host_path(source, call.ctx)
    return _bind(path, readonly, how, call) if path else [call.unknown(f"{how}: no source")]


def _host_path(word: str, ctx: ShellContext) -> str | None:
    """The absolute path a mount source names, or ``None`` when it is a volume's name."""
    is_path = word == "~" or word.startswith(("/", ".", "~/"))
    return home_path(word, ctx) if is_path else None


def _named_volume(name: str, readonly: bool, how: str, call: ContainerCall) -> list[Effect]:
    if not _VOLUME_NAME.fullmatch(name):
        return [call.unknown(f"{how}: a mount not understood")]
    if readonly:
        return [call.effect(_E.READ, f"volume/{name}", f"{how}: mounted read-only")]
    return [call.effect(_E.UPDATE, f"volume/{name}", f"{how}: the container can change it")]


# The engines' sockets: whoever can talk to one can start a privileged container.
_SOCKETS = (
    *("/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock"),
    *("/var/run/podman/podman.sock", "/run/containerd/containerd.sock"),
)
_SOCKET_NAMES = frozenset({"docker.sock", "podman.sock", "containerd.sock"})
_USER_RUNTIME = re.compile(r"(/var)?/run/user(/\d+)?")  # rootless engines' sockets are here


def _bind(path: str, readonly: bool, how: str, call: ContainerCall) -> list[Effect]:
    """A bind mount of ``path`` (on the daemon's host): the files under it, and an unknown
    effect when that gives the container the host itself."""
    where = f" (on the host of daemon {call.daemon})" if call.daemon else ""
    if readonly:
        out = [
            call.file(
                _E.READ, directory_tree(path), f"{how}: the container can read these files{where}"
            )
        ]
    else:
        said = f"{how}: the container can change these files{where}"
        out = [call.file(_E.UPDATE, directory_tree(path), said)]
    why = _host_itself(path, readonly, call.ctx.home)
    if why:
        out.append(call.unknown(f"{how}: {why}: the container can do anything to the host"))
    return out


def _host_itself(path: str, readonly: bool, home: str) -> str | None:
    """Why a bind of ``path`` gives the host itself, or ``None``."""
    if not readonly and is_block_device(path):
        return "a disk is writable"
    if not readonly and home_or_root(path, home=home):
        return "the root filesystem or a home directory is writable"
    inside = path.rstrip("/") + "/"
    if (
        posixpath.basename(path) in _SOCKET_NAMES
        or any(s.startswith(inside) for s in _SOCKETS)
        or _USER_RUNTIME.fullmatch(path)
    ):
        return "the container engine's socket is mounted"
    return None
