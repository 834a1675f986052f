"""``gh api graphql``: the document is judged wherever it comes from.

gh's manual (``gh api --help``): ``-F key=@file`` reads the value from a file (``@-`` the
standard input), ``--input FILE`` sends the file as the request body, and for ``graphql`` the
``query`` field is the document. keyturn looked only at the words of ``-f``/``-F`` on the line
and for the text ``mutation``: a document read from a file was a *read*, and a delete whose
name was cut from its ``(`` by a comment an update. ``glab api graphql`` already read the
document that way; both now share the reading (:mod:`._forge_graphql`).
"""

from __future__ import annotations

import json

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_DELETE = 'mutation { deleteRepository(input: {repositoryId: "R_1"}) { clientMutationId } }'
_READ = "query { viewer { login } }"


def kind(command: str, files: dict[str, str] | None = None) -> EffectKind:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(files or {}))
    (effect,) = [e for e in action.effects if "github:graphql" in e.resource.names]
    return effect.effect


@pytest.mark.parametrize(
    ("command", "files"),
    [
        ("gh api graphql -F query=@q.graphql", {f"{CWD}/q.graphql": _DELETE}),
        ("gh api graphql --field query=@q.graphql", {f"{CWD}/q.graphql": _DELETE}),
        (
            "gh api graphql --input body.json",
            {f"{CWD}/body.json": json.dumps({"query": _DELETE})},
        ),
        (f"gh api graphql -F query=@- <<'EOF'\n{_DELETE}\nEOF", {}),
        # A comment between the field's name and its arguments.
        (
            "gh api graphql -f query=$'mutation { deleteRepository # x\\n"
            ' (input: {repositoryId: "R_1"}) { clientMutationId } }\'',
            {},
        ),
        ("gh api graphql -f query='mutation { a: archiveRepository(input: {}) { x } }'", {}),
    ],
)
def test_a_delete_mutation_is_held_wherever_the_document_comes_from(
    judge_shell: JudgeShell, command: str, files: dict[str, str]
) -> None:
    assert kind(command, files) is EffectKind.UNKNOWN
    assert judge_shell(command, env="dev", files=files).decision is not Verdict.ALLOW


@pytest.mark.parametrize(
    "command",
    [
        "gh api graphql -F query=@q.graphql",
        "gh api graphql --input body.json",
        'gh api graphql -f query="$Q"',
    ],
)
def test_a_document_not_at_hand_is_not_known(command: str) -> None:
    assert kind(command) is EffectKind.UNKNOWN


@pytest.mark.parametrize(
    ("command", "files"),
    [
        ("gh api graphql -F query=@q.graphql", {f"{CWD}/q.graphql": _READ}),
        ("gh api graphql --input body.json", {f"{CWD}/body.json": json.dumps({"query": _READ})}),
        # The word "mutation" in a string of a query changes nothing.
        (
            "gh api graphql -f query='query { search(query: \"mutation\", first: 1) { x } }'",
            {},
        ),
    ],
)
def test_a_query_read_from_a_file_reads(command: str, files: dict[str, str]) -> None:
    assert kind(command, files) is EffectKind.READ


def test_a_mutation_that_deletes_nothing_updates() -> None:
    assert (
        kind("gh api graphql -f query='mutation { addStar(input: {}) { x } }'") is EffectKind.UPDATE
    )
