"""Ordinary tools made to run a command or write a file through their own options (the
GTFOBins class; each checked on the real tools: GNU sed 4.9, findutils 4.9, GNU
tar 1.34, Info-ZIP zip 3.0, coreutils 9.1, rsync 3.x, curl 7.88, wget 1.21, xz, zstd).

Judged for agent ``kiro`` in dev, where plain reads and writes are allowed, under the BRIEF
policy with ``/srv/prod`` protected; the hook settings file ``~/.claude/settings.json`` is
guarded by keyturn itself. Each case spells the option as the tool takes it (an abbreviated long
option, an optional value, a label that ends at a blank, a backup suffix, a file list, a new
root) so that, read naively, the command would come out allowed.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Decision, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
SETTINGS = f"{HOME}/.claude/settings.json"


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    cwd: str = CWD


CASES = [
    # 1. A sed label ends at a blank (GNU sed 4.9): what follows it is a command.
    Case("sed-label-then-e", "sed -n ':a e rm -rf /srv/prod' /tmp/x", DENY),
    Case("sed-label-then-w", f"sed -n ':a w {SETTINGS}' /tmp/x", DENY),
    Case("sed-branch-label-then-e", "sed -n 't a e rm -rf /srv/prod\n:a' /tmp/x", DENY),
    # 2. find's leading options come before the start paths; -files0-from lists them.
    Case("find-L-delete", "find -L /srv/prod -delete", DENY, "/tmp/work"),
    Case("find-H-exec", "find -H /srv/prod -exec rm -rf {} +", DENY, "/tmp/work"),
    Case("find-D-O-delete", "find -D tree -O3 -- /srv/prod -delete", DENY, "/tmp/work"),
    Case("find-files0-from", "find -files0-from /tmp/list -delete", ASK, "/tmp/work"),
    Case(
        "find-L-exec-cp-settings",
        f"find -L {HOME}/.claude -name settings.json -exec cp /tmp/evil {{}} \\;",
        DENY,
    ),
    # 3. ssh takes a setting's keyword with quotes around it (OpenSSH 9.2).
    Case("ssh-quoted-proxy-command", "ssh -o '\"ProxyCommand\" rm -rf /srv/prod' x true", ASK),
    Case("ssh-single-quoted-keyword", "ssh -o \"'LocalCommand'=rm -rf /srv/prod\" x true", ASK),
    # 4-6, 17. tar: an optional value only after '=', abbreviations, a member list, writes.
    Case(
        "tar-checkpoint-optional-value",
        "tar -cf /tmp/a.tar --checkpoint --checkpoint-action=exec='rm -rf /srv/prod' /etc/hostname",
        DENY,
    ),
    Case("tar-remove-abbreviated", "tar -cf /tmp/a.tar --remove /srv/prod", DENY),
    Case("tar-remove-file-abbreviated", "tar -czf /tmp/a.tgz /srv/prod --remove-file", DENY),
    Case("tar-files-from-remove", "tar -T /tmp/list -cf /tmp/a.tar --remove-files", ASK),
    Case("tar-old-style-files-from", "tar cfT /tmp/a.tar /tmp/list --remove-files", ASK),
    Case("tar-absolute-names-abbreviated", "tar -xf /tmp/a.tar --abs", ASK),
    Case("tar-one-top-level", f"tar -xf /tmp/a.tar --one-top-level={HOME}/.claude", DENY),
    Case("tar-index-file", f"tar -c --index-file={SETTINGS} -f /tmp/a.tar x", DENY),
    # 7. zip's own parser takes a unique prefix, and two-letter short options.
    Case(
        "zip-unzip-command-abbreviated",
        "zip /tmp/a.zip /etc/hostname -T --unzip-c='rm -rf /srv/prod #'",
        DENY,
    ),
    Case(
        "zip-unzip-command-abbreviated-word",
        "zip /tmp/a.zip /etc/hostname -T --unzip-c 'rm -rf /srv/prod #'",
        DENY,
    ),
    Case("zip-TT-in-cluster", "zip -qTT 'rm -rf /srv/prod #' /tmp/a.zip f -T", DENY),
    Case("zip-logfile", f"zip -q /tmp/a.zip f -lf {SETTINGS}", DENY),
    # 9, 12, 23. systemd-run properties.
    Case(
        "systemd-run-exec-start-pre",
        "systemd-run -p ExecStartPre='/bin/rm -rf /srv/prod' true",
        ASK,
    ),
    Case(
        "systemd-run-exec-stop-post",
        "systemd-run -p ExecStopPost='/bin/rm -rf /srv/prod' true",
        ASK,
    ),
    Case("systemd-run-working-directory", "systemd-run -p WorkingDirectory=/srv rm -rf prod", DENY),
    Case("systemd-run-bind-paths", "systemd-run -p BindPaths=/srv/prod:/tmp/x rm -rf /tmp/x", ASK),
    Case(
        "systemd-run-standard-output-truncate",
        f"systemd-run -p StandardOutput=truncate:{SETTINGS} echo x",
        DENY,
    ),
    Case(
        "systemd-run-standard-output-file",
        f"systemd-run -p StandardOutput=file:{SETTINGS} echo x",
        DENY,
    ),
    # 10, 15. install: --strip-program runs a program; -b takes no value.
    Case("install-strip-program", "install -s --strip-program=/tmp/evil.sh /tmp/x /tmp/y", ASK),
    Case(
        "install-strip-program-abbreviated", "install -s --strip-p=/tmp/evil.sh /tmp/x /tmp/y", ASK
    ),
    Case("install-backup-suffix", f"install -b -S .bak /tmp/x {SETTINGS}", DENY),
    # 11. A new root: every absolute path is under it.
    Case("chroot", "chroot /srv rm -rf /prod", DENY),
    Case("chroot-nested-shell", "chroot /srv sh -c 'rm -rf /prod'", DENY),
    Case("unshare-root", "unshare --root=/srv rm -rf /prod", DENY),
    Case("unshare-root-abbreviated", "unshare --ro=/srv rm -rf /prod", DENY),
    Case("nsenter-root", "nsenter -t 1 --root=/srv rm -rf /prod", DENY),
    Case("nsenter-root-attached", "nsenter -t 1 -r/srv rm -rf /prod", DENY),
    Case("sudo-chroot", "sudo --chroot=/srv rm -rf /prod", DENY),
    Case("sudo-R", "sudo -R /srv rm -rf /prod", DENY),
    Case("systemd-run-root-directory", "systemd-run -p RootDirectory=/srv rm -rf /prod", DENY),
    Case("unshare-root-runs-its-programs", "unshare -r -R /tmp/x ls", ASK),
    Case("chroot-relative-root", "chroot rootfs ls", ASK),
    # 13. A list of files to compress (and remove).
    Case("xz-files", "xz --files=/tmp/list", ASK),
    Case("xz-files0-stdin", "xz --files0 < /tmp/list", ASK),
    Case("zstd-filelist-rm", "zstd --filelist=/tmp/list --rm", ASK),
    Case("zstd-filelist-word", "zstd --filelist /tmp/list --rm", ASK),
    # 14, 16. A backup renames the file it replaces onto the path plus a suffix.
    Case("cp-backup-suffix", f"cp -b -S .json /tmp/x {HOME}/.claude/settings", DENY),
    Case("cp-suffix-implies-backup", f"cp --suf=.json /tmp/x {HOME}/.claude/settings", DENY),
    Case("mv-backup-suffix", f"mv -b -S .json /tmp/x {HOME}/.claude/settings", DENY),
    Case(
        "cp-backup-suffix-exported",
        f"export SIMPLE_BACKUP_SUFFIX=.json; cp -b /tmp/x {HOME}/.claude/settings",
        DENY,
    ),
    Case(
        "history-w-exported-histfile",
        f"export HISTFILE={SETTINGS}; history -w",
        DENY,
    ),
    Case(
        "cp-backup-suffix-variable",
        f"SIMPLE_BACKUP_SUFFIX=.json cp -b /tmp/x {HOME}/.claude/settings",
        DENY,
    ),
    Case("ln-backup-suffix", f"ln -sf -S .json /tmp/x {HOME}/.claude/settings", DENY),
    Case("rsync-backup-suffix", f"rsync -b --suffix=.json /tmp/x {HOME}/.claude/settings", DENY),
    Case("rsync-backup-dir", f"rsync -a -b --backup-dir={HOME}/.claude /tmp/x/ /tmp/y/", DENY),
    Case(
        "rsync-backup-dir-relative",
        "rsync -a --backup-dir=../../home/kiro/.claude /tmp/x/ /tmp/y/",
        DENY,
    ),
    # 20. curl's cache files, the other files it opens from the working directory, file:// uploads.
    Case("curl-alt-svc", f"curl --alt-svc {SETTINGS} https://example.com", DENY),
    Case("curl-hsts", f"curl --hsts {SETTINGS} https://example.com", DENY),
    Case("curl-upload-file-url", f"curl -T /tmp/settings.json file://{HOME}/.claude/", DENY),
    Case(
        "curl-dump-header-ignores-output-dir",
        "curl --output-dir /tmp -D settings.json https://example.com",
        DENY,
        f"{HOME}/.claude",
    ),
    # 21. wget's directory options.
    Case("wget-x-nH-P", f"wget -x -nH -P {HOME} http://x/.claude/settings.json", DENY),
    Case(
        "wget-cut-dirs",
        f"wget -x -nH --cut-dirs=1 -P {HOME} http://x/a/.claude/settings.json",
        DENY,
    ),
    Case("wget-recursive", f"wget -r -nH -np http://x/ -P {HOME}/.claude", DENY),
    Case(
        "wget-O-ignores-prefix", "wget -P /tmp -O settings.json http://x/", DENY, f"{HOME}/.claude"
    ),
    # 22. Readers that write.
    Case("history-w", f"history -w {SETTINGS}", DENY),
    Case("history-a", f"history -a {SETTINGS}", DENY),
    Case("history-w-histfile", f"HISTFILE={SETTINGS}; history -w", DENY),
    Case("blkid-cache-file", f"blkid -c {SETTINGS}", DENY),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    text = BRIEF_POLICY.replace(
        '  - "aws_db_instance.main"\n',
        '  - "aws_db_instance.main"\n  - "file:/srv/prod"\n  - "file:/srv/prod/**"\n',
    )
    assert "file:/srv/prod/**" in text
    return load_policy(text)


def judge(policy: Policy, command: str, *, cwd: str = CWD) -> Decision:
    action = understand_shell(
        command,
        cwd=cwd,
        home=HOME,
        env={"HOME": HOME},
        target=Target(environment="dev"),
        files=MemoryFiles({}),
    )
    return policy.judge(action, actor=ACTOR)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_tool_option_gap(case: Case, policy: Policy) -> None:
    decision = judge(policy, case.command, cwd=case.cwd)
    got = decision.decision.value
    assert got != ALLOW, f"{case.id}: allowed {case.command!r}"
    assert got == case.expected, (case.id, got, list(decision.reasons))


@pytest.mark.parametrize(
    "command",
    [
        "sed -n ':a;N;$!ba;p' x",
        "sed 'b end; s/a/b/; :end' x",
        "find -L . -name '*.py'",
        "find . -name x -delete",
        "tar -czf a.tgz src",
        "tar xzf a.tgz -C out",
        "tar -cf a.tar --checkpoint=100 src",
        "zip -r a.zip src",
        "zip a.zip f -x '*.o'",
        "install -m 644 a b",
        "cp -b a b",
        "mv a b",
        "rsync -ab src/ dst/",
        "xz f",
        "zstd -d f.zst",
        "curl -o out https://example.com",
        "wget http://example.com/a.txt",
        "wget -x http://example.com/a/b.txt",
        "history",
        "history 10",
        "blkid -c /dev/null",
        "chroot / ls",
        "systemd-run --user -p CPUQuota=5% true",
    ],
)
def test_plain_forms_stay_allowed(command: str, policy: Policy) -> None:
    assert judge(policy, command).decision.value == ALLOW, command


def _names(command: str, *, cwd: str = CWD) -> set[str]:
    action = understand_shell(
        command, cwd=cwd, home=HOME, env={}, target=Target(environment="dev"), files=MemoryFiles({})
    )
    return {n for e in action.effects for n in e.resource.names}


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ("chroot /srv rm -rf /prod", "file:/srv/prod"),
        ("unshare --root=/srv rm -f /a/b", "file:/srv/a/b"),
        ("tar -xf a.tar --one-top-level=out", f"file:{CWD}/out/*"),
        ("tar -C /x -xf a.tar --one-top-level=/y", "file:/y/*"),
        ("cp -b x y", f"file:{CWD}/y~"),
        ("zip -lf log a.zip f", f"file:{CWD}/log.log"),
        ("wget -x http://127.0.0.1:8080/a/b", f"file:{CWD}/127.0.0.1:8080/a/b"),
        ("wget -x --protocol-directories http://h/a/b", f"file:{CWD}/http/h/a/b"),
        ("wget -nH -x --cut-dirs=1 -P p http://h/a/b/c", f"file:{CWD}/p/b/c"),
        ("curl -T f 'file:///tmp/d/%73et'", "file:/tmp/d/set"),
        ("history -r /tmp/h", "file:/tmp/h"),
        ("systemd-run -p StandardInput=file:/etc/shadow cat", "file:/etc/shadow"),
    ],
)
def test_where_the_tool_writes(command: str, named: str) -> None:
    assert named in _names(command), (command, sorted(_names(command)))
