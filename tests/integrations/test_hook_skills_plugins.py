"""Claude Code plugin skills found where Claude Code keeps plugins, and Gemini CLI's shell commands
judged in the environment its shell tool gets.

What these rely on, and how it was confirmed:

- Claude Code copies installed plugins into ``<plugins>/cache/<marketplace>/<plugin>/<version>/``
  and lists them in ``<plugins>/installed_plugins.json`` (``installPath``), ``<plugins>`` being
  ``~/.claude/plugins`` unless ``$CLAUDE_CODE_PLUGIN_CACHE_DIR`` says otherwise; a plugin's
  skills are ``skills/<name>/SKILL.md``, its commands ``commands/<name>.md``, and its skills'
  `` !`…` `` commands run with ``${CLAUDE_PLUGIN_ROOT}`` written in as the plugin's folder
  (``@anthropic-ai/claude-code`` 2.1.337's bundled code, read from the npm package under /tmp;
  code.claude.com/docs/en/plugins-reference, mirror ``zhalice2011/claude-code-docs``);
- Gemini CLI's hook runner adds ``GEMINI_PROJECT_DIR``, ``GEMINI_CWD``, ``GEMINI_SESSION_ID``,
  ``GEMINI_PLANS_DIR`` and ``CLAUDE_PROJECT_DIR`` to the hook's environment only, and its shell
  tool adds ``GEMINI_CLI=1`` and, in current releases, hides the user's git settings
  (``GIT_CONFIG_GLOBAL=/dev/null``...) with more settings appended as ``GIT_CONFIG_COUNT`` pairs
  (``@google/gemini-cli`` 0.61.0's bundle, ``hookRunner`` and
  ``ShellExecutionService.prepareExecution``, read from the npm package under /tmp).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.test_hook_tools_current import action, kinds

from keyturn.integrations.hooks.shell_env import GEMINI, SHELL_ENV, shell_envs
from keyturn.model import Action, EffectKind

WIPE = "---\ndescription: wipe\n---\nClean: !`rm -rf /srv/data`\n"


def names(done: Action) -> list[str]:
    return [n for e in done.effects for n in e.resource.names]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def skill(home: Path, name: str, **env: str) -> Action:
    return action(
        "claude-code", "Skill", {"skill": name}, cwd="/srv/infra", home=str(home), env=env
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def cached(home: Path, version: str = "1.2.0") -> Path:
    """The folder of plugin ``deployer`` from marketplace ``tools``, as Claude Code caches it."""
    return home / ".claude/plugins/cache/tools/deployer" / version


# -- Claude Code: plugin skills -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("skills/ship/SKILL.md", "deployer:ship"),  # a plugin skill
        ("commands/ship.md", "deployer:ship"),  # a plugin command
        ("commands/ops/ship.md", "deployer:ops:ship"),  # a command in a subfolder
        ("skills/shipper/SKILL.md", "deployer:ship"),  # a skill folder named by its name:
    ],
)
def test_plugin_skill_in_the_cache_is_judged_by_its_commands(
    home: Path, where: str, name: str
) -> None:
    """A plugin's skill (``deployer:ship``) runs its file's `` !`rm -rf /srv/data` ``: found in
    the plugin cache, it is a delete of ``/srv/data`` (it was ``unknown``: never looked for)."""
    text = WIPE.replace("---\ndesc", "---\nname: ship\ndesc") if "shipper" in where else WIPE
    write(cached(home) / where, text)
    done = skill(home, name)
    assert kinds(done) == [EffectKind.DELETE], done.effects
    assert "file:/srv/data" in names(done)


def test_plugin_listed_in_installed_plugins_and_its_manifest_paths(
    home: Path, tmp_path: Path
) -> None:
    """A plugin installed elsewhere is found by ``installed_plugins.json``'s ``installPath``,
    and its manifest's ``skills`` folder is searched too."""
    root = tmp_path / "elsewhere/deployer"
    write(
        root / ".claude-plugin/plugin.json", json.dumps({"name": "deployer", "skills": "./extra"})
    )
    write(root / "extra/ship/SKILL.md", WIPE)
    listed = {"version": 2, "plugins": {"deployer@tools": [{"installPath": str(root)}]}}
    write(home / ".claude/plugins/installed_plugins.json", json.dumps(listed))
    done = skill(home, "deployer:ship")
    assert "file:/srv/data" in names(done) and kinds(done) == [EffectKind.DELETE], done.effects


def test_every_cached_version_is_judged(home: Path) -> None:
    """Two versions in the cache: Claude Code loads one, so both are judged -- the harmless
    one does not hide the delete in the other."""
    write(cached(home, "1.0.0") / "skills/ship/SKILL.md", "!`git status`\n")
    write(cached(home, "2.0.0") / "skills/ship/SKILL.md", WIPE)
    assert EffectKind.DELETE in kinds(skill(home, "deployer:ship"))


def test_plugin_root_is_the_plugins_folder_not_the_hooks(home: Path) -> None:
    """``${CLAUDE_PLUGIN_ROOT}`` is written in as the plugin's folder (Claude Code does so),
    whatever the hook's own variable says; ``${CLAUDE_PLUGIN_DATA}``, a folder not told here,
    is ``unknown`` rather than the hook's value."""
    write(cached(home) / "skills/ship/SKILL.md", "!`rm -rf ${CLAUDE_PLUGIN_ROOT}/cache`\n")
    done = skill(home, "deployer:ship", CLAUDE_PLUGIN_ROOT="/srv/other")
    assert names(done)[0] == f"file:{cached(home)}/cache", done.effects
    write(cached(home) / "skills/keep/SKILL.md", "!`rm -rf ${CLAUDE_PLUGIN_DATA}/x`\n")
    kept = skill(home, "deployer:keep", CLAUDE_PLUGIN_DATA="/srv/harmless")
    assert kinds(kept) == [EffectKind.UNKNOWN], kept.effects


def test_plugin_skill_that_runs_nothing_is_bookkeeping(home: Path) -> None:
    """A plugin skill with no command is the agent's bookkeeping (it was ``unknown``)."""
    write(cached(home) / "skills/guide/SKILL.md", "---\nname: guide\n---\nBe careful.\n")
    assert names(skill(home, "deployer:guide")) == ["agent:claude-code/Skill"]


@pytest.mark.parametrize(
    ("setup", "env"),
    [
        ("plugin-without-that-skill", {}),
        ("manifest-leaves-the-plugin", {}),
        ("manifest-of-another-shape", {}),
        ("broken-installed-list", {}),
        ("skill", {"CLAUDE_CODE_PLUGIN_USE_ZIP_CACHE": "1"}),
        ("skill", {"CLAUDE_CODE_PLUGIN_CACHE_DIR": "relative/plugins"}),
    ],
)
def test_plugin_skills_that_cannot_be_told_stay_unknown(
    home: Path, setup: str, env: dict[str, str]
) -> None:
    """False-alarm guard (fail closed): a plugin found without that skill, a manifest path
    leaving the plugin or of a shape not read, an ``installed_plugins.json`` that does not
    parse, a zipped cache or a relative cache folder: what the skill runs is not known."""
    root = cached(home)
    write(root / "skills/other/SKILL.md", WIPE)
    if setup == "skill":
        write(root / "skills/ship/SKILL.md", "!`git status`\n")
    if setup == "manifest-leaves-the-plugin":
        write(root / ".claude-plugin/plugin.json", json.dumps({"skills": ["../../../../x"]}))
    if setup == "manifest-of-another-shape":
        write(root / ".claude-plugin/plugin.json", json.dumps({"commands": {"ship": {}}}))
    if setup == "broken-installed-list":
        write(home / ".claude/plugins/installed_plugins.json", "{not json")
    done = skill(home, "deployer:ship", **env)
    assert kinds(done) == [EffectKind.UNKNOWN], done.effects


# -- Gemini CLI: the shell tool's environment ------------------------------------------------------


@pytest.mark.parametrize("variable", ["CLAUDE_PROJECT_DIR", "GEMINI_PROJECT_DIR", "GEMINI_CWD"])
def test_gemini_hook_only_variables_do_not_reach_its_shell(variable: str) -> None:
    """Gemini CLI sets ``$CLAUDE_PROJECT_DIR`` (and its own project variables) for the hook
    only: ``rm -rf $CLAUDE_PROJECT_DIR/build`` in its shell does not delete the project's
    ``build``, and what it deletes is not known -- ``unknown`` (it was judged a delete of
    ``/srv/infra/build``)."""
    env = {variable: "/srv/infra"}
    done = action("gemini", "run_shell_command", {"command": f"rm -rf ${variable}/build"}, env=env)
    assert kinds(done) == [EffectKind.UNKNOWN], done.effects
    assert "file:/srv/infra/build" not in names(done)


def test_claude_code_shell_keeps_the_hooks_environment() -> None:
    """False-alarm guard: Claude Code's Bash runs in the environment its hooks get, so there
    ``$CLAUDE_PROJECT_DIR`` is still read (unchanged behaviour)."""
    env = {"CLAUDE_PROJECT_DIR": "/srv/infra"}
    done = action("claude-code", "Bash", {"command": "rm -rf $CLAUDE_PROJECT_DIR/build"}, env=env)
    assert kinds(done) == [EffectKind.DELETE] and "file:/srv/infra/build" in names(done)


def test_gemini_shell_is_read_as_every_release_gives_it() -> None:
    """False-alarm guard: a ``run_shell_command`` is read as older releases run it (the hook's
    environment, less the hook's own variables, plus ``GEMINI_CLI=1``) and as current ones do
    (the user's and system's git settings hidden, Gemini's git settings appended after the ones
    already counted); an uncountable ``GIT_CONFIG_COUNT`` stays uncountable (``NaN``, as
    ``parseInt``)."""
    extra: dict[str, Any] = {SHELL_ENV: GEMINI}
    hook = {"HOME": "/h", "GEMINI_SESSION_ID": "s", "GIT_CONFIG_COUNT": "1"}
    older, current = shell_envs(extra, hook)
    assert older == {"HOME": "/h", "GIT_CONFIG_COUNT": "1", "GEMINI_CLI": "1"}
    assert current["GIT_CONFIG_GLOBAL"] == "/dev/null" and current["GIT_CONFIG_COUNT"] == "9"
    assert (current["GIT_CONFIG_KEY_3"], current["GIT_CONFIG_VALUE_3"]) == ("core.hooksPath", "")
    assert shell_envs(extra, {"GIT_CONFIG_COUNT": "x"})[1]["GIT_CONFIG_COUNT"] == "NaN"
    assert shell_envs({}, hook) == [hook]


# -- plugin skills: what a second reading found -------------------------------------------------


def test_a_relative_config_dir_leaves_the_plugin_unknown(home: Path) -> None:
    """``CLAUDE_CONFIG_DIR=cfg`` is read from Claude Code's own working directory, which the
    hook does not know: the harmless copy under ``~/.claude`` may not be the one it loads."""
    write(cached(home) / "skills/ship/SKILL.md", "!`git status`\n")
    done = skill(home, "deployer:ship", CLAUDE_CONFIG_DIR="cfg")
    assert kinds(done) == [EffectKind.UNKNOWN], done.effects


def test_a_root_skill_named_in_another_case_is_judged(home: Path) -> None:
    """A plugin whose root ``SKILL.md`` says ``name: Ship`` is the skill ``ship`` (names are
    compared without case, as for skill folders): its delete is not hidden by a harmless
    command of the same name."""
    write(cached(home) / "SKILL.md", WIPE.replace("---\ndesc", "---\nname: Ship\ndesc"))
    write(cached(home) / "commands/ship.md", "!`git status`\n")
    assert EffectKind.DELETE in kinds(skill(home, "deployer:ship"))


def test_a_skill_folder_listed_in_the_manifest_is_judged(home: Path) -> None:
    """``"skills": ["./extra/ship"]`` lists the skill's own folder (as anthropics/skills'
    marketplace does): its ``SKILL.md`` is read, not only the skills under it."""
    root = cached(home)
    write(root / ".claude-plugin/plugin.json", json.dumps({"skills": ["./extra/ship"]}))
    write(root / "extra/ship/SKILL.md", WIPE)
    write(root / "skills/ship/SKILL.md", "!`git status`\n")
    assert EffectKind.DELETE in kinds(skill(home, "deployer:ship"))


def test_a_deeply_nested_plugin_list_is_unknown_not_a_crash(home: Path) -> None:
    """The understanding raised ``RecursionError`` here (the hook's catch-all still refused);
    the list is now not valid JSON to keyturn, and the skill unknown."""
    write(home / ".claude/plugins/installed_plugins.json", "[" * 100_000 + "]" * 100_000)
    assert kinds(skill(home, "deployer:ship")) == [EffectKind.UNKNOWN]
