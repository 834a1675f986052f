"""The server's security: an authorisation matrix over EVERY route of the app
(a new route without a row fails), rate limiting of failed token attempts, token comparison,
CSRF on every state-changing form, security headers on every response."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.server import create_app
from keyturn.server.auth import SESSION_COOKIE, FailureLimiter

from ._serve import PEOPLE, SERVE_POLICY

# The matrix's columns: who asks, and whose request it is (kiro's, in every row that has one).
COLUMNS = ("none", "agent-own", "agent-other", "reviewer", "operator-reviewer", "admin")
WHO = {
    "agent-own": "kiro",
    "agent-other": "other",
    "reviewer": "alice",
    "operator-reviewer": "bob",
    "admin": "admin",
}
HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@dataclass
class Env:
    """The app, one signed-in browser per person, and their bearer tokens."""

    app: Any
    api: TestClient
    tokens: dict[str, str]
    browsers: dict[str, TestClient] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)
    responses: list[httpx.Response] = field(default_factory=list)

    def bearer(self, column: str) -> dict[str, str]:
        who = WHO.get(column)
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def browser(self, column: str) -> TestClient:
        return self.browsers[WHO.get(column, "none")]

    def ask(self, *, approved: bool = False) -> int:
        """A fresh production delete by kiro (bob its operator) needing two sre approvals."""
        r = self.api.post(
            "/v1/decisions",
            headers=self.bearer("agent-own"),
            json={
                "kind": "shell",
                "payload": {
                    "command": f"kubectl --context prod-1 delete pod p{uuid.uuid4().hex[:8]}"
                },
                "actor": {"operator": "bob"},
            },
        )
        assert r.status_code == 200 and r.json()["verdict"] == "ask", r.text
        rid: int = r.json()["request_id"]
        if approved:
            for who in ("alice", "carol"):
                v = self.api.post(
                    f"/v1/requests/{rid}/approve",
                    headers={"Authorization": f"Bearer {self.tokens[who]}"},
                    json={},
                )
                assert v.status_code == 200, v.text
        return rid

    def state(self, rid: int) -> dict[str, Any]:
        r = self.api.get(f"/v1/requests/{rid}", headers=self.bearer("admin"))
        body: dict[str, Any] = r.json()
        return body


def sign_in(client: TestClient, token: str) -> str:
    """Sign ``client`` in; the CSRF token of its session (read from a page's form)."""
    r = client.post("/login", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/history")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


@pytest.fixture()
def env(tmp_path: Path) -> Iterator[Env]:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(SERVE_POLICY)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    from tests.server.conftest import make_tokens

    tokens = make_tokens(store, PEOPLE)
    app = create_app(settings, gate=build_gate(settings, store=store), secret=b"k" * 32)
    with TestClient(app, raise_server_exceptions=False) as api:
        e = Env(app=app, api=api, tokens=tokens)
        e.browsers["none"] = TestClient(app, raise_server_exceptions=False)
        for who in set(WHO.values()) | {"carol"}:
            e.browsers[who] = TestClient(app, raise_server_exceptions=False)
            e.csrf[who] = sign_in(e.browsers[who], tokens[who])
        yield e
    store.close()


# -- the matrix ------------------------------------------------------------------------------

Cell = Callable[[Env, str], httpx.Response]


def api_call(
    method: str, path: str, body: dict[str, Any] | None = None, *, setup: str = ""
) -> Cell:
    """A bearer call; ``{id}`` is a fresh request of kiro's (``setup="approved"``: approved),
    ``{name}`` a fresh throwaway token."""

    def cell(env: Env, column: str) -> httpx.Response:
        rid = env.ask(approved=setup == "approved") if "{id}" in path or setup else 0
        name = ""
        if "{name}" in path:
            name = f"t{uuid.uuid4().hex[:8]}"
            made = env.api.post(
                "/v1/tokens", headers=env.bearer("admin"), json={"name": name, "role": "agent"}
            )
            assert made.status_code == 201, made.text
        url = path.replace("{id}", str(rid)).replace("{name}", name)
        payload = {k: (rid if v == "{id}" else v) for k, v in (body or {}).items()}
        return env.api.request(method, url, headers=env.bearer(column), json=payload)

    return cell


def web_call(
    method: str, path: str, form: dict[str, str] | None = None, *, setup: str = ""
) -> Cell:
    """A browser call with that column's session (``csrf`` filled in from it);
    ``setup="approved"``: the request is approved first."""

    def cell(env: Env, column: str) -> httpx.Response:
        rid = env.ask(approved=setup == "approved") if "{id}" in path else 0
        url = path.replace("{id}", str(rid))
        data = dict(form or {})
        if "csrf" in data:
            data["csrf"] = env.csrf.get(WHO.get(column, ""), "")
        if path == "/login" and method == "POST":
            data["token"] = env.tokens.get(WHO.get(column, ""), "")
        client = env.browser(column)
        if method == "GET":
            return client.get(url, follow_redirects=False)
        return client.post(url, data=data, follow_redirects=False)

    return cell


def admission(env: Env, column: str) -> httpx.Response:
    review = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "u1",
            "operation": "DELETE",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "name": "web",
            "namespace": "default",
            "userInfo": {"username": "kiro"},
        },
    }
    return env.api.post("/k8s/admission?context=dev-1", headers=env.bearer(column), json=review)


def static(env: Env, column: str) -> httpx.Response:
    return env.browser(column).get("/static/keyturn.css")


# (path, method) -> (cell, expected status per column). 303 = redirected to sign in; 404 for
# someone else's request: its existence is not confirmed.
ALL_200 = (200,) * 6
API_READ = (401, 200, 200, 200, 200, 200)
REVIEWERS = (401, 403, 403, 200, 200, 200)
ADMIN_ONLY = (401, 403, 403, 403, 403, 200)
OWN_REQUEST = (401, 200, 404, 200, 200, 200)
PAGE = (303, 200, 200, 200, 200, 200)
MATRIX: dict[tuple[str, str], tuple[Cell, tuple[int, ...]]] = {
    ("/v1/health", "GET"): (api_call("GET", "/v1/health"), ALL_200),
    ("/v1/decisions", "POST"): (
        api_call("POST", "/v1/decisions", {"kind": "shell", "payload": {"command": "ls"}}),
        (401, 200, 200, 403, 403, 200),
    ),
    ("/api/v1/submit", "POST"): (
        api_call("POST", "/api/v1/submit", {"kind": "shell", "payload": {"command": "ls"}}),
        (401, 200, 200, 403, 403, 200),
    ),
    ("/v1/executions", "POST"): (
        api_call(
            "POST",
            "/v1/executions",
            {"kind": "shell", "payload": {"command": "ls"}, "status": "completed"},
        ),
        (401, 200, 200, 403, 403, 200),
    ),
    ("/v1/requests", "GET"): (api_call("GET", "/v1/requests"), API_READ),
    ("/v1/requests/{request_id:int}", "GET"): (api_call("GET", "/v1/requests/{id}"), OWN_REQUEST),
    # bob is kiro's operator: his approval is refused; admins are not sre reviewers.
    ("/v1/requests/{request_id:int}/approve", "POST"): (
        api_call("POST", "/v1/requests/{id}/approve"),
        (401, 403, 403, 200, 403, 403),
    ),
    # Saying no is open to every eligible reviewer (the operator too) and to admins.
    ("/v1/requests/{request_id:int}/reject", "POST"): (
        api_call("POST", "/v1/requests/{id}/reject", {"reason": "no"}),
        (401, 403, 403, 200, 200, 200),
    ),
    # Cancelling: the requester, the agent, the operator, or an admin.
    ("/v1/requests/{request_id:int}/cancel", "POST"): (
        api_call("POST", "/v1/requests/{id}/cancel"),
        (401, 200, 404, 403, 200, 200),
    ),
    # Revoking an approved, unused grant: whoever may cancel (the agent, the operator, an admin)
    # or reject (an eligible reviewer, the approvers among them).
    ("/v1/requests/{request_id:int}/revoke", "POST"): (
        api_call("POST", "/v1/requests/{id}/revoke", {"reason": "incident"}, setup="approved"),
        (401, 200, 404, 200, 200, 200),
    ),
    ("/v1/requests/{request_id:int}/wait", "GET"): (
        api_call("GET", "/v1/requests/{id}/wait?timeout=0"),
        OWN_REQUEST,
    ),
    ("/v1/grants/use", "POST"): (
        api_call("POST", "/v1/grants/use", {"request_id": "{id}"}, setup="approved"),
        (401, 200, 404, 403, 403, 200),
    ),
    ("/v1/audit", "GET"): (api_call("GET", "/v1/audit"), REVIEWERS),
    ("/v1/audit/verify", "GET"): (api_call("GET", "/v1/audit/verify"), REVIEWERS),
    ("/v1/audit/trace", "GET"): (api_call("GET", "/v1/audit/trace?resource=k8s:*"), REVIEWERS),
    ("/v1/policy", "GET"): (api_call("GET", "/v1/policy"), API_READ),
    ("/v1/policy/lint", "GET"): (api_call("GET", "/v1/policy/lint"), REVIEWERS),
    ("/v1/tokens", "GET"): (api_call("GET", "/v1/tokens"), ADMIN_ONLY),
    ("/v1/tokens", "POST"): (
        api_call("POST", "/v1/tokens", {"name": "{fresh}", "role": "agent"}),
        (401, 403, 403, 403, 403, 201),
    ),
    ("/v1/tokens/{name}", "DELETE"): (api_call("DELETE", "/v1/tokens/{name}"), ADMIN_ONLY),
    ("/v1/notifications", "GET"): (api_call("GET", "/v1/notifications"), ADMIN_ONLY),
    # The admission webhook: the Kubernetes API server presents the cluster's token, of role
    # cluster (AdmissionConfiguration kubeConfigFile); agents and reviewers cannot have
    # reviews judged (tests/server/test_server_gaps.py covers the cluster's own token).
    ("/k8s/admission", "POST"): (admission, (401, 403, 403, 403, 403, 200)),
    ("/openapi.json", "GET"): (api_call("GET", "/openapi.json"), ALL_200),
    ("/", "GET"): (web_call("GET", "/"), PAGE),
    ("/login", "GET"): (web_call("GET", "/login"), ALL_200),
    ("/login", "POST"): (web_call("POST", "/login"), (401, 303, 303, 303, 303, 303)),
    ("/logout", "POST"): (web_call("POST", "/logout", {"csrf": ""}), (303,) * 6),
    ("/history", "GET"): (web_call("GET", "/history"), PAGE),
    ("/audit", "GET"): (web_call("GET", "/audit"), (303, 403, 403, 200, 200, 200)),
    ("/admin/notifications", "GET"): (
        web_call("GET", "/admin/notifications"),
        (303, 403, 403, 403, 403, 200),
    ),
    ("/requests/{request_id:int}", "GET"): (
        web_call("GET", "/requests/{id}"),
        (303, 200, 404, 200, 200, 200),
    ),
    ("/requests/{request_id:int}/approve", "POST"): (
        web_call("POST", "/requests/{id}/approve", {"csrf": "", "reason": "ok"}),
        (303, 403, 404, 200, 403, 403),
    ),
    ("/requests/{request_id:int}/reject", "POST"): (
        web_call("POST", "/requests/{id}/reject", {"csrf": "", "reason": "no"}),
        (303, 403, 404, 200, 200, 200),
    ),
    # The same people as through the API: its own agent too (revoking only stops an action).
    ("/requests/{request_id:int}/revoke", "POST"): (
        web_call("POST", "/requests/{id}/revoke", {"csrf": "", "reason": "x"}, setup="approved"),
        (303, 200, 404, 200, 200, 200),
    ),
    ("/static", "GET"): (static, ALL_200),
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    """Every (path, method) the app serves (HEAD is GET's)."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if isinstance(route, Mount):
            found.add((route.path, "GET"))
        elif isinstance(route, Route):
            found |= {(route.path, m) for m in (route.methods or ()) if m != "HEAD"}
        else:
            raise AssertionError(f"a route of an unknown type: {route!r}")
    return found


def test_every_route_has_a_matrix_row(env: Env) -> None:
    routes = app_routes(env.app)
    assert routes - set(MATRIX) == set(), "a route without an authorisation row"
    assert set(MATRIX) - routes == set(), "a matrix row for a route that no longer exists"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[1]} {r[0]}")
def test_authorisation_matrix(env: Env, route: tuple[str, str]) -> None:
    cell, expected = MATRIX[route]
    got = []
    for column in COLUMNS:
        # Logging out ends the browser's session: sign in again for the other columns.
        r = cell(env, column)
        got.append(r.status_code)
        assert_security_headers(r)
        if route == ("/logout", "POST") and column in WHO:
            env.csrf[WHO[column]] = sign_in(env.browser(column), env.tokens[WHO[column]])
    assert tuple(got) == expected, dict(zip(COLUMNS, got, strict=True))


def test_agents_see_only_their_own_requests(env: Env) -> None:
    rid = env.ask()
    listed = env.api.get("/v1/requests", headers=env.bearer("agent-other")).json()["requests"]
    assert rid not in {r["id"] for r in listed}
    assert f"/requests/{rid}" not in env.browser("agent-other").get("/").text
    assert f"/requests/{rid}" in env.browser("agent-own").get("/").text
    assert f"/requests/{rid}" in env.browser("reviewer").get("/").text


def assert_security_headers(r: httpx.Response) -> None:
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (r.request.url, name)
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, r.request.url


# -- failed token attempts -------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failed_tokens_are_rate_limited_per_client_and_recover(env: Env) -> None:
    clock = Clock()
    env.app.state.backend.limiter = FailureLimiter(max_failures=5, window=60.0, clock=clock)
    app = env.app
    attacker = TestClient(app, client=("203.0.113.9", 4000), raise_server_exceptions=False)
    bystander = TestClient(app, client=("198.51.100.7", 4000), raise_server_exceptions=False)
    bad = {"Authorization": "Bearer kt_" + "x" * 43}
    codes = [attacker.get("/v1/policy", headers=bad).status_code for _ in range(7)]
    assert codes == [401] * 5 + [429] * 2
    # Even the right token is refused from that address, and sign-in pages too.
    good = {"Authorization": f"Bearer {env.tokens['alice']}"}
    assert attacker.get("/v1/policy", headers=good).status_code == 429
    assert attacker.post("/login", data={"token": env.tokens["alice"]}).status_code == 429
    # Per client: another address is not affected.
    assert bystander.get("/v1/policy", headers=good).status_code == 200
    clock.now += 61  # the window passes: it recovers
    assert attacker.get("/v1/policy", headers=good).status_code == 200


def test_a_token_differing_in_one_character_is_refused(env: Env) -> None:
    token = env.tokens["alice"]
    assert env.api.get("/v1/policy", headers={"Authorization": f"Bearer {token}"}).is_success
    for at in (0, len(token) // 2, len(token) - 1):
        flipped = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
        r = env.api.get("/v1/policy", headers={"Authorization": f"Bearer {flipped}"})
        assert r.status_code == 401, r.text
    for variant in (token + "x", token[:-1], f" {token}x", token.upper()):
        r = env.api.get("/v1/policy", headers={"Authorization": f"Bearer {variant}"})
        assert r.status_code == 401, variant


# -- CSRF ------------------------------------------------------------------------------------


def state_changing_forms(app: Any) -> list[str]:
    """Every POST page route but sign-in (which has no session yet and changes no state)."""
    return sorted(
        route.path
        for route in app.routes
        if isinstance(route, Route)
        and "POST" in (route.methods or ())
        and not route.path.startswith(("/v1/", "/api/", "/k8s/"))
        and route.path != "/login"
    )


def test_every_state_changing_form_needs_this_sessions_csrf_token(env: Env) -> None:
    forms = state_changing_forms(env.app)
    assert forms == [
        "/logout",
        "/requests/{request_id:int}/approve",
        "/requests/{request_id:int}/reject",
        "/requests/{request_id:int}/revoke",
    ]
    alice = env.browser("reviewer")
    for path in forms:
        for csrf in (None, "", env.csrf["carol"], env.csrf["alice"] + "x"):
            rid = env.ask()
            data = {"reason": "forged"} if csrf is None else {"reason": "forged", "csrf": csrf}
            r = alice.post(
                path.replace("{request_id:int}", str(rid)), data=data, follow_redirects=False
            )
            assert r.status_code == 403, (path, csrf, r.status_code)
            state = env.state(rid)
            assert state["state"] == "pending" and state["votes"] == [], (path, csrf)
            assert SESSION_COOKIE in alice.cookies  # logout refused: still signed in
            assert alice.get("/history", follow_redirects=False).status_code == 200


def test_a_cookie_signed_with_the_secret_cannot_make_its_bearer_someone_else(env: Env) -> None:
    # Whoever learned the install secret (b"k" * 32 here) can sign a cookie, but the store says
    # who holds a token: kiro's live token id with alice's name and a reviewer's role is refused.
    from keyturn.approval.model import Role
    from keyturn.server.auth import Principal, SessionSigner

    store = env.app.state.backend.store
    ids = {t.name: t.id for t in store.list_tokens()}
    signer = SessionSigner(b"k" * 32)
    rid = env.ask()
    for forged in (
        Principal(ids["kiro"], "alice", Role.REVIEWER),
        Principal(ids["kiro"], "kiro", Role.REVIEWER),
        Principal(ids["alice"], "carol", Role.REVIEWER),
    ):
        cookie, session = signer.issue(forged, now=env.app.state.backend.clock())
        browser = TestClient(env.app, raise_server_exceptions=False)
        browser.cookies.set(SESSION_COOKIE, cookie)
        assert browser.get("/", follow_redirects=False).headers["location"] == "/login"
        r = browser.post(
            f"/requests/{rid}/approve",
            data={"csrf": session.csrf, "reason": "forged"},
            follow_redirects=False,
        )
        assert r.status_code in (303, 401, 403), forged
        assert env.state(rid)["votes"] == [], forged
    # the genuine holder's own cookie still works
    cookie, _ = signer.issue(
        Principal(ids["alice"], "alice", Role.REVIEWER), now=env.app.state.backend.clock()
    )
    browser = TestClient(env.app, raise_server_exceptions=False)
    browser.cookies.set(SESSION_COOKIE, cookie)
    assert browser.get("/", follow_redirects=False).status_code == 200


def test_the_api_ignores_session_cookies(env: Env) -> None:
    rid = env.ask()
    alice = env.browser("reviewer")
    r = alice.post(f"/v1/requests/{rid}/approve", json={})
    assert r.status_code == 401
    assert env.state(rid)["votes"] == []


# -- a real server: no secrets in its output or pages; TLS -----------------------------------


def _drive(served: Any, verify: Any = True) -> list[str]:
    """Sign in, look at every page, ask, approve, use the grant; the HTML of every page."""
    pages: list[str] = []
    base = served.url
    with httpx.Client(base_url=base, timeout=20, verify=verify) as api:
        auth = {"Authorization": f"Bearer {served.tokens['kiro']}"}
        asked = api.post(
            "/v1/decisions",
            headers=auth,
            json={
                "kind": "shell",
                "payload": {"command": "kubectl --context prod-1 delete pod web"},
                "actor": {"operator": "olivia"},
            },
        ).json()
        rid = asked["request_id"]
        api.get("/v1/requests", headers={"Authorization": "Bearer kt_wrong"})
    for who in ("alice", "carol", "admin"):
        with httpx.Client(
            base_url=base, timeout=20, verify=verify, follow_redirects=True
        ) as browser:
            signed = browser.post("/login", data={"token": served.tokens[who]})
            assert signed.status_code == 200, signed.text  # redirected to the queue
            for path in ("/", "/history", "/audit", "/admin/notifications", f"/requests/{rid}"):
                pages.append(browser.get(path).text)
            match = re.search(r'name="csrf" value="([^"]+)"', pages[-1])
            assert match
            if who != "admin":
                voted = browser.post(
                    f"/requests/{rid}/approve", data={"csrf": match.group(1), "reason": "ok"}
                )
                pages.append(voted.text)
            pages.append(browser.post("/login", data={"token": "kt_wrong"}).text)
    with httpx.Client(base_url=base, timeout=20, verify=verify) as api:
        used = api.post("/v1/grants/use", headers=auth, json={"request_id": rid})
        assert used.status_code == 200, used.text
    return pages


def _secrets(tmp: Path, served: Any, cookies: list[str]) -> list[str]:
    home = tmp / "home"
    found = [*served.tokens.values(), *cookies]
    for name in ("audit-signing.key", "session-secret"):
        path = home / name
        if path.exists():
            raw = path.read_bytes()
            found.append(raw.hex())
            found.extend(
                line for line in raw.decode(errors="replace").splitlines() if len(line) > 20
            )
    return found


def test_no_secret_in_a_real_servers_output_or_pages(tmp_path: Path) -> None:
    from ._cli import keyturn
    from ._serve import make_tokens, serve_env, start_serve

    env = serve_env(tmp_path)
    assert keyturn(env, "init").code == 0  # a signing key to keep out of sight
    tokens = make_tokens(env)
    served = start_serve(env, tmp_path, extra=("--log-level", "debug"))
    served.tokens = tokens
    try:
        pages = _drive(served)
        with httpx.Client(base_url=served.url) as browser:
            browser.post("/login", data={"token": tokens["alice"]})
            cookies = [c for c in browser.cookies.values()]
        pages.append(httpx.get(f"{served.url}/openapi.json").text)
    finally:
        served.stop()
    output = served.output()
    assert "POST /login" in output and "/v1/grants/use" in output  # the log did record calls
    secrets = _secrets(tmp_path, served, cookies)
    assert len(secrets) >= len(tokens) + 2
    for secret in secrets:
        assert secret not in output, "a secret in the server's output"
        assert not any(secret in html for html in pages), "a secret in a page"


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "server.crt", tmp / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_tls_serves_https_and_marks_the_session_cookie_secure(tmp_path: Path) -> None:
    import ssl

    from ._serve import make_tokens, serve_env, start_serve, wait_healthy

    cert, key = _self_signed(tmp_path)
    env = serve_env(tmp_path)
    tokens = make_tokens(env)
    served = start_serve(env, tmp_path, extra=("--tls-cert", str(cert), "--tls-key", str(key)))
    served.tokens = tokens
    trust = ssl.create_default_context(cafile=str(cert))
    try:
        wait_healthy(served, verify=trust)
        with httpx.Client(base_url=served.url, verify=trust, timeout=20) as browser:
            r = browser.post("/login", data={"token": tokens["alice"]}, follow_redirects=False)
            assert r.status_code == 303
            cookie = r.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
        with pytest.raises(httpx.ConnectError):  # an unverified certificate is refused
            httpx.get(f"{served.url}/v1/health", timeout=5)
        with pytest.raises(httpx.HTTPError):  # no plain http on the TLS port
            httpx.get(served.url.replace("https", "http") + "/v1/health", timeout=5)
    finally:
        served.stop()


def test_tls_options_go_together(tmp_path: Path) -> None:
    from ._cli import keyturn
    from ._serve import serve_env

    run = keyturn(serve_env(tmp_path), "serve", "--tls-cert", str(tmp_path / "c.pem"))
    assert run.code == 2 and "--tls-cert and --tls-key go together" in run.stderr


@pytest.mark.parametrize("url", ["ftp://keyturn.example/", "keyturn.example", "https://x/?a=1"])
def test_a_public_url_that_is_not_a_page_address_is_bad_usage(tmp_path: Path, url: str) -> None:
    from ._cli import keyturn
    from ._serve import serve_env

    run = keyturn(serve_env(tmp_path), "serve", "--public-url", url)
    assert run.code == 2 and run.stderr.count("\n") == 1 and "--public-url" in run.stderr
