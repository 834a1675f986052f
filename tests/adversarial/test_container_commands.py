"""A command run in a new container is judged where its effects land.

``docker run -v /srv:/srv alpine rm -rf /srv/prod`` deletes this host's ``/srv/prod``: the bind
mount gives the container the host's files. The command after the image used to be "the
image's business", so the line was judged as a container created and ``/srv`` mounted, and
allowed in dev with ``/srv/prod`` protected. It is now understood in the container and each file
it changes is named where it lands (:mod:`keyturn.understand.shell.commands._container_command`).
"""

from __future__ import annotations

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Actor, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

REPO = "/home/dev/repo"
HOME = "/home/dev"
FILES = MemoryFiles(
    {
        "/srv/wipe.sh": "rm -rf /data/prod\n",
        "/srv/prod/db.sqlite": "",
        f"{REPO}/.claude/settings.json": '{"hooks": {}}',
        f"{REPO}/package.json": '{"scripts": {"clean": "rm -rf /app/../srv/prod"}}',
    }
)
ACTOR = Actor(agent="kiro", operator="bob")
_LAST = '  - "arn:aws:s3:::acme-terraform-state*"\n'


@pytest.fixture(scope="module")
def policy() -> Policy:
    added = '  - "file:/srv/prod"\n  - "file:/srv/prod/*"\n  - "docker:volume/pgdata"\n'
    return load_policy(BRIEF_POLICY.replace(_LAST, _LAST + added))


def _shell(command: str) -> Action:
    return understand_shell(
        command, cwd=REPO, home=HOME, files=FILES, target=Target(environment="dev")
    )


def _verdict(policy: Policy, command: str) -> Verdict:
    return policy.judge(_shell(command), actor=ACTOR).decision


REACHING_THE_HOST = [
    "docker run --rm -v /srv:/srv alpine rm -rf /srv/prod",
    "docker run --rm -v /srv:/data alpine sh -c 'rm -rf /data/prod'",
    "docker run --rm --mount type=bind,src=/srv,dst=/x alpine rm -rf /x/prod",
    "docker run --rm --volume=/srv/prod:/x alpine sh -c 'rm -rf /x/*'",
    "docker run --rm -v /srv:/data -w /data alpine rm -rf prod",
    "docker run --rm -v /srv:/x -w /x alpine sh -c 'cd / && rm -rf x/prod'",
    "docker run --rm -v /srv:/data alpine sh -c 'cd /data && rm -rf prod'",
    "docker run --rm -e D=/data/prod -v /srv:/data alpine sh -c 'rm -rf $D'",
    "docker run --rm -v /srv:/data --entrypoint rm alpine -rf /data/prod",
    "docker run --rm -v /srv:/x alpine find /x -name prod -delete",
    "docker run --rm -v /srv:/x alpine mv /x/prod /tmp/gone",
    "docker run --rm -v /srv:/data alpine rm -rf /",  # the root holds the mount
    "docker create -v /srv:/data alpine rm -rf /data/prod",
    "docker container run -v /srv:/data alpine rm -rf /data/prod",
    "podman run --rm -v /srv:/srv alpine rm -rf /srv/prod",
    "nerdctl run --rm -v /srv:/srv alpine rm -rf /srv/prod",
    "docker compose run -v /srv:/x web rm -rf /x/prod",
    "docker run --rm -v /srv:/data alpine sh /data/wipe.sh",  # the script is this host's
    "echo 'rm -rf /data/prod' > /srv/s.sh && docker run -v /srv:/data alpine sh /data/s.sh",
    "docker run --rm -v pgdata:/var/lib/postgresql/data alpine rm -rf /var/lib/postgresql/data",
    # A read-only mount makes the delete fail; it is judged as the delete it asks for.
    "docker run --rm -v /srv:/srv:ro alpine rm -rf /srv/prod",
]


@pytest.mark.parametrize("command", REACHING_THE_HOST)
def test_a_change_through_a_mount_is_judged_on_this_hosts_files(
    policy: Policy, command: str
) -> None:
    decision = policy.judge(_shell(command), actor=ACTOR)
    assert decision.decision is Verdict.DENY, (command, decision.reasons)
    # Protected, or catastrophic: a whole top-level folder of this host (/srv/*) deleted.
    rules = {j.rule for j in decision.judgements if j.decision is Verdict.DENY}
    assert any(r.startswith("protected[") or r == "builtin:catastrophic" for r in rules), command


def test_the_effect_is_named_on_this_host() -> None:
    names = {
        n
        for e in _shell("docker run -v /srv:/data alpine rm -rf /data/prod").effects
        for n in e.resource.names
        if e.effect is EffectKind.DELETE
    }
    assert names == {"file:/srv/prod", "file:/srv/prod/*"}


def test_hook_settings_reached_through_a_mount_are_guarded(policy: Policy) -> None:
    command = "docker run --rm -v ~/repo/.claude:/c alpine rm /c/settings.json"
    decision = policy.judge(_shell(command), actor=ACTOR)
    assert decision.decision is Verdict.DENY
    assert SELF_PROTECTION_RULE in {j.rule for j in decision.judgements}


NOT_TOLD = [
    # Without -w the working directory is the image's: it may be the mount.
    "docker run --rm -v /srv:/data alpine rm -rf prod",
    # Another container's mounts, or a compose service's, are not on the line.
    "docker run --rm --volumes-from db alpine rm -rf /var/lib/postgresql/data",
    "docker compose run web rm -rf /srv/prod",
    "docker-compose run --rm web sh -c 'rm -rf /srv/prod'",
    # A variable the container does not have (-e NAME passes this shell's, not known here).
    "docker run --rm -e D -v /srv:/data alpine sh -c 'rm -rf $D'",
]


@pytest.mark.parametrize("command", NOT_TOLD)
def test_where_a_change_lands_is_not_told_so_it_is_unknown(policy: Policy, command: str) -> None:
    action = _shell(command)
    assert EffectKind.UNKNOWN in {e.effect for e in action.effects}, command
    assert policy.judge(action, actor=ACTOR).decision is not Verdict.ALLOW


HARMLESS = [
    "docker run --rm alpine rm -rf /srv/prod",  # the container's own /srv: no mount
    "docker run --rm alpine rm -rf /",
    "docker run --rm -v /srv:/x alpine ls /x",
    "docker run --rm -v /srv:/x:ro alpine rm -rf prod",  # read-only: nothing of the host
    "docker run --rm -v /srv:/srv alpine echo hi",
    "docker compose run --rm web ls /",
]


@pytest.mark.parametrize("command", HARMLESS)
def test_what_stays_in_the_container_is_allowed_in_dev(policy: Policy, command: str) -> None:
    assert _verdict(policy, command) is Verdict.ALLOW, command


def test_catastrophic_in_the_container_only_when_it_reaches_this_host() -> None:
    assert not any(e.catastrophic for e in _shell("docker run --rm alpine rm -rf /").effects)
    bomb = _shell("docker run --rm alpine sh -c ':(){ :|:& };:'").effects
    assert any(e.catastrophic for e in bomb)  # the host's processes


def test_the_scripts_a_container_runs_are_read_through_its_mounts(policy: Policy) -> None:
    command = f"docker run --rm -v {REPO}:/app -w /app node:20 npm run clean"
    action = _shell(command)
    deleted = {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}
    # The script deletes the container's /srv/prod (/app/.. is its root): not this host's.
    assert "docker:container/node:20/file:/srv/prod" in deleted
    assert "file:/srv/prod" not in deleted


def test_without_a_command_the_image_decides_as_before() -> None:
    effects = _shell("docker run -it --rm -v /srv:/srv alpine").effects
    assert [(e.effect, e.resource.names) for e in effects] == [
        (EffectKind.CREATE, ("docker:container/alpine",)),
        (EffectKind.UPDATE, ("file:/srv", "file:/srv/*")),
    ]


def test_a_build_allowed_privileged_steps_gets_the_host() -> None:
    for command in (
        "docker buildx build --allow security.insecure .",
        "docker buildx build --allow=network.host,security.insecure -t x .",
    ):
        assert EffectKind.UNKNOWN in {e.effect for e in _shell(command).effects}, command
    assert EffectKind.UNKNOWN not in {
        e.effect for e in _shell("docker buildx build --allow network.host -t x .").effects
    }


def test_a_podman_builds_mounts_are_this_hosts_files() -> None:
    effects = _shell("podman build -v /srv:/x -t img .").effects
    assert (EffectKind.UPDATE, ("file:/srv", "file:/srv/*")) in {
        (e.effect, e.resource.names) for e in effects
    }
    read_only = _shell("podman build --volume /srv:/x:ro -t img .").effects
    assert (EffectKind.READ, ("file:/srv", "file:/srv/*")) in {
        (e.effect, e.resource.names) for e in read_only
    }
