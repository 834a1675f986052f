"""Codex's ``apply_patch`` text as file effects, judged as the same change made with a write
tool would be.

A patch is a list of hunks (``codex-rs/apply-patch/src/parser.rs``): ``*** Add File: P``
(the ``+`` lines are the whole new file: an existing one is overwritten), ``*** Delete File:
P``, and ``*** Update File: P``, optionally followed by ``*** Move to: Q`` -- the file is
rewritten at ``Q`` and ``P`` removed. So:

- a moved file is *deleted* at its old name (a ``protected`` file moved away is gone from
  there, as ``mv`` deletes its source), and created or overwritten at the new one;
- each file is read as it is now (the agent's own file reader), and the hunk applied to it, so
  that a Terraform file that loses ``prevent_destroy = true`` -- by an update, an overwrite, a
  deletion or a move -- names the resources whose protection goes, as a ``Write`` or an
  ``Edit`` of it does. A file that cannot be read is judged on the hunk's own lines; a hunk
  that does not apply to a file that can (Codex then refuses the patch, unless it finds the
  lines in a way keyturn does not) rewrites it in a way not known: what it protected counts as
  gone. A file written may also take away what *another* file protects: an override file
  (``*** Add File: override.tf``) or a ``.tofu`` file hiding its ``.tf``
  (:func:`~keyturn.understand._hcl_protection.dropped_elsewhere`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target
from keyturn.understand import FileReader, NoFiles
from keyturn.understand._hcl_protection import dropped_elsewhere, is_terraform_file
from keyturn.understand._mcp_files import file_text

from .file_tools import change_effects, file_name

# Codex trims each header line before it compares it with a marker: a header indented after a
# hunk (``\t*** Add File: x``) is a header all the same.
_HEADER = re.compile(r"\*\*\* (Add|Update|Delete) File: (.+)")
_MOVE = re.compile(r"\*\*\* Move to: (.+)")
_END_OF_FILE = "*** End of File"
# The patch's own first and last lines, and the heredoc markers Codex strips from
# ``apply_patch <<'EOF' … EOF`` (none of them is a line of a hunk).
_BOUNDARIES = ("*** Begin Patch", "*** End Patch", "<<EOF", "<<'EOF'", '<<"EOF"', "EOF")


@dataclass(slots=True)
class Hunk:
    """One ``*** … File:`` hunk: its verb (``Add``, ``Update``, ``Delete``; ``Move`` for a
    ``Move to:`` with no update before it), path, move target and body lines as written."""

    verb: str
    path: str
    move_to: str | None = None
    body: list[str] = field(default_factory=list)


def hunks(patch: str) -> list[Hunk]:
    """The patch's hunks, in order. A ``Move to:`` belongs to the update before it."""
    found: list[Hunk] = []
    # Lines as Codex splits them (the text trimmed, then Rust's ``lines()``: at ``\n``, less
    # a trailing ``\r``), not at every character Python's ``splitlines`` takes for a line break
    # (``\x0c``, ``\u2028``): those are part of a path.
    for line in patch.strip().split("\n"):
        line = line.removesuffix("\r")
        stripped = line.strip()
        if header := _HEADER.fullmatch(stripped):
            found.append(Hunk(header.group(1), header.group(2).strip()))
        elif move := _MOVE.fullmatch(stripped):
            last = found[-1] if found else None
            if last is not None and last.verb == "Update" and last.move_to is None:
                last.move_to = move.group(1).strip()
            else:  # not a move Codex makes; the destination is named as written all the same
                found.append(Hunk("Move", move.group(1).strip()))
        elif found and stripped not in _BOUNDARIES:
            found[-1].body.append(line)
    return found


def patch_action(
    tool: str,
    patch: str,
    *,
    cwd: str,
    home: str,
    target: Target,
    files: FileReader = NoFiles(),  # noqa: B008 - NoFiles is stateless
) -> Action:
    """Effects of every hunk of ``patch``; a patch with no header is not understood."""
    effects: list[Effect] = []
    for hunk in hunks(patch):
        effects += _hunk_effects(tool, hunk, cwd=cwd, home=home, files=files, target=target)
    if not effects:
        effects = [
            Effect(
                EffectKind.UNKNOWN,
                Resource((f"tool:{tool}",), type="tool"),
                target=target,
                service="file",
                operation=tool,
                detail=f"{tool}: no '*** Add/Update/Delete File:' header in the patch",
            )
        ]
    paths = dict.fromkeys(e.resource.name.removeprefix("file:") for e in effects)
    subject = {"tool": tool, "patch": "sha256:" + hashlib.sha256(patch.encode()).hexdigest()}
    return Action(ActionKind.SHELL, f"{tool} {' '.join(paths)}", tuple(effects), target, subject)


def _hunk_effects(
    tool: str, hunk: Hunk, *, cwd: str, home: str, files: FileReader, target: Target
) -> list[Effect]:
    name = file_name(hunk.path, cwd=cwd, home=home)
    current = _read(files, name)
    if hunk.verb in ("Add", "Move"):
        kind = EffectKind.CREATE if current is None else EffectKind.UPDATE
        added = "".join(line[1:] + "\n" for line in hunk.body if line.startswith("+"))
        elsewhere = _elsewhere(files, name, added)
        return change_effects(
            tool, name, kind, current or "", added, target=target, elsewhere=elsewhere
        )
    if hunk.verb == "Delete":
        return change_effects(tool, name, EffectKind.DELETE, current, "", target=target)
    before, after = _updated(current, hunk.body)
    fragments = current is None  # judged on the hunk's own lines
    if hunk.move_to is None:
        elsewhere = _elsewhere(files, name, None if fragments else after)
        return change_effects(
            tool,
            name,
            EffectKind.UPDATE,
            before,
            after,
            target=target,
            fragments=fragments,
            elsewhere=elsewhere,
        )
    # Moved: gone from its old name and written at the new one. The Terraform resources it
    # protected stay protected only if the new name is still a Terraform file.
    destination = file_name(hunk.move_to, cwd=cwd, home=home)
    kept = after if is_terraform_file(destination) else ""
    moved = change_effects(
        tool, name, EffectKind.DELETE, before, kept, target=target, fragments=fragments
    )
    there = _read(files, destination)
    kind = EffectKind.CREATE if there is None else EffectKind.UPDATE
    elsewhere = _elsewhere(files, destination, None if fragments else after)
    return moved + change_effects(
        tool, destination, kind, there or "", after, target=target, elsewhere=elsewhere
    )


def _read(files: FileReader, name: str) -> str | None:
    return file_text(files, name.removeprefix("file:"))


def _elsewhere(files: FileReader, name: str, after: str | None) -> frozenset[str]:
    """What the file ``name`` coming to hold ``after`` (``None``: not known whole) takes away
    from the module's other files: an override file's ``prevent_destroy``, a ``.tofu`` file
    hiding its ``.tf`` (:func:`dropped_elsewhere`), as the Write tool is judged."""
    return frozenset(dropped_elsewhere(name.removeprefix("file:"), after, files))


def _updated(current: str | None, body: Sequence[str]) -> tuple[str, str | None]:
    """``(before, after)`` of an update hunk: the file and the file with the hunk applied, or
    ``after`` None when the hunk does not apply to it; the hunk's old and new lines when the
    file cannot be read."""
    if current is not None:
        chunks = _chunks(body)
        applied = None if chunks is None else _apply(current.splitlines(), chunks)
        return current, None if applied is None else "\n".join(applied) + "\n"
    old = [text for line in body if (text := _old_line(line)) is not None]
    new = [text for line in body if (text := _new_line(line)) is not None]
    return "\n".join(old), "\n".join(new)


@dataclass(slots=True)
class _Chunk:
    context: str | None
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)


def _chunks(body: Sequence[str]) -> list[_Chunk] | None:
    """The update's chunks as Codex parses them; ``None`` when a line is not one of a chunk."""
    chunks: list[_Chunk] = []
    for line in body:
        if line.strip() == _END_OF_FILE:
            continue
        if line == "@@" or line.startswith("@@ "):
            chunks.append(_Chunk(line[3:] if line.startswith("@@ ") else None))
            continue
        if not chunks:
            chunks.append(_Chunk(None))
        chunk = chunks[-1]
        if line == "" or line[0] == " ":
            chunk.old.append(line[1:])
            chunk.new.append(line[1:])
        elif line[0] == "-":
            chunk.old.append(line[1:])
        elif line[0] == "+":
            chunk.new.append(line[1:])
        else:
            return None
    return chunks


def _apply(lines: list[str], chunks: Sequence[_Chunk]) -> list[str] | None:
    """``lines`` with each chunk's old lines replaced by its new ones, found in order after its
    context line; ``None`` when one is not found (Codex then refuses the whole patch)."""
    at = 0
    for chunk in chunks:
        if chunk.context is not None:
            found = _seek(lines, [chunk.context], at)
            if found is None:
                return None
            at = found + 1
        if not chunk.old:  # an insertion: at the end of the file, as Codex places it
            lines = lines + chunk.new
            at = len(lines)
            continue
        found = _seek(lines, chunk.old, at)
        if found is None:
            return None
        lines = lines[:found] + chunk.new + lines[found + len(chunk.old) :]
        at = found + len(chunk.new)
    return lines


def _seek(lines: Sequence[str], wanted: Sequence[str], start: int) -> int | None:
    """Where ``wanted`` starts in ``lines`` at or after ``start``: exactly, else ignoring
    trailing, else surrounding whitespace, else with typographic punctuation made ASCII as
    well (Codex's ``seek_sequence`` levels)."""
    for norm in (str, str.rstrip, str.strip, _punctuation_as_ascii):
        normed, target = [norm(x) for x in lines], [norm(w) for w in wanted]
        for i in range(start, len(lines) - len(wanted) + 1):
            if normed[i] == target[0] and normed[i : i + len(wanted)] == target:
                return i
    return None


# Codex's last, most permissive pass (``seek_sequence.rs``, ``normalise``): dashes, curly
# quotes and odd spaces compared as their ASCII forms, so that a patch written with ``-``
# finds a line holding ``‑`` (U+2011). Exactly its set: matching more than Codex would judge
# lines Codex does not change.
_AS_ASCII = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),
        **dict.fromkeys(
            "\xa0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
        ),
    }
)


def _punctuation_as_ascii(line: str) -> str:
    return line.strip().translate(_AS_ASCII)


def _old_line(line: str) -> str | None:
    return line[1:] if line[:1] in (" ", "-") else None


def _new_line(line: str) -> str | None:
    return line[1:] if line[:1] in (" ", "+") else None
