"""Claude Code skills and custom commands judged by the commands their files run, Codex's
``apply_patch`` sent through its shell tool, and Claude Code's MCP resource reads.

What these rely on, and how it was confirmed:

- Claude Code runs a skill's or command's `` !`cmd` `` lines and `` ```! `` blocks with the Bash
  tool, without prompting, before Claude sees the text (code.claude.com/docs/en/skills, mirror
  ``zhalice2011/claude-code-docs`` ``docs/skills.md``: "Inject dynamic context", "Permission
  checks on injected commands", "Where skills live", "How a skill gets its command name",
  "Available string substitutions"); the patterns it finds them with,
  ``/```!\\s*\\n?([\\s\\S]*?)\\n?```/g`` and ``/(?<=^|\\s)!`([^`]+)`/gm`` over the text with
  inline code spans blanked, and the ``Skill`` input ``{skill, args?}``, were read from the
  ``@anthropic-ai/claude-code-linux-x64`` 2.1.332 binary (npm, under /tmp);
- Codex applies ``["apply_patch", PATCH]`` and a ``bash -lc`` script whose one statement is
  ``[cd DIR &&] apply_patch <<'EOF' … EOF`` itself (``codex-rs/apply-patch/src/invocation.rs``
  ``maybe_parse_apply_patch``, read);
- ``ReadMcpResourceTool``/``ReadMcpResourceDirTool`` take ``{server, uri}`` and
  ``ListMcpResourcesTool`` ``{server?}`` (``sdk-tools.d.ts`` of the same package), and MCP's
  ``resources/read``/``resources/list`` only read.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import BRIEF_POLICY
from tests.integrations.test_hook_tools_current import action, event, kinds

from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.runner import answer_event
from keyturn.integrations.hooks.settle import HookOptions
from keyturn.model import Action, EffectKind


def names(done: Action) -> list[str]:
    return [n for e in done.effects for n in e.resource.names]


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    """A home and a project (``repo/app``: the session runs in ``app``)."""
    home, repo = tmp_path / "home", tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    home.mkdir()
    return home, repo


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def skill(
    places: tuple[Path, Path], tool_input: dict[str, Any], tool: str = "Skill", **env: str
) -> Action:
    home, repo = places
    return action("claude-code", tool, tool_input, cwd=str(repo / "app"), home=str(home), env=env)


WIPE = "---\ndescription: wipe\nallowed-tools: Bash(rm *)\n---\nClean: !`rm -rf /srv/data`\n"


# -- Claude Code skills and custom commands ------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("repo/.claude/commands/wipe.md", "wipe"),  # a command file, in a directory above
        ("repo/app/.claude/skills/wipe/SKILL.md", "wipe"),  # a project skill
        ("home/.claude/skills/wipe/SKILL.md", "/wipe"),  # a personal skill, typed with "/"
        ("home/.claude/skills/cleaner/SKILL.md", "wipe"),  # named by its frontmatter
        ("repo/.claude/commands/ops/wipe.md", "ops:wipe"),  # a command in a subfolder
    ],
)
def test_skill_is_judged_by_the_commands_its_file_runs(
    places: tuple[Path, Path], where: str, name: str
) -> None:
    """A ``Skill`` call runs its file's `` !`rm -rf /srv/data` `` with no prompt: a delete of
    ``/srv/data``, not the agent's bookkeeping, wherever Claude Code finds the file (project
    directories up from the session's, the home, ``commands/ops/wipe.md`` as ``ops:wipe``, a
    skill directory whose ``name:`` is the name)."""
    text = WIPE.replace("---\ndesc", "---\nname: wipe\ndesc") if "cleaner" in where else WIPE
    write(places[0].parent / where, text)
    done = skill(places, {"skill": name})
    assert kinds(done) == [EffectKind.DELETE], done.effects
    assert "file:/srv/data" in names(done)


def test_fenced_blocks_and_the_old_slash_command_tool(places: tuple[Path, Path]) -> None:
    """A `` ```! `` block runs each of its lines; ``SlashCommand`` (``/name args``) loads the
    same files as ``Skill``."""
    block = "---\ndescription: d\n---\n```!\ngit status --short\nrm -rf /srv/cache\n```\n"
    write(places[1] / ".claude/commands/tidy.md", block)
    done = skill(places, {"command": "/tidy now"}, tool="SlashCommand")
    assert EffectKind.DELETE in kinds(done) and "file:/srv/cache" in names(done)


def test_arguments_go_into_the_commands_as_typed(places: tuple[Path, Path]) -> None:
    """``$ARGUMENTS`` and ``$0`` are replaced by the arguments as typed, not quoted for the
    shell (the binary's own import warning: "Claude Code's ``$ARGUMENTS`` substitution doesn't
    [shell-escape]"), so the agent's ``args`` are part of the command line judged; and
    ``${CLAUDE_SKILL_DIR}`` is the skill's folder."""
    text = "---\ndescription: d\n---\n- log: !`git log $ARGUMENTS`\n- !`cat $0`\n"
    write(places[1] / ".claude/skills/log/SKILL.md", text)
    done = skill(places, {"skill": "log", "args": "; rm -rf /srv/data"})
    assert EffectKind.DELETE in kinds(done) and "file:/srv/data" in names(done)
    dir_text = "---\ndescription: d\n---\n!`rm -rf ${CLAUDE_SKILL_DIR}/cache`\n"
    write(places[1] / ".claude/skills/own/SKILL.md", dir_text)
    own = skill(places, {"skill": "own"})
    assert f"file:{places[1]}/.claude/skills/own/cache" in names(own), own.effects


def test_arguments_claude_code_may_escape_are_not_guessed(places: tuple[Path, Path]) -> None:
    """An argument holding ``!`` or a backtick going into a command: Claude Code may escape it
    first, so the line run is not known -- ``unknown``."""
    write(places[1] / ".claude/skills/log/SKILL.md", "!`git log $ARGUMENTS`\n")
    assert kinds(skill(places, {"skill": "log", "args": "`id`"})) == [EffectKind.UNKNOWN]


def test_skill_not_found_is_unknown(places: tuple[Path, Path]) -> None:
    """A skill keyturn cannot find (a plugin's, one loaded after the session started) is
    ``unknown``: Claude Code would find it, and what it runs is not known. A name that climbs
    out of the skill folders is no skill."""
    for name in ("deploy", "my-plugin:deploy", "../../etc/x", ""):
        assert kinds(skill(places, {"skill": name})) == [EffectKind.UNKNOWN], name
    assert kinds(skill(places, {"skill": 5})) == [EffectKind.UNKNOWN]


def test_powershell_skill_is_unknown(places: tuple[Path, Path]) -> None:
    """``shell: powershell`` runs the commands with PowerShell when that tool is on, bash
    otherwise: which line runs is not known here."""
    text = "---\nshell: powershell\n---\n!`Remove-Item -Recurse C:/data`\n"
    write(places[1] / ".claude/skills/ps/SKILL.md", text)
    assert kinds(skill(places, {"skill": "ps"})) == [EffectKind.UNKNOWN]


@pytest.mark.parametrize(
    ("where", "name", "text"),
    [
        ("repo/.claude/skills/style/SKILL.md", "style", "---\nname: style\n---\nUse `!x`.\n"),
        ("repo/.claude/skills/env/SKILL.md", "env", "Set KEY=!`rm -rf /srv/data` then.\n"),
        ("repo/.claude/skills/doc/SKILL.md", "doc", "Write `a !`rm -rf /srv/data` b`.\n"),
        ("home/.claude/skills/synced/pdf/SKILL.md", "pdf", WIPE),
        ("home/.claude/skills/x/SKILL.md", "anthropic-skills:pdf", WIPE),
        ("home/.claude/skills/x/SKILL.md", "init", "no file named init"),
    ],
)
def test_skills_that_run_nothing_stay_bookkeeping(
    places: tuple[Path, Path], where: str, name: str, text: str
) -> None:
    """False-alarm guard: a skill that runs no command is the agent's own bookkeeping -- text
    with no command pattern, a ``!`` after another character (``KEY=!`…` `` stays text), one
    inside an inline code span (blanked first), a skill synced from claude.ai (Claude Code
    never runs their commands on the machine, v2.1.228 and later), and a bundled skill with no
    file of its name."""
    write(places[0].parent / where, text)
    done = skill(places, {"skill": name})
    assert kinds(done) == [EffectKind.READ], done.effects
    assert names(done) == ["agent:claude-code/Skill"]


# -- Codex: apply_patch through the shell tool ---------------------------------------------------

DELETE = "*** Begin Patch\n*** Delete File: prod.tf\n*** End Patch"


@pytest.mark.parametrize(
    ("tool", "tool_input", "path"),
    [
        ("shell", {"command": ["apply_patch", DELETE]}, "/srv/infra/prod.tf"),
        ("shell", {"command": ["applypatch", DELETE]}, "/srv/infra/prod.tf"),
        (
            "shell",
            {"command": ["bash", "-lc", f"apply_patch <<'EOF'\n{DELETE}\nEOF\n"]},
            "/srv/infra/prod.tf",
        ),
        (
            "Bash",
            {"command": f"cd envs && apply_patch <<'EOF'\n{DELETE}\nEOF"},
            "/srv/infra/envs/prod.tf",
        ),
        ("Bash", {"command": f'apply_patch <<"PATCH"\n{DELETE}\nPATCH'}, "/srv/infra/prod.tf"),
        (
            "exec_command",
            {"cmd": f"apply_patch <<EOF\n{DELETE}\nEOF", "workdir": "a"},
            "/srv/infra/a/prod.tf",
        ),
    ],
)
def test_codex_shell_apply_patch_is_read_as_the_patch(
    tool: str, tool_input: dict[str, Any], path: str
) -> None:
    """Codex applies these itself, as its ``apply_patch`` tool would: the patch's deletion of
    ``prod.tf`` (under ``cd DIR`` and the call's ``workdir``) is a delete of that file."""
    done = action("codex", tool, tool_input)
    assert kinds(done) == [EffectKind.DELETE], done.effects
    assert names(done) == [f"file:{path}"]


@pytest.mark.parametrize(
    "command",
    [
        f"apply_patch <<'EOF'\n{DELETE}\nEOF\nrm -rf /srv/x",  # a second statement
        f"apply_patch <<EOF\n$(rm -rf /srv/x)\n{DELETE}\nEOF",  # the shell would expand it
        f"cd ~/envs && apply_patch <<'EOF'\n{DELETE}\nEOF",  # Codex joins "~" as a name
    ],
)
def test_codex_shell_lines_it_does_not_apply_itself_stay_shell(command: str) -> None:
    """Guard: a line that is not one of Codex's forms runs in a shell: judged as a shell line,
    its ``apply_patch`` program ``unknown`` (and the rest judged)."""
    done = action("codex", "Bash", {"command": command})
    assert EffectKind.UNKNOWN in kinds(done), done.effects
    assert "file:/srv/infra/prod.tf" not in names(done)


def test_codex_unreadable_shell_patch_is_unknown() -> None:
    """Guard: a patch with no file header stays ``unknown`` (Codex refuses it)."""
    assert kinds(action("codex", "shell", {"command": ["apply_patch", "garbage"]})) == [
        EffectKind.UNKNOWN
    ]


# -- Claude Code: MCP resources --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "tool_input", "name"),
    [
        (
            "ReadMcpResourceTool",
            {"server": "db", "uri": "db://prod/schema"},
            "mcp:db/resource/db://prod/schema",
        ),
        (
            "ReadMcpResourceDirTool",
            {"server": "fs", "uri": "file:///srv"},
            "mcp:fs/resource/file:///srv",
        ),
        ("ListMcpResourcesTool", {"server": "db"}, "mcp:db/resource/*"),
        ("ListMcpResourcesTool", {}, "mcp:*/resource/*"),
    ],
)
def test_mcp_resource_tools_are_reads(tool: str, tool_input: dict[str, Any], name: str) -> None:
    """Reading or listing MCP resources reads them: a ``read`` of ``mcp:SERVER/resource/URI``
    (``*`` for a list), not an ``unknown`` held for review."""
    done = action("claude-code", tool, tool_input)
    assert [(e.effect, e.resource.names) for e in done.effects] == [(EffectKind.READ, (name,))]


def test_mcp_resource_read_without_its_uri_is_unknown() -> None:
    """Guard: a read that names no resource is not understood."""
    done = action("claude-code", "ReadMcpResourceTool", {"server": "db"})
    assert kinds(done) == [EffectKind.UNKNOWN]


def test_mcp_resource_read_is_allowed_under_the_brief_policy(tmp_path: Path) -> None:
    """End to end through the hook: the brief's policy allows reads, so a resource read is
    answered ``allow`` (it was held as an unknown tool)."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(BRIEF_POLICY)
    env = {
        "HOME": str(tmp_path / "home"),
        "KEYTURN_HOME": str(tmp_path / "state"),
        "KEYTURN_POLICY": str(policy),
        "USER": "olivia",
    }
    data = event("claude-code", "ReadMcpResourceTool", {"server": "db", "uri": "db://x"}, cwd="/")
    protocol = importlib.import_module(AGENTS["claude-code"]).PROTOCOL
    reply = answer_event(
        protocol,
        HookOptions(policy_path="", agent="claude-code"),
        data=json.dumps(data).encode(),
        env=env,
        cwd="/",
    )
    decision = json.loads(reply.stdout)["hookSpecificOutput"]["permissionDecision"]
    assert decision == "allow", reply
