"""What the differential suites share: whether keyturn's names take in a path bash or git
touched, matched as the policy matches names (``*`` spans folders, a bracket set is one
character)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, EffectKind, Target, brackets_as_one_character
from keyturn.policy.matching import GlobSet
from keyturn.understand.shell import understand_shell


def named(path: str, names: Iterable[str]) -> bool:
    """Whether one of ``names`` takes in the file ``path``."""
    value = [f"file:{path}"]
    return any(
        GlobSet([brackets_as_one_character(n)]).first_match(value) is not None for n in names
    )


def unknown(action: Action) -> bool:
    """Whether ``action`` is held as not understood (what it touches is then not claimed)."""
    return any(e.effect is EffectKind.UNKNOWN for e in action.effects)


def names_of(action: Action, kinds: frozenset[EffectKind]) -> set[str]:
    """The names of ``action``'s effects of ``kinds``."""
    return {n for e in action.effects if e.effect in kinds for n in e.resource.names}


def files_under(root: Path, *, skip: str = "") -> dict[str, bytes]:
    """Every file under ``root`` and its bytes (folders named ``skip`` left out)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != skip]
        for name in files:
            found[os.path.join(folder, name)] = Path(folder, name).read_bytes()
    return found


def run_bash(line: str, *, cwd: Path, env: dict[str, str]) -> None:
    """``line`` run in a bash that reads no startup files, with nothing on its input."""
    subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", line],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )


def assert_changes_named(action: Action, changed: Iterable[str], line: str) -> None:
    """Each of ``changed`` is named by an effect of ``action`` that is not a read, unless the
    action is held as unknown."""
    if unknown(action):
        return
    changes = names_of(action, frozenset(EffectKind) - {EffectKind.READ})
    missed = [p for p in changed if not named(p, changes)]
    assert not missed, (line, missed, sorted(changes))


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The files :func:`files_under` listed differently: created, changed or removed."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def understood_on_disk(
    line: str, *, cwd: Path | str, variables: dict[str, str], target: Target | None = None
) -> Action:
    """``line`` understood from ``cwd`` with the disk as it is now, ``variables`` the caller's
    environment (its HOME the home directory), ``target`` where it lands when told."""
    return understand_shell(
        line,
        cwd=str(cwd),
        home=variables["HOME"],
        env=variables,
        target=target or Target(),
        files=LocalFiles(),
    )
