"""Each ``prevent_destroy`` a Terraform text sets, with the address it protects and its value:
read as Terraform reads the file, in the native syntax (scanned by :mod:`._hcl_scan`, blocks and
brackets followed) and in the JSON syntax (parsed).

Split out of :mod:`._hcl_protection` (whose docstring says why the text is read this way) so
that module holds what a change does to the protection and this one how a text is read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from keyturn.understand._hcl_scan import Token, Unreadable, tokens

_ATTRIBUTE = "prevent_destroy"
Setting = tuple[str, str]  # (address, "true" | "false" | "=<another expression>")


def _settings(text: str, *, json_syntax: bool, fragment: bool) -> list[Setting] | None:
    """Each ``prevent_destroy`` set in ``text``, with the address it protects and its value;
    None when the text cannot be read."""
    if json_syntax:
        return _json_settings(text)
    if _ATTRIBUTE not in text:
        # An identifier has no escapes: nothing is set. (Whether such a text reads at all does
        # not matter: unreadable, it protects nothing either.)
        return []
    try:
        return _native_settings(text, fragment=fragment)
    except Unreadable:
        return None


# -- the native syntax ---------------------------------------------------------------------


# The opener each closing bracket closes.
_PAIRS = {"}": "{", ")": "(", "]": "["}
# What of a statement is kept: a block's header (a type and a few labels) and the attribute's
# value up to a bound; the rest of a long expression is not stored (a 16 MB text stays cheap).
_HEADER_WORDS = 8
_VALUE_TOKENS = 256
_CUT: Token = ("other", "\0")  # where a long value was cut: it is compared with nothing
_UNCOMPARED = "=\0"


@dataclass(slots=True)
class _Frame:
    """An open block (``kind`` "body": its type and labels) or bracket of an expression, and
    the statement it is reading."""

    kind: str
    opener: str = "{"
    block: str = ""
    labels: tuple[str, ...] = ()
    parent: _Frame | None = None
    statement: list[Token] = field(default_factory=list)
    plain: bool = True  # identifiers and strings only, so far: maybe a block's header
    cut: bool = False  # the rest of the statement is not stored

    def add(self, token: Token) -> None:
        """``token`` added to the statement, as far as it may matter."""
        if self.cut:
            return
        statement = self.statement
        statement.append(token)
        self.plain = self.plain and token[0] in ("ident", "str")
        if self.plain and len(statement) <= _HEADER_WORDS:
            return
        if statement[0] == ("ident", _ATTRIBUTE) and not self.plain:
            if len(statement) > _VALUE_TOKENS:
                statement[_VALUE_TOKENS:] = [_CUT]
                self.cut = True
            return
        self.statement, self.cut = [_CUT], True

    def restart(self) -> list[Token]:
        """The statement read so far; a new one starts."""
        statement = self.statement
        self.statement, self.plain, self.cut = [], True, False
        return statement


def _native_settings(text: str, *, fragment: bool) -> list[Setting]:
    """Each ``prevent_destroy`` attribute of ``text`` whose place makes it count: directly in a
    ``lifecycle`` block directly in a top-level ``resource "T" "N"`` block; at the top level,
    or in a top-level ``lifecycle`` block, of a fragment (``""``). In a fragment (an edit's
    own text) unbalanced closing brackets are passed over; in a file they are unreadable."""
    root = _Frame("body", block="")
    stack = [root]
    found: list[Setting] = []
    for token in tokens(text):
        kind, top = token[0], stack[-1]
        body = top if top.kind == "body" else _body_of(stack)
        if kind == "open":
            if top is body and token[1] == "{" and _is_block_header(top.statement):
                head = top.restart()
                labels = tuple(t[1] for t in head[1:])
                stack.append(_Frame("body", block=head[0][1], labels=labels, parent=top))
            else:
                body.add(token)
                stack.append(_Frame("expr", opener=token[1]))
        elif kind == "close":
            _close(stack, token[1], found, fragment=fragment)
        elif kind != "nl":
            body.add(token)
        elif top is body:
            _finish(top, found)
    if len(stack) > 1 and not fragment:
        raise Unreadable("a block or bracket is not closed")
    _finish(_body_of(stack), found)
    return found


def _body_of(stack: list[_Frame]) -> _Frame:
    """The innermost block body of the stack (whose statement the tokens belong to)."""
    for frame in reversed(stack):
        if frame.kind == "body":
            return frame
    return stack[0]


def _is_block_header(statement: list[Token]) -> bool:
    """``TYPE LABEL…`` before a ``{``: an identifier and then strings or identifiers only."""
    if not statement or statement[0][0] != "ident" or _CUT in statement:
        return False
    return all(t[0] in ("str", "ident") for t in statement[1:])


def _close(stack: list[_Frame], closer: str, found: list[Setting], *, fragment: bool) -> None:
    """Close the innermost block or bracket with ``closer``."""
    top = stack[-1]
    if len(stack) == 1 or _PAIRS[closer] != top.opener:
        if not fragment:
            raise Unreadable(f"an unbalanced {closer!r}")
        if len(stack) == 1:  # a fragment cut inside a block: its statement ends there
            _finish(top, found)
        return
    if top.kind == "body":
        _finish(top, found)
    stack.pop()
    if top.kind == "expr":
        _body_of(stack).add(("close", closer))


def _finish(frame: _Frame, found: list[Setting]) -> None:
    """End the statement ``frame`` is reading; note it when it sets ``prevent_destroy``."""
    statement = frame.restart()
    if len(statement) < 3 or statement[0] != ("ident", _ATTRIBUTE) or statement[1][0] != "eq":
        return
    address = _address(frame)
    if address is not None:
        found.append((address, _value(statement[2:])))


def _address(frame: _Frame) -> str | None:
    """The address a ``prevent_destroy`` set in ``frame`` protects, None for a place where
    Terraform does not read it."""
    if frame.parent is None:
        return ""  # the top level: a fragment's
    if frame.block != "lifecycle" or frame.labels:
        return None
    holder = frame.parent
    if holder.parent is None:
        return ""  # a lifecycle block standing alone: a fragment's
    top_level = holder.parent.parent is None
    if holder.block == "resource" and len(holder.labels) == 2 and top_level:
        return ".".join(holder.labels)
    return None


def _value(tokens: list[Token]) -> str:
    """``true`` or ``false`` for a literal (in parentheses or not), else the expression's
    tokens after ``=`` (``=! false``): what it comes to is not told here."""
    if _CUT in tokens:
        return _UNCOMPARED
    while len(tokens) >= 3 and tokens[0] == ("open", "(") and tokens[-1] == ("close", ")"):
        tokens = tokens[1:-1]
    if len(tokens) == 1 and tokens[0] in (("ident", "true"), ("ident", "false")):
        return tokens[0][1]
    return "=" + " ".join(text or kind for kind, text in tokens)


# -- the JSON syntax -----------------------------------------------------------------------


class _Object(list[tuple[str, object]]):
    """A JSON object as its properties in order, repeated names kept (HCL's JSON syntax reads
    a repeated block-type property as more blocks)."""


def _json_settings(text: str) -> list[Setting] | None:
    try:
        document = json.loads(text, object_pairs_hook=_Object)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, _Object):
        return None
    found: list[Setting] = []
    for types in _values(document, "resource"):
        for type_name, names in _properties(types):
            for name, body in _properties(names):
                for lifecycle in _values(body, "lifecycle"):
                    for value in _values(lifecycle, _ATTRIBUTE):
                        found.append((f"{type_name}.{name}", _json_value(value)))
    return found


def _json_value(value: object) -> str:
    # Only the JSON literals: a string is a template ("true" converts, "${…}" may not).
    if isinstance(value, bool):
        return "true" if value else "false"
    return "=" + json.dumps(value, sort_keys=True)


def _objects(value: object) -> list[_Object]:
    """A block's body: an object, or each object of an array (HCL's JSON syntax allows both)."""
    if isinstance(value, _Object):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, _Object)]
    return []


def _properties(value: object) -> list[tuple[str, object]]:
    """The properties of each object ``value`` is (``//`` comments left out)."""
    return [(k, v) for obj in _objects(value) for k, v in obj if k != "//"]


def _values(value: object, key: str) -> list[object]:
    """Each value of property ``key`` in the objects ``value`` is; blocks under it flattened."""
    found: list[object] = []
    for k, v in _properties(value):
        if k == key:
            found.extend(_objects(v) if key != _ATTRIBUTE else [v])
    return found
