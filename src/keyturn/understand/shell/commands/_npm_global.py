"""Where ``npm uninstall -g`` removes packages from: the global prefix, not the project.

npm (docs, "folders" and "config") keeps global packages in ``{prefix}/lib/node_modules``. The
prefix is ``--prefix`` (``-C``) on the line, else the ``prefix`` setting of the environment
(``npm_config_prefix``, in any case), else of the user's ``.npmrc`` (``--userconfig``,
``npm_config_userconfig``, else ``~/.npmrc``; the project's ``.npmrc`` is not read in global
mode), else ``$PREFIX``, else the folder above the one node is installed in -- which the line
does not tell: both usual places are named, ``/usr/local`` and ``/usr``. A prefix taken from a
variable (``prefix=${NPM_HOME}`` in ``.npmrc``) or in a settings file the line changed in a way
not known is not told: unknown. pnpm, yarn and bun keep their global packages elsewhere
(``PNPM_HOME``, ``~/.bun``…): unknown too.

Confirmed: ``npm_config_prefix=…/gp npm uninstall -g fakepkg`` run in an unrelated project
removed ``gp/lib/node_modules/fakepkg``.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import file_effect, home_path, unknown_effect
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# Where node usually is when nothing says otherwise (its prefix: the folder above its bin/).
_DEFAULT_PREFIXES = ("/usr/local", "/usr")
_NPMRC_LIMIT = 65_536


class _NotTold(Exception):
    """The global prefix is not told by the line (the message says why)."""


def global_removal(
    cmd: SimpleCommand, ctx: ShellContext, sub: str, packages: Sequence[str]
) -> list[Effect]:
    """``npm uninstall -g PACKAGES`` (and its spellings): a delete of each package in the
    global prefix (see the module's docstring)."""
    if cmd.name != "npm":
        reason = f"{cmd.name} {sub} --global removes packages from its global store, not told"
        return [unknown_effect(cmd, reason, ctx)]
    try:
        prefixes = _prefixes(cmd, ctx)
    except _NotTold as why:
        return [unknown_effect(cmd, f"npm {sub} --global: {why}", ctx)]
    names = _package_names(cmd, packages)
    paths = [f"{p.rstrip('/')}/lib/node_modules/{name}" for name in names for p in prefixes]
    where = " or ".join(prefixes)
    detail = f"removes the global package and its programs from the prefix {where}"
    return [file_effect(EffectKind.DELETE, paths, cmd, ctx, detail=detail)]


def _prefixes(cmd: SimpleCommand, ctx: ShellContext) -> tuple[str, ...]:
    """The global prefix, or the places it usually is when not told."""
    given = _option(cmd.args, ("--prefix", "-C")) or _variable(cmd, ctx, "npm_config_prefix")
    if given is None:
        userconfig = _option(cmd.args, ("--userconfig",))
        userconfig = userconfig or _variable(cmd, ctx, "npm_config_userconfig") or "~/.npmrc"
        given = _npmrc_prefix(home_path(userconfig, ctx), ctx)
    if given is None:
        given = cmd.assignments.get("PREFIX") or ctx.env.get("PREFIX")
    if given is None:
        return _DEFAULT_PREFIXES
    if "$" in given or not given:
        raise _NotTold(f"the global prefix {given!r} is decided at run time")
    return (home_path(given, ctx),)


def _option(args: Sequence[str], names: Sequence[str]) -> str | None:
    """The last value of one of the options ``names`` (``--name=V`` or ``--name V``)."""
    found = None
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in names:
            found = value if eq else (args[i + 1] if i + 1 < len(args) else "")
    return found


def _variable(cmd: SimpleCommand, ctx: ShellContext, name: str) -> str | None:
    """npm's setting from the environment: ``npm_config_NAME`` in any case, the line's own
    assignment first."""
    for variables in (cmd.assignments, ctx.env):
        for key in sorted(variables, reverse=True):  # npm_config_ (lower) over NPM_CONFIG_
            if key.lower() == name:
                return variables[key]
    return None


def _npmrc_prefix(path: str, ctx: ShellContext) -> str | None:
    """The ``prefix`` an ``.npmrc`` sets (the last one), or ``None``."""
    text = one_text_on_line(path, ctx, limit=_NPMRC_LIMIT)
    if text is None:
        if ctx.written and written_text(ctx.written, path)[0]:
            raise _NotTold(f"{path} was changed on the line in a way not known")
        return None
    found = None
    for line in text.splitlines():
        key, eq, value = line.partition("=")
        if eq and key.strip().lower() == "prefix" and not key.lstrip().startswith(("#", ";")):
            found = value.strip().strip("\"'")
    return found  # a relative one is the working directory's, as npm resolves paths


def _package_names(cmd: SimpleCommand, packages: Sequence[str]) -> list[str]:
    """The packages named, without a version (``x@1`` is ``x``) and without the value npm's
    ``--location`` took (``--location global``)."""
    names = list(packages)
    args = list(cmd.args)
    for i, arg in enumerate(args[:-1]):
        if arg == "--location" and args[i + 1] in names:
            names.remove(args[i + 1])
    return [n[: n.rindex("@")] if "@" in n[1:] else n for n in names]
