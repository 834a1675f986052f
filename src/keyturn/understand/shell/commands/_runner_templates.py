"""What the just and task readings share (:mod:`._just_recipes`, :mod:`._taskfile_tasks`): the
``{{name}}``/``{{.NAME}}`` interpolation of a recipe's or task's text, and the bound on how
many recipes or tasks one run judges."""

from __future__ import annotations

import re

# At most this many recipes (just) or tasks (task) are judged per run: dependencies and calls
# past it are not followed.
MAX_RECIPES = 32


_TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TEMPLATE_NAME = re.compile(r"\s*\.?([A-Za-z_][\w-]*)\s*")


def interpolate(text: str, values: dict[str, str | None]) -> str | None:
    """``{{name}}`` (just) and ``{{.NAME}}`` (task) replaced by their values; ``None`` when an
    interpolation is an expression, or a value is not known."""
    unknown = False

    def value(m: re.Match[str]) -> str:
        nonlocal unknown
        named = _TEMPLATE_NAME.fullmatch(m.group(1))
        found = values.get(named.group(1)) if named is not None else None
        unknown = unknown or found is None
        return found or ""

    replaced = _TEMPLATE.sub(value, text.replace("{{{{", "\0"))
    return None if unknown else replaced.replace("\0", "{{")
