"""npm's and yarn's settings files that make them run or load code, and ``npm config set``
(``npm set``), which writes the user's ``~/.npmrc``. :mod:`.runners` says which files a line
reads, and judges the settings given on the line and pnpm's ``.pnpmfile.cjs`` itself.

A setting that runs or loads code (``script-shell``, ``node-options``...: ``NPM_CODE_SETTINGS``
in :mod:`..code_settings`) is unknown, in an ``.npmrc`` file and when ``npm config set`` sets
it; so are yarn's ``yarn-path``/``yarnPath``/``plugins`` (``.yarnrc``, ``.yarnrc.yml``, in the
project, a folder above it or the home folder: every yarn command runs them). A settings file
the line changed in a way not known is unknown too.
"""

from __future__ import annotations

import posixpath
import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import NPM_CODE_SETTINGS
from keyturn.understand.shell.commands._runner_files import (
    changed_on_line,
    on_file,
    runner_text,
    unknown_run,
    unreadable_run,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def npmrc_settings(npmrc: str, ctx: ShellContext) -> list[Effect]:
    """Unknown for each setting in ``npmrc`` that makes npm run or load code (or when the line
    changed the file in a way not known)."""
    text = runner_text(npmrc, ctx, limit=65_536)
    if text is None:
        return [unreadable_run(npmrc, ctx)] if changed_on_line(npmrc, ctx) else []
    effects: list[Effect] = []
    for line in text.splitlines():
        key = line.partition("=")[0].strip().lower()
        if key in NPM_CODE_SETTINGS:
            reason = f"{npmrc} sets {key}, which makes npm run or load code"
            effects.append(unknown_run(reason, npmrc, ctx))
    return effects


# yarn's settings that name code every yarn command runs: yarn 1's ``yarn-path`` (.yarnrc),
# yarn 2+'s ``yarnPath`` and ``plugins`` (.yarnrc.yml).
_YARN_CODE = re.compile(r"^\s*[\"']?(yarn-path|yarnPath|plugins)\b", re.MULTILINE)


def yarn_settings(directory: str, ctx: ShellContext) -> list[Effect]:
    """Unknown for a ``.yarnrc``/``.yarnrc.yml`` in the project, a folder above it or the home
    folder that names code yarn runs."""
    places = [directory]
    while places[-1] not in ("/", "") and len(places) < 64:
        places.append(posixpath.dirname(places[-1]))
    places.append(ctx.home)
    effects: list[Effect] = []
    for place in dict.fromkeys(places):
        for name in (".yarnrc", ".yarnrc.yml"):
            path = f"{place.rstrip('/')}/{name}"
            text = runner_text(path, ctx, limit=65_536)
            if text is None and changed_on_line(path, ctx):
                effects.append(unreadable_run(path, ctx))
            elif text is not None and (found := _YARN_CODE.search(text)) is not None:
                reason = f"{path} sets {found.group(1)}: yarn runs the code it names"
                effects.append(unknown_run(reason, path, ctx))
    return effects


def config_effects(
    rest: list[str], action: list[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect] | None:
    """``npm config set|delete|edit …`` (``rest``: the words after the action; ``action``
    empty for ``npm set``): an update of the user's ``.npmrc`` (unknown for the global one or
    an editor), and unknown for a setting that runs or loads code. ``None``: a reading form."""
    if action and action[0] not in ("set", "delete", "rm", "edit", "fix"):
        return None
    located = "global" if {"-g", "--global", "--location=global"} & set(cmd.args) else "user"
    if "--location=project" in cmd.args:
        located = "project"
    if action[:1] == ["edit"] or located == "global":
        return [unknown_effect(cmd, f"npm config {located} settings changed", ctx)]
    npmrc = f"{ctx.home.rstrip('/')}/.npmrc" if located == "user" else f"{ctx.cwd}/.npmrc"
    effects = [
        on_file(EffectKind.UPDATE, npmrc, ctx, operation="npm config", detail="npm settings")
    ]
    for word in (w for w in rest if not w.startswith("-")):
        key = word.partition("=")[0].strip().lower()
        if key in NPM_CODE_SETTINGS:
            effects.append(unknown_effect(cmd, f"npm's {key} setting runs or loads code", ctx))
    return effects
