"""libpq connection strings, read as libpq reads them: which database and host they name.

``host=db dbname=app`` (spaces allowed around ``=``, values in single quotes with backslash
escapes), and URIs ``postgresql://user@host:5432/app?dbname=other`` (percent-decoded; a query
parameter wins over the path). Several hosts (``host=a,b``, ``postgresql://a,b:5433/app``, a
``hostaddr`` beside a ``host``) are kept as the one list ``a,b``: libpq may connect to any of
them. A ``service=NAME`` names its settings only through a service file: :class:`Conninfo`
keeps the name, and the caller reads the file or holds the database as not told. Text libpq
would refuse is not guessed at: :func:`parse_conninfo` gives ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

__all__ = ["Conninfo", "parse_conninfo", "parse_service_file", "recognized_conninfo"]

_URI_PREFIXES = ("postgresql://", "postgres://")


@dataclass(frozen=True, slots=True)
class Conninfo:
    """What a connection string names (``None``: it does not say)."""

    database: str | None = None
    host: str | None = None
    service: str | None = None


def recognized_conninfo(text: str) -> bool:
    """Whether libpq reads ``text``, given as a database name, as a connection string."""
    return text.startswith(_URI_PREFIXES) or "=" in text


def parse_conninfo(text: str) -> Conninfo | None:
    """The database, host and service a connection string names; ``None`` when libpq would
    refuse it (then what it connects to is not known)."""
    pairs = _uri_pairs(text) if text.startswith(_URI_PREFIXES) else _keyword_pairs(text)
    if pairs is None:
        return None
    found = dict(pairs)  # a later keyword wins, as in libpq
    return Conninfo(
        database=found.get("dbname") or None,
        host=_hosts(found),
        service=found.get("service") or None,
    )


def _hosts(found: dict[str, str]) -> str | None:
    """Every host the settings name: libpq connects to ``hostaddr`` when it is given (``host``
    then only checks the certificate and finds the password), so both are named."""
    named = [found.get("host") or "", found.get("hostaddr") or ""]
    return ",".join(dict.fromkeys(h for h in named if h)) or None


def _keyword_pairs(text: str) -> list[tuple[str, str]] | None:
    """``key = value`` pairs as libpq's ``conninfo_parse`` reads them."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return out
        start = i
        while i < n and text[i] != "=" and not text[i].isspace():
            i += 1
        key = text[start:i]
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != "=" or not key:
            return None
        i += 1
        while i < n and text[i].isspace():
            i += 1
        value, i, ok = _value(text, i)
        if not ok:
            return None
        out.append((key, value))


def _value(text: str, i: int) -> tuple[str, int, bool]:
    """A value from ``i``: quoted (``'a b'``, ``\\'`` inside) or up to whitespace; backslash
    takes the next character as it is in both. (text, index after, whether it is well formed)"""
    out: list[str] = []
    n = len(text)
    quoted = i < n and text[i] == "'"
    i += 1 if quoted else 0
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n:
                out.append(text[i + 1])
            i += 2
        elif quoted and ch == "'":
            return "".join(out), i + 1, True
        elif not quoted and ch.isspace():
            break
        else:
            out.append(ch)
            i += 1
    return "".join(out), i, not quoted


def _uri_pairs(text: str) -> list[tuple[str, str]] | None:
    """The settings of a ``postgresql://`` URI: host and database from the authority and the
    path, then the query's ``key=value`` pairs (which override them)."""
    rest = text.split("://", 1)[1].split("#", 1)[0]
    rest, _, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    out: list[tuple[str, str]] = []
    # libpq tries every host of ``host1:5432,host2/db`` in turn: each is named, as the keyword
    # form's ``host=host1,host2`` is.
    hosts = [_uri_host(part) for part in authority.rpartition("@")[2].split(",")]
    if any(hosts):
        out.append(("host", ",".join(h for h in hosts if h)))
    if slash and path:
        out.append(("dbname", unquote(path)))
    for pair in filter(None, query.split("&")):
        key, eq, value = pair.partition("=")
        if not eq:
            return None
        out.append((unquote(key), unquote(value)))
    return out


def _uri_host(part: str) -> str:
    """The host of one ``host:port`` (or ``[::1]:port``) of a URI's authority, decoded."""
    host = part[1:].partition("]")[0] if part.startswith("[") else part.partition(":")[0]
    return unquote(host)


def parse_service_file(text: str, service: str) -> Conninfo | None:
    """The settings of ``[service]`` in a ``pg_service.conf`` text; ``None`` when it has no
    such section."""
    found: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            if found is not None:  # libpq reads the first section of that name only
                break
            if line[1:].partition("]")[0] == service:
                found = {}
        elif found is not None:
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip()
    if found is None:
        return None
    return Conninfo(
        database=found.get("dbname") or None,
        host=_hosts(found),
        service=service,
    )
