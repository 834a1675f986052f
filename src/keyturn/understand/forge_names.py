"""GitHub and GitLab names as the services read them: owner and project without regard to case.

GitHub resolves ``owner/repo`` whatever its case, and GitLab finds a project (or group) by its
full path case-insensitively too, so ``gh repo delete ACME/Prod`` deletes ``acme/prod``. A
``protected`` pattern is written in one spelling (lower-case, as the services show them): each
``github:``/``gitlab:`` name whose owner or project path is spelled otherwise is given beside
its spelling with that path lower-cased, so that the pattern holds against any other. What
follows the path keeps its case (a CI variable's key is case-sensitive), and so does the
spelling given (a pattern naming it exactly still matches).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["with_lower_case"]

# The first segment of what lies under a GitLab group or project: the path ends before it.
_GITLAB_UNDER = frozenset({
    "-", "access_tokens", "branches", "deploy_keys", "deploy_tokens", "environments", "hooks",
    "issues", "jobs", "keys", "labels", "members", "merge_requests", "packages", "pipelines",
    "pipeline_schedules", "protected_branches", "protected_tags", "registry", "releases",
    "repository", "runners", "schedules", "secure_files", "snippets", "tags", "variables",
    "wikis",
})  # fmt: skip


def with_lower_case(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` (duplicates dropped), each forge name followed by its spelling with the owner
    and project path lower-cased, when that differs."""
    found: list[str] = []
    for name in names:
        found.append(name)
        found.append(_lower_path(name))
    return tuple(dict.fromkeys(found))


def _lower_path(name: str) -> str:
    forge, colon, rest = name.partition(":")
    if not colon or forge not in ("github", "gitlab") or rest.startswith("api/"):
        return name
    parts = rest.split("/")
    if forge == "github":
        ends = 2  # owner/repo
    else:
        ends = next((i for i, p in enumerate(parts) if p in _GITLAB_UNDER), len(parts))
    return f"{forge}:" + "/".join([*(p.lower() for p in parts[:ends]), *parts[ends:]])
