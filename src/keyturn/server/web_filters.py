"""The filters of the reviewers' pages' templates: how every value a page shows is written.

``_shown`` is the environment's ``finalize`` (escaped, hidden characters spelled out: see
:mod:`keyturn.server.web`); the others are the ``|age``, ``|when``, ``|join``, ``|css``,
``|brief``, ``|argv`` and ``|sh`` filters. Separate from the pages' handlers: these decide how
a value looks, and a review of what a page may show reads them in one place.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from keyturn.approval.display import shorten, visible_html


def _age(seconds: float) -> str:
    s = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{s // size}{unit}"
    return f"{s}s"


def _when(epoch: float | None) -> str:
    from datetime import UTC, datetime

    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _shown(value: Any) -> Any:
    """Every ``{{ ... }}`` output: what is already markup (built by the filters below from
    shown parts) as it is, anything else escaped with its hidden characters spelled out."""
    if isinstance(value, Markup):
        return value
    return visible_html("None" if value is None else value)


def _join(items: Any, separator: str = "") -> Markup:
    """Jinja's ``join``, each item shown as :func:`_shown` shows a value (the built-in one
    returns markup, which ``finalize`` would let through unchecked)."""
    return escape(separator).join(_shown(item) for item in items)


def _css(value: Any) -> str:
    """A value used in a class name (``env-production``): letters, digits, ``-`` and ``_``
    only, so that no value can borrow another value's look (``production verdict-allow``)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in str(value))


def _brief(value: Any, limit: int = 200) -> str:
    """A long text for a list, cut in the middle saying how much was cut (the page of the
    request shows it whole)."""
    return shorten("" if value is None else str(value), limit)


def _argv(argv: Any) -> str:
    """A parsed command as a shell would read it back: each argument quoted where needed, so
    that ``["rm", "-rf /tmp/x /"]`` and ``["rm", "-rf", "/tmp/x", "/"]`` look different."""
    import shlex

    return shlex.join(str(a) for a in argv or ())


def _quoted(value: Any) -> str:
    import shlex

    return shlex.quote(str(value))
