"""Fly.io's command line, ``flyctl`` (also installed as ``fly``).

Names: ``fly:<app>`` for an app and under it ``/machine/<id>``, ``/volume/<id>``,
``/secret/<NAME>``, ``/certificate/<host>``, ``/ip/<address>``, ``/database/<name>``; a
managed Postgres cluster is ``fly:mpg/<id>``. The app is ``-a/--app``, else ``FLY_APP``, else
``app = "..."`` in the config file (``-c/--config``, else ``./fly.toml``), else ``*``.

Kinds: ``status``, ``logs``, ``list``, ``show`` read; ``deploy`` updates the app (a new
release); ``scale count`` updates its machines (``0`` stops them all: disruptive);
``machine destroy``, ``volumes destroy`` (the volume's data is gone for good), ``secrets
unset``, ``certs remove``, ``ips release`` delete; ``apps destroy`` deletes the app and
everything in it. ``ssh console -C CMD`` and ``machine exec ID CMD`` judge the command run on
the app's machine, named there too (``fly:app/machine/*/file:/data``), like ``ssh HOST CMD``:
the command is known, so it is judged rather than held as unknown.

Unknown on purpose: ``postgres connect`` and ``mpg connect`` (a database shell), ``ssh
console`` without ``-C``, ``sftp``, ``proxy``, ``console``, ``postgres import``, extensions
and the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    constant,
    first,
    keys_of,
    meaning_of,
    not_understood,
    parse_args,
    prints,
    read_toml,
    spelled,
    text_of,
    whole,
    writes_here,
    yes_notes,
)
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_FLY = OptionSpec(
    valued="acrtoCuen",
    long={
        "app": "a",
        "config": "c",
        "region": "r",
        "access-token": "t",
        "org": "o",
        "command": "C",
        "user": "u",
        "env": "e",
        "yes": "y",
        "force": "f",
    },
    long_valued=frozenset("acrtoCuen")
    | frozenset({"image", "strategy", "vm-size", "vm-memory", "vm-cpus", "size", "count"})
    | frozenset({"snapshot-id", "snapshot-retention", "machine", "process-group", "signal"})
    | frozenset({"timeout", "wait-timeout", "name", "dockerfile", "build-arg", "label"})
    | frozenset({"build-secret", "regions", "max-per-region", "file-local", "file-literal"})
    | frozenset({"file-secret", "vm-gpu-kind", "from", "volume-initial-size", "pg-version"}),
    abbreviations=False,
)


def _app(call: PaasCall, opts: Options) -> str:
    """The app a command works on: ``-a``, ``FLY_APP``, or the config file's ``app``."""
    given = opts.value("a") or setting(call.cmd, call.ctx.env, "FLY_APP")
    if given:
        return given
    config = opts.value("c")
    path = file_path(config, call.ctx) if config else call.ctx.cwd.rstrip("/") + "/fly.toml"
    if config and call.ctx.files.is_dir(path):
        path = path.rstrip("/") + "/fly.toml"
    return text_of(read_toml(call.ctx, path), "app") or "*"


def _on_app(kind: EffectKind, detail: str = "", suffix: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [f"fly:{_app(call, opts)}{suffix}"], detail)]

    return meaning


def _each(folder: str, kind: EffectKind, detail: str = "", *, many: bool = False) -> Meaning:
    """A meaning on the object the first operand names (``many``: on each one named,
    ``machine destroy ID ID``), or on every one of the app's when none is named."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        app = _app(call, opts)
        named = [w for w in rest if w][: None if many else 1]
        if not named:
            named = [(opts.value("machine") if folder == "machine" else None) or "*"]
        return [call.effect(kind, [f"fly:{app}/{folder}/{n}"], detail) for n in named]

    return meaning


def _secrets(kind: EffectKind, detail: str) -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        keys = keys_of(rest)
        if not keys:
            return None
        app = _app(call, opts)
        return [call.effect(kind, [f"fly:{app}/secret/{k}"], detail) for k in keys]

    return meaning


def _destroy_apps(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    apps = [w for w in rest if w] or [_app(call, opts)]
    detail = "deletes the app with its machines, volumes (their data) and secrets"
    return [call.effect(_E.DELETE, whole(f"fly:{a}"), detail) for a in apps]


def _create_app(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    name = first(rest, opts.value("name") or "*")
    return [call.effect(_E.CREATE, [f"fly:{name}"], "a new app")]


def _launch(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    app = call.effect(_E.CREATE, [f"fly:{opts.value('name') or '*'}"], "a new app, deployed")
    return [app, call.local_file(_E.UPDATE, "fly.toml", "writes the app's configuration")]


_ZERO = re.compile(r"(?:^|=)0+\Z")


def _scale_count(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    if not rest:
        return None
    detail = f"sets the number of machines to {' '.join(rest)}"
    if any(_ZERO.search(w) for w in rest):
        detail = "disruptive: scales to zero machines, the app stops serving"
    return [call.effect(_E.UPDATE, [f"fly:{_app(call, opts)}/machine/*"], detail)]


def _ssh_console(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    text = opts.value("C")
    if text is None:
        return None  # an interactive shell on the machine
    machine = f"fly:{_app(call, opts)}/machine/{opts.value('machine') or '*'}"
    return call.nested([text], [machine], f"on {machine}")


def _machine_exec(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    if len(rest) < 2:
        return None
    machine = f"fly:{_app(call, opts)}/machine/{rest[0]}"
    return call.nested(list(rest[1:]), [machine], f"on {machine}")


def _pg_connect(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    detail = "opens a database shell: what it runs is not known"
    return [call.effect(_E.UNKNOWN, [f"fly:{_app(call, opts)}"], detail)]


def _mpg(kind: EffectKind, detail: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        cluster = f"fly:mpg/{first(rest)}"
        return [call.effect(kind, whole(cluster) if kind is _E.DELETE else [cluster], detail)]

    return meaning


_GONE = "deletes the volume and all its data, for good"
_RELEASE = "the app redeploys with them (unless --stage)"
_TABLE: dict[str, Meaning] = spelled(
    {
        "version|docs|help|dashboard|open|platform|doctor, auth whoami": prints,
        "version upgrade|update": not_understood,
        "auth login|logout|token|docker": not_understood,
        "status|info|logs|history|releases|checks": _on_app(_E.READ),
        "config show|validate|env|display": _on_app(_E.READ),
        "config save": writes_here("fly.toml", "writes the app's configuration"),
        "apps|app list|ls": constant(_E.READ, "fly:*", "lists the apps"),
        "apps|app create": _create_app,
        "apps|app destroy|delete|remove|rm": _destroy_apps,
        "destroy": _destroy_apps,
        "apps|app restart|move|suspend|resume": _on_app(_E.UPDATE, "disruptive"),
        "restart|suspend|resume": _on_app(_E.UPDATE, "disruptive"),
        "apps|app open|releases|errors": _on_app(_E.READ),
        "deploy": _on_app(_E.UPDATE, "deploys a new release of the app"),
        "launch": _launch,
        "scale count": _scale_count,
        "scale show": _on_app(_E.READ, "", "/machine/*"),
        "scale vm|memory": _on_app(_E.UPDATE, "resizes the app's machines", "/machine/*"),
        "machine|machines|m list|ls|status": _each("machine", _E.READ, many=True),
        "machine|machines|m destroy|remove|rm": _each(
            "machine", _E.DELETE, "destroys it", many=True
        ),
        "machine|machines|m stop|suspend|kill": _each(
            "machine", _E.UPDATE, "disruptive", many=True
        ),
        "machine|machines|m start|restart|update|cordon|uncordon": _each(
            "machine", _E.UPDATE, many=True
        ),
        "machine|machines|m run|clone": _on_app(_E.CREATE, "", "/machine/*"),
        "machine|machines|m exec": _machine_exec,
        "volumes|volume|vol list|ls": _on_app(_E.READ, "", "/volume/*"),
        "volumes|volume|vol show": _each("volume", _E.READ),
        "volumes|volume|vol create": _each("volume", _E.CREATE),
        "volumes|volume|vol destroy|delete|rm": _each("volume", _E.DELETE, _GONE, many=True),
        "volumes|volume|vol extend|update": _each("volume", _E.UPDATE),
        "volumes|volume|vol fork": _on_app(_E.CREATE, "a copy of a volume", "/volume/*"),
        "volumes|volume|vol snapshots|snaps list|ls": _each("volume", _E.READ),
        "volumes|volume|vol snapshots|snaps create": _each("volume", _E.CREATE, "a snapshot"),
        "secrets|secret list|ls": _on_app(_E.READ, "", "/secret/*"),
        "secrets|secret set": _secrets(_E.UPDATE, _RELEASE),
        "secrets|secret unset": _secrets(_E.DELETE, _RELEASE),
        "secrets|secret import": _on_app(_E.UPDATE, _RELEASE, "/secret/*"),
        "secrets|secret deploy": _on_app(_E.UPDATE, "deploys the staged secrets"),
        "postgres|pg list": constant(_E.READ, "fly:*", "lists the Postgres apps"),
        "postgres|pg create": _create_app,
        "postgres|pg connect": _pg_connect,
        "postgres|pg attach|detach": _on_app(_E.UPDATE, "changes the app's DATABASE_URL"),
        "postgres|pg db list": _on_app(_E.READ, "", "/database/*"),
        "postgres|pg users list": _on_app(_E.READ, "", "/user/*"),
        "postgres|pg config show": _on_app(_E.READ),
        "postgres|pg config update": _on_app(_E.UPDATE, "restarts the cluster"),
        "postgres|pg restart|failover": _on_app(_E.UPDATE, "disruptive"),
        "postgres|pg backup list": _on_app(_E.READ, "", "/backup/*"),
        "postgres|pg backup create": _on_app(_E.CREATE, "", "/backup/*"),
        "mpg list|status": _mpg(_E.READ),
        "mpg connect": _mpg(_E.UNKNOWN, "opens a database shell: what it runs is not known"),
        "mpg destroy|delete": _mpg(_E.DELETE, "deletes the cluster and all its data"),
        "ssh console": _ssh_console,
        "certs|certificates list|ls": _each("certificate", _E.READ),
        "certs|certificates show|check": _each("certificate", _E.READ),
        "certs|certificates add|create": _each("certificate", _E.CREATE),
        "certs|certificates remove|delete|rm": _each("certificate", _E.DELETE),
        "ips list": _on_app(_E.READ, "", "/ip/*"),
        "ips allocate-v4|allocate-v6|private": _on_app(_E.CREATE, "", "/ip/*"),
        "ips release": _each("ip", _E.DELETE, "the address is released"),
    }
)


@command("flyctl", "fly")
def flyctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Fly.io's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _FLY)
    forced = ("--force: a running machine is killed first",) if opts.has("f") else ()
    call = PaasCall(cmd, ctx, "fly", notes=(*yes_notes(opts, "y"), *forced))
    if not opts.operands and opts.has("h", "help", "v", "version"):
        return [call.prints()]
    return meaning_of(call, opts, opts.operands, _TABLE)
