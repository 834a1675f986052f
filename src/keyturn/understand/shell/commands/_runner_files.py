"""What every runner does with the file it runs from: judge its shell text as nested commands
(up to a depth, in the directory the runner runs it in), say unknown with the reason, or say it
only read the file.

A runner reads its file when it runs, so a file an earlier command on the line rewrote
(``sed -i … Makefile && make``) is read as the line left it (:func:`runner_file`): the text
the line wrote when it is known and the disk holds nothing else there, else not known.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, evolve

MAX_RUNNER_FILE = 1_000_000

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


def judge_text(
    text: str, origin: str, path: str, ctx: ShellContext, *, cwd: str | None = None
) -> list[Effect]:
    """The effects of one shell text taken from ``path``, run in ``cwd`` (the runner's own
    directory: ``make -C DIR``, ``npm --prefix DIR``, a justfile's folder) or where the
    command runs."""
    if ctx.understand_nested is None or ctx.depth > MAX_DEPTH:
        return [unknown_run(f"{origin} runs shell text not judged here", path, ctx)]
    if cwd is None or cwd == ctx.cwd:
        return ctx.understand_nested(text)
    if ctx.understand_in is None:
        return [unknown_run(f"{origin} runs shell text in {cwd}, not judged here", path, ctx)]
    return ctx.understand_in(text, evolve(ctx, cwd=cwd))


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


def runner_file(paths: Sequence[str], ctx: ShellContext) -> tuple[str, str | None] | None:
    """The file a runner reads, the first of ``paths`` that is there (on disk, or written
    earlier on the line), with its text as the line leaves it (:func:`runner_text`); ``None``
    when none is there. A text of ``None``: the line changed the file in a way not known."""
    for path in paths:
        wrote = bool(ctx.written) and written_text(ctx.written, path)[0]
        if wrote:
            return path, one_text_on_line(path, ctx, limit=MAX_RUNNER_FILE)
        text = ctx.files.read_text(path, limit=MAX_RUNNER_FILE)
        if text is not None:
            return path, text
    return None


def runner_text(path: str, ctx: ShellContext, *, limit: int = MAX_RUNNER_FILE) -> str | None:
    """The text of a file a runner reads (``package.json``, an included makefile, ``.npmrc``)
    as the line leaves it: ``None`` when it cannot be read or the line changed it in a way not
    known (:func:`.line_writes.one_text_on_line`)."""
    return one_text_on_line(path, ctx, limit=limit)


def changed_on_line(path: str, ctx: ShellContext) -> bool:
    """Whether an earlier command on the line wrote ``path`` (in any way)."""
    return bool(ctx.written) and written_text(ctx.written, path)[0]


def unreadable_run(path: str, ctx: ShellContext) -> Effect:
    """Unknown: ``path`` cannot be read, or the line changed it in a way not known."""
    if changed_on_line(path, ctx):
        reason = f"{path} is changed earlier on this line: its text is not known"
        return unknown_run(reason, path, ctx)
    return unknown_run(f"{path} could not be read", path, ctx)
