"""``git fetch``, ``git pull`` and ``git remote update``: the local refs a fetch writes, for
:mod:`.git`.

A fetch reads, unless a refspec's destination is a local ref: an update of
``git:local/<branch>``, a replace when forced (``+``, ``-f``); ``--prune`` (or
``fetch.prune``/``remote.<name>.prune``) with a wildcard destination deletes the local branches
the remote does not have. The refspecs are those of the command line, else the remote's
``remote.<name>.fetch`` (a mirror clone's ``+refs/*:refs/*`` writes every local branch). The refs
named on the command line are also written where the refmap maps them -- ``--refmap``, else the
remote's ``remote.<name>.fetch`` (git's "opportunistic" update: ``git fetch origin main`` with
``fetch = +refs/heads/*:refs/heads/*`` force-updates the local ``main``); ``--refmap=`` turns
that off.

``git pull`` hands its remote and refspecs to fetch (``git pull origin +side:main`` rewrites the
local ``main`` before it merges anything), then merges or rebases the branch checked out:
what it fetched is not read, so that is judged as a merge of a commit not read
(:mod:`._git_pull`). Its own options are read by :data:`PULL`, so that
``-s``/``-X`` take their value and ``--rebase`` takes one only after ``=``.
``git remote update`` fetches every remote with its own refspecs (``-p``: pruning).
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config import given_settings
from keyturn.understand.shell.commands._git_effects import git_effect, short_ref
from keyturn.understand.shell.commands._git_pull import pull_writes
from keyturn.understand.shell.commands._git_repository import GitSettings, git_settings, is_on
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_FETCH_VALUED = frozenset(
    {"o", "j", "depth", "deepen", "shallow-since", "shallow-exclude", "refmap"}
    | {"upload-pack", "negotiation-tip", "filter", "recurse-submodules-default"}
    | {"submodule-prefix"}
)
FETCH = OptionSpec(
    valued="oj",
    long={
        "force": "f",
        "prune": "p",
        "prune-tags": "P",
        "tags": "t",
        "update-head-ok": "u",
        "multiple": "m",
        "no-tags": "n",
        "jobs": "j",
        "server-option": "o",
    },
    long_valued=_FETCH_VALUED,
)
# ``git pull -h`` (2.39): -s/-X/-o take the next word; -r/--rebase, -S, -j and --log take a
# value only attached (``--rebase=merges``), so the word after them is the remote.
PULL = OptionSpec(
    valued="sXo",
    long={
        "force": "f",
        "prune": "p",
        "tags": "t",
        "rebase": "r",
        "strategy": "s",
        "strategy-option": "X",
        "server-option": "o",
        "append": "a",
        "quiet": "q",
        "verbose": "v",
        "keep": "k",
    },
    long_valued=(_FETCH_VALUED - {"j", "filter", "submodule-prefix"}) | {"s", "X", "cleanup"},
)
# Where a refspec naming a ref without ``refs/`` is looked for (git's ref_rev_parse_rules).
_SHORT_REF_PLACES = ("refs/{}", "refs/tags/{}", "refs/heads/{}", "refs/remotes/{}")


def fetch(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git fetch``: a read, and the local refs it writes (module docstring)."""
    opts = parse_options(args, FETCH)
    effects = [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx)]
    if opts.has("dry-run"):
        return effects
    return effects + fetched(opts, repo, cmd, ctx, several=opts.has("all", "m"))


def pull(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git pull``: what its fetch writes, then the merge into the branch checked out."""
    opts = parse_options(args, PULL)
    if opts.has("dry-run"):
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail="dry run")]
    writes = fetched(opts, repo, cmd, ctx, several=opts.has("all"))
    return [*writes, *pull_writes(opts, args, repo, cmd, ctx)]


def remote_update(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git remote update [-p] [group | remote]...``: ``git fetch --multiple`` of them; every
    remote's own refspecs are taken (a group's members are not looked up)."""
    prune = ("-p",) if {"-p", "--prune"} & set(args) else ()
    opts = parse_options(["--multiple", *prune], FETCH)
    return fetched(opts, repo, cmd, ctx, several=True)


def fetched(
    opts: Options, repo: str, cmd: SimpleCommand, ctx: ShellContext, *, several: bool
) -> list[Effect]:
    """The local refs a fetch with ``opts`` writes (``several``: from more than one remote,
    each with its own refspecs)."""
    settings = git_settings(repo, cmd, ctx, given=given_settings(cmd, ctx))
    remote = None if several or not opts.operands else opts.operands[0]
    given = [] if several else _tag_refspecs(list(opts.operands[1:]))
    effects: list[Effect] = []
    configured = [
        v or "+refs/*:refs/*" for v in settings.values("remote", "fetch", subsection=remote)
    ]
    if settings.unknown is not None:
        reason = f"{settings.unknown}: what this fetch writes is not known"
        effects.append(unknown_effect(cmd, reason, ctx))
    refspecs = given or configured
    if given:
        # The refs named are also written where the refmap maps them.
        refmap = opts.values.get("refmap")
        maps = [m for m in refmap if m] if refmap is not None else configured
        refspecs += [m for spec in given for m in _mapped(spec, maps)]
    if opts.has("t"):
        refspecs.append("refs/tags/*:refs/tags/*")
    prune = opts.has("p") or (not opts.has("no-prune") and _prunes(settings, remote))
    if prune and (opts.has("P") or _prunes(settings, remote, name="prunetags")):
        refspecs.append("refs/tags/*:refs/tags/*")
    for spec in dict.fromkeys(refspecs):
        effects += fetched_into(spec, forced=opts.has("f"), prune=prune, cmd=cmd, ctx=ctx)
    return effects


def _mapped(spec: str, refmap: Sequence[str]) -> list[str]:
    """Refspecs for where ``refmap`` puts the ref ``spec`` fetches (``main`` under ``+refs/
    heads/*:refs/heads/*`` is ``+refs/heads/main:refs/heads/main``); a glob not resolved
    here stays a glob."""
    source = spec.lstrip("+").partition(":")[0]
    if not source or source.startswith("^"):
        return []
    places = [source] if source.startswith("refs/") or source == "HEAD" else []
    places = places or [p.format(source) for p in _SHORT_REF_PLACES]
    out: list[str] = []
    for entry in refmap:
        if entry.startswith("^"):
            continue
        plus = "+" if entry.startswith("+") else ""
        src, colon, dst = entry.lstrip("+").partition(":")
        if not colon or not dst:
            continue
        for place in places:
            if "*" not in src:
                if place == src:
                    out.append(f"{plus}{place}:{dst}")
                continue
            head, _, tail = src.partition("*")
            if place.startswith(head) and place.endswith(tail) and len(place) >= len(head + tail):
                middle = place[len(head) : len(place) - len(tail)]
                out.append(f"{plus}{place}:{dst.replace('*', middle, 1)}")
    return out


def _tag_refspecs(operands: list[str]) -> list[str]:
    """``tag v1`` among fetch's refspecs is ``refs/tags/v1:refs/tags/v1``."""
    out: list[str] = []
    i = 0
    while i < len(operands):
        if operands[i] == "tag" and i + 1 < len(operands):
            out.append(f"refs/tags/{operands[i + 1]}:refs/tags/{operands[i + 1]}")
            i += 2
            continue
        out.append(operands[i])
        i += 1
    return out


def _prunes(settings: GitSettings, remote: str | None, *, name: str = "prune") -> bool:
    """Whether ``fetch.<name>`` or ``remote.<remote>.<name>`` (any remote's when none is
    named) turns pruning on."""
    own = settings.values("remote", name, subsection=remote)
    chosen = (
        own[-1:] if remote is not None and own else [*own, *settings.values("fetch", name)[-1:]]
    )
    return any(is_on(v) for v in chosen)


def fetched_into(
    spec: str, *, forced: bool, prune: bool, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """What fetching ``spec`` writes: its destination when it is a local ref (git's
    ``get_local_ref``: ``refs/…`` as it is, ``heads/``/``tags/``/``remotes/`` under ``refs/``,
    any other name a branch); remote-tracking refs and ``FETCH_HEAD`` are a fetch's own."""
    if spec.startswith("^"):
        return []
    plus = spec.startswith("+")
    _, colon, dst = spec.lstrip("+").partition(":")
    if not colon or not dst or dst.startswith(("refs/remotes/", "remotes/")):
        return []
    local = short_ref(dst) if dst.startswith("refs/") else dst.removeprefix("heads/")
    name = f"git:local/{local}"
    if plus or forced:
        effects = [
            git_effect(EffectKind.REPLACE, name, cmd, ctx, detail="fetch force-updates a local ref")
        ]
    else:
        effects = [
            git_effect(EffectKind.UPDATE, name, cmd, ctx, detail="fetch updates a local ref")
        ]
    if prune and "*" in local:
        detail = "fetch --prune deletes the local refs the remote does not have"
        effects.append(git_effect(EffectKind.DELETE, name, cmd, ctx, detail=detail))
    return effects
