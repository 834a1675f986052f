"""Package runners: ``npm``/``yarn``/``pnpm``/``bun`` (make: :mod:`.make`; just, task:
:mod:`.task_runners`).

A runner runs text written in a file beside the command. That text is read through
``ctx.files`` and judged as the shell commands it is (``ctx.understand_nested``):
- ``npm run X`` (``npm test``/``start``/``stop``, ``yarn X``, ``pnpm X``, ``bun run X``):
  the ``preX``, ``X`` and ``postX`` scripts of ``package.json`` in the working directory
  (``--prefix``/``-C``/``--cwd``/``--dir`` move it), judged as run there, with the project's
  ``node_modules/.bin`` (and its parents') first on the PATH: a command word found there is a
  run of that file. A workspace selection (``-w``, ``--workspaces``, ``pnpm -r``/``--filter``,
  ``yarn workspace``) runs the workspaces' own scripts, not read here: unknown.
- ``npm install``/``ci``/``add`` (and yarn/pnpm/bun alike): a create of
  ``file:<dir>/node_modules``, plus the project's own install-time scripts (``preinstall`` …
  ``postprepare``, :data:`._npm_scripts._INSTALL_SCRIPTS`) judged (unless ``--ignore-scripts``,
  said outright: ``--ignore-scripts false`` runs them). The dependencies' own install scripts
  are code keyturn cannot see; the detail says so. A local package (``npm install ./dir``,
  ``.``, a ``file:`` or ``link:`` dependency) runs scripts of a folder beside the project:
  unknown, the project itself (``.``) aside, whose scripts are judged. A global install
  (``-g``) is unknown: it puts programs on the PATH under names the packages choose; a global
  removal deletes from the global prefix, not the project (:mod:`._npm_global`). ``npm exec``,
  ``yarn dlx``, ``pnpm dlx``, ``bun x``: unknown (a package's code), except a well-known CLI
  whose package is named as the program (``pnpm exec prisma …``, and ``yarn prisma …`` when
  package.json has no script of that name), judged as that CLI's own command
  (:mod:`._migration_runners`).
- ``npm pack``/``version``/``publish`` run their lifecycle scripts too (``prepack``,
  ``preversion``, ``prepublishOnly``...), judged alike; ``publish`` stays unknown (it sends the
  package away), ``version`` updates ``package.json``.
- ``npm config set KEY VALUE`` (``npm set``) updates the user's ``~/.npmrc``; a setting that
  makes npm run or load something (``script-shell``, ``node-options``...) is unknown, and so is
  such a setting in the project's own ``.npmrc``, the user's ``~/.npmrc``, a ``--userconfig``
  file, given as an option (``--node-options=…``) or an ``npm_config_*`` variable on the line.
  yarn's ``yarn-path``/``yarnPath``/``plugins`` (``.yarnrc``, ``.yarnrc.yml``: every yarn
  command runs them) and pnpm's ``.pnpmfile.cjs`` (loaded on install) are unknown too.
A file or script that is not at hand, or that the line changed before the runner reads it, is
``unknown`` with the reason.

This module reads the command line and says what each subcommand does; the scripts it runs
(by name, lifecycle, install-time) are read and judged in :mod:`._npm_scripts`, and the
settings files that make the runners run code, and ``npm config set``, in :mod:`._npm_settings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.code_settings import NPM_CODE_SETTINGS, shell_setting_effects
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._npm_global import global_removal
from keyturn.understand.shell.commands._npm_scripts import (
    LIFECYCLE,
    install_effects,
    lifecycle_effects,
    package_scripts,
    run_script,
)
from keyturn.understand.shell.commands._npm_settings import (
    config_effects,
    npmrc_settings,
    yarn_settings,
)
from keyturn.understand.shell.commands._runner_files import (
    changed_on_line,
    nothing_to_run,
    unknown_run,
    unreadable_run,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_INSTALL = frozenset({"install", "i", "ci", "add", "isntall", "in", "clean-install", "upgrade"})
_RUN = frozenset({"run", "run-script", "rum", "urn"})
_SCRIPT_SHORTCUTS = {"test": "test", "t": "test", "tst": "test", "start": "start", "stop": "stop"}
_CODE = frozenset({"exec", "x", "dlx", "create", "init", "node"})
_REMOVE = frozenset({"uninstall", "remove", "rm", "un", "r", "unlink"})
_NPM_READS = frozenset(
    {"ls", "list", "view", "info", "show", "outdated", "audit", "why", "config", "help", "root"}
    | {"bin", "search", "doctor", "explain", "prefix", "whoami", "cache", "c", "get"}
)
_NPM_VALUED = frozenset(
    {"--prefix", "-C", "--cwd", "--dir", "-w", "--workspace", "--filter", "-F", "--userconfig"}
    | {"--globalconfig"}
)
# Options that pick workspaces whose own package.json scripts run (npm ``-w X``,
# ``--workspaces``; pnpm ``-r``, ``--filter``; any spelling with a value).
_WORKSPACE_OPTIONS = frozenset(
    {"--workspace", "--workspaces", "-ws", "--recursive", "--filter", "-F"}
    | {"--filter-prod", "--include-workspace-root"}
)
_BOOLEAN_WORDS = frozenset({"true", "false"})


def _split_npm(cmd: SimpleCommand, ctx: ShellContext) -> tuple[str, list[str], set[str]]:
    """(project directory, words, flags) of an npm-like command line. ``--ignore-scripts``
    keeps its value in the flag (``--ignore-scripts=false``; npm takes ``true``/``false`` from
    the next word too); an option naming a settings file is kept as ``--userconfig=FILE``; a
    workspace selection as ``workspaces``."""
    directory = ctx.cwd
    words: list[str] = []
    flags: set[str] = set()
    args = list(cmd.args)
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if arg == "--":
            words += ["--", *args[i + 1 :]]
            break
        if name == "--ignore-scripts" and not eq and args[i + 1 : i + 2] in (["true"], ["false"]):
            flags.add(f"--ignore-scripts={args[i + 1]}")
            i += 2
            continue
        if name in ("--ignore-scripts", "--no-ignore-scripts"):
            given = value if eq else "true"
            flags.add(f"--ignore-scripts={given if name == '--ignore-scripts' else 'false'}")
        elif cmd.name == "pnpm" and name in ("-w", "--workspace-root"):
            flags.add(name)  # pnpm: the workspace's root, the directory's own package.json
        elif cmd.name == "pnpm" and name in ("-r", "--recursive"):
            flags.add("workspaces")
        elif name in _NPM_VALUED:
            if not eq:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            if name in ("--prefix", "-C", "--cwd", "--dir"):
                directory = normalize_path(value, cwd=ctx.cwd)
            elif name in ("--userconfig", "--globalconfig"):
                flags.add(f"--userconfig={normalize_path(value, cwd=ctx.cwd)}")
            else:
                flags.add("workspaces")
        elif name in _WORKSPACE_OPTIONS:
            flags.add("workspaces")
        elif arg.startswith("-"):
            flags.add(name)
        else:
            words.append(arg)
        i += 1
    return directory, words, flags


@command("npm", "yarn", "pnpm")
def npm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Scripts from package.json judged as shell text; installs create node_modules.

    Also understands ``bun run X``/``bun install``/``bun x`` when called for ``bun`` (``bun``
    itself is registered with the interpreters, which hand its runner forms here)."""
    directory, words, flags = _split_npm(cmd, ctx)
    path = f"{directory.rstrip('/')}/package.json"
    found = _npm(cmd, ctx, directory, words, flags, path)
    if found is None:
        return found
    found += _code_settings(cmd, directory, ctx, flags=flags, words=words)
    if not any(a.startswith("--script-shell") for a in cmd.args):
        return found
    shell = _script_shell(cmd)
    return [*found, *shell_setting_effects(shell, f"{cmd.name}'s --script-shell", cmd, ctx)]


def _code_settings(
    cmd: SimpleCommand,
    directory: str,
    ctx: ShellContext,
    *,
    flags: AbstractSet[str] = frozenset(),
    words: Sequence[str] = (),
) -> list[Effect]:
    """npm settings that run or load code, set on the line (``npm_config_node_options=…``,
    ``--node-options=…``), in the project's own ``.npmrc``, the user's ``~/.npmrc`` or a
    ``--userconfig`` file (written there like any file): unknown; so are yarn's and pnpm's own
    files that name code to run. (``script-shell`` on the line is judged as the command it
    names, by :mod:`..code_settings`.)"""
    effects: list[Effect] = []
    for name in cmd.assignments:
        key = name.lower().removeprefix("npm_config_").replace("_", "-")
        if name.lower().startswith("npm_config_") and key in NPM_CODE_SETTINGS - {"script-shell"}:
            effects.append(unknown_effect(cmd, f"${name} makes npm run or load code", ctx))
    for arg in cmd.args:
        key = arg.partition("=")[0].removeprefix("--")
        if arg.startswith("--") and key in NPM_CODE_SETTINGS - {"script-shell", "prefix"}:
            effects.append(unknown_effect(cmd, f"{arg[:80]} makes npm run or load code", ctx))
    npmrcs = [f"{directory.rstrip('/')}/.npmrc", f"{ctx.home.rstrip('/')}/.npmrc"]
    npmrcs += [f.partition("=")[2] for f in flags if f.startswith("--userconfig=")]
    for npmrc in dict.fromkeys(npmrcs):
        effects += npmrc_settings(npmrc, ctx)
    if cmd.name == "yarn":
        effects += yarn_settings(directory, ctx)
    if cmd.name == "pnpm" and (not words or words[0] in _INSTALL | _REMOVE | {"update", "up"}):
        pnpmfile = f"{directory.rstrip('/')}/.pnpmfile.cjs"
        if ctx.files.exists(pnpmfile) or changed_on_line(pnpmfile, ctx):
            reason = f"pnpm loads {pnpmfile} (its hooks are code) when it installs"
            effects.append(unknown_run(reason, pnpmfile, ctx))
    return effects


def _script_shell(cmd: SimpleCommand) -> str | None:
    """The value of ``--script-shell`` (``=VALUE`` or the next word)."""
    args = list(cmd.args)
    for i, arg in enumerate(args):
        if arg.startswith("--script-shell="):
            return arg.partition("=")[2]
        if arg == "--script-shell":
            return args[i + 1] if i + 1 < len(args) else None
    return None


def _npm(
    cmd: SimpleCommand,
    ctx: ShellContext,
    directory: str,
    words: list[str],
    flags: set[str],
    path: str,
) -> list[Effect] | None:
    sub = words[0] if words else ("install" if cmd.name in ("yarn",) else "")
    rest = [w for w in words[1:] if w != "--"]
    scripts = package_scripts(path, ctx)
    if "workspaces" in flags or (cmd.name == "yarn" and sub in ("workspace", "workspaces")):
        # The scripts of the workspaces' own package.json files run: not read here.
        reason = f"{cmd.name} runs the scripts of workspace packages, not read here"
        return with_command([unknown_run(reason, path, ctx)], cmd)
    if sub in ("exec", "dlx") or (sub == "x" and cmd.name == "npm"):
        routed = _routed(cmd, ctx, sub)
        if routed is not None:
            return routed
    if sub in _CODE or (cmd.name == "bun" and sub == "test"):
        return with_command(
            [unknown_run(f"{cmd.name} {sub} runs a package's code", path, ctx)], cmd
        )
    if sub in _INSTALL and _global(cmd, flags):
        # Programs on the PATH, whose names are the packages' to choose (a bin named git or ls
        # is found before the system's): what they replace is not known.
        reason = f"{cmd.name} {sub} --global puts the packages' programs on the PATH"
        return with_command([unknown_run(reason, path, ctx)], cmd)
    if sub in _INSTALL or (sub == "audit" and rest[:1] == ["fix"]):
        packages = [] if sub == "audit" else rest
        return with_command(install_effects(path, packages, flags, scripts, cmd, ctx), cmd)
    if cmd.name == "npm" and sub in LIFECYCLE:
        return with_command(lifecycle_effects(sub, flags, scripts, path, cmd, ctx), cmd)
    if cmd.name == "npm" and (sub == "set" or (sub in ("config", "c") and rest[:1] != ["get"])):
        found = config_effects(rest if sub == "set" else rest[1:], rest[:1], cmd, ctx)
        if found is not None:
            return with_command(found, cmd)
    if sub in _REMOVE and rest and _global(cmd, flags):
        return with_command(global_removal(cmd, ctx, sub, rest), cmd)  # the global prefix's
    if sub in _REMOVE and rest:
        names = [f"file:{directory}/node_modules/{p}" for p in rest]
        effect = Effect(
            effect=EffectKind.DELETE,
            resource=Resource(names=tuple(names), type="file"),
            target=ctx.target,
            service="file",
            operation=f"{cmd.name} {sub}",
        )
        return with_command([effect], cmd)
    if sub in _NPM_READS or (not sub and cmd.name != "yarn"):
        return with_command([nothing_to_run(path, ctx)], cmd)
    if cmd.name == "yarn" and scripts is not None and sub not in scripts:
        routed = _routed(cmd, ctx, "")  # ``yarn prisma``: node_modules/.bin/prisma runs
        if routed is not None:
            return routed
    name = _script_name(cmd.name, sub, rest, scripts)
    if name is None:
        return None
    if scripts is None:
        return with_command([unreadable_run(path, ctx)], cmd)
    extra = rest[1:] if sub in _RUN else rest
    return with_command(run_script(name, extra, scripts, path, cmd, ctx), cmd)


def _routed(cmd: SimpleCommand, ctx: ShellContext, sub: str) -> list[Effect] | None:
    """``npm exec``/``pnpm dlx``/``yarn exec``... of a well-known CLI, judged as that CLI's
    own command (:mod:`._migration_runners`), or ``None``."""
    from keyturn.understand.shell.commands._migration_runners import routed_program

    return routed_program(cmd, ctx, sub=sub)


def _global(cmd: SimpleCommand, flags: set[str]) -> bool:
    """``-g``, ``--global``, ``--location=global`` (or ``--location global``)."""
    args = list(cmd.args)
    located = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--location"]
    return bool(flags & {"-g", "--global"}) or "global" in located or "--location=global" in args


def _script_name(
    program: str, sub: str, rest: list[str], scripts: dict[str, str] | None
) -> str | None:
    """The script a command line runs, or ``None`` when it is not a script run."""
    if sub in _RUN:
        return rest[0] if rest else None
    if sub in _SCRIPT_SHORTCUTS:
        return _SCRIPT_SHORTCUTS[sub]
    if sub == "restart":
        return "restart"
    if program != "npm" and sub:
        return sub  # yarn X / pnpm X / bun X run the script X
    return None
