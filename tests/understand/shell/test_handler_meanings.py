"""What the handlers name and how they read their options, for the red-team findings: long
options abbreviated, awk programs, subscripts bash expands once more, rsync's places, git's
push settings, npm's lifecycle scripts, make's variables, database files, S3 through mc and
rclone."""

from __future__ import annotations

import json

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands.basic import harmless
from keyturn.understand.shell.flags import OptionSpec, canonical_text, long_key, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind


def _effects(command: str, files: dict[str, str] | None = None, **env: str) -> list[Effect]:
    action = understand_shell(
        command, cwd="/w", home="/home/u", env=env, files=MemoryFiles(files or {})
    )
    return list(action.effects)


def _named(command: str, kind: EffectKind, files: dict[str, str] | None = None) -> set[str]:
    return {n for e in _effects(command, files) if e.effect is kind for n in e.resource.names}


def _kinds(command: str, files: dict[str, str] | None = None, **env: str) -> set[EffectKind]:
    return {e.effect for e in _effects(command, files, **env)}


# -- long options abbreviated ---------------------------------------------------------------

_SPEC = OptionSpec(
    long={"recursive": "r", "remove": "remove", "force": "f"},
    long_valued=frozenset({"output"}),
    other_long=frozenset({"output-format"}),
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("recursive", "r"),  # exact
        ("recurs", "r"),  # the one name it starts
        ("rec", "r"),
        ("re", "re"),  # recursive or remove: ambiguous, left as written
        ("remo", "remove"),
        ("output", "output"),  # exact, though also a prefix of output-format
        ("outp", "outp"),  # output or output-format: ambiguous
        ("output-f", "output-format"),
        ("f", "f"),  # a single letter is not an abbreviation
        ("nothing", "nothing"),
    ],
)
def test_long_key(name: str, key: str) -> None:
    assert long_key(name, _SPEC) == key


def test_abbreviations_can_be_off() -> None:
    go = OptionSpec(long={"recursive": "r"}, abbreviations=False)
    assert long_key("recurs", go) == "recurs"


def test_an_abbreviated_valued_option_takes_its_value() -> None:
    opts = parse_options(["--outpu", "x", "y"], OptionSpec(long_valued=frozenset({"output"})))
    assert opts.values == {"output": ("x",)} and opts.operands == ("y",)


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("rm --recurs --forc x", "rm -rf x"),
        ("git push --forc origin main", "git push --force origin main"),
        ("git push --mirr origin", "git push --force --mirror origin"),
        ("git -c remote.origin.push=+a:b push origin", "git push --force origin -c"),
        ("git -c remote.origin.mirror=1 push origin", "git push --force origin -c"),
    ],
)
def test_canonical_text_spells_abbreviations_out(command: str, text: str) -> None:
    assert canonical_text(command.split()).startswith(text)


def test_git_abbreviations_reach_the_subcommands() -> None:
    assert _named("git push --delet origin main", _E.DELETE) == {"git:origin/main"}
    assert _named("git clean --forc", _E.DELETE) == {"file:/w/*"}
    assert _E.DELETE not in _kinds("git log --forc")  # log takes no abbreviation


# -- awk ------------------------------------------------------------------------------------


def test_awk_program_file_is_read_and_judged() -> None:
    files = {"/w/p.awk": '{ print $1 }\nEND { system("rm -rf /") }\n'}
    found = _effects("awk -f p.awk data", files)
    assert {"file:/w/p.awk", "file:/w/data"} <= {n for e in found for n in e.resource.names}
    assert _E.UNKNOWN in {e.effect for e in found}
    assert _kinds("awk -f p.awk data", {"/w/p.awk": "{ print $1 }\n"}) == {_E.READ}


def test_awk_getline_names_the_file_it_reads() -> None:
    assert _named("awk 'BEGIN{getline l < \"/etc/shadow\"}'", _E.READ) >= {"file:/etc/shadow"}
    assert _E.UNKNOWN in _kinds("awk 'BEGIN{getline l < ARGV[1]}' x")


def test_awk_writes() -> None:
    assert "file:/w/f" in _named("awk -i inplace '{print}' f", _E.UPDATE, {"/w/f": "x"})
    assert "file:/w/awkvars.out" in _named("awk -d 'BEGIN{}'", _E.CREATE)
    assert _named("awk -dout.txt 'BEGIN{}'", _E.CREATE) == {"file:/w/out.txt"}
    assert _E.UNKNOWN in _kinds("mawk -W exec p.awk")


# -- subscripts bash expands once more -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "let 'a[$(rm -rf /w/x)]=1'",
        "printf -v 'a[$(rm -rf /w/x)]' y",
        "test -v 'a[$(rm -rf /w/x)]'",
        "read -a 'a[$(rm -rf /w/x)]' <<< y",
        "getopts ab 'a[$(rm -rf /w/x)]'",
        "builtin declare 'a[$(rm -rf /w/x)]=1'",
        "builtin declare -i 'x=a[$(rm -rf /w/x)]'",
    ],
)
def test_subscript_substitutions_are_judged(command: str) -> None:
    assert "file:/w/x" in _named(command, _E.DELETE)


def test_double_bracket_arithmetic_words_are_judged_when_given() -> None:
    # The grammar hands ``[[ … ]]`` over without its words today; once it does, they count.
    cmd = SimpleCommand(argv=("[[", "a[$(rm -rf /)]", "-gt", "0", "]]"), program="[[")
    assert EffectKind.UNKNOWN in {e.effect for e in harmless(cmd, ShellContext()) or []}
    plain = SimpleCommand(argv=("[[", "$x", "-gt", "0", "]]"), program="[[")
    assert {e.effect for e in harmless(plain, ShellContext()) or []} == {EffectKind.READ}


@pytest.mark.parametrize("command", ["let 'x=1+2'", "printf -v x '%s' '$(rm -rf /)'", "read x"])
def test_plain_builtins_still_read(command: str) -> None:
    assert _E.DELETE not in _kinds(command) and _E.UNKNOWN not in _kinds(command)


# -- rsync ----------------------------------------------------------------------------------


def test_rsync_names_remote_places_where_they_are() -> None:
    found = _effects("rsync -a /w/src/ deploy@web1:/srv/app")
    names = {e.effect: set(e.resource.names) for e in found}
    assert names[_E.UPDATE] == {"ssh:web1/file:/srv/app", "ssh:web1/file:/srv/app/*"}
    assert names[_E.READ] == {"file:/w/src", "file:/w/src/*"}
    assert _named("rsync web1:logs/ ./logs", _E.READ) == {"ssh:web1/file:logs"}


def test_rsync_remote_command_is_named_on_the_host() -> None:
    assert "ssh:web1/file:/w/x" in _named("rsync --rsync-path='rm -rf /w/x' a web1:b", _E.DELETE)


@pytest.mark.parametrize(
    ("shell", "unknown"),
    [
        ("ssh -p 2222 -i ~/.ssh/k -o StrictHostKeyChecking=no", False),
        ("ssh -o ProxyCommand='nc %h %p'", True),
        ("ssh -oLocalCommand=x", True),
        ("ssh -F /tmp/cfg", True),
    ],
)
def test_rsync_ssh_settings(shell: str, unknown: bool) -> None:
    assert (_E.UNKNOWN in _kinds(f'rsync -e "{shell}" a h:b')) is unknown


# -- git push settings ----------------------------------------------------------------------


def _git_files(config: str) -> dict[str, str]:
    return {"/w/.git/config": config, "/w/.git/HEAD": "ref: refs/heads/main\n"}


def test_stored_push_refspecs_stand_in_for_missing_ones() -> None:
    files = _git_files('[remote "origin"]\n\tpush = refs/heads/main:refs/heads/prod\n')
    assert _named("git push", _E.UPDATE, files) == {"git:origin/prod"}
    forced = _git_files('[remote "origin"]\n\tpush = +refs/heads/main:refs/heads/prod\n')
    (effect,) = [e for e in _effects("git push origin", forced) if e.service == "git"]
    assert effect.effect is _E.REPLACE and (effect.command or "").startswith("git push --force")
    # A refspec on the line wins over the setting.
    assert _named("git push origin dev", _E.UPDATE, forced) == {"git:origin/dev"}


def test_a_setting_for_another_remote_does_not_count() -> None:
    files = _git_files('[remote "backup"]\n\tmirror = true\n')
    assert _named("git push origin main", _E.UPDATE, files) == {"git:origin/main"}


def test_clone_settings_and_templates() -> None:
    assert _E.DELETE in _kinds("git clone -c core.sshCommand='rm -rf /w/x' ssh://h/r")
    assert _E.UNKNOWN in _kinds("git clone --template /tmp/t https://h/r")


# -- npm ------------------------------------------------------------------------------------

_PACKAGE = json.dumps({"scripts": {"postinstall": "rm -rf /w/i", "prepack": "rm -rf /w/p"}})


@pytest.mark.parametrize(
    ("command", "runs"),
    [
        ("npm install", True),
        ("npm install --ignore-scripts", False),
        ("npm install --ignore-scripts=true", False),
        ("npm install --ignore-scripts=false", True),
        ("npm install --ignore-scripts false", True),
        ("npm install --ignore-scripts --no-ignore-scripts", True),
        ("npm install --ignore-scripts=maybe", True),
    ],
)
def test_only_scripts_surely_ignored_are_not_judged(command: str, runs: bool) -> None:
    deleted = _named(command, _E.DELETE, {"/w/package.json": _PACKAGE})
    assert ("file:/w/i" in deleted) is runs


def test_npm_pack_runs_its_lifecycle_scripts() -> None:
    assert "file:/w/p" in _named("npm pack", _E.DELETE, {"/w/package.json": _PACKAGE})
    assert not _named("npm pack --ignore-scripts", _E.DELETE, {"/w/package.json": _PACKAGE})


def test_npm_settings() -> None:
    assert "file:/home/u/.npmrc" in {
        n for e in _effects("npm config set registry https://r") for n in e.resource.names
    }
    npmrc = {"/w/package.json": _PACKAGE, "/w/.npmrc": "script-shell=/tmp/evil\n"}
    assert _E.UNKNOWN in _kinds("npm test", npmrc)
    assert _E.UNKNOWN in _kinds("npm_config_node_options=--require=x npm ls")


# -- make -----------------------------------------------------------------------------------


def _make(command: str, makefile: str, **files: str) -> set[str]:
    return _named(command, _E.DELETE, {"/w/Makefile": makefile, **files})


def test_make_weighs_variables_as_gnu_make() -> None:
    assert _make("make clean", "OUT ?= build\nclean:\n\trm -rf $(OUT)\n") == {
        "file:/w/build",
        "file:/w/build/*",
    }
    # ``?=`` gives way to the environment; ``override`` does not give way to the command line.
    found = _named(
        "OUT=/w/x make clean", _E.DELETE, {"/w/Makefile": "OUT ?= b\nclean:\n\trm -r $(OUT)\n"}
    )
    assert "file:/w/x" in found
    overridden = "override OUT := /w/o\nclean:\n\trm -rf $(OUT)\n"
    assert "file:/w/o" in _make("make OUT=b clean", overridden)


def test_make_reads_includes_and_runs_read_time_commands() -> None:
    included = _make(
        "make clean", "include vars.mk\nclean:\n\trm -rf $(OUT)\n", **{"/w/vars.mk": "OUT = /w/v\n"}
    )
    assert "file:/w/v" in included
    assert "file:/w/s" in _make("make", "X := $(shell rm -rf /w/s)\nall:\n\techo\n")
    assert "file:/w/t" in _make("make", "X != rm -rf /w/t\nall:\n\techo\n")


def test_make_dry_run_still_runs_plus_lines() -> None:
    assert _make("make -n", "all:\n\t+rm -rf /w/plus\n\trm -rf /w/plain\n") == {
        "file:/w/plus",
        "file:/w/plus/*",
    }


# -- database files, sed, S3 through other tools --------------------------------------------


def test_sqlite_names_its_database_files() -> None:
    names = _named("sqlite3 /d/a.db 'update t set x=1'", _E.UPDATE)
    assert names == {"db:sqlite//d/a.db/t", "file:/d/a.db"}
    assert "file:/w/x.db" in _named("duckdb x.db 'select 1'", _E.UNKNOWN)


def test_sed_names_the_files_its_script_reads() -> None:
    assert _named("sed '1r /etc/shadow' x", _E.READ) == {"file:/w/x", "file:/etc/shadow"}


@pytest.mark.parametrize(
    ("conf", "aws"),
    [
        ("[s3]\ntype = s3\nprovider = AWS\n", True),
        ("[s3]\ntype = s3\n", True),
        ("[s3]\ntype = s3\nprovider = Minio\nendpoint = http://m:9000\n", False),
        ("[s3]\ntype = drive\n", False),
    ],
)
def test_rclone_names_aws_remotes_as_the_aws_cli(conf: str, aws: bool) -> None:
    files = {"/home/u/.config/rclone/rclone.conf": conf}
    names = _named("rclone purge s3:bkt", _E.DELETE, files)
    assert ("arn:aws:s3:::bkt" in names) is aws


def test_mc_names_aws_aliases_as_the_aws_cli() -> None:
    config = json.dumps(
        {"aliases": {"s3": {"url": "https://m.example"}, "a": {"url": "https://s3.amazonaws.com"}}}
    )
    files = {"/home/u/.mc/config.json": config}
    assert "arn:aws:s3:::bkt" not in _named("mc rb s3/bkt", _E.DELETE, files)
    assert "arn:aws:s3:::bkt" in _named("mc rb a/bkt", _E.DELETE, files)
    assert "arn:aws:s3:::bkt" in _named("mc rb s3/bkt", _E.DELETE)  # mc's own s3 alias
