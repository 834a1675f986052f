"""What of this host a container gets: its bind mounts and named volumes, and whether it
gets the host itself (see :mod:`.containers`).

A named volume an earlier command on the line bound to a host folder, or one ``--mount``
creates so (``volume-opt=device=…``), is a bind of that folder (:mod:`._container_line`).
``--security-opt systempaths=unconfined`` (podman's ``unmask=``) leaves the kernel's
``/proc/sys`` and ``/proc/sysrq-trigger`` writable (podman 4.3.1 run: a container so started
wrote the host's ``vm.swappiness``; without it, "Read-only file system"), and ``--ipc=host``
gives the host's ``/dev/shm`` (the same podman: a file the container made there was the
host's): both are mounts of this host's paths."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._container_call import ContainerCall, mount_fields
from keyturn.understand.shell.commands._container_line import (
    Device,
    device_of,
    note_volume,
    noted_volume,
    pairs,
)
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
    device: Device | None = None  # the driver options ``--mount`` creates the volume with


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
            mount, why = _volume_device(
                _located(replace(found, how=f"{how} {spec}"), call.ctx), call
            )
            mounts.append(mount)
            unknown += why
    return mounts, unknown


def _volume_device(mount: Mount, call: ContainerCall) -> tuple[Mount, list[Effect]]:
    """A named volume that mounts a host path (:mod:`._container_line`): a bind of it when
    it binds a folder, and an unknown effect naming the path when the line does not tell
    which options hold (``--mount`` creates the volume with its own only when it is not
    there yet) or the path is a disk or file system mounted."""
    if mount.volume is None or mount.host_path is not None:
        return mount, []
    earlier = noted_volume(call, mount.volume)
    device = earlier or mount.device
    if device is None:
        return mount, []
    if earlier is None:
        note_volume(call, mount.volume, device)
    out = []
    if earlier is None or not device.bind:
        said = f"{mount.how}: volume {mount.volume} mounts this host's {device.path}" + (
            "" if earlier else " when it is not there yet (one there keeps its own options)"
        )
        out.append(call.daemon_file(_E.UNKNOWN, directory_tree(device.path), said))
    if device.bind:
        mount = replace(mount, host_path=device.path, how=f"{mount.how} ({device.how})")
    return mount, out


def host_access(
    opts: Options, call: ContainerCall, mounts: list[Mount], unread: list[Effect]
) -> list[Effect]:
    """What of this host a container gets: its mounts (and ``unread``, the unknown effects of
    those not understood: :func:`mounts_of`), and whether it gets the host itself."""
    out = list(unread)
    for mount in mounts:
        if mount.host_path is not None:
            out += _bind(mount.host_path, mount.readonly, mount.how, call)
        if mount.volume is not None:
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
    found += [Mount(p, p, None, False, how=how) for p, how in _unmasked(opts)]
    if "host" in opts.values.get("ipc", ()):
        found.append(Mount(_SHM, _SHM, None, False, how="--ipc=host"))
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


# What the engines leave read-only in a container and ``systempaths=unconfined`` (docker's,
# podman's) or ``unmask=`` (podman's) makes writable: the host kernel's settings and trigger.
_SYSTEM_PATHS = ("/proc/sys", "/proc/sysrq-trigger")
_SHM = "/dev/shm"  # noqa: S108 (the host's shared memory, named: nothing is made there)


def _unmasked(opts: Options) -> list[tuple[str, str]]:
    """The kernel's paths ``--security-opt`` leaves writable, and the option, for people."""
    found: dict[str, str] = {}
    for value in opts.values.get("security-opt", ()):
        key, _, given = value.strip().replace(":", "=", 1).partition("=")
        key = key.strip().lower()
        if key == "systempaths" and given.strip().lower() == "unconfined":
            found.update(dict.fromkeys(_SYSTEM_PATHS, f"--security-opt {value}"))
        elif key == "unmask":
            found.update(dict.fromkeys(_unmask_paths(given), f"--security-opt {value}"))
    return list(found.items())


def _unmask_paths(given: str) -> list[str]:
    """The kernel's paths podman's ``unmask=ALL`` or ``unmask=PATH:PATH`` (globs too) names:
    each of them matched or held, and a path under one of them."""
    out = []
    for path in (p.strip() for p in given.split(":")):
        if path.upper() == "ALL":
            return list(_SYSTEM_PATHS)
        folder = path.rstrip("/") + "/"
        out += [s for s in _SYSTEM_PATHS if fnmatchcase(s, path) or s.startswith(folder)]
        out += [path for s in _SYSTEM_PATHS if path.startswith(s + "/")]
    return list(dict.fromkeys(out))


def _takeovers(opts: Options) -> list[str]:
    """The options that give a container the host itself."""
    found = ["--privileged"] if opts.on("privileged") else []
    # The host kernel's settings writable: ``kernel.core_pattern`` runs a program as root.
    kernel = (how for path, how in _unmasked(opts) if path.startswith("/proc/sys"))
    found += list(dict.fromkeys(kernel))
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
    if '"' in spec or kind not in ("bind", "volume"):
        return "a mount not understood"
    # A volume option naming a device is a bind in disguise (the local driver mounts it).
    options = pairs(v for k, v in pairs(spec.split(",")) if k.strip().lower() == "volume-opt")
    device = device_of(options, "its volume-opt")
    if isinstance(device, str) or (device is None and "device=" in spec):
        return "a mount not understood"
    if not inside.startswith("/"):
        return "a mount without a target"
    if device is not None and (kind != "volume" or fields.get("volume-driver", "local") != "local"):
        return "a mount not understood"
    if kind == "volume":
        if not source:
            return "a volume created with a device but no name" if device else None
        found = _volume(source, inside, readonly)
        return replace(found, device=device) if isinstance(found, Mount) else found
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
    if engine_socket(path):
        return "the container engine's socket is mounted"
    return None


def engine_socket(path: str) -> bool:
    """Whether a bind of this host's ``path`` gives a container engine's socket."""
    inside = path.rstrip("/") + "/"
    return (
        posixpath.basename(path) in _SOCKET_NAMES
        or any(s.startswith(inside) for s in _SOCKETS)
        or _USER_RUNTIME.fullmatch(path) is not None
    )
