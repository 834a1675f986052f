"""YAML text -> plain values, with the line of every key, and none of YAML's traps.

PyYAML's composer gives nodes with positions; we walk them ourselves so that a duplicate key is
an error (PyYAML silently keeps the last one), aliases are bounded (a "billion laughs" file
cannot blow up memory), and every value can be traced back to its ``FILE:LINE`` for messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from keyturn.errors import PolicyError

MAX_POLICY_BYTES = 1 << 20
MAX_ALIASES = 16
MAX_NODES = 200_000
# Deeper nesting than any real policy needs; refused before composing (the composer and our
# walker recurse, so a hostile file of thousands of ``[`` would otherwise crash or crawl).
MAX_NESTING = 64
# libyaml's parser when PyYAML was built with it: the same events and nodes (with marks), and
# tags resolved by the same Python resolver, at a tenth of the pure-Python parser's cost, which
# every hook pays on every tool call.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Located:
    """Plain values (dict/list/str/int/float/bool/None) plus the line of each key path.

    ``lines`` maps a key path (``agents.kiro.ask[0].approvals``) to the 1-based line where the
    key (or list item) appears; the root path ``""`` is line 1.
    """

    value: Any
    lines: dict[str, int]
    source: str

    def line(self, path: str) -> int:
        """The line of ``path``, or of its nearest known parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = _parent(path)
        return self.lines.get("", 1)

    def error(self, path: str, problem: str) -> PolicyError:
        """A one-line ``FILE:LINE: path: problem`` error."""
        where = f"{path}: " if path else ""
        return PolicyError(f"{self.source}:{self.line(path)}: {where}{problem}")


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def child_path(parent: str, key: str | int) -> str:
    """The key path of ``key`` under ``parent`` (``a.b``, ``a[0]``)."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def load_yaml(text: str | bytes, *, source: str) -> Located:
    """Parse one YAML document into :class:`Located` values; any problem is a PolicyError."""
    if isinstance(text, bytes):
        if len(text) > MAX_POLICY_BYTES:
            raise PolicyError(f"{source}: file is larger than 1 MiB; refusing to load it")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"{source}: not UTF-8 text ({exc.reason})") from None
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise PolicyError(f"{source}: file is larger than 1 MiB; refusing to load it")
    try:
        node = _compose(text, source=source, loader=_LOADER)
    except PolicyError as fast_error:
        if _LOADER is yaml.SafeLoader:
            raise
        # libyaml words some problems differently ("found character that cannot start any
        # token" without naming the tab); refusals are rare, so the pure parser words them.
        _compose(text, source=source, loader=yaml.SafeLoader)
        raise fast_error from None  # the pure parser accepted it: still refuse
    lines: dict[str, int] = {"": 1}
    if node is None:
        return Located(value=None, lines=lines, source=source)
    walker = _Walker(source=source, lines=lines)
    return Located(value=walker.walk(node, ""), lines=lines, source=source)


def _compose(text: str, *, source: str, loader: Any) -> yaml.Node | None:
    """The document's root node, after the alias and nesting checks; PolicyError if invalid."""
    _check_aliases(text, source=source, loader=loader)
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise _invalid_yaml(exc, source=source, text=text) from None
    return node


def _invalid_yaml(exc: yaml.YAMLError, *, source: str, text: str) -> PolicyError:
    """The one-line error for YAML that does not parse, with its line when the parser knows it."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return PolicyError(f"{source}:{line}: invalid YAML: {problem}")
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.position, int):
        # A character YAML refuses (a NUL, a control character): the reader knows only its
        # offset, and the line is what the person fixing the file needs.
        line = text.count("\n", 0, exc.position) + 1
        return PolicyError(f"{source}:{line}: invalid YAML: {str(exc).splitlines()[0]}")
    return PolicyError(f"{source}: invalid YAML: {str(exc).splitlines()[0]}")


def _check_aliases(text: str, *, source: str, loader: Any) -> None:
    """Refuse documents that lean on aliases (how YAML bombs are built) or nest too deeply."""
    count = depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    line = event.start_mark.line + 1 if event.start_mark else 1
                    raise PolicyError(
                        f"{source}:{line}: nested more than {MAX_NESTING} levels deep; "
                        "refusing to load it"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                count += 1
                if count > MAX_ALIASES:
                    line = event.start_mark.line + 1 if event.start_mark else 1
                    raise PolicyError(
                        f"{source}:{line}: more than {MAX_ALIASES} YAML aliases; "
                        "refusing to expand them (write the values out)"
                    )
    except yaml.YAMLError as exc:
        raise _invalid_yaml(exc, source=source, text=text) from None


class _Walker:
    """Turns composed nodes into plain values, recording lines and refusing duplicates."""

    def __init__(self, *, source: str, lines: dict[str, int]) -> None:
        self._source = source
        self._lines = lines
        self._nodes = 0
        self._constructor = yaml.SafeLoader("")

    def walk(self, node: yaml.Node, path: str) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise PolicyError(f"{self._source}: document expands to too many values; refusing")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                item_path = child_path(path, index)
                self._lines.setdefault(item_path, item.start_mark.line + 1)
                items.append(self.walk(item, item_path))
            return items
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise PolicyError(
                    f"{self._source}:{line}: {path or 'top level'}: merge keys (<<) "
                    "are not supported"
                )
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                where = f"{path}: " if path else ""
                raise PolicyError(f"{self._source}:{line}: {where}key {key!r} must be a string")
            if key in result:
                where = f"{path}: " if path else ""
                raise PolicyError(f"{self._source}:{line}: {where}duplicate key '{key}'")
            key_path = child_path(path, key)
            self._lines.setdefault(key_path, line)
            result[key] = self.walk(value_node, key_path)
        return result

    def _scalar(self, node: yaml.Node, path: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            line = node.start_mark.line + 1
            raise PolicyError(f"{self._source}:{line}: {path or 'top level'}: expected a scalar")
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            line = node.start_mark.line + 1
            raise PolicyError(
                f"{self._source}:{line}: {path or 'top level'}: {str(exc).splitlines()[0]}"
            ) from None
