"""Windows paths for the handlers of :mod:`.windows`: the ``file:`` name of a path as cmd or
PowerShell writes it, and where a change of directory moves.

Paths are named ``file:C:/path`` (forward slashes, drive letter upper case, ``.`` and ``..``
resolved); well-known variables (``%USERPROFILE%``, ``$env:SystemRoot``, ``$HOME``) and a
leading ``~`` are put in as on a default installation, device paths and the drive's admin share
name the drive itself, and a relative path is joined to the working directory when it is known.
A path decided at run time (another variable, a PowerShell expression, a relative path after a
``cd`` to such a place) is told apart, and so is a path whose recursive removal is catastrophic
(a drive root, a user profile). Kept apart from the handlers as pure functions of the words.
"""

from __future__ import annotations

import posixpath
import re

from keyturn.understand.shell.commands._windows_words import tokens

# Well-known Windows variables (cmd's ``%NAME%``, PowerShell's ``$env:NAME``), lower-cased, as
# on a default installation; ``%USERNAME%`` stays, naming the user's profile.
_PROFILE = "C:/Users/%USERNAME%"
_WINDOWS_VARIABLES = {
    "userprofile": _PROFILE,
    "home": _PROFILE,
    "homedrive": "C:",
    "homepath": "/Users/%USERNAME%",
    "systemdrive": "C:",
    "systemroot": "C:/Windows",
    "windir": "C:/Windows",
    "programfiles": "C:/Program Files",
    "programw6432": "C:/Program Files",
    "programfiles(x86)": "C:/Program Files (x86)",
    "commonprogramfiles": "C:/Program Files/Common Files",
    "commonprogramw6432": "C:/Program Files/Common Files",
    "commonprogramfiles(x86)": "C:/Program Files (x86)/Common Files",
    "programdata": "C:/ProgramData",
    "allusersprofile": "C:/ProgramData",
    "public": "C:/Users/Public",
    "appdata": _PROFILE + "/AppData/Roaming",
    "localappdata": _PROFILE + "/AppData/Local",
    "temp": _PROFILE + "/AppData/Local/Temp",
    "tmp": _PROFILE + "/AppData/Local/Temp",
    "onedrive": _PROFILE + "/OneDrive",
    "username": "%USERNAME%",
}
_VARIABLE = re.compile(
    r"%([A-Za-z0-9_()]+)%|(?<!`)\$\{env:([A-Za-z0-9_()]+)\}"
    r"|(?<!`)\$env:([A-Za-z0-9_]+(?:\(x86\))?)|(?<!`)\$(home|pshome)\b",
    re.IGNORECASE,
)
_PS_HOME = "C:/Windows/System32/WindowsPowerShell/v1.0"
_DRIVE = re.compile(r"[A-Za-z]:")
# ``\\?\C:\``, ``\\.\C:\`` (device paths) and ``\\localhost\C$\`` (the drive's admin share, also
# as ``\\?\UNC\localhost\C$``, by any loopback address or the machine's own name) are the drive
# itself; ``\\localhost\admin$`` is the Windows folder.
_LOOPBACK = (
    r"(?:localhost|127(?:\.\d{1,3}){0,3}|\[?(?:0{0,4}:){2,7}0{0,3}1\]?|0--1\.ipv6-literal\.net"
    r"|%computername%|\$env:computername|\$\{env:computername\})"
)
_DEVICE_PATH = re.compile(
    rf"//[?.]/([A-Za-z]:)|(?://[?.]/UNC/|//){_LOOPBACK}/(?:([A-Za-z])\$|(admin)\$)(?=/|$)",
    re.IGNORECASE,
)
# A device path left (``\\?\GLOBALROOT\Device\HarddiskVolume3``, ``\\?\Volume{GUID}``, another
# host's ``\\?\UNC\``): which volume or share it is is known only on the machine.
_OTHER_DEVICE = re.compile(r"//[?.]/")


# PowerShell's provider-qualified form of a file path names the same file.
_FILESYSTEM_PROVIDER = re.compile(r"(?i)^(?:microsoft\.powershell\.core[\\/])?filesystem::")
# A PowerShell drive that holds no files (``Env:``, ``HKLM:``, ``Cert:``, ``Variable:``).
_PROVIDER_DRIVE = re.compile(r"^([A-Za-z][A-Za-z0-9]+):")
# An 8.3 short name (``PROGRA~1``): which long name it is depends on the disk.
_SHORT_NAME = re.compile(r"(?:^|[\\/])[^\\/~]{1,6}~\d")


def provider_drive(word: str) -> str | None:
    """The PowerShell drive a path is on when it is not a file system's (``env``, ``hklm``,
    ``cert``), lower-cased."""
    match = _PROVIDER_DRIVE.match(_FILESYSTEM_PROVIDER.sub("", word.strip()))
    return match.group(1).lower() if match else None


def ps_wildcards(path: str) -> str:
    """A PowerShell ``-Path`` with its ``[...]`` wildcard sets read as ``?`` (``dat[a]`` may be
    ``data``); a ``-LiteralPath`` keeps them."""
    return re.sub(r"\[[^\]/]*\]", "?", path)


def _expand(word: str) -> str:
    """``word`` with the well-known variables and a leading ``~`` put in; others stay."""
    word = _FILESYSTEM_PROVIDER.sub("", word.strip())
    if "%" in word or "$" in word:
        word = _VARIABLE.sub(_variable_value, word)
    if word == "~" or word.startswith(("~/", "~\\")):
        word = _PROFILE + word[1:]
    return word


def _variable_value(match: re.Match[str]) -> str:
    if match.group(4) is not None:
        return _PS_HOME if match.group(4).lower() == "pshome" else _PROFILE
    name = (match.group(1) or match.group(2) or match.group(3)).lower()
    return _WINDOWS_VARIABLES.get(name, match.group(0))


def run_time_path(word: str, cwd: str | None, *, powershell: bool) -> bool:
    """Whether the path ``word`` is decided at run time: a variable other than the well-known
    ones (``%D%``, ``$p``, a ``for`` loop's ``%i``), a PowerShell expression (``(Get-PSDrive
    C).Root``), an 8.3 short name (``C:\\PROGRA~1``: the disk tells which folder), or a relative
    path after a change to a place decided at run time."""
    expanded = _DEVICE_PATH.sub("", _expand(word).replace("\\", "/")).replace("%USERNAME%", "")
    if "%" in expanded or expanded.startswith("(") or _SHORT_NAME.search(expanded):
        return True
    if _OTHER_DEVICE.match(expanded):
        return True
    if powershell and "$" in expanded.replace("`$", ""):
        return True
    return cwd == RUN_TIME_DIR and not _absolute(expanded)


def _absolute(path: str) -> bool:
    return path.startswith("/") or bool(_DRIVE.match(path))


def windows_path(word: str, cwd: str | None = None) -> str:
    """``file:`` form of a Windows path: ``C:/work/x`` (forward slashes, drive upper case,
    ``.`` and ``..`` resolved); relative paths joined to ``cwd`` when it is known."""
    path = _expand(word).replace("\\", "/")
    device = _DEVICE_PATH.match(path)
    if device is not None:
        drive = device.group(1) or (device.group(2) or "C") + ":"
        path = drive + ("/Windows" if device.group(3) else "") + path[device.end() :]
    if not _absolute(path) and cwd is not None and cwd != RUN_TIME_DIR:
        path = cwd.rstrip("/") + "/" + path
    if _DRIVE.match(path):
        path = path[0].upper() + ":" + _trimmed(posixpath.normpath("/" + path[2:].lstrip("/")))
    elif path.startswith("/") and not path.startswith("//"):
        path = posixpath.normpath(path)
    if len(path) > 3:
        path = path.rstrip("/")
    return path.replace("`$", "$")


def _trimmed(path: str) -> str:
    """A drive path as Windows opens it: a segment's one trailing period is dropped, and the
    last segment's trailing periods and blanks (``C:\\prod.\\data.`` is ``C:\\prod\\data``)."""
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if not segment.strip("."):
            continue  # ``...`` is a name
        if i == len(segments) - 1:
            segments[i] = segment.rstrip(". ") or segment
        elif segment.endswith(".") and not segment.endswith(".."):
            segments[i] = segment[:-1]
    return "/".join(segments)


def windows_catastrophe(path: str) -> str | None:
    """Why removing ``path`` recursively is catastrophic (a drive root, a user profile)."""
    if re.fullmatch(r"[A-Z]:/\*?(\*\.\*)?", path) or path in ("/", "/*"):
        return f"removes everything on the drive {path[:2]}"
    if re.fullmatch(r"(?:[A-Z]:)?/Users(/[^/]+)?(/\*)?", path, flags=re.IGNORECASE):
        return f"removes a user profile ({path})"
    return None


# What a statement that is no change of directory gives :func:`directory_change`.
NO_MOVE = "(no move)"
# The working directory after a change to a place decided at run time.
RUN_TIME_DIR = "(decided at run time)"
_MOVES = frozenset({"cd", "chdir", "pushd", "set-location", "sl", "push-location"})
_RETURNS = frozenset({"popd", "pop-location"})


def directory_change(words: list[str], cwd: str | None, *, powershell: bool) -> str | None:
    """Where a ``cd``/``pushd``/``Set-Location`` statement moves to (``None``: not known, so
    relative paths stay as written; :data:`RUN_TIME_DIR`), or :data:`NO_MOVE`."""
    name = words[0].lower()
    if name in _RETURNS:
        return RUN_TIME_DIR
    if name not in _MOVES:
        return NO_MOVE
    skip = ("/d", "-path", "-literalpath", "-lp")
    targets = [w for w in words[1:] if w.lower() not in skip and not w.startswith("-")]
    if not targets:
        return cwd
    if run_time_path(targets[0], cwd, powershell=powershell):
        return RUN_TIME_DIR
    target = windows_path(targets[0], cwd)
    return target if _DRIVE.match(target) else None


# A word that reads as a path: a drive, a root, a home or a variable.
_PATH_LIKE = re.compile(r"[~$%/\\]|[A-Za-z]:")


def paths_inside(word: str) -> list[str]:
    """The paths a PowerShell expression used as a path spells out (``(Resolve-Path ~)``,
    ``('C:' + '\\')``): what it computes is decided at run time, but deleting what it names
    is judged as well."""
    if not word.startswith("("):
        return []
    inner = word[1 : word.rfind(")")] if ")" in word else word[1:]
    return [w for w in tokens(inner, powershell=True) if _PATH_LIKE.match(w)]
