"""The shell parser loads tree-sitter-bash's compiled grammar by itself (the package's own
import costs a hook's start-up); it must be the very grammar the package gives."""

from __future__ import annotations

import subprocess
import sys

import tree_sitter_bash
from tree_sitter import Language, Parser

from keyturn.understand.shell import parse

LINES = ["rm -rf /", 'a=1; echo "$a" | tee x > y', "for f in *; do git push -f; done"]


def test_the_grammar_is_the_packages_own() -> None:
    ours, theirs = parse._LANGUAGE, Language(tree_sitter_bash.language())
    assert ours == theirs
    assert ours.node_kind_count == theirs.node_kind_count
    for line in LINES:
        mine = Parser(ours).parse(line.encode()).root_node
        reference = Parser(theirs).parse(line.encode()).root_node
        assert str(mine) == str(reference)


def test_understanding_a_line_does_not_import_the_package_resources() -> None:
    code = (
        "import sys\n"
        "from keyturn.understand.shell import understand_shell\n"
        "understand_shell('ls -la')\n"
        "print('importlib.resources' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
