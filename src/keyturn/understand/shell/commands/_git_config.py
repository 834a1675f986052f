"""git's settings on the command line and in ``git config``, and addresses that run commands.

- ``git -c core.pager='rm -rf /' log`` and ``git --config-env=core.pager=VAR log``: git runs the
  setting's value; its effects are added to the subcommand's (:mod:`..code_settings`).
- ``git config [--global|--system|--local|--worktree|-f FILE] KEY VALUE`` (and ``--add``,
  ``--replace-all``, ``set``): an ``update`` of that settings file (``file:<repo>/.git/config``,
  ``file:~/.gitconfig``...), plus whatever the setting makes every later git command run
  (``core.fsmonitor`` runs on each ``git status``). ``--unset``, sections, ``--edit``: an
  ``update``. ``KEY`` alone, ``--get*``, ``--list``, ``get``, ``list``: a ``read``.
- ``ext::<command>`` addresses (``git clone 'ext::sh -c …'``) run a command: ``unknown``.
- Options that take a command (``rebase -x``, ``bisect run``, ``submodule foreach``,
  ``filter-branch --tree-filter``, ``clone -u``...): the command is judged
  (:func:`option_commands`), short ones bundled as git reads them (``-ix CMD``, ``-iOCMD``).
- The repository's own ``.git/config`` and hooks: what they make the command run
  (:func:`stored_settings`), hooks found where git finds them (``--git-dir``, ``GIT_DIR``, a
  ``gitdir:`` file, a bare repository, ``core.hooksPath`` in the user's settings too). The
  user's global settings are otherwise theirs and are not judged.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import git_setting_effects, runs_command
from keyturn.understand.shell.commands._git_config_file import parse_settings, repository_root
from keyturn.understand.shell.commands._git_effects import short_values
from keyturn.understand.shell.commands._git_repository import (
    GLOBAL_VALUED,
    common_dir,
    find_git_dir,
)
from keyturn.understand.shell.commands._git_submodule_update import update_setting
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect
from keyturn.understand.shell.nested import script_file_effects
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_READING = frozenset(
    {"--get", "--get-all", "--get-regexp", "--get-urlmatch", "--get-color", "--get-colorbool"}
    | {"-l", "--list"}
)
_SETTING = frozenset({"--add", "--replace-all"})
_CHANGING = frozenset({"--unset", "--unset-all", "--rename-section", "--remove-section"})
_EDITING = frozenset({"-e", "--edit"})
_VALUED = frozenset({"--default", "--type", "--comment", "--value", "--blob"})
_SUBCOMMANDS = {
    "get": "read",
    "list": "read",
    "set": "set",
    "unset": "change",
    "rename-section": "change",
    "remove-section": "change",
    "edit": "edit",
}


def settings_given(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What the settings given before the subcommand (``-c``, ``--config-env``) make git run."""
    effects: list[Effect] = []
    for arg, setting in _global_options(cmd, ctx):
        if setting is not None:
            effects += git_setting_effects(*setting, cmd, ctx)
        elif arg.startswith("--exec-path="):
            # Where git finds its own programs (``git-status``...), like GIT_EXEC_PATH: a
            # folder of the agent's makes every subcommand run its file.
            reason = f"git runs its subcommands from {arg.removeprefix('--exec-path=')[:80]}"
            effects.append(unknown_effect(cmd, reason, ctx))
    return effects


def given_settings(cmd: SimpleCommand, ctx: ShellContext) -> list[tuple[str, str | None]]:
    """The settings given before the subcommand (``-c key=value``, ``--config-env``), in
    order; the value is ``None`` when decided at run time or not known."""
    return [setting for _, setting in _global_options(cmd, ctx) if setting is not None]


def _global_options(
    cmd: SimpleCommand, ctx: ShellContext
) -> Iterator[tuple[str, tuple[str, str | None] | None]]:
    """git's options before the subcommand: each with the setting it gives
    (``-c key=value``: ``value``, ``-c key`` alone: ``"true"``, ``--config-env``: the
    variable's value; ``None`` as value when decided at run time or not known)."""
    args = cmd.args
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        setting: tuple[str, str | None] | None = None
        if arg == "-c" and i + 1 < len(args):
            key, equals, value = args[i + 1].partition("=")
            setting = (key, None if _run_time(cmd, i + 2) else (value if equals else "true"))
        elif arg.startswith("--config-env="):
            key, _, variable = arg.removeprefix("--config-env=").partition("=")
            setting = (key, ctx.env.get(variable))
        yield arg, setting
        i += 2 if arg in GLOBAL_VALUED else 1


def subcommand_settings(
    sub: str, args: list[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """What settings given to ``clone`` (``-c``/``--config key=value``: they are in force
    while it clones, hooks included) and the template directory of ``clone``/``init``
    (``--template``: its hooks are copied into the new repository) make git run or load."""
    if sub not in ("clone", "init"):
        return []
    effects: list[Effect] = []
    offset = len(cmd.argv) - len(args)  # where args start in argv
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value, run_time = _option_value(arg, args, i, ("--template",), cmd)
        if value is not None:
            effects += git_setting_effects(
                "init.templateDir", None if run_time else value, cmd, ctx
            )
        value, run_time = _option_value(arg, args, i, ("--config",), cmd)
        if value is not None and sub == "clone":
            effects += _clone_setting(value, run_time, cmd, ctx)
    if sub == "clone":  # -c bundled as git reads it: ``-qc core.sshCommand=…``
        for _, value, at_word in short_values(args, wanted="c", valued="obuj"):
            effects += _clone_setting(value, _run_time(cmd, offset + at_word), cmd, ctx)
    return effects


def _clone_setting(
    value: str, run_time: bool, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    key, equals, known = value.partition("=")
    known = known if equals else "true"
    given = None if run_time else known  # a later ``git submodule update`` included
    return git_setting_effects(key, given, cmd, ctx) + update_setting(key, given, cmd, ctx)


def _option_value(
    arg: str, args: list[str], i: int, names: tuple[str, ...], cmd: SimpleCommand
) -> tuple[str | None, bool]:
    """The value of option ``names`` given at ``args[i]`` (``--x=v``, ``--x v``, ``-xv``), and
    whether the word holding it is decided at run time."""
    offset = len(cmd.argv) - len(args)  # where args start in argv
    for name in names:
        if arg == name and i + 1 < len(args):
            return args[i + 1], _run_time(cmd, offset + i + 1)
        if name.startswith("--") and arg.startswith(name + "="):
            return arg[len(name) + 1 :], _run_time(cmd, offset + i)
        if not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
            return arg[len(name) :], _run_time(cmd, offset + i)
    return None, False


def command_transports(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``ext::`` addresses anywhere in the arguments: git runs the command they hold."""
    return [
        unknown_effect(cmd, f"the address {arg[:80]!r} runs a command (git's ext:: transport)", ctx)
        for arg in cmd.args
        if arg.startswith("ext::")
    ]


def config(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git config …``: reading or changing a settings file."""
    where = repo.rstrip("/") + "/.git/config"
    mode: str | None = None
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--global":
            where = ctx.home.rstrip("/") + "/.gitconfig"
        elif arg == "--system":
            where = "/etc/gitconfig"
        elif arg == "--local":
            where = repo.rstrip("/") + "/.git/config"
        elif arg == "--worktree":
            where = repo.rstrip("/") + "/.git/config.worktree"
        elif arg in ("-f", "--file") and i + 1 < len(args):
            where = file_path(args[i + 1], ctx)
            i += 1
        elif arg.startswith("--file="):
            where = file_path(arg.removeprefix("--file="), ctx)
        elif arg in _VALUED and i + 1 < len(args):
            i += 1
        elif arg in _READING:
            mode = mode or "read"
        elif arg in _SETTING:
            mode = "set"
        elif arg in _CHANGING:
            mode = "change"
        elif arg in _EDITING:
            mode = "edit"
        elif not arg.startswith("-"):
            operands.append(arg)
        i += 1
    if mode is None and operands and operands[0] in _SUBCOMMANDS:
        mode = _SUBCOMMANDS[operands.pop(0)]
    if mode is None:
        mode = "set" if len(operands) >= 2 else "read"
    if mode == "read":
        return [file_effect(EffectKind.READ, [where], cmd, ctx, service="git")]
    changed = file_effect(
        EffectKind.UPDATE, [where], cmd, ctx, service="git", detail="git settings"
    )
    if mode == "edit":
        return [changed, unknown_effect(cmd, "opens an editor on git's settings", ctx)]
    if mode == "set" and len(operands) >= 2:
        key, value = operands[0], operands[1]
        run_time = any(cmd.argv[j] == value for j in cmd.dynamic_words)
        known = None if run_time else value  # what the next ``git submodule update`` runs too
        return [
            changed,
            *git_setting_effects(key, known, cmd, ctx),
            *update_setting(key, known, cmd, ctx),
        ]
    return [changed]


def _run_time(cmd: SimpleCommand, argv_index: int) -> bool:
    return argv_index in cmd.dynamic_words


# The client-side hooks each subcommand runs (githooks(5)); ``--no-verify`` skips the first
# group of ``commit``'s and ``push``'s.
_HOOKS = {
    "commit": ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-rewrite"),
    "merge": ("pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-merge"),
    "pull": ("pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-merge", "post-rewrite"),
    "push": ("pre-push",),
    "checkout": ("post-checkout",),
    "switch": ("post-checkout",),
    "clone": ("post-checkout",),
    "rebase": ("pre-rebase", "post-rewrite", "post-checkout"),
    "am": ("applypatch-msg", "pre-applypatch", "post-applypatch"),
    "cherry-pick": ("prepare-commit-msg", "commit-msg", "post-commit"),
    "revert": ("prepare-commit-msg", "commit-msg", "post-commit"),
    "gc": ("pre-auto-gc",),
}
_NO_VERIFY_SKIPS = frozenset({"pre-commit", "commit-msg", "pre-push", "pre-merge-commit"})
# Stored settings git installations write themselves: not judged as commands (Git LFS's
# filters; the built-in file-system monitor is ``core.fsmonitor = true``).
_STOCK_VALUES = ("git-lfs ", "git lfs ")


def stored_settings(sub: str, repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What the repository's own settings and hooks make this git command run.

    An agent can plant a command in ``.git/config`` (``core.fsmonitor`` runs on every
    ``git status``) or a hook in ``.git/hooks`` with an ordinary file write, then run git: the
    stored value or the hook's text is judged here, as a script's text is where it runs.

    The hooks are looked for where git looks: the repository named by ``--git-dir`` or
    ``GIT_DIR``, else the one whose ``.git`` (a folder, or a ``gitdir:`` file as in linked
    work trees and submodules) is nearest above ``repo``; in its common folder's ``hooks``
    and in every ``core.hooksPath`` set in the repository's settings or the user's
    (``~/.gitconfig``, ``$XDG_CONFIG_HOME/git/config``, ``~`` expanded; each judged: which of
    them wins depends on settings not followed here). A repository or hooks folder that cannot
    be told is unknown.
    """
    found = find_git_dir(repo, cmd, ctx)
    if found is None:
        return []
    if isinstance(found, Effect):
        return [found]
    git_dir, root = found
    effects: list[Effect] = []
    common = common_dir(git_dir, ctx)
    hooks_dirs: list[str | None] = [common + "/hooks"]
    text = ctx.files.read_text(common + "/config", limit=262_144) or ""
    for key, value in parse_settings(text):
        folded = key.lower()
        if folded == "core.hookspath":
            hooks_dirs.append(_hooks_path(value, root, ctx) if value else common + "/hooks")
        elif not (
            value.startswith(_STOCK_VALUES)
            or (folded == "core.fsmonitor" and value.lower() in ("true", "false", ""))
        ):
            effects += git_setting_effects(key, value, cmd, ctx)
    hooks_dirs += [_hooks_path(v, root, ctx) for v in _user_hooks_paths(ctx) if v]
    no_verify = "--no-verify" in cmd.args or (sub == "commit" and "-n" in cmd.args)
    for hooks_dir in dict.fromkeys(hooks_dirs):
        if hooks_dir is None:
            reason = "git's core.hooksPath names a folder decided at run time"
            effects.append(unknown_effect(cmd, reason, ctx))
            continue
        for hook in _HOOKS.get(sub, ()):
            path = f"{hooks_dir}/{hook}"
            if not (no_verify and hook in _NO_VERIFY_SKIPS) and ctx.files.exists(path):
                effects += script_file_effects(path, cmd, ctx, what=f"runs git's {hook} hook")
    return effects


def _hooks_path(value: str, root: str | None, ctx: ShellContext) -> str | None:
    """The folder a ``core.hooksPath`` value names (``~/`` is the home folder; a relative one
    is taken from the work tree's root); ``None`` when it is decided at run time."""
    if "$" in value or "`" in value or (value.startswith("~") and not value.startswith("~/")):
        return None
    if value.startswith("~/"):
        value = ctx.home.rstrip("/") + value[1:]
    return normalize_path(value, cwd=root or ctx.cwd)


def _user_hooks_paths(ctx: ShellContext) -> list[str]:
    """The ``core.hooksPath`` values in the user's own settings files (and the files they
    include: any of them may be in force)."""
    home = ctx.home.rstrip("/")
    xdg = ctx.env.get("XDG_CONFIG_HOME") or f"{home}/.config"
    pending = ["/etc/gitconfig", f"{xdg}/git/config", f"{home}/.gitconfig"]
    values: list[str] = []
    read: set[str] = set()
    while pending and len(read) < 16:
        path = pending.pop(0)
        if path in read:
            continue
        read.add(path)
        for key, value in parse_settings(ctx.files.read_text(path, limit=262_144) or ""):
            folded = key.lower()
            if folded == "core.hookspath":
                values.append(value)
            elif folded == "include.path" or (
                folded.startswith("includeif.") and folded.endswith(".path")
            ):
                included = _hooks_path(value, posixpath.dirname(path), ctx)
                if included is None:
                    values.append("$")  # an include decided at run time: not known
                else:
                    pending.append(included)
    return values


def remote_url(start: str, ctx: ShellContext, remote: str = "origin") -> str | None:
    """The URL of ``remote`` in the repository holding ``start``, from its ``.git/config``."""
    root = repository_root(start, ctx)
    text = ctx.files.read_text(root + "/.git/config", limit=262_144) if root else None
    wanted = f"remote.{remote}.url"
    for key, value in parse_settings(text or ""):
        if key.lower() == wanted.lower():
            return value
    return None


def at(ctx: ShellContext, cwd: str) -> ShellContext:
    """``ctx`` with ``cwd`` as its working directory (git's ``-C``, the repository's root)."""
    return evolve(ctx, cwd=cwd)


# Subcommand options whose value is a command git runs (locally: a file:// or local-path
# remote runs its upload-pack/receive-pack here): long names, then short letters read as git's
# parse-options reads them -- (those that run a command, the other letters taking a value, those
# taking one only attached) -- so that ``-iO'cmd'``, ``-x'cmd'`` and ``-qu 'cmd'`` are seen.
_COMMAND_OPTIONS = {
    "rebase": ("--exec",),
    "filter-branch": (
        *("--tree-filter", "--index-filter", "--env-filter", "--msg-filter"),
        *("--commit-filter", "--parent-filter", "--tag-name-filter"),
    ),
    "grep": ("--open-files-in-pager",),
    "clone": ("--upload-pack",),
    "fetch": ("--upload-pack",),
    "pull": ("--upload-pack",),
    "ls-remote": ("--upload-pack", "--exec"),
    "archive": ("--exec",),
    "push": ("--receive-pack", "--exec"),
    "send-email": ("--to-cmd", "--cc-cmd", "--sendmail-cmd"),
    "instaweb": ("--httpd",),
    "difftool": ("--extcmd",),
    "mergetool": ("--tool-path",),
}
_COMMAND_LETTERS = {
    "rebase": ("x", "sXC", "Sr"),
    "grep": ("O", "efABCm", "O"),
    "clone": ("u", "obcj", ""),
    "difftool": ("x", "t", ""),
}


def option_commands(
    sub: str, args: list[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The commands a subcommand's own options make git run (``rebase -x``, ``bisect run``,
    ``submodule foreach``, ``filter-branch --tree-filter``, ``clone -u``...)."""
    effects: list[Effect] = []
    if sub == "bisect" and args[:1] == ["run"] and len(args) > 1:
        return runs_command(shlex.join(args[1:]), "git bisect run", cmd, ctx)
    if sub == "submodule" and "foreach" in args:
        words = [a for a in args[args.index("foreach") + 1 :] if a != "--recursive"]
        return runs_command(" ".join(words), "git submodule foreach", cmd, ctx) if words else []
    options = _COMMAND_OPTIONS.get(sub, ())
    for i, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if name in options and equals:
            effects += runs_command(value, f"git {sub} {name}", cmd, ctx)
        elif arg in options and i + 1 < len(args):
            effects += runs_command(args[i + 1], f"git {sub} {arg}", cmd, ctx)
    if sub in _COMMAND_LETTERS:
        wanted, valued, optional = _COMMAND_LETTERS[sub]
        for letter, value, _ in short_values(args, wanted=wanted, valued=valued, optional=optional):
            effects += runs_command(value, f"git {sub} -{letter}", cmd, ctx)
    return effects
