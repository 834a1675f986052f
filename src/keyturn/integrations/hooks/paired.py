"""One tool call delivered to two of Cursor's hooks: one approved grant covers both deliveries.

keyturn's ``preToolUse`` entry has no matcher (:mod:`.install`), so Cursor sends it every tool
call; a shell command also reaches ``beforeShellExecution`` (an MCP tool
``beforeMCPExecution``, a read ``beforeReadFile``). Both deliveries are judged: neither side
skips the call on the word of the other, so a Cursor (or a hand-edited ``hooks.json``) that
fires only one of them still has the call judged in full. But a held call that reviewers
approved has *one* grant: the first delivery uses it, and the second, finding it used, would
open a new request and refuse the very call the reviewers approved -- every time.

So the delivery that uses a grant leaves a *voucher* in the state directory, and the other
delivery of the same call takes it instead of needing a second grant. It is taken only:

- by a delivery that is itself held (a policy allow or deny is answered as judged), through
  another of Cursor's events than the one that used the grant (a second run of the command
  comes through the same events again, and needs a grant of its own);
- for the same action digest, agent, operator and conversation (no conversation id: no
  voucher), within :data:`WINDOW` seconds of the grant's use;
- once (the file is removed; two deliveries racing for it cannot both take it);
- when the store confirms it: the grant it names is this digest's, agent's and operator's, and
  was used within the window. A voucher not written by keyturn after a real use lets nothing
  through.

Anything that goes wrong (no state directory, a voucher that cannot be written or read) means
no voucher: the second delivery is held, as without this module (fail closed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from keyturn.model import Actor, Verdict

if TYPE_CHECKING:
    from keyturn.gate import Gate, Outcome
    from keyturn.model import Action, Decision
    from keyturn.store.interface import Store

# Agents that deliver one call to two of their hook events, and those events (cursor.EVENTS).
PAIRED_EVENTS: dict[str, frozenset[str]] = {
    "cursor": frozenset(
        {"preToolUse", "beforeShellExecution", "beforeMCPExecution", "beforeReadFile"}
    ),
}
# Between the two deliveries of one call Cursor may show its own prompt ("run this command?"),
# so the window is generous; a voucher still lets through only the other delivery of the call.
WINDOW = 120.0
DIRECTORY = "hook-vouchers"


@dataclass(frozen=True, slots=True)
class Voucher:
    """A grant used by one delivery of a call, for the other delivery."""

    request: int
    grant: int
    event: str


def pairs(agent: str, event: str) -> bool:
    """Whether ``event`` of ``agent`` (the protocol's name) may be one of two deliveries."""
    return event in PAIRED_EVENTS.get(agent, frozenset())


def submit_paired(gate: Gate, action: Action, *, actor: Actor, event: str, home: str) -> Outcome:
    """:meth:`Gate.submit`, but a held call whose other delivery just used a grant is let
    through on that grant, and a grant used here leaves its voucher for the other delivery."""
    from keyturn.gate import Outcome

    judged = gate.judged(action, actor=actor)
    try:
        gate.store.append_audit(judged.entries)
    except Exception as exc:  # any failure to record is a refusal, as in Gate.submit
        return judged.unrecorded(exc)
    key = _key(judged.decision.digest, actor)
    folder = Path(home) / DIRECTORY
    if judged.holds and key is not None:
        voucher = _take(folder, key, event=event)
        if voucher is not None and _confirmed(gate.store, voucher, judged.decision, judged.now):
            return Outcome(
                verdict=Verdict.ALLOW,
                decision=judged.decision,
                message=f"allowed by grant {voucher.grant} of approved request "
                f"{voucher.request}, used for this same call at Cursor's {voucher.event}: "
                f"{judged.decision.action.summary}",
                request_id=str(voucher.request),
                grant_id=str(voucher.grant),
            )
    outcome = gate.recorded(judged)
    if outcome.verdict is Verdict.ALLOW and outcome.grant_id and key is not None:
        with contextlib.suppress(OSError, ValueError):  # no voucher: the other delivery holds
            _leave(folder, key, Voucher(int(outcome.request_id or 0), int(outcome.grant_id), event))
    return outcome


def _key(digest: str, actor: Actor) -> str | None:
    """The file-name stem of this call's vouchers; ``None`` without a conversation id."""
    if not actor.session:
        return None
    whole = "\0".join((actor.agent, actor.operator, actor.session, digest))
    return hashlib.sha256(whole.encode("utf-8")).hexdigest()[:40]


def _leave(folder: Path, key: str, voucher: Voucher) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = folder / f"{key}.{voucher.event}.{voucher.grant}"
    body = json.dumps({"request": voucher.request, "grant": voucher.grant, "event": voucher.event})
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)


def _take(folder: Path, key: str, *, event: str) -> Voucher | None:
    """Remove and return a voucher for ``key`` left by another event than ``event``."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    _sweep(folder, names)
    for name in names:
        stem, _, rest = name.partition(".")
        left_by = rest.rsplit(".", 1)[0]
        if stem != key or left_by == event:
            continue
        path = folder / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            path.unlink()  # whoever removes it took it
            voucher = Voucher(int(data["request"]), int(data["grant"]), str(data["event"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if voucher.event == left_by:
            return voucher
    return None


def _sweep(folder: Path, names: list[str]) -> None:
    """Remove vouchers no delivery took in time (the call's other event never came)."""
    import time

    for name in names:
        path = folder / name
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > 2 * WINDOW:
                path.unlink()


def _confirmed(store: Store, voucher: Voucher, decision: Decision, now: float) -> bool:
    """The store says the voucher's grant is this call's and was used within the window."""
    try:
        grant = store.get_request(voucher.request).grant
    except Exception:  # no such request, or no store: nothing is confirmed
        return False
    actor = decision.actor
    return (
        grant is not None
        and grant.id == voucher.grant
        and grant.digest == decision.digest
        and grant.agent == actor.agent
        and grant.operator == actor.operator
        and grant.used_at is not None
        and grant.revoked_at is None
        and 0 <= now - grant.used_at <= WINDOW
    )
