"""The project's scripts npm-like runners run (``npm``/``yarn``/``pnpm``/``bun``,
:mod:`.runners`): read from ``package.json`` as the line leaves it and judged as the shell text
they are, run in the project's folder with its ``node_modules/.bin`` first on the PATH.

- ``run X`` and its shortcuts: the ``preX``, ``X`` and ``postX`` scripts (:func:`run_script`);
- ``npm pack``/``version``/``publish``: their lifecycle scripts (:func:`lifecycle_effects`);
- an install: a create of ``node_modules``, the project's own install-time scripts (unless
  ``--ignore-scripts``), and unknown for a local package whose scripts run but are not read
  here (:func:`install_effects`).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._runner_files import (
    changed_on_line,
    judge_text,
    nothing_to_run,
    on_file,
    runner_text,
    unknown_run,
    unreadable_run,
)
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.nested import script_file
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# The project's own scripts an install runs, in order (npm 11: all of them; yarn 1 and pnpm a
# subset: the union is judged).
_INSTALL_SCRIPTS = (
    *("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare"),
    "postprepare",
)
# npm's own commands that run lifecycle scripts of the project (npm docs, "scripts"), in order.
LIFECYCLE = {
    "pack": ("prepack", "prepare", "postpack"),
    "version": ("preversion", "version", "postversion"),
    "publish": ("prepublishOnly", "prepack", "prepare", "postpack", "publish", "postpublish"),
}


def package_scripts(path: str, ctx: ShellContext) -> dict[str, str] | None:
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


def run_script(
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


def _ignores_scripts(flags: set[str]) -> bool:
    """Whether ``--ignore-scripts`` is surely on: given, and every time bare or true (npm takes
    the last one; when several disagree the stricter reading is that scripts run)."""
    given = [f.partition("=")[2] for f in flags if f.startswith("--ignore-scripts=")]
    return bool(given) and all(
        Options(frozenset(), {"ignore-scripts": (value,)}, ()).surely_on("ignore-scripts")
        for value in given
    )


def lifecycle_effects(
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
    for name in LIFECYCLE[sub]:
        if name in scripts:
            effects += _judge_script(scripts[name], name, path, cmd, ctx)
    return effects


def install_effects(
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
