"""Compose's own settings and the container daemon, read from files the line points at
(newcode findings 1, 5 and 6): the env files compose reads (``--env-file``,
``COMPOSE_ENV_FILES``, ``.env`` unless ``COMPOSE_DISABLE_ENV_FILE``) and their syntax as
compose-go's dotenv parser reads it; ``docker compose config -o FILE``, which writes a file;
``docker --config DIR`` and podman's containers.conf, ``--remote=BOOL`` and default connection.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy; the session's own hint is
``AWS_PROFILE=dev`` unless a case says otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pytest
from tests.adversarial.conftest import ACTOR, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Decision, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

DEV = {"AWS_PROFILE": "dev"}
PROJECT = "/w/cproj"
HARMLESS = "services:\n  web:\n    image: nginx\n"
# The finding's evil.yml: a privileged container with the host's / that deletes its /etc.
EVIL = (
    "services:\n  web:\n    image: alpine\n    privileged: true\n"
    "    volumes: ['/:/host']\n    command: ['sh', '-c', 'rm -rf /host/etc']\n"
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY)


def _action(
    line: str,
    *,
    files: Mapping[str, str] | None = None,
    cwd: str = PROJECT,
    variables: Mapping[str, str] | None = None,
) -> Action:
    return understand_shell(
        line,
        cwd=cwd,
        home=HOME,
        env=dict(DEV if variables is None else variables),
        target=Target(),
        files=MemoryFiles(dict(files or {})),
    )


def _judged(policy: Policy, line: str, **kw: object) -> Decision:
    return policy.judge(_action(line, **kw), actor=ACTOR)  # type: ignore[arg-type]


def _names(action: Action, kind: EffectKind | None = None) -> set[str]:
    return {n for e in action.effects if kind is None or e.effect is kind for n in e.resource.names}


def _project(files: Mapping[str, str]) -> dict[str, str]:
    """compose.yaml harmless, evil.yml beside it, and the files given (relative to PROJECT)."""
    disk = {f"{PROJECT}/compose.yaml": HARMLESS, f"{PROJECT}/evil.yml": EVIL}
    disk.update({f"{PROJECT}/{name}": text for name, text in files.items()})
    return disk


# -- 1. the env files compose reads, and their syntax ---------------------------------------
# docker/compose cmd/compose/compose.go: --env-file defaults to COMPOSE_ENV_FILES split on
# commas; compose-go cli/options.go WithEnvFiles: else .env unless COMPOSE_DISABLE_ENV_FILE;
# compose-go dotenv/parser.go: ``NAME: value`` too, ``^export\s+``, a quoted value ends at its
# quote and what follows is the next statement.


@pytest.mark.parametrize(
    ("line", "files", "variables"),
    [
        (
            "COMPOSE_ENV_FILES=evil.env docker compose up -d",
            {"evil.env": "COMPOSE_FILE=evil.yml"},
            DEV,
        ),
        (
            "COMPOSE_ENV_FILES=a.env,,evil.env docker compose up -d",
            {"evil.env": "COMPOSE_FILE=evil.yml"},
            DEV,
        ),
        (
            "docker compose up -d",
            {"evil.env": "COMPOSE_FILE=evil.yml"},
            {**DEV, "COMPOSE_ENV_FILES": "evil.env"},
        ),
        (
            "COMPOSE_ENV_FILES=evil.env docker-compose up -d",
            {"evil.env": "COMPOSE_FILE=evil.yml"},
            DEV,
        ),
        ("docker compose up -d", {".env": "COMPOSE_FILE: evil.yml\n"}, DEV),
        ("docker compose up -d", {".env": 'COMPOSE_FILE="evil.yml" # local override\n'}, DEV),
        ("docker compose up -d", {".env": "COMPOSE_FILE='evil.yml'\t# local override\n"}, DEV),
        ("docker compose up -d", {".env": "export\tCOMPOSE_FILE=evil.yml\n"}, DEV),
        ("docker compose up -d", {".env": 'A="x" COMPOSE_FILE=evil.yml\n'}, DEV),
        ("docker compose up -d", {".env": "\ufeffCOMPOSE_FILE=evil.yml\r\n"}, DEV),
        # The second COMPOSE_FILE is inside X's quoted value, which runs over two lines.
        (
            "docker compose up -d",
            {".env": 'COMPOSE_FILE=evil.yml\nX="a\nCOMPOSE_FILE=compose.yaml"\n'},
            DEV,
        ),
    ],
)
def test_the_env_file_compose_reads_chooses_the_compose_file(
    policy: Policy, line: str, files: dict[str, str], variables: dict[str, str]
) -> None:
    decision = _judged(policy, line, files=_project(files), variables=variables)
    assert decision.decision is Verdict.DENY, (line, files, decision.reasons)
    assert "file:/etc" in _names(_action(line, files=_project(files), variables=variables))


def test_a_disabled_env_file_is_not_read(policy: Policy) -> None:
    # COMPOSE_DISABLE_ENV_FILE=1: compose runs the default compose.yaml, not .env's choice.
    files = {
        f"{PROJECT}/compose.yaml": EVIL,
        f"{PROJECT}/quiet.yml": HARMLESS,
        f"{PROJECT}/.env": "COMPOSE_FILE=quiet.yml\n",
    }
    line = "COMPOSE_DISABLE_ENV_FILE=1 docker compose up -d"
    assert _judged(policy, line, files=files).decision is Verdict.DENY
    # COMPOSE_ENV_FILES replaces .env the same way.
    files[f"{PROJECT}/other.env"] = "A=1\n"
    line = "COMPOSE_ENV_FILES=other.env docker compose up -d"
    assert _judged(policy, line, files=files).decision is Verdict.DENY


@pytest.mark.parametrize(
    "env_text",
    [
        'COMPOSE_FILE="ev\\0151l.yml"\n',  # \0151 is "i" to newer releases only
        'COMPOSE_FILE="evil\\.yml"\n',
        "exportCOMPOSE_FILE=evil.yml\n",  # older releases drop any leading "export"
        "export\vCOMPOSE_FILE=evil.yml\n",
        "COMPOSE_FILE=evil.yml#x\n",  # older releases cut at "#", newer at " #"
        'COMPOSE_FILE="evil.yml\n',  # not closed: compose refuses, or reads on
        'X="a\\\\" COMPOSE_FILE=evil.yml "\n',  # releases end the quote apart
        "COMPOSE FILE=evil.yml\n",
    ],
)
def test_a_setting_compose_releases_read_apart_is_unknown(policy: Policy, env_text: str) -> None:
    files = _project({".env": env_text})
    action = _action("docker compose up -d", files=files)
    assert _settings_not_told(action), env_text
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW, env_text


def _settings_not_told(action: Action) -> bool:
    """Whether an unknown effect says compose's own settings are not told."""
    return any(
        e.effect is EffectKind.UNKNOWN and "settings are not told" in e.detail
        for e in action.effects
    )


def test_a_setting_that_cannot_be_read_is_unknown(policy: Policy) -> None:
    line = "COMPOSE_DISABLE_ENV_FILE=maybe docker compose up -d"
    action = _action(line, files=_project({".env": "A=1\n"}))
    assert _settings_not_told(action)
    # podman-compose reads COMPOSE_FILE from its env file in some releases only.
    action = _action("podman-compose up -d", files=_project({".env": "COMPOSE_FILE=other.yml\n"}))
    assert _settings_not_told(action)


@pytest.mark.parametrize(
    "env_text",
    [
        "COMPOSE_PROJECT_NAME: shop # the yaml-style form\n",
        "export\tCOMPOSE_PROJECT_NAME='shop' # c\n",
        "# COMPOSE_FILE=evil.yml\nA=1 COMPOSE_PROJECT_NAME: shop\nCOMPOSE_PROJECT_NAME: shop\n",
    ],
)
def test_an_env_file_read_alike_names_the_project_and_stays_allowed(
    policy: Policy, env_text: str
) -> None:
    action = _action("docker compose up -d", files=_project({".env": env_text}))
    assert "docker:compose/shop" in _names(action), env_text
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ALLOW, env_text


def test_the_env_file_is_the_project_folders() -> None:
    # compose-go GetWorkingDir: --project-directory, else the first -f's folder, else the
    # working directory; then the .env beside the compose file found adds what is not set.
    files = {
        "/w/deploy/compose.yml": HARMLESS,
        "/w/deploy/.env": "COMPOSE_PROJECT_NAME=prod-shop\n",
    }
    found = _names(_action("docker compose -f deploy/compose.yml down", files=files, cwd="/w"))
    assert "docker:compose/prod-shop" in found
    above = _names(_action("docker compose up -d", files=files, cwd="/w/deploy/sub"))
    assert "docker:compose/prod-shop" in above
    unnamed = {"/w/deploy/compose.yml": HARMLESS}
    named = _names(_action("docker compose down", files=unnamed, cwd="/w/deploy/sub"))
    assert "docker:compose/deploy" in named


# -- 5. docker compose config -o FILE writes the file ----------------------------------------


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("docker compose config -o /etc/passwd", "/etc/passwd"),
        ("docker compose config --output=/etc/passwd", "/etc/passwd"),
        ("docker-compose config --output /etc/passwd", "/etc/passwd"),
        ("docker compose config -q -o=/etc/passwd", "/etc/passwd"),
        ("docker compose config --format json -o out/model.json", f"{PROJECT}/out/model.json"),
    ],
)
def test_config_output_updates_the_file(policy: Policy, line: str, path: str) -> None:
    action = _action(line, files=_project({}), variables={})
    assert f"file:{path}" in _names(action, EffectKind.UPDATE), line
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW


def test_config_output_onto_agent_settings_is_denied(policy: Policy) -> None:
    line = f"docker compose config -o {HOME}/.claude/settings.json"
    assert _judged(policy, line, files=_project({})).decision is Verdict.DENY
    # Without -o the model goes to the output: a read.
    action = _action("docker compose config --format json", files=_project({}))
    assert {e.effect for e in action.effects} == {EffectKind.READ}


# -- 6. the daemon a settings file the line points at chooses --------------------------------
# docker/cli: --config overrides DOCKER_CONFIG; the context store lives under it. podman(1):
# containers.conf [engine] remote = true makes --remote default to true; the default
# connection is podman-connections.json's Default, else containers.conf's active_service.


def _meta(folder: str, name: str, host: str) -> dict[str, str]:
    digest = hashlib.sha256(name.encode()).hexdigest()
    text = json.dumps({"Name": name, "Endpoints": {"docker": {"Host": host}}})
    return {f"{folder}/contexts/meta/{digest}/meta.json": text}


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("docker --config /tmp/dc rm -f web", "docker:prod-remote/container/web"),
        ("docker --config=/tmp/dc rm -f web", "docker:prod-remote/container/web"),
        (
            "DOCKER_CONFIG=/tmp/none docker --config /tmp/dc rm -f web",
            "docker:prod-remote/container/web",
        ),
        ("docker -D --config /tmp/dc compose -p shop down -v", "docker:prod-remote/compose/shop"),
    ],
)
def test_docker_config_folder_names_the_daemon(policy: Policy, line: str, name: str) -> None:
    files = {"/tmp/dc/config.json": '{"currentContext": "prod-remote"}'}
    action = _action(line, files=files)
    assert name in _names(action, EffectKind.DELETE), line
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW


def test_docker_config_folder_holds_the_context_endpoint(policy: Policy) -> None:
    # The same context name is a local socket under ~/.docker but ssh under --config's folder.
    files = {
        **_meta(f"{HOME}/.docker", "desktop-linux", "unix:///run/docker.sock"),
        **_meta("/tmp/dc", "desktop-linux", "ssh://ops@10.0.0.5"),
    }
    line = "docker --config /tmp/dc --context desktop-linux volume rm pgdata"
    assert _judged(policy, line, files=files).decision is not Verdict.ALLOW
    here = "docker --context desktop-linux volume rm pgdata"
    assert _judged(policy, here, files=files).decision is Verdict.ALLOW


PODMAN_CONF = '[engine]\nremote = true\nactive_service = "prod"\n'
CONNECTIONS = '{"Connection": {"Default": "prod-b"}}'


@pytest.mark.parametrize(
    ("line", "files", "name"),
    [
        (
            "CONTAINERS_CONF=/tmp/cc/containers.conf podman rm -f web",
            {"/tmp/cc/containers.conf": PODMAN_CONF},
            "prod",
        ),
        ("podman rm -f web", {f"{HOME}/.config/containers/containers.conf": PODMAN_CONF}, "prod"),
        ("podman rm -f web", {"/etc/containers/containers.conf": PODMAN_CONF}, "prod"),
        (
            "podman rm -f web",
            {
                "/etc/containers/containers.conf": PODMAN_CONF,
                f"{HOME}/.config/containers/podman-connections.json": CONNECTIONS,
            },
            "prod-b",
        ),
        ("podman --remote=true rm -f web", {}, "default-connection"),
        ("podman --remote=1 rm -f web", {}, "default-connection"),
        ("CONTAINER_CONNECTION= podman rm -f web", {}, "default-connection"),
        ("podman-compose -p shop down", {"/etc/containers/containers.conf": PODMAN_CONF}, "prod"),
    ],
)
def test_podman_settings_make_it_remote(
    policy: Policy, line: str, files: dict[str, str], name: str
) -> None:
    action = _action(line, files=files)
    assert any(n.startswith(f"docker:{name}/") for n in _names(action, EffectKind.DELETE)), line
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW


def test_podman_stays_local_when_its_settings_say_so(policy: Policy) -> None:
    local = {
        "/etc/containers/containers.conf": '[engine]\nremote = false\nactive_service = "prod"\n'
    }
    for line in ("podman rm -f web", "podman --remote=false rm -f web"):
        assert _judged(policy, line, files=local).decision is Verdict.ALLOW, line
    # A settings file the line changed in a way not known: the daemon is not told.
    changed = f"curl -so {HOME}/.config/containers/containers.conf $URL; podman rm -f web"
    found = _names(_action(changed, files=local), EffectKind.DELETE)
    assert "docker:(decided at run time)/container/web" in found


# -- the same settings exported earlier on the line ----------------------------------------------


def test_an_env_file_list_exported_earlier_is_read(policy: Policy) -> None:
    files = _project({"evil.env": "COMPOSE_FILE=evil.yml"})
    line = "export COMPOSE_ENV_FILES=evil.env; docker compose up -d"
    assert _judged(policy, line, files=files).decision is Verdict.DENY
    assert "file:/etc" in _names(_action(line, files=files))


def test_a_disabled_env_file_exported_earlier_is_not_read(policy: Policy) -> None:
    files = {
        f"{PROJECT}/compose.yaml": EVIL,
        f"{PROJECT}/quiet.yml": HARMLESS,
        f"{PROJECT}/.env": "COMPOSE_FILE=quiet.yml\n",
    }
    line = "export COMPOSE_DISABLE_ENV_FILE=1; docker compose up -d"
    assert _judged(policy, line, files=files).decision is Verdict.DENY


def test_podman_settings_exported_earlier_make_it_remote(policy: Policy) -> None:
    files = {"/tmp/cc/containers.conf": PODMAN_CONF}
    action = _action(
        "export CONTAINERS_CONF=/tmp/cc/containers.conf; podman rm -f web", files=files
    )
    assert any(n.startswith("docker:prod/") for n in _names(action, EffectKind.DELETE))
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW
