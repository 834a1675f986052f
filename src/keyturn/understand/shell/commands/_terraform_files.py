"""The files a terraform or tofu command writes on this machine, and the address lists it reads.

Commands that change nothing in the cloud still write files, wherever their options point:

- ``plan -out=FILE`` writes the saved plan (a zip archive) over FILE; ``plan
  -generate-config-out=FILE`` writes generated configuration there. Confirmed with terraform
  1.11: ``plan -out .claude/settings.json`` replaced a settings file holding a hook with the
  plan.
- ``-state-out=PATH`` and ``-backup=PATH`` (``-`` for none) of the commands that change state
  (the local backend's options) write those files.
- ``fmt`` rewrites the ``.tf``/``.tfvars``/``.tftest.hcl`` files of the directories or files it
  is given (the working directory by default) unless ``-check``, ``-write=false`` or ``-`` (the
  standard input) keep it from writing.
- ``providers mirror DIR`` writes provider packages under DIR (``~/.terraform.d/plugins`` is
  loaded by every later run); ``providers lock`` writes ``.terraform.lock.hcl``; ``init
  -from-module=SOURCE`` copies a module into the directory; ``test -junit-xml=FILE`` writes a
  report.

Each is judged as the file write it is (:func:`~keyturn.understand.shell.effects.file_effect`),
so keyturn's own files, protected paths and the files that run later hold as they do for a
redirect.

``-target-file=FILE`` and ``-exclude-file=FILE`` (OpenTofu 1.9) take addresses from a file, one
a line, ``#`` starting a comment line (OpenTofu's ``parseFileTargetables``). The file is read as
the line leaves it; one not at hand is not known.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import file_effect
from keyturn.understand.shell.line_writes import text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
# Subcommands that rewrite the state, and so take the local backend's -state options.
_STATE_WRITERS = frozenset({"apply", "destroy", "refresh", "import", "taint", "untaint", "state"})
_FMT_FILES = (".tf", ".tfvars", ".tftest.hcl", ".tofu", ".tfmock.hcl")
_TARGET_FILE_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class Invocation:
    """What the file rules need of one terraform call (:class:`._terraform_call.TerraformCall`)."""

    cmd: SimpleCommand
    ctx: ShellContext
    sub: str
    words: Sequence[str]
    values: Callable[[str], list[str]]
    flag: Callable[[str], bool]
    absolute: Callable[[str], str]
    cwd: str


def written_files(call: Invocation) -> list[Effect]:
    """The file writes of ``call`` on this machine (none for most commands)."""
    op = f"{call.cmd.name} {call.sub}".strip()
    out: list[tuple[list[str], str]] = []
    if call.sub == "plan":
        out += [([call.absolute(v)], "-out: the saved plan") for v in call.values("out") if v]
        out += [
            ([call.absolute(v)], "-generate-config-out: generated configuration")
            for v in call.values("generate-config-out")
            if v
        ]
    if call.sub in _STATE_WRITERS:
        for option in ("state-out", "backup"):
            out += [
                ([call.absolute(v)], f"-{option}: a state file")
                for v in call.values(option)
                if v and v != "-"
            ]
    if call.sub == "fmt":
        out += _formatted(call)
    elif call.sub == "providers":
        out += _provider_files(call)
    elif call.sub == "init" and any(call.values("from-module")):
        out.append(([call.cwd, f"{call.cwd.rstrip('/')}/*"], "-from-module: the module copied in"))
    elif call.sub == "test":
        out += [([call.absolute(v)], "-junit-xml: a report") for v in call.values("junit-xml") if v]
    return [
        file_effect(_E.UPDATE, paths, call.cmd, call.ctx, detail=f"{op} {what}")
        for paths, what in out
    ]


def _formatted(call: Invocation) -> list[tuple[list[str], str]]:
    """The files ``fmt`` rewrites: each file operand, each directory's configuration files
    (its whole tree with ``-recursive``)."""
    write = call.values("write")
    if call.flag("check") or (write and write[-1].lower() in ("false", "0", "f")):
        return []
    operands = list(call.words) or ["."]
    if "-" in operands:
        return []  # formats the standard input onto the standard output
    out = []
    for operand in operands:
        path = call.absolute(operand)
        if path.endswith(_FMT_FILES) and not call.ctx.files.is_dir(path):
            out.append(([path], "rewrites the file"))
        else:
            out.append(([path, f"{path.rstrip('/')}/*"], "rewrites its configuration files"))
    return out


def _provider_files(call: Invocation) -> list[tuple[list[str], str]]:
    """``providers mirror DIR`` (the packages under DIR) and ``providers lock`` (the lock
    file of the working directory)."""
    action, rest = (call.words[0], list(call.words[1:])) if call.words else ("", [])
    if action == "mirror" and rest:
        target = call.absolute(rest[-1])
        return [([target, f"{target.rstrip('/')}/*"], "mirror: provider packages written")]
    if action == "lock":
        return [([f"{call.cwd.rstrip('/')}/.terraform.lock.hcl"], "lock: the lock file")]
    return []


@dataclass(frozen=True, slots=True)
class ListedAddresses:
    """The addresses of ``-target-file``/``-exclude-file`` files, and why some are not known
    (a file not at hand, or rewritten on the line in a way not known)."""

    addresses: tuple[str, ...] = ()
    not_known: tuple[str, ...] = ()


def listed_addresses(call: Invocation, option: str) -> ListedAddresses:
    """The address lines of the files ``-<option>`` names, comments and blank lines left out."""
    addresses: list[str] = []
    not_known: list[str] = []
    for value in call.values(option):
        if not value or "$" in value or "`" in value:
            not_known.append(f"-{option}: which file is decided at run time")
            continue
        text, changed = text_on_line(call.absolute(value), call.ctx, limit=_TARGET_FILE_LIMIT)
        if text is None:
            why = "is rewritten on the line" if changed else "is not at hand"
            not_known.append(f"-{option}={value}: the file {why}, its addresses are not known")
            continue
        for line in text.splitlines():
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                addresses.append(line)
    return ListedAddresses(tuple(addresses), tuple(not_known))
