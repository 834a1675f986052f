"""File commands: what each does to which ``file:`` names, and the catastrophic set."""

from __future__ import annotations

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

HOME = "/home/u"


def effects(command: str, **kw) -> list[Effect]:
    return list(understand_shell(command, cwd="/w", home=HOME, **kw).effects)


def pairs(command: str, **kw) -> set[tuple[str, str]]:
    return {(e.effect.value, n) for e in effects(command, **kw) for n in e.resource.names}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("rm a", {("delete", "file:/w/a")}),
        ("rm -r d", {("delete", "file:/w/d"), ("delete", "file:/w/d/*")}),
        ("rmdir d", {("delete", "file:/w/d")}),
        ("unlink a", {("delete", "file:/w/a")}),
        ("mv a b", {("delete", "file:/w/a"), ("delete", "file:/w/a/*"), ("update", "file:/w/b")}),
        ("mv a /dev/null", {("delete", "file:/w/a"), ("delete", "file:/w/a/*")}),
        (
            "mv a b/",
            {("delete", "file:/w/a"), ("delete", "file:/w/a/*"), ("update", "file:/w/b/a")},
        ),
        ("truncate -s 0 log", {("update", "file:/w/log")}),
        (
            "cp -r d/. out",
            {("read", "file:/w/d"), ("read", "file:/w/d/*"), ("update", "file:/w/out/*")},
        ),
        (
            "cp -rT d out",
            {("read", "file:/w/d"), ("read", "file:/w/d/*"), ("update", "file:/w/out/*")},
        ),
        ("shred secret", {("delete", "file:/w/secret")}),
        (
            "find d -delete",
            {("read", "file:/w/d"), ("delete", "file:/w/d"), ("delete", "file:/w/d/*")},
        ),
        ("echo x > f", {("read", "shell:echo"), ("update", "file:/w/f")}),
        ("echo x >> f", {("read", "shell:echo"), ("update", "file:/w/f")}),
        ("echo x 2>/dev/null", {("read", "shell:echo")}),
        ("echo x > /dev/null 2>&1", {("read", "shell:echo")}),
        ("> f", {("update", "file:/w/f")}),
        ("tee -a f", {("update", "file:/w/f")}),
        ("chmod 644 f", {("update", "file:/w/f")}),
        ("chown -R u:g d", {("update", "file:/w/d"), ("update", "file:/w/d/*")}),
        # a link's target is named as updated too: it can be written through the link
        (
            "ln -sf /etc/x link",
            {("update", "file:/w/link"), ("update", "file:/etc/x"), ("update", "file:/etc/x/*")},
        ),
        (
            "ln -s /etc/x link",
            {("create", "file:/w/link"), ("update", "file:/etc/x"), ("update", "file:/etc/x/*")},
        ),
        ("touch new", {("create", "file:/w/new")}),
        ("mkdir -p a/b", {("create", "file:/w/a/b")}),
        ("sed -i s/a/b/ f", {("update", "file:/w/f")}),
        ("sed s/a/b/ f", {("read", "file:/w/f")}),
        (
            "rsync -a --delete src/ dst/",
            # the source is read too (-a: everything under it), so that reads can be denied
            {("update", "file:/w/dst"), ("update", "file:/w/dst/*"), ("delete", "file:/w/dst/*")}
            | {("read", "file:/w/src"), ("read", "file:/w/src/*")},
        ),
    ],
)
def test_meanings(command: str, expected: set[tuple[str, str]]) -> None:
    assert pairs(command) == expected


def test_cp_over_existing_file_is_update_else_create() -> None:
    files = MemoryFiles({"/w/old": "x", "/w/src": "y"})
    assert ("update", "file:/w/old") in pairs("cp src old", files=files)
    assert ("create", "file:/w/new") in pairs("cp src new", files=files)
    assert ("create", "file:/w/new") in pairs("install -m 644 src new", files=files)


def test_redirect_create_when_file_absent() -> None:
    assert ("create", "file:/w/f") in pairs("echo x > f", files=MemoryFiles({}))


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /",
        "rm -rf /*",
        "rm -r --no-preserve-root /",
        "rm -rf ~",
        "rm -rf ~/",
        "rm -rf $HOME",
        "rm -rf /home/bob",
        "rm -rf /root",
        "rm -rf /Users/alice/",
        "rm -rf tests/ ~/",
        "mkfs.ext4 /dev/sda1",
        "mkfs -t xfs /dev/nvme0n1",
        "wipefs -a /dev/sdb",
        "dd if=/dev/zero of=/dev/sda bs=1M",
        "dd if=x of=/dev/disk2",
        "echo x > /dev/sda",
        "cat img > /dev/mmcblk0",
        "shred /dev/nvme0n1",
        "find / -delete",
        "find ~ -delete",
        ":(){ :|:& };:",
        "bomb() { bomb | bomb & }; bomb",
    ],
)
def test_catastrophic(command: str) -> None:
    assert any(e.catastrophic for e in effects(command)), command


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /tmp/x",
        "rm ~/notes.txt",
        "rm -rf ~/project/build",
        "dd if=a of=b",
        "echo > /dev/null",
        "find /tmp -delete",
        "rm /",
    ],
)
def test_not_catastrophic(command: str) -> None:
    assert not any(e.catastrophic for e in effects(command)), command


def test_dynamic_path_is_said() -> None:
    # $TARGET could be / or climb out with ..: where the delete lands cannot be told.
    found = effects("rm -rf $TARGET")
    assert found[0].effect is EffectKind.UNKNOWN
    assert "decided at run time" in found[0].detail


def test_quoted_dollar_is_a_literal_path() -> None:
    found = effects("rm -rf './$TARGET'")
    assert found[0].effect is EffectKind.DELETE


def test_service_and_command_are_set() -> None:
    found = effects("sudo rm -fr a")
    assert found[0].service == "file"
    assert found[0].command == "rm -rf a"
