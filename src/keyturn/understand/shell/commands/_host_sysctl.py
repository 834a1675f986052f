"""``sysctl``: the running kernel's settings of this host.

Names: ``sysctl:<key>`` in its dotted form (``sysctl:net.ipv4.ip_forward``; ``sysctl:*`` for
all of them), a key written with ``/`` read as procps reads it (``net/ipv4/conf/eth0.1/x`` is
``net.ipv4.conf.eth0/1.x``: the first separator tells which one separates).

Meanings, as procps-ng's sysctl 4.0 does them (checked with sysctl 4.0.2 ``--dry-run`` and its
source, ``sysctl.c``): a word with ``=`` -- or any word after ``-w`` -- sets that key: an
update of the host's kernel, at once (until the next boot). A key whose value is a program the
kernel runs as root later or a path it writes to (``kernel.core_pattern``, ``kernel.modprobe``,
``kernel.poweroff_cmd``, ``kernel.hotplug``) is ``unknown``: what it will do is not judged, as a
raw write of ``/proc/sys`` is not (:mod:`keyturn.understand.runs_later`). ``-p``/``-f``/
``--load`` set the keys of each file named (``-pFILE`` and the operands; none: /etc/sysctl.conf;
``-``: standard input): read here when their text is known -- ``-key`` lines exclude, ``#`` and
``;`` start comments -- else ``unknown``; ``--system`` loads every file of the system's
``sysctl.d`` folders and /etc/sysctl.conf, not read here: ``unknown``. Reading a key, ``-a``
(which shows all and sets nothing), ``--dry-run`` (before any ``--system``: an older sysctl
loads the system's files as soon as it meets that option), ``-h`` and ``-V`` read. GNU getopt
takes options anywhere and any unique prefix of a long one (``--sys``); an option not known
makes the line not understood.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import (
    command_effect,
    file_effect,
    file_path,
    local_target,
    unknown_effect,
)
from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_FLAGS = frozenset("bneNwfqoxaAXVdhp")
_LONG = {
    "all": "a",
    "deprecated": "",
    "dry-run": "dry-run",
    "binary": "b",
    "ignore": "e",
    "names": "N",
    "values": "n",
    "load": "p",
    "quiet": "q",
    "write": "w",
    "system": "system",
    "pattern": "r",
    "help": "h",
    "version": "V",
}
_DEFAULT_FILE = "/etc/sysctl.conf"
# Keys whose value the kernel runs as a program (or writes its core files to) later; binfmt_misc's
# ``register`` names an interpreter it runs for every matching file executed, and an entry's own
# file (``1``) or ``status`` switches such interpreters on (the kernel's binfmt-misc.rst).
_RUNS_LATER = (
    *("kernel.core_pattern", "kernel.modprobe", "kernel.poweroff_cmd", "kernel.hotplug"),
    "fs.binfmt_misc.*",
)
_SYSTEM_FILES = (
    "/etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d, /lib/sysctl.d"
    " and /etc/sysctl.conf"
)
_LIMIT = 1_000_000


class _Line:
    """What the options and operands of one ``sysctl`` line say."""

    def __init__(self) -> None:
        self.given: list[str] = []  # option keys, in order ("w", "system", "dry-run"...)
        self.files: list[str] = []  # -pFILE / --load=FILE
        self.operands: list[tuple[int, str]] = []  # (index in argv, word)

    def on(self, key: str) -> bool:
        return key in self.given

    def before(self, key: str, other: str) -> bool:
        """Whether ``key`` is given before any ``other``."""
        if key not in self.given:
            return False
        return other not in self.given or self.given.index(key) < self.given.index(other)


def _parse(args: tuple[str, ...]) -> _Line | None:
    line, words, i = _Line(), list(args), 0
    while i < len(words):
        word = words[i]
        if word == "--":
            line.operands += [(j + 1, w) for j, w in enumerate(words[i + 1 :], start=i + 1)]
            break
        if word.startswith("--"):
            name, eq, value = word[2:].partition("=")
            found = [k for k in _LONG if k.startswith(name)]
            key = _LONG[name] if name in _LONG else (_LONG[found[0]] if len(found) == 1 else None)
            if key is None or (eq and key not in ("p", "r")):
                return None
            if key == "r" and not eq:
                i += 1  # --pattern takes the next word
            line.given.append(key)
            if key == "p" and eq:
                line.files.append(value)
        elif word.startswith("-") and len(word) > 1:
            for at, letter in enumerate(word[1:], start=1):
                if letter == "r":
                    line.given.append("r")
                    i += 0 if word[at + 1 :] else 1
                    break
                if letter not in _FLAGS:
                    return None
                line.given.append("p" if letter == "f" else letter)
                if letter == "p" and word[at + 1 :]:
                    line.files.append(word[at + 1 :])
                    break
        else:
            line.operands.append((i + 1, word))
        i += 1
    return line


def _names(key: str) -> tuple[str, str]:
    """(the dotted key, its path under /proc/sys) of a key as procps reads it."""
    first = re.search(r"[./]", key)
    swapped = key.translate(str.maketrans("./", "/."))
    if first is None or first.group() == "/":
        return swapped, key
    return key, swapped


def _setting(key: str, value: str, cmd: SimpleCommand, ctx: ShellContext, where: str) -> Effect:
    dotted, path = _names(key.strip())
    said = f"sets the kernel's {dotted} to {value!r} ({where}; /proc/sys/{path}), at once"
    # Either side may be a pattern: a key given as one (``kernel.*``), or one of _RUNS_LATER.
    if any(fnmatch.fnmatchcase(k, dotted) or fnmatch.fnmatchcase(dotted, k) for k in _RUNS_LATER):
        said += ": the kernel runs the program, or writes to the path, it names; not judged"
        kind = _E.UNKNOWN
    else:
        kind = _E.UPDATE
    return _effect(kind, [dotted], cmd, ctx, said)


def _effect(
    kind: EffectKind, keys: list[str], cmd: SimpleCommand, ctx: ShellContext, detail: str = ""
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(tuple(dict.fromkeys(f"sysctl:{k}" for k in keys)), type="sysctl"),
        target=local_target(ctx),
        service="host",
        command=cmd.text,
        operation="sysctl",
        detail=detail,
    )


def _settings_file(text: str) -> list[tuple[str, str]]:
    """The ``key = value`` lines of a settings file (procps ``parse_setting_line``)."""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) < 2 or line[0] in "#;" or "=" not in line:
            continue  # blank, a comment, an exclusion (``-key``) or not a setting
        key, _, value = line.partition("=")
        found.append((key.removeprefix("-").strip(), value.strip()))
    return found


def _load(name: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The settings of one file ``-p`` names (``-``: standard input)."""
    read: list[Effect] = []
    if name == "-":
        text = None if cmd.stdin_dynamic else cmd.stdin_text
        where = "standard input"
    elif any(c in name for c in "*?[{~$"):
        text, where = None, name  # sysctl globs it: which files is not told
    else:
        path = file_path(name, ctx)
        text, where = one_text_on_line(path, ctx, limit=_LIMIT), path
        read = [file_effect(_E.READ, [path], cmd, ctx, detail="kernel settings to load")]
    if text is None:
        said = f"sets the kernel settings in {where}, not known here"
        return [*read, _effect(_E.UNKNOWN, ["*"], cmd, ctx, said)]
    return read + [_setting(k, v, cmd, ctx, f"from {where}") for k, v in _settings_file(text)]


@command("sysctl")
def sysctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``sysctl [OPTIONS] [KEY[=VALUE]...]`` (the module's docstring)."""
    line = _parse(cmd.args)
    if line is None:
        return None
    stops = [k for k in line.given if k in ("V", "h", "d", "system")]
    if stops and stops[0] != "system":
        return [command_effect(_E.READ, cmd, ctx)]  # the usage text or the version
    dry = line.before("dry-run", "system")
    if line.on("a") and not line.on("system"):
        return [_effect(_E.READ, ["*"], cmd, ctx)]
    out: list[Effect] = []
    if line.on("system"):
        said = f"sets the kernel settings in {_SYSTEM_FILES}, not read here"
        out.append(_effect(_E.UNKNOWN, ["*"], cmd, ctx, said))
    if line.on("p"):
        names = [*line.files, *(w for _, w in line.operands)] or [_DEFAULT_FILE]
        for name in names:
            out += _load(name, cmd, ctx)
    else:
        out += _operands(line, cmd, ctx)
    if dry:
        return [_as_read(e) for e in out] or None
    return out or None


def _operands(line: _Line, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    out = []
    for index, word in line.operands:
        if not (line.on("w") or "=" in word):
            out.append(_effect(_E.READ, [_names(word)[0]], cmd, ctx))
        elif index in cmd.dynamic_words:
            out.append(
                unknown_effect(cmd, f"sets a kernel setting decided at run time: {word}", ctx)
            )
        elif "=" in word:
            key, _, value = word.partition("=")
            out.append(_setting(key.removeprefix("-"), value.strip(), cmd, ctx, "on the line"))
    return out


def _as_read(effect: Effect) -> Effect:
    """A setting ``--dry-run`` only shows."""
    return replace(effect, effect=_E.READ, detail="--dry-run: shown, not set")
