"""HTTPie's (and xh's) options and request items, for the ``httpie`` handler of
:mod:`.http_clients`.

The options it takes with a value, the methods that may lead its operands, where it finds its
config, and its request items: ``a=b`` and ``a:=json`` body fields, ``H:v`` headers, ``q==v``
query values, and their ``@`` forms that read a file (named as reads of the request).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import Arg, Parsed, Spec, is_dynamic
from keyturn.understand.shell.commands._http_client_line import ClientLine, file_text, word_set
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# HTTPie's options (``http --help``, 3.2) and xh's (its completions, 0.24) that take a value;
# the others are flags. ``--no-OPTION`` resets any of them, taking no value.
_HTTPIE_VALUED = word_set(
    """auth auth-type boundary cert cert-key cert-key-pass ciphers default-scheme format-options
    history-print max-headers max-redirects output pretty print proxy raw response-charset
    response-mime session session-read-only ssl style timeout verify"""
)
_XH_VALUED = word_set("bearer http-version resolve interface unix-socket generate")
_HTTPIE_FLAGS = word_set(
    """all body check-status chunked compress continue debug download follow form headers help
    ignore-netrc ignore-stdin json manual meta multipart no-sorted no-unsorted offline
    path-as-is quiet sorted stream traceback unsorted verbose version"""
)
_XH_FLAGS = word_set("native-tls https ipv4 ipv6 curl curl-long")
HTTPIE_LONG = _HTTPIE_VALUED | _XH_VALUED | _HTTPIE_FLAGS | _XH_FLAGS
_HTTPIE_SHORT_FLAGS = frozenset("jfxhmbvSdcqFI46V")
HTTPIE = Spec(
    short="aAopPs",
    long={
        "auth": "a",
        "auth-type": "A",
        "output": "o",
        "print": "p",
        "history-print": "P",
        "style": "s",
        "download": "d",
        "form": "f",
    },
    long_valued=_HTTPIE_VALUED | _XH_VALUED,
)
# A leading word of letters only is the method when a URL follows (HTTPie and xh send any
# such word as it is: ``http PURGE URL``).
_METHOD_WORD = re.compile(r"[A-Za-z]+")


def is_method_word(word: str) -> bool:
    """Whether HTTPie and xh take ``word``, leading two or more operands, as the method."""
    return _METHOD_WORD.fullmatch(word) is not None


def httpie_unknown_options(args: Parsed) -> list[str]:
    """The options neither HTTPie nor xh has: what they take (the method word after them, or
    not) cannot be told."""
    strange = []
    for arg in args.options:
        key = arg.key
        if len(key) == 1:
            if key not in HTTPIE.short and key not in _HTTPIE_SHORT_FLAGS:
                strange.append(f"-{key}")
        elif key not in HTTPIE_LONG and not (key.startswith("no-") and key[3:] in HTTPIE_LONG):
            strange.append(f"--{key}")
    return strange


# Where HTTPie and xh find their config (``default_options`` may hold any option).
HTTPIE_CONFIG_VARIABLES = ("HTTPIE_CONFIG_DIR", "XH_CONFIG_DIR", "XDG_CONFIG_HOME", "HOME")


# HTTPie's request item separators; at the first position one occurs, the longest wins. Those
# ending in ``@`` take the value from a file: ``f=@F`` (text), ``f:=@F`` (JSON), ``H:@F``
# (a header), ``q==@F`` (a query value), ``f@F`` (a file upload).
_HTTPIE_SEPARATORS = (":=@", "==@", "=@", ":@", ":=", "==", "=", ":", "@")


def _httpie_item(text: str) -> tuple[str, str, str] | None:
    """``(key, separator, value)`` of one request item (a backslash escapes a separator)."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        for sep in _HTTPIE_SEPARATORS:
            if text.startswith(sep, i):
                return text[:i].replace("\\", ""), sep, text[i + len(sep) :]
        i += 1
    return None


def httpie_items(
    cmd: SimpleCommand, items: list[Arg], line: ClientLine, ctx: ShellContext
) -> tuple[str | None, list[tuple[str, str]], list[str] | None]:
    """HTTPie request items: ``a=b``/``a:=json`` body fields, ``H:v`` headers and ``q==v``
    query pieces (URL-encoded; ``None`` when one is not known); the ``@`` forms read files
    (named in ``line.reads``)."""
    fields: dict[str, object] = {}
    headers: list[tuple[str, str]] = []
    queries: list[str] | None = []
    for item in items:
        parsed = _httpie_item(item.value)
        if is_dynamic(cmd, item):
            line.body_unknown = True
        if parsed is None:
            continue
        key, sep, value = parsed
        if sep.endswith("@"):
            line.reads.append(value)
        if sep in ("==", "==@"):
            text = None if is_dynamic(cmd, item) else value
            if sep == "==@" and text is not None:
                text = file_text(value, cmd, ctx)
            if text is None or queries is None:
                queries = None
            else:
                queries.append(f"{quote(key, safe='')}={quote(text, safe='')}")
            continue
        if is_dynamic(cmd, item):
            continue
        if sep in (":", ":@"):
            headers.append((key, "" if sep == ":@" else value))
        elif sep == "@":
            line.body_unknown = True  # a file upload
        elif sep in ("=", "=@"):
            text = value if sep == "=" else file_text(value, cmd, ctx)
            if text is None:
                line.body_unknown = True
            fields[key] = text
        else:
            raw = value if sep == ":=" else file_text(value, cmd, ctx)
            try:
                fields[key] = json.loads(raw) if raw is not None else None
            except ValueError:
                raw = None
            line.body_unknown = line.body_unknown or raw is None
    return (json.dumps(fields) if fields else None), headers, queries


def offline(cmd: SimpleCommand) -> Effect:
    return Effect(
        effect=EffectKind.READ,
        resource=Resource(names=("http:offline",), type="http"),
        service="http",
        operation="http:offline",
        detail="--offline builds the request without sending it",
    )
