"""The built-in rules that come before the policy's own and that no policy can override.

1. Catastrophic: an effect the understanding flags as catastrophic (``rm -rf /``, ``mkfs``,
   ``dd`` onto a block device, fork bombs), and any delete or replace of the file-system root, a
   top-level system directory, a drive root or a home directory, or of everything in one
   (``file:/home/bob/*``), in any spelling the understanders normalise to ``file:`` names.
2. Protection: a delete or replace of a protected resource, or any effect switching its
   protection off, or a delete or replace of a resource whose protection the same action removed
   earlier.
"""

from __future__ import annotations

import posixpath
import re

from keyturn.model import DESTRUCTIVE_EFFECTS, Effect

CATASTROPHIC_RULE = "builtin:catastrophic"
PROTECTION_REMOVED_RULE = "builtin:protection-removed-earlier"
UNKNOWN_IN_PRODUCTION_RULE = "builtin:unknown-in-production"
UNKNOWN_AT_LEAST_ASK_RULE = "builtin:unknown-needs-review"
NO_EFFECTS_RULE = "builtin:no-effects"

_POSIX_SYSTEM_DIRS = frozenset(
    {
        "/",
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/media",
        "/mnt",
        "/opt",
        "/proc",
        "/root",
        "/run",
        "/sbin",
        "/srv",
        "/sys",
        "/usr",
        "/var",
        "/snap",
        "/Users",
        "/System",
        "/Library",
        "/Applications",
        "/Volumes",
        "/private",
        "/var/root",
        "/usr/bin",
        "/usr/lib",
        "/usr/local",
        "/usr/sbin",
        # what packages and services keep: a host without them does not come back
        "/var/lib",
        "/usr/share",
        "/usr/lib64",
        "/usr/libexec",
        "/usr/local/bin",
        "/usr/local/lib",
        "/boot/efi",
    }
)
# ``/home/<user>`` and ``/Users/<user>``: one level below a homes directory.
_POSIX_HOME = re.compile(r"/(?:home|Users)/[^/]+\Z")
# Windows paths are compared lower-cased: ``C:/``, ``c:/windows``, ``C:/Users/bob``.
_WINDOWS_SYSTEM = re.compile(
    r"[a-z]:/(?:|windows|users|program files|program files \(x86\)|programdata|users/[^/]+)\Z"
)
_WINDOWS_PATH = re.compile(r"[A-Za-z]:(?:/|\Z)")


def catastrophic_reason(effect: Effect) -> str | None:
    """Why ``effect`` is in the catastrophic set, or ``None``."""
    if effect.catastrophic:
        return effect.catastrophic
    if effect.effect not in DESTRUCTIVE_EFFECTS:
        return None
    for name in effect.resource.names:
        if name.startswith("file:"):
            path = name[5:]
            # ``<dir>/*`` names everything in the directory (``git clean`` of a work tree,
            # ``rm -rf ~/*``): for the root, a system or a home directory, as catastrophic as
            # the directory itself.
            what = _system_path((path[:-2] or "/") if path.endswith("/*") else path)
            if what is not None:
                return f"{effect.effect.value} of {what} {path}"
    return None


def _system_path(path: str) -> str | None:
    """``"the home directory"`` etc. when ``path`` is a root, system or home directory."""
    if _WINDOWS_PATH.match(path):
        rest = posixpath.normpath("/" + path[2:].replace("\\", "/").lstrip("/"))
        folded = (path[:2] + rest).lower()
        if _WINDOWS_SYSTEM.match(folded):
            return "the drive root" if rest == "/" else "a system or home directory"
        return None
    if not path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal.startswith("//"):
        normal = "/" + normal.lstrip("/")
    if normal == "/":
        return "the file-system root"
    if normal in ("/root", "/var/root") or _POSIX_HOME.match(normal):
        return "the home directory"
    if normal in _POSIX_SYSTEM_DIRS:
        return "the system directory"
    return None
