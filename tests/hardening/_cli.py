"""Running the real ``keyturn`` command in a child process against a state home."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

KEYTURN = str(Path(sys.executable).with_name("keyturn"))
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def keyturn_env(tmp: Path, policy_text: str, *, database: str | None = None) -> dict[str, str]:
    """An environment with its own policy, state home and (optionally) PostgreSQL URL."""
    policy = tmp / "keyturn.yaml"
    policy.write_text(policy_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYTURN_", "AWS_"))}
    env.update(KEYTURN_POLICY=str(policy), KEYTURN_HOME=str(tmp / "state"), USER="olivia")
    if database:
        env["KEYTURN_DATABASE"] = database
    return env


def keyturn(
    env: dict[str, str],
    *args: str,
    timeout: float = 60,
    preexec: Callable[[], None] | None = None,
) -> Run:
    done = subprocess.run(
        [KEYTURN, *args],
        capture_output=True,
        env=env,
        timeout=timeout,
        check=False,
        preexec_fn=preexec,
    )
    return Run(done.returncode, done.stdout.decode(), done.stderr.decode())


@contextmanager
def pg_schema_url() -> Iterator[str]:
    """A ``postgresql://…?schema=NAME`` URL of a fresh schema, dropped afterwards."""
    schema = "kt_" + uuid.uuid4().hex[:12]
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
