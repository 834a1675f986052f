"""What the hook daemon keeps across hooks: policies by file version, and open gates.

:class:`PolicyCache` reloads a policy only when its file changed; :class:`GateCache` keeps a
gate (and its store) open per state directory and policy file. Separate from
:mod:`.daemon`, which serves the socket: these decide what a request is judged with. Their
heavier imports (the policy loader, bootstrap) stay inside the calls, so that starting the
daemon loads no more than before.
"""

from __future__ import annotations

import copy
import hashlib
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyturn.bootstrap import Settings
    from keyturn.gate import Gate
    from keyturn.policy import Policy


# What tells a policy file's version cheaply (its bytes' digest when it changes): device, inode,
# size, mtime and ctime. The ctime too, which no one can set: a write that puts the mtime back
# (``cp -p``, ``touch -r``, ``rsync -t --inplace``) must not leave the daemon on the old policy.
_Stamp = tuple[int, int, int, int, int]


class PolicyCache:
    """Policies by (path, guarded paths), reloaded when the file changes.

    Each call stats the file; when its :data:`_Stamp` differs from the cached
    version the bytes are read and hashed, and the policy is parsed again only if the SHA-256
    differs. A file that cannot be read goes to :func:`keyturn.policy.load_policy_file`, which
    raises the in-process hook's own error; a policy that does not load is never cached.
    Called with the signature of ``load_policy_file`` (``HookOptions.load_policy``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, tuple[str, ...]], tuple[_Stamp, str, Policy]] = {}

    def __call__(self, path: str, *, guarded_paths: tuple[str, ...] = ()) -> Policy:
        from keyturn.policy import load_policy, load_policy_file
        from keyturn.policy.loader import MAX_POLICY_BYTES

        key = (path, tuple(guarded_paths))
        try:
            info = os.stat(path)
            stamp = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            with self._lock:
                cached = self._entries.get(key)
            if cached is not None and cached[0] == stamp:
                return cached[2]
            with open(path, "rb") as handle:
                data = handle.read(MAX_POLICY_BYTES + 1)
        except OSError:
            with self._lock:
                self._entries.pop(key, None)
            return load_policy_file(path, guarded_paths=guarded_paths)
        digest = hashlib.sha256(data).hexdigest()
        if cached is not None and cached[1] == digest:
            policy = cached[2]
        else:
            file = Path(path)  # the arguments load_policy_file passes, for the same errors
            guarded = (str(file.absolute()), *guarded_paths)
            policy = load_policy(
                data, source=str(file), guarded_paths=guarded, private_paths=guarded_paths
            )
        with self._lock:
            self._entries[key] = (stamp, digest, policy)
        return policy


class GateCache:
    """Open gates by state (home, database) and policy file, kept across hooks: a hook then
    records its decision on a store opened once, not on every tool call.

    The policy judged with is the one the hook loaded (``PolicyCache``: the file's current
    version). When it changed, a copy of the gate on the same store takes the new one (a hook
    still judging on the old gate keeps one policy throughout), and the change is noted in the
    audit log as ``build_gate`` notes it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gates: dict[tuple[str, str | None, str], Gate] = {}

    def __call__(self, settings: Settings, policy: Policy) -> Gate:
        from keyturn.bootstrap import build_gate

        key = (str(settings.home), settings.database_url, str(settings.policy_path))
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = self._gates[key] = build_gate(settings, policy=policy)
            elif gate.policy is not policy:
                source = str(settings.policy_path)
                gate.store.note_policy(digest=policy.digest, source=source, now=time.time())
                gate = copy.copy(gate)
                gate.policy = policy
                self._gates[key] = gate
            return gate

    def close(self) -> None:
        """Close every store (the daemon is ending)."""
        with self._lock:
            gates, self._gates = list(self._gates.values()), {}
        for gate in gates:
            gate.store.close()
