"""Options and set-up shared by the verbs that use keyturn's state (``init``, ``token``,
``requests``, ``approve``/``reject``/``cancel``, ``exec``, ``audit``)."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime

from keyturn.bootstrap import Settings, authenticate, load_settings
from keyturn.store.interface import Store, TokenRecord


def add_state_options(p: argparse.ArgumentParser, *, policy: bool = False) -> None:
    p.add_argument(
        "--home", metavar="DIR", help="state directory (default: $KEYTURN_HOME or ~/.keyturn)"
    )
    p.add_argument(
        "--database",
        metavar="URL",
        help="postgresql://... state database (default: $KEYTURN_DATABASE, else SQLite in home)",
    )
    if policy:
        p.add_argument(
            "--policy",
            metavar="FILE",
            help="policy file (default: $KEYTURN_POLICY, ./keyturn.yaml, or the one in home)",
        )


def settings_of(args: argparse.Namespace) -> Settings:
    return load_settings(
        home=args.home, database=args.database, policy=getattr(args, "policy", None)
    )


def current_holder(store: Store) -> TokenRecord:
    """The holder of ``$KEYTURN_TOKEN`` (``AuthError`` when missing or invalid)."""
    return authenticate(store, os.environ.get("KEYTURN_TOKEN"))


def age(seconds: float) -> str:
    """``42s``, ``7m``, ``3h``, ``2d``: how long ago, for tables."""
    s = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{s // size}{unit}"
    return f"{s}s"


def when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
