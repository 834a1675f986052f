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
"""

from __future__ import annotations

import re
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
    build_command,
    command_context,
    effects_of,
    empty_line_effect,
    foreign_program,
    target_from_variables,
    target_switch,
    target_variables_switch,
)
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect
from keyturn.understand.shell.flags import OptionSpec, canonical_words, parse_options
from keyturn.understand.shell.line_writes import note_writes
from keyturn.understand.shell.nested import constant_output
from keyturn.understand.shell.parse import Problem, RawCommand, parse_line
from keyturn.understand.shell.redirects import redirect_effects
from keyturn.understand.shell.registry import Redirect, ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.sequences import mark_unprotected_deletes
from keyturn.understand.shell.words import Word, basename, normalize_path
from keyturn.understand.shell.wrappers import LOCAL_WRAPPERS, unwrap

__all__ = ["MAX_DEPTH", "MAX_INPUT", "understand_shell"]

MAX_INPUT = 65_536
MAX_DEPTH = 8
MAX_NESTED_LINES = 200
_NO_TARGET = Target()
_NO_FILES = NoFiles()
# Other working directories a line may be in at once (after ``cd "$D"``, a CDPATH, ``popd``...),
# each judged besides the one keyturn takes: at most this many.
MAX_PLACES = 8
# A line with one of these words may change its working directory: then ``$PWD``, ``$OLDPWD``,
# ``~+`` and ``~-`` are told per command (parsed as these markers, put in before each command is
# judged), not once for the line.
_MAY_MOVE = re.compile(r"\b(?:cd|pushd|popd)\b")
_CWD_MARK = "\x00cwd\x00"
_PREVIOUS_MARK = "\x00previous-cwd\x00"


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
    try:
        effects = _judged_line(command, ctx, run)
    except RecursionError:
        # A line nested hundreds deep (``${x:-${x:-…}}``) outruns Python's stack before the
        # parser's own depth limits: not understood, so held -- never a crash of the hook.
        effects = [unknown_effect(None, "nested too deeply to understand", ctx, text=command)]
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


def _judged_line(command: str, ctx: ShellContext, run: _Run) -> list[Effect]:
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


@dataclass(slots=True)
class _Run:
    """One understanding: the subject (normalised commands) and the nested-work budget."""

    subject: list[Any] = field(default_factory=list)
    nested_lines: int = 0
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

    def line(self, text: str, ctx: ShellContext, *, top: bool = False) -> list[Effect]:
        if len(text) > MAX_INPUT:
            return [unknown_effect(None, f"command longer than {MAX_INPUT} characters", ctx, text)]
        ctx = evolve(ctx, understand_nested=lambda t: self.nested(t, ctx))
        variables: dict[str, str | None] = {**ctx.env, "HOME": ctx.home, "PWD": ctx.cwd}
        moves = _MAY_MOVE.search(text) is not None
        if moves:
            variables.update(PWD=_CWD_MARK, OLDPWD=_PREVIOUS_MARK)
        parsed = parse_line(text, variables=variables, home=ctx.home)
        effects: list[Effect] = []
        places = _Places()
        for item in parsed.items:
            if isinstance(item, Problem):
                effects.append(unknown_effect(None, item.reason, ctx, item.source or text))
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
            ctx, reason = _after(cmd, ctx, places, cdpath=_cdpath(cmd, parsed.assigned, ctx))
            if reason is not None:
                effects.append(unknown_effect(cmd, reason, ctx))
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

    def _after_earlier(
        self, item: RawCommand, cmd: SimpleCommand, ctx: ShellContext, found: list[Effect]
    ) -> list[Effect]:
        """What earlier commands on the line make of ``cmd`` (judged as ``found``) beyond its
        own effects -- a name ``hash -p`` pointed elsewhere, a path through a link the line
        made -- and what ``cmd`` does to those that follow."""
        more = []
        if self.hashed and _runs_hashed(item, cmd, self.hashed):
            reason = "hash -p earlier on the line made this name run another program"
            more.append(unknown_effect(cmd, reason, ctx))
        self.hashed |= _hashed_names(cmd)
        climbing = _climbs_out_of_links(item, ctx.cwd, self.made) if self.made else None
        if climbing is not None:
            reason = (
                f"{climbing!r} climbs with '..' out of a path made earlier on the line, "
                "maybe a link: where it lands is decided at run time"
            )
            more.append(unknown_effect(cmd, reason, ctx, item.source))
        if cmd.name not in _MAKE_NO_LINKS:
            self.made |= _changed_paths(found)
        return more

    def _judged(
        self, item: RawCommand, ctx: ShellContext, *, moves: bool
    ) -> tuple[list[Effect], SimpleCommand]:
        """The effects of one command run from ``ctx.cwd``, and the command as understood."""
        if self.exported:
            item = _with_exported(item, self.exported)
        if moves:
            item = _in_directory(item, pwd=ctx.cwd, oldpwd=ctx.env.get("OLDPWD"))
        moved = _wrapper_directories(item, ctx)
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
        found = self.line(text, evolve(ctx, depth=ctx.depth + 1))
        return found or [empty_line_effect(text, ctx)]


@dataclass(slots=True)
class _Places:
    """Where a line's commands may be besides ``ctx.cwd``: ``others`` (each judged too), and
    the directories ``pushd`` left (with their others), for ``popd``."""

    others: list[str] = field(default_factory=list)
    stack: list[tuple[str, list[str]]] = field(default_factory=list)


# pushd's and popd's ``+N``/``-N``: a place in the directory stack.
_STACK_PLACE = re.compile(r"[+-][0-9]+")
_DIRECTORY_OPTIONS = frozenset({"-L", "-P", "-e", "-@", "-LP", "-PL", "-Pe", "-eP"})


def _after(
    cmd: SimpleCommand, ctx: ShellContext, places: _Places, *, cdpath: tuple[bool, str | None]
) -> tuple[ShellContext, str | None]:
    """The context after ``cmd`` ran (``cd DIR`` moves what follows; ``places`` is updated),
    and why where it is now is decided at run time, if it is."""
    if cmd.name not in ("cd", "pushd", "popd") or 0 in cmd.dynamic_words:
        return ctx, None
    args = list(cmd.args)
    at = 0
    while at < len(args) and (args[at] in _DIRECTORY_OPTIONS or args[at] == "-n"):
        at += 1
    if at < len(args) and args[at] == "--":
        at += 1
    operand = args[at] if at < len(args) else None
    if cmd.name != "cd" and "-n" in args[:at]:
        return ctx, None  # changes the stack only
    if cmd.name == "popd" and places.stack and operand is None:
        # Back where the last pushd left; judged also here, as before (had a pushd failed,
        # the stack is not what the line says).
        cwd, others = places.stack.pop()
        places.others = [o for o in dict.fromkeys([*others, ctx.cwd]) if o != cwd][:MAX_PLACES]
        return _moved_to(ctx, cwd), None
    if cmd.name == "popd" or (
        cmd.name == "pushd" and (operand is None or _STACK_PLACE.fullmatch(operand))
    ):
        _widen(places, ctx.cwd)
        return ctx, f"{cmd.name} moves to a directory of its stack, decided at run time"
    if cmd.name == "pushd":
        places.stack.append((ctx.cwd, list(places.others)))
    if operand is None:
        return _moved_to(ctx, ctx.home, places, ctx.home), None
    if 1 + at in cmd.dynamic_words:
        # The cd handler reports the move as unknown; what follows is judged here and at /.
        _widen(places, ctx.cwd)
        return ctx, None
    if operand == "-":
        before = ctx.env.get("OLDPWD")
        if before is None:
            _widen(places, ctx.cwd)
            return ctx, "cd - returns to a directory decided at run time"
        return _moved_to(ctx, before, places, before), None
    target = normalize_path(operand, cwd=ctx.cwd)
    others = [normalize_path(operand, cwd=cwd) for cwd in places.others]
    reason = None
    set_, value = cdpath
    if set_ and not operand.startswith(("/", "./", "../")) and operand not in (".", ".."):
        # With CDPATH set, bash looks for a relative directory in each of its entries first.
        if value is None:
            others.append(normalize_path(operand, cwd="/"))
            reason = "cd with CDPATH set at run time: which directory it moves to is not known"
        else:
            for entry in value.split(":"):
                base = normalize_path(entry, cwd=ctx.cwd) if entry else ctx.cwd
                others.append(normalize_path(operand, cwd=base))
    places.others = others
    return _moved_to(ctx, target, places, None), reason


def _moved_to(
    ctx: ShellContext, cwd: str, places: _Places | None = None, everywhere: str | None = None
) -> ShellContext:
    """``ctx`` in ``cwd`` (``OLDPWD`` the one it leaves); with ``everywhere``, the other places
    move there too (an absolute move); the others never repeat ``cwd``."""
    if places is not None:
        others = [everywhere] * len(places.others) if everywhere else places.others
        places.others = [o for o in dict.fromkeys(others) if o != cwd][:MAX_PLACES]
    return evolve(ctx, cwd=cwd, env={**ctx.env, "OLDPWD": ctx.cwd})


def _widen(places: _Places, cwd: str) -> None:
    """Where a move decided at run time lands: anywhere, judged here (``cwd``) and at ``/``,
    the widest."""
    if cwd != "/" and "/" not in places.others:
        places.others = [*places.others, "/"][-MAX_PLACES:]


def _cdpath(
    cmd: SimpleCommand, assigned: Mapping[str, str | None], ctx: ShellContext
) -> tuple[bool, str | None]:
    """Whether CDPATH is set for ``cmd`` and its value (``None``: decided at run time). One the
    line assigns counts wherever it is (the line's assignments tell a run-time value)."""
    if "CDPATH" in assigned:
        return True, assigned["CDPATH"]
    if "CDPATH" in cmd.assignments:
        return True, cmd.assignments["CDPATH"]
    if "CDPATH" in ctx.env:
        return True, ctx.env["CDPATH"]
    return False, None


_HASH = OptionSpec(valued="pt")


def _hashed_names(cmd: SimpleCommand) -> set[str]:
    """The names ``hash -p PATH NAME…`` makes run PATH from now on (``*``: decided at run
    time); none for any other command."""
    if cmd.name != "hash" or "-p" not in " ".join(cmd.args):
        return set()
    options = parse_options(cmd.args, _HASH)
    if not options.has("p"):
        return set()
    if any(i > 0 for i in cmd.dynamic_words):
        return {"*"}
    return set(options.operands)


def _runs_hashed(item: RawCommand, cmd: SimpleCommand, hashed: set[str]) -> bool:
    """Whether ``cmd`` (``item`` as written) runs a name ``hash -p`` pointed elsewhere."""
    if not item.words or cmd.name == "hash":
        return False
    names = {item.words[0].text, cmd.program, cmd.name}
    return "*" in hashed or bool(names & hashed)


# Commands whose changes never leave a link where they write (a directory, a file's times
# or mode, a removal).
_MAKE_NO_LINKS = frozenset(
    {"mkdir", "touch", "truncate", "chmod", "chown", "chgrp", "rm", "rmdir", "unlink", "shred"}
)


def _changed_paths(effects: list[Effect]) -> set[str]:
    """The files ``effects`` change (``D/*``: everything under D)."""
    return {
        name[5:]
        for e in effects
        if e.effect is not EffectKind.READ
        for name in e.resource.names
        if name.startswith("file:")
    }


def _climbs_out_of_links(item: RawCommand, cwd: str, made: set[str]) -> str | None:
    """A path ``item`` names (a word, ``--opt=PATH``, a redirection) that goes through one of
    the paths ``made`` and then climbs out with ``..``: ``p/../settings.json`` after ``ln -s
    /root/.claude/projects p`` lands in /root/.claude, not here. (``cd`` moves logically, as
    keyturn does, but a command's own paths are resolved physically.)"""
    words = [w.text for w in item.words[1:] if not w.dynamic]
    words += [r.target for r in item.redirects if not r.dynamic]
    for word in words:
        for path in (word, word.partition("=")[2]):
            if ".." in path and _through_then_up(path, cwd, made):
                return path
    return None


def _through_then_up(path: str, cwd: str, made: set[str]) -> bool:
    full = path if path.startswith("/") else f"{cwd.rstrip('/')}/{path}"
    at, through = "", False
    for part in full.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if through:
                return True
            at = at.rpartition("/")[0]
            continue
        at = f"{at}/{part}"
        through = (
            through or at in made or any(m.endswith("/*") and at.startswith(m[:-1]) for m in made)
        )
    return False


def _with_exported(item: RawCommand, exported: Mapping[str, str]) -> RawCommand:
    """``item`` with the variables ``exported`` assigned before it (its own assignments of the
    same names stand)."""
    own = {name for name, _ in item.assignments}
    added = tuple((n, Word(v, v)) for n, v in exported.items() if n not in own)
    return evolve(item, assignments=added + item.assignments) if added else item


def _in_directory(item: RawCommand, *, pwd: str, oldpwd: str | None) -> RawCommand:
    """``item`` with ``$PWD``/``~+`` and ``$OLDPWD``/``~-`` (parsed as markers) put in: ``pwd``,
    and ``oldpwd`` or, when it is not known, a word decided at run time."""
    texts = [w.text for w in item.words] + [w.text for _, w in item.assignments]
    texts += [r.target for r in item.redirects] + [item.stdin_text or ""]
    if not any("\x00" in t for t in texts):
        return item

    def word(w: Word) -> Word:
        if "\x00" not in w.text:
            return w
        text = w.text.replace(_CWD_MARK, pwd)
        if _PREVIOUS_MARK not in text:
            return evolve(w, text=text)
        if oldpwd is None:
            return evolve(w, text=text.replace(_PREVIOUS_MARK, "$OLDPWD"), dynamic=True)
        return evolve(w, text=text.replace(_PREVIOUS_MARK, oldpwd))

    def redirect(r: Redirect) -> Redirect:
        moved = word(Word(r.target, r.target))
        return evolve(r, target=moved.text, dynamic=r.dynamic or moved.dynamic)

    stdin = word(Word(item.stdin_text, "")) if item.stdin_text is not None else None
    return evolve(
        item,
        words=tuple(word(w) for w in item.words),
        assignments=tuple((name, word(w)) for name, w in item.assignments),
        redirects=tuple(redirect(r) for r in item.redirects),
        stdin_text=None if stdin is None or stdin.dynamic else stdin.text,
        stdin_dynamic=item.stdin_dynamic or (stdin is not None and stdin.dynamic),
    )


# What may move a wrapped command: wrappers that move it unless told not to, and options (any
# long one, abbreviations included; short clusters with the letters that move it: ``env -C``,
# ``sudo -D``/``-i``, ``unshare -w``/``-R``, ``mise -C``).
_ALWAYS_MOVE = frozenset({"systemd-run", "chroot", "pkexec", "su", "runuser", "nsenter"})
_MOVE_OPTION = re.compile(r"--|-[A-Za-z]*[CDiwR]")


def _wrapper_directories(item: RawCommand, ctx: ShellContext) -> tuple[list[str], bool] | None:
    """Where a wrapper runs the command (``env -C /``, ``sudo -D``, ``systemd-run``...): the
    directories to judge it in, and whether one is decided at run time; ``None`` when no
    wrapper moves it."""
    first = item.words[0] if item.words else None
    if first is None or first.dynamic or basename(first.text) not in LOCAL_WRAPPERS:
        return None
    if not any(basename(w.text) in _ALWAYS_MOVE or _MOVE_OPTION.match(w.text) for w in item.words):
        return None  # a cheap look before unwrapping a second time: nothing here moves it
    if foreign_program(first.text, ctx):
        return None  # ``./bin/env`` is that file, not the wrapper
    steps = unwrap(build_command(item)).directories
    if not steps:
        return None
    cwds, run_time = [ctx.cwd], False
    for step in steps:
        if step is None:
            run_time = True
            cwds = list(dict.fromkeys([*cwds, "/"]))
            continue
        if step == "~" or step.startswith("~/"):
            step = ctx.home.rstrip("/") + step[1:]
        cwds = list(dict.fromkeys(normalize_path(step, cwd=cwd) for cwd in cwds))
    return cwds[:MAX_PLACES], run_time


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


def _dedupe(effects: list[Effect]) -> list[Effect]:
    return list(dict.fromkeys(effects))
