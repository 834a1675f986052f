"""Where secrets sit in free text: a command line as typed, a summary, a note, a file's content.

A line is split into its commands and words as a shell would (quotes kept together, commands cut
at unquoted ``; & | ( )`` and newlines) and each command's words are searched by the shapes of
:mod:`keyturn.audit.secrets`; a command piped into one that reads a secret on its input gives
the piped words as that secret. A long text is searched by the in-word shapes only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from keyturn.audit.secrets import (
    QUOTES,
    Span,
    in_word_spans,
    piped_secrets,
    quoted_spans,
    secret_name,
    word_spans,
)

__all__ = ["long_text_spans", "text_spans"]


def long_text_spans(text: str) -> list[Span]:
    """The secret spans of a long text (a file's content, a script) by the in-word shapes only:
    linear in the regex engine, where splitting it into commands would not be."""
    return list(in_word_spans(text, blank_ends=True)) + document_spans(text)


# ``password: VALUE`` on a line of its own (YAML, a properties file, a manifest): the value.
_YAML_MEMBER = re.compile(r"(?m)^[ \t]*(?:- )?([A-Za-z0-9_.-]{1,64})[ \t]*:[ \t]+(\S[^\n]*)")
_YAML_LINE = re.compile(r"([ \t]*)(?:- )?([A-Za-z0-9_.-]{1,253})[ \t]*:(?:[ \t]+|$)")
# ``password = VALUE`` with blanks around ``=`` (an INI file, a conninfo string, tfvars).
_SPACED_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,63})(?:[ \t]+=[ \t]*|[ \t]*=[ \t]+)"
    r"(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s'\"\\;&|]+))"
)
_SECRET_KIND = re.compile(r"(?m)^[ \t]*kind:[ \t]*[\"']?Secret[\"']?[ \t]*$")
_BLOCK = ("|", ">")


def document_spans(text: str) -> list[Span]:
    """The secrets of a document given as text: values of members named like secrets on a
    line of their own, and every value under ``data:``/``stringData:`` of a Kubernetes
    Secret manifest (any key: ``tls.key``, ``config.json``)."""
    spans = [
        Span(m.start(g), m.end(g), "named secret")
        for m in _SPACED_ASSIGNMENT.finditer(text) if "=" in text and secret_name(m.group(1))
        for g in (2, 3, 4) if m.group(g)
    ]  # fmt: skip
    if ":" not in text:
        return spans
    for m in _YAML_MEMBER.finditer(text):
        # The value ends where its line does, less trailing blanks (stripped here, not by
        # the pattern: a lazy match before ``[ \t]*$`` is quadratic in a run of blanks).
        start, end = m.start(2), m.start(2) + len(m.group(2).rstrip(" \t\r"))
        if not secret_name(m.group(1)) or text[start] in "|>&*{[#!":
            continue
        if end - start >= 2 and text[start] in QUOTES and text[end - 1] == text[start]:
            start, end = start + 1, end - 1
        if end > start:
            spans.append(Span(start, end, "named secret"))
    if _SECRET_KIND.search(text):
        spans += _manifest_data_spans(text)
    return spans


def _manifest_data_spans(text: str) -> list[Span]:
    """Every line below a ``data:`` or ``stringData:`` key, as far as it is indented deeper:
    the values (a block scalar's lines whole)."""
    spans: list[Span] = []
    block: int | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip()
        indent = len(body) - len(body.lstrip(" \t"))
        if body and block is not None and indent <= block:
            block = None
        key = _YAML_LINE.match(body)
        value = body[key.end() :] if key else ""
        if block is None:
            if key and key.group(2) in ("data", "stringData") and not value:
                block = indent
        elif body:
            if not key:  # a block scalar's line, or a value of its own
                spans.append(Span(offset + indent, offset + len(body), "secret value"))
            elif value and value not in _BLOCK:
                spans.append(Span(offset + key.end(), offset + len(body), "secret value"))
        offset += len(line)
    return spans


_SEPARATORS = frozenset(";&|()\n`")


def text_spans(text: str) -> list[Span]:
    """The secret spans of a command line as typed (or a summary, or a note that quotes one)."""
    spans = quoted_spans(text) + document_spans(text)
    previous: list[tuple[int, str]] = []
    for segment, piped in _segments(text):
        words = [w for _, w in segment]
        found = word_spans(words)
        if piped and previous:
            into = piped_secrets([w for _, w in previous], into=words)
            for (offset, _), extra in zip(previous, into, strict=True):
                spans += [Span(offset + s.start, offset + s.end, s.why) for s in extra]
        for (offset, _), in_word in zip(segment, found, strict=True):
            spans += [Span(offset + s.start, offset + s.end, s.why) for s in in_word]
        previous = segment
    return spans


def _segments(text: str) -> Iterator[tuple[list[tuple[int, str]], bool]]:
    """The text's commands as ``(words with their offsets, whether piped into)``: words split at
    unquoted blanks, commands at unquoted ``; & | ( ) `` and newlines."""
    words: list[tuple[int, str]] = []
    start: int | None = None
    quote = ""
    piped = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in QUOTES:
            quote = ch
            start = i if start is None else start
        elif ch == "\\":
            start = i if start is None else start
            i += 1
        elif ch.isspace() or ch in _SEPARATORS:
            if start is not None:
                words.append((start, text[start:i]))
                start = None
            if ch in _SEPARATORS:
                if words:
                    yield words, piped
                    words = []
                piped = ch == "|" and "|" not in (text[i - 1 : i], text[i + 1 : i + 2])
        elif start is None:
            start = i
        i += 1
    if start is not None:
        words.append((start, text[start:]))
    if words:
        yield words, piped
