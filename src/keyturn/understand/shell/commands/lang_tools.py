"""Language package managers and build tools: ``pip``, ``go``, ``cargo``.

What only reports (``pip list``, ``pip show``, ``go version``, ``go list``, ``cargo tree``...) is a
read. What builds, installs, tests or runs (``pip install``, ``go test``, ``go generate``,
``cargo build``...) runs code keyturn does not see -- packages' build scripts, ``build.rs``,
``//go:generate`` lines, the tests themselves -- and is ``unknown``, as before this module knew
them; so is every form not listed here. ``go env -w`` writes Go's settings (a file under the
user's config directory): unknown too, since settings such as ``GOFLAGS=-toolexec=…`` make the
next build run a program.

``pip install`` of a local project, archive or requirements file that turns out to be keyturn
itself also replaces keyturn's installed package (:mod:`._keyturn_package`); one named on the
line (``pip uninstall keyturn``) is told by self-protection from the command's words.

``uv run``/``poetry run`` are wrappers (the command they run is judged as itself); what they
add -- the project's ``.venv/bin`` first on the PATH, ``uv run`` building the project -- is
:func:`project_environment`.
"""

from __future__ import annotations

import posixpath
import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._keyturn_package import installs_keyturn
from keyturn.understand.shell.effects import command_effect, unknown_effect
from keyturn.understand.shell.nested import script_file_effects
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_PIP_READS = frozenset(
    {"list", "show", "freeze", "check", "help", "debug", "inspect", "hash", "--version", "-V"}
)
_PIP_READ_PAIRS = frozenset(
    {("config", "list"), ("config", "get"), ("config", "debug"), ("cache", "list")}
    | {("cache", "info"), ("cache", "dir"), ("index", "versions")}
)
_GO_READS = frozenset({"version", "list", "doc", "help", "--version"})
# Options that make go run a program of the caller's choosing, whatever the subcommand.
_GO_RUNS = ("-toolexec", "--toolexec", "-exec", "--exec", "-vettool", "--vettool")
_GO_READ_PAIRS = frozenset({("mod", "graph"), ("mod", "why"), ("mod", "verify")})
_CARGO_READS = frozenset(
    {"--version", "-V", "version", "tree", "metadata", "search", "help", "locate-project"}
    | {"pkgid", "verify-project", "--list"}
)


def _judged(cmd: SimpleCommand, ctx: ShellContext, *, reads: bool, what: str) -> list[Effect]:
    if reads:
        return [command_effect(EffectKind.READ, cmd, ctx, detail="reports only")]
    reason = f"{what}: builds, installs, runs or configures code keyturn does not judge"
    return [unknown_effect(cmd, reason, ctx)]


def _words(cmd: SimpleCommand) -> list[str]:
    """The subcommand words: the arguments before the first option but a leading one."""
    words = list(cmd.args)
    if words and words[0].startswith("-"):
        return words[:1]
    return [w for w in words[:2] if not w.startswith("-")]


@command("pip", "pip3")
def pip(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """pip: reports read; installing, building wheels or downloading (which builds source
    packages' metadata) runs the packages' own code."""
    words = _words(cmd)
    reads = bool(words) and (words[0] in _PIP_READS or tuple(words[:2]) in _PIP_READ_PAIRS)
    effects = _judged(cmd, ctx, reads=reads, what=f"pip {' '.join(words) or '(no command)'}")
    if words[:1] == ["install"]:
        effects += installs_keyturn(cmd.args[cmd.args.index("install") + 1 :], cmd, ctx)
    return effects


@command("go")
def go(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """go: reports read (``go env`` without ``-w``/``-u`` too); building, testing, running,
    generating and installing run code."""
    words = _words(cmd)
    env_read = words[:1] == ["env"] and not any(a in ("-w", "-u") for a in cmd.args)
    runs = any(a.split("=", 1)[0] in _GO_RUNS for a in cmd.args)
    reads = (
        bool(words)
        and not runs
        and (words[0] in _GO_READS or tuple(words[:2]) in _GO_READ_PAIRS or env_read)
    )
    return _judged(cmd, ctx, reads=reads, what=f"go {' '.join(words) or '(no command)'}")


@command("cargo")
def cargo(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """cargo: reports read; building, testing, running and installing run ``build.rs`` and the
    crates' code."""
    words = _words(cmd)
    reads = bool(words) and words[0] in _CARGO_READS
    return _judged(cmd, ctx, reads=reads, what=f"cargo {' '.join(words) or '(no command)'}")


# Wrappers that run a command in a Python project's environment (``uv run``, ``poetry run``).
PROJECT_RUNNERS = frozenset({"uv-run", "poetry-run"})
_MAX_LEVELS = 32


def project_environment(
    cmd: SimpleCommand, written: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """What ``uv run``/``poetry run`` (``written``, as typed) runs besides ``cmd``: the
    project's ``.venv/bin`` is first on the PATH, so a program found there is that file (judged
    as the script it is); and ``uv run`` first builds and installs a project that has a
    ``[build-system]`` (its build backend runs the project's own ``setup.py``...), unless
    ``--no-project``/``--no-sync`` says otherwise: unknown."""
    effects: list[Effect] = []
    folders = _upward(ctx.cwd)
    if "/" not in cmd.program:
        for folder in folders:
            program = f"{folder}/.venv/bin/{cmd.program}"
            if ctx.files.exists(program) or program in ctx.written:
                what = f"{program} is first on the PATH of {written.name} run"
                effects += script_file_effects(program, cmd, ctx, what=what)
                break
    options = set(written.argv[: len(written.argv) - len(cmd.argv)])
    if "uv-run" in cmd.wrappers and not options & {"--no-project", "--no-sync", "--script"}:
        for folder in folders:
            text = ctx.files.read_text(f"{folder}/pyproject.toml", limit=262_144)
            if text is None:
                continue
            if "[build-system]" in text or re.search(r"(?m)^\s*package\s*=\s*true", text):
                reason = f"uv run builds and installs the project in {folder} first: its code runs"
                effects.append(unknown_effect(cmd, reason, ctx))
            break  # the nearest project is the one uv runs in
    return effects


def _upward(start: str) -> list[str]:
    """``start`` and the folders above it."""
    folders = [start.rstrip("/") or "/"]
    while folders[-1] != "/" and len(folders) < _MAX_LEVELS:
        folders.append(posixpath.dirname(folders[-1]))
    return folders
