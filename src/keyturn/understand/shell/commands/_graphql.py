"""The mutations a GraphQL document runs: top-level field names of each ``mutation`` operation,
with the literal (or variable-bound) id arguments they are given. Fragments count as the fields
they hold: ``mutation { ...F } fragment F on Mutation { volumeDelete(...) }`` runs
``volumeDelete``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The spec's lexical grammar (GraphQL §2.1): a block string may hold ``\"""`` (an escaped
# closing quote), and a comment runs to a LineTerminator -- LF, CR or CRLF -- so a bare CR ends
# it too. A BOM, white space and commas are ignored tokens (skipped by ``findall``).
_TOKEN = re.compile(
    r'"""(?:\\"""|[^"]|"(?!""))*"""|"(?:[^"\\]|\\.)*"|#[^\n\r]*'
    r"|\$?[A-Za-z_]\w*|-?\d[\w.]*|\.\.\.|[{}():@!=\[\],]"
)
_ID_ARG = re.compile(r"(?:^id$|Id$|_id$|^name$|Name$)")


def _tokens(document: str) -> list[str]:
    return [t for t in _TOKEN.findall(document) if not t.startswith("#") and t != ","]


def mutation_fields(
    document: str, variables: Mapping[str, Any]
) -> list[tuple[str, tuple[str, ...]]] | None:
    """``[(field, ids)]`` for every top-level field of every mutation, fragments spread in;
    ``None`` when the document is not understood (braces that do not balance, a spread of a
    fragment it does not define, fragments that spread each other)."""
    blocks = _top_level_blocks(_tokens(document))
    if blocks is None:
        return None
    fragments = {
        header[1]: body for header, body in blocks if header[:1] == ["fragment"] and header[1:]
    }
    out: list[tuple[str, tuple[str, ...]]] = []
    for header, body in blocks:
        # "mutation" anywhere before the selection set: also an operation named so.
        if "mutation" in header and header[:1] != ["fragment"]:
            fields = _fields(body, variables, fragments, frozenset())
            if fields is None:
                return None
            out += fields
    return out


def is_document(document: str) -> bool:
    """Whether ``document`` holds a definition at all (a selection set): ``DROP TABLE users``
    or a search text does not, and is no GraphQL a server would run as such."""
    return bool(_top_level_blocks(_tokens(document)))


def _top_level_blocks(toks: list[str]) -> list[tuple[list[str], list[str]]] | None:
    """Each definition of the document: the words before its selection set (``mutation
    Name``, ``fragment F on Mutation``; none for the ``{ ... }`` shorthand of a query) and the
    selection set's tokens. Parentheses (variable defaults may hold braces) are skipped."""
    blocks: list[tuple[list[str], list[str]]] = []
    header: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok in ("{", "("):
            end = _closing(toks, i, tok, "}" if tok == "{" else ")")
            if end < 0:
                return None
            if tok == "{":
                blocks.append((header, toks[i + 1 : end]))
                header = []
            i = end + 1
            continue
        header.append(tok)
        i += 1
    return blocks


def _closing(toks: list[str], i: int, open_: str, close: str) -> int:
    depth = 0
    for j in range(i, len(toks)):
        depth += (toks[j] == open_) - (toks[j] == close)
        if depth == 0:
            return j
    return -1


_MAX_NESTING = 32  # inline fragments inside inline fragments: deeper is not understood


def _fields(
    body: list[str],
    variables: Mapping[str, Any],
    fragments: Mapping[str, list[str]],
    spread: frozenset[str],
    depth: int = 0,
) -> list[tuple[str, tuple[str, ...]]] | None:
    """The top-level fields of a selection set: fragment spreads (``...F``) and inline
    fragments (``... on Mutation { x }``) stand for the fields they hold."""
    if depth > _MAX_NESTING:
        return None
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(body):
        tok = body[i]
        if tok == "...":
            found = _spread(body, i + 1, variables, fragments, spread, depth)
            if found is None:
                return None
            fields, i = found
            out += fields
            continue
        if tok == "@":  # a directive (``@include(if: $x)``): neither a field nor an id
            i += 2
            if i < len(body) and body[i] == "(":
                close = _closing(body, i, "(", ")")
                i = len(body) if close < 0 else close + 1
            continue
        if tok == "{" or tok == "(":
            close = _closing(body, i, tok, "}" if tok == "{" else ")")
            i = len(body) if close < 0 else close + 1
            continue
        if re.fullmatch(r"[A-Za-z_]\w*", tok):
            name = tok
            if i + 2 < len(body) and body[i + 1] == ":":  # alias: field
                name, i = body[i + 2], i + 2
            ids: tuple[str, ...] = ()
            if i + 1 < len(body) and body[i + 1] == "(":
                close = _closing(body, i + 1, "(", ")")
                ids = _ids(body[i + 2 : close if close >= 0 else len(body)], variables)
            out.append((name, ids))
        i += 1
    return out


def _spread(
    body: list[str],
    i: int,
    variables: Mapping[str, Any],
    fragments: Mapping[str, list[str]],
    spread: frozenset[str],
    depth: int,
) -> tuple[list[tuple[str, tuple[str, ...]]], int] | None:
    """The fields behind ``...`` at ``body[i - 1]`` and the index after it, or ``None``."""
    name = body[i] if i < len(body) else ""
    if name and name not in ("on", "{", "@"):  # ...Name: a named fragment
        if name not in fragments or name in spread:
            return None
        fields = _fields(fragments[name], variables, fragments, spread | {name}, depth + 1)
        return None if fields is None else (fields, i + 1)
    # An inline fragment: ``... [on Type] [@directive(...)] { fields }``.
    j = i
    while j < len(body) and body[j] != "{":
        if body[j] == "(":
            j = _closing(body, j, "(", ")")
            if j < 0:
                return None
        j += 1
    close = _closing(body, j, "{", "}") if j < len(body) else -1
    if close < 0:
        return None
    fields = _fields(body[j + 1 : close], variables, fragments, spread, depth + 1)
    return None if fields is None else (fields, close + 1)


def _ids(args: list[str], variables: Mapping[str, Any]) -> tuple[str, ...]:
    """Literal or variable-bound values of id-like arguments (also inside ``input: {...}``)."""
    out: list[str] = []
    for k in range(len(args) - 2):
        if args[k + 1] != ":" or not _ID_ARG.search(args[k]):
            continue
        value = args[k + 2]
        if value.startswith("$"):
            bound = variables.get(value[1:])
            if isinstance(bound, (str, int)):
                out.append(str(bound))
            elif isinstance(bound, Mapping):
                out += [str(v) for kk, v in bound.items() if _ID_ARG.search(kk)]
        elif value.startswith('"') and not value.startswith('"""'):
            out.append(value[1:-1])
    for value in variables.values() if any(a.startswith("$") for a in args) else ():
        if isinstance(value, Mapping):  # input objects passed whole: {input: $input}
            out += [str(v) for kk, v in value.items() if _ID_ARG.search(kk)]
    return tuple(dict.fromkeys(x for x in out if x))
