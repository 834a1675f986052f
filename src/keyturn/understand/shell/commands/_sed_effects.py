"""What a sed script itself does besides editing its files, for the ``sed`` handler of
:mod:`.files`.

From :func:`._sed_script.read_script`'s reading of each script: the commands it runs (``e``,
``s///e``, or the text it edits run as a command), the files it writes (``w FILE``) and reads
(``r FILE``); a script sed reads from a file (``-f``), or one not understood, is unknown.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._sed_script import read_script
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect, write_effect
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def sed_script_effects(cmd: SimpleCommand, opts: Options, ctx: ShellContext) -> list[Effect]:
    if opts.has("f"):
        return [unknown_effect(cmd, "sed runs a script file it reads", ctx)]
    texts = opts.values.get("e") or opts.operands[:1]
    effects: list[Effect] = []
    for text in texts:
        script = read_script(text)
        if script.unreadable is not None:
            effects.append(
                unknown_effect(cmd, f"sed script not understood: {script.unreadable}", ctx)
            )
        if script.runs_pattern_space:
            effects.append(unknown_effect(cmd, "sed runs the text it edits as a command", ctx))
        for run in script.runs:
            effects.extend(runs_command(run, "sed's e command", cmd, ctx))
        effects.extend(write_effect(file_path(p, ctx), cmd, ctx) for p in script.writes if p)
        if reads := [file_path(p, ctx) for p in script.reads if p]:
            effects.append(file_effect(EffectKind.READ, reads, cmd, ctx, detail="sed's r command"))
    return effects
