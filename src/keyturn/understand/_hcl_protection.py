"""Which resources a Terraform configuration file protects with ``prevent_destroy``, read as
Terraform reads the file -- not as text.

A resource is protected when its ``lifecycle`` block sets ``prevent_destroy`` to ``true``
(``resource "T" "N" { lifecycle { prevent_destroy = true } }``). A search of the raw text for
``prevent_destroy = true`` also finds it in a comment (``#``, ``//``, ``/* */``), a string or a
heredoc, where Terraform does not: commenting the line out would keep the protection in
keyturn's eyes while the next plan may destroy the resource. So the native syntax (``.tf``,
``.tofu``) is scanned the way HCL's scanner does it (comments, quoted templates with their
``${…}`` interpolations, heredocs), and the JSON syntax (``.tf.json``, ``.tofu.json``) is
parsed as JSON.

A change is judged on what it leaves (:func:`dropped_protection`), failing closed:

- a file whose new text cannot be read (an unterminated comment, string or heredoc, unbalanced
  braces, broken JSON) or is not known at all protects nothing;
- in the new text only a literal ``true`` protects; in the old text anything but a literal
  ``false`` counts (``prevent_destroy = !false``), and an old text that cannot be read is
  searched as text (what it may protect is never taken away).

A write can also take away what *another* file of the module protects
(:func:`dropped_elsewhere`): Terraform merges an override file (``override.tf``,
``*_override.tf`` and their JSON and OpenTofu forms) over the module's other files, and a
``prevent_destroy`` it sets replaces theirs (``internal/configs/module_merge.go``:
``if or.Managed.PreventDestroySet``); OpenTofu ignores ``X.tf`` (``X.tf.json``) when the
directory holds ``X.tofu`` (``X.tofu.json``: ``filterTfPathsWithTofuAlternatives``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from keyturn.understand import FileReader
from keyturn.understand._hcl_scan import Token, Unreadable, tokens

__all__ = [
    "TERRAFORM_READ_LIMIT",
    "TERRAFORM_SUFFIXES",
    "dropped_elsewhere",
    "dropped_protection",
    "is_terraform_file",
    "protected_addresses",
    "protection_detail",
]

# The files Terraform and OpenTofu load as configuration (OpenTofu's own suffixes too).
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
_ATTRIBUTE = "prevent_destroy"
# A Terraform file is read whole (up to the largest event a hook takes): a protected block
# past the usual 1 MB read limit must not drop out of sight.
TERRAFORM_READ_LIMIT = 16 << 20


def is_terraform_file(path: str) -> bool:
    """Whether ``path`` (a path or a ``file:`` name) is a Terraform configuration file. Without
    regard to case: on macOS's and Windows' file systems ``MAIN.TF`` is ``main.tf``."""
    return path.lower().endswith(TERRAFORM_SUFFIXES)


def _is_json(path: str) -> bool:
    return path.lower().endswith(".json")


def protected_addresses(text: str, *, json_syntax: bool = False) -> set[str] | None:
    """Addresses (``T.N``) whose ``resource`` block in ``text`` sets ``prevent_destroy = true``
    in its ``lifecycle`` block; ``""`` for a fragment that sets it outside any resource block
    (an edit's own text: which resource it belongs to is not told). ``None`` when the text
    cannot be read as Terraform reads it (a text that never names the attribute is not
    scanned: it protects nothing either way)."""
    found = _settings(text, json_syntax=json_syntax, fragment=False)
    if found is None:
        return None
    return {address for address, value in found if value == "true"}


def dropped_protection(
    path: str, before: str | None, after: str | None, *, fragments: bool = False
) -> set[str]:
    """The addresses whose protection goes when the file ``path`` holding ``before`` comes to
    hold ``after`` (``None``: rewritten in a way not known). ``fragments``: the texts are an
    edit's own old and new parts, not whole files. Empty for a file that is not Terraform's,
    or was not there (``before`` None)."""
    if before is None or not is_terraform_file(path):
        return set()
    json_syntax = _is_json(path)
    old = _settings(before, json_syntax=json_syntax, fragment=fragments)
    held = _held(before, old, json_syntax=json_syntax)
    if not held or after is None:
        return held
    new = _settings(after, json_syntax=json_syntax, fragment=fragments)
    if new is None:
        return held
    # A literal true keeps the protection; so does an expression left as it was (``!false``).
    unchanged = {(a, v) for a, v in old or () if v not in ("false", _UNCOMPARED)}
    return held - {a for a, v in new if v == "true" or (a, v) in unchanged}


def dropped_elsewhere(path: str, after: str | None, files: FileReader) -> set[str]:
    """The addresses protected in the module's other files whose protection goes when the file
    ``path`` comes to hold ``after`` (``None``: not known): an override file's resource blocks
    that set ``prevent_destroy`` to anything but a literal ``true`` (any of them, when its text
    is not known or cannot be read), and the text of the ``.tf`` file an OpenTofu file of the
    same name hides (module docstring)."""
    folder, _, name = path.rpartition("/")
    lower = name.lower()
    if not is_terraform_file(lower):
        return set()
    dropped: set[str] = set()
    for tofu, tf in ((".tofu.json", ".tf.json"), (".tofu", ".tf")):
        if lower.endswith(tofu):
            hidden = path[: -len(tofu)] + tf
            dropped |= dropped_protection(hidden, _read(files, hidden), after)
            break
    if not _is_override(lower):
        return dropped
    overriding = _set_otherwise(after, json_syntax=_is_json(lower))
    if overriding == set():
        return dropped
    for other in files.list_dir(folder or "/") or ():
        there = f"{folder}/{other}"
        if there == path or not is_terraform_file(other):
            continue
        held = dropped_protection(there, _read(files, there), None)
        dropped |= held if overriding is None else held & overriding
    return dropped


def _read(files: FileReader, path: str) -> str | None:
    return files.read_text(path, limit=TERRAFORM_READ_LIMIT)


def _is_override(name: str) -> bool:
    """Terraform's test (``parser_config_dir.go``): the name less its suffix is ``override``
    or ends with ``_override``."""
    for suffix in (".tofu.json", ".tf.json", ".tofu", ".tf"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            return base == "override" or base.endswith("_override")
    return False


def _set_otherwise(text: str | None, *, json_syntax: bool) -> set[str] | None:
    """The addresses whose ``prevent_destroy`` ``text`` sets to anything but a literal
    ``true``; ``None`` (any) when the text is not known or cannot be read."""
    found = None if text is None else _settings(text, json_syntax=json_syntax, fragment=False)
    if found is None:
        return None
    return {address for address, value in found if value != "true"}


def protection_detail(dropped: set[str], *, known: bool) -> str:
    """The words for an effect that switches the protection of ``dropped`` off."""
    what = ", ".join(sorted(a or "a resource" for a in dropped))
    if known:
        return f"removes prevent_destroy from {what}"
    return f"may remove prevent_destroy from {what} (what the file holds after is not known)"


def _held(text: str, found: list[Setting] | None, *, json_syntax: bool) -> set[str]:
    """What ``text`` (the old text, whose settings are ``found``) protects: anything but a
    literal ``false`` counts, and a text that cannot be read is searched as text."""
    if found is None:
        return _searched(text, json_syntax=json_syntax)
    return {address for address, value in found if value != "false"}


_RESOURCE_HEADER = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"', re.MULTILINE)
_SET_TRUE = re.compile(r"prevent_destroy\s*=\s*true")
_JSON_SET_TRUE = re.compile(r'"prevent_destroy"\s*:\s*true')


def _searched(text: str, *, json_syntax: bool) -> set[str]:
    """The addresses a text search finds protected (comments and all): for a text that does
    not parse, so that what it may protect is still counted."""
    if json_syntax:
        return {""} if _JSON_SET_TRUE.search(text) else set()
    found: set[str] = set()
    headers = list(_RESOURCE_HEADER.finditer(text))
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        if _SET_TRUE.search(text, header.end(), end):
            found.add(f"{header.group(1)}.{header.group(2)}")
    if not headers and _SET_TRUE.search(text):
        found.add("")
    return found


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
