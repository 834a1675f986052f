"""The keyturn server: JSON API, admission webhook and reviewers' pages (``keyturn serve``)."""

from __future__ import annotations

from keyturn.server.app import create_app

__all__ = ["create_app"]
