"""The words bash's builtins evaluate once more (``let``, ``printf -v``, ``read``, ``test -v``,
``declare``...), and what the substitutions in them run: ``let 'a[$(rm -rf /)]=1'`` runs ``rm``
though it is quoted.

Split out of :mod:`.basic` (whose ``harmless`` handler asks it about every such builtin) so
that the reading commands' handlers and this piece of bash's grammar are modules of their own.
"""

from __future__ import annotations

import re

from keyturn.model import Effect
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# Builtins that evaluate a value again (``a=(…)`` under ``-a``/``-A``, a subscript, ``-n``).
_REEVALUATING = frozenset({"declare", "typeset", "local", "readonly"})


def _reached_indirectly(cmd: SimpleCommand) -> bool:
    """Whether bash ran the builtin through ``builtin``/``command``, a quoted or escaped name or
    a variable: then it parsed a plain command, not a declaration."""
    if any(w.split(":")[0] in ("builtin", "command") for w in cmd.wrappers):
        return True
    return bool(cmd.raw_argv) and cmd.raw_argv[0] != cmd.name


def _may_evaluate(cmd: SimpleCommand) -> bool:
    """Whether a word of the declaration holds what bash would evaluate again."""
    return any(c in a for a in cmd.args if not a.startswith(("-", "+")) for c in "([$`")


# The builtins whose words bash evaluates once more, and how to find those words: arithmetic
# expressions (``let``) and variable names, which may carry an array subscript (``printf -v``,
# ``read``, ``test -v``, ``declare``). A subscript is arithmetic, and bash expands ``$(…)``,
# backquotes and ``${…}`` in it: ``let 'a[$(rm -rf /)]=1'`` runs ``rm`` though it is quoted.
_READ_BUILTIN = OptionSpec(valued="adinNptu", stop_at_operand=True)
_PRINTF_BUILTIN = OptionSpec(valued="v", stop_at_operand=True)
_WAIT_BUILTIN = OptionSpec(valued="p", stop_at_operand=True)
_DECLARING = frozenset({"declare", "typeset", "local", "export", "readonly"})
_EVALUATING = frozenset(
    {"let", "test", "[", "[[", "printf", "read", "getopts", "wait", "unset", *_DECLARING}
)
# ``[[ A -eq B ]]`` evaluates both sides as arithmetic (``[``/``test`` want plain integers).
_ARITHMETIC_TESTS = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge"})
_SUBSTITUTION = re.compile(r"\$[({]|`")
_END = "KEYTURN_EXPANDED_AGAIN"


def _evaluated_words(cmd: SimpleCommand) -> list[str]:
    """The words of a builtin that bash evaluates once more (see above)."""
    name, args = cmd.name, list(cmd.args)
    if name not in _EVALUATING:
        return []
    if name == "let":
        return args
    if name in ("test", "[", "[["):
        named = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in ("-v", "-R")]
        if name == "[[":
            named += [
                w
                for i, op in enumerate(args)
                if op in _ARITHMETIC_TESTS
                for w in args[i - 1 : i + 2 : 2]
            ]
        return named
    if name == "getopts":
        return args[1:2]
    if name == "unset":
        return [a for a in args if not a.startswith("-")]  # ``unset 'a[$(…)]'``
    if name in _DECLARING:
        integer = any(a.startswith(("-", "+")) and "i" in a for a in args)
        words = [a for a in args if not a.startswith(("-", "+"))]
        return words if integer else [w.partition("=")[0] for w in words]
    spec = {"read": _READ_BUILTIN, "printf": _PRINTF_BUILTIN, "wait": _WAIT_BUILTIN}[name]
    opts = parse_options(args, spec)
    names = list(opts.values.get("v" if name == "printf" else "p", ()))
    if name == "read":
        names = [*opts.values.get("a", ()), *opts.rest]
    return names


def _expanded_again(words: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What the substitutions in ``words`` run when bash expands them once more: judged as
    the text of an unquoted here-document (expanded as they would be), unknown for backquotes
    or without a way to judge nested commands."""
    effects: list[Effect] = []
    for word in words:
        if not _SUBSTITUTION.search(word):
            continue
        if "`" in word or ctx.understand_nested is None:
            reason = f"bash expands {word[:80]!r} once more and runs what it holds"
            effects.append(unknown_effect(cmd, reason, ctx))
        if "$" in word and ctx.understand_nested is not None:
            effects.extend(ctx.understand_nested(f": <<{_END}\n{word}\n{_END}"))
    return effects
