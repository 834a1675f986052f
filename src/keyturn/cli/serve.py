"""``keyturn serve [--host H] [--port P] [--database URL] [--policy FILE] [--webhook URL]...
[--tls-cert FILE --tls-key FILE] [--public-url URL] [--trusted-proxy ADDRESS]... [--demo]``.

Runs the keyturn server (Starlette on uvicorn): the JSON API under ``/v1``, the admission
webhook at ``/k8s/admission`` and the reviewers' pages at ``/``. ``--demo`` (what ``make run``
does) writes the demo policy when there is none, seeds the December 2025 scenario and prints
the URL and the demo tokens. Webhooks: ``--webhook URL`` (repeatable) and ``$KEYTURN_WEBHOOKS``
(comma-separated).
"""

from __future__ import annotations

import logging
import os
import sys

from keyturn.bootstrap import Settings, build_gate, load_signer, open_store, write_private
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options, settings_of
from keyturn.errors import UsageError

DEFAULT_PORT = 8470


def run(argv: list[str]) -> int:
    p = parser("serve", "Run the keyturn server: JSON API, admission webhook, reviewers' pages.")
    add_state_options(p, policy=True)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--webhook", action="append", default=[], metavar="URL", help="notify this URL (repeatable)"
    )
    p.add_argument(
        "--demo", action="store_true", help="seed the December 2025 scenario and print demo tokens"
    )
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.add_argument("--tls-cert", metavar="FILE", help="serve https with this PEM certificate")
    p.add_argument("--tls-key", metavar="FILE", help="the PEM private key of --tls-cert")
    p.add_argument(
        "--public-url",
        metavar="URL",
        default=os.environ.get("KEYTURN_PUBLIC_URL"),
        help="where reviewers reach the pages, for notification links "
        "(default: $KEYTURN_PUBLIC_URL, else the address served)",
    )
    p.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto count (repeatable; "
        "default: $KEYTURN_TRUSTED_PROXIES, comma-separated; none: the headers are ignored)",
    )
    args = p.parse_args(argv)
    if not 0 < args.port < 65536:
        raise UsageError(f"--port: expected 1..65535, got {args.port}")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise UsageError("--tls-cert and --tls-key go together")
    scheme = "https" if args.tls_cert else "http"
    url = f"{scheme}://{_shown_host(args.host)}:{args.port}/"
    public_url = _public_url(args.public_url) if args.public_url else url
    settings = settings_of(args)
    webhooks = [*args.webhook, *_env_webhooks()]
    import uvicorn

    from keyturn.server import create_app

    gate = _prepare(settings, demo=args.demo, url=public_url)
    app = create_app(settings, gate=gate, webhooks=webhooks, public_url=public_url)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    # access_log on: uvicorn logs method and path only -- tokens travel in headers and form
    # bodies, never in URLs, so nothing secret reaches the log.
    # Forwarded headers only from a proxy named here: uvicorn believes them from loopback by
    # default, and any local process could then pick the address it is rate-limited under.
    proxies = _trusted_proxies(args.trusted_proxy)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=",".join(proxies) if proxies else None,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
    )
    return 0


def _public_url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise UsageError(f"--public-url: expected http(s)://HOST[:PORT][/PATH], got {text!r}")
    return text


def _trusted_proxies(flags: list[str] | None) -> list[str]:
    """The proxies whose forwarded headers count: ``--trusted-proxy``, else
    ``$KEYTURN_TRUSTED_PROXIES``, else uvicorn's own ``$FORWARDED_ALLOW_IPS`` (what these docs
    named before); none by default."""
    text = ",".join(flags) if flags else os.environ.get("KEYTURN_TRUSTED_PROXIES")
    if text is None:
        text = os.environ.get("FORWARDED_ALLOW_IPS", "")
    proxies = [p.strip() for p in text.split(",") if p.strip()]
    if "*" in proxies:
        print(
            "keyturn serve: warning: trusting forwarded headers from every address ('*'): "
            "any client can choose the address it is rate-limited under",
            file=sys.stderr,
        )
    return proxies


def _env_webhooks() -> list[str]:
    return [u.strip() for u in os.environ.get("KEYTURN_WEBHOOKS", "").split(",") if u.strip()]


def _shown_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104


def _prepare(settings: Settings, *, demo: bool, url: str):  # type: ignore[no-untyped-def]
    """The gate; with ``--demo``, the policy, signing key, tokens and the pending review."""
    if not demo:
        return build_gate(settings, store=open_store(settings, signer=load_signer(settings)))
    from keyturn.demo_seed import ensure_demo_policy, ensure_tokens, seed_request

    wrote = ensure_demo_policy(settings)
    signer = _ensure_signer(settings)
    store = open_store(settings, signer=signer)
    gate = build_gate(settings, store=store)
    tokens = ensure_tokens(store, settings.home)
    request_id = seed_request(gate)
    out = sys.stdout
    print(f"keyturn demo: policy {settings.policy_path}{' (written)' if wrote else ''}", file=out)
    print(f"keyturn demo: state in {settings.home}", file=out)
    if request_id is not None:
        print(
            f"keyturn demo: request {request_id} (kiro, for bob: delete and recreate production) "
            "waits for two reviews",
            file=out,
        )
    print(
        "keyturn demo: sign in with one of these tokens (shown here only; kept 0600 in "
        f"{settings.home / 'demo-tokens.json'}):",
        file=out,
    )
    for name, token in tokens.items():
        print(f"  {name:<6} {token}", file=out)
    print(
        f"keyturn demo: open {url}  (bob is the operator: his approval is refused)",
        file=out,
        flush=True,
    )
    return gate


def _ensure_signer(settings: Settings):  # type: ignore[no-untyped-def]
    from keyturn.audit.signing import Signer

    signer = load_signer(settings)
    if signer is None:
        settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        signer = Signer.generate()
        write_private(settings.signing_key_path, signer.private_pem())
        settings.public_key_path.write_bytes(signer.public_pem())
    return signer
