"""The local file reader reads regular files only: a FIFO would hold the judge until some
writer came, and a device or keyturn's own stdin is not the file a command runs."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from keyturn.localfiles import LocalFiles
from keyturn.understand import MemoryFiles, NoFiles


def test_regular_files_are_read_within_the_limit(tmp_path: Path) -> None:
    script = tmp_path / "deploy.sh"
    script.write_text("rm -rf build\n")
    reader = LocalFiles()
    assert reader.read_text(str(script)) == "rm -rf build\n"
    assert reader.read_text(str(script), limit=2) == "rm"
    assert reader.read_text(str(tmp_path / "missing")) is None
    assert reader.read_text(str(tmp_path)) is None  # a directory


def test_a_fifo_is_not_read_and_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result: list[str | None] = []
    reader = threading.Thread(target=lambda: result.append(LocalFiles().read_text(str(fifo))))
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert result == [None]


def test_devices_are_not_read() -> None:
    assert LocalFiles().read_text("/dev/zero") is None
    assert LocalFiles().read_text("/dev/null") is None


def test_the_readers_list_a_folder_and_refuse_what_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    for name in ("b.cnf", "a.cnf"):
        (tmp_path / "conf.d" / name).write_text("")
    disk = LocalFiles()
    assert disk.list_dir(str(tmp_path / "conf.d")) == ("a.cnf", "b.cnf")
    assert disk.list_dir(str(tmp_path / "conf.d" / "a.cnf")) is None
    assert disk.list_dir(str(tmp_path / "absent")) is None
    memory = MemoryFiles({"/etc/x/b.cnf": "", "/etc/x/a.cnf": "", "/etc/x/sub/c.cnf": ""})
    assert memory.list_dir("/etc/x/") == ("a.cnf", "b.cnf", "sub")
    assert memory.list_dir("/etc/y") is None
    assert NoFiles().list_dir("/etc/x") is None
