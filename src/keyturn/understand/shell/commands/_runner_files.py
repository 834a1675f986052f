"""What every runner does with the file it runs from: judge its shell text as nested commands
(up to a depth), say unknown with the reason, or say it only read the file."""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.registry import ShellContext

MAX_DEPTH = 8  # nested runner calls (a script that runs npm run ...) stop here


def unknown_run(reason: str, path: str, ctx: ShellContext) -> Effect:
    """Unknown: running ``path`` cannot be judged, for ``reason``."""
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=(f"file:{path}",), type="file"),
        target=ctx.target,
        service="shell",
        operation="run",
        detail=reason,
    )


def judge_text(text: str, origin: str, path: str, ctx: ShellContext) -> list[Effect]:
    """The effects of one shell text taken from ``path``."""
    if ctx.understand_nested is None or ctx.depth > MAX_DEPTH:
        return [unknown_run(f"{origin} runs shell text not judged here", path, ctx)]
    return ctx.understand_nested(text)


def nothing_to_run(path: str, ctx: ShellContext) -> Effect:
    """A read of ``path``: the runner only lists or prints, or has nothing to run."""
    return on_file(EffectKind.READ, path, ctx, operation="run", detail="nothing to run")


def on_file(
    kind: EffectKind, path: str, ctx: ShellContext, *, operation: str, detail: str
) -> Effect:
    """An effect of a runner on its own file ``path`` (``package.json``, ``.npmrc``)."""
    return Effect(
        effect=kind,
        resource=Resource(names=(f"file:{path}",), type="file"),
        target=ctx.target,
        service="file",
        operation=operation,
        detail=detail,
    )


def first_readable(paths: Sequence[str], ctx: ShellContext) -> tuple[str, str] | None:
    """The first of ``paths`` the file reader can read, with its text."""
    return next(((p, t) for p in paths if (t := ctx.files.read_text(p)) is not None), None)
