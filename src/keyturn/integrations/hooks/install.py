"""``keyturn hook install AGENT [--scope user|project]``: write the agent's hook settings entry.

The entry is merged into the agent's existing settings file: every other key, event and hook
is kept as it was; a keyturn entry already there is replaced in place, so installing twice
changes nothing. The file is written atomically (a temporary file renamed over it), and a file
that is not valid JSON is refused rather than overwritten.

The installed command is the absolute path of this ``keyturn`` (a command that is not found
exits 127, which every agent treats as "go ahead"). Each agent's timeout is the one in
:data:`.deadlines.INSTALLED_TIMEOUT`; the hook never takes longer than it less a margin
(:func:`.deadlines.hook_deadline`), so keyturn answers (blocking) before the agent gives up.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from keyturn.cli._args import parser
from keyturn.errors import InputError

from . import AGENTS
from .deadlines import AGENT_TIMEOUT_SECONDS as AGENT_TIMEOUT_SECONDS  # re-exported: docs tests
from .deadlines import INSTALLED_TIMEOUT
from .outcomes import AFTER_TOOL

# Cursor's events keyturn's hook answers. No entry has a tool-name matcher, so each runs for
# every call of its event. preToolUse has none on purpose: formats.md does not settle
# whether Cursor reads a matcher as a regular expression (unanchored, so "Edit" would also
# match "MultiEdit") or as a list of exact names ("Write|Edit" would then miss MultiEdit, Task,
# Read, Grep, and every tool Cursor adds later). Without a matcher every tool reaches keyturn
# under either reading; one keyturn does not know is judged `unknown`, never let through
# unseen. A call that also has its own event (Shell: beforeShellExecution; MCP tools:
# beforeMCPExecution; reads: beforeReadFile) is then delivered twice; both deliveries are
# judged, and one approved grant covers both (.paired).
CURSOR_EVENTS = ("beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse")
# Cursor's timeout unit is unsettled (formats.md §2.3: milliseconds in some copies, seconds in
# others): this many is at least the installed timeout in either (30 s, or 30000 s).
CURSOR_TIMEOUT = INSTALLED_TIMEOUT["cursor"] * 1000


def settings_path(agent: str, *, scope: str, home: Path, project: Path, kiro_agent: str) -> Path:
    """Where ``agent`` reads hooks from, for ``scope``."""
    base = home if scope == "user" else project
    return {
        "claude-code": base / ".claude" / "settings.json",
        "codex": base / ".codex" / "hooks.json",
        "gemini": base / ".gemini" / "settings.json",
        "cursor": base / ".cursor" / "hooks.json",
        "kiro": base / ".kiro" / "agents" / f"{kiro_agent}.json",
    }[agent]


def hook_command(agent: str, *, policy: str | None, executable: str | None = None) -> str:
    """The command line the agent runs: ``/abs/keyturn hook AGENT [--policy /abs/file]``."""
    words = [executable or keyturn_executable(), "hook", agent]
    if policy:
        words += ["--policy", str(Path(policy).expanduser().absolute())]
    return shlex.join(words)


def keyturn_executable() -> str:
    """The absolute path of the running ``keyturn`` script (or the one on PATH)."""
    import shutil

    argv0 = Path(sys.argv[0])
    if argv0.name == "keyturn" and argv0.exists():
        return str(argv0.absolute())
    return shutil.which("keyturn") or str(Path(sys.executable).with_name("keyturn"))


def _is_ours(handler: Any, agent: str) -> bool:
    command = handler.get("command") if isinstance(handler, dict) else None
    if not isinstance(command, str):
        return False
    words = command.split()
    return any(
        Path(w).name == "keyturn" and words[i + 1 : i + 3] == ["hook", agent]
        for i, w in enumerate(words)
    )


def _upsert_group(
    groups: list[Any], agent: str, group: dict[str, Any], *, handler_key: str | None
) -> None:
    """Replace the matcher group (or flat handler) holding keyturn's hook, else append it."""
    for i, existing in enumerate(groups):
        handlers = existing.get(handler_key) if handler_key and isinstance(existing, dict) else None
        ours = (
            any(_is_ours(h, agent) for h in handlers)
            if isinstance(handlers, list)
            else _is_ours(existing, agent)
        )
        if ours:
            groups[i] = group
            return
    groups.append(group)


def _event_list(settings: dict[str, Any], event: str, *, path: Path) -> list[Any]:
    hooks = settings.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise InputError(f"{path}: 'hooks' is not an object; fix it by hand first")
    groups = hooks.setdefault(event, [])
    if not isinstance(groups, list):
        raise InputError(f"{path}: 'hooks.{event}' is not a list; fix it by hand first")
    return groups


def _claude_style() -> Callable[[dict[str, Any], str, str, Path], None]:
    """Claude Code and Codex: ``hooks.PreToolUse[{matcher, hooks: [{type, command}]}]``."""

    def merge(settings: dict[str, Any], agent: str, command: str, path: Path) -> None:
        timeout = INSTALLED_TIMEOUT[agent]  # seconds
        handler: dict[str, Any] = {"type": "command", "command": command, "timeout": timeout}
        # Claude Code matches "*" to every tool; Codex reads the matcher as a regex.
        matcher = "*" if agent == "claude-code" else ".*"
        group = {"matcher": matcher, "hooks": [handler]}
        _upsert_group(
            _event_list(settings, "PreToolUse", path=path), agent, group, handler_key="hooks"
        )

    return merge


def _merge_gemini(settings: dict[str, Any], agent: str, command: str, path: Path) -> None:
    config = settings.setdefault("hooksConfig", {})
    if isinstance(config, dict):
        config["enabled"] = True
    handler = {
        "type": "command",
        "name": "keyturn",
        "command": command,
        "timeout": INSTALLED_TIMEOUT[agent] * 1000,
    }  # Gemini counts milliseconds
    group = {"matcher": ".*", "hooks": [handler]}
    _upsert_group(_event_list(settings, "BeforeTool", path=path), agent, group, handler_key="hooks")


def _merge_cursor(settings: dict[str, Any], agent: str, command: str, path: Path) -> None:
    settings.setdefault("version", 1)
    # failClosed: a crash or timeout of the hook blocks instead of letting the call run. An
    # entry installed earlier is replaced whole: an old preToolUse matcher does not survive.
    for event in CURSOR_EVENTS:
        entry = {"command": command, "failClosed": True, "timeout": CURSOR_TIMEOUT}
        _upsert_group(_event_list(settings, event, path=path), agent, entry, handler_key=None)


def _merge_kiro(settings: dict[str, Any], agent: str, command: str, path: Path) -> None:
    settings.setdefault("name", path.stem)
    settings.setdefault("tools", ["*"])
    entry = {
        "matcher": "*",
        "command": command,
        "timeout_ms": INSTALLED_TIMEOUT[agent] * 1000,
        "cache_ttl_seconds": 0,
    }  # never reuse a verdict: each call is judged afresh
    _upsert_group(_event_list(settings, "preToolUse", path=path), agent, entry, handler_key=None)


def _merge_outcomes(settings: dict[str, Any], agent: str, command: str, path: Path) -> None:
    """The after-tool entries of ``--outcomes`` (:mod:`.outcomes`): run in the background where
    the agent can (the tool has run; nothing waits for the record)."""
    if agent not in AFTER_TOOL:
        raise InputError(f"--outcomes: {agent} has no after-tool event keyturn reads")
    millis = INSTALLED_TIMEOUT[agent] * 1000
    for event in AFTER_TOOL[agent]:
        groups = _event_list(settings, event, path=path)
        if agent == "kiro":
            entry = {"matcher": "*", "command": command, "timeout_ms": millis}
            _upsert_group(groups, agent, entry, handler_key=None)
            continue
        handler: dict[str, Any] = {"type": "command", "command": command}
        if agent == "gemini":
            handler.update(name="keyturn", timeout=millis)
        else:
            handler.update(timeout=INSTALLED_TIMEOUT[agent], **{"async": True})
        matcher = "*" if agent == "claude-code" else ".*"
        _upsert_group(groups, agent, {"matcher": matcher, "hooks": [handler]}, handler_key="hooks")


MERGERS: dict[str, Callable[[dict[str, Any], str, str, Path], None]] = {
    "claude-code": _claude_style(),
    "codex": _claude_style(),
    "gemini": _merge_gemini,
    "cursor": _merge_cursor,
    "kiro": _merge_kiro,
}


def install(agent: str, *, path: Path, command: str, outcomes: bool = False) -> bool:
    """Merge keyturn's hook for ``agent`` into the settings file at ``path`` (and its
    after-tool entries with ``outcomes``); True when the file changed."""
    before = _read_settings(path)
    settings = json.loads(json.dumps(before))  # a deep copy to compare against
    MERGERS[agent](settings, agent, command, path)
    if outcomes:
        _merge_outcomes(settings, agent, command, path)
    if settings == before and path.exists():
        return False
    _write_atomically(path, json.dumps(settings, indent=2) + "\n")
    return True


def _read_settings(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); fix it by hand first") from None
    if not isinstance(value, dict):
        raise InputError(f"{path}: expected a JSON object at the top")
    return value


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_install(argv: list[str]) -> int:
    """``keyturn hook install AGENT [--scope user|project] [--project DIR] [--policy FILE]``."""
    p = parser("hook install", "Write keyturn's hook into an agent's settings.")
    p.add_argument("agent", choices=sorted(AGENTS))
    p.add_argument("--scope", choices=("user", "project"), default="user")
    p.add_argument("--project", default=".", help="project directory (for --scope project)")
    p.add_argument("--policy", help="policy file the hook judges with (made absolute)")
    p.add_argument("--kiro-agent", default="keyturn", help="Kiro agent file to add the hook to")
    p.add_argument(
        "--outcomes",
        action="store_true",
        help="also run after each tool call and record what came of it (not for cursor)",
    )
    args = p.parse_args(argv)
    path = settings_path(
        args.agent,
        scope=args.scope,
        home=Path.home(),
        project=Path(args.project).absolute(),
        kiro_agent=args.kiro_agent,
    )
    command = hook_command(args.agent, policy=args.policy)
    changed = install(args.agent, path=path, command=command, outcomes=args.outcomes)
    state = "installed" if changed else "already installed"
    print(f"keyturn hook {state} for {args.agent} in {path}")
    print(
        "The first hook starts a resident daemon (keyturn hook daemon, socket in $KEYTURN_HOME) "
        "that answers the next ones fast; KEYTURN_HOOK_DAEMON=off judges every call in-process "
        "(docs/hooks-daemon.md)."
    )
    return 0
