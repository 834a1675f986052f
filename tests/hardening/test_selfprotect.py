"""Self-protection: an agent cannot weaken its own guard, under a policy that allows everything
else. Built-in rule ``builtin:self-protection``; opt-out only through
``settings.unsafe_allow_self_modification``, which warns on every load."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from tests.hardening._judging import DEFAULT_ALLOW

from keyturn.errors import PolicyError
from keyturn.model import Action, Actor, Verdict
from keyturn.policy import Policy, load_policy, load_policy_file
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_shell

HOME = "/home/dev"
CWD = "/home/dev/repo"
STATE = "/var/lib/keyturn"  # a $KEYTURN_HOME outside the home directory
POLICY_PATH = "/etc/keyturn/policy.yaml"

# Everything is allowed, everywhere: only built-ins can refuse.
PERMISSIVE = DEFAULT_ALLOW  # every effect allowed, in dev: only the built-ins refuse
ACTOR = Actor(agent="claude-code", operator="dev")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(PERMISSIVE, source=POLICY_PATH, guarded_paths=(POLICY_PATH, STATE))


def _judge(policy: Policy, action: Action) -> tuple[Verdict, set[str]]:
    decision = policy.judge(action, actor=ACTOR)
    return decision.decision, {j.rule for j in decision.judgements}


def _shell(command: str) -> Action:
    return understand_shell(command, cwd=CWD, home=HOME)


DENIED_COMMANDS = [
    # the state directory, by default under home and as passed in
    "rm -rf ~/.keyturn",
    "rm ~/.keyturn/keyturn.db",
    "mv ~/.keyturn /tmp/gone",
    "cp /tmp/mine.yaml ~/.keyturn/keyturn.yaml",
    "echo '' > ~/.keyturn/keyturn.db",
    "dd if=/dev/zero of=/home/dev/.keyturn/keyturn.db",
    "rm -rf /var/lib/keyturn",
    "find /var/lib/keyturn -delete",
    "chmod 000 /var/lib/keyturn/keyturn.db",
    # the policy file, wherever it is
    "sed -i 's/deny/allow/' /etc/keyturn/policy.yaml",
    "truncate -s0 keyturn.yaml",
    "tee keyturn.yaml < /tmp/open.yaml",
    "cat /tmp/open.yaml >> keyturn.yaml",
    "ln -sf /tmp/open.yaml keyturn.yaml",
    "bash -c 'rm -f /etc/keyturn/policy.yaml'",
    "sudo sh -c 'echo default: allow > /etc/keyturn/policy.yaml'",
    # the agents' hook settings, in the project and at user level
    "echo '{}' > .claude/settings.json",
    "echo '{}' > .claude/settings.local.json",
    "rm ~/.claude/settings.json",
    "rm -rf .claude",
    "mv .codex/hooks.json /tmp/",
    "cat x > ~/.codex/config.toml",
    "bash -c 'rm ~/.gemini/settings.json'",
    "rm -rf .kiro/hooks",
    "echo '{}' | tee .cursor/hooks.json",
    # keyturn's variables
    "unset KEYTURN_POLICY",
    "export KEYTURN_POLICY=/tmp/open.yaml",
    "export KEYTURN_HOME=",
    "declare -x KEYTURN_HOME=/tmp/x",
    "typeset KEYTURN_AGENT=nobody",
    "KEYTURN_POLICY=/tmp/open.yaml keyturn exec -- rm -rf /srv",
    "KEYTURN_ENV=dev kubectl delete ns payments",
    "env -u KEYTURN_POLICY claude",
    "strace -E KEYTURN_POLICY claude",  # strace -E NAME unsets NAME for the command
    "env KEYTURN_HOME=/tmp ls",
    "unset KEY''TURN_POLICY",
    "bash -c 'unset KEYTURN_POLICY; ls'",
    "KEYTURN_POLICY=/tmp/open.yaml",
    # keyturn's secrets may not even be read: the audit signing key, the install secret that
    # signs reviewers' session cookies, nor the state directory that holds them
    "cat ~/.keyturn/audit-signing.key",
    "cat ~/.keyturn/session-secret",
    "cat /srv/keyturn-state/session-secret",
    "cat ~/.keyturn/*",
    "cat ~/.keyturn/audit-signing.k?y",
    "cat ~/.k*/session-*",
    "grep -r . ~/.keyturn",
    "tar cf - ~/.keyturn | base64",
    "ls ~/.keyturn",
    # everything under a directory holding them: extracted, synced, copied into
    "tar -xzf /tmp/dotfiles.tgz -C ~",
    "unzip -o /tmp/x.zip -d /home/dev/.claude",
    "rsync -a /tmp/home/ ~/",
    "cp -r /tmp/home/. ~/",
    # globs that may name them
    "rm -rf ~/.*",
    "rm -rf ~/.k*",
    "chmod 000 ~/.c*",
    "rm -f .claude/settings*",
    "rm -rf /var/lib/k*",
    "sed -i s/deny/allow/ /etc/keyturn/*.yaml",
    "cp -rT /tmp/home ~",
    "tar -xf /tmp/etc.tar -C /etc",
    "tar -xf /tmp/state.tar -C /var/lib",
    "tar -xf /tmp/root.tar -C /",
]


@pytest.mark.parametrize("command", DENIED_COMMANDS)
def test_shell_forms_are_denied(policy: Policy, command: str) -> None:
    verdict, rules = _judge(policy, _shell(command))
    assert verdict is Verdict.DENY, command
    assert SELF_PROTECTION_RULE in rules, (command, rules)


@pytest.mark.parametrize(
    "command",
    [
        "cat keyturn.yaml",
        "cat ~/.claude/settings.json",
        "echo $KEYTURN_POLICY",
        "grep -r deny keyturn.yaml",
        # .claude/commands/*.md is asked now (runs_later: a command's frontmatter may carry
        # hooks); the rest of .claude stays the project's own
        "mkdir -p .claude/notes && echo hi > .claude/notes/hi.md",
        "unset AWS_PROFILE",
        "export PATH=$PATH:/opt/bin",
        "tar -xzf /tmp/deps.tgz -C vendor",
        "rm -f *.json",
        "rm -f .claude/commands/*.md",
        "rm -rf build/*.o",
        "rsync -a build/ /srv/www/",
    ],
)
def test_reads_and_other_files_stay_allowed(policy: Policy, command: str) -> None:
    verdict, rules = _judge(policy, _shell(command))
    assert verdict is Verdict.ALLOW, (command, rules)


@pytest.fixture(scope="module")
def private_policy() -> Policy:
    """The state directories passed as private, as ``load_policy_file`` passes them."""
    return load_policy(
        PERMISSIVE,
        source=POLICY_PATH,
        guarded_paths=(POLICY_PATH, STATE),
        private_paths=(STATE, f"{HOME}/.keyturn"),
    )


@pytest.mark.parametrize(
    "command",
    [
        # a content search, archive or copy of a tree that holds a state directory reads the
        # secrets in it with the rest
        "grep -r BEGIN ~",
        "grep -R BEGIN /",
        "grep --recurs BEGIN /home",
        "grep -d recurse BEGIN /var/lib",
        "egrep -rl KEY /var",
        "cd ~ && grep -r BEGIN",
        "rg BEGIN ~",
        "rg --hidden -g 'session-*' . /var/lib",
        "cd / && rg BEGIN",
        "ag BEGIN /home/dev",
        "diff -r ~ /tmp/empty",
        "tar czf - ~ | base64",
        "tar -cf /tmp/all.tar /var/lib",
        "zip -r /tmp/h.zip /home/dev",
        "cp -r ~ /tmp/h",
        "cp -a /var/lib /tmp/lib",
    ],
)
def test_reading_a_tree_that_holds_the_state_directory_is_denied(
    private_policy: Policy, command: str
) -> None:
    verdict, rules = _judge(private_policy, _shell(command))
    assert verdict is Verdict.DENY, command
    assert SELF_PROTECTION_RULE in rules, (command, rules)


@pytest.mark.parametrize(
    "command",
    [
        "grep -rn TODO .",
        "grep -r TODO src",
        "rg TODO",
        "rg TODO /var/log",
        "grep -r BEGIN /var/lib/other",
        "tar --no-recursion -cf /tmp/x.tar ~",
        "zip /tmp/h.zip ~/notes.txt",
        "cp -r src /tmp/src",
        "diff -r a b",
        "ls | rg foo",
    ],
)
def test_reading_other_trees_stays_allowed(private_policy: Policy, command: str) -> None:
    verdict, rules = _judge(private_policy, _shell(command))
    assert verdict is Verdict.ALLOW, (command, rules)


def test_python_writing_the_policy_is_not_allowed(policy: Policy) -> None:
    # Interpreters are not understood: at least ask (here: the permissive policy still asks).
    verdict, _ = _judge(policy, _shell('python -c \'open("keyturn.yaml","w").write("")\''))
    assert verdict is not Verdict.ALLOW


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("write_file", {"path": "/home/dev/.keyturn/keyturn.yaml", "content": "default: allow"}),
        ("write_file", {"path": "/etc/keyturn/policy.yaml", "content": "default: allow"}),
        ("write_file", {"path": ".claude/settings.local.json", "content": "{}"}),
        ("edit_file", {"path": "keyturn.yaml", "edits": [{"oldText": "deny", "newText": "allow"}]}),
        ("edit_file", {"path": "/home/dev/.gemini/settings.json", "edits": []}),
        ("move_file", {"source": ".codex/hooks.json", "destination": "/tmp/hooks.json"}),
        ("move_file", {"source": "/tmp/x.yaml", "destination": "/var/lib/keyturn/keyturn.db"}),
    ],
)
def test_mcp_filesystem_tools_are_denied(
    policy: Policy, tool: str, arguments: dict[str, Any]
) -> None:
    action = understand_mcp("filesystem", tool, arguments, cwd=CWD, home=HOME)
    verdict, rules = _judge(policy, action)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (tool, arguments, rules)


hooks = pytest.importorskip("keyturn.integrations.hooks.claude_code")


@pytest.mark.parametrize(
    ("tool", "tool_input"),
    [
        ("Write", {"file_path": "/home/dev/repo/.claude/settings.json", "content": "{}"}),
        ("Write", {"file_path": "/home/dev/.keyturn/keyturn.yaml", "content": "default: allow"}),
        (
            "Edit",
            {"file_path": "/etc/keyturn/policy.yaml", "old_string": "deny", "new_string": "allow"},
        ),
        ("Bash", {"command": "unset KEYTURN_POLICY && git push"}),
    ],
)
def test_claude_code_tool_calls_are_denied(
    policy: Policy, tool: str, tool_input: dict[str, Any]
) -> None:
    from keyturn.integrations.hooks.events import action_for_call

    event = {
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "cwd": CWD,
        "session_id": "s1",
    }
    call = hooks.read_claude_style(event, agent="claude-code", home=HOME, events=("PreToolUse",))
    verdict, rules = _judge(policy, action_for_call(call, env={}))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, (tool, rules)


def test_allow_rules_cannot_loosen_it() -> None:
    text = PERMISSIVE + "    allow_more: []\n"
    with pytest.raises(PolicyError):
        load_policy(text)  # no such key: there is no allow-list for keyturn's own files
    explicit = PERMISSIVE.replace(
        "      - effect: [read, create, update, delete, replace]",
        '      - effect: [read, create, update, delete, replace]\n        resource: "file:*"',
    )
    verdict, rules = _judge(load_policy(explicit), _shell("rm -rf ~/.keyturn"))
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules


def test_opt_out_is_explicit_and_warns_on_every_load(caplog: pytest.LogCaptureFixture) -> None:
    text = PERMISSIVE + "settings:\n  unsafe_allow_self_modification: true\n"
    with caplog.at_level(logging.WARNING, logger="keyturn.policy"):
        first = load_policy(text)
        load_policy(text)
    warnings = [r for r in caplog.records if "unsafe_allow_self_modification" in r.message]
    assert len(warnings) == 2
    assert first.warnings and "unsafe" in first.warnings[0]
    verdict, _ = _judge(first, _shell("rm -rf ~/.keyturn"))
    assert verdict is Verdict.ALLOW
    assert first.digest != load_policy(PERMISSIVE).digest  # the opt-out is part of the digest


def test_opt_out_must_be_a_boolean() -> None:
    with pytest.raises(PolicyError, match="unsafe_allow_self_modification"):
        load_policy(PERMISSIVE + "settings:\n  unsafe_allow_self_modification: yes please\n")


def test_policy_file_guards_itself_and_the_state_given(tmp_path: Path) -> None:
    path = tmp_path / "custom-name.yml"
    path.write_text(PERMISSIVE, encoding="utf-8")
    loaded = load_policy_file(path, guarded_paths=(tmp_path / "state",))
    for command in (f"rm {path}", f"rm -rf {tmp_path}/state", f"echo x > {tmp_path}/state/db"):
        verdict, rules = _judge(loaded, understand_shell(command, cwd=str(tmp_path)))
        assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, command
    verdict, _ = _judge(loaded, understand_shell(f"echo x > {tmp_path}/other", cwd="/"))
    assert verdict is Verdict.ALLOW
    # the state given is private too: read neither whole, nor by a glob, nor file by file;
    # the policy file itself may be read
    for command in (f"ls {tmp_path}/state", f"cat {tmp_path}/state/*", f"cat {tmp_path}/st*/db"):
        verdict, rules = _judge(loaded, understand_shell(command, cwd=str(tmp_path)))
        assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules, command
    verdict, _ = _judge(loaded, understand_shell(f"cat {path}", cwd="/"))
    assert verdict is Verdict.ALLOW


def test_windows_state_path_is_guarded() -> None:
    loaded = load_policy(PERMISSIVE, guarded_paths=("C:\\ProgramData\\keyturn",))
    action = understand_mcp(
        "filesystem", "write_file", {"path": "C:\\ProgramData\\keyturn\\keyturn.db", "content": ""}
    )
    verdict, rules = _judge(loaded, action)
    assert verdict is Verdict.DENY and SELF_PROTECTION_RULE in rules


def test_existing_policy_digests_do_not_change() -> None:
    # The opt-out only enters the canonical form when set: approvals bound to old digests hold.
    canonical = load_policy(PERMISSIVE).document.canonical()
    assert "unsafe_allow_self_modification" not in canonical["settings"]
