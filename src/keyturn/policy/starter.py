"""The starter policy ``keyturn init`` writes: commented, safe defaults, lint-clean."""

from __future__ import annotations

from importlib import resources


def starter_policy_text() -> str:
    """The text of the starter policy file."""
    return (resources.files("keyturn.policy") / "starter.yaml").read_text(encoding="utf-8")
