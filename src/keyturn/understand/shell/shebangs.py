"""Whether a script's ``#!`` line runs its text with a system shell, and nothing else.

The kernel runs ``#!INTERPRETER [ARGUMENT]``: the interpreter named, with the rest of the line
as one argument, then the script's path. So ``#!/bin/bash ./evil.sh`` runs ./evil.sh,
``#!/usr/bin/env -S bash -c 'rm -rf /'`` runs that command, ``#!./bash`` runs a planted file
and ``#!/usr/bin/env -S BASH_ENV=./x bash`` loads ./x first. A script's text is judged as the
shell commands it is only when its ``#!`` line is plainly a shell: one of the system's program
folders (or ``/usr/bin/env`` and a bare shell name), and at most option letters that neither
take the commands from elsewhere (``-c``, ``-s``) nor read start-up files (``-i``, ``-l``);
anything else runs something keyturn does not read.
"""

from __future__ import annotations

import re
from posixpath import basename, dirname

# Where a system shell is installed (root's to write).
_SYSTEM_FOLDERS = frozenset(
    {"/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin", "/opt/homebrew/bin"}
)
_ENV = frozenset({"/usr/bin/env", "/bin/env"})
# Option letters a plain shell line may carry: errexit, nounset, xtrace, verbose and the like.
_PLAIN_OPTIONS = re.compile(r"[-+][aeufvxhnpBCEHPTk]+")


def plain_shell_shebang(line: str, *, shells: frozenset[str]) -> bool:
    """Whether the ``#!`` line ``line`` runs the script with one of ``shells`` (by basename)
    installed in a system folder, given at most plain option letters."""
    if not line.startswith("#!"):
        return False
    words = line[2:].strip().split()
    if not words:
        return False
    interpreter, options = words[0], words[1:]
    if interpreter in _ENV:
        # ``env`` takes the rest as one program name: a bare shell name alone is plain.
        return len(options) == 1 and options[0] in shells
    if dirname(interpreter) not in _SYSTEM_FOLDERS or basename(interpreter) not in shells:
        return False
    return all(_PLAIN_OPTIONS.fullmatch(option) for option in options)
