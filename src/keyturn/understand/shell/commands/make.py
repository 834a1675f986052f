"""``make [-C DIR] [-f FILE] [VAR=v] [TARGET...]``: each recipe line of the target (default: the
first) and, depth first, of its prerequisites, after variable substitution (:mod:`._makefile`),
judged as the shell commands it is. ``make -n`` only prints: a read. A Makefile, target or
recipe that is not at hand is ``unknown`` with the reason.
"""

from __future__ import annotations

from keyturn.model import Effect
from keyturn.understand.shell.code_settings import shell_setting_effects
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._makefile import Rules, expand, parse_makefile, strip_prefix
from keyturn.understand.shell.commands._runner_files import (
    MAX_DEPTH,
    first_readable,
    judge_text,
    nothing_to_run,
    unknown_run,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.shell.words import normalize_path

_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")


@command("make", "gmake")
def make(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``make [-C DIR] [-f FILE] [-n] [VAR=value] [TARGET...]``."""
    directory, files, targets, overrides, dry = ctx.cwd, [], [], {}, False
    args = list(cmd.args)
    i = 0
    while i < len(args):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        if arg in ("-C", "--directory") or arg.startswith(("-C", "--directory=")):
            given = arg.split("=", 1)[1] if "=" in arg else (arg[2:] if arg[2:] else value)
            directory = normalize_path(given, cwd=directory)
            i += 0 if "=" in arg or arg[2:] else 1
        elif arg in ("-f", "--file", "--makefile") or arg.startswith(("-f", "--file=")):
            given = arg.split("=", 1)[1] if "=" in arg else (arg[2:] if arg[2:] else value)
            files.append(given)
            i += 0 if "=" in arg or arg[2:] else 1
        elif arg in ("-n", "--dry-run", "--just-print", "--recon"):
            dry = True
        elif arg in ("-j", "-l", "-o", "-W", "-I"):
            i += 1
        elif "=" in arg and not arg.startswith("-"):
            key, _, val = arg.partition("=")
            overrides[key] = val
        elif not arg.startswith("-"):
            targets.append(arg)
        i += 1
    paths = [normalize_path(f, cwd=directory) for f in files] or [
        f"{directory.rstrip('/')}/{name}" for name in _MAKEFILES
    ]
    path, text = first_readable(paths, ctx) or (paths[-1], None)
    if text is None:
        unreadable = unknown_run(f"no Makefile readable at {paths[-1]}", paths[-1], ctx)
        return with_command([unreadable, *_shell(overrides, cmd, ctx)], cmd)
    if dry:
        return with_command([nothing_to_run(path, ctx)], cmd)
    rules = parse_makefile(text)
    rules.variables.update(overrides)
    effects = _shell(rules.variables, cmd, ctx)
    seen: set[str] = set()
    for target in targets or [rules.default or ""]:
        effects += _make_target(target, rules, path, ctx, seen, 0)
    return with_command(effects or [nothing_to_run(path, ctx)], cmd)


def _shell(variables: dict[str, str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """Recipes run through $(SHELL): the one given on the command line or set in the Makefile
    is what runs them."""
    if "SHELL" not in variables:
        return []
    return shell_setting_effects(variables["SHELL"], "make's SHELL", cmd, ctx)


def _make_target(
    target: str, rules: Rules, path: str, ctx: ShellContext, seen: set[str], depth: int
) -> list[Effect]:
    if target in seen:
        return []
    seen.add(target)
    if target not in rules.recipes:
        if depth > 0:
            return []  # a prerequisite that is a plain file
        return [unknown_run(f"no rule for target {target!r} in {path}", path, ctx)]
    effects: list[Effect] = []
    if depth < MAX_DEPTH:
        for prereq in rules.prereqs.get(target, []):
            effects += _make_target(prereq, rules, path, ctx, seen, depth + 1)
    prereqs = rules.prereqs.get(target, [])
    auto = {"@": target, "<": prereqs[0] if prereqs else "", "^": " ".join(prereqs), "*": ""}
    env_vars = {**dict(ctx.env), **rules.variables}
    for line in rules.recipes[target]:
        text = expand(strip_prefix(line), env_vars, auto)
        if text is None:
            reason = f"recipe of {target!r} uses a make function: {line.strip()[:60]}"
            effects.append(unknown_run(reason, path, ctx))
        elif text.strip():
            effects += judge_text(text, f"make {target}", path, ctx)
    return effects
