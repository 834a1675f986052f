"""The env files compose reads its own ``COMPOSE_*`` settings from, and their text read as
compose-go's dotenv parser reads it.

Which files (docker/compose ``cmd/compose/compose.go``, compose-go ``cli/options.go``
``WithEnvFiles``): each ``--env-file``; else ``COMPOSE_ENV_FILES``, split on commas; else
``.env`` in the project's working directory, unless ``COMPOSE_DISABLE_ENV_FILE`` is true.
podman-compose knows neither variable: its ``--env-file``, else ``.env``.

The text is statements, not lines (compose-go ``dotenv/parser.go``): after blanks and an
``export`` followed by a blank, a name ends at ``=`` or at ``:`` (yaml style, ``NAME: value``);
a quoted value ends at its closing quote, and what follows it on that line is the next statement
(a comment, or another ``NAME=value``); an unquoted value runs to the end of its line, less a
`` #`` comment. Where compose-go's releases read a setting differently -- a backslash in a quoted
value (escapes such as ``\\0151``), a ``#`` left in an unquoted value, ``export`` glued to the
name -- or the value takes variables, the setting is not told: the caller says unknown.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# compose-go's isSpace: the blanks inside a line (a line's end is not one of them).
_BLANKS = "\t\v\f\r \x85\xa0"
# Go's regexp ``^export\s+`` (``\s`` is ASCII's [\t\n\f\r ]): only then is ``export`` dropped.
_EXPORT = re.compile(r"export[\t\n\f\r ]")
# What a name may hold besides letters and digits (newer releases; older ones refuse ``-[]``).
_NAME_MARKS = "_.-[]"
# Go's strconv.ParseBool, which reads COMPOSE_DISABLE_ENV_FILE.
_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


@dataclass(frozen=True, slots=True)
class EnvFiles:
    """The env files compose reads (absolute), and whether they are the default ``.env``
    (compose then reads the ``.env`` beside the compose file too, once the files are chosen)."""

    paths: tuple[str, ...]
    default: bool


def env_files(
    opts: Options, cmd: SimpleCommand, ctx: ShellContext, *, folder: str
) -> EnvFiles | str:
    """The env files of ``[docker] compose [OPTIONS]`` (``opts``), ``folder`` the project's
    working directory; a text: why they are not told."""
    given = opts.values.get("env-file", ())
    if given:
        return EnvFiles(tuple(file_path(f, ctx) for f in given), default=False)
    if cmd.name != "podman-compose":
        named = [f for f in (setting(cmd, ctx.env, "COMPOSE_ENV_FILES") or "").split(",") if f]
        if named:
            return EnvFiles(tuple(file_path(f, ctx) for f in named), default=False)
        disabled = setting(cmd, ctx.env, "COMPOSE_DISABLE_ENV_FILE")
        if disabled is not None and disabled not in _GO_FALSE:
            if disabled in _GO_TRUE:
                return EnvFiles((), default=False)
            return f"COMPOSE_DISABLE_ENV_FILE={disabled} is not a yes or no compose reads"
    return EnvFiles((f"{folder.rstrip('/')}/.env",), default=True)


class _NotRead(Exception):
    """Why the text is not read here (compose refuses it, or its releases read it apart)."""


def dotenv_settings(text: str, names: Collection[str]) -> dict[str, str] | str:
    """The values ``text`` (an env file) gives the variables ``names``, as compose-go reads
    it (see the module's docstring); a text: why they are not told."""
    found: dict[str, str] = {}
    unclear: dict[str, str] = {}
    text = text.removeprefix("\ufeff")
    try:
        pos = _statement(text, 0)
        while pos < len(text):
            for name in _glued_export(text, pos, names):
                unclear[name] = f"{name} follows an export compose releases read apart"
            key, pos, inherited = _name(text, pos)
            if inherited:
                pos = _statement(text, pos)
                continue  # ``NAME`` alone takes the caller's variable, which wins anyway
            value, pos, doubt = _value(text, pos)
            if key in names:
                found[key] = value
                unclear.pop(key, None)
                if doubt or "$" in value:
                    unclear[key] = f"{key}: {doubt or 'its value takes variables'}"
            pos = _statement(text, pos)
    except _NotRead as error:
        return str(error)
    if unclear:
        return next(iter(unclear.values()))
    return found


def _statement(text: str, pos: int) -> int:
    """Where the next statement starts: past blanks, line ends and ``#`` comment lines."""
    while True:
        while pos < len(text) and _space(text[pos]):
            pos += 1
        if pos >= len(text) or text[pos] != "#":
            return pos
        end = text.find("\n", pos)
        if end < 0:
            return len(text)
        pos = end


def _glued_export(text: str, pos: int, names: Collection[str]) -> list[str]:
    """Names older releases read after an ``export`` glued to them or followed by ``\\v``
    (they drop any leading ``export``; newer ones only ``export`` and a blank)."""
    if not text.startswith("export", pos) or _EXPORT.match(text, pos):
        return []
    rest = text[pos + len("export") :].lstrip(_BLANKS)
    return [
        n for n in names if rest.startswith(n) and rest[len(n) :].lstrip(_BLANKS)[:1] in ("=", ":")
    ]


def _name(text: str, pos: int) -> tuple[str, int, bool]:
    """The name at ``pos``, where its value starts, and whether it has none (``NAME`` alone
    on its line: the caller's variable)."""
    if _EXPORT.match(text, pos):
        pos = _skip_blanks(text, pos + len("export"))
    end, after, inherited = pos, pos, False
    for i in range(pos, len(text)):
        char = text[i]
        if char in _BLANKS or char.isalnum() or char in _NAME_MARKS:
            continue
        if char not in "=:\n":
            raise _NotRead(f"unexpected character {char!r} in a variable name")
        end, after, inherited = i, i + 1, char == "\n"
        break
    key = text[pos:end].rstrip(_BLANKS + "\n")
    if " " in key:
        raise _NotRead(f"variable name {key!r} holds a space")
    return key, _skip_blanks(text, after), inherited


def _value(text: str, pos: int) -> tuple[str, int, str]:
    """The value at ``pos``, where the text goes on, and why releases may read it apart
    (empty: they read it alike)."""
    if pos < len(text) and text[pos] in "'\"":
        return _quoted(text, pos)
    end = text.find("\n", pos)
    line = text[pos:] if end < 0 else text[pos:end]
    value = _rstrip_space(line.split(" #", 1)[0])
    doubt = "an unquoted value holds '#', which compose releases cut apart" if "#" in value else ""
    return value, len(text) if end < 0 else end + 1, doubt


def _quoted(text: str, pos: int) -> tuple[str, int, str]:
    """A quoted value: to its closing quote (a backslashed quote does not close it)."""
    quote, escaped = text[pos], False
    chars: list[str] = []
    for i in range(pos + 1, len(text)):
        char = text[i]
        if escaped:
            escaped = False
            chars.extend(("\\", char) if char != quote else (char,))
        elif char == "\\":
            escaped = True
        elif char == quote:
            raw = text[pos + 1 : i]
            if "\\" not in raw:
                return raw, i + 1, ""
            if _older_close(text, pos) != i:
                raise _NotRead("a quoted value ends in a different place in compose releases")
            return "".join(chars), i + 1, "a quoted value holds escapes compose releases read apart"
        else:
            chars.append(char)
    raise _NotRead("a quoted value is not closed")


def _older_close(text: str, pos: int) -> int:
    """Where older releases end the quoted value: the first quote not after a backslash."""
    quote = text[pos]
    for i in range(pos + 1, len(text)):
        if text[i] == quote and text[i - 1] != "\\":
            return i
    return -1


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _BLANKS:
        pos += 1
    return pos


def _space(char: str) -> bool:
    """Go's unicode.IsSpace (Python's ``isspace`` also takes \\x1c-\\x1f)."""
    return char in "\t\n\v\f\r \x85\xa0" or (char > "\xff" and char.isspace())


def _rstrip_space(value: str) -> str:
    end = len(value)
    while end and _space(value[end - 1]):
        end -= 1
    return value[:end]
