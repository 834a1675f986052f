"""The one place that wires settings -> store -> policy -> gate.

Settings come from the command line and the environment once, into a frozen :class:`Settings`
(secrets hidden from ``repr``). Only this module knows which store is in use: SQLite in
``$KEYTURN_HOME/keyturn.db`` by default, PostgreSQL when ``--database postgresql://...`` or
``$KEYTURN_DATABASE`` says so (``?schema=NAME`` selects a schema).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from keyturn.audit.redaction import Redactor
from keyturn.audit.signing import Signer, load_public_key
from keyturn.errors import AuthError, InputError, StoreError
from keyturn.gate import Gate
from keyturn.store.interface import Store, TokenRecord
from keyturn.store.urls import redact_url

if TYPE_CHECKING:
    from keyturn.policy import Policy

DB_FILE = "keyturn.db"
SIGNING_KEY_FILE = "audit-signing.key"
PUBLIC_KEY_FILE = "audit-signing.pub"
POLICY_FILE = "keyturn.yaml"
TOKEN_PREFIX = "kt_"  # noqa: S105 (a prefix, not a secret)


@dataclass(frozen=True, slots=True)
class Settings:
    """Where keyturn keeps its state and finds its policy."""

    home: Path
    policy_path: Path
    database_url: str | None = field(default=None, repr=False)
    checkpoint_every: int = 100

    def __repr__(self) -> str:
        db = redact_url(self.database_url) if self.database_url else str(self.sqlite_path)
        return f"Settings(home={str(self.home)!r}, policy={str(self.policy_path)!r}, db={db!r})"

    @property
    def sqlite_path(self) -> Path:
        return self.home / DB_FILE

    @property
    def signing_key_path(self) -> Path:
        return self.home / SIGNING_KEY_FILE

    @property
    def public_key_path(self) -> Path:
        return self.home / PUBLIC_KEY_FILE


def load_settings(
    *,
    home: str | None = None,
    database: str | None = None,
    policy: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from explicit options, then the environment, then the defaults."""
    env = os.environ if environ is None else environ
    from keyturn.paths import keyturn_home

    home_dir = keyturn_home(env, explicit=home)
    _check_home(
        home_dir, given="--home" if home else "KEYTURN_HOME" if env.get("KEYTURN_HOME") else None
    )
    url = database or env.get("KEYTURN_DATABASE") or None
    if url is not None and not url.startswith(("postgresql://", "postgres://")):
        raise InputError(f"--database: expected a postgresql:// URL, got {redact_url(url)!r}")
    return Settings(
        home=home_dir.absolute(),
        policy_path=_policy_path(policy, env, home_dir),
        database_url=url,
    )


def _check_home(home: Path, *, given: str | None) -> None:
    """Refuse a state directory that is a file, or lies under one (bad input, exit 2: a
    misconfigured ``--home`` or ``KEYTURN_HOME``, not a failure of keyturn's own)."""
    where = f"{given}: " if given else ""
    for path in (home, *home.parents):
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as exc:
            raise InputError(f"{where}cannot use the state directory {home} ({exc})") from exc
        if is_dir:
            return
        if exists:
            what = "is not a directory" if path == home else f"lies under {path}, not a directory"
            raise InputError(f"{where}the state directory {home} {what}")


def _policy_path(explicit: str | None, env: Mapping[str, str], home: Path) -> Path:
    """The policy file (:func:`keyturn.paths.policy_path`: one chain for every verb)."""
    from keyturn.paths import policy_path

    return policy_path(explicit, env, home=home)


def load_signer(settings: Settings) -> Signer | None:
    """The audit signing key made by ``keyturn init`` (``None`` when there is none yet)."""
    try:
        data = settings.signing_key_path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(
            f"{settings.signing_key_path}: cannot read the signing key ({exc})"
        ) from exc
    return Signer.from_pem(data)


def load_public_key_file(path: Path):  # type: ignore[no-untyped-def]
    """The Ed25519 public key in PEM file ``path`` (``InputError`` naming it otherwise)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the public key ({exc.strerror})") from None
    return load_public_key(data, source=str(path))


def open_store(settings: Settings, *, signer: Signer | None = None, migrate: bool = True) -> Store:
    """The configured store, migrated to the latest schema."""
    store: Store
    if settings.database_url is not None:
        from keyturn.store.postgres import PostgresStore

        url, schema = _split_schema(settings.database_url)
        store = PostgresStore(
            url, schema=schema, signer=signer, checkpoint_every=settings.checkpoint_every
        )
    else:
        from keyturn.store.sqlite import SqliteStore

        try:
            settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreError(f"cannot create {settings.home}: {exc.strerror}") from None
        store = SqliteStore(
            settings.sqlite_path, signer=signer, checkpoint_every=settings.checkpoint_every
        )
    if migrate:
        store.migrate()
    return store


def _split_schema(url: str) -> tuple[str, str | None]:
    """Take keyturn's own ``schema=`` parameter off a PostgreSQL URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def open_state(settings: Settings) -> Store:
    """The store with the signing key (when ``init`` made one): what every verb uses."""
    return open_store(settings, signer=load_signer(settings))


def build_gate(
    settings: Settings, *, store: Store | None = None, policy: Policy | None = None
) -> Gate:
    """Load the policy (``PolicyError`` if it does not load: then nothing runs; a caller that
    loaded it already passes it), note it in the audit log when it changed, and build the gate
    on the configured store."""
    from keyturn.policy import load_policy_file

    # keyturn's own state is guarded from agents (the policy file is guarded by its loader).
    if policy is None:
        policy = load_policy_file(settings.policy_path, guarded_paths=(settings.home,))
    state = store or open_state(settings)
    state.note_policy(digest=policy.digest, source=str(settings.policy_path), now=time.time())
    return Gate(
        policy=policy,
        store=state,
        clock=time.time,
        sleep=time.sleep,
        redactor=Redactor(install_secret(settings.home)),
    )


# -- the install's secret ----------------------------------------------------------------------

INSTALL_SECRET_FILE = "session-secret"  # noqa: S105 (a file name)


def install_secret(home: Path) -> bytes:
    """The install's secret: ``$KEYTURN_SESSION_SECRET``, else a 0600 file in home made on first
    use. It keys the reviewers' session cookies and the fingerprints of redacted secrets;
    servers sharing a database share it through the same home or that variable."""
    env = os.environ.get("KEYTURN_SESSION_SECRET")
    if env:
        return env.encode()
    path = home / INSTALL_SECRET_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    create_private_once(path, secrets.token_bytes(32))
    return path.read_bytes()


# -- tokens ----------------------------------------------------------------------------------------


def new_token() -> str:
    """A fresh high-entropy token (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """How a token is stored. A plain SHA-256 suffices for 256-bit random tokens: there is
    nothing to brute-force."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(store: Store, token: str | None) -> TokenRecord:
    """The holder of ``token`` (from ``$KEYTURN_TOKEN``); ``AuthError`` when it is missing,
    unknown or revoked."""
    if not token:
        raise AuthError("this needs a token: set KEYTURN_TOKEN (see 'keyturn token create')")
    # The store looks the token up by its SHA-256. An index compare is not constant-time, but
    # what timing could reveal is a prefix of a hash of a 256-bit secret: nothing usable.
    record = store.find_token(hash_token(token.strip()))
    if record is None:
        raise AuthError("KEYTURN_TOKEN is not a valid token (unknown or revoked)")
    return record


def create_private_once(path: Path, data: bytes) -> None:
    """Create the secret file ``path`` (0600) holding ``data`` unless it exists already. Two
    processes making it at once agree on one content: the first link wins, the other keeps
    what is there."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    _write_synced(tmp, data, os.O_EXCL)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def write_private(path: Path, data: bytes) -> None:
    """Write a secret file readable by its owner only (0600), created atomically."""
    tmp = path.with_name(path.name + ".tmp")
    _write_synced(tmp, data, os.O_TRUNC)
    os.replace(tmp, path)


def _write_synced(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new 0600 file (``mode``: ``O_EXCL`` or ``O_TRUNC``), on disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
