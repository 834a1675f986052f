"""``keyturn init``: write the starter policy (unless present), create the state database and
the Ed25519 key that signs audit checkpoints.

The signing key is never replaced, even with ``--force`` (that only rewrites the policy):
checkpoints signed by a lost key could no longer be verified.
"""

from __future__ import annotations

import shutil
import sys

from keyturn.audit.signing import Signer
from keyturn.bootstrap import Settings, load_signer, open_store, write_private
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options, settings_of
from keyturn.errors import InputError


def run(argv: list[str]) -> int:
    p = parser("init", "Set up keyturn: starter policy, state database, audit signing key.")
    add_state_options(p, policy=True)
    p.add_argument("--force", action="store_true", help="overwrite an existing policy file")
    p.add_argument(
        "--print-public-key", action="store_true", help="print the audit public key (PEM)"
    )
    args = p.parse_args(argv)
    settings = settings_of(args)
    made_home = not settings.home.exists()
    # The database first: when it cannot be reached or migrated, nothing else is written (and a
    # state directory made for it goes again), so a failed init leaves no half-set-up home.
    try:
        version = _migrated(settings)
    except BaseException:
        if made_home:
            shutil.rmtree(settings.home, ignore_errors=True)
        raise
    policy_note = _write_policy(settings, force=args.force)
    signer, key_note = _ensure_key(settings)
    if args.print_public_key:
        sys.stdout.write(signer.public_pem().decode("ascii"))
        return 0
    where = "PostgreSQL" if settings.database_url else str(settings.sqlite_path)
    print(f"policy: {settings.policy_path} ({policy_note})")
    print(f"state: {where} (schema version {version})")
    print(f"audit signing key: {settings.signing_key_path} ({key_note}, key id {signer.key_id})")
    print(f"audit public key: {settings.public_key_path}")
    print(
        "next: edit the policy (reviewers, environments, protected), then\n"
        "  keyturn policy lint                      # the holes that caused real incidents\n"
        "  keyturn policy explain --agent NAME      # what an agent can really do\n"
        "  keyturn hook install claude-code         # or codex, gemini, cursor, kiro\n"
        "  keyturn token create alice --role reviewer"
    )
    return 0


def _migrated(settings: Settings) -> int:
    """Create or migrate the state database; its schema version. Nothing is signed yet: the
    signing key is written only once the database is known to work."""
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = open_store(settings, signer=None)
    try:
        return store.schema_version()
    finally:
        store.close()


def _write_policy(settings: Settings, *, force: bool) -> str:
    path = settings.policy_path
    if path.exists() and not force:
        return "kept"
    from keyturn.policy import load_policy
    from keyturn.policy.starter import starter_policy_text

    text = starter_policy_text()
    load_policy(text, source=str(path))  # never write a starter that would not load
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the policy ({exc.strerror})") from None
    return "written"


def _ensure_key(settings: Settings) -> tuple[Signer, str]:
    signer = load_signer(settings)
    if signer is not None:
        note = "kept"
    else:
        signer = Signer.generate()
        write_private(settings.signing_key_path, signer.private_pem())
        note = "created"
    settings.public_key_path.write_bytes(signer.public_pem())
    return signer, note
