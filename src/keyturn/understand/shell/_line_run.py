"""One understanding of a shell line, command by command: :class:`Run`.

:func:`keyturn.understand.shell.understand_shell` makes one :class:`Run` per call and judges the
line with it (twice when the line switches where later commands land). The run walks the parsed
line's commands in order: judges each where it runs (:mod:`._working_directories`), adds what
earlier commands make of it (:mod:`._earlier_commands`), notes what it writes for those after
it, and understands the lines nested in it (``bash -c``, a script, ``ssh``) within the nesting
budget. It keeps what the line as a whole tells: the subject (the commands as normalised) and
the target hints and variables the line switches to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from keyturn.model import Effect, EffectKind
from keyturn.understand import NoFiles
from keyturn.understand.shell._earlier_commands import (
    MAKE_NO_LINKS,
    changed_paths,
    climbs_out_of_links,
    hashed_names,
    runs_hashed,
)
from keyturn.understand.shell._working_directories import (
    CWD_MARK,
    MAX_PLACES,
    MAY_MOVE,
    PREVIOUS_MARK,
    Places,
    context_after,
    directory_settings,
    in_directory,
    wrapper_directories,
)
from keyturn.understand.shell.code_settings import variable_effects
from keyturn.understand.shell.commands._file_operands import made_links
from keyturn.understand.shell.commands._keyturn_vars import (
    variable_effects as keyturn_variable_effects,
)
from keyturn.understand.shell.dispatch import (
    command_context,
    effects_of,
    empty_line_effect,
    target_switch,
    target_variables_switch,
)
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect
from keyturn.understand.shell.flags import canonical_words
from keyturn.understand.shell.line_writes import note_writes
from keyturn.understand.shell.nested import command_output
from keyturn.understand.shell.parse import Problem, RawCommand, parse_line
from keyturn.understand.shell.printed_text import EchoRules, with_echo_rules
from keyturn.understand.shell.redirects import redirect_effects
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.words import Word

MAX_INPUT = 65_536
MAX_DEPTH = 8
MAX_NESTED_LINES = 200
# The lines nested in one line (``bash -c "$x"``, ``eval``, ``ssh``, ``find -exec``...), all
# together, may be this many times as long as it, plus NESTED_TEXT_FLOOR characters (plus
# MAX_INPUT when files are at hand: a script run from disk may be as long as a line). A variable
# or a loop repeats a line's text: ``x='…8 KB…'; bash -c "$x"; bash -c "$x"; …`` had 200 lines
# of 8 KB each judged, seconds of work for a 16 KB line. Past the allowance, unknown.
NESTED_TEXT_PER_CHARACTER = 2
NESTED_TEXT_FLOOR = 8_192


@dataclass(slots=True)
class Run:
    """One understanding: the subject (normalised commands) and the nested-work budget."""

    @classmethod
    def for_line(cls, command: str, *, files_at_hand: bool) -> Run:
        """A run for ``command``, with the nested text it may lead to
        (:data:`NESTED_TEXT_PER_CHARACTER`)."""
        floor = NESTED_TEXT_FLOOR + (MAX_INPUT if files_at_hand else 0)
        return cls(nested_text_left=NESTED_TEXT_PER_CHARACTER * len(command) + floor)

    subject: list[Any] = field(default_factory=list)
    nested_lines: int = 0
    # Characters of nested lines still to be judged (:data:`NESTED_TEXT_PER_CHARACTER`).
    nested_text_left: int = NESTED_TEXT_FLOOR
    # Target hints the line switches to (field -> value), seen anywhere in it, and the
    # variables behind those set by assignment (handlers such as the AWS CLI read them).
    switched: dict[str, str] = field(default_factory=dict)
    set_env: dict[str, str] = field(default_factory=dict)
    # In the second judgement: those variables, given to every command as its own.
    exported: dict[str, str] = field(default_factory=dict)
    # Command names ``hash -p PATH NAME`` pointed at another program (``*``: any name).
    hashed: set[str] = field(default_factory=set)
    # Paths the line changed by a command that may leave a link there (``ln -s``, ``cp -a``,
    # ``tar -x``...): the kernel resolves a ``..`` after one of them from where the link leads.
    made: set[str] = field(default_factory=set)
    # Symbolic links the line makes (``ln -s``): ``{link: target}``, followed as disk links are.
    linked: dict[str, str] = field(default_factory=dict)

    def line(self, text: str, ctx: ShellContext, *, top: bool = False) -> list[Effect]:
        if len(text) > MAX_INPUT:
            return [unknown_effect(None, f"command longer than {MAX_INPUT} characters", ctx, text)]
        ctx = evolve(
            ctx, understand_nested=lambda t: self.nested(t, ctx), understand_in=self.nested
        )
        if "xpg_echo" in text:
            # ``shopt -s xpg_echo``: echo expands escapes from there on, in what ``eval``,
            # ``source`` and ``trap`` run too -- not modelled (:mod:`.printed_text`).
            ctx = evolve(ctx, env=with_echo_rules(ctx.env, EchoRules.OTHER))
        variables: dict[str, str | None] = {**ctx.env, "HOME": ctx.home, "PWD": ctx.cwd}
        moves = MAY_MOVE.search(text) is not None
        if moves:
            variables.update(PWD=CWD_MARK, OLDPWD=PREVIOUS_MARK)
        parsed = parse_line(text, variables=variables, home=ctx.home)
        effects: list[Effect] = []
        places = Places()
        for item in parsed.items:
            if isinstance(item, Problem):
                effects.append(unknown_effect(None, item.reason, ctx, item.source or text))
                ctx = evolve(ctx, disk_stale=True)
                if top:
                    self.subject.append({"problem": item.reason})
                continue
            found, cmd = self._judged(item, ctx, moves=moves)
            for cwd in places.others:
                found.extend(self._judged(item, self._at(ctx, cwd), moves=moves)[0])
            found.extend(self._after_earlier(item, cmd, ctx, found))
            effects.extend(found)
            self.switched.update(target_switch(cmd))
            if top:
                self.subject.append(_subject_entry(cmd))
            before = ctx
            ctx, reason = context_after(
                cmd, ctx, places, settings=directory_settings(cmd, parsed.assigned, ctx)
            )
            if ctx.cwd != before.cwd and _may_stay(item, before, ctx.cwd):
                # ``cd /srv/prod || cd /tmp``, ``false && cd dev``, a cd in a branch, or into a
                # directory not there: the line may still be where it was.
                places.others = [
                    o for o in dict.fromkeys([*places.others, before.cwd]) if o != ctx.cwd
                ][:MAX_PLACES]
            if reason is not None:
                effects.append(unknown_effect(cmd, reason, ctx))
            if any(e.effect is not EffectKind.READ for e in found) and not ctx.disk_stale:
                if cmd.name == "git" and _records_work_only(cmd, ctx):
                    ctx = evolve(ctx, committed_earlier=True)
                else:
                    ctx = evolve(ctx, disk_stale=True)
            if any(e.effect is not EffectKind.READ for e in found):
                output = None
                if cmd.argv and not cmd.stdin_dynamic:
                    output = command_output(cmd, ctx)
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

    def _after_earlier(
        self, item: RawCommand, cmd: SimpleCommand, ctx: ShellContext, found: list[Effect]
    ) -> list[Effect]:
        """What earlier commands on the line make of ``cmd`` (judged as ``found``) beyond its
        own effects -- a name ``hash -p`` pointed elsewhere, a path through a link the line
        made -- and what ``cmd`` does to those that follow."""
        more = []
        if self.hashed and runs_hashed(item, cmd, self.hashed):
            reason = "hash -p earlier on the line made this name run another program"
            more.append(unknown_effect(cmd, reason, ctx))
        self.hashed |= hashed_names(cmd)
        climbing = climbs_out_of_links(item, ctx.cwd, self.made) if self.made else None
        if climbing is not None:
            reason = (
                f"{climbing!r} climbs with '..' out of a path made earlier on the line, "
                "maybe a link: where it lands is decided at run time"
            )
            more.append(unknown_effect(cmd, reason, ctx, item.source))
        if cmd.name not in MAKE_NO_LINKS:
            self.made |= changed_paths(found)
        if cmd.name == "ln":
            links, _ = made_links(cmd, ctx) or ([], False)
            self.linked.update((m.link, m.target) for m in links if m.symbolic)
        return more

    def _judged(
        self, item: RawCommand, ctx: ShellContext, *, moves: bool
    ) -> tuple[list[Effect], SimpleCommand]:
        """The effects of one command run from ``ctx.cwd``, and the command as understood."""
        if self.exported:
            item = _with_exported(item, self.exported)
        if moves:
            item = in_directory(item, pwd=ctx.cwd, oldpwd=ctx.env.get("OLDPWD"))
        moved = wrapper_directories(item, ctx)
        if moved is None:
            found, cmd = effects_of(item, ctx)
        else:
            # ``env -C / rm -rf etc``: the command runs where the wrapper moves it; the shell
            # still opens the redirections where it is (judged in both places).
            cwds, run_time = moved
            found = []
            for cwd in cwds:
                more, cmd = effects_of(item, self._at(ctx, cwd))
                found.extend(more)
            found.extend(redirect_effects(cmd, command_context(cmd, ctx)))
            if run_time:
                reason = "runs in a directory decided at run time (judged here and at /)"
                found.append(unknown_effect(cmd, reason, ctx))
        return found + _input_reads(cmd, ctx), cmd

    def _at(self, ctx: ShellContext, cwd: str) -> ShellContext:
        """``ctx`` moved to ``cwd``, with nested commands understood there too."""
        if cwd == ctx.cwd:
            return ctx
        moved = evolve(ctx, cwd=cwd)
        moved = evolve(moved, understand_nested=lambda t: self.nested(t, moved))
        return moved

    def nested(self, text: str, ctx: ShellContext) -> list[Effect]:
        """Understand a command line found inside another (``bash -c``, a script, ``ssh``)."""
        self.nested_lines += 1
        if ctx.depth >= MAX_DEPTH or self.nested_lines > MAX_NESTED_LINES:
            reason = f"shell commands nested more than {MAX_DEPTH} deep"
            return [unknown_effect(None, reason, ctx, text)]
        self.nested_text_left -= len(text)
        if self.nested_text_left < 0:
            reason = "shell commands nested in the line are too long in all to judge"
            return [unknown_effect(None, reason, ctx, text)]
        found = self.line(text, evolve(ctx, depth=ctx.depth + 1))
        # KEYTURN_* set or unset in a line that only exists once decoded or read (a base64
        # payload, a heredoc, a script): the top line's scan never saw its words.
        found += keyturn_variable_effects(text, target=ctx.target)
        return found or [empty_line_effect(text, ctx)]


def _may_stay(item: RawCommand, before: ShellContext, cwd: str) -> bool:
    """Whether the line may still be in ``before.cwd`` after the move to ``cwd`` ``item``
    made: the move may not run (it is in a branch, or after ``&&``/``||``), or it fails
    because the directory is not there (as the disk shows it, when nothing earlier on the line
    changed it)."""
    if item.conditional:
        return True
    files = before.files
    return not isinstance(files, NoFiles) and not before.disk_stale and not files.is_dir(cwd)


def _records_work_only(cmd: SimpleCommand, ctx: ShellContext) -> bool:
    # The git handler's module is loaded already: it judged ``cmd``.
    from keyturn.understand.shell.commands.git import records_work_only

    return records_work_only(cmd, ctx)


def _with_exported(item: RawCommand, exported: Mapping[str, str]) -> RawCommand:
    """``item`` with the variables ``exported`` assigned before it (its own assignments of the
    same names stand)."""
    own = {name for name, _ in item.assignments}
    added = tuple((n, Word(v, v)) for n, v in exported.items() if n not in own)
    return evolve(item, assignments=added + item.assignments) if added else item


def _input_reads(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """Reads of the files a command's input redirections open (``base64 < FILE``, ``exec 3<
    FILE``, ``$(< FILE)``, ``done < FILE``): what reads them is the command, but the read is
    one of the line's (keyturn's own secrets are guarded against reads)."""
    reads = []
    for redirect in cmd.redirects:
        if redirect.op.lstrip("0123456789") not in ("<", "<>") or not redirect.target:
            continue
        path = redirect.target if redirect.dynamic else file_path(redirect.target, ctx)
        detail = f"reads {path} ({redirect.op})"
        reads.append(
            file_effect(EffectKind.READ, [path], cmd, ctx, detail=detail, run_time=redirect.dynamic)
        )
    return reads


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
