"""Reviewers that are keyturn's own agents (``keyturn policy lint``).

Reviewers are humans only (BRIEF §4.1). ``reviewer-is-agent`` already catches a reviewer named
like an ``agents:`` section; the agents keyturn's hooks name themselves need no section to act,
so a reviewer ``claude-code`` is an agent whatever the file says; and a role, a service account
or a bot is a machine whatever it is called.
"""

from __future__ import annotations

import re

from keyturn.model import person_key
from keyturn.policy.engine import Policy
from keyturn.policy.lint_parts import Problem, Severity
from keyturn.policy.loader import child_path
from keyturn.policy.matching import GlobSet

__all__ = ["HOOK_AGENTS", "hook_agent_reviewers", "machine_reviewers"]

# The names ``keyturn hook AGENT`` gives the agents it reports for (integrations.hooks.AGENTS,
# which the core may not import; a test keeps the two the same).
HOOK_AGENTS = ("claude-code", "codex", "gemini", "cursor", "kiro")


def hook_agent_reviewers(policy: Policy) -> list[Problem]:
    """Reviewers who are one of :data:`HOOK_AGENTS`, unless an ``agents:`` section other than
    ``*`` names them (``reviewer-is-agent`` reports those already)."""
    agents = {person_key(a) for a in HOOK_AGENTS}
    sections = GlobSet(tuple(person_key(s.key) for s in policy.document.agents if s.key != "*"))
    problems = []
    for group, people in policy.reviewers.items():
        for index, person in enumerate(people):
            key = person_key(person)
            if key not in agents or sections.match(key):
                continue
            path = child_path(child_path("reviewers", group), index)
            problems.append(
                Problem(
                    Severity.ERROR,
                    policy.document.line(path),
                    f"{path} '{person}' is the name keyturn's hooks give an agent: an agent "
                    "must never approve",
                )
            )
    return problems


# Identities that are machines by their form: a Kubernetes service account, an IAM role or the
# session of one, a GCP service account, a GitHub App. Agents run as exactly these (Kiro ran
# with the engineer's role), so one listed as a reviewer lets an agent approve.
_MACHINE = re.compile(
    r"system:serviceaccount:|arn:aws[a-z-]*:(?:iam::[^:]*:role/|sts::[^:]*:assumed-role/)"
    r"|serviceaccount:|\.gserviceaccount\.com\Z|\[bot\]\Z",
    re.IGNORECASE,
)


def machine_reviewers(policy: Policy) -> list[Problem]:
    """Reviewers whose name is a machine identity's (a role, a service account, a bot)."""
    problems = []
    for group, people in policy.reviewers.items():
        for index, person in enumerate(people):
            if not _MACHINE.search(person.strip()):
                continue
            path = child_path(child_path("reviewers", group), index)
            problems.append(
                Problem(
                    Severity.ERROR,
                    policy.document.line(path),
                    f"{path} '{person}' is a machine identity (a role, service account or "
                    "bot), which is what agents run as: reviewers are people",
                )
            )
    return problems
