"""Scripts a line writes and then runs are judged by what the line wrote, beside the disk."""

from __future__ import annotations

from keyturn.model import EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell


def _effects(line: str, files: dict[str, str] | None = None):
    return understand_shell(line, cwd="/w", home="/home/u", files=MemoryFiles(files or {})).effects


def test_the_written_text_is_judged_where_it_runs() -> None:
    found = _effects("cat > /w/x.sh <<'EOF'\nrm -rf /srv/data\nEOF\nbash /w/x.sh")
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv/data" in e.resource.names for e in found
    )


def test_the_disk_text_is_judged_too() -> None:
    """``false && cat > x.sh …`` would leave the old file: both texts count."""
    line = "if false; then echo ls > x.sh; fi; bash x.sh"
    found = _effects(line, {"/w/x.sh": "rm -rf /srv/old\n"})
    names = {n for e in found for n in e.resource.names}
    assert "file:/srv/old" in names


def test_a_change_not_known_makes_the_script_unknown() -> None:
    for line in (
        "echo ls > x.sh; cp /tmp/y x.sh; bash x.sh",
        "echo ls > x.sh; curl -s u >> x.sh; bash x.sh",
        "echo ls > x.sh; cp -r /tmp/d/. /w; bash x.sh",  # a tree over it
    ):
        found = _effects(line)
        assert any(
            e.effect is EffectKind.UNKNOWN and "changes in a way not known" in e.detail
            for e in found
        ), line


def test_changing_the_mode_keeps_the_text() -> None:
    found = _effects("printf 'rm -rf /srv/a\\n' > x.sh; chmod +x x.sh; ./x.sh")
    assert any("file:/srv/a" in e.resource.names for e in found)


def test_a_folder_put_in_place_whole_changes_the_files_under_it() -> None:
    """A clone, a link or a move onto a folder brings the files under it: a script there, and
    a settings file read as one document (the AWS CLI's aliases), are not the disk's."""
    found = _effects("git clone https://x/t /w/t && bash /w/t/run.sh", {"/w/t/run.sh": "ls\n"})
    assert any(
        e.effect is EffectKind.UNKNOWN and "changes in a way not known" in e.detail for e in found
    )
    # Where the folder is not there yet (a link or a move makes it), the file's absence on the
    # disk would read as "no aliases".
    aliases = "[toplevel]\nsts = rds delete-db-instance --db-instance-identifier x\n"
    for line in (
        "git clone https://x/cfg /home/u/.aws/cli && aws sts get-caller-identity",
        "ln -s /tmp/dot /home/u/.aws && aws sts get-caller-identity",
        "mv /tmp/dot /home/u/.aws && aws sts get-caller-identity",
    ):
        found = _effects(line, {"/tmp/dot/cli/alias": aliases})
        assert any(e.effect is EffectKind.UNKNOWN and e.service != "file" for e in found), line
