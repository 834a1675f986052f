"""The December 2025 scenario, seeded for ``keyturn serve --demo`` (``make run``).

Agent ``kiro``, acting for operator ``bob``, submits a Terraform plan in workspace ``prod`` that
deletes and recreates the production environment of a service (VPC, subnet, database, ECS
cluster and service, load balancer). The policy holds it for two reviews from ``sre`` (alice,
bob, carol) -- bob, the operator, cannot be one of them. Demo tokens for alice, bob, carol, kiro
and an admin are created once and kept in ``$KEYTURN_HOME/demo-tokens.json`` (0600) so a second
run prints the same ones; the pending request is opened once (the gate finds it again).
"""

from __future__ import annotations

import contextlib
import json
import time
from importlib import resources
from pathlib import Path

from keyturn.approval.model import RequestState, Role
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.bootstrap import Settings, authenticate, hash_token, new_token, write_private
from keyturn.errors import AuthError, InputError, NotFoundError
from keyturn.gate import Gate
from keyturn.model import Actor, Target
from keyturn.store.interface import Store

DEMO_TOKENS_FILE = "demo-tokens.json"
DEMO_PEOPLE = (
    ("alice", Role.REVIEWER),
    ("bob", Role.REVIEWER),
    ("carol", Role.REVIEWER),
    ("kiro", Role.AGENT),
    ("admin", Role.ADMIN),
)
DEMO_ACTOR = Actor(agent="kiro", operator="bob", session="kiro-2025-12-cost-explorer")


def demo_file(name: str) -> str:
    """The text of a file shipped in ``keyturn/server/demo``."""
    return (resources.files("keyturn.server") / "demo" / name).read_text(encoding="utf-8")


def ensure_demo_policy(settings: Settings) -> bool:
    """Write the demo policy (the BRIEF's, with kiro and reviewers alice/bob/carol) when the
    configured policy file does not exist; ``True`` when written."""
    path = settings.policy_path
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(demo_file("keyturn.yaml"), encoding="utf-8")
    return True


def ensure_tokens(store: Store, home: Path) -> dict[str, str]:
    """The demo tokens, created on first run and reused after (re-created if revoked)."""
    path = home / DEMO_TOKENS_FILE
    try:
        known: dict[str, str] = json.loads(path.read_text())
    except (OSError, ValueError):
        known = {}
    tokens: dict[str, str] = {}
    for name, role in DEMO_PEOPLE:
        token = known.get(name)
        if token and _live(store, token):
            tokens[name] = token
            continue
        tokens[name] = _create(store, name, role)
    write_private(path, json.dumps(tokens, indent=2).encode())
    return tokens


def _live(store: Store, token: str) -> bool:
    try:
        authenticate(store, token)
    except AuthError:
        return False
    return True


def _create(store: Store, name: str, role: Role) -> str:
    token = new_token()
    now = time.time()
    entry = AuditEntry(
        kind=AuditKind.TOKEN_CREATED,
        at=now,
        actor={"name": "keyturn-demo"},
        data={"token": name, "role": role.value},
    )
    try:
        store.create_token(name=name, role=role, token_hash=hash_token(token), entry=entry)
    except InputError:
        # The name is taken by a token whose value we no longer have: replace it.
        revoke = AuditEntry(
            kind=AuditKind.TOKEN_REVOKED,
            at=now,
            actor={"name": "keyturn-demo"},
            data={"token": name},
        )
        with contextlib.suppress(NotFoundError):
            store.revoke_token(name=name, entry=revoke)
        store.create_token(name=name, role=role, token_hash=hash_token(token), entry=entry)
    return token


def seed_request(gate: Gate) -> str | None:
    """Open (or find) the pending review of kiro's delete-and-recreate plan; its id."""
    from keyturn.server.details import bound_to_view, save_details, terraform_details
    from keyturn.understand.terraform import understand_terraform

    text = demo_file("prod-recreate.plan.json")
    action = understand_terraform(
        text, source="prod-recreate.plan.json", target=Target(terraform_workspace="prod")
    )
    # Bound to the reviewers' view as the server binds a plan it is sent.
    view = terraform_details(json.loads(text))
    action, details = bound_to_view(action, view, redactor=gate.redactor)
    recorded, _ = gate.redactor.action(action)  # the digest the gate records it under
    for request in gate.store.list_requests(states=[RequestState.PENDING]):
        if request.draft.digest == recorded.digest and request.draft.agent == DEMO_ACTOR.agent:
            return str(request.id)
    outcome = gate.submit(action, actor=DEMO_ACTOR, requester="kiro", consume_grant=False)
    save_details(gate.store, digest=recorded.digest, details=details)
    return outcome.request_id
