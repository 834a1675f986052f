"""Files a command line writes before it runs them: ``cat > x.sh <<'EOF' … EOF; bash x.sh``.

Agents often write a script and run it on the same line. The file is not on disk when the line
is judged (or holds something else), so the script's text is taken from the write itself when
the line spells it out: a redirect of a command whose output is constant (``cat`` of a heredoc,
``echo``, ``printf``) or ``tee`` of known input. Any other change to the path on the line -- a
copy, a move, a write whose text is not known, a tree or glob that covers it -- makes its text
unknown again, and so does appending to a file whose text is not known.

The text from the line is judged *beside* whatever the disk holds (a write that does not run,
``false && cat > x.sh …``, leaves the old file): a script file run on the line can only be
judged more strictly for it, never less.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

MAX_TRACKED = 64  # paths remembered per line; beyond that, what is written is unknown

# What ``written`` holds for a path whose text the line changes in a way not known.
CHANGED = None
# Commands that change a file's mode, owner or times, never its text.
_METADATA_ONLY = frozenset({"chmod", "chown", "chgrp", "chattr", "setfacl", "touch"})


def note_writes(
    cmd: SimpleCommand, effects: list[Effect], ctx: ShellContext, *, output: str | None
) -> ShellContext:
    """``ctx`` with what ``cmd`` (judged as ``effects``) wrote noted in ``ctx.written``;
    ``output``: what ``cmd`` prints, when its text alone decides it."""
    if cmd.name in _METADATA_ONLY:
        return ctx  # the text stays what it was (``chmod +x x.sh`` before running it)
    touched = [
        name[5:]
        for e in effects
        if e.effect is not EffectKind.READ
        for name in e.resource.names
        if name.startswith("file:")
    ]
    if not touched:
        return ctx
    written: dict[str, str | None] = dict(ctx.written)
    written.update(dict.fromkeys(touched, CHANGED))
    for path in touched:
        if path.endswith("/*") or any(c in path for c in "*?["):
            # A tree or a glob: the files noted before that it covers are changed too. (Those
            # ``cmd`` touched are changed already: a command with many globs -- ``rm a* b*
            # …`` -- would otherwise look at each of them once per glob.)
            for noted in ctx.written:
                if written[noted] is not CHANGED and _covers(path, noted):
                    written[noted] = CHANGED
    for redirect in cmd.redirects:
        op = redirect.op.lstrip("1")
        if redirect.dynamic or op not in (">", ">|", ">>"):
            continue
        path = file_path(redirect.target, ctx)
        if output is None:
            written[path] = CHANGED
        elif op == ">>":
            before = ctx.written.get(path, CHANGED)
            written[path] = CHANGED if before is CHANGED else before + output
        else:
            written[path] = output
    if cmd.name == "tee" and cmd.stdin_text is not None and not cmd.stdin_dynamic:
        appends = any(a in ("-a", "--append") for a in cmd.args)
        for operand in (a for a in cmd.args if not a.startswith("-")):
            path = file_path(operand, ctx)
            before = ctx.written.get(path, CHANGED) if appends else ""
            written[path] = CHANGED if before is CHANGED else before + cmd.stdin_text
    if len(written) > MAX_TRACKED:
        written = {path: CHANGED for path in list(written)[:MAX_TRACKED]}
    return evolve(ctx, written=written)


def text_on_line(path: str, ctx: ShellContext, *, limit: int) -> tuple[str | None, bool]:
    """The text of the file ``path`` for a command on the line: what an earlier command on it
    wrote, judged beside what the disk holds (a write that does not run leaves the old file);
    ``(None, True)`` when the line changed it in a way not known, ``(None, False)`` when the
    disk holds nothing readable there."""
    wrote, line_text = written_text(ctx.written, path) if ctx.written else (False, None)
    if wrote and line_text is None:
        return None, True
    text = ctx.files.read_text(path, limit=limit)
    if line_text is not None:
        text = line_text if text is None else f"{line_text}\n{text}"
    return text, False


def one_text_on_line(path: str, ctx: ShellContext, *, limit: int = 1_000_000) -> str | None:
    """The text of the file ``path`` for a command on the line that reads it as one document (a
    manifest, a settings file, a parameter file), where the disk's text and the line's cannot be
    judged side by side: the disk's when the line has not changed the file; the text an earlier
    command on the line wrote when it is known and the disk holds nothing else there; else
    None, as for a file that cannot be read -- the caller holds what depends on it as not known.

    (A write that may not run, ``false && cat > m.yaml …``, leaves the disk's text: taking the
    line's alone would judge a file the command may never read.)"""
    wrote, line_text = written_text(ctx.written, path) if ctx.written else (False, None)
    disk = ctx.files.read_text(path, limit=limit)
    if not wrote:
        return disk
    if line_text is not None and (disk is None or disk == line_text):
        return line_text
    return None


def written_text(written: Mapping[str, str | None], path: str) -> tuple[bool, str | None]:
    """(whether the line wrote ``path`` before, the text it wrote -- ``None`` when not known)."""
    if path in written:
        return True, written[path]
    if any(_covers(name, path) for name in written):
        return True, CHANGED  # a tree or glob over it: ``cp -r dir/. .``, ``tar -x``, ``rm *``
    return False, None


def _covers(name: str, path: str) -> bool:
    """Whether the tree (``D/*``), the folder ``D`` or the glob ``name`` may name ``path``: a
    folder put in place whole (``git clone URL ~/.aws/cli``, ``ln -s /tmp/x ~/.aws``, ``mv
    /tmp/a ~/.aws``) brings the files under it."""
    if name == path:
        return False
    if name.endswith("/*") and path.startswith(name[:-1]):
        return True
    if path.startswith(name.rstrip("/") + "/"):
        return True
    return any(c in name for c in "*?[") and fnmatch.fnmatchcase(path, name)
