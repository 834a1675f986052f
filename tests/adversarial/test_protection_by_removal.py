"""A resource's ``prevent_destroy`` taken away by removing or shadowing its Terraform file, in
the spellings that came out looser than ``rm main.tf`` (red-team findings, shell and hooks):

1. many files at once: a glob (``rm *.tf``, ``rm **/*.tf``), a directory removed whole
   (``rm -rf .``, ``rm -r modules/``, ``mv modules /tmp/``, ``rsync --remove-source-files``),
   ``find -delete`` and ``find -exec rm {} +``. Rests on: bash expands an unquoted ``*``, ``?``,
   ``[…]`` before ``rm`` runs, and a quoted one is the file's own name (bash manual, Pathname
   Expansion; ``**`` spans folders in zsh and with bash's ``globstar``); find fills ``{}`` in
   itself and its ``-name`` tests before an action say which files reach it (GNU findutils
   manual); Terraform loads every ``.tf`` of the module's directory, and "this setting does not
   prevent the remote object from being destroyed if the resource block were removed from
   configuration entirely" (Terraform docs, lifecycle meta-argument ``prevent_destroy``).
2. an override file: Terraform merges ``override.tf``/``*_override.tf`` (and ``.tf.json``;
   OpenTofu's ``.tofu`` forms too) over the module's other files, and a ``prevent_destroy`` an
   override block sets replaces the original's (source read: hashicorp/terraform
   ``internal/configs/module_merge.go``, ``Resource.merge``: ``if or.Managed.PreventDestroySet``;
   ``parser_config_dir.go``: the name less its suffix is ``override`` or ends ``_override``).
   OpenTofu ignores ``X.tf`` when ``X.tofu`` is beside it (opentofu ``internal/configs``,
   ``filterTfPathsWithTofuAlternatives``), so a new ``main.tofu`` stands for ``main.tf``.
3. Cursor's ``Delete`` tool (formats.md §2.3: ``preToolUse`` tool names) sends only the path:
   the file must be read to judge it as ``rm`` of it is judged.
4. helm's repository file, registry logins and plugins (source read: helm/helm
   ``pkg/helmpath/lazypath_{unix,darwin,windows}.go``: config ``~/.config/helm``,
   ``~/Library/Preferences/helm``, ``%APPDATA%/helm``; data ``~/.local/share/helm``,
   ``~/Library/helm``): a repository's name in ``repositories.yaml`` says where every later
   ``helm install NAME/chart`` -- the operator's own too -- fetches the chart from, the registry
   file's ``credsStore`` names a helper program helm runs, and plugins are programs helm runs.
   Held like ``~/.aws/config``.

Checked and not a gap: a ``terraform.tfvars``/``*.auto.tfvars`` write cannot switch the
protection off, since Terraform refuses variables in ``lifecycle`` ("Variables may not be used
here"); ``truncate``, ``>``, ``cp /dev/null``, ``sed -i``, ``ln -sf`` over a ``.tf`` were judged
already (test_protection_through_files.py).

Shell lines are judged under the BRIEF policy in ``dev``: a delete there is allowed, so a
``deny`` is the protection rule's (``aws_db_instance.main`` is protected).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from tests.adversarial._tf_protection import (
    ADDRESS,
    MAIN_TF,
    UNPROTECTED_TF,
    removes,
    understood_over,
)
from tests.adversarial.conftest import CWD, HOME, JudgeShell
from tests.conftest import BRIEF_POLICY

from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.integrations.hooks.file_tools import delete_action
from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Actor, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand._hcl_protection import dropped_elsewhere
from keyturn.understand.runs_later import runs_later

ALLOW, DENY = "allow", "deny"
# The protected resource at the top of the project and in a module under it.
PROJECT = {
    f"{CWD}/db.tf": MAIN_TF,
    f"{CWD}/logs.tf": UNPROTECTED_TF,
    f"{CWD}/README.md": "# infra\n",
    f"{CWD}/notes.tmp": "scratch\n",
    f"{CWD}/docs/guide.md": "guide\n",
    f"{CWD}/modules/db/main.tf": MAIN_TF,
    f"{CWD}/.terraform/modules/db/main.tf": MAIN_TF,
}


def understood(line: str, files: dict[str, str] | None = None) -> Action:
    return understood_over(line, PROJECT if files is None else files)


# -- 1. many files at once: globs, trees, find -------------------------------------------


REMOVALS = [
    "rm *.tf",
    "rm -f ./*.tf",
    "rm d?.tf",
    "rm [d]b.tf",
    "rm -- README.md *.tf",
    "rm **/*.tf",
    "rm -rf .",
    "rm -rf *",
    "rm -rf ../project",
    "rm -r modules/",
    "rm -r mod*",
    "sudo rm -rf modules/db",
    "mv modules /tmp/",
    "mv *.tf /tmp/",
    "mv -t /tmp modules",
    "find . -name '*.tf' -delete",
    "find modules -delete",
    "find . -name '*.tf' -exec rm {} +",
    "find . -type f -exec rm -f {} \\;",
    "rsync -a --remove-source-files modules/ /tmp/bak/",
]


@pytest.mark.parametrize("line", REMOVALS)
def test_removing_terraform_files_by_glob_or_tree_names_what_they_protect(
    line: str, judge_shell: JudgeShell
) -> None:
    assert removes(understood(line))
    assert judge_shell(line, env="dev", files=PROJECT).decision.value == DENY


@pytest.mark.parametrize(
    "line",
    [
        "rm *.md",
        "rm '*.tf'",  # quoted: the file named *.tf, not a glob
        "rm -rf docs",
        "rm -rf .terraform",  # downloads: init fetches them again
        "find . -name '*.tmp' -delete",
        "find . -name '*.tmp' -exec rm {} +",
        "find docs -delete",
        "mv README.md docs/",
        "rm logs.tf",
    ],
)
def test_removals_that_keep_the_protected_configuration_are_allowed(
    line: str, judge_shell: JudgeShell
) -> None:
    assert not removes(understood(line))
    assert judge_shell(line, env="dev", files=PROJECT).decision.value == ALLOW


def test_a_terraform_file_written_earlier_on_the_line_counts() -> None:
    files = {f"{CWD}/README.md": "x\n"}
    line = f"cat > extra.tf <<'EOF'\n{MAIN_TF}EOF\nrm -f *.tf"
    assert removes(understood(line, files))
    assert not removes(understood("rm -f *.tf", files))


def test_the_protected_addresses_are_named_in_the_effect_detail() -> None:
    (effect,) = [e for e in understood("rm -r modules/").effects if e.removes_protection]
    assert effect.effect is EffectKind.DELETE
    assert "aws_db_instance.main" in effect.detail
    assert "file:/home/kiro/project/modules/*" in effect.resource.names


# -- 2. override files and OpenTofu's files of the same name ------------------------------

OVERRIDE_FALSE = (
    'resource "aws_db_instance" "main" {\n  lifecycle {\n    prevent_destroy = false\n  }\n}\n'
)
OVERRIDE_JSON = json.dumps(
    {"resource": {"aws_db_instance": {"main": {"lifecycle": {"prevent_destroy": False}}}}}
)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("override.tf", OVERRIDE_FALSE, {ADDRESS}),
        ("db_override.tf", OVERRIDE_FALSE, {ADDRESS}),
        ("Main_Override.TF", OVERRIDE_FALSE, {ADDRESS}),
        ("override.tf.json", OVERRIDE_JSON, {ADDRESS}),
        ("x_override.tofu", OVERRIDE_FALSE, {ADDRESS}),
        ("override.tf", OVERRIDE_FALSE.replace("false", "!true"), {ADDRESS}),
        ("override.tf", None, {ADDRESS}),  # what it will hold is not known
        ("override.tf", OVERRIDE_FALSE + "/* ", {ADDRESS}),  # does not read
        ("override.tf", "resource {", set()),  # never names the setting
        ("override.tf", OVERRIDE_FALSE.replace("false", "true"), set()),
        ("override.tf", OVERRIDE_FALSE.replace("main", "other"), set()),
        (
            "override.tf",
            OVERRIDE_FALSE.replace("prevent_destroy", "create_before_destroy"),
            set(),
        ),
        ("extra.tf", OVERRIDE_FALSE, set()),  # not an override: a duplicate, refused
        ("my-override.tf", OVERRIDE_FALSE, set()),
        # OpenTofu reads db.tofu instead of db.tf
        ("db.tofu", UNPROTECTED_TF, {ADDRESS}),
        ("db.tofu", MAIN_TF, set()),
        ("logs.tofu", UNPROTECTED_TF, set()),
    ],
)
def test_a_write_that_overrides_another_files_protection_is_found(
    name: str, text: str | None, expected: set[str]
) -> None:
    files = MemoryFiles(PROJECT)
    assert dropped_elsewhere(f"{CWD}/{name}", text, files) == expected


class World:
    """A project holding ``main.tf`` (``aws_db_instance.main`` protected) in ``tmp_path``."""

    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        self.project = self.home / "project"
        self.project.mkdir(parents=True)
        self.main = self.project / "main.tf"
        self.main.write_text(MAIN_TF)
        text = BRIEF_POLICY.replace("unknown_environment: production", "unknown_environment: dev")
        self.policy: Policy = load_policy(text)

    def action(self, agent: str, tool: str, tool_input: dict[str, Any]) -> Action:
        event = {"claude-code": "PreToolUse", "cursor": "preToolUse", "kiro": "preToolUse"}
        payload: dict[str, Any] = {
            "hook_event_name": event[agent],
            "tool_name": tool,
            "tool_input": tool_input,
        }
        if agent == "cursor":
            payload |= {"conversation_id": "c-1", "workspace_roots": [str(self.project)]}
        else:
            payload |= {"session_id": "s-removal", "cwd": str(self.project)}
        call = importlib.import_module(AGENTS[agent]).PROTOCOL.read(payload, home=str(self.home))
        return action_for_call(call, env={"HOME": str(self.home)}, files=LocalFiles())

    def judge(self, agent: str, tool: str, tool_input: dict[str, Any]) -> str:
        action = self.action(agent, tool, tool_input)
        return self.policy.judge(action, actor=Actor(agent=agent, operator="olivia")).decision.value


@pytest.fixture()
def world(tmp_path: Path) -> World:
    return World(tmp_path)


@pytest.mark.parametrize(
    ("agent", "tool", "key"),
    [("claude-code", "Write", "content"), ("cursor", "Write", "contents")],
)
def test_writing_an_override_file_that_unprotects_is_denied(
    world: World, agent: str, tool: str, key: str
) -> None:
    path = str(world.project / "main_override.tf")
    assert removes(world.action(agent, tool, {"file_path": path, key: OVERRIDE_FALSE}))
    assert world.judge(agent, tool, {"file_path": path, key: OVERRIDE_FALSE}) == DENY
    kept = OVERRIDE_FALSE.replace("false", "true")
    assert world.judge(agent, tool, {"file_path": path, key: kept}) == ALLOW


def test_editing_an_override_file_to_unprotect_is_denied(world: World) -> None:
    override = world.project / "override.tf"
    override.write_text(OVERRIDE_FALSE.replace("prevent_destroy", "create_before_destroy"))
    args = {
        "file_path": str(override),
        "old_string": "create_before_destroy",
        "new_string": "prevent_destroy",
    }
    assert world.judge("claude-code", "Edit", args) == DENY


def test_writing_the_tofu_file_that_hides_a_protected_tf_file_is_denied(world: World) -> None:
    path = str(world.project / "main.tofu")
    args = {"file_path": path, "content": UNPROTECTED_TF}
    assert world.judge("claude-code", "Write", args) == DENY


def test_shell_writes_of_an_override_file_are_denied(judge_shell: JudgeShell) -> None:
    line = f"cat > override.tf <<'EOF'\n{OVERRIDE_FALSE}EOF"
    assert judge_shell(line, env="dev", files=PROJECT).decision.value == DENY


# -- 3. Cursor's Delete tool reads the file it deletes -------------------------------------


def test_a_delete_tool_given_the_files_names_what_the_file_protects(world: World) -> None:
    name = f"file:{world.main}"
    action = delete_action("Delete", name, target=Target(environment="dev"), files=LocalFiles())
    assert removes(action)
    (world.project / "notes.md").write_text("x")
    other = delete_action(
        "Delete", f"file:{world.project}/notes.md", target=Target(), files=LocalFiles()
    )
    assert [e.effect for e in other.effects] == [EffectKind.DELETE]
    assert not any(e.removes_protection for e in other.effects)


def test_cursor_delete_of_a_protected_terraform_file_is_denied(world: World) -> None:
    assert world.judge("cursor", "Delete", {"path": str(world.main)}) == DENY


# -- 4. helm's repositories, registry logins and plugins -----------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"{HOME}/.config/helm/repositories.yaml",
        f"{HOME}/Library/Preferences/helm/repositories.yaml",
        f"{HOME}/AppData/Roaming/helm/repositories.yaml",
        f"{HOME}/.config/helm/registry/config.json",
        f"{HOME}/.local/share/helm/plugins/diff/plugin.yaml",
        f"{HOME}/Library/helm/plugins/x/bin/run",
    ],
)
def test_helms_settings_and_plugins_run_later(path: str) -> None:
    assert runs_later(path, home=HOME) is not None


@pytest.mark.parametrize(
    "line",
    [
        "echo '- name: stable' >> ~/.config/helm/repositories.yaml",
        "cp /tmp/repos.yaml ~/.config/helm/repositories.yaml",
        "helm repo add stable https://charts.example --force-update",
        "cp -r /tmp/evil ~/.local/share/helm/plugins/",
    ],
)
def test_writes_of_helms_settings_are_held(line: str, judge_shell: JudgeShell) -> None:
    action = understood(line, {})
    assert any(e.effect is EffectKind.UNKNOWN for e in action.effects)
    assert judge_shell(line, env="dev").decision.value != ALLOW
