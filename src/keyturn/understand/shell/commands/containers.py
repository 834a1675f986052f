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

from collections.abc import Sequence
from functools import partial

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._compose import compose
from keyturn.understand.shell.commands._container_call import (
    ContainerCall,
    Meaning,
    all_known,
    daemon_of,
    exec_target,
    mount_fields,
    option_spec,
)
from keyturn.understand.shell.commands._container_mounts import host_access
from keyturn.understand.shell.effects import (
    directory_tree,
    file_path,
    home_path,
    write_effect,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind


# Options before the subcommand, of docker, podman and nerdctl together (none of their letters
# clash; an option one engine lacks makes that engine refuse the line, not do something else).
# Any other option makes the line not understood: were it to take a value, the subcommand
# would be the word after (``--x ps rm web`` removes web).
_GLOBAL = option_spec(
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


@command("docker", "podman", "nerdctl")
def container_cli(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``docker [GLOBAL OPTIONS] [GROUP] VERB ARGS`` (podman and nerdctl alike)."""
    opts = parse_options(cmd.args, _GLOBAL)
    if not all_known(opts, _GLOBAL, _GLOBAL_FLAGS):
        return None
    daemon = daemon_of(opts, cmd, ctx)
    words = opts.rest
    if not words:  # the usage text, or --version
        return [ContainerCall(cmd, ctx, daemon, cmd.name).effect(_E.READ, "system")]
    if words[0] == "compose":
        return compose(cmd, ctx, words[1:], daemon, f"{cmd.name} compose")
    found = _verb(words)
    if found is None:
        return None
    verb, size = found
    call = ContainerCall(cmd, ctx, daemon, " ".join((cmd.name, *words[:size])))
    if verb in _READS:
        return [call.effect(_E.READ, _READS[verb])]
    return _VERBS[verb](call, words[size:])


@command("docker-compose", "podman-compose")
def compose_cli(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``docker-compose [OPTIONS] VERB ARGS``: ``docker compose``'s meanings."""
    return compose(cmd, ctx, cmd.args, None, cmd.name)


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

_REMOVE = option_spec(
    "t", {"force": "f", "volumes": "v", "all": "a", "time": "t"}, "filter", "cidfile"
)


def _remove(
    what: str, detail: str, call: ContainerCall, args: Sequence[str]
) -> list[Effect] | None:
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


_SYSTEM = ("container/*", "network/*", "image/*", "builder/*")


def _prune(
    paths: Sequence[str], detail: str, all_detail: str, call: ContainerCall, args: Sequence[str]
) -> list[Effect]:
    """A prune deletes what is unused of its kinds; ``-a``/``--all`` widens what is unused
    (``system prune --volumes``: the volumes too)."""
    opts = parse_options(args, option_spec("", {"all": "a", "force": "f"}, "filter"))
    out = [call.effect(_E.DELETE, p, all_detail if opts.on("a") else detail) for p in paths]
    if paths == _SYSTEM and opts.on("volumes"):
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


def _change(
    detail: str, dash_a: bool, call: ContainerCall, args: Sequence[str]
) -> list[Effect] | None:
    """An update of each container named; ``--all``/``--latest`` (and ``-a`` when ``dash_a``:
    podman's; to ``start`` it means attach) of any."""
    opts = parse_options(args, _CHANGE)
    every = opts.on("all", "latest") or (dash_a and "a" in opts.flags)
    names = [*opts.operands, *(["*"] if every else [])]
    return call.each(_E.UPDATE, "container", names, detail) or None


def _exec(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
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


def _run(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``run``/``create IMAGE [COMMAND]``: the container (``--name``, else named by its image;
    podman's ``--replace`` replaces one), and what of the host it gets."""
    opts = parse_options(args, _RUN)
    if not opts.rest or not all_known(opts, _RUN, _RUN_FLAGS):
        return None
    image = opts.rest[0]
    kind = _E.REPLACE if opts.on("replace") else _E.CREATE
    out = [call.effect(kind, f"container/{opts.value('name') or image}", f"from image {image}")]
    for cidfile in opts.values.get("cidfile", ()):
        path = file_path(cidfile, call.ctx)
        out.append(write_effect(path, call.cmd, call.ctx, detail="the container's id"))
    return out + host_access(opts, call)


# -- copying -------------------------------------------------------------------------------

_CP = option_spec("", {"archive": "a", "follow-link": "L", "quiet": "q"})


def _cp(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
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
        path = home_path(dst, call.ctx)
        said = f"copied out of container {out_of}"
        out.append(write_effect(path, call.cmd, call.ctx, detail=said))
        return [*out, call.file(_E.UPDATE, directory_tree(path)[1:], said)]
    if into and not out_of:
        out = call.each(_E.UPDATE, "container", [into], "copies files into it")
        if src == "-":
            return out
        path = home_path(src, call.ctx)
        return [*out, call.file(_E.READ, directory_tree(path), f"copied into container {into}")]
    return None  # two containers or two host paths: refused


def _in_container(word: str) -> str | None:
    """The container of ``C:path`` (as docker tells: a path never is, nor a word whose part
    before ``:`` holds a ``/``)."""
    if word.startswith(("/", ".", "~")) or ":" not in word:
        return None
    name = word.partition(":")[0]
    return name if name and "/" not in name else None


# -- images --------------------------------------------------------------------------------

_BUILD = option_spec(
    "tfmco",
    {"tag": "t", "file": "f", "memory": "m", "cpu-shares": "c", "output": "o", "quiet": "q"},
    *("build-arg", "target", "platform", "label", "cache-from", "cache-to", "network"),
    *("secret", "ssh", "iidfile", "progress", "builder", "add-host", "ulimit", "shm-size"),
    *("memory-swap", "cgroup-parent", "cpu-period", "cpu-quota", "cpuset-cpus", "cpuset-mems"),
    *("isolation", "build-context", "attest", "sbom", "provenance", "annotation", "allow"),
    *("metadata-file", "call", "security-opt", "authfile", "creds", "arch", "os", "variant"),
    *("format", "jobs", "layers", "volume", "runtime", "userns", "from", "manifest"),
)


def _build(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``build``: creates each ``-t`` tag (untagged: ``image/*``); ``--push`` publishes them,
    ``--output`` may write this host's files, ``--iidfile``/``--metadata-file`` write one."""
    opts = parse_options(args, _BUILD)
    tags = list(opts.values.get("t", ())) or ["*"]
    out = call.each(_E.CREATE, "image", tags, "builds it")
    if opts.on("push"):
        out += _push_effects(call, tags)
    for spec in opts.values.get("o", ()):
        out += _build_output(spec, tags, call)
    for key in ("iidfile", "metadata-file"):
        for name in opts.values.get(key, ()):
            path = file_path(name, call.ctx)
            out.append(write_effect(path, call.cmd, call.ctx, detail=f"the build's --{key}"))
    return out


def _build_output(spec: str, tags: Sequence[str], call: ContainerCall) -> list[Effect]:
    """``--output``: a directory or archive on this host (``PATH``, ``type=local,dest=PATH``),
    the image store, or a registry (a push); ``-``: stdout."""
    fields = mount_fields(spec) if "=" in spec else {"type": "local", "dest": spec}
    if fields.get("type") == "registry" or fields.get("push") in ("true", "1"):
        return _push_effects(call, tags)
    dest = fields.get("dest", "-")
    if dest != "-":
        path = file_path(dest, call.ctx)
        return [call.file(_E.UPDATE, directory_tree(path), "the build writes its output here")]
    if fields.get("type") in ("local", "tar", "docker", "image", "oci", "cacheonly"):
        return []
    return [call.unknown(f"--output {spec}: a build output not understood")]


_REGISTRY = option_spec(
    "",
    {"all-tags": "a", "quiet": "q"},
    *("platform", "authfile", "creds", "cert-dir", "arch", "os", "variant", "retry"),
    *("retry-delay", "decryption-key", "format", "compression-format", "compression-level"),
    *("sign-by", "digestfile", "encryption-key", "policy"),
)


def _pull(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    refs = parse_options(args, _REGISTRY).operands
    return call.each(_E.CREATE, "image", refs, "pulled from its registry") or None


def _push(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``push REF`` (podman's ``push IMAGE DESTINATION``: both named)."""
    return _push_effects(call, parse_options(args, _REGISTRY).operands) or None


def _push_effects(call: ContainerCall, refs: Sequence[str]) -> list[Effect]:
    return call.each(_E.UPDATE, "image", refs, "published to its registry")


def _tag(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``tag SOURCE TARGET...``: creates each target."""
    refs = parse_options(args, OptionSpec()).operands
    if len(refs) < 2:
        return None
    return call.each(_E.CREATE, "image", refs[1:], f"tags {refs[0]}")


_COMMIT = option_spec(
    "acm",
    {"author": "a", "change": "c", "message": "m", "pause": "p", "quiet": "q"},
    *("platform", "format", "iidfile", "config"),
)


def _commit(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``commit CONTAINER [REF]`` / ``import FILE|URL|- [REF]``: creates REF (else an untagged
    image, ``image/*``)."""
    operands = parse_options(args, _COMMIT).operands
    if not operands:
        return None
    return call.each(_E.CREATE, "image", operands[1:2] or ["*"], f"from {operands[0]}")


_ARCHIVE = option_spec("oi", {"output": "o", "input": "i", "quiet": "q"}, "format", "platform")


def _load(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``load [-i FILE]``: creates the images of the archive (which ones it holds is not
    known: ``image/*``)."""
    source = parse_options(args, _ARCHIVE).value("i")
    out = call.each(_E.CREATE, "image", ["*"], f"loaded from {source or 'stdin'}")
    if source:
        out.append(call.file(_E.READ, [file_path(source, call.ctx)], "an image archive"))
    return out


def _archive(what: str, call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
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

_VOLUME_CREATE = option_spec(
    "do", {"driver": "d", "opt": "o"}, *("label", "name", "scope", "sharing", "availability")
)


def _volume_create(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``volume create [NAME]`` (unnamed: ``volume/*``); a ``device=`` option binds a host
    path or device into it, which is not understood."""
    opts = parse_options(args, _VOLUME_CREATE)
    names = list(opts.operands) or list(opts.values.get("name", ())) or ["*"]
    out = call.each(_E.CREATE, "volume", names, "creates the volume")
    devices = [o for o in opts.values.get("o", ()) if o.startswith("device=")]
    return out + [call.unknown(f"--opt {d}: the volume is a host path or device") for d in devices]


_NETWORK_CREATE = option_spec(
    "do",
    {"driver": "d", "opt": "o"},
    *("subnet", "gateway", "ip-range", "aux-address", "label", "scope", "ipam-driver"),
    *("ipam-opt", "config-from", "interface-name", "dns", "route"),
)


def _network_create(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    names = parse_options(args, _NETWORK_CREATE).operands
    return call.each(_E.CREATE, "network", names, "creates the network") or None


_NETWORK_JOIN = option_spec(
    "", {"force": "f"}, *("alias", "ip", "ip6", "link", "link-local-ip", "driver-opt")
)


def _network_join(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
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
