"""curl's options, for the ``curl`` handler of :mod:`.http_clients`.

Which long options curl knows (so that an abbreviation of one is written out, as curl 7 takes
it) and which take a value; then what its options say besides the request: the local files it
reads to send or use (uploads with their ``{a,b}`` globs, ``@file`` values, form parts,
certificates and keys, cookie files), the files it writes (``-o``, ``-O``, ``--output-dir``,
traces, ``SSLKEYLOGFILE``), and what makes a call unknown (a config file, FTP commands, values
expanded from variables, a ``.curlrc`` moved for the call).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from keyturn.model import Effect
from keyturn.understand.shell.commands._argv import Arg, Parsed, Spec, is_dynamic
from keyturn.understand.shell.commands._curl_urls import glob_values, globbed
from keyturn.understand.shell.commands._http_client_line import (
    config_variable,
    encoded_file,
    file_text,
    file_write,
    unknown,
    word_set,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# curl's long options that take a value (``curl --help all``, 7.88, plus later additions).
_CURL_VALUED = word_set(
    """abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config
    connect-timeout connect-to continue-at cookie cookie-jar create-file-mode crlfile curves data
    data-ascii data-binary data-raw data-urlencode delegation dns-interface dns-ipv4-addr
    dns-ipv6-addr dns-servers doh-url dump-header egd-file engine etag-compare etag-save
    expect100-timeout form form-string ftp-account ftp-alternative-to-user ftp-method ftp-port
    ftp-ssl-ccc-mode happy-eyeballs-timeout-ms header hostpubmd5 hostpubsha256 hsts interface
    json keepalive-time key key-type krb libcurl limit-rate local-port login-options mail-auth
    mail-from mail-rcpt max-filesize max-redirs max-time netrc-file noproxy oauth2-bearer output
    output-dir parallel-max pass pinnedpubkey preproxy proto proto-default proto-redir proxy
    proxy1.0 proxy-cacert
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
_CURL_FLAGS = word_set(
    """anyauth append basic cert-status compressed compressed-ssh create-dirs crlf digest disable
    disable-eprt disable-epsv disallow-username-in-url doh-cert-status doh-insecure fail
    fail-early fail-with-body false-start form-escape ftp-create-dirs ftp-pasv ftp-pret
    ftp-skip-pasv-ip ftp-ssl ftp-ssl-ccc ftp-ssl-control ftp-ssl-reqd get globoff
    haproxy-protocol head help http0.9 http1.0 http1.1 http2 http2-prior-knowledge http3
    http3-only ignore-content-length include insecure ipv4 ipv6 junk-session-cookies list-only
    location location-trusted
    mail-rcpt-allowfails manual metalink negotiate netrc netrc-optional next no-alpn no-buffer
    no-clobber no-keepalive no-npn no-progress-meter no-sessionid ntlm ntlm-wb parallel
    parallel-immediate path-as-is post301 post302 post303 progress-bar proxy-anyauth
    proxy-basic proxy-digest proxy-insecure proxy-negotiate proxy-ntlm proxy-ssl-allow-beast
    proxy-ssl-auto-client-cert proxy-tlsv1 proxytunnel raw remote-header-name
    remote-name remote-name-all remote-time remove-on-error retry-all-errors retry-connrefused
    sasl-ir show-error silent socks5-basic socks5-gssapi socks5-gssapi-nec ssl ssl-allow-beast
    ssl-auto-client-cert ssl-no-revoke ssl-reqd ssl-revoke-best-effort sslv2 sslv3 styled-output
    suppress-connect-headers tcp-fastopen tcp-nodelay tftp-no-options tlsv1 tlsv1.0 tlsv1.1
    tlsv1.2 tlsv1.3 tr-encoding trace-time use-ascii verbose version xattr"""
)
# Options of curl 8 (which takes no abbreviation: these make none ambiguous), from its option
# table (``aliases`` in ``src/tool_getparam.c``); the booleans there are flags.
_CURL8_VALUED = word_set(
    """variable trace-config ip-tos vlan-priority ech ssl-sessions knownhosts sigalgs
    upload-flags haproxy-clientip ipfs-gateway keepalive-cnt parallel-max-host krb4"""
)
_CURL8_FLAGS = word_set(
    """ca-native proxy-ca-native proxy-http2 mptcp skip-existing follow out-null tls-earlydata
    trace-ids dump-ca-embed show-headers eprt epsv alpn buffer clobber keepalive npn
    progress-meter sessionid"""
)
# Options curl takes with variables expanded into their value (``--expand-data {{x}}``, 8.3+):
# the value is decided when curl runs.
_CURL_EXPANDED = frozenset(f"expand-{n}" for n in _CURL_VALUED | _CURL8_VALUED)
CURL_ABBREVIABLE = _CURL_VALUED | _CURL_FLAGS
CURL_KNOWN = CURL_ABBREVIABLE | _CURL8_VALUED | _CURL8_FLAGS | _CURL_EXPANDED
CURL = Spec(
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


CURL_BODY = ("d", "data-raw", "data-binary", "data-urlencode", "json", "F", "form-string")


def curl_headers(args: Parsed) -> list[tuple[str, str]]:
    out = []
    for arg in args.all("H"):
        name, _, value = arg.value.partition(":")
        out.append((name.strip(), value.strip()))
    return out


def header_file(cmd: SimpleCommand, arg: Arg, ctx: ShellContext) -> list[tuple[str, str]]:
    """The headers of ``-H @file``, one a line, when the file is at hand."""
    text = None if is_dynamic(cmd, arg) else file_text(arg.value[1:], cmd, ctx)
    pairs = (line.partition(":") for line in (text or "").splitlines())
    return [(name.strip(), value.strip()) for name, colon, value in pairs if colon]


# Options whose value is a file curl reads (certificates, keys, cookie and netrc files...).
_CURL_FILE_OPTIONS = (
    *("netrc-file", "cacert", "capath", "key", "proxy-cacert", "proxy-capath"),
    *("proxy-key", "crlfile", "proxy-crlfile", "pubkey", "egd-file"),
    *("random-file", "alt-svc", "hsts", "etag-compare", "ssl-sessions", "knownhosts", "K"),
)
# Options whose ``@file`` value is a file's content: the body, headers, the output format.
_CURL_AT_FILE_OPTIONS = ("d", "data-binary", "json", "H", "proxy-header", "w")


def curl_reads(args: Parsed) -> list[str]:
    """The local files a curl call reads, to send or to use (as written)."""
    reads: list[str] = []
    for arg in args.all("T"):
        if arg.value not in ("-", "."):
            reads += [arg.value] if args.has("g") else _curl_glob(arg.value)
    for arg in args.all(*_CURL_AT_FILE_OPTIONS):
        if arg.value.startswith("@"):
            reads.append(arg.value[1:])
    for arg in args.all("data-urlencode", "url-query", "variable"):
        if not arg.value.startswith(("+", "%")) and (path := encoded_file(arg.value)):
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


def curl_option_known(name: str) -> bool:
    """Whether curl has the long option ``name`` (``no-NAME`` of a flag too: curl takes it to
    switch the flag off)."""
    return name in CURL_KNOWN or (name.startswith("no-") and name[3:] in _CURL_BOOLEANS)


_CURL_BOOLEANS = _CURL_FLAGS | _CURL8_FLAGS


def curl_unknowns(cmd: SimpleCommand, args: Parsed, ctx: ShellContext) -> list[Effect]:
    reasons = []
    # An option keyturn does not know may be one of a newer curl that takes a value: whether
    # the next word is the method, a URL or that value cannot be told.
    strange = [a.key for a in args.options if len(a.key) > 1 and not curl_option_known(a.key)]
    if strange:
        reasons.append(f"curl option --{strange[0][:40]} not known: what it takes cannot be told")
    for arg in args.all("K"):
        reasons.append(f"curl takes options from the config file {arg.value or '?'} (-K)")
    if args.has("Q"):
        reasons.append("curl with FTP commands (-Q)")
    expanded = sorted({a.key for a in args.options if a.key in _CURL_EXPANDED})
    if expanded:
        reasons.append(f"curl --{expanded[0]}: a value expanded from variables at run time")
    # ``-q`` first skips the default config; otherwise one moved for the call is unread.
    skips_default = cmd.argv[1:2] in (("-q",), ("--disable",))
    moved = config_variable(cmd, ctx, _CURL_CONFIG_VARIABLES, always=("CURL_HOME",))
    if moved and not skips_default:
        reasons.append(f"curl reads its default config (.curlrc) where {moved} points")
    return [unknown(r, ctx) for r in reasons]


def with_query(url: Arg, query: str) -> Arg:
    base, _, fragment = url.value.partition("#")
    joined = base + ("&" if "?" in base else "?") + query
    return Arg(url.key, joined + (f"#{fragment}" if fragment else ""), url.index)


def curl_outputs(
    cmd: SimpleCommand, args: Parsed, urls: list[Arg], ctx: ShellContext
) -> list[Effect]:
    out_dir = args.last("output-dir")
    base = normalize_path(out_dir.value, cwd=ctx.cwd) if out_dir else ctx.cwd
    paths = [a.value for a in args.all("o")]
    # URL globs (``{a,b}``, ``[1-3]``): each URL they make is fetched, and ``#N`` in an output
    # name is what the Nth glob gave (``-o '.claude/#1' 'http://x/{settings.json}'``).
    globbing = not args.has("g", "globoff")
    made: list[list[list[str]] | None] = [glob_values(u.value) if globbing else [[]] for u in urls]
    if any(m is None for m in made):
        return [unknown_effect(cmd, "a URL glob not understood: what it fetches and writes", ctx)]
    combos = [c for m in made for c in (m or [[]])]
    paths = [out for p in paths for out in _numbered(p, combos)]
    if args.has("O"):
        fetched = [u for url in urls for u in (globbed(url.value) if globbing else [url.value])]
        paths += [posixpath.basename(urlsplit(u).path) or "index.html" for u in fetched]
    effects = [file_write(p, base, ctx) for p in paths if p not in ("-", "/dev/null", "")]
    # The other files curl writes are opened from the working directory (``--output-dir`` is
    # for ``-o``/``-O`` only); the alt-svc and HSTS caches are written back when it ends.
    others = [a.value for a in args.all(*_CURL_WRITTEN)]
    effects += [file_write(p, ctx.cwd, ctx) for p in others if p not in ("-", "/dev/null", "")]
    effects += _file_url_uploads(args, urls, ctx)
    # curl (as any program built on OpenSSL's key logging) writes TLS secrets where this says.
    keylog = cmd.assignments.get("SSLKEYLOGFILE")
    if keylog:
        effects.append(file_write(keylog, ctx.cwd, ctx))
    return effects


_CURL_WRITTEN = (
    *("D", "c", "trace", "trace-ascii", "stderr", "libcurl", "etag-save"),
    *("alt-svc", "hsts"),
)


def _file_url_uploads(args: Parsed, urls: list[Arg], ctx: ShellContext) -> list[Effect]:
    """The local files ``curl -T FILE file:///dir/`` writes: the URL's path, or with a
    trailing ``/`` the uploaded file's name in that folder (everything in it for ``-T -``)."""
    uploads = [a.value for a in args.all("T")]
    if not uploads:
        return []
    effects = []
    for url in urls:
        parts = urlsplit(url.value)
        if parts.scheme.lower() != "file":
            continue
        path = unquote(parts.path) or "/"
        if not path.endswith("/"):
            effects.append(file_write(path, ctx.cwd, ctx))
            continue
        for upload in uploads:
            name = posixpath.basename(upload) if upload not in ("-", ".") else ""
            effects.append(file_write(path + (name or "*"), ctx.cwd, ctx))
    return effects


def _numbered(path: str, combos: list[list[str]]) -> list[str]:
    """``path`` with each ``#N`` replaced by the Nth glob's value, per combination."""
    if not re.search(r"#[0-9]", path):
        return [path]
    named = [re.sub(r"#([0-9]+)", _nth(combo), path) for combo in combos]
    return list(dict.fromkeys(named)) or [path]


def _nth(combo: list[str]) -> Callable[[re.Match[str]], str]:
    """A substitution of ``#N`` by the Nth value of ``combo`` (kept when there is none)."""

    def value(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return combo[n - 1] if 0 < n <= len(combo) else match.group(0)

    return value
