"""The command a ``submodule.<name>.update = !command`` setting makes ``git submodule update``
run, for :mod:`._git_checkouts` (the update) and :mod:`._git_config` (a write of the setting).

What git 2.39 does (tried in scratch repositories):

- ``git submodule update`` (``--remote``, ``--init`` alike) runs the command, by the shell, in
  the submodule's folder with the commit appended (``touch /tmp/x <id>``), instead of checking
  the commit out -- when the setting is in the repository's ``.git/config``, the user's
  ``~/.gitconfig`` or given with ``-c``: git reads it from every settings file
  (:func:`._git_repository.git_settings`). ``git clone -c submodule.s.update=!cmd
  --recurse-submodules`` writes it into the new repository and runs it too.
- ``--checkout``, ``--rebase`` or ``--merge`` on the command line wins over it: nothing runs.
- In ``.gitmodules`` git refuses it: ``fatal: invalid value for 'submodule.s.update'``, and
  nothing runs (``git submodule init`` does not copy a command either).

So a setting that names a command is ``unknown``, naming it -- where it runs and with what it
is run are not what the text says -- with what its text does judged as well (``!rm -rf /`` is
still catastrophic); so is a write of one (``git config submodule.x.update '!rm -rf /'``), as
other settings that name programs are (:func:`..code_settings.git_setting_effects`).
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._git_repository import git_settings, setting_name
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

__all__ = ["MODES", "update_commands", "update_setting"]

# The modes given on the command line that win over the setting.
MODES = frozenset({"--checkout", "--rebase", "--merge"})


def update_commands(
    repo: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    given: Sequence[tuple[str, str | None]],
) -> list[Effect]:
    """What the ``submodule.<name>.update`` settings in force for ``git submodule update`` in
    ``repo`` make it run (``given``: the line's ``-c`` settings); unknown when the settings
    cannot all be read."""
    settings = git_settings(repo, cmd, ctx, given=given)
    last: dict[str, str | None] = {}
    for key, value in settings.pairs:
        section, name, leaf = setting_name(key)
        if section == "submodule" and leaf == "update" and name:
            last[name] = value  # the last one read wins
    effects: list[Effect] = []
    for name, value in last.items():
        effects += update_setting(f"submodule.{name}.update", value, cmd, ctx)
    if settings.unknown is not None:
        reason = (
            f"{settings.unknown}: whether git submodule update runs a command"
            " (submodule.<name>.update = !…) is not known"
        )
        effects.append(unknown_effect(cmd, reason, ctx))
    return effects


def update_setting(
    key: str, value: str | None, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """What ``key`` set to ``value`` (``None``: decided at run time) makes a later ``git
    submodule update`` run: nothing unless it is a submodule's ``update`` naming a command."""
    section, name, leaf = setting_name(key)
    if section != "submodule" or leaf != "update" or not name:
        return []
    if value is not None and not value.startswith("!"):
        return []  # checkout, rebase, merge, none
    shown = "a command decided at run time" if value is None else repr(value[:80])
    reason = (
        f"git submodule update runs {key} = {shown} in the submodule's folder, with the"
        " commit appended: what it does there is not judged"
    )
    command = None if value is None else value[1:]
    return [unknown_effect(cmd, reason, ctx), *runs_command(command, f"git's {key}", cmd, ctx)]
