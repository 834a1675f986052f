"""What environment runners load before the command they run (``bundle exec``, ``direnv
exec``, ``mise exec``, ``conda run``).

:mod:`.._special_wrappers` unwraps them, so the command is judged as itself; but each first
loads code or settings of the project or environment, which keyturn does not judge:

- ``bundle exec`` evaluates the ``Gemfile`` (Ruby) before a Ruby program (``rspec``, a
  binstub), and hands every other program ``RUBYOPT=-rbundler/setup`` (any Ruby it starts
  evaluates it; with ``BUNDLE_AUTO_INSTALL`` bundler does so itself): unknown -- but for
  ``rails`` and ``rake``, which load the application (and so the Gemfile) by themselves and
  are trusted to, as without bundle exec;
- ``direnv exec DIR`` evaluates ``DIR``'s ``.envrc`` in bash, and what it sources: unknown;
- ``mise exec`` loads the configuration's ``[env]`` (``_.source`` scripts, ``exec()``
  templates) and hooks: unknown unless every mise configuration found holds only tools
  (``.tool-versions``, or a ``mise.toml`` with ``[tools]`` and no template);
- ``conda run`` (and mamba's, micromamba's) activates the environment, which sources its
  ``etc/conda/activate.d`` scripts and sets the variables ``conda env config vars`` stored:
  unknown unless the environment is named by its path and has neither.
"""

from __future__ import annotations

import tomllib

from keyturn.model import Effect
from keyturn.understand.shell.commands._toolchain_settings import settings_text, upward
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# mise's configuration files in a folder (besides ``mise.<env>.toml``, which MISE_ENV picks).
_MISE_FILES = (
    *("mise.toml", ".mise.toml", "mise.local.toml", ".mise.local.toml"),
    *("mise/config.toml", ".mise/config.toml", ".config/mise.toml", ".config/mise/config.toml"),
)
# The top-level keys of a mise configuration that only choose tools' versions.
_MISE_TOOLS_ONLY = frozenset({"tools", "min_version"})
# rails and rake load the application (its Rakefile, ``config/boot.rb`` requiring
# ``bundler/setup``: the Gemfile) whether bundle exec runs them or not, and keyturn trusts them
# to do what their configuration says (docs/security.md): bundle exec adds nothing for them.
_LOAD_THE_APP_ANYWAY = frozenset({"rails", "rake"})
_CONDA_RUNS = {"conda-run": "conda", "mamba-run": "mamba", "micromamba-run": "micromamba"}


def loaded_first(cmd: SimpleCommand, written: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """An unknown effect for each runner among ``cmd``'s wrappers that loads code keyturn
    does not judge before running ``cmd`` (``written``: the line as typed, with the runners'
    options)."""
    reasons: list[str] = []
    wrappers = set(cmd.wrappers)
    if "bundle-exec" in wrappers and cmd.name not in _LOAD_THE_APP_ANYWAY:
        reasons.append("bundle exec loads the Gemfile (Ruby code) and bundler/setup first")
    if "direnv-exec" in wrappers:
        reasons.append("direnv exec runs the folder's .envrc (and what it sources) first")
    if "mise-exec" in wrappers:
        found = _mise_loads(cmd, ctx)
        if found is not None:
            reasons.append(found)
    for wrapper, tool in _CONDA_RUNS.items():
        if wrapper in wrappers:
            found = _conda_loads(tool, written, cmd, ctx)
            if found is not None:
                reasons.append(found)
    return [unknown_effect(cmd, reason, ctx) for reason in reasons]


def _mise_loads(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """Why ``mise exec`` here loads more than tools, or ``None``."""
    if any(name.startswith("MISE_") for name in (*ctx.env, *cmd.assignments)):
        return "mise exec under MISE_* settings: which configuration it loads is not known"
    config_home = ctx.env.get("XDG_CONFIG_HOME") or f"{ctx.home.rstrip('/')}/.config"
    paths = [f"{folder.rstrip('/')}/{name}" for folder in upward(ctx.cwd) for name in _MISE_FILES]
    paths += [f"{config_home.rstrip('/')}/mise/config.toml", "/etc/mise/config.toml"]
    for path in dict.fromkeys(paths):
        told, text = settings_text(path, ctx)
        if not told:
            return f"{path} was changed on the line: what mise exec loads is not known"
        if text is None:
            continue
        if "{{" in text or "{%" in text:
            return f"{path} holds a template: mise runs it (exec()) when it loads the file"
        try:
            keys = set(tomllib.loads(text))
        except tomllib.TOMLDecodeError:
            return f"{path} cannot be read: it may set what mise exec loads"
        if keys - _MISE_TOOLS_ONLY:
            more = ", ".join(sorted(keys - _MISE_TOOLS_ONLY))[:80]
            return f"{path} sets {more}: mise exec loads it (env scripts, hooks) first"
    return None


def _conda_loads(
    tool: str, written: SimpleCommand, cmd: SimpleCommand, ctx: ShellContext
) -> str | None:
    """Why ``conda run`` activating its environment runs code, or ``None``."""
    options = list(written.argv[: len(written.argv) - len(cmd.argv)])
    prefix = None
    for i, word in enumerate(options):
        name, eq, given = word.partition("=")
        if name in ("-p", "--prefix"):
            prefix = given if eq else (options[i + 1] if i + 1 < len(options) else None)
        elif word.startswith("-p") and len(word) > 2:
            prefix = word[2:]
    if prefix is None or "$" in prefix:
        return f"{tool} run activates an environment whose activation scripts are not known"
    root = normalize_path(prefix, cwd=ctx.cwd).rstrip("/")
    scripts = f"{root}/etc/conda/activate.d"
    if ctx.files.exists(scripts) or any(p.startswith(scripts + "/") for p in ctx.written):
        return f"{tool} run sources the environment's activation scripts ({scripts}) first"
    told, state = settings_text(f"{root}/conda-meta/state", ctx)
    if not told or (state is not None and "env_vars" in state):
        return f"{tool} run sets the variables the environment stores (env_vars) first"
    return None
