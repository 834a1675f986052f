"""One agent tool call, whatever agent sent it, turned into an :class:`~keyturn.model.Action`.

The protocol modules read their events into a :class:`~.tool_calls.ToolCall` (re-exported here
with its category and the workdir keys); :func:`action_for_call` then understands it:

- shell tools through :func:`keyturn.understand.shell.understand_shell`, in the environment the
  agent's shell tool gets (:mod:`.shell_env`);
- Kiro's ``use_aws`` as the ``aws`` command line Kiro runs (:mod:`.use_aws`);
- MCP tools through :func:`keyturn.understand.mcp.understand_mcp`, with the policy's mappings;
- file writes and edits as ``file:`` effects (:mod:`.file_tools`), reads and web fetches as
  ``read``;
- anything else as an ``unknown`` effect with a reason: never nothing, never a silent allow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from keyturn.model import Action, McpToolMapping, Target
from keyturn.understand import FileReader, NoFiles

from .tool_calls import (
    EITHER,
    FOLLOWED,
    WORKDIR_LINKS,
    ToolCall,
    ToolCategory,
    harmless_action,
    unknown_action,
)

__all__ = [
    "EITHER",
    "FOLLOWED",
    "WORKDIR_LINKS",
    "ToolCall",
    "ToolCategory",
    "action_for_call",
    "unknown_action",
]


def _runs_later(action: Action, *, home: str, env: Mapping[str, str]) -> Action:
    """A file tool's action with its writes of files that run later made ``unknown`` -- read
    with the hook's environment, as the shell's writes are (``DOCKER_CONFIG``,
    ``REGISTRY_AUTH_FILE``, ``CONTAINERS_CONF`` move the container tools' settings) -- and its
    writes and deletes through a link whose place cannot be told (``/proc/<pid>/cwd/x``)."""
    from keyturn.understand.runs_later import mark_runs_later

    effects = tuple(mark_runs_later(action.effects, home=home, env=env))
    return action if effects == action.effects else replace(action, effects=effects)


# Agent tools that change files (their writes are checked for files that run later).
_CHANGING_TOOLS = frozenset(
    {ToolCategory.WRITE, ToolCategory.EDIT, ToolCategory.PATCH, ToolCategory.DELETE}
)
# Agent tools that name files themselves (a shell or MCP call's understanding follows links).
_FILE_TOOLS = _CHANGING_TOOLS | {ToolCategory.READ}


def action_for_call(
    call: ToolCall,
    *,
    env: Mapping[str, str],
    files: FileReader = NoFiles(),  # noqa: B008 - NoFiles is stateless
    mcp_mappings: Sequence[McpToolMapping] = (),
    target: Target = Target(),  # noqa: B008 - Target is frozen
) -> Action:
    """Understand ``call`` into an Action (pure apart from ``files``). A file tool's paths
    are named also where the links on them lead (shell and MCP calls name them so already);
    a directory put in place whole where the agent reads its settings is named by them too
    (:mod:`.settings_places`)."""
    from .settings_places import with_settings_places

    action = _understood(call, env=env, files=files, mcp_mappings=mcp_mappings, target=target)
    action = with_settings_places(action, cwd=call.cwd, home=call.home)
    if call.category in _FILE_TOOLS:
        from keyturn.understand.links import action_with_climbs, action_with_link_targets
        from keyturn.understand.shell.effects import with_machine_targets

        # ``/repo/lnk/../db`` opens where the kernel takes it: the link's target's parent.
        sent = [str(p) for p in call.arguments.get("paths") or [call.arguments.get("path")] if p]
        if call.category is ToolCategory.PATCH:  # a patch names its paths in its text
            from .patch_tool import hunks

            found = hunks(str(call.arguments.get("patch") or ""))
            sent = [p for h in found for p in (h.path, h.move_to) if p]
        action = action_with_climbs(action, sent, cwd=call.cwd, home=call.home, files=files)
        action = action_with_link_targets(action, files)
        if call.category in _CHANGING_TOOLS:
            # After the links: a Write of ``notes -> ~/.bashrc`` writes the shell's start-up file.
            action = _runs_later(action, home=call.home, env=env)
        # A write through ``x -> /dev/sda`` is the disk's, as on a shell line.
        return replace(action, effects=tuple(with_machine_targets(action.effects)))
    return action


def _understood(
    call: ToolCall,
    *,
    env: Mapping[str, str],
    files: FileReader,
    mcp_mappings: Sequence[McpToolMapping],
    target: Target,
) -> Action:
    # Imported here: a shell or MCP call does not need the file tools.
    from .file_tools import (
        delete_action,
        edit_action,
        file_name,
        read_action,
        write_action,
    )
    from .patch_tool import patch_action

    args = call.arguments
    match call.category:
        case ToolCategory.SHELL:
            cwd = _workdir(call, str(args.get("workdir") or ""), files=files)
            if cwd is None:
                why = "its working directory climbs out of a link with '..': where it lands "
                why += "depends on the agent's version"
                return unknown_action(call, why, target=target)
            return _shell(str(args["command"]), call=call, cwd=cwd, env=env, files=files, t=target)
        case ToolCategory.AWS_CLI:
            from .use_aws import Ambiguous, aws_command_line

            try:
                line = aws_command_line(args)
            except Ambiguous as exc:
                return unknown_action(call, f"use_aws: {exc}", target=target)
            return _shell(line, call=call, cwd=call.cwd, env=env, files=files, t=target)
        case ToolCategory.MCP:
            from keyturn.understand.mcp import understand_mcp

            def reading(server: str, tool: str) -> Action:
                return understand_mcp(
                    server,
                    tool,
                    dict(args.get("arguments") or {}),
                    mappings=mcp_mappings,
                    target=target,
                    cwd=call.cwd,
                    home=call.home,
                    files=files,
                )

            readings = call.extra.get("mcp_readings") or ()
            if len(readings) > 1:  # a name more than one server/tool could give (.mcp_names)
                from .mcp_names import ambiguous_action

                return ambiguous_action(call.tool, readings, reading)
            return reading(call.mcp_server or "", call.mcp_tool or "")
        case ToolCategory.WRITE:
            path = file_name(str(args["path"]), cwd=call.cwd, home=call.home)
            content = str(args.get("content") or "")
            return write_action(call.tool, path, content, files=files, target=target)
        case ToolCategory.EDIT:
            path = file_name(str(args["path"]), cwd=call.cwd, home=call.home)
            return edit_action(call.tool, path, list(args["edits"]), files=files, target=target)
        case ToolCategory.PATCH:
            return patch_action(
                call.tool,
                str(args["patch"]),
                cwd=call.cwd,
                home=call.home,
                target=target,
                files=files,
            )
        case ToolCategory.DELETE:
            path = file_name(str(args["path"]), cwd=call.cwd, home=call.home)
            # Read as ``rm`` of it reads it: a Terraform file's deletion names what it protects.
            return delete_action(call.tool, path, target=target, files=files)
        case ToolCategory.READ:
            paths = [file_name(str(p), cwd=call.cwd, home=call.home) for p in args["paths"]]
            return read_action(
                call.tool, paths or [file_name(call.cwd, cwd="/", home="/")], target=target
            )
        case ToolCategory.FETCH | ToolCategory.WEB_SEARCH | ToolCategory.INTERNAL:
            return harmless_action(call, target=target)
        case ToolCategory.SKILL:
            from .skill_tool import skill_action

            return skill_action(call, env=env, files=files, target=target)
        case ToolCategory.MCP_RESOURCE:
            from .mcp_resources import resource_action

            return resource_action(call, target=target)
        case ToolCategory.POWERSHELL:
            from keyturn.understand.shell import understand_powershell

            return understand_powershell(
                str(args["command"]),
                cwd=call.cwd,
                home=call.home,
                env=env,
                target=target,
                files=files,
            )
        case ToolCategory.UNKNOWN:
            why = call.extra.get("reason") or f"{call.agent} tool '{call.tool}' is not understood"
            return unknown_action(call, str(why), target=target)


def _shell(
    command: str,
    *,
    call: ToolCall,
    cwd: str,
    env: Mapping[str, str],
    files: FileReader,
    t: Target,
) -> Action:
    """``command`` read in each environment the agent's shell tool may run it in
    (:mod:`.shell_env`); one action holding every reading's effects, so the strictest
    decides."""
    from keyturn.understand.shell import understand_shell

    from .shell_env import shell_envs

    actions = [
        understand_shell(command, cwd=cwd, home=call.home, env=e, target=t, files=files)
        for e in shell_envs(call.extra, env)
    ]
    effects = list(actions[0].effects)
    for other in actions[1:]:
        effects += [e for e in other.effects if e not in effects]
    first = actions[0]
    return first if len(effects) == len(first.effects) else replace(first, effects=tuple(effects))


def _workdir(call: ToolCall, sub: str, *, files: FileReader) -> str | None:
    """Where a shell call runs: ``sub`` against the session's directory, a ``..`` after a link
    taken as the agent takes it (:data:`WORKDIR_LINKS`); ``None`` when that cannot be told."""
    lexical = _join(call.cwd, sub)
    how = call.extra.get(WORKDIR_LINKS)
    if how is None or ".." not in sub or not lexical.startswith("/"):
        return lexical
    from keyturn.understand.links import climbed_on_disk

    climbed = climbed_on_disk(sub if sub.startswith("/") else f"{call.cwd}/{sub}", files)
    if climbed is None or climbed == lexical:
        return lexical
    return climbed if how == FOLLOWED else None


def _join(cwd: str, sub: str) -> str:
    import posixpath

    if not sub:
        return cwd
    return posixpath.normpath(posixpath.join(cwd, sub))
