"""Commands that run other code: shells, ``eval``, ``source``, language interpreters, ``npx``.

A shell's script is judged when its text is at hand (``bash -c '…'``, a heredoc, a constant
piped in, a script file readable through ``ctx.files``); otherwise it is unknown. The user's
start-up files the shell reads first (``bash -i``: ``~/.bashrc``; ``bash -l``: ``~/.profile``,
``~/.bash_profile``...; every ``zsh``: ``~/.zshenv``; ``fish``: ``config.fish``) are judged
alike. Code for another
language (``python -c``, ``node -e``…) is never judged from inside: it is unknown with a reason,
so that it is at least asked about, and named with its code (``-c`` code, or code fed on its
input) so that what the code names reaches the policy's hints. A version query is a read only
with a flag the program really has for it (``bash -v`` is ``set -v``: it runs its input).
"""

from __future__ import annotations

from posixpath import basename

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import command_effect, shell_name, unknown_effect
from keyturn.understand.shell.nested import (
    SHELLS,
    Script,
    as_shell_reads,
    nested_echo_rules,
    script_file,
    shell_script,
)
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.printed_text import with_echo_rules
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

# The options with which each program only prints its version or its help and exits, as each
# program has them: ``bash -v`` is ``set -v`` and ``bash -h`` ``set -h``, ``sh -V`` is dash's
# vi mode, ``python3 -v`` traces imports, tclsh reads no options: each then runs its input
# (checked: ``echo 'touch PW' | bash -v`` makes PW). A program not named has none here.
_VERSION_FLAGS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("bash", "rbash", "zsh", "tcsh"), frozenset({"--version", "--help"})),
    "fish": frozenset({"--version", "-v", "--help", "-h"}),
    **dict.fromkeys(
        ("python", "python2", "python3", "pypy", "pypy3"),
        frozenset({"-V", "-VV", "--version", "-h", "--help"}),
    ),
    **dict.fromkeys(("node", "nodejs"), frozenset({"-v", "--version", "-h", "--help"})),
    "deno": frozenset({"-V", "--version", "-h", "--help"}),
    "bun": frozenset({"--version", "--help"}),
    "perl": frozenset({"-v", "-V", "-h", "--version", "--help"}),
    "ruby": frozenset({"--version", "-h", "--help"}),
    "php": frozenset({"-v", "--version", "-h", "--help"}),
    "lua": frozenset({"-v"}),
    "Rscript": frozenset({"--version", "--help"}),
    "java": frozenset({"-version", "--version", "-help", "--help", "-h"}),
    "groovy": frozenset({"--version", "--help"}),
}


def _only_version(cmd: SimpleCommand) -> bool:
    """Whether ``cmd`` only prints its version or help: every word one of the program's own
    flags for that, and no input given that it could run instead (the stricter reading)."""
    flags = _VERSION_FLAGS.get(cmd.name, frozenset())
    if not cmd.args or not all(a in flags for a in cmd.args):
        return False
    fed = any(r.op.lstrip("0123456789") in ("<", "<>") for r in cmd.redirects)
    return not fed and cmd.stdin_text is None and not cmd.stdin_dynamic


def _nested(text: str, origin: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if ctx.understand_nested is None:
        return [unknown_effect(cmd, f"{origin}: nested commands not understood here", ctx)]
    return ctx.understand_nested(text)


@command(*SHELLS)
def shell(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``bash -c TEXT``, ``bash script.sh``, ``… | sh``, ``bash <<EOF``: judge the script,
    with the ``echo`` of the shell that runs it (dash's expands escapes: :mod:`.printed_text`)."""
    if _only_version(cmd):
        return [command_effect(EffectKind.READ, cmd, ctx)]
    startup = _startup_effects(cmd, ctx)
    script = shell_script(cmd, ctx)
    if script.text is None:
        return [*startup, unknown_effect(cmd, script.reason, ctx)]
    if ctx.understand_in is None:
        return startup + _nested(script.text, script.origin, cmd, ctx)
    inside = evolve(ctx, env=with_echo_rules(ctx.env, nested_echo_rules(cmd, ctx)))
    return startup + ctx.understand_in(script.text, inside)


def _startup_effects(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The start-up files the shell reads before its script (an interactive or login bash,
    every zsh, fish), each judged as a script run is: its text when it can be read, unknown
    when the line changed it in a way not known."""
    effects: list[Effect] = []
    for path in _startup_files(cmd, ctx):
        if not ctx.files.exists(path) and path not in ctx.written:
            continue
        script = script_file(path, cmd, ctx, index=0)
        if script.text is None:
            effects.append(unknown_effect(cmd, f"its start-up file: {script.reason}", ctx))
        else:
            effects += _nested(script.text, script.origin, cmd, ctx)
    return effects


def _startup_files(cmd: SimpleCommand, ctx: ShellContext) -> list[str]:
    """The user's start-up files the shell ``cmd`` reads (bash(1) and zsh(1) INVOCATION)."""
    home = ctx.home.rstrip("/")
    letters, words = _shell_options(cmd)
    login = "l" in letters or "--login" in words or cmd.program.startswith("-")
    interactive = "i" in letters
    if cmd.name == "zsh":
        if "f" in letters or "--no-rcs" in words or "--norcs" in words:
            return []
        zdot = (cmd.assignments.get("ZDOTDIR") or ctx.env.get("ZDOTDIR") or home).rstrip("/")
        login_files = [f"{zdot}/.zprofile", f"{zdot}/.zlogin"] if login else []
        return [f"{zdot}/.zshenv", *login_files, *([f"{zdot}/.zshrc"] if interactive else [])]
    if cmd.name == "fish":
        xdg = (ctx.env.get("XDG_CONFIG_HOME") or f"{home}/.config").rstrip("/")
        return [f"{xdg}/fish/config.fish"]
    if cmd.name not in ("bash", "sh", "rbash", "dash", "ksh", "mksh"):
        return []
    files: list[str] = []
    if login and "--noprofile" not in words:
        files += [f"{home}/.profile"]
        if cmd.name in ("bash", "rbash"):
            files += [f"{home}/.bash_profile", f"{home}/.bash_login"]
    if interactive and cmd.name in ("bash", "rbash") and "--norc" not in words:
        given = _valued_word(cmd, ("--rcfile", "--init-file"))
        files.append(given if given is not None else f"{home}/.bashrc")
    return [normalize_path(f, cwd=ctx.cwd) for f in files]


def _shell_options(cmd: SimpleCommand) -> tuple[set[str], set[str]]:
    """The option letters and long options before the shell's script or ``-c`` text."""
    letters: set[str] = set()
    words: set[str] = set()
    for arg in cmd.args:
        if arg == "--" or not arg.startswith("-") or arg == "-":
            break
        if arg.startswith("--"):
            words.add(arg)
        else:
            letters.update(arg[1:])
    return letters, words


def _valued_word(cmd: SimpleCommand, names: tuple[str, ...]) -> str | None:
    args = list(cmd.args)
    for i, arg in enumerate(args[:-1]):
        if arg in names:
            return args[i + 1]
    return None


@command("eval")
def eval_(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``eval WORDS``: the words joined are run as a command line (constant text only)."""
    if any(i > 0 for i in cmd.dynamic_words):
        return [unknown_effect(cmd, "eval of text decided at run time", ctx)]
    if not cmd.args:
        return [command_effect(EffectKind.READ, cmd, ctx)]
    return _nested(" ".join(cmd.args), "eval", cmd, ctx)


@command("source", ".")
def source(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``source FILE`` / ``. FILE``: judge the file's text when it can be read."""
    if not cmd.args:
        return None
    script = as_shell_reads(script_file(cmd.args[0], cmd, ctx, index=1), cmd.name)
    if script.text is None:
        return [unknown_effect(cmd, script.reason, ctx)]
    return _nested(script.text, script.origin, cmd, ctx)


@command("trap")
def trap(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``trap 'CMD' SIGNAL``: CMD runs later, on the signal; judge it now."""
    args = [a for a in cmd.args if a not in ("-p", "-l", "--")]
    if len(args) < 2 or args[0] in ("", "-"):
        return [command_effect(EffectKind.READ, cmd, ctx)]
    if 1 + cmd.args.index(args[0]) in cmd.dynamic_words:
        return [unknown_effect(cmd, "trap of a command decided at run time", ctx)]
    return _nested(args[0], "trap", cmd, ctx)


@command("at", "batch")
def at(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``at`` runs the commands on its stdin later: judge them now when they are known."""
    if "-l" in cmd.args or ("-q" in cmd.args and len(cmd.args) == 2) or cmd.name == "atq":
        return [command_effect(EffectKind.READ, cmd, ctx)]
    if "-f" in cmd.args:
        index = cmd.args.index("-f") + 1
        path = cmd.args[index] if index < len(cmd.args) else ""
        script = script_file(path, cmd, ctx, index=index + 1)
    elif cmd.stdin_text is not None:
        script = as_shell_reads(Script(cmd.stdin_text), "sh")  # at runs its jobs with sh
        if script.text is None:
            return [unknown_effect(cmd, script.reason, ctx)]
        return _nested(script.text, "at", cmd, ctx)
    else:
        return [unknown_effect(cmd, "at runs commands read from its input", ctx)]
    if script.text is None:
        return [unknown_effect(cmd, script.reason, ctx)]
    return _nested(script.text, script.origin, cmd, ctx)


# Interpreter -> the options that take inline code.
_INTERPRETERS: dict[str, tuple[str, ...]] = {
    "python": ("-c", "-m"),
    "python2": ("-c", "-m"),
    "python3": ("-c", "-m"),
    "pypy": ("-c", "-m"),
    "pypy3": ("-c", "-m"),
    "node": ("-e", "-p", "--eval", "--print"),
    "nodejs": ("-e", "-p", "--eval", "--print"),
    "deno": ("eval",),
    "bun": ("-e", "--eval"),
    "perl": ("-e", "-E"),
    "ruby": ("-e",),
    "php": ("-r",),
    "lua": ("-e",),
    "Rscript": ("-e",),
    "osascript": ("-e",),
    "pwsh-code": (),
    "tclsh": (),
    "java": (),
    "groovy": ("-e",),
}


@command(*(name for name in _INTERPRETERS if name != "pwsh-code"))
def interpreter(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Another language's code: unknown (``python -c``, ``node -e``, ``python x.py``).

    ``python manage.py COMMAND`` is Django's command, judged by :mod:`.migrations`, and
    ``ruby bin/rails db:…`` Rails', when the file is the framework's stock launcher
    (:mod:`._script_launchers`)."""
    if _only_version(cmd):
        return [command_effect(EffectKind.READ, cmd, ctx)]
    at = _python_script(cmd)
    if at is not None and basename(cmd.argv[at]) == "manage.py":
        from keyturn.understand.shell.commands.migrations import manage_py

        found = manage_py(cmd, ctx, script=at)
        if found is not None:
            return found
    if cmd.name == "ruby" and len(cmd.argv) > 1 and basename(cmd.argv[1]) in ("rails", "rake"):
        from keyturn.understand.shell.commands._script_launchers import ruby_launcher

        found = ruby_launcher(cmd, ctx, script=1)
        if found is not None:
            return found
    inline = next((a for a in cmd.args if a in _INTERPRETERS.get(cmd.name, ())), None)
    if inline is not None:
        reason = f"runs {cmd.name} code ({cmd.name} {inline}): its effects are not judged"
    elif any(not a.startswith("-") for a in cmd.args):
        script = next(a for a in cmd.args if not a.startswith("-"))
        reason = f"runs the {cmd.name} program {script}: its effects are not judged"
    else:
        reason = f"runs {cmd.name} code read from its input: its effects are not judged"
        if cmd.stdin_text is not None:
            return [_named_with_code(unknown_effect(cmd, reason, ctx), cmd, cmd.stdin_text)]
    return [unknown_effect(cmd, reason, ctx)]


def _named_with_code(effect: Effect, cmd: SimpleCommand, code: str) -> Effect:
    """``effect`` named with the code fed on the input as well, as ``-c`` code is named with
    the command (``python3 <<< "…'/srv/prod'…"``): the policy's hints see what it names."""
    return evolve(
        effect, resource=Resource((shell_name(f"{cmd.text} <<< {code}"),), type="command")
    )


# Python's options that may stand before a script (those of -W, -X take a value); any other
# (-c, -m, -i, -) means the words are not a script's run.
_PYTHON_FLAGS = frozenset({"-u", "-B", "-O", "-OO", "-E", "-s", "-S", "-I", "-P", "-q", "-b"})
_PYTHON_FLAGS |= {"-bb", "-d", "-v", "-R"}
_PYTHON_VALUED = frozenset({"-W", "-X", "--check-hash-based-pycs"})
_PYTHONS = frozenset({"python", "python2", "python3", "pypy", "pypy3"})


def _python_script(cmd: SimpleCommand) -> int | None:
    """The index in argv of the script a Python command line runs, when only plain options
    stand before it."""
    if cmd.name not in _PYTHONS:
        return None
    i = 1
    while i < len(cmd.argv):
        word = cmd.argv[i]
        if i in cmd.dynamic_words:
            return None
        if word in _PYTHON_VALUED:
            i += 2
        elif word in _PYTHON_FLAGS or (word[:2] in _PYTHON_VALUED and len(word) > 2):
            i += 1
        else:
            return None if word.startswith("-") else i
    return None


# pipx's verbs that only list or describe (the rest install, run or change tools).
_PIPX_READS = frozenset({"list", "environment", "completions", "--version", "--help", "-h"})


@command("npx", "bunx", "uvx", "pipx")
def package_runner(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Download-and-run: the package's code is not known. ``pipx VERB PACKAGE``: the package
    follows pipx's verb; ``pipx list`` and the like only read. ``npx prisma …`` (a well-known
    CLI whose package is named as the program, no option swapping the package) is judged as
    ``prisma …``: :mod:`._migration_runners`."""
    operands = [a for a in cmd.args if not a.startswith("-")]
    if cmd.name == "pipx":
        verb = next(iter(cmd.args), "")
        if verb in _PIPX_READS or not cmd.args:
            return [command_effect(EffectKind.READ, cmd, ctx)]
        package = operands[1] if len(operands) > 1 else "?"
        reason = f"pipx {verb} {package}: the package's code runs, its effects are not judged"
        return [unknown_effect(cmd, reason, ctx)]
    if cmd.name in ("npx", "bunx"):
        from keyturn.understand.shell.commands._migration_runners import routed_program

        routed = routed_program(cmd, ctx)
        if routed is not None:
            from keyturn.understand.shell.commands.runners import _code_settings

            return routed + _code_settings(cmd, ctx.cwd, ctx)
    package = operands[0] if operands else "?"
    reason = f"downloads and runs the package {package}: its effects are not judged"
    return [unknown_effect(cmd, reason, ctx)]
