"""Understanding shell commands: a command line -> every effect of every command in it.

The line is parsed with a real bash grammar (tree-sitter-bash, :mod:`.parse`); words are
unquoted and expanded as far as the text decides (:mod:`.words`); wrappers and assignments are
stripped (:mod:`.wrappers`); each simple command goes to the handler registered for its program
(:mod:`.registry`, handlers in :mod:`.commands`); nested shells, ``eval`` and decodable payloads
are parsed again (:mod:`.nested`), bounded in depth. Each command is judged in the directory
it runs in -- after ``cd`` (with CDPATH), ``pushd``/``popd``, or a wrapper's move (``env -C``) --
and, where that is decided at run time, at ``/`` as well. Whatever is decided at run time is an
``unknown`` effect with its reason. Nothing here reads files except through ``files``.

What a command does to those after it on the line counts too: a switch of where they land or a
variable a tool reads (``export KUBECONFIG=…``) judges the line again with it set; a name that
``hash -p`` points elsewhere, or a path that climbs with ``..`` out of one the line made (maybe a
link), is ``unknown``.

Here is the entry, :func:`understand_shell`; the walk of a line, command by command, is
:class:`._line_run.Run`; where each command runs is told by :mod:`._working_directories`, and what
earlier commands make of those after them by :mod:`._earlier_commands`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, Target
from keyturn.understand import FileReader, NoFiles
from keyturn.understand.links import with_link_targets
from keyturn.understand.paths import is_windows_path
from keyturn.understand.runs_later import mark_runs_later, mark_runs_later_through_links
from keyturn.understand.shell._drive_mounts import (
    in_windows_shell,
    in_wsl,
    mounted_drive_path,
    with_drive_names,
)
from keyturn.understand.shell._line_run import MAX_DEPTH, MAX_INPUT, Run
from keyturn.understand.shell.commands._keyturn_vars import (
    variable_effects as keyturn_variable_effects,
)
from keyturn.understand.shell.dispatch import (
    RUN_TIME_HINT,
    empty_line_effect,
    target_from_variables,
)
from keyturn.understand.shell.effects import unknown_effect, with_machine_targets
from keyturn.understand.shell.globs import case_blind, with_glob_forms
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, evolve
from keyturn.understand.shell.sequences import mark_unprotected_deletes

__all__ = ["MAX_DEPTH", "MAX_INPUT", "understand_powershell", "understand_shell"]

_NO_TARGET = Target()
_NO_FILES = NoFiles()


def understand_shell(
    command: str,
    *,
    cwd: str = "/",
    home: str = "/root",
    env: Mapping[str, str] | None = None,
    target: Target = _NO_TARGET,
    files: FileReader = _NO_FILES,
) -> Action:
    """Understand a shell command line (kind ``shell``). Never raises on any text."""
    return _understood(command, cwd, home, env, target, files, powershell=False)


def understand_powershell(
    command: str,
    *,
    cwd: str = "/",
    home: str = "/root",
    env: Mapping[str, str] | None = None,
    target: Target = _NO_TARGET,
    files: FileReader = _NO_FILES,
) -> Action:
    """Understand a PowerShell script an agent's PowerShell tool runs (kind ``shell``), as
    ``pwsh -Command`` would read it (:mod:`.commands.windows`). Never raises on any text."""
    return _understood(command, cwd, home, env, target, files, powershell=True)


def _understood(
    command: str,
    cwd: str,
    home: str,
    env: Mapping[str, str] | None,
    target: Target,
    files: FileReader,
    *,
    powershell: bool,
) -> Action:
    if not isinstance(command, str):
        raise InputError("shell command: expected a string")
    variables = dict(env or {})
    base = target.merged_over(target_from_variables(variables))
    # A working directory given as a Windows path (an agent on Windows running Git Bash) is
    # read as the shell reads it there, /c/Users/me: a ``..`` then climbs the drive's folders.
    windows = in_windows_shell(variables) or is_windows_path(cwd)
    # PowerShell names a relative path under the drive path itself (C:/prod/data).
    drive_cwd = cwd.replace("\\", "/") if is_windows_path(cwd) else None
    cwd, home = mounted_drive_path(cwd), mounted_drive_path(home)
    ctx = ShellContext(
        cwd=normalize_path(cwd, cwd="/"), home=home, env=variables, target=base, files=files
    )
    run = Run.for_line(command, files_at_hand=not isinstance(files, NoFiles))
    try:
        if powershell:
            from keyturn.understand.shell.commands.windows import understand_powershell_text

            # Programs the script runs (kubectl, aws, git) are read as the shell reads them.
            nested_ctx = evolve(
                ctx, understand_nested=lambda text: run.nested(text, ctx), understand_in=run.nested
            )
            effects = understand_powershell_text(command, nested_ctx, cwd=drive_cwd or ctx.cwd)
        else:
            effects = _judged_line(command, ctx, run)
    except RecursionError:
        # A line nested hundreds deep (``${x:-${x:-…}}``) outruns Python's stack before the
        # parser's own depth limits: not understood, so held -- never a crash of the hook.
        effects = [unknown_effect(None, "nested too deeply to understand", ctx, text=command)]
    # KEYTURN_* set or unset anywhere on the line reconfigures the guard (self-protection).
    effects += keyturn_variable_effects(command, target=base)
    # DOCKER_CONFIG, REGISTRY_AUTH_FILE... in the agent's environment or set on the line move
    # the container tools' settings and plugins.
    run_env = {**variables, **run.set_env}
    marked = mark_runs_later(mark_unprotected_deletes(effects), home=ctx.home, env=run_env)
    effects = _dedupe(marked)
    effects = with_glob_forms(effects, case_blind=case_blind(command, variables))
    if run.linked or not isinstance(files, NoFiles):
        # A path through a link on disk, or one the line makes, lands where it leads.
        linked = with_link_targets(effects, files, made=run.linked)
        # Judged where it lands, too: ``echo x > notes`` with ``notes -> ~/.bashrc``.
        effects = mark_runs_later_through_links(
            effects, linked, files=files, made=run.linked, home=ctx.home, env=run_env
        )
    # A disk, a kernel trigger or the dynamic loader reached by any name, a link's target too.
    effects = with_machine_targets(effects)
    if in_wsl(variables):
        effects = with_drive_names(effects)
    elif windows:
        effects = with_drive_names(effects, windows=True)
    if not effects:
        effects = [empty_line_effect(command, ctx)]
    summary = " ".join(command.split())
    return Action(
        kind=ActionKind.SHELL,
        summary=summary[:200] + ("…" if len(summary) > 200 else ""),
        effects=tuple(effects),
        target=base,
        # The working directory is part of what is approved: the same words run elsewhere
        # (``python3 tool.py --delete``, ``kubectl delete -f manifests/``) are another action.
        subject={"cwd": ctx.cwd, "commands": run.subject},
    )


def _judged_line(command: str, ctx: ShellContext, run: Run) -> list[Effect]:
    """The effects of ``command``: judged where it starts, and again where it switches to."""
    effects = run.line(command, ctx, top=True)
    if run.switched or run.set_env:
        # The line switches where later commands land (``export AWS_PROFILE=…``, ``kubectl
        # config use-context …``, ``terraform workspace select …``) or sets what a tool reads
        # (``export KUBECONFIG=…``, ``export TF_CLI_ARGS_apply=-destroy``): it is judged again
        # there, and the stricter of the two judgements stands. Judging it only where the
        # switch leads would let a switch written after a command move that command too.
        there = Target(**run.switched).merged_over(ctx.target)
        if RUN_TIME_HINT in run.switched.values():
            # Switched to somewhere decided at run time: no environment can be told (the
            # policy's unknown_environment), whatever the other hints say.
            there = replace(there, environment=RUN_TIME_HINT)
        # Each command is judged as if written with the line's variables before it
        # (``AWS_CONFIG_FILE=… aws …``): handlers tell what the line itself sets (a config
        # file, credentials) from what the caller's environment holds.
        run.exported = dict(run.set_env)
        # Judged afresh: what comes later on the line has not happened yet.
        run.hashed, run.made = set(), set()
        effects += run.line(command, replace(ctx, target=there, env={**ctx.env, **run.set_env}))
    return effects


def _dedupe(effects: list[Effect]) -> list[Effect]:
    return list(dict.fromkeys(effects))
