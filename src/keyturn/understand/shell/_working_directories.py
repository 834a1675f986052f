"""Where the commands of a line run: the working directories they are judged in.

A line that may move (``cd``, ``pushd``, ``popd``) is told ``$PWD``, ``$OLDPWD``, ``~+`` and
``~-`` per command: it is parsed with the markers :data:`CWD_MARK` and :data:`PREVIOUS_MARK` as
their values, and :func:`in_directory` puts in where each command runs. After each
command, :func:`context_after` moves what follows (with CDPATH, the directory stack, a move
decided at run time) and keeps in :class:`Places` the other directories the line may be in at
once, each judged too; :func:`wrapper_directories` tells where a wrapper (``env -C``, ``sudo
-D``, ``chroot``...) runs the command it wraps. They are here, apart from the per-line walk in
:mod:`._line_run`, because they only answer where a command is, never what it does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from keyturn.understand.shell.dispatch import build_command, foreign_program
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.nested import script_file
from keyturn.understand.shell.parse import RawCommand, parse_line
from keyturn.understand.shell.paths import basename, normalize_path
from keyturn.understand.shell.registry import Redirect, ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.words import Word
from keyturn.understand.shell.wrappers import LOCAL_WRAPPERS, unwrap

# Other working directories a line may be in at once (after ``cd "$D"``, a CDPATH, ``popd``...),
# each judged besides the one keyturn takes: at most this many.
MAX_PLACES = 8
# A line with one of these words may change its working directory: then ``$PWD``, ``$OLDPWD``,
# ``~+`` and ``~-`` are told per command (parsed as these markers, put in before each command is
# judged), not once for the line.
MAY_MOVE = re.compile(r"\b(?:cd|pushd|popd)\b")
CWD_MARK = "\x00cwd\x00"
PREVIOUS_MARK = "\x00previous-cwd\x00"


@dataclass(slots=True)
class Places:
    """Where a line's commands may be besides ``ctx.cwd``: ``others`` (each judged too), and
    the directories ``pushd`` left (with their others), for ``popd``."""

    others: list[str] = field(default_factory=list)
    stack: list[tuple[str, list[str]]] = field(default_factory=list)


# pushd's and popd's ``+N``/``-N``: a place in the directory stack.
_STACK_PLACE = re.compile(r"[+-][0-9]+")
_DIRECTORY_OPTIONS = frozenset({"-L", "-P", "-e", "-@", "-LP", "-PL", "-Pe", "-eP"})


def context_after(
    cmd: SimpleCommand, ctx: ShellContext, places: Places, *, settings: DirectorySettings
) -> tuple[ShellContext, str | None]:
    """The context after ``cmd`` ran (``cd DIR`` moves what follows; ``places`` is updated),
    and why where it is now is decided at run time, if it is."""
    if cmd.name in _SAME_SHELL and 0 not in cmd.dynamic_words:
        return _after_same_shell_text(cmd, ctx, places, settings=settings)
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
        if settings.home is None:
            _widen(places, ctx.cwd)
            return ctx, f"{cmd.name} moves to $HOME, set at run time"
        return _moved_to(ctx, settings.home, places, settings.home), None
    if 1 + at in cmd.dynamic_words:
        # The cd handler reports the move as unknown; what follows is judged here and at /.
        _widen(places, ctx.cwd)
        return ctx, None
    if operand == "-":
        before = settings.oldpwd
        if before is None:
            _widen(places, ctx.cwd)
            return ctx, "cd - returns to a directory decided at run time"
        return _moved_to(ctx, before, places, before), None
    target = normalize_path(operand, cwd=ctx.cwd)
    if any("P" in a for a in args[:at]) and not ctx.disk_stale:
        # ``cd -P``: the directory as the disk has it, links followed (``lnk/..`` is the
        # folder above where lnk leads, not the one lnk is in).
        target = ctx.files.links_followed(file_path(operand, ctx)) or file_path(operand, ctx)
    others = [normalize_path(operand, cwd=cwd) for cwd in places.others]
    reason = None
    set_, value = settings.cdpath
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


# Builtins that run text in the shell itself: a ``cd`` in it moves the commands after them.
_SAME_SHELL = frozenset({"eval", "source", "."})
# Same-shell text inside same-shell text, followed this deep (``eval eval cd /``).
_MAX_SAME_SHELL_DEPTH = 4


def _after_same_shell_text(
    cmd: SimpleCommand,
    ctx: ShellContext,
    places: Places,
    *,
    settings: DirectorySettings,
    depth: int = 0,
) -> tuple[ShellContext, str | None]:
    """The context after ``eval TEXT`` or ``source FILE``: the moves of the commands in the text
    (``eval cd /; rm -rf etc`` deletes /etc), each in turn; a text not known that may move, or
    one that does not parse, leaves the line anywhere (judged here and at ``/``)."""
    if cmd.name == "eval":
        text: str | None = " ".join(cmd.args)
        if any(i > 0 for i in cmd.dynamic_words):
            text = None
    elif not cmd.args:
        return ctx, None
    else:
        text = script_file(cmd.args[0], cmd, ctx, index=1).text
    if text is not None and not MAY_MOVE.search(text):
        return ctx, None
    variables = {**ctx.env, "HOME": ctx.home, "PWD": ctx.cwd}
    parsed = parse_line(text, variables=variables, home=ctx.home) if text is not None else None
    if parsed is None or parsed.has_error or depth >= _MAX_SAME_SHELL_DEPTH:
        if text is None and cmd.name != "eval":
            return ctx, None  # a file not read: the command itself is already unknown
        _widen(places, ctx.cwd)
        return ctx, f"{cmd.name} runs text that may change the working directory"
    reasons = []
    for item in parsed.items:
        if not isinstance(item, RawCommand):
            continue
        inner = unwrap(build_command(item)).command
        if inner is None:
            continue
        if inner.name in _SAME_SHELL:
            ctx, reason = _after_same_shell_text(
                inner, ctx, places, settings=settings, depth=depth + 1
            )
        else:
            ctx, reason = context_after(inner, ctx, places, settings=settings)
        if reason is not None:
            reasons.append(reason)
    return ctx, "; ".join(reasons) or None


def _moved_to(
    ctx: ShellContext, cwd: str, places: Places | None = None, everywhere: str | None = None
) -> ShellContext:
    """``ctx`` in ``cwd`` (``OLDPWD`` the one it leaves); with ``everywhere``, the other places
    move there too (an absolute move); the others never repeat ``cwd``."""
    if places is not None:
        others = [everywhere] * len(places.others) if everywhere else places.others
        places.others = [o for o in dict.fromkeys(others) if o != cwd][:MAX_PLACES]
    return evolve(ctx, cwd=cwd, env={**ctx.env, "OLDPWD": ctx.cwd})


def _widen(places: Places, cwd: str) -> None:
    """Where a move decided at run time lands: anywhere, judged here (``cwd``) and at ``/``,
    the widest."""
    if cwd != "/" and "/" not in places.others:
        places.others = [*places.others, "/"][-MAX_PLACES:]


class DirectorySettings(NamedTuple):
    """The variables a move reads: whether CDPATH is set and its value, where a bare ``cd``
    goes (HOME) and where ``cd -`` goes (OLDPWD); ``None`` for a value decided at run time."""

    cdpath: tuple[bool, str | None]
    home: str | None
    oldpwd: str | None


def directory_settings(
    cmd: SimpleCommand, assigned: Mapping[str, str | None], ctx: ShellContext
) -> DirectorySettings:
    """What a move by ``cmd`` reads, given the variables the line assigns (``assigned``)."""
    return DirectorySettings(
        cdpath_setting(cmd, assigned, ctx),
        _setting("HOME", cmd, assigned, ctx.home),
        _setting("OLDPWD", cmd, assigned, ctx.env.get("OLDPWD")),
    )


def _setting(
    name: str, cmd: SimpleCommand, assigned: Mapping[str, str | None], default: str | None
) -> str | None:
    """The value of ``name`` for ``cmd``: its own assignment (``HOME=/srv cd``); run-time when
    the line assigns it elsewhere (which value a move reads depends on the order things run
    in: ``OLDPWD=/srv; cd -``), else ``default``."""
    if name in cmd.assignments:
        value = cmd.assignments[name]
        return None if "$" in value or "`" in value else value
    return None if name in assigned else default


def cdpath_setting(
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


def in_directory(item: RawCommand, *, pwd: str, oldpwd: str | None) -> RawCommand:
    """``item`` with ``$PWD``/``~+`` and ``$OLDPWD``/``~-`` (parsed as markers) put in: ``pwd``,
    and ``oldpwd`` or, when it is not known, a word decided at run time."""
    texts = [w.text for w in item.words] + [w.text for _, w in item.assignments]
    texts += [r.target for r in item.redirects] + [item.stdin_text or ""]
    if not any("\x00" in t for t in texts):
        return item

    def word(w: Word) -> Word:
        if "\x00" not in w.text:
            return w
        text = w.text.replace(CWD_MARK, pwd)
        if PREVIOUS_MARK not in text:
            return evolve(w, text=text)
        if oldpwd is None:
            return evolve(w, text=text.replace(PREVIOUS_MARK, "$OLDPWD"), dynamic=True)
        return evolve(w, text=text.replace(PREVIOUS_MARK, oldpwd))

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


def wrapper_directories(item: RawCommand, ctx: ShellContext) -> tuple[list[str], bool] | None:
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
