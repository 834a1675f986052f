"""Settings that make a toolchain's "reports only" commands run a program of someone's choosing.

``cargo tree`` and ``cargo metadata`` ask the compiler about the target (``rustc -vV``), and run
the rustc -- or the wrapper around it -- that cargo's settings name: ``--config
build.rustc=…`` on the line, or a ``.cargo/config.toml`` in the project, a folder above it or
``$CARGO_HOME`` (a file planted in a cloned repository is enough). pip re-executes itself under
the interpreter its settings name (``python =`` in a pip config file, ``PIP_PYTHON``). go's
settings file (``~/.config/go/env``, ``GOENV``) and ``GOFLAGS`` add ``-toolexec``/``-exec``/
``-overlay`` to every go command, and ``go list -compiled``/``-export`` run cgo with ``$CC``.

Each function here says why such a read runs a program, or ``None``; the handlers
(:mod:`.lang_tools`) then judge the read ``unknown``. The strict reading is used: a settings
file that names such a key at all, or that the line changed in a way not known, is enough.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Iterator

from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_MAX_LEVELS = 32
_LIMIT = 262_144

# cargo's settings whose value is a program cargo runs (the compiler, a wrapper around it, a
# linker, a runner, a credential provider) or another settings file to load.
_CARGO_PROGRAM_KEYS = frozenset(
    {"rustc", "rustc-wrapper", "rustc-workspace-wrapper", "runner", "linker"}
    | {"credential-provider", "global-credential-providers", "include"}
)
# go's settings that name a program go runs, or decide which go runs.
_GO_PROGRAM_SETTINGS = re.compile(r"(?:CC|CXX|FC|AR|GCCGO|PKG_CONFIG|CGO_\w+|GOTOOLCHAIN)\Z")
# GOFLAGS options that run a program of the caller's choosing or swap the files go compiles.
GO_FLAGS_THAT_RUN = re.compile(
    r"(?:^|\s)['\"]?--?(?:toolexec|exec|overlay|vettool|compiler|gccgoflags)\b"
)
# ``python =`` (or ``python:``) in a pip config file: pip re-executes under that program.
_PIP_PYTHON = re.compile(r"(?mi)^\s*python\s*[=:]")


def value(cmd: SimpleCommand, ctx: ShellContext, name: str) -> str | None:
    """The variable ``name`` as the command sees it: set on its line, or known in effect."""
    found = cmd.assignments.get(name)
    return found if found is not None else ctx.env.get(name)


def settings_text(path: str, ctx: ShellContext) -> tuple[bool, str | None]:
    """(whether the file's text can be told, the text -- ``None`` when there is no file): a
    file the line changed in a way not known cannot be told."""
    wrote, _ = written_text(ctx.written, path) if ctx.written else (False, None)
    text = one_text_on_line(path, ctx, limit=_LIMIT)
    return (not (wrote and text is None)), text


def upward(start: str) -> list[str]:
    """``start`` and the folders above it."""
    folders = [start.rstrip("/") or "/"]
    while folders[-1] != "/" and len(folders) < _MAX_LEVELS:
        folders.append(posixpath.dirname(folders[-1]))
    return folders


def cargo_runs_program(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """Why a cargo read (``cargo tree``) runs a program cargo's settings name, or ``None``."""
    if any(a == "--config" or a.startswith("--config=") for a in cmd.args):
        return "cargo --config may name the rustc, a wrapper or a runner cargo starts"
    cargo_home = value(cmd, ctx, "CARGO_HOME") or f"{ctx.home.rstrip('/')}/.cargo"
    places = [f"{folder.rstrip('/')}/.cargo" for folder in upward(ctx.cwd)]
    for folder in dict.fromkeys([*places, cargo_home.rstrip("/")]):
        for name in ("config", "config.toml"):
            path = f"{folder}/{name}"
            told, text = settings_text(path, ctx)
            if not told:
                return f"{path} was changed on the line: what program cargo runs is not known"
            if text is None:
                continue
            try:
                document = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                return f"{path} cannot be read: it may name a program cargo runs"
            key = next((k for k in _keys(document) if k in _CARGO_PROGRAM_KEYS), None)
            if key is not None:
                return f"{path} sets {key}: cargo runs that program even to report"
    return None


def _keys(document: object) -> Iterator[str]:
    """Every key of a parsed TOML document, at any depth."""
    if isinstance(document, dict):
        for key, item in document.items():
            yield str(key)
            yield from _keys(item)
    elif isinstance(document, list):
        for item in document:
            yield from _keys(item)


def pip_runs_program(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """Why a pip read (``pip list``) runs another interpreter pip's settings name, or ``None``."""
    if any(a == "--python" or a.startswith("--python=") for a in cmd.args):
        return "pip --python re-executes pip under that program"
    home = ctx.home.rstrip("/")
    config_home = value(cmd, ctx, "XDG_CONFIG_HOME") or f"{home}/.config"
    config_dirs = (value(cmd, ctx, "XDG_CONFIG_DIRS") or "/etc/xdg").split(":")
    paths = ["/etc/pip.conf", *(f"{d.rstrip('/')}/pip/pip.conf" for d in config_dirs if d)]
    paths += [f"{home}/.pip/pip.conf", f"{config_home.rstrip('/')}/pip/pip.conf"]
    for name in ("VIRTUAL_ENV", "PIP_CONFIG_FILE"):
        given = value(cmd, ctx, name)
        if given:
            paths.append(f"{given.rstrip('/')}/pip.conf" if name == "VIRTUAL_ENV" else given)
    for path in dict.fromkeys(paths):
        told, text = settings_text(path, ctx)
        if not told:
            return f"{path} was changed on the line: the interpreter pip runs is not known"
        if text is not None and _PIP_PYTHON.search(text):
            return f"{path} sets python: pip re-executes itself under that program"
    return None


def go_runs_program(cmd: SimpleCommand, ctx: ShellContext, *, compiles: bool) -> str | None:
    """Why a go read runs a program go's settings name, or ``None``; ``compiles``: the read
    compiles the packages (``go list -export``/``-compiled``), running cgo with ``$CC``."""
    settings = {
        name: found
        for name in ("GOFLAGS", "GOTOOLCHAIN", "CC", "CXX", "GCCGO", "PKG_CONFIG")
        if (found := value(cmd, ctx, name))
    }
    settings |= {k: v for k, v in {**ctx.env, **cmd.assignments}.items() if k.startswith("CGO_")}
    goenv = value(cmd, ctx, "GOENV")
    if goenv != "off":
        config_home = value(cmd, ctx, "XDG_CONFIG_HOME") or f"{ctx.home.rstrip('/')}/.config"
        path = goenv or f"{config_home.rstrip('/')}/go/env"
        told, text = settings_text(path, ctx)
        if not told:
            return f"{path} was changed on the line: the programs go runs are not known"
        for line in (text or "").splitlines():
            name, eq, found = line.strip().partition("=")
            if eq and name not in settings:
                settings[name] = found
    for name, found in settings.items():
        if name == "GOFLAGS":
            if GO_FLAGS_THAT_RUN.search(found):
                return f"GOFLAGS={found[:80]} makes go run a program of its own choosing"
        elif name == "GOTOOLCHAIN":
            if found.strip() not in ("", "local", "auto"):
                return f"GOTOOLCHAIN={found[:80]}: another go runs the command"
        elif compiles and _GO_PROGRAM_SETTINGS.match(name):
            return f"{name}={found[:80]}: compiling the packages runs that program (cgo)"
    return None
