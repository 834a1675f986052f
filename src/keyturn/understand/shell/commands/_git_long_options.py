"""git's long options by subcommand, to spell out abbreviated ones (:func:`expand_abbreviations`).

git takes any unambiguous prefix of a long option (``git push --mirr`` is ``--mirror``): the
``git`` handler of :mod:`.git` spells each one out before reading a subcommand's options, so
that an abbreviation is judged as the option it stands for. The table is long and changes only
with git, so it is kept apart from the handler and from :mod:`._git_config`.
"""

from __future__ import annotations

# The long options of the subcommands whose options keyturn reads, as git 2.39 lists them
# (``git SUB --git-completion-helper-all``). git's option parser takes any unambiguous prefix
# of a long option (``git push --mirr``, ``git clean --forc``) and ``--no-`` before any of
# them: :func:`expand_abbreviations` spells them out before anything reads them. The global
# options before the subcommand are exact (git.c compares them whole), as are ``log``'s and
# ``diff``'s (they take no abbreviation).
_LONG_OPTIONS_TEXT = {
    "push": (
        "all atomic delete dry-run exec follow-tags force force-if-includes "
        "force-with-lease ipv4 ipv6 mirror porcelain progress prune push-option quiet "
        "receive-pack recurse-submodules repo set-upstream signed tags thin verbose "
        "verify"
    ),
    "fetch": (
        "all append atomic auto-gc auto-maintenance deepen depth dry-run filter force "
        "ipv4 ipv6 jobs keep multiple negotiate-only negotiation-tip prefetch progress "
        "prune prune-tags quiet recurse-submodules recurse-submodules-default refetch "
        "refmap server-option set-upstream shallow-exclude shallow-since "
        "show-forced-updates stdin submodule-prefix tags unshallow update-head-ok "
        "update-shallow upload-pack verbose write-commit-graph write-fetch-head"
    ),
    "pull": (
        "all allow-unrelated-histories append autostash cleanup commit deepen depth "
        "dry-run edit ff ff-only force gpg-sign ipv4 ipv6 jobs keep log negotiation-tip "
        "progress prune quiet rebase recurse-submodules refmap server-option set-upstream "
        "shallow-exclude shallow-since show-forced-updates signoff squash stat strategy "
        "strategy-option summary tags unshallow update-shallow upload-pack verbose verify "
        "verify-signatures"
    ),
    # Every ``git remote`` subcommand's together (``add --mirr=push`` is ``--mirror=push``).
    "remote": "add delete dry-run fetch master mirror prune push tags track verbose",
    "clone": (
        "also-filter-submodules bare branch bundle-uri checkout config depth dissociate "
        "filter hardlinks ipv4 ipv6 jobs local mirror naked origin progress quiet "
        "recurse-submodules recursive reference reference-if-able reject-shallow "
        "remote-submodules separate-git-dir server-option shallow-exclude shallow-since "
        "shallow-submodules shared single-branch sparse tags template upload-pack verbose"
    ),
    "init": "bare initial-branch object-format quiet separate-git-dir shared template",
    "rebase": (
        "abort allow-empty-message apply autosquash autostash "
        "committer-date-is-author-date continue edit-todo empty exec ff force-rebase "
        "fork-point gpg-sign ignore-date ignore-whitespace interactive keep-base "
        "keep-empty merge onto preserve-merges quiet quit reapply-cherry-picks "
        "rebase-merges rerere-autoupdate reschedule-failed-exec reset-author-date root "
        "show-current-patch signoff skip stat strategy strategy-option update-refs "
        "verbose verify whitespace"
    ),
    "commit": (
        "ahead-behind all allow-empty allow-empty-message amend author branch cleanup "
        "date dry-run edit file fixup gpg-sign include interactive long message null only "
        "patch pathspec-file-nul pathspec-from-file porcelain post-rewrite quiet "
        "reedit-message reset-author reuse-message short signoff squash status template "
        "trailer untracked-files verbose verify"
    ),
    "merge": (
        "abort allow-unrelated-histories autostash cleanup commit continue edit ff "
        "ff-only file gpg-sign into-name log message overwrite-ignore progress quiet quit "
        "rerere-autoupdate signoff squash stat strategy strategy-option summary verbose "
        "verify verify-signatures"
    ),
    "branch": (
        "abbrev all color column contains copy create-reflog delete edit-description "
        "force format ignore-case list merged move points-at quiet recurse-submodules "
        "remotes set-upstream set-upstream-to show-current sort track unset-upstream "
        "verbose with without"
    ),
    "tag": (
        "annotate cleanup color column contains create-reflog delete edit file force "
        "format ignore-case list local-user merged message points-at sign sort verify "
        "with without"
    ),
    "clean": "dry-run exclude force interactive quiet",
    "rm": ("cached dry-run force ignore-unmatch pathspec-file-nul pathspec-from-file quiet sparse"),
    "restore": (
        "conflict ignore-skip-worktree-bits ignore-unmerged merge ours overlay patch "
        "pathspec-file-nul pathspec-from-file progress quiet recurse-submodules source "
        "staged theirs worktree"
    ),
    "checkout": (
        "conflict detach force guess ignore-other-worktrees ignore-skip-worktree-bits "
        "merge orphan ours overlay overwrite-ignore patch pathspec-file-nul "
        "pathspec-from-file progress quiet recurse-submodules theirs track"
    ),
    "switch": (
        "conflict create detach discard-changes force force-create guess "
        "ignore-other-worktrees merge orphan overwrite-ignore progress quiet "
        "recurse-submodules track"
    ),
    "reset": (
        "hard intent-to-add keep merge mixed patch pathspec-file-nul pathspec-from-file "
        "quiet recurse-submodules refresh soft"
    ),
    "gc": "aggressive auto cruft force keep-largest-pack prune quiet",
    "replace": "convert-graft-file delete edit force format graft list raw",
    "prune": "dry-run exclude-promisor-objects expire progress verbose",
    "grep": (
        "after-context all-match and basic-regexp before-context break cached color "
        "column context count exclude-standard ext-grep extended-regexp "
        "files-with-matches files-without-match fixed-strings full-name function-context "
        "heading ignore-case index invert-match line-number max-count max-depth name-only "
        "not null only-matching open-files-in-pager or perl-regexp quiet "
        "recurse-submodules recursive show-function text textconv threads untracked "
        "word-regexp"
    ),
    "archive": "exec output remote",
    "difftool": "dir-diff extcmd gui index prompt symlinks tool tool-help trust-exit-code",
    "config": (
        "add blob bool bool-or-int bool-or-str default edit expiry-date file fixed-value "
        "get get-all get-color get-colorbool get-regexp get-urlmatch global includes int "
        "list local name-only null path remove-section rename-section replace-all "
        "show-origin show-scope system type unset unset-all worktree"
    ),
    "cherry-pick": (
        "abort allow-empty allow-empty-message cleanup commit continue edit ff gpg-sign "
        "keep-redundant-commits mainline quit rerere-autoupdate signoff skip strategy "
        "strategy-option"
    ),
    "revert": (
        "abort cleanup commit continue edit gpg-sign mainline quit reference "
        "rerere-autoupdate signoff skip strategy strategy-option"
    ),
}
_LONG_OPTIONS: dict[str, tuple[str, ...]] = {}


def _long_options(sub: str) -> tuple[str, ...]:
    found = _LONG_OPTIONS.get(sub)
    if found is None and sub in _LONG_OPTIONS_TEXT:
        names = _LONG_OPTIONS_TEXT[sub].split()
        found = _LONG_OPTIONS[sub] = (*names, *(f"no-{n}" for n in names))
    return found or ()


def expand_abbreviations(sub: str, args: list[str]) -> list[str]:
    """``args`` of ``git SUB`` with each abbreviated long option spelled out (``--mirr`` ->
    ``--mirror``, ``--delet=x`` -> ``--delete=x``), word for word (indexes are kept); an
    ambiguous or unknown one is left as written (git refuses it)."""
    names = _long_options(sub)
    if not names:
        return args
    out = list(args)
    for i, word in enumerate(args):
        if word == "--":
            break
        if not word.startswith("--") or len(word) < 3:
            continue
        name, equals, value = word[2:].partition("=")
        if name in names:
            continue
        found = {n for n in names if n.startswith(name)}
        if len(found) == 1:
            out[i] = f"--{found.pop()}{equals}{value}"
    return out
