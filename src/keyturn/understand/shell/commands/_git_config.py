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
  (:func:`option_commands`).
- The repository's own ``.git/config`` and hooks: what they make the command run
  (:func:`stored_settings`). The user's global settings are theirs and are not judged.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import git_setting_effects, runs_command
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect
from keyturn.understand.shell.nested import script_file_effects
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

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
_MAX_LEVELS = 32
# Stored settings git installations write themselves: not judged as commands (Git LFS's
# filters; the built-in file-system monitor is ``core.fsmonitor = true``).
_STOCK_VALUES = ("git-lfs ", "git lfs ")


def stored_settings(sub: str, repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What the repository's own settings and hooks make this git command run.

    An agent can plant a command in ``.git/config`` (``core.fsmonitor`` runs on every
    ``git status``) or a hook in ``.git/hooks`` with an ordinary file write, then run git: the
    stored value or the hook's text is judged here, as a script's text is where it runs.
    """
    root = _repository(repo, ctx)
    if root is None:
        return []
    effects: list[Effect] = []
    hooks_dir = root + "/.git/hooks"
    text = ctx.files.read_text(root + "/.git/config", limit=262_144) or ""
    for key, value in _settings(text):
        folded = key.lower()
        if folded == "core.hookspath":
            hooks_dir = file_path(value, at(ctx, root)) if value else hooks_dir
        elif not (
            value.startswith(_STOCK_VALUES)
            or (folded == "core.fsmonitor" and value.lower() in ("true", "false", ""))
        ):
            effects += git_setting_effects(key, value, cmd, ctx)
    no_verify = "--no-verify" in cmd.args or (sub == "commit" and "-n" in cmd.args)
    for hook in _HOOKS.get(sub, ()):
        path = f"{hooks_dir}/{hook}"
        if not (no_verify and hook in _NO_VERIFY_SKIPS) and ctx.files.exists(path):
            effects += script_file_effects(path, cmd, ctx, what=f"runs git's {hook} hook")
    return effects


def remote_url(start: str, ctx: ShellContext, remote: str = "origin") -> str | None:
    """The URL of ``remote`` in the repository holding ``start``, from its ``.git/config``."""
    root = _repository(start, ctx)
    text = ctx.files.read_text(root + "/.git/config", limit=262_144) if root else None
    wanted = f"remote.{remote}.url"
    for key, value in _settings(text or ""):
        if key.lower() == wanted.lower():
            return value
    return None


def _repository(start: str, ctx: ShellContext) -> str | None:
    """The work tree holding ``start`` (the nearest directory up whose ``.git`` is one)."""
    folder = start.rstrip("/") or "/"
    for _ in range(_MAX_LEVELS):
        if ctx.files.is_dir(folder.rstrip("/") + "/.git"):
            return folder.rstrip("/")
        if folder == "/":
            return None
        folder = posixpath.dirname(folder)
    return None


_SECTION = re.compile(r'\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_ITEM = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*?))?\s*\Z")


def _settings(text: str) -> list[tuple[str, str]]:
    """``(section[.subsection].name, value)`` pairs of a git config file (quotes and trailing
    comments removed: enough to find the settings that run commands)."""
    out: list[tuple[str, str]] = []
    section = ""
    for line in text.splitlines():
        header = _SECTION.match(line)
        if header is not None:
            name, sub = header.group(1), header.group(2)
            section = f"{name}.{sub}" if sub is not None else name
            line = line[header.end() :]
        stripped = line.strip()
        if not stripped or stripped[0] in "#;" or not section:
            continue
        item = _ITEM.match(stripped)
        if item is not None:
            out.append((f"{section}.{item.group(1)}", _value(item.group(2) or "")))
    return out


def _value(raw: str) -> str:
    """A config value as git reads it: quotes joined, escapes resolved, a comment cut."""
    out, quoted, i = [], False, 0
    while i < len(raw):
        c = raw[i]
        if c == '"':
            quoted = not quoted
        elif c == "\\" and i + 1 < len(raw):
            i += 1
            out.append({"n": "\n", "t": "\t"}.get(raw[i], raw[i]))
        elif c in "#;" and not quoted:
            break
        else:
            out.append(c)
        i += 1
    return "".join(out).strip()


def at(ctx: ShellContext, cwd: str) -> ShellContext:
    """``ctx`` with ``cwd`` as its working directory (git's ``-C``, the repository's root)."""
    return evolve(ctx, cwd=cwd)


# Subcommand options whose value is a command git runs (locally: a file:// or local-path
# remote runs its upload-pack/receive-pack here).
_COMMAND_OPTIONS = {
    "rebase": ("-x", "--exec"),
    "filter-branch": (
        *("--tree-filter", "--index-filter", "--env-filter", "--msg-filter"),
        *("--commit-filter", "--parent-filter", "--tag-name-filter"),
    ),
    "grep": ("--open-files-in-pager",),
    "clone": ("-u", "--upload-pack"),
    "fetch": ("--upload-pack",),
    "pull": ("--upload-pack",),
    "ls-remote": ("--upload-pack",),
    "archive": ("--exec",),
    "push": ("--receive-pack", "--exec"),
    "send-email": ("--to-cmd", "--cc-cmd", "--sendmail-cmd"),
    "instaweb": ("--httpd",),
    "difftool": ("-x", "--extcmd"),
    "mergetool": ("--tool-path",),
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
        elif sub == "grep" and arg.startswith("-O") and len(arg) > 2:
            effects += runs_command(arg[2:], "git grep -O", cmd, ctx)
    return effects
