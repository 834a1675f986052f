"""Files a line puts in place or tools read before they act: an AWS CLI alias file written
on the line under a ``HOME`` spelled otherwise than plainly, rclone's and mc's configs
rewritten on the line, terragrunt configurations written on the line or named by option or
variable, ``tar --recursive-unlink``, and the pager and editor variables tools read before
``PAGER``/``EDITOR`` (psql's ``\\setenv`` too).

Judged for agent ``kiro`` in dev (where plain reads and writes are allowed) under the BRIEF
policy with ``/srv/prod`` protected; the home, the project and the files the tools read are
real files under ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.adversarial.conftest import ACTOR
from tests.conftest import BRIEF_POLICY

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
ALIAS = "[toplevel]\nsts = rds delete-db-instance --db-instance-identifier prod-db-1\n"
ON_S3 = "[x]\ntype = s3\nprovider = AWS\n"
MC_ON_S3 = '{"version":"10","aliases":{"x":{"url":"https://s3.amazonaws.com"}}}'
HOOK = 'terraform { before_hook "x" { commands=["plan"] execute=["rm","-rf","/srv/prod"] } }'


@pytest.fixture(scope="module")
def policy() -> Policy:
    text = BRIEF_POLICY.replace(
        '  - "aws_db_instance.main"\n',
        '  - "aws_db_instance.main"\n  - "file:/srv/prod"\n  - "file:/srv/prod/**"\n',
    )
    assert "file:/srv/prod/**" in text
    return load_policy(text)


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    """``home`` (the session's), ``project`` (the working directory), ``other`` (a second
    home), each a real directory; rclone's and mc's own configs name a local remote ``x``."""
    for folder in ("home/.aws/cli", "project", "other/.aws/cli", "other/.aws", "r"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / "home/.config/rclone").mkdir(parents=True)
    (tmp_path / "home/.config/rclone/rclone.conf").write_text("[x]\ntype = local\n")
    (tmp_path / "r/rc.conf").write_text("[x]\ntype = local\n")
    (tmp_path / "home/.mc").mkdir()
    (tmp_path / "home/.mc/config.json").write_text(
        '{"version":"10","aliases":{"x":{"url":"http://127.0.0.1:9000"}}}'
    )
    return tmp_path


def _action(line: str, root: Path, *, env: str | None = "dev") -> Action:
    home = str(root / "home")
    return understand_shell(
        line,
        cwd=str(root / "project"),
        home=home,
        env={"HOME": home},
        target=Target(environment=env),
        files=LocalFiles(),
    )


def _decision(policy: Policy, line: str, root: Path) -> str:
    return policy.judge(_action(line, root), actor=ACTOR).decision.value


# 1. The AWS CLI reads ``~/.aws/cli/alias`` where the kernel finds it: ``H/.``, ``a//H`` and
#    ``x/../H`` are H, so an alias written there on the line is the one ``aws`` runs.
@pytest.mark.parametrize(
    "home_word",
    ["{o}/.", "{r}//other", "{r}/x/../other", "{o}/./"],
    ids=["trailing-dot", "double-slash", "dot-dot", "dot-slash"],
)
@pytest.mark.parametrize("wrapper", ["", "env "], ids=["assignment", "env-wrapper"])
def test_alias_written_under_home_spelled_otherwise_is_read(
    home_word: str, wrapper: str, policy: Policy, root: Path
) -> None:
    other = root / "other"
    home = home_word.format(o=other, r=root)
    line = f"printf '{ALIAS}' > {other}/.aws/cli/alias && {wrapper}HOME={home} aws sts"
    assert _decision(policy, line, root) == DENY
    names = {n for e in _action(line, root).effects for n in e.resource.names}
    assert "arn:aws:rds:*:*:db:prod-db-1" in names


def test_profile_account_written_under_home_spelled_otherwise_is_read(root: Path) -> None:
    other = root / "other"
    config = "[default]\nrole_arn = arn:aws:iam::111111111111:role/x\n"
    line = (
        f"printf '{config}' > {other}/.aws/config && "
        f"HOME={other}/. aws ec2 terminate-instances --instance-ids i-1"
    )
    names = {n for e in _action(line, root, env=None).effects for n in e.resource.names}
    assert "arn:aws:ec2:*:111111111111:instance/i-1" in names


# 3. rclone's and mc's configs are read as the line leaves them (and where a HOME the line
#    gives puts them): a remote that the line turned into AWS S3 is the bucket's ARN too.
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rclone purge x:acme-terraform-state --config {r}/r/rc.conf", ALLOW),
        (
            "printf '" + ON_S3 + "' > {r}/r/rc.conf && "
            "rclone purge x:acme-terraform-state --config {r}/r/rc.conf",
            DENY,
        ),
        (
            "printf '" + ON_S3 + "' > ~/.config/rclone/rclone.conf && "
            "rclone purge x:acme-terraform-state",
            DENY,
        ),
        ("cp /tmp/other.conf {r}/r/rc.conf && rclone purge x:acme-terraform-state", ALLOW),
        (
            "cp /tmp/other.conf {r}/r/rc.conf && "
            "rclone purge x:acme-terraform-state --config {r}/r/rc.conf",
            DENY,
        ),
        ("HOME={r}/other rclone purge x:acme-terraform-state", DENY),
        ("XDG_CONFIG_HOME={r}/other rclone purge x:acme-terraform-state", DENY),
        ("mc rb --force x/acme-terraform-state", ALLOW),
        (
            "echo '" + MC_ON_S3 + "' > ~/.mc/config.json && mc rb --force x/acme-terraform-state",
            DENY,
        ),
        ("cp /tmp/c.json ~/.mc/config.json && mc rb --force x/acme-terraform-state", DENY),
        ("HOME={r}/other mc rb --force x/acme-terraform-state", DENY),
    ],
    ids=[
        "rclone-config-on-disk-local",
        "rclone-config-rewritten-to-s3",
        "rclone-default-config-rewritten-to-s3",
        "rclone-other-file-copied",
        "rclone-config-copied-over",
        "rclone-home-given-on-line",
        "rclone-xdg-config-home-given",
        "mc-config-on-disk-local",
        "mc-config-rewritten-to-s3",
        "mc-config-copied-over",
        "mc-home-given-on-line",
    ],
)
def test_object_storage_config_rewritten_on_the_line(
    line: str, expected: str, policy: Policy, root: Path
) -> None:
    assert _decision(policy, line.replace("{r}", str(root)), root) == expected


# 4. terragrunt reads the terragrunt.hcl the line wrote, and the one --config/TG_CONFIG name.
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("terragrunt plan", ALLOW),
        (
            'echo \'locals { x = run_cmd("rm","-rf","/srv/prod") }\' > terragrunt.hcl '
            "&& terragrunt plan",
            ASK,
        ),
        ("cp /tmp/x.hcl terragrunt.hcl && terragrunt plan", ASK),
        ("printf 'inputs = {}\\n' > terragrunt.hcl && terragrunt plan", ALLOW),
        ("terragrunt plan --terragrunt-config {r}/r/tg.hcl", ASK),
        ("terragrunt plan --config {r}/r/tg.hcl", ASK),
        ("terragrunt plan --config={r}/r/tg.hcl", ASK),
        ("TERRAGRUNT_CONFIG={r}/r/tg.hcl terragrunt plan", ASK),
        ("TG_CONFIG={r}/r/tg.hcl terragrunt plan", ASK),
        ("terragrunt plan --config {r}/p/plain.hcl", ALLOW),
        ("echo '" + HOOK + "' > {r}/r/new.hcl && terragrunt plan --config {r}/r/new.hcl", ASK),
        ('terragrunt plan --config "$CFG"', ASK),
        ("TG_CONFIG=$CFG terragrunt plan", ASK),
        ("TG_WORKING_DIR={r}/r terragrunt plan", ASK),
        ("terragrunt plan --tf-path {r}/r/evil.sh", ASK),
        ("TG_TF_PATH={r}/r/evil.sh terragrunt plan", ASK),
        ("terragrunt plan --tf-path tofu", ALLOW),
    ],
    ids=[
        "no-config",
        "config-written-on-line",
        "config-copied-on-line",
        "config-written-without-commands",
        "old-config-option",
        "config-option",
        "config-option-equals",
        "TERRAGRUNT_CONFIG",
        "TG_CONFIG",
        "named-config-without-commands",
        "named-config-written-on-line",
        "config-decided-at-run-time",
        "config-variable-decided-at-run-time",
        "working-dir-variable",
        "tf-path-option",
        "tf-path-variable",
        "tf-path-tofu",
    ],
)
def test_terragrunt_config_on_the_line_or_named(
    line: str, expected: str, policy: Policy, root: Path
) -> None:
    (root / "r/tg.hcl").write_text(HOOK + "\n")
    (root / "r/terragrunt.hcl").write_text(HOOK + "\n")
    (root / "p").mkdir()
    (root / "p/plain.hcl").write_text('inputs = { region = "eu-west-1" }\n')
    assert _decision(policy, line.replace("{r}", str(root)), root) == expected


# 5. ``tar --recursive-unlink`` (any unique prefix) removes each directory the archive names
#    before extracting (GNU tar 1.34: ``dst/sub/old`` is gone after extracting ``sub/new``).
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tar -xf /tmp/a.tar -C /srv/prod", ALLOW),
        ("tar -xf /tmp/a.tar --recursive-unlink -C /srv/prod", DENY),
        ("tar -xf /tmp/a.tar --recursive-u -C /srv/prod", DENY),
        ("tar xf /tmp/a.tar --recursive-unlink -C /srv/prod sub", DENY),
        ("tar -xf /tmp/a.tar --recursive-unlink --one-top-level=/srv/prod", DENY),
        ("tar -xf /tmp/a.tar --recursive-unlink -C /", DENY),
        ("tar -xf /tmp/a.tar --recursive-unlink -C out", ALLOW),
    ],
    ids=[
        "plain-extract-updates",
        "recursive-unlink",
        "recursive-unlink-abbreviated",
        "recursive-unlink-member",
        "recursive-unlink-one-top-level",
        "recursive-unlink-root",
        "recursive-unlink-own-folder",
    ],
)
def test_tar_recursive_unlink_deletes(line: str, expected: str, policy: Policy, root: Path) -> None:
    assert _decision(policy, line, root) == expected


def test_tar_recursive_unlink_names_the_removed_tree(root: Path) -> None:
    effects = _action("tar -xf /tmp/a.tar --recursive-unlink -C /srv/prod sub", root).effects
    deleted = {n for e in effects if e.effect.value == "delete" for n in e.resource.names}
    assert {"file:/srv/prod/sub", "file:/srv/prod/sub/*"} <= deleted


# 6. Tools read their own pager or editor variable before PAGER/EDITOR, and psql's \setenv
#    sets one for the pager it starts.
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("PAGER='rm -rf /srv/prod' psql -c 'select 1'", DENY),
        ("PSQL_PAGER='rm -rf /srv/prod' psql -c 'select 1'", DENY),
        ("PSQL_WATCH_PAGER='rm -rf /srv/prod' psql -c 'select 1'", DENY),
        ("PSQL_EDITOR='rm -rf /srv/prod' psql -c 'select 1'", DENY),
        ("AWS_PAGER='rm -rf /srv/prod' aws s3 ls", DENY),
        ("GH_PAGER='rm -rf /srv/prod' gh pr list", DENY),
        ("GH_EDITOR='rm -rf /srv/prod' gh pr create", DENY),
        ("GH_BROWSER='rm -rf /srv/prod' gh pr view --web", DENY),
        ("GLAB_PAGER='rm -rf /srv/prod' glab mr list", DENY),
        ("SYSTEMD_EDITOR='rm -rf /srv/prod' systemctl edit x", DENY),
        ("export AWS_PAGER='rm -rf /srv/prod'; aws s3 ls", DENY),
        ("AWS_PAGER= aws s3 ls", ALLOW),
        ("GH_PAGER=cat gh pr list", ALLOW),
        ("PSQL_PAGER='less -S' psql -c 'select 1'", ALLOW),
        ("psql -c \"\\setenv PAGER 'rm -rf /srv/prod'\" -c '\\dt'", ASK),
        ("psql -c '\\setenv PSQL_PAGER \"rm -rf /srv/prod\"' -c '\\dt'", ASK),
        ("psql -c \"\\setenv 'LESS' '+!rm -rf /srv/prod'\" -c '\\dt'", ASK),
        ("psql -c '\\setenv :name x' -c '\\dt'", ASK),
        ("psql -c '\\setenv PGTZ UTC' -c '\\dt'", ALLOW),
        ("psql -c '\\pset pager off' -c '\\dt'", ALLOW),
    ],
    ids=[
        "PAGER",
        "PSQL_PAGER",
        "PSQL_WATCH_PAGER",
        "PSQL_EDITOR",
        "AWS_PAGER",
        "GH_PAGER",
        "GH_EDITOR",
        "GH_BROWSER",
        "GLAB_PAGER",
        "SYSTEMD_EDITOR",
        "exported-AWS_PAGER",
        "empty-AWS_PAGER",
        "GH_PAGER-cat",
        "PSQL_PAGER-less",
        "psql-setenv-PAGER",
        "psql-setenv-PSQL_PAGER",
        "psql-setenv-quoted-LESS",
        "psql-setenv-name-from-variable",
        "psql-setenv-other-variable",
        "psql-pset-pager",
    ],
)
def test_tool_pager_and_editor_variables(
    line: str, expected: str, policy: Policy, root: Path
) -> None:
    assert _decision(policy, line, root) == expected
