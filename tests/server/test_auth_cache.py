"""Authenticated tokens are cached for a moment, but a revocation through the server is
effective at once."""

from __future__ import annotations

from tests.server.conftest import Server


def test_revoked_token_is_refused_at_once_despite_the_cache(server: Server) -> None:
    created = server.post("/v1/tokens", "admin", {"name": "temp-agent", "role": "agent"})
    assert created.status_code in (200, 201), created.text
    token = created.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert server.client.get("/v1/requests", headers=headers).status_code == 200  # now cached
    revoked = server.client.delete(
        "/v1/tokens/temp-agent", headers={"Authorization": f"Bearer {server.tokens['admin']}"}
    )
    assert revoked.status_code == 200, revoked.text
    refused = server.client.get("/v1/requests", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"


def test_a_token_one_character_off_is_refused(server: Server) -> None:
    token = server.tokens["alice"]
    twisted = token[:-1] + ("A" if token[-1] != "A" else "B")
    r = server.client.get("/v1/requests", headers={"Authorization": f"Bearer {twisted}"})
    assert r.status_code == 401
