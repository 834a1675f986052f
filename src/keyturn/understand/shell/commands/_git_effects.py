"""The effects git's subcommands report, for the ``git`` handler of :mod:`.git` and its helpers.

An effect on a ref (``git:origin/main``, ``git:local/stash``: a ``git_ref``) or on files of the
working tree (``file:<repo>/*``, ``file:<path>``), each with ``service="git"`` and the
subcommand as its operation; and the short name of a ref (``refs/heads/main`` -> ``main``)
that those names use. Shared by :mod:`.git`, :mod:`._git_push` and :mod:`._git_worktree`, so
that each names refs and files the same way.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import file_effect, local_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def git_effect(
    kind: EffectKind, name: str, cmd: SimpleCommand, ctx: ShellContext, *, detail: str = ""
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource((name,), type="git_ref" if name.startswith("git:") else "file"),
        target=local_target(ctx),
        service="git",
        command=cmd.text,
        operation=f"git {cmd.args[0] if cmd.args else ''}".strip(),
        detail=detail,
    )


def worktree_effect(
    kind: EffectKind, paths: list[str], cmd: SimpleCommand, ctx: ShellContext, detail: str
) -> Effect:
    return file_effect(kind, paths, cmd, ctx, detail=detail, service="git")


def short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref
