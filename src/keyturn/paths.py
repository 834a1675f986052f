"""Where keyturn finds its state and its policy: one chain for every verb and integration.

Kept free of anything but the standard library, so that the hook's fast path can use it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

POLICY_FILE = "keyturn.yaml"


def keyturn_home(env: Mapping[str, str] | None = None, explicit: str | None = None) -> Path:
    """``explicit`` (``--home``), else ``$KEYTURN_HOME``, else ``~/.keyturn``."""
    environ = os.environ if env is None else env
    chosen = explicit or environ.get("KEYTURN_HOME")
    return (Path(chosen) if chosen else Path.home() / ".keyturn").expanduser().absolute()


def policy_path(
    explicit: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    home: Path | None = None,
    cwd: str | None = None,
) -> Path:
    """``--policy``, else ``$KEYTURN_POLICY``, else ``./keyturn.yaml`` when present, else the
    one in ``$KEYTURN_HOME`` (where ``keyturn init`` writes it when there is no local one)."""
    environ = os.environ if env is None else env
    chosen = explicit or environ.get("KEYTURN_POLICY")
    base = Path(cwd) if cwd else Path.cwd()
    if chosen:
        path = Path(chosen).expanduser()
        return path if path.is_absolute() else (base / path).absolute()
    local = base / POLICY_FILE
    if local.exists():
        return local.absolute()
    return (home or keyturn_home(environ)) / POLICY_FILE
