"""Built-in meanings of ``mcp-server-git``'s tools (``modelcontextprotocol/servers`` ``src/git``,
``src/mcp_server_git/server.py`` and ``tests/snapshots/list_tools.json``).

Each tool acts on the repository whose directory ``repo_path`` names. Three things make a call
mean more than its name says, and each is judged so:

- Other git servers use the same tool names for more. ``cyanheads/git-mcp-server``'s
  ``git_branch`` deletes a branch with ``operation: "delete"``, its ``git_checkout`` takes
  ``force`` and ``paths`` (``src/mcp-server/tools/definitions/git-*.tool.ts``). Its schemas drop
  arguments they do not know, so a call can carry ``repo_path`` for keyturn next to the ``path``
  and ``operation`` that server acts on. A call with an argument ``mcp-server-git``'s tool does
  not take is therefore ``unknown``: ``mcp-server-git`` ignores it (pydantic), another server may
  act on it.
- ``git_diff`` passes ``target`` and ``git_checkout`` ``branch_name`` to the git command line as
  they are (``repo.git.diff(target)``, ``repo.git.checkout(branch_name)``): a value starting
  with ``-`` is an option there (``--output=<file>`` writes a file; git also takes any unique
  prefix of a long option), so it is ``unknown``.
- ``git checkout <name>`` restores files when ``<name>`` is a path (``.`` discards every
  uncommitted change): the line is also judged as the shell's ``git -C <repo> checkout <name>``.
- ``git_commit`` (GitPython's ``index.commit``) runs the repository's ``pre-commit``,
  ``commit-msg`` and ``post-commit`` hooks, ``git_checkout`` its ``post-checkout``: an agent can
  plant one with an ordinary file write. Both are also judged as the shell's ``git -C <repo>
  commit``/``checkout <name>``, which reads the hooks and judges their text
  (:mod:`keyturn.understand.shell.commands._git_config`).
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

# The arguments each tool's pydantic model takes (server.py, GitStatus ... GitBranch).
_DIFF = frozenset({"repo_path", "context_lines"})
_ARGUMENTS: dict[str, frozenset[str]] = {
    "git_status": frozenset({"repo_path"}),
    "git_diff_unstaged": _DIFF,
    "git_diff_staged": _DIFF,
    "git_diff": _DIFF | {"target"},
    "git_commit": frozenset({"repo_path", "message"}),
    "git_commit_signed": frozenset({"repo_path", "message", "key_id"}),
    "git_add": frozenset({"repo_path", "files"}),
    "git_reset": frozenset({"repo_path"}),
    "git_log": frozenset({"repo_path", "max_count", "start_timestamp", "end_timestamp"}),
    "git_create_branch": frozenset({"repo_path", "branch_name", "base_branch"}),
    "git_checkout": frozenset({"repo_path", "branch_name"}),
    "git_show": frozenset({"repo_path", "revision"}),
    "git_branch": frozenset({"repo_path", "branch_type", "contains", "not_contains"}),
    "git_init": frozenset({"repo_path"}),
}
# The argument a tool puts on git's command line as a word of its own.
_ON_THE_LINE = {"git_diff": "target", "git_checkout": "branch_name"}
# The git command line (after ``git -C <repo>``) of the tools that run the repository's hooks,
# git_checkout's aside (built with its branch). The others run none (githooks(5)).
_HOOKED_LINES: dict[str, tuple[str, ...]] = {
    "git_commit": ("commit",),
    "git_commit_signed": ("commit", "-S"),
}


def _on_repo(kind: EffectKind, detail: str = "") -> Handler:
    """A git tool acting on the repository at ``repo_path`` (named as its directory)."""

    def handle(call: McpCall) -> BuiltinEffects:
        foreign = sorted(set(call.arguments) - _ARGUMENTS.get(call.tool, frozenset()))
        if foreign:
            return own_effects(
                call.unknown(
                    f"argument {foreign[0]!r} is not one mcp-server-git's {call.tool} takes: "
                    "another git server's tool of that name may act on it"
                )
            )
        repo = call.text_arg("repo_path")
        if repo is None:
            return missing_argument(call, kind, "repo_path")
        word = call.arg(_ON_THE_LINE.get(call.tool, ""))
        if isinstance(word, str) and word.startswith("-"):
            return own_effects(
                call.unknown(f"{word!r} is passed to git as an option, not a revision")
            )
        own = call.effect(
            kind, [call.file(repo)], type_="git_repository", service="git", detail=detail
        )
        if call.tool == "git_checkout" and isinstance(word, str) and word:
            # A path where a branch belongs restores it from the index: judged as the line.
            line = shlex.join(["git", "-C", repo, "checkout", word])
            return BuiltinEffects([own], call.shell(line))
        if call.tool in _HOOKED_LINES:
            # The hooks this runs, judged as the shell judges them.
            line = shlex.join(["git", "-C", repo, *_HOOKED_LINES[call.tool]])
            return BuiltinEffects([own], call.shell(line))
        return own_effects(own)

    return handle


GIT = ServerFamily(
    "git",
    ("git", "mcp-server-git", "git-*", "git_*"),
    {
        "git_status": _on_repo(R),
        "git_diff_unstaged": _on_repo(R),
        "git_diff_staged": _on_repo(R),
        "git_diff": _on_repo(R),
        "git_log": _on_repo(R),
        "git_show": _on_repo(R),
        "git_branch": _on_repo(R),
        "git_commit": _on_repo(U),
        "git_commit_signed": _on_repo(U),
        "git_add": _on_repo(U),
        # mcp-server-git's git_reset unstages everything (a mixed reset, the working tree kept).
        "git_reset": _on_repo(U, "unstages all staged changes"),
        "git_checkout": _on_repo(U),
        "git_create_branch": _on_repo(C),
        "git_init": _on_repo(C),
    },
)
