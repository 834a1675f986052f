"""PowerShell text spelled with the characters PowerShell reads as others, for
:mod:`._windows_syntax`.

PowerShell's tokenizer (``CharTraits.cs``: ``IsDash``, ``IsSingleQuote``, ``IsDoubleQuote``)
takes the en dash, em dash and horizontal bar (U+2013, U+2014, U+2015) for ``-``, the curly
single quotes (U+2018, U+2019, U+201A, U+201B) for ``'`` and the curly double quotes (U+201C,
U+201D, U+201E) for ``"``; and ``<# ... #>`` is a comment wherever a token may start
(about_Comments). So ``Remove–Item –Recurse “C:\\prod\\data”`` is ``Remove-Item -Recurse
"C:\\prod\\data"``, and ``-Name <# x #> prod-rg`` names ``prod-rg``. Read as written, such text
names nothing real and would pass; :func:`plain_text` gives it in plain characters, and the
text is judged both ways (the strictest reading counts: a comment keyturn drops wrongly can
only add a reading, never take one away).
"""

from __future__ import annotations

_DASHES = frozenset("\u2013\u2014\u2015")
_SINGLE = frozenset("\u2018\u2019\u201a\u201b")
_DOUBLE = frozenset("\u201c\u201d\u201e")
# After these (or at the start), a token starts: a block comment may open there.
_TOKEN_BEFORE = frozenset(" \t\r\n;|&({=,")


def plain_text(text: str) -> str:
    """``text`` with PowerShell's other dashes (outside quotes) and quotes in plain characters
    and its block comments taken out (each left as a blank)."""
    if not any(c in _DASHES or c in _SINGLE or c in _DOUBLE for c in text) and "<#" not in text:
        return text
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        char = _plain_quote(text[i])
        if quote == "'":
            quote = "" if char == "'" else quote
            out.append(char)
        elif char == "`" and i + 1 < len(text):
            out.append(char + _plain_quote(text[i + 1]))
            i += 1
        elif quote == '"':
            quote = "" if char == '"' else quote
            out.append(char)
        elif char in "'\"":
            quote = char
            out.append(char)
        elif text.startswith("<#", i) and (not out or out[-1][-1] in _TOKEN_BEFORE):
            end = text.find("#>", i + 2)
            i = len(text) if end < 0 else end + 2
            out.append(" ")
            continue
        else:
            out.append("-" if char in _DASHES else char)
        i += 1
    return "".join(out)


def _plain_quote(char: str) -> str:
    if char in _SINGLE:
        return "'"
    return '"' if char in _DOUBLE else char
