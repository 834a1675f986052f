"""``just [RECIPE [ARGS]]`` (justfile recipes and their dependencies) and ``task [TASK]``
(Taskfile.yml ``tasks.X.cmds``, ``deps``, ``status`` and ``preconditions``): each line judged as
the shell commands it is, in the folder the runner runs it in (the justfile's or Taskfile's
folder, ``-d``/``--dir``, ``[working-directory]``, a task's ``dir:``), after
``{{name}}``/``{{.NAME}}`` interpolation. The file is read as the line leaves it. A file,
recipe or task that is not at hand, an option not followed, or a feature of the file the
reading does not follow (:mod:`._justfile`; Taskfile ``includes``, template functions, ``for``
loops...) is ``unknown`` with the reason; the commands a file runs when it is loaded (just's
backticks, Taskfile ``sh:`` variables) are judged.
"""

from __future__ import annotations

import re
from posixpath import dirname
from typing import Any

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._justfile import Justfile, Recipe, parse_justfile
from keyturn.understand.shell.commands._makefile import strip_prefix
from keyturn.understand.shell.commands._runner_files import (
    judge_text,
    nothing_to_run,
    runner_file,
    unknown_run,
    unreadable_run,
)
from keyturn.understand.shell.nested import SHELLS
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.shebangs import plain_shell_shebang
from keyturn.understand.shell.words import normalize_path

_JUSTFILES = ("justfile", "Justfile", ".justfile", "JUSTFILE")
_JUST_LISTS = frozenset({"-l", "--list", "--summary", "--dump", "--variables", "--fmt"})
_JUST_FLAGS = frozenset(
    {"-q", "--quiet", "-v", "--verbose", "-vv", "-u", "--unsorted", "--yes", "--highlight"}
    | {"--no-highlight", "--timestamp", "--explain", "--check", "--unstable", "--no-dotenv"}
    | {"--no-deps", "--no-aliases"}
)
_JUST_VALUED = frozenset(
    {"--color", "--timestamp-format", "--list-heading", "--list-prefix", "--command-color"}
)
_MAX_RECIPES = 32


@command("just")
def just(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``just [-f FILE] [-d DIR] [NAME=VALUE…] [RECIPE [ARGS...]]``."""
    parsed = _just_options(list(cmd.args), ctx)
    if isinstance(parsed, str):
        return with_command([unknown_run(parsed, ctx.cwd, ctx)], cmd)
    files, given_directory, words, overrides = parsed
    if words[:1] == ["--list"]:
        words = ["--list"]
    paths = files or [f"{(given_directory or ctx.cwd).rstrip('/')}/{n}" for n in _JUSTFILES]
    found = runner_file(paths, ctx)
    if found is None:
        return with_command([unknown_run("no justfile readable", paths[0], ctx)], cmd)
    path, text = found
    if text is None:
        return with_command([unreadable_run(path, ctx)], cmd)
    if words[:1] == ["--list"]:
        return with_command([nothing_to_run(path, ctx)], cmd)
    justfile = parse_justfile(text)
    justfile.variables.update(overrides)
    home = given_directory or dirname(path)
    run = _JustRun(justfile, path, normalize_path(justfile.directory, cwd=home), ctx)
    effects = [
        unknown_run(f"the justfile does what keyturn does not follow: {why}", path, ctx)
        for why in justfile.unmodelled
    ]
    for backtick in justfile.backticks:  # run when the file is loaded
        effects += judge_text(backtick, "a justfile backtick", path, ctx, cwd=run.directory)
    if not words:
        words = [justfile.default or ""]
    while words:  # ``just a b``: b is a's argument if a takes one, else a recipe of its own
        name, words = words[0], words[1:]
        taken = run.arguments(name, len(words))
        effects += run.recipe(name, [*words[:taken]], set())
        words = words[taken:]
    return with_command(effects or [nothing_to_run(path, ctx)], cmd)


def _just_options(
    args: list[str], ctx: ShellContext
) -> tuple[list[str], str | None, list[str], dict[str, str | None]] | str:
    """(justfiles, working directory, recipe words, variables set) of just's arguments, or why
    they are not followed."""
    files: list[str] = []
    directory: str | None = None
    words: list[str] = []
    overrides: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        following = args[i + 1] if i + 1 < len(args) else None
        name, eq, value = arg.partition("=")
        if words or arg == "--":
            words += args[i + (arg == "--" and not words) :]
            break
        if name in ("-f", "--justfile", "-d", "--working-directory") or arg[:2] in ("-f", "-d"):
            given = value if eq else (arg[2:] if len(arg) > 2 and arg[1] != "-" else following)
            if given is None:
                return f"just {arg} without a value"
            i += 0 if eq or (len(arg) > 2 and arg[1] != "-") else 1
            if name in ("-f", "--justfile") or arg.startswith("-f"):
                files.append(normalize_path(given, cwd=ctx.cwd))
            else:
                directory = normalize_path(given, cwd=ctx.cwd)
        elif arg == "--set" and i + 2 < len(args):
            overrides[args[i + 1]] = args[i + 2]
            i += 2
        elif arg in _JUST_LISTS or arg in ("-n", "--dry-run") or name in ("--show", "-s"):
            return files, directory, ["--list"], overrides
        elif name in _JUST_VALUED:
            i += 0 if eq else 1
        elif arg in _JUST_FLAGS:
            pass
        elif arg.startswith("-"):
            return f"just {arg[:40]}: an option keyturn does not follow"
        elif eq and re.fullmatch(r"[A-Za-z_][\w-]*", name):
            overrides[name] = value
        else:
            words.append(arg)
        i += 1
    return files, directory, words, overrides


class _JustRun:
    """One just run: the justfile, its path, the folder recipes run in, the context."""

    def __init__(self, justfile: Justfile, path: str, directory: str, ctx: ShellContext):
        self.justfile, self.path, self.directory, self.ctx = justfile, path, directory, ctx
        self.seen = 0

    def arguments(self, name: str, given: int) -> int:
        """How many of the ``given`` words after recipe ``name`` are its arguments."""
        name = name if name in self.justfile.recipes else self.justfile.aliases.get(name, name)
        counts = [
            given if r.variadic else min(given, len(r.params))
            for r in self.justfile.recipes.get(name, [])
        ]
        return max(counts, default=given)

    def recipe(self, name: str, args: list[str | None], stack: set[str]) -> list[Effect]:
        """The effects of running recipe ``name`` with ``args``, its dependencies first."""
        name = name if name in self.justfile.recipes else self.justfile.aliases.get(name, name)
        definitions = self.justfile.recipes.get(name)
        if not definitions:
            return [unknown_run(f"no recipe {name!r} in {self.path}", self.path, self.ctx)]
        self.seen += 1
        if name in stack or self.seen > _MAX_RECIPES:
            return []
        effects: list[Effect] = []
        for recipe in definitions:  # every definition: which one runs depends on the platform
            effects += self._definition(name, recipe, args, stack | {name})
        return effects

    def _definition(
        self, name: str, recipe: Recipe, args: list[str | None], stack: set[str]
    ) -> list[Effect]:
        ctx, path = self.ctx, self.path
        effects: list[Effect] = []
        if recipe.opaque:
            effects.append(unknown_run(f"recipe {name!r}: {recipe.opaque}", path, ctx))
        for dep, dep_args in recipe.deps:
            effects += self.recipe(dep, dep_args, stack)
        values: dict[str, str | None] = {**self.justfile.variables, **recipe.defaults}
        values.update(zip(recipe.params, args, strict=False))
        if recipe.variadic and len(args) >= len(recipe.params):
            rest = args[len(recipe.params) - 1 :]
            values[recipe.params[-1]] = None if None in rest else " ".join(str(a) for a in rest)
        cwd = (
            ctx.cwd
            if recipe.directory is None
            else normalize_path(recipe.directory, cwd=self.directory)
        )
        body = recipe.body
        if body and body[0].startswith("#!"):
            if not plain_shell_shebang(body[0], shells=SHELLS):
                reason = f"recipe {name!r} runs {body[0][2:].strip()[:60]}"
                return [*effects, unknown_run(reason, path, ctx)]
            lines = ["\n".join(body[1:])]  # one script: no per-line ``@``/``-`` prefixes
        elif recipe.script:
            lines = ["\n".join(body)]
        else:
            lines = [strip_prefix(line) for line in body]
        for line in lines:
            text = _interpolate(line, values)
            if text is None:
                reason = f"recipe {name!r} interpolates what keyturn does not follow: {line[:60]}"
                effects.append(unknown_run(reason, path, ctx))
            elif text.strip() and not text.lstrip().startswith("#"):
                effects += judge_text(text, f"just {name}", path, ctx, cwd=cwd)
        return effects


_TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TEMPLATE_NAME = re.compile(r"\s*\.?([A-Za-z_][\w-]*)\s*")


def _interpolate(text: str, values: dict[str, str | None]) -> str | None:
    """``{{name}}`` (just) and ``{{.NAME}}`` (task) replaced by their values; ``None`` when an
    interpolation is an expression, or a value is not known."""
    unknown = False

    def value(m: re.Match[str]) -> str:
        nonlocal unknown
        named = _TEMPLATE_NAME.fullmatch(m.group(1))
        found = values.get(named.group(1)) if named is not None else None
        unknown = unknown or found is None
        return found or ""

    replaced = _TEMPLATE.sub(value, text.replace("{{{{", "\0"))
    return None if unknown else replaced.replace("\0", "{{")


_TASKFILES = (
    *("Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml"),
    *("taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml"),
)
_TASK_LISTS = frozenset({"-l", "--list", "--list-all", "-a", "--summary", "--json", "-i"})
_TASK_FLAGS = frozenset(
    {"-f", "--force", "-s", "--silent", "-v", "--verbose", "-p", "--parallel", "-y", "--yes"}
    | {"-x", "--exit-code", "--sort", "--no-status", "--disable-fuzzy", "--insecure"}
)
_TASK_VALUED = frozenset({"-C", "--concurrency", "-o", "--output", "--sort", "-c", "--color"})
# Keys of a Taskfile and of a task whose meaning is followed (or does not change what runs).
_TASKFILE_KEYS = frozenset({"version", "vars", "tasks", "output", "silent", "method", "run"})
_TASKFILE_KEYS |= {"interval", "set", "shopt", "env"}
_TASK_KEYS = frozenset(
    {"cmds", "cmd", "deps", "vars", "dir", "desc", "summary", "label", "internal", "silent"}
    | {"sources", "generates", "status", "preconditions", "method", "run", "prompt", "requires"}
    | {"ignore_error", "interactive", "platforms", "set", "shopt", "env", "aliases", "watch"}
)
_STEP_KEYS = frozenset({"cmd", "task", "silent", "ignore_error", "platforms", "set", "shopt"})


@command("task", "go-task")
def task(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``task [-d DIR] [-t FILE] [NAME=VALUE…] [TASK...] [-- ARGS]``: Taskfile ``cmds``,
    ``deps``, ``status`` and ``preconditions``."""
    parsed = _task_options(list(cmd.args), ctx)
    if isinstance(parsed, str):
        return with_command([unknown_run(parsed, ctx.cwd, ctx)], cmd)
    directory, files, names, overrides, listing = parsed
    paths = files or [f"{(directory or ctx.cwd).rstrip('/')}/{n}" for n in _TASKFILES]
    found = runner_file(paths, ctx)
    if found is None:
        return with_command([unknown_run("no Taskfile readable", paths[0], ctx)], cmd)
    path, text = found
    if text is None:
        return with_command([unreadable_run(path, ctx)], cmd)
    if listing:
        return with_command([nothing_to_run(path, ctx)], cmd)
    data = _taskfile(text)
    if data is None:
        return with_command(
            [unknown_run(f"{path} is not a Taskfile keyturn can read", path, ctx)], cmd
        )
    run = _TaskRun(data["tasks"], path, directory or dirname(path), ctx)
    special: dict[str, str | None] = {
        "CLI_ARGS": overrides.pop("CLI_ARGS", ""),
        "ROOT_DIR": dirname(path),
        "TASKFILE_DIR": dirname(path),
        "ROOT_TASKFILE": path,
        "USER_WORKING_DIR": ctx.cwd,
    }
    effects = [
        unknown_run(f"{path} has {key!r}, which keyturn does not follow", path, ctx)
        for key in data
        if key not in _TASKFILE_KEYS
    ]
    variables = run.variables(data.get("vars"), special, effects)
    variables.update(overrides)  # the command line's variables win over the Taskfile's
    env = data.get("env")
    run.variables(env, variables, effects)  # a dynamic ``sh:`` value runs
    for name in names or ["default"]:
        effects += run.task(name, variables, set(overrides))
    return with_command(effects or [nothing_to_run(path, ctx)], cmd)


def _task_options(
    args: list[str], ctx: ShellContext
) -> tuple[str | None, list[str], list[str], dict[str, str | None], bool] | str:
    """(directory, Taskfiles, tasks, variables set, whether it only lists) of task's
    arguments, or why they are not followed."""
    directory: str | None = None
    files: list[str] = []
    names: list[str] = []
    overrides: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if arg == "--":
            overrides["CLI_ARGS"] = " ".join(args[i + 1 :])
            break
        joined = len(arg) > 2 and arg[1] != "-" and arg[:2] in ("-d", "-t")
        if name in ("-d", "--dir", "-t", "--taskfile") or joined:
            given = (
                value
                if eq
                else (arg[2:] if joined else (args[i + 1] if i + 1 < len(args) else None))
            )
            if given is None:
                return f"task {arg} without a value"
            i += 0 if eq or joined else 1
            if name in ("-d", "--dir") or arg.startswith("-d"):
                directory = normalize_path(given, cwd=ctx.cwd)
            else:
                files.append(normalize_path(given, cwd=ctx.cwd))
        elif arg in _TASK_LISTS or arg in ("-n", "--dry"):
            return directory, files, names, overrides, True
        elif name in _TASK_VALUED:
            i += 0 if eq else 1
        elif arg in _TASK_FLAGS:
            pass
        elif arg.startswith("-"):
            return f"task {arg[:40]}: an option keyturn does not follow"
        elif eq:
            overrides[name] = value
        else:
            names.append(arg)
        i += 1
    return directory, files, names, overrides, False


def _taskfile(text: str) -> dict[str, Any] | None:
    """The Taskfile's top level, when it is a mapping with a ``tasks`` mapping."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), dict):
        return None
    return data


class _TaskRun:
    """One task run: the tasks, the Taskfile, the folder tasks run in, the context."""

    def __init__(self, tasks: dict[str, Any], path: str, directory: str, ctx: ShellContext):
        self.tasks, self.path, self.directory, self.ctx = tasks, path, directory, ctx
        self.seen = 0

    def variables(
        self, raw: object, known: dict[str, str | None], effects: list[Effect]
    ) -> dict[str, str | None]:
        """``known`` with the variables of a ``vars:`` (or ``env:``) mapping added: plain
        values interpolated, a dynamic ``sh:`` one judged (it runs) and not known."""
        values = dict(known)
        if raw is None:
            return values
        if not isinstance(raw, dict):
            effects.append(unknown_run("variables keyturn cannot read", self.path, self.ctx))
            return values
        for name, value in raw.items():
            if isinstance(value, (str, int, float, bool)):
                values[str(name)] = _interpolate(str(value), values)
            elif isinstance(value, dict) and isinstance(value.get("sh"), str):
                effects += self._shell(value["sh"], values, f"variable {name}", self.directory)
                values[str(name)] = None
            else:
                values[str(name)] = None  # ``ref:``, ``map:``, lists: not followed
        return values

    def task(self, name: str, values: dict[str, str | None], fixed: set[str]) -> list[Effect]:
        """The effects of running task ``name`` (its ``deps``, ``preconditions``, ``status``,
        ``cmds``); ``fixed``: variables the command line set."""
        ctx, path = self.ctx, self.path
        spec = self.tasks.get(name)
        effects: list[Effect] = []
        aliased = [
            key
            for key, other in self.tasks.items()
            if isinstance(other, dict) and name in (other.get("aliases") or [])
        ]
        if spec is None and not aliased:
            return [unknown_run(f"no task {name!r} in {path}", path, ctx)]
        self.seen += 1
        if self.seen > _MAX_RECIPES:
            return []
        for other in aliased:  # an alias names the task too: both judged
            effects += self.task(other, values, fixed)
        if spec is None:
            return effects
        if isinstance(spec, (str, list)):
            spec = {"cmds": spec if isinstance(spec, list) else [spec]}
        if not isinstance(spec, dict):
            return [*effects, unknown_run(f"task {name!r} not understood", path, ctx)]
        effects += [
            unknown_run(f"task {name!r} has {key!r}, which keyturn does not follow", path, ctx)
            for key in spec
            if key not in _TASK_KEYS
        ]
        own = self.variables(spec.get("vars"), {}, effects)
        if set(own) & fixed:
            reason = f"task {name!r} and the command line both set {sorted(set(own) & fixed)}"
            effects.append(unknown_run(reason, path, ctx))
        values = {**values, **own, "TASK": name}
        self.variables(spec.get("env"), values, effects)
        where = self._directory(spec.get("dir"), values, name, effects)
        values["TASK_DIR"] = where
        for dep in spec.get("deps") or []:
            effects += self._call(dep, values, fixed, name)
        for check in spec.get("preconditions") or []:
            text = check.get("sh") if isinstance(check, dict) else check
            effects += self._shell(text, values, f"task {name} precondition", where)
        for check in spec.get("status") or []:
            effects += self._shell(check, values, f"task {name} status", where)
        steps = spec.get("cmds") or []
        if "cmd" in spec:
            steps = [spec["cmd"], *steps]
        for step in steps if isinstance(steps, list) else [steps]:
            if isinstance(step, dict) and "task" in step:
                effects += self._call(step, values, fixed, name)
                continue
            if isinstance(step, dict) and set(step) - _STEP_KEYS:
                reason = f"a step of task {name!r} uses {sorted(set(step) - _STEP_KEYS)}"
                effects.append(unknown_run(reason, path, ctx))
                continue
            text = step.get("cmd") if isinstance(step, dict) else step
            effects += self._shell(text, values, f"task {name}", where)
        return effects

    def _call(
        self, step: object, values: dict[str, str | None], fixed: set[str], caller: str
    ) -> list[Effect]:
        """A dependency or a ``task:`` step: the task it names, with the variables it passes."""
        name = step.get("task") if isinstance(step, dict) else step
        if not isinstance(name, str):
            return [unknown_run(f"a call in task {caller!r} not understood", self.path, self.ctx)]
        effects: list[Effect] = []
        passed = self.variables(step.get("vars") if isinstance(step, dict) else None, {}, effects)
        resolved = _interpolate(name, values)
        if resolved is None:
            reason = f"task {caller!r} calls a task named by a template: {name[:60]}"
            return [*effects, unknown_run(reason, self.path, self.ctx)]
        return effects + self.task(resolved, {**values, **passed}, fixed)

    def _directory(
        self, raw: object, values: dict[str, str | None], name: str, effects: list[Effect]
    ) -> str:
        """The folder task ``name`` runs in (``dir:``, relative to the Taskfile's folder)."""
        if raw is None:
            return self.directory
        given = _interpolate(str(raw), values)
        if given is None:
            reason = f"task {name!r} runs in a folder decided by a template: {str(raw)[:60]}"
            effects.append(unknown_run(reason, self.path, self.ctx))
            return self.directory
        return normalize_path(given, cwd=self.directory)

    def _shell(
        self, text: object, values: dict[str, str | None], origin: str, cwd: str
    ) -> list[Effect]:
        """A shell text of the Taskfile, interpolated and judged where it runs."""
        if not isinstance(text, str):
            return [unknown_run(f"a step of {origin} not understood", self.path, self.ctx)]
        done = _interpolate(text, values)
        if done is None:
            reason = f"{origin} uses a template keyturn does not follow: {text[:60]}"
            return [unknown_run(reason, self.path, self.ctx)]
        if not done.strip():
            return []
        return judge_text(done, origin, self.path, self.ctx, cwd=cwd)
