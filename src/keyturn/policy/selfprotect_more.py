"""Self-protection beyond keyturn's files: what else an agent could switch off or rewrite.

Denied (``builtin:self-protection``), whatever the policy's allow rules say; each only as a
change (a read is the policy's business):

- keyturn's PostgreSQL state (``KEYTURN_DATABASE``): a change in a database or schema whose
  name holds ``keyturn`` (``$KEYTURN_DATABASE`` too), of a table named ``keyturn_*`` or only
  keyturn has (``audit_head``, ``audit_checkpoints``), or -- where the database is not known
  (``psql -c`` without one: ``db:postgres/*/…``) -- of one of the tables that hold its
  approvals and records (``tokens``, ``requests``, ``votes``, ``grants``, ``audit_log``): an
  inserted token is a reviewer the agent controls, an updated request an approval nobody gave.
  Those common names in a database named otherwise (``db:postgres/app/tokens``) stay with the
  policy: an app's own ``tokens`` table is edited every day.
- its services, processes and containers: a name holding ``keyturn`` (``systemctl stop
  keyturn``, ``pkill -f "keyturn hook daemon"``, ``kill $(pgrep -f keyturn)``, ``docker rm -f
  keyturn-server``), or a glob that matches ``keyturn``;
- its installed package: a command keyturn does not understand (``pip``, ``python -m pip``,
  ``pipx``, ``uv``, ``poetry``, ``conda``…) whose words hold an install or removal verb and
  the package ``keyturn`` (``keyturn==0.0.1``, ``keyturn[server]``, a wheel
  ``keyturn-0.1-py3-none-any.whl``, a directory named ``keyturn``); or one that stops or
  unloads something named ``keyturn`` (``launchctl unload …/dev.keyturn.hookd.plist``,
  ``brew services stop keyturn``);
- a file whose path is decided at run time from something naming keyturn (``cp x "$(command -v
  keyturn)"``, ``rm -rf $KEYTURN_HOME``): the worst reading is keyturn's own file;
- a variable whose name is a glob or decided at run time that may be a ``KEYTURN_*`` one
  (``unset $v``, understood as ``env:*``).

Everything here is told from the resource's names (and an unknown command's text), so it holds
for every way an action arrives: shell, MCP tools, agents' file tools.
"""

from __future__ import annotations

import fnmatch
import re
import shlex

from keyturn.model import Effect, EffectKind

# The name forms this module judges (the engine asks the built-ins about them).
PREFIXES = ("db:postgres/", "service:", "process:", "docker:container/", "shell:")

_WORD = "keyturn"
# Tables only keyturn has; and those whose change forges an approval or a record, denied where
# the database is not known (keyturn.store.migrations, keyturn.store.sql_base).
_OWN_TABLES = frozenset({"audit_head", "audit_checkpoints", "keyturn_request_details"})
_RECORD_TABLES = frozenset({"tokens", "requests", "votes", "grants", "audit_log"})
_GLOB = re.compile(r"[*?\[]")
_RUN_TIME = re.compile(r"[$`]")

# An unknown command that changes a package, and the words that name keyturn's: the package
# with a version or extras, a wheel or source archive of it, or a directory named ``keyturn``.
_PACKAGE_VERBS = frozenset(
    {"install", "uninstall", "remove", "rm", "add", "reinstall", "upgrade", "update"}
    | {"inject", "uninject", "sync"}
)
_PACKAGE = re.compile(
    r"(?:.*/)?keyturn(?:\[[^\]]*\])?(?:\s*(?:[=<>!~]=?|@|;).*|-\d[^/]*\.(?:whl|tar\.gz|zip))?/?",
    re.IGNORECASE,
)
# An unknown command that stops, unloads or removes something: any word holding ``keyturn``.
# (A package verb followed by another package, ``pip uninstall keyturn-helpers``, is not one.)
_STOP_VERBS = frozenset(
    {"stop", "kill", "disable", "mask", "unload", "bootout", "delete", "down", "suspend", "pause"}
)
_MAX_TEXT = 65_536


def own_resource_reason(effect: Effect, changes: frozenset[EffectKind]) -> str | None:
    """Why ``effect`` changes one of keyturn's own resources other than its files, or
    ``None``; ``changes``: the effect kinds that count as a change."""
    if effect.effect not in changes:
        return None
    for name in effect.resource.names:
        lowered = name.lower()
        if lowered.startswith("shell:"):
            if effect.effect is EffectKind.UNKNOWN and _WORD in lowered:
                held = _unknown_command_reason(effect.command or name[6:])
                if held is not None:
                    return held
            continue
        what = _named_reason(lowered)
        if what is not None:
            return (
                f"{effect.effect.value} of {name}, {what}: "
                "an agent may not switch off or rewrite its own guard"
            )
    return None


def _named_reason(name: str) -> str | None:
    """What of keyturn's the (lower-cased) ``name`` is, or ``None``."""
    at = name.find("db:postgres/")
    if at >= 0:
        return _database_reason(name[at + len("db:postgres/") :])
    if name.startswith("service:"):
        # ``service:NAME``, ``service:HOST/NAME``
        unit = name[len("service:") :].rsplit("/", 1)[-1]
        return "a service of keyturn's" if _names_keyturn(unit) else None
    if name.startswith("docker:container/"):
        # ``docker:container/NAME``, and ``docker:container/NAME/<what runs inside it>``
        container = name[len("docker:container/") :].split("/", 1)[0]
        return "a container of keyturn's" if _names_keyturn(container) else None
    if name.startswith("process:"):
        # ``pkill -f PATTERN`` names the pattern, ``kill $(pgrep …)`` the substitution.
        return "a process of keyturn's" if _WORD in name else None
    return None


def _names_keyturn(last: str) -> bool:
    return _WORD in last or (_GLOB.search(last) is not None and fnmatch.fnmatchcase(_WORD, last))


def _database_reason(rest: str) -> str | None:
    """Why the PostgreSQL name ``<database>[/<object>[/<column>]]`` (lower-cased, without
    ``db:postgres/``) is keyturn's state, or ``None``."""
    parts = rest.split("/")
    parts[-1] = parts[-1].split("@", 1)[0]  # the second name of each resource: ``…@host``
    database = parts[0]
    if database.startswith("role:"):
        return "a role of keyturn's database" if _WORD in database else None
    if _WORD in database:
        return "in keyturn's own database"
    if len(parts) < 2:
        return None
    schema, _, table = parts[1].rpartition(".")
    if _WORD in schema or table.startswith(_WORD):
        return "in keyturn's own schema"
    if table in _OWN_TABLES:
        return "one of keyturn's own tables"
    # Only a table named outright: a wide change of a database not known (``DROP SCHEMA public
    # CASCADE``, ``db:postgres/*/*``) is a reset like any other, the policy's to judge.
    unknown_database = _GLOB.search(database) is not None or "$" in database
    if unknown_database and table in _RECORD_TABLES:
        return "in a database not known, which may be keyturn's (its approvals and records)"
    return None


def _unknown_command_reason(text: str) -> str | None:
    """Why the text of a command keyturn does not understand changes keyturn's installation or
    stops its service, or ``None``."""
    try:
        words = shlex.split(text[:_MAX_TEXT])
    except ValueError:  # an unbalanced quote: the plain words
        words = text[:_MAX_TEXT].split()
    lowered = [w.lower() for w in words]
    for i, verb in enumerate(lowered):
        if verb in _PACKAGE_VERBS:
            package = next((w for w in words[i + 1 :] if _PACKAGE.fullmatch(w)), None)
            if package is not None:
                return (
                    f"{verb} of {package}: changes keyturn's own installed package; "
                    "an agent may not remove or replace its own guard"
                )
        if verb in _STOP_VERBS:
            named = next((w for w in words[max(i + 1, 1) :] if _WORD in w.lower()), None)
            if named is not None and i > 0:
                return f"{verb} of {named}: an agent may not switch off its own guard"
    return None


def run_time_path_reason(path: str, *, read: bool) -> str | None:
    """Why the (folded) ``path``, decided at run time, may be keyturn's own file, or ``None``:
    a change of one computed from something naming keyturn (``$(command -v keyturn)``,
    ``$KEYTURN_HOME``); a read of one under ``$KEYTURN_HOME`` (its secrets)."""
    if _RUN_TIME.search(path) is None or _WORD not in path:
        return None
    if read:
        home = "keyturn_home" in path and ("$keyturn_home" in path or "${keyturn_home" in path)
        return f"{path} is in keyturn's state directory ($KEYTURN_HOME)" if home else None
    return f"{path} is decided at run time from something naming keyturn"


def may_name_keyturn_variable(name: str) -> bool:
    """Whether the (folded) ``env:`` name is a glob or a run-time name that may stand for a
    ``KEYTURN_*`` variable (``env:*``, ``env:k*``, ``env:$v``)."""
    variable = name[4:]
    found = re.search(r"[*?\[$`]", variable)
    if found is None:
        return False
    head = variable[: found.start()]
    return "keyturn_".startswith(head) or head.startswith("keyturn_")
