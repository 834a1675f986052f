"""The policy: load and validate the policy file, compile it, judge actions (BRIEF §4.1).

``load_policy(text)`` / ``load_policy_file(path)`` give a :class:`Policy`; ``Policy.judge``
turns an understood :class:`~keyturn.model.Action` into a :class:`~keyturn.model.Decision`.
A policy that does not load raises :class:`~keyturn.errors.PolicyError` (one line naming file,
line and key); callers then refuse everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from keyturn.errors import PolicyError
from keyturn.policy.engine import Policy
from keyturn.policy.loader import MAX_POLICY_BYTES, load_yaml
from keyturn.policy.schema import AwsCredential, Credentials, Settings
from keyturn.policy.validate import build_document

__all__ = [
    "AwsCredential",
    "Credentials",
    "Policy",
    "Settings",
    "load_policy",
    "load_policy_file",
]


def load_policy(
    text: str | bytes,
    *,
    source: str = "keyturn.yaml",
    guarded_paths: Iterable[str | os.PathLike[str]] | None = None,
    private_paths: Iterable[str | os.PathLike[str]] = (),
) -> Policy:
    """Parse, validate and compile a policy; ``source`` names the file in error messages.

    ``guarded_paths`` are keyturn's own files no agent may change (the policy file, the state
    directory), on top of the built-in patterns (any ``keyturn.yaml``, ``~/.keyturn``, the
    agents' hook settings). By default: ``source`` when it is an absolute path.
    ``private_paths`` (the state directories) are guarded too, and not even read.
    """
    if guarded_paths is None:
        guarded_paths = (source,) if source.startswith("/") or source[1:3] == ":/" else ()
    return Policy(
        build_document(load_yaml(text, source=source)),
        guarded_paths=tuple(os.fspath(p) for p in guarded_paths),
        private_paths=tuple(os.fspath(p) for p in private_paths),
    )


def load_policy_file(
    path: str | os.PathLike[str],
    *,
    guarded_paths: Iterable[str | os.PathLike[str]] = (),
) -> Policy:
    """Load the policy file at ``path``; unreadable or invalid files raise PolicyError.

    The file itself (absolute) is always guarded, plus ``guarded_paths``: the state
    directories, which are private as well (not even read).
    """
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_POLICY_BYTES + 1)
    except FileNotFoundError:
        raise PolicyError(f"{file}: policy file not found") from None
    except IsADirectoryError:
        raise PolicyError(f"{file}: is a directory, not a policy file") from None
    except OSError as exc:
        raise PolicyError(f"{file}: cannot read the policy file ({exc.strerror})") from None
    private = tuple(os.fspath(p) for p in guarded_paths)
    guarded = (str(file.absolute()), *private)
    return load_policy(data, source=str(file), guarded_paths=guarded, private_paths=private)
