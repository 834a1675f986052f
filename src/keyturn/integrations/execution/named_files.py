"""Bind what ``keyturn exec`` runs to the bytes of the files its command line names.

An approval binds the action's digest, and a shell action's digest covers the working
directory and the command's words -- not what ``python3 deploy.py``, ``./deploy`` or
``node build.js`` will read and run. keyturn reads a shell script it runs (``bash deploy.sh``)
and so sees it change; a program or a script in another language it cannot read is ``unknown``,
and its reviewer approves what the file says *then*. So before judging, every word of the
command line (and the value of an ``--option=VALUE`` word, and the words of a ``-c`` text)
naming an existing regular file is hashed into the action's subject: a file rewritten while the
request waited gives another digest, a new request, and the old grant does not run it. The
hashes are taken again just before the command runs (:func:`changed_files`).

This module reads files: it belongs to the edge (``keyturn exec``), the core only sees the
digests it is given.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from keyturn.model import Action

# Bytes hashed per file: a file bigger than this is bound by its first bytes, its size and its
# modification time (a program or script is far smaller; a data file named on the line should
# not make every ``keyturn exec`` read gigabytes).
MAX_HASHED_BYTES = 64 * 1024 * 1024
# Files hashed per command line (each word is looked up on disk).
MAX_FILES = 256
_CHUNK = 1024 * 1024
_SUBJECT_KEY = "named_files"


def named_files(command: Sequence[str], *, cwd: str) -> dict[str, str]:
    """``{absolute path: digest}`` of the regular files ``command``'s words name (relative
    words are read from ``cwd``). A file that cannot be read is ``"unreadable"``."""
    found: dict[str, str] = {}
    for word in _candidate_words(command):
        if len(found) >= MAX_FILES:
            break
        path = os.path.normpath(os.path.join(cwd, os.path.expanduser(word)))
        if path in found:
            continue
        digest = file_digest(path)
        if digest is not None:
            found[path] = digest
    return found


def file_digest(path: str) -> str | None:
    """``sha256:<hex>`` of the file at ``path`` (see :data:`MAX_HASHED_BYTES`), ``None`` when
    it is not a regular file (missing, a directory, a device)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            left = MAX_HASHED_BYTES
            while left > 0 and (chunk := handle.read(min(_CHUNK, left))):
                digest.update(chunk)
                left -= len(chunk)
    except OSError:
        return "unreadable"
    if info.st_size > MAX_HASHED_BYTES:
        digest.update(f"\0size={info.st_size};mtime_ns={info.st_mtime_ns}".encode())
    return "sha256:" + digest.hexdigest()


def bound_to_files(action: Action, files: Mapping[str, str]) -> Action:
    """``action`` with ``files`` (:func:`named_files`) in its subject, so that its digest, and
    the approval of it, covers their content. Unchanged when there are none."""
    if not files:
        return action
    subject: dict[str, Any] = {"command": action.subject, _SUBJECT_KEY: dict(sorted(files.items()))}
    return replace(action, subject=subject)


def files_bound(action: Action) -> dict[str, str]:
    """The files :func:`bound_to_files` bound ``action`` to (none: ``{}``)."""
    subject = action.subject
    if isinstance(subject, dict) and isinstance(subject.get(_SUBJECT_KEY), dict):
        return {str(k): str(v) for k, v in subject[_SUBJECT_KEY].items()}
    return {}


def changed_files(action: Action, command: Sequence[str], *, cwd: str) -> list[str]:
    """The files whose content is not what ``action`` was judged (and approved) on, or that
    the command line names now and did not then: checked just before the command runs."""
    bound = files_bound(action)
    now = named_files(command, cwd=cwd)
    return sorted(p for p in bound.keys() | now.keys() if bound.get(p) != now.get(p))


def _candidate_words(command: Sequence[str]) -> Iterator[str]:
    """The words that may name a file: each word, the value of ``--option=VALUE``, and the
    words of a word holding a command text (``bash -c 'python3 x.py'``)."""
    for word in command:
        if not word or "\0" in word:
            continue
        yield word
        if word.startswith("-") and "=" in word:
            yield word.split("=", 1)[1]
        if any(c.isspace() for c in word):
            try:
                inner = shlex.split(word, comments=True)
            except ValueError:
                continue
            yield from (w for w in inner if w)
