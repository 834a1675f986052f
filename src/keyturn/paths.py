"""Where keyturn finds its state and its policy: one chain for every verb and integration.

Kept free of anything but the standard library, so that the hook's fast path can use it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

POLICY_FILE = "keyturn.yaml"
STATE_DIR = ".keyturn"


def keyturn_home(
    env: Mapping[str, str] | None = None, explicit: str | None = None, *, cwd: str | None = None
) -> Path:
    """``explicit`` (``--home``), else ``$KEYTURN_HOME``, else ``~/.keyturn``: ``~`` is the
    given environment's ``HOME`` (the account's home when unset), a relative path is taken
    against ``cwd`` (default: the current directory). The environment is an argument so that
    the hook daemon resolves each hook's home, never its own."""
    environ = os.environ if env is None else env
    home = environ.get("HOME") or account_home()
    chosen = explicit or environ.get("KEYTURN_HOME") or os.path.join(home, STATE_DIR)
    if chosen == "~" or chosen.startswith("~/"):
        chosen = home + chosen[1:]
    elif chosen.startswith("~"):
        chosen = os.path.expanduser(chosen)  # ~user/...
    return Path(os.path.normpath(os.path.join(cwd or os.getcwd(), chosen)))


def account_home() -> str:
    """The account's home directory from the password database (for when ``HOME`` is unset)."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return "/"


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
    return (home or keyturn_home(environ, cwd=cwd)) / POLICY_FILE
