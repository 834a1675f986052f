"""Archives and compressors: what they read and write, the originals they remove, the commands
their options run."""

from __future__ import annotations

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

HOME = "/home/u"


def effects(command: str) -> list[Effect]:
    """The effects of ``command`` on a machine where none of the files it writes exist yet."""
    return list(understand_shell(command, cwd="/w", home=HOME, files=MemoryFiles({})).effects)


def pairs(command: str) -> set[tuple[str, str]]:
    return {(e.effect.value, n) for e in effects(command) for n in e.resource.names}


def _tree_read(path: str) -> set[tuple[str, str]]:
    """An archive of a directory reads it with everything under it."""
    return {("read", f"file:{path}"), ("read", f"file:{path}/*")}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("tar -tf a.tar", {("read", "file:/w/a.tar")}),
        ("tar tzf a.tgz", {("read", "file:/w/a.tgz")}),
        ("tar --list --file=a.tar", {("read", "file:/w/a.tar")}),
        ("tar -czf out.tgz src", {("create", "file:/w/out.tgz"), *_tree_read("/w/src")}),
        ("tar czf out.tgz -C /srv app", {("create", "file:/w/out.tgz"), *_tree_read("/srv/app")}),
        ("tar -xzf a.tgz", {("read", "file:/w/a.tgz"), ("update", "file:/w/*")}),
        ("tar -xf a.tar -C /opt/x", {("read", "file:/w/a.tar"), ("update", "file:/opt/x/*")}),
        ("tar -xf a.tar etc/x", {("read", "file:/w/a.tar"), ("update", "file:/w/etc/x")}),
        ("tar -rf a.tar b", {("update", "file:/w/a.tar"), *_tree_read("/w/b")}),
        ("tar --no-recursion -cf a.tar b", {("create", "file:/w/a.tar"), ("read", "file:/w/b")}),
        ("tar --delete -f a.tar m", {("update", "file:/w/a.tar")}),
        (
            "tar -cf a.tar --remove-files d",
            {
                ("create", "file:/w/a.tar"),
                *_tree_read("/w/d"),
                ("delete", "file:/w/d"),
                ("delete", "file:/w/d/*"),
            },
        ),
        (
            "gzip app.log",
            {
                ("read", "file:/w/app.log"),
                ("create", "file:/w/app.log.gz"),
                ("delete", "file:/w/app.log"),
            },
        ),
        ("gzip -k app.log", {("read", "file:/w/app.log"), ("create", "file:/w/app.log.gz")}),
        ("gzip -c app.log", {("read", "file:/w/app.log")}),
        (
            "gunzip a.gz",
            {("read", "file:/w/a.gz"), ("create", "file:/w/a"), ("delete", "file:/w/a.gz")},
        ),
        (
            "gzip -d a.gz",
            {("read", "file:/w/a.gz"), ("create", "file:/w/a"), ("delete", "file:/w/a.gz")},
        ),
        ("zstd a", {("read", "file:/w/a"), ("create", "file:/w/a.zst")}),
        (
            "zstd --rm a",
            {("read", "file:/w/a"), ("create", "file:/w/a.zst"), ("delete", "file:/w/a")},
        ),
        ("xz -t a.xz", {("read", "file:/w/a.xz")}),
        ("zip -r out.zip src", {("create", "file:/w/out.zip"), *_tree_read("/w/src")}),
        (
            "zip -m out.zip a",
            {("create", "file:/w/out.zip"), ("read", "file:/w/a"), ("delete", "file:/w/a")},
        ),
        ("unzip -l a.zip", {("read", "file:/w/a.zip")}),
        ("unzip a.zip", {("read", "file:/w/a.zip"), ("update", "file:/w/*")}),
        ("unzip -o a.zip -d out", {("read", "file:/w/a.zip"), ("update", "file:/w/out/*")}),
    ],
)
def test_what_archive_commands_do(command: str, expected: set[tuple[str, str]]) -> None:
    assert pairs(command) == expected


@pytest.mark.parametrize(
    "command",
    [
        "tar -cf x.tar --remove-files ~",
        "gzip -r /",
        "zip -rm out.zip ~",
        "bzip2 -r /home/u",
    ],
)
def test_removing_a_home_or_the_root_into_an_archive_is_catastrophic(command: str) -> None:
    assert any(e.catastrophic for e in effects(command))


@pytest.mark.parametrize(
    "command",
    [
        "tar -cf /dev/null /dev/null --checkpoint=1 --checkpoint-action=exec='rm -rf /'",
        "tar -xf a.tar --to-command='rm -rf /'",
        "tar -I 'rm -rf /' -cf a.tar b",
        "tar --use-compress-program='rm -rf /' -xf a.tar",
        "tar -F 'rm -rf /' -cf a.tar b",
        "zip a.zip b -TT 'rm -rf /'",
    ],
)
def test_options_that_run_a_command_are_judged_by_it(command: str) -> None:
    assert any(e.catastrophic for e in effects(command)), command


@pytest.mark.parametrize(
    "command",
    ["tar -cf host:/x.tar a", "TAR_OPTIONS=--x tar -tf a.tar", "tar a.tar", "zip -@ a.zip"],
)
def test_what_cannot_be_told_is_unknown(command: str) -> None:
    assert any(e.effect is EffectKind.UNKNOWN for e in effects(command)), command
