"""What of this host a container gets: its bind mounts and named volumes, and whether it
gets the host itself (see :mod:`.containers`)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace

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


@dataclass(frozen=True, slots=True)
class Mount:
    """One mount of a container: the container's path ``inside``, and what it shows there --
    this host's ``host_path`` (a bind) or the named ``volume``."""

    inside: str
    host_path: str | None
    volume: str | None
    readonly: bool
    how: str = ""  # the option as written, for people


def mounts_of(opts: Options, call: ContainerCall) -> tuple[list[Mount], list[Effect]]:
    """The mounts ``-v`` and ``--mount`` give, and an unknown effect for each not understood."""
    mounts: list[Mount] = []
    unknown: list[Effect] = []
    for how, spec, read in (
        *(("-v", spec, _volume_option) for spec in opts.values.get("v", ())),
        *(("--mount", spec, _mount_option) for spec in opts.values.get("mount", ())),
    ):
        found = read(spec)
        if isinstance(found, str):
            unknown.append(call.unknown(f"{how} {spec}: {found}"))
        elif found is not None:
            mounts.append(_located(replace(found, how=f"{how} {spec}"), call.ctx))
    return mounts, unknown


def host_access(
    opts: Options, call: ContainerCall, mounts: list[Mount], unread: list[Effect]
) -> list[Effect]:
    """What of this host a container gets: its mounts (and ``unread``, the unknown effects of
    those not understood: :func:`mounts_of`), and whether it gets the host itself."""
    out = list(unread)
    for mount in mounts:
        if mount.host_path is not None:
            out += _bind(mount.host_path, mount.readonly, mount.how, call)
        elif mount.volume is not None:
            out += _named_volume(mount.volume, mount.readonly, mount.how, call)
    found = _takeovers(opts)
    if found:
        why = ", ".join(found)
        out.append(call.unknown(f"the container gets the host ({why}): it can do anything to it"))
    return out


# What ``--privileged`` shows a container of the host: every device (the host's /dev), and
# the kernel's trigger (/proc is not masked): a write there is a write to the host's.
# A privileged container's ``/proc/sys`` and ``/sys`` are writable and the kernel's own (podman
# run(1): "read-only mount points ... are all disabled"; moby drops its masked and read-only
# paths): ``echo '|/x' > /proc/sys/kernel/core_pattern`` there sets this host's kernel.
_PRIVILEGED_PATHS = ("/dev", "/proc/sysrq-trigger", "/proc/sys", "/sys")
_DEVICE_MODE = re.compile(r"[rwm]+")


def device_mounts(opts: Options) -> list[Mount]:
    """The host's devices a container is given, as mounts of the host's paths: all of them
    with ``--privileged``, each ``--device HOST[:CONTAINER][:MODE]`` at its container path."""
    found = [
        Mount(path, path, None, False, how="--privileged")
        for path in _PRIVILEGED_PATHS
        if opts.on("privileged")
    ]
    for spec in opts.values.get("device", ()):
        parts = spec.split(":")
        host = parts[0]
        inside = parts[1] if len(parts) > 1 and not _DEVICE_MODE.fullmatch(parts[1]) else host
        if host.startswith("/") and inside.startswith("/"):
            how = f"--device {spec}"
            found.append(
                Mount(posixpath.normpath(inside), posixpath.normpath(host), None, False, how)
            )
    return found


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


def _volume_option(spec: str) -> Mount | str | None:
    """``-v SRC:DST[:OPTIONS]``: SRC a path (``/``, ``~``, ``.``) is a bind mount, else a named
    volume; ``-v /DST`` alone is an anonymous volume (nothing of the host: ``None``). A text:
    why it is not understood. The bind's source is as written (see :func:`_located`)."""
    parts = spec.split(":")
    if len(parts) == 1 and spec.startswith("/"):
        return None
    options = parts[2] if len(parts) == 3 else ""
    if len(parts) not in (2, 3) or not parts[1].startswith("/"):
        return "a mount not understood"
    if not _VOLUME_OPTIONS.fullmatch(options):
        return "a mount not understood"
    readonly = "ro" in options.split(",")
    if _is_path(parts[0]):
        return Mount(parts[1], parts[0], None, readonly)
    return _volume(parts[0], parts[1], readonly)


def _mount_option(spec: str) -> Mount | str | None:
    """``--mount type=bind,source=S,target=T[,readonly]`` (the type is volume by default)."""
    fields = mount_fields(spec)
    kind = fields.get("type", "volume")
    source = fields.get("source") or fields.get("src") or ""
    inside = fields.get("target") or fields.get("destination") or fields.get("dst") or ""
    readonly = any(fields.get(k) in ("", "true", "1") for k in ("readonly", "ro"))
    if kind in ("tmpfs", "ramfs"):
        return None
    # A volume option naming a device is a bind in disguise (the local driver mounts it).
    if '"' in spec or "device=" in spec or kind not in ("bind", "volume"):
        return "a mount not understood"
    if not inside.startswith("/"):
        return "a mount without a target"
    if kind == "volume":
        return _volume(source, inside, readonly) if source else None
    return Mount(inside, source, None, readonly) if _is_path(source) else "no source"


def _volume(name: str, inside: str, readonly: bool) -> Mount | str:
    if not _VOLUME_NAME.fullmatch(name):
        return "a mount not understood"
    return Mount(inside, None, name, readonly)


def _is_path(word: str) -> bool:
    """Whether a mount source is a path (else a volume's name)."""
    return word == "~" or word.startswith(("/", ".", "~/"))


def _located(mount: Mount, ctx: ShellContext) -> Mount:
    """``mount`` with its bind source an absolute path of this host, its target normalised."""
    inside = posixpath.normpath(mount.inside).replace("//", "/")
    host = None if mount.host_path is None else home_path(mount.host_path, ctx)
    return replace(mount, inside=inside, host_path=host)


def _named_volume(name: str, readonly: bool, how: str, call: ContainerCall) -> list[Effect]:
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
        said = f"{how}: the container can read these files{where}"
        out = [call.daemon_file(_E.READ, directory_tree(path), said)]
    else:
        said = f"{how}: the container can change these files{where}"
        out = [call.daemon_file(_E.UPDATE, directory_tree(path), said)]
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
