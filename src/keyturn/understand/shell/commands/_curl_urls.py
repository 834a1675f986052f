"""The URLs one curl call requests, as curl makes them, for the ``curl`` handler of
:mod:`.http_clients`.

- ``--next`` (``-:``) starts a new set of options: each group has its own URLs, method, body
  and headers (:func:`curl_groups`).
- URL globs: ``{a,b}`` is each alternative and ``[1-3]``/``[a-c]`` each member of the range,
  in every combination (``-g``/``--globoff`` turns them off): a glob not read, or making more
  than :data:`MAX_GLOBBED` URLs, leaves the URLs not known (:func:`expand_globs`).
- ``--url-query`` appends to each URL's query what ``--data-urlencode`` would encode (``+``:
  as is; ``name@file``: the file's content) (:func:`url_queries`).
- ``--request-target`` replaces the path and query the request line carries
  (:func:`with_request_target`): the server routes that, not the URL's own path.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from keyturn.understand.shell.commands._argv import Parsed, is_dynamic
from keyturn.understand.shell.commands._http_client_line import file_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# A URL glob: a set ``{a,b}`` or a range ``[1-3]``, ``[a-z:2]``.
# (An IPv6 address in brackets is no glob.)
_URL_GLOB = re.compile(r"\{([^{}]*)\}|\[(?![0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\])([^\[\]]*)\]")
_IPV6_HOST = re.compile(r"\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.%\w]*\]")
MAX_GLOBBED = 64
# The keys ``--next`` takes in the parsed options (``--next``, ``-:``).
_NEXT = ("next", ":")


def curl_groups(args: Parsed) -> list[Parsed]:
    """The option groups ``--next`` separates, in order: each with its own options and URLs."""
    cuts = [a.index for a in args.options if a.key in _NEXT]
    if not cuts:
        return [args]
    last = max(a.index for a in (*args.options, *args.operands))
    bounds = [-1, *cuts, last + 1]
    groups = []
    for start, end in itertools.pairwise(bounds):
        groups.append(
            Parsed(
                tuple(a for a in args.options if start < a.index < end and a.key not in _NEXT),
                tuple(a for a in args.operands if start < a.index < end),
            )
        )
    return groups


def glob_values(url: str) -> list[list[str]] | None:
    """Each combination of the values the URL's globs take, in order (``[[]]`` for a URL
    without one); ``None`` when a glob is not read, takes no value or makes too many."""
    choices: list[list[str]] = []
    for found in _URL_GLOB.finditer(url):
        listed, ranged = found.group(1), found.group(2)
        values = listed.split(",") if listed is not None else _range(ranged)
        if not values:
            return None
        choices.append(values)
    combos: list[list[str]] = [[]]
    for values in choices:
        combos = [[*c, v] for c in combos for v in values]
        if len(combos) > MAX_GLOBBED:
            return None
    return combos


def _range(text: str) -> list[str] | None:
    """``1-3``, ``01-10``, ``a-z`` with an optional ``:step``; ``None`` otherwise (an IPv6
    address in brackets is no glob: curl wants ``-g`` for it, and refuses otherwise)."""
    bounds, _, step_text = text.partition(":")
    first, dash, last = bounds.partition("-")
    step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else 1
    if not dash or (step_text and not step_text.isdigit()):
        return None
    if first.isdigit() and last.isdigit():
        width = len(first) if first.startswith("0") else 0
        numbers = range(int(first), int(last) + 1, step)
        return [str(n).zfill(width) for n in numbers[: MAX_GLOBBED + 1]]
    if len(first) == len(last) == 1 and first.isalpha() and last.isalpha():
        return [chr(c) for c in range(ord(first), ord(last) + 1, step)]
    return None


def globbed(url: str) -> list[str]:
    """The URLs curl makes of ``url``'s globs (``url`` itself when they are not read)."""
    return [_URL_GLOB.sub(_taking(combo), url) for combo in glob_values(url) or [[]]]


def _taking(combo: list[str]) -> Callable[[re.Match[str]], str]:
    """A substitution giving each glob, in order, its value in ``combo``."""
    values = iter(combo)
    return lambda _match: next(values, "")


def expand_globs(url: str) -> list[str] | None:
    """Every URL curl requests for ``url`` with globbing on; ``None`` when that cannot be told:
    a glob not read or too wide, an escaped or unbalanced brace or bracket (curl takes ``\\{``
    as a plain brace, and refuses a glob that does not close)."""
    if re.search(r"\\[{}\[\]]", url):
        return None
    combos = glob_values(url)
    if combos is None:
        return None
    made = [_URL_GLOB.sub(_taking(combo), url) for combo in combos]
    for text in made:
        left = _IPV6_HOST.sub("", text)
        if any(c in left for c in "{}[]"):
            return None
    return made


def url_queries(cmd: SimpleCommand, group: Parsed, ctx: ShellContext) -> list[str] | None:
    """The pieces ``--url-query`` appends to each URL's query, as curl encodes them; ``None``
    when one is not known (a word decided at run time, a file not at hand)."""
    pieces = []
    for arg in group.all("url-query"):
        if is_dynamic(cmd, arg):
            return None
        piece = _url_query(arg.value, cmd, ctx)
        if piece is None:
            return None
        if piece:
            pieces.append(piece)
    return pieces


def _url_query(value: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """One ``--url-query`` value as curl appends it: ``+text`` as is; else as
    ``--data-urlencode`` does: ``name=content`` (the first ``=`` decides), ``name@file``,
    ``@file`` or plain content, the content percent-encoded."""
    if value.startswith("+"):
        return value[1:]
    name, sep, content = value.partition("=")
    if not sep:
        name, sep, path = value.partition("@")
        if sep:
            text = file_text(path, cmd, ctx)
            if text is None:
                return None
            content = text
        else:
            name, content = "", value
    encoded = quote(content, safe="").replace("%20", "+")
    return f"{name}={encoded}" if name else encoded


def with_request_target(url: str, target: str) -> str | None:
    """``url`` as the server sees it when ``--request-target`` replaces its path and query
    (``*`` is the server itself); ``None`` for a target that is not a path."""
    if target == "*":
        target = "/"
    if not target.startswith("/"):
        return None
    parts = urlsplit(url if "://" in url else "http://" + url)
    return f"{parts.scheme}://{parts.netloc}{target}"
