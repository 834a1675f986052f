"""The contract between the shell structure (parsing, unwrapping) and per-tool meanings.

The structure side (``keyturn.understand.shell``) parses a command line into
:class:`SimpleCommand` values: quotes removed, wrappers and leading assignments stripped, the
program name normalised to its basename. For each one it looks up a handler by program name.
A handler turns one SimpleCommand into effects, or returns ``None`` when it does not recognise
the form (the structure side then reports an ``unknown`` effect, never nothing).

Handlers live in ``keyturn.understand.shell.commands.<module>`` and register with
:func:`command`. They are pure: files are read only through ``ctx.files``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from keyturn.model import Effect, Target
from keyturn.understand import FileReader, NoFiles


@dataclass(frozen=True, slots=True)
class Redirect:
    """A redirection on a simple command: ``op`` is ``>``, ``>>``, ``<``, ``&>``, ``>|``...;
    ``target`` the unquoted word (a path, or ``&1``); ``dynamic`` when the target is computed
    at run time."""

    op: str
    target: str
    dynamic: bool = False


R = TypeVar("R")


def evolve(record: R, **changes: Any) -> R:
    """``dataclasses.replace`` for the frozen, slotted records understanding passes around
    (:class:`SimpleCommand`, :class:`ShellContext`, effects): the same copy without
    ``replace``'s per-call look at the class's fields, which made it a quarter of understanding
    a command (several copies per command). Only for dataclasses without ``__post_init__``."""
    kind = type(record)
    known = _FIELDS.get(kind)
    if known is None:
        if hasattr(kind, "__post_init__"):
            raise TypeError(f"{kind.__name__} checks itself in __post_init__: use replace()")
        names = tuple(f.name for f in fields(record))  # type: ignore[arg-type]
        known = _FIELDS[kind] = (names, frozenset(names))
    names, allowed = known
    if not allowed.issuperset(changes):
        raise TypeError(f"{kind.__name__} has no field {sorted(set(changes) - allowed)}")
    copy = object.__new__(kind)
    for name in names:
        object.__setattr__(copy, name, changes[name] if name in changes else getattr(record, name))
    return copy


_FIELDS: dict[type, tuple[tuple[str, ...], frozenset[str]]] = {}


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One simple command, after quoting, wrappers and leading assignments are resolved.

    - ``argv``: words with quotes removed; ``argv[0]`` is the program's basename (``/bin/rm`` ->
      ``rm``).
    - ``program``: argv[0] as written (``/bin/rm``), for messages.
    - ``assignments``: leading ``VAR=value`` and those set by ``env``/``sudo`` wrappers.
    - ``wrappers``: the wrappers stripped (``sudo``, ``timeout``...), outermost first.
    - ``stdin_text``: literal text fed on stdin (heredoc, herestring, or a constant ``echo``
      piped in), when it is known.
    - ``stdin_dynamic``: stdin comes from something whose content is not known (``curl ... |``).
    - ``dynamic_words``: indexes into argv of words whose value is decided at run time.
    - ``text``: the normalised command text ``command:`` rules match (``git push --force x``).
    - ``raw_argv``: the words as written (quotes and backslashes kept), aligned with ``argv``
      when known; Windows commands read their paths from it (``C:\\x`` loses its backslash
      to bash unquoting).
    """

    argv: tuple[str, ...]
    program: str
    assignments: Mapping[str, str] = field(default_factory=dict)
    wrappers: tuple[str, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    stdin_text: str | None = None
    stdin_dynamic: bool = False
    dynamic_words: frozenset[int] = frozenset()
    text: str = ""
    raw_argv: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.argv[0] if self.argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]


@dataclass(frozen=True, slots=True)
class ShellContext:
    """What a handler may know beyond the command itself.

    - ``cwd``/``home``: absolute paths used to normalise relative paths and ``~``.
    - ``env``: variables known to be in effect (the caller's environment as given, plus
      assignments made earlier on the line).
    - ``target``: environment hints gathered so far (``AWS_PROFILE``, ``TF_WORKSPACE``...);
      handlers merge their own flags (``--profile``, ``--context``) over it.
    - ``files``: read-only file access.
    - ``understand_nested``: understand another shell command line (``ssh host 'cmd'``, a
      script's text) with the same context; returns its effects.
    - ``understand_in``: the same with a context of its own (the command a container runs sees
      the container's files, working directory and variables).
    - ``written``: the files the line wrote before this command, and their text when known.
    - ``disk_stale``: what the disk shows now may not be what this command finds: an earlier
      command on the line changed something, or may have (any effect but a read), or the
      command reads its files from elsewhere (``GIT_INDEX_FILE``, ``git --git-dir``).
    - ``committed_earlier``: the only changes before were ``git add``/``git commit``.
    - ``runs_via``: the wrappers of the commands whose text this line is part of (``ssh host
      'kubectl …'``, ``su -c``, ``docker exec c sh -c``), outermost first, as
      :mod:`.wrappers` notes them: where a tool that reads its own settings runs.
    - ``sql_links``: what SQL clients earlier on the line declared that later ones reach
      (a field a handler adds to: a table's foreign keys outlive the command).
    - ``container_notes``: what container commands earlier on the line made that later ones
      reach (a volume bound to a host path, a container's bind mounts), the same way.
    """

    cwd: str = "/"
    home: str = "/root"
    env: Mapping[str, str] = field(default_factory=dict)
    target: Target = field(default_factory=Target)
    files: FileReader = field(default_factory=NoFiles)
    understand_nested: Callable[[str], list[Effect]] | None = None
    understand_in: Callable[[str, ShellContext], list[Effect]] | None = None
    depth: int = 0
    # Texts of files the line wrote before this command (:mod:`.line_writes`); None: changed in
    # a way not known.
    written: Mapping[str, str | None] = field(default_factory=dict)
    disk_stale: bool = False
    # Earlier commands on the line only recorded work in git (``git add``, ``git commit``):
    # they carry the work tree into the index and HEAD, so a file the three hold alike now
    # stays so (``git commit -am wip && git checkout main``).
    committed_earlier: bool = False
    runs_via: tuple[str, ...] = ()
    # Links between tables that SQL clients earlier on the line declared, by database server
    # (:mod:`.commands._sql_line`): the schema outlives the client's session. Shared by the
    # copies ``evolve`` makes along the line; a new judgement (``dataclasses.replace``) starts
    # empty, as the line has not run yet.
    sql_links: dict[tuple[str, ...], Any] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # What container commands earlier on the line made (:mod:`.commands._container_line`).
    container_notes: dict[tuple[str, ...], Any] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )


Handler = Callable[[SimpleCommand, ShellContext], "list[Effect] | None"]
_HANDLERS: dict[str, Handler] = {}
# Names registered twice with different handlers: which one wins would depend on import order,
# and handler_for imports lazily, so the index test requires this to stay empty.
_CLASHES: set[str] = set()
_PACKAGE = "keyturn.understand.shell.commands"
# Names whose module was already imported (or that no module handles); bounded, since program
# names come from untrusted command lines.
_LOOKED_UP: set[str] = set()
_LOOKED_UP_LIMIT = 4096


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register the decorated handler for each program name in ``names``."""

    def decorate(handler: Handler) -> Handler:
        for name in names:
            if _HANDLERS.get(name, handler) is not handler:
                _CLASHES.add(name)
            _HANDLERS[name] = handler
        return handler

    return decorate


def handler_for(name: str) -> Handler | None:
    """The handler registered for program ``name`` (basename), if any.

    Only the module that defines it is imported (found through the generated
    ``commands/_index.py``): importing every handler module costs each hook most of its
    start-up time.
    """
    found = _HANDLERS.get(name)
    if found is None:
        load_command(name)
        found = _HANDLERS.get(name)
    return found


def load_command(name: str) -> None:
    """Import the handler module for program ``name`` (its handler and its canonical
    spelling register on import); nothing happens for a name no module handles."""
    if name in _LOOKED_UP:  # every command's text asks: keep the repeat cheap
        return
    from keyturn.understand.shell.commands._index import MODULES

    module = MODULES.get(name)
    if module is not None:
        importlib.import_module(f"{_PACKAGE}.{module}")
    if len(_LOOKED_UP) < _LOOKED_UP_LIMIT:
        _LOOKED_UP.add(name)


def load_all_commands() -> None:
    """Import every module in ``keyturn.understand.shell.commands``, so they all register."""
    import pkgutil

    from keyturn.understand.shell import commands

    for info in pkgutil.iter_modules(commands.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{_PACKAGE}.{info.name}")


def registrations() -> dict[str, str]:
    """Every program name a built-in module registers -> that module (under ``commands``),
    after importing them all: what ``commands/_index.py`` must say."""
    load_all_commands()
    prefix = _PACKAGE + "."
    return {
        name: handler.__module__.removeprefix(prefix)
        for name, handler in _HANDLERS.items()
        if handler.__module__.startswith(prefix)
    }
