"""One ``just`` run (:mod:`.task_runners`): just's options read, and its recipes judged, their
dependencies first, each line interpolated and judged as the shell text it is, in the folder the
recipe runs in (the justfile's, ``-d``/``--working-directory``, ``[working-directory]``). A
shebang recipe of a plain shell is judged as one script; any other interpreter is unknown.
"""

from __future__ import annotations

import re

from keyturn.model import Effect
from keyturn.understand.shell.commands._justfile import Justfile, Recipe
from keyturn.understand.shell.commands._makefile import strip_prefix
from keyturn.understand.shell.commands._runner_files import judge_text, unknown_run
from keyturn.understand.shell.commands._runner_templates import MAX_RECIPES, interpolate
from keyturn.understand.shell.nested import SHELLS
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext
from keyturn.understand.shell.shebangs import plain_shell_shebang

_JUST_LISTS = frozenset({"-l", "--list", "--summary", "--dump", "--variables", "--fmt"})
_JUST_FLAGS = frozenset(
    {"-q", "--quiet", "-v", "--verbose", "-vv", "-u", "--unsorted", "--yes", "--highlight"}
    | {"--no-highlight", "--timestamp", "--explain", "--check", "--unstable", "--no-dotenv"}
    | {"--no-deps", "--no-aliases"}
)
_JUST_VALUED = frozenset(
    {"--color", "--timestamp-format", "--list-heading", "--list-prefix", "--command-color"}
)


def just_options(
    args: list[str], ctx: ShellContext
) -> tuple[list[str], str | None, list[str], dict[str, str | None]] | str:
    """(justfiles, working directory, recipe words, variables set) of just's arguments, or why
    they are not followed."""
    files: list[str] = []
    directory: str | None = None
    words: list[str] = []
    overrides: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        following = args[i + 1] if i + 1 < len(args) else None
        name, eq, value = arg.partition("=")
        if words or arg == "--":
            words += args[i + (arg == "--" and not words) :]
            break
        if name in ("-f", "--justfile", "-d", "--working-directory") or arg[:2] in ("-f", "-d"):
            given = value if eq else (arg[2:] if len(arg) > 2 and arg[1] != "-" else following)
            if given is None:
                return f"just {arg} without a value"
            i += 0 if eq or (len(arg) > 2 and arg[1] != "-") else 1
            if name in ("-f", "--justfile") or arg.startswith("-f"):
                files.append(normalize_path(given, cwd=ctx.cwd))
            else:
                directory = normalize_path(given, cwd=ctx.cwd)
        elif arg == "--set" and i + 2 < len(args):
            overrides[args[i + 1]] = args[i + 2]
            i += 2
        elif arg in _JUST_LISTS or arg in ("-n", "--dry-run") or name in ("--show", "-s"):
            return files, directory, ["--list"], overrides
        elif name in _JUST_VALUED:
            i += 0 if eq else 1
        elif arg in _JUST_FLAGS:
            pass
        elif arg.startswith("-"):
            return f"just {arg[:40]}: an option keyturn does not follow"
        elif eq and re.fullmatch(r"[A-Za-z_][\w-]*", name):
            overrides[name] = value
        else:
            words.append(arg)
        i += 1
    return files, directory, words, overrides


class JustRun:
    """One just run: the justfile, its path, the folder recipes run in, the context."""

    def __init__(self, justfile: Justfile, path: str, directory: str, ctx: ShellContext):
        self.justfile, self.path, self.directory, self.ctx = justfile, path, directory, ctx
        self.seen = 0

    def arguments(self, name: str, given: int) -> int:
        """How many of the ``given`` words after recipe ``name`` are its arguments."""
        name = name if name in self.justfile.recipes else self.justfile.aliases.get(name, name)
        counts = [
            given if r.variadic else min(given, len(r.params))
            for r in self.justfile.recipes.get(name, [])
        ]
        return max(counts, default=given)

    def recipe(self, name: str, args: list[str | None], stack: set[str]) -> list[Effect]:
        """The effects of running recipe ``name`` with ``args``, its dependencies first."""
        name = name if name in self.justfile.recipes else self.justfile.aliases.get(name, name)
        definitions = self.justfile.recipes.get(name)
        if not definitions:
            return [unknown_run(f"no recipe {name!r} in {self.path}", self.path, self.ctx)]
        self.seen += 1
        if name in stack or self.seen > MAX_RECIPES:
            return []
        effects: list[Effect] = []
        for recipe in definitions:  # every definition: which one runs depends on the platform
            effects += self._definition(name, recipe, args, stack | {name})
        return effects

    def _definition(
        self, name: str, recipe: Recipe, args: list[str | None], stack: set[str]
    ) -> list[Effect]:
        ctx, path = self.ctx, self.path
        effects: list[Effect] = []
        if recipe.opaque:
            effects.append(unknown_run(f"recipe {name!r}: {recipe.opaque}", path, ctx))
        for dep, dep_args in recipe.deps:
            effects += self.recipe(dep, dep_args, stack)
        values: dict[str, str | None] = {**self.justfile.variables, **recipe.defaults}
        values.update(zip(recipe.params, args, strict=False))
        if recipe.variadic and len(args) >= len(recipe.params):
            rest = args[len(recipe.params) - 1 :]
            values[recipe.params[-1]] = None if None in rest else " ".join(str(a) for a in rest)
        cwd = (
            ctx.cwd
            if recipe.directory is None
            else normalize_path(recipe.directory, cwd=self.directory)
        )
        body = recipe.body
        if body and body[0].startswith("#!"):
            if not plain_shell_shebang(body[0], shells=SHELLS):
                reason = f"recipe {name!r} runs {body[0][2:].strip()[:60]}"
                return [*effects, unknown_run(reason, path, ctx)]
            lines = ["\n".join(body[1:])]  # one script: no per-line ``@``/``-`` prefixes
        elif recipe.script:
            lines = ["\n".join(body)]
        else:
            lines = [strip_prefix(line) for line in body]
        for line in lines:
            text = interpolate(line, values)
            if text is None:
                reason = f"recipe {name!r} interpolates what keyturn does not follow: {line[:60]}"
                effects.append(unknown_run(reason, path, ctx))
            elif text.strip() and not text.lstrip().startswith("#"):
                effects += judge_text(text, f"just {name}", path, ctx, cwd=cwd)
        return effects
