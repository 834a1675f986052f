"""wget's options, for the ``wget`` handler of :mod:`.http_clients`.

Which long options wget knows (``getopt_long`` takes any unambiguous prefix of one) and which
take a value, the files it reads besides its body, and what makes a call unknown: a program it
runs to ask for passwords, settings from a config file or a wgetrc moved for the call, and
``-e`` commands other than a few that only tune how wget talks.
"""

from __future__ import annotations

import posixpath
from urllib.parse import SplitResult, unquote, urlsplit

from keyturn.understand.shell.commands._argv import Arg, Parsed, Spec, is_dynamic
from keyturn.understand.shell.commands._http_client_line import config_variable, word_set
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# wget's long options that take a value (``wget --help``, 1.21).
_WGET_VALUED = word_set(
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
_WGET_FLAGS = word_set(
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
WGET_LONG = _WGET_VALUED | _WGET_FLAGS
WGET = Spec(
    # ``-n`` takes letters (``-nH``, ``-nd``, ``-ndH``, ``-n d``): each turns one thing off.
    short="OoPiUtTwaeAYBDIXQlRn",
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
WGET_FILE_OPTIONS = (
    *("post-file", "body-file", "load-cookies", "certificate", "private-key", "ca-certificate"),
    *("crl-file", "hsts-file", "config", "input-metalink"),
)
# wgetrc commands (``-e robots=off``) that only tune how wget talks: none reads or writes a
# file or runs a program. Spelled as wget compares them: lower case, without ``-`` and ``_``.
_WGET_HARMLESS_COMMANDS = word_set(
    """robots timeout tries wait waitretry randomwait verbose quiet debug progress showprogress
    checkcertificate limitrate retryconnrefused dnstimeout connecttimeout readtimeout
    serverresponse inet4only inet6only maxredirect useragent httpkeepalive cache reportspeed
    dotstyle iri localencoding remoteencoding httpsonly preferfamily contentonerror
    compression passiveftp"""
)
_WGET_CONFIG_VARIABLES = ("WGETRC", "SYSTEM_WGETRC", "HOME")


def header(text: str) -> tuple[str, str]:
    name, _, value = text.partition(":")
    return name.strip(), value.strip()


def wget_unknowns(cmd: SimpleCommand, args: Parsed, ctx: ShellContext) -> list[str]:
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
    moved = config_variable(cmd, ctx, _WGET_CONFIG_VARIABLES, always=("WGETRC", "SYSTEM_WGETRC"))
    if moved and not args.has("no-config"):
        reasons.append(f"wget reads its settings (wgetrc) where {moved} points")
    if not args.has("no-config"):
        reasons += _wgetrc_reasons(ctx)
    return reasons


def _wgetrc_reasons(ctx: ShellContext) -> list[str]:
    """Why the wgetrc files wget reads by default (the system's, then the user's) leave the
    call unknown: one not read, or a setting other than the few that only tune how it talks
    (``method = DELETE``, ``post_data``, ``header``... change what every call sends)."""
    reasons = []
    for path in (*_SYSTEM_WGETRCS, posixpath.join(ctx.home, ".wgetrc")):
        if not (ctx.files.exists(path) or written_text(ctx.written, path)[0]):
            continue
        text = one_text_on_line(path, ctx)
        if text is None:
            reasons.append(f"wget reads its settings from {path}, which keyturn cannot read")
            continue
        for line in text.splitlines():
            name, eq, _ = line.strip().partition("=")
            setting = name.strip().lower().replace("-", "").replace("_", "")
            if eq and not name.lstrip().startswith("#") and setting not in _WGET_HARMLESS_COMMANDS:
                reasons.append(f"wget takes the setting {name.strip()[:40]} from {path}")
                break
    return reasons


# Where wget finds the system's wgetrc (it is built in: Debian's, and the default prefix's).
_SYSTEM_WGETRCS = ("/etc/wgetrc", "/usr/local/etc/wgetrc")


def wget_saved(args: Parsed, urls: list[Arg]) -> list[str]:
    """Where wget saves what it fetches (without ``-O``), relative to its prefix (``-P``):
    each URL's file name; with ``-x`` its host folder (unless ``-nH``; the scheme's too with
    ``--protocol-directories``) and its path's folders less the first ``--cut-dirs``. When
    wget fetches more than it is given (``-r``, ``-m``, ``-p``) or the server names the file
    (``--content-disposition``, ``--trust-server-names``), anything under the prefix: ``*``."""
    turned_off = "".join(a.value for a in args.all("n"))
    if args.has("r", "recursive", "m", "mirror", "p", "page-requisites"):
        return ["*"]
    if args.has("content-disposition", "trust-server-names"):
        return ["*"]
    folders = args.has("x", "force-directories") and not (
        "d" in turned_off or args.has("no-directories")
    )
    no_host = "H" in turned_off or args.has("no-host-directories")
    cut = args.last("cut-dirs")
    cut_dirs = int(cut.value) if cut is not None and cut.value.isdigit() else 0
    page = args.last("default-page")
    saved = []
    for url in urls:
        text = url.value if "://" in url.value else "http://" + url.value
        parts = urlsplit(text)
        path = posixpath.normpath("/" + unquote(parts.path)).lstrip("/")
        *dirs, name = path.split("/") if path else [""]
        if not name or parts.path.endswith("/"):
            dirs, name = [*dirs, name] if name else dirs, page.value if page else "index.html"
        if parts.query:
            name += "?" + parts.query
        if not folders:
            saved.append(name)
            continue
        top = [] if no_host else [_host_folder(parts)]
        if args.has("protocol-directories"):
            top = [parts.scheme, *top]
        saved.append("/".join([*top, *dirs[cut_dirs:], name]))
    return saved


def _host_folder(parts: SplitResult) -> str:
    """The folder ``-x`` names after the host: ``host``, or ``host:port`` for a port other
    than the scheme's own."""
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # not a number: wget refuses the URL, but name the host with it
        return parts.netloc.rpartition("@")[2].lower()
    default = {"http": 80, "https": 443, "ftp": 21}.get(parts.scheme)
    return f"{host}:{port}" if port is not None and port != default else host
