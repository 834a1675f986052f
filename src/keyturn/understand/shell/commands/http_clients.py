"""HTTP clients: ``curl``, ``wget``, ``http``/``https`` (HTTPie), ``xh``/``xhs``.

Each command line becomes one request per URL (method, URL, body) judged by
:mod:`._http_meaning`: Kubernetes and AWS API calls get the same names as ``kubectl`` and ``aws``
(the surface switch ``curl -X DELETE .../api/v1/namespaces/prod`` is a delete of
``k8s:namespace/prod``), GraphQL mutations are named, other URLs name themselves.

The method comes from ``-X``/``--request`` (``--method`` for wget, a leading word for HTTPie),
else is implied: POST by a body (``-d``, ``--data*``, ``-F``, ``--json``, HTTPie ``a=b`` items),
PUT by ``-T``, HEAD by ``-I``, GET otherwise (``-G`` moves the body into the query). A body given
as ``@file`` is read through ``ctx.files``. Files written (``-o``, ``-O``, wget's default) are
create/update effects of ``file:`` names. A mutating request whose URL or method is decided at
run time is unknown. Credentials (``-u``, ``Authorization`` headers, tokens in URLs) never reach a
name or a detail. ``curl URL | sh`` is the structure side's business: ``curl`` itself reads.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import (
    Arg,
    Parsed,
    Spec,
    is_dynamic,
    parse,
)
from keyturn.understand.shell.commands._argv import with_command as _with_command
from keyturn.understand.shell.commands._http_meaning import Request, request_effects, url_name
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.words import normalize_path

_CURL = Spec(
    short="XdFTHuAebxKoDcwmrCEUYyzQtP",
    long={
        "request": "X",
        "data": "d",
        "data-ascii": "d",
        "form": "F",
        "upload-file": "T",
        "header": "H",
        "user": "u",
        "user-agent": "A",
        "referer": "e",
        "cookie": "b",
        "proxy": "x",
        "config": "K",
        "output": "o",
        "dump-header": "D",
        "cookie-jar": "c",
        "write-out": "w",
        "max-time": "m",
        "range": "r",
        "continue-at": "C",
        "cert": "E",
        "proxy-user": "U",
        "quote": "Q",
        "head": "I",
        "get": "G",
        "remote-name": "O",
        "remote-name-all": "O",
    },
    long_valued=frozenset(
        {"data-raw", "data-binary", "data-urlencode", "json", "form-string", "url", "oauth2-bearer"}
        | {"output-dir", "connect-timeout", "retry", "cacert", "key", "resolve", "connect-to"}
        | {"trace", "trace-ascii", "limit-rate", "max-filesize", "interface", "variable", "stderr"}
        | {"aws-sigv4", "unix-socket", "request-target", "retry-delay", "retry-max-time"}
    ),
)
_SECRET_OPTIONS = frozenset(
    {"-u", "--user", "-U", "--proxy-user", "--oauth2-bearer", "-a", "--auth", "--password"}
    | {"--http-password", "--http-user", "-b", "--cookie"}
)
_SECRET_QUERY = re.compile(
    r"([?&][^=&#]*(?:token|key|secret|sig|signature|password|auth)[^=&#]*)=[^&#]*", re.I
)
_SECRET_HEADERS = ("authorization", "cookie", "proxy-authorization", "x-api-key", "api-key")


def _redact(word: str, previous: str) -> str:
    """One argv word with any credential in it replaced (options, headers, URL user info)."""
    name = word.partition("=")[0]
    if previous in _SECRET_OPTIONS:
        return "<redacted>"
    if name in _SECRET_OPTIONS and "=" in word:
        return f"{name}=<redacted>"
    lowered = word.lower()
    header = lowered.partition(":")[0].strip()
    if header in _SECRET_HEADERS or "token" in header or "secret" in header:
        return word.partition(":")[0] + ": <redacted>"
    if "://" in word and "@" in word.split("://", 1)[1].split("/", 1)[0]:
        scheme, rest = word.split("://", 1)
        word = f"{scheme}://<redacted>@{rest.split('@', 1)[1]}"
    if "://" in word and "?" in word:
        word = _SECRET_QUERY.sub(r"\1=<redacted>", word)
    return word


def with_command(effects: list[Effect], cmd: SimpleCommand) -> list[Effect]:
    """``effects`` with the command text filled in, credentials redacted."""
    words = [_redact(w, cmd.argv[i - 1] if i else "") for i, w in enumerate(cmd.argv)]
    if words == list(cmd.argv):
        return _with_command(effects, cmd)
    text = " ".join(words)
    return [e if e.command else replace(e, command=text) for e in effects]


_CURL_BODY = ("d", "data-raw", "data-binary", "data-urlencode", "json", "F", "form-string")


@dataclass(slots=True)
class _Line:
    """What a client command line asks, before it is judged."""

    method: str | None = None  # None: decided at run time
    urls: list[Arg] = field(default_factory=list)
    body: str | None = None
    body_unknown: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


def _body_text(cmd: SimpleCommand, arg: Arg, ctx: ShellContext, line: _Line) -> str | None:
    """The text of one body argument (``@file`` read; ``@-`` is stdin)."""
    if is_dynamic(cmd, arg):
        line.body_unknown = True
        return None
    value = arg.value
    if arg.key in ("F", "form-string") or not value.startswith("@"):
        return value
    if value == "@-":
        text = cmd.stdin_text
    else:
        text = ctx.files.read_text(normalize_path(value[1:], cwd=ctx.cwd))
    line.body_unknown = line.body_unknown or text is None
    return text


def _headers(args: Parsed) -> list[tuple[str, str]]:
    out = []
    for arg in args.all("H"):
        name, _, value = arg.value.partition(":")
        out.append((name.strip(), value.strip()))
    return out


@command("curl")
def curl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``curl [-X METHOD] [-d BODY] [-o FILE] URL...``."""
    args = parse(cmd, _CURL)
    line = _Line(headers=_headers(args))
    # -T uploads a file (``-`` or ``.``: stdin) as the body, as ``-d @FILE`` posts one.
    uploads = [
        Arg("d", "@-" if a.value in ("-", ".") else "@" + a.value, a.index) for a in args.all("T")
    ]
    sent = [*args.all(*_CURL_BODY), *uploads]
    bodies = [b for a in sent if (b := _body_text(cmd, a, ctx, line)) is not None]
    line.body = "&".join(bodies) if bodies else None
    has_body = bool(bodies) or line.body_unknown
    method = args.last("X")
    if method is not None:
        line.method = None if is_dynamic(cmd, method) else method.value.upper()
    elif args.has("I"):
        line.method = "HEAD"
    elif args.has("T"):
        line.method = "PUT"
    else:
        line.method = "POST" if has_body and not args.has("G") else "GET"
    line.urls = [*args.operands, *args.all("url")]
    if args.has("G") and line.body is not None:
        # -G sends the data as the URL's query (GraphQL over GET reads its operation there).
        line.urls = [_with_query(u, line.body) for u in line.urls]
        line.body = None
    if args.has("K") or args.has("Q"):
        reason = "options from a config file" if args.has("K") else "FTP commands (-Q)"
        line.effects.append(_unknown(f"curl with {reason}", ctx))
    line.effects += _curl_outputs(args, line.urls, ctx)
    return with_command(_judge(cmd, line, ctx), cmd)


def _with_query(url: Arg, query: str) -> Arg:
    base, _, fragment = url.value.partition("#")
    joined = base + ("&" if "?" in base else "?") + query
    return Arg(url.key, joined + (f"#{fragment}" if fragment else ""), url.index)


def _curl_outputs(args: Parsed, urls: list[Arg], ctx: ShellContext) -> list[Effect]:
    out_dir = args.last("output-dir")
    base = normalize_path(out_dir.value, cwd=ctx.cwd) if out_dir else ctx.cwd
    paths = [a.value for a in args.all("o", "D", "c", "trace", "trace-ascii", "stderr")]
    if args.has("O"):
        paths += [posixpath.basename(urlsplit(u.value).path) or "index.html" for u in urls]
    return [_file_write(p, base, ctx) for p in paths if p not in ("-", "/dev/null", "")]


def _file_write(path: str, cwd: str, ctx: ShellContext) -> Effect:
    absolute = normalize_path(path, cwd=cwd)
    kind = EffectKind.UPDATE if ctx.files.exists(absolute) else EffectKind.CREATE
    return Effect(
        effect=kind,
        resource=Resource(names=(f"file:{absolute}",), type="file"),
        target=ctx.target,
        service="file",
        operation="download",
    )


def _unknown(reason: str, ctx: ShellContext, url: str | None = None) -> Effect:
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=(url_name(url) if url else "http:unknown",), type="http"),
        target=ctx.target,
        service="http",
        operation="http",
        detail=reason,
    )


def _judge(cmd: SimpleCommand, line: _Line, ctx: ShellContext) -> list[Effect]:
    effects = list(line.effects)
    if not line.urls:
        return [*effects, _unknown(f"{cmd.name} without a URL", ctx)]
    for url in line.urls:
        reading = line.method in ("GET", "HEAD", "OPTIONS")
        if line.method is None:
            effects.append(_unknown("HTTP method decided at run time", ctx, url.value))
        elif is_dynamic(cmd, url) and not reading:
            effects.append(_unknown(f"{line.method} to a URL decided at run time", ctx))
        else:
            req = Request(
                method=line.method,
                url=url.value,
                body=line.body,
                body_unknown=line.body_unknown,
                headers=tuple(line.headers),
            )
            effects += request_effects(req, target=ctx.target)
    return effects


_WGET = Spec(
    short="OoPiUtTwaeAYBDIXQ",
    long={"output-document": "O", "output-file": "o", "directory-prefix": "P", "input-file": "i"},
    long_valued=frozenset(
        {"method", "post-data", "post-file", "body-data", "body-file", "header", "user"}
        | {"password", "http-user", "http-password", "user-agent", "append-output", "tries"}
        | {"timeout", "load-cookies", "save-cookies", "ca-certificate", "certificate"}
    ),
)


@command("wget")
def wget(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``wget [--method M] [--post-data D] [-O FILE] URL...``; saves into the working directory."""
    args = parse(cmd, _WGET)
    line = _Line(headers=[(h.value.partition(":")[0], "") for h in args.all("header")])
    bodies = []
    for arg in args.all("post-data", "body-data", "post-file", "body-file"):
        if arg.key.endswith("file"):
            arg = Arg(arg.key, "@" + arg.value, arg.index)
        if (text := _body_text(cmd, arg, ctx, line)) is not None:
            bodies.append(text)
    line.body = "&".join(bodies) if bodies else None
    method = args.last("method")
    if method is not None:
        line.method = None if is_dynamic(cmd, method) else method.value.upper()
    else:
        line.method = "POST" if bodies or line.body_unknown else "GET"
    line.urls = list(args.operands)
    if args.has("i"):
        line.effects.append(_unknown("wget reads its URLs from a file", ctx))
    prefix = args.last("P")
    cwd = normalize_path(prefix.value, cwd=ctx.cwd) if prefix else ctx.cwd
    target = args.last("O")
    if target is not None:
        outputs = [target.value]
    elif args.has("spider"):
        outputs = []
    else:
        outputs = [posixpath.basename(urlsplit(u.value).path) or "index.html" for u in line.urls]
    outputs += [a.value for a in args.all("o", "append-output", "save-cookies")]
    line.effects += [_file_write(p, cwd, ctx) for p in outputs if p not in ("-", "/dev/null")]
    return with_command(_judge(cmd, line, ctx), cmd)


_HTTPIE = Spec(
    short="aAoh",
    long={"auth": "a", "auth-type": "A", "output": "o", "download": "d", "form": "f"},
    long_valued=frozenset({"session", "session-read-only", "verify", "cert", "cert-key", "proxy"})
    | {"pretty", "style", "print", "timeout", "max-redirects", "format-options", "unix-socket"},
)
_HTTPIE_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


@command("http", "https", "httpie", "xh", "xhs")
def httpie(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``http [METHOD] URL [ITEM...]`` (HTTPie and xh alike)."""
    args = parse(cmd, _HTTPIE)
    operands = list(args.operands)
    line = _Line()
    method_arg = None
    if operands and operands[0].value.upper() in _HTTPIE_METHODS and len(operands) > 1:
        method_arg = operands.pop(0)
        line.method = None if is_dynamic(cmd, method_arg) else method_arg.value.upper()
    if not operands:
        return with_command([_unknown(f"{cmd.name} without a URL", ctx)], cmd)
    url_arg, items = operands[0], operands[1:]
    url = url_arg.value
    if url.startswith(":"):  # :8080/path is localhost
        url = "localhost" + url
    if "://" not in url:
        url = ("https://" if cmd.name in ("https", "xhs") else "http://") + url
    line.urls = [Arg("", url, url_arg.index)]
    body, headers = _httpie_items(cmd, items, line)
    line.headers = headers
    line.body = body
    if method_arg is None:
        line.method = "POST" if body or line.body_unknown or cmd.stdin_text else "GET"
    if args.has("offline"):
        return with_command([_offline(cmd)], cmd)
    if args.has("o") or args.has("d"):
        out = args.last("o")
        name = out.value if out else posixpath.basename(urlsplit(url).path) or "index.html"
        line.effects.append(_file_write(name, ctx.cwd, ctx))
    return with_command(_judge(cmd, line, ctx), cmd)


def _httpie_items(
    cmd: SimpleCommand, items: list[Arg], line: _Line
) -> tuple[str | None, list[tuple[str, str]]]:
    """HTTPie request items: ``a=b``/``a:=json`` body fields, ``H:v`` headers, ``q==v`` query."""
    import json

    fields: dict[str, object] = {}
    headers: list[tuple[str, str]] = []
    for item in items:
        text = item.value
        if is_dynamic(cmd, item):
            line.body_unknown = True
        elif ":=" in text:
            key, _, raw = text.partition(":=")
            try:
                fields[key] = json.loads(raw)
            except ValueError:
                line.body_unknown = True
        elif "==" in text:
            continue
        elif "=" in text and (":" not in text or text.index("=") < text.index(":")):
            key, _, value = text.partition("=")
            fields[key] = value
        elif "@" in text and ":" not in text:
            line.body_unknown = True  # a file upload
        elif ":" in text:
            headers.append((text.partition(":")[0], ""))
    return (json.dumps(fields) if fields else None), headers


def _offline(cmd: SimpleCommand) -> Effect:
    return Effect(
        effect=EffectKind.READ,
        resource=Resource(names=("http:offline",), type="http"),
        service="http",
        operation="http:offline",
        detail="--offline builds the request without sending it",
    )
