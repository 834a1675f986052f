"""Four small gaps in how shell lines are read, each checked against the real tool.

1. A write through a symbolic link into a file that runs later (``echo x > notes`` with
   ``notes -> ~/.bashrc``) was a plain ``update`` of ``notes``: the runs-later check ran before
   the links were followed. GNU coreutils 9.1 / sed 4.9 here: ``>``, ``cp``, ``tee``, ``dd``,
   ``truncate``, ``sed -i --follow-symlinks`` wrote the link's target; ``mv``, ``ln -sf``,
   ``install``, ``sed -i``, ``perl -i``, ``cp --remove-destination`` and ``rsync`` replaced the
   link and left the target as it was; ``mv x dir-link`` moved into the linked folder.
2. MariaDB 10.11's ``mysql`` joins its several ``-e`` into one text with a space: ``mysql db -e
   "DROP TABLE" -e "kt_x"`` dropped ``kt_x``, ``-e "SELECT '" -e "'; DROP TABLE t; SELECT '"``
   dropped ``t`` (MySQL's ``client/readline.cc`` joins them the same way). psql 15 runs its
   several ``-c`` as separate commands: the same texts dropped nothing.
3. git 2.39: ``submodule.<name>.update = !command`` in ``.git/config``, ``~/.gitconfig`` or
   ``-c`` made ``git submodule update`` (and ``clone -c … --recurse-submodules``) run the
   command; ``--checkout``/``--rebase``/``--merge`` won over it; in ``.gitmodules`` git refused
   it (``fatal: invalid value``).
4. sqlite3 3.40.1: ``HOME=/x sqlite3`` ran ``/root/.sqliterc`` (the password file's home), not
   ``/x/.sqliterc``: the "another HOME" alarm was false. Its source from 3.44 on reads
   ``$XDG_CONFIG_HOME/sqlite3/sqliterc`` first when that is there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

HOME = "/home/dev"
REPO = "/home/dev/repo"
FILES = MemoryFiles(
    {f"{HOME}/.bashrc": "", f"{REPO}/x": "", f"{REPO}/.git/hooks/pre-commit": ""},
    links={
        f"{REPO}/notes": f"{HOME}/.bashrc",
        f"{REPO}/cfg": f"{HOME}/.docker/config.json",
        f"{REPO}/hk": ".git/hooks/pre-commit",  # relative, from the link's folder
        f"{REPO}/hooks": f"{REPO}/.git/hooks",  # a folder
    },
)


def _shell(command: str, files: MemoryFiles | LocalFiles = FILES, **kw: str) -> Action:
    return understand_shell(
        command, cwd=kw.get("cwd", REPO), home=kw.get("home", HOME), files=files
    )


def _unknown(action: Action, name: str) -> bool:
    return any(e.effect is EffectKind.UNKNOWN and name in e.resource.names for e in action.effects)


# -- 1. writes through links ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "landed"),
    [
        ("echo x > notes", f"file:{HOME}/.bashrc"),
        ("echo x >> notes", f"file:{HOME}/.bashrc"),
        ("cp x notes", f"file:{HOME}/.bashrc"),
        ("echo x | tee notes", f"file:{HOME}/.bashrc"),
        ("dd if=x of=notes", f"file:{HOME}/.bashrc"),
        ("sed -i --follow-symlinks s/a/b/ notes", f"file:{HOME}/.bashrc"),
        ("sed 's/a/b/w notes' x", f"file:{HOME}/.bashrc"),
        ("echo {} > cfg", f"file:{HOME}/.docker/config.json"),
        ("echo x > hk", f"file:{REPO}/.git/hooks/pre-commit"),
        # A link on the folder is followed by every program, mv and ln included.
        ("mv x hooks/pre-commit", f"file:{REPO}/.git/hooks/pre-commit"),
        ("ln -sf /tmp/e hooks/pre-commit", f"file:{REPO}/.git/hooks/pre-commit"),
        ("install x hooks/pre-commit", f"file:{REPO}/.git/hooks/pre-commit"),
    ],
)
def test_a_write_through_a_link_into_a_file_that_runs_later_is_unknown(
    command: str, landed: str
) -> None:
    """The program opens the path and the kernel follows the link (coreutils 9.1 run: the
    target's content changed, the link stayed): a start-up file, the docker CLI's settings or a
    git hook is written, as a direct write of it is -- ``unknown``."""
    action = _shell(command)
    assert _unknown(action, landed), action.effects


@pytest.mark.parametrize(
    "command", ["mv x notes", "ln -sf /tmp/e notes", "install x notes", "sed -i s/a/b/ notes"]
)
def test_a_program_that_replaces_the_link_does_not_write_its_target(command: str) -> None:
    """False-alarm guard (passes before the fix too; fails if the runs-later check follows the
    link's own target for these programs). coreutils 9.1 / sed 4.9 run: after
    ``mv x notes``, ``ln -sf x notes``, ``install x notes`` and ``sed -i …`` the target kept
    its content and ``notes`` was a new file or link: nothing runs later."""
    action = _shell(command)
    assert not _unknown(action, f"file:{HOME}/.bashrc"), action.effects


def test_a_write_through_a_real_link_on_disk(tmp_path: Path) -> None:
    """The same through links on the disk (LocalFiles), as a hook reads them."""
    home, repo = tmp_path / "home", tmp_path / "repo"
    home.mkdir()
    repo.mkdir()
    (home / ".bashrc").write_text("")
    (repo / "notes").symlink_to(home / ".bashrc")
    files = LocalFiles()
    written = _shell("echo x > notes", files, cwd=str(repo), home=str(home))
    assert _unknown(written, f"file:{home}/.bashrc")
    moved = _shell("mv x notes", files, cwd=str(repo), home=str(home))
    assert not _unknown(moved, f"file:{home}/.bashrc")


# -- 2. mysql's several -e -----------------------------------------------------------------


def test_mysql_joins_its_several_e_into_one_text() -> None:
    """MariaDB 10.11 run: ``-e "DROP TABLE" -e "kt_x"`` dropped kt_x; before, each text was
    judged alone and no delete was seen."""
    action = understand_shell('mysql app -e "DROP TABLE" -e "kt_x"')
    assert any(
        e.effect is EffectKind.DELETE and "db:mysql/app/kt_x" in e.resource.names
        for e in action.effects
    ), action.effects


def test_a_quote_spanning_two_e_hides_nothing() -> None:
    """MariaDB 10.11 run: ``-e "SELECT '" -e "'; DROP TABLE t; SELECT '"`` dropped ``t``."""
    action = understand_shell("""mysql app -e "SELECT '" --execute "'; DROP TABLE t; SELECT '" """)
    assert any(
        e.effect is EffectKind.DELETE and "db:mysql/app/t" in e.resource.names
        for e in action.effects
    ), action.effects


def test_psql_runs_its_several_c_apart() -> None:
    """False-alarm guard (passes before the fix too). psql 15 run: ``-c 'DROP TABLE' -c t``
    gave two syntax errors and dropped nothing: no delete of ``t`` is read."""
    action = understand_shell("psql app -c 'DROP TABLE' -c 't'")
    assert not any(e.effect is EffectKind.DELETE for e in action.effects), action.effects


# -- 3. submodule.<name>.update = !command -------------------------------------------------

_SUBMODULE_REPO = MemoryFiles(
    {
        "/repo/.git/HEAD": "ref: refs/heads/main\n",
        "/repo/.git/config": '[submodule "s"]\n\turl = ../sub\n\tupdate = !rm -rf /srv\n',
        "/repo/.gitmodules": '[submodule "s"]\n\tpath = s\n\turl = ../sub\n',
    }
)


def _git(command: str, files: MemoryFiles = _SUBMODULE_REPO) -> Action:
    return understand_shell(command, cwd="/repo", home="/root", files=files)


def _runs_the_setting(action: Action) -> bool:
    return any(
        e.effect is EffectKind.UNKNOWN and "submodule.s.update" in e.detail for e in action.effects
    )


@pytest.mark.parametrize("command", ["git submodule update", "git submodule update --remote"])
def test_submodule_update_runs_the_command_its_setting_names(command: str) -> None:
    """git 2.39 run: with ``update = !touch …`` in ``.git/config`` the update ran the command
    (``touch … <commit>``): unknown, naming it, and ``rm -rf /srv`` judged as well."""
    action = _git(command)
    assert _runs_the_setting(action), action.effects
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv" in e.resource.names for e in action.effects
    )


def test_a_mode_on_the_command_line_wins_over_the_setting() -> None:
    """False-alarm guard (passes before the fix too). git 2.39 run: ``--checkout`` checked the
    commit out and ran nothing."""
    assert not _runs_the_setting(_git("git submodule update --checkout"))


def test_the_setting_given_with_c_runs_too() -> None:
    """git 2.39 run: ``git -c 'submodule.s.update=!touch …' submodule update`` ran it."""
    files = MemoryFiles({"/repo/.git/HEAD": "ref: refs/heads/main\n", "/repo/.gitmodules": ""})
    action = _git("git -c 'submodule.s.update=!touch /tmp/x' submodule update", files)
    assert _runs_the_setting(action), action.effects


def test_writing_the_setting_is_judged_as_the_command_it_names() -> None:
    """``git config submodule.x.update '!rm -rf /'``: what the next update runs is judged now,
    as ``core.fsmonitor``'s command is -- catastrophic here."""
    action = _git("git config submodule.x.update '!rm -rf /'")
    assert any(e.catastrophic for e in action.effects), action.effects
    assert any(e.effect is EffectKind.UNKNOWN for e in action.effects)
    plain = _git("git config submodule.x.update rebase")
    assert not any(e.effect is EffectKind.UNKNOWN for e in plain.effects)


def test_clone_with_the_setting_and_recursion_runs_it() -> None:
    """git 2.39 run: ``git clone -c 'submodule.s.update=!touch …' --recurse-submodules`` ran
    the command in the new repository's submodule."""
    action = _git("git clone -c 'submodule.s.update=!touch /tmp/x' --recurse-submodules ../main c")
    assert _runs_the_setting(action), action.effects


# -- 4. sqlite3's start-up file ------------------------------------------------------------


def test_another_home_does_not_move_sqlite3s_start_up_file() -> None:
    """sqlite3 3.40.1 run: ``HOME=/tmp/h sqlite3 :memory: "select 1"`` printed what
    ``/root/.sqliterc`` printed, not ``/tmp/h/.sqliterc``: no unknown for another HOME."""
    action = understand_shell('HOME=/tmp/h sqlite3 /srv/app.db "SELECT 1"', home="/root")
    assert not any(e.effect is EffectKind.UNKNOWN for e in action.effects), action.effects


def test_a_start_up_file_xdg_config_home_points_to_is_unknown() -> None:
    """sqlite3's source from 3.44 on (``find_xdg_file``): ``$XDG_CONFIG_HOME/sqlite3/sqliterc``
    runs first when it is there -- here the line wrote it."""
    line = (
        "echo '.shell rm -rf /srv' > /tmp/x/sqlite3/sqliterc && "
        'XDG_CONFIG_HOME=/tmp/x sqlite3 /srv/app.db "SELECT 1"'
    )
    action = understand_shell(line, home="/root")
    assert any(
        e.effect is EffectKind.UNKNOWN and "XDG_CONFIG_HOME" in e.detail for e in action.effects
    ), action.effects
