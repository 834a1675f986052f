"""A path gets the name of the file it really reaches, whichever tool sent it, so that
self-protection and the runs-later files cannot be passed by spelling: a leading ``//`` or a
backslash on Linux, ``/proc/self/root``, another case or Windows' trailing dots and streams,
the agents' managed settings, and links to guarded files (red-team findings 1-5)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.hardening._judging import DEFAULT_ALLOW

from keyturn.integrations.hooks.events import ToolCall, ToolCategory, action_for_call
from keyturn.integrations.hooks.file_tools import file_name
from keyturn.integrations.hooks.patch_tool import patch_action
from keyturn.model import Action, Actor, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.paths import agent_path, posix_path, unknown_place
from keyturn.understand.shell import understand_shell

HOME = "/root"
CWD = "/srv/app"
STATE = "/var/lib/keyturn"
POLICY_PATH = "/etc/keyturn/policy.yaml"
PERMISSIVE = DEFAULT_ALLOW  # every effect allowed, in dev: only the built-ins refuse
ACTOR = Actor(agent="claude-code", operator="dev")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(
        PERMISSIVE, source=POLICY_PATH, guarded_paths=(POLICY_PATH, STATE), private_paths=(STATE,)
    )


def _judge(policy: Policy, action: Action) -> tuple[Verdict, set[str]]:
    decision = policy.judge(action, actor=ACTOR)
    return decision.decision, {j.rule for j in decision.judgements}


def _file_tool(category: ToolCategory, path: str, *, agent: str = "claude-code") -> Action:
    arguments: dict[str, Any] = {"path": path, "content": "{}"}
    call = ToolCall(
        agent=agent, tool="Write", category=category, arguments=arguments, cwd=CWD, home=HOME
    )
    return action_for_call(call, env={})


# -- the normaliser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cwd", "name"),
    [
        ("//root/.bashrc", "/", "/root/.bashrc"),
        ("///root//.claude/settings.json", "/", "/root/.claude/settings.json"),
        ("/root/.claude/x\\y/../settings.json", "/", "/root/.claude/settings.json"),
        ("a\\b", "/w", "/w/a\\b"),  # a backslash is part of a POSIX name
        ("/proc/self/root/usr", "/", "/usr"),
        ("/proc/thread-self/root/etc/passwd", "/", "/etc/passwd"),
        ("/proc/4242/root/etc", "/", "/etc"),  # another process's root: taken to be /
        ("/proc/self/task/7/root/home", "/", "/home"),
        ("/proc/self/root/../etc", "/", "/etc"),  # .. of the root is the root
        ("/proc/self/cwd/keyturn.yaml", "/srv/app", "/srv/app/keyturn.yaml"),
        ("/proc/self/cwd/../x", "/srv/app", "/srv/x"),
        ("/proc/4242/cwd/x", "/srv/app", "/proc/4242/cwd/x"),  # kept, and an unknown place
        ("/home/procter/a/../b", "/", "/home/procter/b"),
        ("/srv/*", "/", "/srv/*"),
    ],
)
def test_posix_paths(path: str, cwd: str, name: str) -> None:
    assert posix_path(path, cwd=cwd) == name


@pytest.mark.parametrize(
    ("path", "cwd", "home", "name"),
    [
        ("C:\\Users\\bob\\.CLAUDE\\settings.json", "/", "/", "C:/Users/bob/.CLAUDE/settings.json"),
        ("c:/a/../b", "/", "/", "C:/b"),
        ("C:\\x\\settings.json.", "/", "/", "C:/x/settings.json"),
        ("C:\\x\\settings.json::$DATA", "/", "/", "C:/x/settings.json"),
        ("C:\\x\\.claude.\\settings.json", "/", "/", "C:/x/.claude/settings.json"),
        ("C:\\x\\.claude::$INDEX_ALLOCATION\\s.json", "/", "/", "C:/x/.claude/s.json"),
        ("\\\\?\\C:\\x\\y", "/", "/", "C:/x/y"),
        ("\\\\localhost\\c$\\x", "/", "/", "C:/x"),
        ("\\\\srv\\share\\a\\..\\b", "/", "/", "//srv/share/b"),
        (".claude\\settings.json", "C:\\proj", "/", "C:/proj/.claude/settings.json"),
        ("\\top", "C:\\proj", "/", "C:/top"),
        (
            "~\\.claude\\settings.json",
            "C:\\p",
            "C:\\Users\\bob",
            "C:/Users/bob/.claude/settings.json",
        ),
        ("~/.bashrc", "/w", "/root", "/root/.bashrc"),
        ("//root/.keyturn", "/w", "/root", "/root/.keyturn"),
        ("rel\\x", "/w", "/root", "/w/rel\\x"),
    ],
)
def test_agent_paths(path: str, cwd: str, home: str, name: str) -> None:
    assert agent_path(path, cwd=cwd, home=home) == name


@pytest.mark.parametrize(
    "path",
    ["//root/.bashrc", "/root/.claude/x\\y/../settings.json", "/proc/self/root/usr/x", "a/./b"],
)
def test_shell_mcp_and_file_tools_agree(path: str) -> None:
    shell = understand_shell(f"rm '{path}'", cwd=CWD, home=HOME).effects[0].resource.names[0]
    mcp = understand_mcp(
        "filesystem", "write_file", {"path": path, "content": ""}, cwd=CWD, home=HOME
    )
    tool = file_name(path, cwd=CWD, home=HOME)
    assert shell == mcp.effects[0].resource.names[0] == tool


def test_unknown_places() -> None:
    assert unknown_place("/proc/4242/cwd/x")
    assert unknown_place("/proc/4242/fd/3")
    assert unknown_place("/proc/self/fd/3/x")
    assert unknown_place("/dev/fd/3/x")
    assert not unknown_place("/dev/fd/2")
    assert not unknown_place("/proc/self/status")
    assert not unknown_place("/srv/proc/4242/cwd/x")


# -- finding 1: // and backslashes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["//root/.claude/settings.json", "//root/.keyturn/keyturn.db", "//var/lib/keyturn/x"]
)
@pytest.mark.parametrize("agent", ["claude-code", "gemini", "kiro", "cursor"])
def test_double_slash_writes_are_refused(policy: Policy, path: str, agent: str) -> None:
    verdict, rules = _judge(policy, _file_tool(ToolCategory.WRITE, path, agent=agent))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (path, rules)
    verdict, rules = _judge(policy, _file_tool(ToolCategory.DELETE, path, agent=agent))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (path, rules)


def test_double_slash_runs_later_file_is_not_allowed(policy: Policy) -> None:
    verdict, _ = _judge(policy, _file_tool(ToolCategory.WRITE, "//root/.bashrc"))
    assert verdict is not Verdict.ALLOW


def test_a_backslash_does_not_hide_a_dot_dot(policy: Policy) -> None:
    action = _file_tool(ToolCategory.WRITE, "/root/.claude/x\\y/../settings.json")
    assert action.effects[0].resource.names[0] == "file:/root/.claude/settings.json"
    verdict, rules = _judge(policy, action)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules


def test_codex_patch_with_a_double_slash(policy: Policy) -> None:
    patch = "*** Begin Patch\n*** Add File: //root/.codex/hooks.json\n+{}\n*** End Patch"
    action = patch_action("apply_patch", patch, cwd=CWD, home=HOME, target=Target())
    verdict, rules = _judge(policy, action)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules


# -- finding 2: /proc/self/root and friends -------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("rm -rf /proc/self/root/usr", "builtin:catastrophic"),
        ("rm -rf /proc/thread-self/root/root", "builtin:catastrophic"),
        ("rm -rf /proc/1/root/", "builtin:catastrophic"),
        ("printf x >> /proc/self/root/tmp/x/keyturn.yaml", SELF_PROTECTION_RULE),
        ("rm /proc/self/root/var/lib/keyturn/keyturn.db", SELF_PROTECTION_RULE),
        ("rm -f /proc/self/cwd/keyturn.yaml", SELF_PROTECTION_RULE),
        ("cat /proc/self/root/var/lib/keyturn/audit-signing.key", SELF_PROTECTION_RULE),
    ],
)
def test_proc_links_are_followed(policy: Policy, command: str, rule: str) -> None:
    verdict, rules = _judge(policy, understand_shell(command, cwd=CWD, home=HOME))
    assert verdict is Verdict.DENY and rule in rules, (command, rules)


@pytest.mark.parametrize(
    "command", ["rm -rf /proc/1/cwd/", "echo x > /proc/1/cwd/.bashrc", "cp x /dev/fd/3/y"]
)
def test_another_process_s_working_directory_is_not_allowed(policy: Policy, command: str) -> None:
    verdict, rules = _judge(policy, understand_shell(command, cwd=CWD, home=HOME))
    assert verdict is not Verdict.ALLOW, (command, rules)


def test_proc_root_write_through_a_file_tool(policy: Policy) -> None:
    action = _file_tool(ToolCategory.WRITE, "/proc/self/root/root/.claude/settings.json")
    verdict, rules = _judge(policy, action)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules


# -- finding 3: case and Windows spellings --------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/root/.CLAUDE/settings.json",
        ".claude/Settings.json",
        ".Claude/settings.local.JSON",
        "/root/.Keyturn/keyturn.db",
        "/VAR/lib/keyturn/keyturn.db",
        "/etc/keyturn/POLICY.yaml",
        "C:\\Users\\bob\\.CLAUDE\\settings.json",
        "C:\\Users\\bob\\KEYTURN.YAML",
        "C:\\Users\\bob\\.claude\\settings.json.",
        "C:\\Users\\bob\\.claude\\settings.json ",
        "C:\\Users\\bob\\.claude\\settings.json::$DATA",
        "C:\\Users\\bob\\.claude.\\settings.json",
        "C:\\Users\\bob\\.CODEX\\hooks.json",
    ],
)
def test_other_spellings_of_guarded_files_are_refused(policy: Policy, path: str) -> None:
    verdict, rules = _judge(policy, _file_tool(ToolCategory.WRITE, path))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (path, rules)
    mcp = understand_mcp(
        "filesystem", "write_file", {"path": path, "content": ""}, cwd=CWD, home=HOME
    )
    verdict, rules = _judge(policy, mcp)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (path, rules)


@pytest.mark.parametrize(
    "command",
    [
        "echo '{}' > /root/.CLAUDE/settings.json",
        "echo '{}' > '.claude/settings.json::$DATA'",  # the check strips Windows' stream suffix
        "echo '{}' > '.claude/settings.json.'",
        "export keyturn_policy=/tmp/open.yaml",  # Windows' variables have no case
        "cat /root/.KEYTURN/session-secret",
    ],
)
def test_other_spellings_in_the_shell_are_refused(policy: Policy, command: str) -> None:
    verdict, rules = _judge(policy, understand_shell(command, cwd=CWD, home=HOME))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (command, rules)


def test_a_windows_state_directory_in_another_case() -> None:
    loaded = load_policy(PERMISSIVE, guarded_paths=("C:\\ProgramData\\keyturn",))
    action = understand_mcp(
        "filesystem", "write_file", {"path": "c:\\programdata\\KEYTURN\\keyturn.db", "content": ""}
    )
    verdict, rules = _judge(loaded, action)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules


# -- finding 4: managed settings (refused) and Claude's skills and hook scripts (asked) ----------


@pytest.mark.parametrize(
    "path",
    [
        "/etc/claude-code/managed-settings.json",
        "/etc/claude-code/managed-mcp.json",
        "/etc/gemini-cli/settings.json",
        "/etc/codex/requirements.toml",
        "/etc/codex/managed_config.toml",
        "/etc/cursor/hooks.json",
        "/Library/Application Support/ClaudeCode/managed-settings.json",
        "/Library/Application Support/Cursor/hooks.json",
        "C:\\ProgramData\\ClaudeCode\\managed-settings.json",
        "C:\\Program Files\\ClaudeCode\\managed-settings.json",
        "C:\\ProgramData\\Cursor\\hooks.json",
    ],
)
def test_managed_settings_are_refused(policy: Policy, path: str) -> None:
    verdict, rules = _judge(policy, _file_tool(ToolCategory.WRITE, path))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (path, rules)


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /etc/claude-code",
        "echo '{\"disableAllHooks\":true}' > /etc/claude-code/managed-settings.json",
        "tar -xf x.tar -C '/Library/Application Support'",
        "rm -rf /etc/c*",
        "mv /etc/codex /tmp/",
    ],
)
def test_managed_settings_in_the_shell_are_refused(policy: Policy, command: str) -> None:
    verdict, rules = _judge(policy, understand_shell(command, cwd=CWD, home=HOME))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (command, rules)


@pytest.mark.parametrize(
    "path",
    [
        ".claude/skills/deploy/SKILL.md",
        "~/.claude/skills/x/run.sh",
        ".claude/agents/reviewer.md",
        ".claude/commands/ship.md",
        "~/.claude/plugins/cache/p/hooks/hooks.json",
        ".claude/hooks/check.sh",
        "~/.claude/statusline.sh",
    ],
)
def test_claude_skills_and_hook_scripts_are_asked_not_refused(policy: Policy, path: str) -> None:
    verdict, rules = _judge(policy, _file_tool(ToolCategory.WRITE, path))
    assert verdict is Verdict.ASK and SELF_PROTECTION_RULE not in rules, (path, rules)


# -- finding 5: links to guarded files ------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "ln -s /root/.claude /tmp/x/cfg",
        "ln -s /etc/keyturn/policy.yaml cfg.yaml",
        "ln -s ../../etc/keyturn/policy.yaml /srv/app/cfg.yaml",  # read from the link's folder
        "ln /etc/keyturn/policy.yaml hard.yaml",
        "ln -sf /var/lib/keyturn state",
        "ln -sr ../../etc/keyturn/policy.yaml here.yaml",  # -r: given against the cwd
        "ln -s /root r",
        "ln --symbolic --target-directory=/tmp /root/.claude/settings.json",
    ],
)
def test_links_to_guarded_files_are_refused(policy: Policy, command: str) -> None:
    verdict, rules = _judge(policy, understand_shell(command, cwd=CWD, home=HOME))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (command, rules)


@pytest.mark.parametrize("command", ["ln -s /root/.bashrc b", "ln ~/.ssh/authorized_keys k"])
def test_links_to_files_that_run_later_are_asked(policy: Policy, command: str) -> None:
    action = understand_shell(command, cwd=CWD, home=HOME)
    assert EffectKind.UNKNOWN in {e.effect for e in action.effects}
    assert _judge(policy, action)[0] is Verdict.ASK


def test_an_ordinary_link_stays_allowed(policy: Policy) -> None:
    verdict, rules = _judge(policy, understand_shell("ln -s ../lib/x node_modules/x", cwd=CWD))
    assert verdict is Verdict.ALLOW, rules


def test_dot_dot_through_a_link_made_on_the_line(policy: Policy) -> None:
    command = "ln -sfn /srv/elsewhere/.claude/projects p && echo '{}' > p/../settings.json"
    verdict, _ = _judge(policy, understand_shell(command, cwd=CWD, home=HOME))
    assert verdict is not Verdict.ALLOW
