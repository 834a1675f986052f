"""``just [RECIPE [ARGS]]`` (justfile recipes and their dependencies) and ``task [TASK]``
(Taskfile.yml ``tasks.X.cmds`` and ``deps``): each line judged as the shell commands it is,
after ``{{name}}``/``{{.NAME}}`` interpolation. A file, recipe or task that is not at hand is
``unknown`` with the reason.
"""

from __future__ import annotations

import re
from typing import Any

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._makefile import Recipe, parse_justfile, strip_prefix
from keyturn.understand.shell.commands._runner_files import (
    first_readable,
    judge_text,
    nothing_to_run,
    unknown_run,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.words import normalize_path

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
    found = first_readable(paths, ctx)
    if found is None:
        return with_command([unknown_run("no justfile readable", paths[0], ctx)], cmd)
    path, text = found
    if words[:1] == ["--list"]:
        return with_command([nothing_to_run(path, ctx)], cmd)
    recipes, variables, default = parse_justfile(text)
    name = words[0] if words else (default or "")
    effects = _just_recipe(name, words[1:], recipes, variables, path, ctx, set())
    return with_command(effects or [nothing_to_run(path, ctx)], cmd)


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
        return [unknown_run(f"no recipe {name!r} in {path}", path, ctx)]
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
        return [*effects, unknown_run(f"recipe {name!r} runs {body[0][2:].strip()}", path, ctx)]
    for line in body[1:] if body and body[0].startswith("#!") else body:
        text = _interpolate(strip_prefix(line), values)
        if text.strip() and not text.lstrip().startswith("#"):
            effects += judge_text(text, f"just {name}", path, ctx)
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
    found = first_readable(paths, ctx)
    if found is None:
        return with_command([unknown_run("no Taskfile readable", paths[0], ctx)], cmd)
    path, text = found
    if names[:1] == ["--list"]:
        return with_command([nothing_to_run(path, ctx)], cmd)
    tasks, variables = _taskfile(text)
    if tasks is None:
        return with_command(
            [unknown_run(f"{path} is not a Taskfile keyturn can read", path, ctx)], cmd
        )
    effects: list[Effect] = []
    seen: set[str] = set()
    for name in [n for n in names if "=" not in n] or ["default"]:
        effects += _task(name, tasks, variables, path, ctx, seen)
    return with_command(effects or [nothing_to_run(path, ctx)], cmd)


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
        return [unknown_run(f"no task {name!r} in {path}", path, ctx)]
    if name in seen or len(seen) > 32:
        return []
    seen.add(name)
    if isinstance(spec, (str, list)):
        spec = {"cmds": spec if isinstance(spec, list) else [spec]}
    if not isinstance(spec, dict):
        return [unknown_run(f"task {name!r} not understood", path, ctx)]
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
            effects.append(unknown_run(f"a step of task {name!r} not understood", path, ctx))
        elif text.strip():
            effects += judge_text(_interpolate(text, values), f"task {name}", path, ctx)
    return effects
