"""keyturn's variables set or unset by a bash builtin through a name not written out.

``unset KEYTURN_SERVER`` is found by the line's own scan (:mod:`._keyturn_vars`), which reads
the words as written. ``v=KEYTURN_SERVER; unset $v`` names the variable only once ``$v`` is
expanded, and ``for v in $(env | grep ^KEYTURN_ | cut -d= -f1); do unset $v; done`` names it
only at run time: here the builtins that set or unset the variables their words name
(``unset``, ``export``, ``declare``/``typeset``/``local``/``readonly``, ``read``, ``printf -v``,
``getopts``, ``wait -p``) give an ``update`` of ``env:KEYTURN_<NAME>`` for an expanded name,
and of ``env:*`` for a name decided at run time (it may be one of keyturn's: self-protection
denies both).

A run-time name that a builtin only sets (``export $(aws configure export-credentials --format
env)``, ``export $(cat .env | xargs)``: common, and judged by the rest of the line as before)
counts only when the substitution, or a file it names, mentions ``KEYTURN_``; one that is
unset or taken out of the environment (``unset``, ``export -n``, ``declare +x``) or set by
``read``/``printf -v`` counts unless it is a substitution whose words name files that can be
read now and none mentions ``KEYTURN_`` (the names come from those files).
"""

from __future__ import annotations

import re
import shlex

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import file_path, local_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_DECLARING = frozenset({"declare", "typeset", "local", "export", "readonly"})
# ``test -v`` and ``let`` only read variables or evaluate arithmetic: not here.
_SETTING = frozenset({"unset", "read", "printf", "getopts", "wait", *_DECLARING})
# ``unset -f``, ``declare -f``/``-F``: functions, not variables.
_FUNCTIONS = re.compile(r"-[a-zA-Z]*[fF][a-zA-Z]*")
# ``export -n``, ``declare +x``: take a variable out of the environment.
_UNEXPORTS = re.compile(r"-[a-zA-Z]*n[a-zA-Z]*|\+[a-zA-Z]*x[a-zA-Z]*")
_RUN_TIME = re.compile(r"[$`]")
_SUBSTITUTION = re.compile(r"\A\$\((.*)\)\Z", re.DOTALL)
_PREFIX = "KEYTURN_"


def keyturn_variables(cmd: SimpleCommand, ctx: ShellContext, names: list[str]) -> list[Effect]:
    """``update`` effects on the keyturn variables ``cmd`` sets or unsets through a name that
    is not written out; ``names``: the words bash reads as variable names
    (``_builtin_evaluation._evaluated_words``)."""
    if cmd.name not in _SETTING:
        return []
    if cmd.name in ("unset", *_DECLARING) and any(_FUNCTIONS.fullmatch(a) for a in cmd.args):
        return []
    written = " ".join(cmd.raw_argv).upper() if cmd.raw_argv else ""
    removes = cmd.name not in _DECLARING or any(_UNEXPORTS.fullmatch(a) for a in cmd.args)
    effects: list[Effect] = []
    for word in names:
        name = word.partition("[")[0].partition("=")[0].removesuffix("+")
        if _RUN_TIME.search(name):
            mentioned = _mentions_keyturn(name, ctx)
            if mentioned is False or (mentioned is None and not removes):
                continue
            variable = "*"
        elif name.upper().startswith(_PREFIX):
            variable = name.upper()
            if variable in written:
                continue  # written out: the line's scan names it
        else:
            continue
        effects.append(
            Effect(
                EffectKind.UPDATE,
                Resource((f"env:{variable}",), "environment variable"),
                local_target(ctx),
                service="shell",
                command=cmd.text or None,
                operation=cmd.name,
                detail=f"{cmd.name} {word}: sets or unsets a variable whose name is not written "
                "out (it may be one of keyturn's)",
            )
        )
    return effects


def _mentions_keyturn(word: str, ctx: ShellContext) -> bool | None:
    """Whether the run-time name ``word`` may come from text holding ``KEYTURN_``: ``True`` when
    it or a file its ``$(…)`` names does, ``False`` when it is a ``$(…)`` whose words name files
    that can be read now and none does, ``None`` when that cannot be told."""
    if _PREFIX in word.upper():
        return True
    found = _SUBSTITUTION.match(word)
    if found is None:
        return None
    try:
        words = shlex.split(found.group(1))
    except ValueError:
        return None
    texts = [
        ctx.files.read_text(file_path(w, ctx))
        for w in words
        if not w.startswith("-") and w not in ("|", "&&", "||", ";")
    ]
    read = [t for t in texts if t is not None]
    if any(_PREFIX in t.upper() for t in read):
        return True
    return False if read else None
