"""The account an AWS CLI profile acts in, as its config file says.

A profile's name need not tell where it lands: ``[profile dev-tools]`` with ``role_arn =
arn:aws:iam::111111111111:role/admin`` assumes a role in that account, ``sso_account_id``
signs in to one. The config file (``AWS_CONFIG_FILE``, else ``~/.aws/config`` under the home
the command runs with) is read, as the line leaves it, and such an account is told beside the
profile's name, so a policy's ``aws_accounts`` judges it too.
"""

from __future__ import annotations

import configparser

from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_CONFIG_LIMIT = 1_000_000


def config_path(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The config file the command reads; None when where it is cannot be told."""
    from keyturn.understand.shell.commands._home import command_home
    from keyturn.understand.shell.effects import home_path

    named = cmd.assignments.get("AWS_CONFIG_FILE") or ctx.env.get("AWS_CONFIG_FILE")
    if named:
        return None if any(c in named for c in "$`") else home_path(named, ctx)
    home = command_home(cmd, ctx)
    return None if home is None else f"{home.rstrip('/')}/.aws/config"


def profile_account(path: str, profile: str, ctx: ShellContext) -> str | None:
    """The account ``profile`` acts in by the config file at ``path`` (its ``role_arn``'s or
    ``sso_account_id``), or ``""`` when the line rewrote the file in a way not known; None
    when the file names none."""
    wrote, _ = written_text(ctx.written, path) if ctx.written else (False, None)
    text = one_text_on_line(path, ctx, limit=_CONFIG_LIMIT)
    if text is None:
        return "" if wrote else None
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text, source=path)
    except configparser.Error:
        return None  # the CLI refuses such a file: nothing is called
    sections = (
        (f"profile {profile}", "default") if profile == "default" else (f"profile {profile}",)
    )
    for section in sections:
        if not parser.has_section(section):
            continue
        account = parser.get(section, "sso_account_id", fallback="").strip()
        role = parser.get(section, "role_arn", fallback="").strip()
        if role.startswith("arn:") and len(role.split(":")) > 4:
            account = role.split(":")[4] or account
        if account:
            return account
    return None
