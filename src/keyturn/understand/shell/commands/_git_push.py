"""``git push``, for the ``git`` handler of :mod:`.git`.

Its options (:data:`PUSH`, also read to spell the command's text with ``--force`` first),
whether settings given before ``push`` may force it (:func:`settings_force`), and what it
does (:func:`push`): which remote branches it updates, replaces (forced, mirrored) or deletes,
with the ``remote.<name>.push`` refspecs and ``remote.<name>.mirror`` of the repository's
``.git/config`` and of ``-c`` standing in for what the command line does not say. Kept apart
so that :mod:`.git` stays about the subcommands as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config import (
    given_settings,
    repository_settings,
    setting_name,
)
from keyturn.understand.shell.commands._git_effects import git_effect, short_ref
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

PUSH = OptionSpec(
    valued="o",
    long={
        "force": "f",
        "delete": "d",
        "dry-run": "n",
        "set-upstream": "u",
        "quiet": "q",
        "verbose": "v",
        "push-option": "o",
        "repo": "repo",
    },
    long_valued=frozenset({"o", "repo", "receive-pack", "exec"}),
)


def settings_force(options: Sequence[str]) -> bool:
    """Whether settings given before ``push`` (``-c remote.X.push=+…``, ``-c
    remote.X.mirror=true``, or either by ``--config-env``) may force it."""
    for i, arg in enumerate(options):
        if arg == "-c" and i + 1 < len(options):
            key, equals, value = options[i + 1].partition("=")
            if _forcing_setting(key, value if equals else "true"):
                return True
        elif arg.startswith("--config-env="):
            key = arg.removeprefix("--config-env=").partition("=")[0]
            if _forcing_setting(key, None):
                return True
    return False


def _forcing_setting(key: str, value: str | None) -> bool:
    section, _, name = setting_name(key)
    if section != "remote":
        return False
    if name == "mirror":
        return value is None or value.lower() not in _FALSE
    return name == "push" and (value is None or value.lstrip().startswith("+"))


_FALSE = frozenset({"false", "no", "off", "0"})


def push(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, PUSH)
    if opts.has("n"):
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail="dry run")]
    remote = opts.operands[0] if opts.operands else opts.value("repo") or "origin"
    refspecs = list(opts.operands[1:])
    forced = opts.has("f", "force-with-lease", "force-if-includes")
    configured, mirror = _push_settings(remote, repo, cmd, ctx)
    if mirror or (not refspecs and any(r is None or r.startswith("+") for r in configured)):
        cmd = _spelled_forced(cmd)  # a push the settings force reads as one (docstring)
    if opts.has("mirror") or mirror or (opts.has("all") and forced):
        return [git_effect(EffectKind.REPLACE, f"git:{remote}/*", cmd, ctx, detail="mirror push")]
    if not refspecs and not opts.has("all", "tags"):
        refspecs = [r if r is not None else "+*" for r in configured]
    if not refspecs:
        refspecs = ["*"] if opts.has("all", "tags") else ["HEAD"]
    effects = [_push_one(spec, remote, opts, forced, cmd, ctx) for spec in refspecs]
    if opts.has("prune"):
        reason = "--prune: deletes every remote branch with no local counterpart"
        effects.append(git_effect(EffectKind.DELETE, f"git:{remote}/*", cmd, ctx, detail=reason))
    return effects


def _push_settings(
    remote: str, repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[list[str | None], bool]:
    """The ``remote.<remote>.push`` refspecs (``None``: one not known) and whether
    ``remote.<remote>.mirror`` is on, from the repository's settings and those given with
    ``-c`` (which come after, and win)."""
    refspecs: list[str | None] = []
    mirror = False
    settings: list[tuple[str, str | None]] = [*repository_settings(repo, ctx)]
    settings += given_settings(cmd, ctx)
    for key, value in settings:
        section, subsection, name = setting_name(key)
        if section != "remote" or subsection != remote:
            continue
        if name == "push":
            refspecs.append(value.strip() if value is not None else None)
        elif name == "mirror":
            mirror = value is None or value.lower() not in _FALSE
    return refspecs, mirror


def _spelled_forced(cmd: SimpleCommand) -> SimpleCommand:
    """``cmd`` whose text says ``git push --force`` (for ``command:`` rules) when it did not."""
    words = cmd.text.split(" ")
    if words[:3] == ["git", "push", "--force"]:
        return cmd
    at_push = words.index("push") + 1 if "push" in words else len(words)
    return evolve(cmd, text=" ".join([*words[:at_push], "--force", *words[at_push:]]))


def _push_one(
    spec: str, remote: str, opts: Options, forced: bool, cmd: SimpleCommand, ctx: ShellContext
) -> Effect:
    plus = spec.startswith("+")
    src, colon, dst = spec.lstrip("+").partition(":")
    branch = short_ref(dst if colon else src)
    if branch.startswith("HEAD") and colon and dst:
        branch = short_ref(dst)
    name = f"git:{remote}/{branch or 'HEAD'}"
    if opts.has("d") or (colon and not src):
        return git_effect(EffectKind.DELETE, name, cmd, ctx, detail="deletes the remote branch")
    if forced or plus:
        return git_effect(EffectKind.REPLACE, name, cmd, ctx, detail="force push: rewrites history")
    return git_effect(EffectKind.UPDATE, name, cmd, ctx)
