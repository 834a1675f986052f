"""rsync's options and places, for the ``rsync`` handler (:mod:`._rsync`).

The options rsync takes with a value; how a path word is named where it is (``/abs/path``
here, ``ssh:host/file:path`` over the remote shell, ``rsync:host/module/path`` for a daemon)
and the file effect on such places; and what the ``-e`` remote shell runs on this machine: an
ssh with settings that only tune the connection runs nothing more.
"""

from __future__ import annotations

import shlex
from dataclasses import replace

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.effects import (
    directory_tree,
    file_effect,
    file_path,
    unknown_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

RSYNC = OptionSpec(
    valued="efTBM",
    long={"rsh": "e", "filter": "f", "temp-dir": "T", "block-size": "B", "remote-option": "M"},
    long_valued=frozenset(
        {"exclude", "include", "rsync-path", "log-file", "files-from", "exclude-from"}
        | {"include-from", "backup-dir", "partial-dir", "password-file", "out-format"}
        | {"compare-dest", "copy-dest", "link-dest", "chown", "usermap", "groupmap", "chmod"}
        | {"suffix", "bwlimit", "timeout", "contimeout", "port", "sockopts", "max-size"}
        | {"min-size", "max-delete", "modify-window", "compress-choice", "compress-level"}
        | {"checksum-choice", "log-file-format", "write-batch", "only-write-batch"}
        | {"read-batch", "protocol", "iconv", "address", "info", "debug", "stop-after"}
        | {"stop-at", "outbuf", "skip-compress", "checksum-seed", "max-alloc", "copy-as"}
    ),
)


def recursive_rsync(opts: Options) -> bool:
    """Whether rsync sends folders whole (``-r``, ``-a``): else it skips them, and leaves the
    destination's tree alone but for the files named."""
    return opts.has("r", "a", "recursive", "archive")


def rsync_backups(
    opts: Options, dest: str, path: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """Where rsync's backups of the files it replaces or deletes go (``-b``/``--backup``, or
    ``--backup-dir``, which implies it): into ``--backup-dir`` (a relative one from the
    destination directory: ``dest`` itself, or the folder of a file ``dest``), else beside
    each file with ``--suffix`` (``~`` by default) added, so ``rsync -b --suffix=.json x
    ~/.claude/settings`` writes ``~/.claude/settings.json``. Only a local destination."""
    if not opts.has("b", "backup", "backup-dir") or not path.startswith("/"):
        return []
    names: list[str] = []
    for folder in opts.values.get("backup-dir", ()):
        if folder.startswith("/"):
            names += directory_tree(file_path(folder, ctx))
            continue
        parent = path.rstrip("/").rsplit("/", 1)[0] or "/"
        for base in dict.fromkeys([path, parent]):
            names += directory_tree(file_path(f"{base.rstrip('/')}/{folder}", ctx))
    suffix = opts.value("suffix")
    if suffix is None:
        suffix = "" if opts.has("backup-dir") else "~"
    if suffix and not dest.endswith("/"):
        names.append(path + suffix)  # the destination file itself, backed up beside it
    if not names:
        return []
    detail = "rsync's backups of what it replaces"
    return [file_effect(EffectKind.UPDATE, list(dict.fromkeys(names)), cmd, ctx, detail=detail)]


def on_places(
    kind: EffectKind,
    places: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    detail: str = "",
    catastrophic: str | None = None,
) -> Effect:
    """:func:`file_effect` on rsync's places: a local path is ``file:PATH``, a remote one keeps
    its own name (``ssh:host/file:path``)."""
    found = file_effect(kind, places, cmd, ctx, detail=detail, catastrophic=catastrophic)
    names = tuple(
        n.removeprefix("file:") if n.startswith(_REMOTE) else n for n in found.resource.names
    )
    return replace(found, resource=replace(found.resource, names=names))


_REMOTE = ("file:ssh:", "file:rsync:")


def rsync_host(word: str) -> str | None:
    """The host of a remote path word (``[user@]host:path``, ``host::module``,
    ``rsync://host/...``), else ``None``."""
    if word.startswith("rsync://"):
        return word[8:].split("/", 1)[0].rpartition("@")[2] or None
    head, colon, _ = word.partition(":")
    if not colon or "/" in head or not head:
        return None
    return head.rpartition("@")[2]


def rsync_place(word: str, ctx: ShellContext) -> str:
    """A path word's name without ``file:``: ``/abs/path`` here, ``ssh:host/file:path`` over
    the remote shell, ``rsync:host/module/path`` for a daemon."""
    host = rsync_host(word)
    if host is None:
        return file_path(word, ctx)
    if word.startswith("rsync://"):
        return f"rsync:{host}/{word[8:].split('/', 1)[1] if '/' in word[8:] else ''}"
    remote = word.partition(":")[2]
    if remote.startswith(":"):
        return f"rsync:{host}/{remote[1:]}"
    return f"ssh:{host}/file:{remote.rstrip('/') or remote or '~'}"


# ssh options that only tune the connection; any other ``-o`` setting (``ProxyCommand``,
# ``LocalCommand``, ``KnownHostsCommand``, ``Match exec``...) or a config file may run a command.
_SSH_QUIET_SETTINGS = frozenset(
    {"stricthostkeychecking", "userknownhostsfile", "batchmode", "connecttimeout", "port"}
    | {"user", "identityfile", "identitiesonly", "loglevel", "compression", "ciphers"}
    | {"serveraliveinterval", "serveralivecountmax", "controlmaster", "controlpersist"}
    | {"controlpath", "forwardagent", "hostkeyalgorithms", "pubkeyauthentication"}
    | {"passwordauthentication", "preferredauthentications", "tcpkeepalive", "addressfamily"}
    | {"checkhostip", "globalknownhostsfile", "requesttty", "connectionattempts"}
)


def rsync_shell(shell: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What rsync's ``-e`` remote shell runs on this machine: an ssh with settings that only
    tune the connection runs nothing more; any other program is judged as the command it is."""
    try:
        words = shlex.split(shell)
    except ValueError:
        return [unknown_effect(cmd, f"rsync -e {shell[:60]!r} could not be read", ctx)]
    if not words or words[0].rsplit("/", 1)[-1] != "ssh":
        return runs_command(shell, "rsync's remote shell", cmd, ctx)
    i = 1
    while i < len(words):
        word = words[i]
        if word in ("-F", "-I", "-S") or word.startswith(("-F", "-I")):
            return [unknown_effect(cmd, f"rsync's ssh takes {word} (config, code)", ctx)]
        if word.startswith("-o"):
            setting = word[2:] or (words[i + 1] if i + 1 < len(words) else "")
            key = setting.replace("=", " ").split(maxsplit=1)[:1]
            if not key or key[0].lower() not in _SSH_QUIET_SETTINGS:
                reason = f"rsync's ssh is set to {setting[:60]!r}, which may run a command"
                return [unknown_effect(cmd, reason, ctx)]
            i += 1 if word[2:] else 2
            continue
        i += 2 if word in ("-p", "-i", "-l", "-c", "-m", "-b", "-J", "-E") else 1
    return []
