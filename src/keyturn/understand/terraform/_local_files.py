"""Files the ``hashicorp/local``, ``hashicorp/archive`` and ``hashicorp/template`` providers
write and delete on the applying machine.

A ``local_file`` (or ``local_sensitive_file``) is a file at its ``filename``: creating one writes
it (an agent's hook settings, a shell profile: code that runs later), destroying one deletes it.
An ``archive_file`` is the zip at its ``output_path`` alike (created: written over whatever is
there; destroyed: removed), and the ``archive_file`` data source, read on apply, writes it too.
A ``template_dir`` removes its whole ``destination_dir`` (``os.RemoveAll``) both when it is
destroyed and before it renders on create: the directory and everything in it is deleted.

So each is named ``file:<path>`` as a shell command touching the path is, and file protection
and keyturn's self-protection hold alike. A relative name is under the applying machine's
working directory, which the plan does not tell (the provisioners' stand-in); ``~`` is not
expanded, by Terraform either. A file whose name is known only on apply is ``unknown``.
"""

from __future__ import annotations

from typing import Any

from keyturn.model import EffectKind, Resource
from keyturn.understand.paths import agent_path, is_windows_path, posix_path
from keyturn.understand.terraform._provisioners import WORKING_DIR

__all__ = ["LOCAL_FILE_TYPES", "applied_file_effects", "local_file_names", "unnamed_local_file"]

# The attribute holding the path of the one file each type is.
_PATH_OF = {
    "local_file": "filename",
    "local_sensitive_file": "filename",
    "archive_file": "output_path",
}
LOCAL_FILE_TYPES = frozenset(_PATH_OF)

FileEffect = tuple[EffectKind, Resource, str]


def local_file_names(resource_type: str, values: dict[str, Any]) -> tuple[str, ...]:
    """``file:<absolute path>`` of the file a ``LOCAL_FILE_TYPES`` resource is; ``()`` when it
    is not known."""
    return _file_names(values.get(_PATH_OF.get(resource_type, "")))


def _file_names(path: Any) -> tuple[str, ...]:
    if not isinstance(path, str) or not path:
        return ()
    if is_windows_path(path):
        return ("file:" + agent_path(path, cwd=WORKING_DIR, home=WORKING_DIR),)
    return ("file:" + posix_path(path, cwd=WORKING_DIR),)


def unnamed_local_file(resource_type: str, actions: tuple[str, ...], after: Any) -> bool:
    """Whether a change writes a local file whose name the plan does not know yet."""
    if resource_type not in LOCAL_FILE_TYPES or "create" not in actions:
        return False
    return not isinstance(after, dict) or not local_file_names(resource_type, after)


def applied_file_effects(
    resource_type: str, *, mode: str, actions: tuple[str, ...], before: Any, after: Any
) -> list[FileEffect]:
    """Files a change writes or deletes beyond the resource itself: the directory a
    ``template_dir`` removes (on create and on destroy), the zip an ``archive_file`` data
    source writes when it is read on apply."""
    if mode == "data":
        if resource_type != "archive_file" or "read" not in actions:
            return []
        names = _file_names(after.get("output_path")) if isinstance(after, dict) else ()
        if not names:
            return [(EffectKind.UNKNOWN, Resource(("archive_file (output)",), "file"),
                     "writes an archive whose path is known only on apply")]  # fmt: skip
        # Written over whatever is there: as a shell command writing the path is (a create).
        return [
            (EffectKind.CREATE, Resource(names, "file"), "writes the archive at its output path")
        ]
    if resource_type != "template_dir":
        return []
    found: list[FileEffect] = []
    for values, when in ((before, "delete"), (after, "create")):
        if when not in actions:
            continue
        directory = values.get("destination_dir") if isinstance(values, dict) else None
        names = _file_names(directory.rstrip("/") or "/") if isinstance(directory, str) else ()
        if not names:
            found.append((EffectKind.UNKNOWN, Resource(("template_dir (destination)",), "file"),
                          "removes a directory whose path is known only on apply"))  # fmt: skip
            continue
        resource = Resource((*names, names[0].rstrip("/\\") + "/*"), "file")
        removed = names[0].removeprefix("file:")
        found.append((EffectKind.DELETE, resource, f"removes {removed} and all in it ({when})"))
    return found
