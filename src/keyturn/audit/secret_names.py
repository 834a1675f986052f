"""Names that hold secrets, and the spans that say where a secret sits in a word.

The vocabulary the secret finders of :mod:`keyturn.audit.secrets` and
:mod:`keyturn.audit.secret_programs` share: :func:`secret_name` (``PGPASSWORD``,
``--client-secret``, ``MasterUserPassword`` hold secrets; ``--secret-id``, ``NextToken`` do
not), :class:`Span`, and how a value is cut out of a word.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

__all__ = ["QUOTES", "Span", "program", "secret_name", "value_after", "whole", "whole_from"]

QUOTES = "'\""


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` is a secret; ``why`` says which shape found it."""

    start: int
    end: int
    why: str


# -- names -------------------------------------------------------------------------------------

_NAME_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_SECRET_PARTS = frozenset(
    {
        *("password", "passwd", "pass", "pwd", "passphrase", "secret", "token", "apikey"),
        *("credential", "credentials", "auth", "authorization", "sas", "sig", "signature", "pat"),
        # A session cookie is a bearer credential; what KMS encrypts is what must stay secret.
        *("cookie", "plaintext"),
        # Credentials by another name: a bearer token, a JSON Web Token.
        *("bearer", "jwt"),
    }
)
# Two parts that together name a secret (``AWS_SECRET_ACCESS_KEY``, ``api-key``, ``sse-c-key``).
_SECRET_PAIRS = frozenset(
    {
        *(("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key")),
        *(("account", "key"), ("signing", "key"), ("encryption", "key"), ("c", "key")),
        ("customer", "key"),  # S3's SSECustomerKey
    }
)
# Names ending so are about a secret, not one (``--secret-id``, ``--token-file``,
# ``--password-stdin``, ``SecretArn``, ``--auth-mode``).
_NOT_SECRET_ENDS = frozenset(
    {
        *("id", "ids", "name", "names", "arn", "arns", "file", "files", "path", "stdin", "env"),
        *("ttl", "type", "types", "url", "uri", "endpoint", "length", "expiry", "expires"),
        *("expiration", "policy", "rotation", "prompt", "store", "provider", "version", "mode"),
        *("prefix", "enabled", "required", "count", "limit", "header", "method", "format"),
        *("jar", "domain"),  # --cookie-jar FILE, COOKIE_DOMAIN
    }
)
# Tokens that page or deduplicate calls, not ones that grant anything (``NextToken``).
_NOT_SECRET_STARTS = frozenset({"next", "starting", "continuation", "pagination", "client"})
_SECRET_SUFFIXES = ("password", "passwd", "token", "secret", "apikey")
_SHELL_OWN = frozenset({"pwd", "oldpwd"})


def secret_name(name: str) -> bool:
    """Whether a variable, option, query or JSON key called ``name`` holds a secret."""
    bare = name.strip("-_ ")
    if not bare or bare.lower() in _SHELL_OWN:
        return False
    parts = [p.lower() for chunk in re.split(r"[^A-Za-z0-9]+", bare) for p in _parts(chunk)]
    if not parts or parts[-1] in _NOT_SECRET_ENDS:
        return False
    if parts[0] in _NOT_SECRET_STARTS and parts[-1] == "token":
        return False
    if any(p in _SECRET_PARTS for p in parts) or any(
        pair in _SECRET_PAIRS for pair in itertools.pairwise(parts)
    ):
        return True
    return any(p.endswith(_SECRET_SUFFIXES) for p in parts)


def _parts(chunk: str) -> list[str]:
    """``MasterUserPassword`` -> Master, User, Password; ``PGPASSWORD`` stays whole."""
    return _NAME_PARTS.findall(chunk) or [chunk]


_VALUE_END = re.compile("&")
_VALUE_END_BLANK = re.compile(r"[&\s;|]")


def value_after(word: str, start: int, why: str, *, blank_ends: bool = False) -> Span:
    """The value from ``start`` to the end of the word or of its URL query parameter."""
    end = len(word)
    if start < end and word[start] in QUOTES:
        close = word.find(word[start], start + 1)
        return Span(start + 1, close if close != -1 else end, why)
    stop = _VALUE_END_BLANK if blank_ends else _VALUE_END
    found = stop.search(word, start)
    if found is not None:
        end = found.start()
    while end > start and word[end - 1] in QUOTES:
        end -= 1
    return Span(start, end, why)


def whole(word: str, why: str) -> Span | None:
    """The word without the quotes around it (``None`` when nothing is left)."""
    start, end = 0, len(word)
    while start < end and word[start] in QUOTES:
        start += 1
    while end > start and word[end - 1] in QUOTES:
        end -= 1
    return Span(start, end, why) if end > start else None


def whole_from(word: str, start: int, why: str) -> Span | None:
    span = whole(word[start:], why)
    return None if span is None else Span(start + span.start, start + span.end, why)


def program(word: str) -> str:
    return word.strip(QUOTES).rsplit("/", 1)[-1].lower()
