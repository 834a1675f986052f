"""Windows file names compare without case, as Windows compares them.

``Remove-Item -Recurse c:\\PROD\\Data`` deletes the folder a policy protects as
``file:C:/prod/data``. So a pattern naming a Windows drive path (``file:X:/…``) is kept in lower
case when the policy loads (:func:`fold_pattern`), and an effect's drive-path names gain their
lower-case spelling before they are matched (:func:`with_folded_names`) -- only under a policy
that has such a pattern, so no other policy pays for it. POSIX names keep their case: Linux
tells ``/srv/Data`` from ``/srv/data``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from keyturn.model import Effect

_DRIVE = re.compile(r"file:[A-Za-z]:/")


def is_drive_name(text: str) -> bool:
    """Whether ``text`` (a name or a pattern) is a Windows drive path: ``file:C:/…``."""
    return _DRIVE.match(text) is not None


def fold_pattern(pattern: str) -> str:
    """``pattern`` as matched: lower case when it names a Windows drive path."""
    return pattern.lower() if is_drive_name(pattern) else pattern


def with_folded_names(effect: Effect) -> Effect:
    """``effect`` with the lower-case spelling of each drive-path name it has added."""
    names = effect.resource.names
    extra = tuple(
        dict.fromkeys(
            folded
            for n in names
            if is_drive_name(n) and (folded := n.lower()) != n and folded not in names
        )
    )
    if not extra:
        return effect
    return replace(effect, resource=replace(effect.resource, names=names + extra))
