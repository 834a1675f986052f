"""``keyturn token create NAME --role agent|reviewer|admin|cluster`` | ``list`` | ``revoke NAME``.

The token is printed once and stored only as its hash. Once an admin token exists, managing
tokens needs one (``$KEYTURN_TOKEN``); before that, whoever can write the state sets it up.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import time

from keyturn.approval.model import Role
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.bootstrap import hash_token, new_token, open_state
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options, current_holder, settings_of, when
from keyturn.errors import AuthError, InputError
from keyturn.store.interface import Store


def run(argv: list[str]) -> int:
    p = parser("token", "Create, list and revoke the tokens people and agents act with.")
    sub = p.add_subparsers(dest="action", required=True, parser_class=type(p))
    create = sub.add_parser("create", help="create a token (printed once)")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    lst = sub.add_parser("list", help="list tokens (never their values)")
    lst.add_argument("--json", action="store_true")
    revoke = sub.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")
    for sp in (create, lst, revoke):
        add_state_options(sp)
    args = p.parse_args(argv)
    store = open_state(settings_of(args))
    try:
        if args.action == "list":
            return _list(store, as_json=args.json)
        by = _manager(store)
        if args.action == "create":
            return _create(store, name=args.name, role=Role(args.role), by=by)
        store.revoke_token(
            name=args.name, entry=_entry(AuditKind.TOKEN_REVOKED, args.name, None, by)
        )
        print(f"token {args.name} revoked")
        return 0
    finally:
        store.close()


def _manager(store: Store) -> str:
    """Who manages tokens: an admin token's holder, or the local user before any admin exists."""
    if any(t.role is Role.ADMIN and t.revoked_at is None for t in store.list_tokens()):
        holder = current_holder(store)
        if holder.role is not Role.ADMIN:
            raise AuthError(f"{holder.name} is not an admin: managing tokens needs an admin token")
        return holder.name
    return "local:" + (os.environ.get("USER") or getpass.getuser())


def _entry(kind: AuditKind, name: str, role: Role | None, by: str) -> AuditEntry:
    data: dict[str, object] = {"token": name}
    if role is not None:
        data["role"] = role.value
    return AuditEntry(kind=kind, at=time.time(), actor={"name": by}, data=data)


def _create(store: Store, *, name: str, role: Role, by: str) -> int:
    if not name or any(c.isspace() for c in name):
        raise InputError(f"token name {name!r}: expected one word (the person's or agent's name)")
    token = new_token()
    store.create_token(
        name=name,
        role=role,
        token_hash=hash_token(token),
        entry=_entry(AuditKind.TOKEN_CREATED, name, role, by),
    )
    print(token)
    print(f"token for {name} ({role}): shown once; keep it in KEYTURN_TOKEN", file=sys.stderr)
    return 0


def _list(store: Store, *, as_json: bool) -> int:
    tokens = store.list_tokens()
    if as_json:
        rows = [
            {
                "name": t.name,
                "role": t.role.value,
                "created_at": t.created_at,
                "revoked_at": t.revoked_at,
            }
            for t in tokens
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for t in tokens:
        state = f"revoked {when(t.revoked_at)}" if t.revoked_at else "live"
        print(f"{t.name:<20} {t.role.value:<9} created {when(t.created_at)}  {state}")
    return 0
