"""Files that commands which otherwise only read the machine write, for :mod:`.basic`.

bash's ``history -w FILE`` writes the session's history over FILE (``-a`` appends to it; ``-r``
and ``-n`` read it), and without FILE uses ``$HISTFILE`` (``~/.bash_history`` by default):
``history -w ~/.claude/settings.json`` empties a hook settings file. ``blkid -c FILE`` keeps
its device cache in FILE (``/dev/null``: none).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import file_effect, home_path, unknown_effect, write_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_HISTORY = OptionSpec(valued="d")
_BLKID = OptionSpec(
    valued="cosStLUHOun",
    long={
        **{"cache-file": "c", "output": "o", "match-tag": "s", "size": "S"},
        **{"match-token": "t", "label": "L", "uuid": "U", "hint": "H", "offset": "O"},
        **{"usages": "u", "match-types": "n", "no-encoding": "d", "garbage-collect": "g"},
        **{"list-filesystems": "k", "list-one": "l", "probe": "p", "info": "i"},
        **{"no-part-details": "D", "help": "h", "version": "V"},
    },
)


def reader_writes(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The files ``history`` or ``blkid`` writes (and ``history`` reads) as ``cmd`` asks."""
    if cmd.name == "history":
        return _history(cmd, ctx)
    if cmd.name == "blkid":
        opts = parse_options(cmd.args, _BLKID)
        return [
            write_effect(home_path(c, ctx), cmd, ctx, detail="blkid's cache file")
            for c in opts.values.get("c", ())
            if c != "/dev/null"
        ]
    return []


def _history(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(cmd.args, _HISTORY)
    if not opts.has("w", "a", "r", "n"):
        return []
    known = ctx.env.get("HISTFILE")
    default = known or f"{ctx.home.rstrip('/')}/.bash_history"
    path = home_path(opts.operands[0] if opts.operands else default, ctx)
    if not opts.has("w", "a"):
        return [file_effect(EffectKind.READ, [path], cmd, ctx, detail="history reads the file")]
    detail = "history " + ("-w writes" if opts.has("w") else "-a appends to") + " the file"
    effects = [write_effect(path, cmd, ctx, detail=detail, appends=not opts.has("w"))]
    if not opts.operands and known is None:
        # $HISTFILE is a shell variable: set earlier in the session, it is not seen here.
        reason = "history writes $HISTFILE, which may have been set to any file"
        effects.append(unknown_effect(cmd, reason, ctx))
    return effects
