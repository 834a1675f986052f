"""What the container command lines share: the invocation being understood (its daemon
and the effects it names), option specs and the daemon a line names.

A daemon on another machine (:func:`._elsewhere.local_daemon`) holds its containers, volumes
and the files its containers mount there: their effects take the target of another machine
(:func:`._server_target.server_target`), not this session's cloud hints, and the files are also
named on that daemon (``docker:ssh://db/file:/srv``). A docker context is this machine's when
its endpoint is a local socket (:func:`daemon_here`). What the CLI itself reads or writes here
(``cp``'s side on this host, ``--cidfile``, a build's ``--output``) stays this machine's."""

from __future__ import annotations

import hashlib
import json
import posixpath
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._elsewhere import local_daemon
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.effects import (
    file_effect,
    home_path,
    local_target,
    named_in,
    unknown_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_E = EffectKind
# Kinds that change what exists: on a name decided at run time they are unknown.
_CHANGES = frozenset({_E.UPDATE, _E.DELETE, _E.REPLACE})


@dataclass(frozen=True, slots=True)
class ContainerCall:
    """One container CLI invocation being understood: the daemon it talks to (``None``: the
    default one), the operation shown to people (``docker volume rm``), and whether the
    daemon is this machine's (:func:`daemon_here`)."""

    cmd: SimpleCommand
    ctx: ShellContext
    daemon: str | None
    operation: str
    here: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "here", daemon_here(self.daemon, self.cmd, self.ctx))

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
            target=self.target(),
            service="docker",
            command=self.cmd.text or None,
            operation=self.operation,
            detail="; ".join(n for n in notes if n),
        )

    def each(self, kind: EffectKind, what: str, names: Sequence[str], detail: str) -> list[Effect]:
        """One effect per name of the kind ``what`` (``volume``)."""
        return [self.effect(kind, f"{what}/{name}", detail) for name in names]

    def target(self) -> Target:
        """Where the daemon's effects land: this machine's, or another's (the docstring)."""
        return local_target(self.ctx) if self.here else server_target(self.ctx)

    def unknown(self, reason: str) -> Effect:
        """What the daemon would do, not understood."""
        return self.on_daemon(unknown_effect(self.cmd, reason, self.ctx))

    def file(
        self, kind: EffectKind, paths: Sequence[str], detail: str, service: str = "file"
    ) -> Effect:
        """An effect on this machine's files (the CLI's side). ``service="docker"``: a
        setting the CLI writes itself, judged by its own effect (``currentContext``), not as a
        raw write of its settings file (:mod:`keyturn.understand.runs_later`)."""
        return file_effect(kind, paths, self.cmd, self.ctx, detail=detail, service=service)

    def daemon_file(self, kind: EffectKind, paths: Sequence[str], detail: str) -> Effect:
        """An effect on the files of the daemon's machine (a bind mount's)."""
        return self.on_daemon(file_effect(kind, paths, self.cmd, self.ctx, detail=detail))

    def on_daemon(self, effect: Effect) -> Effect:
        """``effect``, of something the daemon does, where it lands: on another machine, with
        that machine's target and its files also named on the daemon."""
        if self.here:
            return effect
        return evolve(named_in(effect, [f"docker:{self.daemon}"]), target=self.target())

    def _run_time(self, names: Sequence[str]) -> bool:
        # Compose lower-cases the project, so compare without case.
        argv = self.cmd.argv
        words = [argv[i].lower() for i in self.cmd.dynamic_words if 0 < i < len(argv)]
        return any(w and w in n.lower() for w in words for n in names)


Meaning = Callable[[ContainerCall, Sequence[str]], list[Effect] | None]


def option_spec(valued: str, long: dict[str, str], *names: str, stop: bool = False) -> OptionSpec:
    """An option spec: the short letters taking a value, long name -> key, the other keys
    taking a value; ``stop``: options end at the first operand."""
    return OptionSpec(
        valued=valued,
        long=long,
        long_valued=frozenset(valued) | frozenset(names),
        stop_at_operand=stop,
    )


def all_known(opts: Options, spec: OptionSpec, flags: frozenset[str]) -> bool:
    """Whether every option given is one ``spec`` takes a value for, or one of ``flags``."""
    known = flags | spec.long_valued
    return known.issuperset(opts.flags) and known.issuperset(opts.values)


def mount_fields(text: str) -> dict[str, str]:
    """``type=bind,source=/x,readonly`` -> its fields (a field without ``=`` is ``""``)."""
    pairs = (item.partition("=") for item in text.split(","))
    return {key.strip().lower(): value for key, _, value in pairs}


# Per program: the variables naming its daemon, the host's first (docker lets it win).
_DAEMON_VARIABLES = {
    "docker": ("DOCKER_HOST", "DOCKER_CONTEXT"),
    "docker-compose": ("DOCKER_HOST", "DOCKER_CONTEXT"),
    "podman": ("CONTAINER_HOST", "CONTAINER_CONNECTION"),
    "podman-compose": ("CONTAINER_HOST", "CONTAINER_CONNECTION"),
    "nerdctl": ("CONTAINERD_ADDRESS",),
}


# podman's ``--remote`` without a connection named, and no default one told: another machine
# as far as the line tells.
DEFAULT_CONNECTION = "default-connection"
# The docker CLI's settings folder when neither ``--config`` nor DOCKER_CONFIG moves it.
_DOCKER_CONFIG = "~/.docker"
_CONFIG_LIMIT = 1_000_000
# The daemon named by a settings file the line rewrote in a way not known, or not read alike.
CONTEXT_NOT_KNOWN = "(decided at run time)"
# docker's own options before the subcommand (docker/cli ``cli/flags/options.go``), to find
# ``--config``: docker refuses any other one, so nothing runs then.
_DOCKER_GLOBAL = option_spec(
    "cHl",
    {"context": "c", "host": "H", "log-level": "l", "debug": "D", "version": "v", "help": "h"},
    *("config", "tlscacert", "tlscert", "tlskey"),
    stop=True,
)


def daemon_of(opts: Options, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The daemon the line names: a flag (docker refuses both), else a variable, else (docker)
    the current context of the CLI's settings (``docker context use`` writes it), else
    (podman) its default connection when ``--remote`` or containers.conf makes it remote."""
    named = opts.value("c") or opts.value("H")
    for variable in _DAEMON_VARIABLES.get(cmd.name, ()):
        named = named or setting(cmd, ctx.env, variable)
    if not named and cmd.name in ("podman", "podman-compose"):
        # podman is remote when either variable is set at all, even to nothing.
        told = any(setting(cmd, ctx.env, v) is not None for v in _DAEMON_VARIABLES[cmd.name])
        named = _podman_default(cmd, ctx, remote=opts.on("r") or told)
    if not named and cmd.name in ("docker", "docker-compose"):
        named = _current_context(cmd, ctx)
    return named or None


def daemon_here(daemon: str | None, cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether the daemon is this machine's: named so (:func:`._elsewhere.local_daemon`), or
    a docker context whose endpoint is a local socket (Docker Desktop's ``desktop-linux``,
    ``rootless``): its ``meta.json`` under the CLI's settings, in a folder named by the
    SHA-256 of the context's name (docker/cli's context store)."""
    if local_daemon(daemon):
        return True
    if daemon is None or "://" in daemon or cmd.name not in ("docker", "docker-compose"):
        return False
    digest = hashlib.sha256(daemon.encode()).hexdigest()
    path = f"{docker_folder(cmd, ctx)}/contexts/meta/{digest}/meta.json"
    text = one_text_on_line(path, ctx, limit=_CONFIG_LIMIT)
    try:
        meta = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return False
    endpoints = meta.get("Endpoints") if isinstance(meta, dict) else None
    docker = endpoints.get("docker") if isinstance(endpoints, dict) else None
    host = docker.get("Host") if isinstance(docker, dict) else None
    return isinstance(host, str) and host.startswith(("unix://", "npipe://"))


def docker_folder(cmd: SimpleCommand, ctx: ShellContext) -> str:
    """The docker CLI's settings folder, absolute: ``docker --config DIR`` (before the
    subcommand; it wins over the variable), else DOCKER_CONFIG, else ``~/.docker``."""
    given = None
    if cmd.name == "docker":
        given = parse_options(cmd.args, _DOCKER_GLOBAL).value("config")
    folder = given or setting(cmd, ctx.env, "DOCKER_CONFIG") or _DOCKER_CONFIG
    return home_path(folder, ctx).rstrip("/")


# The containers.conf files podman reads when CONTAINERS_CONF does not name its only one
# (containers.conf(5)), the user's last; their drop-in folders (``containers.conf.d``) are not
# listed here.
_PODMAN_SYSTEM_CONFS = ("/usr/share/containers/containers.conf", "/etc/containers/containers.conf")


def _podman_default(cmd: SimpleCommand, ctx: ShellContext, *, remote: bool) -> str | None:
    """podman's daemon when the line names none: ``None`` for this machine's, unless
    ``--remote`` (any value but false) or ``remote = true`` in a containers.conf it reads makes
    it remote (podman(1)); then the default connection: podman-connections.json's ``Default``,
    else containers.conf's ``active_service`` (containers/common ``GetConnection``), else
    :data:`DEFAULT_CONNECTION`. A settings file the line changed in a way not known, or podman
    would not read: not told (another machine)."""
    engine = _podman_engine(cmd, ctx)
    if engine is None:
        return CONTEXT_NOT_KNOWN
    if not remote and engine.get("remote") is not True:
        return None
    known, text = _settings_text(podman_connections_file(cmd, ctx), ctx)
    try:
        connections = json.loads(text) if text is not None else {}
    except (ValueError, RecursionError):
        return CONTEXT_NOT_KNOWN  # podman refuses it: nothing runs
    if not known or not isinstance(connections, dict):
        return CONTEXT_NOT_KNOWN
    chosen = connections.get("Connection")
    default = chosen.get("Default") if isinstance(chosen, dict) else None
    named = default or engine.get("active_service")
    return named if isinstance(named, str) and named else DEFAULT_CONNECTION


def _podman_engine(cmd: SimpleCommand, ctx: ShellContext) -> dict[str, object] | None:
    """The ``[engine]`` table of the containers.conf files podman reads (CONTAINERS_CONF
    alone, else the system's and the user's; CONTAINERS_CONF_OVERRIDE last), later over
    earlier -- but ``remote = true`` in any of them is kept, the stricter reading; ``None``:
    one is not read here."""
    only = setting(cmd, ctx.env, "CONTAINERS_CONF")
    paths = [only] if only else [*_PODMAN_SYSTEM_CONFS, podman_user_conf(cmd, ctx)]
    paths.append(setting(cmd, ctx.env, "CONTAINERS_CONF_OVERRIDE") or "")
    engine: dict[str, object] = {}
    for path in filter(None, paths):
        known, text = _settings_text(home_path(path, ctx), ctx)
        if not known:
            return None
        try:
            table = tomllib.loads(text).get("engine", {}) if text is not None else {}
        except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
            return None  # podman refuses it: nothing runs
        if not isinstance(table, dict) or table.get("remote", False) not in (True, False):
            return None
        remote = engine.get("remote") is True or table.get("remote") is True
        engine = {**engine, **table, "remote": remote}
    return engine


def podman_connections_file(cmd: SimpleCommand, ctx: ShellContext) -> str:
    """podman 5's list of connections and its default: PODMAN_CONNECTIONS_CONF, else
    ``podman-connections.json`` beside the user's containers.conf."""
    folder = posixpath.dirname(podman_user_conf(cmd, ctx))
    path = setting(cmd, ctx.env, "PODMAN_CONNECTIONS_CONF") or f"{folder}/podman-connections.json"
    return home_path(path, ctx)


def podman_user_conf(cmd: SimpleCommand, ctx: ShellContext) -> str:
    """The user's containers.conf: under XDG_CONFIG_HOME, else ``~/.config``."""
    base = setting(cmd, ctx.env, "XDG_CONFIG_HOME") or f"{ctx.home.rstrip('/')}/.config"
    return home_path(f"{base.rstrip('/')}/containers/containers.conf", ctx)


def _settings_text(path: str, ctx: ShellContext) -> tuple[bool, str | None]:
    """(whether it is known, the text) of a settings file as the line leaves it: the text
    ``None`` when the file is not there; not known when the line changed it in a way not
    known."""
    text = one_text_on_line(path, ctx, limit=_CONFIG_LIMIT)
    if text is None and ctx.written and written_text(ctx.written, path)[0]:
        return False, None
    return True, text


def _current_context(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """``currentContext`` of the docker CLI's ``config.json`` (:func:`docker_folder`) as the
    line leaves it; ``None`` for the default context or no file."""
    known, text = _settings_text(f"{docker_folder(cmd, ctx)}/config.json", ctx)
    if text is None:
        return None if known else CONTEXT_NOT_KNOWN
    try:
        settings = json.loads(text)
    except (ValueError, RecursionError):
        return None  # docker refuses to run with it
    context = settings.get("currentContext") if isinstance(settings, dict) else None
    if not isinstance(context, str) or context in ("", "default"):
        return None
    return context


_EXEC = option_spec(
    "eguw", {"env": "e", "user": "u", "workdir": "w"}, "env-file", "detach-keys", stop=True
)


def exec_target(args: Sequence[str]) -> str:
    """The container (or compose service) ``exec ARGS`` runs its command in."""
    rest = parse_options(args, _EXEC).rest
    return rest[0] if rest else "?"
