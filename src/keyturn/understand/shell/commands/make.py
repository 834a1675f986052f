"""``make [-C DIR] [-f FILE] [VAR=v] [TARGET...]``: each recipe line of the target (default: the
first) and, depth first, of its prerequisites, after variable substitution (:mod:`._makefile`),
judged as the shell commands it is. A Makefile, target or recipe that is not at hand is
``unknown`` with the reason.

Variables weigh as GNU make weighs them: a command-line assignment (any of ``=``, ``:=``,
``::=``, ``+=``, ``?=``; also in ``MAKEFLAGS``) beats the Makefile's unless it says
``override``; the environment beats only ``?=`` assignments, or all of them with ``-e``.
``NAME!=CMD`` on the command line, ``!=`` and ``$(shell …)`` outside recipes, run while make
reads: judged too. ``include``d files (and ``MAKEFILES``) are read in place, ``--eval`` text
before the Makefile. ``make -n`` only prints: a read, except the recipe lines make runs even
then (``+`` lines and those using ``$(MAKE)``) and the rules that remake the makefiles
themselves (make remakes a makefile it has a rule for before anything else, ``-n`` or not).
(``MFLAGS`` is not read: GNU make only sets it.)

Recipes run in make's directory (``-C DIR``), where their relative paths are resolved; with
``.ONESHELL`` a target's lines are one script. The Makefile (and each included file) is read as
the line leaves it: one an earlier command rewrote in a way not known makes the run unknown.
What the reading does not follow (:mod:`._makefile`: a pattern rule that may build a
prerequisite, target-specific variables, ``.RECIPEPREFIX``...) makes it unknown too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from keyturn.model import Effect
from keyturn.understand.shell.code_settings import shell_setting_effects
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._makefile import (
    Rules,
    expand,
    parse_makefile,
    pattern_match,
    shell_calls,
    strip_prefix,
)
from keyturn.understand.shell.commands._runner_files import (
    MAX_DEPTH,
    changed_on_line,
    judge_text,
    nothing_to_run,
    runner_file,
    runner_text,
    unknown_run,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
_MAKE = OptionSpec(
    valued="CfoWIE",
    long={
        "directory": "C",
        "file": "f",
        "makefile": "f",
        "old-file": "o",
        "assume-old": "o",
        "what-if": "W",
        "new-file": "W",
        "assume-new": "W",
        "include-dir": "I",
        "eval": "E",
        "dry-run": "n",
        "just-print": "n",
        "recon": "n",
        "environment-overrides": "e",
        "jobs": "j",
        "load-average": "l",
        "max-load": "l",
    },
    other_long=frozenset(
        {"always-make", "debug", "ignore-errors", "keep-going", "question", "touch", "silent"}
        | {"quiet", "print-directory", "no-print-directory", "trace", "check-symlink-times"}
        | {"warn-undefined-variables", "no-builtin-rules", "no-builtin-variables", "help"}
        | {"print-data-base", "stop", "no-keep-going", "version", "output-sync", "shuffle"}
        | {"jobserver-auth", "jobserver-style", "no-silent"}
    ),
)
# A command-line variable assignment: ``NAME=v``, ``NAME:=v``, ``NAME+=v``, ``NAME!=cmd``...
_COMMAND_LINE_ASSIGN = re.compile(r"([^\s=:+?!]+)\s*(:{0,3}|\+|\?|!)=(.*)", re.DOTALL)
_INCLUDE = re.compile(r"^(-?include|sinclude)\s+(.*)$")
_MAX_INCLUDES = 32
# ``.SHELLFLAGS`` words that only set the shell's options (``-eu -o pipefail -c``): the
# Makefile's own ``.SHELLFLAGS`` is read now, and these are what projects set.
_PLAIN_SHELL_FLAG = re.compile(r"-[euxo]*c?|-o|pipefail|errexit|nounset|xtrace")
# Recipe lines make runs even under ``-n``.
_RUNS_WHEN_DRY = re.compile(r"\$[({]MAKE[)}]")


@command("make", "gmake")
def make(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``make [-C DIR] [-f FILE] [-n] [-e] [VAR=value] [TARGET...]``."""
    opts = parse_options(_joined_counts(cmd.args), _MAKE)
    flags = _make_flags(cmd, ctx)
    opts_flags = opts.flags | {f for f in flags if not f.startswith("=")}
    directory = ctx.cwd
    for given in opts.values.get("C", ()):
        directory = normalize_path(given, cwd=directory)
    effects: list[Effect] = []
    overrides: dict[str, str] = {}
    targets: list[str] = []
    for word in [*(f[1:] for f in flags if f.startswith("=")), *opts.operands]:
        assigned = _COMMAND_LINE_ASSIGN.fullmatch(word)
        if assigned is None:
            targets.append(word)
            continue
        name, op, value = assigned.groups()
        if op == "!":  # ``NAME!=CMD``: make runs CMD and keeps what it printed
            effects += judge_text(value, "make NAME!=", f"{directory}/{_MAKEFILES[-1]}", ctx)
            value = f"$(shell {value})"
        overrides[name] = value
    files = list(opts.values.get("f", ()))
    paths = [normalize_path(f, cwd=directory) for f in files] or [
        f"{directory.rstrip('/')}/{name}" for name in _MAKEFILES
    ]
    path, text = runner_file(paths, ctx) or (paths[-1], None)
    if text is None:
        reason = f"no Makefile readable at {paths[-1]}"
        if changed_on_line(path, ctx):
            reason = f"{path} is changed earlier on this line: its text is not known"
        unreadable = unknown_run(reason, path, ctx)
        return with_command([*effects, unreadable, *_shell(overrides, cmd, ctx)], cmd)
    extra = "\n".join(opts.values.get("E", ()))
    text, read, unread = _with_includes(
        _makefiles_variable(ctx) + extra + "\n" + text, directory, ctx
    )
    effects += [
        unknown_run(f"the Makefile includes {name}, not at hand", path, ctx) for name in unread
    ]
    rules = parse_makefile(text)
    rules.variables = _weighed(rules, overrides, ctx, environment_wins="e" in opts_flags)
    effects += [
        unknown_run(f"make does here what keyturn does not follow: {why}", path, ctx)
        for why in rules.unmodelled
    ]
    env_vars = {**dict(ctx.env), **rules.variables}
    for call in rules.read_time:
        effects += _read_time(call, env_vars, path, ctx, cwd=directory)
    effects += _shell(rules.variables, cmd, ctx)
    seen: set[str] = set()
    dry = "n" in opts_flags
    run = _Run(rules, path, directory, dry=dry)
    # Before anything else make remakes each makefile it read that a rule builds (even -n).
    for name in [path, *read]:
        effects += _remade(name, run, ctx, seen)
    default = _default_goal(rules, env_vars)
    if not targets and default is None:
        reason = f"the default goal of {path} is decided at run time"
        return with_command([*effects, unknown_run(reason, path, ctx)], cmd)
    for target in targets or [default or ""]:
        effects += _make_target(target, run, ctx, seen, 0)
    return with_command(effects or [nothing_to_run(path, ctx)], cmd)


@dataclass(frozen=True, slots=True)
class _Run:
    """One make run: its rules, its Makefile, the directory recipes run in, ``-n``."""

    rules: Rules
    path: str
    directory: str
    dry: bool


def _default_goal(rules: Rules, variables: dict[str, str]) -> str | None:
    """The goal make builds when none is named: ``.DEFAULT_GOAL`` when the Makefile sets it,
    else its first target; ``None`` when it is decided at run time."""
    if ".DEFAULT_GOAL" not in rules.variables:
        return rules.default or ""
    goal = expand(rules.variables[".DEFAULT_GOAL"], variables, {})
    if goal is None or len(goal.split()) > 1:
        return None
    return goal.strip() or rules.default or ""


def _remade(name: str, run: _Run, ctx: ShellContext, seen: set[str]) -> list[Effect]:
    """What make runs to remake the makefile ``name`` (absolute) before it reads it again: the
    rule whose target names it (as written relative to make's directory, or absolutely)."""
    relative = name.removeprefix(run.directory.rstrip("/") + "/")
    for target in (relative, name):
        if target in run.rules.recipes:
            return _make_target(target, replace(run, dry=False), ctx, seen, 0)
    if pattern_match(relative, run.rules.patterns) is not None:
        reason = f"a pattern rule may remake the makefile {relative}"
        return [unknown_run(reason, run.path, ctx)]
    return []


def _joined_counts(args: tuple[str, ...]) -> list[str]:
    """``-j 4`` as ``-j4`` (``-j``/``-l`` take a number only when one follows: ``make -j
    clean`` builds ``clean``)."""
    out: list[str] = []
    for arg in args:
        if out and out[-1] in ("-j", "-l", "--jobs", "--load-average") and arg.isdigit():
            out[-1] += ("=" if out[-1].startswith("--") else "") + arg
        else:
            out.append(arg)
    return out


def _make_flags(cmd: SimpleCommand, ctx: ShellContext) -> set[str]:
    """What ``MAKEFLAGS`` (or ``GNUMAKEFLAGS``) in the environment adds: option
    letters, and ``=NAME=value`` for each variable assignment it holds."""
    found: set[str] = set()
    for name in ("MAKEFLAGS", "GNUMAKEFLAGS"):  # never MFLAGS: GNU make does not read it
        words = (cmd.assignments.get(name) or ctx.env.get(name) or "").split()
        for index, word in enumerate(words):
            if "=" in word and not word.startswith("-"):
                found.add("=" + word)
            elif word.startswith("--"):
                found.add(word[2:].partition("=")[0])
            elif word.startswith("-") or index == 0:
                found.update(word.lstrip("-"))  # the first word may be letters without a dash
    return {_MAKE.long.get(f, f) for f in found}


def _weighed(
    rules: Rules, overrides: dict[str, str], ctx: ShellContext, *, environment_wins: bool
) -> dict[str, str]:
    """The Makefile's variables once the environment and the command line have had their say
    (see the module's docstring)."""
    variables = dict(rules.variables)
    for name, value in ctx.env.items():
        weighs = environment_wins or name in rules.defaults
        if name in variables and name not in rules.overridden and weighs:
            variables[name] = value
    for name, value in overrides.items():
        if name not in rules.overridden:
            variables[name] = value
    return variables


def _makefiles_variable(ctx: ShellContext) -> str:
    """``MAKEFILES`` names makefiles make reads before the others: as ``-include`` lines."""
    names = ctx.env.get("MAKEFILES", "").split()
    return "".join(f"-include {name}\n" for name in names)


def _with_includes(
    text: str, directory: str, ctx: ShellContext
) -> tuple[str, list[str], list[str]]:
    """``text`` with each ``include``d file's text in its place, the files read (absolute), and
    those not at hand (an ``-include`` of a file that is not there is skipped, as make skips
    it; one the line changed in a way not known is not at hand)."""
    lines: list[str] = []
    read: list[str] = []
    unread: list[str] = []
    pending = text.splitlines()[::-1]
    included = 0
    while pending:
        line = pending.pop()
        found = _INCLUDE.match(line.strip()) if not line.startswith("\t") else None
        if found is None:
            lines.append(line)
            continue
        for name in found.group(2).split():
            path = normalize_path(name, cwd=directory)
            body = runner_text(path, ctx) if "$" not in name else None
            included += 1
            if body is not None and included <= _MAX_INCLUDES:
                pending.extend(body.splitlines()[::-1])
                read.append(path)
            elif (
                found.group(1) == "include"
                or "$" in name
                or ctx.files.exists(path)
                or changed_on_line(path, ctx)
            ):
                unread.append(name)
            else:
                read.append(path)  # not there: make tries to make it
    return "\n".join(lines), read, unread


def _read_time(
    call: str, variables: dict[str, str], path: str, ctx: ShellContext, *, cwd: str
) -> list[Effect]:
    """A command make runs while reading the Makefile, judged."""
    text = expand(call, variables, {})
    if text is None or shell_calls(text):
        return [unknown_run(f"the Makefile runs {call.strip()[:60]!r} when read", path, ctx)]
    if not text.strip():
        return []
    return judge_text(text, "make reads its Makefile", path, ctx, cwd=cwd)


def _shell(variables: dict[str, str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """Recipes run through $(SHELL): the one given on the command line or set in the Makefile
    is what runs them (with ``.SHELLFLAGS``, which may carry a command of its own)."""
    effects: list[Effect] = []
    if "SHELL" in variables:
        effects += shell_setting_effects(variables["SHELL"], "make's SHELL", cmd, ctx)
    flags = variables.get(".SHELLFLAGS", "-c").split()
    if not (
        flags and flags[-1].endswith("c") and all(_PLAIN_SHELL_FLAG.fullmatch(f) for f in flags)
    ):
        effects += shell_setting_effects(None, "make's .SHELLFLAGS", cmd, ctx)
    return effects


def _make_target(
    target: str, run: _Run, ctx: ShellContext, seen: set[str], depth: int
) -> list[Effect]:
    if target in seen:
        return []
    seen.add(target)
    rules, path = run.rules, run.path
    if target not in rules.recipes:
        if pattern_match(target, rules.patterns) is not None or rules.implicit:
            reason = f"{target!r} may be built by a pattern, suffix or .DEFAULT rule of {path}"
            return [unknown_run(reason, path, ctx)]
        if depth > 0:
            return []  # a prerequisite that is a plain file
        return [unknown_run(f"no rule for target {target!r} in {path}", path, ctx)]
    effects: list[Effect] = []
    if target in rules.opaque:
        reason = f"the rule of {target!r} is not followed: {rules.opaque[target]}"
        effects.append(unknown_run(reason, path, ctx))
    env_vars = {**dict(ctx.env), **rules.variables}
    prereqs: list[str] = []
    for written in rules.prereqs.get(target, []):
        expanded = expand(written, env_vars, {}) if "$" in written else written
        if expanded is None:
            reason = f"a prerequisite of {target!r} is decided by a make function: {written[:60]}"
            effects.append(unknown_run(reason, path, ctx))
        else:
            prereqs += expanded.split()
    if depth < MAX_DEPTH:
        for prereq in prereqs:
            effects += _make_target(prereq, run, ctx, seen, depth + 1)
    auto = {"@": target, "<": prereqs[0] if prereqs else "", "^": " ".join(prereqs), "*": ""}
    lines = rules.recipes[target]
    if ".ONESHELL" in rules.recipes and lines:
        lines = ["\n".join([lines[0], *(strip_prefix(line) for line in lines[1:])])]
    for line in lines:
        if run.dry and not (
            line.lstrip().lstrip("@-").startswith("+") or _RUNS_WHEN_DRY.search(line)
        ):
            continue  # ``make -n`` prints it
        text = expand(strip_prefix(line), env_vars, auto)
        if text is None:
            reason = f"recipe of {target!r} uses a make function: {line.strip()[:60]}"
            effects.append(unknown_run(reason, path, ctx))
        elif text.strip():
            effects += judge_text(text, f"make {target}", path, ctx, cwd=run.directory)
    if run.dry and not effects:
        effects.append(nothing_to_run(path, ctx))
    return effects
