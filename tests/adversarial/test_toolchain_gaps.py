"""Toolchains' "reports only" commands and environment runners that run a program their
settings name, or load the project's code first.

Each case lays real files out under ``tmp_path`` (a home folder with a project in it, and a
``srv`` folder holding ``evil.sh``, a script running ``{DENIED}``) and reads them through
:class:`LocalFiles`, as the hooks do; the line is judged in dev. Fixed, the line is asked about
or denied (never ``allow``); the controls show the plain forms still read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.adversarial._oracle import understood_on_disk
from tests.adversarial.conftest import ACTOR

from keyturn.model import Action, Target
from keyturn.policy import Policy

DENIED = "kubectl delete namespace payments"  # protected: denied in every environment


class Place:
    """The scratch layout: ``home``, ``project`` (the working directory) and ``srv``."""

    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        self.project = self.home / "project"
        self.srv = root / "srv"
        self.project.mkdir(parents=True)
        self.srv.mkdir()
        (self.srv / "evil.sh").write_text(f"#!/bin/sh\n{DENIED}\n")
        (self.srv / "evil.sh").chmod(0o755)

    def fill(self, text: str) -> str:
        """``text`` with ``{EVIL}`` (the script), ``{SRV}`` and ``{HOME}`` filled in."""
        text = text.replace("{EVIL}", str(self.srv / "evil.sh"))
        return text.replace("{SRV}", str(self.srv)).replace("{HOME}", str(self.home))

    def write(self, files: dict[str, str]) -> None:
        """Write ``files`` (paths relative to the project; ``~/`` the home; ``/srv/`` srv)."""
        for name, text in files.items():
            if name.startswith("~/"):
                path = self.home / name[2:]
            elif name.startswith("/srv/"):
                path = self.srv / name[5:]
            else:
                path = self.project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.fill(text))


@pytest.fixture()
def place(tmp_path: Path) -> Place:
    return Place(tmp_path)


DEV = Target(environment="dev")


def understood(line: str, place: Place) -> Action:
    variables = {"HOME": str(place.home), "PATH": "/usr/bin:/bin"}
    return understood_on_disk(place.fill(line), cwd=place.project, variables=variables, target=DEV)


def decided(line: str, place: Place, policy: Policy) -> str:
    return policy.judge(understood(line, place), actor=ACTOR).decision.value


EVIL_RUSTC = '[build]\nrustc = "{EVIL}"\n'


# Finding 1: cargo's reads run the rustc (or wrapper) its settings name.
@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({}, "cargo tree --config 'build.rustc=\"{EVIL}\"'"),
        ({}, "cargo metadata --config='build.rustc-wrapper=\"{EVIL}\"'"),
        ({}, "RUSTC={EVIL} cargo tree"),
        ({}, "env RUSTC_WRAPPER={EVIL} cargo metadata"),
        ({}, "export RUSTC={EVIL}; cargo tree"),
        ({}, "CARGO_BUILD_RUSTC_WRAPPER={EVIL} cargo tree"),
        ({}, "RUSTC_WORKSPACE_WRAPPER={EVIL} cargo metadata"),
        ({}, "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER={EVIL} cargo tree"),
        ({".cargo/config.toml": EVIL_RUSTC}, "cargo metadata"),
        ({".cargo/config": EVIL_RUSTC}, "cargo tree"),
        ({"~/.cargo/config.toml": EVIL_RUSTC}, "cargo tree"),
        ({"/srv/ch/config.toml": EVIL_RUSTC}, "CARGO_HOME={SRV}/ch cargo tree"),
        ({"~/.cargo/config.toml": EVIL_RUSTC}, "cd {HOME}/project && cargo tree"),
        ({".cargo/config.toml": "[target.'cfg(unix)']\nrunner = '{EVIL}'\n"}, "cargo tree"),
        ({".cargo/config.toml": "[build\nrustc="}, "cargo tree"),
        ({}, "printf '[build]\\nrustc=\"{EVIL}\"\\n' > .cargo/config.toml && cargo tree"),
    ],
    ids=[
        "config-rustc",
        "config-rustc-wrapper",
        "RUSTC",
        "env-RUSTC_WRAPPER",
        "export-RUSTC",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_RUNNER",
        "project-config-toml",
        "project-config",
        "cargo-home-config",
        "CARGO_HOME-config",
        "home-config-after-cd",
        "target-runner",
        "unreadable-config",
        "config-written-on-line",
    ],
)
def test_a_cargo_read_under_settings_naming_a_program_is_not_allowed(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) != "allow"


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({}, "cargo tree"),
        ({".cargo/config.toml": "[net]\nretry = 2\n"}, "cargo metadata --format-version 1"),
        ({".cargo/config.toml": EVIL_RUSTC}, "cargo --version"),
    ],
    ids=["plain-tree", "harmless-config", "version-under-evil-config"],
)
def test_a_cargo_read_without_such_settings_still_reads(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) == "allow"


PIP_EVIL = "[global]\npython = {EVIL}\n"


# Finding 2: pip's reads re-execute pip under the interpreter its settings name.
@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({}, "PIP_PYTHON={EVIL} pip list"),
        ({}, "export PIP_PYTHON={EVIL}; pip freeze"),
        ({"/srv/pip.ini": PIP_EVIL}, "PIP_CONFIG_FILE={SRV}/pip.ini pip freeze"),
        ({"~/.config/pip/pip.conf": PIP_EVIL}, "pip list"),
        ({"~/.pip/pip.conf": PIP_EVIL}, "pip show requests"),
        ({"/srv/venv/pip.conf": PIP_EVIL}, "VIRTUAL_ENV={SRV}/venv pip check"),
        ({}, "pip list --python {EVIL}"),
        ({}, "printf '[global]\\npython = {EVIL}\\n' > {HOME}/.config/pip/pip.conf && pip list"),
        ({}, "echo x > {HOME}/.config/pip/pip.conf"),
    ],
    ids=[
        "PIP_PYTHON",
        "export-PIP_PYTHON",
        "PIP_CONFIG_FILE",
        "user-config",
        "legacy-user-config",
        "virtualenv-config",
        "python-option-after-subcommand",
        "config-written-on-line",
        "config-write-runs-later",
    ],
)
def test_a_pip_read_under_settings_naming_an_interpreter_is_not_allowed(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) != "allow"


def test_a_pip_read_under_a_harmless_config_still_reads(place: Place, brief_policy: Policy) -> None:
    place.write({"~/.config/pip/pip.conf": "[global]\nindex-url = https://pypi.org/simple\n"})
    assert decided("pip list", place, brief_policy) == "allow"


# Findings 2 and 6: version managers' hook paths and hook folders.
@pytest.mark.parametrize(
    "line",
    [
        "PYENV_HOOK_PATH={SRV}/hooks python -V",
        "PYENV_HOOK_PATH={SRV}/hooks pip --version",
        "RBENV_HOOK_PATH={SRV}/hooks ruby -v",
        "NODENV_HOOK_PATH={SRV}/hooks node -v",
        "PYENV_ROOT={SRV}/pyenv python -V",
        "echo '{DENIED}' > {HOME}/.pyenv/pyenv.d/exec/x.bash",
        "echo '{DENIED}' > {SRV}/pyenv/pyenv.d/exec/x.bash",
        "echo '{DENIED}' > {HOME}/.rbenv/rbenv.d/exec/x.bash",
    ],
    ids=[
        "PYENV_HOOK_PATH-python",
        "PYENV_HOOK_PATH-pip",
        "RBENV_HOOK_PATH",
        "NODENV_HOOK_PATH",
        "PYENV_ROOT",
        "pyenv-hook-write",
        "pyenv-root-hook-write",
        "rbenv-hook-write",
    ],
)
def test_version_manager_hooks_are_not_allowed(
    line: str, place: Place, brief_policy: Policy
) -> None:
    line = line.replace("{DENIED}", "echo hi")
    assert decided(line, place, brief_policy) != "allow"


# Finding 4: uv run builds the path dependencies the project names.
PATH_DEP = (
    '[project]\nname = "u3"\nversion = "0"\ndependencies = ["dep"]\n'
    '[tool.uv.sources]\ndep = { path = "./dep" }\n'
)


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"pyproject.toml": PATH_DEP}, "uv run true"),
        ({"pyproject.toml": PATH_DEP}, "uv run --frozen true"),
        (
            {"pyproject.toml": '[project]\nname = "u"\ndependencies = ["dep @ file:///srv/dep"]\n'},
            "uv run true",
        ),
        (
            {"../pyproject.toml": '[tool.uv.workspace]\nmembers = ["project"]\n'},
            "uv run true",
        ),
    ],
    ids=["path-source", "path-source-frozen", "file-requirement", "workspace-root-above"],
)
def test_uv_run_building_dependencies_is_not_allowed(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) != "allow"


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"pyproject.toml": PATH_DEP}, "uv run --no-sync true"),
        ({"pyproject.toml": '[project]\nname = "u"\ndependencies = ["requests"]\n'}, "uv run true"),
    ],
    ids=["no-sync", "registry-dependencies-only"],
)
def test_uv_run_without_a_build_still_reads(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) == "allow"


# Finding 5: runners that load the project's code or settings first.
@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"Gemfile": 'system("echo hi")\n'}, "bundle exec rspec --version"),
        ({"Gemfile": 'system("echo hi")\n'}, "bundle exec true"),
        ({".envrc": "echo hi\n"}, "direnv exec . true"),
        ({"mise.toml": '[env]\n_.source = "./x.sh"\n'}, "mise exec -- true"),
        ({".mise.toml": "[env]\nFOO = \"{{ exec(command='echo hi') }}\"\n"}, "mise exec -- true"),
        ({"../mise.toml": "[hooks]\nenter = 'echo hi'\n"}, "mise exec -- true"),
        ({"/srv/env/etc/conda/activate.d/x.sh": "echo hi\n"}, "conda run -p {SRV}/env true"),
        (
            {"/srv/env/conda-meta/state": '{"env_vars": {"LD_PRELOAD": "x"}}'},
            "conda run -p {SRV}/env true",
        ),
        ({}, "conda run -n base true"),
        ({}, "micromamba run -n base true"),
    ],
    ids=[
        "bundle-exec-rspec",
        "bundle-exec-true",
        "direnv-exec",
        "mise-env-source",
        "mise-exec-template",
        "mise-hooks-above",
        "conda-activate-d",
        "conda-env-vars",
        "conda-by-name",
        "micromamba-by-name",
    ],
)
def test_runners_loading_code_first_are_not_allowed(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) != "allow"


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"mise.toml": '[tools]\nnode = "20"\n'}, "mise exec -- true"),
        ({".tool-versions": "nodejs 20.1.0\n"}, "mise exec -- true"),
        ({}, "mise exec -- true"),
        ({"/srv/env/conda-meta/history": "x\n"}, "conda run -p {SRV}/env true"),
    ],
    ids=["mise-tools-only", "tool-versions", "mise-no-config", "conda-plain-env"],
)
def test_runners_that_load_nothing_still_read(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) == "allow"


def test_rake_under_bundle_exec_is_judged_as_rake_alone(place: Place, brief_policy: Policy) -> None:
    """rake loads the Rakefile (and a Rails app's Gemfile) by itself, and is trusted to
    (docs/security.md): bundle exec adds nothing to judge."""
    place.write({"Gemfile": 'gem "rake"\n', "Rakefile": "task :x\n"})
    assert decided("bundle exec rake --version", place, brief_policy) == "allow"


def test_a_command_under_bundle_exec_is_still_judged_as_itself(
    place: Place, brief_policy: Policy
) -> None:
    assert decided(f"bundle exec {DENIED}", place, brief_policy) == "deny"


# Finding 7: go's reads under GOFLAGS, a compiler setting or go's settings file.
@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({}, "GOFLAGS=-toolexec={EVIL} go list -export ./..."),
        ({}, "export GOFLAGS='-mod=mod -toolexec={EVIL}'; go list ./..."),
        ({}, "GOFLAGS=-overlay={SRV}/o.json go list ./..."),
        ({}, "CC={EVIL} go list -compiled ./..."),
        ({}, "CGO_CFLAGS=-fplugin={SRV}/x.so go list -export ./..."),
        ({}, "GOTOOLCHAIN=go1.99+path go version"),
        ({"~/.config/go/env": "GOFLAGS=-toolexec={EVIL}\n"}, "go list ./..."),
        ({"~/.config/go/env": "CC={EVIL}\n"}, "go list -export ./..."),
        ({"/srv/goenv": "GOFLAGS=-toolexec={EVIL}\n"}, "GOENV={SRV}/goenv go list ./..."),
        ({}, "printf 'GOFLAGS=-toolexec={EVIL}\\n' > {HOME}/.config/go/env"),
    ],
    ids=[
        "GOFLAGS-toolexec",
        "export-GOFLAGS",
        "GOFLAGS-overlay",
        "CC-compiled",
        "CGO_CFLAGS-export",
        "GOTOOLCHAIN-path",
        "go-env-file-goflags",
        "go-env-file-cc",
        "GOENV",
        "go-env-file-write",
    ],
)
def test_a_go_read_under_settings_naming_a_program_is_not_allowed(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) != "allow"


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({}, "go list ./..."),
        ({}, "go list -export ./..."),
        ({}, "GOFLAGS=-mod=mod go list ./..."),
        ({"~/.config/go/env": "GOPRIVATE=example.com\n"}, "go list ./..."),
    ],
    ids=["plain-list", "plain-export", "harmless-goflags", "harmless-go-env"],
)
def test_a_go_read_without_such_settings_still_reads(
    files: dict[str, str], line: str, place: Place, brief_policy: Policy
) -> None:
    place.write(files)
    assert decided(line, place, brief_policy) == "allow"
