"""Just enough of make's and just's file formats to find what a target runs.

Makefiles: rules ``target...: prereq...`` with tab-indented recipe lines, plain variable
assignments (``=``, ``:=``, ``::=``, ``:::=``, ``?=``, ``+=``, ``!=``), line continuations,
``define`` blocks skipped, both branches of conditionals kept (so nothing a branch could run is
missed). Which assignments came from ``?=`` and which are ``override`` is kept (the environment
and the command line weigh differently against them), and so are the commands make runs while
it reads the file (``X != cmd``, ``$(shell cmd)`` outside recipes): :attr:`Rules.read_time`.
``$(VAR)``/``${VAR}``/``$@``/``$<``/``$^``/``$$`` are substituted; a recipe line using any other
make function (``$(shell ...)``, ``$(wildcard ...)``) is not known and is reported as such.

justfiles: recipes ``name params: deps`` with indented bodies, ``var := "value"`` assignments and
``{{var}}`` interpolation; a recipe with a non-shell shebang is not known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ASSIGN = re.compile(
    r"^(?:export\s+)?(override\s+)?(?:export\s+)?"
    r"([A-Za-z_][\w.-]*)\s*(\+=|\?=|:{1,3}=|=|!=)\s*(.*)$"
)
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
    in_define = False
    for line in _logical_lines(text):
        stripped = line.strip()
        if in_define:
            in_define = stripped != "endef"
            continue
        if line.startswith("\t"):
            for target in current:
                rules.recipes.setdefault(target, []).append(line[1:])
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("define "):
            in_define = True
            continue
        rules.read_time += shell_calls(stripped)
        if stripped.split(" ", 1)[0] in ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"):
            continue  # keep both branches
        if (m := _ASSIGN.match(stripped)) is not None:
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
            current = []
            continue
        if (m := _RULE.match(stripped)) is not None:
            targets = m.group(1).split()
            prereq_text, _, inline = m.group(2).partition(";")
            current = [t for t in targets if "%" not in t]
            for target in current:
                rules.prereqs.setdefault(target, []).extend(prereq_text.split("|")[0].split())
                rules.recipes.setdefault(target, [])
                if inline.strip():
                    rules.recipes[target].append(inline.strip())
                if rules.default is None and not target.startswith("."):
                    rules.default = target
            continue
        current = []
    return rules


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


_JUST_ASSIGN = re.compile(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$")
_JUST_RECIPE = re.compile(r"^@?([A-Za-z_][\w-]*)((?:\s+[^:]*?)?)\s*:(?!=)\s*(.*)$")


@dataclass(slots=True)
class Recipe:
    """One justfile recipe."""

    params: list[str]
    defaults: dict[str, str]
    deps: list[str]
    body: list[str]


def parse_justfile(text: str) -> tuple[dict[str, Recipe], dict[str, str], str | None]:
    """(recipes, variables, default recipe) of a justfile."""
    recipes: dict[str, Recipe] = {}
    variables: dict[str, str] = {}
    default: str | None = None
    current: Recipe | None = None
    for line in text.splitlines():
        if current is not None and line[:1] in (" ", "\t") and line.strip():
            current.body.append(line.strip())
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("["):
            continue
        current = None
        if (m := _JUST_ASSIGN.match(stripped)) is not None:
            variables[m.group(1)] = m.group(2).strip().strip("'\"")
        elif (m := _JUST_RECIPE.match(stripped)) is not None and not stripped.startswith("set "):
            pairs = [p.lstrip("+*$").partition("=") for p in m.group(2).split()]
            params = [name for name, _, _ in pairs]
            defaults = {name: value.strip("'\"") for name, eq, value in pairs if eq}
            deps = re.findall(r"[A-Za-z_][\w-]*", m.group(3))
            current = recipes[m.group(1)] = Recipe(params, defaults, deps, [])
            default = default or m.group(1)
    return recipes, variables, default
