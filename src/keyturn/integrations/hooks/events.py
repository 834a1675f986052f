"""One agent tool call, whatever agent sent it, turned into an :class:`~keyturn.model.Action`.

Each agent protocol module (``claude_code``, ``codex``...) reads its own event shape into a
:class:`ToolCall`: the tool's :class:`ToolCategory` plus its arguments under the normalised keys
that category expects (listed on the enum). :func:`action_for_call` then understands it:

- shell tools through :func:`keyturn.understand.shell.understand_shell`;
- MCP tools through :func:`keyturn.understand.mcp.understand_mcp`, with the policy's mappings;
- file writes and edits as ``file:`` effects (:mod:`.file_tools`), reads and web fetches as
  ``read``;
- anything else as an ``unknown`` effect with a reason: never nothing, never a silent allow.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from keyturn.errors import InputError
from keyturn.model import (
    Action,
    ActionKind,
    Effect,
    EffectKind,
    McpToolMapping,
    Resource,
    Target,
    canonical_json,
)
from keyturn.understand import FileReader, NoFiles


class ToolCategory(StrEnum):
    """What a tool does, with the normalised argument keys a :class:`ToolCall` carries."""

    SHELL = "shell"  # command (str); optional workdir
    POWERSHELL = "powershell"  # command (str)
    AWS_CLI = "aws_cli"  # service, operation, positional, parameters (CLI names), region, profile
    WRITE = "write"  # path, content
    EDIT = "edit"  # path, edits: [{old, new, all}]
    PATCH = "patch"  # patch (apply_patch text)
    DELETE = "delete"  # path
    READ = "read"  # paths (list)
    FETCH = "fetch"  # urls (list)
    WEB_SEARCH = "web_search"  # query
    MCP = "mcp"  # arguments; ToolCall.mcp_server / mcp_tool set
    MCP_RESOURCE = "mcp_resource"  # server, uri (.mcp_resources)
    SKILL = "skill"  # skill, args: a skill whose file may run commands (.skill_tool)
    INTERNAL = "internal"  # the agent's own bookkeeping (todo lists, sub-agents, questions)
    UNKNOWN = "unknown"  # arguments as sent


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call, read from an agent's event.

    - ``agent``: the protocol that sent it (``claude-code``...), ``tool``: the name as sent.
    - ``cwd``/``home``: absolute directories that relative paths and ``~`` resolve against.
    - ``session``: the agent's session id, when the event carries one.
    """

    agent: str
    tool: str
    category: ToolCategory
    arguments: Mapping[str, Any]
    cwd: str
    home: str
    session: str | None = None
    mcp_server: str | None = None
    mcp_tool: str | None = None
    event: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


# ``ToolCall.extra`` key: how the agent takes a shell call's ``..`` after a link in its working
# directory -- FOLLOWED: the kernel's way (the link's target's parent, as Kiro canonicalises it);
# EITHER: depending on its version, that or lexically (Codex), so a workdir the two readings
# put in different places is unknown. Absent: lexically (Node's ``path.resolve``: Gemini).
WORKDIR_LINKS = "workdir_links"
FOLLOWED = "followed"
EITHER = "either"


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
            try:
                line = _aws_command_line(args)
            except _Ambiguous as exc:
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
            return _harmless(call, target=target)
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
    from keyturn.understand.shell import understand_shell

    return understand_shell(command, cwd=cwd, home=call.home, env=env, target=t, files=files)


def _aws_command_line(args: Mapping[str, Any]) -> str:
    """Kiro's ``use_aws`` call as the ``aws`` command line Kiro runs, so that the shell's ``aws``
    understanding (CLI names -> API operation and parameters) judges it.

    Kiro runs ``aws --region R --profile P SERVICE OPERATION POSITIONAL… --name value…``: the
    global options first, so a ``profile`` or ``region`` among the parameters is the one the CLI
    keeps (the last, here as there). Its ``positional_args`` are words of the line as they are:
    the CLI reads an option among them (``--profile prod``, ``--db-instance-identifier x``) as it
    reads one anywhere else, so they are kept, in Kiro's order. It spells each parameter name
    in kebab case, so ``DBInstanceIdentifier`` and ``db_instance_identifier`` are both
    ``--db-instance-identifier``: each name is the operation's own option whose name is the
    same without case, ``-`` and ``_`` (:func:`_cli_options`). Raises :class:`_Ambiguous` when
    two names give one option (the CLI keeps whichever Kiro passes last, and that order is not
    told) or when ``positional_args`` is not a list of words.
    """
    import shlex

    service, operation = str(args["service"]), str(args["operation"])
    words = ["aws"]
    for key in ("region", "profile"):
        if args.get(key):
            words += [f"--{key}", str(args[key])]
    words += [service, operation]
    positional = args.get("positional") or []
    if not isinstance(positional, list) or not all(isinstance(w, str) for w in positional):
        raise _Ambiguous("positional_args is not a list of strings")
    words += positional
    options = _cli_options(service, operation)
    given: dict[str, str] = {}
    for key, value in sorted(dict(args.get("parameters") or {}).items()):
        option = _cli_option(str(key), options)
        if option in given:
            raise _Ambiguous(f"parameters {given[option]!r} and {key!r} are both --{option}")
        given[option] = str(key)
        flag = "--" + option
        if value is True or value == "":  # "" is a bare flag, as Kiro passes it
            words.append(flag)
        elif value is False:
            words.append("--no-" + option)
        elif isinstance(value, list):
            words += [
                flag,
                *(v if isinstance(v, str) else canonical_json(v).decode() for v in value),
            ]
        elif isinstance(value, dict):
            words += [flag, canonical_json(value).decode()]
        elif value is not None:
            words += [flag, str(value)]
    return shlex.join(words)


class _Ambiguous(Exception):
    """A ``use_aws`` call whose parameters give one option twice."""


def _squash(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def _cli_options(service: str, operation: str) -> dict[str, str]:
    """``{squashed name: option}`` for the operation's CLI options (``xform_name(member,
    "-")``, as the CLI spells them) and the CLI's own; only the CLI's own when the operation is
    not one keyturn's models know (the aws understanding then says so)."""
    from keyturn.understand.shell.commands.aws_cli import GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS

    options = [
        "cli-input-json",
        "cli-input-yaml",
        "generate-cli-skeleton",
        "starting-token",
        "page-size",
        "max-items",
        *(o[2:] for o in (*GLOBAL_VALUE_OPTIONS, *GLOBAL_FLAGS)),
    ]
    try:
        from botocore import xform_name

        from keyturn.understand.aws.catalog import (
            operation_model,
            resolve_operation,
            resolve_service,
        )

        name = resolve_service(service)
        shape = operation_model(name, resolve_operation(name, operation)).input_shape
        options += [xform_name(m, "-") for m in (shape.members if shape is not None else ())]
    except (InputError, ImportError):
        pass
    return {_squash(o): o for o in options}


_KEBAB_BOUNDARIES = re.compile(
    r"[\s_\-]+|(?<=[a-z])(?=[A-Z0-9])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[0-9])(?=[A-Za-z])"
    r"|(?<=[A-Z])(?=[0-9])"
)


def _cli_option(key: str, options: Mapping[str, str]) -> str:
    """The option a ``use_aws`` parameter name becomes: Kiro's kebab spelling when it is one of
    the operation's options, else the option with the same squashed name, else the kebab
    spelling (which the CLI refuses or reads as ``--no-…``)."""
    kebab = "-".join(w.lower() for w in _KEBAB_BOUNDARIES.split(key) if w)
    if kebab in options.values():
        return kebab
    return options.get(_squash(key), kebab)


def _harmless(call: ToolCall, *, target: Target) -> Action:
    """Web fetches and searches read from the web; the agent's own bookkeeping tools (todo
    lists, questions to the user, sub-agents whose own tool calls are hooked) act on nothing
    outside it. Both are reads of a resource naming the tool."""
    args = call.arguments
    if call.category is ToolCategory.FETCH:
        names = [str(u) for u in args.get("urls") or ()] or [f"web:{call.tool}"]
        service = "web"
    elif call.category is ToolCategory.WEB_SEARCH:
        names, service = ["web:search"], "web"
    else:
        names, service = [f"agent:{call.agent}/{call.tool}"], "agent"
    effects = tuple(
        Effect(
            EffectKind.READ,
            Resource((name,), type=service),
            target=target,
            service=service,
            operation=call.tool,
            detail=f"{call.tool} {name}",
        )
        for name in dict.fromkeys(names)
    )
    return Action(
        ActionKind.SHELL,
        f"{call.tool} {' '.join(dict.fromkeys(names))}",
        effects,
        target=target,
        subject={"tool": call.tool, "arguments": _digestible(args)},
    )


def unknown_action(call: ToolCall, reason: str, *, target: Target = Target()) -> Action:  # noqa: B008
    """An action keyturn cannot interpret: one ``unknown`` effect on the tool, with why."""
    name = f"tool:{call.agent}/{call.tool}"
    effect = Effect(
        EffectKind.UNKNOWN,
        Resource((name,), type="tool"),
        target=target,
        service="tool",
        operation=call.tool,
        detail=reason,
    )
    return Action(
        ActionKind.SHELL,
        f"{call.tool} (not understood)",
        (effect,),
        target=target,
        subject={"tool": call.tool, "arguments": _digestible(call.arguments)},
    )


def _digestible(args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments as the digest binds them: long values by their SHA-256, so that the
    approval is bound to the exact content without carrying it."""
    out: dict[str, Any] = {}
    for key, value in args.items():
        text = canonical_json(value).decode() if not isinstance(value, str) else value
        out[str(key)] = value if len(text) <= 256 else "sha256:" + _sha(text)
    return out


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
