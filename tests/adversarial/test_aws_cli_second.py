"""The AWS CLI, second pass: protection switches, the CLI's own ``aws emr`` commands, commands
run on instances through SSM, the CLI's shorthand syntax, calls with a file that cannot be
read, and the service models keyturn itself reads.

What each group rests on (checked against awscli 1.46.3 / botocore 1.43 installed in a scratch
venv: its sources, and ``aws --debug`` against a closed loopback port to see the request body):

1. Protection switches. botocore's models (every input member named like a protection, walked
   over all services) name more switches than keyturn knew: EMR's ``TerminationProtected``,
   CloudTrail's ``TerminationProtectionEnabled``, EC2's ``DisableApiStop``, autoscaling's
   ``ProtectedFromScaleIn`` and ``DeletionProtection`` (``none``), ECS's
   ``managedTerminationProtection``, Network Firewall's change protections, Route 53
   Resolver's ``MutationProtection``, SSM Incidents' ``deletionProtected``, GameLift's
   ``NoProtection``; and bypasses: AppConfig's ``DeletionProtectionCheck BYPASS``, FSx's
   ``BypassSnaplockEnterpriseRetention``. An EMR cluster's ARN is ``…:cluster/j-…``, also in
   the older operations that call it a job flow (``TerminateJobFlows JobFlowIds``).
2. awscli's ``customizations/emr``: ``modify-cluster-attributes`` calls
   ``SetTerminationProtection`` (and the like) with ``JobFlowIds=[--cluster-id]``;
   ``terminate-clusters`` calls ``TerminateJobFlows``; ``create-default-roles`` creates the
   IAM roles ``EMR_DefaultRole``, ``EMR_EC2_DefaultRole``, ``EMR_AutoScaling_DefaultRole``;
   ``get --dest`` copies a file from the master node over scp onto a local path.
3. awscli's shorthand (``awscli/shorthand.py``): a value runs on over commas until the next
   ``name=`` (``Values=i-1,i-2`` is a list; ``commands=ls -la,rm x`` two commands); a scalar
   where the model has a list becomes a list of one (``Values=prod`` -> ``["prod"]``). Seen in
   the request body of ``aws ssm send-command --targets Key=InstanceIds,Values=i-1,i-2``.
   Where it runs: SSM runs ``AWS-RunShellScript`` as root on each target, with the host's own
   files and variables, not this shell's.
4. ``name@=file://path`` in shorthand reads a local file (awscli 1.46: ``Value@=file://x``
   sends the file's text; seen in the request body).
5. A call whose ``file://`` value cannot be read still acts on what its other options name
   (and the command line's values override ``--cli-input-json``'s: awscli
   ``CliInputJSONArgument`` adds only the keys not given).
6. botocore's ``Session`` reads ``AWS_DATA_PATH`` and the config file's ``data_path``
   (``configprovider``), and its ``Loader`` always searches ``~/.aws/models`` before its own
   ``data`` directory: a model planted there with the same API version replaces botocore's.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (with more ``protected``
patterns where said). Each case was judged looser before the fix.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME, JudgeShell
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Decision, Effect, EffectKind, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

A, Q, D = Verdict.ALLOW, Verdict.ASK, Verdict.DENY
_PROTECTED = (
    "arn:aws:elasticmapreduce:*:*:cluster/j-prod*",
    "arn:aws:ec2:*:*:instance/i-prod*",
    "arn:aws:cloudtrail:*:*:eventdatastore/audit*",
)


def _understood(command: str, files: dict[str, str] | None = None) -> Action:
    return understand_shell(
        command,
        cwd=CWD,
        home=HOME,
        env={"DIR": "/tmp/scratch"},
        files=MemoryFiles(files or {}),
    )


def _effects(command: str, files: dict[str, str] | None = None) -> list[Effect]:
    return list(_understood(command, files).effects)


def _names(effects: list[Effect], kind: EffectKind | None = None) -> set[str]:
    return {n for e in effects if kind is None or e.effect is kind for n in e.resource.names}


@pytest.fixture(scope="module")
def guarding() -> Policy:
    """The BRIEF policy, protecting production EMR clusters, instances and an audit store too."""
    extra = "".join(f'  - "{p}"\n' for p in _PROTECTED)
    anchor = '  - "arn:aws:s3:::acme-terraform-state*"\n'
    return load_policy(BRIEF_POLICY.replace(anchor, anchor + extra))


def _judged(policy: Policy, command: str, files: dict[str, str] | None = None) -> Decision:
    return policy.judge(_understood(command, files), actor=ACTOR)


# -- 1. protection switches --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (
            "aws emr set-termination-protection --job-flow-ids j-1 --no-termination-protected",
            "arn:aws:elasticmapreduce:*:*:cluster/j-1",
        ),
        (
            "aws cloudtrail update-event-data-store --event-data-store audit "
            "--no-termination-protection-enabled",
            "arn:aws:cloudtrail:*:*:eventdatastore/audit",
        ),
        (
            "aws ec2 modify-instance-attribute --instance-id i-1 --no-disable-api-stop",
            "arn:aws:ec2:*:*:instance/i-1",
        ),
        (
            "aws autoscaling set-instance-protection --instance-ids i-1 "
            "--auto-scaling-group-name g --no-protected-from-scale-in",
            "arn:aws:autoscaling:*:*:instance/i-1",
        ),
        (
            "aws autoscaling update-auto-scaling-group --auto-scaling-group-name g "
            "--deletion-protection none",
            "arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/g",
        ),
        (
            "aws ecs update-capacity-provider --name p "
            "--auto-scaling-group-provider managedTerminationProtection=DISABLED",
            "arn:aws:ecs:*:*:capacity-provider/p",
        ),
        (
            "aws network-firewall update-subnet-change-protection --firewall-name f "
            "--no-subnet-change-protection",
            "arn:aws:network-firewall:*:*:firewall/f",
        ),
        (
            "aws route53resolver update-firewall-rule-group-association "
            "--firewall-rule-group-association-id a --mutation-protection DISABLED",
            "arn:aws:route53resolver:*:*:firewall-rule-group-association/a",
        ),
        (
            "aws ssm-incidents update-deletion-protection "
            "--arn arn:aws:ssm-incidents::111111111111:replication-set/x --no-deletion-protected",
            "arn:aws:ssm-incidents::111111111111:replication-set/x",
        ),
        (
            "aws gamelift update-fleet-attributes --fleet-id f "
            "--new-game-session-protection-policy NoProtection",
            "arn:aws:gamelift:*:*:fleet/f",
        ),
        (
            "aws appconfig delete-environment --application-id a --environment-id e "
            "--deletion-protection-check BYPASS",
            "arn:aws:appconfig:*:*:environment/e",
        ),
        (
            "aws fsx delete-volume --volume-id fsvol-1 "
            "--ontap-configuration BypassSnaplockEnterpriseRetention=true",
            "arn:aws:fsx:*:*:volume/fsvol-1",
        ),
    ],
)
def test_a_protection_switched_off_is_marked_on_the_resource(command: str, name: str) -> None:
    removing = [e for e in _effects(command) if e.removes_protection]
    assert removing, command
    assert name in _names(removing)


@pytest.mark.parametrize(
    "command",
    [
        "aws emr set-termination-protection --job-flow-ids j-1 --termination-protected",
        "aws ec2 modify-instance-attribute --instance-id i-1 --disable-api-stop",
        "aws autoscaling set-instance-protection --instance-ids i-1 "
        "--auto-scaling-group-name g --protected-from-scale-in",
    ],
)
def test_a_protection_switched_on_removes_none(command: str) -> None:
    assert not any(e.removes_protection for e in _effects(command))


def test_an_emr_job_flow_is_named_as_its_cluster(guarding: Policy) -> None:
    deleted = _names(_effects("aws emr terminate-job-flows --job-flow-ids j-1"), EffectKind.DELETE)
    assert deleted == {"arn:aws:elasticmapreduce:*:*:cluster/j-1"}
    command = "aws --profile dev emr terminate-job-flows --job-flow-ids j-prod1"
    assert _judged(guarding, command).decision is D


# -- 2. the CLI's own aws emr commands ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "aws --profile dev emr modify-cluster-attributes --cluster-id j-prod1 "
        "--no-termination-protected",
        # argparse's abbreviation of the same switch.
        "aws --profile dev emr modify-cluster-attributes --cluster-id j-prod1 --no-term",
        "aws --profile dev emr terminate-clusters --cluster-ids j-dev1 j-prod1",
        # What runs on the master node over ssh is not judged: unknown on a protected cluster.
        "aws --profile dev emr ssh --cluster-id j-prod1 --key-pair-file k.pem --command 'id'",
    ],
)
def test_emr_commands_reach_a_protected_cluster(command: str, guarding: Policy) -> None:
    assert _judged(guarding, command).decision is D


def test_modify_cluster_attributes_is_the_calls_it_makes() -> None:
    effects = _effects(
        "aws emr modify-cluster-attributes --cluster-id j-1 --no-termination-protected "
        "--no-auto-terminate"
    )
    assert {e.operation for e in effects} == {
        "emr:SetTerminationProtection",
        "emr:SetKeepJobFlowAliveWhenNoSteps",
    }
    assert _names(effects) == {"arn:aws:elasticmapreduce:*:*:cluster/j-1"}
    assert [e.removes_protection for e in effects] == [True, False]


def test_emr_create_default_roles_is_iam(judge_shell: JudgeShell) -> None:
    effects = _effects("aws emr create-default-roles")
    assert "arn:aws:iam::*:role/EMR_DefaultRole" in _names(effects, EffectKind.CREATE)
    assert {e.service for e in effects} == {"iam"}
    # kiro never touches IAM.
    assert judge_shell("aws --profile dev emr create-default-roles").decision is D


def test_emr_get_writes_its_local_destination(judge_shell: JudgeShell) -> None:
    command = (
        "aws --profile dev emr get --cluster-id j-1 --key-pair-file k.pem --src /tmp/x "
        "--dest ~/.bashrc"
    )
    assert judge_shell(command).decision is D


# -- 3. SSM: where commands run, and what they are ---------------------------------------------


def test_instance_ids_in_targets_are_each_named() -> None:
    effects = _effects(
        "aws ssm send-command --document-name AWS-RunShellScript "
        "--targets Key=InstanceIds,Values=i-1,i-2 --parameters commands=uptime"
    )
    names = _names(effects, EffectKind.UPDATE)
    assert {"arn:aws:ec2:*:*:instance/i-1", "arn:aws:ec2:*:*:instance/i-2"} <= names


@pytest.mark.parametrize(
    ("selector", "name"),
    [
        ("Key=tag:Env,Values=prod", "tag:Env=prod"),
        ("Key=resource-groups:Name,Values=web", "resource-groups:Name=web"),
    ],
)
def test_a_targets_selector_names_the_fleet(selector: str, name: str) -> None:
    effects = _effects(
        "aws ssm send-command --document-name AWS-RunShellScript "
        f"--targets {selector} --parameters commands=uptime"
    )
    assert {name, "arn:aws:ec2:*:*:instance/*"} <= _names(effects, EffectKind.UPDATE)


def test_a_fleet_chosen_by_a_production_tag_is_production(judge_shell: JudgeShell) -> None:
    command = (
        "aws --profile dev ssm send-command --document-name AWS-RunShellScript "
        "--targets Key=tag:Env,Values=prod --parameters commands=uptime"
    )
    assert judge_shell(command).decision is Q


@pytest.mark.parametrize(
    "command",
    [
        "aws --profile dev ssm start-session --target i-prod1",
        "aws --profile dev ssm send-command --document-name Custom-Doc --instance-ids i-prod1",
    ],
)
def test_a_session_or_opaque_document_names_its_instance(command: str, guarding: Policy) -> None:
    decision = _judged(guarding, command)
    assert decision.decision is not A
    assert "arn:aws:ec2:*:*:instance/i-prod1" in _names(list(decision.action.effects))


def test_comma_separated_commands_are_each_judged() -> None:
    effects = _effects(
        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-1 "
        "--parameters commands='ls -la,rm -rf /srv'"
    )
    deleted = _names(effects, EffectKind.DELETE)
    assert "file:/srv" in deleted
    # Named on the instance it runs on, so that a protection of the instance holds.
    assert "arn:aws:ec2:*:*:instance/i-1/file:/srv" in deleted


def test_remote_commands_do_not_see_this_shells_variables() -> None:
    effects = _effects(
        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-1 "
        "--parameters commands='rm -rf $DIR'"
    )
    assert "file:/tmp/scratch" not in _names(effects)
    assert any(e.effect is EffectKind.UNKNOWN and "file:/$DIR" in e.resource.names for e in effects)


# -- 4. a file read through shorthand -----------------------------------------------------------


def test_a_shorthand_value_read_from_a_file_is_a_read(judge_shell: JudgeShell) -> None:
    command = (
        "aws --profile dev ssm add-tags-to-resource --resource-type Document --resource-id d "
        "--tags Key=k,Value@=file://~/.aws/credentials"
    )
    assert f"file:{HOME}/.aws/credentials" in _names(_effects(command), EffectKind.READ)
    assert judge_shell(command).decision is not A


def test_commands_read_from_a_file_are_judged() -> None:
    files = {f"{CWD}/run.sh": "rm -rf /srv\n"}
    effects = _effects(
        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-1 "
        "--parameters 'commands@=file://run.sh'",
        files,
    )
    assert "file:/srv" in _names(effects, EffectKind.DELETE)


# -- 5. a file that cannot be read ----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "aws --profile dev s3api delete-objects --bucket acme-terraform-state "
        "--delete file://gone.json",
        "aws --profile dev rds delete-db-instance --db-instance-identifier prod-main "
        "--cli-input-json file://gone.json",
    ],
)
def test_an_unreadable_file_still_names_the_resource(command: str, judge_shell: JudgeShell) -> None:
    assert judge_shell(command).decision is D


# -- 6. the service models keyturn reads ---------------------------------------------------------


@pytest.fixture()
def fresh_models() -> Iterator[None]:
    """keyturn's model caches emptied before and after (a planted model must not stay)."""
    from keyturn.understand.aws import catalog

    def clear() -> None:
        for name in (
            "_session",
            "_loader",
            "service_names",
            "service_model",
            "_metadata_index",
            "_operation_table",
        ):
            cached = getattr(catalog, name, None)
            if cached is not None:
                cached.cache_clear()

    clear()
    yield
    clear()


def _plant(root: Path) -> None:
    """A copy of botocore's OpenSearch model under ``root`` whose ARNs say another service."""
    import botocore

    shipped = Path(botocore.__file__).parent / "data" / "opensearch" / "2021-01-01"
    gz = shipped / "service-2.json.gz"
    text = (
        gzip.decompress(gz.read_bytes())
        if gz.exists()
        else (shipped / "service-2.json").read_bytes()
    )
    model = json.loads(text)
    model["metadata"]["signingName"] = "planted"
    where = root / "opensearch" / "2021-01-01"
    where.mkdir(parents=True)
    (where / "service-2.json").write_text(json.dumps(model))
    for other in shipped.iterdir():
        if not other.name.startswith("service-2"):
            shutil.copy(other, where / other.name)


@pytest.mark.parametrize("how", ["AWS_DATA_PATH", "data_path", "~/.aws/models"])
def test_a_planted_model_does_not_change_keyturns_reading(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_models: None
) -> None:
    import botocore.loaders

    from keyturn.understand.aws import understand_aws

    _plant(tmp_path / "models")
    if how == "AWS_DATA_PATH":
        monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "models"))
    elif how == "data_path":
        config = tmp_path / "config"
        config.write_text(f"[default]\ndata_path = {tmp_path / 'models'}\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    else:
        monkeypatch.setattr(botocore.loaders.Loader, "CUSTOMER_DATA_PATH", str(tmp_path / "models"))
    action = understand_aws("opensearch", "DeleteDomain", {"DomainName": "d"})
    assert {n for e in action.effects for n in e.resource.names} == {"arn:aws:es:*:*:domain/d"}
