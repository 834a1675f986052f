"""Every operation of every service botocore knows yields effects; almost none are unknown.

With botocore 1.44.18 this is over 19,800 operations in about 440 services. Without parameters,
only the two ``rds-data`` statement calls are ``unknown`` (their SQL is what decides, and none is
given), besides operations whose verb a later botocore brings (unknown until the tables learn it).
"""

from __future__ import annotations

from collections import Counter

import pytest

from keyturn.model import EffectKind, Target
from keyturn.understand.aws import aws_effects, catalog
from keyturn.understand.aws.verbs import VERBS, classify


@pytest.mark.slow
def test_every_operation_of_every_service_has_effects() -> None:
    total = 0
    unknown: list[str] = []
    kinds: Counter[EffectKind] = Counter()
    for service in sorted(catalog.service_names()):
        for operation in catalog.service_model(service).operation_names:
            effects = aws_effects(service, operation, {}, target=Target())
            assert effects, f"{service}:{operation} yielded no effect"
            assert all(e.resource.names for e in effects)
            total += 1
            kinds[effects[0].effect] += 1
            if any(e.effect is EffectKind.UNKNOWN for e in effects):
                unknown.append(f"{service}:{operation}")
    assert total > 15_000
    assert len(unknown) / total < 0.001, unknown
    # The SQL statements, and operations whose verb botocore added after these tables were
    # written (a newer botocore on a clean machine): unknown, as a new verb must be.
    statements = {"rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement"}
    new_verbs = {op for op in unknown if classify(*op.split(":", 1)).verb not in VERBS}
    assert set(unknown) - statements <= new_verbs, set(unknown) - statements - new_verbs
    # Reads are only what a read verb says: far fewer than half of all operations.
    assert kinds[EffectKind.READ] < total * 0.5


@pytest.mark.slow
def test_kebab_names_map_back_without_collisions() -> None:
    from botocore import xform_name

    for service in ("ec2", "rds", "iam", "s3", "lambda", "dynamodb"):
        for operation in catalog.service_model(service).operation_names:
            kebab = xform_name(operation, "-")
            assert catalog.resolve_operation(service, kebab) == operation


@pytest.mark.parametrize(
    ("operation", "effect"),
    [
        ("BatchGetItem", EffectKind.READ),
        ("BatchDeleteImage", EffectKind.DELETE),
        ("AdminDeleteUser", EffectKind.DELETE),
        ("ScheduleKeyDeletion", EffectKind.DELETE),
        ("LeaveOrganization", EffectKind.DELETE),
        ("PurgeQueue", EffectKind.DELETE),
        ("ReleaseAddress", EffectKind.DELETE),
        ("RebootDBInstance", EffectKind.UPDATE),
        ("ReplaceRoute", EffectKind.REPLACE),
        ("SimulatePrincipalPolicy", EffectKind.READ),
        ("RunInstances", EffectKind.CREATE),
        ("ReEncrypt", EffectKind.READ),
    ],
)
def test_verb_table(operation: str, effect: EffectKind) -> None:
    assert classify("svc", operation).effect is effect


def test_disruptive_updates_say_so() -> None:
    assert "disruptive" in " ".join(classify("rds", "RebootDBInstance").notes)
    assert "disruptive" in " ".join(classify("rds", "FailoverDBCluster").notes)
    assert "arbitrary code" in " ".join(classify("ssm", "SendCommand").notes)
