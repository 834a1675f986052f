"""How deeply nested a JSON input may be.

``json.loads`` reads nesting hundreds of levels deep, but what keyturn does with an input
afterwards -- normalising AWS parameters, redacting secrets, hashing the canonical form -- walks
it recursively, and Python's stack ends near a thousand frames. Nothing keyturn reads comes
close to the limit here (AWS parameters and policies are a dozen levels at most), so an input
beyond it is refused where it is read, with the error of bad input, instead of failing later.
"""

from __future__ import annotations

from typing import Any

MAX_NESTING = 200


def too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether ``value`` (parsed JSON) nests objects and arrays more than ``limit`` deep."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack += [(item, depth + 1) for item in node.values()]
        elif isinstance(node, list):
            stack += [(item, depth + 1) for item in node]
    return False
