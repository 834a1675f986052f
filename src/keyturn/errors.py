"""One error tree for keyturn.

Every error has a stable ``code`` (for machines and docs) and a message that tells the user what
to do next. The CLI catches only :class:`KeyturnError` and maps it to an exit code; anything else
reaching the top is a bug in keyturn and exits 1.
"""

from __future__ import annotations

from typing import ClassVar

# Exit codes of the whole CLI (BRIEF §4.3).
EXIT_ALLOW = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_ASK = 3
EXIT_DENY = 4


class KeyturnError(Exception):
    """Base of every error keyturn raises on purpose."""

    code: ClassVar[str] = "keyturn_error"
    exit_code: ClassVar[int] = EXIT_INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(KeyturnError):
    """Input keyturn was asked to judge or read is malformed (plan, review, JSON, command)."""

    code = "bad_input"
    exit_code = EXIT_BAD_INPUT


class UsageError(InputError):
    """The command line itself is wrong (unknown flag, missing argument)."""

    code = "bad_usage"


class PolicyError(InputError):
    """The policy file does not load. keyturn then refuses everything (fail closed)."""

    code = "bad_policy"


class NotFoundError(InputError):
    """Something that was asked for does not exist (a request id, a token, a file)."""

    code = "not_found"


class StoreError(KeyturnError):
    """The state store failed (unreachable, read-only, full). Callers must refuse, never allow."""

    code = "store_failure"


class AuditError(KeyturnError):
    """The audit log could not be appended or does not verify. Callers must refuse."""

    code = "audit_failure"


class ApprovalError(KeyturnError):
    """An approval step was refused (wrong person, wrong state, wrong digest, expired)."""

    code = "approval_refused"
    exit_code = EXIT_DENY


class AuthError(KeyturnError):
    """Missing or invalid credentials (token)."""

    code = "unauthorized"
    exit_code = EXIT_BAD_INPUT
