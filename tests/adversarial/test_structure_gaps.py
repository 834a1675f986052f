"""Gaps in how a command line's structure was read, judged under the BRIEF policy.

Each case was allowed (or only asked about) before: a glob or a one-word brace range naming a
system directory; system directories missing from the catastrophic set; Windows text split by
bash's rules and its well-known variables left unread; a wrapper or a ``cd`` that moves the
command elsewhere; backquotes the grammar leaves as text; a heredoc's escapes; ``ip netns
exec``; ssh settings that run a command on this machine. ``env="dev"``: where deletes are
allowed, so only the built-in catastrophic set (deny) or an unknown effect (ask) holds them.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from tests.hardening._judging import DEFAULT_ALLOW

from keyturn.model import Actor, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"


class Case(NamedTuple):
    id: str
    command: str
    expected: str


CASES = [
    # 1. globs and brace ranges that name a system directory
    Case("glob-question", "rm -rf /e?c", DENY),
    Case("glob-class", "rm -rf /[e]tc", DENY),
    Case("glob-usr", "rm -rf /u?r", DENY),
    Case("glob-home", "rm -rf /ho?e", DENY),
    Case("glob-root", "rm -rf /ro?t", DENY),
    Case("glob-find", "find /e?c -delete", DENY),
    Case("glob-every-top-level", "rm -rf /*/*", DENY),
    Case("glob-quoted-part", "rm -rf '/'e?c", DENY),
    Case("range-one-word", "rm -rf /{e..e}tc", DENY),
    Case("range-home", "rm -rf /{h..h}ome/*", DENY),
    Case("braces-after-quotes", 'rm -rf "/"{etc,usr}', DENY),
    Case("glob-elsewhere", "rm -rf /tmp/*.log", ALLOW),
    Case("glob-deeper", "rm -rf /tmp/*/build", ALLOW),
    # 2. system directories the set missed
    Case("efivars", "rm -rf /sys/firmware/efi/efivars/*", DENY),
    Case("macos-etc", "rm -rf /private/etc", DENY),
    Case("macos-var", "rm -rf /private/var", DENY),
    Case("nix", "rm -rf /nix", DENY),
    Case("system32", "rd /s /q C:\\Windows\\System32", DENY),
    Case("system32-cmd", 'cmd /c "rd /s /q C:\\Windows\\System32"', DENY),
    Case("homedrive-homepath", 'cmd /c "rd /s /q %HOMEDRIVE%%HOMEPATH%"', DENY),
    Case("windir-parent", 'cmd /c "rd /s /q %windir%\\.."', DENY),
    Case("systemroot-parent", 'cmd /c "rd /s /q %SystemRoot%\\.."', DENY),
    Case("ps-env-windir", 'powershell -c "Remove-Item -Recurse -Force $env:windir\\.."', DENY),
    Case("device-path", 'cmd /c "rd /s /q \\\\?\\C:\\"', DENY),
    Case("cmd-unknown-variable", 'cmd /c "rd /s /q %D%"', ASK),
    Case("cmd-call", 'cmd /c "call rd /s /q C:\\"', DENY),
    Case("cmd-glued-switches", 'cmd /c "rd/s/q C:\\"', DENY),
    Case("cmd-group", 'cmd /c "(rd /s /q C:\\)"', DENY),
    # 3. PowerShell and cmd words split by their own rules
    Case("ps-path-then-recurse", "Remove-Item -Path C:\\ -Recurse -Force", DENY),
    Case("ps-recurse-true", "Remove-Item C:\\ -Recurse:$true -Force", DENY),
    Case(
        "ps-expression",
        'powershell -c "Remove-Item -Recurse -Force (Get-PSDrive C).Root"',
        ASK,
    ),
    Case(
        "ps-expression-of-home",
        'powershell -c "Remove-Item -Recurse -Force -Path (Resolve-Path ~)"',
        DENY,
    ),
    Case("ps-slash-is-a-path", 'pwsh -c "Remove-Item -Recurse -Force /"', DENY),
    Case("ps-quoted-dollar-is-literal", "Remove-Item -Recurse 'C:\\build\\$tmp'", ALLOW),
    # 4. where the command runs
    Case("env-chdir", "env -C / rm -rf etc usr bin", DENY),
    Case("env-chdir-long", "env --chdir=/ rm -rf etc", DENY),
    Case("sudo-chdir", "sudo -D / rm -rf etc", DENY),
    Case("sudo-chdir-long", "sudo --chdir=/ rm -rf *", DENY),
    Case("sudo-login-home", "sudo -i rm -rf *", DENY),
    Case("systemd-run-working-directory", "systemd-run --working-directory=/ rm -rf etc", DENY),
    Case("systemd-run-starts-at-root", "systemd-run rm -rf etc", DENY),
    Case("unshare-wd", "unshare -w / rm -rf etc", DENY),
    Case("nsenter-wd", "nsenter -w/ rm -rf etc", DENY),
    Case("nsenter-wd-long", "nsenter --wd=/ rm -rf etc", DENY),
    Case("chroot", "chroot / rm -rf etc", DENY),
    Case("su-login", "su - -c 'rm -rf *'", DENY),
    Case("wrapped-twice", "nohup env -C / rm -rf etc", DENY),
    Case("chdir-at-run-time", 'env -C "$D" rm -rf *', DENY),
    Case("chdir-at-run-time-file", 'env -C "$D" rm -rf build', ASK),
    Case("cdpath-assigned", "CDPATH=/ cd etc && rm -rf *", DENY),
    Case("cdpath-exported", "export CDPATH=/; cd etc; rm -rf *", DENY),
    Case("cdpath-run-time", 'CDPATH="$P" cd build && ls', ASK),
    Case("cdpath-not-for-dot", "CDPATH=/ cd ./etc && rm -rf *", ALLOW),
    Case("tilde-plus", "cd / && rm -rf ~+", DENY),
    Case("tilde-minus", "cd /; cd /tmp; rm -rf ~-", DENY),
    Case("pwd-after-cd", "cd / && rm -rf $PWD", DENY),
    Case("cd-dash", "cd /; cd /tmp; cd -; rm -rf *", DENY),
    Case("popd-without-pushd", "cd /tmp && popd && rm -rf *", DENY),
    Case("pushd-popd", "pushd /tmp/x && rm -rf build && popd", ALLOW),
    Case("cd-at-run-time", 'cd "$D" && rm -rf *', DENY),
    Case("oldpwd-for-the-cd", "OLDPWD=/ cd - && rm -rf etc", DENY),
    Case("oldpwd-assigned", "OLDPWD=/; cd - && rm -rf etc", DENY),
    Case("home-for-the-cd", "HOME=/ cd && rm -rf etc", DENY),
    Case("home-assigned", "HOME=/; cd && rm -rf etc", DENY),
    Case("home-assigned-tilde-cd", "HOME=/; cd ~ && rm -rf etc", DENY),
    Case("home-assigned-tilde", "HOME=/; rm -rf ~/etc", ASK),
    Case("home-after-export", "export $(cat .env | xargs); rm -rf ~/build", DENY),
    Case("windows-cd", 'cmd /c "cd /d C:\\ && rd /s /q ."', DENY),
    Case("windows-pushd", 'cmd /c "pushd C:\\ && rd /s /q ."', DENY),
    Case("windows-cd-run-time", 'cmd /c "cd /d %D% && rd /s /q build"', ASK),
    # 5. backquotes and heredocs
    Case("heredoc-backquotes", "cat <<EOF\n`rm -rf /`\nEOF", DENY),
    Case("heredoc-default-backquotes", "cat <<EOF\n${x:-`rm -rf /`}\nEOF", DENY),
    Case("quoted-default-backquotes", 'echo "${x:-`rm -rf /`}"', DENY),
    Case("default-backquotes", "echo ${x:-`rm -rf /`}", DENY),
    Case("alternative-backquotes", "x=1; echo ${x:+`rm -rf /`}", DENY),
    Case("quoted-heredoc-is-text", "cat <<'EOF'\n`rm -rf /`\nEOF", ALLOW),
    Case(
        "heredoc-escaped-dollar",
        "bash <<EOF\nNS=payments\nkubectl delete ns \\$NS --context kind-x\nEOF",
        DENY,
    ),
    Case("heredoc-escaped-home", "bash <<EOF\nrm -rf \\$HOME\nEOF", DENY),
    Case("heredoc-escaped-backquote", "sh <<EOF\nrm -rf \\`echo /\\`\nEOF", DENY),
    # 6. ip runs a command in a namespace or a VRF
    Case("ip-netns-exec", "ip netns exec foo rm -rf /", DENY),
    Case("ip-n-netns-exec", "ip -n foo netns exec bar rm -rf /", DENY),
    Case("ip-netns-abbreviated", "ip net e foo rm -rf /", DENY),
    Case("ip-all-netns", "ip -all netns exec rm -rf /", DENY),
    Case("ip-vrf-exec", "ip vrf exec blue rm -rf /", DENY),
    Case("ip-batch", "ip -batch /tmp/cmds", ASK),
    Case("ip-reads", "ip netns list", ALLOW),
    # 8. ssh settings that run something on this machine
    Case("ssh-proxycommand", "ssh -o ProxyCommand='rm -rf /' host ls", ASK),
    Case("ssh-proxycommand-attached", "ssh -oProxyCommand=/tmp/evil host ls", ASK),
    Case("ssh-proxycommand-spaced", "ssh -o 'ProxyCommand rm -rf /' host ls", ASK),
    Case("ssh-localcommand", "ssh -o LocalCommand=x -o PermitLocalCommand=yes host ls", ASK),
    Case("ssh-knownhostscommand", "ssh -o KnownHostsCommand='rm -rf /' host ls", ASK),
    Case("ssh-match-exec", "ssh -o 'Match exec \"rm -rf /\"' host ls", ASK),
    Case("ssh-config-file", "ssh -F cfg host ls", ASK),
    Case("ssh-pkcs11", "ssh -I lib.so host ls", ASK),
    Case("ssh-no-config", "ssh -F none host ls", ALLOW),
    Case("ssh-plain", "ssh -o StrictHostKeyChecking=no host ls", ALLOW),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_structure_gap(case: Case, judge_shell) -> None:
    decision = judge_shell(case.command, env="dev")
    assert decision.decision.value == case.expected, (
        f"{case.id}: {case.command!r} judged {decision.decision.value}, expected "
        f"{case.expected}; reasons: {list(decision.reasons)}"
    )


# 7. An input redirection reads its file: keyturn's secrets are guarded against reads.
STATE = "/srv/keyturn-state"
PERMISSIVE = DEFAULT_ALLOW  # every effect allowed, in dev: only the built-ins refuse


@pytest.fixture(scope="module")
def guarded() -> Policy:
    return load_policy(PERMISSIVE, source="/etc/keyturn/policy.yaml", guarded_paths=(STATE,))


@pytest.mark.parametrize(
    "command",
    [
        f"base64 < {STATE}/session-secret",
        f"tee /tmp/x < {STATE}/session-secret",
        f"echo $(< {STATE}/session-secret)",
        f"x=$(<{STATE}/session-secret)",
        f"exec 3< {STATE}/session-secret; cat <&3",
        f"while read l; do echo $l; done < {STATE}/session-secret",
        f"read -r x < {STATE}/session-secret",
        f"cd {STATE} && base64 < session-secret",
        f"env -C /tmp base64 < {STATE}/session-secret",
    ],
)
def test_input_redirect_reads_are_guarded(guarded: Policy, command: str) -> None:
    action = understand_shell(command, cwd="/home/dev/repo", home="/home/dev")
    decision = guarded.judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision is Verdict.DENY, command
    assert SELF_PROTECTION_RULE in {j.rule for j in decision.judgements}, command


@pytest.mark.parametrize(
    "command",
    [
        "OLDPWD=/ cd - && rm -rf etc",
        "OLDPWD=/; cd - && rm -rf etc",
        "export OLDPWD=/; cd -; rm -rf etc",
    ],
)
def test_cd_dash_reads_the_oldpwd_the_line_sets(command: str, judge_shell) -> None:
    # The environment's OLDPWD (a harmless /tmp/x) is not where a line that sets it goes back to.
    decision = judge_shell(command, env="dev", variables={"OLDPWD": "/tmp/x"})
    assert decision.decision is Verdict.DENY, (command, list(decision.reasons))
