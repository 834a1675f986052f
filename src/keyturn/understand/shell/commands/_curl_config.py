"""curl's default config file (``.curlrc``), for the ``curl`` handler of :mod:`.http_clients`.

Unless ``-q``/``--disable`` is its first option, curl reads options from the first of
``$CURL_HOME/.curlrc``, ``$XDG_CONFIG_HOME/curlrc`` and ``$HOME/.curlrc`` before its command
line: a ``request = DELETE`` or a ``url = ...`` there changes what a plain ``curl URL`` does.
Each of those files that is there (on disk, or written by an earlier command on the line) is
read as curl reads it and its options are put before the command line's; one that cannot be
read, or holds an option keyturn does not know, leaves the call unknown. (``~/.config/curlrc``
counts even where ``XDG_CONFIG_HOME`` is not known to be set: the agent's shell may set it.)
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from keyturn.understand.shell.commands._argv import Spec
from keyturn.understand.shell.commands._curl_options import CURL, curl_option_known
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


@dataclass(frozen=True, slots=True)
class CurlConfig:
    """One default config file curl may read: its path and the options in it as command-line
    words (``None``: not read, or holding what keyturn cannot follow)."""

    path: str
    words: tuple[str, ...] | None


def default_configs(cmd: SimpleCommand, ctx: ShellContext) -> list[CurlConfig]:
    """The default config files this curl call may read (none after a first ``-q``)."""
    if cmd.argv[1:2] in (("-q",), ("--disable",)):
        return []
    home = ctx.home.rstrip("/") or "/"
    xdg = ctx.env.get("XDG_CONFIG_HOME") or posixpath.join(home, ".config")
    candidates = [posixpath.join(xdg, "curlrc"), posixpath.join(home, ".curlrc")]
    found = []
    for path in dict.fromkeys(candidates):
        if not (ctx.files.exists(path) or written_text(ctx.written, path)[0]):
            continue
        text = one_text_on_line(path, ctx)
        found.append(CurlConfig(path, None if text is None else config_words(text)))
    return found


def with_config(cmd: SimpleCommand, words: tuple[str, ...]) -> SimpleCommand:
    """``cmd`` as curl runs it with the config file's ``words`` read before its own options."""
    if not words:
        return cmd
    shift = len(words)
    argv = (cmd.argv[0], *words, *cmd.argv[1:])
    raw = (cmd.raw_argv[0], *words, *cmd.raw_argv[1:]) if cmd.raw_argv else ()
    dynamic = frozenset(i + shift if i > 0 else i for i in cmd.dynamic_words)
    return replace(cmd, argv=argv, raw_argv=raw, dynamic_words=dynamic)


def config_words(text: str) -> tuple[str, ...] | None:
    """The options of a curl config file as command-line words; ``None`` when one is not
    known (whether it takes a value cannot be told)."""
    words: list[str] = []
    for line in text.splitlines():
        parsed = _config_line(line)
        if parsed is None:
            continue
        option, param = parsed
        valued = _takes_value(option, CURL)
        if valued is None:
            return None
        name = option.lstrip("-")
        if option.startswith("--") and not curl_option_known(name) and name not in CURL.long:
            return None
        words += [option, param] if valued else [option]
    return tuple(words)


def _takes_value(option: str, spec: Spec) -> bool | None:
    """Whether a config file's option takes its parameter; ``None`` when it is not read."""
    if option.startswith("--"):
        key = spec.long.get(option[2:], option[2:])
        return key in spec.long_valued or (len(key) == 1 and key in spec.short)
    letters = option[1:]
    if not letters:
        return None
    # ``-sX`` with the parameter after: the last letter takes it when it takes a value.
    return letters[-1] in spec.short and all(c not in spec.short for c in letters[:-1])


_COMMENT_STARTS = ("#", "/", "*")


def _config_line(line: str) -> tuple[str, str] | None:
    """(option, parameter) of one line of a config file, as curl splits it: the option up to
    a blank (or ``=``/``:`` when written without dashes), then a quoted parameter with
    backslash escapes or one up to the next blank; ``None`` for a comment or a blank line."""
    line = line.lstrip()
    if not line or line.startswith(_COMMENT_STARTS):
        return None
    dashed = line.startswith("-")
    end = 0
    while end < len(line) and not line[end].isspace() and (dashed or line[end] not in "=:"):
        end += 1
    option, rest = line[:end], line[end:]
    rest = rest.lstrip(" \t" if dashed else " \t=:")
    if not dashed:
        option = "--" + option
    if rest.startswith('"'):
        return option, _unquoted(rest[1:])
    return option, rest.split(None, 1)[0] if rest.split() else ""


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "v": "\v"}


def _unquoted(text: str) -> str:
    out, i = [], 0
    while i < len(text) and text[i] != '"':
        if text[i] == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)
