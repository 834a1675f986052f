"""A protected resource's ``prevent_destroy`` switched off through its Terraform file, in the
spellings that came out looser than a plain edit to ``false`` (red-team findings, hooks):

1. the line commented out (``#``, ``//``, ``/* */``), by every file tool: the text still holds
   ``prevent_destroy = true``, but Terraform no longer reads it;
2. an edit whose old text is not in the file as written (Gemini CLI's ``replace`` then matches
   line-trimmed, by regular expression, or has a model fix the edit): never "no change";
3. a Codex patch whose context differs from the file in a dash, a quote or a space only (Codex's
   last ``seek_sequence`` pass makes them ASCII);
4. the agent's shell: ``sed -i``, redirects, ``cp /dev/null``, ``truncate``, ``rm``, ``mv``;
5. file-tool texts of the wrong type: bad input, not judged as their ``str()``.

Calls are read by the agent's protocol module, understood with the files on disk and judged
under the BRIEF policy with the unknown environment ``dev``: what only updates a file is
allowed, so a ``deny`` is the protection rule's.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.errors import InputError
from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Actor
from keyturn.policy import Policy, load_policy
from keyturn.understand._mcp_files import protected_addresses
from keyturn.understand.shell import understand_powershell, understand_shell

ALLOW, DENY = "allow", "deny"
ADDRESS = "aws_db_instance.main"
# As in the red team's fixture: the identifier's hyphen is U+2011, not ASCII.
MAIN_TF = (
    'resource "aws_db_instance" "main" {\n'
    '  identifier = "prod\u2011db"\n'
    "  lifecycle {\n"
    "    prevent_destroy = true\n"
    "  }\n"
    "}\n"
)
EVENTS = {
    "claude-code": "PreToolUse",
    "codex": "PreToolUse",
    "gemini": "BeforeTool",
    "kiro": "preToolUse",
    "cursor": "preToolUse",
}


class World:
    """A project holding ``main.tf`` (``aws_db_instance.main`` protected) in ``tmp_path``."""

    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        self.project = self.home / "project"
        self.project.mkdir(parents=True)
        self.main = self.project / "main.tf"
        self.main.write_text(MAIN_TF)
        text = BRIEF_POLICY.replace("unknown_environment: production", "unknown_environment: dev")
        assert "unknown_environment: dev" in text
        self.policy: Policy = load_policy(text)

    def event(self, agent: str, tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "session_id": "s-files",
            "cwd": str(self.project),
            "hook_event_name": EVENTS[agent],
            "tool_name": tool,
            "tool_input": tool_input,
        }
        if agent == "cursor":  # Cursor names its directory with workspace_roots
            fields = {**fields, "conversation_id": "c-1", "workspace_roots": [str(self.project)]}
            del fields["session_id"], fields["cwd"]
        return fields

    def action(self, agent: str, tool: str, tool_input: dict[str, Any]) -> Action:
        payload = self.event(agent, tool, tool_input)
        call = importlib.import_module(AGENTS[agent]).PROTOCOL.read(payload, home=str(self.home))
        return action_for_call(call, env={"HOME": str(self.home)}, files=LocalFiles())

    def judge(self, agent: str, tool: str, tool_input: dict[str, Any]) -> str:
        action = self.action(agent, tool, tool_input)
        decision = self.policy.judge(action, actor=Actor(agent=agent, operator="olivia"))
        return decision.decision.value

    def shell(self, command: str) -> str:
        return self.judge("claude-code", "Bash", {"command": command})


@pytest.fixture()
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def removes(action: Action) -> bool:
    """Whether an effect of ``action`` names the address and switches its protection off."""
    return any(e.removes_protection and ADDRESS in e.resource.names for e in action.effects)


def patch(*body: str) -> dict[str, str]:
    return {"command": "\n".join(("*** Begin Patch", *body, "*** End Patch")) + "\n"}


# -- 1. commented out: HCL's comments, strings and heredocs are not code -------------------

COMMENTED = [
    "    # prevent_destroy = true",
    "    // prevent_destroy = true",
    "    /* prevent_destroy = true */",
    "    prevent_destroy = false # was prevent_destroy = true",
    '    note = "prevent_destroy = true"',
    "    note = <<EOT\n    prevent_destroy = true\n    EOT",
]


@pytest.mark.parametrize("new", COMMENTED)
def test_claude_edit_commenting_the_protection_out_is_denied(world: World, new: str) -> None:
    old = "    prevent_destroy = true"
    args = {"file_path": str(world.main), "old_string": old, "new_string": new}
    assert removes(world.action("claude-code", "Edit", args))
    assert world.judge("claude-code", "Edit", args) == DENY
    # A comment added beside the line keeps the protection: an update.
    kept = {**args, "new_string": f"    # reviewed\n{old}"}
    assert world.judge("claude-code", "Edit", kept) == ALLOW


def test_claude_write_with_the_line_commented_out_is_denied(world: World) -> None:
    content = MAIN_TF.replace("    prevent_destroy", "    # prevent_destroy")
    args = {"file_path": str(world.main), "content": content}
    assert world.judge("claude-code", "Write", args) == DENY


def test_kiro_str_replace_into_a_block_comment_is_denied(world: World) -> None:
    args = {
        "command": "str_replace",
        "path": str(world.main),
        "old_str": "    prevent_destroy = true",
        "new_str": "    /* prevent_destroy = true */",
    }
    assert world.judge("kiro", "fs_write", args) == DENY


def test_codex_patch_commenting_the_protection_out_is_denied(world: World) -> None:
    body = (
        "*** Update File: main.tf",
        "-    prevent_destroy = true",
        "+    // prevent_destroy = true",
    )
    assert world.judge("codex", "apply_patch", patch(*body)) == DENY


def test_mcp_edit_file_commenting_the_protection_out_is_denied(world: World) -> None:
    edit = {"oldText": "prevent_destroy = true", "newText": "# prevent_destroy = true"}
    args = {"path": str(world.main), "edits": [edit]}
    assert world.judge("claude-code", "mcp__filesystem__edit_file", args) == DENY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # labels written as identifiers
        ("resource a b {\n  lifecycle {\n    prevent_destroy = (true)\n  }\n}\n", {"a.b"}),
        # in a string whose interpolation holds a brace and a quote
        ('resource "a" "b" {\n  x = "${"}"} prevent_destroy = true {"\n}\n', set()),
        # in a heredoc (its marker indented, <<-), the real block in the resource after it
        (
            'resource "a" "b" {\n  x = <<-EOT\n'
            "  lifecycle {\n  prevent_destroy = true\n  }\n  EOT\n}\n"
            'resource "c" "d" { lifecycle { prevent_destroy = true } }\n',
            {"c.d"},
        ),
        # not in a lifecycle block, not a resource at the top level
        ('resource "a" "b" {\n  tags = {\n    prevent_destroy = true\n  }\n}\n', set()),
        (
            'module "m" {\n  resource "a" "b" {\n'
            "    lifecycle { prevent_destroy = true }\n  }\n}\n",
            set(),
        ),
        # Go trims no \x1c: the heredoc does not end on that line, in Terraform or here
        (
            'resource "a" "b" {\n  x = <<EOT\n\x1cEOT\n'
            "  lifecycle {\n    prevent_destroy = true\n  }\n"
            "EOT\n}\n",
            set(),
        ),
    ],
)
def test_protected_addresses_read_as_terraform_reads_them(text: str, expected: set[str]) -> None:
    assert protected_addresses(text) == expected


@pytest.mark.parametrize(
    "content",
    [
        MAIN_TF + "/* unterminated",
        MAIN_TF + "}\n",
        MAIN_TF.replace("prevent_destroy = true", 'prevent_destroy = true\n x = "open'),
    ],
)
def test_a_new_text_that_does_not_read_drops_the_protection(world: World, content: str) -> None:
    args = {"file_path": str(world.main), "content": content}
    assert world.judge("claude-code", "Write", args) == DENY


def test_json_configuration_files_are_read_as_json(world: World) -> None:
    path = world.project / "db.tf.json"
    body = {"resource": {"aws_db_instance": {"main": {"lifecycle": {"prevent_destroy": True}}}}}
    path.write_text(json.dumps(body))
    lower = json.dumps(body).replace("true", "false")
    assert world.judge("claude-code", "Write", {"file_path": str(path), "content": lower}) == DENY
    gone = json.dumps({"//": "prevent_destroy: true"})
    assert world.judge("claude-code", "Write", {"file_path": str(path), "content": gone}) == DENY
    same = json.dumps(body, indent=2)
    assert world.judge("claude-code", "Write", {"file_path": str(path), "content": same}) == ALLOW


def test_an_expression_is_judged_by_whether_it_changed(world: World) -> None:
    world.main.write_text(MAIN_TF.replace("= true", "= !false"))
    args = {"file_path": str(world.main), "old_string": "!false", "new_string": "!true"}
    assert world.judge("claude-code", "Edit", args) == DENY
    args = {
        "file_path": str(world.main),
        "old_string": "  lifecycle {",
        "new_string": "  lifecycle { # x",
    }
    assert world.judge("claude-code", "Edit", args) == ALLOW


# -- 2. an old text not found as written: the edit is not "no change" ----------------------


@pytest.mark.parametrize(
    "tool_input",
    [
        # Gemini's line-trimmed (flexible) match
        {
            "old_string": "lifecycle {\nprevent_destroy = true\n}",
            "new_string": "lifecycle {\n  prevent_destroy = false\n}",
        },
        # Gemini's regular-expression match (tokens joined with \s*)
        {"old_string": "prevent_destroy=true", "new_string": "prevent_destroy=false"},
        # nothing matches: Gemini has a model fix the edit, which may rewrite anything
        {"old_string": "prevent_destroy is on", "new_string": "prevent_destroy is off"},
    ],
)
def test_gemini_replace_not_matching_as_written_is_denied(
    world: World, tool_input: dict[str, str]
) -> None:
    args = {"file_path": str(world.main), "instruction": "x", **tool_input}
    assert removes(world.action("gemini", "replace", args))
    assert world.judge("gemini", "replace", args) == DENY


def test_gemini_replace_of_one_of_two_occurrences_is_denied(world: World) -> None:
    """Two occurrences where one is expected fail Gemini's count: a model then fixes the edit."""
    world.main.write_text("# keeps prevent_destroy = true\n" + MAIN_TF)
    args = {"file_path": str(world.main), "old_string": "prevent_destroy = true",
            "new_string": "prevent_destroy = false", "instruction": "x"}  # fmt: skip
    assert world.judge("gemini", "replace", args) == DENY
    # The one comment edited exactly, found once: an update.
    once = {**args, "old_string": "# keeps prevent_destroy", "new_string": "# keeps its"}
    assert world.judge("gemini", "replace", once) == ALLOW


def test_claude_edit_not_found_in_a_protected_file_is_denied(world: World) -> None:
    args = {"file_path": str(world.main), "old_string": "not there", "new_string": "x"}
    assert removes(world.action("claude-code", "Edit", args))
    # The same edit of a Terraform file that protects nothing is an update.
    other = world.project / "net.tf"
    other.write_text('resource "aws_vpc" "main" {}\n')
    assert world.judge("claude-code", "Edit", {**args, "file_path": str(other)}) == ALLOW


# -- 3. Codex's last seek pass: typographic punctuation compared as ASCII -----------------


def test_codex_patch_with_an_ascii_dash_in_its_context_is_applied(world: World) -> None:
    """Found as Codex finds it (U+2011 compared as ``-``), the patch is judged on what it
    leaves: protection dropped is denied, protection kept is an update."""
    body = ("*** Update File: main.tf", '   identifier = "prod-db"', "   lifecycle {",
            "-    prevent_destroy = true", "+    prevent_destroy = false", "   }")  # fmt: skip
    assert world.judge("codex", "apply_patch", patch(*body)) == DENY
    kept = ("*** Update File: main.tf", '-  identifier = "prod-db"', '+  identifier = "prod-db-2"',
            "   lifecycle {")  # fmt: skip
    assert not removes(world.action("codex", "apply_patch", patch(*kept)))
    assert world.judge("codex", "apply_patch", patch(*kept)) == ALLOW


def test_codex_patch_not_applying_to_a_protected_file_is_denied(world: World) -> None:
    body = ("*** Update File: main.tf", '-  engine = "postgres"', '+  engine = "mysql"')
    assert removes(world.action("codex", "apply_patch", patch(*body)))


# -- 4. the agent's shell ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kept", "dropped"),
    [
        ("cat main.tf", "sed -i 's/prevent_destroy = true/prevent_destroy = false/' main.tf"),
        ("echo '# reviewed' >> main.tf", "echo '/*' >> main.tf"),
        (
            f"cat > main.tf <<'EOF'\n{MAIN_TF}EOF",
            'printf \'resource "aws_db_instance" "main" {}\\n\' > main.tf',
        ),
        ("terraform fmt main.tf", "sed -i 's/^ *prevent_destroy/# &/' main.tf"),
        ("chmod 644 main.tf", "truncate -s 0 main.tf"),
        ("sed -i s/a/b/ README.md", "cp /dev/null main.tf"),
    ],
)
def test_shell_is_judged_on_what_the_command_leaves(world: World, kept: str, dropped: str) -> None:
    assert world.shell(kept) == ALLOW
    assert removes(world.action("claude-code", "Bash", {"command": dropped}))
    assert world.shell(dropped) == DENY


@pytest.mark.parametrize(
    "command",
    [
        "rm main.tf",
        "mv main.tf main.tf.bak",
        "git checkout -- main.tf",
        "bash -c 'rm -f ./main.tf'",
    ],
)
def test_shell_removals_of_the_protection_are_denied(world: World, command: str) -> None:
    assert removes(world.action("claude-code", "Bash", {"command": command}))
    assert world.shell(command) == DENY


def test_shell_writes_of_json_and_tofu_files_are_judged_alike(world: World) -> None:
    (world.project / "db.tofu").write_text(MAIN_TF)
    body = {"resource": {"aws_db_instance": {"main": {"lifecycle": {"prevent_destroy": True}}}}}
    (world.project / "db.tf.json").write_text(json.dumps(body))
    assert world.shell("sed -i s/true/false/ db.tofu") == DENY
    assert world.shell("sed -i s/true/false/ db.tf.json") == DENY


def test_powershell_writes_are_judged_alike(world: World) -> None:
    files = LocalFiles()
    for script in ("Remove-Item main.tf", "Set-Content -Path main.tf -Value ''"):
        action = understand_powershell(script, cwd=str(world.project), files=files)
        assert removes(action), script


def test_a_line_that_writes_protection_then_removes_it_is_judged(world: World) -> None:
    new = world.project / "db.tf"
    line = f"cat > db.tf <<'EOF'\n{MAIN_TF}EOF\nsed -i s/true/false/ db.tf"
    action = understand_shell(line, cwd=str(world.project), files=LocalFiles())
    assert not new.exists()
    assert removes(action)


# -- 5. file-tool texts of the wrong type are bad input ---------------------------------------


@pytest.mark.parametrize(
    ("agent", "tool", "tool_input"),
    [
        ("claude-code", "Edit", {"old_string": 1, "new_string": "x"}),
        ("claude-code", "Edit", {"old_string": "x", "new_string": float("nan")}),
        ("claude-code", "MultiEdit", {"edits": [{"old_string": ["x"], "new_string": "y"}]}),
        ("claude-code", "MultiEdit", {"edits": "old_string"}),
        ("claude-code", "Write", {"content": {"a": 1}}),
        ("gemini", "replace", {"old_string": 1, "new_string": "x", "instruction": "x"}),
        ("gemini", "write_file", {"content": 7}),
        ("cursor", "Edit", {"old_string": True, "new_string": "x"}),
        ("cursor", "MultiEdit", {"edits": [{"old_string": "x", "new_string": 2}]}),
        ("cursor", "Write", {"contents": 3}),
    ],
)
def test_wrong_typed_file_tool_texts_are_bad_input(
    world: World, agent: str, tool: str, tool_input: dict[str, Any]
) -> None:
    payload = world.event(agent, tool, {"file_path": str(world.main), **tool_input})
    with pytest.raises(InputError, match=r"expected a (string|list of objects)"):
        importlib.import_module(AGENTS[agent]).PROTOCOL.read(payload, home=str(world.home))


def test_kiro_wrong_typed_replacement_is_bad_input(world: World) -> None:
    args = {"command": "str_replace", "path": str(world.main), "old_str": 1, "new_str": "x"}
    with pytest.raises(InputError, match="expected a string"):
        world.action("kiro", "fs_write", args)


def test_the_hook_refuses_wrong_typed_edit_with_exit_2(world: World, tmp_path: Path) -> None:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(BRIEF_POLICY)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYTURN_", "AWS_"))}
    env.update(KEYTURN_POLICY=str(policy), KEYTURN_HOME=str(tmp_path / "state"),
               HOME=str(world.home), USER="olivia", KEYTURN_HOOK_DAEMON="off")  # fmt: skip
    data = json.dumps(world.event("claude-code", "Edit", {"file_path": str(world.main)}))
    data = data.replace('"file_path"', '"old_string": 1, "new_string": NaN, "file_path"')
    keyturn = str(Path(sys.executable).with_name("keyturn"))
    done = subprocess.run(
        [keyturn, "hook", "claude-code"], input=data.encode(), capture_output=True, env=env,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        "keyturn: refused (claude-code event: tool_input.old_string: expected a string)"
    ]
