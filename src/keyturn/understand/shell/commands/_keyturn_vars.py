"""keyturn's own variables touched by a command line: ``env:KEYTURN_*`` updates.

``unset KEYTURN_POLICY``, ``export KEYTURN_HOME=/tmp``, ``declare -x KEYTURN_…``,
``KEYTURN_POLICY=/tmp/x keyturn exec …``, ``env -u KEYTURN_POLICY …``,
``bash -c 'unset KEYTURN_POLICY'``, Windows ``set KEYTURN_…=`` and PowerShell
``$env:KEYTURN_… =`` / ``Remove-Item Env:KEYTURN_…`` each give an ``update`` effect on
``env:KEYTURN_<NAME>``, which the policy's built-in self-protection denies.

A command started with an empty environment loses every keyturn variable at once, as if each
were unset: ``env -i CMD``, ``env --ignore-environment CMD``, ``env - CMD`` (and their
spellings: ``sudo env -i``, ``/usr/bin/env -i``, ``env -iu X``, ``env -i -- CMD``, ``env -S
'-i CMD'``) and bash's ``exec -c CMD`` (``exec -cl``) give an ``update`` of ``env:KEYTURN_*``.
The command itself is judged as usual. ``env`` alone, ``env -i`` without a command (they print),
``env -u OTHER CMD`` and ``env X=1 CMD`` keep the rest of the environment: no effect here.

Why a scan of the whole line rather than a handler: the bash grammar gives ``export``/``unset``
and bare assignments no simple command, ``env -u`` drops its operand while unwrapping, and the
same words hide inside nested shells and Windows lines. Quotes and backslashes are removed first
(``unset KEY""TURN_POLICY``). Over-matching (``echo KEYTURN_X=1``, ``git commit -m "env -i
ls"``) only costs an unneeded refusal; reading a variable (``echo $KEYTURN_POLICY``) matches
nothing. ``exec`` counts only as bash's builtin: not as a subcommand of a tool that has one
(``kubectl exec -c CONTAINER``, ``npm exec -c``), named earlier in the same command.
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
# What ends a simple command: a separator, or the start or end of a substitution or group.
_END_OF_COMMAND = re.compile(r"[;&|\n()]")
# env's short options: flags, and those taking a value (GNU: -u -C -S; BSD: -P -L -U). Any
# other letter is taken to take one too: a value misread as the command would end the options
# before a later ``-i`` (``env -X val -i CMD``); the other way round only over-matches.
_ENV_FLAGS = frozenset("0vi")
_IGNORE_ENVIRONMENT = "ignore-environment"
_ENV_LONG_VALUED = ("unset", "chdir")  # ``--unset NAME``; the signal ones take ``=`` only
# Tools whose own ``exec`` subcommand takes ``-c`` (a container, a command string).
_EXEC_PARENTS = frozenset(
    {"kubectl", "oc", "docker", "podman", "nerdctl", "crictl", "ctr", "lxc", "incus"}
    | {"docker-compose", "compose", "npm", "pnpm", "yarn", "bun", "mise", "rtx", "minikube"}
)
# The words read after ``env``/``exec``: options past these are not looked for, and such a
# command counts as emptying its environment (the worst reading), which keeps the scan linear.
_MAX_WORDS = 64
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


def empties_environment(text: str) -> str | None:
    """The first command in ``text`` started with an empty environment (``env -i CMD``,
    ``exec -c CMD``), as written; ``None`` when there is none."""
    plain = _QUOTES.sub("", text[:_MAX_SCAN])
    for segment in _END_OF_COMMAND.split(plain):
        words = segment.split()
        parent = False  # a tool with an ``exec`` subcommand named earlier in the command
        for at, word in enumerate(words):
            program = word.rpartition("/")[2]
            following = words[at + 1 : at + 1 + _MAX_WORDS]
            cut = len(words) - at - 1 > _MAX_WORDS
            if (program == "env" and _env_empties(following, cut=cut)) or (
                word == "exec" and not parent and _exec_empties(following, cut=cut)
            ):
                return " ".join(words[at : at + 8])[:120]
            parent = parent or program in _EXEC_PARENTS
    return None


def _env_empties(words: list[str], *, cut: bool) -> bool:
    """Whether ``env WORDS…`` runs a command with an empty environment; ``cut``: more words
    follow those given."""
    empties = False
    i = 0
    while i < len(words) and words[i].startswith("-") and words[i] not in ("-", "--"):
        word = words[i]
        i += 1
        if word.startswith("--"):
            name, equals, value = word[2:].partition("=")
            if _IGNORE_ENVIRONMENT.startswith(name):  # ``--ignore-env``: getopt's prefixes
                empties = True
            elif "split-string".startswith(name):
                words[i:i] = value.split()  # ``-S STRING``: its words are read before the rest
            elif not equals and any(v.startswith(name) for v in _ENV_LONG_VALUED):
                i += 1
            continue
        for at, letter in enumerate(word[1:], start=2):
            if letter == "i":
                empties = True
            elif letter not in _ENV_FLAGS:
                value = word[at:]
                if letter == "S" and value:
                    words[i:i] = value.split()
                elif not value and letter != "S":
                    i += 1  # the value is the next word (``-S``'s: read as options too)
                break
    if words[i : i + 1] == ["--"]:
        i += 1
    if words[i : i + 1] == ["-"]:  # a lone ``-`` is ``-i``
        empties, i = True, i + 1
    while i < len(words) and "=" in words[i] and not words[i].startswith("="):
        i += 1  # NAME=VALUE: set in the empty environment
    if i >= len(words) and cut:
        return True  # still in options past the words read: the worst reading
    return empties and i < len(words)


def _exec_empties(words: list[str], *, cut: bool) -> bool:
    """Whether bash's ``exec WORDS…`` runs a command with an empty environment (``-c``)."""
    empties = False
    i = 0
    while i < len(words) and words[i].startswith("-") and words[i] != "-":
        word = words[i]
        i += 1
        if word == "--":
            break
        for at, letter in enumerate(word[1:], start=2):
            if letter == "c":
                empties = True
            elif letter == "a":  # ``-a NAME``: the command's argv[0]
                i += 0 if word[at:] else 1
                break
    if i >= len(words) and cut:
        return True
    return empties and i < len(words)


def variable_effects(text: str, *, target: Target) -> list[Effect]:
    """``update`` effects on each keyturn variable the command line ``text`` touches (and on
    ``KEYTURN_*`` for a command started with an empty environment)."""
    effects = [
        _variable_update(
            name,
            target,
            "set or unset a keyturn variable",
            f"changes {name}, which configures keyturn itself",
        )
        for name in touched_variables(text)
    ]
    emptied = empties_environment(text)
    if emptied is not None:
        detail = f"{emptied}: every KEYTURN_* variable is gone for the command it runs, as if unset"
        effects.append(
            _variable_update(
                _KEYTURN_WILDCARD, target, "start a command with an empty environment", detail
            )
        )
    return effects


def _variable_update(name: str, target: Target, operation: str, detail: str) -> Effect:
    return Effect(
        EffectKind.UPDATE,
        Resource((f"env:{name}",), "environment variable"),
        target,
        service="shell",
        operation=operation,
        detail=detail,
    )
