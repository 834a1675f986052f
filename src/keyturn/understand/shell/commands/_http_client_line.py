"""What curl, wget and HTTPie (with xh) share: a client's command line, and how it is judged.

It serves :mod:`.http_clients` and its per-client option modules. A line gathers the method,
URLs, body and headers a client was given (:class:`ClientLine`); :func:`judge` turns it into one
request per URL for :mod:`._http_meaning`, plus the reads of the local files the request sends
or uses. Here too is what every client needs on the way: credentials redacted from the command
text, long options written out where ``getopt_long`` takes an abbreviation, ``@file`` bodies
read through ``ctx.files``, the files a client writes, and the variables that move its config
file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import Arg, is_dynamic
from keyturn.understand.shell.commands._argv import with_command as _with_command
from keyturn.understand.shell.commands._http_meaning import Request, request_effects, url_name
from keyturn.understand.shell.effects import home_path, local_target, write_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


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


def unabbreviated(
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


@dataclass(slots=True)
class ClientLine:
    """What a client command line asks, before it is judged."""

    method: str | None = None  # None: decided at run time
    urls: list[Arg] = field(default_factory=list)
    body: str | None = None
    body_unknown: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    # Local files the request sends or uses, as written (named as reads).
    reads: list[str] = field(default_factory=list)
    # The Unix socket the request goes through (curl's ``--unix-socket``), if any.
    unix_socket: str = ""


def body_text(cmd: SimpleCommand, arg: Arg, ctx: ShellContext, line: ClientLine) -> str | None:
    """The text of one body argument (``@file`` read; ``@-`` is stdin)."""
    if is_dynamic(cmd, arg):
        line.body_unknown = True
        return None
    value = arg.value
    if arg.key == "data-urlencode" and (path := encoded_file(value)) is not None:
        # ``name@file``: the file's content (URL-encoded) as the value of ``name``.
        name = value[: len(value) - len(path) - 1]
        text = file_text(path, cmd, ctx)
        line.body_unknown = line.body_unknown or text is None
        return None if text is None else (f"{name}={text}" if name else text)
    if arg.key in ("F", "form-string") or not value.startswith("@"):
        return value
    text = file_text(value[1:], cmd, ctx)
    line.body_unknown = line.body_unknown or text is None
    return text


def file_text(path: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """A file's text as the client reads it (``-`` is stdin); None when not at hand."""
    if path == "-":
        return None if cmd.stdin_dynamic else cmd.stdin_text
    return ctx.files.read_text(normalize_path(path, cwd=ctx.cwd))


def encoded_file(value: str) -> str | None:
    """The file of a ``--data-urlencode``/``--url-query``/``--variable`` value: ``@file`` or
    ``name@file`` (the first ``@`` or ``=`` decides: ``name=a@b`` is content), else None."""
    found = re.search(r"[@=]", value)
    if found is None or found.group() != "@":
        return None
    return value[found.end() :]


def config_variable(
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


def file_write(path: str, cwd: str, ctx: ShellContext) -> Effect:
    """A file the client writes (``-o``, ``-O``, a cookie jar, a log). Drafted here without the
    command, :func:`judge` gives it what other writes get (:func:`_as_written`)."""
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


def file_reads(paths: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
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


def unknown(reason: str, ctx: ShellContext, url: str | None = None) -> Effect:
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=(url_name(url) if url else "http:unknown",), type="http"),
        target=ctx.target,
        service="http",
        operation="http",
        detail=reason,
    )


def _as_written(effect: Effect, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """A file the client writes (:func:`file_write`) judged as any other write of it
    (:func:`.effects.write_effect`): a place decided at run time is ``unknown``, a disk is
    overwritten whole, a Terraform file's protection is gone (what the server sends is not
    known). The command text is left to :func:`with_command`, which redacts credentials."""
    if effect.operation != "download" or effect.resource.type != "file":
        return effect
    path = effect.resource.names[0].removeprefix("file:")
    written = write_effect(path, cmd, ctx, detail=effect.detail)
    return replace(written, operation="download", command=None)


def judge(cmd: SimpleCommand, line: ClientLine, ctx: ShellContext) -> list[Effect]:
    effects = [_as_written(e, cmd, ctx) for e in line.effects]
    reads = file_reads(line.reads, cmd, ctx)
    if not line.urls:
        return [*effects, unknown(f"{cmd.name} without a URL", ctx), *reads]
    for url in line.urls:
        reading = line.method in ("GET", "HEAD", "OPTIONS")
        if line.method is None:
            effects.append(unknown("HTTP method decided at run time", ctx, url.value))
        elif is_dynamic(cmd, url) and not reading:
            effects.append(unknown(f"{line.method} to a URL decided at run time", ctx))
        else:
            req = Request(
                method=line.method,
                url=url.value,
                body=line.body,
                body_unknown=line.body_unknown,
                headers=tuple(line.headers),
                docker=_to_docker(url.value, line.unix_socket, cmd, ctx),
            )
            effects += request_effects(req, target=ctx.target)
    return effects + reads


_DOCKER_SOCKETS = re.compile(r"(?:^|/)(?:docker|podman)[^/]*\.sock$")
# The ports the Docker daemon listens on over TCP (plain and TLS).
_DOCKER_PORTS = frozenset({2375, 2376})


def _to_docker(url: str, socket: str, cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether a request goes to the Docker Engine API: through the daemon's socket, to its
    usual TCP ports, or to the address ``DOCKER_HOST`` names."""
    if socket:
        return _DOCKER_SOCKETS.search(socket) is not None
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        port = parts.port
    except ValueError:
        return False
    if port in _DOCKER_PORTS:
        return True
    daemon = cmd.assignments.get("DOCKER_HOST") or ctx.env.get("DOCKER_HOST") or ""
    if not daemon.startswith(("tcp://", "http://", "https://")):
        return False
    try:
        where = urlsplit(daemon)
        return (where.hostname, where.port) == (parts.hostname, port) and port is not None
    except ValueError:
        return False
