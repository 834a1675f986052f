"""``mcp:`` mappings that tell keyturn a tool does less than it does (``keyturn policy lint``).

A mapping decides what a tool call is before any rule is read, and before the built-in meanings
of the servers keyturn knows: ``tools: {"*": {effect: read}}`` makes every call of that server
a read -- its ``delete_stack`` is allowed wherever reads are, and a ``write_file`` onto the
policy file passes self-protection, which stops writes, not reads. Mappings are tried in file
order and the first match decides, so a broad one above a narrow one is an allow above a deny.
"""

from __future__ import annotations

import re

from keyturn.model import EffectKind, McpToolMapping
from keyturn.policy.engine import Policy
from keyturn.policy.lint_parts import Problem, Severity
from keyturn.policy.loader import child_path
from keyturn.policy.matching import GlobSet

__all__ = ["mcp_mapping_shadowed", "mcp_mapping_weakens"]

_LOOSE = frozenset({EffectKind.READ, EffectKind.CREATE, EffectKind.UPDATE})
# Words of tool names that delete or overwrite (``delete_stack``, ``dropTable``, ``rm``).
_DESTROYS = frozenset(
    [
        "delete",
        "del",
        "destroy",
        "drop",
        "remove",
        "rm",
        "rmdir",
        "terminate",
        "purge",
        "truncate",
        "wipe",
        "erase",
        "reset",
        "uninstall",
        "deregister",
        "unregister",
        "teardown",
        "recreate",
        "replace",
        "overwrite",
        "prune",
        "evict",
        "kill",
    ]
)
# Words of tools that change something: mapped as a read, the change is never judged.
_CHANGES = _DESTROYS | frozenset(
    [
        "write",
        "edit",
        "create",
        "put",
        "update",
        "set",
        "patch",
        "apply",
        "move",
        "mv",
        "rename",
        "exec",
        "execute",
        "run",
        "invoke",
        "call",
        "deploy",
        "scale",
        "restart",
        "start",
        "stop",
        "push",
        "commit",
        "merge",
        "insert",
        "upsert",
        "modify",
        "change",
        "add",
        "attach",
        "detach",
        "enable",
        "disable",
        "send",
        "post",
        "upload",
        "install",
        "migrate",
        "restore",
        "rotate",
        "revoke",
        "grant",
        "shell",
        "command",
        "cmd",
    ]
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_BREAKS = re.compile(r"[^A-Za-z0-9]+")


def _words(tool: str) -> set[str]:
    return {w.lower() for w in _BREAKS.split(_CAMEL.sub("_", tool)) if w}


def _a(effect: EffectKind) -> str:
    """``effect`` with its article: ``a read``, ``an update``."""
    return f"{'an' if effect.value[0] in 'aeiou' else 'a'} {effect.value}"


def _path(mapping: McpToolMapping) -> str:
    return child_path(child_path(child_path("mcp.servers", mapping.server), "tools"), mapping.tool)


def mcp_mapping_weakens(policy: Policy) -> list[Problem]:
    """Mappings (without SQL or shell text, which is judged for itself) that call every tool
    of a server a read, create or update, or a tool named for deleting anything but a delete,
    replace or unknown, or a tool named for changing something a read."""
    problems = []
    for mapping in policy.mcp_mappings:
        if mapping.sql_argument or mapping.shell_argument or mapping.effect not in _LOOSE:
            continue
        path, effect = _path(mapping), mapping.effect.value
        called = _a(mapping.effect)
        words = _words(mapping.tool)
        if GlobSet((mapping.tool,)).matches_everything:
            why = f"calls every tool of '{mapping.server}' {called}, its deletes included"
        elif words & _DESTROYS:
            why = f"calls a tool named for deleting {called}"
        elif mapping.effect is EffectKind.READ and words & _CHANGES:
            why = "calls a tool named for changing something a read"
        else:
            continue
        unseen = "a delete" if mapping.effect is not EffectKind.READ else "a delete or a write"
        problems.append(
            Problem(
                Severity.ERROR,
                policy.document.line(path),
                f"{path} {why}: the rules for {effect}s decide those calls, and protection and "
                f"self-protection never see {unseen} in them; map it to what it does, or leave "
                "it unmapped (unknown: held for review)",
            )
        )
    return problems


def mcp_mapping_shadowed(policy: Policy) -> list[Problem]:
    """Mappings that never apply, an earlier one matching every call they match: an error
    when theirs was the stricter meaning (a delete, replace or unknown under a read, create or
    update), a warning otherwise."""
    problems = []
    earlier: list[McpToolMapping] = []
    for mapping in policy.mcp_mappings:
        cover = next(
            (
                e
                for e in earlier
                if GlobSet((e.server,)).covers(mapping.server)
                and GlobSet((e.tool,)).covers(mapping.tool)
            ),
            None,
        )
        earlier.append(mapping)
        if cover is None:
            continue
        stricter = cover.effect in _LOOSE and mapping.effect not in _LOOSE
        path = _path(mapping)
        problems.append(
            Problem(
                Severity.ERROR if stricter else Severity.WARNING,
                policy.document.line(path),
                f"{path} never applies: {_path(cover)}, above it, matches every call it "
                f"matches (the first match decides)"
                + (
                    f", so those calls are {_a(cover.effect)}, not {_a(mapping.effect)}"
                    if stricter
                    else ""
                )
                + "; put the narrower mapping first",
            )
        )
    return problems
