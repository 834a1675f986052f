"""Plan files kept while their review is pending: ``$KEYTURN_HOME/plans/<digest>/``.

An approval of ``terraform apply`` binds to one plan file. Terraform writes a new file (with new
bytes) on every ``plan``, so the file that was reviewed is kept here, beside a small record of
the command that made it, until it is applied, refused or too old; the same
``keyturn exec -- terraform apply`` run again after approval finds it by that command and
applies exactly that file. The directory is the action digest's hex: a file whose bytes or
shown plan changed has another digest, and so no grant.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyturn.model import canonical_json

PLAN_FILE = "plan.tfplan"
RECORD_FILE = "command.json"
PENDING_PREFIX = ".planning-"


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """One kept plan file: its directory, the command key that made it, when, and the action
    digest its review is bound to."""

    directory: Path
    key: str
    created: float
    digest: str

    @property
    def plan_file(self) -> Path:
        return self.directory / PLAN_FILE

    def discard(self) -> None:
        """Remove the kept plan (applied, refused, stale, or no longer what was reviewed)."""
        shutil.rmtree(self.directory, ignore_errors=True)


def command_key(description: dict[str, Any]) -> str:
    """The key a kept plan is found by: the hash of the command that made it (tool, options,
    directory, workspace)."""
    return hashlib.sha256(canonical_json(description)).hexdigest()


def file_digest(path: Path) -> str:
    """``sha256:<hex>`` of a plan file's bytes."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return "sha256:" + sha.hexdigest()


def new_planning_dir(plans_dir: Path) -> Path:
    """A private empty directory to plan into (renamed by :func:`keep` once judged)."""
    plans_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(plans_dir, 0o700)
    for n in range(1000):
        candidate = plans_dir / f"{PENDING_PREFIX}{os.getpid()}-{n}"
        try:
            candidate.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return candidate
    raise OSError(f"{plans_dir}: cannot create a directory to plan into")


def keep(planning_dir: Path, *, key: str, digest: str, created: float) -> SavedPlan:
    """Keep the plan in ``planning_dir`` under its action digest."""
    record = {"key": key, "digest": digest, "created": created}
    (planning_dir / RECORD_FILE).write_text(json.dumps(record), encoding="utf-8")
    final = planning_dir.parent / digest.removeprefix("sha256:")
    if final.exists():  # the very same bytes planned twice: one copy is enough
        shutil.rmtree(final)
    planning_dir.rename(final)
    return SavedPlan(directory=final, key=key, created=created, digest=digest)


def find(plans_dir: Path, *, key: str) -> SavedPlan | None:
    """The newest kept plan made by the command ``key``, if any."""
    found = [p for p in _saved(plans_dir) if p.key == key]
    return max(found, key=lambda p: p.created) if found else None


def _saved(plans_dir: Path) -> Iterator[SavedPlan]:
    if not plans_dir.is_dir():
        return
    for directory in plans_dir.iterdir():
        if directory.name.startswith(PENDING_PREFIX) or not (directory / PLAN_FILE).is_file():
            continue
        try:
            record = json.loads((directory / RECORD_FILE).read_text(encoding="utf-8"))
            yield SavedPlan(
                directory=directory,
                key=str(record["key"]),
                created=float(record["created"]),
                digest=str(record["digest"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a half-written or foreign entry is never applied
