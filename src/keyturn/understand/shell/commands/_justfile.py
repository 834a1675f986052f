"""Just enough of just's file format to find what a recipe runs, and to tell when it cannot.

Read: recipes ``name params: deps`` (dependencies with literal arguments too) and their
indented bodies (``\\``-continued lines joined), ``alias``, assignments whose value is a plain
string literal or another variable, ``{{name}}`` interpolation, the settings and attributes
that only change printing or the platform a recipe is for, ``set working-directory``,
``[working-directory]``, ``[no-cd]``, ``set shell`` naming a system shell, and ``[script]``
run by the default shell. A recipe defined more than once (``[linux]``, ``[macos]``) has every
definition judged.

Everything else just does is noted so the run is unknown rather than judged from a partial
reading: an expression (``'/srv/' + 'prod'``, ``/``, functions, ``if``), a backtick (its
command runs when the file is loaded: judged), a setting or attribute not listed above
(``set shell`` naming another program, ``[script('./x')]``, ``set dotenv-load``...), ``mod``
and ``import``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NAME = r"[A-Za-z_][\w-]*"
_ASSIGN = re.compile(rf"^(?:export\s+)?({_NAME})\s*:=\s*(.*)$")
_ALIAS = re.compile(rf"^alias\s+({_NAME})\s*:=\s*({_NAME})\s*$")
_SETTING = re.compile(rf"^set\s+({_NAME})\s*(?::=\s*(.*))?$")
_RECIPE = re.compile(rf"^@?({_NAME})((?:\s+[^:]*?)?)\s*:(?!=)\s*(.*)$")
_BACKTICK = re.compile(r"`([^`]*)`")
_LITERAL = re.compile(r"""'([^']*)'|"([^"\\]*)\"""")
_ATTRIBUTE = re.compile(
    rf"""\s*({_NAME})\s*(?:\(\s*(?:'([^']*)'|"([^"\\]*)")?\s*\)|:\s*(?:'([^']*)'|"([^"\\]*)"))?\s*(?:,|$)"""
)
# Settings and attributes that change nothing about what runs or where.
_PLAIN_SETTINGS = frozenset(
    {"quiet", "export", "positional-arguments", "ignore-comments", "allow-duplicate-recipes"}
    | {"allow-duplicate-variables", "unstable", "no-exit-message"}
)
_PLAIN_ATTRIBUTES = frozenset(
    {"private", "no-exit-message", "exit-message", "confirm", "doc", "group", "linux", "macos"}
    | {"unix", "windows", "openbsd", "freebsd", "netbsd", "dragonfly", "android", "no-quiet"}
    | {"positional-arguments", "parallel", "default", "metadata"}
)
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh"})
_SHELL_SETTING = re.compile(
    r"""\[\s*(?:'([^']*)'|"([^"]*)")((?:\s*,\s*(?:'[^']*'|"[^"]*"))*)\s*,?\s*\]"""
)
_PLAIN_SHELL_ARGS = re.compile(r"-[euxo]+c?|-c|pipefail|errexit|nounset|xtrace")


@dataclass(slots=True)
class Recipe:
    """One definition of a justfile recipe: parameters (with literal defaults), dependencies
    (name and literal arguments; ``None`` for an argument not known), body, the folder it runs
    in (relative to the justfile's folder; ``None``: where just was called), and why it cannot
    be followed, if so."""

    params: list[str]
    defaults: dict[str, str | None]
    deps: list[tuple[str, list[str | None]]]
    body: list[str] = field(default_factory=list)
    directory: str | None = "."
    script: bool = False
    variadic: bool = False  # its last parameter (``+rest``, ``*rest``) takes the rest
    opaque: str = ""


@dataclass(slots=True)
class Justfile:
    """A justfile as read: recipes (every definition), variables (``None``: not known),
    aliases, the first recipe, the folder recipes run in (relative), backtick commands run
    when it is loaded, and what it does that is not followed."""

    recipes: dict[str, list[Recipe]] = field(default_factory=dict)
    variables: dict[str, str | None] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    directory: str = "."
    backticks: list[str] = field(default_factory=list)
    unmodelled: list[str] = field(default_factory=list)


def parse_justfile(text: str) -> Justfile:
    """The recipes, variables and settings of a justfile."""
    found = Justfile()
    current: Recipe | None = None
    attributes: list[tuple[str, str | None]] = []
    for line in _joined(text.splitlines()):
        if current is not None and line[:1] in (" ", "\t") and line.strip():
            current.body.append(line.strip())
            continue
        stripped = line.strip()
        current = None
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            parsed = _attributes(stripped)
            if parsed is None:
                found.unmodelled.append(f"an attribute keyturn does not read: {stripped[:60]}")
            else:
                attributes += parsed
            continue
        if (m := _ALIAS.match(stripped)) is not None:
            found.aliases[m.group(1)] = m.group(2)
        elif (m := _SETTING.match(stripped)) is not None:
            _setting(found, m.group(1), m.group(2))
        elif (m := _ASSIGN.match(stripped)) is not None:
            found.backticks += _BACKTICK.findall(m.group(2))
            found.variables[m.group(1)] = _value(m.group(2), found.variables)
            if "```" in m.group(2):
                found.unmodelled.append(f"an indented backtick in {m.group(1)}")
        elif (m := _RECIPE.match(stripped)) is not None:
            current = _recipe(m, attributes, found)
        else:
            found.unmodelled.append(f"a line keyturn does not read: {stripped[:60]}")
        attributes = []
    return found


def _joined(lines: list[str]) -> list[str]:
    """Lines with a trailing ``\\`` joined to the next (just hands them to the shell as one)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + " " + line.strip()
        else:
            out.append(line)
    return out


def _attributes(line: str) -> list[tuple[str, str | None]] | None:
    """``[a, b('x'), c: 'y']`` as (name, literal argument); ``None`` when not read."""
    if not line.endswith("]"):
        return None
    inner, pos, out = line[1:-1], 0, []
    while pos < len(inner):
        m = _ATTRIBUTE.match(inner, pos)
        if m is None or m.end() == pos:
            return None
        literals = [g for g in m.groups()[1:] if g is not None]
        out.append((m.group(1), literals[0] if literals else None))
        pos = m.end()
    return out


def _setting(found: Justfile, name: str, value: str | None) -> None:
    if name in _PLAIN_SETTINGS and (value is None or value.strip() in ("true", "false")):
        return
    if name == "working-directory" and value is not None:
        literal = _literal(value)
        if literal is not None:
            found.directory = literal
            return
    if name == "shell" and value is not None and _plain_shell(value):
        return
    found.unmodelled.append(f"set {name}{' := ' + value[:60] if value else ''}")


def _plain_shell(value: str) -> bool:
    """Whether ``set shell := [...]`` names a system shell with plain options."""
    m = _SHELL_SETTING.fullmatch(value.strip())
    if m is None:
        return False
    program = m.group(1) if m.group(1) is not None else m.group(2)
    args = re.findall(r"""'([^']*)'|"([^"]*)\"""", m.group(3))
    words = [a or b for a, b in args]
    plain_program = program in _SHELLS or program in {f"/bin/{s}" for s in _SHELLS} | {
        f"/usr/bin/{s}" for s in _SHELLS
    }
    return plain_program and all(_PLAIN_SHELL_ARGS.fullmatch(w) for w in words)


def _literal(text: str) -> str | None:
    """The value of a plain string literal (``'x'``, ``"x"`` without escapes), else ``None``."""
    m = _LITERAL.fullmatch(text.strip())
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _value(text: str, variables: dict[str, str | None]) -> str | None:
    """An assignment's value: a literal, or another variable's; ``None`` for an expression."""
    literal = _literal(text)
    if literal is not None:
        return literal
    name = text.strip()
    return variables.get(name) if re.fullmatch(_NAME, name) else None


def _recipe(m: re.Match[str], attributes: list[tuple[str, str | None]], found: Justfile) -> Recipe:
    name = m.group(1)
    params: list[str] = []
    defaults: dict[str, str | None] = {}
    for word in re.findall(r"""\S+=(?:'[^']*'|"[^"]*"|\([^)]*\)|\S+)|\S+""", m.group(2)):
        param, eq, value = word.lstrip("+*$").partition("=")
        params.append(param)
        if eq:
            found.backticks += _BACKTICK.findall(value)
            defaults[param] = _value(value, found.variables)
    recipe = Recipe(params, defaults, _dependencies(m.group(3)))
    recipe.variadic = bool(params) and m.group(2).split()[-1].lstrip("$")[:1] in ("+", "*")
    for attribute, argument in attributes:
        if attribute in _PLAIN_ATTRIBUTES:
            continue
        if attribute == "no-cd" and argument is None:
            recipe.directory = None
        elif attribute == "working-directory" and argument is not None:
            recipe.directory = argument
        elif attribute == "script" and argument is None:
            recipe.script = True
        else:
            recipe.opaque = f"its attribute {attribute} is not followed"
    found.recipes.setdefault(name, []).append(recipe)
    found.default = found.default or name
    return recipe


_DEPENDENCY = re.compile(
    rf"""\(\s*({_NAME})((?:\s+(?:'[^']*'|"[^"]*"|{_NAME}|\S+))*)\s*\)|({_NAME})|(&&)|(\S)"""
)


def _dependencies(text: str) -> list[tuple[str, list[str | None]]]:
    """``a (b 'x') && c``: each dependency with its arguments (``None``: not a literal)."""
    deps: list[tuple[str, list[str | None]]] = []
    text = re.sub(r"(?:^|\s)#.*$", "", text)  # a comment after the dependencies
    for m in _DEPENDENCY.finditer(text):
        if m.group(1) is not None:
            words = re.findall(r"""'[^']*'|"[^"]*"|\S+""", m.group(2))
            deps.append((m.group(1), [_literal(w) for w in words]))
        elif m.group(3) is not None:
            deps.append((m.group(3), []))
        elif m.group(5) is not None and m.group(5) != "#":
            deps.append(("", [None]))  # something not read: the recipe is not followed
    return deps
