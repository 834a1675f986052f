"""The values a cloud cmdlet's parameter word stands for, for :mod:`._powershell_cloud` and
:mod:`._powershell_aws`.

The words reach here with PowerShell's quotes already taken off (:mod:`._windows_words`), so
``-Name ("prod"+"-rg")`` arrives as ``(prod+-rg)`` and ``-Name "a","b"`` as ``a,b``. Read as a
literal name, either one names no resource at all, and a protected pattern on ``prod-rg`` is
never met: a delete named ``(prod+-rg)`` would pass as a delete of some other group. Here a
word is read the ways PowerShell may read it (about_Parsing, about_Arrays, about_Operators):

- ``a,b`` and ``@(a, b)`` are arrays: each item names a resource of its own (a cmdlet whose
  parameter takes one string is judged for each, the strictest reading);
- inside a group ``( ... )`` strings joined with ``+`` are one string (``(prod+-rg)`` is
  ``prod-rg``); outside one, argument mode keeps ``+`` as a character: both readings count;
- a cast (``[string]``) changes no text; a word that opens with ``{`` or ``[`` (a JSON
  document in quotes, a block passed as its text) is one value;
- anything else PowerShell computes (a variable, a subexpression, a method call, ``-f``) is
  decided at run time: ``None``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

# What PowerShell computes in a word: a variable, a nested group, a method call.
_COMPUTED = re.compile(r"[$()]|\.\w+\(")
# An operator inside a group other than ``+`` and ``,`` (``-f``, ``-replace``, ``-join``...).
_OPERATOR = re.compile(r"(?i)(?:^|\s)-[a-z]")
_CAST = re.compile(r"^\[[\w.`]+(?:\[\])?\]\s*")
# Beyond this many readings, a word is taken as decided at run time.
MAX_READINGS = 16


def value_items(raw: str) -> list[str] | None:
    """The names a parameter word stands for (at least one), or ``None`` when it is decided
    at run time."""
    text = raw.strip()
    while (cast := _CAST.match(text)) is not None:
        text = text[cast.end() :]
    grouped = False
    while text.startswith(("@(", "(")) and text.endswith(")") and _balanced(text):
        text = text[text.index("(") + 1 : -1].strip()
        grouped = True
    if _COMPUTED.search(text) or (grouped and _OPERATOR.search(text)):
        return None
    if not grouped and text.startswith(("{", "[")):
        return [text]  # a document (JSON) written in quotes, or a block passed as its text
    items: list[str] = []
    for item in (i.strip() for i in text.split(",")):
        if "+" not in item:
            items.append(item)
            continue
        joined = "".join(part.strip() for part in item.split("+"))
        items += [joined] if grouped else [item, joined]
    items = list(dict.fromkeys(i for i in items if i)) or [""]
    return items if len(items) <= MAX_READINGS else None


def _balanced(text: str) -> bool:
    """Whether the group that opens ``text`` closes at its end (``(a)`` but not ``(a)+(b)``)."""
    depth = 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and char == ")":
            return i == len(text) - 1
    return False


# One string literal of PowerShell text: single-quoted (``''`` a quote), or double-quoted
# without a variable or subexpression (``""`` a quote, a backtick escaping the next character).
_LITERAL = re.compile(r"""\s*(?:'((?:[^']|'')*)'|"((?:[^"`$]|""|`.)*)")\s*""")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def joined_strings(text: str) -> str | None:
    """The one string that PowerShell text made only of string literals joined with ``+`` is
    (``"Remove-" + 'Item -Recurse C:\\x'``: the text an ``Invoke-Expression`` of it runs), or
    ``None``."""
    out: list[str] = []
    at = 0
    while True:
        found = _LITERAL.match(text, at)
        if found is None:
            return None
        single, double = found.groups()
        if single is not None:
            out.append(single.replace("''", "'"))
        else:
            escaped = re.sub(r"`(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), double)
            out.append(escaped.replace('""', '"'))
        at = found.end()
        if at == len(text):
            return "".join(out)
        if text[at] != "+":
            return None
        at += 1


def joined_groups(groups: Sequence[str]) -> list[str]:
    """The texts of the groups that are constant: strings joined with ``+`` (``iex ("Remove-" +
    "Item -Recurse C:\\x")`` runs ``Remove-Item -Recurse C:\\x``), or base64 decoded by
    ``[Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('...'))`` (System.Text.
    Encoding and System.Convert references: ``Unicode`` is UTF-16LE, as ``-EncodedCommand``).
    The words of the group as split are read too, and the ``Invoke-Expression`` of a group
    stays ``unknown`` besides."""
    found = [j for g in groups if "+" in g and (j := joined_strings(g)) is not None]
    return found + [d for g in groups if (d := _decoded(g)) is not None]


_BASE64 = re.compile(
    r"(?i)^\s*\[(?:system\.)?text\.encoding\]::(unicode|utf8|ascii)\s*\.\s*getstring\(\s*"
    r"\[(?:system\.)?convert\]::frombase64string\(\s*(['\"])([a-z0-9+/=\s]+)\2\s*\)\s*\)\s*$"
)
_CODECS = {"unicode": "utf-16-le", "utf8": "utf-8", "ascii": "ascii"}


def _decoded(group: str) -> str | None:
    found = _BASE64.match(group)
    if found is None:
        return None
    try:
        raw = base64.b64decode("".join(found.group(3).split()), validate=True)
        return raw.decode(_CODECS[found.group(1).lower()])
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
