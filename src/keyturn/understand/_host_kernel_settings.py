"""The kernel settings a file effect touches, named as ``sysctl`` names them.

``echo 0 > /proc/sys/kernel/randomize_va_space`` is ``sysctl -w kernel.randomize_va_space=0``:
procps-ng's sysctl sets a key by writing ``/proc/sys/<key, dots made slashes>`` (its
``sysctl.c``; a dot inside a name component -- an interface ``eth0.1`` -- is a slash in the
key: ``net.ipv4.conf.eth0/1.forwarding``). So an effect on such a file is also named
``sysctl:<key>`` (:mod:`keyturn.understand.shell.commands._host_sysctl`'s names), and a rule or
a protected pattern written for the setting holds for the raw write too; ``/proc/sys`` itself,
or all under it, is ``sysctl:*``, a folder ``sysctl:<prefix>.*``.

A write of the files ``sysctl --system`` (and systemd-sysctl at every boot) loads --
``/etc/sysctl.conf`` and the ``sysctl.d`` folders -- sets settings not read here:
``sysctl:*``, as ``sysctl --system`` is named. Reads of those files read no setting.
"""

from __future__ import annotations

import re
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource

__all__ = ["with_sysctl_names"]

_PROC_SYS = "/proc/sys"
# The files sysctl --system loads (procps-ng's and systemd-sysctl's folders), and sysctl.conf.
_LOADED_LATER = re.compile(
    r"/etc/sysctl\.conf(?:/\*)?|/(?:etc|run|usr/lib|lib|usr/local/lib)/sysctl\.d(?:/.*)?",
    re.IGNORECASE,
)


def with_sysctl_names(effect: Effect) -> Effect:
    """``effect`` with the ``sysctl:`` names of the kernel settings its files are (the module's
    docstring); itself when it names none."""
    added: list[str] = []
    for name in effect.resource.names:
        if not name.startswith("file:"):
            continue
        path = name[5:]
        key = _key(path)
        if key is not None:
            added.append(f"sysctl:{key}")
        elif effect.effect is not EffectKind.READ and _LOADED_LATER.fullmatch(path):
            added.append("sysctl:*")
    names = tuple(dict.fromkeys((*effect.resource.names, *added)))
    if names == effect.resource.names:
        return effect
    return replace(effect, resource=Resource(names, type=effect.resource.type))


def _key(path: str) -> str | None:
    """The dotted key of a path under /proc/sys (``*`` for all of it), or ``None``."""
    if path != _PROC_SYS and not path.startswith(_PROC_SYS + "/"):
        return None
    rest = path[len(_PROC_SYS) :].strip("/")
    if rest in ("", "*"):
        return "*"
    # As procps reads a key written with slashes: each ``.`` inside a part is a ``/``.
    return ".".join(part.replace(".", "/") for part in rest.split("/") if part)
