"""Spellings of a command line that bash runs as its bare form, judged under the BRIEF policy.

Each case was judged looser than its bare form before (asked where the bare form is denied, or
allowed where it is asked): a backslash-newline or an empty ``$( )`` inside a word, which bash
removes before it splits words; ``time``, ``coproc`` and ``!`` before a compound command;
options after ``-c``, and the words after a ``-c`` text or a call of a function the line
defines (its ``$1``…); a root shell reading known text on its input; a relative path into the
system's program folders; a ``cd`` run by ``eval`` or ``source``; multi-call binaries;
``parallel`` and ``xargs`` forms that run the text they are given; text that reaches a shell
as a group's output, through ``tee``, or on ssh's input. ``env="dev"`` (deletes allowed) unless
a case says otherwise: only the built-in catastrophic set, a protected resource (deny) or an
unknown effect (ask) holds them. The cases that were judged rightly before stand beside them,
so that the new readings stay no wider than bash's.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from tests.adversarial.conftest import JudgeShell

ALLOW, ASK, DENY = "allow", "ask", "deny"


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    env: str | None = "dev"


CASES = [
    # 1. what bash removes from a word before it splits words: a backslash-newline, an empty
    # ``$( )``
    Case("continuation-in-command-name", "r\\\nm -rf /", DENY),
    Case("continuation-in-program-path", "/b\\\nin/rm -rf /", DENY),
    Case("continuation-in-protected-name", "kubectl delete ns pay\\\nments", DENY),
    Case("continuation-in-protected-name-prod", "kubectl delete ns pay\\\nments", DENY, env=None),
    Case("continuation-in-double-quotes", 'kubectl delete ns "pay\\\nments"', DENY),
    # ... but not in a comment (the next line runs) nor after an escaped backslash
    Case("continuation-not-in-comment", "ls # x\\\nrm -rf /", DENY),
    Case("continuation-not-after-escaped-backslash", "echo a\\\\\nrm -rf /", DENY),
    Case("continuation-literal-in-single-quotes", "echo 'a\\\nb'", ALLOW),
    Case("empty-substitution-in-path", "rm -rf /e$()tc", DENY),
    Case("empty-substitution-as-word", "$( ) rm -rf /", DENY),
    Case("empty-substitution-before-hash", "echo $()#; rm -rf /", DENY),
    # 2. reserved words before a compound command only time, background or negate it
    Case("time-group", "time { rm -rf /; }", DENY),
    Case("time-posix-group", "time -p { rm -rf /; }", DENY),
    Case("time-loop", "time for d in /; do rm -rf $d; done", DENY),
    Case("time-case", "time case x in x) rm -rf /;; esac", DENY),
    Case("negated-group", "! { rm -rf /; }", DENY),
    Case("negated-if", "! if true; then rm -rf /; fi", DENY),
    Case("negated-time-group", "! time { rm -rf /; }", DENY),
    Case("time-negated-group", "time ! { rm -rf /; }", DENY),
    Case("coproc-group", "coproc { rm -rf /; }", DENY),
    Case("coproc-named-group", "coproc NAME { rm -rf /; }", DENY),
    Case("coproc-named-subshell", "coproc NAME ( rm -rf / )", DENY),
    Case("coproc-name-is-the-program", "coproc NAME rm -rf /", ASK),  # runs NAME
    # 3. a shell's -c: options may follow it, and the words after the text are $0, $1…; a
    # function's arguments are its $1…
    Case("shell-c-double-dash", "bash -c -- 'rm -rf /'", DENY),
    Case("shell-c-then-option", "bash -c -x 'rm -rf /'", DENY),
    Case("shell-c-then-valued-option", "bash -c -o errexit 'rm -rf /'", DENY),
    Case("shell-c-words-are-arguments", "sh -c ls -- 'rm -rf /'", ALLOW),
    Case("shell-c-first-argument", "sh -c 'rm -rf \"$1\"' _ /", DENY),
    Case("shell-c-argument-as-program", 'bash -c \'"$1" -rf "$2"\' _ rm /', DENY),
    Case("shell-c-protected-argument", "sh -c 'kubectl delete ns \"$1\"' _ payments", DENY),
    Case("shell-c-argument-split", "sh -c 'rm -rf $1' _ 'build /'", DENY),
    Case("shell-c-argument-decided-at-run-time", 'sh -c \'rm -rf "$1"\' _ "$D"', ASK),
    Case("set-positional", 'set -- rm -rf /; "$1" "$2" "$3"', DENY),
    Case("set-positional-shifted", 'set -- build /; shift; rm -rf "$1"', ASK),
    Case("shell-c-function-arguments", "sh -c 'f() { rm -rf \"$1\"; }; f /' _ build", DENY),
    Case("function-argument", 'f() { rm -rf "$1"; }; f /', DENY),
    Case("function-keyword-arguments", 'function f { kubectl delete ns "$1"; }; f payments', DENY),
    Case("function-argument-in-subshell-body", 'f() ( rm -rf "$2" ); f build ~', DENY),
    Case("function-argument-decided-at-run-time", 'f() { rm -rf "$1"; }; f "$D"', ASK),
    Case("function-arguments-shifted", 'f() { shift; rm -rf "$1"; }; f build /', ASK),
    # 4. a shell started without a command runs what it reads
    Case("sudo-s-piped", "echo 'rm -rf /' | sudo -s", DENY),
    Case("sudo-shell-herestring", "sudo --shell <<< 'rm -rf /'", DENY),
    Case("sudo-i-home", "sudo -i <<< 'rm -rf *'", DENY),  # root's home, a login shell's
    Case("sudo-su-herestring", "sudo su <<< 'rm -rf /'", DENY),
    Case("su-login-piped", "echo 'rm -rf *' | su -", DENY),
    Case("doas-s-piped", "echo 'rm -rf /' | doas -s", DENY),
    Case("sudo-s-interactive", "sudo -s", ASK),
    Case("sudo-s-reads-harmless", "echo ls | sudo -s", ALLOW),
    # 5. a relative path that climbs into the system's program folders is the tool
    Case("relative-path-to-bin-rm", "../../../bin/rm -rf /", DENY),
    Case("relative-path-to-usr-bin", "../../../usr/bin/kubectl delete ns payments", DENY),
    Case("relative-path-in-project", "./rm -rf /", ASK),
    # 6. eval and source run their text in this shell: a cd there moves what follows
    Case("eval-cd", "eval cd /; rm -rf etc", DENY),
    Case("eval-quoted-cd", "eval 'cd /' && rm -rf srv", DENY),
    Case("eval-eval-cd", "eval eval cd /\\; rm -rf etc", DENY),
    Case("eval-cd-home", "eval cd; rm -rf *", DENY),
    Case("eval-cd-decided-at-run-time", 'eval "cd $D"; rm -rf *', DENY),
    Case("source-written-cd", "echo 'cd /' > s.sh; . ./s.sh; rm -rf etc", DENY),
    Case("eval-cd-elsewhere", "eval cd /tmp; rm -rf x", ALLOW),
    Case("bash-c-cd-stays-inside", "bash -c 'cd /'; rm -rf build", ALLOW),
    # 7. a multi-call binary runs the applet it names
    Case("toybox-rm", "toybox rm -rf /", DENY),
    # 8. parallel and xargs run the text they are given
    Case("parallel-commands-as-arguments", "parallel ::: 'rm -rf /'", DENY),
    Case("parallel-commands-several", "parallel ::: ls 'rm -rf ~'", DENY),
    Case("parallel-commands-from-input", "echo 'rm -rf /' | parallel", DENY),
    Case("parallel-commands-harmless", "parallel ::: 'echo hi'", ALLOW),
    Case("xargs-replace-long-bare", "echo / | xargs --replace rm -rf {}", DENY),
    Case("xargs-replace-long-valued", "echo / | xargs --replace=X rm -rf X", DENY),
    Case("xargs-null-separated", "printf '/\\0' | xargs -0 rm -rf", DENY),
    Case("xargs-newline-delimiter", "echo / | xargs -d '\\n' rm -rf", DENY),
    Case("xargs-null-one-command-line", "echo 'rm -rf /' | xargs -0 bash -c", DENY),
    Case("xargs-null-keeps-the-newline", "echo build | xargs -0 rm -rf", ALLOW),
    # 9. text reaching a shell through a group, tee or ssh
    Case("group-output-to-shell", "{ echo 'rm -rf /'; } | sh", DENY),
    Case("subshell-output-to-shell", "(echo 'rm -rf'; echo ' /') | tr -d '\\n' | sh", ASK),
    Case("subshell-lines-to-shell", "(echo 'cd /'; echo 'rm -rf etc') | sh", DENY),
    Case("group-output-partly-unknown", "{ echo ls; curl -s x; } | sh", ASK),
    Case("tee-to-file-and-shell", "echo 'rm -rf /' | tee /tmp/log | sh", DENY),
    Case("tee-append-to-shell", "echo 'rm -rf ~' | tee -a log | bash", DENY),
    Case("ssh-remote-shell-reads-input", "echo 'rm -rf /' | ssh host", DENY),
    Case("ssh-remote-sh-reads-input", "echo 'rm -rf /' | ssh host sh", DENY),
    Case("ssh-remote-bash-s-herestring", "ssh host bash -s <<< 'rm -rf /'", DENY),
    Case("ssh-remote-protected", "ssh host <<< 'kubectl delete ns payments'", DENY),
    Case("ssh-remote-input-to-cat", "echo 'rm -rf /' | ssh host cat", ALLOW),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_shell_spelling(case: Case, judge_shell: JudgeShell) -> None:
    decision = judge_shell(case.command, env=case.env)
    got = decision.decision.value
    assert got == case.expected, (
        f"{case.id}: {case.command!r} judged {got}, expected {case.expected}; "
        f"reasons: {list(decision.reasons)}"
    )


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
