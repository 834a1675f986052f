"""Reading cmd and PowerShell text statement by statement, and what each statement runs: the
recursive core of :mod:`.windows` (a script's pipelines, a PowerShell statement's blocks and
bindings, the program a statement calls, ``cmd /c``, ``powershell -Command``,
``Invoke-Expression`` and ``Start-Process`` read again as text).

Split out of :mod:`.windows`, which keeps the registered handlers and the entry points (and
whose docstring says where each other part of the Windows reading lives), so that each module
stays small; these functions call one another, so they move together.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._powershell_aliases import RUN_TIME_ALIAS
from keyturn.understand.shell.commands._powershell_bindings import (
    Bindings,
    called_name,
    calls_group,
)
from keyturn.understand.shell.commands._powershell_dotnet import method_effects
from keyturn.understand.shell.commands._powershell_forms import (
    BLOCK_RUNNERS,
    FOREACH,
    UNKNOWN_FLOW,
    Flow,
    assignment,
    bound_blocks,
    expression,
    flow_after,
    remote,
    started,
    string_flow,
)
from keyturn.understand.shell.commands._powershell_host import command_value, host_text
from keyturn.understand.shell.commands._powershell_text import plain_text
from keyturn.understand.shell.commands._powershell_values import joined_groups
from keyturn.understand.shell.commands._windows_calls import other_command
from keyturn.understand.shell.commands._windows_files import (
    COPIES,
    MOVES,
    WRITES,
    copies,
    moves,
    redirected,
    writes,
)
from keyturn.understand.shell.commands._windows_paths import NO_MOVE, directory_change, windows_path
from keyturn.understand.shell.commands._windows_removes import (
    CMD_SWITCHES,
    PS_REMOVES,
    remove,
    robocopy,
)
from keyturn.understand.shell.commands._windows_self import keyturn_settings, setx
from keyturn.understand.shell.commands._windows_syntax import (
    Redirection,
    inner_texts,
    pipelines,
    pipelines_by_line,
    redirections,
)
from keyturn.understand.shell.commands._windows_words import command_words, tokens, ungrouped
from keyturn.understand.shell.effects import command_effect, file_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def _script(
    text: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    depth: int,
    cwd: str | None = None,
    outer: Bindings | None = None,
) -> list[Effect]:
    """The effects of cmd or PowerShell ``text``, pipeline by pipeline; ``cwd``: where it
    runs, when known (``cd /d C:\\`` earlier in the text moves the statements after it);
    ``outer``: the bindings of the text a block of which ``text`` is."""
    if depth > 8:
        return [unknown_effect(cmd, "Windows commands nested too deeply", ctx)]
    # Other dashes and quotes, block comments: read as PowerShell reads them too, on its own.
    spelled = plain_text(text) if powershell else text
    effects = (
        []
        if spelled == text
        else _script(spelled, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd, outer=outer)
    )
    chunks = pipelines(text, powershell=powershell)
    statements = [s for p in chunks for s in p]
    bindings = Bindings.of(text, statements, powershell=powershell, outer=outer)
    # cmd reads (and expands ``%X%`` in) a line at a time: each line is told as it is reached.
    for pipeline in pipelines_by_line(text, powershell=powershell, on_line=bindings.cmd.new_line):
        flow = UNKNOWN_FLOW
        for statement in pipeline:
            statement, found = redirections(statement, powershell=powershell)
            effects += redirected(found, cmd, ctx, powershell=powershell, cwd=cwd)
            if not powershell:
                statement = ungrouped(statement)
            else:
                bindings.assign_environment(statement)
                given = assignment(statement)
                if given is not None:
                    # ``$p = 'C:\\x'`` keeps the value; ``$r = Remove-Item ...`` runs it.
                    name, statement = given
                    bindings.assign(name, statement)
                more, flow = _powershell_statement(statement, flow, bindings, cmd, ctx, depth, cwd)
                effects += more
                moved = _moved(statement, bindings, cwd)
                cwd = cwd if moved == NO_MOVE else moved
                continue
            raw = tokens(statement, powershell=False)
            plain = command_words(raw, powershell=False)
            call = bool(raw) and raw[0].lstrip("@(").lower() == "call"
            readings = bindings.cmd_readings(plain, call=call)
            for words in [r for i, r in enumerate(readings) if r not in readings[:i]]:
                if not words:
                    continue
                moved = directory_change(words, cwd, powershell=False)
                if moved != NO_MOVE:
                    cwd = moved
                    effects.append(command_effect(EffectKind.READ, cmd, ctx, detail=statement))
                    continue
                shown = statement if words == plain else shlex.join(words)
                effects += _statement(
                    words, shown, cmd, ctx, False, depth, cwd=cwd, bindings=bindings
                )
            bindings.cmd.ran(statement)
    return effects or [command_effect(EffectKind.READ, cmd, ctx)]


def _moved(statement: str, bindings: Bindings, cwd: str | None) -> str | None:
    words = bindings.words(tokens(statement, powershell=True))[0]
    return directory_change(words, cwd, powershell=True) if words else NO_MOVE


def _powershell_statement(
    statement: str,
    flow: Flow,
    bindings: Bindings,
    cmd: SimpleCommand,
    ctx: ShellContext,
    depth: int,
    cwd: str | None,
) -> tuple[list[Effect], Flow]:
    """One PowerShell statement of a pipeline given what the command before passed on: its
    effects (its blocks and subexpressions included) and what it passes on."""
    words, splats = bindings.words(tokens(statement, powershell=True))
    if not words:
        return [], UNKNOWN_FLOW
    name = words[0].lower()
    blocks = inner_texts(statement)
    if name in FOREACH and flow.paths:
        blocks = bound_blocks(blocks, flow)
    effects: list[Effect] = []
    for block in blocks:
        effects += _script(
            block, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd, outer=bindings
        )
    effects += keyturn_settings(statement, cmd, ctx)
    if splats:
        reason = f"splats parameters decided at run time ({', '.join(splats)})"
        effects.append(unknown_effect(cmd, reason, ctx, statement))
    if calls_group(statement):
        # ``& ('Remove'+'-Item') ...``, ``& (gcm ri) ...``: the command the group names.
        called = called_name(statement, blocks[0]) if blocks else None
        if called is None:
            reason = "the call operator runs a command decided at run time"
            return [*effects, unknown_effect(cmd, reason, ctx, statement)], UNKNOWN_FLOW
        words = [called, *words[2 if name in ("&", ".") else 1 :]]
        name = called.lower()
    kind = expression(statement)
    if kind is not None:
        if kind == "method":
            # ``[IO.Directory]::Delete(...)``, ``[scriptblock]::Create('...')``: see the module.
            effects += method_effects(
                statement,
                bindings.variables,
                cmd,
                ctx,
                cwd=cwd,
                run=lambda t: _script(t, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd),
            )
        return effects, string_flow(statement) or UNKNOWN_FLOW
    if bindings.define_alias(words):
        return [*effects, command_effect(EffectKind.READ, cmd, ctx, detail=statement[:100])], flow
    if directory_change(words, cwd, powershell=True) != NO_MOVE:
        return [*effects, command_effect(EffectKind.READ, cmd, ctx, detail=statement[:100])], flow
    if name in ("&", ".") and len(words) > 1 and not words[1].startswith(("(", "{")):
        words = words[1:]  # ``& 'Remove-Item' ...``: the call operator runs the named command
    elif name in BLOCK_RUNNERS:
        if name in ("invoke-command", "icm") and remote(words):
            effects.append(unknown_effect(cmd, "runs a script block on another computer", ctx))
        elif name in FOREACH and not blocks:
            effects.append(unknown_effect(cmd, "calls a method on each item", ctx, statement))
        return effects or [command_effect(EffectKind.READ, cmd, ctx)], flow
    for meaning in bindings.commands(words[0]):
        # An alias the text made runs its command (one made in a block: either may run).
        if meaning == RUN_TIME_ALIAS:
            effects.append(unknown_effect(cmd, f"{words[0]} is an alias set at run time", ctx))
            continue
        call_words = [meaning, *words[1:]]
        effects += _statement(
            call_words, statement, cmd, ctx, True, depth, cwd=cwd, flow=flow, bindings=bindings
        )
    return effects, flow_after(words, flow, cwd)


def _statement(
    words: list[str],
    text: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    powershell: bool,
    depth: int,
    *,
    cwd: str | None = None,
    flow: Flow = UNKNOWN_FLOW,
    bindings: Bindings | None = None,
) -> list[Effect]:
    name = words[0].lower().replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".exe")
    # ``--%`` (stop parsing): PowerShell passes the rest on as written.
    args = [a for a in words[1:] if not (powershell and a == "--%")]
    if name == "cmd":
        return _cmd(args, cmd, ctx, depth, cwd=cwd)
    if name in ("powershell", "pwsh"):
        return _powershell(args, cmd, ctx, depth, cwd=cwd)
    if powershell and name in PS_REMOVES:
        return remove(args, cmd, ctx, powershell=True, files_only=False, cwd=cwd, flow=flow)
    if name in ("rd", "rmdir", "del", "erase"):
        found = remove(
            args, cmd, ctx, powershell=False, files_only=name in ("del", "erase"), cwd=cwd
        )
        if any(a.startswith("-") for a in args):
            # ``del -r X`` typed where PowerShell may be the shell: read both ways.
            found += remove(args, cmd, ctx, powershell=True, files_only=False, cwd=cwd)
        return found
    if name in ("remove-item", "ri"):
        return remove(args, cmd, ctx, powershell=True, files_only=False, cwd=cwd)
    if powershell and name in ("iex", "invoke-expression"):
        return _invoked(args, text, cmd, ctx, depth, cwd=cwd, flow=flow, outer=bindings)
    if powershell and name in ("start-process", "saps", "start"):
        return _started(args, cmd, ctx, depth, cwd=cwd)
    if name in ("format", "format-volume", "clear-disk", "initialize-disk", "diskpart"):
        reason = f"{words[0]} destroys a disk or volume ({' '.join(args)[:60]})"
        return [
            file_effect(
                EffectKind.REPLACE,
                [windows_path(a, cwd) for a in args if ":" in a] or ["?"],
                cmd,
                ctx,
                catastrophic=reason,
                detail=reason,
            )
        ]
    if name == "robocopy" and len(args) >= 2:
        return robocopy(args, cmd, ctx, cwd=cwd)
    if name in MOVES and (powershell or name in ("move", "ren", "rename")):
        return moves(name, args, cmd, ctx, powershell=powershell, cwd=cwd)
    if name in COPIES and (powershell or name in ("copy", "xcopy")):
        return copies(args, cmd, ctx, powershell=powershell, cwd=cwd)
    if name == "setx":
        return setx(args, cmd, ctx)
    if powershell and name in WRITES and not words[0].lower().endswith(".exe"):
        found = writes(args, cmd, ctx, cwd=cwd)
        if name == "sc":  # sc.exe (services) where sc is no alias (PowerShell 7)
            found += _statement(["sc.exe", *args], text, cmd, ctx, True, depth, cwd=cwd)
        return found

    def run(text: str, where: str | None) -> list[Effect]:
        return _script(text, cmd, ctx, powershell=False, depth=depth + 1, cwd=where)

    return other_command(
        name, words, text, cmd, ctx, powershell=powershell, cwd=cwd, bindings=bindings, run=run
    )


def _invoked(
    args: Sequence[str],
    text: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    depth: int,
    *,
    cwd: str | None,
    flow: Flow,
    outer: Bindings | None,
) -> list[Effect]:
    """``Invoke-Expression TEXT`` (or text piped in): TEXT read as PowerShell when constant;
    its one parameter, ``-Command``, may be abbreviated and take its value after a colon."""
    args = [value for a in args if (value := command_value(a))]
    inner = " ".join(args) if args else flow.text
    if inner is None:
        return [unknown_effect(cmd, "Invoke-Expression of text decided at run time", ctx, text)]
    effects = _script(inner, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd, outer=outer)
    for joined in joined_groups(inner_texts(text)) if args else []:  # ``iex ("a" + "b")``
        effects += _script(joined, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd)
    if args and any(a.startswith("(") or re.search(r"(?<!`)\$", a) for a in args):
        effects.append(unknown_effect(cmd, "Invoke-Expression of text decided at run time", ctx))
    return effects


def _started(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, depth: int, *, cwd: str | None
) -> list[Effect]:
    """``Start-Process PROGRAM -ArgumentList ARGS``: the program's command line."""
    found = started(args, cwd)
    if found is None:
        return [unknown_effect(cmd, "Start-Process without a program", ctx)]
    effects = _statement(
        found.words, " ".join(found.words), cmd, ctx, False, depth + 1, cwd=found.cwd
    )
    for path in found.writes:
        effects += redirected([Redirection(path, False)], cmd, ctx, powershell=True, cwd=cwd)
    return effects


def _cmd(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, depth: int, *, cwd: str | None
) -> list[Effect]:
    """``cmd /c TEXT`` (its switches may be glued: ``/d/c``, ``/cTEXT``); without ``/c`` it
    reads its commands from its input."""
    for i, arg in enumerate(args):
        switches = CMD_SWITCHES.fullmatch(arg.lower()) if arg.startswith("/") else None
        at = re.search(r"/[ckr]", arg.lower()) if arg.startswith("/") else None
        if at is None:
            if switches is None:
                break
            continue
        glued = arg[at.end() :]
        text = " ".join(([glued] if glued else []) + list(args[i + 1 :]))
        return _script(text, cmd, ctx, powershell=False, depth=depth + 1, cwd=cwd)
    if cmd.stdin_text is not None and depth == 0:
        return _script(cmd.stdin_text, cmd, ctx, powershell=False, depth=depth + 1, cwd=cwd)
    return [unknown_effect(cmd, "an interactive cmd shell", ctx)]


def _powershell(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, depth: int, *, cwd: str | None
) -> list[Effect]:
    effects, text = host_text(args, cmd, ctx, at_top=depth == 0)
    if text is None:
        return effects
    return effects + _script(text, cmd, ctx, powershell=True, depth=depth + 1, cwd=cwd)
