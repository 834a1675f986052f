"""git's settings on the command line and in ``git config``, and addresses that run commands.

- ``git -c core.pager='rm -rf /' log`` and ``git --config-env=core.pager=VAR log``: git runs the
  setting's value; its effects are added to the subcommand's (:mod:`..code_settings`).
- ``git config [--global|--system|--local|--worktree|-f FILE] KEY VALUE`` (and ``--add``,
  ``--replace-all``, ``set``): an ``update`` of that settings file (``file:<repo>/.git/config``,
  ``file:~/.gitconfig``...), plus whatever the setting makes every later git command run
  (``core.fsmonitor`` runs on each ``git status``). ``--unset``, sections, ``--edit``: an
  ``update``. ``KEY`` alone, ``--get*``, ``--list``, ``get``, ``list``: a ``read``.
- ``ext::<command>`` addresses (``git clone 'ext::sh -c …'``) run a command: ``unknown``.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import git_setting_effects
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# git options before the subcommand that take the next word as their value.
GLOBAL_VALUED = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"})
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
    args = cmd.args
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "-c" and i + 1 < len(args):
            key, equals, value = args[i + 1].partition("=")
            known: str | None = value if equals else "true"  # ``-c key`` alone sets true
            effects += git_setting_effects(key, None if _run_time(cmd, i + 2) else known, cmd, ctx)
        elif arg.startswith("--config-env="):
            key, _, variable = arg.removeprefix("--config-env=").partition("=")
            effects += git_setting_effects(key, ctx.env.get(variable), cmd, ctx)
        i += 2 if arg in GLOBAL_VALUED else 1
    return effects


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
        return [changed, *git_setting_effects(key, None if run_time else value, cmd, ctx)]
    return [changed]


def _run_time(cmd: SimpleCommand, argv_index: int) -> bool:
    return argv_index in cmd.dynamic_words
