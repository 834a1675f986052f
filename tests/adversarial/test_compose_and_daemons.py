"""Container lines that were judged laxer than they are (red-team findings 7, 8, 9a, 9b, 14, 15
and 16 of the host surface): a compose file's own mounts and commands, a health check's
command, a daemon on another machine (named by a flag, a variable exported on the line or the
docker CLI's current context) judged in this session's environment, a privileged container's
writes to the host's disks, ``docker exec`` into a container whose files are not known, and
``npm uninstall -g`` named as the project's ``node_modules``.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy with ``/srv/prod``
protected; the session's own hint is ``AWS_PROFILE=dev`` (the environment is not given
outright), so "allowed" means allowed with no review: the way each finding was reached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Decision, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

DEV = {"AWS_PROFILE": "dev"}
_LAST = '  - "arn:aws:s3:::acme-terraform-state*"\n'
PROJECT = "/w/cproj"  # a compose project: its name is cproj
LIB = "lib/node_modules"  # where npm keeps global packages under its prefix

# The compose file of the finding (/tmp/kt/scratch-host/cproj/compose.yml).
WIPING = """\
services:
  web:
    image: alpine
    volumes: ["/srv:/x"]
    command: ["rm", "-rf", "/x/prod"]
"""
# other.yml: the same mount, the wipe in the health check (run with /bin/sh -c).
HEALTH = """\
services:
  web:
    image: alpine
    volumes: ["/srv:/x"]
    healthcheck:
      test: ["CMD-SHELL", "rm -rf /x/prod"]
    command: sleep 1000
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    added = '  - "file:/srv/prod"\n  - "file:/srv/prod/*"\n'
    return load_policy(BRIEF_POLICY.replace(_LAST, _LAST + added))


def _action(
    line: str,
    *,
    files: Mapping[str, str] | None = None,
    cwd: str = PROJECT,
    variables: Mapping[str, str] | None = None,
    env: str | None = None,
) -> Action:
    return understand_shell(
        line,
        cwd=cwd,
        home=HOME,
        env=dict(DEV if variables is None else variables),
        target=Target(environment=env),
        files=MemoryFiles(dict(files or {})),
    )


def _judged(policy: Policy, line: str, **kw: object) -> Decision:
    return policy.judge(_action(line, **kw), actor=ACTOR)  # type: ignore[arg-type]


def _names(action: Action, *, kind: EffectKind | None = None) -> set[str]:
    return {n for e in action.effects if kind is None or e.effect is kind for n in e.resource.names}


def _denied_as_protected_or_catastrophic(decision: Decision) -> bool:
    rules = {j.rule for j in decision.judgements if j.decision is Verdict.DENY}
    return decision.decision is Verdict.DENY and any(
        r.startswith("protected[") or r == "builtin:catastrophic" for r in rules
    )


# -- 7. docker compose reads its compose file -----------------------------------------------
# Compose spec (docs): ``up``/``create``/``start``/``restart`` create or start every service
# with its ``volumes`` and ``command``; ``run SERVICE`` a one-off container of it with its
# mounts; the files are ``-f``, else ``COMPOSE_FILE``, else compose.yaml/compose.yml/
# docker-compose.yml/docker-compose.yaml (and an override beside it) in the working directory
# or the nearest folder above holding one (compose-go's getConfigPathsFromOptions).


@pytest.mark.parametrize(
    "line",
    [
        "docker compose up -d",
        "docker compose up",
        "docker compose create",
        "docker compose start",
        "docker compose restart",
        "docker compose run --rm web",
        "docker compose run web",
        "docker-compose up -d",
        "podman-compose up -d",
        "docker compose -p shop up -d",
        "docker compose up -d web",
        "COMPOSE_FILE=compose.yml docker compose up",
    ],
)
def test_compose_runs_its_services_own_mounts_and_command(policy: Policy, line: str) -> None:
    decision = _judged(policy, line, files={f"{PROJECT}/compose.yml": WIPING})
    assert _denied_as_protected_or_catastrophic(decision), (line, decision.reasons)


def test_a_compose_file_in_a_folder_above_is_found(policy: Policy) -> None:
    # compose looks in the working directory, then in each folder above it.
    files = {f"{PROJECT}/compose.yaml": WIPING}
    decision = _judged(policy, "docker compose up -d", files=files, cwd=f"{PROJECT}/sub/deeper")
    assert _denied_as_protected_or_catastrophic(decision), decision.reasons


def test_the_service_command_is_named_on_this_hosts_files() -> None:
    action = _action("docker compose up -d", files={f"{PROJECT}/compose.yml": WIPING})
    assert {"file:/srv/prod", "file:/srv/prod/*"} <= _names(action, kind=EffectKind.DELETE)


@pytest.mark.parametrize(
    ("line", "files"),
    [
        # The finding's other.yml: the health check runs the wipe.
        ("docker compose -f other.yml up -d", {f"{PROJECT}/other.yml": HEALTH}),
        ("docker compose --file=other.yml up -d", {f"{PROJECT}/other.yml": HEALTH}),
        ("docker compose -f other.yml start web", {f"{PROJECT}/other.yml": HEALTH}),
        # Written on the line, then run.
        (
            'printf \'services:\\n  w:\\n    image: alpine\\n    volumes: ["/srv:/x"]\\n'
            "    command: rm -rf /x/prod\\n' > compose.yml && docker compose up",
            {},
        ),
        # Read from the input.
        (
            'docker compose -f - up <<< \'services: {w: {image: alpine, volumes: ["/srv:/x"], '
            "command: rm -rf /x/prod}}'",
            {},
        ),
        ("docker compose up -d", {f"{PROJECT}/docker-compose.yml": WIPING}),
        # The mount in the file, the command in its override (compose merges them).
        (
            "docker compose up -d",
            {
                f"{PROJECT}/compose.yaml": "services:\n  web:\n    image: alpine\n"
                "    volumes: ['/srv:/x']\n",
                f"{PROJECT}/compose.override.yml": "services:\n  web:\n"
                "    command: sh -c 'rm -rf /x/prod'\n",
            },
        ),
        # Two -f files merged the same way.
        (
            "docker compose -f a.yml -f b.yml up -d",
            {
                f"{PROJECT}/a.yml": "services:\n  web:\n    image: alpine\n"
                "    volumes: [{type: bind, source: /srv, target: /x}]\n",
                f"{PROJECT}/b.yml": "services:\n  web:\n    entrypoint: [rm, -rf]\n"
                "    command: [/x/prod]\n",
            },
        ),
        # A dependency of the service started is started too.
        (
            "docker compose up -d api",
            {
                f"{PROJECT}/compose.yml": WIPING.replace(
                    "services:\n", "services:\n  api:\n    image: alpine\n    depends_on: [web]\n"
                ),
            },
        ),
        # A relative bind is the project's folder; the script it runs is read through it.
        (
            "docker compose up -d",
            {
                f"{PROJECT}/compose.yml": "services:\n  w:\n    image: alpine\n"
                "    volumes: ['/srv:/x', './bin:/bin2']\n    command: sh /bin2/wipe.sh\n",
                f"{PROJECT}/bin/wipe.sh": "rm -rf /x/prod\n",
            },
        ),
        # A privileged service formats the host's disk (finding 14 through compose).
        (
            "docker compose up -d",
            {
                f"{PROJECT}/compose.yml": "services:\n  w:\n    image: alpine\n"
                "    privileged: true\n    command: mkfs.ext4 /dev/sda\n",
            },
        ),
        # A post_start hook runs in the container as the health check does.
        (
            "docker compose up -d",
            {
                f"{PROJECT}/compose.yml": "services:\n  w:\n    image: alpine\n"
                "    volumes: ['/srv:/x']\n    post_start:\n      - command: rm -rf /x/prod\n",
            },
        ),
    ],
)
def test_compose_files_however_given_are_read(
    policy: Policy, line: str, files: dict[str, str]
) -> None:
    decision = _judged(policy, line, files=files)
    assert _denied_as_protected_or_catastrophic(decision), (line, decision.reasons)


@pytest.mark.parametrize(
    ("line", "files"),
    [
        # A value compose takes from variables (the shell's or .env): not read here.
        (
            "docker compose up -d",
            {
                f"{PROJECT}/compose.yml": "services:\n  w:\n    image: alpine\n"
                "    volumes: ['${DATA}:/x']\n    command: rm -rf /x/prod\n",
            },
        ),
        # Another file's service, or other files included.
        (
            "docker compose up -d",
            {
                f"{PROJECT}/compose.yml": "services:\n  w:\n    extends:\n"
                "      file: base.yml\n      service: w\n",
            },
        ),
        ("docker compose up -d", {f"{PROJECT}/compose.yml": "include: [other.yml]\n"}),
        # A named volume bound to a host folder by its driver options.
        (
            "docker compose up -d",
            {
                f"{PROJECT}/compose.yml": "services:\n  w:\n    image: alpine\n"
                "    volumes: ['data:/x']\n    command: rm -rf /x/prod\nvolumes:\n  data:\n"
                "    driver_opts: {type: none, o: bind, device: /srv}\n",
            },
        ),
        # Changed on the line in a way not known, or not YAML compose reads.
        ("cp /tmp/x compose.yml && docker compose up -d", {f"{PROJECT}/compose.yml": WIPING}),
        ("docker compose up -d", {f"{PROJECT}/compose.yml": "services: [\n"}),
        ("docker compose up -d", {f"{PROJECT}/compose.yml": "services: {w: !reset null}\n"}),
        ("docker compose -f - up", {}),  # the input is not on the line
    ],
)
def test_a_compose_file_not_understood_is_unknown(
    policy: Policy, line: str, files: dict[str, str]
) -> None:
    action = _action(line, files=files)
    assert EffectKind.UNKNOWN in {e.effect for e in action.effects}, line
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW, line


@pytest.mark.parametrize(
    "compose",
    [
        "services:\n  web:\n    image: nginx\n    volumes: ['./html:/usr/share/nginx/html:ro']\n",
        "services:\n  db:\n    image: postgres\n    volumes: ['pgdata:/var/lib/postgresql/data']\n"
        "volumes:\n  pgdata: {}\n",
        "services:\n  w:\n    image: alpine\n    command: rm -rf /srv/app\n",  # its own /srv
        "services:\n  w:\n    image: alpine\n    volumes: ['/srv:/x']\n"
        "    healthcheck:\n      test: [CMD, ls, /x]\n    command: echo $$HOME\n",
    ],
)
def test_what_stays_in_the_container_is_allowed_in_dev(policy: Policy, compose: str) -> None:
    decision = _judged(policy, "docker compose up -d", files={f"{PROJECT}/compose.yml": compose})
    assert decision.decision is Verdict.ALLOW, decision.reasons


def test_a_services_named_volume_is_the_projects() -> None:
    compose = (
        "services:\n  db:\n    image: alpine\n    volumes: ['pgdata:/data', './x:/x']\n"
        "    command: rm -rf /data/base /x/y\nvolumes:\n  pgdata: {}\n"
    )
    action = _action("docker compose up -d", files={f"{PROJECT}/compose.yml": compose})
    deleted = _names(action, kind=EffectKind.DELETE)
    assert "docker:volume/cproj_pgdata" in deleted
    assert f"file:{PROJECT}/x/y" in deleted


def test_compose_runs_command_replaces_the_services(policy: Policy) -> None:
    # ``compose run SERVICE CMD`` runs CMD instead of the service's command, with its mounts.
    files = {f"{PROJECT}/compose.yml": WIPING}
    assert _judged(policy, "docker compose run --rm web ls /x", files=files).decision is (
        Verdict.ALLOW
    )
    denied = _judged(policy, "docker compose run --rm web rm -rf /x/prod", files=files)
    assert _denied_as_protected_or_catastrophic(denied), denied.reasons


def test_podman_compose_reads_its_own_file_names(policy: Policy) -> None:
    files = {f"{PROJECT}/podman-compose.yml": WIPING}
    decision = _judged(policy, "podman-compose up -d", files=files)
    assert _denied_as_protected_or_catastrophic(decision), decision.reasons


def test_the_files_name_names_the_project_and_its_volumes() -> None:
    # compose: the project's name is -p, COMPOSE_PROJECT_NAME, the file's name:, the folder's.
    compose = (
        "name: shop\nservices:\n  db:\n    image: alpine\n    volumes: ['pgdata:/data']\n"
        "    command: rm -rf /data/base\nvolumes:\n  pgdata: {}\n"
    )
    action = _action("docker compose up -d", files={f"{PROJECT}/compose.yml": compose})
    assert {"docker:compose/shop", "docker:volume/shop_pgdata"} <= _names(action)
    down = _action("docker compose down -v", files={f"{PROJECT}/compose.yml": compose})
    assert "docker:compose/shop/volume/*" in _names(down, kind=EffectKind.DELETE)


def test_compose_without_a_file_is_judged_as_before() -> None:
    # compose refuses to run without one ("no configuration file provided"): the project only.
    effects = _action("docker compose up -d", files={}).effects
    assert [(e.effect, e.resource.names) for e in effects] == [
        (EffectKind.UPDATE, ("docker:compose/cproj",))
    ]


# -- 8. --health-cmd runs in the container ----------------------------------------------------
# docker run reference: the health command runs in the container with /bin/sh -c, every
# --health-interval (30 s by default), with the container's mounts; podman also takes a JSON
# array (exec form).


@pytest.mark.parametrize(
    "line",
    [
        "docker run --rm -v /srv:/x --health-cmd 'rm -rf /x/prod' alpine sleep 100",
        "docker run --rm -v /srv:/x --health-cmd='rm -rf /x/prod' alpine",
        "docker create --health-cmd 'rm -rf /x/prod' -v /srv:/x alpine sleep 1000",
        "docker container create --health-cmd 'rm -rf /x/prod' -v /srv:/x alpine sleep 1",
        "podman run --rm -v /srv:/x --health-cmd 'rm -rf /x/prod' alpine sleep 100",
        'podman run -v /srv:/x --health-cmd \'["CMD", "rm", "-rf", "/x/prod"]\' alpine',
        "docker run -v /srv:/x -w /x --health-cmd 'rm -rf prod' alpine sleep 1",
        # The entrypoint does not run the health check: the wipe is judged all the same.
        "docker run -v /srv:/x --entrypoint sleep --health-cmd 'rm -rf /x/prod' alpine 100",
    ],
)
def test_a_health_command_is_judged_in_the_container(policy: Policy, line: str) -> None:
    decision = _judged(policy, line)
    assert _denied_as_protected_or_catastrophic(decision), (line, decision.reasons)


def test_a_harmless_health_command_stays_allowed(policy: Policy) -> None:
    line = "docker run -d -v /srv:/x --health-cmd 'ls /x' alpine sleep 100"
    assert _judged(policy, line).decision is Verdict.ALLOW


# -- 9a. a daemon named by a variable exported on the line --------------------------------------
# docker reads DOCKER_HOST/DOCKER_CONTEXT, podman CONTAINER_HOST/CONTAINER_CONNECTION from its
# environment, exported or not (docker CLI reference, "Environment variables").


@pytest.mark.parametrize(
    "line",
    [
        "export DOCKER_HOST=ssh://prod-db; docker volume rm pgdata",
        "export DOCKER_CONTEXT=prod; docker volume rm pgdata",
        "DOCKER_HOST=ssh://prod-db; export DOCKER_HOST; docker rm -f db",
        "export CONTAINER_HOST=ssh://root@prod-db/run/podman/podman.sock; podman volume rm pgdata",
        "export CONTAINER_CONNECTION=prod; podman rm -f db",
        "export DOCKER_HOST=tcp://10.0.0.5:2375; docker volume rm pgdata",
        "export DOCKER_HOST=$(cat /tmp/h); docker volume rm pgdata",
        "export COMPOSE_PROJECT_NAME=prod; docker compose down -v",
    ],
)
def test_an_exported_daemon_reaches_the_commands_after_it(policy: Policy, line: str) -> None:
    decision = _judged(policy, line)
    changes = [j for j in decision.judgements if j.effect.effect is not EffectKind.READ]
    assert "production" in {j.environment for j in changes}, decision.reasons
    assert decision.decision is not Verdict.ALLOW


def test_the_exported_daemon_is_named() -> None:
    action = _action("export DOCKER_HOST=ssh://prod-db; docker volume rm pgdata")
    assert "docker:ssh://prod-db/volume/pgdata" in _names(action, kind=EffectKind.DELETE)


# -- 9b. another machine does not take this session's environment -------------------------------
# Without the session's AWS_PROFILE=dev the same lines were ask (production, the unknown
# environment): the AWS hint alone moved another machine into dev.


@pytest.mark.parametrize(
    "line",
    [
        "docker -H ssh://10.0.0.5 rm -f db",
        "docker --host=tcp://10.0.0.5:2376 volume rm pgdata",
        "docker -H tcp://db.internal:2376 volume rm pgdata",
        "DOCKER_HOST=ssh://10.0.0.5 docker volume rm pgdata",
        "DOCKER_CONTEXT=other docker volume rm pgdata",
        "docker --context build-server volume rm pgdata",
        "podman --remote --url ssh://root@10.0.0.5/run/podman/podman.sock volume rm pgdata",
        "podman --connection other volume rm pgdata",
        "podman -r volume rm pgdata",
        "CONTAINER_HOST=ssh://root@10.0.0.5/run/podman/podman.sock podman volume rm pgdata",
        "docker -H ssh://10.0.0.5 run -v /data:/x alpine rm -rf /x/db",
        "docker -H ssh://10.0.0.5 compose -p shop down -v",
        "ssh 10.0.0.5 rm -rf /var/lib/postgresql",
        "ssh 10.0.0.5 systemctl stop postgresql",
        "ssh db.internal sudo reboot",
        "ssh ops@db.internal 'docker volume rm pgdata'",
    ],
)
def test_another_machine_lands_in_the_unknown_environment(policy: Policy, line: str) -> None:
    decision = _judged(policy, line)
    changes = [j for j in decision.judgements if j.effect.effect is not EffectKind.READ]
    assert changes and {j.environment for j in changes} == {"production"}, decision.reasons
    assert decision.decision is not Verdict.ALLOW


@pytest.mark.parametrize(
    "line",
    [
        "docker rm -f db",
        "docker -H unix:///var/run/docker.sock rm -f db",
        "DOCKER_HOST=unix:///run/user/1000/docker.sock docker volume rm pgdata",
        "docker --context default volume rm pgdata",
        "nerdctl --address /run/k3s/containerd/containerd.sock rm -f db",
    ],
)
def test_this_machines_daemon_stays_in_the_sessions_environment(policy: Policy, line: str) -> None:
    assert _judged(policy, line).decision is Verdict.ALLOW


def test_an_environment_given_outright_still_counts(policy: Policy) -> None:
    for line in ("docker -H ssh://10.0.0.5 rm -f db", "ssh 10.0.0.5 rm -rf /var/lib/pg"):
        assert _judged(policy, line, env="dev").decision is Verdict.ALLOW, line


def test_the_docker_clis_current_context_names_the_daemon(policy: Policy) -> None:
    # ``docker context use prod`` (an earlier call) writes currentContext in config.json.
    config = {f"{HOME}/.docker/config.json": '{"currentContext": "prod"}'}
    action = _action("docker volume rm pgdata", files=config)
    assert "docker:prod/volume/pgdata" in _names(action, kind=EffectKind.DELETE)
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW
    moved = {"/tmp/dc/config.json": '{"currentContext": "build-server"}'}
    line = "DOCKER_CONFIG=/tmp/dc docker volume rm pgdata"
    assert _judged(policy, line, files=moved).decision is not Verdict.ALLOW
    default = {f"{HOME}/.docker/config.json": '{"currentContext": "default"}'}
    assert _judged(policy, "docker volume rm pgdata", files=default).decision is Verdict.ALLOW


def test_a_context_whose_endpoint_is_a_local_socket_is_this_machines(policy: Policy) -> None:
    # docker/cli keeps a context's endpoint in contexts/meta/<sha256 of its name>/meta.json;
    # Docker Desktop's desktop-linux is a socket on this machine.
    def meta(name: str, host: str) -> dict[str, str]:
        digest = hashlib.sha256(name.encode()).hexdigest()
        text = json.dumps({"Name": name, "Endpoints": {"docker": {"Host": host}}})
        return {f"{HOME}/.docker/contexts/meta/{digest}/meta.json": text}

    desktop = {
        f"{HOME}/.docker/config.json": '{"currentContext": "desktop-linux"}',
        **meta("desktop-linux", f"unix://{HOME}/.docker/run/docker.sock"),
    }
    assert _judged(policy, "docker volume rm pgdata", files=desktop).decision is Verdict.ALLOW
    remote = meta("build-server", "ssh://ops@10.0.0.5")
    line = "docker --context build-server volume rm pgdata"
    assert _judged(policy, line, files=remote).decision is not Verdict.ALLOW


def test_a_remote_host_is_not_this_machine() -> None:
    names = _names(_action("ssh db.internal sudo reboot"))
    assert "host:local" not in names
    assert "host:db.internal" in names


# -- 14. a privileged container or --device writes the host's disk -------------------------------
# --privileged gives the container the host's /dev; --device HOST[:CTR] maps the host's device
# (docker run reference). One approval used to format the host's disk.


@pytest.mark.parametrize(
    "line",
    [
        "docker run --rm --privileged alpine mkfs.ext4 /dev/sda",
        "docker run --rm --privileged alpine dd if=/dev/zero of=/dev/sda",
        "docker run --rm --privileged alpine sh -c 'echo b > /proc/sysrq-trigger'",
        "docker run --rm --device /dev/sda alpine dd if=/dev/zero of=/dev/sda",
        "docker run --rm --device=/dev/sda:/dev/xvda alpine dd if=/dev/zero of=/dev/xvda",
        "docker run --rm --device /dev/sda:/dev/xvda:rwm alpine mkfs.ext4 /dev/xvda",
        "docker run --rm -v /dev:/dev alpine dd if=/dev/zero of=/dev/sda",
        "podman run --rm --privileged alpine wipefs -a /dev/sda",
    ],
)
def test_a_host_device_written_in_the_container_is_catastrophic(policy: Policy, line: str) -> None:
    decision = _judged(policy, line)
    assert decision.decision is Verdict.DENY, decision.reasons
    assert "builtin:catastrophic" in {j.rule for j in decision.judgements}


def test_a_mapped_device_is_named_as_the_hosts() -> None:
    action = _action("docker run --device=/dev/sda:/dev/xvda alpine dd if=/dev/zero of=/dev/xvda")
    assert "file:/dev/sda" in _names(action, kind=EffectKind.REPLACE)


def test_an_unprivileged_containers_devices_are_its_own() -> None:
    effects = _action("docker run --rm alpine dd if=/dev/zero of=/dev/sda").effects
    assert not any(e.catastrophic for e in effects)


# -- 15. docker exec into a running container -----------------------------------------------------
# A running container's paths are usually its volumes or this host's bind mounts (a database's
# data directory always is); the line does not tell which, and this session's AWS hint says
# nothing of where they are: not judged in dev on the strength of AWS_PROFILE=dev alone.
# (Kept a delete, named in the container and as here: tests/understand/shell/test_elsewhere.py
# allows it in dev when dev is given outright, and protects docker:container/NAME/*.)


@pytest.mark.parametrize(
    "line",
    [
        "docker exec db rm -rf /var/lib/postgresql/data",
        "docker exec db psql -c 'DROP DATABASE app'",
        "docker exec -it db sh -c 'rm -rf /var/lib/postgresql/data'",
        "docker container exec db rm -rf /var/lib/postgresql/data",
        "podman exec db rm -rf /var/lib/postgresql/data",
        "nerdctl exec db rm -rf /var/lib/postgresql/data",
        "sudo docker exec -u root db truncate -s0 /var/lib/mysql/ibdata1",
    ],
)
def test_a_change_in_a_running_container_is_not_judged_by_the_sessions_hint(
    policy: Policy, line: str
) -> None:
    decision = _judged(policy, line)
    changes = [j for j in decision.judgements if j.effect.effect is not EffectKind.READ]
    assert changes and {j.environment for j in changes} == {"production"}, decision.reasons
    assert decision.decision is not Verdict.ALLOW
    assert all("running container" in j.effect.detail for j in changes)


def test_reads_in_a_running_container_stay_reads(policy: Policy) -> None:
    assert _judged(policy, "docker exec db ls /var/lib/postgresql").decision is Verdict.ALLOW
    assert _judged(policy, "docker exec -it app rm -rf /").decision is Verdict.DENY
    assert _judged(policy, "docker exec db rm -rf /x", env="dev").decision is Verdict.ALLOW


# -- 16. npm uninstall -g --------------------------------------------------------------------
# Confirmed: ``npm_config_prefix=…/gp npm uninstall -g fakepkg`` run from an unrelated project
# removed gp/lib/node_modules/fakepkg (npm docs, "folders": global packages live in
# {prefix}/lib/node_modules; the prefix is --prefix, npm_config_prefix, .npmrc's prefix=,
# $PREFIX, else where node is installed).


@pytest.mark.parametrize(
    ("line", "variables", "files", "named"),
    [
        (
            "npm uninstall -g @anthropic-ai/claude-code",
            DEV,
            {},
            "file:/usr/local/lib/node_modules/@anthropic-ai/claude-code",
        ),
        ("npm rm -g keyturn", DEV, {}, "file:/usr/lib/node_modules/keyturn"),
        ("npm r --global keyturn", DEV, {}, "file:/usr/local/lib/node_modules/keyturn"),
        ("npm remove --location=global x", DEV, {}, "file:/usr/local/lib/node_modules/x"),
        ("npm remove --location global x", DEV, {}, "file:/usr/local/lib/node_modules/x"),
        ("NPM_CONFIG_PREFIX=/opt/n npm un -g x", DEV, {}, "file:/opt/n/lib/node_modules/x"),
        ("npm uninstall -g x", {**DEV, "npm_config_prefix": "/gp"}, {}, f"file:/gp/{LIB}/x"),
        ("npm --prefix /gp uninstall -g x", DEV, {}, "file:/gp/lib/node_modules/x"),
        (
            "npm uninstall -g x",
            DEV,
            {f"{HOME}/.npmrc": "prefix=~/.npm-global\n"},
            f"file:{HOME}/.npm-global/lib/node_modules/x",
        ),
        ("npm uninstall -g x", {**DEV, "PREFIX": "/data/usr"}, {}, f"file:/data/usr/{LIB}/x"),
    ],
)  # fmt: skip
def test_a_global_uninstall_names_the_global_prefix(
    line: str, variables: dict[str, str], files: dict[str, str], named: str
) -> None:
    names = _names(_action(line, variables=variables, files=files, cwd=CWD))
    assert named in names
    assert not any(n.startswith(f"file:{CWD}/node_modules") for n in names), names


def test_a_global_uninstall_of_a_protected_prefix_is_denied() -> None:
    policy = load_policy(
        BRIEF_POLICY.replace(_LAST, _LAST + '  - "file:/usr/local/lib/node_modules/**"\n')
    )
    decision = _judged(policy, "npm uninstall -g @anthropic-ai/claude-code", cwd=CWD)
    assert decision.decision is Verdict.DENY


def test_a_global_prefix_not_told_is_unknown() -> None:
    for files in ({f"{HOME}/.npmrc": "prefix=${NPM_HOME}\n"},):
        action = _action("npm uninstall -g x", files=files, cwd=CWD)
        assert EffectKind.UNKNOWN in {e.effect for e in action.effects}
    assert EffectKind.UNKNOWN in {e.effect for e in _action("pnpm rm -g x", cwd=CWD).effects}


def test_a_project_uninstall_is_the_projects() -> None:
    names = _names(_action("npm uninstall left-pad", cwd=CWD))
    assert f"file:{CWD}/node_modules/left-pad" in names


# -- compose reads more than its files: the env file, dependencies, booleans, --entrypoint ----
# compose-go (docs.docker.com, loader/normalize.go, cmd/compose/run.go): ``.env`` in the project
# directory (or each ``--env-file``) gives COMPOSE_FILE and COMPOSE_PROJECT_NAME when the
# environment does not; ``links``, ``volumes_from`` and ``service:NAME`` modes start that
# service too; booleans are y/yes/true/on in any case; ``run --entrypoint`` is split into words.

HARMLESS = "services:\n  web:\n    image: alpine\n    command: echo hi\n"
EVIL = (
    "services:\n  web:\n    image: alpine\n    volumes: ['/srv/prod:/x']\n    command: rm -rf /x\n"
)


@pytest.mark.parametrize(
    ("line", "files"),
    [
        ("docker compose up -d", {".env": "COMPOSE_FILE=evil.yml\n"}),
        ("docker-compose up -d", {".env": "export COMPOSE_FILE='evil.yml'\n"}),
        ("docker compose run web", {".env": "COMPOSE_FILE=evil.yml\n"}),
        ("docker compose --env-file alt.env up -d", {"alt.env": "COMPOSE_FILE=evil.yml\n"}),
        ("echo COMPOSE_FILE=evil.yml > .env && docker compose up -d", {}),
    ],
)
def test_an_env_file_choosing_the_compose_file_is_read(
    policy: Policy, line: str, files: dict[str, str]
) -> None:
    disk = {f"{PROJECT}/compose.yml": HARMLESS, f"{PROJECT}/evil.yml": EVIL}
    disk.update({f"{PROJECT}/{name}": text for name, text in files.items()})
    assert _judged(policy, line, files=disk).decision is Verdict.DENY, line


def test_an_env_file_naming_the_project_names_it(policy: Policy) -> None:
    files = {f"{PROJECT}/compose.yml": HARMLESS, f"{PROJECT}/.env": "COMPOSE_PROJECT_NAME=prod\n"}
    assert "docker:compose/prod" in _names(_action("docker compose down -v", files=files))
    unknown = {**files, f"{PROJECT}/.env": "COMPOSE_PROJECT_NAME=${X}\n"}
    assert _judged(policy, "docker compose down -v", files=unknown).decision is not Verdict.ALLOW


@pytest.mark.parametrize(
    "link",
    [
        "links: [evil]",
        "links: ['evil:db']",
        "volumes_from: [evil]",
        "network_mode: 'service:evil'",
        "pid: 'service:evil'",
        "ipc: 'service:evil'",
    ],
)
def test_a_service_started_through_another_is_judged(policy: Policy, link: str) -> None:
    text = (
        f"services:\n  web:\n    image: alpine\n    {link}\n"
        "  evil:\n    image: alpine\n    volumes: ['/srv/prod:/x']\n    command: rm -rf /x\n"
    )
    files = {f"{PROJECT}/compose.yml": text}
    assert _judged(policy, "docker compose up -d web", files=files).decision is Verdict.DENY


@pytest.mark.parametrize("value", ["'on'", "'Y'", "'YES'", "'${P}'", "1"])
def test_compose_booleans_are_read_as_compose_reads_them(policy: Policy, value: str) -> None:
    text = (
        "services:\n  web:\n    image: alpine\n"
        f"    privileged: {value}\n    command: mkfs.ext4 /dev/sda\n"
    )
    files = {f"{PROJECT}/compose.yml": text}
    decision = _judged(policy, "docker compose up -d", files=files)
    assert _denied_as_protected_or_catastrophic(decision), value


@pytest.mark.parametrize(
    "given",
    [
        "oci://docker.io/evil/app:latest",
        "https://github.com/evil/app.git",
        "git@github.com:e/a.git",
    ],
)
def test_a_compose_file_fetched_from_elsewhere_is_unknown(policy: Policy, given: str) -> None:
    found = _action(f"docker compose -f {given} up -d")
    assert any(e.effect is EffectKind.UNKNOWN for e in found.effects), given


def test_run_splits_its_entrypoint_into_words(policy: Policy) -> None:
    text = "services:\n  web:\n    image: alpine\n    volumes: ['/srv/prod:/x']\n"
    files = {f"{PROJECT}/compose.yml": text}
    line = 'docker compose run --rm --entrypoint "rm -rf /x" web'
    assert _denied_as_protected_or_catastrophic(_judged(policy, line, files=files))
