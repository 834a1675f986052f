"""Codex's ``apply_patch`` sent through its shell tool, read as the patch it is.

Codex does not run these shell lines: it finds ``apply_patch`` in them and applies the patch
itself, as its ``apply_patch`` tool would (``codex-rs/apply-patch/src/invocation.rs``,
``maybe_parse_apply_patch``). The forms it takes:

- the argv ``["apply_patch", PATCH]`` (or ``applypatch``);
- a shell's script, ``[bash|zsh|sh, -lc|-c, SCRIPT]`` (and PowerShell's ``-Command``, cmd's
  ``/c``), or the command line as a string (run as such a script), whose one statement is
  ``apply_patch <<'EOF'`` … ``EOF``, optionally after ``cd DIR &&``: the patch is the heredoc's
  text as written, its paths taken from ``DIR`` under the call's directory.

Anything else -- a second statement, a ``cd`` keyturn would have to guess (``~``, ``..``, a
variable), an unquoted heredoc whose text the shell would expand if Codex ran it -- is left to
the shell understanding, where an ``apply_patch`` program is ``unknown``. A patch that is read
but has no file header is ``unknown`` too (:func:`.patch_tool.patch_action`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

_APPLY = frozenset({"apply_patch", "applypatch"})
# The script's one statement: ``[cd DIR &&] apply_patch <<TAG`` then a new line (the tag bare,
# or quoted whole). DIR: a word, a '…' string, or a "…" string with nothing the shell expands.
_START = re.compile(
    r"\s*(?:cd[ \t]+(?P<cd>[^\s'\"$`\\;&|<>(){}~]+|'[^'\n]*'|\"[^\"$`\\\n]*\")[ \t]*&&[ \t]*)?"
    r"(?:apply_patch|applypatch)[ \t]*<<[ \t]*(?P<quote>['\"]?)(?P<tag>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?P=quote)[ \t]*\n"
)


def shell_patch(command: Any) -> tuple[str, str] | None:
    """``(patch, cd)`` when ``command`` (an argv list or a script) is ``apply_patch`` in a form
    Codex applies itself (``cd`` is ``""`` without one); ``None`` otherwise."""
    if isinstance(command, str):
        return _heredoc(command)
    if not isinstance(command, list) or not all(isinstance(w, str) for w in command):
        return None
    if len(command) == 2 and command[0] in _APPLY:
        return command[1], ""
    script = _script(command)
    return None if script is None else _heredoc(script)


def _script(argv: list[str]) -> str | None:
    """The script of ``[shell, flag, script]`` (PowerShell may put ``-NoProfile`` first)."""
    if len(argv) == 4 and _stem(argv[0]) in ("pwsh", "powershell"):
        if argv[1].lower() != "-noprofile":
            return None
        argv = [argv[0], *argv[2:]]
    if len(argv) != 3:
        return None
    shell, flag = _stem(argv[0]), argv[1]
    if (
        (shell in ("bash", "zsh", "sh") and flag in ("-lc", "-c"))
        or (shell in ("pwsh", "powershell") and flag.lower() == "-command")
        or (shell == "cmd" and flag.lower() == "/c")
    ):
        return argv[2]
    return None


def _stem(program: str) -> str:
    name = program.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].lower() if "." in name else name.lower()


def _heredoc(script: str) -> tuple[str, str] | None:
    start = _START.match(script)
    if start is None:
        return None
    lines = script[start.end() :].split("\n")
    tag = start.group("tag")
    end = next((i for i, line in enumerate(lines) if line == tag), None)
    if end is None or "\n".join(lines[end + 1 :]).strip():
        return None  # no end, or more script after it: Codex runs the line as a shell's
    body = "\n".join(lines[:end])
    if not start.group("quote") and any(c in body for c in "$`\\"):
        return None  # a shell would expand it: which text is applied depends on who runs it
    cd = start.group("cd") or ""
    if cd[:1] in ("'", '"'):
        cd = cd[1:-1]
    if ".." in cd.split("/") or cd.startswith("~"):
        return None
    return body, cd


def patch_directory(cwd: str, workdir: str, cd: str) -> str:
    """Where the patch's relative paths start: ``cd`` under ``workdir`` under ``cwd``."""
    return posixpath.normpath(posixpath.join(cwd, workdir, cd)) if cd or workdir else cwd


def read_patch_shell(
    payload: Mapping[str, Any], *, tool: str, args: Mapping[str, Any], home: str, read: Any
) -> Any:
    """The patch call of a shell call that is ``apply_patch`` (``read`` turns an event into
    Codex's patch call), or ``None`` for any other shell call."""
    from keyturn.understand.paths import tilde_expanded

    command = args.get("cmd") if args.get("command") is None else args.get("command")
    interpreter = args.get("shell")
    if interpreter is not None and _stem(str(interpreter)) not in ("bash", "sh", "zsh"):
        return None
    found = shell_patch(command)
    workdir = args.get("workdir") or ""
    if found is None or not isinstance(workdir, str) or ".." in workdir.split("/"):
        return None
    patch, cd = found
    call = read({**payload, "tool_name": "apply_patch", "tool_input": {"command": patch}})
    directory = patch_directory(call.cwd, tilde_expanded(workdir, home=home), cd)
    from dataclasses import replace

    return replace(call, tool=tool, cwd=directory)
