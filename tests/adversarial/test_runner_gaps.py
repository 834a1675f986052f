"""Package and task runners, scripts and planted code: what the runner really runs is judged,
or the run is unknown.

Each case lays real files out under ``tmp_path`` (a home folder with a project in it, and a
``srv/prod`` folder) and reads them through :class:`LocalFiles`, as the hooks do; the line is
judged in dev, where writing files and deleting them is allowed. ``{DENIED}`` is a command the
BRIEF policy denies anywhere (a protected namespace): a bypass hid it (``allow``); fixed, the
line is asked about or denied. Where the case is about *which* path a runner touches, the
payload ``{PAYLOAD}`` deletes ``srv/prod`` and the delete's names are checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.adversarial._oracle import understood_on_disk
from tests.adversarial.conftest import ACTOR

from keyturn.model import Action, EffectKind, Target
from keyturn.policy import Policy

DENIED = "kubectl delete namespace payments"  # protected: denied in every environment


@dataclass(frozen=True)
class Place:
    """The scratch layout: ``home``, ``project`` (the working directory) and ``srv``."""

    home: Path
    project: Path
    srv: Path

    @property
    def payload(self) -> str:
        return f"rm -rf {self.srv}/prod"

    def fill(self, text: str) -> str:
        """``text`` with ``{PAYLOAD}``, ``{DENIED}`` and ``{SRV}`` filled in."""
        text = text.replace("{PAYLOAD}", self.payload).replace("{DENIED}", DENIED)
        return text.replace("{SRV}", str(self.srv))

    def write(self, files: dict[str, str]) -> None:
        """Write ``files`` (paths relative to the project; ``~/`` the home; ``/srv/`` srv)."""
        for name, text in files.items():
            path = self.path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.fill(text))

    def path(self, name: str) -> Path:
        if name.startswith("~/"):
            return self.home / name[2:]
        if name.startswith("/srv/"):
            return self.srv / name[5:]
        return self.project / name


@pytest.fixture()
def place(tmp_path: Path) -> Place:
    home = tmp_path / "home"
    project = home / "project"
    project.mkdir(parents=True)
    (tmp_path / "srv" / "prod").mkdir(parents=True)
    return Place(home=home, project=project, srv=tmp_path / "srv")


DEV = Target(environment="dev")


def understood(line: str, place: Place) -> Action:
    variables = {"HOME": str(place.home), "PATH": "/usr/bin:/bin"}
    return understood_on_disk(place.fill(line), cwd=place.project, variables=variables, target=DEV)


def decided(line: str, place: Place, policy: Policy) -> str:
    return policy.judge(understood(line, place), actor=ACTOR).decision.value


def deleted(line: str, place: Place) -> set[str]:
    return {
        name
        for e in understood(line, place).effects
        if e.effect is EffectKind.DELETE
        for name in e.resource.names
    }


def package(scripts: dict[str, str], **more: object) -> str:
    return json.dumps({"name": "x", "scripts": scripts, **more})


TASKFILE = "version: '3'\n"
BASE = {
    "package.json": package({"build": "echo hi"}),
    "Makefile": "all:\n\techo hi\n",
    "justfile": "build:\n    echo hi\n",
    "Taskfile.yml": TASKFILE + "tasks:\n  default:\n    cmds:\n      - echo hi\n",
    "evil.json": package({"build": "{DENIED}"}),
}


@pytest.mark.parametrize(
    "line",
    [
        "npm run build",
        "make",
        "just build",
        "task",
    ],
    ids=["npm-run", "make", "just", "task"],
)
def test_an_unchanged_runner_file_is_still_judged_from_its_text(
    line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(BASE)
    assert decided(line, place, brief_policy) == "allow"


# Finding 1: a runner file rewritten earlier on the same line.
@pytest.mark.parametrize(
    "line",
    [
        "sed -i 's#echo hi#{DENIED}#' package.json && npm run build",
        "cp evil.json package.json && npm run build",
        'echo \'{"scripts":{"build":"{DENIED}"}}\' > package.json && npm run build',
        "printf 'all:\\n\\t{DENIED}\\n' > Makefile && make",
        "sed -i 's#echo hi#{DENIED}#' Makefile && make",
        "printf 'all:\\n\\t{DENIED}\\n' > GNUmakefile && make",
        "sed -i 's#echo hi#{DENIED}#' justfile && just build",
        "sed -i 's#echo hi#{DENIED}#' Taskfile.yml && task",
        "echo 'script-shell=./evil.sh' > .npmrc && npm run build",
    ],
    ids=[
        "sed-package-json",
        "cp-package-json",
        "echo-package-json",
        "printf-makefile",
        "sed-makefile",
        "printf-gnumakefile",
        "sed-justfile",
        "sed-taskfile",
        "echo-npmrc",
    ],
)
def test_a_runner_file_changed_earlier_on_the_line_is_not_judged_from_its_old_text(
    line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(BASE)
    assert decided(line, place, brief_policy) != "allow"


def test_an_included_makefile_changed_earlier_on_the_line_is_not_judged_from_its_old_text(
    place: Place, brief_policy: Policy
) -> None:
    place.write({"Makefile": "include rules.mk\n", "rules.mk": "all:\n\techo hi\n"})
    line = "sed -i 's#echo hi#{DENIED}#' rules.mk && make"
    assert decided(line, place, brief_policy) != "allow"


# Finding 2: the runner's working directory.
CLEAN_PACKAGE = package({"clean": "rm -rf prod"})
CLEAN_TASKFILE = TASKFILE + "tasks:\n  clean:\n    cmds:\n      - rm -rf prod\n"


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"/srv/Makefile": "clean:\n\trm -rf prod\n"}, "make -C {SRV} clean"),
        ({"/srv/package.json": CLEAN_PACKAGE}, "npm --prefix {SRV} run clean"),
        ({"/srv/package.json": CLEAN_PACKAGE}, "yarn --cwd {SRV} clean"),
        ({"/srv/package.json": CLEAN_PACKAGE}, "pnpm -C {SRV} clean"),
        ({"/srv/package.json": CLEAN_PACKAGE}, "pnpm --dir {SRV} clean"),
        ({"/srv/justfile": "clean:\n    rm -rf prod\n"}, "just -f {SRV}/justfile clean"),
        ({"/srv/justfile": "clean:\n    rm -rf prod\n"}, "just --justfile={SRV}/justfile clean"),
        ({"/srv/justfile": "clean:\n    rm -rf prod\n"}, "just -f{SRV}/justfile clean"),
        ({"/srv/Taskfile.yml": CLEAN_TASKFILE}, "task -d {SRV} clean"),
        ({"/srv/Taskfile.yml": CLEAN_TASKFILE}, "task --dir={SRV} clean"),
        ({"/srv/t.yml": CLEAN_TASKFILE}, "task -t {SRV}/t.yml clean"),
        ({"/srv/t.yml": CLEAN_TASKFILE}, "task --taskfile={SRV}/t.yml clean"),
        (
            {
                "Taskfile.yml": TASKFILE
                + "tasks:\n  clean:\n    dir: {SRV}\n    cmds: [rm -rf prod]\n"
            },
            "task clean",
        ),
        ({"justfile": "[working-directory: '{SRV}']\nclean:\n    rm -rf prod\n"}, "just clean"),
        ({"justfile": "set working-directory := '{SRV}'\nclean:\n    rm -rf prod\n"}, "just clean"),
    ],
    ids=[
        "make-C",
        "npm-prefix",
        "yarn-cwd",
        "pnpm-C",
        "pnpm-dir",
        "just-f",
        "just-justfile-equals",
        "just-f-joined",
        "task-d",
        "task-dir-equals",
        "task-t",
        "task-taskfile-equals",
        "taskfile-dir-key",
        "just-working-directory-attribute",
        "just-working-directory-setting",
    ],
)
def test_recipes_run_in_the_runners_directory(
    files: dict[str, str], line: str, place: Place
) -> None:
    place.write(files)
    names = deleted(line, place)
    assert f"file:{place.srv}/prod" in names
    assert f"file:{place.project}/prod" not in names


# Finding 3: install-time scripts and local packages.
@pytest.mark.parametrize(
    ("scripts", "line"),
    [
        ({"prepublish": "{PAYLOAD}"}, "npm install"),
        ({"preprepare": "{PAYLOAD}"}, "npm install"),
        ({"postprepare": "{PAYLOAD}"}, "npm ci"),
        ({"preprepare": "{PAYLOAD}"}, "pnpm install"),
        ({"prepublish": "{PAYLOAD}"}, "yarn"),
        ({"postinstall": "{PAYLOAD}"}, "npm install ."),
    ],
    ids=["npm-prepublish", "npm-preprepare", "ci-postprepare", "pnpm", "yarn", "install-dot"],
)
def test_every_install_time_script_is_judged(
    scripts: dict[str, str], line: str, place: Place
) -> None:
    place.write({"package.json": package(scripts)})
    assert f"file:{place.srv}/prod" in deleted(line, place)


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"package.json": package({})}, "npm install ./evil"),
        ({"package.json": package({}, dependencies={"e": "file:./evil"})}, "npm install"),
    ],
    ids=["local-folder", "file-dependency"],
)
def test_installing_a_local_package_is_not_allowed_unread(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write({**files, "evil/package.json": package({"postinstall": "{DENIED}"})})
    assert decided(line, place, brief_policy) != "allow"


# Finding 4: workspace selection.
@pytest.mark.parametrize(
    "line",
    [
        "npm -w pkg run clean",
        "npm run clean --workspaces",
        "pnpm -r clean",
        "pnpm --filter pkg clean",
        "yarn workspace pkg clean",
    ],
    ids=["npm-w", "npm-workspaces", "pnpm-r", "pnpm-filter", "yarn-workspace"],
)
def test_a_workspace_selection_is_not_judged_from_the_root_scripts(
    line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(
        {
            "package.json": package({"clean": "echo hi"}),
            "pkg/package.json": package({"clean": "{DENIED}"}),
        }
    )
    assert decided(line, place, brief_policy) != "allow"


# Finding 5: package-manager settings that run code.
@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({".yarnrc": 'yarn-path "./evil.js"\n'}, "yarn build"),
        ({".yarnrc.yml": "yarnPath: ./evil.js\n"}, "yarn build"),
        ({".pnpmfile.cjs": "module.exports = {}\n"}, "pnpm install"),
        ({"~/.npmrc": "script-shell=./evil.sh\n"}, "npm run build"),
        ({"e": "script-shell=./evil.sh\n"}, "npm run build --userconfig ./e"),
    ],
    ids=["yarnrc", "yarnrc-yml", "pnpmfile", "user-npmrc", "userconfig"],
)
def test_package_manager_settings_that_run_code_are_not_allowed_unread(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write({"package.json": package({"build": "echo hi"}), **files})
    assert decided(line, place, brief_policy) != "allow"


# Finding 6: node_modules/.bin first on the PATH of npm scripts.
def test_a_script_word_found_in_node_modules_bin_is_a_run_of_that_file(place: Place) -> None:
    place.write(
        {
            "package.json": package({"lint": "git status"}),
            "node_modules/.bin/git": "#!/bin/sh\n{PAYLOAD}\n",
        }
    )
    assert f"file:{place.srv}/prod" in deleted("npm run lint", place)


def test_a_script_without_node_modules_bin_is_judged_as_written(
    place: Place, brief_policy: Policy
) -> None:
    place.write({"package.json": package({"lint": "git status"})})
    assert decided("npm run lint", place, brief_policy) == "allow"


# Finding 7: Makefile semantics.
@pytest.mark.parametrize(
    ("makefile", "line"),
    [
        ("all:\n\techo hi\nclean:\n\t{DENIED}\n.DEFAULT_GOAL := clean\n", "make"),
        ("all: foo.o\n\techo hi\n%.o:\n\t{DENIED}\n", "make"),
        ("all: a.o\n\techo hi\n.c.o:\n\t{DENIED}\n", "make"),
        ("all: missing\n\techo hi\n.DEFAULT:\n\t{DENIED}\n", "make"),
        ("X=foo\nall: $(X)\n\techo hi\nfoo:\n\t{DENIED}\n", "make"),
        (".RECIPEPREFIX = >\nall:\n> {DENIED}\n", "make"),
        ("define CLEAN\n{DENIED}\nendef\nall:\n\t$(CLEAN)\n", "make"),
        ("DIR=/tmp/safe\nclean: DIR={SRV}/prod\nclean:\n\trm -rf $(DIR)\n", "make clean"),
        ("-include gen.mk\nall:\n\techo hi\ngen.mk:\n\t{DENIED}\n", "make all"),
        ("-include gen.mk\nall:\n\techo hi\ngen.mk:\n\t{DENIED}\n", "make -n all"),
        ("all:\n\techo hi\nMakefile: FORCE\n\t{DENIED}\nFORCE:\n", "make -n"),
        ("clean:\n\t{DENIED}\n", "MFLAGS=-n make clean"),
        ("$(eval $(call RULE,x))\nall:\n\techo hi\n", "make"),
        (".SHELLFLAGS := -c '{DENIED}' -c\nall:\n\techo hi\n", "make"),
    ],
    ids=[
        "default-goal",
        "pattern-rule",
        "suffix-rule",
        "default-rule",
        "variable-prerequisite",
        "recipeprefix",
        "define",
        "target-specific-variable",
        "remade-include",
        "remade-include-dry-run",
        "remade-makefile-dry-run",
        "mflags-not-dry-run",
        "eval",
        "shellflags",
    ],
)
def test_make_features_not_followed_are_not_allowed(
    makefile: str, line: str, place: Place, brief_policy: Policy
) -> None:
    place.write({"Makefile": makefile})
    assert decided(line, place, brief_policy) != "allow"


def test_oneshell_recipe_lines_run_as_one_script(place: Place) -> None:
    place.write({"Makefile": ".ONESHELL:\nall:\n\tcd {SRV}\n\trm -rf prod\n"})
    assert f"file:{place.srv}/prod" in deleted("make", place)


def test_a_common_makefile_with_an_unused_pattern_rule_is_still_judged(
    place: Place, brief_policy: Policy
) -> None:
    makefile = "SHELL := /bin/bash\n.SHELLFLAGS := -eu -o pipefail -c\n.PHONY: all\n"
    makefile += "all: main\n\techo built\nmain:\n\techo main\n%.o: %.c\n\tcc -c $<\n"
    place.write({"Makefile": makefile})
    assert decided("make", place, brief_policy) == "allow"


# Finding 8: justfile semantics.
@pytest.mark.parametrize(
    ("justfile", "line"),
    [
        ("set shell := ['./evil.sh', '-c']\nb:\n    echo hi\n", "just"),
        ("[script('./evil.sh')]\nb:\n    echo hi\n", "just"),
        ("b:\n    #!/usr/bin/env -S bash -c '{DENIED}'\n    echo hi\n", "just"),
        ("b:\n    #!/bin/bash ./evil.sh\n    echo hi\n", "just"),
        ("d := '{SRV}/' + 'prod'\nb:\n    rm -rf {{d}}\n", "just"),
        ("d := '{SRV}' / 'prod'\nb:\n    rm -rf {{d}}\n", "just"),
        ("x := `{DENIED}`\nb:\n    echo hi\n", "just"),
        ("[linux]\nclean:\n    {DENIED}\n[macos]\nclean:\n    echo hi\n", "just clean"),
        ("safe:\n    echo hi\nclean:\n    {DENIED}\n", "just safe clean"),
    ],
    ids=[
        "set-shell",
        "script-attribute",
        "env-S-shebang",
        "shebang-argument",
        "concatenation",
        "path-join",
        "backtick",
        "duplicate-recipes",
        "second-recipe",
    ],
)
def test_just_features_not_followed_are_not_allowed(
    justfile: str, line: str, place: Place, brief_policy: Policy
) -> None:
    place.write({"justfile": justfile})
    assert decided(line, place, brief_policy) != "allow"


def test_a_dependency_runs_with_its_arguments(place: Place) -> None:
    place.write({"justfile": "b: (c '{SRV}/prod')\n    echo hi\nc d:\n    rm -rf {{d}}\n"})
    assert f"file:{place.srv}/prod" in deleted("just", place)


def test_a_plain_justfile_with_a_bash_shebang_recipe_is_still_judged(
    place: Place, brief_policy: Policy
) -> None:
    justfile = "set shell := ['bash', '-euo', 'pipefail', '-c']\nb:\n    #!/usr/bin/env bash\n"
    place.write({"justfile": justfile + "    echo hi\n"})
    assert decided("just", place, brief_policy) == "allow"


# Finding 9: Taskfile semantics.
@pytest.mark.parametrize(
    ("taskfile", "line"),
    [
        ("vars:\n  D:\n    sh: {DENIED}\ntasks:\n  default:\n    cmds: [echo hi]\n", "task"),
        ("tasks:\n  default:\n    status: ['{DENIED}']\n    cmds: [echo hi]\n", "task"),
        ("tasks:\n  default:\n    preconditions:\n      - sh: '{DENIED}'\n", "task"),
        ('tasks:\n  default:\n    cmds:\n      - rm -rf {{printf "%s" "x"}}\n', "task"),
        ("tasks:\n  other:\n    aliases: [default]\n    cmds: ['{DENIED}']\n", "task"),
        ("includes:\n  x: ./x.yml\ntasks:\n  default:\n    cmds: [echo hi]\n", "task"),
    ],
    ids=[
        "dynamic-variable",
        "status",
        "preconditions",
        "template-function",
        "alias",
        "includes",
    ],
)
def test_taskfile_features_not_followed_are_not_allowed(
    taskfile: str, line: str, place: Place, brief_policy: Policy
) -> None:
    place.write({"Taskfile.yml": TASKFILE + taskfile})
    assert decided(line, place, brief_policy) != "allow"


def test_a_command_line_variable_wins_over_the_taskfiles(place: Place) -> None:
    taskfile = "vars:\n  D: /tmp/x\ntasks:\n  default:\n    cmds: ['rm -rf {{.D}}']\n"
    place.write({"Taskfile.yml": TASKFILE + taskfile})
    assert f"file:{place.srv}/prod" in deleted("task default D={SRV}/prod", place)


# Finding 10: shebang lines that run something else.
@pytest.mark.parametrize(
    "shebang",
    [
        "#!/usr/bin/env -S bash -c '{DENIED}'",
        "#!/bin/bash ./evil.sh",
        "#!./bash",
        "#!/usr/bin/env -S BASH_ENV=./evil.sh bash",
    ],
    ids=["env-S-command", "extra-argument", "planted-interpreter", "env-S-variable"],
)
def test_a_shebang_that_is_not_plainly_a_shell_makes_the_script_unknown(
    shebang: str, place: Place, brief_policy: Policy
) -> None:
    place.write({"x.sh": f"{shebang}\necho hi\n", ".git/config": "[core]\n"})
    place.write({".git/hooks/pre-commit": f"{shebang}\necho hi\n"})
    assert decided("./x.sh", place, brief_policy) != "allow"
    assert decided("git commit -m x", place, brief_policy) != "allow"


@pytest.mark.parametrize(
    "shebang", ["#!/bin/sh", "#!/bin/bash -eu", "#!/usr/bin/env bash", "#! /bin/sh"]
)
def test_a_plain_shell_shebang_still_has_its_script_judged(
    shebang: str, place: Place, brief_policy: Policy
) -> None:
    place.write({"x.sh": f"{shebang}\necho hi\n"})
    assert decided("./x.sh", place, brief_policy) == "allow"


# Finding 11: git hooks outside <repo>/.git/hooks.
HOOK = "#!/bin/sh\n{PAYLOAD}\n"


@pytest.mark.parametrize(
    ("files", "line"),
    [
        (
            {".git/config": "[core]\n", "~/.gitconfig": "[core]\n\thooksPath = ~/h\n"},
            "git commit -m x",
        ),
        (
            {".git/config": "[core]\n", "~/.config/git/config": "[core]\n\thooksPath = ~/h\n"},
            "git commit -m x",
        ),
        ({".git/config": "[core]\n\thooksPath = ~/h\n"}, "git commit -m x"),
        ({".git": "gitdir: {SRV}/../g\n", "/srv/../g/config": "[core]\n"}, "git commit -m x"),
        ({"/srv/../g/config": "[core]\n"}, "GIT_DIR={SRV}/../g git commit -m x"),
        ({"/srv/../g/config": "[core]\n"}, "git --git-dir={SRV}/../g commit -m x"),
    ],
    ids=[
        "global-hookspath",
        "xdg-hookspath",
        "tilde-hookspath",
        "gitdir-file",
        "GIT_DIR",
        "git-dir",
    ],
)
def test_git_hooks_are_found_where_git_finds_them(
    files: dict[str, str], line: str, place: Place
) -> None:
    place.write(files)
    place.write({"~/h/pre-commit": HOOK, "/srv/../g/hooks/pre-commit": HOOK})
    assert f"file:{place.srv}/prod" in deleted(line, place)


# Finding 12: shell start-up files.
@pytest.mark.parametrize(
    ("rc", "line"),
    [
        ("~/.bashrc", "bash -ic true"),
        ("~/.bash_profile", "bash -l -c true"),
        ("~/.profile", "bash --login -c true"),
        ("~/.zshenv", "zsh -c true"),
        ("~/.zshrc", "zsh -ic true"),
    ],
    ids=["bash-i", "bash-l", "bash-login", "zshenv", "zshrc"],
)
def test_the_start_up_files_a_shell_reads_are_judged(rc: str, line: str, place: Place) -> None:
    place.write({rc: "{PAYLOAD}\n"})
    assert f"file:{place.srv}/prod" in deleted(line, place)


def test_a_plain_bash_c_reads_no_start_up_file(place: Place, brief_policy: Policy) -> None:
    place.write({"~/.bashrc": "{DENIED}\n"})
    assert decided("bash -c true", place, brief_policy) == "allow"


# Finding 13: uv run / poetry run.
@pytest.mark.parametrize(
    ("files", "line"),
    [
        (
            {"pyproject.toml": "[project]\nname='x'\n[build-system]\nrequires=['setuptools']\n"},
            "uv run true",
        ),
        ({".venv/bin/ls": "#!/bin/sh\n{DENIED}\n"}, "uv run ls"),
        ({".venv/bin/ls": "#!/bin/sh\n{DENIED}\n"}, "poetry run ls"),
    ],
    ids=["uv-builds-project", "uv-venv-bin", "poetry-venv-bin"],
)
def test_a_project_environment_runner_is_not_transparent(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write({**files, "setup.py": "import shutil\n"})
    assert decided(line, place, brief_policy) != "allow"


def test_uv_run_without_a_project_is_still_the_command(place: Place, brief_policy: Policy) -> None:
    assert decided("uv run ls", place, brief_policy) == "allow"
