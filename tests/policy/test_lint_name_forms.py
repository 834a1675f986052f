"""Lint knows every resource-name form the understandings produce."""

from __future__ import annotations

import pytest

from keyturn.policy import load_policy
from keyturn.policy.lint import lint


@pytest.mark.parametrize(
    "pattern",
    [
        "gs://backups*",
        "graphql:backboard.railway.app/volumeDelete*",
        "https://api.example.com/v1/*",
        "azure:*/prod-rg/*",
        "gcp:compute/instances/prod-*",
        "git:origin/main",
        "helm:payments/*",
        "cfn:payments/*",
    ],
)
def test_known_name_forms_are_not_flagged(pattern: str) -> None:
    policy = load_policy(f'version: 1\nprotected: ["{pattern}"]\n')
    assert not [f for f in lint(policy) if f.code == "protected-matches-nothing"]


def test_a_pattern_of_no_form_is_flagged() -> None:
    policy = load_policy('version: 1\nprotected: ["prod database"]\n')
    assert [f for f in lint(policy) if f.code == "protected-matches-nothing"]
