"""The home directory a command reads its own settings under (``~/.aws``, ``~/.kube/config``,
``~/.psqlrc``, ``~/.config/rclone``...): one reading for every tool, the strictest of those the
tools used to have each.

- The ``HOME`` the line gives the command (``HOME=/x kubectl …``) decides, else the caller's
  (``export HOME=/x`` earlier on the line is the caller's by then), else the session's.
- bash expands ``~`` at the start of an assignment's value: ``HOME=~/x`` is under the session's
  home.
- A relative ``HOME`` is joined to the working directory and every path is normalised, as the
  kernel resolves the file the tool opens: ``/h/.``, ``/a//h`` and ``/x/../h`` are ``/h``.
- A home decided at run time (``HOME=$(mktemp -d)``), or an empty one given on the line (each
  tool then falls back its own way), is not told: ``None``.
"""

from __future__ import annotations

from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def command_home(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The home directory ``cmd`` reads its settings under; ``None`` when it is not told."""
    home = cmd.assignments.get("HOME")
    if home is None:
        home = ctx.env.get("HOME") or ctx.home
    elif home == "~" or home.startswith("~/"):
        home = ctx.home.rstrip("/") + home[1:]
    if not home or home.startswith("(") or any(mark in home for mark in "$`"):
        return None
    return file_path(home, ctx)


def home_moved(cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether ``cmd`` reads its settings under another home than the session's (one that is
    not told counts as another)."""
    home = command_home(cmd, ctx)
    return home is None or home.rstrip("/") != file_path(ctx.home, ctx).rstrip("/")
