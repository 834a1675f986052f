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
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
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
from keyturn.understand.shell.effects import home_path, local_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.words import normalize_path


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# curl's long options that take a value (``curl --help all``, 7.88, plus later additions).
_CURL_VALUED = _words(
    """abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config
    connect-timeout connect-to continue-at cookie cookie-jar create-file-mode crlfile curves data
    data-ascii data-binary data-raw data-urlencode delegation dns-interface dns-ipv4-addr
    dns-ipv6-addr dns-servers doh-url dump-header egd-file engine etag-compare etag-save
    expect100-timeout form form-string ftp-account ftp-alternative-to-user ftp-method ftp-port
    ftp-ssl-ccc-mode happy-eyeballs-timeout-ms header hostpubmd5 hostpubsha256 hsts interface
    json keepalive-time key key-type krb libcurl limit-rate local-port login-options mail-auth
    mail-from mail-rcpt max-filesize max-redirs max-time netrc-file noproxy oauth2-bearer output
    output-dir parallel-max pass pinnedpubkey proto proto-default proto-redir proxy proxy-cacert
    proxy-capath proxy-cert proxy-cert-type proxy-ciphers proxy-crlfile proxy-header proxy-key
    proxy-key-type proxy-pass proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers
    proxy-tlsauthtype proxy-tlspassword proxy-tlsuser proxy-user pubkey quote random-file range
    rate referer request request-target resolve retry retry-delay retry-max-time sasl-authzid
    service-name socks4 socks4a socks5 socks5-gssapi-service socks5-hostname speed-limit
    speed-time stderr telnet-option tftp-blksize time-cond tls-max tls13-ciphers tlsauthtype
    tlspassword tlsuser trace trace-ascii unix-socket upload-file url url-query user user-agent
    write-out"""
)
# curl's other long options: they take no value, and make an abbreviation ambiguous.
_CURL_FLAGS = _words(
    """anyauth append basic cert-status compressed compressed-ssh create-dirs crlf digest disable
    disable-eprt disable-epsv disallow-username-in-url doh-cert-status doh-insecure fail
    fail-early fail-with-body false-start form-escape ftp-create-dirs ftp-pasv ftp-pret
    ftp-skip-pasv-ip ftp-ssl-ccc ftp-ssl-control get globoff haproxy-protocol head help http0
    http1 http1.0 http1.1 http2 http2-prior-knowledge http3 http3-only ignore-content-length
    include insecure junk-session-cookies list-only location location-trusted
    mail-rcpt-allowfails manual metalink negotiate netrc netrc-optional next no-alpn no-buffer
    no-clobber no-keepalive no-npn no-progress-meter no-sessionid ntlm ntlm-wb parallel
    parallel-immediate path-as-is post301 post302 post303 preproxy progress-bar proxy-anyauth
    proxy-basic proxy-digest proxy-insecure proxy-negotiate proxy-ntlm proxy-ssl-allow-beast
    proxy-ssl-auto-client-cert proxy-tlsv1 proxy1.0 proxytunnel raw remote-header-name
    remote-name remote-name-all remote-time remove-on-error retry-all-errors retry-connrefused
    sasl-ir show-error silent socks5-basic socks5-gssapi socks5-gssapi-nec ssl ssl-allow-beast
    ssl-auto-client-cert ssl-no-revoke ssl-reqd ssl-revoke-best-effort styled-output
    suppress-connect-headers tcp-fastopen tcp-nodelay tftp-no-options tlsv1 tlsv1.0 tlsv1.1
    tlsv1.2 tlsv1.3 tr-encoding trace-time use-ascii verbose version xattr"""
)
# Options of curl 8 (which takes no abbreviation: these make none ambiguous).
_CURL8_VALUED = _words(
    """variable trace-config ip-tos vlan-priority ech ssl-sessions knownhosts sigalgs
    upload-flags proxy-ca-native"""
)
_CURL8_FLAGS = _words("ca-native proxy-http2 mptcp skip-existing follow out-null tls-earlydata")
# Options curl takes with variables expanded into their value (``--expand-data {{x}}``, 8.3+):
# the value is decided when curl runs.
_CURL_EXPANDED = frozenset(f"expand-{n}" for n in _CURL_VALUED | _CURL8_VALUED)
_CURL_ABBREVIABLE = _CURL_VALUED | _CURL_FLAGS
_CURL_KNOWN = _CURL_ABBREVIABLE | _CURL8_VALUED | _CURL8_FLAGS | _CURL_EXPANDED
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
        "globoff": "g",
        "disable": "q",
        "remote-name": "O",
        "remote-name-all": "O",
    },
    long_valued=_CURL_VALUED | _CURL8_VALUED | _CURL_EXPANDED,
)
_SECRET_OPTIONS = frozenset(
    {"-u", "--user", "-U", "--proxy-user", "--oauth2-bearer", "-a", "--auth", "--password"}
    | {"--http-password", "--http-user", "-b", "--cookie", "--pass", "--proxy-pass"}
    | {"--tlspassword", "--proxy-tlspassword"}
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
    # Only a word with a colon is a header; a path like ``/x/session-secret`` is not.
    if ":" in word and (header in _SECRET_HEADERS or "token" in header or "secret" in header):
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


def _unabbreviated(
    cmd: SimpleCommand, known: frozenset[str], abbreviable: frozenset[str]
) -> SimpleCommand:
    """``cmd`` with each abbreviated long option written out: curl 7 and wget (getopt_long)
    take any unambiguous prefix of a long name of ``abbreviable`` (``--upl F`` is
    ``--upload-file F``), which would otherwise read as an unknown, harmless option. A name
    ``known`` as it is, or an ambiguous prefix (the program refuses it), stays as written."""
    argv: list[str] | None = None
    for i, word in enumerate(cmd.argv):
        if word == "--":
            break
        if i == 0 or not word.startswith("--") or len(word) < 4:
            continue
        name, eq, value = word[2:].partition("=")
        if name in known:
            continue
        found = [n for n in abbreviable if n.startswith(name)]
        if len(found) == 1:
            argv = argv or list(cmd.argv)
            argv[i] = f"--{found[0]}{eq}{value}"
    return replace(cmd, argv=tuple(argv)) if argv else cmd


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
    # Local files the request sends or uses, as written (named as reads).
    reads: list[str] = field(default_factory=list)


def _body_text(cmd: SimpleCommand, arg: Arg, ctx: ShellContext, line: _Line) -> str | None:
    """The text of one body argument (``@file`` read; ``@-`` is stdin)."""
    if is_dynamic(cmd, arg):
        line.body_unknown = True
        return None
    value = arg.value
    if arg.key == "data-urlencode" and (path := _encoded_file(value)) is not None:
        # ``name@file``: the file's content (URL-encoded) as the value of ``name``.
        name = value[: len(value) - len(path) - 1]
        text = _file_text(path, cmd, ctx)
        line.body_unknown = line.body_unknown or text is None
        return None if text is None else (f"{name}={text}" if name else text)
    if arg.key in ("F", "form-string") or not value.startswith("@"):
        return value
    text = _file_text(value[1:], cmd, ctx)
    line.body_unknown = line.body_unknown or text is None
    return text


def _file_text(path: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """A file's text as the client reads it (``-`` is stdin); None when not at hand."""
    if path == "-":
        return None if cmd.stdin_dynamic else cmd.stdin_text
    return ctx.files.read_text(normalize_path(path, cwd=ctx.cwd))


def _encoded_file(value: str) -> str | None:
    """The file of a ``--data-urlencode``/``--url-query``/``--variable`` value: ``@file`` or
    ``name@file`` (the first ``@`` or ``=`` decides: ``name=a@b`` is content), else None."""
    found = re.search(r"[@=]", value)
    if found is None or found.group() != "@":
        return None
    return value[found.end() :]


def _headers(args: Parsed) -> list[tuple[str, str]]:
    out = []
    for arg in args.all("H"):
        name, _, value = arg.value.partition(":")
        out.append((name.strip(), value.strip()))
    return out


def _header_file(cmd: SimpleCommand, arg: Arg, ctx: ShellContext) -> list[tuple[str, str]]:
    """The headers of ``-H @file``, one a line, when the file is at hand."""
    text = None if is_dynamic(cmd, arg) else _file_text(arg.value[1:], cmd, ctx)
    pairs = (line.partition(":") for line in (text or "").splitlines())
    return [(name.strip(), value.strip()) for name, colon, value in pairs if colon]


@command("curl")
def curl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``curl [-X METHOD] [-d BODY] [-o FILE] URL...``."""
    args = parse(_unabbreviated(cmd, _CURL_KNOWN, _CURL_ABBREVIABLE), _CURL)
    line = _Line(headers=[h for h in _headers(args) if not h[0].startswith("@")])
    for arg in args.all("H"):
        if arg.value.startswith("@"):
            line.headers += _header_file(cmd, arg, ctx)
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
    line.reads = _curl_reads(args)
    line.effects += _curl_unknowns(cmd, args, ctx)
    line.effects += _curl_outputs(cmd, args, line.urls, ctx)
    return with_command(_judge(cmd, line, ctx), cmd)


# Options whose value is a file curl reads (certificates, keys, cookie and netrc files...).
_CURL_FILE_OPTIONS = (
    *("netrc-file", "cacert", "capath", "key", "proxy-cacert", "proxy-capath"),
    *("proxy-key", "crlfile", "proxy-crlfile", "pubkey", "egd-file"),
    *("random-file", "alt-svc", "hsts", "etag-compare", "ssl-sessions", "knownhosts", "K"),
)
# Options whose ``@file`` value is a file's content: the body, headers, the output format.
_CURL_AT_FILE_OPTIONS = ("d", "data-binary", "json", "H", "proxy-header", "w")


def _curl_reads(args: Parsed) -> list[str]:
    """The local files a curl call reads, to send or to use (as written)."""
    reads: list[str] = []
    for arg in args.all("T"):
        if arg.value not in ("-", "."):
            reads += [arg.value] if args.has("g") else _curl_glob(arg.value)
    for arg in args.all(*_CURL_AT_FILE_OPTIONS):
        if arg.value.startswith("@"):
            reads.append(arg.value[1:])
    for arg in args.all("data-urlencode", "url-query", "variable"):
        if not arg.value.startswith(("+", "%")) and (path := _encoded_file(arg.value)):
            reads.append(path)  # ``name[0-99]@file``: the byte range stands before the @
    for arg in args.all("F"):
        reads += _form_files(arg.value)
    for arg in args.all(*_CURL_FILE_OPTIONS):
        reads.append(arg.value)
    # ``--cert FILE:PASSWORD``: the file only -- a password must never reach a name.
    reads += [_cert_file(a.value) for a in args.all("E", "proxy-cert")]
    # ``-b name=value`` sends cookies; ``-b FILE`` reads a cookie file.
    reads += [a.value for a in args.all("b") if "=" not in a.value]
    return reads


def _cert_file(value: str) -> str:
    """The file of a ``--cert`` value, ``FILE[:PASSWORD]`` (``\\:`` is a colon of the name; a
    ``pkcs11:`` URI is no file and stays whole)."""
    if value.startswith("pkcs11:"):
        return value
    path, i = [], 0
    while i < len(value) and value[i] != ":":
        escaped = value[i] == "\\" and value[i + 1 : i + 2] in (":", "\\")
        path.append(value[i + 1] if escaped else value[i])
        i += 2 if escaped else 1
    return "".join(path)


_FORM_FILE = re.compile(r"""^[^=]*=([@<])("([^"\\]|\\.)*"|[^;]*)""")
_FORM_HEADERS = re.compile(r""";\s*headers=[@<]("([^"\\]|\\.)*"|[^;]*)""")


def _form_files(value: str) -> list[str]:
    """The files a ``-F`` part reads: ``name=@file`` (sent; several as ``@a,b``),
    ``name=<file`` (its content as the value), and ``;headers=@file``/``<file``."""
    found: list[str] = []
    part = _FORM_FILE.match(value)
    if part is not None:
        path = part.group(2)
        if path.startswith('"'):
            found.append(path[1:-1].replace('\\"', '"').replace("\\\\", "\\"))
        else:
            # ``@a,b`` sends both files (a comma may also be part of one name: both named).
            found += [path, *path.split(",")] if part.group(1) == "@" else [path]
    for headers in _FORM_HEADERS.finditer(value):
        found.append(headers.group(1).strip('"'))
    return found


_CURL_GLOB = re.compile(r"\{([^{}]*)\}")
_CURL_RANGE = re.compile(r"\[[^\[\]]*\]")
_GLOB_LIMIT = 64


def _curl_glob(path: str) -> list[str]:
    """The files an upload path names: curl expands ``{a,b}`` into each alternative and a
    ``[1-9]`` range into its members (named ``*`` here), unless ``-g``."""
    if "{" not in path and "[" not in path:
        return [path]
    paths = [_CURL_RANGE.sub("*", path)]
    while any(_CURL_GLOB.search(p) for p in paths) and len(paths) <= _GLOB_LIMIT:
        expanded = []
        for p in paths:
            group = _CURL_GLOB.search(p)
            if group is None:
                expanded.append(p)
                continue
            head, tail = p[: group.start()], p[group.end() :]
            expanded += [head + alt + tail for alt in group.group(1).split(",")]
        paths = expanded
    if len(paths) > _GLOB_LIMIT:
        return [_CURL_GLOB.sub("*", _CURL_RANGE.sub("*", path))]
    return paths


# Variables that move curl's default config file (``.curlrc``): set for the call, they make
# it read options from a file keyturn has not read.
_CURL_CONFIG_VARIABLES = ("CURL_HOME", "XDG_CONFIG_HOME", "HOME")


def _curl_unknowns(cmd: SimpleCommand, args: Parsed, ctx: ShellContext) -> list[Effect]:
    reasons = []
    for arg in args.all("K"):
        reasons.append(f"curl takes options from the config file {arg.value or '?'} (-K)")
    if args.has("Q"):
        reasons.append("curl with FTP commands (-Q)")
    expanded = sorted({a.key for a in args.options if a.key in _CURL_EXPANDED})
    if expanded:
        reasons.append(f"curl --{expanded[0]}: a value expanded from variables at run time")
    # ``-q`` first skips the default config; otherwise one moved for the call is unread.
    skips_default = cmd.argv[1:2] in (("-q",), ("--disable",))
    moved = _config_variable(cmd, ctx, _CURL_CONFIG_VARIABLES, always=("CURL_HOME",))
    if moved and not skips_default:
        reasons.append(f"curl reads its default config (.curlrc) where {moved} points")
    return [_unknown(r, ctx) for r in reasons]


def _config_variable(
    cmd: SimpleCommand, ctx: ShellContext, names: Iterable[str], *, always: Iterable[str]
) -> str | None:
    """The first of ``names`` set for this call (on its line), or, for those in ``always`` (a
    client's own variables), in the environment at all; ``HOME`` counts when it differs from
    the home directory keyturn knows."""
    for name in names:
        if name in cmd.assignments or (name in always and ctx.env.get(name)):
            return name
        moved_home = ctx.env.get("HOME", "").rstrip("/")
        if name == "HOME" and moved_home and moved_home != ctx.home.rstrip("/"):
            return name
    return None


def _with_query(url: Arg, query: str) -> Arg:
    base, _, fragment = url.value.partition("#")
    joined = base + ("&" if "?" in base else "?") + query
    return Arg(url.key, joined + (f"#{fragment}" if fragment else ""), url.index)


def _curl_outputs(
    cmd: SimpleCommand, args: Parsed, urls: list[Arg], ctx: ShellContext
) -> list[Effect]:
    out_dir = args.last("output-dir")
    base = normalize_path(out_dir.value, cwd=ctx.cwd) if out_dir else ctx.cwd
    written = ("o", "D", "c", "trace", "trace-ascii", "stderr", "libcurl", "etag-save")
    paths = [a.value for a in args.all(*written)]
    if args.has("O"):
        paths += [posixpath.basename(urlsplit(u.value).path) or "index.html" for u in urls]
    effects = [_file_write(p, base, ctx) for p in paths if p not in ("-", "/dev/null", "")]
    # curl (as any program built on OpenSSL's key logging) writes TLS secrets where this says.
    keylog = cmd.assignments.get("SSLKEYLOGFILE")
    if keylog:
        effects.append(_file_write(keylog, ctx.cwd, ctx))
    return effects


def _file_write(path: str, cwd: str, ctx: ShellContext) -> Effect:
    absolute = normalize_path(path, cwd=cwd)
    kind = EffectKind.UPDATE if ctx.files.exists(absolute) else EffectKind.CREATE
    return Effect(
        effect=kind,
        resource=Resource(names=(f"file:{absolute}",), type="file"),
        # A local file: only the environment given outright says where it is, not the cloud
        # hints of the line (an AWS_PROFILE=dev must not make a local write a dev one).
        target=local_target(ctx),
        service="file",
        operation="download",
    )


def _file_reads(paths: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """One read of the local files a request sends or uses (``~`` as the shell would expand
    it too, since it does so after ``=`` in an option: both spellings are named)."""
    names: list[str] = []
    for path in paths:
        if path in ("", "-"):  # stdin, or nothing
            continue
        names.append("file:" + normalize_path(path, cwd=ctx.cwd))
        if path == "~" or path.startswith("~/"):
            names.append("file:" + home_path(path, ctx))
    if not names:
        return []
    return [
        Effect(
            effect=EffectKind.READ,
            resource=Resource(names=tuple(dict.fromkeys(names)), type="file"),
            target=local_target(ctx),
            service="file",
            operation=cmd.name,
            detail=f"{cmd.name} reads the file to send or use it",
        )
    ]


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
    reads = _file_reads(line.reads, cmd, ctx)
    if not line.urls:
        return [*effects, _unknown(f"{cmd.name} without a URL", ctx), *reads]
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
    return effects + reads


# wget's long options that take a value (``wget --help``, 1.21).
_WGET_VALUED = _words(
    """accept-regex accept append-output backups base bind-address body-data body-file
    ca-certificate ca-directory certificate-type certificate ciphers compression config
    connect-timeout crl-file cut-dirs default-page directory-prefix dns-timeout domains
    exclude-directories exclude-domains execute follow-tags ftp-password ftp-user header
    hsts-file http-password http-user ignore-tags include-directories input-file level
    limit-rate load-cookies local-encoding max-redirect method output-document output-file
    password pinnedpubkey post-data post-file prefer-family private-key-type private-key
    progress proxy-password proxy-user quota read-timeout referer regex-type reject-regex reject
    rejected-log remote-encoding report-speed restrict-file-names retry-on-http-error
    save-cookies secure-protocol start-pos timeout tries use-askpass user-agent user wait
    waitretry warc-dedup warc-file warc-header warc-max-size warc-tempdir input-metalink
    preferred-location"""
)
_WGET_FLAGS = _words(
    """adjust-extension ask-password auth-no-challenge background backup-converted
    content-disposition content-on-error continue convert-file-only convert-links debug
    delete-after follow-ftp force-directories force-html ftps-clear-data-connection
    ftps-fallback-to-ftp ftps-implicit ftps-resume-ssl help https-only ignore-case
    ignore-length inet4-only inet6-only keep-session-cookies mirror no-cache
    no-check-certificate no-clobber no-config no-cookies no-directories no-dns-cache no-glob
    no-host-directories no-hsts no-http-keep-alive no-if-modified-since no-iri no-netrc
    no-parent no-passive-ftp no-proxy no-remove-listing no-use-server-timestamps no-verbose
    no-warc-compression no-warc-digests no-warc-keep-log page-requisites preserve-permissions
    protocol-directories quiet random-wait recursive relative retr-symlinks retry-connrefused
    save-headers server-response show-progress span-hosts spider strict-comments timestamping
    trust-server-names unlink verbose version warc-cdx xattr keep-badhash metalink-over-http
    metalink-index"""
)
_WGET_LONG = _WGET_VALUED | _WGET_FLAGS
_WGET = Spec(
    short="OoPiUtTwaeAYBDIXQlR",
    long={
        "output-document": "O",
        "output-file": "o",
        "append-output": "a",
        "directory-prefix": "P",
        "input-file": "i",
        "execute": "e",
        "tries": "t",
        "timeout": "T",
        "wait": "w",
        "user-agent": "U",
        "level": "l",
    },
    long_valued=_WGET_VALUED,
)
# Files wget reads besides its body: cookies, certificates and keys, the HSTS database.
_WGET_FILE_OPTIONS = (
    *("post-file", "body-file", "load-cookies", "certificate", "private-key", "ca-certificate"),
    *("crl-file", "hsts-file", "config", "input-metalink"),
)
# wgetrc commands (``-e robots=off``) that only tune how wget talks: none reads or writes a
# file or runs a program. Spelled as wget compares them: lower case, without ``-`` and ``_``.
_WGET_HARMLESS_COMMANDS = _words(
    """robots timeout tries wait waitretry randomwait verbose quiet debug progress showprogress
    checkcertificate limitrate retryconnrefused dnstimeout connecttimeout readtimeout
    serverresponse inet4only inet6only maxredirect useragent httpkeepalive cache reportspeed
    dotstyle iri localencoding remoteencoding httpsonly preferfamily contentonerror
    compression"""
)
_WGET_CONFIG_VARIABLES = ("WGETRC", "SYSTEM_WGETRC", "HOME")


@command("wget")
def wget(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``wget [--method M] [--post-data D] [-O FILE] URL...``; saves into the working directory."""
    args = parse(_unabbreviated(cmd, _WGET_LONG, _WGET_LONG), _WGET)
    line = _Line(headers=[_header(h.value) for h in args.all("header")])
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
    line.reads = [a.value for a in args.all(*_WGET_FILE_OPTIONS)]
    line.reads += [a.value for a in args.all("i") if "://" not in a.value]
    if args.has("i"):
        line.effects.append(_unknown("wget reads its URLs from a file", ctx))
    line.effects += [_unknown(r, ctx) for r in _wget_unknowns(cmd, args, ctx)]
    prefix = args.last("P")
    cwd = normalize_path(prefix.value, cwd=ctx.cwd) if prefix else ctx.cwd
    target = args.last("O")
    if target is not None:
        outputs = [target.value]
    elif args.has("spider"):
        outputs = []
    else:
        outputs = [posixpath.basename(urlsplit(u.value).path) or "index.html" for u in line.urls]
    outputs += [a.value for a in args.all("o", "a", "save-cookies", "rejected-log")]
    outputs += [a.value + ".warc.gz" for a in args.all("warc-file")]
    line.effects += [_file_write(p, cwd, ctx) for p in outputs if p not in ("-", "/dev/null")]
    return with_command(_judge(cmd, line, ctx), cmd)


def _header(text: str) -> tuple[str, str]:
    name, _, value = text.partition(":")
    return name.strip(), value.strip()


def _wget_unknowns(cmd: SimpleCommand, args: Parsed, ctx: ShellContext) -> list[str]:
    """Why a wget call is not understood: a program it runs, settings from a file or ``-e``."""
    reasons = []
    for arg in args.all("use-askpass"):
        reasons.append(f"wget runs {arg.value or 'a program'} to ask for passwords")
    for arg in args.all("config"):
        reasons.append(f"wget takes settings from {arg.value or '?'} (--config)")
    for arg in args.all("e"):
        setting = arg.value.partition("=")[0].strip().lower().replace("-", "").replace("_", "")
        if is_dynamic(cmd, arg) or setting not in _WGET_HARMLESS_COMMANDS:
            shown = arg.value.partition("=")[0].strip()[:40] or "?"
            reasons.append(f"wget -e {shown}: a wgetrc command that may run, read or write")
    moved = _config_variable(cmd, ctx, _WGET_CONFIG_VARIABLES, always=("WGETRC", "SYSTEM_WGETRC"))
    if moved and not args.has("no-config"):
        reasons.append(f"wget reads its settings (wgetrc) where {moved} points")
    return reasons


_HTTPIE = Spec(
    short="aAoh",
    long={"auth": "a", "auth-type": "A", "output": "o", "download": "d", "form": "f"},
    long_valued=frozenset({"session", "session-read-only", "verify", "cert", "cert-key", "proxy"})
    | {"pretty", "style", "print", "timeout", "max-redirects", "format-options", "unix-socket"},
)
_HTTPIE_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# Where HTTPie and xh find their config (``default_options`` may hold any option).
_HTTPIE_CONFIG_VARIABLES = ("HTTPIE_CONFIG_DIR", "XH_CONFIG_DIR", "XDG_CONFIG_HOME", "HOME")


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
    body, headers = _httpie_items(cmd, items, line, ctx)
    line.headers = headers
    line.body = body
    line.reads += [a.value for a in args.all("cert", "cert-key")]
    # A session given as a path (not a name kept in HTTPie's config) is a file it reads.
    line.reads += [a.value for a in args.all("session", "session-read-only") if "/" in a.value]
    if method_arg is None:
        line.method = "POST" if body or line.body_unknown or cmd.stdin_text else "GET"
    if args.has("offline"):
        # The request is built and printed, not sent: its files are read all the same.
        return with_command([*_file_reads(line.reads, cmd, ctx), _offline(cmd)], cmd)
    moved = _config_variable(
        cmd, ctx, _HTTPIE_CONFIG_VARIABLES, always=("HTTPIE_CONFIG_DIR", "XH_CONFIG_DIR")
    )
    if moved:
        line.effects.append(_unknown(f"{cmd.name} reads its config where {moved} points", ctx))
    if args.has("o") or args.has("d"):
        out = args.last("o")
        name = out.value if out else posixpath.basename(urlsplit(url).path) or "index.html"
        line.effects.append(_file_write(name, ctx.cwd, ctx))
    return with_command(_judge(cmd, line, ctx), cmd)


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


def _httpie_items(
    cmd: SimpleCommand, items: list[Arg], line: _Line, ctx: ShellContext
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
            text = value if sep == "=" else _file_text(value, cmd, ctx)
            if text is None:
                line.body_unknown = True
            fields[key] = text
        else:
            raw = value if sep == ":=" else _file_text(value, cmd, ctx)
            try:
                fields[key] = json.loads(raw) if raw is not None else None
            except ValueError:
                raw = None
            line.body_unknown = line.body_unknown or raw is None
    return (json.dumps(fields) if fields else None), headers


def _offline(cmd: SimpleCommand) -> Effect:
    return Effect(
        effect=EffectKind.READ,
        resource=Resource(names=("http:offline",), type="http"),
        service="http",
        operation="http:offline",
        detail="--offline builds the request without sending it",
    )
