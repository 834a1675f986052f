"""One parsed simple command -> its effects: unwrap, find the handler, fill in what it left out.

Fail closed at every step: a command name decided at run time, a glob in command position, a
program with no handler, a handler that does not recognise the form (returns ``None``) or fails,
all give an ``unknown`` effect with the reason, never nothing.

The target hints a command's variables and a switch of context or workspace give are in
:mod:`._target_hints`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from keyturn.model import DESTRUCTIVE_EFFECTS, Effect, EffectKind, Target
from keyturn.understand.shell import nested, registry
from keyturn.understand.shell._new_roots import under_new_roots
from keyturn.understand.shell._target_hints import RUN_TIME_HINT as RUN_TIME_HINT
from keyturn.understand.shell._target_hints import (
    target_from_variables as target_from_variables,
)
from keyturn.understand.shell._target_hints import target_switch as target_switch
from keyturn.understand.shell._target_hints import (
    target_variables_switch as target_variables_switch,
)
from keyturn.understand.shell.code_settings import variable_effects
from keyturn.understand.shell.commands._elsewhere import placed_elsewhere
from keyturn.understand.shell.commands._keyturn_vars import emptied_environment
from keyturn.understand.shell.commands._kube_place import placed
from keyturn.understand.shell.effects import (
    as_normalised,
    command_effect,
    installed_folder,
    local_target,
    named_in,
    shell_name,
    unknown_effect,
)
from keyturn.understand.shell.flags import canonical_text
from keyturn.understand.shell.parse import RawCommand
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.redirects import redirect_effects
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.wrappers import unwrap


def build_command(raw: RawCommand) -> SimpleCommand:
    """The SimpleCommand as written (before wrappers are stripped)."""
    argv = tuple(w.text for w in raw.words)
    dynamic = frozenset(i for i, w in enumerate(raw.words) if w.dynamic or (i == 0 and w.glob))
    return SimpleCommand(
        argv=argv,
        program=argv[0] if argv else "",
        assignments={name: word.text for name, word in raw.assignments},
        redirects=raw.redirects,
        stdin_text=raw.stdin_text,
        stdin_dynamic=raw.stdin_dynamic,
        dynamic_words=dynamic,
        text=" ".join(argv),
        raw_argv=tuple(w.raw for w in raw.words),
    )


def command_context(cmd: SimpleCommand, ctx: ShellContext) -> ShellContext:
    """The context one command runs in: its assignments added to the environment and target."""
    if not cmd.assignments:
        return ctx
    env = {**ctx.env, **cmd.assignments}
    return evolve(
        ctx, env=env, target=target_from_variables(cmd.assignments).merged_over(ctx.target)
    )


# A program named by a path is the tool of that name only where tools are installed: the
# system's program directories and the places installers and version managers put them
# (``/opt/…``, ``/usr/local/…``, ``/nix/…``, ``~/.local/bin``, ``~/.nvm/…``...). Anywhere else
# -- a relative path, the project, a temporary directory, the rest of the home directory, where
# an agent can drop a file -- it is that file: ``./tools/git`` is whatever ``./tools/git``
# holds, judged as a script when its text can be read, else unknown.
_WINDOWS_INSTALL_DIRS = ("/windows", "/program files")
_SYSTEM_PROGRAM_DIRS = frozenset({"/bin", "/sbin", "/usr/bin", "/usr/sbin"})
_DRIVE = re.compile(r"[A-Za-z]:[/\\]")


def foreign_program(program: str, ctx: ShellContext) -> bool:
    """Whether ``program`` names a file that is not an installed tool (see above)."""
    if "/" not in program and "\\" not in program:
        return False  # found on PATH: the tool of that name
    if _DRIVE.match(program):
        folder = posixpath.dirname(program.replace("\\", "/")).lower()
        return not folder[2:].startswith(_WINDOWS_INSTALL_DIRS)
    folder = posixpath.dirname(normalize_path(program, cwd=ctx.cwd))
    if not program.startswith(("/", "~")):
        # Relative to the working directory: the project's own file, unless it climbs into
        # the system's own program folders (``../../../bin/rm`` from /home/u/p is /bin/rm),
        # which only root writes -- not into other installed folders a project may sit in.
        return folder not in _SYSTEM_PROGRAM_DIRS
    return not installed_folder(folder, home=ctx.home)


def effects_of(raw: RawCommand, ctx: ShellContext) -> tuple[list[Effect], SimpleCommand]:
    """The effects of one simple command, and the command as understood (for the subject)."""
    written = build_command(raw)
    effects, understood = _command_effects(raw, written, ctx)
    return effects + redirect_effects(understood, command_context(understood, ctx)), understood


def _command_effects(
    raw: RawCommand, written: SimpleCommand, ctx: ShellContext
) -> tuple[list[Effect], SimpleCommand]:
    if raw.fork_bomb:
        reason = "a function that calls itself in a pipeline or in the background: a fork bomb"
        bomb = unknown_effect(written, reason, ctx)
        return [replace(bomb, catastrophic="fork bomb: exhausts the machine")], written
    if not written.argv:
        return [], written
    if 0 not in written.dynamic_words and foreign_program(written.program, ctx):
        # Before unwrapping: ``./bin/timeout 5 ls`` runs ./bin/timeout, not the wrapper.
        return [_complete(e, written, ctx) for e in _script(written, ctx)], written
    outcome = unwrap(written)
    if outcome.command is None:
        if outcome.unknown:
            return [unknown_effect(written, outcome.unknown, ctx)], written
        return [
            command_effect(EffectKind.READ, written, ctx, detail="runs nothing judged")
        ], written
    registry.handler_for("")  # load every built-in handler (and its canonical spelling)
    cmd = evolve(outcome.command, text=canonical_text(outcome.command.argv))
    # Where a kube tool in it runs (ssh, a container, a pod, another user), for the lines too.
    cmd_ctx = placed(cmd, command_context(cmd, ctx))
    effects = under_new_roots(_handle(cmd, cmd_ctx, function_call=raw.function_call), cmd, cmd_ctx)
    # Variables a wrapper sets (``env GIT_PAGER=… git log``); those written before the command
    # are among the line's own assignments, judged once for the whole line.
    by_wrappers = {k: v for k, v in cmd.assignments.items() if k not in written.assignments}
    if by_wrappers:
        effects.extend(variable_effects(by_wrappers, cmd, cmd_ctx))
    from keyturn.understand.shell.commands.lang_tools import PROJECT_RUNNERS, project_environment

    if PROJECT_RUNNERS & set(cmd.wrappers):
        # The project's environment: its .venv/bin first on the PATH, uv's build of it, what
        # bundle/direnv/mise/conda load first.
        effects.extend(project_environment(cmd, written, cmd_ctx))
    if outcome.emptied:
        effects.append(emptied_environment(written.text or cmd.text, local_target(cmd_ctx)))
    return [_complete(e, cmd, cmd_ctx) for e in effects], cmd


def _handle(cmd: SimpleCommand, ctx: ShellContext, *, function_call: bool) -> list[Effect]:
    if 0 in cmd.dynamic_words:
        what = "a glob pattern" if any(c in cmd.program for c in "*?[") else "decided at run time"
        return [unknown_effect(cmd, f"the command name is {what} ({cmd.raw_argv[:1]})", ctx)]
    if foreign_program(cmd.program, ctx):
        return _script(cmd, ctx)
    handler = registry.handler_for(cmd.name)
    if handler is None:
        if function_call:
            return []  # a function defined on this line: its body was judged where defined
        return [unknown_effect(cmd, f"keyturn does not know what {cmd.name!r} does", ctx)]
    try:
        found = handler(cmd, ctx)
    except Exception as exc:  # a handler bug must fail closed, never crash the judge
        return [unknown_effect(cmd, f"could not understand {cmd.name}: {type(exc).__name__}", ctx)]
    if found is None:
        return [unknown_effect(cmd, f"this form of {cmd.name!r} is not understood", ctx)]
    if not found:
        return [unknown_effect(cmd, f"no effect of {cmd.name!r} could be named", ctx)]
    return list(found)


def _script(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    # A framework's stock launcher (``./manage.py``, ``bin/rails``) is judged as that tool.
    from keyturn.understand.shell.commands._script_launchers import launched_by_path

    launched = launched_by_path(cmd, ctx)
    if launched is not None:
        return launched
    return nested.script_file_effects(cmd.program, cmd, ctx)


_NO_TARGET = Target()


def _complete(effect: Effect, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """Fill in what a handler left unset: the command text, the wrappers' notes, and a target
    (the given environment only: handlers that know cloud hints set them themselves)."""
    if cmd.dynamic_words and _named_at_run_time(effect, cmd):
        effect = evolve(
            effect,
            effect=EffectKind.UNKNOWN,
            detail=(effect.detail + "; " if effect.detail else "")
            + f"which {effect.resource.type or 'resource'} is decided at run time",
        )
    notes = [w for w in cmd.wrappers if ":" in w]
    detail = effect.detail
    if notes:
        detail = (detail + " " if detail else "") + f"(via {', '.join(notes)})"
        effect = _named_where_it_runs(effect, notes)
    elif effect.command and effect.service and effect.target != _NO_TARGET:
        return effect  # nothing to fill in (most effects: the handlers' helpers set them)
    effect = evolve(
        effect,
        command=effect.command or cmd.text or None,
        target=effect.target if effect.target != _NO_TARGET else local_target(ctx),
        service=effect.service or "shell",
        detail=detail,
    )
    # On another machine or in a running container: judged there (:mod:`.commands._elsewhere`).
    return placed_elsewhere(effect, notes, ctx) if notes else effect


# Wrappers that run the command on another machine or in a container, and how that place is
# named (docs/policy.md): ``ssh:db1``, ``docker:container/web``, ``k8s:shop/pod/web-0``.
_ELSEWHERE = {
    "ssh": "ssh:{}",
    "docker-exec": "docker:container/{}",
    "podman-exec": "docker:container/{}",
    "nerdctl-exec": "docker:container/{}",
    "kubectl-exec": "k8s:{}",
}


def _named_where_it_runs(effect: Effect, notes: list[str]) -> Effect:
    """The effect also named in the place its command runs, when a wrapper runs it elsewhere
    (:func:`~keyturn.understand.shell.effects.named_in`)."""
    places = []
    for note in notes:
        kind, _, where = note.partition(":")
        form = _ELSEWHERE.get(kind)
        if form is not None and where:
            if kind == "kubectl-exec":
                # Without -n the namespace is the kubeconfig's, not told here: any namespace.
                namespace, _, pod = where.rpartition("/")
                where = f"{namespace or '*'}/pod/{pod}"
            elif kind == "ssh":
                where = where.rpartition("@")[2]
            places.append(form.format(where))
    return named_in(effect, places)


def _named_at_run_time(effect: Effect, cmd: SimpleCommand) -> bool:
    """Whether a delete, replace or unprotecting of ``effect`` names its resource by a word
    decided at run time (``kubectl delete ns $NS``, ``--db-instance-identifier=$DB``).

    Such a name matches no ``protected`` pattern, whatever it turns out to be, so judged as
    written it would let ``export DB=prod-main`` in one call and a delete of ``$DB`` in the
    next reach a protected resource. It is unknown instead, as a run-time path is for files."""
    if effect.effect not in DESTRUCTIVE_EFFECTS and not effect.removes_protection:
        return False
    parts: set[str] = set()
    for index in cmd.dynamic_words:
        if 0 < index < len(cmd.argv):
            word = cmd.argv[index]
            # The expansions themselves too: a handler may rewrite the rest of the word
            # (``remote:$B`` is named ``rclone:remote/$B``).
            parts.update(p for p in (word, word.partition("=")[2]) if p)
            parts.update(_EXPANSION.findall(word))
    # Also as a path's normalisation leaves them (``${x//a/b}`` in ``file:/w/${x/a/b}``).
    parts.update(n for part in tuple(parts) for n in as_normalised(part))
    names = [n for n in effect.resource.names if not n.startswith("shell:")]
    return any(part in name for part in parts for name in names)


# $NAME, ${…}, $(…) and `…` as they stand in a word decided at run time.
_EXPANSION = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]|`[^`]*`")


def empty_line_effect(text: str, ctx: ShellContext) -> Effect:
    """A line with nothing to run (blank, comments, assignments only)."""
    cmd = SimpleCommand(argv=(), program="", text="")
    effect = command_effect(EffectKind.READ, cmd, ctx, detail="runs no command")
    return replace(effect, resource=replace(effect.resource, names=(shell_name(text),)))
