"""git settings files are read leniently: whatever a .git/config holds, reading it never fails,
and the settings that run commands are found in the spellings git accepts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.understand.shell.commands._git_config_file import parse_settings as _settings


def test_sections_subsections_quotes_and_comments() -> None:
    text = (
        '[core]\n\tfsmonitor = "rm -rf /" ; planted\n'
        '[alias]\n  st = "!git status"\n'
        '[filter "lfs"]\n\tprocess = git-lfs filter-process\n'
        "# a comment\n[Core] Pager=less # inline\n"
    )
    assert _settings(text) == [
        ("core.fsmonitor", "rm -rf /"),
        ("alias.st", "!git status"),
        ("filter.lfs.process", "git-lfs filter-process"),
        ("Core.Pager", "less"),
    ]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='[]"\\=#;. \tabcorefsmit\n', max_size=80))
def test_any_text_is_read_without_failing(text: str) -> None:
    for key, value in _settings(text):
        assert isinstance(key, str) and isinstance(value, str)
