"""Where secrets sit in free text: a command line as typed, a summary, a note, a file's content.

A line is split into its commands and words as a shell would (quotes kept together, commands cut
at unquoted ``; & | ( )`` and newlines) and each command's words are searched by the shapes of
:mod:`keyturn.audit.secrets`; a command piped into one that reads a secret on its input gives
the piped words as that secret. A long text is searched by the in-word shapes only.
"""

from __future__ import annotations

from collections.abc import Iterator

from keyturn.audit.secrets import (
    QUOTES,
    Span,
    in_word_spans,
    piped_secrets,
    quoted_spans,
    word_spans,
)

__all__ = ["long_text_spans", "text_spans"]


def long_text_spans(text: str) -> list[Span]:
    """The secret spans of a long text (a file's content, a script) by the in-word shapes only:
    linear in the regex engine, where splitting it into commands would not be."""
    return list(in_word_spans(text, blank_ends=True))


_SEPARATORS = frozenset(";&|()\n`")


def text_spans(text: str) -> list[Span]:
    """The secret spans of a command line as typed (or a summary, or a note that quotes one)."""
    spans = quoted_spans(text)
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
