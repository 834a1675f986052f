"""What redirections do: ``>`` writes (creates or truncates) its target, ``>>`` updates it, a
redirect onto a block device destroys a filesystem (catastrophic)."""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import file_effect, file_path, write_effect
from keyturn.understand.shell.registry import Redirect, ShellContext, SimpleCommand

# Targets that are streams, not stored data.
_HARMLESS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/zero"})


def redirect_effects(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The writes a command's redirections make."""
    return [e for r in cmd.redirects if (e := _one(r, cmd, ctx)) is not None]


def _one(redirect: Redirect, cmd: SimpleCommand, ctx: ShellContext) -> Effect | None:
    op = redirect.op.lstrip("0123456789")
    if op in ("<", "<&", "<<", "<<<", "<&-"):
        return None  # reads
    if op in (">&", ">&-") and (redirect.target.isdigit() or redirect.target in ("-", "")):
        return None  # descriptor duplication (2>&1)
    if redirect.dynamic:
        return file_effect(
            EffectKind.UPDATE,
            [redirect.target or "?"],
            cmd,
            ctx,
            detail=f"writes to a path decided at run time ({redirect.op} {redirect.target})",
            run_time=True,
        )
    path = file_path(redirect.target, ctx)
    if path in _HARMLESS or path.startswith("/dev/fd/") or path.startswith("/proc/self/fd/"):
        return None
    appends = op in (">>", "&>>")
    verb = "appends to" if appends else "overwrites"
    return write_effect(
        path,
        cmd,
        ctx,
        detail=f"{verb} {path} ({redirect.op})",
        block_detail=f"redirect onto the block device {path}",
        appends=appends,
    )
