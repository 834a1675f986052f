"""Package and task runners: ``npm``/``yarn``/``pnpm``/``bun``, ``make``, ``just``, ``task``.

A runner runs text written in a file beside the command. That text is read through
``ctx.files`` and judged as the shell commands it is (``ctx.understand_nested``):
- ``npm run X`` (``npm test``/``start``/``stop``, ``yarn X``, ``pnpm X``, ``bun run X``):
  the ``preX``, ``X`` and ``postX`` scripts of ``package.json`` in the working directory
  (``--prefix``/``-C`` move it).
- ``npm install``/``ci``/``add`` (and yarn/pnpm/bun alike): a create of
  ``file:<dir>/node_modules``, plus the project's own ``preinstall``/``install``/``postinstall``/
  ``prepare`` scripts judged (unless ``--ignore-scripts``). The dependencies' own install scripts
  are code keyturn cannot see; the detail says so. ``npm exec``, ``yarn dlx``, ``pnpm dlx``,
  ``bun x``: unknown (a package's code).
- ``make [-C DIR] [-f FILE] [VAR=v] [TARGET...]``: each recipe line of the target (default: the
  first) and, depth first, of its prerequisites, after variable substitution (:mod:`._makefile`).
  ``make -n`` only prints: a read.
- ``just [RECIPE [ARGS]]`` (justfile recipes and their dependencies), ``task [TASK]``
  (Taskfile.yml ``tasks.X.cmds`` and ``deps``).
A file, script, target or recipe that is not at hand is ``unknown`` with the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._makefile import (
    Recipe,
    Rules,
    expand,
    parse_justfile,
    parse_makefile,
    strip_prefix,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.words import normalize_path

_MAX_DEPTH = 8  # nested runner calls (a script that runs npm run ...) stop here


def _unknown(reason: str, path: str, ctx: ShellContext) -> Effect:
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=(f"file:{path}",), type="file"),
        target=ctx.target,
        service="shell",
        operation="run",
        detail=reason,
    )


def _judge(text: str, origin: str, path: str, ctx: ShellContext) -> list[Effect]:
    """The effects of one shell text taken from ``path``."""
    if ctx.understand_nested is None or ctx.depth > _MAX_DEPTH:
        return [_unknown(f"{origin} runs shell text not judged here", path, ctx)]
    return ctx.understand_nested(text)


def _read(path: str, ctx: ShellContext) -> Effect:
    return Effect(
        effect=EffectKind.READ,
        resource=Resource(names=(f"file:{path}",), type="file"),
        target=ctx.target,
        service="file",
        operation="run",
        detail="nothing to run",
    )


# --- npm, yarn, pnpm, bun -------------------------------------------------------------------

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
        return [_unknown(f"no script {name!r} in {path}", path, ctx)]
    effects: list[Effect] = []
    for step in (f"pre{name}", name, f"post{name}"):
        if step in scripts:
            text = scripts[step] + ("".join(f" '{a}'" for a in extra) if step == name else "")
            effects += _judge(text, f"script {step!r}", path, ctx)
    return effects


@command("npm", "yarn", "pnpm")
def npm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Scripts from package.json judged as shell text; installs create node_modules.

    Also understands ``bun run X``/``bun install``/``bun x`` when called for ``bun`` (``bun``
    itself is registered with the interpreters, which hand its runner forms here)."""
    directory, words, flags = _split_npm(cmd, ctx)
    path = f"{directory.rstrip('/')}/package.json"
    sub = words[0] if words else ("install" if cmd.name in ("yarn",) else "")
    rest = [w for w in words[1:] if w != "--"]
    scripts = _scripts(path, ctx)
    if sub in _CODE or (cmd.name == "bun" and sub == "test"):
        return with_command([_unknown(f"{cmd.name} {sub} runs a package's code", path, ctx)], cmd)
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
        return with_command([_read(path, ctx)], cmd)
    name = _script_name(cmd.name, sub, rest, scripts)
    if name is None:
        return None
    if scripts is None:
        return with_command([_unknown(f"{path} could not be read", path, ctx)], cmd)
    extra = rest[1:] if sub in _RUN else rest
    return with_command(_run_script(name, extra, scripts, path, ctx), cmd)


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
        return [*effects, _unknown(f"{path} could not be read", path, ctx)]
    for name in _INSTALL_SCRIPTS:
        if name in scripts:
            effects += _judge(scripts[name], f"script {name!r}", path, ctx)
    return effects


# --- make -------------------------------------------------------------------------------------

_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")


@command("make", "gmake")
def make(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``make [-C DIR] [-f FILE] [-n] [VAR=value] [TARGET...]``."""
    directory, files, targets, overrides, dry = ctx.cwd, [], [], {}, False
    args = list(cmd.args)
    i = 0
    while i < len(args):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        if arg in ("-C", "--directory") or arg.startswith(("-C", "--directory=")):
            given = arg.split("=", 1)[1] if "=" in arg else (arg[2:] if arg[2:] else value)
            directory = normalize_path(given, cwd=directory)
            i += 0 if "=" in arg or arg[2:] else 1
        elif arg in ("-f", "--file", "--makefile") or arg.startswith(("-f", "--file=")):
            given = arg.split("=", 1)[1] if "=" in arg else (arg[2:] if arg[2:] else value)
            files.append(given)
            i += 0 if "=" in arg or arg[2:] else 1
        elif arg in ("-n", "--dry-run", "--just-print", "--recon"):
            dry = True
        elif arg in ("-j", "-l", "-o", "-W", "-I"):
            i += 1
        elif "=" in arg and not arg.startswith("-"):
            key, _, val = arg.partition("=")
            overrides[key] = val
        elif not arg.startswith("-"):
            targets.append(arg)
        i += 1
    paths = [normalize_path(f, cwd=directory) for f in files] or [
        f"{directory.rstrip('/')}/{name}" for name in _MAKEFILES
    ]
    path, text = next(
        ((p, t) for p in paths if (t := ctx.files.read_text(p)) is not None), (paths[-1], None)
    )
    if text is None:
        return with_command([_unknown(f"no Makefile readable at {paths[-1]}", paths[-1], ctx)], cmd)
    if dry:
        return with_command([_read(path, ctx)], cmd)
    rules = parse_makefile(text)
    rules.variables.update(overrides)
    effects: list[Effect] = []
    seen: set[str] = set()
    for target in targets or [rules.default or ""]:
        effects += _make_target(target, rules, path, ctx, seen, 0)
    return with_command(effects or [_read(path, ctx)], cmd)


def _make_target(
    target: str, rules: Rules, path: str, ctx: ShellContext, seen: set[str], depth: int
) -> list[Effect]:
    if target in seen:
        return []
    seen.add(target)
    if target not in rules.recipes:
        if depth > 0:
            return []  # a prerequisite that is a plain file
        return [_unknown(f"no rule for target {target!r} in {path}", path, ctx)]
    effects: list[Effect] = []
    if depth < _MAX_DEPTH:
        for prereq in rules.prereqs.get(target, []):
            effects += _make_target(prereq, rules, path, ctx, seen, depth + 1)
    prereqs = rules.prereqs.get(target, [])
    auto = {"@": target, "<": prereqs[0] if prereqs else "", "^": " ".join(prereqs), "*": ""}
    env_vars = {**dict(ctx.env), **rules.variables}
    for line in rules.recipes[target]:
        text = expand(strip_prefix(line), env_vars, auto)
        if text is None:
            reason = f"recipe of {target!r} uses a make function: {line.strip()[:60]}"
            effects.append(_unknown(reason, path, ctx))
        elif text.strip():
            effects += _judge(text, f"make {target}", path, ctx)
    return effects


# --- just, task -------------------------------------------------------------------------------

_JUSTFILES = ("justfile", "Justfile", ".justfile", "JUSTFILE")


@command("just")
def just(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``just [-f FILE] [-d DIR] [RECIPE [ARGS...]]``."""
    args = list(cmd.args)
    files, directory, words = [], ctx.cwd, []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-f", "--justfile") and i + 1 < len(args):
            files.append(normalize_path(args[i + 1], cwd=ctx.cwd))
            i += 1
        elif arg in ("-d", "--working-directory") and i + 1 < len(args):
            directory = normalize_path(args[i + 1], cwd=ctx.cwd)
            i += 1
        elif arg in ("-l", "--list", "--summary", "--show", "--dump", "-n", "--dry-run"):
            words = ["--list"]
            break
        elif not arg.startswith("-"):
            words.append(arg)
        i += 1
    paths = files or [f"{directory.rstrip('/')}/{n}" for n in _JUSTFILES]
    found = next(((p, t) for p in paths if (t := ctx.files.read_text(p)) is not None), None)
    if found is None:
        return with_command([_unknown("no justfile readable", paths[0], ctx)], cmd)
    path, text = found
    if words[:1] == ["--list"]:
        return with_command([_read(path, ctx)], cmd)
    recipes, variables, default = parse_justfile(text)
    name = words[0] if words else (default or "")
    effects = _just_recipe(name, words[1:], recipes, variables, path, ctx, set())
    return with_command(effects or [_read(path, ctx)], cmd)


def _just_recipe(
    name: str,
    args: list[str],
    recipes: dict[str, Recipe],
    variables: dict[str, str],
    path: str,
    ctx: ShellContext,
    seen: set[str],
) -> list[Effect]:
    recipe = recipes.get(name)
    if recipe is None:
        return [_unknown(f"no recipe {name!r} in {path}", path, ctx)]
    if name in seen or len(seen) > 32:
        return []
    seen.add(name)
    effects: list[Effect] = []
    for dep in recipe.deps:
        if dep in recipes:
            effects += _just_recipe(dep, [], recipes, variables, path, ctx, seen)
    values = {**variables, **recipe.defaults}
    values.update(zip(recipe.params, args, strict=False))
    body = recipe.body
    if body and body[0].startswith("#!") and not any(s in body[0] for s in ("sh", "bash")):
        return [*effects, _unknown(f"recipe {name!r} runs {body[0][2:].strip()}", path, ctx)]
    for line in body[1:] if body and body[0].startswith("#!") else body:
        text = _interpolate(strip_prefix(line), values)
        if text.strip() and not text.lstrip().startswith("#"):
            effects += _judge(text, f"just {name}", path, ctx)
    return effects


def _interpolate(text: str, values: dict[str, str]) -> str:
    """``{{name}}`` (just) and ``{{.NAME}}`` (task) replaced by their values."""
    return _TEMPLATE.sub(lambda m: values.get(m.group(1), ""), text)


_TEMPLATE = re.compile(r"\{\{\s*\.?([A-Za-z_][\w-]*)\s*\}\}")
_TASKFILES = ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml", "Taskfile.dist.yml")


@command("task", "go-task")
def task(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``task [-d DIR] [-t FILE] [TASK...]``: Taskfile ``cmds`` and ``deps``."""
    args = list(cmd.args)
    directory, files, names = ctx.cwd, [], []
    for i, arg in enumerate(args):
        value = args[i + 1] if i + 1 < len(args) else ""
        if arg in ("-d", "--dir"):
            directory = normalize_path(value, cwd=ctx.cwd)
        elif arg in ("-t", "--taskfile"):
            files.append(normalize_path(value, cwd=ctx.cwd))
        elif arg in ("-l", "--list", "--list-all", "-n", "--dry", "--summary"):
            names = ["--list"]
        elif not arg.startswith("-") and (i == 0 or args[i - 1] not in ("-d", "--dir", "-t")):
            names.append(arg)
    paths = files or [f"{directory.rstrip('/')}/{n}" for n in _TASKFILES]
    found = next(((p, t) for p in paths if (t := ctx.files.read_text(p)) is not None), None)
    if found is None:
        return with_command([_unknown("no Taskfile readable", paths[0], ctx)], cmd)
    path, text = found
    if names[:1] == ["--list"]:
        return with_command([_read(path, ctx)], cmd)
    tasks, variables = _taskfile(text)
    if tasks is None:
        return with_command(
            [_unknown(f"{path} is not a Taskfile keyturn can read", path, ctx)], cmd
        )
    effects: list[Effect] = []
    seen: set[str] = set()
    for name in [n for n in names if "=" not in n] or ["default"]:
        effects += _task(name, tasks, variables, path, ctx, seen)
    return with_command(effects or [_read(path, ctx)], cmd)


def _taskfile(text: str) -> tuple[dict[str, Any] | None, dict[str, str]]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None, {}
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), dict):
        return None, {}
    raw_vars = data.get("vars")
    raw_vars = raw_vars if isinstance(raw_vars, dict) else {}
    variables = {str(k): str(v) for k, v in raw_vars.items() if isinstance(v, (str, int))}
    return data["tasks"], variables


def _task(
    name: str,
    tasks: dict[str, Any],
    variables: dict[str, str],
    path: str,
    ctx: ShellContext,
    seen: set[str],
) -> list[Effect]:
    spec = tasks.get(name)
    if spec is None:
        return [_unknown(f"no task {name!r} in {path}", path, ctx)]
    if name in seen or len(seen) > 32:
        return []
    seen.add(name)
    if isinstance(spec, (str, list)):
        spec = {"cmds": spec if isinstance(spec, list) else [spec]}
    if not isinstance(spec, dict):
        return [_unknown(f"task {name!r} not understood", path, ctx)]
    local = spec.get("vars")
    local = local if isinstance(local, dict) else {}
    values = {**variables, **{str(k): str(v) for k, v in local.items() if isinstance(v, str)}}
    effects: list[Effect] = []
    for dep in spec.get("deps") or []:
        dep_name = dep.get("task") if isinstance(dep, dict) else dep
        effects += _task(str(dep_name), tasks, variables, path, ctx, seen)
    for step in spec.get("cmds") or []:
        if isinstance(step, dict) and "task" in step:
            effects += _task(str(step["task"]), tasks, variables, path, ctx, seen)
            continue
        text = step.get("cmd") if isinstance(step, dict) else step
        if not isinstance(text, str):
            effects.append(_unknown(f"a step of task {name!r} not understood", path, ctx))
        elif text.strip():
            effects += _judge(_interpolate(text, values), f"task {name}", path, ctx)
    return effects
