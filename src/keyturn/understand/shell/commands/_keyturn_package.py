"""``pip install`` of something that turns out to be keyturn: a replacement of its package.

``pip install keyturn==0.0.1`` names keyturn on the line, and self-protection tells it from the
words (``keyturn.policy.selfprotect_more``). ``pip install -e /tmp/evil``,
``pip install ./dist/x.whl`` or ``pip install -r requirements.txt`` do not: the project's
metadata (``pyproject.toml``, ``setup.cfg``, ``setup.py``) or the requirements file says what
is installed. When that is keyturn, the install replaces keyturn's installed package, wherever
it is: a ``replace`` of ``file:*/site-packages/keyturn``, which self-protection denies. What
cannot be read stays as judged before (``unknown``: installing runs the package's code).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import file_path, local_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

INSTALLED_PACKAGE = "file:*/site-packages/keyturn"
_METADATA = ("pyproject.toml", "setup.cfg", "setup.py")
# ``name = "keyturn"`` (pyproject.toml, setup.cfg) or ``name='keyturn'`` (setup.py): any such
# line counts, whichever table it is in (the worst reading).
_PROJECT_NAME = re.compile(
    r"""^\s*['"]?name['"]?\s*[=:]\s*['"]?keyturn['"]?\s*,?\s*$""", re.I | re.M
)
_SETUP_CALL = re.compile(r"""\bname\s*=\s*['"]keyturn['"]""", re.I)
_REQUIREMENT = re.compile(r"^\s*keyturn\s*(?:$|[\[=<>!~;@ #])", re.I | re.M)
_ARCHIVE = re.compile(r"(?:.*/)?keyturn-\d[^/]*\.(?:whl|tar\.gz|zip)", re.I)
_EDITABLE = ("-e", "--editable")
_REQUIREMENTS = ("-r", "--requirement")
_CONSTRAINTS = ("-c", "--constraint")


def installs_keyturn(args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """A ``replace`` of keyturn's installed package when what ``pip install ARGS`` installs is
    keyturn, by the files named (read through ``ctx.files``); else nothing."""
    for kind, value in _operands(args):
        found = _requirements_name_keyturn(value, ctx) if kind == "r" else _is_keyturn(value, ctx)
        if found:
            return [
                Effect(
                    EffectKind.REPLACE,
                    Resource((INSTALLED_PACKAGE,), "python package"),
                    local_target(ctx),
                    service="file",
                    command=cmd.text or None,
                    operation="pip install",
                    detail=f"pip install {value}: it is keyturn, and replaces keyturn's package",
                )
            ]
    return []


def _operands(args: Sequence[str]) -> list[tuple[str, str]]:
    """(``r`` for a requirements file, else ``p``, value) for each word that may name what is
    installed: an operand, an editable project, a requirements or constraints file. A value of
    another option (``--target DIR``) counts as an operand: read, it can only add a refusal."""
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        for (short, long), kind in ((_EDITABLE, "p"), (_REQUIREMENTS, "r"), (_CONSTRAINTS, "r")):
            if arg in (short, long):
                if i < len(args):
                    found.append((kind, args[i]))
                    i += 1
                break
            if arg.startswith(long + "="):
                found.append((kind, arg[len(long) + 1 :]))
                break
            if arg.startswith(short) and len(arg) > 2 and not arg.startswith("--"):
                found.append((kind, arg[2:]))  # ``-e./x``, ``-rreq.txt``
                break
        else:
            if not arg.startswith("-"):
                found.append(("p", arg))
    return found


def _is_keyturn(value: str, ctx: ShellContext) -> bool:
    """Whether the local project or archive ``value`` is keyturn."""
    if "://" in value and not value.startswith("file://"):
        return False
    path = file_path(value.removeprefix("file://"), ctx).rstrip("/")
    if _ARCHIVE.fullmatch(path):
        return True
    for name in _METADATA:
        text = ctx.files.read_text(f"{path}/{name}")
        if text is None:
            continue
        pattern = _SETUP_CALL if name == "setup.py" else _PROJECT_NAME
        if pattern.search(text):
            return True
    return False


def _requirements_name_keyturn(value: str, ctx: ShellContext) -> bool:
    text = ctx.files.read_text(file_path(value, ctx))
    return text is not None and _REQUIREMENT.search(text) is not None
