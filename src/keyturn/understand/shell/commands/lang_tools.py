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

A report runs a program too when the tool's settings name one (``cargo tree`` under a
``build.rustc``, ``pip list`` under pip's ``python =``, ``go list`` under
``GOFLAGS=-toolexec=…``): unknown then (:mod:`._toolchain_settings`).

``uv run``/``poetry run`` are wrappers (the command they run is judged as itself); what they
add -- the project's ``.venv/bin`` first on the PATH, ``uv run`` building the project -- is
:func:`project_environment`.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._keyturn_package import installs_keyturn
from keyturn.understand.shell.commands._runner_loads import loaded_first
from keyturn.understand.shell.commands._toolchain_settings import (
    cargo_runs_program,
    go_runs_program,
    pip_runs_program,
    upward,
)
from keyturn.understand.shell.effects import command_effect, unknown_effect
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
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
# The reads that only print cargo's own text: the others load cargo's settings and may start
# the rustc (or wrapper) they name (``cargo tree`` asks it about the target).
_CARGO_OWN_TEXT = frozenset({"--version", "-V", "version", "help", "--list"})
# go list's options that compile the packages (running cgo, and -toolexec's program).
_GO_COMPILES = ("-compiled", "--compiled", "-export", "--export")


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
    runs = pip_runs_program(cmd, ctx) if reads else None
    if runs is not None:
        return [unknown_effect(cmd, runs, ctx)]
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
    compiles = any(a.split("=", 1)[0] in _GO_COMPILES for a in cmd.args)
    settings = go_runs_program(cmd, ctx, compiles=compiles) if reads else None
    if settings is not None:
        return [unknown_effect(cmd, settings, ctx)]
    return _judged(cmd, ctx, reads=reads, what=f"go {' '.join(words) or '(no command)'}")


@command("cargo")
def cargo(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """cargo: reports read; building, testing, running and installing run ``build.rs`` and the
    crates' code."""
    words = _words(cmd)
    reads = bool(words) and words[0] in _CARGO_READS
    settings = cargo_runs_program(cmd, ctx) if reads and words[0] not in _CARGO_OWN_TEXT else None
    if settings is not None:
        return [unknown_effect(cmd, settings, ctx)]
    return _judged(cmd, ctx, reads=reads, what=f"cargo {' '.join(words) or '(no command)'}")


# Wrappers that run a command in a project's environment: ``uv run``, ``poetry run``, and
# those that load the project's code or settings first (:mod:`._runner_loads`).
PROJECT_RUNNERS = frozenset(
    {"uv-run", "poetry-run", "bundle-exec", "direnv-exec", "mise-exec"}
    | {"conda-run", "mamba-run", "micromamba-run"}
)
# What in a pyproject.toml makes ``uv run`` build something before the command: the project
# itself (a build system, ``package = true``), or a dependency it builds from source -- a
# path, git or URL source, a workspace member, a ``file:``/``git+`` requirement.
_UV_BUILDS = re.compile(
    r"(?m)^\s*\[build-system\]|^\s*package\s*=\s*true|^\s*\[tool\.uv\.(?:sources|workspace)\b"
    r"|\b(?:path|git|url)\s*=|\bworkspace\s*=\s*true|\bfile:|\bgit\+|\s@\s"
)


def project_environment(
    cmd: SimpleCommand, written: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """What a project runner (``written``, as typed) runs besides ``cmd``: for ``uv run`` and
    ``poetry run``, the project's ``.venv/bin`` is first on the PATH, so a program found there
    is that file (judged as the script it is); and ``uv run`` first builds and installs a
    project that has a ``[build-system]`` (its build backend runs the project's own
    ``setup.py``...), and the path, git and URL dependencies and workspace members it names,
    unless ``--no-project``/``--no-sync`` says otherwise: unknown. The other runners load
    code or settings first: :func:`._runner_loads.loaded_first`."""
    effects = loaded_first(cmd, written, ctx)
    if not {"uv-run", "poetry-run"} & set(cmd.wrappers):
        return effects
    folders = upward(ctx.cwd)
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
            # Every pyproject.toml up to the root: a workspace's root names its members and
            # their sources; the nearest is the project uv runs in.
            text = one_text_on_line(f"{folder}/pyproject.toml", ctx, limit=262_144)
            if text is None and not _changed(f"{folder}/pyproject.toml", ctx):
                continue
            if text is None or _UV_BUILDS.search(text):
                reason = f"uv run first builds what {folder}/pyproject.toml names: its code runs"
                effects.append(unknown_effect(cmd, reason, ctx))
                break
    return effects


def _changed(path: str, ctx: ShellContext) -> bool:
    """Whether the line changed ``path`` before (in a way :func:`one_text_on_line` may not tell)."""
    return bool(ctx.written) and written_text(ctx.written, path)[0]
