"""Whether a resource pattern can match a name keyturn produces (``keyturn policy lint``).

A pattern that matches no name is silent: a ``protected`` entry that protects nothing, a
``deny`` that never denies. Each name form has its slips: a start no understanding writes,
a relative ``file:`` path, a Kubernetes kind in the plural, an ARN's resource type with the
wrong separator (:mod:`keyturn.policy.lint_arns`), ``[ab]`` read as a character class where
keyturn's globs have only ``*`` and ``?``.
"""

from __future__ import annotations

import re

from keyturn.model import Verdict
from keyturn.policy.engine import Policy
from keyturn.policy.lint_arns import arn_problem
from keyturn.policy.lint_parts import (
    Problem,
    Severity,
    file_problem,
    is_terraform_address,
    k8s_problem,
)
from keyturn.policy.loader import child_path
from keyturn.policy.matching import literal_prefix

__all__ = ["NAME_FORMS", "protected_pattern_problem", "rule_resource_problems"]

# Every resource-name form an understander produces (BRIEF §4.2 and the forms the shell, MCP,
# Terraform and CloudFormation understandings add): a protected pattern must start like one.
NAME_FORMS = (
    "arn:",
    "s3://",
    "k8s:",
    "file:/",
    "db:",
    "mcp:",
    "gs://",
    "gcp:",
    "azure:",
    "graphql:",
    "http://",
    "https://",
    "helm:",
    "git:",
    "github:",
    "terraform:",
    "cfn:",
    "env:",
    "docker:",
    "pulumi:",
    "eksctl:",
    "service:",
    "host:",
    "process:",
    "cron:",
    "firewall:",
    "vault:",
    "consul:",
    "etcd:",
    "rclone:",
    "minio:",
    "ansible:",
    "ssh:",
    "railway:",
    "fly:",
    "heroku:",
    "vercel:",
    "netlify:",
    "digitalocean:",
    "cloudflare:",
    "firebase:",
    "neon:",
    "planetscale:",
    "turso:",
    "nomad:",
    "argocd:",
    "kind:",
    "minikube:",
    "k3d:",
    "gitlab:",
    "supabase:",
    "mongodb-atlas:",
    "kafka:",
    "rabbitmq:",
    "nats:",
    "influx:",
    "grafana:",
    "sentry:",
    "sysctl:",
    "zfs:",
    "lvm:",
    "registry:",
    "task:",
)

# A shell-style character class ([ab], [0-9], [!x]); not an IPv6 host ([::1]), which has ':'.
_CHARACTER_CLASS = re.compile(r"\[!?[^\]:/]+\]")


def protected_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` can match no resource name keyturn produces, or ``None``."""
    if is_terraform_address(pattern):
        return None  # aws_instance.web[0]: the brackets are the address's own
    bracket = _CHARACTER_CLASS.search(pattern)
    if bracket:
        return (
            f"has '{bracket.group(0)}': patterns have no character classes, only * and ?, "
            "so the brackets match themselves"
        )
    prefix = literal_prefix(pattern)
    if not prefix:
        return None
    if prefix.startswith("file:"):
        return file_problem(pattern)
    if prefix.startswith("arn:") or prefix.startswith("s3://"):
        return arn_problem(pattern)
    if any(prefix.startswith(form) or form.startswith(prefix) for form in NAME_FORMS):
        return k8s_problem(pattern) if prefix.startswith("k8s:") else None
    return (
        f"matches no resource name form ({', '.join(NAME_FORMS)}, or a Terraform address type.name)"
    )


def rule_resource_problems(policy: Policy) -> list[Problem]:
    """Rule ``resource`` patterns that can match no name: the rule never applies to what it
    names. An error in a ``deny`` or ``ask`` rule (what it was to stop goes through), a warning
    in an ``allow`` rule (what it was to let through is held)."""
    problems = []
    for section in policy.document.agents:
        for rule in section.rules:
            patterns = rule.resources.patterns if rule.resources is not None else ()
            path = child_path(rule.path, "resource")
            for index, pattern in enumerate(patterns):
                problem = protected_pattern_problem(pattern)
                if problem is None:
                    continue
                # resource: [a, b] has a line per item; resource: a only the key's.
                item = child_path(path, index)
                key = item if item in policy.document.lines else path
                severity = Severity.WARNING if rule.verdict is Verdict.ALLOW else Severity.ERROR
                line = policy.document.line(key)
                problems.append(Problem(severity, line, f"{key} '{pattern}' {problem}"))
    return problems
