"""Lines that run code somewhere keyturn did not look (red team, ``newcode`` findings 2, 3, 4
and 7), judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy:

2. a Pulumi YAML project whose ``runtime.options.compiler`` names a command (pulumi-yaml runs
   it and reads its output as the program), or which loads a plugin from a local path, let
   ``pulumi preview`` be a plain read, allowed in production;
3. a valued root flag of pulumi before the subcommand (``--profiling``, ``--tracing``,
   ``--otel-traces``, ``--color``, ``-v``...) made its value the subcommand:
   ``pulumi --profiling version destroy --yes`` was a read, though cobra runs ``destroy``;
4. ``systemd-run -H HOST`` (over ssh) and ``-M CONTAINER`` run the unit on another machine,
   which was judged as this one's files (allowed in dev), unlike ``ssh HOST CMD``;
7. hdparm's ATA SANITIZE erasers were unknown, not the catastrophic disk erasers they are.

Confirmations: pulumi-yaml's README ("Compiler support") and ``pkg/server``; pulumi's root
command (``pkg/cmd/pulumi``: its persistent flags) and cobra's ``stripFlags``; systemd-run(1)
and sd_bus_default(3) (``-H [USER@]HOST[:PORT][/CONTAINER]``, ``-M .host``); hdparm(8).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.gate import judge
from keyturn.model import Action, Decision, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
PROJECT = f"{CWD}/Pulumi.yaml"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY, source="brief.yaml")


def _action(command: str, files: Mapping[str, str] = {}, env: str | None = None) -> Action:
    return understand_shell(
        command,
        cwd=CWD,
        home=HOME,
        env={"HOME": HOME},
        target=Target(environment=env),
        files=MemoryFiles(dict(files)),
    )


def _judge(
    policy: Policy, command: str, files: Mapping[str, str] = {}, env: str | None = None
) -> Decision:
    """Judged as ``keyturn check [--env ENV]`` judges: an environment given outright beside
    the one the names tell."""
    return judge(_action(command, files, env), policy=policy, actor=ACTOR)


def _kinds(command: str, files: Mapping[str, str] = {}) -> list[EffectKind]:
    return [e.effect for e in _action(command, files).effects]


# --- 2: a YAML project that names a program of its own ------------------------------------------

YAML_PROGRAMS = [
    (
        "compiler",
        'name: app\nruntime:\n  name: yaml\n  options:\n    compiler: sh -c "rm -rf ~"\n',
    ),
    ("compiler-key-case", "name: app\nruntime:\n  name: yaml\n  Options:\n    Compiler: ./gen\n"),
    (
        "provider-plugin-path",
        "name: app\nruntime: yaml\nplugins:\n  providers:\n    - name: aws\n      path: ./bin\n",
    ),
    (
        "language-plugin-path",
        "name: app\nruntime: yaml\nplugins:\n  languages:\n    - name: yaml\n      path: /tmp/x\n",
    ),
    ("package-from-path", "name: app\nruntime: yaml\npackages:\n  mine: ./provider\n"),
    (
        "package-from-repository",
        "name: app\nruntime: yaml\npackages:\n  x:\n    source: github.com/evil/provider\n",
    ),
]


@pytest.mark.parametrize(("case", "project"), YAML_PROGRAMS, ids=[c for c, _ in YAML_PROGRAMS])
def test_a_yaml_projects_own_program_is_not_known(policy: Policy, case: str, project: str) -> None:
    """Was: allowed in production, a read of the stack only. Now the command or plugin the
    project names runs on this machine: unknown, denied in production, held in dev."""
    files = {PROJECT: project}
    decision = _judge(policy, "pulumi preview --stack prod", files)
    assert decision.decision.value == DENY, f"{case}: {decision.reasons}"
    effects = _action("pulumi preview", files).effects
    unknown = [e for e in effects if e.effect is EffectKind.UNKNOWN]
    assert unknown and PROJECT in (unknown[0].detail or ""), unknown
    assert _judge(policy, "pulumi preview", files, env="dev").decision.value == ASK


def test_a_plain_yaml_project_stays_a_read_and_run_program_runs_the_compiler() -> None:
    """A YAML project naming none stays a read (its resources are declarative); with a
    compiler, ``destroy --run-program`` and ``refresh --run-program`` run it too."""
    plain = {PROJECT: "name: app\nruntime: yaml\nplugins:\n  providers: []\npackages:\n  a: aws\n"}
    assert _kinds("pulumi preview", plain) == [EffectKind.READ]
    compiled = {PROJECT: YAML_PROGRAMS[0][1]}
    assert EffectKind.UNKNOWN in _kinds("pulumi destroy --run-program -y", compiled)
    assert EffectKind.UNKNOWN in _kinds("pulumi refresh --run-program", compiled)
    assert EffectKind.UNKNOWN not in _kinds("pulumi destroy -y", compiled)


# --- 3: pulumi's root flags before the subcommand ----------------------------------------------

ROOT_FLAGS = [
    "--profiling version",
    "--tracing whoami",
    "--tracing-header version",
    "--otel-traces whoami",
    "--color version",
    "--memprofilerate whoami",
    "--verbose version",
    "-v version",
]


@pytest.mark.parametrize("flag", ROOT_FLAGS)
def test_a_valued_root_flag_does_not_hide_destroy(policy: Policy, flag: str) -> None:
    """Was: ``version``/``whoami`` taken as the subcommand, a read allowed in production. The
    flag takes the word after it (cobra reads it so): ``destroy`` runs, held for two approvals
    like ``pulumi destroy --yes``."""
    command = f"pulumi {flag} destroy --yes"
    assert _kinds(command) == [EffectKind.DELETE]
    assert _judge(policy, command).decision.value == ASK
    assert _judge(policy, command).approvals_required == 2


@pytest.mark.parametrize(
    "command",
    ["pulumi -y version destroy", "pulumi --yes whoami destroy", 'pulumi "" destroy'],
)
def test_a_subcommand_read_otherwise_than_pulumi_reads_it_is_unknown(
    policy: Policy, command: str
) -> None:
    """An option keyturn takes as a switch before the subcommand: cobra takes the next word as
    its value (a word ``""`` it skips), so which subcommand runs is not told -- never a read."""
    assert _kinds(command) == [EffectKind.UNKNOWN]
    assert _judge(policy, command).decision.value == DENY
    assert _judge(policy, command, env="dev").decision.value == ASK


def test_root_switches_and_attached_values_keep_the_subcommand() -> None:
    """pulumi's root switches take no value, an attached value is one word: the subcommand
    is still the one after them."""
    assert _kinds("pulumi -e --non-interactive -Q whoami") == [EffectKind.READ]
    assert _kinds("pulumi --color=never -v3 -C infra whoami") == [EffectKind.READ]
    assert _kinds("pulumi --logflow --profiling p -s main destroy -y") == [EffectKind.DELETE]


# --- 4: systemd-run on another machine ------------------------------------------------------------


def _shown(action: Action) -> list[tuple[EffectKind, tuple[str, ...], Target]]:
    return [(e.effect, e.resource.names, e.target) for e in action.effects]


DELETE = "rm -rf /var/lib/postgresql"


@pytest.mark.parametrize(
    ("runner", "ssh", "inner"),
    [
        ("systemd-run -H prod-db", "ssh prod-db", DELETE),
        ("systemd-run --host=root@prod-db", "ssh root@prod-db", DELETE),
        ("systemd-run -H prod-db:2222/web", "ssh prod-db", DELETE),
        ("systemd-run --machine=prodbox", "ssh prodbox", DELETE),
        ("systemd-run -M root@prodbox", "ssh prodbox", DELETE),
        ("systemd-run -H prod-db", "ssh prod-db", "systemctl stop postgresql"),
        ("systemd-run -H prod-db", "ssh prod-db", "reboot"),
    ],
)
def test_systemd_run_elsewhere_is_judged_as_ssh_there(
    policy: Policy, runner: str, ssh: str, inner: str
) -> None:
    """Was: judged as this machine's delete, allowed with ``--env dev``. Now named and placed
    on the machine that runs it, exactly as ``ssh HOST CMD`` is."""
    command = f"{runner} {inner}"
    assert _shown(_action(command, env="dev")) == _shown(_action(f"{ssh} {inner}", env="dev"))
    names = {n for e in _action(command).effects for n in e.resource.names}
    host = ssh.split()[1].rpartition("@")[2]
    assert any(n.startswith(f"ssh:{host}/") for n in names), names
    assert _judge(policy, command, env="dev").decision.value == ASK


def test_systemd_run_on_this_machine_stays_here_and_an_untold_place_is_unknown() -> None:
    """``-M .host`` (or ``USER@`` alone) is this machine; ``-H`` and ``-M`` together, or a
    host spelt empty, do not tell where the command runs."""
    here = _action("systemd-run -M .host rm -rf /var/lib/x").effects
    here_too = _action("systemd-run --user -M lennart@ rm -rf /var/lib/x").effects
    assert all("file:/var/lib/x" in e.resource.names for e in (*here, *here_too))
    assert not any(n.startswith("ssh:") for e in (*here, *here_too) for n in e.resource.names)
    assert _kinds("systemd-run -H a -M b rm -rf /var/lib/x") == [EffectKind.UNKNOWN]
    assert _kinds("systemd-run -H '' rm -rf /var/lib/x") == [EffectKind.UNKNOWN]
    machine = _action("systemd-run -H prod-db reboot").effects
    assert [n for e in machine for n in e.resource.names if n.startswith("host:")] == [
        "host:prod-db"
    ]


# --- 7: hdparm's sanitize erasers -------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "hdparm --sanitize-block-erase /dev/sda",
        "hdparm --yes-i-know-what-i-am-doing --sanitize-crypto-scramble /dev/sda",
        "hdparm --sanitize-overwrite hex:11111111 /dev/nvme0n1",
    ],
)
def test_hdparm_sanitize_is_a_catastrophic_disk_erase(policy: Policy, command: str) -> None:
    """Was: unknown, held for review in dev. They erase the whole drive as ``--security-erase``
    does: denied everywhere."""
    decision = _judge(policy, command, env="dev")
    assert decision.decision.value == DENY, decision.reasons
    assert any(j.effect.catastrophic for j in decision.judgements)


# --- pulumi's flags given by PULUMI_OPTION_<FLAG> variables ---------------------------------------


def _names(command: str, files: Mapping[str, str] = {}) -> set[str]:
    return {n for e in _action(command, files).effects for n in e.resource.names}


def test_the_stack_and_directory_variables_name_where_pulumi_acts() -> None:
    """pulumi 3.208 takes a flag the line leaves out from ``PULUMI_OPTION_<FLAG>``
    (pulumi/docs, "Controlling the CLI through environment variables")."""
    assert "pulumi:stack/prod" in _names("PULUMI_OPTION_STACK=prod pulumi destroy --yes")
    assert "pulumi:stack/current" in _names("pulumi destroy --yes")
    exported = "export PULUMI_OPTION_STACK=prod; pulumi destroy --yes"
    assert "pulumi:stack/prod" in _names(exported)
    # The flag on the line wins over the variable.
    both = _names("PULUMI_OPTION_STACK=prod pulumi destroy -s dev --yes")
    assert "pulumi:stack/dev" in both and "pulumi:stack/prod" not in both
    moved = _names("PULUMI_OPTION_CWD=/srv/infra pulumi destroy --yes")
    assert "pulumi:dir:/srv/infra" in moved


def test_a_protected_stack_named_by_the_variable_is_denied() -> None:
    extra = '  - "k8s:namespace/payments"\n  - "pulumi:stack/prod"\n'
    policy = load_policy(BRIEF_POLICY.replace('  - "k8s:namespace/payments"\n', extra))
    assert "pulumi:stack/prod" in policy.protected
    decision = _judge(policy, "PULUMI_OPTION_STACK=prod pulumi destroy --yes")
    assert decision.decision.value == "deny"


@pytest.mark.parametrize(
    ("value", "runs"), [("true", True), ("1", True), ("yes?", True), ("false", False), ("0", False)]
)
def test_the_run_program_variable_runs_the_program(value: str, runs: bool) -> None:
    compiled = {PROJECT: YAML_PROGRAMS[0][1]}
    for verb in ("destroy -y", "refresh"):
        line = f"PULUMI_OPTION_RUN_PROGRAM={value} pulumi {verb}"
        assert (EffectKind.UNKNOWN in _kinds(line, compiled)) is runs, line
