"""How much a YAML document may stand for once its aliases are expanded, and how deep it nests.

An alias (``*a``) repeats the node its anchor (``&a``) marks, and an anchored node may hold
aliases itself: nine lines of nine aliases each (a "billion laughs") are a kilobyte that stands
for 387 million strings. PyYAML builds that cheaply -- an alias is the same Python object again
-- but whatever keyturn does with the document afterwards (a template's resources searched for
macros, a ``List``'s items read, a value written out as text) visits every copy, for hours.

So :func:`load` and :func:`load_all` measure each document between composing and building it:
every node counted with all that its aliases repeat, each node once (a node met again through
an alias reuses its count, so the measure costs what the text does). A document is refused,
with :class:`RefusedYaml` -- a ``yaml.YAMLError``, which every reader already takes for text it
cannot read -- when its aliases add more than :data:`MAX_ALIASED_NODES` nodes to those written,
when it nests deeper than :data:`~keyturn.json_limits.MAX_NESTING` (counted through aliases, as a
walk recurses), or when a node holds itself (``&a [*a]``: a walk of it never ends).

A document written out in full is never refused for its size (each reader bounds its text).
Real files use aliases sparingly -- shared defaults in a compose file, ``<<: *base`` -- adding
hundreds of nodes, a few thousand at most.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

import yaml

from keyturn.json_limits import MAX_NESTING

MAX_ALIASED_NODES = 100_000

__all__ = ["MAX_ALIASED_NODES", "RefusedYaml", "load", "load_all"]


class RefusedYaml(yaml.YAMLError):  # type: ignore[misc]
    """A document refused for what it stands for (not for its syntax): the reason is the
    message."""


def load(text: str, loader: Any = yaml.SafeLoader) -> Any:
    """``yaml.load(text, Loader=loader)`` (one document; ``None`` when there is none), refused
    as the module's docstring says."""
    reader = loader(text)
    try:
        node = reader.get_single_node()
        if node is None:
            return None
        _measure(node)
        return reader.construct_document(node)
    except RecursionError:
        raise RefusedYaml(_TOO_DEEP) from None
    finally:
        reader.dispose()


def load_all(text: str, loader: Any = yaml.SafeLoader) -> Iterator[Any]:
    """``yaml.load_all(text, Loader=loader)``: each document in turn, as it is asked for (a
    later one is not parsed before), each refused as the module's docstring says."""
    reader = loader(text)
    try:
        while reader.check_node():
            node = reader.get_node()
            _measure(node)
            yield reader.construct_document(node)
    except RecursionError:
        raise RefusedYaml(_TOO_DEEP) from None
    finally:
        reader.dispose()


_TOO_DEEP = f"the document nests more than {MAX_NESTING} deep; refused"
_flat = chain.from_iterable  # a mapping's (key, value) pairs as its nodes


def _measure(root: yaml.Node) -> None:
    """Refuse ``root`` when its aliases add too many nodes, it nests too deep, or a node holds
    itself: each collection looked at once, after its children, without recursion (the C
    parser composes a thousand levels, more than Python's stack takes)."""
    if isinstance(root, yaml.ScalarNode):
        return
    # id(collection) -> (the nodes it stands for, aliases expanded; how deep it nests), or
    # None while its children are measured: met again then, it holds itself.
    measured: dict[int, tuple[int, int] | None] = {}
    written = 0
    # (collection, None): to look into; (collection, its nodes): to sum, its children measured.
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
    while stack:
        node, children = stack.pop()
        if children is None:
            if id(node) in measured:
                if measured[id(node)] is None:
                    raise RefusedYaml(
                        "a node of the document holds itself (an alias in its anchor)"
                    )
                continue
            measured[id(node)] = None
            children = list(_flat(node.value)) if isinstance(node, yaml.MappingNode) else node.value
            stack.append((node, children))
            stack += [(child, None) for child in children if not isinstance(child, yaml.ScalarNode)]
            continue
        size = depth = scalars = 0
        for child in children:
            found = measured.get(id(child))  # None: a scalar (a collection is measured by now)
            if found is None:
                scalars += 1
            else:
                size += found[0]
                depth = max(depth, found[1])
        if depth >= MAX_NESTING:
            raise RefusedYaml(_TOO_DEEP)
        written += 1 + scalars
        measured[id(node)] = (1 + scalars + size, depth + 1)
    stood_for = measured[id(root)]
    if stood_for is not None and stood_for[0] - written > MAX_ALIASED_NODES:
        raise RefusedYaml(
            f"the document's aliases add more than {MAX_ALIASED_NODES} nodes; refused"
        )
