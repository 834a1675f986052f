"""An agent taking keyturn's environment or installation away from under it.

Two gaps, each judged under a policy that allows everything (``DEFAULT_ALLOW``), so that only
the built-ins can refuse:

- A command started with an empty environment (``env -i CMD``, ``env - CMD``, ``exec -c CMD``)
  runs without any ``KEYTURN_*`` variable, as ``env -u KEYTURN_SERVER CMD`` does, which was
  already denied: ``env -i ls`` was allowed and ``env -i bash`` only asked. Each spelling is
  now an update of ``env:KEYTURN_*``, denied by self-protection, and the command is still
  judged. ``env`` alone, ``env -u OTHER``, ``env X=1`` and ``printenv`` stay as they were.
- Self-protection knew only keyturn's standard install places as patterns. The judging process
  also guards where it really runs from: the package directory (an editable install's
  ``src/keyturn`` included), the ``keyturn`` command next to its interpreter, and the virtual
  environment's root as a whole (``rm -rf .venv`` was allowed).
"""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest
from tests.hardening._judging import DEFAULT_ALLOW

import keyturn
from keyturn.model import Action, Actor, EffectKind, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE, SelfProtection
from keyturn.policy.selfprotect_install import (
    NOWHERE,
    InstallPlaces,
    install_places,
    running_install,
)
from keyturn.understand.shell import understand_shell

HOME = "/home/dev"
CWD = "/home/dev/repo"
STATE = f"{HOME}/.keyturn"
ACTOR = Actor(agent="claude-code", operator="dev")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(DEFAULT_ALLOW, guarded_paths=(STATE,), private_paths=(STATE,))


def _judge(policy: Policy, action: Action) -> tuple[Verdict, set[str]]:
    decision = policy.judge(action, actor=ACTOR)
    return decision.decision, {j.rule for j in decision.judgements}


def _shell(command: str, cwd: str = CWD) -> Action:
    return understand_shell(command, cwd=cwd, home=HOME)


# -- 1. an empty environment -----------------------------------------------------------------

# Each was allowed (or ask, for a command not understood) before.
EMPTIED = [
    "env -i ls",
    "env -i bash",
    "env -i claude",
    "env --ignore-environment ls",
    "env --ignore-env ls",  # getopt takes a prefix of the long name
    "env - ls",
    "env -- - ls",
    "env -u FOO - ls",
    "sudo env -i ls",
    "sudo -u root env -i PATH=/usr/bin keyturn exec -- ls",
    "env -i -- ls",
    "env -iu X ls",
    "env -vi ls",
    "env -v -u A -i ls",
    "env -C /tmp -i ls",
    "/usr/bin/env -i ls",
    "env env -i ls",  # the second env empties it
    "env -u FOO env -i claude",
    "env -S '-i ls'",
    "env --split-string='-i claude'",
    "e''nv -i ls",
    "bash -c 'env -i claude'",
    "echo $(env -i ls)",
    "exec -c ls",
    "exec -cl bash",
    "exec -l -c ls",
    "exec -a sh -c ls",
    "exec -c -- ls",
    "bash -c 'exec -c claude'",
    "cd /tmp && exec -c ls",
    # options past the words read are not looked through: the worst reading
    "env " + "-v " * 80 + "-i ls",
]


@pytest.mark.parametrize("command", EMPTIED)
def test_a_command_started_with_an_empty_environment_is_denied(
    policy: Policy, command: str
) -> None:
    action = _shell(command)
    names = {n for e in action.effects for n in e.resource.names}
    assert "env:KEYTURN_*" in names, (command, names)
    verdict, rules = _judge(policy, action)
    assert verdict is Verdict.DENY, (command, rules)
    assert SELF_PROTECTION_RULE in rules, (command, rules)


@pytest.mark.parametrize(
    ("command", "judged"),
    [
        ("env -i rm -rf /srv/data", "file:/srv/data"),
        ("env - ls", "shell:ls"),  # was the program "-", not understood
        ("exec -c rm -rf /srv/data", "file:/srv/data"),
        ("sudo env -i ls", "shell:ls"),
    ],
)
def test_the_command_itself_is_still_judged(command: str, judged: str) -> None:
    names = {n for e in _shell(command).effects for n in e.resource.names}
    assert judged in names and "env:KEYTURN_*" in names, names


# The environment kept (or nothing run): judged as before, never by self-protection.
KEPT = [
    ("env", Verdict.ALLOW),  # prints the environment
    ("env -i", Verdict.ALLOW),  # runs nothing
    ("env -0", Verdict.ALLOW),
    ("printenv", Verdict.ALLOW),
    ("printenv PATH", Verdict.ALLOW),
    ("env -u FOO ls", Verdict.ALLOW),
    ("env -ui ls", Verdict.ALLOW),  # unsets a variable named "i"
    ("env X=1 ls", Verdict.ALLOW),
    ("env --ignore-signal=INT ls", Verdict.ALLOW),
    ("exec ls", Verdict.ALLOW),
    ("exec -l ls", Verdict.ALLOW),
    ("exec 3>&1", Verdict.ALLOW),
    ("echo env -i", Verdict.ALLOW),  # env without a command after it
    # Words that only look like it, as arguments: nothing runs with an emptied environment.
    ('grep -rn "env -i ls" .', Verdict.ALLOW),
    ("echo 'exec -c ls' > /dev/null", Verdict.ALLOW),
    ('git log --grep "env - fix"', Verdict.ALLOW),
]


@pytest.mark.parametrize(("command", "expected"), KEPT)
def test_commands_keeping_the_environment_stay_as_they_were(
    policy: Policy, command: str, expected: Verdict
) -> None:
    action = _shell(command)
    assert not any(n.startswith("env:") for e in action.effects for n in e.resource.names)
    verdict, rules = _judge(policy, action)
    assert SELF_PROTECTION_RULE not in rules, (command, rules)
    assert verdict is expected, (command, rules)


@pytest.mark.parametrize(
    "command",
    [
        # another tool's exec subcommand, whose -c names a container
        "kubectl exec -c web shop-0 -- ls",
        "kubectl -n shop exec -c web shop-0 -- ls",
        "oc exec -c web shop-0 -- ls",
    ],
)
def test_an_exec_subcommand_is_not_bashs_exec(policy: Policy, command: str) -> None:
    action = _shell(command)
    assert not any(n.startswith("env:") for e in action.effects for n in e.resource.names)
    _, rules = _judge(policy, action)
    assert SELF_PROTECTION_RULE not in rules, (command, rules)


# -- 2. keyturn's installation where the judge runs --------------------------------------------

VENV = "/home/dev/repo/.venv"
SITE = f"{VENV}/lib/python3.11/site-packages"
CHECKOUT = "/home/dev/keyturn"


def _places(package_dir: str, *, prefix: str = VENV, base: str = "/usr") -> InstallPlaces:
    return install_places(
        package_dir=package_dir, prefix=prefix, base_prefix=base, site_dirs=(SITE, "/usr/lib")
    )


def _guard(install: InstallPlaces) -> SelfProtection:
    """The self-protection of a policy loaded by a process installed as ``install`` says."""
    return SelfProtection.build((STATE,), (STATE,), install=install)


def _refused(guard: SelfProtection, command: str, cwd: str = CWD) -> bool:
    return any(guard.reason(e) is not None for e in _shell(command, cwd).effects)


IN_VENV = _places(f"{SITE}/keyturn")
EDITABLE = _places(f"{CHECKOUT}/src/keyturn")


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf .venv",  # was allowed
        "mv .venv /tmp/old-venv",
        "rm -rf .venv/*",
        "rm -rf .v*",
        "tar -xf /tmp/x.tar -C .venv",
        "rm -rf .venv/bin/*",
        "cp /bin/true .venv/bin/keyturn",
        f"rm -rf {SITE}/*",  # takes the package and its metadata along
        f"echo x > {SITE}/keyturn/gate.py",
    ],
)
def test_the_running_virtual_environment_cannot_be_removed(command: str) -> None:
    assert _refused(_guard(IN_VENV), command), command
    # Without the running install's places, only the built-in patterns decide.
    if command.startswith(("rm -rf .v", "mv .venv", "tar")):
        assert not _refused(_guard(NOWHERE), command), command


@pytest.mark.parametrize(
    "command",
    [
        f"echo x > {CHECKOUT}/src/keyturn/gate.py",  # was allowed
        f"sed -i s/deny/allow/ {CHECKOUT}/src/keyturn/policy/selfprotect.py",
        f"rm -rf {CHECKOUT}/src/keyturn",
        f"rm -rf {CHECKOUT}/src/*",
        f"rm -rf {CHECKOUT}/src/keyt?rn",
        "rm -rf .venv",
    ],
)
def test_an_editable_install_guards_its_source_package(command: str) -> None:
    assert _refused(_guard(EDITABLE), command), command
    if CHECKOUT in command:
        assert not _refused(_guard(NOWHERE), command), command


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        # other packages in the environment, one by one
        (f"rm -rf {SITE}/requests", CWD),
        (f"echo x > {SITE}/requests/api.py", CWD),
        ("touch .venv/lib/python3.11/site-packages/six.py", CWD),
        # the project holding the environment, and the checkout around the package
        ("git pull", CWD),
        ("git checkout .", CWD),
        ("tar -xf /tmp/x.tar -C /home/dev/repo", CWD),
        ("git pull", CHECKOUT),
        ("echo x > tests/test_gate.py", CHECKOUT),
        ("echo x > docs/security.md", CHECKOUT),
        # reading keyturn's code
        (f"cat {CHECKOUT}/src/keyturn/gate.py", CWD),
        ("cat .venv/bin/keyturn", CWD),
    ],
)
def test_the_rest_of_the_project_and_environment_stays_with_the_policy(
    command: str, cwd: str
) -> None:
    for install in (IN_VENV, EDITABLE):
        assert not _refused(_guard(install), command, cwd), command


def test_places_of_a_virtual_environment() -> None:
    places = _places(f"{SITE}/keyturn")
    assert places.removes == (VENV,)
    assert dict(places.writes) == {f"{SITE}/keyturn": VENV, f"{VENV}/bin/keyturn": VENV}
    assert dict(places.holders) == {SITE: VENV}  # /usr/lib is not in the environment


def test_places_of_a_system_install_and_an_editable_one() -> None:
    system = _places("/usr/lib/python3/dist-packages/keyturn", prefix="/usr", base="/usr")
    assert system.removes == () and system.holders == ()
    assert dict(system.writes) == {
        "/usr/lib/python3/dist-packages/keyturn": "/usr/lib/python3/dist-packages",
        "/usr/bin/keyturn": "/usr/bin/keyturn",
    }
    # The src layout's src folder bounds the package, not the checkout around it.
    assert dict(EDITABLE.writes)[f"{CHECKOUT}/src/keyturn"] == f"{CHECKOUT}/src"


def test_the_command_on_path_counts_when_it_resolves_into_the_prefix(tmp_path: Path) -> None:
    prefix = tmp_path / "venv"
    (prefix / "bin").mkdir(parents=True)
    command = prefix / "bin" / "keyturn"
    command.write_text("#!/bin/sh\n")
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "keyturn").symlink_to(command)
    (tools / "other").write_text("#!/bin/sh\n")
    package = str(prefix / "lib" / "keyturn")

    def places(on_path: Path) -> dict[str, str]:
        return dict(
            install_places(
                package_dir=package,
                prefix=str(prefix),
                base_prefix="/usr",
                command_on_path=str(on_path),
            ).writes
        )

    assert str(tools / "keyturn") in places(tools / "keyturn")
    assert str(tools / "other") not in places(tools / "other")  # elsewhere: not keyturn's


def test_windows_spells_the_command_in_scripts() -> None:
    places = install_places(
        package_dir=f"{SITE}/keyturn", prefix=VENV, base_prefix="/usr", windows=True
    )
    assert f"{VENV}/Scripts/keyturn.exe" in dict(places.writes)


def test_the_judging_process_guards_where_it_really_runs(policy: Policy) -> None:
    """This very process: the package it imported and, in a virtual environment, its root."""
    package = os.path.dirname(os.path.abspath(keyturn.__file__))
    places = running_install()
    assert package.replace("\\", "/") in dict(places.writes)
    assert running_install() is places  # read once per process
    verdict, rules = _judge(policy, _shell(f"echo x > {package}/gate.py"))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, rules
    if sys.prefix == sys.base_prefix:
        pytest.skip("not run from a virtual environment")
    root = os.path.abspath(sys.prefix)
    assert root.replace("\\", "/") in places.removes
    parent, name = os.path.split(root)
    verdict, rules = _judge(policy, _shell(f"rm -rf {name}", parent))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, rules
    # Its project's other files are the policy's (here: allowed).
    verdict, rules = _judge(policy, _shell("echo x > notes.txt", parent))
    assert verdict is Verdict.ALLOW, rules


def test_reads_of_the_install_stay_allowed(policy: Policy) -> None:
    package = os.path.dirname(os.path.abspath(keyturn.__file__))
    action = _shell(f"cat {package}/gate.py")
    assert all(e.effect is EffectKind.READ for e in action.effects)
    assert _judge(policy, action)[0] is Verdict.ALLOW


@pytest.mark.parametrize(
    "command",
    [
        # Lines that exist only once decoded or read: the top line's text never shows the name.
        f"echo {base64.b64encode(b'unset KEYTURN_SERVER').decode()} | base64 -d | bash",
        f"echo {base64.b64encode(b'export KEYTURN_POLICY=/tmp/p').decode()} | base64 -d | sh",
        "printf '\\x75nset KEYTURN_TOKEN' | sh",
    ],
)
def test_keyturn_variables_in_decoded_lines_are_seen(policy: Policy, command: str) -> None:
    action = _shell(command)
    assert any(n.startswith("env:KEYTURN_") for e in action.effects for n in e.resource.names)
    verdict, rules = _judge(policy, action)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (command, rules)
