"""Agent hook tool calls against the agents' current tool names and payload shapes.

- Claude Code's tools as its tools reference (code.claude.com/docs/en/tools-reference, mirror
  ``zhalice2011/claude-code-docs`` ``docs/tools-reference.md``) and the input schemas shipped in
  ``@anthropic-ai/claude-code@2.1.332``'s ``sdk-tools.d.ts`` (installed with npm under /tmp and
  read) list them: the task list (``TaskCreate``...) that replaced ``TodoWrite``, ``TaskOutput``
  and ``TaskStop`` (successors of ``BashOutput``/``KillShell``), ``Monitor`` (``command`` run
  under the Bash tool's rules, or ``ws``), and the tools that act and are not understood;
- the file tools apply the shell's "runs later" checks with the hook's environment
  (``DOCKER_CONFIG``, ``REGISTRY_AUTH_FILE``, ``CONTAINERS_CONF``), through links on disk, and on
  deletes through a place that cannot be told (``/dev/fd/3/x``), as ``rm`` of it is;
- Codex's ``exec_command`` with a ``shell`` that is not a POSIX shell; Gemini's
  ``read_many_files`` with the older ``paths`` plus ``include``; Kiro's ``fs_write`` text;
- payloads that are broken in every way get the agent's blocking answer or a hold, never an
  allow and never a traceback (through :func:`answer_event`, the function both the hook process
  and its daemon call).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.errors import InputError
from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.integrations.hooks.runner import answer_event
from keyturn.integrations.hooks.settle import HookOptions
from keyturn.localfiles import LocalFiles
from keyturn.model import Action, EffectKind

EVENTS = {
    "claude-code": "PreToolUse",
    "codex": "PreToolUse",
    "gemini": "BeforeTool",
    "kiro": "preToolUse",
    "cursor": "preToolUse",
}
HOME = "/home/dev"


def event(agent: str, tool: str, tool_input: Any, *, cwd: str = "/srv/infra") -> dict[str, Any]:
    return {
        "session_id": "s-current",
        "cwd": cwd,
        "hook_event_name": EVENTS[agent],
        "tool_name": tool,
        "tool_input": tool_input,
    }


def action(
    agent: str,
    tool: str,
    tool_input: Any,
    *,
    env: dict[str, str] | None = None,
    cwd: str = "/srv/infra",
    home: str = HOME,
) -> Action:
    protocol = importlib.import_module(AGENTS[agent]).PROTOCOL
    call = protocol.read(event(agent, tool, tool_input, cwd=cwd), home=home)
    return action_for_call(call, env={"HOME": home, **(env or {})}, files=LocalFiles())


def kinds(done: Action) -> list[EffectKind]:
    return [e.effect for e in done.effects]


# -- the file tools' writes, with the agent's environment --------------------------------------

PATCH_ADD = "*** Begin Patch\n*** Add File: {path}\n+{{}}\n*** End Patch\n"
WRITES = [
    ("claude-code", "Write", lambda p: {"file_path": p, "content": "{}"}),
    ("claude-code", "Edit", lambda p: {"file_path": p, "old_string": "a", "new_string": "b"}),
    ("gemini", "write_file", lambda p: {"file_path": p, "content": "{}"}),
    ("gemini", "replace", lambda p: {"file_path": p, "old_string": "a", "new_string": "b"}),
    ("cursor", "Write", lambda p: {"file_path": p, "contents": "{}"}),
    ("kiro", "fs_write", lambda p: {"path": p, "command": "create", "file_text": "{}"}),
    ("codex", "apply_patch", lambda p: {"command": PATCH_ADD.format(path=p)}),
]
SETTINGS = [
    ("DOCKER_CONFIG", "/opt/dc", "/opt/dc/config.json"),
    ("REGISTRY_AUTH_FILE", "/opt/auth.json", "/opt/auth.json"),
    ("CONTAINERS_CONF", "/opt/containers.conf", "/opt/containers.conf"),
]


@pytest.mark.parametrize(("agent", "tool", "shape"), WRITES, ids=[f"{a}-{t}" for a, t, _ in WRITES])
@pytest.mark.parametrize(("variable", "value", "path"), SETTINGS, ids=[v for v, _, _ in SETTINGS])
def test_file_tool_write_of_settings_the_environment_names(
    agent: str, tool: str, shape: Any, variable: str, value: str, path: str
) -> None:
    """A file tool's write of the container tools' settings file where the hook's environment
    puts it (``DOCKER_CONFIG=/opt/dc``: ``/opt/dc/config.json``, whose ``credsStore`` names a
    program docker runs) is ``unknown``, as ``echo {} > /opt/dc/config.json`` is on the shell
    line (``mark_runs_later(env=...)``, :mod:`keyturn.understand._container_env_settings`)."""
    done = action(agent, tool, shape(path), env={variable: value})
    assert EffectKind.UNKNOWN in kinds(done), done.effects
    shell = action("claude-code", "Bash", {"command": f"echo x > {path}"}, env={variable: value})
    assert EffectKind.UNKNOWN in kinds(shell)


def test_write_of_an_unnamed_docker_folder_stays_a_write() -> None:
    """False-alarm guard: without ``DOCKER_CONFIG``, ``/opt/dc/config.json`` is a plain file."""
    done = action("claude-code", "Write", {"file_path": "/opt/dc/config.json", "content": "{}"})
    assert kinds(done) == [EffectKind.CREATE]


def test_write_through_a_link_to_a_start_up_file(tmp_path: Path) -> None:
    """``Write`` follows a symbolic link (Node's ``writeFile`` opens the path, the kernel follows
    it): ``notes -> ~/.bashrc`` writes the shell's start-up file, which every new shell runs, so
    the write is ``unknown`` as a direct write of ``~/.bashrc`` is. Confirmed on disk here."""
    home = tmp_path / "home"
    project = home / "project"
    project.mkdir(parents=True)
    (home / ".bashrc").write_text("")
    (project / "notes").symlink_to(home / ".bashrc")
    for agent, tool, shape in WRITES:
        done = action(agent, tool, shape(str(project / "notes")), cwd=str(project), home=str(home))
        assert kinds(done) == [EffectKind.UNKNOWN], (agent, tool, done.effects)
        assert f"file:{home}/.bashrc" in done.effects[0].resource.names


@pytest.mark.parametrize("path", ["/dev/fd/3/x", "/proc/12/cwd/x"])
def test_delete_through_a_place_that_cannot_be_told(path: str) -> None:
    """Cursor's ``Delete`` through another process's directory or a descriptor may remove any
    file, keyturn's own too: ``unknown``, as ``rm /proc/12/cwd/x`` is on the shell line."""
    assert kinds(action("cursor", "Delete", {"path": path})) == [EffectKind.UNKNOWN]
    assert kinds(action("claude-code", "Bash", {"command": f"rm {path}"})) == [EffectKind.UNKNOWN]


def test_plain_delete_stays_a_delete() -> None:
    """False-alarm guard: Cursor's ``Delete`` of an ordinary file is a delete of it."""
    assert kinds(action("cursor", "Delete", {"path": "/srv/infra/old.txt"})) == [EffectKind.DELETE]


# -- Claude Code's current tools -----------------------------------------------------------------

TASK_TOOLS = [
    ("TaskCreate", {"subject": "Fix the build", "description": "d"}),
    ("TaskGet", {"taskId": "1"}),
    ("TaskList", {}),
    ("TaskUpdate", {"taskId": "1", "status": "completed"}),
    ("TaskOutput", {"task_id": "b1"}),
    ("TaskStop", {"task_id": "b1"}),
    ("ToolSearch", {"query": "select:Monitor"}),
]


@pytest.mark.parametrize(("tool", "tool_input"), TASK_TOOLS, ids=[t for t, _ in TASK_TOOLS])
def test_claude_task_list_tools_are_the_agents_own(tool: str, tool_input: dict[str, Any]) -> None:
    """The task list tools (``TodoWrite`` is disabled by default in their favour), a background
    task's output and stop (as ``BashOutput``/``KillShell``), and tool search act on Claude
    Code's own state: read as the agent's bookkeeping, not held as unknown tools."""
    done = action("claude-code", tool, tool_input)
    assert kinds(done) == [EffectKind.READ]
    assert done.effects[0].resource.names == (f"agent:claude-code/{tool}",)


def test_claude_monitor_runs_its_command_as_bash() -> None:
    """``Monitor`` runs ``command`` in the background under the Bash tool's permission rules
    (tools-reference.md "Monitor tool"; ``MonitorInput`` in sdk-tools.d.ts): judged as that
    shell line -- a delete is a delete, a ``tail -f`` a read."""
    rm = action(
        "claude-code",
        "Monitor",
        {"description": "d", "timeout_ms": 1, "command": "rm -rf /srv/data"},
    )
    assert kinds(rm) == [EffectKind.DELETE]
    tail = action(
        "claude-code",
        "Monitor",
        {"description": "d", "timeout_ms": 1, "command": "tail -f /var/log/app.log"},
    )
    assert EffectKind.READ in kinds(tail) and EffectKind.UNKNOWN not in kinds(tail)
    ws = action(
        "claude-code",
        "Monitor",
        {"description": "d", "timeout_ms": 1, "ws": {"url": "wss://ci.example.com/feed"}},
    )
    assert [(e.effect, e.resource.names) for e in ws.effects] == [
        (EffectKind.READ, ("wss://ci.example.com/feed",))
    ]


@pytest.mark.parametrize(
    "tool_input",
    [
        {"description": "d", "timeout_ms": 1},
        {"description": "d", "timeout_ms": 1, "command": "ls", "ws": {"url": "wss://x"}},
    ],
)
def test_claude_monitor_with_both_or_neither_is_unknown(tool_input: dict[str, Any]) -> None:
    """False-alarm guard of the other side: a ``Monitor`` call that is not one of the two
    documented forms (``ws`` "cannot be combined with command") is not understood."""
    assert kinds(action("claude-code", "Monitor", tool_input)) == [EffectKind.UNKNOWN]


@pytest.mark.parametrize(
    ("tool", "tool_input"),
    [
        ("EnterWorktree", {"name": "feature"}),
        ("ExitWorktree", {"action": "remove", "discard_changes": True}),
        ("Workflow", {"script": "x"}),
        ("RemoteTrigger", {"action": "run"}),
        ("CronCreate", {"cron": "* * * * *", "prompt": "deploy"}),
        ("Artifact", {"file_path": "/srv/infra/report.html"}),
        ("LSP", {"operation": "hover"}),
        ("SendMessage", {"to": "x", "message": "y"}),
    ],
)
def test_claude_tools_that_act_are_not_allowed_unread(
    tool: str, tool_input: dict[str, Any]
) -> None:
    """Guard: tools that act (a worktree made or removed, a workflow or a remote routine run, a
    file published) and are not understood stay ``unknown``, never a pass."""
    assert kinds(action("claude-code", tool, tool_input)) == [EffectKind.UNKNOWN]


def test_claude_bash_in_background_and_notebook_edits() -> None:
    """Guard: ``run_in_background`` runs the same command (judged as it is); ``NotebookEdit``
    writes the ``.ipynb`` (``notebook_path``; any ``edit_mode``), and one in IPython's start-up
    folder is ``unknown`` as a write of a file that runs later."""
    bg = action("claude-code", "Bash", {"command": "rm -rf /srv/data", "run_in_background": True})
    assert kinds(bg) == [EffectKind.DELETE]
    for mode in ("replace", "insert", "delete"):
        nb = {"notebook_path": "/srv/infra/a.ipynb", "new_source": "x", "edit_mode": mode}
        assert kinds(action("claude-code", "NotebookEdit", nb)) == [EffectKind.UPDATE]
    startup = f"{HOME}/.ipython/profile_default/startup/a.ipynb"
    nb = {"notebook_path": startup, "new_source": "import os"}
    assert kinds(action("claude-code", "NotebookEdit", nb)) == [EffectKind.UNKNOWN]


# -- Codex, Gemini, Kiro -------------------------------------------------------------------------


def test_codex_exec_command_with_another_interpreter() -> None:
    """``exec_command``'s ``shell`` names the program that runs ``cmd`` (``python3 -c ls`` is
    not the shell's ``ls``): a program that is not a POSIX shell makes the call not understood;
    a POSIX shell by path is the shell line it always was."""
    odd = action("codex", "exec_command", {"cmd": "ls", "shell": "python3"})
    assert kinds(odd) == [EffectKind.UNKNOWN]
    assert "python3" in (odd.effects[0].detail or "")
    bash = action("codex", "exec_command", {"cmd": "ls", "shell": "/bin/bash"})
    assert EffectKind.UNKNOWN not in kinds(bash)


@pytest.mark.parametrize(
    "patch",
    [
        "*** Begin Patch\n*** Update File: a.py\n*** Move to: ~/.bashrc\n@@\n-a\n+b\n*** End Patch",
        "*** Begin Patch\n*** Move to: ~/.bashrc\n*** End Patch",
        "*** Begin Patch\n*** Delete File: /proc/1/cwd/x\n*** End Patch",
    ],
)
def test_codex_patch_edges(patch: str) -> None:
    """Guard: a move into a start-up file, a stray ``Move to:`` and a deletion through another
    process's directory are each ``unknown`` (codex-rs/apply-patch/src/parser.rs grammar)."""
    assert EffectKind.UNKNOWN in kinds(action("codex", "apply_patch", {"command": patch}))


def test_gemini_read_many_files_reads_paths_and_include() -> None:
    """Older Gemini CLI releases took ``paths`` and merged ``include`` in as more places
    (``read-many-files.ts``); current ones take ``include`` alone. Both are read, and one string
    is one place (not its letters)."""
    done = action(
        "gemini", "read_many_files", {"paths": ["README.md"], "include": ["/root/.keyturn"]}
    )
    names = [n for e in done.effects for n in e.resource.names]
    assert "file:/root/.keyturn" in names and "file:/srv/infra/README.md" in names
    one = action("gemini", "read_many_files", {"include": "/root/.keyturn"})
    assert [n for e in one.effects for n in e.resource.names] == [
        "file:/root/.keyturn",
        "file:/root/.keyturn/*",
    ]


def test_kiro_write_text_must_be_text() -> None:
    """Kiro's ``fs_write`` text that is not a string is bad input (its ``str()`` is not what
    would be written, and an approval would be bound to it)."""
    with pytest.raises(InputError):
        action(
            "kiro", "fs_write", {"path": "/srv/a.tf", "command": "create", "file_text": {"a": 1}}
        )


# -- broken payloads: the agent's blocking answer or a hold, never an allow ----------------------

TOOLS = {
    "claude-code": ("Write", "file_path"),
    "codex": ("apply_patch", "command"),
    "gemini": ("write_file", "file_path"),
    "kiro": ("fs_write", "path"),
    "cursor": ("Write", "file_path"),
}


def _payloads(agent: str) -> list[tuple[str, bytes]]:
    tool, key = TOOLS[agent]
    value = PATCH_ADD.format(path="rel/x") if agent == "codex" else "rel/x"

    def ev(tool_input: Any, **over: Any) -> bytes:
        return json.dumps({**event(agent, tool, tool_input), **over}).encode()

    return [
        ("not utf-8", b"\xff\xfe\x00{"),
        ("not an object", b"[1]"),
        ("empty", b""),
        ("only the event", json.dumps({"hook_event_name": EVENTS[agent]}).encode()),
        ("tool_input a list", ev([value])),
        ("path a number", ev({key: 5, "content": "x"})),
        ("content a number", ev({key: value, "content": 5, "file_text": 5, "contents": 5})),
        ("extra fields", ev({key: value, "content": "x", "zzz": [1]}, zzz={"a": None})),
        ("cwd missing on disk", ev({key: value, "content": "x"}, cwd="/no/such/dir")),
        ("cwd relative", ev({key: value, "content": "x"}, cwd="srv")),
        ("cwd a number", ev({key: value, "content": "x"}, cwd=7)),
        ("huge", ev({key: value, "content": "x" * (17 << 20)})),
        ("NUL in path", ev({key: value + "\x00y", "content": "x"})),
    ]


def _allowed(agent: str, stdout: str, code: int) -> bool:
    if code != 0:
        return False
    if agent in ("codex", "kiro"):
        return stdout == ""  # their allow is a silent exit 0
    body = json.loads(stdout)
    decision = (
        body.get("hookSpecificOutput", {}).get("permissionDecision")
        or body.get("decision")
        or body.get("permission")
    )
    return bool(decision == "allow")


@pytest.mark.parametrize("agent", sorted(TOOLS))
def test_broken_payloads_never_pass(agent: str, tmp_path: Path) -> None:
    """Guard: every broken payload gets the agent's blocking answer (exit 2, or Cursor's deny
    JSON with exit 2) or a hold, never an allow and never a traceback: :func:`answer_event`
    never raises and turns bad input into ``protocol.blocking`` (runner.py contract)."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(BRIEF_POLICY)
    env = {
        "HOME": str(tmp_path / "home"),
        "KEYTURN_HOME": str(tmp_path / "state"),
        "KEYTURN_POLICY": str(policy),
        "USER": "olivia",
    }
    protocol = importlib.import_module(AGENTS[agent]).PROTOCOL
    for label, data in _payloads(agent):
        reply = answer_event(
            protocol, HookOptions(policy_path="", agent=agent), data=data, env=env, cwd="/"
        )
        assert not _allowed(agent, reply.stdout, reply.exit_code), (label, reply)
        assert "Traceback" not in reply.stdout + reply.stderr
        if reply.exit_code == 2 and agent != "claude-code":
            assert reply.stderr.strip(), label  # Codex blocks on exit 2 only with stderr
