"""A recursive Cloud Storage delete reaches the objects under its prefix.

``gsutil rm -r gs://b/x`` and ``gcloud storage rm -r|--recursive gs://b/x`` delete every object
whose name starts with ``x/`` (gsutil's and gcloud's references: "-r, -R: causes bucket or
bucket subdirectory contents (all objects and subdirectories that it contains) to be removed
recursively"); ``gsutil rsync -d`` deletes the destination's objects the source lacks, anywhere
under it. They were named by the prefix alone (``gs://b/x``), so a policy protecting the objects
(``gs://b/x/*``) was not reached: the delete of a protected tree was allowed. They are now named
``gs://b/x`` and ``gs://b/x/*``, as ``rm -r DIR`` names ``file:DIR/*`` and ``aws s3 rm
--recursive`` names ``s3://b/x*``.
"""

from __future__ import annotations

import pytest

from keyturn.model import Actor, Target
from keyturn.policy import load_policy
from keyturn.understand.shell import understand_shell

POLICY = """\
version: 1
default: allow
protected:
  - "gs://acme-backups/2024/*"
"""

DELETES = [
    "gsutil rm -r gs://acme-backups/2024",
    "gsutil -m rm -R gs://acme-backups/2024/",
    "gcloud storage rm -r gs://acme-backups/2024",
    "gcloud storage rm --recursive gs://acme-backups",
    "gsutil rsync -d -r ./out gs://acme-backups/2024",
]


def _decision(command: str) -> str:
    action = understand_shell(command, cwd="/tmp", target=Target(environment="dev"))
    policy = load_policy(POLICY)
    return policy.judge(action, actor=Actor(agent="kiro", operator="bob")).decision.value


@pytest.mark.parametrize("command", DELETES)
def test_a_recursive_delete_of_a_protected_tree_is_refused(command: str) -> None:
    assert _decision(command) == "deny", understand_shell(command, cwd="/tmp").effects


@pytest.mark.parametrize(
    "command", ["gsutil rm gs://acme-backups/2024", "gsutil rm -r gs://acme-backups/2023"]
)
def test_a_delete_outside_the_tree_or_of_one_object_is_not(command: str) -> None:
    """False-alarm guards (so before the change too): one object named ``2024`` is not the
    objects under ``2024/``, and another prefix is another tree."""
    assert _decision(command) == "allow"
