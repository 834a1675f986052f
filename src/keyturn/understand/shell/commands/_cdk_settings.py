"""The settings the CDK CLI reads from files: ``cdk.json`` in the project, then ``~/.cdk.json``.

``app`` and ``build`` are command lines the CLI runs before it synthesizes; ``profile`` is the
AWS profile it uses when neither ``--profile`` nor the environment names one. The files are read
as the line leaves them (:func:`~keyturn.understand.shell.line_writes.one_text_on_line`).
"""

from __future__ import annotations

import json

from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext

_SETTINGS_LIMIT = 1_000_000


def cdk_setting(key: str, ctx: ShellContext) -> tuple[str | None, str]:
    """The value of ``key`` in the CDK's settings files (the project's first), and why it is
    not known when it is not (``(None, "")``: no file sets it)."""
    for path in (f"{ctx.cwd.rstrip('/')}/cdk.json", f"{ctx.home.rstrip('/')}/.cdk.json"):
        text = one_text_on_line(path, ctx, limit=_SETTINGS_LIMIT)
        if text is None:
            if ctx.written and written_text(ctx.written, path)[0]:
                return None, f"{path} was rewritten on the line: its {key} is not known"
            continue
        try:
            settings = json.loads(text)
        except (ValueError, RecursionError):
            return None, f"{path} is not JSON: its {key} is not known"
        value = settings.get(key) if isinstance(settings, dict) else None
        if value is None:
            continue
        if not isinstance(value, str):
            return None, f"{path}: its {key} is not a command line"
        return value, ""
    return None, ""
