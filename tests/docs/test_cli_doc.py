"""docs/cli.md against the real parsers: every option documented exists, every option exists in
the documentation, and command lines quoted in the other guides use real options."""

from __future__ import annotations

import re
from pathlib import Path

import cli_reference
import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
FLAG = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")
# Flags every verb understands without declaring them, and the one hidden on purpose.
IMPLICIT = frozenset({"-h", "--help", "--version", "--poll"})
# The reference generator's own switch, named where docs/cli.md says how to refresh it.
GENERATOR = frozenset({"--write"})


@pytest.fixture(scope="module")
def commands() -> list[cli_reference.Command]:
    return cli_reference.collect()


def _sections(text: str) -> dict[str, str]:
    """``### keyturn …`` heading -> the text under it (generated part only)."""
    part = cli_reference.generated_part(text)
    pieces = re.split(r"^### (.+)$", part, flags=re.M)
    return {pieces[i].strip(): pieces[i + 1] for i in range(1, len(pieces), 2)}


def test_generated_reference_is_current(commands: list[cli_reference.Command]) -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert cli_reference.generated_part(text) == cli_reference.render(commands), (
        "docs/cli.md is out of date: run .venv/bin/python tests/docs/cli_reference.py --write"
    )


def test_every_command_has_a_section_and_every_section_a_command(
    commands: list[cli_reference.Command],
) -> None:
    sections = _sections((DOCS / "cli.md").read_text(encoding="utf-8"))
    assert set(sections) == {c.name for c in commands}


def test_every_option_of_every_parser_is_documented_in_its_section(
    commands: list[cli_reference.Command],
) -> None:
    sections = _sections((DOCS / "cli.md").read_text(encoding="utf-8"))
    for command in commands:
        documented = set(FLAG.findall(sections[command.name].split("|---|", 1)[-1]))
        for flag in command.flags:
            assert f"`{flag}`" in sections[command.name], f"{command.name}: {flag} undocumented"
        # Flags named in the table's argument column must be the command's own (or, in a
        # help text, another option of the same command: "the PEM key of --tls-cert").
        table_flags = {
            f
            for row in sections[command.name].splitlines()
            if row.startswith("| `")
            for f in FLAG.findall(row.split("|")[1])
        }
        assert table_flags == set(command.flags), command.name
        assert documented <= set(command.flags) | IMPLICIT, command.name


def test_every_flag_in_cli_md_exists(commands: list[cli_reference.Command]) -> None:
    known = {f for c in commands for f in c.flags} | IMPLICIT
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    # Flag-like words inside a command line *argument* (``-- CMD``, ``-fr``) are not keyturn's.
    unknown = {f for f in FLAG.findall(text) if f.startswith("--") and f not in known | GENERATOR}
    assert not unknown, f"docs/cli.md names options no parser has: {sorted(unknown)}"


def test_fallback_help_names_real_arguments(commands: list[cli_reference.Command]) -> None:
    real = {(c.name, o.names[0]) for c in commands for o in c.options}
    # Inherited options are listed on the parent; a fallback keyed there still counts.
    stale = set(cli_reference.FALLBACK_HELP) - real
    assert not stale, f"FALLBACK_HELP keys without an argument: {sorted(stale)}"


def _command_lines(text: str) -> list[str]:
    """Every ``keyturn VERB …`` command line in inline code or code blocks."""
    lines = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        lines += [
            line.strip().removeprefix("$ ") for line in block.splitlines() if "keyturn " in line
        ]
    lines += re.findall(r"`(keyturn [^`]+)`", text)
    return [line[line.index("keyturn ") :] for line in lines if "keyturn " in line]


def _command_for(words: list[str], names: set[str]) -> str | None:
    for length in range(min(len(words), 4), 1, -1):
        candidate = " ".join(words[:length])
        if candidate in names:
            return candidate
    return None


@pytest.mark.parametrize("doc", ["cli.md", "integrations.md", "policy.md"])
def test_command_lines_in_guides_use_real_options(
    doc: str, commands: list[cli_reference.Command]
) -> None:
    by_name = {c.name: c for c in commands}
    parents = {
        c.name: {f for p in commands if c.name.startswith(p.name + " ") for f in p.flags}
        for c in commands
    }
    checked = 0
    for line in _command_lines((DOCS / doc).read_text(encoding="utf-8")):
        own = line.split(" -- ", 1)[0].split("#", 1)[0]  # after --: the wrapped command's
        words = own.split()
        name = _command_for(words, set(by_name))
        if name is None:
            continue
        allowed = by_name[name].flags | parents[name] | IMPLICIT
        for flag in FLAG.findall(own):
            if flag.startswith("--") or flag in ("-o", "-h"):
                assert flag.split("=")[0] in allowed, f"{doc}: {line!r}: {flag} is not an option"
        checked += 1
    assert checked > 0, f"{doc}: no keyturn command lines found"
