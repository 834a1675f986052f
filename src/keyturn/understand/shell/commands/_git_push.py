"""``git push``: refspecs that move refs to another repository, for :mod:`.git`.

``push``: its options (:data:`PUSH`, also read to spell the command's text with ``--force``
first: :func:`canonical`), whether settings given before ``push`` may force it
(:func:`settings_force`), and what it does (:func:`push`): which remote branches it updates,
replaces (forced, mirrored) or deletes. The ``remote.<name>.push`` refspecs,
``remote.<name>.mirror`` and ``push.default`` of the settings git reads
(:mod:`._git_repository`: the repository it uses, the user's and system's files, ``-c``) stand
in for what the command line does not say; ``HEAD``, ``@`` and a bare push are the branch
checked out (also named ``git:<remote>/HEAD``), or any branch when that is not known; ``:`` is
a push of every branch of the same name. Settings not known (written earlier on the line:
``git config remote.origin.mirror true``, ``git remote add --mirror=push``) make the push
unknown, its text says ``--force``, and it may be a mirror push: a ``replace`` of every branch
of the remote. Fetching is :mod:`._git_fetch`.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config import given_settings
from keyturn.understand.shell.commands._git_effects import git_effect, short_ref
from keyturn.understand.shell.commands._git_long_options import expand_abbreviations
from keyturn.understand.shell.commands._git_repository import (
    GLOBAL_VALUED,
    GitSettings,
    checked_out,
    git_settings,
    is_on,
    setting_name,
)
from keyturn.understand.shell.effects import unknown_effect
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


def canonical(argv: Sequence[str]) -> tuple[str, ...]:
    """``git -C x push origin main -f`` -> ``git push --force origin main -C x``."""
    args = list(argv[1:])
    sub_at = 0
    while sub_at < len(args) and args[sub_at].startswith("-"):
        sub_at += 2 if args[sub_at] in GLOBAL_VALUED else 1
    if sub_at >= len(args) or args[sub_at] != "push":
        return tuple(argv)
    head, rest = args[: sub_at + 1], expand_abbreviations("push", args[sub_at + 1 :])
    opts = parse_options(rest, PUSH)
    forced = [f for f in ("force-with-lease", "force-if-includes") if opts.has(f)]
    # --mirror force-updates every ref on the remote, ``:``/``+:`` every matching one.
    plus = any(op.startswith("+") for op in opts.operands[1:])
    if opts.has("f") or plus or opts.has("mirror") or settings_force(head[:-1]):
        forced.insert(0, "force")
    flags = [f"--{f}" for f in forced]
    flags += sorted(
        ("-" + k if len(k) == 1 else "--" + k)
        for k in opts.flags
        if k not in ("f", "force-with-lease", "force-if-includes")
    )
    for key in sorted(opts.values):
        if key not in ("force-with-lease",):
            flags += [f"--{key}={v}" if len(key) > 1 else f"-{key}{v}" for v in opts.values[key]]
    # Global options (-C DIR, -c k=v) go last so that "git push --force*" matches every spelling.
    return (argv[0], head[-1], *flags, *opts.operands, *head[:-1])


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
        return is_on(value)
    return name == "push" and (value is None or value.lstrip().startswith("+"))


def push(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, PUSH)
    if opts.has("n"):
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail="dry run")]
    settings = git_settings(repo, cmd, ctx, given=given_settings(cmd, ctx))
    head = checked_out(repo, cmd, ctx)
    remote = (
        opts.operands[0] if opts.operands else opts.value("repo") or _push_remote(settings, head)
    )
    refspecs = list(opts.operands[1:])
    forced = opts.has("f", "force-with-lease", "force-if-includes")
    configured, mirror = _push_settings(settings, remote)
    unknown: list[Effect] = []
    if settings.unknown is not None:
        reason = f"{settings.unknown}: whether this push mirrors or forces is not known"
        unknown.append(unknown_effect(cmd, reason, ctx))
    if (
        unknown
        or mirror
        or (not refspecs and any(r is None or r.startswith("+") for r in configured))
    ):
        cmd = _spelled_forced(cmd)  # a push the settings force reads as one (docstring)
    if opts.has("mirror") or mirror or (opts.has("all") and forced):
        return [
            git_effect(EffectKind.REPLACE, f"git:{remote}/*", cmd, ctx, detail="mirror push"),
            *unknown,
        ]
    if not refspecs and not opts.has("all", "tags"):
        refspecs = [r if r is not None else "+*" for r in configured]
    if not refspecs:
        refspecs = ["*"] if opts.has("all", "tags") else _default_refspecs(settings, head)
    effects = [_push_one(spec, remote, head, opts, forced, cmd, ctx) for spec in refspecs]
    if unknown:  # the settings may make it a mirror push: the stricter reading is named
        detail = "may be a mirror push (settings not known)"
        effects.append(git_effect(EffectKind.REPLACE, f"git:{remote}/*", cmd, ctx, detail=detail))
    if opts.has("prune"):
        reason = "--prune: deletes every remote branch with no local counterpart"
        effects.append(git_effect(EffectKind.DELETE, f"git:{remote}/*", cmd, ctx, detail=reason))
    return [*effects, *unknown]


def _push_settings(settings: GitSettings, remote: str) -> tuple[list[str | None], bool]:
    """The ``remote.<remote>.push`` refspecs (``None``: one not known) and whether
    ``remote.<remote>.mirror`` is on (the last one set wins)."""
    configured = [
        v.strip() if v is not None else None
        for v in settings.values("remote", "push", subsection=remote)
    ]
    mirror = settings.values("remote", "mirror", subsection=remote)[-1:]
    return configured, any(is_on(v) for v in mirror)


def _push_remote(settings: GitSettings, head: str | None) -> str:
    """Where a push naming no remote goes: the branch's ``pushRemote``, ``remote.pushDefault``,
    the branch's ``remote``, else ``origin``."""
    branch = settings.last("branch", "pushremote", subsection=head) if head else ""
    chosen = branch or settings.last("remote", "pushdefault")
    if not chosen and head:
        chosen = settings.last("branch", "remote", subsection=head)
    return chosen or "origin"


def _default_refspecs(settings: GitSettings, head: str | None) -> list[str]:
    """What a push naming no branch pushes (``push.default``): every branch of the same name
    (``matching``, or a value not known), else the branch checked out -- and, for
    ``upstream``, the branch it tracks."""
    mode = settings.last("push", "default")
    if mode is None or mode.lower() == "matching":
        return [":"]
    merged = settings.last("branch", "merge", subsection=head) if head else ""
    if mode.lower() in ("upstream", "tracking") and merged:
        return [f"HEAD:{merged}"]
    return ["HEAD"]


def _spelled_forced(cmd: SimpleCommand) -> SimpleCommand:
    """``cmd`` whose text says ``git push --force`` (for ``command:`` rules) when it did not."""
    words = cmd.text.split(" ")
    if words[:3] == ["git", "push", "--force"]:
        return cmd
    at_push = words.index("push") + 1 if "push" in words else len(words)
    return evolve(cmd, text=" ".join([*words[:at_push], "--force", *words[at_push:]]))


def _push_one(
    spec: str,
    remote: str,
    head: str | None,
    opts: Options,
    forced: bool,
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> Effect:
    plus = spec.startswith("+")
    src, colon, dst = spec.lstrip("+").partition(":")
    kind = EffectKind.REPLACE if forced or plus else EffectKind.UPDATE
    if colon and not src and not dst:  # ``:``/``+:``: every branch both sides have
        detail = "pushes every branch of the same name" + (" (forced)" if plus or forced else "")
        return git_effect(kind, f"git:{remote}/*", cmd, ctx, detail=detail)
    target = dst if colon and dst else src
    name, also = f"git:{remote}/{short_ref(target) or 'HEAD'}", tuple[str, ...]()
    if target in ("HEAD", "@", ""):
        # The branch checked out, by the same name; any branch when that is not known.
        name, also = f"git:{remote}/HEAD", (f"git:{remote}/{head or '*'}",)
    if opts.has("d") or (colon and not src):
        detail = "deletes the remote branch"
        return git_effect(EffectKind.DELETE, name, cmd, ctx, detail=detail, also=also)
    detail = "force push: rewrites history" if kind is EffectKind.REPLACE else ""
    return git_effect(kind, name, cmd, ctx, detail=detail, also=also)
