"""What the container verbs that remove, prune, change, run and copy mean, for ``docker``,
``podman`` and ``nerdctl`` in :mod:`.containers` (which decides the names and holds the table of
verbs).

Each meaning takes the call and the words after the verb. ``rm``/``rmi``/``volume rm``/
``network rm`` delete what they name, a prune what is unused of its kinds; ``stop``, ``kill``,
``start``... update each container; ``exec`` reached here runs a command not understood;
``run``/``create`` create the container and give it what of this host it mounts
(:mod:`._container_mounts`); ``cp`` reads or writes this host's files on one side and the
container on the other.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._container_call import (
    ContainerCall,
    all_known,
    exec_target,
    option_spec,
)
from keyturn.understand.shell.commands._container_command import command_effects, health_effects
from keyturn.understand.shell.commands._container_line import (
    Bound,
    note_container,
    noted_binds,
    on_host,
)
from keyturn.understand.shell.commands._container_mounts import host_access, mounts_of
from keyturn.understand.shell.effects import (
    directory_tree,
    file_path,
    home_path,
    write_effect,
)
from keyturn.understand.shell.flags import parse_options

_E = EffectKind


# -- removing ------------------------------------------------------------------------------

_REMOVE = option_spec(
    "t", {"force": "f", "volumes": "v", "all": "a", "time": "t"}, "filter", "cidfile"
)


def remove(what: str, detail: str, call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``rm``/``rmi``/``volume rm``/``network rm`` of each operand (podman's ``--all`` and
    ``--latest``: of any)."""
    opts = parse_options(args, _REMOVE)
    names = [*opts.operands, *(["*"] if opts.on("a", "latest") else [])]
    if not names:
        return None
    out = call.each(_E.DELETE, what, names, detail)
    if what == "container" and opts.on("v"):
        lost = "its anonymous volumes: their data is lost"
        out += call.each(_E.DELETE, what, [f"{n}/volumes" for n in names], lost)
    return out


SYSTEM_KINDS = ("container/*", "network/*", "image/*", "builder/*")


def prune(
    paths: Sequence[str], detail: str, all_detail: str, call: ContainerCall, args: Sequence[str]
) -> list[Effect]:
    """A prune deletes what is unused of its kinds; ``-a``/``--all`` widens what is unused
    (``system prune --volumes``: the volumes too)."""
    opts = parse_options(args, option_spec("", {"all": "a", "force": "f"}, "filter"))
    out = [call.effect(_E.DELETE, p, all_detail if opts.on("a") else detail) for p in paths]
    if paths == SYSTEM_KINDS and opts.on("volumes"):
        out.append(call.effect(_E.DELETE, "volume/*", "unused volumes: their data is lost"))
    return out


# -- changing containers -------------------------------------------------------------------

# Options of stop/kill/restart/start/update/...: update's all take a value.
_CHANGE = option_spec(
    "tscm",
    {"time": "t", "timeout": "t", "signal": "s", "cpu-shares": "c", "memory": "m"},
    *("detach-keys", "checkpoint", "checkpoint-dir", "filter", "cidfile", "blkio-weight"),
    *("cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "cpus", "cpuset-cpus"),
    *("cpuset-mems", "memory-reservation", "memory-swap", "pids-limit", "restart"),
    "kernel-memory",
)
CHANGES_SAID = {
    "stop": "stops it",
    "kill": "kills it (it stops)",
    "restart": "restarts it",
    "pause": "pauses it (it stops running)",
    "unpause": "resumes it",
    "update": "changes its limits or restart policy",
    "rename": "renames it",
    "start": "starts it",
}


def change(
    detail: str, dash_a: bool, call: ContainerCall, args: Sequence[str]
) -> list[Effect] | None:
    """An update of each container named; ``--all``/``--latest`` (and ``-a`` when ``dash_a``:
    podman's; to ``start`` it means attach) of any."""
    opts = parse_options(args, _CHANGE)
    every = opts.on("all", "latest") or (dash_a and "a" in opts.flags)
    names = [*opts.operands, *(["*"] if every else [])]
    return call.each(_E.UPDATE, "container", names, detail) or None


def exec_in_container(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``exec`` reached here (after global options): the command it runs is not understood."""
    where = exec_target(args)
    daemon = f" on daemon {call.daemon}" if call.daemon else ""
    return [call.unknown(f"runs a command in container {where}{daemon}")]


# -- running containers --------------------------------------------------------------------

_RUN = option_spec(
    "acehlmpuvw",
    {"attach": "a", "cpu-shares": "c", "env": "e", "hostname": "h", "label": "l"}
    | {"memory": "m", "publish": "p", "user": "u", "volume": "v", "workdir": "w"}
    | {"detach": "d", "interactive": "i", "publish-all": "P", "quiet": "q", "tty": "t"}
    | {"net": "network", "net-alias": "network-alias", "dns-opt": "dns-option"},
    *("add-host", "annotation", "blkio-weight", "blkio-weight-device", "cap-add", "cap-drop"),
    *("cgroup-parent", "cgroupns", "cidfile", "cpu-count", "cpu-percent", "cpu-period"),
    *("cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "cpus", "cpuset-cpus", "cpuset-mems"),
    *("detach-keys", "device", "device-cgroup-rule", "device-read-bps", "device-read-iops"),
    *("device-write-bps", "device-write-iops", "dns", "dns-option", "dns-search", "domainname"),
    *("entrypoint", "env-file", "expose", "gpus", "group-add", "health-cmd", "health-interval"),
    *("health-retries", "health-start-interval", "health-start-period", "health-timeout"),
    *("io-maxbandwidth", "io-maxiops", "ip", "ip6", "ipc", "isolation", "kernel-memory"),
    *("label-file", "link", "link-local-ip", "log-driver", "log-opt", "mac-address"),
    *("memory-reservation", "memory-swap", "memory-swappiness", "mount", "name", "network"),
    *("network-alias", "oom-score-adj", "pid", "pids-limit", "platform", "pull", "restart"),
    *("runtime", "security-opt", "shm-size", "stop-signal", "stop-timeout", "storage-opt"),
    *("sysctl", "tmpfs", "ulimit", "userns", "uts", "volume-driver", "volumes-from"),
    # podman's
    *("arch", "os", "variant", "authfile", "creds", "cgroups", "cgroup-conf", "pod", "secret"),
    *("systemd", "uidmap", "gidmap", "init-path", "timeout", "umask", "unsetenv", "pidfile"),
    *("sdnotify", "seccomp-policy", "hostuser", "image-volume", "retry", "retry-delay"),
    *("decryption-key", "preserve-fds", "requires", "pod-id-file", "conmon-pidfile"),
    stop=True,
)
_RUN_FLAGS = frozenset(
    {"d", "i", "P", "q", "t", "init", "no-healthcheck", "oom-kill-disable", "privileged"}
    | {"read-only", "rm", "sig-proxy", "disable-content-trust", "replace", "rmi", "env-host"}
    | {"http-proxy", "read-only-tmpfs", "passwd", "no-hosts", "tls-verify"}
)


def run(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``run``/``create IMAGE [COMMAND]``: the container (``--name``, else named by its image;
    podman's ``--replace`` replaces one), what of the host it gets, and what its command and
    its ``--health-cmd`` do (:mod:`._container_command`)."""
    opts = parse_options(args, _RUN)
    if not opts.rest or not all_known(opts, _RUN, _RUN_FLAGS):
        return None
    image = opts.rest[0]
    kind = _E.REPLACE if opts.on("replace") else _E.CREATE
    out = [call.effect(kind, f"container/{opts.value('name') or image}", f"from image {image}")]
    for cidfile in opts.values.get("cidfile", ()):
        path = file_path(cidfile, call.ctx)
        out.append(write_effect(path, call.cmd, call.ctx, detail="the container's id"))
    mounts, unread = mounts_of(opts, call)
    name = opts.value("name")
    if name:  # ``docker cp`` later on the line reaches these (:mod:`._container_line`)
        binds = [Bound(m.inside, m.host_path, m.readonly) for m in mounts if m.host_path]
        note_container(call, name, binds)
    out += host_access(opts, call, mounts, unread)
    out += command_effects(call, opts, image, opts.rest[1:], mounts)
    return out + health_effects(call, opts, image, mounts)


# -- copying -------------------------------------------------------------------------------

_CP = option_spec("", {"archive": "a", "follow-link": "L", "quiet": "q"})


def cp(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``cp SRC DST``: one side in a container (``C:path``), the other on this host (``-``:
    a tar stream on stdin or stdout)."""
    opts = parse_options(args, _CP)
    if len(opts.operands) != 2:
        return None
    src, dst = opts.operands
    out_of, into = _in_container(src), _in_container(dst)
    if out_of and not into:
        out = call.each(_E.READ, "container", [out_of], "copies files out of it")
        out += _through_binds(call, src, _E.READ)
        if dst == "-":
            return out
        path = home_path(dst, call.ctx)
        said = f"copied out of container {out_of}"
        out.append(write_effect(path, call.cmd, call.ctx, detail=said))
        return [*out, call.file(_E.UPDATE, directory_tree(path)[1:], said)]
    if into and not out_of:
        out = call.each(_E.UPDATE, "container", [into], "copies files into it")
        out += _through_binds(call, dst, _E.UPDATE)
        if src == "-":
            return out
        path = home_path(src, call.ctx)
        return [*out, call.file(_E.READ, directory_tree(path), f"copied into container {into}")]
    return None  # two containers or two host paths: refused


def _through_binds(call: ContainerCall, word: str, kind: _E) -> list[Effect]:
    """The container side ``C:path`` of ``cp`` where it lands on this host: in a bind mount
    the container was created with earlier on the line (:mod:`._container_line`), the host's
    files there; a relative path in a container with binds: unknown (its working directory is
    the image's)."""
    name, _, path = word.partition(":")
    binds = noted_binds(call, name)
    if not binds:
        return []
    if not path.startswith("/"):
        return [call.unknown(f"{word}: a path relative to the container's working directory")]
    found = on_host(posixpath.normpath(path), binds)
    if found is None:
        return []
    bind, host = found
    said = f"copied {'out of' if kind is _E.READ else 'into'} {word}: this host's {host}"
    return [call.daemon_file(kind, directory_tree(host), f"{said} (bind of {bind.host_path})")]


def _in_container(word: str) -> str | None:
    """The container of ``C:path`` (as docker tells: a path never is, nor a word whose part
    before ``:`` holds a ``/``)."""
    if word.startswith(("/", ".", "~")) or ":" not in word:
        return None
    name = word.partition(":")[0]
    return name if name and "/" not in name else None
