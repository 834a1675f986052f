"""Understanding shell commands: a command line -> every effect of every command in it.

The line is parsed with a real bash grammar (tree-sitter-bash, :mod:`.parse`); words are
unquoted and expanded as far as the text decides (:mod:`.words`); wrappers and assignments are
stripped (:mod:`.wrappers`); each simple command goes to the handler registered for its program
(:mod:`.registry`, handlers in :mod:`.commands`); nested shells, ``eval`` and decodable payloads
are parsed again (:mod:`.nested`), bounded in depth. Whatever is decided at run time is an
``unknown`` effect with its reason. Nothing here reads files except through ``files``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, EffectKind, Target
from keyturn.understand import FileReader, NoFiles
from keyturn.understand.runs_later import mark_runs_later
from keyturn.understand.shell.code_settings import variable_effects
from keyturn.understand.shell.commands._keyturn_vars import (
    variable_effects as keyturn_variable_effects,
)
from keyturn.understand.shell.dispatch import (
    RUN_TIME_HINT,
    effects_of,
    empty_line_effect,
    target_from_variables,
    target_switch,
    target_variables_switch,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.flags import canonical_words
from keyturn.understand.shell.line_writes import note_writes
from keyturn.understand.shell.nested import constant_output
from keyturn.understand.shell.parse import Problem, parse_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.sequences import mark_unprotected_deletes
from keyturn.understand.shell.words import normalize_path

__all__ = ["MAX_DEPTH", "MAX_INPUT", "understand_shell"]

MAX_INPUT = 65_536
MAX_DEPTH = 8
MAX_NESTED_LINES = 200
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
    if not isinstance(command, str):
        raise InputError("shell command: expected a string")
    variables = dict(env or {})
    base = target.merged_over(target_from_variables(variables))
    ctx = ShellContext(
        cwd=normalize_path(cwd, cwd="/"), home=home, env=variables, target=base, files=files
    )
    run = _Run()
    effects = run.line(command, ctx, top=True)
    if run.switched:
        # The line switches where later commands land (``export AWS_PROFILE=…``, ``kubectl
        # config use-context …``, ``terraform workspace select …``): it is judged again there,
        # and the stricter of the two judgements stands. Judging it only where the switch leads
        # would let a switch written after a command move that command too.
        there = Target(**run.switched).merged_over(ctx.target)
        if RUN_TIME_HINT in run.switched.values():
            # Switched to somewhere decided at run time: no environment can be told (the
            # policy's unknown_environment), whatever the other hints say.
            there = replace(there, environment=RUN_TIME_HINT)
        effects += run.line(command, replace(ctx, target=there, env={**ctx.env, **run.set_env}))
    # KEYTURN_* set or unset anywhere on the line reconfigures the guard (self-protection).
    effects += keyturn_variable_effects(command, target=base)
    effects = _dedupe(mark_runs_later(mark_unprotected_deletes(effects), home=ctx.home))
    if not effects:
        effects = [empty_line_effect(command, ctx)]
    summary = " ".join(command.split())
    return Action(
        kind=ActionKind.SHELL,
        summary=summary[:200] + ("…" if len(summary) > 200 else ""),
        effects=tuple(effects),
        target=base,
        subject=run.subject,
    )


@dataclass(slots=True)
class _Run:
    """One understanding: the subject (normalised commands) and the nested-work budget."""

    subject: list[Any] = field(default_factory=list)
    nested_lines: int = 0
    # Target hints the line switches to (field -> value), seen anywhere in it, and the
    # variables behind those set by assignment (handlers such as the AWS CLI read them).
    switched: dict[str, str] = field(default_factory=dict)
    set_env: dict[str, str] = field(default_factory=dict)

    def line(self, text: str, ctx: ShellContext, *, top: bool = False) -> list[Effect]:
        if len(text) > MAX_INPUT:
            return [unknown_effect(None, f"command longer than {MAX_INPUT} characters", ctx, text)]
        ctx = evolve(ctx, understand_nested=lambda t: self.nested(t, ctx))
        variables: dict[str, str | None] = {**ctx.env, "HOME": ctx.home, "PWD": ctx.cwd}
        parsed = parse_line(text, variables=variables, home=ctx.home)
        effects: list[Effect] = []
        for item in parsed.items:
            if isinstance(item, Problem):
                effects.append(unknown_effect(None, item.reason, ctx, item.source or text))
                if top:
                    self.subject.append({"problem": item.reason})
                continue
            found, cmd = effects_of(item, ctx)
            effects.extend(found)
            self.switched.update(target_switch(cmd))
            if top:
                self.subject.append(_subject_entry(cmd))
            ctx = _after(cmd, ctx)
            if any(e.effect is not EffectKind.READ for e in found):
                output = None
                if cmd.argv and not cmd.stdin_dynamic:
                    output = constant_output(cmd.argv, stdin_text=cmd.stdin_text)
                ctx = note_writes(cmd, found, ctx, output=output)
        if parsed.assigned:
            # What a pager, editor, preload... variable set on the line runs (code_settings).
            effects.extend(variable_effects(parsed.assigned, None, ctx, line=text))
            hints, set_variables = target_variables_switch(parsed.assigned)
            self.switched.update(hints)
            self.set_env.update(set_variables)
        if parsed.has_error:
            # Imported on first use: most lines parse, and every hook pays for each import.
            from keyturn.understand.shell.commands import windows as windows_line

            if windows_line.looks_windows(text):
                effects.extend(windows_line.understand_windows_line(text, ctx))
        return effects

    def nested(self, text: str, ctx: ShellContext) -> list[Effect]:
        """Understand a command line found inside another (``bash -c``, a script, ``ssh``)."""
        self.nested_lines += 1
        if ctx.depth >= MAX_DEPTH or self.nested_lines > MAX_NESTED_LINES:
            reason = f"shell commands nested more than {MAX_DEPTH} deep"
            return [unknown_effect(None, reason, ctx, text)]
        found = self.line(text, evolve(ctx, depth=ctx.depth + 1))
        return found or [empty_line_effect(text, ctx)]


def _after(cmd: SimpleCommand, ctx: ShellContext) -> ShellContext:
    """The context after ``cmd`` ran: ``cd DIR`` changes the working directory of what follows."""
    if cmd.name not in ("cd", "pushd") or 0 in cmd.dynamic_words:
        return ctx
    operands = [a for a in cmd.args if not a.startswith("-")]
    if not operands:
        return evolve(ctx, cwd=ctx.home) if cmd.name == "cd" else ctx
    if 1 + cmd.args.index(operands[0]) in cmd.dynamic_words:
        return ctx
    return evolve(ctx, cwd=normalize_path(operands[0], cwd=ctx.cwd))


def _subject_entry(cmd: SimpleCommand) -> dict[str, Any]:
    entry: dict[str, Any] = {"argv": list(canonical_words(cmd.argv))}
    if cmd.assignments:
        entry["assignments"] = dict(sorted(cmd.assignments.items()))
    if cmd.wrappers:
        entry["wrappers"] = list(cmd.wrappers)
    if cmd.redirects:
        entry["redirects"] = [[r.op, r.target] for r in cmd.redirects]
    if cmd.stdin_text is not None:
        entry["stdin"] = cmd.stdin_text
    return entry


def _dedupe(effects: list[Effect]) -> list[Effect]:
    return list(dict.fromkeys(effects))
