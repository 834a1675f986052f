"""What the platform (PaaS) command lines share (:mod:`.paas`): one invocation being
understood, the verb tables, the commands they run elsewhere, and the config files they read.

Choices that hold for every platform tool:
- Names are ``<scheme>:<path>`` (``railway:``, ``fly:``, ``heroku:``, ``vercel:``,
  ``netlify:``, ``digitalocean:``, ``cloudflare:``), the path going from the widest scope
  (project, app, site) to the object. A part the line does not give, and no config file at
  hand tells, is ``*``: the name then stands for every such resource, so a ``protected``
  pattern or a ``deny`` rule that could be the one still holds (a wide delete reaches what it
  may cover).
- A change of a name holding a word decided at run time (``--volume "$V"``) is ``unknown``.
- ``--yes``/``--force``/``--confirm`` (no confirmation prompt) is noted in the detail.
- A config file the line itself changed before the command (``railway environment
  production && railway volume delete ...``) is read as the line left it, or not at all when
  that is not known (:func:`read_text`): never as it was on disk.
- A command run in the platform's machines (``fly ssh console -C``, ``railway ssh``,
  ``heroku run``) is judged as the command line it is and named also in that place
  (``fly:app/machine/*/file:/data``), like ``ssh HOST CMD``; with no command (an interactive
  session) it is not understood.
- What the platform holds lands as a server's does (:mod:`._server_target`): by an environment
  given outright or by its names, never by the shell's AWS profile or kube context, which say
  nothing of which app or project a call reaches (``AWS_PROFILE=dev heroku apps:destroy``).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, TypeVar

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._git_config_file import parse_settings, repository_root
from keyturn.understand.shell.commands._kv_store import names_run_time_word
from keyturn.understand.shell.commands._server_target import on_server, run_there, server_target
from keyturn.understand.shell.effects import (
    command_effect,
    file_effect,
    home_path,
    named_in,
    unknown_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_E = EffectKind
# Kinds that change what exists: on a name decided at run time they are unknown.
_CHANGES = frozenset({_E.CREATE, _E.UPDATE, _E.DELETE, _E.REPLACE})
NO_PROMPT = "no confirmation prompt"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PaasCall:
    """One invocation being understood: ``service`` is the effects' service and the names'
    scheme; ``notes`` are added to every effect's detail (``--yes: no confirmation prompt``)."""

    cmd: SimpleCommand
    ctx: ShellContext
    service: str
    operation: str = ""
    notes: tuple[str, ...] = ()

    def effect(
        self,
        kind: EffectKind,
        names: Iterable[str],
        detail: str = "",
        *,
        removes_protection: bool = False,
    ) -> Effect:
        """An effect on the resource called ``names`` (written out in full, scheme and all)."""
        found = tuple(dict.fromkeys(names)) or (f"{self.service}:*",)
        notes = [detail, *self.notes]
        if kind in _CHANGES and names_run_time_word(self.cmd, found):
            kind = _E.UNKNOWN
            notes.append("which one is decided at run time")
        return Effect(
            effect=kind,
            resource=Resource(found, type=self.service),
            target=server_target(self.ctx),
            service=self.service,
            command=self.cmd.text or None,
            operation=self.operation or self.cmd.name,
            removes_protection=removes_protection,
            detail="; ".join(n for n in notes if n),
        )

    def prints(self, detail: str = "only prints: changes nothing") -> Effect:
        """A read of the command itself (help, version, opening a web page)."""
        return command_effect(_E.READ, self.cmd, self.ctx, detail=detail)

    def local_file(self, kind: EffectKind, path: str, detail: str) -> Effect:
        """An effect on a file of this machine (``~`` and relative paths resolved)."""
        return file_effect(kind, [home_path(path, self.ctx)], self.cmd, self.ctx, detail=detail)

    def nested(self, words: Sequence[str], places: Sequence[str], where: str) -> list[Effect]:
        """The command line ``words`` run ``where``, judged as the line it is; unknown when
        nothing judges lines. Run in the platform's machines (an app's machine, a dyno: the
        ``places`` it is named in as well), it lands as the platform does, not by this
        machine's hints; run here (a build, a predeploy hook: no place), as any command here."""
        there = on_server(self.ctx) if places else self.ctx
        if not words:
            return [unknown_effect(self.cmd, f"an interactive session {where}", there)]
        if self.ctx.understand_nested is None:
            return [unknown_effect(self.cmd, f"runs a command {where}, not judged", there)]
        text = words[0] if len(words) == 1 else shlex.join(words)
        note = f"runs {where}"
        found = self.ctx.understand_nested(text)
        return [
            named_in(evolve(e, detail=f"{e.detail}; {note}" if e.detail else note), places)
            for e in (run_there(found, self.ctx) if places else found)
        ]


def parse_args(args: Sequence[str], spec: OptionSpec) -> Options:
    """:func:`parse_options` for the parsers these tools are built on (cobra's pflag, oclif,
    clap, yargs, Go's flag, argparse), which take ``-a=VALUE`` for ``-a VALUE``: the ``=`` is
    not part of the value (``fly ... -a=prod-app`` is app ``prod-app``, not ``=prod-app``)."""
    return parse_options([_short_equals(a, spec) for a in args], spec)


def _short_equals(arg: str, spec: OptionSpec) -> str:
    if len(arg) > 2 and arg[0] == "-" and arg[2] == "=" and arg[1] in spec.valued:
        return arg[:2] + arg[3:]
    return arg


def yes_notes(opts: Options, *keys: str) -> tuple[str, ...]:
    """The note for an option that skips the confirmation prompt, when given."""
    for key in keys:
        if opts.has(key):
            return (f"{'--' if len(key) > 1 else '-'}{key}: {NO_PROMPT}",)
    return ()


# What a command means, from the call, its options and the operands after its verb words.
Meaning = Callable[[PaasCall, Options, Sequence[str]], "list[Effect] | None"]


def spelled(table: Mapping[str, T]) -> dict[str, T]:
    """``table`` with each key's spellings written out: a key is phrases separated by commas,
    a phrase words with their alternatives separated by ``|``. ``"volume|vol rm|delete, drop"``
    is the keys ``volume rm``, ``volume delete``, ``vol rm``, ``vol delete`` and ``drop``."""
    out: dict[str, T] = {}
    for key, meaning in table.items():
        for phrase in key.split(","):
            for words in product(*(w.split("|") for w in phrase.split())):
                out[" ".join(words)] = meaning
    return out


def meaning_of(
    call: PaasCall,
    opts: Options,
    words: Sequence[str],
    table: Mapping[str, Meaning],
    *,
    at_least: int = 1,
) -> list[Effect] | None:
    """The meaning of the longest run of verb words (``machine destroy``, ``status``) found
    in ``table``, given the operands after them; ``None`` for a verb not in it. ``at_least``:
    how many words the command surely has (``pg:push`` is two: it is not ``pg``). A topic
    (``apps``, when ``apps destroy`` is a key too) followed by a word is an unknown
    subcommand, unless its meaning takes operands (:func:`operands`)."""
    for n in (3, 2, 1):
        if len(words) < n or n < at_least:
            continue
        verbs = " ".join(words[:n])
        meaning = table.get(verbs)
        if meaning is None:
            continue
        rest = words[n:]
        if rest and meaning not in _TAKES_OPERANDS and _is_topic(verbs, table):
            return None
        return meaning(evolve(call, operation=f"{call.cmd.name} {verbs}"), opts, rest)
    return None


def _is_topic(verbs: str, table: Mapping[str, Meaning]) -> bool:
    start = verbs + " "
    return any(key.startswith(start) for key in table)


_TAKES_OPERANDS: set[Meaning] = set()


def operands(meaning: Meaning) -> Meaning:
    """Mark a topic's own meaning as taking operands (``railway environment NAME``, ``heroku
    pg DATABASE``): a word after it is not an unknown subcommand."""
    _TAKES_OPERANDS.add(meaning)
    return meaning


def command_words(operands: Sequence[str]) -> tuple[list[str], int]:
    """The command's words with a first word spelled with colons split (``apps:destroy``:
    ``apps destroy``), and how many words that spelling surely makes the command."""
    words = list(operands)
    if not words or ":" not in words[0]:
        return words, 1
    parts = [w for w in words[0].split(":") if w]
    return parts + words[1:], len(parts)


def constant(kind: EffectKind, name: str, detail: str = "") -> Meaning:
    """A meaning on one resource whatever the operands (``apps list``: ``fly:*``)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [name], detail)]

    return meaning


def writes_here(path: str, detail: str) -> Meaning:
    """A meaning that writes one file of this machine (``fly config save``: ``fly.toml``)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.local_file(EffectKind.UPDATE, path, detail)]

    return meaning


def prints(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """Help, version, docs, a dashboard opened in the browser: only prints."""
    return [call.prints()]


def whole(name: str) -> list[str]:
    """A resource and everything in it (deleting an app deletes its volumes and secrets)."""
    return [name, f"{name}/*"]


def keys_of(words: Iterable[str]) -> list[str]:
    """Variable names of ``KEY=value`` words (and of bare ``KEY`` words)."""
    return [w.split("=", 1)[0] for w in words if w and not w.startswith("-")]


def read_text(ctx: ShellContext, path: str) -> str | None:
    """A config file's text as this command finds it: what the line wrote there before it
    (``railway environment production && railway volume delete``: the link just made, not the
    one on disk), ``None`` when the line changed it in a way not known, else the file at hand."""
    if ctx.written:
        wrote, text = written_text(ctx.written, path)
        if wrote:
            return text
    return ctx.files.read_text(path, limit=262_144)


def read_toml(ctx: ShellContext, path: str) -> dict[str, Any] | None:
    """A TOML file at hand, parsed; ``None`` when absent or not TOML."""
    text = read_text(ctx, path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None


_LINE_COMMENT = re.compile(r'^\s*//.*$|("(?:[^"\\]|\\.)*")|//[^\n]*', re.MULTILINE)


def read_json(ctx: ShellContext, path: str) -> dict[str, Any] | None:
    """A JSON (or JSON-with-comments) file at hand, parsed; ``None`` when absent or not an
    object."""
    text = read_text(ctx, path)
    if text is None:
        return None
    for attempt in (text, _LINE_COMMENT.sub(lambda m: m.group(1) or "", text)):
        try:
            found = json.loads(attempt)
        except ValueError:
            continue
        return found if isinstance(found, dict) else None
    return None


def text_of(mapping: Mapping[str, Any] | None, *path: str) -> str | None:
    """The non-empty string at ``path`` in a parsed config file."""
    found: Any = mapping
    for key in path:
        if not isinstance(found, Mapping):
            return None
        found = found.get(key)
    return found if isinstance(found, str) and found else None


def git_settings(ctx: ShellContext) -> list[tuple[str, str]]:
    """The settings of the ``.git/config`` of the repository holding the working directory
    (``remote.origin.url``, ``heroku.remote``...), in their order."""
    root = repository_root(ctx.cwd, ctx)
    return parse_settings((read_text(ctx, root + "/.git/config") if root else None) or "")


def first(words: Sequence[str], default: str = "*") -> str:
    """The first operand, or ``default``."""
    return words[0] if words and words[0] else default


def not_understood(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """A form that shadows a shorter one in a table but is not understood (``fly version
    upgrade`` replaces the program itself)."""
    return None
