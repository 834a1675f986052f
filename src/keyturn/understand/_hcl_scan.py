"""HCL's native syntax scanned into the tokens that tell its structure, as
``hclsyntax/scan_tokens.rl`` scans it: white space and comments (``#``, ``//``, ``/* */``)
dropped, each quoted template or heredoc one string token (its ``${…}`` and ``%{…}``
interpolations skipped with the braces and strings they hold), for :mod:`._hcl_settings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["Token", "Unreadable", "tokens"]


class Unreadable(Exception):
    """The text does not scan or nest as HCL's native syntax."""


# One token of HCL's main scanning mode (``hclsyntax/scan_tokens.rl``), after the white space
# and line comments before it (skipped in the same match: most of a file's text). A heredoc
# opens with ``<<`` or ``<<-``, an identifier and the end of the line, nothing between.
_MAIN = re.compile(
    r"(?>(?:[ \t\r\f\v]+|(?:#|//)[^\n]*)*)"
    r"(?:(?P<end>\Z)"
    r"|(?P<nl>\n)"
    r"|(?P<block>/\*)"
    r"|(?P<heredoc><<-?(?P<marker>[^\W\d][\w-]*)\r?\n)"
    r'|(?P<quote>")'
    r"|(?P<ident>[^\W\d][\w-]*)"
    r"|(?P<op>==|!=|<=|>=|=>|&&|\|\||\.\.\.)"
    r"|(?P<eq>=)"
    r"|(?P<open>[{(\[])"
    r"|(?P<close>[})\]])"
    r"|(?P<other>.))"
)
# The literal run of a quoted template: anything but a quote, a backslash, a line break or the
# start of an interpolation (``$${`` and ``%%{`` are escapes for a literal ``${`` / ``%{``).
_STRING_RUN = re.compile(r'(?:[^"\\$%\n]|\\[^\n]|\$\$\{|%%\{|\$(?!\{)|%(?!\{))*')


# A token: its kind (ident, str, eq, op, open, close, nl, other) and text.
Token = tuple[str, str]


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` that tell its structure: comments and white space dropped, each
    quoted template or heredoc one ``str`` token (its literal text when it interpolates
    nothing, for block labels)."""
    pos, scan = 0, _MAIN.match
    while True:
        match = scan(text, pos)
        if match is None:  # not reached: ``other`` takes any character but a line break
            raise Unreadable("a character that does not scan")
        kind = match.lastgroup or "other"
        pos = match.end()
        if kind == "end":
            return
        if kind == "block":
            close = text.find("*/", pos)
            if close < 0:
                raise Unreadable("a /* comment is not closed")
            pos = close + 2
        elif kind == "heredoc":
            pos = _heredoc_end(text, pos, match.group("marker"))
            yield ("str", "")
            if text[pos - 1] == "\n":  # the marker's line break still ends the statement
                yield ("nl", "")
        elif kind == "quote":
            start = pos
            pos, literal = _string_end(text, pos)
            yield ("str", _unescaped(text[start : pos - 1]) if literal else "")
        else:
            yield (kind, match.group(kind))


# What Go's ``bytes.TrimSpace`` trims (``unicode.IsSpace``): HCL trims a heredoc's line with
# it before comparing it with the marker. Not Python's ``strip()``, which also takes
# ``\x1c``-``\x1f``: a line ``\x1cEOF`` would end the heredoc here and not in Terraform.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_GO_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _heredoc_end(text: str, pos: int, marker: str) -> int:
    """Where the heredoc whose body starts at ``pos`` (a line's start) ends: after the first
    line that holds its marker and nothing else but white space."""
    while True:
        at = text.find(marker, pos)
        if at < 0:
            raise Unreadable(f"the heredoc <<{marker} is not closed")
        start = text.rfind("\n", pos, at) + 1 or pos
        newline = text.find("\n", at)
        stop = len(text) if newline < 0 else newline + 1
        if text[start:stop].strip(_GO_SPACE) == marker:
            return stop
        pos = stop


def _string_end(text: str, pos: int) -> tuple[int, bool]:
    """Where the quoted template whose text starts at ``pos`` ends (after its closing quote),
    and whether it interpolates nothing. Its ``${…}`` and ``%{…}`` sequences are expressions
    that may hold braces and strings of their own; a line break or the end of the text before
    the closing quote is HCL's unterminated template."""
    literal = True
    braces: list[int] = []  # per open interpolation, the braces opened in it
    while True:
        if not braces:
            run = _STRING_RUN.match(text, pos)
            pos = run.end() if run is not None else pos
            if pos >= len(text) or text[pos] == "\n":
                raise Unreadable("a quoted string is not closed on its line")
            if text[pos] == '"':
                return pos + 1, literal
            literal = False
            braces.append(0)
            pos += 2  # ``${`` or ``%{``
            continue
        pos = _in_interpolation(text, pos, braces)


def _in_interpolation(text: str, pos: int, braces: list[int]) -> int:
    """One step through an interpolation's expression; pops ``braces`` when it closes."""
    match = _MAIN.match(text, pos)
    kind = match.lastgroup if match is not None else "end"
    if match is None or kind == "end":
        raise Unreadable("an interpolation is not closed")
    pos = match.end()
    if kind == "block":
        close = text.find("*/", pos)
        if close < 0:
            raise Unreadable("a /* comment is not closed")
        return close + 2
    if kind == "heredoc":
        return _heredoc_end(text, pos, match.group("marker"))
    if kind == "quote":
        return _string_end(text, pos)[0]
    if kind == "open" and match.group(kind) == "{":
        braces[-1] += 1
    elif kind == "close" and match.group(kind) == "}":
        if braces[-1] == 0:
            braces.pop()
        else:
            braces[-1] -= 1
    return pos


def _unescaped(raw: str) -> str:
    return raw.replace('\\"', '"').replace("\\\\", "\\")
