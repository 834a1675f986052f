"""``rsync``: reads its sources, writes its destination (here or on another host).

Moved out of :mod:`.files` to keep that module small (STYLE.md: small modules, one concept
each); it is one program with its own vocabulary of places (:mod:`._rsync_places`). The
handler registers under this module's name in the generated ``_index.py``; :mod:`.files`
imports it, so that importing the file commands registers it as before.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._rsync_places import (
    RSYNC,
    on_places,
    recursive_rsync,
    rsync_backups,
    rsync_host,
    rsync_place,
    rsync_shell,
)
from keyturn.understand.shell.commands._tf_removal import with_removed_configuration
from keyturn.understand.shell.commands._tf_trees import with_rsync_written
from keyturn.understand.shell.effects import (
    directory_tree,
    file_path,
    home_or_root,
    named_in,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command


@command("rsync")
def rsync(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rsync``: reads the sources (recursively with ``-r``/``-a``) and writes the destination;
    ``--delete*`` deletes what is not in the source. A ``[user@]host:path`` is named where it
    is (``ssh:host/file:path``); ``--rsync-path`` runs there, ``-e`` here (an ssh whose
    options run commands, ``ProxyCommand``..., is unknown); ``--write-devices`` writes into a
    device as ``cp`` would."""
    opts = parse_options(cmd.args, RSYNC)
    if len(opts.operands) < 2:
        return None
    *sources, dest = opts.operands
    path = rsync_place(dest, ctx)
    local = path.startswith("/")
    landed = on_places(EffectKind.UPDATE, directory_tree(path), cmd, ctx)
    if local:
        # What lands there: Terraform files overwritten, removed or overridden.
        deletes = any(f.startswith("del") for f in opts.flags)
        pairs = [(s, rsync_place(s, ctx)) for s in sources]
        landed = with_rsync_written(
            landed, pairs, path, ctx, deletes=deletes, trees=recursive_rsync(opts)
        )
    effects = [landed]
    if local and opts.has("write-devices"):
        effects.append(write_effect(path, cmd, ctx, detail="rsync --write-devices"))
    effects += rsync_backups(opts, dest, path, cmd, ctx)
    recursive = opts.has("r", "a", "recursive", "archive")
    for source in sources:
        where = rsync_place(source, ctx)
        names = directory_tree(where) if recursive else [where]
        effects.append(on_places(EffectKind.READ, names, cmd, ctx, detail="rsync's source"))
    for shell in opts.values.get("e", ()):  # ``-e CMD``: the remote shell rsync runs here
        effects.extend(rsync_shell(shell, cmd, ctx))
    hosts = {rsync_host(op) for op in opts.operands} - {None}
    for remote in opts.values.get("rsync-path", ()):  # run on the other side, by the shell
        found = runs_command(remote, "rsync --rsync-path", cmd, ctx)
        places = [f"ssh:{h}" for h in sorted(h for h in hosts if h)]
        effects.extend(named_in(e, places) for e in found)
    if opts.has("M"):
        effects.append(unknown_effect(cmd, "rsync --remote-option passes options on", ctx))
    for written in opts.values.get("log-file", ()):
        effects.append(write_effect(file_path(written, ctx), cmd, ctx))
    if any(f.startswith("del") for f in opts.flags):
        wrecked = home_or_root(path, home=ctx.home) if local else None
        effects.append(
            on_places(
                EffectKind.DELETE,
                [path.rstrip("/") + "/*"],
                cmd,
                ctx,
                detail="deletes files at the destination not in the source",
                catastrophic=f"rsync --delete onto / or a home: {wrecked}" if wrecked else None,
            )
        )
    if opts.has("remove-source-files") or opts.has("remove-sent-files"):
        # The files sent go: a folder's, everything under it.
        places = [rsync_place(s, ctx) for s in sources]
        names = [n for place in places for n in directory_tree(place)]
        sent = on_places(EffectKind.DELETE, names, cmd, ctx, detail="removes what it sent")
        here = [p for p in places if p.startswith("/")]
        effects.append(with_removed_configuration(sent, here, cmd, ctx, globbed=False, trees=True))
    for key in ("log-file", "write-batch", "only-write-batch"):
        for written in opts.values.get(key, ()):
            effects.append(write_effect(file_path(written, ctx), cmd, ctx, detail=f"--{key}"))
    return effects
