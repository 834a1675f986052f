"""Project files that are a known tool's stock launcher: Django's ``manage.py`` and Rails'
``bin/rails`` and ``bin/rake`` binstubs, run by their path (``./manage.py migrate``,
``bin/rails db:drop``) or through their interpreter (``ruby bin/rails db:drop``).

A file in the project is whatever it holds, so it is judged as the tool it launches only when
all of these hold; else it stays the script it is (unknown):

- its text can be read, and the line does not write it before running it;
- run by its path, its ``#!`` line names an installed interpreter, plainly
  (``#!/usr/bin/env python3``, ``#!/usr/bin/ruby``: no options, no interpreter in the
  project);
- its text is the launcher the framework's generator writes and nothing more: Django's
  ``manage.py`` is checked by :mod:`._django_launcher` (parsed, never run); a binstub, having no
  parser here, must be one of the generator's texts line for line (comments, blank lines and
  the quote style aside). Binstubs that load Spring first are not accepted: Spring's own
  ``bin/spring`` would have to be checked too.

``bin/rails`` runs in its application: the folder above ``bin/`` is the one whose
``config/database.yml`` is read. ``bin/rake`` finds its Rakefile from the working directory,
as rake does.
"""

from __future__ import annotations

import re
from posixpath import basename, dirname

from keyturn.model import Effect
from keyturn.understand.shell.commands._django_launcher import MAX_LAUNCHER, is_django_launcher
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

# Interpreters a launcher may name in its ``#!`` line, by basename (``python3.12``, ``ruby3.3``).
_PYTHON = re.compile(r"python(?:[23](?:\.\d+)?)?")
_RUBY = re.compile(r"ruby(?:\d+(?:\.\d+)*)?")
_MAX_BINSTUB = 4096  # the generator's binstubs are a few lines

# The binstubs ``rails new`` writes (Rails 5.1 to 8), each as its significant lines.
_RAILS_BINSTUBS = (
    (
        'APP_PATH = File.expand_path("../config/application", __dir__)',
        'require_relative "../config/boot"',
        'require "rails/commands"',
    ),
    (
        'APP_PATH = File.expand_path("../../config/application", __FILE__)',
        'require_relative "../config/boot"',
        'require "rails/commands"',
    ),
)
_RAKE_BINSTUBS = (('require_relative "../config/boot"', 'require "rake"', "Rake.application.run"),)


def launched_by_path(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """The effects of running the project file ``cmd.program`` when it is a stock launcher,
    else ``None``."""
    from keyturn.understand.shell.dispatch import foreign_program

    path = normalize_path(cmd.program, cwd=ctx.cwd)
    named = basename(path)
    if named != "manage.py" and not (named in ("rails", "rake") and _in_bin(path)):
        return None  # not a launcher's name: the file is left to be read as the script it is
    text = _launcher_text(path, ctx)
    if text is None:
        return None
    shebang, _, _ = text.partition("\n")
    words = shebang[2:].split() if shebang.startswith("#!") else []
    if len(words) == 2 and basename(words[0]) == "env":
        interpreter = words[1]
    elif len(words) == 1 and not foreign_program(words[0], ctx):
        interpreter = basename(words[0])
    else:
        return None  # no ``#!``, options, ``env -S``, or an interpreter in the project
    if _PYTHON.fullmatch(interpreter) and named == "manage.py":
        from keyturn.understand.shell.commands import _migration_python

        if not is_django_launcher(text):
            return None
        return _migration_python.django(_run_by(cmd, "python"), ctx, start=2, launcher=text)
    if _RUBY.fullmatch(interpreter):
        return ruby_launcher(_run_by(cmd, "ruby"), ctx, script=1, text=text)
    return None


def ruby_launcher(
    cmd: SimpleCommand, ctx: ShellContext, *, script: int, text: str | None = None
) -> list[Effect] | None:
    """``ruby bin/rails …`` (``script``: the index of the binstub in argv): the Rails task it
    launches when the file is a stock binstub, else ``None``."""
    from keyturn.understand.shell.commands import _migration_rails

    path = normalize_path(cmd.argv[script], cwd=ctx.cwd)
    if script in cmd.dynamic_words or not _in_bin(path):
        return None
    text = text if text is not None else _launcher_text(path, ctx)
    if text is None:
        return None
    lines = _significant_lines(text)
    tool = basename(path)
    tail = (tool, *cmd.argv[script + 1 :])
    inner = evolve(
        cmd,
        argv=tail,
        dynamic_words=frozenset(i - script for i in cmd.dynamic_words if i > script),
        raw_argv=cmd.raw_argv[script:] if cmd.raw_argv else (),
    )
    if tool == "rails" and lines in _RAILS_BINSTUBS:
        app = dirname(dirname(path))
        return _migration_rails.rails(inner, evolve(ctx, cwd=app))
    if tool == "rake" and lines in _RAKE_BINSTUBS:
        return _migration_rails.rake(inner, ctx)
    return None


def _in_bin(path: str) -> bool:
    return basename(dirname(path)) == "bin"


def _run_by(cmd: SimpleCommand, interpreter: str) -> SimpleCommand:
    """``cmd`` as its interpreter runs it: ``INTERPRETER PATH ARGS…``."""
    return evolve(
        cmd,
        argv=(interpreter, cmd.program, *cmd.argv[1:]),
        dynamic_words=frozenset(i + 1 for i in cmd.dynamic_words),
        raw_argv=(interpreter, *cmd.raw_argv) if cmd.raw_argv else (),
    )


def _launcher_text(path: str, ctx: ShellContext) -> str | None:
    """The file's text, unless it cannot be read or the line writes it before it runs."""
    wrote, _ = written_text(ctx.written, path) if ctx.written else (False, None)
    if wrote:
        return None
    # One past the longest launcher: a longer file is read as too long, never cut to fit.
    return ctx.files.read_text(path, limit=MAX_LAUNCHER + 1)


def _significant_lines(text: str) -> tuple[str, ...]:
    """The lines that do something, with one quote style: comments (the ``#!`` line, magic
    comments) and blank lines dropped."""
    if len(text) > _MAX_BINSTUB:
        return ()
    kept = (line.strip() for line in text.splitlines())
    return tuple(line.replace("'", '"') for line in kept if line and not line.startswith("#"))
