"""One MCP tool call being understood (:class:`McpCall`): its arguments, how its effects and
resource names are built, and the SQL / shell text it carries understood as such."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand import FileReader, NoFiles
from keyturn.understand.paths import agent_path, is_windows_path

_INDEX = re.compile(r"\[(\d+)\]")
_MAX_NESTED_TEXT = 100_000


def tool_name(server: str, tool: str) -> str:
    """The resource and ``tool:`` name of an MCP tool: ``mcp:<server>/<tool>``."""
    return f"mcp:{server}/{tool}"


@dataclass(frozen=True, slots=True)
class McpCall:
    """One tool call being understood, with what is needed to name its resources.

    Built-in meanings (``mcp_servers``) receive it and build effects through its methods, so
    every effect gets the tool name, the MCP resource name and the target in the same way.
    """

    server: str
    tool: str
    arguments: Mapping[str, Any]
    target: Target = field(default_factory=Target)
    cwd: str = "/"
    home: str = "/root"
    files: FileReader = field(default_factory=NoFiles)
    # Set when judging a tool without its arguments (``probe_mcp``): a missing argument then
    # gives the tool's nominal effect instead of ``unknown``.
    probe: bool = False
    # The directories the server resolves a relative path against (the filesystem server's
    # allowed directories), when the caller knows them; ``()`` when it knows it cannot tell;
    # ``None`` when not told (against ``cwd``): see :func:`~keyturn.understand.mcp.understand_mcp`.
    roots: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        return tool_name(self.server, self.tool)

    def arg(self, path: str) -> Any:
        """The argument at a dotted path (``options.name``, ``files.0.path``), or ``None``."""
        return lookup(self.arguments, path)

    def text_arg(self, *paths: str) -> str | None:
        """The first of ``paths`` holding a non-empty string."""
        for path in paths:
            value = self.arg(path)
            if isinstance(value, str) and value:
                return value
        return None

    def file(self, path: str) -> str:
        """``file:`` name of a path argument, made absolute against cwd and home."""
        return "file:" + normalise_path(path, cwd=self.cwd, home=self.home)

    def relative(self, path: str) -> bool:
        """Whether a path argument is named from a working directory (:func:`is_relative`)."""
        return is_relative(path, home=self.home)

    def effect(
        self,
        kind: EffectKind,
        names: Sequence[str] = (),
        *,
        type_: str = "",
        service: str = "mcp",
        detail: str = "",
        target: Target | None = None,
    ) -> Effect:
        """An effect of this tool on the resource named ``names`` (plus the MCP tool name)."""
        all_names = tuple(dict.fromkeys([*names, self.name]))
        return Effect(
            effect=kind,
            resource=Resource(all_names, type_ or ("mcp_tool" if not names else "")),
            target=(target or Target()).merged_over(self.target),
            service=service,
            tool=self.name,
            operation=f"mcp {self.tool}",
            detail=detail,
        )

    def unknown(self, reason: str) -> Effect:
        """An ``unknown`` effect on the tool itself, saying why."""
        return self.effect(EffectKind.UNKNOWN, detail=reason)

    def sql(self, text: str, *, engine: str, database: str | None = None) -> list[Effect]:
        """Effects of SQL text passed as an argument, attributed to this tool."""
        try:
            from keyturn.understand.sql import sql_effects
        except ImportError:
            return [self.unknown("SQL understanding is not available in this build")]
        try:
            found = sql_effects(
                text[:_MAX_NESTED_TEXT], engine=engine, database=database, target=self.target
            )
        except InputError as exc:
            return [self.unknown(f"SQL argument not understood: {exc.message}")]
        return self.adopt(found) or [self.unknown("SQL argument has no statement")]

    def sql_told_or_not(
        self, text: str, *, engine: str, database: str | None = None
    ) -> list[Effect]:
        """:meth:`sql` for a tool that may or may not take the ``database`` it is given (one
        keyturn knows nothing of, or a policy's mapping): each effect is also named where no
        database is told (``db:postgres/*/orders`` beside ``db:postgres/scratch/orders``), so a
        protected table holds whichever database the server runs the statement on. One effect
        carries both names, so there is still one effect per statement."""
        told = self.sql(text, engine=engine, database=database)
        if database is None:
            return told
        untold = self.sql(text, engine=engine, database=None)
        if [e.effect for e in told] != [e.effect for e in untold]:
            return told + [e for e in untold if e not in told]
        both = []
        for t, u in zip(told, untold, strict=True):
            names = [n for n in (*t.resource.names, *u.resource.names) if n != self.name]
            resource = Resource((*dict.fromkeys(names), self.name), t.resource.type)
            both.append(replace(t, resource=resource))
        return both

    def shell(self, text: str) -> list[Effect]:
        """Effects of a shell command line passed as an argument, attributed to this tool."""
        try:
            from keyturn.understand.shell import understand_shell
        except ImportError:
            return [self.unknown("shell understanding is not available in this build")]
        try:
            action = understand_shell(
                text[:_MAX_NESTED_TEXT],
                cwd=self.cwd,
                home=self.home,
                target=self.target,
                files=self.files,
            )
        except InputError as exc:
            return [self.unknown(f"shell argument not understood: {exc.message}")]
        return self.adopt(action.effects) or [self.unknown("shell argument has no command")]

    def adopt(self, effects: Sequence[Effect]) -> list[Effect]:
        """Effects understood from argument text, re-attributed to this tool."""
        adopted = []
        for e in effects:
            names = tuple(dict.fromkeys([*e.resource.names, self.name]))
            adopted.append(
                replace(
                    e,
                    resource=Resource(names, e.resource.type),
                    target=e.target.merged_over(self.target),
                    tool=self.name,
                )
            )
        return adopted


def lookup(value: Any, path: str) -> Any:
    """The value at an argument path inside JSON-like data (``a.b``, ``files[0].path`` or
    ``files.0.path``). ``None`` when absent."""
    for part in _INDEX.sub(r".\1", path).split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def normalise_path(path: str, *, cwd: str, home: str) -> str:
    """An absolute, normalised path: ``~`` expanded, relative paths joined to ``cwd``; Windows
    paths (a drive or a UNC prefix) keep their drive with forward slashes (``C:/Users/x``). The
    same normaliser as the shell's and the agents' file tools' (:mod:`keyturn.understand.paths`):
    POSIX unless clearly Windows, ``/proc/self/root`` followed."""
    return agent_path(path, cwd=cwd, home=home)


def is_relative(path: str, *, home: str) -> bool:
    """Whether :func:`normalise_path` names ``path`` from the working directory: neither
    absolute (``/x``, a Windows drive or share) nor under ``~`` (``~``, ``~/x``, and ``~\\x``
    for a Windows home), as :func:`~keyturn.understand.paths.agent_path` reads them. (``../x``
    is relative however many ``..`` it climbs: where it lands depends on how deep it starts.)"""
    if path == "~" or path.startswith(("/", "~/")) or is_windows_path(path):
        return False
    return not (path.startswith("~\\") and is_windows_path(home))


def names_under_roots(path: str, roots: Sequence[str], *, home: str) -> list[str]:
    """The absolute paths a relative ``path`` may mean to a server that resolves it against
    each of ``roots`` in turn (the filesystem server's allowed directories): one per root."""
    return list(dict.fromkeys(normalise_path(path, cwd=root, home=home) for root in roots))


def sql_engine(server: str) -> str:
    """The SQL engine a server's name suggests (``postgres``, ``mysql``...), else ``sql``."""
    lowered = server.lower()
    for engine, hints in _ENGINES:
        if any(h in lowered for h in hints):
            return engine
    return "sql"


_ENGINES = (
    ("postgres", ("postgres", "pg", "supabase", "neon")),
    ("mysql", ("mysql", "mariadb")),
    ("sqlite", ("sqlite",)),
    ("mssql", ("mssql", "sqlserver")),
)
