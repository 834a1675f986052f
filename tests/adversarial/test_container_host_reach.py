"""Containers reaching this host by ways other than a plain bind mount.

Confirmed with podman 4.3.1 here (as root, runc, a busybox image made with ``podman import``;
the docker CLI 28.2 has no daemon here, and takes the same options):

1. ``podman volume create -o type=none -o o=bind -o device=/srv/ktdata v1`` then ``podman run
   -v v1:/d bb rm -rf /d/x`` deleted the host's ``/srv/ktdata/x``; ``--mount type=volume,src=v2,
   dst=/d,volume-opt=device=/srv/ktd2,volume-opt=o=bind,volume-opt=type=none`` created v2 bound
   so and the same ``rm`` deleted the host's file; a second ``--mount`` of v2 naming another
   device wrote to the first (an existing volume keeps its options).
2. ``--security-opt systempaths=unconfined`` (and podman's ``unmask=ALL``, ``unmask=/proc/sys``):
   ``echo 61 > /proc/sys/vm/swappiness`` in the container set the host's value (without it:
   "Read-only file system"); ``/sys`` stayed read-only.
3. ``--ipc=host``: a file the container made in ``/dev/shm`` was the host's. ``--uts=host``
   alone: ``hostname x`` failed (sethostname: Operation not permitted); ``--userns=host``: the
   identity map, as without it; ``--cgroupns=host`` with SYS_ADMIN: the cgroup tree read-only.
"""

from __future__ import annotations

import json

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.adversarial.test_container_env_settings import _RULES, _action, _kind_of, _verdict
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The BRIEF policy with the rules of the helpers' module (ops: no delete of /srv)."""
    return load_policy(BRIEF_POLICY.replace("  kiro:\n", _RULES + "  kiro:\n"))


def _names(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


def _kinds(action: Action, name: str) -> set[EffectKind]:
    return {e.effect for e in action.effects if name in e.resource.names}


def _compose(service: dict[str, object], line: str = "docker compose up", **top: object) -> Action:
    text = json.dumps({"services": {"s": {"image": "alpine", **service}}, **top})
    return understand_shell(
        line,
        cwd=CWD,
        home=HOME,
        env={},
        target=Target(environment="dev"),
        files=MemoryFiles({f"{CWD}/compose.yaml": text}),
    )


# -- 1. volumes bound to a host path --------------------------------------------------------------

_CREATE = "docker volume create -o type=none -o o=bind -o device=/srv/data v"


def test_a_volume_created_bound_to_a_host_folder_names_it() -> None:
    """Item 1: before, the unknown effect named only the command line."""
    action = _action(_CREATE)
    assert _kind_of(action, "file:/srv/data/*") is _E.UNKNOWN
    assert _kind_of(action, "docker:volume/v") is _E.CREATE


@pytest.mark.parametrize(
    "line",
    [
        f"{_CREATE} && docker run -v v:/d alpine rm -rf /d/x",
        f"{_CREATE}; docker run --rm -v v:/d:rw alpine sh -c 'rm -rf /d/x'",
        "docker volume create --opt device=/srv/data --opt o=bind,rw v; "
        "podman run --mount type=volume,src=v,dst=/d alpine rm -rf /d/x",
    ],
)
def test_a_container_using_a_volume_bound_on_the_line_deletes_the_hosts_files(
    line: str, policy: Policy
) -> None:
    """Item 1: before, the delete was named only as the volume (a deny rule for this host's
    /srv did not hold)."""
    action = _action(line)
    assert _kind_of(action, "file:/srv/data/x") is _E.DELETE
    assert _verdict(policy, line, agent="ops") is Verdict.DENY


def test_a_mount_creating_a_bound_volume_inline_reaches_the_hosts_folder(policy: Policy) -> None:
    """Item 1 (``volume-opt``): before, a mount not understood and the delete named in the
    container only. Whether the volume was there already is not told: it stays unknown."""
    line = (
        "docker run --mount type=volume,src=v,dst=/d,volume-opt=device=/srv,"
        "volume-opt=o=bind,volume-opt=type=none alpine rm -rf /d/x"
    )
    action = _action(line)
    assert _kind_of(action, "file:/srv/x") is _E.DELETE
    assert _kind_of(action, "file:/srv/*") is _E.UNKNOWN
    assert _verdict(policy, line, agent="ops") is Verdict.DENY


def test_a_compose_volume_bound_by_driver_options_reaches_the_hosts_folder() -> None:
    """Item 1 (compose ``driver_opts``): before, the service was not understood at all and its
    command not judged."""
    volumes = {"v": {"driver_opts": {"type": "none", "o": "bind", "device": "/srv"}}}
    action = _compose({"volumes": ["v:/d"], "command": "rm -rf /d/x"}, volumes=volumes)
    assert _kind_of(action, "file:/srv/x") is _E.DELETE
    assert "file:/srv/*" in _names(action)


def test_volumes_not_bound_stay_volumes() -> None:
    """False-alarm guard: a plain volume, or one bound on another daemon, is the volume."""
    plain = _action("docker volume create v && docker run -v v:/d alpine rm -rf /d/x")
    assert _E.DELETE in _kinds(plain, "docker:volume/v")
    assert not any(n.startswith("file:/srv") for n in _names(plain))
    other = _action(f"{_CREATE} && docker -H ssh://db run -v v:/d alpine rm -rf /d/x")
    assert "file:/srv/data/x" not in _names(other)


# -- 2. compose services acting on the host --------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "why"),
    [
        ({"security_opt": ["systempaths=unconfined"]}, "systempaths=unconfined"),
        ({"privileged": True, "pid": "host"}, "--privileged"),
        ({"cap_add": ["SYS_ADMIN"], "network_mode": "host"}, "SYS_ADMIN"),
        ({"devices": ["/dev/sda:/dev/sda"]}, "/dev/sda"),
        ({"user": "root", "volumes": ["/:/host"]}, "root filesystem"),
    ],
)
def test_compose_services_that_get_the_host_are_unknown(
    service: dict[str, object], why: str
) -> None:
    """Item 2: each as its ``docker run``. ``security_opt`` was not read before (nothing
    held); the other settings were read already: false-alarm-free guards that pass either way."""
    for line in ("docker compose up -d", "docker compose run s true"):
        action = _compose({**service, "command": "true"}, line)
        held = [e for e in action.effects if e.effect is _E.UNKNOWN and why in e.detail]
        assert held, (line, action.effects)


def test_a_compose_service_sharing_the_hosts_ipc_writes_its_shared_memory() -> None:
    """Item 2/3 (``ipc: host``): before, named the container's /dev/shm."""
    action = _compose({"ipc": "host", "command": "rm -rf /dev/shm/x"})
    assert _kind_of(action, "file:/dev/shm/x") is _E.DELETE


# -- 3. run options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "docker run --security-opt systempaths=unconfined alpine "
        "sh -c 'echo \"|/x\" > /proc/sys/kernel/core_pattern'",
        'podman run --security-opt unmask=ALL alpine sh -c \'echo "|/x" > '
        "/proc/sys/kernel/core_pattern'",
        "docker run --security-opt systempaths=unconfined --cap-add SYS_ADMIN alpine "
        "sh -c 'echo \"|/x\" > /proc/sys/kernel/core_pattern'",
    ],
)
def test_unconfined_system_paths_write_the_hosts_kernel(line: str, policy: Policy) -> None:
    """Item 2 of the docstring: before, the write was not named as this host's kernel
    setting (and without SYS_ADMIN the line was not even unknown)."""
    action = _action(line)
    assert _kind_of(action, "sysctl:kernel.core_pattern") is _E.UNKNOWN
    assert any("systempaths" in e.detail or "unmask" in e.detail for e in action.effects)
    assert _verdict(policy, line, agent="ops") is Verdict.DENY


def test_unconfined_system_paths_make_the_sysrq_trigger_the_hosts() -> None:
    """Item 2: ``echo b > /proc/sysrq-trigger`` reboots the host: catastrophic."""
    line = "podman run --security-opt systempaths=unconfined bb sh -c 'echo b >/proc/sysrq-trigger'"
    assert any(e.catastrophic for e in _action(line).effects)


def test_ipc_host_shares_the_hosts_shared_memory() -> None:
    """Item 3: before, the container's own /dev/shm."""
    action = _action("docker run --ipc=host alpine rm -rf /dev/shm/app")
    assert _kind_of(action, "file:/dev/shm/app") is _E.DELETE


@pytest.mark.parametrize(
    "line",
    [
        "docker run --uts=host alpine hostname",
        "docker run --userns=host alpine rm -rf /tmp/x",
        "docker run --cgroupns=host alpine cat /sys/fs/cgroup/cpu/tasks",
        "docker run --security-opt seccomp=unconfined alpine rm -rf /tmp/x",
    ],
)
def test_namespaces_shared_without_privileges_do_not_get_the_host(line: str) -> None:
    """False-alarm guard (item 3 of the docstring): these alone give no host files."""
    action = _action(line)
    assert not any("gets the host" in e.detail for e in action.effects)
    assert not any(n.startswith("file:/tmp") for n in _names(action))


@pytest.mark.parametrize(
    "line",
    [
        "docker run --device /dev/sda alpine dd if=/dev/zero of=/dev/sda",
        "docker run --device /dev/sda:/dev/xvda alpine dd if=/dev/zero of=/dev/xvda",
        "podman run --device=/dev/nvme0n1 alpine sh -c 'mkfs.ext4 /dev/nvme0n1'",
    ],
)
def test_a_disk_given_to_a_container_is_destroyed_as_on_the_host(line: str) -> None:
    """Guard (unchanged): as ``dd of=/dev/sda`` on this host, a catastrophic replace."""
    host = next(e for e in _action("dd if=/dev/zero of=/dev/sda").effects if e.catastrophic)
    found = [e for e in _action(line).effects if e.catastrophic]
    assert found and found[0].effect is host.effect
    assert found[0].resource.names[0].startswith("file:/dev/")


@pytest.mark.parametrize(
    "line",
    [
        "docker run -v /var/run/docker.sock:/var/run/docker.sock docker "
        "docker run -v /srv:/s alpine rm -rf /s/app",
        "docker run -v /var/run:/var/run -v /home/kiro/project:/src docker "
        "sh -c 'docker run -v /srv:/s alpine rm -rf /s/app'",
    ],
)
def test_a_container_holding_the_engine_socket_acts_on_this_host(line: str, policy: Policy) -> None:
    """Item 3 (the socket): before, the inner run's bind was named as the container's own
    /srv (a deny rule for this host's /srv did not hold)."""
    action = _action(line)
    assert _kind_of(action, "file:/srv/app") is _E.DELETE
    assert any(e.effect is _E.UNKNOWN and "socket" in e.detail for e in action.effects)
    assert _verdict(policy, line, agent="ops") is Verdict.DENY


# -- 4. docker cp into a bind mount --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name", "kind"),
    [
        (
            "docker run -d --name web -v /srv:/data alpine sleep 1d && docker cp evil web:/data/x",
            "file:/srv/x",
            _E.UPDATE,
        ),
        (
            "docker create --name web --mount type=bind,src=/srv,dst=/data alpine; "
            "docker cp web:/data/db ./db",
            "file:/srv/db",
            _E.READ,
        ),
    ],
)
def test_docker_cp_through_a_bind_mount_made_on_the_line_names_the_hosts_file(
    line: str, name: str, kind: EffectKind
) -> None:
    """Item 4: before, only the container was named."""
    assert _kind_of(_action(line), name) is kind


def test_docker_cp_into_a_container_path_outside_its_binds_stays_the_containers() -> None:
    """False-alarm guard: ``docker cp evil web:/etc/cron.d/x`` lands in the container."""
    line = "docker run -d --name web -v /srv:/data alpine sleep 1d; docker cp evil web:/etc/x"
    action = _action(line)
    assert _E.UPDATE in _kinds(action, "docker:container/web")
    assert not any(n.startswith("file:/srv/") for n in _names(action) if n != "file:/srv/*")
    assert ACTOR.agent == "kiro" and HOME in CWD  # the fixtures' place, as in the helpers'
