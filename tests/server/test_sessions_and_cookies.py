"""The reviewers' session cookie and its end, and what ``/v1/policy`` tells an agent.

Findings (each test failed before the fix it names):

1. With an https ``--public-url`` (keyturn behind a TLS proxy it was not told to believe) the
   session cookie went out without ``Secure``: a browser would also send it over any plain-http
   link to the host. Now ``Secure`` whenever the public address is https or the request came
   over https (directly, or as a named proxy's ``X-Forwarded-Proto`` says).
2. A Secure session cookie had no ``__Host-`` prefix, and over https the plain name was read:
   a sibling domain or a plain-http answer could plant a session of its own in a reviewer's
   browser. Now ``__Host-keyturn_session`` (``Path=/``, no ``Domain``), the only name read over
   https.
3. No ``Strict-Transport-Security`` on the pages' https answers. Now one year, without
   ``includeSubDomains``.
4. Sign-out only told the browser to drop the cookie: a copy of it (a shared machine, a proxy
   log, a backup of the browser profile) kept working for the rest of its eight hours, on
   every server. Now the end is recorded in the store, and every server sharing it refuses the
   copy.
5. ``GET /v1/policy`` showed an agent's token the policy file's path on the server and every
   reviewer's name. Now an agent gets the digest alone.

The other tests are false-alarm guards (plain http on loopback still signs in without
``Secure``; a forwarded proto from a proxy nobody named is ignored; signing out one browser
leaves the same reviewer's other sessions alone).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient
from tests.server.conftest import make_tokens

from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.server import create_app
from keyturn.server.auth import SESSION_COOKIE
from keyturn.store.interface import Store
from keyturn.store.postgres import PostgresStore
from keyturn.store.sqlite import SqliteStore

HOST_COOKIE = "__Host-" + SESSION_COOKIE
SECRET = b"s" * 32
PG = os.environ.get("KEYTURN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _app(tmp_path: Path, policy_text: str, *, public_url: str | None = None, database=None):  # type: ignore[no-untyped-def]
    tmp_path.mkdir(parents=True, exist_ok=True)
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(policy_text)
    settings = load_settings(
        home=str(tmp_path / "home"), policy=str(policy), database=database, environ={}
    )
    store = open_store(settings)
    app = create_app(
        settings,
        gate=build_gate(settings, store=store),
        secret=SECRET,
        poll_seconds=0.05,
        public_url=public_url,
    )
    return app, store


@pytest.fixture()
def plain(tmp_path: Path, brief_policy_text: str) -> Iterator[tuple[Starlette, dict[str, str]]]:
    """A server with no public address: reached at whatever address the request names."""
    app, store = _app(tmp_path / "plain", brief_policy_text)
    tokens = make_tokens(store)
    yield app, tokens
    store.close()


@pytest.fixture()
def behind_tls(
    tmp_path: Path, brief_policy_text: str
) -> Iterator[tuple[Starlette, dict[str, str]]]:
    """A server whose public address is https; the TLS proxy in front is not named to it, so
    the requests it sees arrive as plain http."""
    app, store = _app(tmp_path / "tls", brief_policy_text, public_url="https://keyturn.example/")
    tokens = make_tokens(store)
    yield app, tokens
    store.close()


def _cookie_header(response: httpx.Response) -> str:
    found = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    assert len(found) == 1, found
    return found[0]


def _sign_in(client: TestClient, token: str) -> httpx.Response:
    r = client.post("/login", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}


# -- 1, 2. Secure and __Host- ------------------------------------------------------------------


def test_an_https_public_url_makes_the_cookie_secure_and_host_only(behind_tls) -> None:  # type: ignore[no-untyped-def]
    """Finding 1 and 2: the request arrives as http (the proxy is not named), the public
    address is https: the cookie is Secure, ``__Host-``, ``Path=/``, without ``Domain``."""
    app, tokens = behind_tls
    with TestClient(app, raise_server_exceptions=False) as client:
        header = _cookie_header(_sign_in(client, tokens["alice"]))
    assert header.startswith(HOST_COOKIE + "="), header
    attributes = _attributes(header)
    assert {"secure", "httponly", "samesite", "path"} <= attributes, header
    assert "domain" not in attributes
    assert "path=/;" in header.lower().replace(" ", "") + ";"


def test_a_request_over_https_gets_a_host_only_secure_cookie(plain) -> None:  # type: ignore[no-untyped-def]
    """Finding 2: over https (no public address configured) the cookie was Secure but kept
    the plain name."""
    app, tokens = plain
    with TestClient(app, base_url="https://keyturn.example") as browser:
        header = _cookie_header(_sign_in(browser, tokens["alice"]))
        assert header.startswith(HOST_COOKIE + "=") and "secure" in _attributes(header)
        assert browser.get("/", follow_redirects=False).status_code == 200


def test_over_https_a_cookie_under_the_plain_name_is_not_read(plain) -> None:  # type: ignore[no-untyped-def]
    """Finding 2: a valid session cookie planted under the unprefixed name (what a sibling
    domain or a plain-http answer can set) does not sign an https browser in."""
    app, tokens = plain
    with TestClient(app) as http_client:
        _sign_in(http_client, tokens["kiro"])
        planted = http_client.cookies[SESSION_COOKIE]
    with TestClient(app, base_url="https://keyturn.example") as browser:
        browser.cookies.set(SESSION_COOKIE, planted)
        r = browser.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"


def test_plain_http_on_loopback_still_signs_in_without_secure(plain) -> None:  # type: ignore[no-untyped-def]
    """False-alarm guard: no public address, a plain-http request (``make run``): the cookie is
    not Secure (the browser would not send it back) and keeps its plain name."""
    app, tokens = plain
    with TestClient(app) as client:
        header = _cookie_header(_sign_in(client, tokens["alice"]))
        assert header.startswith(SESSION_COOKIE + "=") and "secure" not in _attributes(header)
        assert client.get("/", follow_redirects=False).status_code == 200
        assert "strict-transport-security" not in client.get("/login").headers


# -- 3. HSTS ----------------------------------------------------------------------------------


def test_pages_over_https_carry_hsts(behind_tls, plain) -> None:  # type: ignore[no-untyped-def]
    """Finding 3: the sign-in page and its answer, and the signed-in pages."""
    for app, tokens, base in (
        (behind_tls[0], behind_tls[1], "http://testserver"),
        (plain[0], plain[1], "https://keyturn.example"),
    ):
        with TestClient(app, base_url=base) as browser:
            answers = [browser.get("/login"), _sign_in(browser, tokens["alice"])]
            answers += [browser.get("/"), browser.get("/history")]
            for r in answers:
                hsts = r.headers.get("strict-transport-security", "")
                assert hsts.startswith("max-age=") and int(hsts.split("=")[1]) >= 15552000, base
                assert "includesubdomains" not in hsts.lower()


# -- 1. a named proxy's forwarded proto, through uvicorn ----------------------------------------


def _serve(app: Starlette, *, proxies: str | None) -> tuple[uvicorn.Server, threading.Thread, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # What ``keyturn serve --trusted-proxy`` passes to uvicorn.
    config = uvicorn.Config(
        app, log_level="warning", proxy_headers=bool(proxies), forwarded_allow_ips=proxies
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    return server, thread, port


@pytest.mark.parametrize(("proxies", "secure"), [("127.0.0.1", True), (None, False)])
def test_a_named_proxys_forwarded_https_makes_the_cookie_secure(
    plain, proxies: str | None, secure: bool
) -> None:  # type: ignore[no-untyped-def]
    """A named proxy saying https: Secure and ``__Host-``, with HSTS. The same header from a
    proxy nobody named is ignored (false-alarm guard: the cookie stays as it was)."""
    app, tokens = plain
    server, thread, port = _serve(app, proxies=proxies)
    try:
        r = httpx.post(
            f"http://127.0.0.1:{port}/login",
            data={"token": tokens["alice"]},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert r.status_code == 303, r.text
        header = _cookie_header(r)
        assert header.startswith(HOST_COOKIE + "=") is secure, header
        assert ("secure" in _attributes(header)) is secure, header
        assert ("strict-transport-security" in r.headers) is secure
    finally:
        server.should_exit = True
        thread.join(10)


# -- 4. sign-out ends the session ---------------------------------------------------------------


def _csrf(client: TestClient) -> str:
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None
    return found.group(1)


def _signed_out_copy(client: TestClient, token: str, name: str) -> tuple[str, str]:
    """Sign in, copy the cookie and the form's CSRF token, sign out; the copies."""
    _sign_in(client, token)
    cookie, csrf = client.cookies[name], _csrf(client)
    r = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    return cookie, csrf


def test_a_copied_cookie_stops_working_after_sign_out(plain) -> None:  # type: ignore[no-untyped-def]
    """Finding 4: the copy taken before sign-out neither shows a page nor votes."""
    app, tokens = plain
    with TestClient(app) as agent:
        asked = agent.post(
            "/v1/decisions",
            headers={"Authorization": f"Bearer {tokens['kiro']}"},
            json={
                "kind": "shell",
                "payload": {"command": "rm -rf ./scratch", "cwd": "/srv/app"},
                "environment": "production",
                "actor": {"operator": "bob"},
            },
        ).json()
    request_id = asked["request_id"]
    assert request_id is not None, asked
    with TestClient(app) as browser:
        cookie, csrf = _signed_out_copy(browser, tokens["alice"], SESSION_COOKIE)
    with TestClient(app) as thief:
        thief.cookies.set(SESSION_COOKIE, cookie)
        for path in ("/", "/history", "/audit", f"/requests/{request_id}"):
            r = thief.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/login", path
        r = thief.post(
            f"/requests/{request_id}/approve",
            data={"csrf": csrf, "reason": "copied"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/login"
    shown = TestClient(app).get(
        f"/v1/requests/{request_id}", headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    assert shown.json()["votes"] == []


def test_signing_out_one_browser_leaves_the_reviewers_other_sessions(plain) -> None:  # type: ignore[no-untyped-def]
    """False-alarm guard: the end is of one session, not of its holder or token."""
    app, tokens = plain
    with TestClient(app) as laptop, TestClient(app) as phone:
        _sign_in(phone, tokens["alice"])
        _signed_out_copy(laptop, tokens["alice"], SESSION_COOKIE)
        assert phone.get("/", follow_redirects=False).status_code == 200
        _sign_in(laptop, tokens["alice"])  # and signing in again works
        assert laptop.get("/", follow_redirects=False).status_code == 200


def test_sign_out_over_https_drops_the_host_cookie(plain) -> None:  # type: ignore[no-untyped-def]
    app, tokens = plain
    with TestClient(app, base_url="https://keyturn.example") as browser:
        cookie, _ = _signed_out_copy(browser, tokens["alice"], HOST_COOKIE)
        assert HOST_COOKIE not in browser.cookies
    with TestClient(app, base_url="https://keyturn.example") as thief:
        thief.cookies.set(HOST_COOKIE, cookie)
        assert thief.get("/", follow_redirects=False).status_code == 303


def test_a_sign_out_the_store_cannot_record_is_not_reported_as_done(plain) -> None:  # type: ignore[no-untyped-def]
    """Finding 4: when the end cannot be recorded the answer is 503, not "signed out" (the
    session, still live, is left in the browser to sign out again)."""
    from keyturn.errors import StoreError

    app, tokens = plain
    store = app.state.backend.store

    def unavailable(**_: object) -> None:
        raise StoreError("the database is away")

    with TestClient(app, raise_server_exceptions=False) as browser:
        _sign_in(browser, tokens["alice"])
        csrf = _csrf(browser)
        store.end_session = unavailable
        try:
            r = browser.post("/logout", data={"csrf": csrf}, follow_redirects=False)
        finally:
            del store.end_session
        assert r.status_code == 503 and "set-cookie" not in r.headers
        assert browser.get("/", follow_redirects=False).status_code == 200


def _two_servers_sign_out(first: Starlette, second: Starlette, token: str) -> None:
    with TestClient(first) as one, TestClient(second) as two:
        _sign_in(two, token)  # the other server knows the install secret: it reads the cookie
        assert two.get("/", follow_redirects=False).status_code == 200
        cookie, _ = _signed_out_copy(one, token, SESSION_COOKIE)
        two.cookies.clear()
        two.cookies.set(SESSION_COOKIE, cookie)
        r = two.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"


def test_a_sign_out_on_one_server_ends_the_session_on_another_sqlite(
    tmp_path: Path, brief_policy_text: str
) -> None:
    """Finding 4, across two processes' stores on one SQLite file."""
    first, store = _app(tmp_path, brief_policy_text)
    tokens = make_tokens(store)
    second, other = _app(tmp_path, brief_policy_text)
    try:
        _two_servers_sign_out(first, second, tokens["alice"])
    finally:
        store.close()
        other.close()


@pytest.mark.postgres
def test_a_sign_out_on_one_server_ends_the_session_on_another_postgres(
    tmp_path: Path, brief_policy_text: str
) -> None:
    """Finding 4, for two servers sharing PostgreSQL."""
    import psycopg

    schema = "kt_" + uuid.uuid4().hex[:12]
    url = f"{PG}?schema={schema}"
    first, store = _app(tmp_path / "a", brief_policy_text, database=url)
    tokens = make_tokens(store)
    second, other = _app(tmp_path / "b", brief_policy_text, database=url)
    try:
        _two_servers_sign_out(first, second, tokens["alice"])
    finally:
        store.close()
        other.close()
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    import psycopg

    if request.param == "sqlite":
        store: Store = SqliteStore(tmp_path / "keyturn.db")
        store.migrate()
        yield store
        store.close()
        return
    schema = "kt_" + uuid.uuid4().hex[:12]
    store = PostgresStore(PG, schema=schema)
    store.migrate()
    try:
        yield store
    finally:
        store.close()
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_the_store_keeps_ended_sessions_until_they_expire(fresh_store: Store) -> None:
    """Finding 4, the store's part: an end is seen, repeated ends are one, and ends whose
    cookies have expired are dropped at the next sign-out (the table stays bounded)."""
    assert fresh_store.session_ended("sha256:a") is False  # no sign-out yet: no table
    fresh_store.end_session(session_id="sha256:a", expires_at=200.0, now=100.0)
    fresh_store.end_session(session_id="sha256:a", expires_at=200.0, now=101.0)
    assert fresh_store.session_ended("sha256:a") is True
    assert fresh_store.session_ended("sha256:b") is False
    fresh_store.end_session(session_id="sha256:b", expires_at=500.0, now=300.0)
    assert fresh_store.session_ended("sha256:a") is False  # expired: its cookie is dead anyway
    assert fresh_store.session_ended("sha256:b") is True


# -- 5. what /v1/policy tells an agent --------------------------------------------------------


def test_an_agent_gets_the_policys_digest_only(plain, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Finding 5: no path on the server, no reviewers' names; reviewers and admins still get
    both (false-alarm guard for them)."""
    app, tokens = plain
    with TestClient(app) as client:

        def policy(who: str) -> dict[str, object]:
            r = client.get("/v1/policy", headers={"Authorization": f"Bearer {tokens[who]}"})
            assert r.status_code == 200, r.text
            body: dict[str, object] = r.json()
            return body

        for agent in ("kiro", "other"):
            shown = policy(agent)
            assert set(shown) == {"digest"} and str(shown["digest"]).startswith("sha256:")
            assert str(tmp_path) not in str(shown) and "alice" not in str(shown)
        for who in ("alice", "admin"):
            shown = policy(who)
            assert shown["digest"] == policy("kiro")["digest"]
            assert shown["source"] == str(tmp_path / "plain" / "keyturn.yaml")
            assert shown["reviewers"]["sre"] == ["alice", "bob", "carol"]  # type: ignore[index]


def test_the_failed_sign_in_counter_keeps_only_recent_failures_within_a_bound() -> None:
    """Every address that ever asked got an entry, kept forever: a client spraying made-up
    addresses grew the server's memory without bound. Now a check alone keeps nothing, at most
    ``max_clients`` failing addresses are kept, and a window passed drops them."""
    from keyturn.server.auth import FailureLimiter

    now = [0.0]
    limiter = FailureLimiter(max_failures=3, window=60.0, max_clients=100, clock=lambda: now[0])
    for i in range(2_000):
        limiter.check(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter._failures) == 0
    for i in range(2_000):
        limiter.failed(f"10.1.{i // 256}.{i % 256}")
    assert len(limiter._failures) == 100
    now[0] = 61.0
    limiter.failed("203.0.113.9")
    assert list(limiter._failures) == ["203.0.113.9"]


def test_a_guesser_stays_refused_while_others_fail() -> None:
    """False-alarm guard for the bound above: an address over the limit stays refused while
    fewer than ``max_clients`` others fail, and is let try again once its window passes."""
    from keyturn.server.auth import FailureLimiter
    from keyturn.server.errors import ApiError

    now = [0.0]
    limiter = FailureLimiter(max_failures=3, window=60.0, max_clients=100, clock=lambda: now[0])
    for _ in range(3):
        limiter.failed("attacker")
    for i in range(50):
        limiter.failed(f"198.51.100.{i}")
    with pytest.raises(ApiError):
        limiter.check("attacker")
    now[0] = 61.0
    limiter.check("attacker")
