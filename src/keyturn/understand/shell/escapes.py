"""Backslash escapes as bash removes them: in unquoted text, inside double quotes, and the
body of a ``$'…'`` string (whose escapes ``printf`` and ``echo -e`` share)."""

from __future__ import annotations

import re


def unescape_unquoted(text: str) -> str:
    """Remove backslash escapes from unquoted text (``\\rm`` -> ``rm``)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def unescape_double_quoted(text: str) -> str:
    """Inside double quotes a backslash escapes only ``$ ` " \\`` and newline."""
    return re.sub(r'\\([$`"\\\n])', lambda m: "" if m.group(1) == "\n" else m.group(1), text)


_ANSI_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_ANSI_ESCAPE = re.compile(
    r"\\(?:([abeEfnrtv\\'\"?])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})"
    r"|U([0-9A-Fa-f]{1,8})|c(.))"
)


def decode_ansi_c(body: str) -> str:
    """Decode the body of a ``$'…'`` string (also used for ``printf``/``echo -e`` escapes)."""

    def one(m: re.Match[str]) -> str:
        simple, octal, hex2, u4, u8, ctrl = m.groups()
        if simple:
            return _ANSI_SIMPLE[simple]
        if octal:
            return chr(int(octal, 8) & 0xFF)
        if hex2 or u4 or u8:
            code = int(hex2 or u4 or u8, 16)
            return chr(code) if code <= 0x10FFFF else ""
        return chr(ord(ctrl) & 0x1F)

    return _ANSI_ESCAPE.sub(one, body)
