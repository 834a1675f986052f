"""Ed25519-signed checkpoints: a signature over (seq, chain value) at a point of the log.

A checkpoint commits to everything before it: with the public key alone, anyone can recompute
the chain from the records and check that it passes through every signed checkpoint. The signed
message is ``b"keyturn.audit.checkpoint/1\\x00" + canonical_json({"seq", "chain", "key_id",
"at"})``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from keyturn.errors import InputError
from keyturn.model import canonical_json

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

# cryptography is imported where a key is used, not with this module: every store imports
# ``Checkpoint``, and a hook that records a decision on a store without a signing key should
# not pay a fifth of its start-up for it.

CHECKPOINT_PREFIX = b"keyturn.audit.checkpoint/1\x00"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement "the chain value after record ``seq`` is ``chain``"."""

    seq: int
    chain: str
    at: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        """The bytes that are signed."""
        body = {"seq": self.seq, "chain": self.chain, "at": self.at, "key_id": self.key_id}
        return CHECKPOINT_PREFIX + canonical_json(body)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "chain": self.chain,
            "at": self.at,
            "key_id": self.key_id,
            "signature": self.signature,
        }


def key_id(public: Ed25519PublicKey) -> str:
    """A short stable name of a public key: the first 16 hex digits of SHA-256 of its bytes."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


class Signer:
    """Signs checkpoints with one Ed25519 private key."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = private.public_key()
        self.key_id = key_id(self.public)

    def __repr__(self) -> str:
        return f"Signer(key_id={self.key_id!r})"

    @classmethod
    def generate(cls) -> Signer:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, data: bytes) -> Signer:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise InputError("audit signing key: not an Ed25519 private key")
        return cls(key)

    def private_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def public_pem(self) -> bytes:
        return public_pem(self.public)

    def sign(self, *, seq: int, chain: str, at: str) -> Checkpoint:
        unsigned = Checkpoint(seq=seq, chain=chain, at=at, key_id=self.key_id, signature="")
        signature = self._private.sign(unsigned.message())
        return Checkpoint(
            seq=seq,
            chain=chain,
            at=at,
            key_id=self.key_id,
            signature=base64.b64encode(signature).decode("ascii"),
        )


def public_pem(public: Ed25519PublicKey) -> bytes:
    """The PEM (SubjectPublicKeyInfo) encoding of a public key: what ``init`` exports."""
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(data: bytes, *, source: str) -> Ed25519PublicKey:
    """A public key from PEM bytes; ``InputError`` naming ``source`` otherwise."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise InputError(f"{source}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{source}: not an Ed25519 public key")
    return key


def signature_valid(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    """Whether the checkpoint's signature verifies under ``public``."""
    from cryptography.exceptions import InvalidSignature

    try:
        raw = base64.b64decode(checkpoint.signature, validate=True)
        public.verify(raw, checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True
