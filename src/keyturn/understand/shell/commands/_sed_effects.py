"""What a sed script itself does besides editing its files, for the ``sed`` handler of
:mod:`.files`.

From :func:`._sed_script.read_script`'s reading of each script: the commands it runs (``e``,
``s///e``, or the text it edits run as a command), the files it writes (``w FILE``) and reads
(``r FILE``); a script sed reads from a file (``-f``), or one not understood, is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._sed_script import read_script
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect, write_effect
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.paths import normalize_path
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


# Short options whose value is the rest of the word or the next one, per program: an ``i``
# after one of them in a cluster is part of that value, not ``-i``.
_VALUED_SHORT = {"sed": frozenset("efl"), "perl": frozenset("eEIMml0CdDx")}
# Options whose value is the next word.
_SED_VALUE_NEXT = frozenset({"-e", "-f", "-l", "--expression", "--file"})
_VALUE_NEXT = {"sed": _SED_VALUE_NEXT, "perl": _SED_VALUE_NEXT | {"-E", "-I", "-M", "-m"}}


def in_place_suffix(args: Sequence[str], program: str = "sed") -> tuple[list[str], str | None]:
    """``args`` with an in-place option's backup suffix taken out, and that suffix: ``""`` for
    ``-i`` without one, ``None`` when not editing in place. GNU sed and perl take the rest of
    the word after ``i`` as the suffix (``-i.bak``, ``-ni~``, and ``-ie``: suffix ``e``)."""
    kind = "sed" if program == "sed" else "perl"
    value_next, valued = _VALUE_NEXT[kind], _VALUED_SHORT[kind]
    out: list[str] = []
    suffix: str | None = None
    skip = False
    for arg in args:
        if skip or arg == "--" or not arg.startswith("-") or arg == "-":
            out.append(arg)
            skip = False
            continue
        skip = arg in value_next
        if arg.startswith("--in-place"):
            suffix = arg.partition("=")[2]
            out.append("--in-place")
            continue
        if arg.startswith("--"):
            out.append(arg)
            continue
        for at, char in enumerate(arg[1:], start=1):
            if char in valued:
                break
            if char == "i":
                suffix = arg[at + 1 :]
                arg = arg[: at + 1]
                break
        out.append(arg)
    return out, suffix


def backup_paths(path: str, suffix: str, ctx: ShellContext) -> list[str]:
    """Where an in-place edit of ``path`` keeps its backup: the suffix appended, or, with
    ``*`` in it, the suffix with each ``*`` the file's name -- a path when it holds ``/``
    (named from the working directory and from the file's folder: ``-i'../.claude/*'``)."""
    if not suffix:
        return []
    folder, _, name = path.rpartition("/")
    if "*" not in suffix:
        return [normalize_path(path + suffix, cwd="/")]
    backup = suffix.replace("*", name)
    if "/" not in backup:
        return [normalize_path(f"{folder}/{backup}", cwd="/")]
    places = (normalize_path(backup, cwd=ctx.cwd), normalize_path(backup, cwd=folder or "/"))
    return list(dict.fromkeys(places))
