"""HTTPie's (and xh's) options and request items, for the ``httpie`` handler of
:mod:`.http_clients`.

The options it takes with a value, the methods that may lead its operands, where it finds its
config, and its request items: ``a=b`` and ``a:=json`` body fields, ``H:v`` headers, ``q==v``
query values, and their ``@`` forms that read a file (named as reads of the request).
"""

from __future__ import annotations

import json

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import Arg, Spec, is_dynamic
from keyturn.understand.shell.commands._http_client_line import ClientLine, file_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

HTTPIE = Spec(
    short="aAoh",
    long={"auth": "a", "auth-type": "A", "output": "o", "download": "d", "form": "f"},
    long_valued=frozenset({"session", "session-read-only", "verify", "cert", "cert-key", "proxy"})
    | {"pretty", "style", "print", "timeout", "max-redirects", "format-options", "unix-socket"},
)
HTTPIE_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
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
) -> tuple[str | None, list[tuple[str, str]]]:
    """HTTPie request items: ``a=b``/``a:=json`` body fields, ``H:v`` headers, ``q==v`` query;
    the ``@`` forms read files (named in ``line.reads``)."""
    fields: dict[str, object] = {}
    headers: list[tuple[str, str]] = []
    for item in items:
        parsed = _httpie_item(item.value)
        if is_dynamic(cmd, item):
            line.body_unknown = True
        if parsed is None:
            continue
        key, sep, value = parsed
        if sep.endswith("@"):
            line.reads.append(value)
        if is_dynamic(cmd, item) or sep in ("==", "==@"):
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
    return (json.dumps(fields) if fields else None), headers


def offline(cmd: SimpleCommand) -> Effect:
    return Effect(
        effect=EffectKind.READ,
        resource=Resource(names=("http:offline",), type="http"),
        service="http",
        operation="http:offline",
        detail="--offline builds the request without sending it",
    )
