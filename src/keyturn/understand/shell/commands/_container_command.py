"""The command a new container runs (``docker run [OPTIONS] IMAGE COMMAND…``), understood in the
container and its effects named where they land.

``docker run -v /srv:/srv alpine rm -rf /srv/prod`` deletes this host's ``/srv/prod`` as surely
as ``rm -rf /srv/prod`` does: through a bind mount a container changes this host's files. So
the command is understood as a shell line of its own (``sh -c '…'`` as well) with the
container's context -- its working directory (``-w``), its variables (``-e NAME=VALUE``; none
of this shell's) and the files it sees -- and each file its effects name is named where it
lands:

- under a bind mount's target: this host's file (``file:SRC/…``);
- under a named volume's target: the volume (``docker:volume/NAME``), whose data it changes;
- anywhere else: the container's own file (``docker:container/NAME/file:…``), gone with it;
- a tree holding a mount's target (``rm -rf /``) also names the mounted tree.

The host's devices a container is given (``--privileged``: all of ``/dev`` and the kernel's
``/proc/sysrq-trigger``, settings ``/proc/sys`` and controls ``/sys``; ``--device
HOST[:CONTAINER]``) are mounts of the host's paths too:
``mkfs.ext4 /dev/sda`` in a privileged container formats this host's disk, and stays as
catastrophic as it is here. Otherwise what is catastrophic in the container is so for this
host only when it lands on this host's root or devices.

A container that shares this host's processes (``--pid=host``) reaches this host's files
through its first process: ``nsenter -t 1 -m`` enters its mount namespace, ``/proc/1/root/`` is
its root (given the privileges, as ``--privileged`` does). When the command names either, each
file it names in the container is also named as this host's (``/proc/N/root/srv`` as
``/srv``): a rule or protection written for this host's files holds.

Without ``-w`` the working directory is the image's, which the line does not tell: a relative
path lands nowhere known, and while anything is mounted writable the effect is unknown. The
files the command reads (a script, ``package.json``) are this host's under a bind mount and
unknown elsewhere; links are not followed in the container. ``--entrypoint`` runs before the
command's words; an image's own entrypoint is taken to run them, as the common
``exec "$@"`` entrypoints do (one that reads them otherwise is not known here). A health check
(``--health-cmd``, compose's ``healthcheck``) runs in the container too, without the
entrypoint (:func:`health_effects`).

A container given this host's engine socket (``-v /var/run/docker.sock:/var/run/docker.sock``)
runs what it likes on this host through it: ``docker run -v /srv:/s alpine rm -rf /s/app`` in
it deletes this host's ``/srv/app``, as the engine reads the paths it is given as its host's.
So each file its command names is also named as this host's, as written -- which command talks
to the engine (a script, ``curl --unix-socket``) is not told apart -- and the container getting
the host stays ``unknown`` (:mod:`._container_mounts`). A writable bind of ``/`` or a home holds
the socket too, but is judged as the host itself already: its files stay named as mounted.

On a daemon of another machine, every file is that machine's (:meth:`.ContainerCall.on_daemon`).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand import FileReader, GitEntries, NoFiles
from keyturn.understand.shell.commands._container_call import ContainerCall
from keyturn.understand.shell.commands._container_mounts import (
    Mount,
    device_mounts,
    engine_socket,
)
from keyturn.understand.shell.effects import home_or_root
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import evolve

# The working directory the container starts in when the line does not say (the image's).
IMAGE_WORKDIR = "/.image-workdir"
# What reaches this host's files from a container sharing its processes (the docstring).
_ENTERS_HOST = re.compile(r"\bnsenter\b|/proc/[0-9]+/root(?![^/\s'\"])")
_PROCESS_ROOT = re.compile(r"/proc/[0-9]+/root(?=/|$)")


def command_effects(
    call: ContainerCall,
    opts: Options,
    image: str,
    words: Sequence[str],
    mounts: Sequence[Mount],
    *,
    unseen: Sequence[str] = (),
    entrypoint: bool = True,
    role: str = "",
) -> list[Effect]:
    """The effects of ``words`` (the command after the image) run in the container with
    ``mounts`` (:func:`._container_mounts.mounts_of`); ``unseen``: what gives it mounts the
    line does not tell besides ``--volumes-from`` (a compose service's own); ``entrypoint``:
    whether the ``--entrypoint`` runs them; ``role``: what runs them, for people (``its
    health check``)."""
    ctx = call.ctx
    first = opts.value("entrypoint") if entrypoint else None
    argv = [*([first] if first else []), *words]
    if ctx.understand_in is None or not argv:
        return []
    workdir = opts.value("w") or IMAGE_WORKDIR
    if not workdir.startswith("/"):
        return [call.unknown(f"-w {workdir}: a working directory docker refuses")]
    files: FileReader = ctx.files
    if not isinstance(files, NoFiles):
        files = ContainerFiles(files, mounts)
    inside = evolve(
        ctx,
        cwd=workdir,
        home="/root",
        env={"HOME": "/root", **_variables(opts)},
        files=files,
        written=_written_inside(ctx.written, mounts),
    )
    place = _Place(
        mounts=mounts,
        container=opts.value("name") or image,
        # Another container's mounts (its binds too) are this one's: where, not told here.
        unseen=[*unseen, *(f"--volumes-from {c}" for c in opts.values.get("volumes-from", ()))],
        devices=device_mounts(opts),
        role=role,
        host_reach=_enters_host(opts, argv),
        engine_reach=any(_gives_engine(m, ctx.home) for m in mounts),
    )
    found = ctx.understand_in(shlex.join(argv), inside)
    return [call.on_daemon(place.landed(effect)) for effect in found]


def health_effects(
    call: ContainerCall, opts: Options, image: str, mounts: Sequence[Mount]
) -> list[Effect]:
    """What each ``--health-cmd`` runs in the container: docker runs the text with ``/bin/sh
    -c``; podman also takes a JSON array, the exec form of a Dockerfile's ``HEALTHCHECK``
    (``["CMD", "pg_isready"]``, ``["CMD-SHELL", "…"]``, ``["NONE"]``)."""
    out: list[Effect] = []
    for text in opts.values.get("health-cmd", ()):
        argv = health_argv(_json_list(text) or text)
        if argv is None:
            out.append(call.unknown(f"--health-cmd {text[:80]}: a health check not understood"))
        elif argv:
            out += command_effects(
                call, opts, image, argv, mounts, entrypoint=False, role="its health check"
            )
    return out


def health_argv(test: object) -> list[str] | None:
    """The words a health check's ``test`` runs (a compose ``healthcheck.test``, a Dockerfile's
    ``HEALTHCHECK`` array; a text is ``CMD-SHELL``): empty for ``NONE``, ``None`` when it is
    not understood."""
    if isinstance(test, str):
        return ["/bin/sh", "-c", test] if test.strip() else []
    if not isinstance(test, list) or not test or not all(isinstance(w, str) for w in test):
        return None
    form, *rest = test
    if form == "NONE":
        return []
    if form == "CMD":
        return rest or None
    if form == "CMD-SHELL" and len(rest) == 1:
        return ["/bin/sh", "-c", rest[0]]
    return None


def _json_list(text: str) -> list[object] | None:
    """``text`` read as a JSON array, when it is one."""
    if not text.lstrip().startswith("["):
        return None
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, list) else None


def _enters_host(opts: Options, argv: Sequence[str]) -> bool:
    """Whether the command reaches this host's files through its first process."""
    return "host" in opts.values.get("pid", ()) and _ENTERS_HOST.search(" ".join(argv)) is not None


def _gives_engine(mount: Mount, home: str) -> bool:
    """Whether ``mount`` is there to give the engine's socket: the socket or a folder of
    sockets (``/var/run``), not the whole root or a home, whose writable bind already gets the
    host and whose files the command names as the container's own (:func:`_Place.landed`)."""
    path = mount.host_path
    return path is not None and engine_socket(path) and not home_or_root(path, home=home)


def _variables(opts: Options) -> dict[str, str]:
    """``-e NAME=VALUE`` (``-e NAME`` passes this shell's value: not known, left out)."""
    pairs = (value.partition("=") for value in opts.values.get("e", ()))
    return {name: value for name, eq, value in pairs if eq and name}


def _written_inside(
    written: Mapping[str, str | None], mounts: Sequence[Mount]
) -> dict[str, str | None]:
    """The files the line wrote before (this host's paths), as the container sees them."""
    inside: dict[str, str | None] = {}
    for mount in mounts:
        if mount.host_path is None:
            continue
        for path, text in written.items():
            if _under(path, mount.host_path):
                inside[_moved(path, mount.host_path, mount.inside)] = text
    return inside


@dataclass(frozen=True, slots=True)
class _Place:
    """Where the container's command runs: its mounts, its name, and the options that give it
    mounts not told here."""

    mounts: Sequence[Mount]
    container: str
    unseen: Sequence[str]
    devices: Sequence[Mount] = ()  # the host's devices it is given (:func:`device_mounts`)
    role: str = ""
    host_reach: bool = False  # it enters this host's first process (the module's docstring)
    engine_reach: bool = False  # it holds this host's engine socket (the module's docstring)

    def landed(self, effect: Effect) -> Effect:
        """``effect`` with each file it names named where it lands (the module's docstring)."""
        names: list[str] = []
        why_unknown = None
        for name in effect.resource.names:
            if not name.startswith("file:"):
                names.append(name)
                continue
            path = name.removeprefix("file:")
            base = path.removesuffix("/*") or "/"
            mount = _mount_of(base, [*self.mounts, *self.devices])
            if self.engine_reach and not _under(base, IMAGE_WORKDIR):
                names.append(name)  # as the engine, which mounts this host's paths, reads it
            if mount is not None and not _under(base, IMAGE_WORKDIR):
                names.append(_host_name(path, mount))
            else:
                names.append(f"docker:container/{self.container}/{name}")
                if self.host_reach:
                    names.append(_on_host(path))
                why_unknown = why_unknown or self._unplaced(base)
            if path.endswith("/*"):  # a tree: the mounts whose target is in it, whole
                held = (m for m in self.mounts if m.inside != base and _under(m.inside, base))
                names.extend(_host_name(m.inside + "/*", m) for m in held)
        resource = Resource(tuple(dict.fromkeys(names)), type=effect.resource.type)
        effect = evolve(effect, resource=resource, catastrophic=self._catastrophic(effect, names))
        if self.role:
            ran = f"run by {self.role}"
            effect = evolve(effect, detail=f"{effect.detail}; {ran}" if effect.detail else ran)
        if why_unknown and effect.effect is not EffectKind.READ:
            detail = f"{effect.detail}; {why_unknown}" if effect.detail else why_unknown
            return evolve(effect, effect=EffectKind.UNKNOWN, detail=detail)
        return effect

    @staticmethod
    def _catastrophic(effect: Effect, names: Sequence[str]) -> str | None:
        """Catastrophic in the container is so for this host only when what it hits lands on
        this host's root or devices (a fork bomb: the host's processes; a root filesystem
        removed: the container's own, unless ``/`` is mounted; a disk written: the
        container's own device node, unless the host's devices are given or mounted)."""
        files = [n for n in effect.resource.names if n.startswith("file:")]
        if effect.catastrophic is None or not files:
            return effect.catastrophic
        landed = any(
            n in ("file:/", "file:/*", "file:/proc/sysrq-trigger") or n.startswith("file:/dev/")
            for n in names
        )
        return effect.catastrophic if landed else None

    def _unplaced(self, path: str) -> str | None:
        """Why a change of the container's ``path``, in no mount known, may land on this host
        or a volume after all; ``None`` when it cannot."""
        if self.unseen:
            return f"{', '.join(self.unseen)}: the path may be in a mount this line does not tell"
        if _under(path, IMAGE_WORKDIR) and any(not m.readonly for m in self.mounts):
            return "a path relative to the image's working directory, which this line does not tell"
        return None


def _on_host(path: str) -> str:
    """The container's ``path`` named as this host's file, ``/proc/N/root/x`` as ``/x``."""
    found = _PROCESS_ROOT.match(path)
    return f"file:{path[found.end() :] or '/' if found else path}"


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _mount_of(path: str, mounts: Sequence[Mount]) -> Mount | None:
    """The mount ``path`` (the container's) is in: the one with the deepest target."""
    holding = [m for m in mounts if _under(path, m.inside)]
    return max(holding, key=lambda m: len(m.inside), default=None)


def _host_name(path: str, mount: Mount) -> str:
    """Where the container's ``path`` under ``mount`` lands."""
    if mount.host_path is None:
        return f"docker:volume/{mount.volume}"
    return f"file:{_moved(path, mount.inside, mount.host_path)}"


def _moved(path: str, folder: str, to: str) -> str:
    """``path`` (under ``folder``) at the same place under ``to``."""
    return to.rstrip("/") + path[len(folder.rstrip("/")) :] or "/"


class ContainerFiles:
    """The files a container sees, as far as this host tells: under a bind mount this host's,
    elsewhere the image's (not known here: absent)."""

    def __init__(self, host: FileReader, mounts: Sequence[Mount]) -> None:
        self._host = host
        self._binds = [m for m in mounts if m.host_path is not None]

    def _on_host(self, path: str) -> str | None:
        mount = _mount_of(path, self._binds)
        if mount is None or mount.host_path is None:
            return None
        return _moved(path, mount.inside, mount.host_path)

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        host = self._on_host(path)
        return None if host is None else self._host.read_text(host, limit=limit)

    def exists(self, path: str) -> bool:
        host = self._on_host(path)
        return host is not None and self._host.exists(host)

    def is_dir(self, path: str) -> bool:
        host = self._on_host(path)
        return host is not None and self._host.is_dir(host)

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        host = self._on_host(path)
        return None if host is None else self._host.list_dir(host)

    def git_entries(self, root: str, relative: str, revisions: Sequence[str]) -> GitEntries | None:
        host = self._on_host(root)
        return None if host is None else self._host.git_entries(host, relative, revisions)

    def links_followed(self, path: str) -> str | None:
        return None  # a link in the container leads into the container's tree
