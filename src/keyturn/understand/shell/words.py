"""Shell words: one word node -> the value(s) bash passes to the program (:class:`Word`).

tree-sitter-bash gives words as raw source text (``'kubectl delete ns prod'`` keeps its quotes).
:class:`WordEvaluator` turns one word node into the value(s) bash would pass to the program, as
far as they are decided by the text: quotes removed, escapes resolved, ``$'\\x72m'`` decoded,
``{a,b}`` expanded, ``~`` and known variables substituted, unquoted expansions split at
``IFS``. Whatever depends on run time (an unknown variable, a command substitution whose output
is not constant, arithmetic) makes the word *dynamic*: callers must then not rely on its value.

The text rules it applies are their own modules: brace expansion in :mod:`.brace_expansion`,
backslash escapes and ``$'…'`` in :mod:`.escapes`; paths in words (``normalize_path``,
``basename``) in :mod:`.paths`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from tree_sitter import Node

from keyturn.understand.shell.brace_expansion import MAX_BRACE_TEXT, expand_braces
from keyturn.understand.shell.brace_expansion import (
    MAX_BRACE_WORDS as MAX_BRACE_WORDS,  # re-exported: tests import it here
)
from keyturn.understand.shell.escapes import (
    decode_ansi_c,
    unescape_double_quoted,
    unescape_unquoted,
)
from keyturn.understand.shell.source import node_text

_GLOB = re.compile(r"(?<!\\)[*?\[]")
# A bracket expression holding a quoted or escaped character (``pro[d\]]``, ``pro[d"]"]``): to
# bash a quoted ``]`` does not close the set, so ``[d\]]`` is one character, ``d`` or ``]``;
# once the quotes are gone the text no longer tells which ``]`` closes it. (Found from the
# ``[`` nearest before the quote: the search from every ``[`` to the end made a word of
# ``[`` with no ``]`` (``[[ [[ [[ …``) take time as the square of its length.)
_QUOTE_IN_BRACKETS = re.compile(r"(?<!\\)\[[^\]/\[\\\"']*[\\\"']")
# ``~user``, and the directory stack's ``~N``, ``~+N``, ``~-N`` (run time: ``pushd`` made it).
_TILDE_USER = re.compile(r"~[A-Za-z_][A-Za-z0-9_.-]*")
_DIRECTORY_STACK = re.compile(r"~[+-]?[0-9]+")
_LITERAL_TYPES = frozenset({"word", "number", "brace_expression", "concatenation"})


@dataclass(frozen=True, slots=True)
class Word:
    """One shell word after expansion.

    - ``text``: the value, as far as the source decides it (for dynamic words, the best guess
      with the unknown parts kept as written).
    - ``raw``: the source text.
    - ``dynamic``: some part is decided at run time.
    - ``glob``: an unquoted ``*``, ``?`` or ``[`` (pathname expansion applies).
    """

    text: str
    raw: str
    dynamic: bool = False
    glob: bool = False


@dataclass(frozen=True, slots=True)
class _Segment:
    text: str
    quoted: bool
    dynamic: bool = False
    splittable: bool = False  # unquoted expansion: bash splits its value on whitespace


Substitution = Callable[[Node], "str | None"]
Visit = Callable[[Node], None]


class WordEvaluator:
    """Evaluate word nodes with known variables.

    ``variables`` maps names to their value, or ``None`` when the name is known to be set at run
    time to something not known now. ``substitute`` judges the commands inside ``$( )`` and
    returns their constant output, or ``None``. ``visit`` judges commands inside any other node
    (arithmetic, ``${x:-$(cmd)}``, process substitution).
    """

    def __init__(
        self,
        *,
        variables: Mapping[str, str | None],
        home: str,
        substitute: Substitution,
        visit: Visit,
    ) -> None:
        self._vars = variables
        self._home = home
        self._substitute = substitute
        self._visit = visit
        self._brace_text_left = MAX_BRACE_TEXT  # what brace expansions may still make

    @contextmanager
    def binding(self, name: str, value: str) -> Iterator[None]:
        """``name`` set to ``value`` meanwhile (a loop's variable in one pass over its body)."""
        saved = self._vars
        self._vars = {**saved, name: value}
        try:
            yield
        finally:
            self._vars = saved

    def words(self, node: Node) -> list[Word]:
        """The words one argument node stands for (several after brace expansion or splitting)."""
        raw = node_text(node)
        if node.type in _LITERAL_TYPES and _is_plain_literal(node) and "{" in raw:
            expanded = self._expanded(raw)
            if expanded is None:
                return [Word(text=raw, raw=raw, dynamic=True)]
            if expanded != [raw]:  # also a one-word range: ``/{e..e}tc`` is ``/etc``
                return [self._literal_word(piece) for piece in expanded]
        if node.type == "concatenation" and "{" in raw:
            braced = self._braced(node)
            if braced is not None:
                return braced
        return self._fields(self._segments(node), raw)

    def _fields(self, segments: list[_Segment], raw: str) -> list[Word]:
        """The words ``segments`` make after bash's field splitting: an unquoted expansion's
        value splits at the characters of ``IFS`` (``x=$'\n'; rm /srv/prod$x`` is ``/srv/prod``;
        ``IFS=,; x=/srv/prod,/tmp; rm $x`` two paths). An empty field that only an expansion
        made is dropped. An ``IFS`` set at run time makes such a word decided at run time."""
        if not any(s.splittable and not s.dynamic for s in segments):
            return [self._assemble(segments, raw)]
        ifs = self._vars.get("IFS", _DEFAULT_IFS)  # None: set at run time
        if ifs is None:
            return [Word(text="".join(s.text for s in segments), raw=raw, dynamic=True)]
        fields: list[list[_Segment]] = [[]]
        kept = [False]  # the field holds a quoted part or text: kept even when empty
        for seg in segments:
            if not seg.splittable or seg.dynamic or not ifs:
                fields[-1].append(seg)
                kept[-1] = kept[-1] or seg.quoted or bool(seg.text)
                continue
            pieces = _ifs_split(seg.text, ifs)
            for n, piece in enumerate(pieces):
                if n:  # a break: the next field starts
                    fields.append([])
                    kept.append(False)
                if piece:
                    fields[-1].append(_Segment(piece, quoted=False, splittable=True))
                    kept[-1] = True
        words = [
            self._assemble(field, raw, tilde=index == 0)
            for index, (field, keep) in enumerate(zip(fields, kept, strict=True))
            if keep
        ]
        return words or [Word(text="", raw=raw)]

    def word(self, node: Node) -> Word:
        """One word (brace expansion and splitting joined back with spaces)."""
        found = self.words(node)
        if len(found) == 1:
            return found[0]
        return Word(
            text=" ".join(w.text for w in found),
            raw=node_text(node),
            dynamic=any(w.dynamic for w in found),
            glob=any(w.glob for w in found),
        )

    def _braced(self, node: Node) -> list[Word] | None:
        """The words a concatenation with expansions or quotes stands for after bash's brace
        expansion (``"$S"/{prod,dev}``, ``{$a,b}``), which comes before the other expansions;
        ``None`` when it has no brace to expand. Each part that is not unquoted literal text
        stands in the brace expansion's text as one inert character, so that a brace holds it
        as one alternative or part of one, as bash's does."""
        raw = node_text(node)
        if _INERT_PARTS.search(raw):  # the marks would be ambiguous: where it lands is not told
            return [Word(text=raw, raw=raw, dynamic=True)]
        template: list[str] = []
        held: dict[str, Node | None] = {}
        for index, child in enumerate(node.children):
            if child.type in ("word", "number", "brace_expression"):
                template.append(node_text(child))
                continue
            mark = chr(_INERT + index)
            held[mark] = child if child.is_named else None  # None: a lone ``$``
            template.append(mark)
        text = "".join(template)
        pieces = self._expanded(text)
        if pieces is None:
            return [Word(text=raw, raw=raw, dynamic=True)]
        if pieces == [text]:
            return None
        words = []
        for piece in pieces:
            segments: list[_Segment] = []
            for part in _INERT_PARTS.split(piece):
                if not part:
                    continue
                if part in held:
                    kept = held[part]
                    segments += _DOLLAR_SEGMENTS if kept is None else self._segments(kept)
                else:
                    segments.append(_Segment(unescape_unquoted(part), quoted=False))
            words.extend(self._fields(segments, raw))
        return words

    def _expanded(self, raw: str) -> list[str] | None:
        """:func:`expand_braces` within what the line's expansions may still make; ``None``
        past either bound (see :data:`MAX_BRACE_TEXT`)."""
        pieces = expand_braces(raw)
        if pieces is None or pieces == [raw]:
            return pieces
        self._brace_text_left -= sum(len(p) + 1 for p in pieces)
        return pieces if self._brace_text_left >= 0 else None

    def _literal_word(self, raw: str) -> Word:
        text = unescape_unquoted(raw)
        expanded = self._tilde(text, raw)
        glob = bool(_GLOB.search(raw))
        if expanded is None or (glob and _QUOTE_IN_BRACKETS.search(raw)):
            # decided at run time (``~-`` with no OLDPWD known), or a set whose end the text
            # no longer tells: where the word lands is not told
            return Word(text=text, raw=raw, dynamic=True, glob=glob)
        return Word(text=expanded, raw=raw, glob=glob)

    def _assemble(self, segments: list[_Segment], raw: str, *, tilde: bool = True) -> Word:
        text = "".join(s.text for s in segments)
        dynamic = any(s.dynamic for s in segments)
        if tilde and segments and not segments[0].quoted and not segments[0].dynamic:
            expanded = self._tilde(text, raw)
            dynamic = dynamic or expanded is None
            text = text if expanded is None else expanded
        glob = any(not s.quoted and not s.dynamic and _GLOB.search(s.text) for s in segments)
        dynamic = dynamic or (glob and _QUOTE_IN_BRACKETS.search(raw) is not None)
        return Word(text=text, raw=raw, dynamic=dynamic, glob=glob)

    def _tilde(self, text: str, raw: str) -> str | None:
        """``text`` with a leading ``~``, ``~user``, ``~+`` ($PWD) or ``~-`` ($OLDPWD) expanded;
        ``None`` when the expansion is decided at run time (``~-`` with no known OLDPWD, the
        directory stack's ``~N``, ``~+N``, ``~-N``)."""
        if not raw.startswith("~"):
            return text
        head, sep, tail = text.partition("/")
        if head == "~":
            if "HOME" in self._vars and self._vars["HOME"] is None:
                return None  # the line sets HOME at run time, or to more than one value
            home = self._vars.get("HOME") or self._home
        elif head in ("~+", "~-"):
            found = self._vars.get("PWD" if head == "~+" else "OLDPWD")
            if found is None:
                return None
            home = found
        elif _DIRECTORY_STACK.fullmatch(head):
            return None
        elif _TILDE_USER.fullmatch(head):
            user = head[1:]
            home = "/root" if user == "root" else f"/home/{user}"
        else:
            return text
        return home + sep + tail

    def _segments(self, node: Node) -> list[_Segment]:
        kind = node.type
        if kind in ("word", "number", "brace_expression"):
            return [_Segment(unescape_unquoted(node_text(node)), quoted=False)]
        if kind == "raw_string":
            return [_Segment(node_text(node)[1:-1], quoted=True)]
        if kind == "ansi_c_string":
            # bash ends the string at a NUL (``$'prod\0x'`` is ``prod``).
            decoded = decode_ansi_c(node_text(node)[2:-1]).partition("\0")[0]
            return [_Segment(decoded, quoted=True)]
        if kind in ("string", "translated_string"):
            return [self._string(node)]
        if kind == "concatenation":
            # A ``$`` that opens nothing (``a$``, ``x$ y``) is the grammar's token of its own, a
            # literal dollar to bash: kept, or ``/srv/prod$`` would name ``/srv/prod``.
            return [
                s
                for child in node.children
                if child.is_named or child.type == "$"
                for s in (self._segments(child) if child.is_named else [_DOLLAR])
            ]
        if kind == "simple_expansion":
            return [self._variable(node, _simple_name(node))]
        if kind == "expansion":
            operated = self._operated(node)
            if operated is not None:
                return [operated]
            return [self._variable(node, _plain_expansion_name(node))]
        if kind == "command_substitution":
            out = self._substitute(node)
            if out is None:
                return [_Segment(node_text(node), quoted=False, dynamic=True)]
            return [_Segment(out, quoted=False, splittable=True)]
        self._visit(node)
        return [_Segment(node_text(node), quoted=False, dynamic=True)]

    def _operated(self, node: Node) -> _Segment | None:
        """``${NAME:?msg}``, ``${NAME:-word}``, ``${NAME:+word}`` and their forms without the
        colon (not ``:=``, which assigns), for a NAME whose value is known: what bash expands
        them to. ``None`` for any other expansion, or when NAME or the word is decided at run
        time."""
        kids = node.children
        if len(kids) not in (4, 5) or kids[1].type != "variable_name":
            return None
        op = kids[2].type
        value = self._vars.get(node_text(kids[1]))
        if op not in _DEFAULTING_OPERATORS or value is None:
            return None
        word = ""
        if len(kids) == 5:
            literal = kids[3]
            if literal.type not in ("word", "raw_string", "concatenation", "number"):
                return None
            segments = self._segments(literal)
            if any(seg.dynamic for seg in segments):
                return None
            word = "".join(seg.text for seg in segments)
        empty = value == "" if op.startswith(":") else False
        if op in (":?", "?"):
            return None if empty else _Segment(value, quoted=False, splittable=True)
        if op in (":-", "-"):
            return _Segment(word if empty else value, quoted=False, splittable=True)
        return _Segment("" if empty else word, quoted=False, splittable=True)  # :+ and +

    def _string(self, node: Node) -> _Segment:
        parts: list[str] = []
        dynamic = False
        for child in node.named_children:
            if child.type == "string_content":
                parts.append(unescape_double_quoted(node_text(child)))
                continue
            for seg in self._segments(child):
                parts.append(seg.text)
                dynamic = dynamic or seg.dynamic
        return _Segment("".join(parts), quoted=True, dynamic=dynamic)

    def _variable(self, node: Node, name: str | None) -> _Segment:
        if name is None:
            self._visit(node)
            return _Segment(node_text(node), quoted=False, dynamic=True)
        value = self._vars.get(name)
        if value is None:
            return _Segment(node_text(node), quoted=False, dynamic=True)
        return _Segment(value, quoted=False, splittable=True)


_DOLLAR = _Segment("$", quoted=False)
_DEFAULT_IFS = " \t\n"


def _ifs_split(text: str, ifs: str) -> list[str]:
    """``text`` (an unquoted expansion's value) cut where bash's field splitting cuts it: at a
    run of ``IFS`` whitespace, or at one other ``IFS`` character with the whitespace around it.
    A leading or trailing cut is kept as an empty piece (the field before or after ends
    there), so that the caller joins the pieces with the text around the expansion."""
    white = "".join(c for c in ifs if c in _DEFAULT_IFS)
    other = "".join(c for c in ifs if c not in _DEFAULT_IFS)
    w = f"[{re.escape(white)}]" if white else None
    o = f"[{re.escape(other)}]" if other else None
    cut = f"{w}*{o}{w}*|{w}+" if w and o else f"{w}+" if w else str(o)
    return re.split(cut, text)


_DOLLAR_SEGMENTS = [_DOLLAR]
# Characters that stand for a concatenation's parts in its brace expansion (Unicode's private
# use area: not in a command line's text that matters; the grammar sees an ASCII shadow).
_INERT = 0xF0000
_INERT_PARTS = re.compile("([\U000f0000-\U000ffffd])")


def _is_plain_literal(node: Node) -> bool:
    if node.type != "concatenation":
        return node.type in ("word", "number", "brace_expression")
    return all(c.type in ("word", "number", "brace_expression") for c in node.named_children)


def _simple_name(node: Node) -> str | None:
    for child in node.named_children:
        if child.type == "variable_name":
            return node_text(child)
    return None


# Not ``:=`` and ``=``: they also assign NAME, which later words would have to see.
_DEFAULTING_OPERATORS = frozenset({":?", "?", ":-", "-", ":+", "+"})


def _plain_expansion_name(node: Node) -> str | None:
    """``${NAME}`` only; any operator (``${x:-y}``, ``${#x}``, ``${x[@]}``) is run-time."""
    kids = node.children
    if len(kids) == 3 and kids[1].type == "variable_name":
        return node_text(kids[1])
    return None
