"""Settings whose value is code some program runs: environment variables and git settings.

``git log`` only reads, unless ``GIT_PAGER`` (or ``git -c core.pager=…``, or a ``core.fsmonitor``
that ``git config`` stored for every later ``git status``) names a command: then git runs that
command. ``LD_PRELOAD``, ``BASH_ENV``, ``NODE_OPTIONS`` and their kind make any program load code
from where they point. A command line that sets one of these is judged by what that value runs:

- a *command* setting (``GIT_PAGER``, ``EDITOR``, ``GIT_SSH_COMMAND``, ``core.pager``, an
  ``alias.*`` starting with ``!``...) whose value the line spells out is understood as a command
  line of its own (``GIT_PAGER=cat`` reads; ``GIT_PAGER='rm -rf /'`` is denied like the
  ``rm``); a value decided at run time is ``unknown``;
- a *loading* setting (``LD_PRELOAD``, ``PYTHONPATH``, ``include.path``, ``core.hooksPath``...)
  is ``unknown``: the code it loads is in files keyturn does not judge. So are less's lesskey
  files (``LESSKEY``, ``LESSKEYIN``, ``LESSKEY_SRC``...: their ``#env`` section may set
  ``LESSOPEN``), pip's, cargo's and go's settings and the version managers' hook paths
  (``PIP_PYTHON``, ``CARGO_TARGET_<TRIPLE>_RUNNER``, ``GOFLAGS=-toolexec=…``,
  ``PYENV_HOOK_PATH``), and npm's settings that run or load code (``npm_config_node_options``,
  ``npm_config_userconfig``..., spelled in any case);
- an *options* setting (``LESS``, ``SYSTEMD_LESS``, ``MANOPT``) is ``unknown`` when it holds
  an option that runs a command, reads settings that may name one, or writes a file
  (``LESS='+!cmd'``, ``LESS=-k/tmp/keys``, ``LESS=-o/etc/x``, ``MANOPT='-P cmd'``).

Every way of setting a variable counts, wherever it sits on the line (``VAR=… cmd``,
``env VAR=… cmd``, ``export``/``declare``, a bare assignment that ``set -a`` exports). The
caller's own environment is not judged: only what the line sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from keyturn.model import Effect
from keyturn.understand.shell.commands._toolchain_settings import GO_FLAGS_THAT_RUN
from keyturn.understand.shell.effects import installed_folder, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# Variables holding a command line (or a program) that some program runs.
COMMAND_VARIABLES = frozenset(
    {
        *("GIT_PAGER", "PAGER", "MANPAGER", "SYSTEMD_PAGER", "BAT_PAGER", "DELTA_PAGER"),
        *("GIT_EDITOR", "EDITOR", "VISUAL", "SUDO_EDITOR", "GIT_SEQUENCE_EDITOR", "FCEDIT"),
        *("GIT_SSH_COMMAND", "GIT_SSH", "GIT_EXTERNAL_DIFF", "GIT_PROXY_COMMAND"),
        *("GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS", "KUBE_EDITOR", "LESSOPEN", "LESSCLOSE"),
        *("PROMPT_COMMAND", "BROWSER", "npm_config_script_shell", "NPM_CONFIG_SCRIPT_SHELL"),
        "KUBECTL_EXTERNAL_DIFF",  # the program ``kubectl diff`` runs on the two trees
        # Tools' own pagers and editors, each read before PAGER/EDITOR: psql's (``\watch``'s
        # too), AWS CLI v2's, gh's and glab's, ``systemctl edit``'s.
        *("PSQL_PAGER", "PSQL_WATCH_PAGER", "PSQL_EDITOR", "AWS_PAGER", "GH_PAGER"),
        *("GH_EDITOR", "GH_BROWSER", "GLAB_PAGER", "SYSTEMD_EDITOR"),
        # The compiler (or the wrapper around it) cargo runs, even for ``cargo tree``.
        *("RUSTC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_RUSTC"),
        *("CARGO_BUILD_RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER"),
    }
)
# Variables that make a program load code (a library, a startup file, interpreter options).
LOADING_VARIABLES = frozenset(
    {
        *("LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES"),
        *("DYLD_LIBRARY_PATH", "DYLD_FRAMEWORK_PATH", "BASH_ENV", "ENV", "PS4", "SHELLOPTS"),
        *("BASHOPTS", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONUSERBASE"),
        *("NODE_OPTIONS", "NODE_PATH", "PERL5OPT", "PERL5LIB", "PERLLIB", "RUBYOPT", "RUBYLIB"),
        *("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "GIT_CONFIG_PARAMETERS"),
        *("GIT_CONFIG_COUNT", "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"),
        *("GIT_EXEC_PATH", "GIT_TEMPLATE_DIR", "GIT_ALLOW_PROTOCOL"),
        # less's key files: a ``#env`` section sets LESSOPEN, which less runs on every file;
        # LESSEDIT is the editor command its ``v`` runs.
        *("LESSKEY", "LESSKEY_SYSTEM", "LESSKEYIN", "LESSKEYIN_SYSTEM", "LESSKEY_SRC"),
        *("LESSKEY_SRC_SYSTEM", "LESSKEY_CONTENT", "LESSEDIT"),
        # pip re-executes itself under the interpreter PIP_PYTHON (or a config file's
        # ``python =``) names; the version managers' shims source the hook scripts of these
        # folders; GOENV names go's settings file (GOFLAGS=-toolexec=…, CC=…).
        *("PIP_PYTHON", "PIP_CONFIG_FILE", "PYENV_HOOK_PATH", "RBENV_HOOK_PATH"),
        *("NODENV_HOOK_PATH", "PYENV_ROOT", "RBENV_ROOT", "NODENV_ROOT", "GOENV"),
    }
)
# npm's settings that run or load code (as ``npm_config_<name>``, any case, ``_`` for ``-``);
# the npm handler (:mod:`.commands.runners`) uses the same list on npm's own line and in
# ``.npmrc``: here they are judged however the line sets them (``export`` too).
NPM_CODE_SETTINGS = frozenset(
    {"script-shell", "shell", "node-options", "editor", "browser", "viewer", "git"}
    | {"init-module", "onload-script", "userconfig", "globalconfig", "node-gyp", "prefix"}
    # pnpm's hook files (code it loads on install) and npm's workspace selection (the scripts
    # of the workspaces' own package.json files run instead of the project's).
    | {"pnpmfile", "global-pnpmfile", "workspace", "workspaces", "include-workspace-root"}
)
_NPM_PREFIX = "npm_config_"
# ``PATH=…:$PATH`` (or ``PATH+=…``) only adds places to look after the usual ones; any other
# value decides which program a name runs (``PATH=./tools:$PATH git status`` runs ./tools/git).
_APPENDS_TO_PATH = re.compile(r"""(?<![\w$])PATH(?:\+=|=["']?\$\{?PATH\b)""")
_SETS_PATH = re.compile(r"(?<![\w$])PATH\+?=")
# ``GIT_CONFIG_KEY_<n>``/``GIT_CONFIG_VALUE_<n>`` set any git setting, like ``git -c``.
_GIT_CONFIG_PAIR = re.compile(r"GIT_CONFIG_(?:KEY|VALUE)_\d+\Z")
# cargo's per-target runner and linker (``CARGO_TARGET_<TRIPLE>_RUNNER``), and a registry's
# credential provider: programs cargo runs.
_CARGO_PROGRAM = re.compile(r"CARGO_(?:TARGET_\w+_(?:RUNNER|LINKER)|\w*CREDENTIAL_PROVIDERS?)\Z")


def _key_pattern(patterns: Iterable[str]) -> re.Pattern[str]:
    """Git setting names as ``section.name`` or ``section.*.name`` (any subsection)."""
    return re.compile(
        "(?:" + "|".join(re.escape(p).replace(r"\*", ".+") for p in patterns) + r")\Z"
    )


# Git settings whose value git runs as a command (matched lower-cased; ``alias.*`` and
# ``credential*.helper`` only when the value starts with ``!``, see git_setting_effects).
_GIT_COMMAND_KEYS = _key_pattern(
    (
        *("core.pager", "core.editor", "core.sshcommand", "core.fsmonitor", "core.askpass"),
        *("core.gitproxy", "sequence.editor", "pager.*", "diff.external", "diff.*.command"),
        *("diff.*.textconv", "merge.*.driver", "filter.*.clean", "filter.*.smudge"),
        *("filter.*.process", "gpg.program", "gpg.*.program", "interactive.difffilter"),
        *("uploadpack.packobjectshook", "web.browser", "browser.*.cmd", "man.*.cmd"),
        *("sendemail.sendmailcmd", "remote.*.uploadpack", "remote.*.receivepack"),
        *("mergetool.*.cmd", "difftool.*.cmd"),
    )
)
# Git settings that make git load or run code from elsewhere: other config files, hook and
# template directories, and transports that run commands (``ext::``) or redirect URLs to them.
_GIT_LOADING_KEYS = _key_pattern(
    (
        *("include.path", "includeif.*.path", "core.hookspath", "init.templatedir"),
        *("protocol.allow", "protocol.*.allow", "url.*.insteadof", "url.*.pushinsteadof"),
        "core.worktree",
    )
)
_SHELL_VALUED_KEYS = _key_pattern(("alias.*", "credential.helper", "credential.*.helper"))


def variable_effects(
    assigned: Mapping[str, str | None],
    cmd: SimpleCommand | None,
    ctx: ShellContext,
    *,
    line: str = "",
) -> list[Effect]:
    """What the code-running variables among ``assigned`` run (``None``: a run-time value;
    ``line``: the text they were assigned in, to tell how a run-time ``PATH`` was built)."""
    effects: list[Effect] = []
    for name, value in assigned.items():
        if name == "PATH":
            if not _path_only_appends(value, line, ctx):
                effects.append(_loads(f"PATH={value or '…'}", cmd, ctx))
        elif name in COMMAND_VARIABLES:
            effects.extend(runs_command(value, f"${name}", cmd, ctx))
        elif (
            name in LOADING_VARIABLES or _GIT_CONFIG_PAIR.match(name) or _CARGO_PROGRAM.match(name)
        ) and value != "":
            effects.append(_loads(f"{name}={value or '…'}", cmd, ctx))
        elif name[:11].lower() == _NPM_PREFIX and value != "":
            effects.extend(_npm_setting(name, value, cmd, ctx))
        elif name == "GOFLAGS" and (value is None or GO_FLAGS_THAT_RUN.search(value)):
            effects.append(_loads(f"{name}={value or '…'}", cmd, ctx))
        elif name in _OPTION_VARIABLES and _runs_or_writes(name, value):
            setting = f"{name}={value or '…'}"
            reason = f"{setting[:120]} holds an option that runs a command or writes a file"
            effects.append(unknown_effect(cmd, reason, ctx, setting))
    return effects


def _npm_setting(
    name: str, value: str | None, cmd: SimpleCommand | None, ctx: ShellContext
) -> list[Effect]:
    """What npm's setting ``name`` (``npm_config_…``) set to ``value`` makes npm run."""
    key = name[len(_NPM_PREFIX) :].lower().replace("_", "-")
    if key == "script-shell":
        return shell_setting_effects(value, f"${name}", cmd, ctx)
    if key in NPM_CODE_SETTINGS:
        return [_loads(f"{name}={value or '…'}", cmd, ctx)]
    return []


# Variables that hold a program's options (less reads LESS, systemd's pager SYSTEMD_LESS, man
# MANOPT) -> the option letters that run a command, read settings that may name one, or write
# a file; the letters that take a value (the rest of the word); the long options that do so.
_OPTION_VARIABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "LESS": ("koO", "bhjkoOpPtTxyzD#", ("lesskey", "log-file", "LOG-FILE")),
    "SYSTEMD_LESS": ("koO", "bhjkoOpPtTxyzD#", ("lesskey", "log-file", "LOG-FILE")),
    "MANOPT": ("PHC", "CDELMPRSempr", ("pager", "html", "config-file")),
}
# How less splits its LESS variable: blanks, or ``$`` after an option's value.
_OPTION_WORDS = re.compile(r"[\s$]+")


def _runs_or_writes(name: str, value: str | None) -> bool:
    """Whether options variable ``name`` set to ``value`` holds an option that runs, reads
    settings or writes (:data:`_OPTION_VARIABLES`); a run-time value may hold any."""
    if value is None:
        return True
    risky, valued, long = _OPTION_VARIABLES[name]
    for word in _OPTION_WORDS.split(value):
        if word.startswith("--"):
            given = word[2:].partition("=")[0]
            if len(given) > 1 and any(o.startswith(given) or given.startswith(o) for o in long):
                return True
            continue
        if word.startswith("-+"):
            continue  # resets an option to its default
        if "+" in word and name != "MANOPT":
            return True  # ``+cmd``: a command less runs at start (``!`` runs a shell command)
        for letter in word.removeprefix("-"):
            if letter in risky:
                return True
            if letter in valued:
                break  # the rest of the word is the option's value
    return False


def _path_only_appends(value: str | None, line: str, ctx: ShellContext) -> bool:
    """Whether a ``PATH`` assignment keeps the usual places first: every folder of a known
    value is one tools are installed in, or every assignment in ``line`` starts from ``$PATH``."""
    if value is not None:
        folders = [f for f in value.split(":") if f]
        return all(installed_folder(f.rstrip("/"), home=ctx.home) for f in folders)
    return len(_APPENDS_TO_PATH.findall(line)) == len(_SETS_PATH.findall(line)) > 0


def git_setting_effects(
    key: str, value: str | None, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """What setting git's ``key`` to ``value`` makes git run (``None``: a run-time value)."""
    folded = key.lower()
    if _GIT_COMMAND_KEYS.match(folded):
        return runs_command(value, f"git's {key}", cmd, ctx)
    if _SHELL_VALUED_KEYS.match(folded):
        if value is None:
            return [_loads(f"{key}=…", cmd, ctx)]
        if value.startswith("!"):
            return runs_command(value[1:], f"git's {key}", cmd, ctx)
        if folded.startswith("alias."):  # an alias without ``!`` is more git arguments
            return runs_command("git " + value, f"git's {key}", cmd, ctx)
        if "/" in value:
            return runs_command(value, f"git's {key}", cmd, ctx)  # a helper program by path
        return []
    if _GIT_LOADING_KEYS.match(folded) and value != "":
        return [_loads(f"{key}={value or '…'}", cmd, ctx)]
    return []


def shell_setting_effects(
    value: str | None, what: str, cmd: SimpleCommand | None, ctx: ShellContext
) -> list[Effect]:
    """A setting naming the shell scripts run with (make's ``SHELL``, npm's ``--script-shell``):
    nothing more to judge for a system shell, else the command it names."""
    if value is not None and _STANDARD_SHELL.match(value.strip()):
        return []
    return runs_command(value, what, cmd, ctx)


_STANDARD_SHELL = re.compile(r"(?:/usr)?(?:/local)?(?:/bin/)?(?:ba|da|z|k|c|tc|fi)?sh\Z")


def runs_command(
    value: str | None, what: str, cmd: SimpleCommand | None, ctx: ShellContext
) -> list[Effect]:
    """The effects of ``value``, a command line some program will run (``what`` says which, for
    the reason): understood when it is spelled out, unknown when decided at run time."""
    if value is None:
        reason = f"{what} is set to a command decided at run time"
        return [unknown_effect(cmd, reason, ctx, what)]
    if not value.strip():
        return []
    if ctx.understand_nested is None:
        return [unknown_effect(cmd, f"{what} is set to a command: {value[:80]}", ctx, value)]
    return ctx.understand_nested(value)


def _loads(setting: str, cmd: SimpleCommand | None, ctx: ShellContext) -> Effect:
    reason = f"{setting[:120]} makes programs load or run code keyturn does not judge"
    return unknown_effect(cmd, reason, ctx, setting)
