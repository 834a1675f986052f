"""The files a patch changes, for ``patch`` (:mod:`.patch`) and ``git apply``/``git am``
(:mod:`.git`).

A patch is text the agent can write anywhere (``cat > fix.diff <<EOF``) and then apply: the
files it changes are named from its headers -- ``diff --git a/X b/Y``, ``--- X``/``+++ Y``,
``rename from``/``rename to`` -- so that a patch of ``.claude/settings.json`` is a change of that
file (refused by self-protection), not a change of "the working tree". Every header pair is
read, also one that is really a hunk line that looks like one (``--- x`` removed, ``+++ y``
added): that names a file more, never one fewer. A context diff (``*** X``) or a patch whose
text is not at hand is not read: the caller judges what it cannot tell.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_tree_settings import (
    Touches,
    settings_reached,
    whole_work_tree,
)
from keyturn.understand.shell.effects import file_effect, removal_effect, write_effect
from keyturn.understand.shell.line_writes import text_on_line
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

MAX_PATCH = 4_000_000
_NULL = "/dev/null"
_GIT_HEADER = re.compile(r'diff --git ("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)\s*\Z')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f"}


@dataclass(frozen=True, slots=True)
class PatchedFile:
    """One file a patch changes, its names as the patch spells them (``None``: ``/dev/null``:
    the file is created, or deleted); ``bare``: names without the ``a/``, ``b/`` a ``-p``
    strips (git's ``rename from``/``rename to`` lines)."""

    old: str | None
    new: str | None
    bare: bool = False


def patched_files(text: str) -> list[PatchedFile] | None:
    """The files ``text`` changes, in order; ``None`` for a patch not read here (a context diff,
    a header that cannot be parsed)."""
    if "\n***************" in text or text.startswith("*** "):
        return None
    found: list[PatchedFile] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("diff --git "):
            header = _GIT_HEADER.match(line)
            if header is None:
                return None
            found.append(PatchedFile(_unquoted(header.group(1)), _unquoted(header.group(2))))
        elif line.startswith("rename from "):
            found.append(PatchedFile(_unquoted(line[12:]), None, bare=True))
        elif line.startswith(("rename to ", "copy to ")):
            found.append(PatchedFile(None, _unquoted(line.split(" ", 2)[2]), bare=True))
        elif line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            old, new = _header_name(line[4:]), _header_name(lines[i + 1][4:])
            found.append(PatchedFile(old, new))
    return found


def _header_name(rest: str) -> str | None:
    """The file of a ``---``/``+++`` header: its name before a tab and a timestamp."""
    name = rest.split("\t", 1)[0].rstrip()
    name = _unquoted(name) if name.startswith('"') else name
    return None if name == _NULL else name


def _unquoted(name: str) -> str:
    """A name as git quotes it (``"a/x\\ty"``: C escapes, octal bytes) made plain."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    out = bytearray()
    body, i = name[1:-1], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            follow = body[i + 1]
            octal = re.match(r"[0-7]{3}", body[i + 1 :])
            if octal is not None:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 4
                continue
            out += _ESCAPES.get(follow, follow).encode()
            i += 2
            continue
        out += char.encode()
        i += 1
    return out.decode("utf-8", "replace")


def stripped(name: str, strip: int | None) -> list[str]:
    """The paths ``name`` names after ``-p strip`` (``None``: not given -- GNU ``patch`` then
    reads the whole name, its base name, or, in a git diff, the name without ``a/``: each is
    named)."""
    parts = [p for p in name.split("/") if p]
    if strip is None:
        whole = name if name.startswith("/") else "/".join(parts)
        return (
            list(dict.fromkeys([whole, "/".join(parts[1:]) or whole, parts[-1]])) if parts else []
        )
    if strip >= len(parts):
        return []
    kept = "/".join(parts[strip:])
    return [kept] if not name.startswith("/") or strip else [name]


def under(base: str, relative: str) -> str:
    """``relative`` (a name from a patch) under the directory ``base``; an absolute one stays."""
    if relative.startswith("/"):
        return posixpath.normpath(relative)
    return normalize_path(relative, cwd=base)


def patch_reads(paths: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The reads of the patch files ``paths`` (``-``, standard input, is none)."""
    return [
        file_effect(EffectKind.READ, [normalize_path(p, cwd=ctx.cwd)], cmd, ctx)
        for p in paths
        if p != "-"
    ]


def settings_any_patch_reaches(base: str, ctx: ShellContext) -> list[str]:
    """The hook settings in the work tree at ``base``: what a patch whose files are not told
    may change (self-protection refuses it where there are some; a person applies it)."""
    return settings_reached(whole_work_tree(base, ctx), Touches.EVERY_FILE, ctx)


def patch_text(path: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The text of the patch file ``path`` (``-``: standard input), as the line leaves it: what
    an earlier command on the line wrote there, else what the disk holds; ``None`` when that is
    not known."""
    if path == "-":
        redirected = [r for r in cmd.redirects if r.op.lstrip("0") == "<"]
        if redirected and not redirected[-1].dynamic:  # ``patch -p1 < fix.diff``
            path = redirected[-1].target
        else:
            return None if cmd.stdin_dynamic or redirected else cmd.stdin_text
    absolute = normalize_path(path, cwd=ctx.cwd)
    if absolute.startswith(("/dev/", "/proc/")):
        return None
    text, _ = text_on_line(absolute, ctx, limit=MAX_PATCH)
    return text


def patch_effects(
    files: list[PatchedFile],
    base: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    strip: int | None,
    reverse: bool = False,
    service: str = "file",
) -> list[Effect]:
    """What applying a patch that changes ``files`` does under the directory ``base``: each
    file it writes (created or changed) and each it deletes (``reverse``: applied backwards)."""
    effects: list[Effect] = []
    for found in files:
        old, new = (found.new, found.old) if reverse else (found.old, found.new)
        level = 0 if found.bare else strip
        olds = [under(base, p) for p in (stripped(old, level) if old else [])]
        news = [under(base, p) for p in (stripped(new, level) if new else [])]
        if new is None:  # deleted, or renamed away
            for path in olds:
                detail = f"the patch deletes or renames {path}"
                effects.append(
                    removal_effect(path, cmd, ctx, recursive=False, detail=detail, service=service)
                )
            continue
        # Changed or created: the patch tool picks one of the names given; each is named.
        for path in dict.fromkeys([*news, *olds]):
            effects.append(write_effect(path, cmd, ctx, detail=f"patches {path}"))
    return effects
