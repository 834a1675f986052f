"""Shared test fixtures.

The real public payloads live outside the repository (``../shared/fixtures``); point
``KEYTURN_FIXTURES`` elsewhere to use another copy.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# A hook run by a test must not leave a resident hook daemon behind: tests of the daemon turn it
# on explicitly; everything else runs hooks in process.
os.environ.setdefault("KEYTURN_HOOK_DAEMON", "off")


def fixtures_root() -> Path:
    root = Path(os.environ.get("KEYTURN_FIXTURES", REPO.parent / "shared" / "fixtures"))
    if not root.is_dir():
        raise RuntimeError(
            f"fixtures not found at {root}: set KEYTURN_FIXTURES to the shared fixtures folder"
        )
    return root


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The folder of real public payloads (Terraform plans, AdmissionReviews, CloudTrail)."""
    return fixtures_root()


BRIEF_POLICY = """\
version: 1
default: ask                      # decision for an action no rule covers
unknown_environment: production   # where the environment cannot be told, treat it as this

environments:                     # how to tell where an action lands; first match wins
  production:
    aws_accounts: ["111111111111"]
    aws_profiles: ["prod*"]
    kube_contexts: ["prod-*"]
    terraform_workspaces: ["prod*"]
    resources: ["*prod*"]
  staging:
    aws_profiles: ["staging*"]
    kube_contexts: ["staging-*"]
  dev:
    aws_profiles: ["dev*", "default"]
    kube_contexts: ["kind-*", "dev-*"]

reviewers:                        # who may approve; humans only
  sre: [alice, bob, carol]
  dba: [dave, erin]

protected:                        # never deleted or replaced by an agent, nor unprotected
  - "arn:aws:rds:*:*:db:prod-*"
  - "aws_db_instance.main"
  - "k8s:namespace/payments"
  - "arn:aws:s3:::acme-terraform-state*"

agents:
  "*":                            # rules for every agent
    allow:
      - effect: read
      - effect: [create, update, delete, replace]
        environment: dev
      - effect: [create, update]
        environment: staging
    ask:
      - effect: [create, update]
        environment: production
        approvals: 1
        reviewers: [sre]
      - effect: [delete, replace]
        environment: [staging, production]
        approvals: 2
        reviewers: [sre]
    deny:
      - command: "git push --force*"
  kiro:
    deny:
      - service: iam              # this agent never touches IAM
"""


_PROTECTED_HEADER = (
    "protected:                        # never deleted or replaced by an agent, nor unprotected\n"
)


def brief_protecting(*names: str) -> str:
    """The text of :data:`BRIEF_POLICY` with ``names`` added to its ``protected`` list."""
    assert _PROTECTED_HEADER in BRIEF_POLICY
    added = "".join(f'  - "{name}"\n' for name in names)
    return BRIEF_POLICY.replace(_PROTECTED_HEADER, _PROTECTED_HEADER + added)


@pytest.fixture()
def brief_policy_text() -> str:
    """The policy file of BRIEF §4.1, verbatim."""
    return BRIEF_POLICY
