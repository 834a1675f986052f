"""Files the ``hashicorp/local`` provider writes and deletes on the applying machine.

A ``local_file`` (or ``local_sensitive_file``) is a file at its ``filename``: creating one writes
it (an agent's hook settings, a shell profile: code that runs later), destroying one deletes it.
So it is named ``file:<path>`` as a shell command touching the path is, and file protection and
keyturn's self-protection hold alike. A relative name is under the applying machine's working
directory, which the plan does not tell (the provisioners' stand-in); ``~`` is not expanded,
by Terraform either. A file whose name is known only on apply is ``unknown``.
"""

from __future__ import annotations

from typing import Any

from keyturn.understand.paths import agent_path, is_windows_path, posix_path
from keyturn.understand.terraform._provisioners import WORKING_DIR

__all__ = ["LOCAL_FILE_TYPES", "local_file_names", "unnamed_local_file"]

LOCAL_FILE_TYPES = frozenset({"local_file", "local_sensitive_file"})


def local_file_names(values: dict[str, Any]) -> tuple[str, ...]:
    """``file:<absolute path>`` of a local file's ``filename``; ``()`` when it is not known."""
    filename = values.get("filename")
    if not isinstance(filename, str) or not filename:
        return ()
    if is_windows_path(filename):
        return ("file:" + agent_path(filename, cwd=WORKING_DIR, home=WORKING_DIR),)
    return ("file:" + posix_path(filename, cwd=WORKING_DIR),)


def unnamed_local_file(resource_type: str, actions: tuple[str, ...], after: Any) -> bool:
    """Whether a change writes a local file whose name the plan does not know yet."""
    if resource_type not in LOCAL_FILE_TYPES or "create" not in actions:
        return False
    return not isinstance(after, dict) or not local_file_names(after)
