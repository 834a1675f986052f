"""``just [RECIPE [ARGS]]`` (justfile recipes and their dependencies) and ``task [TASK]``
(Taskfile.yml ``tasks.X.cmds``, ``deps``, ``status`` and ``preconditions``): each line judged as
the shell commands it is, in the folder the runner runs it in (the justfile's or Taskfile's
folder, ``-d``/``--dir``, ``[working-directory]``, a task's ``dir:``), after
``{{name}}``/``{{.NAME}}`` interpolation. The file is read as the line leaves it. A file,
recipe or task that is not at hand, an option not followed, or a feature of the file the
reading does not follow (:mod:`._justfile`; Taskfile ``includes``, template functions, ``for``
loops...) is ``unknown`` with the reason; the commands a file runs when it is loaded (just's
backticks, Taskfile ``sh:`` variables) are judged.

This module holds the two commands; one just run is in :mod:`._just_recipes`, one task run in
:mod:`._taskfile_tasks`, and what both share (interpolation, the bound on recipes) in
:mod:`._runner_templates`.
"""

from __future__ import annotations

from posixpath import dirname

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._just_recipes import JustRun, just_options
from keyturn.understand.shell.commands._justfile import parse_justfile
from keyturn.understand.shell.commands._runner_files import (
    judge_text,
    nothing_to_run,
    runner_file,
    unknown_run,
    unreadable_run,
)
from keyturn.understand.shell.commands._taskfile_tasks import TaskRun, parse_taskfile, task_options
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_JUSTFILES = ("justfile", "Justfile", ".justfile", "JUSTFILE")


@command("just")
def just(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``just [-f FILE] [-d DIR] [NAME=VALUE…] [RECIPE [ARGS...]]``."""
    parsed = just_options(list(cmd.args), ctx)
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
    run = JustRun(justfile, path, normalize_path(justfile.directory, cwd=home), ctx)
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


_TASKFILES = (
    *("Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml"),
    *("taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml"),
)
# Keys of a Taskfile whose meaning is followed (or does not change what runs).
_TASKFILE_KEYS = frozenset({"version", "vars", "tasks", "output", "silent", "method", "run"})
_TASKFILE_KEYS |= {"interval", "set", "shopt", "env"}


@command("task", "go-task")
def task(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``task [-d DIR] [-t FILE] [NAME=VALUE…] [TASK...] [-- ARGS]``: Taskfile ``cmds``,
    ``deps``, ``status`` and ``preconditions``."""
    parsed = task_options(list(cmd.args), ctx)
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
    data = parse_taskfile(text)
    if data is None:
        return with_command(
            [unknown_run(f"{path} is not a Taskfile keyturn can read", path, ctx)], cmd
        )
    run = TaskRun(data["tasks"], path, directory or dirname(path), ctx)
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
