"""The container tools' settings moved by variables and options, the kernel's settings written
as files, and containers that reach this host.

Confirmed with the real tools here (docker CLI 28.2.2, podman 4.3.1 from apt, as root, against
scratch folders under /tmp):

1. ``DOCKER_CONFIG=/tmp/x docker pull alpine`` and ``docker --config /tmp/x pull alpine`` ran
   ``docker-credential-evil get`` for a ``config.json`` of ``{"credsStore":"evil"}``;
   ``env DOCKER_CONFIG=/tmp/x docker foo`` ran ``/tmp/x/cli-plugins/docker-foo``. A write of
   that ``config.json`` on the same line as the variable or option is held as one under
   ``~/.docker`` is; ``docker --config DIR context use`` stays docker's own change.
2. podman 4.3.1: ``REGISTRY_AUTH_FILE`` (``credHelpers`` ran the helper on ``login
   --get-login``), ``CONTAINERS_CONF`` (``[engine.runtimes]`` ran on ``podman info``),
   ``CONTAINERS_REGISTRIES_CONF`` (its search registries became ``podman info``'s),
   ``CONTAINERS_STORAGE_CONF`` (its driver and graph root became ``podman info``'s) and
   ``DOCKER_CONFIG`` (podman's logins fall back to its ``config.json``: the helper ran). A file
   they name, in the agent's environment or on the line, is held as containers.conf is.
   ``podman --runtime /tmp/x info`` ran ``/tmp/x --version``; ``--runtime NAME`` with a name
   not in containers.conf failed ("default OCI runtime not found"): only a path runs a program.
3. ``/proc/sys/<key with slashes>`` is what procps-ng's ``sysctl -w`` writes (its
   ``sysctl.c``): a raw write is named ``sysctl:<key>`` as ``sysctl -w`` names it, so a rule
   for the setting holds; a write of ``/etc/sysctl.conf`` or a ``sysctl.d`` file is
   ``sysctl:*`` (``sysctl --system``'s name). They stay ``unknown``, as before.
4. A privileged container's ``/proc/sys`` and ``/sys`` are the host kernel's (podman-run(1):
   "read-only mount points ... are all disabled"); with ``--pid=host``, ``nsenter -t 1 -m`` and
   ``/proc/1/root`` reach this host's files (the classic breakout, as written in public
   container-security material): both are named as this host's.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand._container_env_settings import RUN_TIME
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.dispatch import RUN_TIME_HINT

_E = EffectKind
EVIL = """echo '{"credsStore":"evil"}'"""
# The BRIEF policy, with rules written for kernel settings and host files.
_RULES = """\
  ops:
    deny:
      - resource: "sysctl:kernel.randomize_va_space"
      - resource: "sysctl:kernel.core_pattern"
      - effect: delete
        resource: "file:/srv/*"
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY.replace("  kiro:\n", _RULES + "  kiro:\n"))


def _action(line: str, env: Mapping[str, str] | None = None) -> Action:
    return understand_shell(
        line,
        cwd=CWD,
        home=HOME,
        env=dict(env or {}),
        target=Target(environment="dev"),
        files=MemoryFiles({}),
    )


def _kind_of(action: Action, name: str) -> EffectKind:
    kinds = {e.effect for e in action.effects if name in e.resource.names}
    assert kinds, f"{name} not named: {action.effects}"
    return _E.UNKNOWN if _E.UNKNOWN in kinds else kinds.pop()


def _verdict(policy: Policy, line: str, agent: str = "kiro", **env: str) -> Verdict:
    actor = ACTOR if agent == "kiro" else ACTOR.__class__(agent=agent, operator="bob")
    return policy.judge(_action(line, env), actor=actor).decision


# -- 1. DOCKER_CONFIG and --config on the line -------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        f"{EVIL} > /tmp/x/config.json && DOCKER_CONFIG=/tmp/x docker pull alpine",
        f"export DOCKER_CONFIG=/tmp/x; {EVIL} > /tmp/x/config.json; docker pull alpine",
        f"{EVIL} > /tmp/x/config.json; env DOCKER_CONFIG=/tmp/x docker pull alpine",
        f"{EVIL} > /tmp/x/config.json; docker --config /tmp/x pull alpine",
        f"{EVIL} > /tmp/x/config.json; docker --config=/tmp/x/ compose pull",
        f"{EVIL} | tee /tmp/x/config.json; DOCKER_CONFIG=/tmp/x docker-compose pull",
        "cp evil /tmp/x/cli-plugins/docker-foo; DOCKER_CONFIG=/tmp/x docker ps",
        f"{EVIL} > /tmp/x/config.json; DOCKER_CONFIG=/tmp/x podman pull alpine",
    ],
)
def test_a_write_in_the_folder_docker_is_pointed_to_on_the_line_is_held(
    line: str, policy: Policy
) -> None:
    """Item 1 of the module docstring (docker 28.2 ran the helper and the plugin); before, the
    write was a plain create under /tmp and the line was allowed in dev."""
    action = _action(line)
    held = [e for e in action.effects if e.effect is _E.UNKNOWN and "docker CLI" in e.detail]
    assert held, action.effects
    assert _verdict(policy, line) is not Verdict.ALLOW


def test_dockers_own_write_of_its_moved_settings_stays_its_change(policy: Policy) -> None:
    """False-alarm guard: ``docker --config DIR context use`` writes currentContext itself
    (judged by its own effect), and a read of the moved settings stays a read."""
    action = _action("docker --config /tmp/x context use dev-box")
    kinds = {e.effect for e in action.effects if "file:/tmp/x/config.json" in e.resource.names}
    assert kinds == {_E.UPDATE, _E.READ}
    assert _verdict(policy, "docker --config /tmp/x context use dev-box") is Verdict.ALLOW
    assert _kind_of(_action("docker --config /tmp/x ps"), "file:/tmp/x/config.json") is _E.READ
    # a file beside it that docker does not read is a plain write
    other = _action("echo x > /tmp/x/notes.txt; docker --config /tmp/x ps")
    assert _kind_of(other, "file:/tmp/x/notes.txt") is _E.CREATE


def test_a_folder_decided_at_run_time_holds_every_docker_config() -> None:
    """A DOCKER_CONFIG the line sets to a value decided at run time may be any folder."""
    assert RUN_TIME == RUN_TIME_HINT  # the literal the settings module keeps
    line = f"export DOCKER_CONFIG=$(mktemp -d); {EVIL} > /srv/ci/config.json; docker pull x"
    assert _kind_of(_action(line), "file:/srv/ci/config.json") is _E.UNKNOWN


# -- 2. podman's variables ---------------------------------------------------------------------


_PODMAN_FILES = [
    ("REGISTRY_AUTH_FILE", "/srv/ci/auth.json"),
    ("REGISTRY_AUTH_FILE", "/srv/ci/creds"),
    ("CONTAINERS_CONF", "/srv/ci/podman.conf"),
    ("CONTAINERS_CONF_OVERRIDE", "/srv/ci/override.conf"),
    ("CONTAINERS_REGISTRIES_CONF", "/srv/ci/reg.conf"),
    ("CONTAINERS_STORAGE_CONF", "/srv/ci/storage.conf"),
]


@pytest.mark.parametrize(("variable", "path"), _PODMAN_FILES)
def test_a_file_podmans_variables_name_in_the_agents_environment_is_held(
    variable: str, path: str, policy: Policy
) -> None:
    """Item 2 (podman 4.3.1 read each); before, a plain write."""
    line = f"echo '[engine]' > {path}"
    assert _kind_of(_action(line, {variable: path}), f"file:{path}") is _E.UNKNOWN
    assert _verdict(policy, line, **{variable: path}) is not Verdict.ALLOW


@pytest.mark.parametrize(("variable", "path"), _PODMAN_FILES)
@pytest.mark.parametrize(
    "form",
    [
        "{w}; {v}={p} podman pull alpine",
        "export {v}={p}; {w}; podman pull alpine",
        "{w}; env {v}={p} podman pull alpine",
        "{w}; {v}={p} podman-compose pull",
    ],
)
def test_a_file_podmans_variables_name_on_the_line_is_held(
    variable: str, path: str, form: str
) -> None:
    """Item 2, the variable set on the line itself."""
    line = form.format(w=f"echo x > {path}", v=variable, p=path)
    assert _kind_of(_action(line), f"file:{path}") is _E.UNKNOWN


def test_a_file_no_variable_names_stays_a_plain_write() -> None:
    """False-alarm guard: the variables name one file, not its neighbours."""
    action = _action("echo x > /srv/ci/other.json", {"REGISTRY_AUTH_FILE": "/srv/ci/auth.json"})
    assert _kind_of(action, "file:/srv/ci/other.json") is _E.CREATE


@pytest.mark.parametrize(
    "line",
    [
        "podman --runtime /tmp/evil ps",
        "podman --runtime=./evil run --rm alpine true",
        "podman --conmon /tmp/evil ps",
        "podman --network-cmd-path /tmp/evil run alpine true",
        "podman --hooks-dir /tmp/hooks run alpine true",
        "podman --storage-opt overlay.mount_program=/tmp/evil ps",
        "nerdctl --cni-path /tmp/cni run alpine true",
    ],
)
def test_a_program_a_global_option_names_is_unknown(line: str, policy: Policy) -> None:
    """Item 2 (podman ran ``--runtime``'s program); before, allowed in dev."""
    assert any(
        e.effect is _E.UNKNOWN and "runs what it names" in e.detail for e in _action(line).effects
    )
    assert _verdict(policy, line) is not Verdict.ALLOW


def test_a_runtime_by_name_stays_allowed(policy: Policy) -> None:
    """False-alarm guard: ``--runtime crun`` names a runtime containers.conf lists."""
    assert _verdict(policy, "podman --runtime crun ps") is Verdict.ALLOW


# -- 3. the kernel's settings as files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("echo 0 > /proc/sys/kernel/randomize_va_space", "sysctl:kernel.randomize_va_space"),
        (
            "echo 0 | sudo tee /proc/sys/kernel/randomize_va_space",
            "sysctl:kernel.randomize_va_space",
        ),
        ("cd /proc/sys/kernel && echo 0 > randomize_va_space", "sysctl:kernel.randomize_va_space"),
        ("echo 1 | tee /proc/sys/net/ipv4/ip_forward", "sysctl:net.ipv4.ip_forward"),
        (
            "printf ':x:E::x::/tmp/e:' > /proc/sys/fs/binfmt_misc/register",
            "sysctl:fs.binfmt_misc.register",
        ),
        (
            "echo 1 > /proc/sys/net/ipv4/conf/eth0.1/forwarding",
            "sysctl:net.ipv4.conf.eth0/1.forwarding",
        ),
        ("echo 'kernel.core_pattern=|/x' >> /etc/sysctl.conf", "sysctl:*"),
        ("cp x.conf /etc/sysctl.d/99-x.conf", "sysctl:*"),
        ("echo x > /usr/lib/sysctl.d/50-x.conf", "sysctl:*"),
    ],
)
def test_a_raw_write_of_a_kernel_setting_is_named_as_the_setting(line: str, name: str) -> None:
    """Item 3: named as ``sysctl -w`` names the key (before: only ``file:``), still unknown."""
    assert _kind_of(_action(line), name) is _E.UNKNOWN


@pytest.mark.parametrize(
    "line",
    [
        "echo 0 > /proc/sys/kernel/randomize_va_space",
        "echo 0 | tee /proc/sys/kernel/randomize_va_space",
        "sysctl -w kernel.randomize_va_space=0",
        "echo '|/tmp/e' > /proc/sys/kernel/core_pattern",
    ],
)
def test_a_rule_for_a_kernel_setting_holds_for_its_file(line: str, policy: Policy) -> None:
    """Item 3: a deny rule written for the setting denies the raw write as it does ``sysctl
    -w`` (before: asked, the rule not matching)."""
    assert _verdict(policy, line, agent="ops") is Verdict.DENY


def test_reading_a_kernel_setting_stays_a_read(policy: Policy) -> None:
    """False-alarm guard: a read is named as the setting and stays allowed."""
    action = _action("cat /proc/sys/vm/swappiness /etc/sysctl.conf")
    assert _kind_of(action, "sysctl:vm.swappiness") is _E.READ
    assert "sysctl:*" not in {n for e in action.effects for n in e.resource.names}
    assert _verdict(policy, "cat /proc/sys/vm/swappiness") is Verdict.ALLOW


@pytest.mark.parametrize(
    "line",
    [
        "echo never > /sys/kernel/mm/transparent_hugepage/enabled",
        "echo 0 > /sys/class/net/eth0/carrier",
        "echo mem | tee /sys/power/state",
    ],
)
def test_a_write_under_sys_stays_unknown(line: str, policy: Policy) -> None:
    """Guard: /sys writes are not judged looser than unknown (unchanged)."""
    assert any(e.effect is _E.UNKNOWN for e in _action(line).effects)
    assert _verdict(policy, line) is not Verdict.ALLOW


# -- 4. containers that reach this host ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        (
            "docker run --privileged alpine sh -c 'echo \"|/x\" > /proc/sys/kernel/core_pattern'",
            "sysctl:kernel.core_pattern",
        ),
        (
            "docker run --privileged alpine sh -c 'echo /x > /sys/fs/cgroup/rdma/release_agent'",
            "file:/sys/fs/cgroup/rdma/release_agent",
        ),
    ],
)
def test_a_privileged_containers_kernel_files_are_this_hosts(
    line: str, name: str, policy: Policy
) -> None:
    """Item 4: before, named as the container's own file."""
    assert _kind_of(_action(line), name) is _E.UNKNOWN
    if name.startswith("sysctl:"):
        assert _verdict(policy, line, agent="ops") is Verdict.DENY


@pytest.mark.parametrize(
    "line",
    [
        "docker run --privileged --pid=host alpine nsenter -t 1 -m -u -i -n -p -- rm -rf /srv/app",
        "docker run --pid=host alpine sh -c 'nsenter --target 1 --mount -- rm -rf /srv/app'",
        "docker run --privileged --pid=host alpine rm -rf /proc/1/root/srv/app",
        "podman run --pid host --privileged alpine nsenter -t1 -a rm -rf /srv/app",
    ],
)
def test_a_container_entering_the_hosts_first_process_acts_on_this_host(
    line: str, policy: Policy
) -> None:
    """Item 4: before, the delete was named only in the container (a deny rule for this
    host's /srv did not hold: asked)."""
    action = _action(line)
    assert _kind_of(action, "file:/srv/app") is _E.DELETE
    assert _verdict(policy, line, agent="ops") is Verdict.DENY


def test_a_container_not_sharing_the_hosts_processes_keeps_its_own_files() -> None:
    """False-alarm guard: without ``--pid=host`` PID 1 is the container's own."""
    action = _action("docker run alpine nsenter -t 1 -m rm -rf /srv/app")
    names = {n for e in action.effects for n in e.resource.names}
    assert "file:/srv/app" not in names
    assert "docker:container/alpine/file:/srv/app" in names


@pytest.mark.parametrize(
    "line",
    [
        "docker run -v /:/host alpine sh -c 'rm -rf /host/srv/app'",
        "docker run -v /:/host alpine chroot /host rm -rf /srv/app",
        "docker run --mount type=bind,src=/srv,dst=/s alpine rm -rf /s/app",
        "docker exec web nsenter -t 1 -m rm -rf /srv/app",
        "docker cp web:/x /srv/app",
    ],
)
def test_other_ways_onto_this_hosts_files_stay_named_on_it(line: str, policy: Policy) -> None:
    """Guard (unchanged): bind mounts, chroot into them, exec and cp name this host's files."""
    assert any(
        n.startswith("file:/srv/app") for e in _action(line).effects for n in e.resource.names
    )
    if "cp " not in line:
        assert _verdict(policy, line, agent="ops") is Verdict.DENY
