"""What the messaging handlers (:mod:`.messaging`) share: how a pattern that selects many
resources is named, and the call that names them by server.

A Kafka ``--topic`` is a regular expression (``--topic '.*'`` deletes every topic), a NATS
subject may hold ``*`` and ``>``: such a selection is named by a glob of what it may match
(``kafka:topic/orders?v1`` for ``orders.v1``, ``kafka:topic/*`` for anything harder), never
by its text taken as one resource's name, so that a protected resource it reaches is reached.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._kv_store import StoreCall, server_hosts
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import SimpleCommand

_LITERAL_TOPIC = re.compile(r"[A-Za-z0-9_-]+\Z")
# An escaped letter or digit is a class or a quote (``\w``, ``\d``, ``\Q...\E``), not itself.
_SIMPLE_REGEX = re.compile(r"(?:\\[^A-Za-z0-9]|\.\*|\.\+|\.|[A-Za-z0-9_-])+\Z")


def regex_globs(pattern: str) -> list[str]:
    """Globs covering what the Java regular expression ``pattern`` fully matches, most
    likely first: a plain name is itself; ``orders.v1`` is itself and ``orders?v1``;
    ``a|b`` is each; ``^``/``$`` anchors are dropped; anything harder (a class such as ``\\w``,
    a ``\\Q...\\E`` quote, brackets, groups) is ``*``."""
    if _LITERAL_TOPIC.match(pattern):
        return [pattern]
    out: list[str] = []
    for branch in _top_level_branches(pattern.removeprefix("^").removesuffix("$")):
        branch = branch.removeprefix("^").removesuffix("$")
        if not branch or not _SIMPLE_REGEX.match(branch):
            return ["*"]
        literal = branch.replace("\\.", ".")
        glob = re.sub(r"\\(.)|\.\*|\.\+|\.", _glob_piece, branch)
        if "\\" not in branch and "*" not in branch and "+" not in branch:
            out.append(literal)
        out.append(glob)
    return list(dict.fromkeys(out)) or ["*"]


def _glob_piece(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return "?" if m.group(1) in "*?" else m.group(1)
    return {".*": "*", ".+": "?*", ".": "?"}[m.group(0)]


def _top_level_branches(pattern: str) -> list[str]:
    """``pattern`` split at its ``|`` outside brackets and parentheses (``["*"]``-worthy
    patterns keep their brackets and fail the simple form later)."""
    branches, depth, current, escaped = [], 0, "", False
    for char in pattern:
        if escaped:
            current, escaped = current + char, False
            continue
        if char == "\\":
            current, escaped = current + char, True
            continue
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "|" and depth == 0:
            branches.append(current)
            current = ""
        else:
            current += char
    return [*branches, current]


def known_hosts(cmd: SimpleCommand, *addresses: str | None) -> tuple[str, ...]:
    """The hosts of server addresses (``a:9092,b:9092``, URLs) or plain names (a context),
    leaving out those decided at run time (``--server "$S"``): where it lands is then not
    told by a name, and the policy's ``unknown_environment`` decides."""
    argv = cmd.argv
    decided = [argv[i].lower() for i in cmd.dynamic_words if 0 < i < len(argv) and argv[i]]
    found: list[str] = []
    for address in addresses:
        if address and not any(word in address.lower() for word in decided):
            found += server_hosts(address) if ":" in address or "." in address else [address]
    return tuple(dict.fromkeys(found))


def subject_glob(subject: str) -> str:
    """A NATS subject with its wildcards as a glob: ``orders.*`` and ``orders.>`` ->
    ``orders.*``; ``>`` -> ``*``."""
    parts = subject.split(".")
    return ".".join("*" if p in ("*", ">") else p for p in parts)


def force_note(opts: Options) -> str:
    """The detail noting ``-f``/``--force``/``--yes``: done without asking."""
    return "-f: without asking" if opts.has("f", "force", "yes", "y") else ""


def joined(*details: str) -> str:
    return "; ".join(d for d in details if d)


def effects_on(
    call: StoreCall, kind: EffectKind, paths: Sequence[str], *details: str
) -> list[Effect]:
    """One effect of ``kind`` on ``paths`` (``<service>:<path>``, and by host)."""
    return [call.effect(kind, list(paths), joined(*details))]
