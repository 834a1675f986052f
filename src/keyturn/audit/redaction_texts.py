"""Which texts of an action the redactor searches, and how it spares itself the search.

An action's texts, a cheap test whether one may hold a secret at all, each distinct text edited
once, what a marker looks like and how long a text is still split into words. Split from
:mod:`.redaction` to keep it small; :class:`~keyturn.audit.redaction.Redactor` uses all of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from keyturn.model import Action

_MARKER = re.compile(r"<redacted:[0-9a-f]{16}>")
# Texts longer than this are searched by the in-word shapes only (linear, in the regex engine):
# a file's content given to an MCP tool is not a command line to split into words.
LONG_TEXT = 4096
# Lower-case text every secret shape of :mod:`keyturn.audit.secrets` needs (a name part, a
# program, a token prefix): a text with none of them has nothing to redact. Substring tests, as
# a regular expression's alternation costs a hundred times more on every judged action.
_TRIGGERS = (
    *("pass", "pwd", "secret", "token", "key", "cred", "auth", "sas", "sig", "pat"),
    *("bearer", "basic", "private", "identified", "login", "configure", "vault"),
    *(" bao ", "/bao ", " mc ", "/mc ", " -a ", "mysql", "mariadb", "redis-cli", "sqlcmd"),
    *("bcp", "mongo", "curl", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "k_live_"),
    *("k_test_", "sk-", "npm_", "aiza", "eyj", "kt_"),
    *("variable", "config:set", "env:set", " heroku ", "/heroku ", "cqlsh", "rabbitmqadmin"),
    *("influx", "env add"),
    *("cookie", "plaintext", "securestring", "ldap", "smbclient", "zip", "7z", "rabbitmqctl"),
    *("hooks.", "webhooks", "openssl", "<redacted>"),
    # Reading a password on the input (``| sudo -S``, ``chpasswd``, ``--data-file=-``), redis'
    # ``ACL SETUSER``, and the key names of :data:`_ARGUMENT_SECRETS`.
    *("sudo", "chpasswd", "stdin", "data-file", "setuser", "pin", "otp", "jwt", "session", "pw"),
    # Tools whose password or token options are short (``az sql … -p``, ``vercel -t``,
    # ``supabase -p``, ``etcdctl --user u:p``).
    *(" az ", "/az ", "etcdctl", "vercel", " vc ", "/vc ", "supabase"),
)


def _may_hold_secret(text: str) -> bool:
    low = f" {text.lower()} "
    return any(t in low for t in _TRIGGERS) or ("://" in low and "@" in low)


def _once_per_text(edit: Callable[[str], str], found: list[str]) -> Callable[[str], str]:
    """``edit`` run once per distinct text: a line's effects share its command text (a brace
    expansion gives hundreds of effects, each with the whole expanded line), and every pass is
    a search of that text. A repeat notes again what the first pass added to ``found``
    (:meth:`Redactor._effect` tells a changed effect by what it adds there)."""
    done: dict[str, tuple[str, tuple[str, ...]]] = {}

    def edited(text: str) -> str:
        hit = done.get(text)
        if hit is None:
            before = len(found)
            hit = done[text] = (edit(text), tuple(found[before:]))
        else:
            found.extend(hit[1])
        return hit[0]

    return edited


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _action_strings(action: Action) -> Iterator[str]:
    yield action.summary
    for e in action.effects:
        yield from e.resource.names
        yield e.command or ""
        yield e.detail
        yield e.catastrophic or ""
    yield from _strings(action.subject)
