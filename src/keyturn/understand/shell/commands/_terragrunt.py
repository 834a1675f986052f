"""``terragrunt``: terraform underneath, judged as the ``terraform`` command it runs.

Its command is judged as the same ``terraform`` command (:mod:`.terraform_cli`), its own
options dropped. ``run-all``, ``run --all`` and ``--all`` run it in every module under the
directory: the names gain ``terraform:dir:<dir>/*``. Hooks and ``run_cmd`` in the module's
``terragrunt.hcl`` (or a parent configuration's, or the one ``--config``/``TG_CONFIG`` names;
as the line leaves them) run commands of their own: unknown, as is ``run-all`` (every module's
configuration, not read here), a setting decided at run time, and ``--tf-path`` naming another
program.

Moved out of :mod:`.iac_cli` to keep that module small (STYLE.md: small modules, one concept
each). The handler registers under this module's name in the generated ``_index.py``;
:mod:`.iac_cli` imports it, so that importing the IaC tools registers it as before.
"""

from __future__ import annotations

import posixpath
import re
from functools import partial

from keyturn.model import Effect, Resource
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands.terraform_cli import terraform
from keyturn.understand.shell.effects import home_path, unknown_effect
from keyturn.understand.shell.line_writes import text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve


def _directory(path: str | None, ctx: ShellContext) -> str:
    return home_path(path, ctx) if path else ctx.cwd


# terragrunt's own options that take a value (old --terragrunt-* spellings and the new ones).
_TERRAGRUNT_VALUED = frozenset(
    {"--terragrunt-config", "--config", "--terragrunt-working-dir", "--working-dir"}
    | {"--terragrunt-tfpath", "--tf-path", "--terragrunt-iam-role", "--iam-assume-role"}
    | {
        "--terragrunt-parallelism",
        "--parallelism",
        "--terragrunt-include-dir",
        "--queue-include-dir",
    }
    | {"--terragrunt-exclude-dir", "--queue-exclude-dir", "--terragrunt-log-level", "--log-level"}
    | {"--terragrunt-download-dir", "--download-dir", "--terragrunt-source", "--source"}
)
# The old spellings of the options whose value is looked at, by the new one.
_SAME_OPTION = {
    "--terragrunt-working-dir": "--working-dir",
    "--terragrunt-config": "--config",
    "--terragrunt-tfpath": "--tf-path",
}
# The variables that give those options when the line does not (the new ``TG_`` names first).
_OPTION_VARIABLES = {
    "--working-dir": ("TG_WORKING_DIR", "TERRAGRUNT_WORKING_DIR"),
    "--config": ("TG_CONFIG", "TERRAGRUNT_CONFIG"),
    "--tf-path": ("TG_TF_PATH", "TERRAGRUNT_TFPATH"),
}


@command("terragrunt")
def terragrunt(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """The terraform command terragrunt runs, judged as terraform's."""
    args = list(cmd.args)
    every_module = False
    if args[:1] == ["run-all"]:
        every_module, args = True, args[1:]
    elif args[:1] == ["run"]:
        args = args[1:]
    kept: list[str] = []
    given: dict[str, str] = {}  # terragrunt's own valued options, by their new spelling
    run_time = False
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, value = word.partition("=")
        if word in ("--all", "--terragrunt-all"):
            every_module = True
        elif name in _TERRAGRUNT_VALUED:
            value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            option = _SAME_OPTION.get(name, name)
            at = len(cmd.args) - len(args) + i + (1 if eq else 2)  # the value's argv index
            run_time = run_time or (option in _OPTION_VARIABLES and at in cmd.dynamic_words)
            given[option] = value
            i += 0 if eq else 1
        elif word != "--" and not word.startswith("--terragrunt-"):
            kept.append(word)
        i += 1
    if not kept:
        return None
    given = _with_variables(given, cmd, ctx)
    directory = _directory(given.get("--working-dir"), ctx)
    inner = evolve(cmd, argv=(cmd.name, *kept))
    effects = terraform(inner, evolve(ctx, cwd=directory)) or []
    effects += _settings_not_known(given, cmd, ctx, run_time=run_time)
    config = given.get("--config")
    config = home_path(config, ctx) if config else None
    effects += _terragrunt_commands(cmd, ctx, directory, config=config, every_module=every_module)
    if not every_module:
        return effects
    tree = f"terraform:dir:{directory.rstrip('/')}/*"
    return [
        evolve(
            e,
            resource=Resource((*e.resource.names, tree), e.resource.type),
            detail=e.detail + f"; in every module under {directory}",
        )
        for e in effects
    ]


def _with_variables(given: dict[str, str], cmd: SimpleCommand, ctx: ShellContext) -> dict[str, str]:
    """terragrunt's options ``given`` on the line, and those its variables give otherwise."""
    found = dict(given)
    for option, variables in _OPTION_VARIABLES.items():
        value = next((v for v in map(partial(setting, cmd, ctx.env), variables) if v), None)
        if option not in found and value is not None:
            found[option] = value
    return found


def _settings_not_known(
    given: dict[str, str], cmd: SimpleCommand, ctx: ShellContext, *, run_time: bool
) -> list[Effect]:
    """Unknown when a setting that decides what terragrunt reads or runs is decided at run
    time, or when it runs another program than terraform (``--tf-path``)."""
    deciding = [given[o] for o in _OPTION_VARIABLES if o in given]
    if run_time or any(c in v for v in deciding for c in "$`"):
        return [unknown_effect(cmd, "terragrunt's settings are decided at run time", ctx)]
    program = given.get("--tf-path", "terraform")
    if program not in ("terraform", "tofu"):
        return [unknown_effect(cmd, f"terragrunt runs {program} in terraform's place", ctx)]
    return []


# What in a terragrunt configuration runs a command of its own.
_TERRAGRUNT_RUNS = re.compile(r"\b(before_hook|after_hook|error_hook|run_cmd)\b")
_CONFIG_NAMES = ("terragrunt.hcl", "terragrunt.hcl.json", "root.hcl", "terragrunt.stack.hcl")
_MAX_LEVELS = 32


def _terragrunt_commands(
    cmd: SimpleCommand,
    ctx: ShellContext,
    directory: str,
    *,
    config: str | None,
    every_module: bool,
) -> list[Effect]:
    """Unknown when a configuration terragrunt reads may run commands: hooks and ``run_cmd``
    in the module's ``terragrunt.hcl`` (or the one ``config`` names) or a parent's it includes
    (read up to the root), or in any module under the directory (``run-all``: not read here).

    Each file is read as the line leaves it: one an earlier command on the line rewrote in a
    way not known may hold anything, and is unknown too."""
    if every_module:
        return [unknown_effect(cmd, "every module's terragrunt.hcl may run hooks", ctx)]
    paths = [config] if config else []
    starts = [directory, *([posixpath.dirname(config)] if config else [])]
    for start in dict.fromkeys(starts):
        folder = start.rstrip("/") or "/"
        for _ in range(_MAX_LEVELS):
            paths += [f"{folder.rstrip('/')}/{name}" for name in _CONFIG_NAMES]
            if folder == "/":
                break
            folder = posixpath.dirname(folder)
    for path in dict.fromkeys(paths):
        text, changed = text_on_line(path, ctx, limit=1_000_000)
        if changed:
            reason = f"{path} is changed on the line in a way not known: it may run commands"
            return [unknown_effect(cmd, reason, ctx)]
        found = _TERRAGRUNT_RUNS.search(text or "")
        if found:
            return [unknown_effect(cmd, f"{path} runs commands ({found.group(1)})", ctx)]
    return []
