"""``find``: reads under its roots; ``-delete`` and the ``-exec`` family act on what it finds.

Moved out of :mod:`.files` to keep that module small (STYLE.md: small modules, one concept
each); the expression's words are read in :mod:`._find_actions`. The handler registers under
this module's name in the generated ``_index.py``; :mod:`.files` imports it, so that importing
the file commands registers it as before.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._file_operands import operand_paths
from keyturn.understand.shell.commands._find_actions import (
    FIND_EXEC,
    FIND_VALUED,
    FIND_WRITES,
    find_exec,
    find_leading_options,
    hook_settings_reached,
)
from keyturn.understand.shell.commands._tf_removal import find_removes
from keyturn.understand.shell.effects import (
    file_effect,
    file_path,
    home_or_root,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command


@command("find")
def find(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``find``: reads; ``-delete`` deletes under its roots; ``-exec CMD {} ;`` runs CMD on them.
    The agents' hook settings files under a root that the action may reach are named too
    (``find . -name settings.json -delete``): ``<root>/*`` does not say them."""
    args = list(cmd.args[find_leading_options(cmd.args) :])
    roots: list[str] = []
    while args and not args[0].startswith(("-", "(", "!")):
        roots.append(args.pop(0))
    paths = operand_paths(cmd, roots or ["."], ctx)
    under = [p.rstrip("/") + "/*" if p != "/" else "/*" for p in paths]
    written = list(zip(roots or ["."], paths, strict=True))
    effects = [file_effect(EffectKind.READ, paths, cmd, ctx)]
    if "-files0-from" in args:  # the start paths are in a file: what is acted on is not said
        effects.append(
            unknown_effect(cmd, "find -files0-from reads its start paths from a file", ctx)
        )
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-delete":
            reasons = [r for p in paths if (r := home_or_root(p, home=ctx.home))]
            reached = hook_settings_reached(args, i, written, ctx)
            deleted = file_effect(
                EffectKind.DELETE,
                paths + under + reached,
                cmd,
                ctx,
                detail="find -delete",
                catastrophic=reasons[0] if reasons else None,
            )
            effects.append(find_removes(deleted, args, i, written, cmd, ctx))
        elif arg in FIND_EXEC:
            end = next(
                (j for j in range(i + 1, len(args)) if args[j] in (";", "+", "\\;")), len(args)
            )
            reached = hook_settings_reached(args, i, written, ctx)
            ran = find_exec(args[i + 1 : end], under + reached, cmd, ctx)
            effects.extend(find_removes(e, args, i, written, cmd, ctx, under) for e in ran)
            i = end
        elif arg in FIND_WRITES and i + 1 < len(args):
            effects.append(write_effect(file_path(args[i + 1], ctx), cmd, ctx))
            i += 1
        elif arg in FIND_VALUED:
            i += 1
        i += 1
    return effects
