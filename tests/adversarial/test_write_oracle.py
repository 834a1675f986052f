"""The file tools themselves say which files a line writes; keyturn must name each of them, or
hold the line as unknown.

Each case runs in real bash in a scratch tree (``$S`` holds ``prod/db`` and ``dev/db``;
the line starts in ``work/``), and every file it creates, changes or removes is looked for
among the names of keyturn's effects that are not reads. Fresh backups a tool makes beside
the file it edits (``db.orig``, ``db.~1~``) are left out: new names, next to a file the line
already changes. This found writes an agent can aim at the hook settings or a protected tree:
``cp --parents .claude/settings.json ~/`` (named ``~/settings.json``), sed's and perl's
backup suffix with ``*`` (``sed -i'../.claude/*' … settings.json``), ``patch -r FILE`` and
``-B PREFIX``, ``rsync --log-file``, curl's ``-o '#1'`` with a URL glob, and ``tar -xP``
(absolute member names: held as unknown).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.adversarial._oracle import (
    assert_changes_named,
    changed_files,
    files_under,
    run_bash,
    understood_on_disk,
)

_FAILING_HUNK = "<(printf -- '--- a\\n+++ b\\n@@ -1 +1 @@\\n-absent\\n+new\\n')"
_APPLYING_HUNK = "<(printf -- '--- a\\n+++ b\\n@@ -1 +1 @@\\n-orig\\n+new\\n')"

CASES = [
    "cp --parents sub/s1 $S/prod",
    "cd sub && cp --parents ../sub/s1 $S/prod",
    "cp -r $S/dev $S/prod",
    "cp -rT $S/dev $S/prod",
    "cp -t $S/prod $S/dev/db",
    'sed -i"$S/prod/*" s/o/x/ a1',  # the backup of a1 is $S/prod/a1
    "sed -i'../srv/prod/*' s/o/x/ a1",
    "cd sub && sed -i'../../srv/prod/*' s/o/x/ s1",
    "sed -i.bak s/o/x/ $S/prod/db",
    "sed -Ei.b s/o/x/ $S/prod/db",
    "sed -ie s/o/x/ $S/prod/db",  # the suffix is ``e``
    "sed --in-place=.b s/o/x/ $S/prod/db",
    f"patch -r $S/prod/rej $S/dev/db < {_FAILING_HUNK}",
    f"patch --reject-file=$S/prod/rej $S/dev/db < {_FAILING_HUNK}",
    f"patch -b -B $S/prod/ a1 < {_APPLYING_HUNK}",
    f"patch -b -z .keep $S/prod/db < {_APPLYING_HUNK}",
    f"patch -o $S/prod/out $S/dev/db < {_APPLYING_HUNK}",
    "rsync -a --remove-source-files $S/prod/ $S/dev/",
    "rsync -a --log-file=$S/prod/log $S/dev/ $S/prod/",
    "rsync -a --delete $S/dev/ $S/prod/",
    "tee $S/prod/db < a1",
    "tee -a $S/prod/db < a1",
    "dd if=a1 of=$S/prod/db status=none",
    "truncate -s0 $S/prod/db",
    "mv $S/prod/db $S/dev/moved",
    "tar -cf - -C $S dev | tar -xf - -C $S/prod",
    # Absolute member names are written where they point: anywhere.
    'tar -cPf x.tar "$S/dev/db" && tar -xPf x.tar --transform s,/dev/,/prod/,',
    'tar -cPf x.tar "$S/dev/db" && tar --absolute-names -xf x.tar --xform s,/dev/,/prod/,',
    "echo x > ${S}//prod//db",
    "echo x | sort -o $S/prod/db",
    "find $S/prod -name db -delete",
    # curl writes each URL a glob makes, under the name #N gives it.
    "curl -s -o $S/prod/'#1' 'file:///dev/{null}'",
    'curl -s -o "$S/prod/#1_#2" "file://$S/{dev,prod}/[d-d]b"',
    'curl -s --output-dir "$S/prod" -O "file://$S/dev/{db}"',
    "curl -s -D $S/prod/db file:///dev/null > /dev/null",
    "curl -s --trace-ascii $S/prod/db file:///dev/null > /dev/null",
    "curl -s -c $S/prod/db file:///dev/null > /dev/null",
]


def _scratch(root: Path) -> dict[str, str]:
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("work/sub", "home", "srv/prod", "srv/dev"):
        (root / folder).mkdir(parents=True)
    texts = {"work/a1": "orig\n", "work/sub/s1": "orig\n"}
    texts |= {"srv/prod/db": "orig\nprod\n", "srv/dev/db": "orig\ndev\n"}
    for name, text in texts.items():
        (root / name).write_text(text)
    return {"PATH": "/usr/bin:/bin", "HOME": str(root / "home"), "S": str(root / "srv")}


def _fresh_backup(path: str, before: dict[str, bytes]) -> bool:
    return path not in before and path.endswith((".orig", ".~1~"))


@pytest.mark.parametrize("line", CASES)
def test_every_file_a_line_writes_is_named_or_the_line_is_unknown(
    tmp_path: Path, line: str
) -> None:
    env = _scratch(tmp_path)
    before = files_under(tmp_path)
    run_bash(line, cwd=tmp_path / "work", env=env)
    after = files_under(tmp_path)
    changed = [p for p in changed_files(before, after) if not _fresh_backup(p, before)]
    assert changed, f"the case writes nothing: {line}"
    _scratch(tmp_path)  # judged on the tree as it was before the line ran
    variables = {"HOME": env["HOME"], "S": env["S"]}
    action = understood_on_disk(line, cwd=tmp_path / "work", variables=variables)
    assert_changes_named(action, changed, line)
