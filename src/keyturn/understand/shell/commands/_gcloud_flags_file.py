"""``gcloud --flags-file=FILE``: flags given in a YAML (or JSON) file, read as gcloud reads them.

gcloud replaces each ``--flags-file`` argument by the flags its file holds, before it parses the
command line (``calliope/cli.py``: ``_ApplyFlagsFile``): the file is a ``--flag: value``
mapping, or a list of them; a null or boolean value gives the flag alone (so
``--no-deletion-protection:`` switches the protection off, and ``--deletion-protection: false``
switches it on), a string or number ``--flag=value``, a list or mapping the flag and the value as
one argument; a ``--flags-file`` key names more files; ``-`` is the standard input. Confirmed
with gcloud 528: ``--flags-file`` holding ``--no-deletion-protection:`` sent the patch turning
the instance's protection off, and one holding ``--project: acme-prod`` moved the call there.

Each file is read as the line leaves it. One not at hand, rewritten on the line in a way not
known, or that gcloud would refuse, gives flags that are not known: the caller holds the call as
not understood besides what its own words say.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from typing import Any

from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

FLAG = "--flags-file"
_MAX_DEPTH = 8
_LIMIT = 1_000_000


def expand_flags_files(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext
) -> tuple[list[str], list[str]]:
    """``args`` with each ``--flags-file`` replaced by its flags, and why some are not known."""
    out: list[str] = []
    reasons: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == FLAG or word.startswith(FLAG + "="):
            if word == FLAG:
                if i + 1 >= len(args):
                    break
                path, i = args[i + 1], i + 1
            else:
                path = word.partition("=")[2]
            out += _file_flags(path, cmd, ctx, reasons, depth=0)
        else:
            out.append(word)
        i += 1
    return out, reasons


def _file_flags(
    path: str, cmd: SimpleCommand, ctx: ShellContext, reasons: list[str], *, depth: int
) -> list[str]:
    """The arguments the flags file ``path`` stands for (reasons noted for what is not known)."""
    if depth >= _MAX_DEPTH:
        reasons.append(f"{FLAG}: files nested more than {_MAX_DEPTH} deep")
        return []
    text = _text(path, cmd, ctx, reasons)
    if text is None:
        return []
    import yaml

    from keyturn.yaml_limits import load

    try:
        document = load(text, _loader())  # a SafeLoader (below)
    except (yaml.YAMLError, RecursionError, ValueError):
        reasons.append(f"{FLAG} {path}: not YAML gcloud reads")
        return []
    members = document if isinstance(document, list) else [document]
    out: list[str] = []
    for member in members:
        if not isinstance(member, dict):
            reasons.append(f"{FLAG} {path}: holds no mapping of flags")
            return []
        for key, value in member.items():
            name = str(key)
            if name == FLAG:
                nested = value if isinstance(value, list) else [value]
                for each in nested:
                    out += _file_flags(str(each), cmd, ctx, reasons, depth=depth + 1)
            elif value is None or isinstance(value, bool):
                out.append(name)
            elif isinstance(value, (list, dict)):
                out.append(f"{name}={json.dumps(value, default=str)}")
            else:
                out.append(f"{name}={value}")
    return out


def _text(path: str, cmd: SimpleCommand, ctx: ShellContext, reasons: list[str]) -> str | None:
    """The flags file's text as the line leaves it (``-``: the command's input)."""
    if not path or "$" in path or "`" in path:
        reasons.append(f"{FLAG}: which file is decided at run time")
        return None
    if path == "-":
        if cmd.stdin_text is None or cmd.stdin_dynamic:
            reasons.append(f"{FLAG} -: the flags come from an input not known")
            return None
        return cmd.stdin_text
    full = home_path(path, ctx)
    text = one_text_on_line(full, ctx, limit=_LIMIT)
    if text is None:
        changed = bool(ctx.written) and written_text(ctx.written, full)[0]
        why = "is rewritten on the line" if changed else "is not at hand"
        reasons.append(f"{FLAG} {path}: the file {why}, the flags it gives are not known")
    return text


@functools.cache
def _loader() -> Any:
    """PyYAML's SafeLoader with YAML 1.2's booleans (``true``/``false`` only), as gcloud's
    ruamel loader reads them: ``no`` or ``off`` is a string there, not a boolean."""
    import yaml

    loader: Any = type("Yaml12Loader", (yaml.SafeLoader,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return loader
