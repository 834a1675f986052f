"""The versioned schema. Migrations only ever append; a database records which it has run in
``schema_migrations``. Statements are written once, with ``{serial}`` / ``{real}`` /
``{bigint}`` filled in per dialect."""

from __future__ import annotations

from keyturn.audit.chain import GENESIS

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "tokens, requests, votes, grants, audit log, checkpoints",
        (
            """CREATE TABLE tokens (
                id {serial}, name TEXT NOT NULL, role TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE, created_at {real} NOT NULL, revoked_at {real})""",
            "CREATE UNIQUE INDEX tokens_live_name ON tokens(name) WHERE revoked_at IS NULL",
            """CREATE TABLE requests (
                id {serial}, digest TEXT NOT NULL, policy_digest TEXT NOT NULL,
                agent TEXT NOT NULL, operator TEXT NOT NULL, requester TEXT NOT NULL,
                session TEXT, environment TEXT NOT NULL, summary TEXT NOT NULL,
                approvals_required INTEGER NOT NULL, reviewer_groups TEXT NOT NULL,
                eligible TEXT NOT NULL, decision TEXT NOT NULL, ttl_seconds {real} NOT NULL,
                grant_ttl_seconds {real} NOT NULL, state TEXT NOT NULL,
                created_at {real} NOT NULL, expires_at {real} NOT NULL, closed_at {real},
                closed_by TEXT, close_reason TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX requests_open ON requests(digest, agent, operator, state)",
            "CREATE INDEX requests_state ON requests(state)",
            """CREATE TABLE votes (
                request_id {bigint} NOT NULL REFERENCES requests(id), reviewer TEXT NOT NULL,
                vote TEXT NOT NULL, reason TEXT NOT NULL, at {real} NOT NULL,
                PRIMARY KEY (request_id, reviewer))""",
            """CREATE TABLE grants (
                id {serial}, request_id {bigint} NOT NULL UNIQUE REFERENCES requests(id),
                digest TEXT NOT NULL, agent TEXT NOT NULL, operator TEXT NOT NULL,
                created_at {real} NOT NULL, expires_at {real} NOT NULL, used_at {real})""",
            "CREATE INDEX grants_digest ON grants(digest, agent, operator)",
            """CREATE TABLE audit_log (
                seq {bigint} PRIMARY KEY, record TEXT NOT NULL, chain TEXT NOT NULL)""",
            """CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1), seq {bigint} NOT NULL,
                chain TEXT NOT NULL)""",
            f"INSERT INTO audit_head (id, seq, chain) VALUES (1, 0, '{GENESIS.hex()}')",  # noqa: S608
            """CREATE TABLE audit_checkpoints (
                seq {bigint} PRIMARY KEY, chain TEXT NOT NULL, at TEXT NOT NULL,
                key_id TEXT NOT NULL, signature TEXT NOT NULL)""",
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ),
    ),
    (
        2,
        "grants can be revoked before they are used",
        ("ALTER TABLE grants ADD COLUMN revoked_at {real}",),
    ),
)

LATEST = MIGRATIONS[-1][0]
