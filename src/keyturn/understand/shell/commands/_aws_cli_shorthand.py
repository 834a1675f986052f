"""The AWS CLI's shorthand syntax (``Key=tag:Env,Values=prod,dev``), read as awscli reads it.

A port of awscli 1.46's ``awscli/shorthand.py`` ``ShorthandParser`` (Apache-2.0), so that a
value means here what it means to the CLI:

- a value runs on over commas until the next ``name=``: ``Values=i-1,i-2`` is the list
  ``["i-1", "i-2"]`` and ``commands=ls -la,rm x`` two commands, not one value and a stray word;
- ``name@=file://path`` (``fileb://``) is the text of a local file, read by the CLI: the path is
  given to :func:`paramfile_paths` callers (a read judged as ``cat``'s) and its text read through
  ``read`` (``commands@=file://run.sh`` runs what the file says);
- quoted values (``'a,b'``, ``"a b"``) are one value, ``\\,`` an escaped comma;
- explicit lists ``[a,b]`` and hashes ``{k=v}`` nest.

Text that does not parse is given back as it is (the CLI refuses it, or takes it as a scalar).
A scalar where the model has a list becomes a list of one (awscli's ``BackCompatVisitor``):
that is :func:`keyturn.understand.shell.commands._aws_cli_params.coerce`'s part.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

# awscli's character classes, verbatim: what a value may start with and go on with (the
# second value of a comma list may not hold ``=``: that starts the next pair).
_START_WORD = r"\!\#-&\(-\+\--\<\>-Z\\\\-z\u007c-\uffff"
_FIRST_FOLLOW_CHARS = r"\s\!\#-&\(-\+\--\\\\\^-\|~-\uffff"
_SECOND_FOLLOW_CHARS = r"\s\!\#-&\(-\+\--\<\>-\uffff"
_ESCAPED_COMMA = "(\\\\,)"
_FIRST_VALUE = re.compile(
    f"({_ESCAPED_COMMA}|[{_START_WORD}])({_ESCAPED_COMMA}|[{_FIRST_FOLLOW_CHARS}])*"
)
_SECOND_VALUE = re.compile(
    f"({_ESCAPED_COMMA}|[{_START_WORD}])({_ESCAPED_COMMA}|[{_SECOND_FOLLOW_CHARS}])*"
)
_SINGLE_QUOTED = re.compile(r"'(?:\\'|[^'])*'")
_DOUBLE_QUOTED = re.compile(r'"(?:\\"|[^"])*"')
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "-_.#/:")
_PARAMFILE = ("file://", "fileb://")
# ``name@=file://path``: where a value is read from a local file (for the reads to judge).
_PARAMFILE_REF = re.compile(r"@\s*=\s*['\"]?(fileb?://[^,\]}'\"]*)")

Reader = Callable[[str], str]


class _Syntax(Exception):
    """The text is not shorthand."""


def paramfile_paths(text: str) -> list[str]:
    """The local paths a shorthand value reads through ``name@=file://path``."""
    return [ref.split("://", 1)[1].rstrip() for ref in _PARAMFILE_REF.findall(text)]


def parse_shorthand(text: str, read: Reader | None = None) -> Any:
    """``text`` read as shorthand (a dict), or ``text`` itself when it is not shorthand.
    ``read`` gives a ``file://`` value's text (it may raise: the CLI reads it or fails); without
    it, a value read from a file is left as its ``file://…`` reference."""
    try:
        return _Parser(text, read).parameter()
    except (_Syntax, IndexError):
        return text


class _Parser:
    def __init__(self, text: str, read: Reader | None) -> None:
        self.text, self.read, self.i = text, read, 0
        self.from_file = False

    def parameter(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        key, value = self.keyval()
        params[key] = value
        while self.i < len(self.text):
            self.expect(",", spaces=True)
            key, value = self.keyval()
            if key in params:
                raise _Syntax  # the CLI refuses a key given twice
            params[key] = value
        return params

    def keyval(self) -> tuple[str, Any]:
        key = self.key()
        return key, self.values()

    def key(self) -> str:
        """A key, the ``@`` after it (its value read from a file) and the ``=``."""
        start = self.i
        while not self.eof() and self.text[self.i] in _KEY_CHARS:
            self.i += 1
        key = self.text[start : self.i]
        self.from_file = False
        self.spaces()
        if self.current() == "@":
            self.i += 1
            self.from_file = True
        self.expect("=", spaces=True)
        return key

    def values(self) -> Any:
        if self.eof():
            return ""
        if self.current() == "[":
            return self.explicit_list()
        if self.current() == "{":
            return self.hash_literal()
        return self.csv_value()

    def csv_value(self) -> Any:
        first = self.first_value()
        self.spaces()
        if self.eof() or self.current() != ",":
            return first
        self.expect(",", spaces=True)
        found = [first]
        while True:
            try:
                value = self.second_value()
                self.spaces()
                if self.eof():
                    found.append(value)
                    break
                self.expect(",", spaces=True)
                found.append(value)
            except _Syntax:
                if self.eof():
                    raise
                while self.i >= 0 and self.text[self.i] != ",":
                    self.i -= 1  # the next ``name=`` starts after this comma
                break
        return first if len(found) == 1 else found

    def first_value(self) -> str:
        if self.current() in ("'", '"'):
            return self.quoted()
        match = _FIRST_VALUE.match(self.text, self.i)
        if match is None:
            return ""
        self.i = match.end()
        return self.resolved(match.group().replace("\\,", ",").rstrip())

    def second_value(self) -> str:
        if self.current() in ("'", '"'):
            return self.quoted()
        match = _SECOND_VALUE.match(self.text, self.i)
        if match is None:
            raise _Syntax
        self.i = match.end()
        return self.resolved(match.group().replace("\\,", ",").rstrip())

    def quoted(self) -> str:
        quote = self.text[self.i]
        match = (_SINGLE_QUOTED if quote == "'" else _DOUBLE_QUOTED).match(self.text, self.i)
        if match is None:
            raise _Syntax
        self.i = match.end()
        value = match.group()[1:-1].replace(f"\\{quote}", quote).replace("\\\\", "\\")
        return self.resolved(value)

    def explicit_list(self) -> list[Any]:
        self.expect("[", spaces=True)
        found: list[Any] = []
        while self.current() != "]":
            found.append(self.explicit_value())
            self.spaces()
            if self.current() != "]":
                self.expect(",")
                self.spaces()
        self.expect("]")
        return found

    def explicit_value(self) -> Any:
        if self.current() == "[":
            return self.explicit_list()
        if self.current() == "{":
            return self.hash_literal()
        return self.first_value()

    def hash_literal(self) -> dict[str, Any]:
        self.expect("{", spaces=True)
        found: dict[str, Any] = {}
        while self.current() != "}":
            key = self.key()
            value = self.explicit_value()
            self.spaces()
            if self.current() != "}":
                self.expect(",")
                self.spaces()
            found[key] = value
        self.expect("}")
        return found

    def resolved(self, value: str) -> str:
        """A value after ``name@=``: the file's text when it names one and ``read`` is given."""
        if self.from_file and self.read is not None and value.startswith(_PARAMFILE):
            return self.read(value)
        return value

    def expect(self, char: str, *, spaces: bool = False) -> None:
        if spaces:
            self.spaces()
        if self.eof() or self.text[self.i] != char:
            raise _Syntax
        self.i += 1
        if spaces:
            self.spaces()

    def current(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def eof(self) -> bool:
        return self.i >= len(self.text)

    def spaces(self) -> None:
        while not self.eof() and self.text[self.i] in string.whitespace:
            self.i += 1
