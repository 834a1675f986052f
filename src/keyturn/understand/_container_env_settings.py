"""The container tools' settings files that variables move, for :mod:`.runs_later`.

Besides their usual places, the container tools read settings that name programs from wherever
a variable points (checked with docker 28.2 and podman 4.3.1 here, as root):

- ``DOCKER_CONFIG``: the docker CLI's folder -- ``config.json`` (``credsStore``: ``docker pull``
  ran ``docker-credential-evil get``) and ``cli-plugins`` (``docker foo`` ran
  ``cli-plugins/docker-foo``); podman reads the same ``config.json`` for its logins
  (``podman login --get-login`` ran the helper). ``docker --config DIR`` moves it alike.
- ``CONTAINERS_CONF`` and ``CONTAINERS_CONF_OVERRIDE`` (containers.conf(5): ``podman info``
  ran the ``[engine.runtimes]`` program), ``PODMAN_CONNECTIONS_CONF``;
- ``REGISTRY_AUTH_FILE`` (its ``credHelpers`` ran) and ``CONTAINERS_REGISTRIES_CONF`` (its
  ``unqualified-search-registries`` became ``podman info``'s);
- ``CONTAINERS_STORAGE_CONF`` (``podman info`` took its driver and graph root; a
  ``mount_program`` runs with every container).

Each counts whether the agent's environment holds it or the line sets it (``VAR=… cmd``,
``export``). The container commands also say which settings the line points them to (``docker
--config DIR``, ``env REGISTRY_AUTH_FILE=… podman``): each with a read of type
``container-settings:<kind>`` (:func:`settings_read_type`), its kind :data:`DOCKER` (the
folder's ``config.json``), :data:`PODMAN`, :data:`LOGINS` or :data:`STORAGE`. A value decided
at run time may be any folder or file: every file with the usual name counts then (a
``config.json``, an ``auth.json``...).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

from keyturn.model import Effect

__all__ = [
    "docker_folder_pattern",
    "docker_folders",
    "named_setting",
    "settings_read_type",
    "settings_reads",
]

# keyturn.understand.shell.dispatch.RUN_TIME_HINT: a variable the line sets to a value decided
# at run time (not imported: the shell package imports this module's user).
RUN_TIME = "(decided at run time)"
# The resource type of the reads by which a container command names the settings it uses.
_READ_TYPE = "container-settings:"

# Which kind of settings each variable names (runs_later says why each kind matters).
DOCKER, PODMAN, LOGINS, STORAGE = "docker", "podman", "logins", "storage"
FILE_VARIABLES = {
    "CONTAINERS_CONF": PODMAN,
    "CONTAINERS_CONF_OVERRIDE": PODMAN,
    "PODMAN_CONNECTIONS_CONF": PODMAN,
    "REGISTRY_AUTH_FILE": LOGINS,
    "CONTAINERS_REGISTRIES_CONF": LOGINS,
    "CONTAINERS_STORAGE_CONF": STORAGE,
}
# The usual names of the file a variable names, for a value decided at run time.
_USUAL_NAMES = {
    "CONTAINERS_CONF": "containers.conf",
    "CONTAINERS_CONF_OVERRIDE": "containers.conf",
    "PODMAN_CONNECTIONS_CONF": "podman-connections.json",
    "REGISTRY_AUTH_FILE": "auth.json",
    "CONTAINERS_REGISTRIES_CONF": "registries.conf",
    "CONTAINERS_STORAGE_CONF": "storage.conf",
}


def docker_folder_pattern(value: str, home: str) -> str | None:
    """The pattern of the folder DOCKER_CONFIG names (``None``: none; empty: ``/``). ``~``
    starts at ``home``; a relative one is relative to wherever docker runs, so it is matched
    under any folder; one decided at run time is any folder."""
    if value == RUN_TIME:
        return ".*"
    if value == "~" or value.startswith("~/"):
        value = home.rstrip("/") + value[1:]
    if not value:
        return None
    value = posixpath.normpath(value)
    if value.startswith("/"):
        return re.escape(value.rstrip("/"))  # ``/``: the empty folder before ``/config.json``
    # Relative (``..`` climbs out of a folder not known): under any folder, or wherever docker
    # runs (``.``: every config.json).
    rest = "/".join(p for p in value.split("/") if p not in (".", ".."))
    return f".*/{re.escape(rest)}" if rest else ".*"


def settings_read_type(kind: str) -> str:
    """The resource type of a container command's read of its settings of ``kind``."""
    return _READ_TYPE + kind


def settings_reads(effects: Iterable[Effect]) -> dict[str, str]:
    """The settings files container commands among ``effects`` say they read
    (:func:`settings_read_type`): lower-cased path -> kind."""
    return {
        name[5:].lower(): effect.resource.type.removeprefix(_READ_TYPE)
        for effect in effects
        if effect.resource.type.startswith(_READ_TYPE)
        for name in effect.resource.names
        if name.startswith("file:/")
    }


def docker_folders(reads: Mapping[str, str]) -> list[str]:
    """The docker settings folders among ``reads`` (:func:`settings_reads`)."""
    return [posixpath.dirname(path) for path, kind in reads.items() if kind == DOCKER]


def named_setting(
    path: str, env: Mapping[str, str], home: str, reads: Mapping[str, str] | None = None
) -> str | None:
    """The kind of settings (:data:`PODMAN`, :data:`LOGINS`, :data:`STORAGE`) a variable of
    ``env``, or a container command's read (``reads``: :func:`settings_reads`), makes the file
    at ``path`` (absolute), compared without case; ``None``: none."""
    lowered = path.lower()
    if reads and reads.get(lowered, DOCKER) != DOCKER:
        return reads[lowered]
    for variable, kind in FILE_VARIABLES.items():
        value = env.get(variable)
        if value and _names(lowered, value, _USUAL_NAMES[variable], home):
            return kind
    return None


def _names(path: str, value: str, usual: str, home: str) -> bool:
    """Whether the variable's ``value`` names ``path`` (lower-cased)."""
    if value == RUN_TIME:
        return path.endswith("/" + usual)
    if value == "~" or value.startswith("~/"):
        value = home.rstrip("/") + value[1:]
    value = posixpath.normpath(value).lower()
    if value.startswith("/"):
        return path == value
    # Relative: to wherever the tool runs.
    rest = "/".join(p for p in value.split("/") if p not in (".", ".."))
    return bool(rest) and path.endswith("/" + rest)
