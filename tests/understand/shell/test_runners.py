"""npm/yarn/pnpm scripts, make targets, just recipes and Taskfile tasks, read from the files."""

from __future__ import annotations

import json

import pytest

from keyturn.model import EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands.runners import npm
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

D, R, C, UNK = (EffectKind.DELETE, EffectKind.READ, EffectKind.CREATE, EffectKind.UNKNOWN)
PACKAGE = json.dumps(
    {
        "scripts": {
            "preclean": "echo cleaning",
            "clean": "rm -rf dist",
            "test": "rm -rf coverage",
            "postinstall": "rm -rf .cache",
            "nuke": "kubectl delete ns prod",
        }
    }
)
MAKEFILE = """\
BUILD := build
OUT = $(BUILD)/out

all: clean
\t@echo done

clean: pre
\t-rm -rf $(OUT)
\t@rm -f $@.stamp

pre:
\tls $(shell pwd)

destroy:
\tterraform destroy -auto-approve
"""
JUSTFILE = 'dir := "tmp"\n\ndefault: nuke\n\nnuke target="x":\n    rm -rf {{dir}}/{{target}}\n'
TASKFILE = """\
version: "3"
vars:
  D: dist
tasks:
  clean:
    deps: [pre]
    cmds:
      - rm -rf {{.D}}
      - task: other
  pre: echo pre
  other:
    cmds:
      - cmd: kubectl delete ns staging
"""
FILES = MemoryFiles(
    {
        "/app/package.json": PACKAGE,
        "/app/Makefile": MAKEFILE,
        "/app/justfile": JUSTFILE,
        "/app/Taskfile.yml": TASKFILE,
        "/web/package.json": json.dumps({"scripts": {"build": "rm -rf /web/out"}}),
    }
)


def deleted(command: str) -> set[str]:
    action = understand_shell(command, cwd="/app", files=FILES)
    return {e.resource.name for e in action.effects if e.effect is D}


def kinds(command: str) -> set[EffectKind]:
    return {e.effect for e in understand_shell(command, cwd="/app", files=FILES).effects}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("npm run clean", {"file:/app/dist"}),
        ("npm run-script clean", {"file:/app/dist"}),
        ("npm test", {"file:/app/coverage"}),
        ("yarn clean", {"file:/app/dist"}),
        ("yarn run clean", {"file:/app/dist"}),
        ("pnpm run clean", {"file:/app/dist"}),
        ("npm run nuke", {"k8s:namespace/prod"}),
        ("npm --prefix /web run build", {"file:/web/out"}),
        ("npm ci", {"file:/app/.cache"}),
        ("make clean", {"file:/app/build/out", "file:/app/clean.stamp"}),
        ("make", {"file:/app/build/out", "file:/app/clean.stamp"}),
        ("make clean OUT=/srv/data", {"file:/srv/data", "file:/app/clean.stamp"}),
        ("just", {"file:/app/tmp/x"}),
        ("just nuke y", {"file:/app/tmp/y"}),
        ("task clean", {"file:/app/dist", "k8s:namespace/staging"}),
    ],
)
def test_runner_scripts_are_judged(command: str, expected: set[str]) -> None:
    assert expected <= deleted(command)


def test_install_creates_node_modules_and_runs_project_scripts() -> None:
    action = understand_shell("npm install", cwd="/app", files=FILES)
    assert (C, "file:/app/node_modules") in {(e.effect, e.resource.name) for e in action.effects}
    ignored = understand_shell("npm install --ignore-scripts", cwd="/app", files=FILES)
    assert all(e.effect is not D for e in ignored.effects)


@pytest.mark.parametrize(
    "command",
    [
        "npm i -g pkg",
        "npm install --global pkg",
        "npm install --location=global pkg",
        "pnpm add -g pkg",
        "npm install -g --ignore-scripts pkg",  # its programs still land on the PATH
    ],
)
def test_a_global_install_is_unknown(command: str) -> None:
    assert kinds(command) == {UNK}, command


def test_make_function_in_recipe_is_unknown_and_dry_run_reads() -> None:
    assert UNK in kinds("make pre")
    assert kinds("make -n clean") == {R}


def test_make_destroy_target_is_the_terraform_destroy() -> None:
    action = understand_shell("make destroy", cwd="/app", files=FILES)
    assert action.effects and all(e.effect in (D, UNK) for e in action.effects)


@pytest.mark.parametrize(
    "command",
    [
        "npm run missing",
        "make missing",
        "just missing",
        "task missing",
        "npx some-pkg",
        "npm exec x",
    ],
)
def test_absent_scripts_and_package_code_are_unknown(command: str) -> None:
    assert UNK in kinds(command)


@pytest.mark.parametrize(
    ("command", "package"),
    [("pipx run black .", "black"), ("pipx install ruff", "ruff"), ("uvx ruff check", "ruff")],
)
def test_the_package_a_runner_runs_is_named(command: str, package: str) -> None:
    (effect,) = understand_shell(command, cwd="/w").effects
    assert effect.effect is UNK
    assert f" {package}" in effect.detail and " run:" not in effect.detail


@pytest.mark.parametrize("command", ["pipx list", "pipx --version", "pipx"])
def test_pipx_listing_reads(command: str) -> None:
    assert kinds(command) == {EffectKind.READ}


@pytest.mark.parametrize("command", ["npm run clean", "make clean", "just", "task clean"])
def test_absent_file_is_unknown(command: str) -> None:
    action = understand_shell(command, cwd="/elsewhere", files=FILES)
    assert {e.effect for e in action.effects} == {UNK}


def test_bun_runner_forms_through_the_handler() -> None:
    cmd = SimpleCommand(argv=("bun", "run", "clean"), program="bun")
    seen: list[str] = []
    ctx = ShellContext(cwd="/app", files=FILES, understand_nested=lambda t: seen.append(t) or [])
    npm(cmd, ctx)
    assert seen == ["echo cleaning", "rm -rf dist"]


def test_without_nested_understanding_scripts_are_unknown() -> None:
    cmd = SimpleCommand(argv=("npm", "run", "clean"), program="npm")
    found = npm(cmd, ShellContext(cwd="/app", files=FILES))
    assert found and {e.effect for e in found} == {UNK}
