"""Package runners: ``npm``/``yarn``/``pnpm``/``bun`` (make: :mod:`.make`; just, task:
:mod:`.task_runners`).

A runner runs text written in a file beside the command. That text is read through
``ctx.files`` and judged as the shell commands it is (``ctx.understand_nested``):
- ``npm run X`` (``npm test``/``start``/``stop``, ``yarn X``, ``pnpm X``, ``bun run X``):
  the ``preX``, ``X`` and ``postX`` scripts of ``package.json`` in the working directory
  (``--prefix``/``-C`` move it).
- ``npm install``/``ci``/``add`` (and yarn/pnpm/bun alike): a create of
  ``file:<dir>/node_modules``, plus the project's own ``preinstall``/``install``/``postinstall``/
  ``prepare`` scripts judged (unless ``--ignore-scripts``). The dependencies' own install scripts
  are code keyturn cannot see; the detail says so. A global install (``-g``) is unknown: it puts
  programs on the PATH under names the packages choose. ``npm exec``, ``yarn dlx``, ``pnpm dlx``,
  ``bun x``: unknown (a package's code).
A file or script that is not at hand is ``unknown`` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.code_settings import shell_setting_effects
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._runner_files import (
    judge_text,
    nothing_to_run,
    unknown_run,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.words import normalize_path

_INSTALL = frozenset({"install", "i", "ci", "add", "isntall", "in", "clean-install", "upgrade"})
_INSTALL_SCRIPTS = ("preinstall", "install", "postinstall", "prepare")
_RUN = frozenset({"run", "run-script", "rum", "urn"})
_SCRIPT_SHORTCUTS = {"test": "test", "t": "test", "tst": "test", "start": "start", "stop": "stop"}
_CODE = frozenset({"exec", "x", "dlx", "create", "init", "node"})
_REMOVE = frozenset({"uninstall", "remove", "rm", "un", "r", "unlink"})
_NPM_READS = frozenset(
    {"ls", "list", "view", "info", "show", "outdated", "audit", "why", "config", "help", "root"}
    | {"bin", "search", "doctor", "pack", "explain", "prefix", "version", "whoami", "cache"}
)
_NPM_VALUED = frozenset({"--prefix", "-C", "--cwd", "--dir", "-w", "--workspace", "--filter"})


def _split_npm(cmd: SimpleCommand, ctx: ShellContext) -> tuple[str, list[str], set[str]]:
    """(project directory, words, flags) of an npm-like command line."""
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
        if name in _NPM_VALUED:
            if not eq:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            if name in ("--prefix", "-C", "--cwd", "--dir"):
                directory = normalize_path(value, cwd=ctx.cwd)
        elif (arg.startswith("-") and not words) or arg.startswith("-"):
            flags.add(name)
        else:
            words.append(arg)
        i += 1
    return directory, words, flags


def _scripts(path: str, ctx: ShellContext) -> dict[str, str] | None:
    text = ctx.files.read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return (
        {k: v for k, v in scripts.items() if isinstance(v, str)}
        if isinstance(scripts, dict)
        else {}
    )


def _run_script(
    name: str, extra: Sequence[str], scripts: dict[str, str], path: str, ctx: ShellContext
) -> list[Effect]:
    if name not in scripts:
        return [unknown_run(f"no script {name!r} in {path}", path, ctx)]
    effects: list[Effect] = []
    for step in (f"pre{name}", name, f"post{name}"):
        if step in scripts:
            text = scripts[step] + ("".join(f" '{a}'" for a in extra) if step == name else "")
            effects += judge_text(text, f"script {step!r}", path, ctx)
    return effects


@command("npm", "yarn", "pnpm")
def npm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Scripts from package.json judged as shell text; installs create node_modules.

    Also understands ``bun run X``/``bun install``/``bun x`` when called for ``bun`` (``bun``
    itself is registered with the interpreters, which hand its runner forms here)."""
    directory, words, flags = _split_npm(cmd, ctx)
    path = f"{directory.rstrip('/')}/package.json"
    found = _npm(cmd, ctx, directory, words, flags, path)
    if found is None or not any(a.startswith("--script-shell") for a in cmd.args):
        return found
    shell = _script_shell(cmd)
    return [*found, *shell_setting_effects(shell, f"{cmd.name}'s --script-shell", cmd, ctx)]


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
    scripts = _scripts(path, ctx)
    if sub in _CODE or (cmd.name == "bun" and sub == "test"):
        return with_command(
            [unknown_run(f"{cmd.name} {sub} runs a package's code", path, ctx)], cmd
        )
    if sub in _INSTALL and _global(cmd, flags):
        # Programs on the PATH, whose names are the packages' to choose (a bin named git or ls
        # is found before the system's): what they replace is not known.
        reason = f"{cmd.name} {sub} --global puts the packages' programs on the PATH"
        return with_command([unknown_run(reason, path, ctx)], cmd)
    if sub in _INSTALL:
        return with_command(_install(directory, path, rest, flags, scripts, ctx), cmd)
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
    name = _script_name(cmd.name, sub, rest, scripts)
    if name is None:
        return None
    if scripts is None:
        return with_command([unknown_run(f"{path} could not be read", path, ctx)], cmd)
    extra = rest[1:] if sub in _RUN else rest
    return with_command(_run_script(name, extra, scripts, path, ctx), cmd)


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


def _install(
    directory: str,
    path: str,
    packages: list[str],
    flags: set[str],
    scripts: dict[str, str] | None,
    ctx: ShellContext,
) -> list[Effect]:
    detail = "the installed packages' own install scripts run too"
    modules = f"file:{directory}/node_modules"
    effects = [
        Effect(
            effect=EffectKind.CREATE,
            resource=Resource(names=(modules,), type="file"),
            target=ctx.target,
            service="file",
            operation="install",
            detail=detail if "--ignore-scripts" not in flags else "",
        )
    ]
    if "--ignore-scripts" in flags or packages:
        return effects
    if scripts is None:
        return [*effects, unknown_run(f"{path} could not be read", path, ctx)]
    for name in _INSTALL_SCRIPTS:
        if name in scripts:
            effects += judge_text(scripts[name], f"script {name!r}", path, ctx)
    return effects
