"""Files whose content is code that runs later, outside keyturn's view.

Writing ``rm -rf /srv`` into ``~/.bashrc`` changes one file, but what it does is decided the next
time a shell starts -- in the operator's own terminal, where no hook is asked. The same holds for
cron tables, systemd units, autostart entries, git hooks (run by the operator's git as much as
the agent's), ssh's client config (``ProxyCommand``, ``LocalCommand``), the keys ssh lets log in,
MCP configurations (``.mcp.json``, ``~/.claude.json``: the agent starts the servers they name),
Python's start-up files (``*.pth``, ``sitecustomize.py`` in site-packages), git's settings
(``core.fsmonitor`` runs at every ``git status``), direnv's ``.envrc``, npm's and yarn's settings,
the AWS and Kubernetes clients' settings (``credential_process``, exec plugins), an editor's
workspace settings and tasks, programs on the search path, sudoers and ``ld.so.preload``. A
write to one of them is ``unknown`` -- at least asked, denied in production -- as installing a
crontab already is: keyturn cannot judge code it will not see run.

``git config`` and ``kubectl config use-context`` write such settings too, but keyturn reads
what they set key by key (an effect of the tool's own service); only a raw write of the file,
or a setting keyturn does not read, is made ``unknown``.

:func:`runs_later` says why a path is such a file; :func:`mark_runs_later` turns the writes of
an action's effects on such files into ``unknown``. Every understander that writes files (shell
commands, agents' file tools, MCP file tools) passes its effects through it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import replace

from keyturn.model import Effect, EffectKind

__all__ = ["mark_runs_later", "runs_later"]

_USUAL_HOMES = r"/root|/home/[^/]+|/Users/[^/]+"
_HOMES = f"(?:{_USUAL_HOMES})"  # in _KINDS; _pattern puts the acting user's home among them
_GIT_SETTINGS = (
    "git's settings: they may name commands git runs (core.fsmonitor, core.hooksPath,"
    " core.sshCommand, aliases), the operator's git as much as the agent's"
)
_KUBE_SETTINGS = (
    "kubectl's settings: they may name a program every call runs (an exec plugin) or change"
    " which cluster a context's name means"
)
# Settings files whose own tool keyturn understands key by key: ``git config core.editor vim``
# and ``kubectl config use-context`` say themselves whether what they set runs a command (an
# effect of the tool's own service), so only a raw write of the file is made ``unknown``.
_READ_BY_KEY = {_GIT_SETTINGS: "git", _KUBE_SETTINGS: "k8s"}
_KINDS: tuple[tuple[str, str], ...] = (
    (
        rf"{_HOMES}/\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv"
        r"|zprofile|zlogin|zlogout|kshrc|cshrc|tcshrc|config/fish/config\.fish"
        r"|config/fish/conf\.d/[^/]+)"
        r"|/etc/(?:profile|profile\.d/[^/]+|bash\.bashrc|bashrc|zsh/[^/]+|zshrc|zprofile"
        r"|environment)",
        "a shell start-up file: every new shell runs it",
    ),
    (
        r"/etc/(?:crontab|cron\.d/[^/]+|cron\.(?:hourly|daily|weekly|monthly)/[^/]+|anacrontab)"
        r"|/var/spool/cron/(?:crontabs/)?[^/]+",
        "a cron table or job: runs on a schedule",
    ),
    (
        rf"/(?:etc|lib|usr/lib)/systemd/(?:system|user)/.+|{_HOMES}/\.config/systemd/user/.+"
        r"|/etc/(?:rc\.local|init\.d/[^/]+)",
        "a service definition: runs when it is started or at boot",
    ),
    (
        rf"{_HOMES}/\.config/autostart/[^/]+|/etc/xdg/autostart/[^/]+",
        "an autostart entry: runs at login",
    ),
    (
        rf"{_HOMES}/\.ssh/(?:config|rc)|/etc/ssh/(?:ssh_config|sshrc)(?:\.d/[^/]+)?",
        "ssh's configuration: it may run commands (ProxyCommand, LocalCommand)",
    ),
    (
        rf"{_HOMES}/\.ssh/authorized_keys2?|/etc/ssh/sshd_config(?:\.d/[^/]+)?",
        "lets whoever holds a key log in, and run what the key's options name",
    ),
    (r".*/\.git/hooks/[^/]+", "a git hook: git runs it, the operator's git as much as the agent's"),
    (
        rf".*/\.mcp\.json|.*/\.vscode/mcp\.json|{_HOMES}/\.claude\.json"
        rf"|{_HOMES}/\.config/Claude/claude_desktop_config\.json"
        rf"|{_HOMES}/Library/Application Support/Claude/claude_desktop_config\.json",
        "an MCP configuration: the agent starts the servers it names",
    ),
    (
        r".*/(?:site|dist)-packages/(?:[^/]+\.pth|sitecustomize\.py|usercustomize\.py)",
        "Python runs it whenever it starts",
    ),
    (
        rf".*/\.git/config|{_HOMES}/\.gitconfig|{_HOMES}/\.config/git/config|/etc/gitconfig",
        _GIT_SETTINGS,
    ),
    (r".*/\.husky/[^/_][^/]*", "a git hook (husky's): git runs it at the next commit or push"),
    (r".*/\.envrc", "direnv runs it in every shell that enters the directory"),
    (
        r".*/\.npmrc|.*/\.yarnrc(?:\.yml)?|/etc/npmrc",
        "a package manager's settings: they may name what runs scripts (script-shell,"
        " node-options, yarnPath)",
    ),
    (
        rf"{_HOMES}/\.aws/config",
        "the AWS client's settings: they may name a program every call runs (credential_process)"
        " or change which account a profile's name means",
    ),
    (rf"{_HOMES}/\.kube/config", _KUBE_SETTINGS),
    (
        rf".*/\.vscode/(?:settings|tasks)\.json|{_HOMES}/\.config/Code/User/settings\.json"
        rf"|{_HOMES}/Library/Application Support/Code/User/settings\.json",
        "an editor's settings or tasks: they may run commands when the folder opens, or let"
        " an agent approve its own tool calls (chat.tools.autoApprove)",
    ),
    (
        rf"{_HOMES}/(?:\.local/)?bin/[^/]+|/usr/local/s?bin/[^/]+|/(?:usr/)?s?bin/[^/]+",
        "a program on the search path: whoever types its name runs it",
    ),
    (r"/etc/sudoers(?:\.d/[^/]+)?", "sudo's rules: who may run what as root"),
    (r"/etc/ld\.so\.preload", "loaded into every program that starts"),
)
_WRITES = frozenset({EffectKind.CREATE, EffectKind.UPDATE, EffectKind.REPLACE})


@functools.lru_cache(maxsize=64)
def _pattern(home: str) -> re.Pattern[str]:
    """The files of :data:`_KINDS`, ``home`` counted among the home directories."""
    homes = f"(?:{_USUAL_HOMES}|{re.escape(home.rstrip('/'))})" if home.strip("/") else _HOMES
    return re.compile(
        "|".join(f"(?P<k{i}>{p.replace(_HOMES, homes)})" for i, (p, _) in enumerate(_KINDS))
    )


def runs_later(path: str, *, home: str = "") -> str | None:
    """Why the file at ``path`` (absolute) holds code that runs later, or ``None``. ``home`` is
    the acting user's home directory, besides the usual places of homes."""
    found = _pattern(home).fullmatch(path)
    if found is None or found.lastgroup is None:
        return None
    return _KINDS[int(found.lastgroup[1:])][1]


def mark_runs_later(effects: Iterable[Effect], *, home: str = "") -> list[Effect]:
    """``effects`` with each write of a file that runs later made ``unknown``, saying why."""
    out = []
    for effect in effects:
        why = _why(effect, home) if effect.effect in _WRITES else None
        if why is not None:
            note = f"writes {why}; what it will do is not judged"
            effect = replace(
                effect,
                effect=EffectKind.UNKNOWN,
                detail=f"{effect.detail}; {note}" if effect.detail else note,
            )
        out.append(effect)
    return out


def _why(effect: Effect, home: str) -> str | None:
    for name in effect.resource.names:
        if name.startswith("file:"):
            why = runs_later(name[5:], home=home)
            if why is not None and _READ_BY_KEY.get(why) != effect.service:
                return why
    return None
