"""Database URLs in messages: without their password. Apart from the PostgreSQL store so that
naming a URL does not import the PostgreSQL driver (a tenth of a second on every hook)."""

from __future__ import annotations

import re


def redact_url(url: str) -> str:
    """The URL with any password replaced, for messages and ``repr``."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
