"""HTTP clients: ``curl``, ``wget``, ``http``/``https`` (HTTPie), ``xh``/``xhs``.

Each command line becomes one request per URL (method, URL, body) judged by
:mod:`._http_meaning`: Kubernetes and AWS API calls get the same names as ``kubectl`` and ``aws``
(the surface switch ``curl -X DELETE .../api/v1/namespaces/prod`` is a delete of
``k8s:namespace/prod``), GraphQL mutations are named, other URLs name themselves.

The method comes from ``-X``/``--request`` (``--method`` for wget, a leading word for HTTPie),
else is implied: POST by a body (``-d``, ``--data*``, ``-F``, ``--json``, HTTPie ``a=b`` items),
PUT by ``-T``, HEAD by ``-I``, GET otherwise (``-G`` moves the body into the query). A body given
as ``@file`` is read through ``ctx.files``. curl's URLs are taken as curl makes them
(:mod:`._curl_urls`): each ``--next`` group with its own options, URL globs expanded,
``--url-query`` appended, ``--request-target`` in place of the path; its default config file
(``~/.curlrc``) is read first when it is there (:mod:`._curl_config`). HTTPie's and xh's
``q==v`` items and ``--raw`` bodies are part of the request; a leading word of letters is
their method (``http PURGE URL``). An option the client does not have is unknown: whether it
takes the next word cannot be told. Files written (``-o``, ``-O``, wget's default) are
create/update effects of ``file:`` names. A mutating request whose URL or method is decided at
run time is unknown. Credentials (``-u``, ``Authorization`` headers, tokens in URLs) never reach a
name or a detail. ``curl URL | sh`` is the structure side's business: ``curl`` itself reads.

Local files a request sends or uses are reads of their ``file:`` names besides what the request
does, so that the read guard holds for what leaves the machine: curl's ``-T F``, ``-d @F`` (and
``--data-binary``/``--json``), ``--data-urlencode n@F``, ``-F f=@F``/``f=<F``, ``-H @F``,
``--variable n@F``, ``-K F``, ``-b F`` and its TLS files; wget's ``--post-file``,
``--body-file``, ``-i``, ``--load-cookies``; HTTPie's ``@F``, ``f=@F``, ``f:=@F``, ``H:@F``,
``q==@F``. Options the client takes from elsewhere make the call unknown: a config file (``curl
-K``, ``wget --config``, or a ``.curlrc``/``.wgetrc``/HTTPie config moved by ``CURL_HOME``,
``WGETRC``, ``HOME``... for the call), wget ``-e`` commands other than a few harmless settings,
``--use-askpass`` (runs a program), curl's ``--expand-*`` (values from variables). A long option
may be abbreviated as curl 7 and wget (``getopt_long``) allow: ``--upl F`` is ``--upload-file``.

The handlers are here; each client's options are read in its own module
(:mod:`._curl_options`, :mod:`._wget_options`, :mod:`._httpie_options`), and what they share
(the line, its judging, redaction, file reads and writes) in :mod:`._http_client_line`.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import Arg, Parsed, is_dynamic, parse
from keyturn.understand.shell.commands._curl_config import default_configs, with_config
from keyturn.understand.shell.commands._curl_options import (
    CURL,
    CURL_ABBREVIABLE,
    CURL_BODY,
    CURL_KNOWN,
    curl_headers,
    curl_outputs,
    curl_reads,
    curl_unknowns,
    header_file,
    with_query,
)
from keyturn.understand.shell.commands._curl_urls import (
    curl_groups,
    expand_globs,
    url_queries,
    with_request_target,
)
from keyturn.understand.shell.commands._http_client_line import (
    ClientLine,
    body_text,
    config_variable,
    file_reads,
    file_write,
    judge,
    unabbreviated,
    unknown,
    with_command,
)
from keyturn.understand.shell.commands._httpie_options import (
    HTTPIE,
    HTTPIE_CONFIG_VARIABLES,
    HTTPIE_LONG,
    httpie_items,
    httpie_unknown_options,
    is_method_word,
    offline,
)
from keyturn.understand.shell.commands._wget_options import (
    WGET,
    WGET_FILE_OPTIONS,
    WGET_LONG,
    header,
    wget_saved,
    wget_unknowns,
)
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

__all__ = ["curl", "httpie", "wget", "with_command"]


@command("curl")
def curl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``curl [-X METHOD] [-d BODY] [-o FILE] URL... [--next ...]``, after the options of
    its default config file (``.curlrc``), when one is there."""
    configs = default_configs(cmd, ctx)
    if not configs:
        return with_command(_curl_call(cmd, ctx), cmd)
    effects: list[Effect] = []
    for config in configs:
        if config.words is None:
            why = f"curl reads options from {config.path}, which keyturn cannot follow"
            effects.append(unknown(why, ctx))
        else:
            # Each file curl may read is judged as the one it reads (only the first is).
            effects += _curl_call(with_config(cmd, config.words), ctx)
    return with_command(effects, cmd)


def _curl_call(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    cmd = unabbreviated(cmd, CURL_KNOWN, CURL_ABBREVIABLE)
    args = parse(cmd, CURL)
    effects = curl_unknowns(cmd, args, ctx)
    for group in curl_groups(args):
        effects += _curl_group(cmd, group, ctx)
    return effects


def _curl_group(cmd: SimpleCommand, args: Parsed, ctx: ShellContext) -> list[Effect]:
    """The requests of one ``--next`` group: its own method, body, headers and URLs."""
    line = ClientLine(headers=[h for h in curl_headers(args) if not h[0].startswith("@")])
    for arg in args.all("H"):
        if arg.value.startswith("@"):
            line.headers += header_file(cmd, arg, ctx)
    # -T uploads a file (``-`` or ``.``: stdin) as the body, as ``-d @FILE`` posts one.
    uploads = [
        Arg("d", "@-" if a.value in ("-", ".") else "@" + a.value, a.index) for a in args.all("T")
    ]
    sent = [*args.all(*CURL_BODY), *uploads]
    bodies = [b for a in sent if (b := body_text(cmd, a, ctx, line)) is not None]
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
    given = [*args.operands, *args.all("url")]
    line.urls = _curl_request_urls(cmd, args, given, line, ctx)
    line.reads = curl_reads(args)
    socket = args.last("unix-socket", "abstract-unix-socket")
    line.unix_socket = socket.value if socket is not None else ""
    line.effects += curl_outputs(cmd, args, given, ctx)
    return judge(cmd, line, ctx)


def _curl_request_urls(
    cmd: SimpleCommand, args: Parsed, given: list[Arg], line: ClientLine, ctx: ShellContext
) -> list[Arg]:
    """The URLs a group requests, as the server sees them: globs expanded, ``-G`` data and
    ``--url-query`` appended, ``--request-target`` in place of path and query. What cannot be
    told is an unknown effect in ``line``."""
    urls: list[Arg] = []
    globbing = not args.has("g")
    for url in given:
        made = None if globbing and not is_dynamic(cmd, url) else [url.value]
        if made is None and (made := expand_globs(url.value)) is None:
            line.effects.append(unknown("a URL glob curl expands not read", ctx, url.value))
            continue
        # The URL as written is judged too: what it names is never dropped for what the
        # expansion makes of it.
        urls += [Arg(url.key, u, url.index) for u in dict.fromkeys([url.value, *made])]
    if args.has("G") and line.body is not None:
        # -G sends the data as the URL's query (GraphQL over GET reads its operation there).
        urls = [with_query(u, line.body) for u in urls]
        line.body = None
    pieces = url_queries(cmd, args, ctx)
    if pieces is None:
        line.effects.append(unknown("a --url-query value not known", ctx))
    for piece in pieces or ():
        urls = [with_query(u, piece) for u in urls]
    target = args.last("request-target")
    if target is None:
        return urls
    placed = [
        (u, None if is_dynamic(cmd, target) else with_request_target(u.value, target.value))
        for u in urls
    ]
    for url, value in placed:
        if value is None:
            line.effects.append(unknown("a --request-target not read", ctx, url.value))
    return [Arg(u.key, v, u.index) for u, v in placed if v is not None]


@command("wget")
def wget(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``wget [--method M] [--post-data D] [-O FILE] URL...``; saves into the working directory."""
    args = parse(unabbreviated(cmd, WGET_LONG, WGET_LONG), WGET)
    line = ClientLine(headers=[header(h.value) for h in args.all("header")])
    bodies = []
    for arg in args.all("post-data", "body-data", "post-file", "body-file"):
        if arg.key.endswith("file"):
            arg = Arg(arg.key, "@" + arg.value, arg.index)
        if (text := body_text(cmd, arg, ctx, line)) is not None:
            bodies.append(text)
    line.body = "&".join(bodies) if bodies else None
    method = args.last("method")
    if method is not None:
        line.method = None if is_dynamic(cmd, method) else method.value.upper()
    else:
        line.method = "POST" if bodies or line.body_unknown else "GET"
    line.urls = list(args.operands)
    line.reads = [a.value for a in args.all(*WGET_FILE_OPTIONS)]
    line.reads += [a.value for a in args.all("i") if "://" not in a.value]
    if args.has("i"):
        line.effects.append(unknown("wget reads its URLs from a file", ctx))
    line.effects += [unknown(r, ctx) for r in wget_unknowns(cmd, args, ctx)]
    # What it fetches goes under the prefix (-P); -O, the logs and the cookie file are opened
    # from the working directory.
    prefix = args.last("P")
    saved_in = normalize_path(prefix.value, cwd=ctx.cwd) if prefix else ctx.cwd
    target = args.last("O")
    saved = [] if target is not None or args.has("spider") else wget_saved(args, line.urls)
    line.effects += [file_write(p, saved_in, ctx) for p in saved]
    outputs = [target.value] if target is not None else []
    outputs += [a.value for a in args.all("o", "a", "save-cookies", "rejected-log")]
    outputs += [a.value + ".warc.gz" for a in args.all("warc-file")]
    line.effects += [file_write(p, ctx.cwd, ctx) for p in outputs if p not in ("-", "/dev/null")]
    return with_command(judge(cmd, line, ctx), cmd)


@command("http", "https", "httpie", "xh", "xhs")
def httpie(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``http [METHOD] URL [ITEM...]`` (HTTPie and xh alike)."""
    if cmd.name in ("http", "https", "httpie"):
        # HTTPie's parser (argparse) takes any unambiguous prefix of a long option.
        cmd = unabbreviated(cmd, HTTPIE_LONG, HTTPIE_LONG)
    args = parse(cmd, HTTPIE)
    operands = list(args.operands)
    line = ClientLine()
    strange = httpie_unknown_options(args)
    if strange:
        reason = f"{cmd.name} option {strange[0][:40]} not known: what it takes cannot be told"
        line.effects.append(unknown(reason, ctx))
    method_arg = None
    if len(operands) > 1 and is_method_word(operands[0].value):
        method_arg = operands.pop(0)
        line.method = None if is_dynamic(cmd, method_arg) else method_arg.value.upper()
    if not operands:
        return with_command([*line.effects, unknown(f"{cmd.name} without a URL", ctx)], cmd)
    url_arg, items = operands[0], operands[1:]
    url = url_arg.value
    if url.startswith(":"):  # :8080/path is localhost
        url = "localhost" + url
    if "://" not in url:
        url = ("https://" if cmd.name in ("https", "xhs") else "http://") + url
    body, headers, queries = httpie_items(cmd, items, line, ctx)
    line.urls = [Arg("", url, url_arg.index)]
    if queries is None:
        line.effects.append(unknown(f"a {cmd.name} query item not known", ctx))
    for piece in queries or ():
        line.urls = [with_query(u, piece) for u in line.urls]
    line.headers = headers
    raw = args.last("raw")
    if raw is not None:
        # ``--raw TEXT`` is the whole body (``@file`` is read as its content).
        text = body_text(cmd, raw, ctx, line)
        body = text if body is None else f"{body}&{text}"
        if raw.value.startswith("@"):
            line.reads.append(raw.value[1:])
    line.body = body
    line.reads += [a.value for a in args.all("cert", "cert-key")]
    # A session given as a path (not a name kept in HTTPie's config) is a file it reads.
    line.reads += [a.value for a in args.all("session", "session-read-only") if "/" in a.value]
    if method_arg is None:
        sending = body is not None or line.body_unknown or cmd.stdin_text
        line.method = "POST" if sending else "GET"
    socket = args.last("unix-socket")
    line.unix_socket = socket.value if socket is not None else ""
    if args.has("offline", "curl", "curl-long"):
        # The request is built and printed, not sent: its files are read all the same.
        return with_command([*file_reads(line.reads, cmd, ctx), offline(cmd)], cmd)
    moved = config_variable(
        cmd, ctx, HTTPIE_CONFIG_VARIABLES, always=("HTTPIE_CONFIG_DIR", "XH_CONFIG_DIR")
    )
    if moved:
        line.effects.append(unknown(f"{cmd.name} reads its config where {moved} points", ctx))
    if args.has("o") or args.has("d"):
        out = args.last("o")
        name = out.value if out else posixpath.basename(urlsplit(url).path) or "index.html"
        line.effects.append(file_write(name, ctx.cwd, ctx))
    return with_command(judge(cmd, line, ctx), cmd)
