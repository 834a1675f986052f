"""Environment criteria that place production's actions elsewhere (``keyturn policy lint``).

keyturn judges an action by the environment it lands in, and puts what it cannot place in
``unknown_environment`` (production unless said otherwise). Three ways the ``environments:``
section undoes that, each the December 2025 shape -- an operator's broad credentials judged as
if they were a sandbox's:

- a non-production environment with a criterion matching everything (``aws_profiles: ["*"]``,
  ``resources: ["*"]``): every profile, context or name production's own criteria miss -- the
  operator's ``admin`` profile, an EKS context (an ARN, which ``prod-*`` does not match) --
  lands there instead of in ``unknown_environment``;
- a non-production environment whose pattern is named like production (``staging:
  kube_contexts: ["eks-prod-*"]``) where no production pattern covers it;
- a criterion that can match nothing keyturn is given: an account that is not 12 digits, a
  ``resources`` pattern of no name form (``prod-*``: names start ``arn:``, ``k8s:``...). In a
  production environment what it was to place there is judged by other rules.
"""

from __future__ import annotations

import re

from keyturn.policy.engine import Policy
from keyturn.policy.lint_breadth import broad_pattern
from keyturn.policy.lint_environments import looks_like_production
from keyturn.policy.lint_names import protected_pattern_problem
from keyturn.policy.lint_parts import Problem, Severity
from keyturn.policy.loader import child_path
from keyturn.policy.matching import GlobSet
from keyturn.policy.schema import EnvironmentSpec

__all__ = ["catch_all_placement", "dead_placement", "production_placed_elsewhere"]

_KEYS = ("aws_accounts", "aws_profiles", "kube_contexts", "terraform_workspaces", "resources")
# What the hints are called in messages.
_WHAT = {
    "aws_accounts": "AWS account",
    "aws_profiles": "AWS profile",
    "kube_contexts": "kube context",
    "terraform_workspaces": "Terraform workspace",
    "resources": "resource name",
}
_ACCOUNT = re.compile(r"[0-9*?]+\Z")
_WORD_BREAKS = re.compile(r"[*?:/@]+")


def _patterns(policy: Policy, spec: EnvironmentSpec, key: str) -> list[tuple[str, str]]:
    """(key path, pattern) of ``spec``'s ``key`` criterion; a list item has a path of its own,
    a single string only the key's."""
    globs: GlobSet | None = getattr(spec, key)
    if globs is None:
        return []
    path = child_path(child_path("environments", spec.name), key)
    found = []
    for index, pattern in enumerate(globs.patterns):
        item = child_path(path, index)
        found.append((item if item in policy.document.lines else path, pattern))
    return found


def _others(policy: Policy) -> list[EnvironmentSpec]:
    return [e for e in policy.document.environments if e.name not in policy.production_environments]


def catch_all_placement(policy: Policy) -> list[Problem]:
    """Criteria of non-production environments that match every value (or every name of one
    form): nothing with that hint is left for ``unknown_environment``."""
    problems = []
    for spec in _others(policy):
        for key in _KEYS:
            for path, pattern in _patterns(policy, spec, key):
                what = broad_pattern(pattern) if key == "resources" else _every(key, pattern)
                if what is None:
                    continue
                every = f"every {_WHAT[key]}" if what == "every name" else what
                problems.append(
                    Problem(
                        Severity.ERROR,
                        policy.document.line(path),
                        f"{path} '{pattern}' places {every} production's criteria miss in "
                        f"{spec.name}: an operator's own profile or context, or a bare call, is "
                        f"judged by {spec.name}'s rules instead of unknown_environment's "
                        f"({policy.unknown_environment}); list what {spec.name} is",
                    )
                )
    return problems


def production_placed_elsewhere(policy: Policy) -> list[Problem]:
    """Non-production patterns named like production (``eks-prod-*``) that no production
    pattern of the same criterion covers: what they match is judged by looser rules."""
    production = [
        e for e in policy.document.environments if e.name in policy.production_environments
    ]
    if not production:
        return []  # no-production reports the policy as a whole
    problems = []
    for spec in _others(policy):
        for key in _KEYS:
            covering = [g for e in production if (g := getattr(e, key)) is not None]
            for path, pattern in _patterns(policy, spec, key):
                if not looks_like_production(_WORD_BREAKS.sub("-", pattern)) or any(
                    g.covers(pattern) for g in covering
                ):
                    continue
                problems.append(
                    Problem(
                        Severity.ERROR,
                        policy.document.line(path),
                        f"{path} '{pattern}' is named like production but places what it "
                        f"matches in {spec.name}, and no production environment's {key} "
                        "covers it: those actions are judged by looser rules; move it to a "
                        "production environment",
                    )
                )
    return problems


def dead_placement(policy: Policy) -> list[Problem]:
    """Criteria that match nothing keyturn is given: an error in a production environment
    (what it was to place there is judged elsewhere), a warning in another."""
    problems = []
    for spec in policy.document.environments:
        severity = (
            Severity.ERROR if spec.name in policy.production_environments else Severity.WARNING
        )
        for key in ("aws_accounts", "resources"):
            for path, pattern in _patterns(policy, spec, key):
                why = (
                    _account_problem(pattern)
                    if key == "aws_accounts"
                    else protected_pattern_problem(pattern)
                )
                if why is not None:
                    problems.append(
                        Problem(
                            severity,
                            policy.document.line(path),
                            f"{path} '{pattern}' {why}: it places nothing in {spec.name}",
                        )
                    )
    return problems


def _every(key: str, pattern: str) -> str | None:
    """``"every name"`` when the hint pattern matches every value (``*``; for accounts also
    twelve ``?``)."""
    wild = set(pattern) <= {"*", "?"}
    if wild and ("*" in pattern or (key == "aws_accounts" and len(pattern) == 12)):
        return "every name"
    return None


def _account_problem(pattern: str) -> str | None:
    """Why ``pattern`` matches no AWS account ID (twelve digits), or ``None``."""
    if not _ACCOUNT.match(pattern):
        return "is not an AWS account ID (12 digits, without dashes or spaces)"
    if "*" not in pattern and len(pattern) != 12:
        return f"has {len(pattern)} digits: AWS account IDs have 12 (leading zeros included)"
    return None
