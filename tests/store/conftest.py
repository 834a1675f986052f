"""The store under test, once per backend: SQLite in a temporary file, PostgreSQL in a fresh
schema of the shared test server (dropped afterwards), so tests never see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from keyturn.audit.signing import Signer
from keyturn.store.interface import Store

from .helpers import PG_URL, open_backend


@pytest.fixture(scope="session")
def signer() -> Signer:
    return Signer.generate()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """How to reach a fresh, empty store of one backend (picklable, for child processes)."""
    if request.param == "sqlite":
        yield {"kind": "sqlite", "path": str(tmp_path / "keyturn.db")}
        return
    schema = "kt_" + uuid.uuid4().hex[:12]
    yield {"kind": "postgres", "url": PG_URL, "schema": schema}
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture()
def store(backend: dict[str, str], signer: Signer) -> Iterator[Store]:
    s = open_backend(backend, signer=signer, every=5)
    yield s
    s.close()
