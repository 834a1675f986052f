"""The commands of a cmd or PowerShell statement that :mod:`.windows` has no handler of its own
for: Windows' management programs (:mod:`._windows_programs`), cloud cmdlets
(:mod:`._powershell_cloud`), the commands that only read, and other programs, judged as the
shell judges them -- in the environment the text set (``$env:AWS_PROFILE = 'prod'`` or ``set
AWS_PROFILE=prod`` before ``aws ...``), given to them as assignments of the line.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._powershell_bindings import Bindings
from keyturn.understand.shell.commands._powershell_cloud import CloudSession, cloud_effects
from keyturn.understand.shell.commands._windows_files import local_files
from keyturn.understand.shell.commands._windows_programs import (
    PROGRAMS,
    RunText,
    windows_program,
)
from keyturn.understand.shell.commands._windows_removes import READS
from keyturn.understand.shell.effects import command_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# Names PowerShell takes for its own (aliases: ``curl`` is Invoke-WebRequest in Windows
# PowerShell), or that Windows gives programs other than the Unix ones (``find``, ``sort``).
_NOT_NATIVE = frozenset(
    {"cat", "cp", "curl", "diff", "echo", "kill", "ls", "man", "mount", "mv", "ps", "rm"}
    | {"sleep", "sort", "tee", "type", "wget", "where", "write", "find", "more", "tree"}
    | {"replace", "expand", "timeout", "hostname", "date", "time", "set", "mkdir", "dir"}
    | {"start", "net", "sc", "reg", "attrib", "icacls", "cipher", "mklink", "shutdown"}
)
# What PowerShell itself evaluates in a word (a variable, a subexpression, an array, a script
# block, an escape): such an argument is not the text the program receives.
_EVALUATED = re.compile(r"[$@(){}`;]")


def native_program(name: str, words: Sequence[str]) -> bool:
    """Whether PowerShell runs ``words`` as an external program whose shell handler keyturn
    has, with arguments PowerShell passes on as written."""
    if name in _NOT_NATIVE or "-" in name or not name.replace("_", "").isalnum():
        return False
    if any(_EVALUATED.search(w) for w in words[1:]):
        return False
    from keyturn.understand.shell.commands._index import MODULES

    return MODULES.get(name) not in (None, "windows", "basic", "files", "interpreters")


def other_command(
    name: str,
    words: Sequence[str],
    text: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    powershell: bool,
    cwd: str | None,
    bindings: Bindings | None,
    run: RunText,
) -> list[Effect]:
    """The effects of a statement's command ``words`` (``name``: its program, lower-cased)."""
    args = [a for a in words[1:] if not (powershell and a == "--%")]
    exe = words[0].lower().endswith(".exe")
    if name in PROGRAMS and not (powershell and name == "sc" and not exe):
        found = windows_program(name, args, cmd, ctx, cwd=cwd, run=run)
        if found is not None:
            return found
    prefix = bindings.environment_prefix() if bindings is not None else ""
    if powershell:
        session = bindings.cloud if bindings is not None else CloudSession()
        cloud = cloud_effects(words, session, ctx.understand_nested, prefix=prefix)
        if cloud is not None:
            effects, untold, local = cloud
            effects += local_files(local, cmd, ctx, cwd=cwd)
            if untold:
                reason = f"{words[0]}: {', '.join(untold)} not carried over to the call"
                effects.append(unknown_effect(cmd, reason, ctx, text))
            return effects or [command_effect(EffectKind.READ, cmd, ctx, detail=text[:100])]
    if name in READS:
        return [command_effect(EffectKind.READ, cmd, ctx, detail=text[:100])]
    if ctx.understand_nested is not None and not powershell:
        return ctx.understand_nested(prefix + text)
    if ctx.understand_nested is not None and native_program(name, words):
        # ``kubectl delete ns prod`` run by PowerShell is the same program run by any shell.
        return ctx.understand_nested(prefix + shlex.join([name, *args]))
    return [unknown_effect(cmd, f"keyturn does not know what {words[0]!r} does", ctx, text)]
