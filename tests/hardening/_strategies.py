"""Hypothesis strategies for hostile input: JSON values, shell-ish text, SQL-ish text."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "*", "prod-db", "/", "..", "arn:aws:rds:us-east-1:1:db:x", "delete"])
)


def json_values(max_leaves: int = 25) -> st.SearchStrategy[Any]:
    """Any JSON value (nested lists and objects of scalars)."""
    return st.recursive(
        SCALARS,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``strategy``'s values, or a value of any other JSON type (type confusion)."""
    return strategy | json_values(6)


SHELL_TOKENS = [
    "rm",
    "-rf",
    "-r",
    "/",
    "~",
    "~/.keyturn",
    "mv",
    "cp",
    "sed",
    "-i",
    "tee",
    "bash",
    "-c",
    "sh",
    "python",
    "-c",
    "kubectl",
    "delete",
    "ns",
    "prod",
    "aws",
    "s3",
    "rb",
    "s3://x",
    "terraform",
    "destroy",
    "git",
    "push",
    "--force",
    "psql",
    "-c",
    "'DROP TABLE t'",
    "sudo",
    "env",
    "-u",
    "KEYTURN_POLICY",
    "export",
    "unset",
    "X=1",
    "KEYTURN_HOME=/tmp",
    "eval",
    "$(",
    ")",
    "`",
    "'",
    '"',
    "\\",
    "|",
    "||",
    "&&",
    ";",
    "&",
    ">",
    ">>",
    "<",
    "<<EOF",
    "EOF",
    "<<<",
    "2>&1",
    "{",
    "}",
    "(",
    ")",
    "((",
    "))",
    "[[",
    "]]",
    "$((1+1))",
    "${X:-y}",
    "$X",
    "*",
    "?",
    "[a-z]",
    "#",
    "\n",
    "\t",
    "function",
    "f()",
    "{ f|f& };",
    "xargs",
    "find",
    "-delete",
    "-exec",
    "dd",
    "of=/dev/sda",
    "mkfs.ext4",
    "curl",
    "-X",
    "DELETE",
    "http://k",
    "base64",
    "-d",
    "ssh",
    "host",
    "watch",
    "timeout",
    "10",
    "C:\\Windows",
    "del",
    "/s",
]

SQL_TOKENS = [
    "SELECT",
    "select",
    "*",
    "FROM",
    "t",
    "DROP",
    "TABLE",
    "DATABASE",
    "IF",
    "EXISTS",
    "DELETE",
    "UPDATE",
    "SET",
    "x",
    "=",
    "1",
    "WHERE",
    "INSERT",
    "INTO",
    "VALUES",
    "(",
    ")",
    ";",
    "--",
    "/*",
    "*/",
    "'",
    '"',
    "`",
    "$$",
    "$tag$",
    "TRUNCATE",
    "ALTER",
    "GRANT",
    "ALL",
    "ON",
    "TO",
    "CREATE",
    "INDEX",
    "WITH",
    "AS",
    "COPY",
    "BEGIN",
    "COMMIT",
    "\\",
    "\\c",
    "db2",
    "public.t",
    "schema",
    "CASCADE",
    "EXECUTE",
    "PREPARE",
    "DO",
    "CALL",
    "\n",
]


def token_text(tokens: list[str], max_size: int = 30) -> st.SearchStrategy[str]:
    """Text built from ``tokens`` and random fragments, joined by random separators."""
    piece = st.sampled_from(tokens) | st.text(max_size=6)
    return st.lists(
        st.tuples(piece, st.sampled_from([" ", "", " ", "\n", ";"])), max_size=max_size
    ).map(lambda parts: "".join(a + b for a, b in parts))
