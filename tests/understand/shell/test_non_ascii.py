"""Lines with characters outside ASCII: understood, never a crash.

tree-sitter-bash's scanner reads out of bounds on some characters outside the Basic
Multilingual Plane (``A{`` then U+97F82 crashes the process about half the time), and a crashed
hook is, to most agents, a hook that did not object. The grammar is shown an ASCII shadow of the
line and the words are read from the real line (``keyturn.understand.shell.source``).
"""

from __future__ import annotations

import subprocess
import sys

from keyturn.model import EffectKind
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.source import shadow

# Each crashed the grammar in about half of the runs of a few thousand parses.
CRASHERS = ["A{\U00097f82", "{\U000e0001", "{\U0010ffff", " \u00b7\U0002f12fA{\U00097f82"]


def test_the_lines_that_crashed_the_grammar_are_understood_in_a_loop() -> None:
    # In child processes: a crash here would take the test run down with it. Whether the
    # out-of-bounds read faults depends on the memory layout: one process of 2,000 rounds
    # crashed in more than half of the tries, so six all surviving by luck is well under 1%.
    code = (
        "import sys\n"
        "from keyturn.understand.shell import understand_shell\n"
        "lines = [l.encode().decode('unicode_escape') for l in sys.argv[1:]]\n"
        "for _ in range(2000):\n"
        "    for line in lines:\n"
        "        assert understand_shell(line).effects\n"
        "print('done')\n"
    )
    escaped = [line.encode("unicode_escape").decode() for line in CRASHERS]
    for _ in range(6):
        done = subprocess.run(
            [sys.executable, "-c", code, *escaped], capture_output=True, text=True, timeout=240
        )
        assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
        assert done.stdout.strip() == "done"


def test_the_shadow_keeps_every_offset_and_only_ascii() -> None:
    line = "rm -rf /tmp/é 中 \U0001f600 \U00097f82".encode()
    shown = shadow(line)
    assert len(shown) == len(line)
    assert all(b < 128 for b in shown)
    assert [i for i, b in enumerate(line) if b < 128] == [
        i for i, b in enumerate(shown) if shown[i] == line[i]
    ]


def test_words_are_read_from_the_real_line() -> None:
    deleted = understand_shell("rm -rf '/srv/données' /tmp/中文", cwd="/")
    names = sorted(n for e in deleted.effects for n in e.resource.names)
    assert "file:/srv/données" in names
    assert "file:/tmp/中文" in names
    assert all(e.effect is EffectKind.DELETE for e in deleted.effects)
    written = understand_shell('echo "é" > /etc/é.conf', cwd="/")
    assert any(
        "file:/etc/é.conf" in e.resource.names and e.effect is EffectKind.UPDATE
        for e in written.effects
    )


def test_a_heredoc_ends_no_later_than_bash_ends_it() -> None:
    # To bash the heredoc runs to the line "É"; in the shadow "Ü" (as many bytes) ends it:
    # the line in between is then judged as a command rather than passed over as text.
    action = understand_shell("cat <<É\nÜ\nrm -rf /srv/app\nÉ\n", cwd="/")
    assert any(e.effect is EffectKind.DELETE for e in action.effects)
