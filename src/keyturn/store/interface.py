"""The storage interface every backend implements, and the contract the tests hold it to.

Every write runs in one transaction that holds the store's single write lock (SQLite
``BEGIN IMMEDIATE``; PostgreSQL a row lock on the audit head), so state changes and their audit
records commit together or not at all, and two writers never interleave: two reviewers voting
at the same moment, two processes using one grant, a revocation and a use of one grant, or two
servers appending to the audit chain are serialised, and exactly one of them wins a race.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from keyturn.approval.machine import Transition
from keyturn.approval.model import ApprovalRequest, Grant, RequestDraft, RequestState, Role
from keyturn.audit.evidence import StateEvidence
from keyturn.audit.record import AuditEntry, StoredRecord
from keyturn.audit.signing import Checkpoint


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A token as stored: its holder's name and role, never the token itself."""

    id: int
    name: str
    role: Role
    created_at: float
    revoked_at: float | None = None


Step = Callable[[ApprovalRequest], Transition]


@dataclass(frozen=True, slots=True)
class AuditSnapshot:
    """The audit log as of one moment: what ``keyturn audit verify`` checks."""

    records: tuple[StoredRecord, ...]
    checkpoints: tuple[Checkpoint, ...]
    # ``None`` when the head row is gone (deleted behind keyturn's back): verify reports it.
    head: tuple[int, str] | None


class Store(ABC):
    """Durable state of keyturn. Methods that take ``now`` never read the clock themselves."""

    @abstractmethod
    def migrate(self) -> int:
        """Bring the schema up to date (idempotent, safe to race); return its version."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version in the database (0 when empty)."""

    @abstractmethod
    def close(self) -> None: ...

    # -- tokens ---------------------------------------------------------------------------------

    @abstractmethod
    def create_token(
        self, *, name: str, role: Role, token_hash: str, entry: AuditEntry
    ) -> TokenRecord:
        """Store a new token (``InputError`` if the name is taken) and audit ``entry``."""

    @abstractmethod
    def revoke_token(self, *, name: str, entry: AuditEntry) -> None:
        """Revoke the live token called ``name`` (``NotFoundError`` if none)."""

    @abstractmethod
    def find_token(self, token_hash: str) -> TokenRecord | None:
        """The live (unrevoked) token with this hash."""

    @abstractmethod
    def list_tokens(self) -> list[TokenRecord]: ...

    # -- requests and grants --------------------------------------------------------------------

    @abstractmethod
    def open_request(
        self, draft: RequestDraft, *, now: float, entry: AuditEntry
    ) -> tuple[ApprovalRequest, bool]:
        """The pending request for the same digest, agent and operator, or a new one (with
        ``entry`` audited, its ``data.request`` filled in). ``True`` when it was opened now."""

    @abstractmethod
    def get_request(self, request_id: int) -> ApprovalRequest:
        """The request with its votes and grant; ``NotFoundError`` when there is none."""

    @abstractmethod
    def list_requests(
        self, *, states: Iterable[RequestState] | None = None
    ) -> list[ApprovalRequest]:
        """Requests in these states (all when ``None``), oldest first."""

    @abstractmethod
    def transition(self, request_id: int, step: Step, *, now: float) -> ApprovalRequest:
        """Run ``step`` on the request under the write lock and write its result. A refused
        step is still written (its audit records, an expiry found on the way) and then raised
        as ``ApprovalError`` (``ConflictError`` when the request's state rules it out). A step
        revoking a grant marks it only if it is still unused: when a use got there first the
        whole step is rolled back and ``ConflictError`` raised."""

    @abstractmethod
    def expire_due(self, *, now: float) -> int:
        """Expire every pending request whose time is up (audited); return how many."""

    @abstractmethod
    def consume_grant(
        self,
        *,
        digest: str,
        agent: str,
        operator: str,
        now: float,
        actor: dict[str, str | None],
        grant_id: int | None = None,
    ) -> Grant | None:
        """Use, once, an approved grant for exactly this digest, agent and operator, unless it
        was revoked. Without ``grant_id``: the oldest usable one, or ``None``. With
        ``grant_id``: that one, or ``ApprovalError`` saying why it cannot be used (audited)."""

    # -- audit ----------------------------------------------------------------------------------

    @abstractmethod
    def append_audit(self, entries: Sequence[AuditEntry]) -> list[StoredRecord]:
        """Append records to the chain (one transaction); ``AuditError`` if it cannot."""

    @abstractmethod
    def note_policy(self, *, digest: str, source: str, now: float) -> bool:
        """Audit a policy load when its digest differs from the last one noted."""

    @abstractmethod
    def audit_records(self, *, after: int = 0) -> Iterator[StoredRecord]:
        """Records with ``seq > after``, in stored order."""

    @abstractmethod
    def audit_head(self) -> tuple[int, str]:
        """``(seq, chain hex)`` of the last record (``(0, GENESIS hex)`` when empty)."""

    @abstractmethod
    def checkpoints(self) -> list[Checkpoint]: ...

    @abstractmethod
    def checkpoint(self, *, now: float) -> Checkpoint | None:
        """Sign a checkpoint at the head now (``None`` without a signing key or records)."""

    def audit_snapshot(self) -> AuditSnapshot:
        """The records, checkpoints and head as of one moment, for verification: read apart,
        a record appended between the reads makes a sound log look cut or extended. A backend
        reads them in one snapshot; this default is for a store nobody writes meanwhile."""
        return AuditSnapshot(
            records=tuple(self.audit_records()),
            checkpoints=tuple(self.checkpoints()),
            head=self.audit_head(),
        )

    # -- what reviewers see beside a request ---------------------------------------------------

    @abstractmethod
    def keep_details(self, *, digest: str, text: str) -> None:
        """Keep ``text`` (a reviewer's extra view of an action) for ``digest``; the first write
        wins (equal digest, equal action)."""

    @abstractmethod
    def details(self, digest: str) -> str | None:
        """The text kept for ``digest``, or ``None``."""

    # -- the pages' sessions ----------------------------------------------------------------------

    @abstractmethod
    def end_session(self, *, session_id: str, expires_at: float, now: float) -> None:
        """Record that the session ``session_id`` was signed out; kept until ``expires_at``
        (when its cookie stops working anyway). Ends older than ``now`` may be dropped."""

    @abstractmethod
    def session_ended(self, session_id: str) -> bool:
        """Whether ``session_id`` was signed out (through any server on this store)."""


def records_of(store: Store, seqs: Sequence[int]) -> list[StoredRecord]:
    """The stored records with these numbers (for tests and trace)."""
    wanted = set(seqs)
    return [r for r in store.audit_records() if r.seq in wanted]


def state_evidence(store: Store) -> StateEvidence:
    """What ``store``'s requests, votes and grants say, which its audit log must agree with
    (read before the log's snapshot: see :class:`~keyturn.audit.verify.StateEvidence`)."""
    return StateEvidence.of_requests(store.list_requests())
