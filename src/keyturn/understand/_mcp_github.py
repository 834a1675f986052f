"""Built-in meanings of the GitHub server's tools (``github/github-mcp-server``
``pkg/github/__toolsnaps__/*.snap``, ``README.md``; and the archived npm
``@modelcontextprotocol/server-github``, which spells ``pull_number`` where the Go server spells
``pullNumber``).

A tool acts on ``github:<owner>/<repo>`` and what under it its arguments name
(``…/main.tf``, ``…/pull/7``, ``…/branch/dev``, ``…/issues/12``). Three things make a call mean
more than its name says:

- Renamed tools stay callable by their old names, and the new tool runs with the arguments given
  (``pkg/github/deprecated_tool_aliases.go``): ``update_project_item`` and
  ``create_project_status_update`` are ``projects_write``, whose ``method`` may be
  ``delete_project_item``. A ``method`` that deletes or removes makes any tool a delete; a
  ``method`` that is not text makes it unknown.
- A delete that names no repository (``delete_project_item``: ``owner``, ``project_number``;
  ``delete_org_package``: ``org``, ``package_name``) deletes something the owner has:
  ``github:<owner>/*`` (``github:*/*`` when no owner is told), so that ``protected`` patterns
  under the owner still see it.
- ``fork_repository``'s ``owner``/``repo`` are the source; the fork is created in
  ``organization`` (or the caller's own account: ``*``).

The consolidated ``issue_write`` and ``label_write`` mean what their ``method`` does. The other
consolidated writers (``actions_run_trigger``, ``projects_write``, ``sub_issue_write``,
``pull_request_review_write``...) and tools not listed are ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

X = EffectKind.UNKNOWN
_DELETING_WORDS = ("delete", "remove")


def _owner(call: McpCall) -> str | None:
    """The account the call acts in: ``owner``, or ``organization`` (``create_repository``,
    ``fork_repository``), or ``org`` (the package and team tools)."""
    return call.text_arg("owner", "organization", "org")


def _by_method_word(call: McpCall, kind: EffectKind) -> tuple[EffectKind, str]:
    """A ``method`` argument picks what a consolidated tool does, whatever name it is called by."""
    method = call.arg("method")
    if method is None:
        return kind, ""
    if not isinstance(method, str):
        return X, "argument 'method' is not text"
    if any(w in method.lower() for w in _DELETING_WORDS):
        return D, f"method {method!r} deletes"
    return kind, ""


def _on_github(kind: EffectKind, *suffix: str) -> Handler:
    """A GitHub tool on ``github:<owner>/<repo>[/<suffix>]``; ``suffix`` parts are literal text
    or ``{argument}`` (``{a|b}``: the first of two spellings given)."""

    def handle(call: McpCall) -> BuiltinEffects:
        judged, why = _by_method_word(call, kind)
        if judged is X:
            return own_effects(call.unknown(why))
        owner, repo = _owner(call) or "*", call.text_arg("repo", "name")
        if repo is None:
            if judged is not D:
                return own_effects(
                    call.effect(judged, service="github", detail="repository not named")
                )
            owner = owner.lower()
            what = "; ".join(x for x in (why, f"repository not named: anything {owner} has") if x)
            return own_effects(
                call.effect(D, [f"github:{owner}/*"], type_="github", service="github", detail=what)
            )
        # Owner and repository are case-insensitive on GitHub: named as protections spell them.
        owner, repo = owner.lower(), repo.lower()
        names = [f"github:{owner}/{repo}"]
        parts = [_github_part(call, p) for p in suffix]
        if suffix and all(parts):
            names.insert(0, f"github:{owner}/{repo}/" + "/".join(p for p in parts if p))
        return own_effects(call.effect(judged, names, type_="github", service="github", detail=why))

    return handle


def _github_part(call: McpCall, part: str) -> str | None:
    if not part.startswith("{"):
        return part
    for key in part.strip("{}").split("|"):
        value = call.arg(key)
        if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
            continue
        return str(value).strip("/")
    return None


def _push_files(call: McpCall) -> BuiltinEffects:
    owner, repo = (call.text_arg("owner") or "*").lower(), call.text_arg("repo")
    files = call.arg("files")
    if repo is None or not isinstance(files, list) or not files:
        return missing_argument(call, U, "repo", "files")
    effects = []
    for entry in files:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path:
            effects.append(call.unknown("push_files: a file entry has no path"))
            continue
        names = [
            f"github:{owner}/{repo.lower()}/{path.strip('/')}",
            f"github:{owner}/{repo.lower()}",
        ]
        effects.append(call.effect(U, names, type_="github", service="github"))
    return own_effects(*effects)


def _fork(call: McpCall) -> BuiltinEffects:
    """``fork_repository``: reads ``owner``/``repo``, creates ``<organization>/<repo>``."""
    repo = call.text_arg("repo")
    if repo is None:
        return missing_argument(call, C, "repo")
    repo = repo.lower()
    source = f"github:{(call.text_arg('owner') or '*').lower()}/{repo}"
    fork = f"github:{(call.text_arg('organization') or '*').lower()}/{repo}"
    return own_effects(
        call.effect(C, [fork], type_="github", service="github", detail=f"fork of {source}"),
        call.effect(R, [source], type_="github", service="github"),
    )


def _by_method(handlers: Mapping[str, Handler]) -> Handler:
    """A consolidated tool whose ``method`` argument picks one of ``handlers``."""

    def handle(call: McpCall) -> BuiltinEffects:
        method = call.arg("method")
        handler = handlers.get(method) if isinstance(method, str) else None
        if handler is not None:
            return handler(call)
        if call.probe:
            return own_effects(call.effect(U, service="github", detail="any method"))
        return own_effects(call.unknown(f"method {method!r} of {call.tool} not known"))

    return handle


GITHUB = ServerFamily(
    "github",
    ("github", "*github*"),
    {
        "delete_file": _on_github(D, "{path}"),
        "create_or_update_file": _on_github(U, "{path}"),
        "push_files": _push_files,
        "delete_repository": _on_github(D),
        "create_repository": _on_github(C),
        "fork_repository": _fork,
        "merge_pull_request": _on_github(U, "pull", "{pullNumber|pull_number}"),
        "create_pull_request": _on_github(C, "pull"),
        "update_pull_request": _on_github(U, "pull", "{pullNumber|pull_number}"),
        "create_branch": _on_github(C, "branch", "{branch}"),
        "delete_branch": _on_github(D, "branch", "{branch}"),
        "create_issue": _on_github(C, "issues"),
        "update_issue": _on_github(U, "issues", "{issue_number}"),
        "add_issue_comment": _on_github(C, "issues", "{issue_number}"),
        "issue_write": _by_method(
            {
                "create": _on_github(C, "issues"),
                "update": _on_github(U, "issues", "{issue_number}"),
            }
        ),
        "label_write": _by_method(
            {
                "create": _on_github(C, "labels", "{name}"),
                "update": _on_github(U, "labels", "{name}"),
                "delete": _on_github(D, "labels", "{name}"),
            }
        ),
        "delete_release": _on_github(D, "releases"),
        "delete_*": _on_github(D),
        "create_*": _on_github(C),
        "update_*": _on_github(U),
        "get_*": _on_github(R),
        "list_*": _on_github(R),
        "search_*": on_tool(R, "github"),
    },
)
