"""The built-in rules that come before the policy's own and that no policy can override.

1. Catastrophic: an effect the understanding flags as catastrophic (``rm -rf /``, ``mkfs``,
   ``dd`` onto a block device, fork bombs), and any delete or replace of the file-system root, a
   top-level system directory, a drive root or a home directory, or of everything in one
   (``file:/home/bob/*``, ``file:/*/*``), in any spelling the understanders normalise to
   ``file:`` names, and by any glob that may name one of them (``file:/e?c``).
2. Protection: a delete or replace of a protected resource, or any effect switching its
   protection off, or a delete or replace of a resource whose protection the same action removed
   earlier.
"""

from __future__ import annotations

import fnmatch
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
        # the firmware's variables: removing them can leave a machine that no longer boots
        "/sys/firmware",
        "/sys/firmware/efi",
        "/sys/firmware/efi/efivars",
        # macOS keeps /etc and /var here (/etc and /var are links to them)
        "/private/etc",
        "/private/var",
        "/private/var/root",
        "/private/var/db",
        # Nix: every program of a NixOS host, and the store's database
        "/nix",
        "/nix/store",
        "/nix/var",
    }
)
# Compared without case: macOS's file system opens ``/users/bob``, ``/SYSTEM`` and
# ``/private/ETC`` as ``/Users/bob``, ``/System`` and ``/private/etc`` (on Linux that takes a
# few directories that are really others -- ``/ETC`` -- for system ones: one check for both).
_POSIX_SYSTEM_FOLDED = frozenset(d.lower() for d in _POSIX_SYSTEM_DIRS)
# Their components, for matching a glob (``/e?c``) against them one component at a time.
_POSIX_SYSTEM_PARTS = tuple(tuple(d.split("/")[1:]) for d in _POSIX_SYSTEM_FOLDED if d != "/")
_HOMES = ("home", "users")
# ``/home/<user>`` and ``/Users/<user>``: one level below a homes directory (folded).
_POSIX_HOME = re.compile(r"/(?:home|users)/[^/]+\Z")
_WINDOWS_PATH = re.compile(r"[A-Za-z]:(?:/|\Z)")
# Below a drive root, compared lower-cased: ``c:/windows``, ``C:/Users/bob`` (a user profile is
# one level below ``users``).
_WINDOWS_SYSTEM_DIRS = frozenset(
    {
        "windows",
        "windows/system32",
        "windows/system32/config",
        "windows/system32/drivers",
        "windows/syswow64",
        "windows/winsxs",
        "windows/boot",
        "users",
        "program files",
        "program files (x86)",
        "programdata",
        "boot",
        "efi",
        "recovery",
        "system volume information",
        "documents and settings",
    }
)
_WINDOWS_SYSTEM_PARTS = tuple(tuple(d.split("/")) for d in _WINDOWS_SYSTEM_DIRS)
# Characters that make a path a pattern: a glob the shell left as it is (no file matched when
# keyturn read it, or quoted for the program), and brace alternatives a quoted part kept bash's
# understanding from expanding (``"/"{etc,usr}``), read as a wildcard.
_PATTERN = re.compile(r"[*?\[]|\{[^{}]*(?:,|\.\.)[^{}]*\}")
_BRACES = re.compile(r"\{[^{}]*(?:,|\.\.)[^{}]*\}")


def catastrophic_reason(effect: Effect) -> str | None:
    """Why ``effect`` is in the catastrophic set, or ``None``."""
    if effect.catastrophic:
        return effect.catastrophic
    if effect.effect not in DESTRUCTIVE_EFFECTS:
        return None
    for name in effect.resource.names:
        if name.startswith("file:"):
            path = name[5:]
            what = _system_path(path)
            if what is not None:
                return f"{effect.effect.value} of {what} {path}"
    return None


def _system_path(path: str) -> str | None:
    """``"the home directory"`` etc. when ``path`` is, or a pattern that may name, a root,
    system or home directory, or everything in one (``<dir>/*``, ``<dir>/*/*``)."""
    if _WINDOWS_PATH.match(path):
        rest = posixpath.normpath("/" + path[2:].replace("\\", "/").lstrip("/"))
        parts = _without_everything([p for p in rest.lower().split("/") if p], windows=True)
        if not parts:
            return "the drive root"
        if _is_windows_system(parts):
            return "a system or home directory"
        return None
    if not path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal.startswith("//"):
        normal = "/" + normal.lstrip("/")
    parts = _without_everything([p for p in normal.split("/") if p], windows=False)
    if not parts:
        return "the file-system root"
    if not any(_PATTERN.search(p) for p in parts):
        folded = "/" + "/".join(parts).lower()
        if folded in ("/root", "/var/root") or _POSIX_HOME.match(folded):
            return "the home directory"
        return "the system directory" if folded in _POSIX_SYSTEM_FOLDED else None
    # A pattern: catastrophic when it may name one of them (``/e?c``, ``/[e]tc``, ``/ho*/bob``).
    patterns = [_BRACES.sub("*", p).lower() for p in parts]
    if len(patterns) == 2 and any(fnmatch.fnmatchcase(h, patterns[0]) for h in _HOMES):
        return "the home directory"
    if any(_matches(patterns, d) for d in _POSIX_SYSTEM_PARTS):
        return "the system directory"
    return None


def _without_everything(parts: list[str], *, windows: bool) -> list[str]:
    """``parts`` without the trailing components that name everything in a directory: ``D/*``
    and ``D/*/*`` (every file in every directory of it) are as catastrophic as ``D``."""
    everything = ("*", "*.*") if windows else ("*",)
    while parts and parts[-1] in everything:
        parts = parts[:-1]
    return parts


def _is_windows_system(parts: list[str]) -> bool:
    if not any(_PATTERN.search(p) for p in parts):
        return "/".join(parts) in _WINDOWS_SYSTEM_DIRS or (len(parts) == 2 and parts[0] == "users")
    patterns = [_BRACES.sub("*", p) for p in parts]
    if len(patterns) == 2 and fnmatch.fnmatchcase("users", patterns[0]):
        return True
    return any(_matches(patterns, d) for d in _WINDOWS_SYSTEM_PARTS)


def _matches(patterns: list[str], parts: tuple[str, ...]) -> bool:
    """Whether the glob components ``patterns`` match the path components ``parts``."""
    return len(patterns) == len(parts) and all(
        fnmatch.fnmatchcase(part, pattern) for part, pattern in zip(parts, patterns, strict=True)
    )
