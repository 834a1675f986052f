"""A compose service judged as the ``docker run`` it is (``up``, ``create``, ``start``,
``restart``, ``run``): its ``volumes``, ``devices``, ``privileged``, ``pid``, ``cap_add``… are
the options of that run, and its ``entrypoint`` and ``command``, its ``healthcheck`` and its
``post_start``/``pre_stop`` hooks are commands run in the container
(:mod:`._container_command`), each file they change named where it lands.

As compose reads them: a relative bind source starts at the project directory; a named volume
is ``<project>_<name>`` unless the top-level ``volumes`` names it (``name:``, ``external``);
one whose driver options bind a host path or device (``device=``, ``o: bind``) is not
understood. A string command is split into words (compose does not hand it to a shell); the
health check's text runs with ``/bin/sh -c``. A value compose takes from variables (``${DATA}``,
``$HOME``; ``$$`` is a ``$``) is not read here: where it is used the service is not understood
-- in ``environment`` the variable is left out, as for ``docker run -e NAME``.

The services judged: those the line names and what they depend on (``depends_on``; not with
``--no-deps``), else -- or when a name is not one of them -- every service, profiles or not.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from keyturn.model import Effect
from keyturn.understand.shell.commands._compose_file import ComposeModel
from keyturn.understand.shell.commands._container_call import ContainerCall
from keyturn.understand.shell.commands._container_command import command_effects, health_argv
from keyturn.understand.shell.commands._container_mounts import host_access, mounts_of
from keyturn.understand.shell.flags import Options


class _NotUnderstood(Exception):
    """A service setting not understood here (the message says which)."""


def started(
    call: ContainerCall, model: ComposeModel, project: str, named: Sequence[str], *, deps: bool
) -> list[Effect]:
    """The effects of the services ``named`` (none: all) and, with ``deps``, those they
    depend on, each run as its compose file says."""
    out: list[Effect] = []
    for service in selected(model, named, deps=deps):
        out += run_service(call, model, project, service)
    return out


def run_service(
    call: ContainerCall,
    model: ComposeModel,
    project: str,
    service: str,
    *,
    line: Options | None = None,
    words: Sequence[str] = (),
) -> list[Effect]:
    """One container of ``service``, with what ``compose run`` adds on the ``line`` (its
    options, and ``words``: a command instead of the service's)."""
    try:
        opts, entrypoint, command, checks = _as_run(model, project, service)
    except _NotUnderstood as why:
        return [call.unknown(f"service {service} of {', '.join(model.files)}: {why}")]
    if line is not None:
        opts = _overlaid(opts, line)
        given = line.value("entrypoint")
        if given is not None:
            # The line's replaces the service's, words and all; compose splits it into words
            # (``shellwords.Parse`` in ``cmd/compose/run.go``): ``--entrypoint "rm -rf /x"``.
            try:
                split = shlex.split(given)
            except ValueError:
                return [call.unknown(f"--entrypoint {given[:80]}: words not told")]
            values = {k: v for k, v in opts.values.items() if k != "entrypoint"}
            if split:
                values["entrypoint"] = (split[0],)
            opts = Options(opts.flags, values, opts.operands, opts.rest)
            entrypoint = split[1:]
        command = list(words) or command
    argv = [*entrypoint, *command]
    mounts, unread = mounts_of(opts, call)
    out = host_access(opts, call, mounts, unread)
    out += command_effects(call, opts, service, argv, mounts)
    for role, check in checks:
        out += command_effects(call, opts, service, check, mounts, entrypoint=False, role=role)
    return out


def selected(model: ComposeModel, named: Sequence[str], *, deps: bool) -> list[str]:
    """The services judged (see the module's docstring), in the file's order."""
    if not named or any(n not in model.services for n in named):
        return list(model.services)
    chosen: list[str] = []
    todo = list(named)
    while todo:
        name = todo.pop()
        if name in chosen or name not in model.services:
            continue
        chosen.append(name)
        if deps:
            todo += depends_on(model.services[name])
    return [s for s in model.services if s in chosen]


# Settings whose ``service:NAME`` value makes compose start that service first (compose-go's
# ``loader/normalize.go`` adds them as dependencies, as it does ``links`` and ``volumes_from``).
_SERVICE_MODES = ("network_mode", "ipc", "pid", "uts", "cgroup")


def depends_on(service: Mapping[str, Any]) -> list[str]:
    """The services compose starts with ``service``: ``depends_on`` (a list or a mapping),
    ``links`` (``name`` or ``name:alias``), ``volumes_from`` (not ``container:…``) and a
    ``service:NAME`` network, IPC, PID, UTS or cgroup mode."""
    found = service.get("depends_on") or ()
    names = [str(name) for name in found] if isinstance(found, list | dict) else []
    names += [_text(link).split(":", 1)[0] for link in _list(service, "links")]
    for source in _list(service, "volumes_from"):
        text = _text(source)
        if not text.startswith("container:"):
            names.append(text.removeprefix("service:").split(":", 1)[0])
    for key in _SERVICE_MODES:
        mode = service.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            names.append(mode.removeprefix("service:"))
    return names


def _as_run(
    model: ComposeModel, project: str, name: str
) -> tuple[Options, list[str], list[str], list[tuple[str, list[str]]]]:
    """The service as ``docker run`` options (its entrypoint's first word as
    ``--entrypoint``), the entrypoint's other words, its command, and the other commands run
    in it (its health check, its hooks) with what runs them."""
    service = model.services[name]
    values: dict[str, list[str]] = {
        "v": [],
        "mount": [],
        "device": [_device(d) for d in _list(service, "devices")],
        "cap-add": [_text(c) for c in _list(service, "cap_add")],
        "device-cgroup-rule": [_text(r) for r in _list(service, "device_cgroup_rules")],
        "volumes-from": [_text(v) for v in _list(service, "volumes_from")],
        "e": _environment(service.get("environment")),
    }
    for volume in _by_target(model, project, _list(service, "volumes")):
        key, spec = volume
        values[key].append(spec)
    if service.get("pid") is not None and _text(service["pid"]) == "host":
        values["pid"] = ["host"]
    values["security-opt"] = [_text(o) for o in _list(service, "security_opt")]
    for key, option in _RUN_OPTIONS.items():
        if service.get(key) is not None:
            values[option] = [_text(service[key])]
    entrypoint = _words(service.get("entrypoint"))
    if entrypoint:
        values["entrypoint"] = [entrypoint[0]]
    flags = frozenset({"privileged"} if _true(service.get("privileged")) else ())
    opts = Options(flags, {k: tuple(v) for k, v in values.items() if v}, ())
    return opts, entrypoint[1:], _words(service.get("command")), _checks(service)


# A service's single settings that are ``docker run`` options (the host's namespaces shared, its
# user), beside those read above.
_RUN_OPTIONS = {
    **{"working_dir": "w", "container_name": "name", "user": "u", "ipc": "ipc"},
    **{"network_mode": "network", "cgroup": "cgroupns", "uts": "uts", "userns_mode": "userns"},
}


def _checks(service: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """The health check and the lifecycle hooks: commands run in the container."""
    found: list[tuple[str, list[str]]] = []
    health = service.get("healthcheck")
    if isinstance(health, dict) and not _true(health.get("disable")) and "test" in health:
        test = health["test"]
        argv = health_argv(_text(test) if isinstance(test, str) else [_text(w) for w in _seq(test)])
        if argv is None:
            raise _NotUnderstood("a health check not understood")
        if argv:
            found.append(("its health check", argv))
    elif health is not None and not isinstance(health, dict):
        raise _NotUnderstood("a health check not understood")
    for hook in ("post_start", "pre_stop"):
        for entry in _list(service, hook):
            if not isinstance(entry, dict) or not _words(entry.get("command")):
                raise _NotUnderstood(f"a {hook} hook not understood")
            found.append((f"its {hook} hook", _words(entry["command"])))
    return found


def _by_target(model: ComposeModel, project: str, volumes: Iterable[Any]) -> list[tuple[str, str]]:
    """Each mount as a ``-v`` or ``--mount`` value, the last for each target (a later file's
    replaces an earlier one's)."""
    found: dict[str, tuple[str, str]] = {}
    for volume in volumes:
        key, spec, target = _volume(model, project, volume)
        found[posixpath.normpath(target) if target else spec] = (key, spec)
    return list(found.values())


def _volume(model: ComposeModel, project: str, volume: Any) -> tuple[str, str, str]:
    """``(option, value, target)`` of one service mount."""
    if isinstance(volume, str):
        text = _text(volume)
        source, colon, rest = text.partition(":")
        if not colon:
            return "v", text, text  # an anonymous volume
        target, _, options = rest.partition(":")
        if _is_path(source):
            return "v", f"{_located(source, model)}:{rest}", target
        bound = _device_options(model, source)
        if bound:
            readonly = ["readonly"] if "ro" in options.split(",") else []
            fields = [f"source={_volume_name(model, project, source)}", f"target={target}"]
            return "mount", ",".join(["type=volume", *fields, *readonly, *bound]), target
        return "v", f"{_volume_name(model, project, source)}:{rest}", target
    if not isinstance(volume, dict):
        raise _NotUnderstood("a mount not understood")
    kind = _text(volume.get("type", "volume"))
    source = _text(volume.get("source", "") or "")
    target = _text(volume.get("target", "") or "")
    if kind == "bind" and source:
        source = _located(source, model)
    device: list[str] = []
    if kind == "volume" and source:
        device = _device_options(model, source)
        source = _volume_name(model, project, source)
    if any(c in f"{kind}{source}{target}" for c in ',="'):
        raise _NotUnderstood("a mount not understood")
    fields = [f"type={kind}", *([f"source={source}"] if source else []), f"target={target}"]
    if _true(volume.get("read_only")):
        fields.append("readonly")
    fields += device
    return "mount", ",".join(fields), target


def _volume_name(model: ComposeModel, project: str, key: str) -> str:
    """The daemon's name of the compose volume ``key`` (the module's docstring)."""
    declared = model.volumes.get(key)
    if not isinstance(declared, dict):
        return f"{project}_{key}"
    named = declared.get("name")
    if named is not None:
        return _text(named)
    external = declared.get("external")
    if isinstance(external, dict) and external.get("name") is not None:
        return _text(external["name"])
    return key if _true(external) else f"{project}_{key}"


def _device_options(model: ComposeModel, key: str) -> list[str]:
    """The top-level volume ``key``'s driver options that mount a host path (``device``), as
    ``--mount`` ``volume-opt`` fields (the volume is created so when it is not there yet:
    :mod:`._container_line`); none when it mounts none. A device not an absolute path, a
    driver not the local one, or options ``--mount`` cannot carry: not understood."""
    declared = model.volumes.get(key)
    options = declared.get("driver_opts") if isinstance(declared, dict) else None
    if not isinstance(options, dict) or not (
        any(str(k).lower() == "device" for k in options) or "bind" in str(options.get("o", ""))
    ):
        return []
    why = f"volume {key}'s driver options bind a host path or device"
    given = {str(k).lower(): _text(v) for k, v in options.items()}
    driver = declared.get("driver") if isinstance(declared, dict) else None
    device = given.get("device", "")
    if (
        not device.startswith("/")
        or (driver is not None and _text(driver) != "local")
        or any(c in f"{k}{v}" for k, v in given.items() for c in ',"')
        or set(given) - {"type", "o", "device"}
    ):
        raise _NotUnderstood(why)
    return [f"volume-opt={k}={v}" for k, v in given.items()]


def _is_path(source: str) -> bool:
    return source == "~" or source.startswith(("/", ".", "~/"))


def _located(source: str, model: ComposeModel) -> str:
    """A bind source: relative ones start at the project directory."""
    if source.startswith("."):
        return posixpath.normpath(posixpath.join(model.directory, source))
    return source


def _device(device: Any) -> str:
    if isinstance(device, dict):
        source, target = _text(device.get("source", "")), _text(device.get("target", ""))
        return f"{source}:{target}" if target else source
    return _text(device)


def _environment(value: Any) -> list[str]:
    """``NAME=VALUE`` for each variable whose value the file holds outright."""
    pairs: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        pairs = value.items()
    elif isinstance(value, list):
        pairs = (str(item).partition("=")[::2] for item in value if "=" in str(item))
    else:
        return []
    found = []
    for name, given in pairs:
        literal = None if given is None else _literal(str(given))
        if literal is not None:
            found.append(f"{name}={literal}")
    return found


def _words(value: Any) -> list[str]:
    """A command or entrypoint: a list of words, or a text split into words."""
    if value is None:
        return []
    if isinstance(value, list):
        return [_text(word) for word in value]
    try:
        return shlex.split(_text(value))
    except ValueError as why:
        raise _NotUnderstood(f"a command not understood ({why})") from None


def _list(service: Mapping[str, Any], key: str) -> list[Any]:
    value = service.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return _seq(value)


def _seq(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _NotUnderstood("a setting not understood")
    return value


def _text(value: Any) -> str:
    """A setting's text as compose uses it, or not understood (a value from variables)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _NotUnderstood(f"{str(value)[:60]!r} not understood")
    literal = _literal(str(value))
    if literal is None:
        raise _NotUnderstood(f"{str(value)[:60]!r}: a value compose takes from variables")
    return literal


def _literal(text: str) -> str | None:
    """``text`` with ``$$`` made ``$``; ``None`` when compose would put a variable in it."""
    if "$" in text.replace("$$", ""):
        return None
    return text.replace("$$", "$")


def _true(value: Any) -> bool:
    """A compose boolean as compose-go reads it (``y``, ``yes``, ``true``, ``on`` in any case,
    ``1``); one a variable gives is taken as true (which it is, is not told here)."""
    if value is True or (isinstance(value, int) and not isinstance(value, bool) and value != 0):
        return True
    if not isinstance(value, str):
        return False
    return value.strip().lower() in ("y", "yes", "true", "on", "1") or _literal(value) is None


def _overlaid(service: Options, line: Options) -> Options:
    """The service's options with those ``compose run`` gives on the line after them (a
    single value given on the line wins; mounts, variables and capabilities add up)."""
    values = {k: tuple(v) for k, v in service.values.items()}
    for key, given in line.values.items():
        values[key] = (*values.get(key, ()), *given)
    return Options(service.flags | line.flags, values, line.operands, line.rest)
