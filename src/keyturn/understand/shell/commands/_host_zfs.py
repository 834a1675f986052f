"""ZFS: ``zpool`` and ``zfs`` (the other volume managers: :mod:`.volumes`).

Names: ``zfs:<pool>[/<dataset>][@<snapshot>]``; ``zfs:*`` for every pool; a device a pool is
made on, ``file:<device>`` (a bare name is under ``/dev``, as zpool reads it).

Meanings, as the OpenZFS 2.x manuals tell them (zpool-destroy(8), zpool-export(8),
zpool-create(8), zfs-rollback(8), zfs-set(8), zfs-receive(8)): ``zpool destroy`` deletes the
pool and every dataset in it, ``zfs destroy`` the dataset and its data, ``zpool labelclear``
wipes a device's label -- catastrophic; a snapshot destroyed (``pool/fs@snap``) is named and
stays ``unknown``. ``zpool create|add|attach|replace`` write a new pool's label over each
device they are given (``-f``: even over a file system found there): catastrophic for those
devices, as ``mkfs`` is; ``-n`` only shows the layout. ``zpool export`` unmounts every dataset
of the pool and takes it off this host (``-f``: even busy ones): an update that interrupts.
``zfs rollback SNAP`` discards every change to the dataset since SNAP (a replace of it); its
``-r`` also destroys the later snapshots and bookmarks, ``-R`` their clones too -- snapshots
destroyed, ``unknown`` as above. ``zfs set``/``inherit`` update the datasets' properties; a
``mountpoint`` set mounts the dataset over a directory of this host, which is not judged here,
as ``mount`` is not. ``zfs snapshot``/``create`` create; ``zfs receive -F`` rolls the target
back and destroys its snapshots and children not in the stream (a replace), plain ``receive``
creates. The listing forms read; any other form is unknown.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._storage_effects import storage_effect
from keyturn.understand.shell.effects import file_effect, file_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind


def _destroys(devices: list[str], what: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """A catastrophic replace of the devices (``/dev/?`` when none is named)."""
    paths = [file_path(d if "/" in d else f"/dev/{d}", ctx) for d in devices] or ["/dev/?"]
    reason = f"{cmd.name} {what} {' '.join(paths)}"
    return file_effect(_E.REPLACE, paths, cmd, ctx, catastrophic=reason, detail=reason)


def _words(args: tuple[str, ...], valued: str) -> tuple[str, list[str]]:
    """(the single-letter flags given, the operands): the letters of ``valued`` take the next
    word (or the rest of their bundle) as their value."""
    flags, skip = "", False
    operands: list[str] = []
    for word in args:
        if skip:
            skip = False
        elif word.startswith("-") and len(word) > 1 and not operands:
            for at, letter in enumerate(word[1:], start=1):
                flags += letter
                if letter in valued:
                    skip = not word[at + 1 :]
                    break
        else:
            operands.append(word)
    return flags, operands


# --- zpool -------------------------------------------------------------------------------------

_ZPOOL_READS = frozenset({"list", "status", "get", "iostat", "history", "events", "help"})
_ZPOOL_READS |= {"version"}
# The verbs that write a pool's label over devices, and how many operands before the devices
# (``attach POOL DEVICE NEW``: only NEW is written; ``replace POOL OLD [NEW]``: NEW, else OLD).
_ZPOOL_LABELS = {"create": 1, "add": 1, "attach": 2, "replace": 2}
_VDEV_WORDS = frozenset({"mirror", "raidz", "raidz1", "raidz2", "raidz3", "spare", "log"})
_VDEV_WORDS |= {"cache", "special", "dedup", "draid", "draid1", "draid2", "draid3"}


@command("zpool")
def zpool(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``zpool VERB …`` (the module's docstring)."""
    words = [a for a in cmd.args if not a.startswith("-")]
    if not words:
        return None
    sub = words[0]
    flags, rest = _words(cmd.args[cmd.args.index(sub) + 1 :], "oOmRt")
    if sub == "destroy" and rest:
        reason = f"zpool destroy destroys the pool {rest[0]} and every dataset in it"
        return [storage_effect(_E.DELETE, [f"zfs:{rest[0]}"], cmd, ctx, catastrophic=reason)]
    if sub == "labelclear":
        return [_destroys(rest[:1], "labelclear wipes the ZFS label of", cmd, ctx)]
    if sub in _ZPOOL_READS:
        return [
            storage_effect(
                _E.READ, [f"zfs:{w}" for w in words[1:] if "=" not in w] or ["zfs:*"], cmd, ctx
            )
        ]
    if sub == "export" and (rest or "a" in flags):
        names = [f"zfs:{p}" for p in rest] + (["zfs:*"] if "a" in flags else [])
        forced = " (-f: even busy ones)" if "f" in flags else ""
        said = f"disruptive: unmounts every dataset of the pool{forced} and takes it off this host"
        return [storage_effect(_E.UPDATE, names, cmd, ctx, detail=said)]
    if sub in _ZPOOL_LABELS and len(rest) > _ZPOOL_LABELS[sub]:
        pool = rest[0]
        if "n" in flags:
            return [storage_effect(_E.READ, [f"zfs:{pool}"], cmd, ctx, detail="-n: a dry run")]
        devices = [d for d in rest[_ZPOOL_LABELS[sub] :] if d.split(":")[0] not in _VDEV_WORDS]
        if sub == "replace" and len(rest) == 2:
            devices = rest[1:]  # replaced in place: the same device rewritten
        change = storage_effect(
            _E.CREATE if sub == "create" else _E.UPDATE, [f"zfs:{pool}"], cmd, ctx
        )
        return [change, _destroys(devices, f"{sub} writes a ZFS label over", cmd, ctx)]
    return None


# --- zfs ---------------------------------------------------------------------------------------

_ZFS_READS = frozenset({"list", "get", "help", "version", "diff", "holds", "userspace", "send"})
_ZFS_READS |= {"groupspace", "projectspace"}


@command("zfs")
def zfs(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``zfs VERB …`` (the module's docstring)."""
    words = [a for a in cmd.args if not a.startswith("-")]
    if not words:
        return None
    sub = words[0]
    flags, rest = _words(cmd.args[cmd.args.index(sub) + 1 :], "oxVb")
    if sub in _ZFS_READS:
        return [storage_effect(_E.READ, [f"zfs:{w}" for w in words[1:]] or ["zfs:*"], cmd, ctx)]
    if not rest:
        return None
    if sub == "destroy":
        return [_destroy(rest[0], flags, cmd, ctx)]
    if sub == "rollback":
        return _rollback(rest[0], flags, cmd, ctx)
    if sub in ("set", "inherit"):
        return _properties(sub, rest, cmd, ctx)
    if sub in ("snapshot", "snap", "create"):
        return [storage_effect(_E.CREATE, [f"zfs:{w}" for w in rest], cmd, ctx)]
    if sub in ("receive", "recv"):
        names = [f"zfs:{rest[0]}", f"zfs:{rest[0]}/*"]
        if "F" in flags:
            said = "-F: rolls it back and destroys its snapshots and children not in the stream"
            return [storage_effect(_E.REPLACE, names, cmd, ctx, detail=said)]
        return [storage_effect(_E.CREATE, names, cmd, ctx, detail="received from a stream")]
    return None


def _destroy(name: str, flags: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """``zfs destroy``: a dry run reads; a snapshot is named, unknown; a dataset catastrophic."""
    names = [f"zfs:{name}"]
    if "n" in flags:
        return storage_effect(_E.READ, names, cmd, ctx, detail="a dry run")
    if "@" in name or "#" in name:
        detail = f"destroys the snapshot or bookmark {name}"
        return storage_effect(_E.UNKNOWN, names, cmd, ctx, detail=detail)
    reason = f"zfs destroy destroys the dataset {name} and its data"
    return storage_effect(_E.DELETE, names, cmd, ctx, catastrophic=reason)


def _rollback(snapshot: str, flags: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    dataset = snapshot.partition("@")[0]
    said = f"discards every change to {dataset} since {snapshot}"
    out = [storage_effect(_E.REPLACE, [f"zfs:{dataset}"], cmd, ctx, detail=said)]
    if "r" in flags or "R" in flags:
        later = "the snapshots and bookmarks of it later than " + snapshot
        later += ", and their clones (-R)" if "R" in flags else ""
        out.append(
            storage_effect(_E.UNKNOWN, [f"zfs:{dataset}@*"], cmd, ctx, detail=f"destroys {later}")
        )
    return out


def _properties(sub: str, rest: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``set PROP=VALUE… DATASET…`` / ``inherit PROP DATASET…``."""
    if sub == "set":
        props = [w for w in rest if "=" in w]
        datasets = [w for w in rest if "=" not in w]
    else:
        props, datasets = rest[:1], rest[1:]
    names = [f"zfs:{d}" for d in datasets] or ["zfs:*"]
    said = f"{sub}s {', '.join(props)}"
    mounts = [p for p in props if p.lower().startswith("mountpoint")]
    if mounts:
        said += ": mounts the dataset over a directory of this host, which is not judged"
        return [storage_effect(_E.UNKNOWN, names, cmd, ctx, detail=said)]
    return [storage_effect(_E.UPDATE, names, cmd, ctx, detail=said)]
