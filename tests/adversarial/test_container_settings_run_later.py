"""The container tools' settings that name programs run later, outside keyturn's view.

1. podman's settings (containers.conf(5), containers-auth.json(5), containers-registries.conf(5),
   containers-storage.conf(5), podman-systemd.unit(5), oci-hooks(5)). Checked with podman 4.3.1
   (installed here, as root): a ``containers.conf`` with ``[engine] runtime = "evil"`` and
   ``[engine.runtimes] evil = ["/tmp/…/evil"]`` made ``podman info`` run ``evil --version``; an
   auth file (``REGISTRY_AUTH_FILE``) with ``{"credHelpers": {"example.com": "evil"}}`` made
   ``podman login --get-login example.com`` run ``docker-credential-evil get``. containers.conf
   is read from ``/usr/share/containers``, ``/etc/containers`` and the user's
   ``~/.config/containers`` (each with its ``containers.conf.d`` drop-ins, and the
   ``containers.rootful.conf.d``/``containers.rootless.conf.d`` ones); the logins from
   ``${XDG_RUNTIME_DIR}/containers/auth.json`` (``/run/containers/<uid>/auth.json`` without
   it) and ``~/.config/containers/auth.json``; ``registries.conf`` (and ``.d``) says where an
   image named without its registry is pulled from; ``storage.conf`` may name a
   ``mount_program``; the OCI hooks folders hold programs run at every container's start; a
   Quadlet unit (``/etc/containers/systemd``, ``~/.config/containers/systemd``) becomes a
   service at the next daemon-reload. A raw write of any of them is ``unknown``; podman's own
   ``system connection default|add`` (it writes ``active_service`` or
   ``podman-connections.json``) stays podman's change, judged by the connection's effect.
   The docker daemon's ``daemon.json`` names runtimes' paths and authorization plugins it runs
   as root (dockerd(8)): a raw write of it is ``unknown`` too.
2. ``DOCKER_CONFIG`` in the agent's environment moves the docker CLI's settings folder
   (docker/cli ``cli/config``: ``config.json`` and ``cli-plugins`` under it) to any folder, not
   only one named ``.docker``: a raw write there is held as one under ``~/.docker`` is.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import Action, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
USER_CONF = f"file:{HOME}/.config/containers/containers.conf"
CONNECTIONS = f"file:{HOME}/.config/containers/podman-connections.json"


def _action(line: str, env: dict[str, str] | None = None) -> Action:
    return understand_shell(line, cwd=CWD, home=HOME, env=env, files=MemoryFiles({}))


def _kind_of(action: Action, name: str) -> EffectKind:
    kinds = {e.effect for e in action.effects if name in e.resource.names}
    assert kinds, f"{name} not named: {action.effects}"
    return _E.UNKNOWN if _E.UNKNOWN in kinds else kinds.pop()


# -- 1. podman's settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        USER_CONF[5:],
        "/etc/containers/containers.conf",
        "/usr/share/containers/containers.conf",
        "/etc/containers/containers.conf.d/99-evil.conf",
        f"{HOME}/.config/containers/containers.conf.d/evil.conf",
        "/etc/containers/containers.rootless.conf.d/1000/evil.conf",
        "/srv/xdg/containers/containers.conf",
        CONNECTIONS[5:],
        "/run/user/1000/containers/auth.json",
        "/run/containers/0/auth.json",
        f"{HOME}/.config/containers/auth.json",
        "/etc/containers/registries.conf",
        "/etc/containers/registries.conf.d/shortnames.conf",
        f"{HOME}/.config/containers/registries.conf",
        "/etc/containers/storage.conf",
        "/usr/share/containers/oci/hooks.d/evil.json",
        "/etc/containers/systemd/web.container",
        f"{HOME}/.config/containers/systemd/web.container",
        "/etc/docker/daemon.json",
        f"{HOME}/.config/docker/daemon.json",
    ],
)
def test_a_raw_write_of_the_container_tools_settings_is_unknown(
    path: str, judge_shell: JudgeShell
) -> None:
    line = f"echo '[engine]' > {path}"
    assert _kind_of(_action(line), f"file:{path}") is _E.UNKNOWN
    assert judge_shell(line, env="dev").decision is not Verdict.ALLOW


def test_podmans_own_connection_writes_stay_its_own_change() -> None:
    for line in (
        "podman system connection default prod",
        "podman system connection add -d prod ssh://core@prod",
        "podman system connection remove old",
    ):
        action = _action(line)
        assert _kind_of(action, USER_CONF) is _E.UPDATE, line
        assert _kind_of(action, CONNECTIONS) is _E.UPDATE, line


def test_reading_podmans_settings_stays_a_read(judge_shell: JudgeShell) -> None:
    line = "cat ~/.config/containers/containers.conf /etc/containers/registries.conf"
    assert _kind_of(_action(line), USER_CONF) is _E.READ
    assert judge_shell(line, env="dev").decision is Verdict.ALLOW


def test_a_project_file_named_like_a_quadlet_unit_is_not_held() -> None:
    path = f"{CWD}/deploy/containers/systemd/web.container"
    assert _kind_of(_action(f"echo x > {path}"), f"file:{path}") is _E.CREATE


# -- 2. DOCKER_CONFIG in the agent's environment --------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "path"),
    [
        ("/srv/dc", "/srv/dc/config.json"),
        ("/srv/dc/", "/srv/dc/cli-plugins/docker-compose"),
        ("~/dc", f"{HOME}/dc/config.json"),
        ("dc", f"{CWD}/dc/config.json"),
    ],
)
def test_a_write_in_the_docker_config_folder_is_unknown(
    folder: str, path: str, judge_shell: JudgeShell
) -> None:
    env = {"DOCKER_CONFIG": folder}
    line = f"""echo '{{"credsStore":"evil"}}' > {path}"""
    assert _kind_of(_action(line, env), f"file:{path}") is _E.UNKNOWN
    assert judge_shell(line, env="dev", variables=env).decision is not Verdict.ALLOW


def test_the_docker_config_folder_keeps_dockers_own_and_other_files() -> None:
    env = {"DOCKER_CONFIG": "/srv/dc"}
    action = _action("docker context use prod", env)
    assert _kind_of(action, "file:/srv/dc/config.json") is _E.UPDATE
    assert _kind_of(_action("cat /srv/dc/config.json", env), "file:/srv/dc/config.json") is _E.READ
    other = "file:/srv/dc/notes.txt"
    assert _kind_of(_action("echo x > /srv/dc/notes.txt", env), other) is _E.CREATE
    # without the variable, a folder not named .docker is not docker's
    assert (
        _kind_of(_action("echo x > /srv/dc/config.json"), "file:/srv/dc/config.json") is _E.CREATE
    )
