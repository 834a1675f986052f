"""Just enough of make's file format to find what a target runs.

Makefiles: rules ``target...: prereq...`` with tab-indented recipe lines, plain variable
assignments (``=``, ``:=``, ``::=``, ``:::=``, ``?=``, ``+=``, ``!=``; special variables such as
``.DEFAULT_GOAL`` too), ``define`` blocks as multi-line variables, line continuations, both
branches of conditionals kept (so nothing a branch could run is missed). What make would do
that this reading does not follow -- a pattern, suffix or ``.DEFAULT`` rule that may build a
prerequisite, target-specific variables, static pattern rules, ``.RECIPEPREFIX``,
``.SECONDEXPANSION``, ``$(eval …)``, ``load`` and any other line it does not know -- is noted
(:attr:`Rules.unmodelled`, :attr:`Rules.opaque`), so the run is unknown rather than judged from
a partial reading. Which assignments came from ``?=`` and which are ``override`` is kept (the
environment and the command line weigh differently against them), and so are the commands make
runs while it reads the file (``X != cmd``, ``$(shell cmd)`` outside recipes):
:attr:`Rules.read_time`.
``$(VAR)``/``${VAR}``/``$@``/``$<``/``$^``/``$$`` are substituted; a recipe line using any other
make function (``$(shell ...)``, ``$(wildcard ...)``) is not known and is reported as such.

(justfiles: :mod:`._justfile`.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ASSIGN = re.compile(
    r"^(?:export\s+)?(override\s+)?(?:export\s+)?"
    r"([A-Za-z_.][\w.-]*)\s*(\+=|\?=|:{1,3}=|=|!=)\s*(.*)$"
)
_DEFINE = re.compile(
    r"^(?:export\s+)?(override\s+)?define\s+([^\s=:+?!]+)\s*(?:\+=|\?=|:{1,3}=|=|!=)?\s*$"
)
# A target-specific (or pattern-specific) variable: ``target: NAME = value``.
_TARGET_ASSIGN = re.compile(
    r"^\s*(?:override\s+|export\s+|private\s+)*[^\s=:]+\s*(?:\+|\?|!|:{1,3})?="
)
# Lines make reads that change nothing this reading needs (``export NAME``, ``vpath``...) or
# only print (``$(info …)``).
_HARMLESS_DIRECTIVE = re.compile(
    r"^(?:export|unexport|vpath|undefine|\$[({](?:info|warning|error)\s)"
)
# A suffix rule's target: ``.c.o`` or ``.c`` (the special targets aside).
_SUFFIX_RULE = re.compile(r"^\.[^.%/\s]+(?:\.[^.%/\s]+)?$")
_SPECIAL_TARGETS = frozenset(
    {".PHONY", ".SUFFIXES", ".DEFAULT", ".PRECIOUS", ".INTERMEDIATE", ".NOTINTERMEDIATE"}
    | {".SECONDARY", ".SECONDEXPANSION", ".DELETE_ON_ERROR", ".IGNORE", ".LOW_RESOLUTION_TIME"}
    | {".SILENT", ".EXPORT_ALL_VARIABLES", ".NOTPARALLEL", ".ONESHELL", ".POSIX", ".WAIT"}
)
# Special variables that change how make reads recipes or what it builds, not followed here.
_UNMODELLED_VARIABLES = frozenset({".RECIPEPREFIX", ".EXTRA_PREREQS", ".LIBPATTERNS"})
# ``$(shell …)``/``${shell …}``: the start of a call (its end is found by counting brackets).
_SHELL_CALL = re.compile(r"\$([({])shell\s")
_RULE = re.compile(r"^([^:=#\t][^:=#]*?)\s*::?(?!=)\s*(.*)$")
_FUNCTION = re.compile(r"\$[({][a-z-]+\s")
_REF = re.compile(r"\$(?:\(([^()]*)\)|\{([^{}]*)\}|([@<^+*?$]))")


@dataclass(slots=True)
class Rules:
    """Targets with prerequisites and recipe lines; variables; the default target."""

    prereqs: dict[str, list[str]] = field(default_factory=dict)
    recipes: dict[str, list[str]] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    # Variables whose value came from ``?=`` (the environment wins over them) and those set
    # with ``override`` (the command line does not win over them).
    defaults: set[str] = field(default_factory=set)
    overridden: set[str] = field(default_factory=set)
    # Commands make runs while reading the file: ``X != cmd`` and ``$(shell cmd)`` outside
    # recipes (any of them may run: judged whether or not a recipe uses the variable).
    read_time: list[str] = field(default_factory=list)
    # Pattern rules' targets (``%.o``), and whether suffix or ``.DEFAULT`` rules are there: a
    # prerequisite without a rule of its own may be built by one of them.
    patterns: list[str] = field(default_factory=list)
    implicit: bool = False
    # What make does here that this reading does not follow: for the whole file, and per
    # target (its run is not known).
    unmodelled: list[str] = field(default_factory=list)
    opaque: dict[str, str] = field(default_factory=dict)


def shell_calls(text: str) -> list[str]:
    """The commands of the ``$(shell …)`` calls in ``text`` (an unclosed one: the rest)."""
    found: list[str] = []
    for start in _SHELL_CALL.finditer(text):
        opening = start.group(1)
        closing = ")" if opening == "(" else "}"
        depth, i = 1, start.end()
        while i < len(text) and depth:
            depth += {opening: 1, closing: -1}.get(text[i], 0)
            i += 1
        found.append(text[start.end() : i - 1 if depth == 0 else i])
    return found


def _logical_lines(text: str) -> list[str]:
    out: list[str] = []
    buf = ""
    for line in text.splitlines():
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        out.append(buf + line)
        buf = ""
    if buf:
        out.append(buf)
    return out


def parse_makefile(text: str) -> Rules:
    """The rules of a Makefile."""
    rules = Rules()
    current: list[str] = []
    define: tuple[str, list[str], int] | None = None  # name, body, nesting
    for line in _logical_lines(text):
        stripped = line.strip()
        if define is not None:
            name, body, nesting = define
            nesting += stripped.startswith("define ") or _DEFINE.match(stripped) is not None
            nesting -= stripped == "endef" or stripped.startswith("endef ")
            if nesting < 0:
                rules.variables[name] = "\n".join(body)
                define = None
            else:
                body.append(line)
                define = (name, body, nesting)
            continue
        if line.startswith("\t"):
            for target in current:
                rules.recipes.setdefault(target, []).append(line[1:])
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if (m := _DEFINE.match(stripped)) is not None:
            define = (m.group(2), [], 0)
            current = []
            continue
        rules.read_time += shell_calls(stripped)
        if stripped.split(" ", 1)[0] in ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"):
            continue  # keep both branches
        if (m := _ASSIGN.match(stripped)) is not None:
            _assign(rules, m)
            current = []
            continue
        if (m := _RULE.match(stripped)) is not None:
            current = _rule(rules, m.group(1).split(), m.group(2))
            continue
        if _HARMLESS_DIRECTIVE.match(stripped) is None:
            rules.unmodelled.append(f"a line keyturn does not follow: {stripped[:60]}")
        current = []
    if define is not None:
        rules.unmodelled.append(f"an unclosed define of {define[0]}")
    for name in _UNMODELLED_VARIABLES & set(rules.variables):
        rules.unmodelled.append(f"it sets {name}")
    if ".SECONDEXPANSION" in rules.recipes:
        rules.unmodelled.append("it uses .SECONDEXPANSION")
    return rules


def _assign(rules: Rules, m: re.Match[str]) -> None:
    """One variable assignment, as make weighs it."""
    override, name, op, value = m.groups()
    if op == "!=":
        rules.read_time.append(value)
        value = f"$(shell {value})"  # what it printed: not known
    if op == "+=" and name in rules.variables:
        value = rules.variables[name] + " " + value
    if op != "?=" or name not in rules.variables:
        rules.variables[name] = value
        (rules.defaults.add if op == "?=" else rules.defaults.discard)(name)
    if override:
        rules.overridden.add(name)


def _rule(rules: Rules, targets: list[str], rest: str) -> list[str]:
    """One rule line (``targets: rest``): the targets whose recipe lines follow."""
    prereq_text, _, inline = rest.partition(";")
    for target in targets:
        if "%" in target:
            rules.patterns.append(target)
        elif target == ".DEFAULT" or (
            target not in _SPECIAL_TARGETS and _SUFFIX_RULE.match(target) is not None
        ):
            rules.implicit = True
    current = [t for t in targets if "%" not in t]
    for target in current:
        if _TARGET_ASSIGN.match(prereq_text) is not None:
            rules.opaque[target] = "it has target-specific variables"
            continue  # ``target: NAME = value`` sets a variable, adds no recipe line
        if ":" in prereq_text:
            rules.opaque[target] = "it is a static pattern rule"
        rules.prereqs.setdefault(target, []).extend(prereq_text.split("|")[0].split())
        rules.recipes.setdefault(target, [])
        if inline.strip():
            rules.recipes[target].append(inline.strip())
        if rules.default is None and not target.startswith("."):
            rules.default = target
    return current


def pattern_match(name: str, patterns: list[str]) -> str | None:
    """The first pattern rule target (``%.o``, ``dir/%``) that ``name`` matches, or ``None``."""
    for pattern in patterns:
        head, _, tail = pattern.partition("%")
        if len(name) >= len(head) + len(tail) and name.startswith(head) and name.endswith(tail):
            return pattern
    return None


def expand(
    text: str, variables: dict[str, str], auto: dict[str, str], depth: int = 0
) -> str | None:
    """``text`` with make references substituted, or ``None`` when it uses a make function."""
    if _FUNCTION.search(text):
        return None  # $(shell ...), $(wildcard ...), $(call ...): decided when make runs
    out: list[str] = []
    pos = 0
    for m in _REF.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        name = m.group(1) if m.group(1) is not None else m.group(2)
        if name is None:
            out.append("$" if m.group(3) == "$" else auto.get(m.group(3), ""))
            continue
        if name == "MAKE":
            out.append("make")
            continue
        if " " in name.strip() or "," in name or ":" in name:
            return None  # a function or substitution reference ($(X:.c=.o)) decides the text
        value = variables.get(name.strip(), "")
        if depth < 8 and "$" in value:
            inner = expand(value, variables, auto, depth + 1)
            if inner is None:
                return None
            value = inner
        out.append(value)
    out.append(text[pos:])
    return "".join(out)


def strip_prefix(line: str) -> str:
    """A recipe line without make's ``@`` (silent), ``-`` (ignore errors), ``+`` prefixes."""
    return line.lstrip().lstrip("@-+").lstrip()
