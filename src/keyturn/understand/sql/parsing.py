"""Small readers over a statement's tokens: names, keywords at the statement's own depth."""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.understand.sql.tokens import Token

Tokens = Sequence[Token]


def is_word(tokens: Tokens, i: int, *words: str) -> bool:
    """Whether token ``i`` exists and is one of ``words`` (any word when none given)."""
    if i >= len(tokens) or tokens[i].kind != "word":
        return False
    return not words or tokens[i].text in words


def is_punct(tokens: Tokens, i: int, text: str) -> bool:
    """Whether token ``i`` exists and is the punctuation ``text``."""
    return i < len(tokens) and tokens[i].kind == "punct" and tokens[i].text == text


def skip_words(tokens: Tokens, i: int, words: frozenset[str] | set[str]) -> int:
    """The index of the first token from ``i`` on that is not one of ``words``."""
    while is_word(tokens, i) and tokens[i].text in words:
        i += 1
    return i


def skip_if_exists(tokens: Tokens, i: int) -> int:
    """Skip ``IF [NOT] EXISTS``."""
    if is_word(tokens, i, "if"):
        i = skip_words(tokens, i + 1, {"not"})
        if is_word(tokens, i, "exists"):
            i += 1
    return i


def name_at(tokens: Tokens, i: int, *, strings: bool = False) -> tuple[list[str], int]:
    """The qualified name starting at ``i`` (``a.b."C"``) as parts, and the index after it.

    ``strings``: accept quoted strings as name parts (MySQL users: ``'bob'@'%'``)."""
    kinds = ("word", "ident", "string") if strings else ("word", "ident")
    parts: list[str] = []
    while i < len(tokens) and tokens[i].kind in kinds:
        parts.append(tokens[i].text)
        i += 1
        if strings and is_punct(tokens, i, "@"):
            i += 2  # 'bob'@'%': the host part does not name a different user
        if not (is_punct(tokens, i, ".") and i + 1 < len(tokens)):
            break
        if is_punct(tokens, i + 1, "*"):
            parts.append("*")
            i += 2
            break
        i += 1
    return parts, i


def names_list(tokens: Tokens, i: int, stop: frozenset[str]) -> tuple[list[list[str]], int]:
    """Comma-separated names from ``i`` until a word in ``stop`` at the same depth; skips each
    name's parenthesised arguments (``DROP FUNCTION f(int)``) and a trailing ``*``."""
    out: list[list[str]] = []
    base = tokens[i].depth if i < len(tokens) else 0
    while i < len(tokens) and not (is_word(tokens, i) and tokens[i].text in stop):
        parts, j = name_at(tokens, i, strings=True)
        if parts:
            out.append(parts)
            i = j
        else:
            i += 1
        while i < len(tokens) and not (
            tokens[i].depth == base
            and (is_punct(tokens, i, ",") or (is_word(tokens, i) and tokens[i].text in stop))
        ):
            i += 1
        i += 1 if is_punct(tokens, i, ",") else 0
    return out, i


def top_index(tokens: Tokens, word: str, start: int = 0) -> int:
    """Index of ``word`` at the statement's own depth from ``start`` on, or -1."""
    base = tokens[0].depth if tokens else 0
    for i in range(start, len(tokens)):
        t = tokens[i]
        if t.depth == base and t.kind == "word" and t.text == word:
            return i
    return -1


def closing(tokens: Tokens, i: int) -> int:
    """Index of the ``)`` closing the ``(`` at ``i`` (the end when unbalanced)."""
    depth = tokens[i].depth
    for j in range(i + 1, len(tokens)):
        if tokens[j].kind == "punct" and tokens[j].text == ")" and tokens[j].depth == depth:
            return j
    return len(tokens)


def _literal_true(part: Tokens) -> bool:
    while len(part) >= 2 and is_punct(part, 0, "(") and closing(part, 0) == len(part) - 1:
        part = part[1:-1]
    texts = [(t.kind, t.text) for t in part]
    if len(texts) == 1:
        kind, text = texts[0]
        return (kind == "word" and text == "true") or (kind == "number" and float(text) != 0)
    if len(texts) == 2 and texts[0] == ("word", "not"):
        return texts[1] in (("word", "false"), ("number", "0"))
    if len(texts) == 3 and texts[1][0] == "punct":
        (ka, a), (_, op), (kb, b) = texts
        if op in ("=", "<=", ">=") and (ka, a) == (kb, b):
            return True
        literals = ka in ("number", "string") and kb in ("number", "string")
        return op in ("<>", "!=") and literals and (ka, a) != (kb, b)
    return False


_WHERE_ENDS = frozenset({"returning", "order", "limit", "group", "having", "offset", "for"})


def where_always_true(tokens: Tokens, where: int) -> bool:
    """Whether the WHERE at ``where`` holds for every row (``1=1``, ``true``, ``x OR 1=1``)."""
    base = tokens[0].depth
    end = where + 1
    while end < len(tokens) and not (
        tokens[end].depth == base and is_word(tokens, end) and tokens[end].text in _WHERE_ENDS
    ):
        end += 1
    start = where + 1
    for k in range(where + 1, end + 1):
        at_or = k < end and tokens[k].depth == base and is_word(tokens, k, "or")
        if k == end or at_or:
            if start < k and _literal_true(tokens[start:k]):
                return True
            start = k + 1
    return False
