"""Patterns so broad they stop meaning what their place says (``keyturn policy lint``).

``protected`` is for named resources: deleting one is denied whatever anyone approves. A
pattern that names every resource (``*``) or every resource of a kind (``arn:*``, ``k8s:*``,
``file:/*``) denies every delete, replacement and unreadable effect of that kind in every
environment, dev included; no reviewer can release them, and the first blocked clean-up in dev
is how such an entry gets deleted. An ``ask`` or ``deny`` rule says that, per environment.
"""

from __future__ import annotations

from keyturn.policy.engine import Policy
from keyturn.policy.lint_names import NAME_FORMS
from keyturn.policy.lint_parts import Problem, Severity
from keyturn.policy.loader import child_path
from keyturn.policy.matching import WILDCARDS, literal_prefix

__all__ = ["broad_pattern", "protected_too_broad"]

# Name starts a pattern can stop at and still name everything of one surface: the forms, and
# the AWS partition's start (``arn:aws:*`` is every AWS resource).
_HEADS = frozenset((*NAME_FORMS, "arn:aws:", "file:"))


def broad_pattern(pattern: str) -> str | None:
    """What ``pattern`` names when it names everything (``"every name"``) or everything of one
    name form (``"every arn: name"``): nothing but wildcards after a form's start. ``None`` for
    a pattern that names something narrower."""
    head = literal_prefix(pattern)
    if not set(pattern[len(head) :]) <= WILDCARDS or "*" not in pattern:
        return None
    if head in _HEADS:
        return f"every {head} name"
    if any(form.startswith(head) for form in _HEADS):
        return "every name"  # "" or a start shorter than any form's ("ar*", "k8*")
    return None


def protected_too_broad(policy: Policy) -> list[Problem]:
    """``protected`` patterns naming every resource, or every resource of one form."""
    problems = []
    for index, pattern in enumerate(policy.protected):
        what = broad_pattern(pattern)
        if what is None:
            continue
        path = child_path("protected", index)
        problems.append(
            Problem(
                Severity.WARNING,
                policy.document.line(path),
                f"{path} '{pattern}' protects {what}: every delete, replacement and unreadable "
                "effect on them is denied in every environment, dev included, and no review "
                "can release one; name the resources that must never go (deny or ask rules "
                "say the rest, per environment)",
            )
        )
    return problems
