"""The parts of ``keyturn policy lint`` that find nothing themselves: the finding type (and the
problem a check finds before lint gives it its code), how a ``file:`` or ``k8s:`` pattern can
miss every name, and when one rule matches all another does. The findings and their codes are in
:mod:`keyturn.policy.lint`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from keyturn.policy.matching import is_literal, literal_prefix
from keyturn.policy.schema import Rule


class Severity(StrEnum):
    """How bad a finding is: errors fail ``lint`` (exit 1), warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding."""

    severity: Severity
    code: str
    source: str
    line: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "file": self.source,
            "line": self.line,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.severity.value} {self.code}: {self.message}"


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check of a ``lint_*`` module found: a finding without its code. Every code is
    named in :mod:`keyturn.policy.lint`, which turns problems into findings, so that the codes
    users and CI key on are listed in one place."""

    severity: Severity
    line: int
    message: str


_WINDOWS_FILE = re.compile(r"file:[A-Za-z](?::(?:/.*)?)?\Z", re.DOTALL)
_FILE_ROOT = re.compile(r"file:(?:[A-Za-z]:)?/\Z")
_TERRAFORM_ADDRESS = re.compile(
    r"(?:module\.[\w-]+(?:\[[^\]]+\])?\.)*(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*"
    r"(?:\[[^\]]+\])?\Z"
)


def is_terraform_address(pattern: str) -> bool:
    """Whether ``pattern`` (its wildcards read as letters) is spelled like a Terraform address."""
    return _TERRAFORM_ADDRESS.match(pattern.replace("*", "x").replace("?", "x")) is not None


def file_problem(pattern: str) -> str | None:
    """Why the ``file:`` ``pattern`` names no file, or ``None``."""
    prefix = literal_prefix(pattern)
    if not prefix.startswith("file:/"):
        if _WINDOWS_FILE.match(prefix):
            return None
        return "is not an absolute path: file names are file:/absolute/path"
    if pattern.endswith("/") and not _FILE_ROOT.match(pattern):
        # rmdir, mv and rm of the directory name it without the slash.
        return (
            "ends with '/': file names have none (file:/srv/data is the directory, "
            "file:/srv/data/* what is in it)"
        )
    return None


def k8s_problem(pattern: str) -> str | None:
    """Why the ``k8s:`` ``pattern`` names no object: a kind or namespace not spelled as names
    spell them (lower-case, singular), or ``None``."""
    parts = pattern[4:].split("/")
    try:
        from keyturn.understand.k8s_kinds import is_cluster_scoped, normalize_kind
    except ImportError:  # pragma: no cover - the kind table ships with the understanders
        return None
    misplaced = _misplaced_kind(parts)
    if misplaced is not None:
        return misplaced
    if len(parts) == 2 and parts[1] == "*" and not is_cluster_scoped(parts[0]):
        # k8s:payments/* -- everything in a namespace, not a kind (payments is no kind).
        namespace, kind = parts[0], None
    else:
        kind = parts[0] if len(parts) == 2 else parts[1] if len(parts) == 3 else None
        if kind is None or not is_literal(kind):
            return None
        namespace = parts[0] if len(parts) == 3 else parts[1] if kind == "namespace" else ""
    # Namespaces are DNS labels: lower-case, so one spelled otherwise names none.
    if namespace != namespace.lower():
        return f"has namespace '{namespace}': namespace names are lower-case"
    if kind is None:
        return None
    if kind != kind.lower():
        return f"has kind '{kind}': kinds in names are lower-case and singular"
    normal = normalize_kind(kind)
    if normal != kind:
        return f"has kind '{kind}': kinds in names are singular (did you mean '{normal}'?)"
    return None


def _misplaced_kind(parts: list[str]) -> str | None:
    """A kind written where the namespace or the name goes (``k8s:deployment/payments/api``,
    ``k8s:payments/namespace``), with the name meant; checked first, as the singular-kind
    advice would read the misplaced word as a kind ("did you mean 'payment'?")."""
    from keyturn.understand.k8s_kinds import is_cluster_scoped

    if len(parts) == 3 and _is_kind(parts[0], namespaced=True) and not _is_kind(parts[1]):
        kind, where = parts[0], "the namespace goes: names are k8s:NAMESPACE/KIND/NAME"
        meant = f"k8s:{parts[1]}/{parts[0]}/{parts[2]}"
    elif (
        len(parts) == 2
        and is_literal(parts[0])
        and not _is_kind(parts[0])
        and is_cluster_scoped(parts[1])
    ):
        kind, where = parts[1], "the name goes: cluster-wide names are k8s:KIND/NAME"
        meant = f"k8s:{parts[1]}/{parts[0]}"
    else:
        return None
    return f"has kind '{kind}' where {where} (did you mean '{meant}'?)"


def _is_kind(word: str, *, namespaced: bool = False) -> bool:
    """Whether ``word`` is a kind kubectl has a short name for (``deployment``, ``pod``...) or a
    cluster-scoped one (only the former when ``namespaced``): a namespace or object called so
    is far less likely than a kind written in the wrong place."""
    from keyturn.understand.k8s_kinds import is_cluster_scoped, is_common_kind, normalize_kind

    if is_cluster_scoped(word):
        return not namespaced
    return is_common_kind(normalize_kind(word))


def covers(broad: Rule, narrow: Rule) -> bool:
    """Whether every effect ``narrow`` can match is also matched by ``broad`` (conservative)."""
    if not broad.applies_to_effects >= narrow.applies_to_effects:
        return False
    for mine, theirs in ((broad.environments, narrow.environments), (broad.kinds, narrow.kinds)):
        if mine is not None and (theirs is None or not theirs <= mine):
            return False
    pairs = (
        (broad.resources, narrow.resources),
        (broad.services, narrow.services),
        (broad.commands, narrow.commands),
        (broad.tools, narrow.tools),
    )
    for mine_globs, their_globs in pairs:
        if mine_globs is None:
            continue
        if their_globs is None or not all(mine_globs.covers(p) for p in their_globs.patterns):
            return False
    return True
