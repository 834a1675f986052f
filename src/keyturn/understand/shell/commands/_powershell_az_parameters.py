"""An Az cmdlet's parameter names spelt out in full, as PowerShell binds them, for
:mod:`._powershell_cloud`.

PowerShell binds a parameter given by any prefix of its name (or of one of its aliases) that
no other parameter of the cmdlet shares: ``Remove-AzResourceGroup -Na prod-rg -Fo`` is
``-Name prod-rg -Force``; a prefix several parameters share is refused ("parameter name 'N' is
ambiguous") and an exact name wins (about_Parameters; PSScriptAnalyzer #294 warns of exactly
this). keyturn knows the parameters of the Az cmdlets it maps (:data:`._powershell_cloud._AZ`),
the common parameters and Az's ``-DefaultProfile``: a word that is a prefix of exactly one of
those (or of aliases of one: ``-Sub`` is ``-Subscription``, whose aliases are
``-SubscriptionId`` and ``-SubscriptionName``) is that parameter (if the cmdlet has another
one sharing the prefix, PowerShell refuses the call); a prefix of several is left as written,
not carried over, and so held.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# PowerShell's common parameters (about_CommonParameters, 7.4: ``-ProgressAction`` too) and
# their aliases, ShouldProcess's, and Az's ``-DefaultProfile`` (aliases AzContext,
# AzureRmContext, AzureCredential).
COMMON = frozenset(
    {"verbose", "debug", "erroraction", "warningaction", "informationaction", "progressaction"}
    | {"errorvariable", "warningvariable", "informationvariable", "outvariable", "outbuffer"}
    | {"pipelinevariable", "whatif", "confirm", "vb", "db", "ea", "wa", "infa", "proga"}
    | {"ev", "wv", "iv", "ov", "ob", "pv", "wi", "cf"}
    | {"defaultprofile", "azcontext", "azurermcontext", "azurecredential"}
)


def spelt_out(args: Sequence[str], known: Mapping[str, str]) -> list[str]:
    """``args`` with each parameter name that abbreviates exactly one of ``known`` (lower-case
    names -> what each means: aliases of one parameter mean the same; the common ones added)
    written in full (``-Na:x`` -> ``-name:x``)."""
    meanings = {**{c: c for c in COMMON}, **known}
    out = []
    for word in args:
        if len(word) < 2 or not word.startswith("-") or word[1].isdigit():
            out.append(word)
            continue
        given, colon, value = word[1:].partition(":")
        lowered = given.lower()
        matches = sorted(n for n in meanings if n.startswith(lowered)) if lowered else []
        if lowered in meanings or len({meanings[m] for m in matches}) != 1:
            out.append(word)
        else:
            out.append(f"-{matches[0]}{colon}{value}")
    return out
