"""keyturn's own variables touched by a command line: ``env:KEYTURN_*`` updates.

``unset KEYTURN_POLICY``, ``export KEYTURN_HOME=/tmp``, ``declare -x KEYTURN_…``,
``KEYTURN_POLICY=/tmp/x keyturn exec …``, ``env -u KEYTURN_POLICY …``,
``bash -c 'unset KEYTURN_POLICY'``, Windows ``set KEYTURN_…=`` and PowerShell
``$env:KEYTURN_… =`` / ``Remove-Item Env:KEYTURN_…`` each give an ``update`` effect on
``env:KEYTURN_<NAME>``, which the policy's built-in self-protection denies.

A command started with an empty environment loses every keyturn variable at once, as if each
were unset: ``env -i CMD``, ``env --ignore-environment CMD``, ``env - CMD`` and bash's
``exec -c CMD``. Those are read where the command is unwrapped (:mod:`..wrappers`), so only
where they run, never in quoted text (``git commit -m "env -i"``), and give an ``update`` of
``env:KEYTURN_*`` (:func:`emptied_environment`). The command itself is judged as usual.

Why a scan of the whole line rather than a handler: the bash grammar gives ``export``/``unset``
and bare assignments no simple command, ``env -u`` drops its operand while unwrapping, and the
same words hide inside nested shells and Windows lines. Quotes and backslashes are removed first
(``unset KEY""TURN_POLICY``). Over-matching (``echo KEYTURN_X=1``) only costs an unneeded
refusal; reading a variable (``echo $KEYTURN_POLICY``) matches nothing.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind, Resource, Target

_NAME = re.compile(r"KEYTURN_\w*", re.IGNORECASE)
_QUOTES = re.compile(r"""['"\\`]""")
_SEPARATORS = re.compile(r"[;&|\n]")
# What, right before a name, makes it a change: a declaring builtin earlier in the same simple
# command, ``env -u`` / ``--unset``, ``strace -E`` / ``--env`` (which unsets a bare name), or
# PowerShell's ``env:`` drive.
_DECLARER = re.compile(r"\b(?:unset|export|declare|typeset|readonly|local|setenv|unsetenv)\b", re.I)
_UNSET_OPTION = re.compile(r"(?:\s-\w*[uE]\s*|--(?:unset|env)[=\s]+)\Z")
_LOOK_BACK = 200
_MAX_SCAN = 65_536
_KEYTURN_WILDCARD = "KEYTURN_*"


def touched_variables(text: str) -> list[str]:
    """The keyturn variables ``text`` sets, overrides or unsets (upper-cased, sorted)."""
    # A longer line is wholly unknown to the shell understanding anyway (never allowed); the
    # bound keeps this scan fast on hostile input.
    plain = _QUOTES.sub("", text[:_MAX_SCAN])
    names = set()
    for match in _NAME.finditer(plain):  # non-overlapping: linear in the text
        after = plain[match.end() : match.end() + 8].lstrip()
        before = plain[max(0, match.start() - _LOOK_BACK) : match.start()]
        segment = _SEPARATORS.split(before)[-1]
        if (
            after.startswith(("=", "+="))
            or _DECLARER.search(segment)
            or _UNSET_OPTION.search(before)
            or before.lower().endswith("env:")
        ):
            names.add(match.group().upper())
    return sorted(names)


def variable_effects(text: str, *, target: Target) -> list[Effect]:
    """``update`` effects on each keyturn variable the command line ``text`` touches."""
    return [
        _variable_update(
            name,
            target,
            "set or unset a keyturn variable",
            f"changes {name}, which configures keyturn itself",
        )
        for name in touched_variables(text)
    ]


def emptied_environment(command: str, target: Target) -> Effect:
    """The ``update`` of every keyturn variable by a wrapper that starts ``command`` with an
    empty environment (``env -i``, ``env -``, ``exec -c``: :mod:`..wrappers` tells)."""
    detail = f"{command}: every KEYTURN_* variable is gone for it, as if unset"
    return _variable_update(
        _KEYTURN_WILDCARD, target, "start a command with an empty environment", detail
    )


def _variable_update(name: str, target: Target, operation: str, detail: str) -> Effect:
    return Effect(
        EffectKind.UPDATE,
        Resource((f"env:{name}",), "environment variable"),
        target,
        service="shell",
        operation=operation,
        detail=detail,
    )
