"""The GitHub CLI, ``gh``: effects on ``github:`` resources, in the names the GitHub MCP
server's tools use (:mod:`keyturn.understand.mcp_servers`), so one policy covers both.

Names: ``github:<owner>/<repo>`` and under it ``/pull/<n>``, ``/issues/<n>``,
``/releases/<tag>``, ``/secrets/<NAME>`` (``/environments/<env>/secrets/<NAME>``),
``/variables/<NAME>``, ``/labels/<name>``, ``/actions/runs/<id>``, ``/actions/caches/<key>``,
``/actions/workflows/<file>``; ``github:<org>/secrets/<NAME>`` for an organisation's; gists
``github:gist/<id>``; the user's keys ``github:user/ssh-keys/<id>``. The repository is
``-R``/``--repo``, else ``GH_REPO``, else the one the working directory's ``origin`` remote
points at (read from ``.git/config``), else ``github:current``; a delete of a repository that
cannot be named so is unknown, since a ``protected`` pattern could not match it. A number
not given (``gh pr merge`` on the current branch's pull request) is ``current``.

Kinds: ``list``, ``view``, ``status``, ``diff``, ``checks``, ``search`` and the like read;
``delete`` deletes; ``create``, ``fork``, ``clone`` create; the rest (``merge``, ``close``,
``edit``, ``set``, ``workflow run``...) update. ``pr merge --admin`` bypasses the branch's
protection rules: it removes protection. ``gh api`` reads or writes by its method (``GET``
unless ``-X`` says, or fields make it a ``POST``) on the REST path's resource; ``gh api
graphql`` by its document, wherever it comes from (:mod:`._forge_graphql`). Aliases,
extensions and settings that run commands (``editor``, ``pager``, ``browser``) are unknown.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.forge_names import with_lower_case
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._forge_graphql import graphql_document, graphql_meaning
from keyturn.understand.shell.commands._git_config import remote_url
from keyturn.understand.shell.effects import file_effect, file_path, local_target
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_GH = OptionSpec(
    # Only letters that take a value in every subcommand (-m, -s, -d, -r are flags of some).
    valued="RXfFHtbLqeoBlanS",
    long={
        "repo": "R",
        "method": "X",
        "field": "F",
        "raw-field": "f",
        "header": "H",
        "title": "t",
        "body": "b",
        "label": "l",
        "assignee": "a",
        "milestone": "m",
        "limit": "L",
        "jq": "q",
        "env": "e",
        "org": "o",
        "state": "s",
        "base": "B",
        "head": "H",
        "workflow": "w",
        "ref": "r",
        "name": "n",
    },
    long_valued=frozenset("RXfFHtblamLqeosBwrnS")
    | frozenset({"input", "hostname", "template", "json", "body-file", "visibility", "user"})
    | frozenset({"app", "repos", "branch", "job", "notes", "notes-file", "target", "key"}),
)
_READS = frozenset(
    {"list", "ls", "view", "status", "diff", "checks", "download", "watch", "search", "browse"}
    | {"verify", "check", "token", "get", "logs", "log", "code", "commits", "issues", "prs"}
    | {"repos", "version", "help", "completion", "info", "show", "vars", "ports"}
)
_DELETES = frozenset({"delete", "remove", "rm", "delete-asset"})
_CREATES = frozenset({"create", "new", "fork", "clone", "add", "upload", "duplicate"})
# Groups whose objects are named by the operand after the verb, and how.
_OBJECTS = {
    "pr": "pull",
    "issue": "issues",
    "release": "releases",
    "secret": "secrets",
    "variable": "variables",
    "label": "labels",
    "run": "actions/runs",
    "cache": "actions/caches",
    "workflow": "actions/workflows",
    "ruleset": "rulesets",
    "project": "projects",
}
_USER_OBJECTS = {"gist": "gist", "ssh-key": "user/ssh-keys", "gpg-key": "user/gpg-keys"}
_USER_OBJECTS |= {"codespace": "codespaces"}
# Settings whose value gh runs as a command.
_COMMAND_SETTINGS = frozenset({"editor", "pager", "browser"})
_GITHUB_URL = re.compile(r"github\.com[:/]+([\w.-]+)/([\w.-]+?)(?:\.git)?/?\Z")


@command("gh")
def gh(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """gh GROUP VERB [ARGS], as the module docstring says."""
    opts = parse_options(cmd.args, _GH)
    words = list(opts.operands)
    group, verb = [*words, "", ""][:2]
    rest = words[2:]
    repo = _repository(cmd, ctx, opts)
    call = _Call(cmd, ctx, repo)
    if group in ("", "help", "version", "status", "search", "browse", "completion", "org"):
        return [call.effect(_E.READ, [repo], "changes nothing")]
    if group == "api":
        return _api(call, opts, verb)
    if group in ("auth", "config", "alias", "extension", "ext"):
        return _local(call, group, verb, rest, opts)
    if group == "repo":
        return _repo(call, verb, rest, opts)
    if group in _OBJECTS or group in _USER_OBJECTS:
        return _object(call, group, verb, rest, opts)
    return None  # an alias or an extension: what it runs is not known


class _Call:
    """One gh invocation: the repository it works on and effects on GitHub resources."""

    def __init__(self, cmd: SimpleCommand, ctx: ShellContext, repo: str) -> None:
        self.cmd, self.ctx, self.repo = cmd, ctx, repo

    def effect(
        self,
        kind: EffectKind,
        names: list[str],
        detail: str = "",
        *,
        removes_protection: bool = False,
    ) -> Effect:
        if kind in (_E.DELETE, _E.REPLACE) and any(n.startswith("github:current") for n in names):
            kind, detail = _E.UNKNOWN, "which repository is not known (give -R OWNER/REPO)"
        return Effect(
            effect=kind,
            resource=Resource(with_lower_case(names), type="github"),
            target=local_target(self.ctx),
            service="github",
            command=self.cmd.text or None,
            operation=" ".join(a for a in self.cmd.argv[:3] if not a.startswith("-")),
            removes_protection=removes_protection,
            detail=detail,
        )


def _repository(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> str:
    given = opts.value("R") or setting(cmd, ctx.env, "GH_REPO")
    if given:
        return "github:" + given.removeprefix("https://").removeprefix("github.com/").strip("/")
    url = remote_url(ctx.cwd, ctx)
    found = _GITHUB_URL.search(url) if url else None
    return f"github:{found.group(1)}/{found.group(2)}" if found else "github:current"


def _verb_kind(verb: str) -> EffectKind:
    if verb in _READS:
        return _E.READ
    if verb in _DELETES:
        return _E.DELETE
    if verb in _CREATES:
        return _E.CREATE
    return _E.UPDATE


def _object(
    call: _Call, group: str, verb: str, rest: list[str], opts: Options
) -> list[Effect] | None:
    """``gh pr|issue|release|secret|… VERB [NAME]``."""
    if not verb:
        return None
    kind = _verb_kind(verb)
    if verb == "checkout":
        detail = "checks the pull request out into the working tree"
        return [call.effect(_E.UPDATE, ["git:local/HEAD", call.repo], detail)]
    named = rest[0] if rest and kind is not _E.CREATE else None
    if named is None and opts.has("all"):
        named = "*"
    if group in _USER_OBJECTS:
        base = f"github:{_USER_OBJECTS[group]}"
        return [call.effect(kind, [f"{base}/{named or '*'}"], f"{group} {verb}")]
    scope = call.repo
    org = opts.value("o")
    if org and group in ("secret", "variable"):
        scope = f"github:{org}"
    elif opts.value("e") and group in ("secret", "variable"):
        scope = f"{call.repo}/environments/{opts.value('e')}"
    where = f"{scope}/{_OBJECTS[group]}"
    owner = [call.repo] if scope.startswith(call.repo) else []
    if kind is _E.CREATE or (kind is _E.READ and not named):
        return [call.effect(kind, [f"{where}/*", *owner], f"{group} {verb}")]
    names = [f"{where}/{named or 'current'}", *owner]
    if group == "pr" and verb == "merge" and opts.has("admin"):
        detail = "merges with --admin: the branch's protection rules are bypassed"
        return [call.effect(kind, names, detail, removes_protection=True)]
    if group == "workflow" and verb == "run":
        return [call.effect(kind, names, "runs the workflow: it does what its file says")]
    return [call.effect(kind, names, f"{group} {verb}")]


def _repo(call: _Call, verb: str, rest: list[str], opts: Options) -> list[Effect] | None:
    """``gh repo VERB [OWNER/REPO]``."""
    if not verb:
        return None
    named = f"github:{rest[0]}" if rest and "/" in rest[0] else call.repo
    kind = _verb_kind(verb)
    if verb == "clone":
        # Into DIRECTORY, else a folder named after the repository, in the working directory.
        folder = rest[1] if len(rest) > 1 else named.rpartition("/")[2]
        path = file_path(folder, call.ctx)
        copy = file_effect(_E.CREATE, [path], call.cmd, call.ctx, detail="the clone")
        return [call.effect(_E.READ, [named], "clone: copies the repository here"), copy]
    if verb in ("create", "fork"):
        return [call.effect(_E.CREATE, [named if rest else "github:*"], f"repo {verb}")]
    if verb == "archive":
        return [call.effect(_E.UPDATE, [named], "disruptive: the repository becomes read-only")]
    if verb == "edit" and opts.value("visibility") == "public":
        return [call.effect(_E.UPDATE, [named], "makes the repository public")]
    return [call.effect(kind, [named], f"repo {verb}")]


def _api(call: _Call, opts: Options, path: str) -> list[Effect]:
    """``gh api PATH``: the method decides the kind; the REST path names the resource."""
    method = (opts.value("X") or "").upper()
    if not method:
        method = "POST" if opts.has("f", "F", "input") else "GET"
    owner_repo = call.repo.removeprefix("github:")
    path = path.strip("/").replace("{owner}/{repo}", owner_repo)
    if path == "graphql":
        kind, detail = graphql_meaning(graphql_document(call.cmd, call.ctx, opts))
        return [call.effect(kind, ["github:graphql"], detail)]
    parts = path.split("?", 1)[0].split("/")
    if parts[0] == "repos" and len(parts) >= 3:
        names = ["github:" + "/".join(parts[1:])]
    else:
        names = ["github:api/" + "/".join(parts)]
    kind = {"GET": _E.READ, "HEAD": _E.READ, "DELETE": _E.DELETE}.get(method, _E.UPDATE)
    if parts[0] == "repositories" and kind is not _E.READ:
        # A repository by its numeric id: which one is not told here.
        return [call.effect(_E.UNKNOWN, names, f"{method} /{path}: a repository by its id")]
    return [call.effect(kind, names, f"{method} /{path}")]


def _local(
    call: _Call, group: str, verb: str, rest: list[str], opts: Options
) -> list[Effect] | None:
    """auth, config, alias and extensions: gh's own settings on this machine."""
    if verb in _READS or not verb:
        return [call.effect(_E.READ, [f"github:{group}"], f"{group} {verb}".strip())]
    if group == "config" and verb == "set" and rest[:1] and rest[0] in _COMMAND_SETTINGS:
        return None  # gh runs that setting's value later
    if group in ("alias", "extension", "ext"):
        return None  # an alias (with --shell) or an extension runs what it says
    return [call.effect(_E.UPDATE, [f"github:{group}"], f"{group} {verb}")]
