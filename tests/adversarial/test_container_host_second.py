"""Containers and host administration, second pass: which daemon the container CLIs talk to
as the line leaves it, what a build's steps reach, the kernel's settings and ZFS.

What each group rests on:

1. docker contexts -- the docker CLI 28 here, run against a scratch ``DOCKER_CONFIG``:
   ``docker context use prod`` writes ``"currentContext": "prod"`` in ``config.json``
   (``use default`` removes it) and refuses a context not in the store; ``context create``
   writes ``contexts/meta/<sha256(name)>/meta.json``, and without ``--docker``/``--from``
   copies the current context's endpoint; ``context rm -f`` of the current one resets it;
   ``context export NAME`` writes ``NAME.dockercontext`` in the working directory.
2. podman connections -- podman 4.3.1 (Debian bookworm), run as root: ``system connection
   add|default|rm`` write ``active_service`` and ``[engine.service_destinations]`` of
   ``/etc/containers/containers.conf`` (a user's: ``~/.config/containers/containers.conf``;
   podman 5 writes ``podman-connections.json`` beside it); ``add -d`` makes it the default;
   ``list``/``ls`` only show.
3. sysctl -- procps-ng 4.0.2 here (``--dry-run``) and its ``sysctl.c``: a word with ``=`` sets
   the key even without ``-w``; ``-p``/``-f``/``--load`` take the files from ``-pFILE`` and
   the operands (``-``: stdin; none: /etc/sysctl.conf) and write their ``key = value`` lines;
   ``--system`` loads every sysctl.d file; ``-a`` shows all and writes nothing; ``--dry-run``
   writes nothing (older procps loads the system's files as soon as it meets ``--system``);
   getopt takes ``--sys`` for ``--system``; a key whose first separator is ``/`` uses ``/``.
4. ZFS -- the OpenZFS 2.x manuals (zfs-rollback(8): "all data that has changed since the
   snapshot is discarded", ``-r`` destroys the later snapshots and bookmarks; zpool-export(8):
   ``-f`` forcefully unmounts all datasets; zpool-create(8): ``-n`` only displays the layout,
   ``-f`` uses devices even when they hold a file system; zfs-set(8), zfs-receive(8) ``-F``).
5. builds -- docker buildx build reference and compose-spec ``build.md``: ``--ssh`` /
   ``build.ssh`` expose the host's ssh agent or keys to RUN steps, ``--network host`` /
   ``build.network: host`` give them the host's network, ``--secret src=FILE`` reads FILE;
   ``docker compose build`` and ``up --build`` build the services' images (only those named).

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy, the session's hint
``AWS_PROFILE=dev``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Decision, Effect, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

DEV = {"AWS_PROFILE": "dev"}
_E = EffectKind


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY)


def _action(
    line: str,
    *,
    files: Mapping[str, str] | None = None,
    cwd: str = CWD,
    home: str = HOME,
    variables: Mapping[str, str] | None = None,
) -> Action:
    return understand_shell(
        line,
        cwd=cwd,
        home=home,
        env=dict(DEV if variables is None else variables),
        target=Target(),
        files=MemoryFiles(dict(files or {})),
    )


def _judged(policy: Policy, line: str, **kw: object) -> Decision:
    return policy.judge(_action(line, **kw), actor=ACTOR)  # type: ignore[arg-type]


def _names(action: Action, kind: EffectKind | None = None) -> set[str]:
    return {n for e in action.effects if kind is None or e.effect is kind for n in e.resource.names}


def _effect(action: Action, name: str) -> Effect:
    return next(e for e in action.effects if name in e.resource.names)


def _verdict_of(decision: Decision, name: str) -> Verdict:
    return next(j.decision for j in decision.judgements if name in j.effect.resource.names)


def _meta(name: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return f"{HOME}/.docker/contexts/meta/{digest}/meta.json"


# -- 1. docker contexts ----------------------------------------------------------------------


def test_context_use_is_a_change_on_the_new_daemon(policy: Policy) -> None:
    action = _action("docker context use prod")
    assert {"docker:context/current", "docker:prod/context/current"} <= _names(action, _E.UPDATE)
    assert f"file:{HOME}/.docker/config.json" in _names(action, _E.UPDATE)
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.ASK  # an update in production, not a form not understood


def test_context_use_writes_the_settings_folder_the_line_names() -> None:
    assert "file:/srv/dc/config.json" in _names(
        _action("DOCKER_CONFIG=/srv/dc docker context use prod"), _E.UPDATE
    )
    assert "file:/srv/dc2/config.json" in _names(
        _action("docker --config /srv/dc2 context use prod"), _E.UPDATE
    )


def test_switching_back_to_the_default_context_stays_allowed(policy: Policy) -> None:
    assert _judged(policy, "docker context use default").decision is Verdict.ALLOW


@pytest.mark.parametrize(
    "line",
    [
        "docker context use staging && docker rm -f db",
        "docker context use staging; docker volume rm data",
        "docker context rm -f old && docker rm -f db",
    ],
)
def test_a_command_after_the_context_changed_is_not_this_machines(
    policy: Policy, line: str
) -> None:
    action = _action(line)
    change = next(e for e in action.effects if e.effect is _E.DELETE and len(e.resource.names) > 1
                  and e.resource.type in ("container", "volume"))  # fmt: skip
    assert any("(decided at run time)" in n for n in change.resource.names)
    decision = policy.judge(action, actor=ACTOR)
    assert _verdict_of(decision, change.resource.names[0]) is Verdict.ASK


def test_a_context_rewritten_on_the_line_is_no_longer_this_machines(policy: Policy) -> None:
    # Docker Desktop's context points at a local socket ...
    meta = '{"Name":"desktop-linux","Endpoints":{"docker":{"Host":"unix:///run/docker.sock"}}}'
    files = {_meta("desktop-linux"): meta}
    line = (
        "docker context update desktop-linux --docker host=ssh://build-1"
        " && docker --context desktop-linux rm -f db"
    )
    action = _action(line, files=files)
    assert "docker:ssh://build-1/context/desktop-linux" in _names(action, _E.UPDATE)
    # ... until the line points it elsewhere: the rm after is not judged as this machine's.
    decision = policy.judge(action, actor=ACTOR)
    assert _verdict_of(decision, "docker:desktop-linux/container/db") is Verdict.ASK


@pytest.mark.parametrize(
    ("line", "kind", "name"),
    [
        ("docker context create ci --docker host=ssh://prod-db.internal", _E.CREATE,
         "docker:ssh://prod-db.internal/context/ci"),
        ("docker context create ci --docker=host=tcp://10.0.0.5:2376,ca=/ca.pem", _E.CREATE,
         "docker:tcp://10.0.0.5:2376/context/ci"),
        ("docker context create ci --from prod", _E.CREATE, "docker:prod/context/ci"),
        ("DOCKER_HOST=ssh://db-1 docker context create ci", _E.CREATE,
         "docker:ssh://db-1/context/ci"),
        ("docker context update work --docker host=ssh://build", _E.UPDATE,
         "docker:ssh://build/context/work"),
        ("docker context rm prod-eu", _E.DELETE, "docker:context/prod-eu"),
        ("docker context remove ci", _E.DELETE, "docker:context/ci"),
        ("docker context import ci ci.tar", _E.CREATE, "docker:context/ci"),
        ("docker context export ci", _E.CREATE, f"file:{CWD}/ci.dockercontext"),
    ],
)  # fmt: skip
def test_the_contexts_themselves_are_named(line: str, kind: EffectKind, name: str) -> None:
    assert name in _names(_action(line), kind)


def test_a_context_store_entry_is_this_hosts_file() -> None:
    action = _action("docker context create ci --docker host=ssh://build")
    assert f"file:{_meta('ci')}" in _names(action, _E.CREATE)


def test_a_context_on_a_local_socket_is_allowed_in_dev(policy: Policy) -> None:
    line = "docker context create rootless --docker host=unix:///run/user/1000/docker.sock"
    assert _judged(policy, line).decision is Verdict.ALLOW


def test_a_context_use_decided_at_run_time_is_unknown() -> None:
    effect = _effect(_action("docker context use $CTX"), "docker:context/current")
    assert effect.effect is _E.UNKNOWN


# -- 2. podman connections -------------------------------------------------------------------


def test_podman_default_connection_is_a_change_on_that_connection(policy: Policy) -> None:
    action = _action("podman system connection default prod")
    assert "docker:prod/context/current" in _names(action, _E.UPDATE)
    assert {
        f"file:{HOME}/.config/containers/containers.conf",
        f"file:{HOME}/.config/containers/podman-connections.json",
    } <= _names(action, _E.UPDATE)
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_roots_podman_writes_the_system_settings() -> None:
    action = _action("podman system connection default prod", home="/root", cwd="/root")
    assert "file:/etc/containers/containers.conf" in _names(action, _E.UPDATE)


def test_a_podman_command_after_the_default_changed_is_not_this_machines(policy: Policy) -> None:
    action = _action("podman system connection default staging && podman rm -f db")
    decision = policy.judge(action, actor=ACTOR)
    assert _verdict_of(decision, "docker:container/db") is Verdict.ASK


@pytest.mark.parametrize(
    ("line", "kind", "name"),
    [
        ("podman system connection add ci ssh://root@build-1", _E.CREATE,
         "docker:ssh://root@build-1/context/ci"),
        ("podman system connection add -d ci root@build-1", _E.UPDATE,
         "docker:root@build-1/context/current"),
        ("podman system connection add --identity ~/.ssh/k -p 2222 ci root@h", _E.CREATE,
         "docker:root@h/context/ci"),
        ("podman system connection rm old", _E.DELETE, "docker:context/old"),
        ("podman system connection remove --all", _E.DELETE, "docker:context/*"),
        ("podman system connection rename a b", _E.UPDATE, "docker:context/b"),
        ("podman system connection mv a b", _E.UPDATE, "docker:context/a"),
    ],
)  # fmt: skip
def test_podman_connections_are_named(line: str, kind: EffectKind, name: str) -> None:
    assert name in _names(_action(line), kind)


@pytest.mark.parametrize("line", ["podman system connection ls", "podman system connection list"])
def test_listing_podman_connections_is_a_read(policy: Policy, line: str) -> None:
    assert _judged(policy, line).decision is Verdict.ALLOW


# -- 3. sysctl -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("sysctl -w net.ipv4.ip_forward=1", "sysctl:net.ipv4.ip_forward"),
        ("sysctl net.ipv4.ip_forward=1", "sysctl:net.ipv4.ip_forward"),
        ("sysctl -q --write vm.swappiness=10", "sysctl:vm.swappiness"),
        ("sysctl vm.swappiness=10 -q", "sysctl:vm.swappiness"),
        ("sysctl -qw net/ipv4/conf/eth0.1/rp_filter=0", "sysctl:net.ipv4.conf.eth0/1.rp_filter"),
    ],
)
def test_a_kernel_setting_set_on_the_line_is_an_update(line: str, name: str) -> None:
    assert name in _names(_action(line), _E.UPDATE)


@pytest.mark.parametrize(
    "line",
    [
        "sysctl -w kernel.core_pattern='|/tmp/x %p'",
        "sysctl kernel.modprobe=/tmp/m",
        "sysctl -w 'kernel.core_p*=|/tmp/x'",
        "sysctl -w kernel/poweroff_cmd=/tmp/p",
    ],
)
def test_a_setting_naming_a_program_the_kernel_runs_is_unknown(line: str) -> None:
    action = _action(line)
    assert any(n.startswith("sysctl:kernel.") for n in _names(action, _E.UNKNOWN))


def test_a_file_of_settings_is_read_when_its_text_is_known() -> None:
    conf = "# ours\n; also a comment\nvm.swappiness = 10\n-net.ipv4.ip_forward=1\n-kernel.x\n"
    files = {"/etc/sysctl.d/90-app.conf": conf}
    conf_file = "/etc/sysctl.d/90-app.conf"
    for line in (f"sysctl -p {conf_file}", f"sysctl -p{conf_file}", f"sysctl --load={conf_file}",
                 f"sysctl -f {conf_file}"):  # fmt: skip
        action = _action(line, files=files)
        assert {"sysctl:vm.swappiness", "sysctl:net.ipv4.ip_forward"} <= _names(action, _E.UPDATE)
        assert "file:/etc/sysctl.d/90-app.conf" in _names(action, _E.READ)


def test_a_file_naming_a_program_the_kernel_runs_is_unknown() -> None:
    files = {"/etc/sysctl.conf": "kernel.core_pattern = |/usr/local/bin/grab %p\n"}
    assert "sysctl:kernel.core_pattern" in _names(_action("sysctl -p", files=files), _E.UNKNOWN)


def test_settings_from_a_heredoc_are_read() -> None:
    line = "sysctl -p - <<'EOF'\nkernel.modprobe = /tmp/m\nvm.swappiness=10\nEOF"
    action = _action(line)
    assert "sysctl:kernel.modprobe" in _names(action, _E.UNKNOWN)
    assert "sysctl:vm.swappiness" in _names(action, _E.UPDATE)


@pytest.mark.parametrize(
    "line",
    [
        "sysctl -p /etc/sysctl.d/99-unseen.conf",
        "sysctl -p",
        "sysctl --system",
        "sysctl --sys",
        "sysctl --system --dry-run",  # an older sysctl loads them before it meets --dry-run
        "sysctl -p '/etc/sysctl.d/*.conf'",
    ],
)
def test_settings_not_known_here_are_unknown(policy: Policy, line: str) -> None:
    action = _action(line)
    assert "sysctl:*" in _names(action, _E.UNKNOWN)
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


@pytest.mark.parametrize(
    "line",
    [
        "sysctl net.ipv4.ip_forward",
        "sysctl -a",
        "sysctl -n vm.swappiness",
        "sysctl --dry-run -w vm.swappiness=1",
        "sysctl -a -r '^net'",
        "sysctl --help",
    ],
)
def test_reading_kernel_settings_is_allowed(policy: Policy, line: str) -> None:
    assert _judged(policy, line).decision is Verdict.ALLOW


def test_a_key_decided_at_run_time_is_unknown_beside_the_known_one() -> None:
    action = _action("sysctl -w vm.swappiness=1 $KEY=1")
    assert [e.effect for e in action.effects] == [_E.UPDATE, _E.UNKNOWN]


# -- 4. ZFS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "name"),
    [
        ("zpool export -f tank", _E.UPDATE, "zfs:tank"),
        ("zpool export -a", _E.UPDATE, "zfs:*"),
        ("zfs rollback tank/data@monday", _E.REPLACE, "zfs:tank/data"),
        ("zfs rollback -r tank/data@monday", _E.UNKNOWN, "zfs:tank/data@*"),
        ("zfs rollback -Rf tank/data@monday", _E.REPLACE, "zfs:tank/data"),
        ("zfs set readonly=off tank/data", _E.UPDATE, "zfs:tank/data"),
        ("zfs set compression=lz4 atime=off tank/a tank/b", _E.UPDATE, "zfs:tank/b"),
        ("zfs inherit -r readonly tank/data", _E.UPDATE, "zfs:tank/data"),
        ("zfs set mountpoint=/etc tank/x", _E.UNKNOWN, "zfs:tank/x"),
        ("zfs snapshot -r tank@now", _E.CREATE, "zfs:tank@now"),
        ("zfs create -o compression=lz4 tank/new", _E.CREATE, "zfs:tank/new"),
        ("zfs receive -F tank/data", _E.REPLACE, "zfs:tank/data"),
        ("zfs recv tank/copy", _E.CREATE, "zfs:tank/copy"),
        ("zpool create -n tank sdb", _E.READ, "zfs:tank"),
    ],
)
def test_zfs_forms_are_understood(line: str, kind: EffectKind, name: str) -> None:
    assert name in _names(_action(line), kind)


@pytest.mark.parametrize(
    ("line", "device"),
    [
        ("zpool create -f tank mirror sdb sdc", "file:/dev/sdc"),
        ("zpool create -o ashift=12 -m /srv tank /dev/nvme1n1", "file:/dev/nvme1n1"),
        ("zpool add tank raidz2 sdd sde sdf", "file:/dev/sdf"),
        ("zpool attach tank sdb sdg", "file:/dev/sdg"),
        ("zpool replace tank sdb sdh", "file:/dev/sdh"),
    ],
)
def test_a_pool_label_written_over_a_device_is_catastrophic(
    policy: Policy, line: str, device: str
) -> None:
    action = _action(line)
    assert device in _names(action, _E.REPLACE)
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


# -- 5. builds -------------------------------------------------------------------------------

PROJECT = "/w/bproj"


@pytest.mark.parametrize(
    "line",
    [
        "docker build --ssh default .",
        "docker build --ssh=default=/home/kiro/.ssh/id_ed25519 -t app .",
        "docker buildx build --network=host -t app .",
        "podman build --network host .",
    ],
)
def test_what_a_build_gives_its_steps_of_this_host_is_unknown(policy: Policy, line: str) -> None:
    action = _action(line)
    assert _E.UNKNOWN in {e.effect for e in action.effects}
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_a_builds_secret_file_is_read() -> None:
    line = "docker build --secret id=aws,src=/home/kiro/.aws/credentials ."
    assert "file:/home/kiro/.aws/credentials" in _names(_action(line), _E.READ)


@pytest.mark.parametrize(
    "build",
    [
        "build:\n      context: .\n      ssh: [default]\n",
        "build:\n      context: .\n      network: host\n",
        "build:\n      context: .\n      privileged: true\n",
        "build:\n      context: .\n      entitlements: [network.host]\n",
    ],
)
@pytest.mark.parametrize("line", ["docker compose build", "docker compose up --build -d"])
def test_a_compose_build_section_reaching_this_host_is_unknown(
    policy: Policy, build: str, line: str
) -> None:
    files = {f"{PROJECT}/compose.yaml": f"services:\n  web:\n    {build}"}
    action = _action(line, files=files, cwd=PROJECT)
    assert _E.UNKNOWN in {e.effect for e in action.effects}
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_a_compose_build_ssh_on_the_line_is_unknown() -> None:
    files = {f"{PROJECT}/compose.yaml": "services:\n  web:\n    build: .\n"}
    action = _action("docker compose build --ssh default", files=files, cwd=PROJECT)
    assert _E.UNKNOWN in {e.effect for e in action.effects}


@pytest.mark.parametrize("line", ["docker compose build", "docker compose up --build -d"])
def test_a_plain_compose_build_stays_allowed_in_dev(policy: Policy, line: str) -> None:
    compose = "services:\n  web:\n    build: .\n  db:\n    build:\n      context: db\n"
    files = {f"{PROJECT}/compose.yaml": compose + "      ssh: [default]\n"}
    action = _action(f"{line} web", files=files, cwd=PROJECT)
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ALLOW
    whole = _action(line, files=files, cwd=PROJECT)  # db's build gets the ssh agent
    assert _E.UNKNOWN in {e.effect for e in whole.effects}
