"""Wrappers that write a file of their own (``strace -o``, ``script FILE``, ``time -o``...) name
it, wherever the command they run is judged; those that set the command's environment
(``strace -E``, ``fakeroot -l``) are judged like ``env VAR=x``; those that start a shell without
a command (``unshare``, ``fakeroot``...) have that shell judged."""

from __future__ import annotations

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell


def _effects(line: str, files: dict[str, str] | None = None) -> list[Effect]:
    return list(
        understand_shell(line, cwd="/w", home="/home/u", files=MemoryFiles(files or {})).effects
    )


def _written(line: str, files: dict[str, str] | None = None) -> dict[str, EffectKind]:
    """The files ``line`` writes (not only reads), with the kind of each write."""
    return {
        name: e.effect
        for e in _effects(line, files)
        if e.effect is not EffectKind.READ
        for name in e.resource.names
        if name.startswith("file:")
    }


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("strace -o /etc/cron.d/x ls", "/etc/cron.d/x"),
        ("strace -f -o trace.txt ls", "/w/trace.txt"),
        ("strace --output /tmp/t rm -r /w/x", "/tmp/t"),
        ("strace --output=/tmp/t ls", "/tmp/t"),
        ("strace -otrace ls", "/w/trace"),
        ("strace -p 42 -o /tmp/t", "/tmp/t"),  # attached to a process: no command, still writes
        ("ltrace -o /tmp/l ls", "/tmp/l"),
        ("ltrace --output=/tmp/l ls", "/tmp/l"),
        ("command time -o /tmp/times ls", "/tmp/times"),
        ("valgrind --log-file=/tmp/v ls", "/tmp/v"),
        ("valgrind --tool=callgrind --callgrind-out-file=/tmp/c ls", "/tmp/c"),
        ("xvfb-run -e /tmp/xerr ls", "/tmp/xerr"),
        ("fakeroot -s /tmp/state ls", "/tmp/state"),
        ("firejail --output=/tmp/fj ls", "/tmp/fj"),
        ("script -c ls /tmp/ts", "/tmp/ts"),
        ("script /tmp/ts -c ls", "/tmp/ts"),
        ("script -q -c ls", "/w/typescript"),  # no file named: ./typescript
        ("script --log-out /tmp/out -c ls", "/tmp/out"),
        ("script -O /tmp/out -c ls", "/tmp/out"),
        ("script -I /tmp/in -c ls", "/tmp/in"),
        ("script -B /tmp/io -c ls", "/tmp/io"),
        ("script -T /tmp/timing -c ls /tmp/ts", "/tmp/timing"),
        ("script --log-timing=/tmp/timing -c ls", "/tmp/timing"),
        ("script -t/tmp/timing -c ls", "/tmp/timing"),
        ("script --timing=/tmp/timing -c ls", "/tmp/timing"),
        ("sudo strace -o /etc/x ls", "/etc/x"),  # under another wrapper
        ("strace -o /tmp/t sudo ls", "/tmp/t"),
    ],
)
def test_the_wrapper_s_own_file_is_named(line: str, path: str) -> None:
    assert f"file:{path}" in _written(line), (line, _effects(line))


def test_the_command_is_still_judged() -> None:
    effects = _effects("strace -o /tmp/t rm -rf /srv/data")
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv/data" in e.resource.names for e in effects
    )
    effects = _effects("script -c 'rm -rf /srv/data' /tmp/ts")
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv/data" in e.resource.names for e in effects
    )


def test_a_file_that_is_there_is_updated_and_appends_say_so() -> None:
    files = {"/tmp/t": "old"}
    assert _written("strace -o /tmp/t ls", files)["file:/tmp/t"] is EffectKind.UPDATE
    assert _written("strace -o /tmp/new ls", files)["file:/tmp/new"] is EffectKind.CREATE
    for line in ("strace -A -o /tmp/new ls", "script -a -c ls /tmp/new", "time -a -o /tmp/new ls"):
        assert _written(line, files)["file:/tmp/new"] is EffectKind.UPDATE, line


def test_a_file_named_at_run_time_is_not_a_known_place() -> None:
    effects = _effects('strace -o "$LOG" ls')
    (written,) = [e for e in effects if e.effect is not EffectKind.READ]
    assert "decided at run time" in written.detail


def test_the_trace_piped_to_a_command_is_unknown() -> None:
    (effect,) = _effects("strace -o '|rm -rf /srv' ls")
    assert effect.effect is EffectKind.UNKNOWN
    assert "pipes its trace to a command" in effect.detail


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("strace -E LD_PRELOAD=/tmp/evil.so ls", "LD_PRELOAD=/tmp/evil.so"),
        ("strace --env=BASH_ENV=/tmp/x bash -c ls", "BASH_ENV=/tmp/x"),
        ("fakeroot -l /tmp/evil.so ls", "LD_PRELOAD=/tmp/evil.so"),
        ("fakeroot --lib /tmp/evil.so ls", "LD_PRELOAD=/tmp/evil.so"),
    ],
)
def test_the_environment_a_wrapper_sets_is_judged(line: str, setting: str) -> None:
    assert any(e.effect is EffectKind.UNKNOWN and setting in e.detail for e in _effects(line)), (
        _effects(line)
    )


def test_a_command_the_wrapper_sets_is_judged() -> None:
    effects = _effects("strace -E 'GIT_PAGER=rm -rf /srv' git log")
    assert any(e.effect is EffectKind.DELETE and "file:/srv" in e.resource.names for e in effects)


def test_fakeroot_running_another_daemon_is_unknown() -> None:
    (effect,) = _effects("fakeroot --faked /tmp/x ls")
    assert effect.effect is EffectKind.UNKNOWN


@pytest.mark.parametrize("wrapper", ["unshare", "nsenter -t 1 -m", "fakeroot", "firejail"])
def test_a_shell_started_without_a_command_is_judged(wrapper: str) -> None:
    effects = _effects(f"echo 'rm -rf /srv/data' | {wrapper}")
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv/data" in e.resource.names for e in effects
    )
    (alone,) = _effects(wrapper)
    assert alone.effect is EffectKind.UNKNOWN, alone  # an interactive shell


def test_the_shell_runs_where_the_wrapper_moves_it() -> None:
    effects = _effects("echo 'rm -rf data' | unshare -w /srv")
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv/data" in e.resource.names for e in effects
    )
