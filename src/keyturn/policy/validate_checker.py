"""The typed accessors the policy's validation reads the YAML with (:class:`Checker`), and
:func:`suggest` for its "did you mean" hints.

Split from :mod:`.validate` to keep it small (it re-exports both): that module holds the
policy file's keys and builds the document; :mod:`.sections` reads its optional sections with
the same accessors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from keyturn.errors import PolicyError
from keyturn.policy.loader import Located, child_path
from keyturn.policy.matching import GlobSet
from keyturn.policy.windows_names import fold_pattern

__all__ = ["Checker", "suggest"]


E = TypeVar("E", bound=StrEnum)


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close choice exists, else ``""``."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close and word:
        # An abbreviation (``prod`` for ``production``) is as likely as a typo.
        close = [o for o in options if o.startswith(word)][:1]
    return f" (did you mean '{close[0]}'?)" if close else ""


class Checker:
    """Typed accessors over :class:`Located` that raise one-line PolicyErrors."""

    def __init__(self, doc: Located) -> None:
        self.doc = doc

    def fail(self, path: str, problem: str) -> PolicyError:
        """A one-line error at ``path``."""
        return self.doc.error(path, problem)

    def mapping(self, value: Any, path: str, allowed: Iterable[str] | None) -> dict[str, Any]:
        """``value`` as a mapping (``None`` is empty) whose keys are all in ``allowed``."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_type_name(value)}")
        if allowed is not None:
            allowed = tuple(allowed)
            for key in value:
                if key not in allowed:
                    raise self.unknown_key(path, key, allowed)
        return value

    def unknown_key(self, path: str, key: str, allowed: tuple[str, ...]) -> PolicyError:
        """The error for ``key`` under ``path``, on the key's own line, with a suggestion."""
        line = self.doc.line(child_path(path, key))
        where = f"{path}: " if path else ""
        return PolicyError(
            f"{self.doc.source}:{line}: {where}unknown key '{key}'{suggest(key, allowed)}"
        )

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"expected a non-empty string, got {_type_name(value)}")
        return value

    def strings(self, value: Any, path: str) -> tuple[str, ...]:
        """A string or a non-empty list of strings."""
        if isinstance(value, str):
            return (self.string(value, path),)
        if not isinstance(value, list) or not value:
            raise self.fail(
                path, f"expected a string or a list of strings, got {_type_name(value)}"
            )
        return tuple(self.string(item, child_path(path, i)) for i, item in enumerate(value))

    def globs(self, value: Any, path: str) -> GlobSet:
        return GlobSet(tuple(fold_pattern(p) for p in self.strings(value, path)))

    def integer(self, value: Any, path: str, *, low: int, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected an integer, got {_type_name(value)}")
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise self.fail(path, f"must be {bound}, got {value}")
        return value

    def choice(self, value: Any, path: str, enum: type[E]) -> E:
        names = [m.value for m in enum]
        if not isinstance(value, str):
            raise self.fail(path, f"expected one of {', '.join(names)}, got {_type_name(value)}")
        if value not in names:
            raise self.fail(
                path, f"'{value}' is not one of {', '.join(names)}{suggest(value, names)}"
            )
        return enum(value)

    def choices(self, value: Any, path: str, enum: type[E]) -> frozenset[E]:
        items = self.strings(value, path) if isinstance(value, (str, list)) else None
        if items is None:
            raise self.fail(
                path, f"expected a string or a list of strings, got {_type_name(value)}"
            )
        single = isinstance(value, str)
        return frozenset(
            self.choice(item, path if single else child_path(path, i), enum)
            for i, item in enumerate(items)
        )

    def reference(self, value: str, path: str, defined: Iterable[str], what: str) -> str:
        defined = tuple(defined)
        if value not in defined:
            raise self.fail(path, f"undefined {what} '{value}'{suggest(value, defined)}")
        return value


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
