"""A second security look at the server, as a hostile agent, a hostile reviewer and an outside
attacker would attack it.

Findings (each test failed before the fix it names):

1. Bodies were read whole before their size was looked at: ``POST /login`` -- before anyone
   signs in -- announcing 10 GB, or streaming chunks without end, was read on and on (a form
   field into memory, a multipart file part onto disk); so was an agent's decision body. Now
   413 at once for an announced size, and as soon as a streamed body passes the limit (64 KiB
   for the pages' forms, the API's 64 MiB under ``/v1``, ``/api``, ``/k8s``).
2. A request id of more than 4300 digits in a path (``int()`` refuses it) was a 500, on the
   API and the pages. Now "no such request", 404.
3. A 500 went out without the security headers (no ``X-Frame-Options``, CSP, ``nosniff``,
   ``no-store``): Starlette answers it outside every middleware.
4. A session cookie or a CSRF field holding a character beyond ASCII was a 500
   (``hmac.compare_digest`` raises on such a ``str``): a cookie planted from a sibling domain
   kept a reviewer off every page. Now "not signed in" / "the form has expired".
5. An agent could claim an operator or session of megabytes, and type reasons as long: one
   such request made the reviewers' queue take seconds to render (5 MB: 5 s for the queue,
   7 s for the request, 13 s for the audit page). Claimed names are at most 256 characters,
   reasons 2000.

The other tests are false-alarm guards: attacks the server already withstood (same person
with two tokens or two spellings, a grant used from a different directory or environment or
by racing callers, open redirects after sign-in, duplicate JSON keys read two ways).
"""

from __future__ import annotations

import html
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from tests.server.conftest import Server, make_tokens

from keyturn.approval.model import Role
from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.server import create_app
from keyturn.server.api_input import MAX_BODY_BYTES

HEADERS = ("x-frame-options", "content-security-policy", "x-content-type-options")


# -- a real server (uvicorn on a loopback socket) ---------------------------------------------


class Live:
    def __init__(self, url: str, port: int, tokens: dict[str, str]) -> None:
        self.url, self.port, self.tokens = url, port, tokens

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture()
def live(tmp_path: Path, brief_policy_text: str) -> Iterator[Live]:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    tokens = make_tokens(store)
    app = create_app(
        settings, gate=build_gate(settings, store=store), secret=b"s" * 32, poll_seconds=0.05
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield Live(f"http://127.0.0.1:{port}", port, tokens)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        store.close()


def _raw_post(live: Live, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> bytes:
    """Send a POST by hand (what no client library would send) and the first bytes of the
    answer; ``b""`` when none came within 5 seconds."""
    conn = socket.create_connection(("127.0.0.1", live.port))
    conn.settimeout(5)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    try:
        conn.sendall(head.encode())
        for chunk in chunks:
            conn.sendall(chunk)
    except OSError:
        pass  # the server answered and closed while we were still sending: read its answer
    answer = b""
    try:
        while (chunk := conn.recv(4096)) and not _whole(answer := answer + chunk):
            pass
    except OSError:
        pass  # nothing (more) within the timeout, or reset after the answer
    finally:
        conn.close()
    return answer


def _whole(answer: bytes) -> bool:
    """Whether ``answer`` holds a response's head and all of its ``Content-Length`` body."""
    head, found, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return bool(found) and length is not None and len(body) >= int(length.group(1))


# -- 1. bodies are limited before they are read ------------------------------------------------


def test_a_sign_in_announcing_a_huge_body_is_refused_before_it_is_read(live: Live) -> None:
    """Finding 1: no token needed; the server waited for the 10 GB (no answer in 5 s)."""
    for kind, first in (
        ("application/x-www-form-urlencoded", b"token=kt_"),
        ("multipart/form-data; boundary=XX", b'--XX\r\nContent-Disposition: form-data; name="f"'),
    ):
        headers = {"Content-Type": kind, "Content-Length": str(10**10)}
        answer = _raw_post(live, "/login", headers, iter([first]))
        assert answer.startswith(b"HTTP/1.1 413"), (kind, answer[:80])
        assert b"x-frame-options: deny" in answer.lower()


def test_a_streamed_sign_in_is_stopped_at_the_forms_limit(live: Live) -> None:
    """Finding 1: a chunked body without end was read as long as it came."""

    def chunks() -> Iterator[bytes]:
        yield b"4\r\ntok=\r\n"
        for _ in range(256):  # 4 MiB, then the body is left open: only a limit answers
            yield b"4000\r\n" + b"a" * 0x4000 + b"\r\n"

    headers = {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"}
    answer = _raw_post(live, "/login", headers, chunks())
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


def test_an_agents_body_past_the_api_limit_is_refused_before_it_is_read(live: Live) -> None:
    """Finding 1: an agent's token let it make the server read any amount."""
    headers = {
        **live.h("kiro"),
        "Content-Type": "application/json",
        "Content-Length": str(MAX_BODY_BYTES + 1),
    }
    answer = _raw_post(live, "/v1/decisions", headers, iter([b'{"kind": "shell"']))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert b'"too_large"' in answer


def test_a_form_larger_than_a_form_is_413_in_the_one_error_shape(server: Server) -> None:
    """Finding 1: a 100 KB sign-in form was read and answered 401."""
    r = server.client.post("/login", data={"token": "kt_" + "a" * 100_000})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_an_api_body_within_the_api_limit_is_still_read(server: Server) -> None:
    """False-alarm guard: a 200 KB decision body (a plan) is over the forms' limit, not the
    API's."""
    r = server.post(
        "/v1/decisions",
        "kiro",
        {"kind": "shell", "payload": {"command": "ls"}, "padding": "x" * 200_000},
    )
    assert r.status_code == 200, r.text


# -- 2. ids too long for int() -----------------------------------------------------------------


def test_an_id_too_long_for_int_is_not_found_not_a_server_error(server: Server) -> None:
    """Finding 2: each of these was a 500."""
    huge = "9" * 5000
    assert server.get(f"/v1/requests/{huge}", "alice").status_code == 404
    assert server.get(f"/v1/requests/{huge}/wait?timeout=0", "kiro").status_code == 404
    assert server.post(f"/v1/requests/{huge}/approve", "alice", {}).status_code == 404
    server.client.post("/login", data={"token": server.tokens["alice"]})
    page = server.client.get(f"/requests/{huge}")
    assert page.status_code == 404 and "there is no request" in page.text


# -- 3. a 500 keeps the security headers ------------------------------------------------------


def test_an_unhandled_error_still_carries_the_security_headers(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 3: the 500 had none of them."""
    from keyturn.server import api

    def boom(*a: Any, **k: Any) -> Any:
        raise RuntimeError("SELECT secret")

    monkeypatch.setattr(api, "action_of", boom)
    r = server.post("/v1/decisions", "kiro", {"kind": "shell", "payload": {"command": "ls"}})
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
    assert "secret" not in r.text
    for name in HEADERS:
        assert name in r.headers, name
    assert r.headers["cache-control"] == "no-store"


# -- 4. a cookie or CSRF field beyond ASCII ----------------------------------------------------


def test_a_cookie_beyond_ascii_is_not_signed_in_not_a_server_error(server: Server) -> None:
    """Finding 4: a 500 on every page while the cookie stayed."""
    r = server.client.get(
        "/", headers={"cookie": b"keyturn_session=abc.\xe9"}, follow_redirects=False
    )  # type: ignore[dict-item]
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_a_csrf_field_beyond_ascii_is_refused_not_a_server_error(server: Server) -> None:
    """Finding 4: a 500 for the vote and for signing out."""
    request_id = server.ask_rm()["request_id"]
    server.client.post("/login", data={"token": server.tokens["alice"]})
    r = server.client.post(f"/requests/{request_id}/approve", data={"csrf": "é", "reason": "x"})
    assert r.status_code == 403 and "the form has expired" in r.text
    assert server.get(f"/v1/requests/{request_id}", "alice").json()["votes"] == []
    assert server.client.post("/logout", data={"csrf": "é"}).status_code == 403


# -- 5. claims too long for a page -------------------------------------------------------------


@pytest.mark.parametrize("field", ["operator", "session"])
def test_an_agents_claimed_name_of_megabytes_is_refused(server: Server, field: str) -> None:
    """Finding 5: accepted, and shown whole on every page that lists the request."""
    actor = {"operator": "bob", field: "o" * 100_000}
    r = server.post(
        "/v1/decisions",
        "kiro",
        {"kind": "shell", "payload": {"command": "rm -rf ./x", "cwd": "/srv"}, "actor": actor},
    )
    assert r.status_code == 422 and f"actor.{field}" in r.json()["error"]["message"]
    assert server.get("/v1/requests", "alice").json()["requests"] == []


def test_a_reason_of_megabytes_is_refused_and_the_request_stays_open(server: Server) -> None:
    """Finding 5: an agent's cancel (or anyone's vote) kept a reason of any length."""
    request_id = server.ask_rm()["request_id"]
    long = "r" * 5000
    for who, verb in (("kiro", "cancel"), ("alice", "approve"), ("alice", "reject")):
        r = server.post(f"/v1/requests/{request_id}/{verb}", who, {"reason": long})
        assert r.status_code == 422, (verb, r.text)
    shown = server.get(f"/v1/requests/{request_id}", "alice").json()
    assert shown["state"] == "pending" and shown["votes"] == []
    ok = server.post(f"/v1/requests/{request_id}/approve", "alice", {"reason": "r" * 2000})
    assert ok.status_code == 200, ok.text


# -- guards: two-person rule -------------------------------------------------------------------


def test_one_person_with_two_tokens_or_another_spelling_counts_once(server: Server) -> None:
    """False-alarm guard: a second token for alice, ``ALICE`` or a full-width ``ａｌｉｃｅ``,
    never makes her the second of two approvals."""
    from keyturn.store.interface import Store

    store: Store = server.client.app.state.backend.store  # type: ignore[attr-defined]
    more = make_tokens(store, {"ALICE": Role.REVIEWER, "ａｌｉｃｅ": Role.REVIEWER})
    request_id = server.ask_rm()["request_id"]
    assert server.post(f"/v1/requests/{request_id}/approve", "alice", {}).status_code == 200
    # A second live token of one name is refused by the store; a new one is the same name.
    assert (
        server.post("/v1/tokens", "admin", {"name": "alice", "role": "reviewer"}).status_code == 422
    )
    for token in more.values():
        r = server.client.post(
            f"/v1/requests/{request_id}/approve",
            headers={"Authorization": f"Bearer {token}"},
            json={},
        )
        assert r.status_code == 403 and r.json()["error"]["code"] == "approval_refused"
    shown = server.get(f"/v1/requests/{request_id}", "alice").json()
    assert shown["state"] == "pending" and shown["approvals"] == ["alice"]


# -- guards: a grant binds the exact action, once ----------------------------------------------


def _approve(server: Server, request_id: int) -> None:
    for who in ("alice", "carol"):
        r = server.post(f"/v1/requests/{request_id}/approve", who, {"reason": "ok"})
        assert r.status_code == 200, r.text


def _retry(server: Server, **change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "shell",
        "payload": {"command": "rm -rf ./scratch", "cwd": "/srv/app"},
        "environment": "production",
        "actor": {"operator": "bob", "session": "s1"},
    }
    for key, value in change.items():
        if key == "cwd":
            body["payload"]["cwd"] = value
        elif value is None:
            body.pop(key)
        else:
            body[key] = value
    answer: dict[str, Any] = server.post("/v1/decisions", "kiro", body).json()
    return answer


def test_a_grant_does_not_cover_another_directory_or_environment(server: Server) -> None:
    """False-alarm guard: the approved ``rm -rf ./scratch`` in /srv/app is not the same command
    in /srv/prod, nor with the environment left out or respelled; the exact retry still is."""
    request_id = server.ask_rm()["request_id"]
    _approve(server, request_id)
    for change in ({"cwd": "/srv/prod"}, {"environment": None}, {"environment": "Production"}):
        answer = _retry(server, **change)
        assert answer["verdict"] != "allow", change
        assert answer["request_id"] != request_id, change
    assert _retry(server)["verdict"] == "allow"
    assert _retry(server)["verdict"] == "ask"  # once


def test_racing_uses_of_one_grant_on_a_real_server_allow_exactly_one(live: Live) -> None:
    """False-alarm guard: 16 callers at once on SQLite -- grant uses and retried decisions of
    the approved action -- and one of them is allowed."""
    body = {
        "kind": "shell",
        "payload": {"command": "rm -rf ./scratch", "cwd": "/srv/app"},
        "environment": "production",
        "actor": {"operator": "bob", "session": "s1"},
    }
    with httpx.Client(base_url=live.url, timeout=30) as c:
        request_id = c.post("/v1/decisions", headers=live.h("kiro"), json=body).json()["request_id"]
        for who in ("alice", "carol"):
            r = c.post(f"/v1/requests/{request_id}/approve", headers=live.h(who), json={})
            assert r.status_code == 200, r.text
    start = threading.Barrier(16)

    def use(i: int) -> bool:
        with httpx.Client(base_url=live.url, timeout=30) as c:
            start.wait()
            if i % 2:
                r = c.post(
                    "/v1/grants/use", headers=live.h("kiro"), json={"request_id": request_id}
                )
                return r.status_code == 200 and r.json()["verdict"] == "allow"
            r = c.post("/v1/decisions", headers=live.h("kiro"), json=body)
            return r.status_code == 200 and r.json()["verdict"] == "allow"

    with ThreadPoolExecutor(16) as pool:
        allowed = list(pool.map(use, range(16)))
    assert allowed.count(True) == 1, allowed


# -- guards: the pages -------------------------------------------------------------------------


def test_sign_in_goes_home_whatever_a_next_parameter_says(server: Server) -> None:
    """False-alarm guard: no ``next`` is followed (no open redirect after sign-in), and the
    cookie is HttpOnly and SameSite=Strict."""
    for query in ("?next=https://evil.example/", "?next=//evil.example", "?redirect=/\\evil"):
        r = server.client.post(
            "/login" + query, data={"token": server.tokens["alice"]}, follow_redirects=False
        )
        assert r.status_code == 303 and r.headers["location"] == "/", query
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert "evil" not in server.client.get("/login" + query).text


def test_every_vote_form_on_the_page_carries_the_csrf_field(server: Server) -> None:
    """False-alarm guard: each form that posts carries this session's CSRF token."""
    request_id = server.ask_rm()["request_id"]
    server.client.post("/login", data={"token": server.tokens["alice"]})
    page = server.client.get(f"/requests/{request_id}").text
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)
    assert len(forms) >= 3  # sign out, approve, reject
    tokens = {
        html.unescape(m) for f in forms for m in re.findall(r'name="csrf" value="([^"]+)"', f)
    }
    assert len(tokens) == 1 and all('name="csrf"' in f for f in forms)


# -- guards: duplicate keys --------------------------------------------------------------------


def test_a_review_with_a_duplicated_username_is_read_one_way(server: Server) -> None:
    """False-alarm guard: ``userInfo`` naming carol, then alice: the server's actor and the
    understanding's account both take the last (as the API server's own reader does), so
    alice is the author and cannot approve it."""
    review = (
        '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {'
        '"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Namespace"},'
        '"resource": {"group": "", "version": "v1", "resource": "namespaces"},'
        '"name": "orders", "operation": "DELETE",'
        '"userInfo": {"username": "carol", "username": "alice"},'
        '"oldObject": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "orders"}}'
        "}}"
    )
    r = server.client.post(
        "/k8s/admission?context=prod-eu", content=review.encode(), headers=server.h("cluster")
    )
    answer = r.json()["response"]
    assert answer["allowed"] is False
    request_id = int(answer["status"]["message"].split("request ")[1].split(";")[0])
    shown = server.get(f"/v1/requests/{request_id}", "carol").json()
    assert shown["agent"] == "alice" and shown["operator"] == "alice"
    details = json.dumps(shown["decision"])
    assert "by alice" in details and "by carol" not in details
    refused = server.post(f"/v1/requests/{request_id}/approve", "alice", {})
    assert refused.status_code == 403


def test_the_pages_reason_fields_fit_the_servers_limit() -> None:
    """The new reason limit (finding 5) keeps what the page lets a reviewer type (fails
    before only because there was no limit to import)."""
    template = (Path(__file__).parents[2] / "src/keyturn/server/templates/request.html").read_text()
    limits = {int(n) for n in re.findall(r'maxlength="(\d+)"', template)}
    from keyturn.server.limits import MAX_REASON_CHARS

    assert limits and max(limits) <= MAX_REASON_CHARS
