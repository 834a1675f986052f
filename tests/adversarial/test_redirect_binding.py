"""Redirections go to the command bash gives them to.

tree-sitter-bash hangs the redirections written after the last command of a list or pipeline on
the whole (``a && b < f``, ``echo ls | bash < evil.sh``); bash gives them to that last command
alone, and an input redirection there replaces the pipe. And the grammar reads a descriptor
written against an operator (``bash 0< evil.sh``, ``exec {fd}> f``) as a word of the command,
so ``bash`` seemed to run a script file named ``0``. The ``rm`` cases below each ran under
bash while a harmless text was judged. A compound command's redirections are opened before it
runs: ``{ cd /tmp; } > db`` writes ``db`` where the group starts, not in ``/tmp``.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

EVIL = "rm -rf /srv/prod\n"
FILES = {
    f"{CWD}/evil.sh": EVIL,
    f"{CWD}/scripts/evil.sh": EVIL,
    f"{CWD}/0": "ls\n",  # what a misread ``bash 0< evil.sh`` would run instead
    f"{CWD}/ok.sh": "ls\n",
}


def _deleted(command: str) -> set[str]:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(dict(FILES)))
    return {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}


def _argvs(command: str) -> list[list[str]]:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(dict(FILES)))
    return [entry["argv"] for entry in action.subject["commands"] if "argv" in entry]


RUNS_EVIL = [
    "echo ls | bash < evil.sh",
    "echo ls | sh < ./evil.sh",
    "echo ls | bash 0< evil.sh",
    "echo ls | bash 0<evil.sh",
    "bash 0< evil.sh",
    "sh 0<evil.sh",
    "true && bash < evil.sh",
    "! true || bash < evil.sh",
    "true && echo ls | bash < evil.sh",
    "cd scripts && bash < evil.sh",
    "echo ls | bash <<EOF\nrm -rf /srv/prod\nEOF",
    "true && bash <<'EOF'\nrm -rf /srv/prod\nEOF",
    "echo ls | bash <<< 'rm -rf /srv/prod'",
    "true && cat <<EOF | sh\nrm -rf /srv/prod\nEOF",
    # a redirection of the output leaves the pipe feeding the command
    "echo 'rm -rf /srv/prod' | sh > /tmp/out.log",
    "echo 'rm -rf /srv/prod' | sh 2>/dev/null",
    "true && echo 'rm -rf /srv/prod' | sh > /tmp/out.log 2>&1",
]


@pytest.mark.parametrize("command", RUNS_EVIL)
def test_the_script_bash_reads_is_the_one_judged(judge_shell: JudgeShell, command: str) -> None:
    assert "file:/srv/prod" in _deleted(command), command
    decision = judge_shell(command, files=FILES)
    assert decision.decision is not Verdict.ALLOW, command


@pytest.mark.parametrize(
    "command", ["true && cat < evil.sh | sh", "true && bash < missing.sh", "echo ls | bash < $F"]
)
def test_a_script_not_at_hand_is_not_understood(judge_shell: JudgeShell, command: str) -> None:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(dict(FILES)))
    assert EffectKind.UNKNOWN in {e.effect for e in action.effects}, command
    assert judge_shell(command, files=FILES).decision is not Verdict.ALLOW, command


@pytest.mark.parametrize(
    "command",
    ["echo ls | bash < ok.sh", "true && bash < ok.sh", "echo 'rm -rf /srv/prod' | bash < ok.sh"],
)
def test_a_harmless_script_fed_by_redirection_stays_harmless(
    judge_shell: JudgeShell, command: str
) -> None:
    # The pipe's text is not what bash runs: ``ok.sh`` is, and it only lists.
    assert _deleted(command) == set(), command
    assert judge_shell(command, files=FILES).decision is Verdict.ALLOW, command


@pytest.mark.parametrize(
    ("command", "argvs"),
    [
        ("cat 0< notes.txt", [["cat"]]),
        ("cat 0<notes.txt", [["cat"]]),
        ("exec {fd}> /tmp/x", [["exec"]]),
        ("exec {log}>>/tmp/x", [["exec"]]),
        ("echo 0 > /tmp/x", [["echo", "0"]]),  # a blank before the operator: a word
        ("echo a0>/tmp/x", [["echo", "a0"]]),  # only a whole number is a descriptor
        ('echo "0">/tmp/x', [["echo", "0"]]),  # quoted: a word
        ("echo {a,b}>/tmp/x", [["echo", "a", "b"]]),  # a brace expansion, not a name
    ],
)
def test_a_descriptor_against_an_operator_is_not_a_word(
    command: str, argvs: list[list[str]]
) -> None:
    assert _argvs(command) == argvs


@pytest.mark.parametrize(
    ("command", "written"),
    [
        ("cd /srv/prod && echo x > data.db", "file:/srv/prod/data.db"),
        ("true && echo x 0> /srv/prod/data.db", "file:/srv/prod/data.db"),
        ("true | tee x >> /srv/prod/log", "file:/srv/prod/log"),
        ("cd /srv/prod && { cd /tmp; } > db.sqlite", "file:/srv/prod/db.sqlite"),
        ("cd /srv/prod && (cd /tmp) > db.sqlite", "file:/srv/prod/db.sqlite"),
        ("cd /srv/prod; if cd /tmp; then echo x; fi > db.sqlite", "file:/srv/prod/db.sqlite"),
        ("cd /srv/prod; while cd /tmp; do break; done >> db.sqlite", "file:/srv/prod/db.sqlite"),
    ],
)
def test_a_write_after_a_list_lands_where_its_last_command_runs(command: str, written: str) -> None:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(dict(FILES)))
    changed = {
        n for e in action.effects if e.effect is not EffectKind.READ for n in e.resource.names
    }
    assert written in changed, command


@pytest.mark.parametrize(
    ("command", "argvs"),
    [
        ("kubectl >/dev/null delete ns payments", [["kubectl", "delete", "ns", "payments"]]),
        ("rm <x -rf /srv/prod", [["rm", "-rf", "/srv/prod"]]),
        ("rm 2>/dev/null -rf a b", [["rm", "-rf", "a", "b"]]),
        ("kubectl delete >/dev/null ns payments", [["kubectl", "delete", "ns", "payments"]]),
        ("cmd a >f b <g c", [["cmd", "a", "b", "c"]]),
        ("echo hi >out rm -rf /srv/prod", [["echo", "hi", "rm", "-rf", "/srv/prod"]]),
    ],
)
def test_words_after_a_redirection_target_are_the_commands(
    command: str, argvs: list[list[str]]
) -> None:
    # The grammar reads every word after a redirection's target as one more target; bash runs
    # them as the command's words: ``kubectl >/dev/null delete ns payments`` deletes it.
    assert _argvs(command) == argvs


def test_a_verb_after_a_redirection_is_judged(judge_shell: JudgeShell) -> None:
    decision = judge_shell("kubectl >/dev/null delete ns payments")
    assert decision.decision is Verdict.DENY, decision.reasons
