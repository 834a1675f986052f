"""Files whose content is code that runs later, outside keyturn's view.

Writing ``rm -rf /srv`` into ``~/.bashrc`` changes one file, but what it does is decided the next
time a shell starts -- in the operator's own terminal, where no hook is asked. The same holds for
cron tables (at's and incron's too), systemd units wherever systemd reads them (generators,
``system.conf``'s ``DefaultEnvironment=`` too), autostart entries, git hooks (run by the operator's
git as much as the agent's), ssh's client config (``ProxyCommand``, ``LocalCommand``), the keys ssh
lets log in, MCP configurations (``.mcp.json``, ``~/.claude.json``: the agent starts the servers
they name), Python's start-up files (``*.pth``, ``sitecustomize.py`` in site-packages), pip's,
cargo's and go's settings (the interpreter, compiler or ``-toolexec`` program they name), the
version managers' hooks (``~/.pyenv/pyenv.d``), git's settings (``core.fsmonitor`` runs at every
``git status``), direnv's ``.envrc``, npm's and yarn's settings, the AWS, Kubernetes and docker
clients' settings (``credential_process``, exec plugins, CLI aliases, ``credsStore``) and docker's
CLI plugins (wherever ``DOCKER_CONFIG`` or ``docker --config`` puts them), podman's settings,
logins, registries, storage settings (wherever their variables put them:
:mod:`._container_env_settings`), OCI hooks and Quadlet units, the docker daemon's ``daemon.json``,
an editor's workspace settings and tasks and its start-up files, programs on the search path
(``~/.cargo/bin``, ``~/go/bin``, a virtualenv's ``bin``, ``node_modules/.bin``), sudoers and
``ld.so.preload`` and ``ld.so.conf``, the system's own rules and hooks (udev's, modprobe's,
tmpfiles', logrotate's, apt's, PAM's, motd's, the network's; macOS's launchd jobs), the file
systems ``mount -a`` mounts (``/etc/fstab``), the kernel's settings and controls (``/proc/sys`` as
``sysctl -w`` sets it, and named so: :mod:`._host_kernel_settings`; ``/sys``), helm's repositories,
registry logins and plugins, Terraform's CLI settings and plugins, pre-commit's hooks, a dev
container's definition, Gradle's init scripts, IPython's start-up files, the database clients'
start-up and option files (``~/.psqlrc``, ``~/.my.cnf``, ``~/.sqliterc``, ``~/.mongoshrc.js``), the
HTTP clients' settings (``~/.curlrc``, ``~/.wgetrc``, HTTPie's and xh's config), and Claude Code's
skills, subagents, commands, plugins and hook scripts (their frontmatter may carry ``hooks:``, and
the scripts a settings file names run outside keyturn). A write to one of them is ``unknown`` -- at
least asked, denied in production -- as installing a crontab already is: keyturn cannot judge code
it will not see run. (The agents' hook settings themselves are not asked but refused:
:mod:`keyturn.policy.selfprotect`.)

Names are compared without case (macOS's and Windows' file systems do not tell ``.BASHRC`` from
``.bashrc``; Windows names arrive without trailing dots and stream suffixes,
:mod:`keyturn.understand.paths`). A write or a delete through a link whose place cannot be told
(another process's working directory, ``/proc/<pid>/cwd/x``; a directory descriptor,
``/dev/fd/3/x``) is ``unknown`` too: it may land on any of these files, or on keyturn's own.

``git config``, ``kubectl config use-context``, ``docker context use`` and ``podman system
connection`` write such settings too, but keyturn reads what they set key by key (an effect of
the tool's own service); only a raw write of the file, or a setting keyturn does not read, is
made ``unknown``.

:func:`runs_later` says why a path is such a file; :func:`mark_runs_later` turns the writes of
an action's effects on such files into ``unknown``. Every understander that writes files (shell
commands, agents' file tools, MCP file tools) passes its effects through it; a shell line's
effects pass again once the links on their paths are followed
(:func:`mark_runs_later_through_links`: ``echo x > notes`` with ``notes -> ~/.bashrc``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand._container_env_settings import (
    docker_folder_pattern,
    docker_folders,
    named_setting,
    settings_reads,
)
from keyturn.understand._host_kernel_settings import with_sysctl_names
from keyturn.understand._host_runs_later_files import (
    DOCKER_FOLDERS,
    HOMES,
    KINDS,
    NAMED_BY_VARIABLE,
    READ_BY_KEY,
    USUAL_HOMES,
)
from keyturn.understand.links import LineLinks, LinkReader
from keyturn.understand.paths import unknown_place

if TYPE_CHECKING:
    from keyturn.understand import FileReader

__all__ = ["mark_runs_later", "mark_runs_later_through_links", "runs_later"]

_WRITES = frozenset({EffectKind.CREATE, EffectKind.UPDATE, EffectKind.REPLACE})
# Programs that put a new file in the place of a link rather than write through it (GNU coreutils
# 9.1, sed 4.9: tried): ``mv x notes``, ``ln -sf t notes``, ``install x notes`` and ``sed -i``
# (without ``--follow-symlinks``) leave what ``notes`` pointed at as it was. A link on the folder
# still counts (``mv x hooks/pre-commit`` with ``hooks -> .git/hooks`` lands in git's hooks), and
# so does one to a directory (``mv x dir-link`` moves into it).
_REPLACE_THE_LINK = frozenset({"mv", "ln", "install", "sed"})
# The effect ``ln`` names for what its link points at (:func:`.through_link`): written through.
_THROUGH_THE_NEW_LINK = "what is written through the link"
_FOLLOWS_LINKS = re.compile(r"(?:^|\s)--fo")  # sed's --follow-symlinks, however abbreviated
_UNKNOWN_PLACE = (
    "goes through a link whose place cannot be told (another process's working directory or"
    " files, a directory descriptor): it may land on any file"
)


@functools.lru_cache(maxsize=64)
def _pattern(home: str, docker_configs: tuple[str, ...] = ()) -> re.Pattern[str]:
    """The files of :data:`KINDS`, ``home`` counted among the home directories and the
    folders ``docker_configs`` name among docker's (:func:`.docker_folder_pattern`).
    Lower-cased, and matched against a lower-cased path: without case, and faster than
    ``re.IGNORECASE`` (no escape in the patterns changes meaning with case: ``\\.``, ``[^/]``,
    ``.+``)."""
    homes = f"(?:{USUAL_HOMES}|{re.escape(home.rstrip('/'))})" if home.strip("/") else HOMES
    found = (docker_folder_pattern(value, home) for value in docker_configs)
    folders = [folder for folder in found if folder is not None]
    docker = f"(?:.*/\\.docker|{'|'.join(folders)})" if folders else DOCKER_FOLDERS
    return re.compile(
        "|".join(
            f"(?P<k{i}>{p.replace(HOMES, homes).replace(DOCKER_FOLDERS, docker).lower()})"
            for i, (p, _) in enumerate(KINDS)
        )
    )


def runs_later(
    path: str, *, home: str = "", docker_config: str = "", env: Mapping[str, str] | None = None
) -> str | None:
    """Why the file at ``path`` (absolute) holds code that runs later, or ``None``. ``home`` is
    the acting user's home directory, besides the usual places of homes; ``docker_config`` a
    folder the docker CLI takes its settings from (DOCKER_CONFIG's value); ``env`` the variables
    of the agent's environment and those the line sets, which move the container tools'
    settings (:mod:`._container_env_settings`)."""
    variables = env or {}
    return _runs_later(path, home, _docker_configs(docker_config, variables, ()), variables, {})


def _docker_configs(
    docker_config: str, env: Mapping[str, str], folders: Iterable[str]
) -> tuple[str, ...]:
    values = (docker_config, env.get("DOCKER_CONFIG", ""), *folders)
    return tuple(dict.fromkeys(v for v in values if v))


def _runs_later(
    path: str,
    home: str,
    docker_configs: tuple[str, ...],
    env: Mapping[str, str],
    reads: Mapping[str, str],
) -> str | None:
    found = _pattern(home, docker_configs).fullmatch(path.lower())
    if found is not None and found.lastgroup is not None:
        return KINDS[int(found.lastgroup[1:])][1]
    kind = named_setting(path, env, home, reads) if env or reads else None
    return None if kind is None else NAMED_BY_VARIABLE[kind]


def mark_runs_later(
    effects: Iterable[Effect],
    *,
    home: str = "",
    docker_config: str = "",
    env: Mapping[str, str] | None = None,
) -> list[Effect]:
    """``effects`` with each write of a file that runs later made ``unknown``, saying why; and
    each write or delete through a link whose place cannot be told. ``docker_config``, ``env``:
    as for :func:`runs_later`; the settings container commands among ``effects`` say they read
    (``docker --config DIR``: :func:`.settings_reads`) count too. Each effect on a kernel
    setting's file is also named as the setting (:func:`.with_sysctl_names`)."""
    effects = [with_sysctl_names(effect) for effect in effects]
    variables = env or {}
    reads = settings_reads(effects)
    configs = _docker_configs(docker_config, variables, docker_folders(reads))
    out = []
    for effect in effects:
        kind = effect.effect
        note = None
        if kind in _WRITES:
            why = _why(effect, home, configs, variables, reads)
            if why is not None:
                note = f"writes {why}; what it will do is not judged"
        if note is None and (kind in _WRITES or kind is EffectKind.DELETE):
            place = _through_unknown_place(effect)
            if place is not None:
                note = f"{place} {_UNKNOWN_PLACE}"
        if note is not None:
            effect = replace(
                effect,
                effect=EffectKind.UNKNOWN,
                detail=f"{effect.detail}; {note}" if effect.detail else note,
            )
        out.append(effect)
    return out


def _why(
    effect: Effect,
    home: str,
    docker_configs: tuple[str, ...],
    env: Mapping[str, str],
    reads: Mapping[str, str],
) -> str | None:
    for name in effect.resource.names:
        if name.startswith("file:"):
            why = _runs_later(name[5:], home, docker_configs, env, reads)
            if why is not None and READ_BY_KEY.get(why) != effect.service:
                return why
    return None


def _through_unknown_place(effect: Effect) -> str | None:
    for name in effect.resource.names:
        if name.startswith("file:") and unknown_place(name[5:]):
            return name[5:]
    return None


def mark_runs_later_through_links(
    written: Iterable[Effect],
    linked: Iterable[Effect],
    *,
    files: FileReader,
    made: Mapping[str, str] | None = None,
    home: str = "",
    env: Mapping[str, str] | None = None,
) -> list[Effect]:
    """``linked`` -- the effects ``written``, one for one, with their files named also where the
    links on them (on disk, and ``made`` by the line) lead
    (:func:`keyturn.understand.links.with_link_targets`) -- with each write that lands through a
    link on a file that runs later made ``unknown``, as the direct write is: ``echo x > notes``
    or ``cp x notes`` with ``notes -> ~/.bashrc`` writes the shell's start-up file. A program
    that replaces the link instead (:data:`_REPLACE_THE_LINK`) is judged by the links on its
    folder only. ``home``, ``env``: as for :func:`mark_runs_later`."""
    line: LinkReader = LineLinks(files, made) if made else files
    pairs = list(zip(written, linked, strict=True))
    # ``ln``'s own effects are named through the links on disk only, as with_link_targets does.
    seen = [
        _where_it_lands(before, after, files if before.operation == "ln" else line, files)
        for before, after in pairs
    ]
    marked = mark_runs_later(seen, home=home, env=env)
    return [
        mark if view is after else replace(after, effect=mark.effect, detail=mark.detail)
        for (_, after), view, mark in zip(pairs, seen, marked, strict=True)
    ]


def _where_it_lands(before: Effect, after: Effect, links: LinkReader, files: FileReader) -> Effect:
    """``after`` (``before`` named through links), less the targets of the links a program that
    replaces them (``mv x notes``) does not write through."""
    if after is before or not _replaces_the_link(before):
        return after
    passed = {f"file:{p}" for n in before.resource.names if (p := _past_the_link(n, links, files))}
    kept = tuple(n for n in after.resource.names if n in before.resource.names or n not in passed)
    return replace(after, resource=Resource(kept, type=after.resource.type))


def _past_the_link(name: str, links: LinkReader, files: FileReader) -> str | None:
    """Where the last link of the file ``name`` leads -- the file is itself a link, to no
    directory -- when that is not where its folder's links take it; else ``None``."""
    if not name.startswith("file:/"):
        return None
    folder, _, leaf = name[5:].rpartition("/")
    landed = links.links_followed(name[5:])
    if landed is None or files.is_dir(landed):
        return None
    there = links.links_followed(folder) if folder else None
    return None if landed == f"{(there or folder).rstrip('/')}/{leaf}" else landed


def _replaces_the_link(effect: Effect) -> bool:
    operation, command = effect.operation or "", effect.command or ""
    if operation not in _REPLACE_THE_LINK or _THROUGH_THE_NEW_LINK in effect.detail:
        return False
    if operation == "sed":  # its in-place edit; a ``w FILE`` opens the file, through the link
        return effect.effect is EffectKind.UPDATE and _FOLLOWS_LINKS.search(command) is None
    return True
