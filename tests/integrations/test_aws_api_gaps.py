"""AWS API calls (the boto3 guard, ``understand_aws`` behind ``keyturn check aws`` and the
server's ``aws`` payloads): gaps found by the red team (integrations findings 1, 4, 7, 8, 9, 10),
each pinned by what the call really does.

The guard runs against moto's server on a loopback port: real HTTP, real botocore
serialisation and signing, so "refused" means moto never saw the call and "allowed" means it
did. Sessions that name a profile read a config and credentials file written per test
(``AWS_CONFIG_FILE``/``AWS_SHARED_CREDENTIALS_FILE``), as botocore reads the operator's.
Everything is judged under the BRIEF policy (``dev*``/``default`` profiles are dev, account
111111111111 and ``*prod*`` names production, unknown is production).
"""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from tests.integrations._moto_rds import db_exists, keyed_session, make_db

from keyturn.aws import ActionRefused, guard, guard_client
from keyturn.errors import KeyturnError
from keyturn.model import ActionKind, Actor, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.payload import understand_payload
from keyturn.understand.shell import understand_shell

ACTOR = Actor(agent="claude", operator="bob")
DEV = Target(aws_profile="dev", aws_region="eu-west-1")


@pytest.fixture()
def policy(brief_policy_text: str) -> Policy:
    return load_policy(brief_policy_text)


@pytest.fixture()
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto_url: str) -> Path:
    """An operator's AWS files: ``dev`` and ``prod`` keys, ``dev-role`` (a role assumed from
    ``dev``); no keys or profile in the environment; every client on moto."""
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text(
        "[profile dev]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n"
        "[profile dev-role]\nregion = eu-west-1\nsource_profile = dev\n"
        "role_arn = arn:aws:iam::123456789012:role/dev-agent\n"
    )
    credentials.write_text(
        "[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\n"
        "[prod]\naws_access_key_id = PRODKEY\naws_secret_access_key = prodsecret\n"
    )
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Every client, the ones botocore makes to refresh a role's credentials too, goes to moto.
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    return tmp_path


def unique(prefix: str) -> str:
    return f"{prefix}-{time.monotonic_ns()}"


def judged(policy: Policy, service: str, operation: str, params: dict[str, Any]) -> Verdict:
    action = understand_aws(service, operation, params, target=DEV)
    return policy.judge(action, actor=ACTOR).decision


# --- 1. Commands an API call runs on hosts or containers ---------------------------------------

RM_ROOT = {"commands": ["rm -rf /"]}


@pytest.mark.parametrize(
    ("case", "service", "operation", "params", "expected"),
    [
        (
            "ssm-run-shell-script-rm-root",
            "ssm",
            "SendCommand",
            {"DocumentName": "AWS-RunShellScript", "InstanceIds": ["i-1"], "Parameters": RM_ROOT},
            Verdict.DENY,
        ),
        (
            "ssm-run-shell-script-by-arn",
            "ssm",
            "SendCommand",
            {
                "DocumentName": "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
                "InstanceIds": ["i-1"],
                "Parameters": RM_ROOT,
            },
            Verdict.DENY,
        ),
        (
            "ssm-tag-fleet-rm-root",
            "ssm",
            "SendCommand",
            {
                "DocumentName": "AWS-RunShellScript",
                "Targets": [{"Key": "tag:env", "Values": ["dev"]}],
                "Parameters": RM_ROOT,
            },
            Verdict.DENY,
        ),
        (
            "ssm-powershell-not-judged-here",
            "ssm",
            "SendCommand",
            {
                "DocumentName": "AWS-RunPowerShellScript",
                "InstanceIds": ["i-1"],
                "Parameters": {"commands": ["Remove-Item -Recurse C:\\"]},
            },
            Verdict.ASK,
        ),
        (
            "ssm-own-document-runs-anything",
            "ssm",
            "SendCommand",
            {"DocumentName": "team-cleanup", "InstanceIds": ["i-1"]},
            Verdict.ASK,
        ),
        (
            "ssm-association-rm-root",
            "ssm",
            "CreateAssociation",
            {
                "Name": "AWS-RunShellScript",
                "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
                "Parameters": RM_ROOT,
            },
            Verdict.DENY,
        ),
        (
            "ssm-start-session-command",
            "ssm",
            "StartSession",
            {
                "Target": "i-1",
                "DocumentName": "AWS-StartInteractiveCommand",
                "Parameters": {"command": ["rm -rf /"]},
            },
            Verdict.DENY,
        ),
        (
            "ecs-execute-command",
            "ecs",
            "ExecuteCommand",
            {"cluster": "c", "task": "t", "interactive": True, "command": "rm -rf /"},
            Verdict.DENY,
        ),
        (
            "ecs-run-task-override",
            "ecs",
            "RunTask",
            {
                "cluster": "c",
                "taskDefinition": "td",
                "overrides": {"containerOverrides": [{"name": "x", "command": ["rm", "-rf", "/"]}]},
            },
            Verdict.DENY,
        ),
        (
            "ssm-relative-delete-judged-at-root",
            "ssm",
            "SendCommand",
            {
                "DocumentName": "AWS-RunShellScript",
                "InstanceIds": ["i-1"],
                "Parameters": {"commands": ["rm -rf *"]},
            },
            Verdict.DENY,
        ),
        (
            "ssm-harmless-commands-still-allowed-in-dev",
            "ssm",
            "SendCommand",
            {
                "DocumentName": "AWS-RunShellScript",
                "InstanceIds": ["i-1"],
                "Parameters": {"commands": ["uptime", "df -h"]},
            },
            Verdict.ALLOW,
        ),
    ],
)
def test_remote_commands_are_judged_as_command_lines(
    policy: Policy,
    case: str,
    service: str,
    operation: str,
    params: dict[str, Any],
    expected: Verdict,
) -> None:
    """SSM's ``AWS-RunShellScript`` runs each command with ``sh`` on every instance it targets
    (also when an association is made); ``AWS-StartInteractiveCommand`` runs ``command``;
    ``ecs execute-command`` runs ``command`` in the container, ``run-task`` its overrides. The
    red team sent ``rm -rf /`` through the guard to moto, which stored it (t6.py): allowed,
    while the same call typed as ``aws ssm send-command`` is denied. Now the text is judged as
    the command line it is, at ``/`` on the remote host (its directory is not told); a
    document whose code is not in the call (PowerShell, the account's own) is unknown."""
    assert judged(policy, service, operation, params) is expected, case


def test_the_remote_delete_is_what_denies(policy: Policy) -> None:
    """The call itself (an update of the document, dev) is allowed: the deny is the delete of
    ``/`` on the host, as the shell's ``aws`` reader judges it."""
    params = {"DocumentName": "AWS-RunShellScript", "InstanceIds": ["i-1"], "Parameters": RM_ROOT}
    decision = policy.judge(understand_aws("ssm", "SendCommand", params, target=DEV), actor=ACTOR)
    denied = [j for j in decision.judgements if j.decision is Verdict.DENY]
    assert denied and all("file:/" in j.effect.resource.names for j in denied)
    shell = understand_shell(
        "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-1"
        " --parameters 'commands=[\"rm -rf /\"]'",
        env={"AWS_PROFILE": "dev"},
    )
    assert policy.judge(shell, actor=ACTOR).decision is Verdict.DENY


def test_a_tag_fleet_is_named_by_its_selector(policy: Policy) -> None:
    """``Targets=[{Key: tag:Name, Values: [prod-web]}]`` runs on whichever instances carry the
    tag when the command runs: the call lists none. The fleet is named by its selector, so the
    policy's ``*prod*`` places it in production (held), where instance ids of a dev profile
    stay in dev."""
    fleet = {
        "DocumentName": "AWS-RunShellScript",
        "Targets": [{"Key": "tag:Name", "Values": ["prod-web"]}],
        "Parameters": {"commands": ["systemctl restart app"]},
    }
    action = understand_aws("ssm", "SendCommand", fleet, target=DEV)
    names = {n for e in action.effects for n in e.resource.names}
    assert {"tag:Name=prod-web", "arn:aws:ec2:eu-west-1:*:instance/*"} <= names
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_check_aws_payload_judges_the_remote_commands(policy: Policy) -> None:
    """``keyturn check aws`` and the server's ``aws`` payloads go through the same mapping
    (``understand_payload``): the red team's ``check aws ssm send-command … --profile dev``
    answered ALLOW."""
    payload = {
        "service": "ssm",
        "operation": "send-command",
        "params": {
            "DocumentName": "AWS-RunShellScript",
            "InstanceIds": ["i-1"],
            "Parameters": {"commands": ["rm -rf /"]},
        },
        "profile": "dev",
    }
    action = understand_payload(ActionKind.AWS, payload, environment=None, mcp_mappings=())
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


def test_guard_refuses_ssm_rm_root_and_lets_uptime_through(
    profiles: Path, moto_url: str, policy: Policy
) -> None:
    """Against moto, with a dev profile session: ``uptime`` reaches moto (listed after), the
    ``rm -rf /`` call does not (the red team's run stored it)."""
    ec2 = boto3.Session(profile_name="dev").client("ec2")
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    session = guard(boto3.Session(profile_name="dev"), policy=policy, agent="claude")
    ssm = session.client("ssm")
    ok = ssm.send_command(
        DocumentName="AWS-RunShellScript",
        InstanceIds=[instance["InstanceId"]],
        Parameters={"commands": ["uptime"]},
    )
    with pytest.raises(ActionRefused) as refused:
        ssm.send_command(
            DocumentName="AWS-RunShellScript",
            InstanceIds=[instance["InstanceId"]],
            Parameters={"commands": ["rm -rf /"]},
        )
    assert refused.value.decision is not None
    assert refused.value.decision.decision is Verdict.DENY
    sent = boto3.Session(profile_name="dev").client("ssm").list_commands()["Commands"]
    assert [c["Parameters"]["commands"] for c in sent] == [["uptime"]]
    assert ok["Command"]["CommandId"] == sent[0]["CommandId"]
    with pytest.raises(ActionRefused):
        session.client("ecs").execute_command(
            cluster="c", task="t", interactive=True, command="rm -rf /srv/prod"
        )


# --- 4. The credentials that sign place the call -------------------------------------------------


def test_keys_given_in_code_are_not_the_default_profile(moto_url: str, policy: Policy) -> None:
    """``boto3.Session(aws_access_key_id=…)`` reports ``profile_name == 'default'`` (dev in
    BRIEF), but it signs with the keys given, of any account: the red team deleted
    ``billing-db`` through it (t1.py). As ``AWS_ACCESS_KEY_ID=… aws rds delete-db-instance`` is,
    the call is placed in no known account: the unknown environment, production, holds it."""
    name = make_db(moto_url, unique("billing-db"))
    session = guard(keyed_session(), policy=policy, agent="claude", operator="bob")
    with pytest.raises(ActionRefused) as refused:
        session.client("rds", endpoint_url=moto_url).delete_db_instance(
            DBInstanceIdentifier=name, SkipFinalSnapshot=True
        )
    assert refused.value.decision is not None
    assert refused.value.decision.action.target.aws_profile != "default"
    assert {j.environment for j in refused.value.decision.judgements} == {"production"}
    assert db_exists(moto_url, name)


def test_environment_keys_beat_a_profile_named_by_variable(
    profiles: Path, moto_url: str, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``AWS_PROFILE=dev`` with ``AWS_ACCESS_KEY_ID`` set: botocore's chain takes the keys
    first (the profile wins only when given as ``profile_name=``). Case A of t2.py."""
    name = make_db(moto_url, unique("billing-a"))
    monkeypatch.setenv("AWS_PROFILE", "dev")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "PRODKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "prodsecret")
    session = guard(boto3.Session(), policy=policy, agent="claude")
    rds = session.client("rds")
    assert rds._request_signer._credentials.access_key == "PRODKEY"
    with pytest.raises(ActionRefused):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    assert db_exists(moto_url, name)


def test_client_keys_beat_the_session_profile(
    profiles: Path, moto_url: str, policy: Policy
) -> None:
    """``Session(profile_name='dev').client('rds', aws_access_key_id=PRODKEY…)`` signs with
    the client's keys. Case B of t2.py."""
    name = make_db(moto_url, unique("billing-b"))
    session = guard(boto3.Session(profile_name="dev"), policy=policy, agent="claude")
    rds = session.client("rds", aws_access_key_id="PRODKEY", aws_secret_access_key="prodsecret")
    with pytest.raises(ActionRefused):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    assert db_exists(moto_url, name)


def test_credentials_set_after_guarding_are_not_the_profile(
    profiles: Path, moto_url: str, policy: Policy
) -> None:
    """``session._session.set_credentials(PRODKEY…)`` after ``guard``. Case D of t2.py."""
    name = make_db(moto_url, unique("billing-d"))
    session = guard(boto3.Session(profile_name="dev"), policy=policy, agent="claude")
    session._session.set_credentials("PRODKEY", "prodsecret")
    with pytest.raises(ActionRefused):
        session.client("rds").delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    assert db_exists(moto_url, name)


def test_a_profile_switched_after_guarding_signs_with_the_guarded_one(
    profiles: Path, moto_url: str, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guarded with ``AWS_PROFILE=dev``, then ``AWS_PROFILE=prod`` before the client is made:
    the red team's client signed with PRODKEY and was judged dev (case C). The guard resolves
    the session's credentials when it guards: the client signs with dev's, and is dev."""
    name = make_db(moto_url, unique("billing-c"))
    monkeypatch.setenv("AWS_PROFILE", "dev")
    session = guard(boto3.Session(), policy=policy, agent="claude")
    monkeypatch.setenv("AWS_PROFILE", "prod")
    rds = session.client("rds")
    assert rds._request_signer._credentials.access_key == "DEVKEY"
    rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    assert not db_exists(moto_url, name)


def test_the_profiles_own_credentials_keep_its_environment(
    profiles: Path, moto_url: str, policy: Policy
) -> None:
    """No loss for the plain case: a dev profile's keys from the credentials file place the
    call in dev, where BRIEF allows the delete; moto deletes it."""
    name = make_db(moto_url, unique("billing-dev"))
    session = guard(boto3.Session(profile_name="dev"), policy=policy, agent="claude")
    session.client("rds").delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    assert not db_exists(moto_url, name)


def test_a_role_profile_refreshes_and_stays_in_its_environment(
    profiles: Path, moto_url: str, policy: Policy
) -> None:
    """``dev-role`` assumes a role from ``dev``'s keys: botocore calls ``sts:AssumeRole`` (on
    moto) with a client of its own, signed by the source keys. That refresh is the profile's
    own, so both it and the call signed by the role's credentials are dev."""
    name = make_db(moto_url, unique("billing-role"))
    session = guard(boto3.Session(profile_name="dev-role"), policy=policy, agent="claude")
    rds = session.client("rds")
    rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    assert rds._request_signer._credentials.method == "assume-role"
    assert not db_exists(moto_url, name)


# --- 7. A second guard, and a handler under the guard's old id -------------------------------


def test_a_second_guard_with_a_stricter_policy_applies(moto_url: str, policy: Policy) -> None:
    """``guard(s, lenient, claude)`` then ``guard(s, BRIEF, kiro)`` (kiro never touches IAM):
    botocore skipped the second registration (same unique id) and IAM's create_user ran
    (t7.py). Both judges now stand: a call must pass each."""
    lenient = load_policy("version: 1\ndefault: allow\nunknown_environment: production\n")
    session = keyed_session()
    guard(session, policy=lenient, agent="claude")
    guard(session, policy=policy, agent="kiro")
    iam = session.client("iam", endpoint_url=moto_url)
    with pytest.raises(ActionRefused) as refused:
        iam.create_user(UserName=unique("x1"))
    assert refused.value.decision is not None
    assert refused.value.decision.decision is Verdict.DENY
    assert "agents.kiro.deny" in str(refused.value)
    users = keyed_session().client("iam", endpoint_url=moto_url).list_users()["Users"]
    assert not [u for u in users if u["UserName"].startswith("x1-")]


def test_a_handler_under_the_old_unique_id_does_not_switch_the_guard_off(
    moto_url: str, policy: Policy
) -> None:
    """A handler registered first under ``keyturn-aws-guard`` made botocore skip the guard's
    own registration silently; ``prod-main`` was deleted on moto (t7.py)."""
    name = make_db(moto_url, unique("prod-main"))
    session = keyed_session()
    session.events.register(
        "before-parameter-build", lambda **_: None, unique_id="keyturn-aws-guard"
    )
    guard(session, policy=policy, agent="claude")
    with pytest.raises(ActionRefused):
        session.client("rds", endpoint_url=moto_url).delete_db_instance(
            DBInstanceIdentifier=name, SkipFinalSnapshot=True
        )
    assert db_exists(moto_url, name)


class _CountingGate:
    """A gate that allows everything and counts what it is shown."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.seen: list[Any] = []

    def submit(self, action: Any, *, actor: Actor) -> Any:
        self.seen.append(action)

        class Allowed:
            verdict = Verdict.ALLOW

        return Allowed()


def test_guarding_twice_alike_judges_once(moto_url: str, policy: Policy) -> None:
    """Guarding again with the same settings adds nothing: one submission per call."""
    gate = _CountingGate(policy)
    session = keyed_session()
    guard(session, gate=gate, agent="claude")  # type: ignore[arg-type]
    guard(session, gate=gate, agent="claude")  # type: ignore[arg-type]
    session.client("rds", endpoint_url=moto_url).describe_db_instances()
    assert len(gate.seen) == 1


def test_a_session_whose_events_drop_registrations_is_not_called_guarded(policy: Policy) -> None:
    """A session object whose ``events.register`` keeps nothing: ``guard`` used to hand it back
    as guarded. It raises now."""

    class Deaf:
        def register(self, *args: Any, **kwargs: Any) -> None:
            return None

        def emit(self, *args: Any, **kwargs: Any) -> list[Any]:
            return []

    class Session:
        events = Deaf()

    with pytest.raises(KeyturnError):
        guard(Session(), policy=policy)


# --- 8. S3 uploads -------------------------------------------------------------------------------


def test_s3_uploads_are_judged_not_refused(
    profiles: Path, moto_url: str, policy: Policy, tmp_path: Path
) -> None:
    """botocore turns ``PutObject``'s ``Body`` into a stream before the guard sees it, and
    ``upload_file`` sends ``ReadFileChunk``s: every upload was refused as "could not be judged"
    (t8.py), even in dev. Each is judged now (a write of the object) and reaches moto."""
    plain = boto3.Session(profile_name="dev").client("s3")
    bucket = unique("dev-uploads")
    plain.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3 = guard(boto3.Session(profile_name="dev"), policy=policy, agent="claude").client("s3")
    s3.put_object(Bucket=bucket, Key="bytes", Body=b"x")
    s3.put_object(Bucket=bucket, Key="text", Body="y")
    s3.put_object(Bucket=bucket, Key="file", Body=io.BytesIO(b"zz"))
    path = tmp_path / "f.txt"
    path.write_text("from a file")
    s3.upload_file(str(path), bucket, "uploaded")
    stored = {o["Key"] for o in plain.list_objects_v2(Bucket=bucket)["Contents"]}
    assert stored == {"bytes", "text", "file", "uploaded"}
    assert plain.get_object(Bucket=bucket, Key="uploaded")["Body"].read() == b"from a file"
    assert plain.get_object(Bucket=bucket, Key="file")["Body"].read() == b"zz"


def test_an_upload_binds_its_body_and_is_held_where_writes_are(
    moto_url: str, policy: Policy
) -> None:
    """Nothing is loosened: an upload with keys given in code (account not told) is held, and
    the action names the body by size and SHA-256, so that an approval fits only that body."""
    s3 = guard(keyed_session(), policy=policy, agent="claude").client("s3", endpoint_url=moto_url)
    with pytest.raises(ActionRefused) as refused:
        s3.put_object(Bucket="acme-billing", Key="k", Body=b"state")
    decision = refused.value.decision
    assert decision is not None and decision.decision is Verdict.ASK
    body = decision.action.subject["params"]["Body"]
    assert body == {"$stream": {"bytes": 5, "sha256": hashlib.sha256(b"state").hexdigest()}}


# --- 9. Presigned POST ---------------------------------------------------------------------------


def test_presigned_post_is_judged_as_the_upload_it_allows(moto_url: str, policy: Policy) -> None:
    """botocore builds a presigned POST with ``CreateBucket``'s model, so the guard asked
    reviewers to approve "create arn:aws:s3:::acme-terraform-state-prod" while the form it
    signs overwrites ``terraform.tfstate``. It is named as that object now, and said to be a
    presigned POST."""
    s3 = guard(keyed_session(), policy=policy, agent="claude").client("s3", endpoint_url=moto_url)
    with pytest.raises(ActionRefused) as refused:
        s3.generate_presigned_post("acme-terraform-state-prod", "terraform.tfstate")
    decision = refused.value.decision
    assert decision is not None
    names = {n for j in decision.judgements for n in j.effect.resource.names}
    assert "arn:aws:s3:::acme-terraform-state-prod/terraform.tfstate" in names
    assert "arn:aws:s3:::acme-terraform-state-prod" not in names
    assert decision.action.subject["operation"] == "PutObject"
    assert "presigned POST" in decision.action.summary
    with pytest.raises(ActionRefused) as any_name:
        s3.generate_presigned_post("acme-terraform-state-prod", "uploads/${filename}")
    assert any_name.value.decision is not None
    assert any(
        "arn:aws:s3:::acme-terraform-state-prod/uploads/*" in j.effect.resource.names
        for j in any_name.value.decision.judgements
    )


def test_presigned_post_in_dev_is_allowed(profiles: Path, policy: Policy) -> None:
    """And a dev upload form is still made."""
    s3 = guard(boto3.Session(profile_name="dev"), policy=policy, agent="claude").client("s3")
    post = s3.generate_presigned_post("dev-uploads", "k")
    assert post["fields"]["key"] == "k"


# --- 10. Accounts in queue URLs and Lambda partial ARNs --------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "params", "name"),
    [
        (
            "sqs",
            "DeleteQueue",
            {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111111111111/billing"},
            "arn:aws:sqs:eu-west-1:111111111111:billing",
        ),
        (
            "sqs",
            "PurgeQueue",
            {"QueueUrl": "https://eu-west-1.queue.amazonaws.com/111111111111/billing"},
            "arn:aws:sqs:eu-west-1:111111111111:billing",
        ),
        (
            "lambda",
            "DeleteFunction",
            {"FunctionName": "111111111111:function:billing"},
            "arn:aws:lambda:eu-west-1:111111111111:function:billing",
        ),
    ],
)
def test_an_account_spelt_in_a_queue_url_or_partial_arn_places_the_call(
    policy: Policy, service: str, operation: str, params: dict[str, Any], name: str
) -> None:
    """111111111111 is BRIEF's production account. Only ``arn:`` strings were read for it, so
    these were dev and allowed; an SNS topic ARN naming it was production. Lambda takes the
    partial ARN ``ACCOUNT:function:NAME`` for the function (it was named as a function
    literally called so)."""
    action = understand_aws(service, operation, params, target=DEV)
    assert action.target.aws_account == "111111111111"
    assert name in {n for e in action.effects for n in e.resource.names}
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_the_shell_reads_the_queue_urls_account_too(policy: Policy) -> None:
    """The shell's ``aws`` reader shares the understanding: the same call typed is held."""
    action = understand_shell(
        "aws sqs delete-queue --queue-url https://sqs.eu-west-1.amazonaws.com/111111111111/billing",
        env={"AWS_PROFILE": "dev"},
    )
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_guard_client_calls_land_in_no_known_account(moto_url: str, policy: Policy) -> None:
    """A client guarded on its own does not say which profile made it: its writes are held."""
    client = guard_client(
        keyed_session().client("sqs", endpoint_url=moto_url), policy=policy, agent="claude"
    )
    with pytest.raises(ActionRefused):
        client.create_queue(QueueName=unique("dev-q"))
