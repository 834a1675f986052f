"""The compose files a compose command reads, found and merged as compose does.

Which files: each ``-f`` (``-`` is the input), else ``COMPOSE_FILE`` (split on
``COMPOSE_PATH_SEPARATOR``, ``:`` by default; the line's or the caller's variable, else the env
files compose reads, :mod:`._compose_env`), else the first of ``compose.yaml``,
``compose.yml``, ``docker-compose.yml``, ``docker-compose.yaml`` in the project directory
(``--project-directory``, else the working directory) or the nearest folder above holding one,
with the first override file beside it (``compose.override.yml``…) -- compose-go's
``getConfigPathsFromOptions``; podman-compose reads each file of those names there, and of its
own (``podman-compose.yml``, ``container-compose.yml``…). Each is read as the line leaves it
(:func:`~keyturn.understand.shell.line_writes.one_text_on_line`). Later files merge over earlier
ones: a service's mappings key by key, its ``volumes``, ``devices``, ``cap_add``… appended (the
mounts keyed by their target later, :mod:`._compose_services`), the rest replaced.

When no file is there, compose refuses to run (``no configuration file provided``): nothing
of the services runs. A file there but not read -- changed on the line in a way not known, the
input not on the line, not YAML compose reads (``!reset`` and ``!override`` tags included), or
pulling in files not read here (top-level ``include``, a service's ``extends``) -- is a reason
the caller says unknown.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._compose_env import dotenv_settings, env_files
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.yaml_limits import load_all

_DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
_OVERRIDE_FILES = (
    *("compose.override.yml", "compose.override.yaml"),
    *("docker-compose.override.yml", "docker-compose.override.yaml"),
)
# podman-compose's own names besides, each of which it reads when there (the union is judged).
_PODMAN_FILES = (
    *("podman-compose.yaml", "podman-compose.yml", "container-compose.yml"),
    *("container-compose.yaml", "container-compose.override.yml"),
    "container-compose.override.yaml",
)
_LIMIT = 1_000_000
_MAX_FOLDERS = 64  # folders climbed looking for a compose file
# A service's lists that later files add to (the others are replaced).
_APPENDED = frozenset(
    {"volumes", "devices", "cap_add", "volumes_from", "device_cgroup_rules"}
    | {"post_start", "pre_stop", "env_file", "tmpfs", "security_opt"}
)
_MERGED = frozenset({"environment", "healthcheck", "labels", "build", "deploy"})


@dataclass(frozen=True, slots=True)
class ComposeModel:
    """The merged compose files: each service's settings, the top-level volumes, the
    ``name:`` they give the project (``None``: none), and the folder relative paths in them
    start from (the project directory)."""

    services: Mapping[str, Mapping[str, Any]]
    volumes: Mapping[str, Any]
    name: str | None
    directory: str
    files: tuple[str, ...]


# The settings compose takes from the line's or the caller's variables, else from its env file;
# those choosing the files are used before compose reads the env file beside the files chosen.
_SETTINGS = ("COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES")
_CHOOSE_FILES = frozenset({"COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR"})
# Compose files compose fetches (2.34+: OCI artifacts, Git repositories), never read here.
_REMOTE_FILE = re.compile(r"(?:oci|https?|git|ssh)://|git@|[^/]*\.git(?:[#@].*)?\Z", re.I)


def compose_settings(opts: Options, cmd: SimpleCommand, ctx: ShellContext) -> dict[str, str] | str:
    """The ``COMPOSE_*`` settings in effect: each the line's or the caller's variable, else the
    env files' (:mod:`._compose_env`): a ``.env`` holding ``COMPOSE_FILE=evil.yml`` makes
    ``docker compose up`` run evil.yml. The default ``.env`` is the project's working directory's
    as the line names it (``--project-directory``, else the first ``-f``'s folder), then the one
    beside the compose file chosen, which adds only what is not set yet (compose reads both,
    the second after it chose its files). A text: why they are not told (an env file the line
    changed in a way not known, or a setting of it not read alike by compose's releases)."""
    found = {n: v for n in _SETTINGS if (v := setting(cmd, ctx.env, n)) is not None}
    wanted = [n for n in _SETTINGS if n not in found]
    if not wanted:
        return found
    given = [p for p in opts.values.get("f", ()) if p != "-"]
    chosen = env_files(opts, cmd, ctx, folder=_working_directory(opts, given, ctx))
    if isinstance(chosen, str):
        return chosen
    from_files = _read_env_files(chosen.paths, ctx, wanted)
    if isinstance(from_files, str):
        return from_files
    if cmd.name == "podman-compose" and "COMPOSE_FILE" in from_files:
        return "podman-compose reads COMPOSE_FILE from its env file in some releases only"
    settings = {**from_files, **found}
    if not chosen.default:
        return settings
    folder = working_directory(opts, cmd, ctx, settings)
    later = [n for n in wanted if n not in settings and n not in _CHOOSE_FILES]
    beside = f"{folder.rstrip('/')}/.env"
    if not later or beside in chosen.paths:
        return settings
    more = _read_env_files((beside,), ctx, later)
    return more if isinstance(more, str) else {**more, **settings}


def _read_env_files(
    paths: Sequence[str], ctx: ShellContext, names: Sequence[str]
) -> dict[str, str] | str:
    """The values the env files ``paths`` give ``names``, later files over earlier ones; a
    file not there is skipped (compose refuses a missing ``--env-file``: nothing runs)."""
    values: dict[str, str] = {}
    for path in paths:
        if not _present(path, ctx) or ctx.files.is_dir(path):
            continue
        text = one_text_on_line(path, ctx, limit=_LIMIT)
        if text is None:
            return f"its env file {path} is not known here"
        read = dotenv_settings(text, names)
        if isinstance(read, str):
            return f"its env file {path}: {read}"
        values.update(read)
    return values


def working_directory(
    opts: Options, cmd: SimpleCommand, ctx: ShellContext, settings: Mapping[str, str]
) -> str:
    """The project's working directory once compose chose its files (compose-go's
    ``GetWorkingDir``): ``--project-directory``, else the folder of the first compose file
    (``-f``, ``COMPOSE_FILE``, else the default one found), else the working directory. Its
    name names the project when nothing else does."""
    paths = _given_files(opts, settings, ctx)
    if paths is None and not opts.value("project-directory"):
        paths = _found_files(ctx.cwd, ctx, every=cmd.name == "podman-compose")
    return _working_directory(opts, paths or [], ctx)


def _working_directory(opts: Options, paths: Sequence[str], ctx: ShellContext) -> str:
    directory = opts.value("project-directory")
    if directory:
        return file_path(directory, ctx)
    for path in paths:
        if _REMOTE_FILE.match(path):
            break  # compose-go stops at a file fetched from elsewhere
        if path != "-":
            return posixpath.dirname(file_path(path, ctx))
    return ctx.cwd


def compose_model(
    opts: Options, cmd: SimpleCommand, ctx: ShellContext, settings: Mapping[str, str]
) -> ComposeModel | str | None:
    """The compose files of ``[docker] compose [OPTIONS]`` (``opts``) merged, ``settings`` the
    ``COMPOSE_*`` in effect (:func:`compose_settings`); ``None`` when there is none (compose
    refuses to run); a text: why they are not understood."""
    paths = _given_files(opts, settings, ctx)
    remote = next((p for p in paths or () if _REMOTE_FILE.match(p)), None)
    if remote is not None:
        return f"the compose file {remote} is fetched from elsewhere, not read here"
    directory = opts.value("project-directory")
    start = file_path(directory, ctx) if directory else ctx.cwd
    if paths is None:
        paths = _found_files(start, ctx, every=cmd.name == "podman-compose")
        if not paths:
            return None
    elif not all(p == "-" or _present(p, ctx) for p in paths):
        return None  # compose refuses a file that is not there
    if not directory:
        first = next((p for p in paths if p != "-"), None)
        start = posixpath.dirname(first) if first and paths[0] != "-" else ctx.cwd
    services: dict[str, dict[str, Any]] = {}
    volumes: dict[str, Any] = {}
    name: str | None = None
    for path in paths:
        document = _document(path, cmd, ctx)
        if isinstance(document, str):
            return document
        if "include" in document:
            return f"{path} includes other files (include:), not read here"
        found = document.get("services") or {}
        declared = document.get("volumes") or {}
        if not isinstance(found, dict) or not isinstance(declared, dict):
            return f"{path}: services or volumes not understood"
        for key, service in found.items():
            if not isinstance(service, dict) and service is not None:
                return f"{path}: service {key} not understood"
            if service and "extends" in service:
                return f"{path}: service {key} extends another service, not read here"
            services[str(key)] = _merged(services.get(str(key), {}), service or {})
        volumes.update({str(k): v for k, v in declared.items()})
        given = document.get("name")
        if isinstance(given, str) and "$" not in given.replace("$$", ""):
            name = given.replace("$$", "$")  # a name from variables is not told: the folder's
    shown = tuple("(input)" if p == "-" else p for p in paths)
    return ComposeModel(services, volumes, name, start, shown)


def _given_files(opts: Options, settings: Mapping[str, str], ctx: ShellContext) -> list[str] | None:
    """The files the line names (``-f``, else ``COMPOSE_FILE``), absolute (a remote one as
    written); ``None``: none."""
    given = list(opts.values.get("f", ()))
    if not given:
        variable = settings.get("COMPOSE_FILE")
        if not variable:
            return None
        separator = settings.get("COMPOSE_PATH_SEPARATOR") or ":"
        given = [p for p in variable.split(separator) if p]
    return [p if p == "-" or _REMOTE_FILE.match(p) else file_path(p, ctx) for p in given] or None


def _found_files(start: str, ctx: ShellContext, *, every: bool) -> list[str]:
    """The default file (and override) in ``start`` or the nearest folder above holding one;
    ``every``: each file of a default name there, as podman-compose reads them."""
    folder = start
    for _ in range(_MAX_FOLDERS):
        here = [f"{folder.rstrip('/')}/{n}" for n in _DEFAULT_FILES]
        found = [p for p in here if _present(p, ctx)]
        beside = [f"{folder.rstrip('/')}/{n}" for n in _OVERRIDE_FILES]
        if every:
            more = [f"{folder.rstrip('/')}/{n}" for n in _PODMAN_FILES]
            found = [p for p in (*here, *more, *beside) if _present(p, ctx)]
            if found:
                return found
        elif found:
            overrides = [p for p in beside if _present(p, ctx)]
            return [found[0], *overrides[:1]]
        parent = posixpath.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return []


def _present(path: str, ctx: ShellContext) -> bool:
    """Whether the file is there: on disk, or written earlier on the line."""
    if ctx.written and written_text(ctx.written, path)[0]:
        return True
    return ctx.files.exists(path)


def _document(path: str, cmd: SimpleCommand, ctx: ShellContext) -> dict[str, Any] | str:
    """The YAML document of one compose file, or why it is not understood."""
    if path == "-":
        if cmd.stdin_dynamic or cmd.stdin_text is None:
            return "the compose file is read from the input, which the line does not hold"
        text: str | None = cmd.stdin_text
    else:
        text = one_text_on_line(path, ctx, limit=_LIMIT)
    if text is None:
        return f"{path} could not be read, or the line changed it in a way not known"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        documents = [d for d in load_all(text, loader) if d is not None]
    except (yaml.YAMLError, RecursionError, ValueError):
        return f"{path} is not YAML compose reads here"
    if len(documents) > 1 or (documents and not isinstance(documents[0], dict)):
        return f"{path} is not one compose document"
    return documents[0] if documents else {}


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """One service's settings from a later file merged over an earlier one's."""
    merged = dict(base)
    for key, value in over.items():
        earlier = merged.get(key)
        if key in _APPENDED and isinstance(earlier, list) and isinstance(value, list):
            merged[key] = [*earlier, *value]
        elif key in _MERGED and earlier is not None:
            merged[key] = {**_as_mapping(earlier), **_as_mapping(value)}
        else:
            merged[key] = value
    return merged


def _as_mapping(value: Any) -> dict[str, Any]:
    """A mapping, or a ``KEY=VALUE`` list (``environment``, ``labels``) as one."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        pairs = (str(item).partition("=") for item in value)
        return {k: (v if eq else None) for k, eq, v in pairs}
    return {}
