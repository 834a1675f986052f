"""What redirections do: ``>`` writes (creates or truncates) its target, ``>>`` updates it, a
redirect onto a block device destroys a filesystem (catastrophic)."""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand._hcl_protection import is_terraform_file
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
        text=_written(redirect, path, cmd, ctx) if is_terraform_file(path) else None,
    )


def _written(redirect: Redirect, path: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """What the redirect writes to ``path`` when the command's text decides it (``echo``,
    ``printf``, ``cat`` of a heredoc) and nothing else on the command writes there: the
    command's standard output alone (not ``2>``, ``&>``), to the one redirect naming it, by a
    command that does not name the file itself (``sed … main.tf > main.tf``)."""
    if redirect.op.lstrip("1") not in (">", ">|", ">>") or not cmd.argv or cmd.stdin_dynamic:
        return None
    same = [r for r in cmd.redirects if not r.dynamic and file_path(r.target, ctx) == path]
    if len(same) != 1 or any(a and file_path(a, ctx) == path for a in cmd.args):
        return None
    from keyturn.understand.shell.nested import command_output

    return command_output(cmd, ctx)
