"""Supabase's platform commands (``supabase projects|branches|functions|secrets|storage|
link|stop…``); its ``db`` and ``migration`` commands are in :mod:`._migration_sql_tools`.

Names are those of Supabase's MCP tools (:mod:`keyturn.understand._mcp_supabase`):
``supabase:project/<ref>`` and under it ``/function/<name>``, ``/secret/<NAME>``,
``/storage/<bucket>/<path>``; ``supabase:branch/<id>``. The project is ``--project-ref``,
else the linked one (``supabase/.temp/project-ref``), else ``*``.

Kinds: lists and gets read; ``projects delete`` and ``branches delete`` delete the project or
branch with everything in it (``branches disable``: every branch); ``functions deploy``
updates the functions (every one when none is named), ``functions delete`` deletes one;
``secrets set``/``unset`` update/delete variables; ``storage rm`` deletes objects (``-r``:
everything under the path), ``storage cp``/``mv`` write where they copy to. ``stop
--no-backup`` deletes the local stack's data. ``link``/``unlink`` change which project later
commands reach (a file of this machine).

Unknown on purpose: ``functions serve`` (runs the functions here) and anything not listed.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._migration_configs import supabase_ref
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    keys_of,
    meaning_of,
    operands,
    prints,
    spelled,
    whole,
)
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind


def _project(call: PaasCall, opts: Options) -> str:
    ref = opts.value("project-ref") or supabase_ref(call.ctx, opts.value("workdir"))
    return f"supabase:project/{ref or '*'}"


def _in_project(kind: EffectKind, folder: str, detail: str = "") -> Meaning:
    """A meaning on ``<project>/<folder>/<operand>`` for each operand (``*`` with none)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        names = keys_of(rest) if folder == "secret" else list(rest)
        found = [f"{_project(call, opts)}/{folder}/{n}" for n in names or ["*"]]
        return [call.effect(kind, found, detail)]

    return operands(meaning)


def _named(kind: EffectKind, prefix: str, detail: str = "", *, tree: bool = False) -> Meaning:
    """A meaning on ``supabase:<prefix>/<first operand>`` (``*`` with none)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        found = f"supabase:{prefix}/{rest[0] if rest else '*'}"
        return [call.effect(kind, whole(found) if tree else [found], detail)]

    return operands(meaning)


def _storage(kind: EffectKind, detail: str = "") -> Meaning:
    """``storage rm ss:///bucket/path…`` (``-r``: the tree), ``cp``/``mv SRC DST``."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        paths = [p for p in rest if p.startswith("ss:///")]
        if kind is not _E.DELETE:
            paths = [p for p in rest[-1:] if p.startswith("ss:///")]
            if not paths:
                return [call.local_file(_E.UPDATE, rest[-1], detail)] if rest else None
        found = [f"{_project(call, opts)}/storage/{p[len('ss:///') :].strip('/')}" for p in paths]
        if opts.has("r", "recursive"):
            found = [m for n in found for m in whole(n)]
        return [call.effect(kind, found, detail)] if found else None

    return operands(meaning)


def _stop(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    if opts.has("no-backup"):
        detail = "--no-backup: the local database's data is deleted"
        return [
            call.effect(_E.DELETE, ["db:supabase/local", "db:postgres/postgres@127.0.0.1"], detail)
        ]
    return [call.effect(_E.UPDATE, ["db:supabase/local"], "stops the local stack")]


def _link(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    return [call.local_file(_E.UPDATE, "supabase/.temp/project-ref", "the linked project")]


_TABLE: dict[str, Meaning] = spelled(
    {
        "status, orgs list, projects list, login, logout, gen types, inspect db": prints,
        "projects api-keys": _named(_E.READ, "project"),
        "projects create": _named(_E.CREATE, "project"),
        "projects delete": _named(_E.DELETE, "project", "deletes the project", tree=True),
        "branches list|get": _named(_E.READ, "branch"),
        "branches create": _named(_E.CREATE, "branch"),
        "branches update|pause|unpause": _named(_E.UPDATE, "branch"),
        "branches delete": _named(_E.DELETE, "branch", "deletes the branch", tree=True),
        "branches disable": _in_project(_E.DELETE, "branch", "deletes every preview branch"),
        "functions list|download": _in_project(_E.READ, "function"),
        "functions deploy": _in_project(_E.UPDATE, "function", "deploys"),
        "functions delete": _in_project(_E.DELETE, "function"),
        "secrets list": _in_project(_E.READ, "secret"),
        "secrets set": _in_project(_E.UPDATE, "secret"),
        "secrets unset": _in_project(_E.DELETE, "secret"),
        "storage ls": _storage(_E.READ),
        "storage rm": _storage(_E.DELETE, "deletes the objects"),
        "storage cp|mv": _storage(_E.UPDATE, "writes the copy"),
        "stop": _stop,
        "link|unlink": operands(_link),
    }
)


def supabase_platform(
    cmd: SimpleCommand, ctx: ShellContext, opts: Options, words: Sequence[str]
) -> list[Effect] | None:
    """The meaning of a platform command (``None``: not one of them)."""
    call = PaasCall(cmd, ctx, "supabase")
    return meaning_of(call, opts, words, _TABLE)
