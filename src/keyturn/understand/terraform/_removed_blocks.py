"""Whether a saved plan's own configuration holds ``removed`` blocks.

A ``removed`` block (Terraform 1.9 and later) may carry destroy-time provisioners, which
``terraform show -json`` never shows: a delete whose configuration is gone is therefore judged
with an ``unknown`` beside it (:func:`._provisioners.removed_block_effect`). A saved plan file
is a zip archive that holds a snapshot of the configuration it was planned from
(``tfconfig/m-<module key>/<file>``, listed in ``tfconfig/modules.json``), and ``terraform
apply PLANFILE`` applies with that snapshot, not with the files on the disk. When keyturn has
the very plan file it applies (``keyturn exec -- terraform apply``) and that snapshot holds no
``removed`` block at all, no hidden provisioner can run, and the delete is judged as a delete.

The test is deliberately coarse: any line opening a ``removed`` block (or a ``"removed"`` key
of a JSON configuration file) counts, wherever it stands -- a heredoc that happens to hold one
only makes the judgement stricter.
"""

from __future__ import annotations

import io
import re
import zipfile

# Bounds on what is read of an archive: a plan's configuration is small; past these the
# snapshot is taken as not read (and the unknown stays).
_MAX_MEMBERS = 10_000
_MAX_BYTES = 64 << 20

_CONFIG_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
_NATIVE_BLOCK = re.compile(rb"(?m)^[ \t]*removed[ \t]*\{")
_JSON_KEY = re.compile(rb'"removed"\s*:')


def snapshot_has_removed_blocks(plan_file: bytes) -> bool | None:
    """Whether the configuration snapshot in the saved plan file ``plan_file`` (its bytes) holds
    a ``removed`` block; None when there is no snapshot that can be read within the bounds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(plan_file))
        members = archive.infolist()
        if len(members) > _MAX_MEMBERS:
            return None
        config = [m for m in members if m.filename.startswith("tfconfig/") and not m.is_dir()]
        if not any(m.filename == "tfconfig/modules.json" for m in config):
            return None
        budget = _MAX_BYTES
        for member in config:
            if not member.filename.endswith(_CONFIG_SUFFIXES):
                continue
            budget -= member.file_size
            if budget < 0:
                return None
            text = archive.read(member)
            if len(text) > member.file_size:
                return None  # a size the archive lied about
            pattern = _JSON_KEY if member.filename.endswith(".json") else _NATIVE_BLOCK
            if pattern.search(text):
                return True
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    return False
