"""Package runners: ``npm``/``yarn``/``pnpm``/``bun`` (make: :mod:`.make`; just, task:
:mod:`.task_runners`).

A runner runs text written in a file beside the command. That text is read through
``ctx.files`` and judged as the shell commands it is (``ctx.understand_nested``):
- ``npm run X`` (``npm test``/``start``/``stop``, ``yarn X``, ``pnpm X``, ``bun run X``):
  the ``preX``, ``X`` and ``postX`` scripts of ``package.json`` in the working directory
  (``--prefix``/``-C`` move it).
- ``npm install``/``ci``/``add`` (and yarn/pnpm/bun alike): a create of
  ``file:<dir>/node_modules``, plus the project's own ``preinstall``/``install``/``postinstall``/
  ``prepare`` scripts judged (unless ``--ignore-scripts``, said outright: ``--ignore-scripts
  false`` runs them). The dependencies' own install scripts are code keyturn cannot see; the
  detail says so. A global install (``-g``) is unknown: it puts programs on the PATH under names
  the packages choose. ``npm exec``, ``yarn dlx``, ``pnpm dlx``, ``bun x``: unknown (a package's
  code), except a well-known CLI whose package is named as the program (``pnpm exec prisma
  …``, and ``yarn prisma …`` when package.json has no script of that name), judged as that
  CLI's own command (:mod:`._migration_runners`).
- ``npm pack``/``version``/``publish`` run their lifecycle scripts too (``prepack``,
  ``preversion``, ``prepublishOnly``...), judged alike; ``publish`` stays unknown (it sends the
  package away), ``version`` updates ``package.json``.
- ``npm config set KEY VALUE`` (``npm set``) updates the user's ``~/.npmrc``; a setting that
  makes npm run or load something (``script-shell``, ``node-options``...) is unknown, and so is
  such a setting in the project's own ``.npmrc`` or an ``npm_config_*`` variable on the line.
A file or script that is not at hand is ``unknown`` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.code_settings import NPM_CODE_SETTINGS, shell_setting_effects
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._runner_files import (
    judge_text,
    nothing_to_run,
    on_file,
    unknown_run,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.flags import Options
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
    | {"bin", "search", "doctor", "explain", "prefix", "whoami", "cache", "c", "get"}
)
_NPM_VALUED = frozenset({"--prefix", "-C", "--cwd", "--dir", "-w", "--workspace", "--filter"})
# npm's own commands that run lifecycle scripts of the project (npm docs, "scripts"), in order.
_LIFECYCLE = {
    "pack": ("prepack", "prepare", "postpack"),
    "version": ("preversion", "version", "postversion"),
    "publish": ("prepublishOnly", "prepack", "prepare", "postpack", "publish", "postpublish"),
}
_BOOLEAN_WORDS = frozenset({"true", "false"})


def _split_npm(cmd: SimpleCommand, ctx: ShellContext) -> tuple[str, list[str], set[str]]:
    """(project directory, words, flags) of an npm-like command line. ``--ignore-scripts``
    keeps its value in the flag (``--ignore-scripts=false``; npm takes ``true``/``false`` from
    the next word too)."""
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
        elif name in _NPM_VALUED:
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
    if found is None:
        return found
    found += _code_settings(cmd, directory, ctx)
    if not any(a.startswith("--script-shell") for a in cmd.args):
        return found
    shell = _script_shell(cmd)
    return [*found, *shell_setting_effects(shell, f"{cmd.name}'s --script-shell", cmd, ctx)]


def _ignores_scripts(flags: set[str]) -> bool:
    """Whether ``--ignore-scripts`` is surely on: given, and every time bare or true (npm takes
    the last one; when several disagree the stricter reading is that scripts run)."""
    given = [f.partition("=")[2] for f in flags if f.startswith("--ignore-scripts=")]
    return bool(given) and all(
        Options(frozenset(), {"ignore-scripts": (value,)}, ()).surely_on("ignore-scripts")
        for value in given
    )


def _code_settings(cmd: SimpleCommand, directory: str, ctx: ShellContext) -> list[Effect]:
    """npm settings that run or load code, set on the line (``npm_config_node_options=…``) or
    in the project's own ``.npmrc`` (written there like any file): unknown. (``script-shell``
    on the line is judged as the command it names, by :mod:`..code_settings`.)"""
    effects: list[Effect] = []
    for name in cmd.assignments:
        key = name.lower().removeprefix("npm_config_").replace("_", "-")
        if name.lower().startswith("npm_config_") and key in NPM_CODE_SETTINGS - {"script-shell"}:
            effects.append(unknown_effect(cmd, f"${name} makes npm run or load code", ctx))
    npmrc = f"{directory.rstrip('/')}/.npmrc"
    for line in (ctx.files.read_text(npmrc, limit=65_536) or "").splitlines():
        key = line.partition("=")[0].strip().lower()
        if key in NPM_CODE_SETTINGS:
            reason = f"{npmrc} sets {key}, which makes npm run or load code"
            effects.append(unknown_run(reason, npmrc, ctx))
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
    scripts = _scripts(path, ctx)
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
        return with_command(_install(directory, path, packages, flags, scripts, ctx), cmd)
    if cmd.name == "npm" and sub in _LIFECYCLE:
        return with_command(_lifecycle(sub, flags, scripts, path, cmd, ctx), cmd)
    if cmd.name == "npm" and (sub == "set" or (sub in ("config", "c") and rest[:1] != ["get"])):
        found = _config(rest if sub == "set" else rest[1:], rest[:1], cmd, ctx)
        if found is not None:
            return with_command(found, cmd)
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
        return with_command([unknown_run(f"{path} could not be read", path, ctx)], cmd)
    extra = rest[1:] if sub in _RUN else rest
    return with_command(_run_script(name, extra, scripts, path, ctx), cmd)


def _routed(cmd: SimpleCommand, ctx: ShellContext, sub: str) -> list[Effect] | None:
    """``npm exec``/``pnpm dlx``/``yarn exec``... of a well-known CLI, judged as that CLI's
    own command (:mod:`._migration_runners`), or ``None``."""
    from keyturn.understand.shell.commands._migration_runners import routed_program

    return routed_program(cmd, ctx, sub=sub)


def _lifecycle(
    sub: str,
    flags: set[str],
    scripts: dict[str, str] | None,
    path: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect]:
    """``npm pack``/``version``/``publish``: the lifecycle scripts they run, judged."""
    effects: list[Effect] = [nothing_to_run(path, ctx)]
    if sub == "version":
        detail = "the new version is written into package.json"
        effects = [on_file(EffectKind.UPDATE, path, ctx, operation="npm version", detail=detail)]
    if sub == "publish":
        reason = "npm publish sends the package to a registry"
        effects.append(unknown_run(reason, path, ctx))
    if _ignores_scripts(flags):
        return effects
    if scripts is None:
        return [*effects, unknown_run(f"{path} could not be read", path, ctx)]
    for name in _LIFECYCLE[sub]:
        if name in scripts:
            effects += judge_text(scripts[name], f"script {name!r}", path, ctx)
    return effects


def _config(
    rest: list[str], action: list[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect] | None:
    """``npm config set|delete|edit …`` (``rest``: the words after the action; ``action``
    empty for ``npm set``): an update of the user's ``.npmrc`` (unknown for the global one or
    an editor), and unknown for a setting that runs or loads code. ``None``: a reading form."""
    if action and action[0] not in ("set", "delete", "rm", "edit", "fix"):
        return None
    located = "global" if {"-g", "--global", "--location=global"} & set(cmd.args) else "user"
    if "--location=project" in cmd.args:
        located = "project"
    if action[:1] == ["edit"] or located == "global":
        return [unknown_effect(cmd, f"npm config {located} settings changed", ctx)]
    npmrc = f"{ctx.home.rstrip('/')}/.npmrc" if located == "user" else f"{ctx.cwd}/.npmrc"
    effects = [
        on_file(EffectKind.UPDATE, npmrc, ctx, operation="npm config", detail="npm settings")
    ]
    for word in (w for w in rest if not w.startswith("-")):
        key = word.partition("=")[0].strip().lower()
        if key in NPM_CODE_SETTINGS:
            effects.append(unknown_effect(cmd, f"npm's {key} setting runs or loads code", ctx))
    return effects


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
            detail=detail if not _ignores_scripts(flags) else "",
        )
    ]
    if _ignores_scripts(flags) or packages:
        return effects
    if scripts is None:
        return [*effects, unknown_run(f"{path} could not be read", path, ctx)]
    for name in _INSTALL_SCRIPTS:
        if name in scripts:
            effects += judge_text(scripts[name], f"script {name!r}", path, ctx)
    return effects
