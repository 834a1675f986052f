"""keyturn's own variables touched by a command line: ``env:KEYTURN_*`` updates.

``unset KEYTURN_POLICY``, ``export KEYTURN_HOME=/tmp``, ``declare -x KEYTURN_…``,
``KEYTURN_POLICY=/tmp/x keyturn exec …``, ``env -u KEYTURN_POLICY …``,
``bash -c 'unset KEYTURN_POLICY'``, Windows ``set KEYTURN_…=`` and PowerShell
``$env:KEYTURN_… =`` / ``Remove-Item Env:KEYTURN_…`` each give an ``update`` effect on
``env:KEYTURN_<NAME>``, which the policy's built-in self-protection denies.

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
        Effect(
            EffectKind.UPDATE,
            Resource((f"env:{name}",), "environment variable"),
            target,
            service="shell",
            operation="set or unset a keyturn variable",
            detail=f"changes {name}, which configures keyturn itself",
        )
        for name in touched_variables(text)
    ]
