"""How the structure of a line is read: where each command runs (wrappers that move it, ``cd``
with CDPATH, ``pushd``/``popd``, ``~+``/``~-``), the text a heredoc feeds, backquotes the grammar
leaves in a word, input redirections as reads, ``ip netns exec``, ssh settings that run
something here, and Windows words split by Windows rules."""

from __future__ import annotations

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.dispatch import build_command
from keyturn.understand.shell.parse import (
    MAX_TEXT_NESTING,
    Problem,
    RawCommand,
    backquoted,
    parse_line,
)
from keyturn.understand.shell.wrappers import unwrap

CWD = "/w"
HOME = "/home/u"


def effects(command: str, **env: str) -> list[Effect]:
    return list(understand_shell(command, cwd=CWD, home=HOME, env=env).effects)


def names(command: str, kind: EffectKind = EffectKind.DELETE, **env: str) -> set[str]:
    return {n for e in effects(command, **env) if e.effect is kind for n in e.resource.names}


def unknowns(command: str) -> list[str]:
    return [e.detail for e in effects(command) if e.effect is EffectKind.UNKNOWN]


def directories(command: str) -> tuple[str | None, ...]:
    item = parse_line(command, variables={}, home=HOME).items[0]
    assert isinstance(item, RawCommand)
    return unwrap(build_command(item)).directories


# -- wrappers that move the command ---------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("env -C / rm x", ("/",)),
        ("env --chdir=/srv rm x", ("/srv",)),
        ("sudo -D /opt rm x", ("/opt",)),
        ("sudo -u bob -i rm x", ("/home/bob",)),
        ("sudo rm x", ()),
        ("systemd-run rm x", ("/",)),
        ("systemd-run --user rm x", ("~",)),
        ("systemd-run --scope rm x", ()),
        ("systemd-run -d rm x", ()),
        ("systemd-run --working-directory=/a rm x", ("/a",)),
        ("unshare -w /a rm x", ("/a",)),
        ("unshare -R /mnt rm x", ("/mnt",)),
        ("nsenter -t 1 -w/a rm x", ("/a",)),
        ("nsenter --wd=/a rm x", ("/a",)),
        ("nsenter -t 1 -w rm x", (None,)),  # the target's directory: run time
        ('nsenter -w"$D" rm x', (None,)),
        ('nsenter -t "$P" -w/a rm x', ("/a",)),
        ('sudo -u "$U" -D /a rm x', (None,)),
        ("chroot /mnt rm x", ("/mnt",)),
        ("chroot --skip-chdir /mnt rm x", ()),
        ("pkexec rm x", ("/root",)),
        ("pkexec --keep-cwd rm x", ()),
        ("nohup env -C /a timeout 5 env -C b rm x", ("/a", "b")),
        ('env -C "$D" rm x', (None,)),
        ("uv run --directory /a rm x", ("/a",)),
        ("uv --directory /a run rm x", ("/a",)),
        ("conda run --cwd /a rm x", ("/a",)),
        ("timeout 5 rm x", ()),
    ],
)
def test_wrapper_directories(command: str, expected: tuple[str | None, ...]) -> None:
    assert directories(command) == expected


def test_a_wrapper_moves_relative_paths() -> None:
    assert names("env -C / rm -rf etc") == {"file:/etc", "file:/etc/*"}
    assert names("env -C sub rm x") == {"file:/w/sub/x"}
    assert names("systemd-run --user rm x") == {"file:/home/u/x"}
    assert names("sudo -i rm -rf x") == {"file:/root/x", "file:/root/x/*"}


def test_nested_commands_run_where_the_wrapper_moves_them() -> None:
    assert "file:/etc" in names("sudo -D / bash -c 'rm -rf etc'")
    assert "file:/root/x" in names("su - -c 'rm x'")


def test_redirections_stay_where_the_shell_is() -> None:
    written = names("env -C /srv ls > out", EffectKind.UPDATE) | names(
        "env -C /srv ls > out", EffectKind.CREATE
    )
    assert "file:/w/out" in written


def test_a_directory_decided_at_run_time_is_judged_here_and_at_the_root() -> None:
    found = effects('env -C "$D" rm x')
    deleted = {n for e in found if e.effect is EffectKind.DELETE for n in e.resource.names}
    assert {"file:/w/x", "file:/x"} <= deleted
    assert any("directory decided at run time" in e.detail for e in found)


def test_a_program_named_by_a_path_is_no_wrapper() -> None:
    assert names("./env -C / rm -rf etc") == set()  # ./env is the project's own script


# -- cd, CDPATH, pushd, popd, ~+ and ~- -----------------------------------------------------


def test_cd_with_cdpath_is_judged_in_each_entry() -> None:
    assert names("CDPATH=/:/srv cd etc && rm -rf *") == {
        "file:/w/etc/*",
        "file:/etc/*",
        "file:/srv/etc/*",
    }


def test_cdpath_from_the_environment() -> None:
    assert "file:/etc/*" in names("cd etc && rm -rf *", CDPATH="/")


def test_cdpath_decided_at_run_time_is_unknown() -> None:
    assert any("CDPATH" in d for d in unknowns('CDPATH="$P" cd etc && ls'))


def test_cdpath_is_not_searched_for_explicit_relative_paths() -> None:
    assert names("CDPATH=/ cd ./etc && rm -rf *") == {"file:/w/etc/*"}


def test_cd_at_run_time_judges_what_follows_at_the_root_too() -> None:
    assert {"file:/w/*", "file:/*"} <= names('cd "$D" && rm -rf *')


def test_cd_dash_goes_back() -> None:
    assert names("cd /a; cd /b; cd -; rm x") == {"file:/a/x"}
    assert names("cd - && rm x", OLDPWD="/o") == {"file:/o/x"}


def test_cd_dash_without_oldpwd_is_unknown() -> None:
    assert any("cd -" in d for d in unknowns("cd - && ls"))


def test_popd_returns_where_pushd_left_and_is_judged_where_it_was() -> None:
    assert names("pushd /a && pushd /b && popd && rm x") == {"file:/a/x", "file:/b/x"}


def test_popd_without_pushd_is_unknown() -> None:
    found = effects("cd /tmp && popd && rm -rf *")
    assert any("stack" in e.detail for e in found if e.effect is EffectKind.UNKNOWN)
    assert "file:/*" in {n for e in found for n in e.resource.names}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("cd / && rm -rf ~+", "file:/"),
        ("cd /a; cd /b; rm -rf ~-", "file:/a"),
        ("cd /a && rm -rf ~+/x", "file:/a/x"),
        ("cd / && rm -rf $PWD", "file:/"),
        ("cd /a; cd /b; rm -rf $OLDPWD", "file:/a"),
        ("rm -rf ~+", "file:/w"),
    ],
)
def test_pwd_and_oldpwd_follow_cd(command: str, expected: str) -> None:
    assert expected in names(command)


def test_tilde_minus_without_oldpwd_is_decided_at_run_time() -> None:
    assert [e.effect for e in effects("rm -rf ~-")] == [EffectKind.UNKNOWN]
    assert names("rm -rf ~-", OLDPWD="/o") == {"file:/o", "file:/o/*"}


def test_directory_stack_tildes_are_decided_at_run_time() -> None:
    assert [e.effect for e in effects("rm -rf ~1")] == [EffectKind.UNKNOWN]


def test_one_word_brace_range_is_expanded() -> None:
    assert names("rm -rf /{e..e}tc") == {"file:/etc", "file:/etc/*"}


# -- heredocs and backquotes ----------------------------------------------------------------


def stdin_of(command: str) -> str | None:
    item = parse_line(command, variables={"HOME": HOME}, home=HOME).items[-1]
    assert isinstance(item, RawCommand)
    return item.stdin_text


def test_unquoted_heredoc_unescapes_and_expands() -> None:
    text = "bash <<EOF\nNS=x \\$NS \\`a\\` \\\\ $HOME \\\nnext\nEOF"
    assert stdin_of(text) == f"NS=x $NS `a` \\ {HOME} next\n"


def test_quoted_heredoc_is_literal() -> None:
    assert stdin_of("bash <<'EOF'\n\\$NS $HOME\nEOF") == "\\$NS $HOME\n"


def test_escaped_dollar_reaches_the_inner_shell() -> None:
    text = "bash <<EOF\nNS=payments\nkubectl delete ns \\$NS --context kind-x\nEOF"
    assert "k8s:namespace/payments" in names(text)


@pytest.mark.parametrize(
    "command",
    [
        "cat <<EOF\n`rm -rf /`\nEOF",
        "cat <<EOF\n${x:-`rm -rf /`}\nEOF",
        'echo "${x:-`rm -rf /`}"',
        "echo ${x:-`rm -rf /`}",
        "x=1; echo ${x:+`rm -rf /`}",
        "cat <<EOF\nsome text `rm -rf /` more\nEOF",
    ],
)
def test_backquotes_left_in_text_are_judged(command: str) -> None:
    assert "file:/" in names(command)


def test_quoted_heredoc_backquotes_are_text() -> None:
    assert names("cat <<'EOF'\n`rm -rf /`\nEOF") == set()


def test_backquoted() -> None:
    assert backquoted("a `b` \\`c\\` `d \\$x \\` e`") == ["b", "d $x ` e"]
    assert backquoted("`unclosed") == ["unclosed"]


def test_backquotes_nested_too_deep_are_a_problem() -> None:
    parsed = parse_line("echo ${x:-`ls`}", variables={}, home=HOME, nesting=MAX_TEXT_NESTING)
    assert any(isinstance(i, Problem) and "nested" in i.reason for i in parsed.items)


@pytest.mark.parametrize(
    "command",
    [
        "bash <<'EOF'\n\\rm -rf /\nEOF",
        "bash <<EOF\n\\rm -rf /\nEOF",
        "bash <<'EOF'\n\\\nrm -rf /\nEOF",
        "cat <<EOF > x.sh\n\\rm -rf /\nEOF\nbash x.sh",
        "cat <<EOF \\\n| bash\nrm -rf /\nEOF",
    ],
)
def test_heredoc_whose_first_line_starts_with_a_backslash(command: str) -> None:
    # The grammar reads such a first line as command words: the text is read as written.
    assert "file:/" in names(command)


# -- input redirections ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "base64 < secret",
        "tee /tmp/x < secret",
        "echo $(< secret)",
        "exec 3< secret; cat <&3",
        "while read l; do echo $l; done < secret",
        "cat 0<> secret",
    ],
)
def test_input_redirections_read_their_file(command: str) -> None:
    assert "file:/w/secret" in names(command, EffectKind.READ)


def test_descriptor_duplication_reads_no_file() -> None:
    assert not {n for n in names("cat <&3", EffectKind.READ) if n.startswith("file:")}


# -- ip netns exec, ssh ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "ip netns exec blue rm -rf /",
        "ip -n red netns exec blue rm -rf /",
        "ip -4 -netns red netns exec blue rm -rf /",
        "ip net exec blue rm -rf /",
        "ip netns e blue rm -rf /",
        "ip -all netns exec rm -rf /",
        "ip vrf exec blue rm -rf /",
        "ip v e blue rm -rf /",
        "sudo ip netns exec blue rm -rf /",
    ],
)
def test_ip_runs_the_command(command: str) -> None:
    assert "file:/" in names(command)


@pytest.mark.parametrize("command", ["ip -batch cmds.txt", "ip -b -", "ip netns exec blue"])
def test_ip_batch_and_bare_exec_are_unknown(command: str) -> None:
    assert unknowns(command)


@pytest.mark.parametrize(
    "command",
    ["ip netns list", "ip -br addr", "ip -N route", "ip neigh", "ip -n blue link show"],
)
def test_other_ip_commands_are_not_wrappers(command: str) -> None:
    assert not unknowns(command)
    assert all(e.effect is EffectKind.READ for e in effects(command))


@pytest.mark.parametrize(
    "command",
    [
        "ssh -o ProxyCommand='rm -rf /' host ls",
        "ssh -oProxyCommand=x host ls",
        "ssh -o 'proxycommand\tx' host ls",
        "ssh -o 'ProxyCommand = x' host ls",
        "ssh -o LocalCommand=x host ls",
        "ssh -o PermitLocalCommand=yes host ls",
        "ssh -o KnownHostsCommand=x host ls",
        "ssh -o 'Match exec x' host ls",
        "ssh -o PKCS11Provider=/tmp/x.so host ls",
        "ssh -o SecurityKeyProvider=/tmp/x.so host ls",
        "ssh -o XAuthLocation=/tmp/x -X host ls",
        "ssh -F ./cfg host ls",
        "ssh -I /tmp/x.so host ls",
        "ssh -E /etc/passwd host ls",
    ],
)
def test_ssh_settings_that_run_something_here_are_unknown(command: str) -> None:
    found = effects(command)
    assert [e.effect for e in found] == [EffectKind.UNKNOWN], [e.detail for e in found]


@pytest.mark.parametrize(
    "command",
    [
        "ssh -o PermitLocalCommand=no host ls",
        "ssh -F none host ls",
        "ssh -o StrictHostKeyChecking=no -B eth0 host ls",
    ],
)
def test_harmless_ssh_settings_keep_the_remote_command(command: str) -> None:
    assert "ssh:host/shell:ls" in names(command, EffectKind.READ)


# -- Windows words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("Remove-Item -Path C:\\ -Recurse -Force", "file:C:/"),
        ('cmd /c "rd /s /q %HOMEDRIVE%%HOMEPATH%"', "file:C:/Users/%USERNAME%"),
        ('cmd /c "rd /s /q %windir%\\.."', "file:C:/"),
        ('cmd /c "rd /s /q %ProgramFiles(x86)%"', "file:C:/Program Files (x86)"),
        (
            'powershell -c "Remove-Item -Recurse ${env:SystemRoot}\\System32"',
            "file:C:/Windows/System32",
        ),
        ('cmd /c "rd /s /q \\\\.\\C:\\"', "file:C:/"),
        ('cmd /c "rd /s /q \\\\localhost\\C$\\"', "file:C:/"),
        ('cmd /c "cd /d C:\\work && rd /s /q ."', "file:C:/work"),
        ('cmd /c "cd /d C:\\work && rd /s /q ..\\.."', "file:C:/"),
        ('powershell -c "Set-Location C:\\; Remove-Item -Recurse x"', "file:C:/x"),
        ('cmd /c "start /b rd /s /q C:\\x"', "file:C:/x"),
        ('cmd /c "@rd /S/Q C:\\x"', "file:C:/x"),
        ('pwsh -c "Remove-Item -Recurse -Force /srv"', "file:/srv"),
    ],
)
def test_windows_paths(command: str, expected: str) -> None:
    assert expected in names(command), names(command)


@pytest.mark.parametrize(
    "command",
    [
        'powershell -c "Remove-Item -Recurse -Force (Get-PSDrive C).Root"',
        'powershell -c "Remove-Item -Recurse $p"',
        'cmd /c "rd /s /q %D%\\x"',
        'cmd /c "cd /d %D% && rd /s /q build"',
        'cmd /c "popd && rd /s /q build"',
    ],
)
def test_windows_paths_decided_at_run_time_are_unknown(command: str) -> None:
    assert any("decided at run time" in d for d in unknowns(command)), effects(command)


def test_powershell_single_quotes_keep_a_dollar_literal() -> None:
    assert names("Remove-Item -Recurse 'C:\\x\\$y'") == {"file:C:/x/$y", "file:C:/x/$y/*"}
    assert unknowns('Remove-Item -Recurse "C:\\x\\$y"')


def test_powershell_expression_names_what_it_spells_out() -> None:
    found = names('powershell -c "Remove-Item -Recurse (Resolve-Path ~)"')
    assert "file:C:/Users/%USERNAME%" in found
