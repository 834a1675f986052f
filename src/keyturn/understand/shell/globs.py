"""Glob names as bash expands them, beyond the ``*``/``?``/``[…]`` the policy reads.

- ``**`` with ``shopt -s globstar`` matches any number of folders, none included:
  ``/srv/**/prod`` is also ``/srv/prod``. Each such file name is also named with ``/**/`` as
  ``/`` and ``**`` as ``*`` (a policy ``*`` spans folders already); without globstar ``**`` is
  one folder's ``*``, which these names take in too.
- ``shopt -s nocaseglob`` (on the line, or in ``BASHOPTS``, which bash reads at start) matches
  without regard to case: ``/srv/PROD*`` deletes ``/srv/prod``. A change of files named by a
  glob is then decided at run time: unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from keyturn.model import Effect, EffectKind, Resource, path_brackets
from keyturn.understand.shell.registry import evolve

_ANY_FOLDERS = re.compile(r"/\*\*(?:/\*\*)*/")


def case_blind(command: str, variables: Mapping[str, str]) -> bool:
    """Whether globs on the line may match without regard to case."""
    return "nocaseglob" in command or "nocaseglob" in variables.get("BASHOPTS", "")


def with_glob_forms(effects: list[Effect], *, case_blind: bool) -> list[Effect]:
    """``effects`` with their glob file names read as bash may expand them (module docstring)."""
    return [_glob_forms(e, case_blind=case_blind) for e in effects]


def _glob_forms(effect: Effect, *, case_blind: bool) -> Effect:
    names = effect.resource.names
    if not any(n.startswith("file:") and _is_glob(n) for n in names):
        return effect
    extra = []
    for name in names:
        if name.startswith("file:") and "**" in name:
            extra += [_ANY_FOLDERS.sub("/", name), name.replace("**", "*")]
    if extra:
        resource = Resource(tuple(dict.fromkeys((*names, *extra))), type=effect.resource.type)
        effect = evolve(effect, resource=resource)
    if case_blind and effect.effect is not EffectKind.READ and effect.catastrophic is None:
        reason = "nocaseglob: the files its glob matches are told without regard to case"
        detail = f"{effect.detail}; {reason}" if effect.detail else reason
        effect = evolve(effect, effect=EffectKind.UNKNOWN, detail=detail)
    return effect


def _is_glob(name: str) -> bool:
    return "*" in name or "?" in name or path_brackets(name)
