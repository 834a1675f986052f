"""One ``task`` run (:mod:`.task_runners`): task's options read, the Taskfile's YAML loaded,
and its tasks judged: ``deps``, ``preconditions``, ``status`` and ``cmds`` (a ``task:`` step
calls another task), each interpolated and judged as the shell text it is, in the folder the
task runs in (``dir:``, relative to the Taskfile's). ``vars:`` and ``env:`` are followed: a
dynamic ``sh:`` value runs, and is judged; a key, step or template not followed is unknown.
"""

from __future__ import annotations

from typing import Any

from keyturn.model import Effect
from keyturn.understand.shell.commands._runner_files import judge_text, unknown_run
from keyturn.understand.shell.commands._runner_templates import MAX_RECIPES, interpolate
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext

_TASK_LISTS = frozenset({"-l", "--list", "--list-all", "-a", "--summary", "--json", "-i"})
_TASK_FLAGS = frozenset(
    {"-f", "--force", "-s", "--silent", "-v", "--verbose", "-p", "--parallel", "-y", "--yes"}
    | {"-x", "--exit-code", "--sort", "--no-status", "--disable-fuzzy", "--insecure"}
)
_TASK_VALUED = frozenset({"-C", "--concurrency", "-o", "--output", "--sort", "-c", "--color"})
# Keys of a task whose meaning is followed (or does not change what runs).
_TASK_KEYS = frozenset(
    {"cmds", "cmd", "deps", "vars", "dir", "desc", "summary", "label", "internal", "silent"}
    | {"sources", "generates", "status", "preconditions", "method", "run", "prompt", "requires"}
    | {"ignore_error", "interactive", "platforms", "set", "shopt", "env", "aliases", "watch"}
)
_STEP_KEYS = frozenset({"cmd", "task", "silent", "ignore_error", "platforms", "set", "shopt"})


def task_options(
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


def parse_taskfile(text: str) -> dict[str, Any] | None:
    """The Taskfile's top level, when it is a mapping with a ``tasks`` mapping."""
    import yaml

    from keyturn.yaml_limits import load

    try:
        data = load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), dict):
        return None
    return data


class TaskRun:
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
                values[str(name)] = interpolate(str(value), values)
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
        if self.seen > MAX_RECIPES:
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
        resolved = interpolate(name, values)
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
        given = interpolate(str(raw), values)
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
        done = interpolate(text, values)
        if done is None:
            reason = f"{origin} uses a template keyturn does not follow: {text[:60]}"
            return [unknown_run(reason, self.path, self.ctx)]
        if not done.strip():
            return []
        return judge_text(done, origin, self.path, self.ctx, cwd=cwd)
