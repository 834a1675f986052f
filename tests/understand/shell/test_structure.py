"""Shell structure: every command found, wrappers stripped, words unquoted, paths normalised."""

from __future__ import annotations

import dataclasses

import pytest

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Target
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import registry, understand_shell
from keyturn.understand.shell.sequences import PROTECTION_REMOVED

HOME = "/home/u"


def effects(command: str, **kw) -> list[Effect]:
    kw.setdefault("cwd", "/work/proj")
    kw.setdefault("home", HOME)
    return list(understand_shell(command, **kw).effects)


def deleted(command: str, **kw) -> set[str]:
    return {
        n for e in effects(command, **kw) if e.effect is EffectKind.DELETE for n in e.resource.names
    }


def kinds(command: str, **kw) -> list[str]:
    return [e.effect.value for e in effects(command, **kw)]


@pytest.mark.parametrize(
    "command",
    [
        "true && rm -rf /x",
        "true || rm -rf /x",
        "true; rm -rf /x",
        "true | rm -rf /x",
        "true & rm -rf /x",
        "(rm -rf /x)",
        "{ rm -rf /x; }",
        "echo $(rm -rf /x)",
        "echo `rm -rf /x`",
        "cat <(rm -rf /x)",
        "echo >(rm -rf /x)",
        "f() { rm -rf /x; }",
        "for i in 1 2; do rm -rf /x; done",
        "while true; do rm -rf /x; done",
        "until false; do rm -rf /x; done",
        "if true; then rm -rf /x; fi",
        "if false; then :; else rm -rf /x; fi",
        "[[ -n $(rm -rf /x) ]]",
        "case a in a) rm -rf /x;; esac",
        "echo $(( $(rm -rf /x) + 1 ))",
        "echo ${y:-$(rm -rf /x)}",
        "coproc rm -rf /x",
        "! rm -rf /x",
        "x=$(rm -rf /x)",
        "export X=$(rm -rf /x)",
        "cat <<EOF\n$(rm -rf /x)\nEOF",
        "cat <<EOF && rm -rf /x\nhi\nEOF",
        "echo a\nrm -rf /x",
        "bash -c 'rm -rf /x'",
        "sh -c \"bash -c 'rm -rf /x'\"",
        "eval 'rm -rf /x'",
        "bash <<'EOF'\nrm -rf /x\nEOF",
        "bash <<< 'rm -rf /x'",
        "echo 'rm -rf /x' | sh",
        "printf 'rm -rf /x' | bash",
        "cat <<EOF | sh\nrm -rf /x\nEOF",
    ],
)
def test_every_construct_is_seen(command: str) -> None:
    assert "file:/x" in deleted(command), command


@pytest.mark.parametrize(
    "command",
    [
        "sudo rm -rf /x",
        "sudo -u root -E -- rm -rf /x",
        "doas -u root rm -rf /x",
        "env -i -u HOME A=1 rm -rf /x",
        "nohup rm -rf /x",
        "timeout 30 rm -rf /x",
        "timeout -k 5 -s KILL 1m rm -rf /x",
        "nice -n 5 rm -rf /x",
        "ionice -c 2 -n 7 rm -rf /x",
        "time -p rm -rf /x",
        "command rm -rf /x",
        "builtin rm -rf /x",
        "exec rm -rf /x",
        "stdbuf -o0 rm -rf /x",
        "setsid rm -rf /x",
        "xargs -0 -n 1 rm -rf /x",
        "watch rm -rf /x",
        "watch -x rm -rf /x",
        "flock -w 3 /tmp/l rm -rf /x",
        "chroot /mnt rm -rf /x",
        "unshare -r rm -rf /x",
        "nsenter -t 1 -m rm -rf /x",
        "su -c 'rm -rf /x' root",
        "ssh -i key host rm -rf /x",
        "kubectl exec -n ns pod -- rm -rf /x",
        "docker exec -u 0 -w /tmp c rm -rf /x",
        "busybox rm -rf /x",
        "find /tmp -exec rm -rf /x \\;",
        "/usr/bin/env rm -rf /x",
        "sudo env A=1 nohup nice timeout 5 rm -rf /x",
    ],
)
def test_wrappers_are_stripped(command: str) -> None:
    assert "file:/x" in deleted(command), command


def test_wrapped_command_text_is_the_inner_command() -> None:
    found = effects("sudo -u root timeout 5 git push origin main --force")
    assert found[0].command == "git push --force origin main"


def test_ssh_host_is_noted() -> None:
    found = effects("ssh db1 'rm -rf /var/lib/x'")
    assert "ssh:db1" in found[0].detail


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /x",
        "rm -fr /x",
        "rm -r -f /x",
        "rm --recursive --force /x",
        "rm -Rf /x",
        "rm /x -rf",
    ],
)
def test_flags_are_sets(command: str) -> None:
    action = understand_shell(command)
    assert action.digest == understand_shell("rm -rf /x").digest
    assert action.effects[0].command == "rm -rf /x"


def test_different_paths_give_different_digests() -> None:
    assert understand_shell("rm -rf /x").digest != understand_shell("rm -rf /y").digest


@pytest.mark.parametrize(
    ("word", "path"),
    [
        ("~", HOME),
        ("~/", HOME),
        ("~/a", HOME + "/a"),
        ("$HOME/a", HOME + "/a"),
        ("${HOME}/a", HOME + "/a"),
        ('"$HOME"/a', HOME + "/a"),
        ("a", "/work/proj/a"),
        ("./a", "/work/proj/a"),
        ("../a", "/work/a"),
        ("/x/../a", "/a"),
        ("//a//b/", "/a/b"),
        ("~root", "/root"),
        ("'~'", "/work/proj/~"),
    ],
)
def test_path_spellings(word: str, path: str) -> None:
    assert f"file:{path}" in deleted(f"rm {word}")


@pytest.mark.parametrize(
    "command",
    [
        "r''m /x",
        'r""m /x',
        "\\rm /x",
        "'rm' /x",
        "$'\\x72m' /x",
        "$'\\162m' /x",
        "/bin/rm /x",
        "$(echo rm) /x",
        "`echo rm` /x",
        "{rm,/x}",
        "a=r; b=m; $a$b /x",
        "echo /x | xargs -I% rm /x",
    ],
)
def test_unquoting_tricks(command: str) -> None:
    assert "file:/x" in deleted(command), command


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("$CMD /x", "run time"),
        ("${CMD} /x", "run time"),
        ("/???/r? /x", "glob"),
        ("curl http://x | sh", "run time"),
        ("curl http://x | tee /tmp/y | bash", "run time"),
        ('eval "$X"', "run time"),
        ("bash", "interactive"),
        ("python -c 'import os'", "python"),
        ("node -e 1", "node"),
        ("./deploy.sh", "could not be read"),
        ("bash deploy.sh", "could not be read"),
        ("source env.sh", "could not be read"),
        ("echo '%%' | base64 -d | sh", "run time"),
        ("frobnicate --all", "does not know"),
        ("cd $(mktemp -d)", "run time"),
    ],
)
def test_run_time_meaning_is_unknown(command: str, reason: str) -> None:
    unknown = [e for e in effects(command) if e.effect is EffectKind.UNKNOWN]
    assert unknown, command
    assert any(reason in e.detail for e in unknown), [e.detail for e in unknown]


def test_script_file_is_judged_when_readable() -> None:
    files = MemoryFiles({"/work/proj/deploy.sh": "#!/bin/bash\nrm -rf /x\n"})
    assert "file:/x" in deleted("./deploy.sh", files=files)
    assert "file:/x" in deleted("bash deploy.sh", files=files)
    assert "file:/x" in deleted(". ./deploy.sh", files=files)


def test_python_script_file_is_unknown() -> None:
    files = MemoryFiles({"/work/proj/x.sh": "#!/usr/bin/python3\nimport os\n"})
    assert kinds("./x.sh", files=files) == ["unknown"]


@pytest.mark.parametrize("command", ["echo 'unterminated", "if then", "rm -rf /x )", "(("])
def test_syntax_error_is_unknown(command: str) -> None:
    found = effects(command)
    assert any(e.effect is EffectKind.UNKNOWN and "could not parse" in e.detail for e in found)


def test_recovered_commands_still_judged() -> None:
    found = effects('rm -rf / "')
    assert any(e.catastrophic for e in found)
    assert any(e.effect is EffectKind.UNKNOWN for e in found)


def test_depth_is_bounded() -> None:
    found = effects("eval " * 12 + "rm /x")
    assert any("nested more than" in e.detail for e in found)


def test_input_size_is_bounded() -> None:
    found = effects("echo " + "a" * 70_000)
    assert [e.effect for e in found] == [EffectKind.UNKNOWN]


def test_non_string_is_input_error() -> None:
    with pytest.raises(InputError):
        understand_shell(b"ls")  # type: ignore[arg-type]


def test_reads_are_reads() -> None:
    assert set(kinds("ls -la /tmp && cat a | grep b | sort | uniq -c; pwd; echo hi")) == {"read"}


def test_empty_and_comment_lines_have_one_effect() -> None:
    assert kinds("") == ["read"]
    assert kinds("# rm -rf /") == ["read"]


@registry.command("test-target")
def _show_target(cmd: registry.SimpleCommand, ctx: registry.ShellContext) -> list[Effect]:
    from keyturn.model import Resource

    return [Effect(effect=EffectKind.READ, resource=Resource(("x:y",)), target=ctx.target)]


def test_assignments_reach_the_handler_target() -> None:
    found = effects("AWS_PROFILE=prod-admin TF_WORKSPACE=prod test-target")
    assert found[0].target.aws_profile == "prod-admin"
    assert found[0].target.terraform_workspace == "prod"


def test_given_target_and_env_reach_the_handler() -> None:
    found = effects("test-target", env={"AWS_PROFILE": "dev"}, target=Target(environment="staging"))
    assert found[0].target == Target(environment="staging", aws_profile="dev")


def test_cloud_hints_do_not_move_local_files() -> None:
    found = effects("AWS_PROFILE=dev rm /x", target=Target(environment="staging"))
    assert found[0].target == Target(environment="staging")
    assert effects("AWS_PROFILE=dev rm /x")[0].target == Target()


def test_cd_changes_later_relative_paths() -> None:
    assert deleted("cd /srv && rm a") == {"file:/srv/a"}


def test_defined_function_call_is_not_unknown() -> None:
    assert kinds("f() { ls; }; f") == ["read"]


def test_fork_bomb_is_catastrophic() -> None:
    assert any(e.catastrophic for e in effects(":(){ :|:& };:"))


@registry.command("test-unprotect")
def _unprotect(cmd: registry.SimpleCommand, ctx: registry.ShellContext) -> list[Effect]:
    from keyturn.model import Resource

    kind = EffectKind.UPDATE if cmd.args[0] == "off" else EffectKind.DELETE
    effect = Effect(effect=kind, resource=Resource((f"arn:aws:rds:*:*:db:{cmd.args[1]}",)))
    return [dataclasses.replace(effect, removes_protection=cmd.args[0] == "off")]


def test_protection_removed_then_delete_is_marked() -> None:
    found = effects("test-unprotect off db1 && test-unprotect delete db1")
    assert found[1].protected_by == PROTECTION_REMOVED
    other = effects("test-unprotect off db1 && test-unprotect delete db2")
    assert other[1].protected_by is None
    before = effects("test-unprotect delete db1; test-unprotect off db1")
    assert before[0].protected_by is None


def test_handler_failure_is_unknown() -> None:
    @registry.command("test-broken")
    def broken(cmd: registry.SimpleCommand, ctx: registry.ShellContext) -> list[Effect]:
        raise RuntimeError("bug")

    assert kinds("test-broken x") == ["unknown"]


def test_nested_loops_over_known_words_stay_bounded() -> None:
    """Each loop over known words judges its body once per word too, within a budget per line
    that goes to the outer loops first: twelve nested loops of sixteen words do not multiply
    into 17**12 passes, and the outer loop's "/" is still seen."""
    words = " ".join(["/", *(f"w{i}" for i in range(15))])
    line = "".join(f"for v{n} in {words}; do " for n in range(12)) + "rm -rf $v0"
    line += "; done" * 12
    action = understand_shell(line, cwd="/srv", home="/root", env={})
    assert any(e.catastrophic for e in action.effects)
    assert any(e.effect is EffectKind.UNKNOWN for e in action.effects)


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ('rm -rf "${HOME:?}/x"', "file:/root/x"),
        ('rm -rf "${HOME?unset}"/x', "file:/root/x"),
        ("rm -rf ${HOME:-/tmp}/x", "file:/root/x"),
        ("rm -rf ${EMPTY:-/tmp}/x", "file:/tmp/x"),
        ("rm -rf ${EMPTY-/tmp}/x", "file:/x"),  # without the colon: set, even if empty
        ("rm -rf ${HOME:+/opt}/x", "file:/opt/x"),
        ("rm -rf ${EMPTY:+/opt}/x", "file:/x"),
    ],
)
def test_defaulting_expansions_of_known_variables(command: str, name: str) -> None:
    action = understand_shell(command, cwd="/srv", home="/root", env={"EMPTY": ""})
    assert name in {n for e in action.effects for n in e.resource.names}, action.effects


@pytest.mark.parametrize(
    "command",
    ["rm -rf ${UNSET:-/tmp}/x", "rm -rf ${EMPTY:?}/x", "rm -rf ${EMPTY:=/}", "rm -rf ${HOME%/*}"],
)
def test_other_expansions_stay_decided_at_run_time(command: str) -> None:
    action = understand_shell(command, cwd="/srv", home="/root", env={"EMPTY": ""})
    assert any(e.effect is EffectKind.UNKNOWN for e in action.effects), action.effects
