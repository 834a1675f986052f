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
  of the folder compose finds its file in (the working directory or one above it), made a
  valid name as compose does (lower case, ``[a-z0-9_-]``);
  a ``name:`` in the compose file comes before the folders (:mod:`._compose`).
- When the line names the daemon (``--context``/``-c``, ``-H``/``--host``; else the program's
  variables: ``DOCKER_HOST``/``DOCKER_CONTEXT`` for docker and docker-compose,
  ``CONTAINER_HOST``/``CONTAINER_CONNECTION`` for podman, ``CONTAINERD_ADDRESS`` for nerdctl),
  each resource has a second name ``docker:<context or host>/<kind>/<name>`` (so that
  ``*prod*`` tells the environment by daemon too), and the detail says so. So does docker's
  current context (``currentContext`` in ``config.json`` under ``DOCKER_CONFIG`` or
  ``~/.docker``, which ``docker context use`` writes), and podman's ``--remote`` alone
  (``docker:default-connection/…``). A daemon of another machine lands where the line tells,
  never where this session's cloud hints point (:mod:`._container_call`).

Meanings: reads name the kind they look at (``docker logs web`` reads ``docker:container/*``),
not each object. Removals and prunes delete; stop/kill/start/... update each container.
``run``/``create`` create the container and give it the host paths it mounts: a bind mount is
an update of ``file:SRC`` and everything under it (a read when read-only), a named volume an
update of the volume. A container that gets the host itself -- ``--privileged``,
``--pid=host``, ``--cap-add`` of a capability that escapes, a disk device, a writable bind of
``/`` or a home directory, the engine's socket or a directory holding it (read-only too: a
socket works through a read-only mount) -- adds an ``unknown`` effect: it can do anything to the
host. The command given after the image (``run``, ``create``, compose's ``run``) and the
``--health-cmd`` are understood in the container, each file they change named where it lands:
through a bind mount, this host's; through ``--privileged`` or ``--device``, this host's
devices (:mod:`._container_command`); what the image runs by itself is its business. Compose's
``up``/``create``/``start``/``restart``/``run`` judge each service as that ``docker run``
(:mod:`._compose_services`). A ``run``
option not known here makes the line not understood: a value taken for the image would hide
the options after it. Building, pulling, loading, tagging and committing create an image (a
build's ``-v`` mounts are this host's files as ``run``'s are; ``--allow security.insecure``
gets the host),
pushing updates it; files written on this host (``save -o``, ``cp`` out of a container, a
build's ``--output``) are file effects. ``exec`` reached here (after global options; the plain
form is unwrapped as a wrapper, its effects not judged by this session's cloud hints:
:mod:`._elsewhere`) runs a command not understood: unknown. A change to a name
decided at run time (``docker rm $C``) is unknown, as for files. Any other form (``login``,
``swarm``, podman's ``pod``...) is not understood. Which daemon is current -- ``context use``,
podman's ``system connection default`` -- and the contexts themselves:
:mod:`._container_contexts`.
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
    option_spec,
)
from keyturn.understand.shell.commands._container_contexts import (
    connection_add,
    connection_default,
    connection_rename,
    connection_rm,
    context_export,
    context_import,
    context_rm,
    context_set,
    context_use,
)
from keyturn.understand.shell.commands._container_images import (
    archive,
    build,
    commit,
    load,
    pull,
    push,
    tag,
)
from keyturn.understand.shell.commands._container_lifecycle import (
    CHANGES_SAID,
    SYSTEM_KINDS,
    change,
    cp,
    exec_in_container,
    prune,
    remove,
    run,
)
from keyturn.understand.shell.commands._container_settings_read import (
    programs_named,
    settings_read,
)
from keyturn.understand.shell.commands._container_volumes_networks import (
    network_create,
    network_join,
    volume_create,
)
from keyturn.understand.shell.flags import Options, parse_options
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
    """``docker [GLOBAL OPTIONS] [GROUP] VERB ARGS`` (podman and nerdctl alike), with the
    settings its line points it to and the programs its options name
    (:mod:`._container_settings_read`)."""
    opts = parse_options(cmd.args, _GLOBAL)
    if not all_known(opts, _GLOBAL, _GLOBAL_FLAGS):
        return None
    found = _meaning(cmd, ctx, opts)
    if found is None:
        return None
    return [*found, *settings_read(cmd, ctx, opts), *programs_named(cmd, ctx, opts)]


def _meaning(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> list[Effect] | None:
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
    found = compose(cmd, ctx, cmd.args, None, cmd.name)
    return None if found is None else [*found, *settings_read(cmd, ctx, None)]


def _verb(words: Sequence[str]) -> tuple[str, int] | None:
    """The verb ``words`` start with (a management form ``container rm`` is the plain ``rm``),
    and how many words it takes."""
    for size in (3, 2, 1):
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
    "system connection list": "context/*",
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
    "context remove": "context rm",
    "system connection ls": "system connection list",
    "system connection rm": "system connection remove",
    "system connection mv": "system connection rename",
    "buildx build": "build",
    "buildx prune": "builder prune",
}


_VERBS: dict[str, Meaning] = {
    "rm": partial(remove, "container", "removes the container"),
    "rmi": partial(remove, "image", "removes the image"),
    "volume rm": partial(remove, "volume", "removes the volume: the data in it is lost"),
    "network rm": partial(remove, "network", "removes the network"),
    "system prune": partial(
        prune,
        SYSTEM_KINDS,
        "stopped containers, unused networks, dangling images (only) and build cache",
        "stopped containers, unused networks, every unused image (-a) and build cache",
    ),
    "container prune": partial(prune, ("container/*",), "stopped containers", "stopped containers"),
    "image prune": partial(prune, ("image/*",), "dangling images", "every unused image (-a)"),
    "volume prune": partial(
        prune,
        ("volume/*",),
        "unused volumes (docker: anonymous ones only): their data is lost",
        "every unused volume (-a): their data is lost",
    ),
    "network prune": partial(prune, ("network/*",), "unused networks", "unused networks"),
    "builder prune": partial(prune, ("builder/*",), "dangling build cache", "all build cache"),
    **{verb: partial(change, said, verb != "start") for verb, said in CHANGES_SAID.items()},
    "run": run,
    "create": run,
    "exec": exec_in_container,
    "cp": cp,
    "build": build,
    "pull": pull,
    "push": push,
    "tag": tag,
    "commit": commit,
    "import": commit,
    "load": load,
    "save": partial(archive, "image"),
    "export": partial(archive, "container"),
    "volume create": volume_create,
    "network create": network_create,
    "network connect": network_join,
    "network disconnect": network_join,
    "context use": context_use,
    "context create": context_set,
    "context update": context_set,
    "context rm": context_rm,
    "context import": context_import,
    "context export": context_export,
    "system connection default": connection_default,
    "system connection add": connection_add,
    "system connection remove": connection_rm,
    "system connection rename": connection_rename,
}
