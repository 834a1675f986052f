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
  ``postprepare``, :data:`_INSTALL_SCRIPTS`) judged (unless ``--ignore-scripts``, said outright:
  ``--ignore-scripts false`` runs them). The dependencies' own install scripts are code keyturn
  cannot see; the detail says so. A local package (``npm install ./dir``, ``.``, a ``file:`` or
  ``link:`` dependency) runs scripts of a folder beside the project: unknown, the project
  itself (``.``) aside, whose scripts are judged. A global install (``-g``) is unknown: it puts
  programs on the PATH under names the packages choose; a global removal deletes from the
  global prefix, not the project (:mod:`._npm_global`). ``npm exec``, ``yarn dlx``, ``pnpm
  dlx``, ``bun x``: unknown (a package's code), except a well-known CLI whose package is named
  as the program (``pnpm exec prisma …``, and ``yarn prisma …`` when package.json has no
  script of that name), judged as that CLI's own command (:mod:`._migration_runners`).
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
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.code_settings import NPM_CODE_SETTINGS, shell_setting_effects
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._npm_global import global_removal
from keyturn.understand.shell.commands._runner_files import (
    changed_on_line,
    judge_text,
    nothing_to_run,
    on_file,
    runner_text,
    unknown_run,
    unreadable_run,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.nested import script_file
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.words import normalize_path

_INSTALL = frozenset({"install", "i", "ci", "add", "isntall", "in", "clean-install", "upgrade"})
# The project's own scripts an install runs, in order (npm 11: all of them; yarn 1 and pnpm a
# subset: the union is judged).
_INSTALL_SCRIPTS = (
    *("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare"),
    "postprepare",
)
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


def _scripts(path: str, ctx: ShellContext) -> dict[str, str] | None:
    """The scripts of ``package.json`` at ``path`` as the line leaves it; ``None`` when it
    cannot be read (or the line changed it in a way not known)."""
    data = _package(path, ctx)
    if data is None:
        return None
    scripts = data.get("scripts")
    return (
        {k: v for k, v in scripts.items() if isinstance(v, str)}
        if isinstance(scripts, dict)
        else {}
    )


def _package(path: str, ctx: ShellContext) -> dict[str, object] | None:
    """``package.json`` at ``path`` as the line leaves it, or ``None``."""
    text = runner_text(path, ctx)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else {}


def _run_script(
    name: str,
    extra: Sequence[str],
    scripts: dict[str, str],
    path: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect]:
    if name not in scripts:
        return [unknown_run(f"no script {name!r} in {path}", path, ctx)]
    effects: list[Effect] = []
    for step in (f"pre{name}", name, f"post{name}"):
        if step in scripts:
            text = scripts[step] + ("".join(f" '{a}'" for a in extra) if step == name else "")
            effects += _judge_script(text, step, path, cmd, ctx)
    return effects


def _judge_script(
    text: str, name: str, path: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The effects of the script ``name`` of ``package.json`` at ``path``: its text run in the
    project's directory, with the project's ``node_modules/.bin`` first on the PATH."""
    directory = posixpath.dirname(path)
    effects = judge_text(text, f"script {name!r}", path, ctx, cwd=directory)
    return effects + _bin_runs(text, directory, cmd, ctx)


# The words of a script that may name a program (its command words among them).
_WORD = re.compile(r"[A-Za-z0-9_.+@-]+")
_MAX_BIN_LOOKUPS = 256


def _bin_runs(text: str, directory: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What a script's words run from ``node_modules/.bin``: npm (yarn, pnpm) puts the
    ``.bin`` folder of the project and of each folder above it first on the PATH, so a word
    found there that the script runs as a command is that file, not the system's program. Every
    word of the script found there is taken as run (a stricter reading than its command words
    alone): judged as the script file it is."""
    folders: list[str] = []
    here = directory
    while True:
        folder = f"{here.rstrip('/')}/node_modules/.bin"
        if ctx.files.is_dir(folder) or any(p.startswith(folder + "/") for p in ctx.written):
            folders.append(folder)
        if here in ("/", ""):
            break
        here = posixpath.dirname(here)
    if not folders:
        return []
    effects: list[Effect] = []
    looked = 0
    for word in dict.fromkeys(_WORD.findall(text)):
        for folder in folders:
            looked += 1
            if looked > _MAX_BIN_LOOKUPS:
                reason = f"too many words to look up in {folder}: what the script runs is not known"
                return [*effects, unknown_run(reason, folder, ctx)]
            program = f"{folder}/{word}"
            if ctx.files.exists(program) or changed_on_line(program, ctx):
                effects += _bin_program(program, directory, cmd, ctx)
                break  # the first folder on the PATH holding it is the one that runs
    return effects


def _bin_program(
    program: str, directory: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """A run of ``node_modules/.bin`` file ``program``: its text judged when it is a shell
    script, else unknown."""
    script = script_file(program, cmd, ctx, index=0)
    if script.text is None:
        return [unknown_run(f"the script runs {program}: {script.reason}", program, ctx)]
    return judge_text(script.text, program, program, ctx, cwd=directory)


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


def _ignores_scripts(flags: set[str]) -> bool:
    """Whether ``--ignore-scripts`` is surely on: given, and every time bare or true (npm takes
    the last one; when several disagree the stricter reading is that scripts run)."""
    given = [f.partition("=")[2] for f in flags if f.startswith("--ignore-scripts=")]
    return bool(given) and all(
        Options(frozenset(), {"ignore-scripts": (value,)}, ()).surely_on("ignore-scripts")
        for value in given
    )


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
        effects += _npmrc_settings(npmrc, ctx)
    if cmd.name == "yarn":
        effects += _yarn_settings(directory, ctx)
    if cmd.name == "pnpm" and (not words or words[0] in _INSTALL | _REMOVE | {"update", "up"}):
        pnpmfile = f"{directory.rstrip('/')}/.pnpmfile.cjs"
        if ctx.files.exists(pnpmfile) or changed_on_line(pnpmfile, ctx):
            reason = f"pnpm loads {pnpmfile} (its hooks are code) when it installs"
            effects.append(unknown_run(reason, pnpmfile, ctx))
    return effects


def _npmrc_settings(npmrc: str, ctx: ShellContext) -> list[Effect]:
    """Unknown for each setting in ``npmrc`` that makes npm run or load code (or when the line
    changed the file in a way not known)."""
    text = runner_text(npmrc, ctx, limit=65_536)
    if text is None:
        return [unreadable_run(npmrc, ctx)] if changed_on_line(npmrc, ctx) else []
    effects: list[Effect] = []
    for line in text.splitlines():
        key = line.partition("=")[0].strip().lower()
        if key in NPM_CODE_SETTINGS:
            reason = f"{npmrc} sets {key}, which makes npm run or load code"
            effects.append(unknown_run(reason, npmrc, ctx))
    return effects


# yarn's settings that name code every yarn command runs: yarn 1's ``yarn-path`` (.yarnrc),
# yarn 2+'s ``yarnPath`` and ``plugins`` (.yarnrc.yml).
_YARN_CODE = re.compile(r"^\s*[\"']?(yarn-path|yarnPath|plugins)\b", re.MULTILINE)


def _yarn_settings(directory: str, ctx: ShellContext) -> list[Effect]:
    """Unknown for a ``.yarnrc``/``.yarnrc.yml`` in the project, a folder above it or the home
    folder that names code yarn runs."""
    places = [directory]
    while places[-1] not in ("/", "") and len(places) < 64:
        places.append(posixpath.dirname(places[-1]))
    places.append(ctx.home)
    effects: list[Effect] = []
    for place in dict.fromkeys(places):
        for name in (".yarnrc", ".yarnrc.yml"):
            path = f"{place.rstrip('/')}/{name}"
            text = runner_text(path, ctx, limit=65_536)
            if text is None and changed_on_line(path, ctx):
                effects.append(unreadable_run(path, ctx))
            elif text is not None and (found := _YARN_CODE.search(text)) is not None:
                reason = f"{path} sets {found.group(1)}: yarn runs the code it names"
                effects.append(unknown_run(reason, path, ctx))
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
        return with_command(_install(path, packages, flags, scripts, cmd, ctx), cmd)
    if cmd.name == "npm" and sub in _LIFECYCLE:
        return with_command(_lifecycle(sub, flags, scripts, path, cmd, ctx), cmd)
    if cmd.name == "npm" and (sub == "set" or (sub in ("config", "c") and rest[:1] != ["get"])):
        found = _config(rest if sub == "set" else rest[1:], rest[:1], cmd, ctx)
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
    return with_command(_run_script(name, extra, scripts, path, cmd, ctx), cmd)


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
        return [*effects, unreadable_run(path, ctx)]
    for name in _LIFECYCLE[sub]:
        if name in scripts:
            effects += _judge_script(scripts[name], name, path, cmd, ctx)
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
    path: str,
    packages: list[str],
    flags: set[str],
    scripts: dict[str, str] | None,
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect]:
    directory = posixpath.dirname(path)
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
    if _ignores_scripts(flags):
        return effects
    local = [p for p in packages if _local_package(p)]
    if packages and not any(normalize_path(p, cwd=directory) == directory for p in local):
        # Named packages from a registry: the project's own scripts are not run for them.
        return effects + [_local_install(p, path, ctx) for p in local]
    if scripts is None:
        return [*effects, unreadable_run(path, ctx)]
    effects += [_local_install(p, path, ctx) for p in local if p not in (".", "./")]
    effects += _local_dependencies(path, ctx)
    for name in _INSTALL_SCRIPTS:
        if name in scripts:
            effects += _judge_script(scripts[name], name, path, cmd, ctx)
    return effects


# How a package spec names a folder or archive beside the project (npm's "folder", "tarball
# file" and ``file:``/``link:`` specs).
_LOCAL_SPEC = re.compile(r"(?:file:|link:|portal:|\.{1,2}(?:/|\Z)|/|~)")


def _local_package(spec: str) -> bool:
    """Whether the install spec ``spec`` is a local folder or archive (its scripts run)."""
    aliased = re.search(r"@(?=file:|link:|portal:)", spec)  # ``name@file:../x``
    return _LOCAL_SPEC.match(spec[aliased.end() :] if aliased else spec) is not None


def _local_install(spec: str, path: str, ctx: ShellContext) -> Effect:
    reason = f"installs the local package {spec[:80]}: its own install scripts run, not read here"
    return unknown_run(reason, path, ctx)


def _local_dependencies(path: str, ctx: ShellContext) -> list[Effect]:
    """Unknown for each dependency of ``package.json`` at ``path`` that is a local folder
    (``"e": "file:./evil"``): installing it runs that folder's scripts."""
    data = _package(path, ctx) or {}
    effects: list[Effect] = []
    for group in ("dependencies", "devDependencies", "optionalDependencies"):
        deps = data.get(group)
        if not isinstance(deps, dict):
            continue
        for name, spec in deps.items():
            if isinstance(spec, str) and spec.startswith(("file:", "link:", "portal:")):
                effects.append(_local_install(f"{name}@{spec}", path, ctx))
    return effects
