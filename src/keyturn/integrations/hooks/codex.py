"""OpenAI Codex CLI's ``PreToolUse`` / ``PermissionRequest`` hook (formats.md §2.1).

Codex copies Claude Code's event shape but is stricter about output, and fails *open* on any
output it does not accept:

- ``ask`` is unsupported: a held call or one needing confirmation is a ``deny`` whose reason
  says what to do next;
- ``allow`` is accepted only with ``updatedInput``; echoing the input back could override
  another hook's rewrite, so an allowed call gets no output at all (exit 0), which leaves
  Codex's own approval flow in place;
- ``deny`` needs a non-empty ``permissionDecisionReason``;
- exit 2 blocks only with a non-empty stderr, and is not a blocking mechanism for
  ``PermissionRequest``, which gets a JSON ``decision`` deny instead.

``apply_patch`` arrives as ``{"command": <patch text>}`` and is read as file effects, as is
``apply_patch`` sent through the shell tool in the forms Codex applies itself (.shell_patch).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.errors import InputError
from keyturn.understand.paths import tilde_expanded

from .claude_code import read_claude_style
from .events import EITHER, WORKDIR_LINKS, ToolCall, ToolCategory
from .protocol import Answer, Reply, Stance, dumps, held_reason

NAME = "codex"
PRE_TOOL_USE = "PreToolUse"
PERMISSION_REQUEST = "PermissionRequest"
_PATCH_TOOLS = frozenset({"apply_patch", "ApplyPatch"})
# The shell tool as hooks see it ("Bash"), and its own names (exec_command's "cmd", the legacy
# local_shell argv), which some releases and forks pass through unrenamed.
_SHELL_TOOLS = frozenset(
    {"Bash", "shell", "shell_command", "exec_command", "local_shell", "container.exec"}
)


class Codex:
    """Codex's hook protocol."""

    name = NAME

    def read(self, payload: Mapping[str, Any], *, home: str) -> ToolCall:
        tool = payload.get("tool_name")
        args = payload.get("tool_input")
        if tool in _PATCH_TOOLS and isinstance(args, dict) and isinstance(args.get("command"), str):
            # apply_patch carries the patch as "command": read it as file effects, not shell.
            call = read_claude_style(
                {**payload, "tool_name": "Bash"},
                agent=NAME,
                home=home,
                events=(PRE_TOOL_USE, PERMISSION_REQUEST),
            )
            return ToolCall(
                agent=NAME,
                tool=str(tool),
                category=ToolCategory.PATCH,
                arguments={"patch": args["command"]},
                cwd=call.cwd,
                home=home,
                session=call.session,
                event=call.event,
            )
        if tool in _SHELL_TOOLS and isinstance(args, dict):
            if _two_commands(args):
                return _not_one_command(payload, tool=str(tool), args=args, home=home)
            from .shell_patch import read_patch_shell

            # ``apply_patch`` through the shell tool: Codex applies it as the patch tool does.
            patched = read_patch_shell(
                payload,
                tool=str(tool),
                args=args,
                home=home,
                read=lambda p: self.read(p, home=home),
            )
            return patched or _shell_call(payload, tool=str(tool), args=args, home=home)
        return read_claude_style(
            payload, agent=NAME, home=home, events=(PRE_TOOL_USE, PERMISSION_REQUEST)
        )

    def render(self, answer: Answer, *, event: str) -> Reply:
        if answer.stance is Stance.ALLOW:
            if event == PERMISSION_REQUEST:
                return Reply(stdout=dumps(_permission("allow", None)))
            return Reply()
        if answer.stance is Stance.DENY:
            reason = f"keyturn: {answer.reason}"
        else:
            reason = held_reason(answer)
        if event == PERMISSION_REQUEST:
            return Reply(stdout=dumps(_permission("deny", reason)))
        return Reply(stdout=dumps(_deny(reason)))

    def blocking(self, reason: str, *, event: str) -> Reply:
        message = f"keyturn: refused ({reason})"
        if event == PERMISSION_REQUEST:
            return Reply(stdout=dumps(_permission("deny", message)), stderr=message + "\n")
        # Exit 2 with a non-empty stderr is Codex's one blocking failure form.
        return Reply(stderr=message + "\n", exit_code=2)


def _deny(reason: str) -> dict[str, Any]:
    return {
        "hookSpecificOutput": {
            "hookEventName": PRE_TOOL_USE,
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    }


def _permission(behavior: str, message: str | None) -> dict[str, Any]:
    decision: dict[str, Any] = {"behavior": behavior}
    if message:
        decision["message"] = message
    return {"hookSpecificOutput": {"hookEventName": PERMISSION_REQUEST, "decision": decision}}


PROTOCOL = Codex()


def _shell_call(
    payload: Mapping[str, Any], *, tool: str, args: dict[str, Any], home: str
) -> ToolCall:
    """A shell call, run where Codex runs it: its ``workdir`` (relative ones against the
    session's ``cwd``, as Codex's ``resolve_path`` does), else the session's ``cwd``.

    Codex's own hook payload carries ``{"command"}`` alone, but a ``workdir`` sent with it is
    where the command runs: judging it against the session's directory would name other files
    (``rm -rf data`` in ``/srv/prod`` is not ``/srv/infra/data``).
    """
    where = f"{NAME} event"
    workdir = args.get("workdir")
    if workdir is not None and not isinstance(workdir, str):
        raise InputError(f"{where}: tool_input.workdir: expected a string")
    command = args.get("command")
    if command is None and "cmd" in args:  # exec_command's own argument name
        command = args["cmd"]
    shell = {**payload, "tool_name": "Bash", "tool_input": {"command": command}}
    call = read_claude_style(
        shell, agent=NAME, home=home, events=(PRE_TOOL_USE, PERMISSION_REQUEST)
    )
    # Newer Codex resolves it as an ``AbsolutePathBuf`` (a leading ``~`` is the home directory,
    # ``..`` taken lexically); older ones join it as it is and leave ``..`` to the kernel.
    arguments = {**call.arguments, "workdir": tilde_expanded(workdir or "", home=home)}
    extra = {**call.extra, WORKDIR_LINKS: EITHER}
    interpreter = args.get("shell")
    if interpreter is not None and _base(interpreter) not in _POSIX_SHELLS:
        # exec_command's ``shell`` runs the text with another program (``python3 -c``):
        # judged as a shell line it would be another action.
        reason = f"{tool} runs its command with shell {interpreter!r}, not a POSIX shell"
        extra = {**extra, "reason": reason}
        return replace(call, tool=tool, category=ToolCategory.UNKNOWN, extra=extra)
    return replace(call, tool=tool, arguments=arguments, extra=extra)


def _two_commands(args: dict[str, Any]) -> bool:
    """Whether a shell call names two different commands: ``cmd`` (what ``exec_command`` runs)
    and ``command`` (what the other shell tools run). A release that passes the model's
    arguments through unrenamed passes both; judging the one the tool does not run would let
    the other through (``{"cmd": "rm -rf …", "command": "ls"}``)."""
    return (
        args.get("cmd") is not None
        and args.get("command") is not None
        and (args["cmd"] != args["command"])
    )


def _not_one_command(
    payload: Mapping[str, Any], *, tool: str, args: dict[str, Any], home: str
) -> ToolCall:
    """The call :func:`_two_commands` finds, as not understood."""
    from .protocol import tool_event

    head = tool_event(payload, where=f"{NAME} event", events=(PRE_TOOL_USE, PERMISSION_REQUEST))
    reason = f"{tool} sends 'cmd' and 'command' naming different commands: which runs is not known"
    return ToolCall(
        agent=NAME,
        tool=tool,
        category=ToolCategory.UNKNOWN,
        arguments=dict(args),
        cwd=head.cwd,
        home=home,
        session=head.session,
        event=head.event,
        extra={"reason": reason},
    )


# The shells whose ``-c``/``-lc`` reads the command as the shell understanding does.
_POSIX_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh"})


def _base(value: Any) -> str:
    """A program's name without its folder; "" for anything but a string."""
    return value.replace("\\", "/").rsplit("/", 1)[-1] if isinstance(value, str) else ""
