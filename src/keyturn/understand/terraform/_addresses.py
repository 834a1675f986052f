"""Resource addresses as the terraform and tofu command lines take them (``-target``,
``-replace``, ``taint``, ``state rm``...), read as terraform reads them.

terraform parses such an address as an HCL traversal (``hclsyntax.ParseTraversalAbs``), then
as an address (``addrs.ParseTarget``). The traversal skips blanks, newlines and comments
between its parts, takes an instance key as a number or a quoted string with escapes, and the
address may start with ``resource.`` (a managed resource's optional prefix). So
``' aws_db_instance . main'``, ``'aws_db_instance/**/.main'``, ``resource.aws_db_instance.main``
and ``'aws_db_instance.main[ "a" ]'`` all name what ``aws_db_instance.main`` (or
``aws_db_instance.main["a"]``) names -- confirmed with terraform 1.11 planning each spelling.

:func:`canonical_address` gives the one spelling terraform prints (``module.a["k"].aws_x.y[0]``,
``data.aws_x.y``), so a protected pattern written that way holds for every spelling; an address
it cannot read that way is ``None`` -- terraform refuses it, or reads it in a way not told here:
the caller holds such a command as not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# HCL identifiers: a letter or underscore, then letters, digits, underscores and dashes.
_IDENTIFIER = re.compile(r"[^\W\d][\w-]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_BLANKS = re.compile(r"[ \t\r\n]+")
# Resource modes a traversal may start with (``resource.`` is the managed mode, dropped).
_MODES = frozenset({"data", "ephemeral", "list"})
# Root names terraform refuses as a resource type (``addrs.parseResourceInstanceUnderModule``).
_RESERVED = frozenset(
    {"count", "each", "local", "module", "path", "self", "terraform", "var", "template"}
    | {"lazy", "arg"}
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_MAX_ADDRESS = 4096


@dataclass(frozen=True, slots=True)
class _Key:
    """An instance key: a whole number or a string."""

    value: int | str

    def text(self) -> str:
        if isinstance(self.value, int):
            return f"[{self.value}]"
        return f"[{quoted(self.value)}]"


_Step = str | _Key  # an attribute (or the root name), or an instance key


def canonical_address(text: str) -> str | None:
    """``text`` as terraform prints the address it reads from it, or None when terraform would
    not read it as a module, resource or resource instance address."""
    if len(text) > _MAX_ADDRESS:
        return None
    steps = _traversal(text)
    if not steps or not isinstance(steps[0], str):
        return None
    parts: list[str] = []
    while steps[:1] == ["module"]:
        if len(steps) < 2 or not isinstance(steps[1], str):
            return None
        part, steps = f"module.{steps[1]}", steps[2:]
        if steps and isinstance(steps[0], _Key):
            part, steps = part + steps[0].text(), steps[1:]
        parts.append(part)
    if not steps:
        return ".".join(parts) or None
    resource = _resource(steps)
    return None if resource is None else ".".join([*parts, resource])


def _resource(steps: list[_Step]) -> str | None:
    """``[mode.]TYPE.NAME[KEY]`` from the steps after the module path."""
    head = steps[0]
    mode = ""
    if head in _MODES:
        mode, steps = f"{head}.", steps[1:]
    elif head == "resource":
        steps = steps[1:]
    elif head in _RESERVED:
        return None
    if len(steps) < 2 or not all(isinstance(s, str) for s in steps[:2]):
        return None
    kind, name = steps[0], steps[1]
    if not mode and kind in _RESERVED | {"resource"} | _MODES:
        mode = "resource."  # a type named like a keyword keeps its prefix: no other reading
    rest = steps[2:]
    if len(rest) > 1 or (rest and not isinstance(rest[0], _Key)):
        return None
    key = rest[0].text() if rest and isinstance(rest[0], _Key) else ""
    return f"{mode}{kind}.{name}{key}"


def _traversal(text: str) -> list[_Step] | None:
    """The steps of an absolute HCL traversal: ``root(.attr | [key])*``; None when it is not
    one (a splat, a template, a trailing operator...)."""
    steps: list[_Step] = []
    at = _skip(text, 0)
    if at is None:
        return None
    found = _IDENTIFIER.match(text, at)
    if found is None:
        return None
    steps.append(found.group())
    at = _skip(text, found.end())
    while at is not None and at < len(text):
        if text[at] == ".":
            after = _skip(text, at + 1)
            found = None if after is None else _IDENTIFIER.match(text, after)
            if found is None:
                return None  # ``.*``, ``.0`` (no legacy index in an address), nothing
            steps.append(found.group())
            at = _skip(text, found.end())
        elif text[at] == "[":
            read = _index(text, at + 1)
            if read is None:
                return None
            key, at = read
            steps.append(key)
        else:
            return None
    return None if at is None else steps


def _index(text: str, at: int) -> tuple[_Key, int | None] | None:
    """The key of ``[key]`` (``at`` just after the ``[``) and where the text goes on."""
    start = _skip(text, at)
    if start is None or start >= len(text):
        return None
    if text[start] == '"':
        read = _string(text, start + 1)
        if read is None:
            return None
        value, end = read
        key = _Key(value)
    else:
        found = _NUMBER.match(text, start)
        if found is None:
            return None
        number = float(found.group()) if not found.group().isdigit() else int(found.group())
        if isinstance(number, float):
            if not number.is_integer():
                return None  # terraform: "value must be a whole number"
            number = int(number)
        key, end = _Key(number), found.end()
    close = _skip(text, end)
    if close is None or close >= len(text) or text[close] != "]":
        return None
    return key, _skip(text, close + 1)


def _string(text: str, at: int) -> tuple[str, int] | None:
    """A quoted string's value (``at`` just after the opening quote) and the index after its
    closing quote; None for a template (``${``, ``%{``) or a bad escape."""
    out: list[str] = []
    i = at
    while i < len(text):
        char = text[i]
        if char == '"':
            return "".join(out), i + 1
        if char == "\n":
            return None
        if char == "\\":
            read = _escape(text, i + 1)
            if read is None:
                return None
            value, i = read
            out.append(value)
            continue
        if text.startswith(("$${", "%%{"), i):
            out.append(text[i + 1 : i + 3])
            i += 3
            continue
        if text.startswith(("${", "%{"), i):
            return None  # an interpolation: terraform refuses it in an address
        out.append(char)
        i += 1
    return None


def _escape(text: str, at: int) -> tuple[str, int] | None:
    """The character a backslash escape stands for (``at`` just after the backslash)."""
    if at >= len(text):
        return None
    char = text[at]
    if char in _ESCAPES:
        return _ESCAPES[char], at + 1
    width = {"u": 4, "U": 8}.get(char)
    digits = text[at + 1 : at + 1 + width] if width else ""
    if not width or len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
        return None
    point = int(digits, 16)
    if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
        return None
    return chr(point), at + 1 + width


def _skip(text: str, at: int) -> int | None:
    """Where the next token starts after blanks, newlines and comments (``#``, ``//`` to the
    end of the line, ``/* … */``); None inside a comment that does not end."""
    while at < len(text):
        blanks = _BLANKS.match(text, at)
        if blanks is not None:
            at = blanks.end()
        elif text.startswith(("#", "//"), at):
            end = text.find("\n", at)
            at = len(text) if end < 0 else end + 1
        elif text.startswith("/*", at):
            end = text.find("*/", at + 2)
            if end < 0:
                return None
            at = end + 2
        else:
            break
    return at


def quoted(value: str) -> str:
    """A string instance key as terraform prints it: HCL's quoting (``"a"``, ``"a\\"b"``)."""
    out = ['"']
    i = 0
    while i < len(value):
        char = value[i]
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif value.startswith(("${", "%{"), i):
            out.append(char * 2 + "{")
            i += 2
            continue
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
        i += 1
    out.append('"')
    return "".join(out)
