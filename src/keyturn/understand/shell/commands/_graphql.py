"""The mutations a GraphQL document runs: top-level field names of each ``mutation`` operation,
with the literal (or variable-bound) id arguments they are given."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(
    r'"""(?:[^"]|"(?!""))*"""|"(?:[^"\\]|\\.)*"|#[^\n]*|\$?[A-Za-z_]\w*|-?\d[\w.]*|\.\.\.|[{}():@!=\[\],]'
)
_ID_ARG = re.compile(r"(?:^id$|Id$|_id$|^name$|Name$)")


def _tokens(document: str) -> list[str]:
    return [t for t in _TOKEN.findall(document) if not t.startswith("#") and t != ","]


def mutation_fields(
    document: str, variables: Mapping[str, Any]
) -> list[tuple[str, tuple[str, ...]]] | None:
    """``[(field, ids)]`` for every top-level field of every mutation; ``None`` when the
    document's braces do not balance (not understood)."""
    toks = _tokens(document)
    out: list[tuple[str, tuple[str, ...]]] = []
    i, depth = 0, 0
    while i < len(toks):
        tok = toks[i]
        if tok == "{":
            if depth == 0:
                is_mutation = _operation_type(toks, i) == "mutation"
                end = _closing(toks, i, "{", "}")
                if end < 0:
                    return None
                if is_mutation:
                    out += _fields(toks[i + 1 : end], variables)
                i = end + 1
                continue
            depth += 1
        i += 1
    return out


def _operation_type(toks: list[str], brace: int) -> str:
    """The keyword of the operation whose selection set opens at ``brace`` (``query`` when
    the shorthand ``{ ... }`` is used; ``fragment`` for fragment definitions)."""
    j = brace - 1
    while j >= 0 and toks[j] not in ("}", "mutation", "query", "subscription", "fragment"):
        j -= 1
    return toks[j] if j >= 0 and toks[j] != "}" else "query"


def _closing(toks: list[str], i: int, open_: str, close: str) -> int:
    depth = 0
    for j in range(i, len(toks)):
        depth += (toks[j] == open_) - (toks[j] == close)
        if depth == 0:
            return j
    return -1


def _fields(body: list[str], variables: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(body):
        tok = body[i]
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
