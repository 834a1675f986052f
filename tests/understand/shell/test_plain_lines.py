"""Lines of plain words skip the grammar: what they give must be what the grammar gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.understand.shell.parse import parse_line, parse_tree, plain_command

# Words that are syntax somewhere (reserved words, declaration and unset commands), words with
# ``=``, numbers, punctuation-only words, and arbitrary words over the plain alphabet.
_SPECIAL = [
    *("if", "then", "fi", "for", "in", "do", "done", "case", "esac", "while", "until"),
    *("time", "select", "function", "coproc", "elif", "else"),
    *("export", "declare", "local", "readonly", "typeset", "unset", "unsetenv"),
    *("a=b", "X=1", "--x=1", "=", "==", "5", "0", "-", "--", ".", "..", ":", "%1", "@", ","),
    *("rm", "-rf", "/", "git", "push", "kubectl", "delete", "ns", "prod", "aws", "s3"),
]
_ALPHABET = "abcxyzABZ019_./@%+,:-="
# Single-quoted runs: any printable ASCII but the quote itself (and an empty pair).
_QUOTED = st.text(st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="'"))
quoted = st.builds(
    lambda a, q, b: f"{a}'{q}'{b}",
    st.text(_ALPHABET, max_size=3),
    _QUOTED,
    st.text(_ALPHABET, max_size=3),
)
words = st.one_of(st.sampled_from(_SPECIAL), st.text(_ALPHABET, min_size=1, max_size=8), quoted)
blanks = st.sampled_from([" ", "  ", "\t", " \t "])


@st.composite
def plain_lines(draw: st.DrawFn) -> str:
    parts = draw(st.lists(words, min_size=1, max_size=6))
    line = draw(st.sampled_from(["", " ", "\t"])) + parts[0]
    for part in parts[1:]:
        line += draw(blanks) + part
    return line + draw(st.sampled_from(["", " ", "\t "]))


@settings(max_examples=3000, deadline=None)
@given(plain_lines())
def test_a_plain_line_gives_what_the_grammar_gives(line: str) -> None:
    fast = plain_command(line)
    parsed = parse_tree(line, variables={}, home="/root")
    if fast is None:
        return  # not taken for plain: the grammar decides, as for any line
    assert not parsed.has_error, line
    assert parsed.items == [fast], line


def test_the_plain_path_is_taken_for_typical_lines_and_only_for_them() -> None:
    for line in (
        "ls -la /srv/app",
        "git push --force origin main",
        "terraform destroy",
        "psql -d app -c 'DROP TABLE users'",
        "rm -rf 'a b'",
    ):
        assert plain_command(line) is not None, line
    for line in (
        "X=1 rm -rf /",
        "rm -rf ~",
        "rm -rf $HOME",
        "rm -rf *",
        "echo x > /dev/sda",
        "ls; rm -rf /",
        "ls && rm -rf /",
        "ls | sh",
        "rm -rf {a,b}",
        "rm ==''",  # the grammar drops the ``==`` before a quote
        "export X=1",
        "if true",
        "ls # comment",
        "rm\\ -rf /",
        "ls\nrm -rf /",
        "",
        "   ",
    ):
        assert plain_command(line) is None, line
        assert parse_line(line, variables={}, home="/root") == parse_tree(
            line, variables={}, home="/root"
        ), line
