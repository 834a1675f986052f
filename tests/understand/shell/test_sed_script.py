"""sed scripts: the commands they run and the files they write are found; everyday scripts
are read without false alarms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.understand.shell.commands._sed_script import read_script

EVERYDAY = [
    "s/foo/bar/g",
    "1,10p",
    "/^#/d",
    "s|a|b|",
    "$a\\text",
    "1i header",
    "s/a/b/;s/c/d/",
    "y/abc/xyz/",
    "/x/{s/a/b/;p}",
    "10q",
    r"s/\//x/g",
    r":a;N;$!ba;s/\n/ /g",
    "0,/re/s//x/",
    "$!d",
    "s/a/b/2g",
    "/a/,/b/d",
    "1~2d",
    "s/[/]/x/",
    "s#a#b#I",
    "\\%re%d",
    "s/e/E/g",  # an e in the text is no command
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_scripts_run_and_write_nothing(text: str) -> None:
    script = read_script(text)
    assert (script.unreadable, script.runs, script.runs_pattern_space, script.writes) == (
        None,
        [],
        False,
        [],
    )


@pytest.mark.parametrize(
    ("text", "runs", "pattern_space", "writes"),
    [
        ("1e rm -rf /", ["rm -rf /"], False, []),
        ("/x/e", [], True, []),
        ("s/x/y/e", [], True, []),
        ("s/x/y/gw /etc/passwd", [], False, ["/etc/passwd"]),
        ("w out.txt", [], False, ["out.txt"]),
        ("$!N;W log\ns/a/b/", [], False, ["log"]),
    ],
)
def test_commands_run_and_files_written_are_found(
    text: str, runs: list[str], pattern_space: bool, writes: list[str]
) -> None:
    script = read_script(text)
    assert script.unreadable is None
    assert (script.runs, script.runs_pattern_space, script.writes) == (runs, pattern_space, writes)


@pytest.mark.parametrize("text", ["s/x/y/Z", "s/unterminated", "1~", "k"])
def test_what_cannot_be_walked_is_said(text: str) -> None:
    assert read_script(text).unreadable


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="sewyp/|#;{}!$,~0123456789 \\\n[]^aIgM", max_size=40))
def test_any_script_is_walked_or_said_unreadable(text: str) -> None:
    script = read_script(text)  # never raises
    assert script.unreadable is None or script.unreadable
