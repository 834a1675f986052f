"""Container command lines: ``docker``, ``podman``, ``nerdctl``, ``docker-compose``,
``podman-compose``.

Names (decided here; one vocabulary for the three engines, which take the same command lines,
so that a rule written for docker covers podman and nerdctl too):
- ``docker:container/<name>``, ``docker:volume/<name>``, ``docker:image/<ref>``,
  ``docker:network/<name>``; ``docker:<kind>/*`` for all of a kind (prunes, ``--all``, reads);
  ``docker:container/<name>/volumes`` for a container's anonymous volumes, ``docker:builder/*``
  for the build cache, ``docker:system`` for the daemon itself, ``docker:*`` for ``inspect``.
- ``docker:compose/<project>`` for a compose project's containers and networks,
  ``docker:compose/<project>/volume/*`` and ``.../image/*`` for its volumes and images. The
  project is ``-p``, else ``COMPOSE_PROJECT_NAME``, else the basename of
  ``--project-directory``, of the first compose file's directory (``-f``, ``COMPOSE_FILE``) or
  of the working directory, made a valid name as compose does (lower case, ``[a-z0-9_-]``). A
  ``name:`` inside the compose file is not read, nor are the services' mounts.
- When the line names the daemon (``--context``/``-c``, ``-H``/``--host``; else the program's
  variables: ``DOCKER_HOST``/``DOCKER_CONTEXT`` for docker and docker-compose,
  ``CONTAINER_HOST``/``CONTAINER_CONNECTION`` for podman, ``CONTAINERD_ADDRESS`` for nerdctl),
  each resource has a second name ``docker:<context or host>/<kind>/<name>`` (so that
  ``*prod*`` tells the environment by daemon too), and the detail says so.

Meanings: reads name the kind they look at (``docker logs web`` reads ``docker:container/*``),
not each object. Removals and prunes delete; stop/kill/start/... update each container.
``run``/``create`` create the container and give it the host paths it mounts: a bind mount is
an update of ``file:SRC`` and everything under it (a read when read-only), a named volume an
update of the volume. A container that gets the host itself -- ``--privileged``,
``--pid=host``, ``--cap-add`` of a capability that escapes, a disk device, a writable bind of
``/`` or a home directory, the engine's socket or a directory holding it (read-only too: a
socket works through a read-only mount) -- adds an ``unknown`` effect: it can do anything to the
host. The command a container runs is the image's business and is not understood. A ``run``
option not known here makes the line not understood: a value taken for the image would hide
the options after it. Building, pulling, loading, tagging and committing create an image,
pushing updates it; files written on this host (``save -o``, ``cp`` out of a container, a
build's ``--output``) are file effects. ``exec`` reached here (after global options; the plain
form is unwrapped as a wrapper) runs a command not understood: unknown. A change to a name
decided at run time (``docker rm $C``) is unknown, as for files. Any other form (``login``,
``swarm``, ``context use``, podman's ``pod``...) is not understood.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.effects import (
    directory_tree,
    file_effect,
    file_path,
    home_or_root,
    is_block_device,
    local_target,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
# Kinds that change what exists: on a name decided at run time they are unknown.
_CHANGES = frozenset({_E.UPDATE, _E.DELETE, _E.REPLACE})


@dataclass(frozen=True, slots=True)
class _Call:
    """One container CLI invocation being understood: the daemon it talks to (``None``: the
    default one) and the operation shown to people (``docker volume rm``)."""

    cmd: SimpleCommand
    ctx: ShellContext
    daemon: str | None
    operation: str

    def effect(self, kind: EffectKind, path: str, detail: str = "") -> Effect:
        """An effect on ``docker:<path>`` (``container/web``), also named by its daemon."""
        names = [f"docker:{path}"]
        notes = [detail]
        if self.daemon:
            names.append(f"docker:{self.daemon}/{path}")
            notes.append(f"on daemon {self.daemon}")
        if kind in _CHANGES and self._run_time(names):
            kind = _E.UNKNOWN
            notes.append("which one is decided at run time")
        return Effect(
            effect=kind,
            resource=Resource(tuple(names), type=path.partition("/")[0].strip("*") or "docker"),
            target=local_target(self.ctx),
            service="docker",
            command=self.cmd.text or None,
            operation=self.operation,
            detail="; ".join(n for n in notes if n),
        )

    def each(self, kind: EffectKind, what: str, names: Sequence[str], detail: str) -> list[Effect]:
        """One effect per name of the kind ``what`` (``volume``)."""
        return [self.effect(kind, f"{what}/{name}", detail) for name in names]

    def unknown(self, reason: str) -> Effect:
        return unknown_effect(self.cmd, reason, self.ctx)

    def file(self, kind: EffectKind, paths: Sequence[str], detail: str) -> Effect:
        return file_effect(kind, paths, self.cmd, self.ctx, detail=detail)

    def _run_time(self, names: Sequence[str]) -> bool:
        # Compose lower-cases the project, so compare without case.
        argv = self.cmd.argv
        words = [argv[i].lower() for i in self.cmd.dynamic_words if 0 < i < len(argv)]
        return any(w and w in n.lower() for w in words for n in names)


Meaning = Callable[[_Call, Sequence[str]], list[Effect] | None]


def _spec(valued: str, long: dict[str, str], *names: str, stop: bool = False) -> OptionSpec:
    """An option spec: the short letters taking a value, long name -> key, the other keys
    taking a value; ``stop``: options end at the first operand."""
    return OptionSpec(
        valued=valued,
        long=long,
        long_valued=frozenset(valued) | frozenset(names),
        stop_at_operand=stop,
    )


def _on(opts: Options, *keys: str) -> bool:
    """Whether a yes/no option is on (``--rm``, ``--rm=true``; not ``--rm=false``)."""
    return any(k in opts.flags or opts.value(k) not in (None, "false", "0") for k in keys)


def _known(opts: Options, spec: OptionSpec, flags: frozenset[str]) -> bool:
    """Whether every option given is one ``spec`` takes a value for, or one of ``flags``."""
    known = flags | spec.long_valued
    return known.issuperset(opts.flags) and known.issuperset(opts.values)


def _fields(text: str) -> dict[str, str]:
    """``type=bind,source=/x,readonly`` -> its fields (a field without ``=`` is ``""``)."""
    pairs = (item.partition("=") for item in text.split(","))
    return {key.strip().lower(): value for key, _, value in pairs}


# Options before the subcommand, of docker, podman and nerdctl together (none of their letters
# clash; an option one engine lacks makes that engine refuse the line, not do something else).
# Any other option makes the line not understood: were it to take a value, the subcommand
# would be the word after (``--x ps rm web`` removes web).
_GLOBAL = _spec(
    "cHln",
    {"context": "c", "connection": "c", "host": "H", "address": "H", "url": "H"}
    | {"log-level": "l", "namespace": "n", "debug": "D", "version": "v", "help": "h"}
    | {"remote": "r"},
    *("config", "tlscacert", "tlscert", "tlskey", "identity", "root", "runroot", "runtime"),
    *("runtime-flag", "storage-driver", "storage-opt", "cgroup-manager", "conmon", "ssh"),
    *("events-backend", "hooks-dir", "imagestore", "module", "network-cmd-path", "out"),
    *("network-config-dir", "tmpdir", "volumepath", "snapshotter", "cni-path", "data-root"),
    *("cni-netconfpath", "hosts-dir", "host-gateway-ip", "bridge-ip", "cdi-spec-dir"),
    *("cdi-spec-dirs", "db-backend", "userns-remap", "global-dns"),
    stop=True,
)
_GLOBAL_FLAGS = frozenset(
    {"D", "v", "h", "r", "tls", "tlsverify", "syslog", "transient-store", "insecure-registry"}
    | {"experimental", "debug-full", "kube-hide-dupe"}
)
# Per program: the variables naming its daemon, the host's first (docker lets it win).
_DAEMON_VARIABLES = {
    "docker": ("DOCKER_HOST", "DOCKER_CONTEXT"),
    "docker-compose": ("DOCKER_HOST", "DOCKER_CONTEXT"),
    "podman": ("CONTAINER_HOST", "CONTAINER_CONNECTION"),
    "podman-compose": ("CONTAINER_HOST", "CONTAINER_CONNECTION"),
    "nerdctl": ("CONTAINERD_ADDRESS",),
}


def _daemon(opts: Options, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The daemon the line names: a flag (docker refuses both), else a variable."""
    named = opts.value("c") or opts.value("H")
    for variable in _DAEMON_VARIABLES.get(cmd.name, ()):
        named = named or setting(cmd, ctx.env, variable)
    return named or None


@command("docker", "podman", "nerdctl")
def container_cli(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``docker [GLOBAL OPTIONS] [GROUP] VERB ARGS`` (podman and nerdctl alike)."""
    opts = parse_options(cmd.args, _GLOBAL)
    if not _known(opts, _GLOBAL, _GLOBAL_FLAGS):
        return None
    daemon = _daemon(opts, cmd, ctx)
    words = opts.rest
    if not words:  # the usage text, or --version
        return [_Call(cmd, ctx, daemon, cmd.name).effect(_E.READ, "system")]
    if words[0] == "compose":
        return _compose(cmd, ctx, words[1:], daemon, f"{cmd.name} compose")
    found = _verb(words)
    if found is None:
        return None
    verb, size = found
    call = _Call(cmd, ctx, daemon, " ".join((cmd.name, *words[:size])))
    if verb in _READS:
        return [call.effect(_E.READ, _READS[verb])]
    return _VERBS[verb](call, words[size:])


@command("docker-compose", "podman-compose")
def compose_cli(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``docker-compose [OPTIONS] VERB ARGS``: ``docker compose``'s meanings."""
    return _compose(cmd, ctx, cmd.args, None, cmd.name)


def _verb(words: Sequence[str]) -> tuple[str, int] | None:
    """The verb ``words`` start with (a management form ``container rm`` is the plain ``rm``),
    and how many words it takes."""
    for size in (2, 1):
        key = " ".join(words[:size])
        key = _SAME_AS.get(key, key)
        if key in _READS or key in _VERBS:
            return key, size
    return None


_READS = {
    **dict.fromkeys(("ps", "ls", "logs", "stats", "top", "port", "diff"), "container/*"),
    **dict.fromkeys(("container inspect", "container ps"), "container/*"),
    **dict.fromkeys(("images", "history", "search", "image inspect"), "image/*"),
    **dict.fromkeys(("version", "info", "events", "help"), "system"),
    **dict.fromkeys(("system df", "system info", "system events"), "system"),
    **dict.fromkeys(("volume ls", "volume inspect"), "volume/*"),
    **dict.fromkeys(("network ls", "network inspect"), "network/*"),
    **dict.fromkeys(("context ls", "context show", "context inspect"), "context/*"),
    "inspect": "*",  # any kind of object
}
_CONTAINER_VERBS = (
    *("logs", "stats", "top", "port", "diff", "rm", "stop", "kill", "restart", "pause"),
    *("unpause", "update", "rename", "start", "run", "create", "cp", "exec", "export", "commit"),
)
_IMAGE_VERBS = ("history", "build", "pull", "push", "load", "save", "tag", "import")
# Management forms that are a plain verb (``docker image rm`` is ``docker rmi``).
_SAME_AS = {
    **{f"container {verb}": verb for verb in _CONTAINER_VERBS},
    **{f"image {verb}": verb for verb in _IMAGE_VERBS},
    **dict.fromkeys(("container ls", "container list"), "ps"),
    **dict.fromkeys(("image ls", "image list"), "images"),
    **dict.fromkeys(("image rm", "image remove", "image rmi"), "rmi"),
    **{f"{group} remove": f"{group} rm" for group in ("volume", "network")},
    **{f"{group} list": f"{group} ls" for group in ("volume", "network", "context")},
    "container remove": "rm",
    "buildx build": "build",
    "buildx prune": "builder prune",
}


# -- removing ------------------------------------------------------------------------------

_REMOVE = _spec("t", {"force": "f", "volumes": "v", "all": "a", "time": "t"}, "filter", "cidfile")


def _remove(what: str, detail: str, call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``rm``/``rmi``/``volume rm``/``network rm`` of each operand (podman's ``--all`` and
    ``--latest``: of any)."""
    opts = parse_options(args, _REMOVE)
    names = [*opts.operands, *(["*"] if _on(opts, "a", "latest") else [])]
    if not names:
        return None
    out = call.each(_E.DELETE, what, names, detail)
    if what == "container" and _on(opts, "v"):
        lost = "its anonymous volumes: their data is lost"
        out += call.each(_E.DELETE, what, [f"{n}/volumes" for n in names], lost)
    return out


_SYSTEM = ("container/*", "network/*", "image/*", "builder/*")


def _prune(
    paths: Sequence[str], detail: str, all_detail: str, call: _Call, args: Sequence[str]
) -> list[Effect]:
    """A prune deletes what is unused of its kinds; ``-a``/``--all`` widens what is unused
    (``system prune --volumes``: the volumes too)."""
    opts = parse_options(args, _spec("", {"all": "a", "force": "f"}, "filter"))
    out = [call.effect(_E.DELETE, p, all_detail if _on(opts, "a") else detail) for p in paths]
    if paths == _SYSTEM and _on(opts, "volumes"):
        out.append(call.effect(_E.DELETE, "volume/*", "unused volumes: their data is lost"))
    return out


# -- changing containers -------------------------------------------------------------------

# Options of stop/kill/restart/start/update/...: update's all take a value.
_CHANGE = _spec(
    "tscm",
    {"time": "t", "timeout": "t", "signal": "s", "cpu-shares": "c", "memory": "m"},
    *("detach-keys", "checkpoint", "checkpoint-dir", "filter", "cidfile", "blkio-weight"),
    *("cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "cpus", "cpuset-cpus"),
    *("cpuset-mems", "memory-reservation", "memory-swap", "pids-limit", "restart"),
    "kernel-memory",
)
_CHANGES_SAID = {
    "stop": "stops it",
    "kill": "kills it (it stops)",
    "restart": "restarts it",
    "pause": "pauses it (it stops running)",
    "unpause": "resumes it",
    "update": "changes its limits or restart policy",
    "rename": "renames it",
    "start": "starts it",
}


def _change(detail: str, dash_a: bool, call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """An update of each container named; ``--all``/``--latest`` (and ``-a`` when ``dash_a``:
    podman's; to ``start`` it means attach) of any."""
    opts = parse_options(args, _CHANGE)
    every = _on(opts, "all", "latest") or (dash_a and "a" in opts.flags)
    names = [*opts.operands, *(["*"] if every else [])]
    return call.each(_E.UPDATE, "container", names, detail) or None


_EXEC = _spec(
    "eguw", {"env": "e", "user": "u", "workdir": "w"}, "env-file", "detach-keys", stop=True
)


def _exec_target(args: Sequence[str]) -> str:
    """The container (or compose service) ``exec ARGS`` runs its command in."""
    rest = parse_options(args, _EXEC).rest
    return rest[0] if rest else "?"


def _exec(call: _Call, args: Sequence[str]) -> list[Effect]:
    """``exec`` reached here (after global options): the command it runs is not understood."""
    where = _exec_target(args)
    daemon = f" on daemon {call.daemon}" if call.daemon else ""
    return [call.unknown(f"runs a command in container {where}{daemon}")]


# -- running containers --------------------------------------------------------------------

_RUN = _spec(
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


def _run(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``run``/``create IMAGE [COMMAND]``: the container (``--name``, else named by its image;
    podman's ``--replace`` replaces one), and what of the host it gets."""
    opts = parse_options(args, _RUN)
    if not opts.rest or not _known(opts, _RUN, _RUN_FLAGS):
        return None
    image = opts.rest[0]
    kind = _E.REPLACE if _on(opts, "replace") else _E.CREATE
    out = [call.effect(kind, f"container/{opts.value('name') or image}", f"from image {image}")]
    for cidfile in opts.values.get("cidfile", ()):
        path = file_path(cidfile, call.ctx)
        out.append(write_effect(path, call.cmd, call.ctx, detail="the container's id"))
    return out + _host_access(opts, call)


# Capabilities with which a container escapes to the host.
_HOST_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH"})


def _host_access(opts: Options, call: _Call) -> list[Effect]:
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
    found = ["--privileged"] if _on(opts, "privileged") else []
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


def _volume_option(spec: str, call: _Call) -> list[Effect]:
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


def _mount_option(spec: str, call: _Call) -> list[Effect]:
    """``--mount type=bind,source=S,target=T[,readonly]`` (the type is volume by default)."""
    fields = _fields(spec)
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
    if word == "~" or word.startswith("~/"):
        word = ctx.home.rstrip("/") + word[1:]
    return file_path(word, ctx) if word.startswith(("/", ".")) else None


def _named_volume(name: str, readonly: bool, how: str, call: _Call) -> list[Effect]:
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


def _bind(path: str, readonly: bool, how: str, call: _Call) -> list[Effect]:
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


# -- copying -------------------------------------------------------------------------------

_CP = _spec("", {"archive": "a", "follow-link": "L", "quiet": "q"})


def _cp(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``cp SRC DST``: one side in a container (``C:path``), the other on this host (``-``:
    a tar stream on stdin or stdout)."""
    opts = parse_options(args, _CP)
    if len(opts.operands) != 2:
        return None
    src, dst = opts.operands
    out_of, into = _in_container(src), _in_container(dst)
    if out_of and not into:
        out = call.each(_E.READ, "container", [out_of], "copies files out of it")
        if dst == "-":
            return out
        path = file_path(_home(dst, call.ctx), call.ctx)
        said = f"copied out of container {out_of}"
        out.append(write_effect(path, call.cmd, call.ctx, detail=said))
        return [*out, call.file(_E.UPDATE, directory_tree(path)[1:], said)]
    if into and not out_of:
        out = call.each(_E.UPDATE, "container", [into], "copies files into it")
        if src == "-":
            return out
        path = file_path(_home(src, call.ctx), call.ctx)
        return [*out, call.file(_E.READ, directory_tree(path), f"copied into container {into}")]
    return None  # two containers or two host paths: refused


def _in_container(word: str) -> str | None:
    """The container of ``C:path`` (as docker tells: a path never is, nor a word whose part
    before ``:`` holds a ``/``)."""
    if word.startswith(("/", ".", "~")) or ":" not in word:
        return None
    name = word.partition(":")[0]
    return name if name and "/" not in name else None


def _home(word: str, ctx: ShellContext) -> str:
    return ctx.home.rstrip("/") + word[1:] if word == "~" or word.startswith("~/") else word


# -- images --------------------------------------------------------------------------------

_BUILD = _spec(
    "tfmco",
    {"tag": "t", "file": "f", "memory": "m", "cpu-shares": "c", "output": "o", "quiet": "q"},
    *("build-arg", "target", "platform", "label", "cache-from", "cache-to", "network"),
    *("secret", "ssh", "iidfile", "progress", "builder", "add-host", "ulimit", "shm-size"),
    *("memory-swap", "cgroup-parent", "cpu-period", "cpu-quota", "cpuset-cpus", "cpuset-mems"),
    *("isolation", "build-context", "attest", "sbom", "provenance", "annotation", "allow"),
    *("metadata-file", "call", "security-opt", "authfile", "creds", "arch", "os", "variant"),
    *("format", "jobs", "layers", "volume", "runtime", "userns", "from", "manifest"),
)


def _build(call: _Call, args: Sequence[str]) -> list[Effect]:
    """``build``: creates each ``-t`` tag (untagged: ``image/*``); ``--push`` publishes them,
    ``--output`` may write this host's files, ``--iidfile``/``--metadata-file`` write one."""
    opts = parse_options(args, _BUILD)
    tags = list(opts.values.get("t", ())) or ["*"]
    out = call.each(_E.CREATE, "image", tags, "builds it")
    if _on(opts, "push"):
        out += _push_effects(call, tags)
    for spec in opts.values.get("o", ()):
        out += _build_output(spec, tags, call)
    for key in ("iidfile", "metadata-file"):
        for name in opts.values.get(key, ()):
            path = file_path(name, call.ctx)
            out.append(write_effect(path, call.cmd, call.ctx, detail=f"the build's --{key}"))
    return out


def _build_output(spec: str, tags: Sequence[str], call: _Call) -> list[Effect]:
    """``--output``: a directory or archive on this host (``PATH``, ``type=local,dest=PATH``),
    the image store, or a registry (a push); ``-``: stdout."""
    fields = _fields(spec) if "=" in spec else {"type": "local", "dest": spec}
    if fields.get("type") == "registry" or fields.get("push") in ("true", "1"):
        return _push_effects(call, tags)
    dest = fields.get("dest", "-")
    if dest != "-":
        path = file_path(dest, call.ctx)
        return [call.file(_E.UPDATE, directory_tree(path), "the build writes its output here")]
    if fields.get("type") in ("local", "tar", "docker", "image", "oci", "cacheonly"):
        return []
    return [call.unknown(f"--output {spec}: a build output not understood")]


_REGISTRY = _spec(
    "",
    {"all-tags": "a", "quiet": "q"},
    *("platform", "authfile", "creds", "cert-dir", "arch", "os", "variant", "retry"),
    *("retry-delay", "decryption-key", "format", "compression-format", "compression-level"),
    *("sign-by", "digestfile", "encryption-key", "policy"),
)


def _pull(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    refs = parse_options(args, _REGISTRY).operands
    return call.each(_E.CREATE, "image", refs, "pulled from its registry") or None


def _push(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``push REF`` (podman's ``push IMAGE DESTINATION``: both named)."""
    return _push_effects(call, parse_options(args, _REGISTRY).operands) or None


def _push_effects(call: _Call, refs: Sequence[str]) -> list[Effect]:
    return call.each(_E.UPDATE, "image", refs, "published to its registry")


def _tag(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``tag SOURCE TARGET...``: creates each target."""
    refs = parse_options(args, OptionSpec()).operands
    if len(refs) < 2:
        return None
    return call.each(_E.CREATE, "image", refs[1:], f"tags {refs[0]}")


_COMMIT = _spec(
    "acm",
    {"author": "a", "change": "c", "message": "m", "pause": "p", "quiet": "q"},
    *("platform", "format", "iidfile", "config"),
)


def _commit(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``commit CONTAINER [REF]`` / ``import FILE|URL|- [REF]``: creates REF (else an untagged
    image, ``image/*``)."""
    operands = parse_options(args, _COMMIT).operands
    if not operands:
        return None
    return call.each(_E.CREATE, "image", operands[1:2] or ["*"], f"from {operands[0]}")


_ARCHIVE = _spec("oi", {"output": "o", "input": "i", "quiet": "q"}, "format", "platform")


def _load(call: _Call, args: Sequence[str]) -> list[Effect]:
    """``load [-i FILE]``: creates the images of the archive (which ones it holds is not
    known: ``image/*``)."""
    source = parse_options(args, _ARCHIVE).value("i")
    out = call.each(_E.CREATE, "image", ["*"], f"loaded from {source or 'stdin'}")
    if source:
        out.append(call.file(_E.READ, [file_path(source, call.ctx)], "an image archive"))
    return out


def _archive(what: str, call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``save IMAGE...``/``export CONTAINER`` read them; ``-o FILE`` writes the archive there
    (else it goes to stdout)."""
    opts = parse_options(args, _ARCHIVE)
    if not opts.operands:
        return None
    out = call.each(_E.READ, what, opts.operands, "written as an archive")
    target = opts.value("o")
    if target:
        path = file_path(target, call.ctx)
        out.append(write_effect(path, call.cmd, call.ctx, detail=f"an archive of the {what}"))
    return out


# -- volumes and networks ------------------------------------------------------------------

_VOLUME_CREATE = _spec(
    "do", {"driver": "d", "opt": "o"}, *("label", "name", "scope", "sharing", "availability")
)


def _volume_create(call: _Call, args: Sequence[str]) -> list[Effect]:
    """``volume create [NAME]`` (unnamed: ``volume/*``); a ``device=`` option binds a host
    path or device into it, which is not understood."""
    opts = parse_options(args, _VOLUME_CREATE)
    names = list(opts.operands) or list(opts.values.get("name", ())) or ["*"]
    out = call.each(_E.CREATE, "volume", names, "creates the volume")
    devices = [o for o in opts.values.get("o", ()) if o.startswith("device=")]
    return out + [call.unknown(f"--opt {d}: the volume is a host path or device") for d in devices]


_NETWORK_CREATE = _spec(
    "do",
    {"driver": "d", "opt": "o"},
    *("subnet", "gateway", "ip-range", "aux-address", "label", "scope", "ipam-driver"),
    *("ipam-opt", "config-from", "interface-name", "dns", "route"),
)


def _network_create(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    names = parse_options(args, _NETWORK_CREATE).operands
    return call.each(_E.CREATE, "network", names, "creates the network") or None


_NETWORK_JOIN = _spec(
    "", {"force": "f"}, *("alias", "ip", "ip6", "link", "link-local-ip", "driver-opt")
)


def _network_join(call: _Call, args: Sequence[str]) -> list[Effect] | None:
    """``network connect|disconnect NETWORK CONTAINER``: an update of both."""
    operands = parse_options(args, _NETWORK_JOIN).operands
    if len(operands) != 2:
        return None
    network, container = operands
    said = call.operation.rsplit(" ", 1)[-1] + "s"
    return [
        call.effect(_E.UPDATE, f"network/{network}", f"{said} container {container}"),
        call.effect(_E.UPDATE, f"container/{container}", f"{said} network {network}"),
    ]


_VERBS: dict[str, Meaning] = {
    "rm": partial(_remove, "container", "removes the container"),
    "rmi": partial(_remove, "image", "removes the image"),
    "volume rm": partial(_remove, "volume", "removes the volume: the data in it is lost"),
    "network rm": partial(_remove, "network", "removes the network"),
    "system prune": partial(
        _prune,
        _SYSTEM,
        "stopped containers, unused networks, dangling images (only) and build cache",
        "stopped containers, unused networks, every unused image (-a) and build cache",
    ),
    "container prune": partial(
        _prune, ("container/*",), "stopped containers", "stopped containers"
    ),
    "image prune": partial(_prune, ("image/*",), "dangling images", "every unused image (-a)"),
    "volume prune": partial(
        _prune,
        ("volume/*",),
        "unused volumes (docker: anonymous ones only): their data is lost",
        "every unused volume (-a): their data is lost",
    ),
    "network prune": partial(_prune, ("network/*",), "unused networks", "unused networks"),
    "builder prune": partial(_prune, ("builder/*",), "dangling build cache", "all build cache"),
    **{verb: partial(_change, said, verb != "start") for verb, said in _CHANGES_SAID.items()},
    "run": _run,
    "create": _run,
    "exec": _exec,
    "cp": _cp,
    "build": _build,
    "pull": _pull,
    "push": _push,
    "tag": _tag,
    "commit": _commit,
    "import": _commit,
    "load": _load,
    "save": partial(_archive, "image"),
    "export": partial(_archive, "container"),
    "volume create": _volume_create,
    "network create": _network_create,
    "network connect": _network_join,
    "network disconnect": _network_join,
}


# -- compose -------------------------------------------------------------------------------

# Options before the verb, of compose (and docker-compose 1's, podman-compose's): any other
# one makes the line not understood, as for docker's.
_COMPOSE = _spec(
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
_COMPOSE_VERB = _spec(
    "t",
    {"volumes": "v", "timeout": "t", "renew-anon-volumes": "V", "stop": "s", "force": "f"},
    *("rmi", "scale", "pull", "wait-timeout", "index", "exit-code-from", "attach", "no-attach"),
)
_COMPOSE_READS = frozenset(
    {"ps", "logs", "config", "ls", "images", "top", "version", "port", "events"}
)
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


def _compose(
    cmd: SimpleCommand, ctx: ShellContext, args: Sequence[str], daemon: str | None, program: str
) -> list[Effect] | None:
    """``[docker] compose [OPTIONS] VERB ARGS`` on the project (``daemon``: docker's)."""
    opts = parse_options(args, _COMPOSE)
    if not opts.rest or not _known(opts, _COMPOSE, _COMPOSE_FLAGS):
        return None
    verb, rest = opts.rest[0], opts.rest[1:]
    call = _Call(cmd, ctx, daemon or _daemon(opts, cmd, ctx), f"{program} {verb}")
    name = _project(opts, cmd, ctx)
    project = f"compose/{name}"
    if verb in _COMPOSE_READS:
        return [call.effect(_E.READ, "compose/*" if verb == "ls" else project)]
    if verb == "run":
        return _compose_run(project, rest, call)
    if verb == "exec":
        service = _exec_target(rest)
        return [call.unknown(f"runs a command in service {service} of project {name}")]
    opts = parse_options(rest, _COMPOSE_VERB)
    if verb == "down":
        return _compose_down(project, opts, call)
    if verb == "rm":
        said = (
            "stops and removes its containers"
            if _on(opts, "s")
            else "removes its stopped containers"
        )
        out = [call.effect(_E.DELETE, project, said)]
        return out + _compose_volumes(project, _on(opts, "v"), "anonymous volumes", call)
    if verb not in _COMPOSE_SAID:
        return None
    kind, said = _COMPOSE_SAID[verb]
    renewed = verb == "up" and _on(opts, "V")
    recreated = _compose_volumes(project, renewed, "anonymous volumes are recreated", call)
    return [call.effect(kind, project, said), *recreated]


def _compose_down(project: str, opts: Options, call: _Call) -> list[Effect]:
    """``down``: the project's containers and networks; ``-v`` its volumes, ``--rmi`` its
    images."""
    out = [call.effect(_E.DELETE, project, "removes the project's containers and networks")]
    out += _compose_volumes(project, _on(opts, "v"), "the project's data volumes", call)
    images = opts.value("rmi")
    if images in ("all", "local"):
        out.append(call.effect(_E.DELETE, f"{project}/image/*", f"--rmi {images}: its images"))
    return out


def _compose_volumes(project: str, lost: bool, which: str, call: _Call) -> list[Effect]:
    if not lost:
        return []
    return [call.effect(_E.DELETE, f"{project}/volume/*", f"{which}: their data is lost")]


_COMPOSE_RUN = _spec(
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


def _compose_run(project: str, args: Sequence[str], call: _Call) -> list[Effect] | None:
    """``run [OPTIONS] SERVICE [COMMAND]``: a one-off container of the service, with the
    mounts and capabilities the line gives it (the command is the image's business)."""
    opts = parse_options(args, _COMPOSE_RUN)
    if not opts.rest or not _known(opts, _COMPOSE_RUN, _COMPOSE_RUN_FLAGS):
        return None
    said = f"runs a one-off container of service {opts.rest[0]}"
    return [call.effect(_E.UPDATE, project, said), *_host_access(opts, call)]


def _project(opts: Options, cmd: SimpleCommand, ctx: ShellContext) -> str:
    """The compose project's name (see the module's docstring)."""
    named = opts.value("p") or setting(cmd, ctx.env, "COMPOSE_PROJECT_NAME")
    if named:
        return named.lower()
    files = [f for f in opts.values.get("f", ()) if f != "-"]
    files = files or (setting(cmd, ctx.env, "COMPOSE_FILE") or "").split(":")
    directory = opts.value("project-directory")
    if directory:
        folder = file_path(directory, ctx)
    elif files[0]:
        folder = posixpath.dirname(file_path(files[0], ctx))
    else:
        folder = ctx.cwd
    valid = re.sub(r"[^a-z0-9_-]", "", posixpath.basename(folder).lower()).lstrip("_-")
    return valid or "*"
