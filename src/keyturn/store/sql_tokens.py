"""API tokens in SQL: create, revoke (each recorded in the audit log), find and list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from keyturn.approval.model import Role
from keyturn.audit.record import AuditEntry
from keyturn.errors import InputError, NotFoundError
from keyturn.store.interface import TokenRecord
from keyturn.store.sql_audit import SqlAudit


class SqlTokens(SqlAudit):
    """The token table of the SQL store. Not for direct use."""

    def create_token(
        self, *, name: str, role: Role, token_hash: str, entry: AuditEntry
    ) -> TokenRecord:
        with self._lock, self._write() as cur:
            taken = self._x(
                cur, "SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL", (name,)
            ).fetchone()
            if taken:
                raise InputError(f"a token named {name!r} exists; revoke it first")
            row = self._x(
                cur,
                "INSERT INTO tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (name, role.value, token_hash, entry.at),
            ).fetchone()
            self._append(cur, [entry])
        return TokenRecord(id=int(row[0]), name=name, role=role, created_at=entry.at)

    def revoke_token(self, *, name: str, entry: AuditEntry) -> None:
        with self._lock, self._write() as cur:
            n = self._x(
                cur,
                "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (entry.at, name),
            ).rowcount
            if n != 1:
                raise NotFoundError(f"no live token named {name!r}")
            self._append(cur, [entry])

    def find_token(self, token_hash: str) -> TokenRecord | None:
        with self._lock, self._read() as cur:
            row = self._x(
                cur,
                "SELECT id, name, role, created_at, revoked_at FROM tokens "
                "WHERE token_hash = ? AND revoked_at IS NULL",
                (token_hash,),
            ).fetchone()
        return None if row is None else _token(row)

    def list_tokens(self) -> list[TokenRecord]:
        with self._lock, self._read() as cur:
            rows = self._x(
                cur, "SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id"
            ).fetchall()
        return [_token(r) for r in rows]


def _token(row: Sequence[Any]) -> TokenRecord:
    return TokenRecord(
        id=int(row[0]),
        name=row[1],
        role=Role(row[2]),
        created_at=float(row[3]),
        revoked_at=None if row[4] is None else float(row[4]),
    )
