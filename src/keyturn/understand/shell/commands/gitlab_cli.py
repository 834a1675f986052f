"""The GitLab CLI, ``glab``: effects on ``gitlab:`` resources, mirroring ``gh``
(:mod:`.github_cli`).

Names: ``gitlab:<group>/<project>`` (subgroups kept: ``gitlab:acme/infra/prod``) and under it
``/merge_requests/<iid>``, ``/issues/<iid>``, ``/releases/<tag>``, ``/tags/<tag>``,
``/variables/<KEY>`` (with an environment scope also
``/environments/<scope>/variables/<KEY>``), ``/pipelines/<id>``, ``/jobs/<id>``,
``/labels/<name>``, ``/pipeline_schedules/<id>``, ``/deploy_keys/<id>``,
``/access_tokens/<id>``; a group's variables ``gitlab:<group>/variables/<KEY>``; the user's
SSH keys ``gitlab:user/keys/<id>``; snippets ``gitlab:snippets/<id>``. The project is
``-R/--repo`` (``OWNER/REPO``, ``GROUP/NAMESPACE/REPO`` or a URL), else the one glab takes
from the repository's remotes (``.git/config``; ``upstream`` before ``origin``, the other
remotes' projects named too: :mod:`._gitlab_api`), else ``gitlab:current``; a delete of a
project that cannot be named so is unknown, since a ``protected`` pattern could not match it.
A number not given (``glab mr merge`` on the current branch's) is ``current``.

Kinds come from each group's table of verbs: ``list``, ``view``, ``diff``, ``status``,
``trace`` and the like read; ``create`` creates; ``delete`` deletes; ``close``, ``merge``,
``set``, ``cancel``, ``retry``, ``run`` update (``ci run`` runs a pipeline: it does what
``.gitlab-ci.yml`` says). ``glab api`` reads or writes by its method on the resource its
REST path names, ``api graphql`` by the mutations of its document (:mod:`._gitlab_api`).
``--yes`` is noted.

Unknown on purpose: a group or verb not in the tables, aliases (they run what they say),
``config set`` of a setting glab runs (``editor``, ``browser``, ``glab_pager``),
``stack``, ``duo`` and the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._gitlab_api import GlabCall, api, path_of, projects
from keyturn.understand.shell.commands._paas_common import (
    PaasCall,
    parse_args,
    spelled,
    yes_notes,
)
from keyturn.understand.shell.effects import file_effect, file_path
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_GLAB = OptionSpec(
    valued="RXfFHtlamgvPpobsn",
    long={
        "repo": "R",
        "method": "X",
        "raw-field": "f",
        "field": "F",
        "header": "H",
        "title": "t",
        "label": "l",
        "assignee": "a",
        "milestone": "m",
        "group": "g",
        "value": "v",
        "per-page": "P",
        "page": "p",
        "output": "o",
        "target-branch": "b",
        "branch": "b",
        "source-branch": "s",
        "status": "s",
        "name": "n",
        "yes": "y",
    },
    long_valued=frozenset("RXfFHtlamgvPpobsn")
    | frozenset({"scope", "description", "hostname", "input", "notes", "notes-file", "ref"})
    | frozenset({"older-than", "source", "tag-name", "output-format", "variables", "key"})
    | frozenset({"assets-links", "milestone", "reviewer", "expires-at", "access-level"}),
    abbreviations=False,
)
_SETTINGS_RUN = frozenset({"editor", "browser", "glab_pager", "visual"})


@dataclass(frozen=True, slots=True)
class _Verbs:
    """A group's objects (the folder under the project) and its verbs by kind."""

    folder: str
    reads: frozenset[str] = frozenset()
    creates: frozenset[str] = frozenset()
    updates: frozenset[str] = frozenset()
    deletes: frozenset[str] = frozenset()

    def kind(self, verb: str) -> EffectKind | None:
        for kind, verbs in (
            (_E.READ, self.reads),
            (_E.CREATE, self.creates),
            (_E.UPDATE, self.updates),
            (_E.DELETE, self.deletes),
        ):
            if verb in verbs:
                return kind
        return None


def _w(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GROUPS: dict[str, _Verbs] = spelled(
    {
        "mr": _Verbs(
            "merge_requests",
            reads=_w("list ls view show diff issues approvers"),
            creates=_w("create new"),
            updates=_w("close reopen merge accept approve revoke unapprove rebase update note")
            | _w("subscribe unsubscribe todo"),
            deletes=_w("delete del"),
        ),
        "issue": _Verbs(
            "issues",
            reads=_w("list ls view show"),
            creates=_w("create new"),
            updates=_w("close reopen update note subscribe unsubscribe"),
            deletes=_w("delete del"),
        ),
        "incident": _Verbs(
            "issues",
            reads=_w("list ls view"),
            updates=_w("close reopen note subscribe unsubscribe"),
        ),
        "release": _Verbs(
            "releases",
            reads=_w("list ls view download"),
            creates=_w("create new"),
            updates=_w("upload"),
            deletes=_w("delete"),
        ),
        "variable|var": _Verbs(
            "variables",
            reads=_w("list ls get export"),
            updates=_w("set update"),
            deletes=_w("delete remove"),
        ),
        "label": _Verbs(
            "labels",
            reads=_w("list ls"),
            creates=_w("create new"),
            updates=_w("edit"),
            deletes=_w("delete"),
        ),
        "schedule": _Verbs(
            "pipeline_schedules",
            reads=_w("list ls"),
            creates=_w("create"),
            updates=_w("run update"),
            deletes=_w("delete"),
        ),
        "deploy-key": _Verbs(
            "deploy_keys", reads=_w("list ls get"), creates=_w("add"), deletes=_w("delete")
        ),
        "token": _Verbs(
            "access_tokens",
            reads=_w("list ls"),
            creates=_w("create"),
            updates=_w("rotate"),
            deletes=_w("revoke"),
        ),
        "ci|pipe|pipeline": _Verbs(
            "pipelines",
            reads=_w("list ls view status trace get lint artifact config"),
            updates=_w("run run-trig trigger retry cancel"),
            deletes=_w("delete"),
        ),
    }
)
_REPO = _Verbs(
    "",
    reads=_w("view list ls search contributors archive"),
    creates=_w("create new fork"),
    updates=_w("transfer mirror update edit"),
    deletes=_w("delete del"),
)
_USER = {"ssh-key": "user/keys", "snippet": "snippets"}
_USER_VERBS = _Verbs(
    "", reads=_w("list ls get view"), creates=_w("add create"), deletes=_w("delete")
)
# Objects some verbs name that are not the group's own (``ci retry`` takes a job).
_JOB_VERBS = frozenset({"retry", "trigger", "trace"})


@command("glab")
def glab(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """glab GROUP VERB [ARGS], as the module docstring says."""
    opts = parse_args(cmd.args, _GLAB)
    words = list(opts.operands)
    group, verb = [*words, "", ""][:2]
    rest = words[2:]
    repo, *others = projects(ctx, opts)
    call = GlabCall(PaasCall(cmd, ctx, "gitlab", notes=yes_notes(opts, "y")), repo, tuple(others))
    if group in ("", "help", "version", "completion", "check-update") or opts.has("version"):
        return [call.call.prints()] if not verb or group == "help" else None
    if group == "api":
        return api(call, opts, verb)
    if group in ("repo", "project"):
        return _repo(call, verb, rest)
    if group in _USER:
        return _user(call, group, verb, rest)
    if group in ("auth", "config"):
        return _local(call, group, verb, rest)
    if group in _GROUPS:
        return _object(call, opts, group, verb, rest)
    return None  # an alias, an extension or a command not understood


def _object(
    call: GlabCall, opts: Options, group: str, verb: str, rest: list[str]
) -> list[Effect] | None:
    """``glab mr|issue|release|variable|ci|… VERB [ID]``."""
    verbs = _GROUPS[group]
    call = call.named(f"glab {group} {verb}")
    if group == "mr" and verb == "checkout":
        detail = "checks the merge request out into the working tree"
        return [call.effect(_E.UPDATE, ["git:local/HEAD", call.repo], detail)]
    kind = verbs.kind(verb)
    if kind is None:
        return None
    if verbs.folder == "variables":
        return _variable(call, opts, kind, rest)
    if verbs.folder == "pipelines":
        return _pipeline(call, opts, kind, verb, rest)
    where = f"{call.repo}/{verbs.folder}"
    if kind is _E.CREATE or (kind is _E.READ and not rest and verb in ("list", "ls")):
        return [call.effect(kind, [f"{where}/*", call.repo], f"{group} {verb}")]
    named = rest[0] if rest else "current"
    names = [f"{where}/{named}", call.repo]
    if group == "release" and kind is _E.DELETE and opts.has("with-tag"):
        names.insert(1, f"{call.repo}/tags/{named}")
    return [call.effect(kind, names, f"{group} {verb}")]


def _variable(call: GlabCall, opts: Options, kind: EffectKind, rest: list[str]) -> list[Effect]:
    """``glab variable set|delete KEY [-g GROUP] [-s SCOPE]``."""
    group = opts.value("g")
    owner = f"gitlab:{group}" if group else call.repo
    key = rest[0] if rest else "*"
    names = [f"{owner}/variables/{key}"]
    scope = opts.value("scope") or opts.value("s")
    if scope and scope != "*":
        names.append(f"{owner}/environments/{scope}/variables/{key}")
    return [call.effect(kind, names, f"scope {scope}" if scope else "")]


def _pipeline(
    call: GlabCall, opts: Options, kind: EffectKind, verb: str, rest: list[str]
) -> list[Effect]:
    """``glab ci …``: pipelines, or jobs (``retry``, ``trigger``, ``trace``, ``cancel
    job``)."""
    folder = "jobs" if verb in _JOB_VERBS else "pipelines"
    if verb == "cancel" and rest[:1] in (["job"], ["pipeline"]):
        folder, rest = f"{rest[0]}s", rest[1:]
    ids = [i for word in rest for i in re.split(r"[,\s]+", word) if i]
    if verb == "delete" and (opts.has("s", "older-than", "source") or not ids):
        ids = ["*"]
    if verb == "run":
        detail = "runs a pipeline: it does what .gitlab-ci.yml says"
        return [call.effect(kind, [f"{call.repo}/pipelines/*", call.repo], detail)]
    targets = ids or (["*"] if kind is _E.READ else ["current"])
    return [call.effect(kind, [f"{call.repo}/{folder}/{i}", call.repo]) for i in targets]


def _repo(call: GlabCall, verb: str, rest: list[str]) -> list[Effect] | None:
    """``glab repo VERB [GROUP/PROJECT]``."""
    if verb == "clone":
        return _clone(call, rest)
    kind = _REPO.kind(verb)
    if kind is None:
        return None
    call = call.named(f"glab repo {verb}")
    path = path_of(rest[0]) if rest else None
    named = f"gitlab:{path}" if path else call.repo
    if kind is _E.CREATE:
        return [call.effect(kind, [named if rest else "gitlab:*"], f"repo {verb}")]
    if verb == "archive":
        return [call.effect(kind, [named], "downloads an archive of the repository")]
    if verb == "transfer":
        return [call.effect(kind, [named], "moves the project to another namespace")]
    return [call.effect(kind, [named], f"repo {verb}")]


def _clone(call: GlabCall, rest: list[str]) -> list[Effect] | None:
    path = path_of(rest[0]) if rest else None
    if path is None:
        return None
    ctx, cmd = call.call.ctx, call.call.cmd
    folder = rest[1] if len(rest) > 1 else path.rpartition("/")[2]
    copy = file_effect(_E.CREATE, [file_path(folder, ctx)], cmd, ctx, detail="the clone")
    return [call.effect(_E.READ, [f"gitlab:{path}"], "clone: copies the repository here"), copy]


def _user(call: GlabCall, group: str, verb: str, rest: list[str]) -> list[Effect] | None:
    kind = _USER_VERBS.kind(verb)
    if kind is None:
        return None
    named = rest[0] if rest and kind is not _E.CREATE else "*"
    return [call.effect(kind, [f"gitlab:{_USER[group]}/{named}"], f"{group} {verb}")]


def _local(call: GlabCall, group: str, verb: str, rest: list[str]) -> list[Effect] | None:
    """``auth`` and ``config``: glab's own settings on this machine."""
    if verb in ("status", "get", ""):
        return [call.effect(_E.READ, [f"gitlab:{group}"], f"{group} {verb}".strip())]
    if group == "config" and verb == "set" and rest[:1] and rest[0] in _SETTINGS_RUN:
        return None  # glab runs that setting's value later
    if verb in ("login", "logout", "set"):
        return [call.effect(_E.UPDATE, [f"gitlab:{group}"], f"{group} {verb}")]
    return None
