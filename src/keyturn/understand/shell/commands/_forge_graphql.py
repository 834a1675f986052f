"""A GraphQL request sent by a forge's CLI (``gh api graphql``, ``glab api graphql``): its
document, from ``-f``/``-F query=``, ``-F query=@FILE`` (``@-``: the standard input) or
``--input FILE`` (a JSON body: one request or a batch), and what it does: none of its
operations a mutation reads, a mutation that deletes is unknown (what it deletes is named by
ids in the document, not resolved here), the others update. A document not at hand (a file not
read, a value decided at run time) is not known.
"""

from __future__ import annotations

import json
import re

from keyturn.model import EffectKind
from keyturn.understand.shell.commands._graphql import mutation_fields
from keyturn.understand.shell.commands._paas_common import read_text
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

__all__ = ["graphql_document", "graphql_meaning"]

_E = EffectKind
# Archiving makes a repository read-only: disruptive, held like a delete.
_DELETES = re.compile(r"delete|destroy|remove|purge|wipe|erase|drop|archive", re.IGNORECASE)


def graphql_meaning(document: str | None) -> tuple[EffectKind, str]:
    """The kind of the request sending ``document`` (``None``: not known now), and why."""
    if document is None:
        return _E.UNKNOWN, "a GraphQL document not known now"
    fields = mutation_fields(document, {})
    if fields is None:
        return _E.UNKNOWN, "a GraphQL document not understood"
    if not fields:
        return _E.READ, "graphql query"
    if any(_DELETES.search(name) for name, _ in fields):
        return _E.UNKNOWN, "graphql mutation that deletes"
    return _E.UPDATE, "graphql mutation"


def graphql_document(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> str | None:
    """The GraphQL document the request sends, or ``None`` when it is not known now."""
    dynamic = [cmd.argv[i] for i in cmd.dynamic_words if 0 < i < len(cmd.argv) and cmd.argv[i]]
    texts: list[str] = []
    for key in ("f", "F"):
        for value in opts.values.get(key, ()):
            name, _, text = value.partition("=")
            if name != "query":
                continue
            if any(word in value for word in dynamic):
                return None
            if key == "F" and text.startswith("@"):
                read = _read(ctx, text[1:], cmd.stdin_text)
                if read is None:
                    return None
                text = read
            texts.append(text)
    body = opts.value("input")
    if body is not None:
        read = None if any(w in body for w in dynamic) else _read(ctx, body, cmd.stdin_text)
        query = _query_of(read) if read is not None else None
        if query is None:
            return None
        texts.append(query)
    return "\n".join(texts)


def _read(ctx: ShellContext, path: str, stdin: str | None) -> str | None:
    if path == "-":
        return stdin
    return read_text(ctx, file_path(path, ctx))


def _query_of(body: str) -> str | None:
    """The documents of a JSON request body (one request, or a batch of them); the whole text
    when it is not JSON; ``None`` for JSON of another shape."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body
    requests = data if isinstance(data, list) else [data]
    queries = [r.get("query") if isinstance(r, dict) else None for r in requests]
    if not queries or not all(isinstance(q, str) for q in queries):
        return None
    return "\n".join(q for q in queries if isinstance(q, str))
