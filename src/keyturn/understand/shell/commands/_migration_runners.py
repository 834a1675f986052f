"""Package runners that run a well-known CLI: ``npx prisma …``, ``bunx``, ``npm exec``,
``pnpm exec``/``dlx``, ``yarn exec``/``dlx`` and ``yarn prisma`` judged as ``prisma …``.

A runner runs the program of the package it is given, downloading it when it is not installed.
It is judged as the program's own command only when that cannot be another package's code:
- the program is on :data:`ROUTED`, CLIs whose npm package is named as the program (checked on
  the npm registry: ``prisma``, ``knex``, ``typeorm``, ``drizzle-kit``, ``supabase``,
  ``sequelize-cli``, ``dbmate``, ``wrangler``, ``vercel``), optionally with a plain version or
  tag (``prisma@5.22.0``, ``@latest``; not ``npm:``, ``file:``, ``github:`` or a URL, which swap
  the package);
- no option before it changes where the program comes from or how it runs: only the runner's
  harmless flags are allowed there (``-y``, ``--no``, ``--quiet``...); ``-p``/``--package``,
  ``--registry``, ``-c``/``--call``, ``--prefix``... leave the command as unknown as before, and
  so do the same settings as variables set on the line (``npm_config_package=…``,
  ``npm_config_registry=…``, ``YARN_NPM_REGISTRY_SERVER=…``) or, for a package or command named,
  in the environment.
Anything else stays as the runner's own handler judges it, and so does a routed program that
keyturn does not understand, or whose handler does not: routing never makes a command looser
than it was.
"""

from __future__ import annotations

import re

from keyturn.model import Effect
from keyturn.understand.shell.flags import canonical_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, handler_for

ROUTED = frozenset(
    {"prisma", "knex", "typeorm", "drizzle-kit", "supabase", "sequelize-cli", "dbmate"}
    | {"wrangler", "vercel"}
)
_VERSION = re.compile(r"[A-Za-z0-9.^~<>=*+-]{1,64}")
# The runner's flags that may stand before the program (harmless: prompts, output, caching).
_HARMLESS = {
    "npx": frozenset({"-y", "--yes", "--no", "-q", "--quiet", "--silent", "--no-install"})
    | frozenset({"--prefer-offline", "--prefer-online", "--offline"}),
    "bunx": frozenset({"--bun", "--silent", "--verbose", "--no-install"}),
    "npm exec": frozenset({"-y", "--yes", "--no", "-q", "--quiet", "--silent", "--"}),
    "yarn dlx": frozenset({"-q", "--quiet"}),
}


def routed_program(cmd: SimpleCommand, ctx: ShellContext, *, sub: str = "") -> list[Effect] | None:
    """The effects of the program a runner runs, judged as that program's own command, or
    ``None`` when it cannot be (see the module docstring). ``sub``: the runner's subcommand
    (``exec``, ``dlx``; ``""`` for ``npx``/``bunx`` and for ``yarn PROGRAM``)."""
    start = 2 if sub else 1
    if sub and cmd.argv[1:2] != (sub,):
        return None  # options before the subcommand (``pnpm -C dir exec``): not routed
    allowed = _HARMLESS.get(f"{cmd.name} {sub}".strip(), frozenset())
    while start < len(cmd.argv) and cmd.argv[start] in allowed and start not in cmd.dynamic_words:
        if cmd.argv[start] == "--":
            start += 1
            break
        start += 1
    if start >= len(cmd.argv) or start in cmd.dynamic_words or _swapped(cmd, ctx):
        return None
    name, at, version = cmd.argv[start].partition("@")
    if name not in ROUTED or (at and not _VERSION.fullmatch(version)):
        return None
    if (
        cmd.name == "npm"
        and "--" not in cmd.argv[1:start]
        and any(a.startswith("-") for a in cmd.argv[start + 1 :])
    ):
        return None  # ``npm exec prisma migrate reset --force``: npm takes the options itself
    handler = handler_for(name)
    if handler is None:
        return None
    inner = _inner(cmd, start, name)
    try:
        found = handler(inner, ctx)
    except Exception:  # a handler bug must fail closed: the runner's own judgement stands
        return None
    return list(found) if found else None


# npm's settings that swap the package run (``npm_config_package=evil npx prisma``), where it
# comes from, or what runs instead, as the runner's own options would; set on the line, any of
# them; in the caller's environment, those that name another package or command.
_SWAPS = frozenset({"package", "call", "registry", "prefix", "userconfig", "globalconfig"})
_SWAPS_FROM_ENV = frozenset({"package", "call"})
_PREFIXES = ("npm_config_", "bun_config_", "yarn_")


def _swapped(cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether a variable set on the line (or a package named in the environment) swaps the
    program the runner runs."""
    for names, keys in ((cmd.assignments, _SWAPS), (ctx.env, _SWAPS_FROM_ENV)):
        for name in names:
            lowered = name.lower()
            prefix = next((p for p in _PREFIXES if lowered.startswith(p)), None)
            key = lowered[len(prefix) :].replace("_", "-") if prefix else ""
            if key in keys or (keys is _SWAPS and key.endswith(("registry", "registry-server"))):
                return True
    return False


def _inner(cmd: SimpleCommand, start: int, name: str) -> SimpleCommand:
    """``cmd`` from ``argv[start]`` on, as its own command named ``name``."""
    argv = (name, *cmd.argv[start + 1 :])
    raw = cmd.raw_argv[start:] if len(cmd.raw_argv) == len(cmd.argv) else ()
    return SimpleCommand(
        argv=argv,
        program=name,
        assignments=cmd.assignments,
        wrappers=cmd.wrappers,
        redirects=cmd.redirects,
        stdin_text=cmd.stdin_text,
        stdin_dynamic=cmd.stdin_dynamic,
        dynamic_words=frozenset(i - start for i in cmd.dynamic_words if i > start),
        text=canonical_text(argv),
        raw_argv=tuple(raw),
    )
