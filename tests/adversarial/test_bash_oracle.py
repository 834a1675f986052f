"""bash itself says which paths a line deletes; keyturn must name each of them, or hold the line
as unknown.

Each case runs in real bash (``bash --norc --noprofile -c``) in a scratch tree, with ``rm``
on ``PATH`` a script that only writes down its working directory and its arguments. Every
operand it received is then looked for among the names of keyturn's delete effects for the same
line, matched as the policy matches names (``*`` spans folders, a bracket set is one
character). A path bash deletes that keyturn neither names nor calls unknown is a misreading
an agent can use to delete a protected path: that is what this suite found in ``${x//a/b}``
(its ``//`` normalised away as if it were a path's, so the word passed for a known path),
brace expansion beside a quoted or expanded part (``"$S"/{prod,dev}``), the trailing newline
field splitting drops (``prod$'\\n'``), a NUL that ends a ``$'…'`` string, ``IFS`` splitting
(``IFS=,``), the output of ``$( … >&2)`` taken as captured, POSIX classes in bracket sets
(``[[:alpha:]]``), ``globstar``, ``nocaseglob``, and a ``..`` after a symbolic link (the kernel
climbs from where the link leads).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.adversarial._oracle import named, names_of, understood_on_disk, unknown

from keyturn.model import EffectKind

# Each line deletes something under $S (the scratch tree's srv/, holding prod/ and dev/).
CASES = [
    "rm -rf $S/prod",
    "x=$S; rm -rf $x/prod",
    "x=$S/prod; rm -rf ${x%/*}",
    "x=$S/dev; rm -rf ${x/dev/prod}",
    "x=$S/dev; rm -rf ${x//dev/prod}",
    "rm -rf $S/${x//a/b}prod",
    "x=$S/dev; rm -rf ${x%dev}prod",
    "x=$S/PROD; rm -rf ${x,,}",
    "x=prod; rm -rf $S/${x:0:4}",
    "x=prod; y=x; rm -rf $S/${!y}",
    "a=(dev prod); rm -rf $S/${a[1]}",
    "a=(dev prod); rm -rf $S/${a[@]}",
    "set -- dev prod; shift; rm -rf $S/$1",
    "rm -rf $S/$(echo prod)",
    "rm -rf $S/`printf %s prod`",
    'rm -rf "$S"/{prod,dev}',
    "rm -rf $S/p{r,}od",
    "rm -rf {$S,$S/dev}/prod",
    'rm -rf {"$S",/nowhere}/prod',
    "rm -rf $S/$'\\x70rod'",
    "rm -rf $S/prod$'\\0'",
    "rm -rf $S/pr\\od",
    "rm -rf $S/'pr'\"od\"",
    'IFS=/; x="$S/prod"; rm -rf $x',
    'IFS=,; x="$S/prod,$S/dev"; rm -rf $x',
    "cd $S; IFS=,; x=prod,dev; rm -rf $x",
    'x="$S/prod $S/dev"; rm -rf $x',
    "x=$'\\n'; rm -rf $S/prod$x",
    'x=" x"; rm -rf $S/prod$x',
    "cd $S && rm -rf prod",
    "cd $S/prod/..; rm -rf prod",
    "(cd $S; rm -rf prod)",
    "pushd $S >/dev/null; rm -rf prod",
    'f() { rm -rf "$S/$1"; }; f prod',
    "f() { cd $S; }; f; rm -rf prod",
    "for d in dev prod; do rm -rf $S/$d; done",
    "for d in $S/*; do rm -rf $d; done",
    "rm -rf $S/p*",
    "rm -rf $S/[p]rod",
    "rm -rf $S/[[:alpha:]]rod",
    "rm -rf $S/[^d]*",
    "shopt -s globstar; rm -rf $S/**/prod",
    "shopt -s nocaseglob; rm -rf $S/PROD*",
    "shopt -s extglob\nrm -rf $S/!(dev)",  # a line of its own: bash reads a line whole first
    "x=prod; rm -rf $S/${x:-dev}",
    "unset x; rm -rf $S/${x:-prod}",
    "declare -n r=x; x=prod; rm -rf $S/$r",
    "printf -v x prod; rm -rf $S/$x",
    "read x <<< prod; rm -rf $S/$x",
    "echo $S/prod | xargs rm -rf",
    "printf '%s\\n' prod | xargs -iX rm -rf $S/X",  # -i's string written against it
    "printf '%s\\n' prod | xargs -n 1 -riX rm -rf $S/X",
    "printf '%s\\n' prod | xargs --replace=@ rm -rf $S/@",
    "echo $S/prod > list; xargs -a list rm -rf",
    'echo "$S/dev,$S/prod" | xargs -d, rm -rf',
    "find $S -maxdepth 1 -name prod -exec rm -rf {} +",
    'eval "rm -rf $S/prod"',
    "bash -c 'rm -rf $S/prod'",
    "sh -c 'rm -rf \"$1\"' _ $S/prod",
    "x='rm -rf'; $x $S/prod",
    "HOME=$S; rm -rf ~/prod",
    "rm -rf ~/../srv/prod",
    "cd; rm -rf ../srv/prod",
    "rm -rf $S/$(echo prod >&2)",
    "rm -rf $S/$(echo prod >/dev/null)",
    "rm -rf $S/$(echo prod | cat >&2)",
    "rm -rf $S/$(echo prod 2>/dev/null)",
    "rm -rf $S/$(printf 'pr\\0od')",
    'x=$(printf %s "$S" /prod); rm -rf "$x"',
    'x=$(basename $S/prod); rm -rf "$S/$x"',
    "x=dev; f() { x=prod; }; f; rm -rf $S/$x",
    "x=dev; true && x=prod; rm -rf $S/$x",
    "x=dev; x=prod eval 'rm -rf $S/$x'",
    "cd $S; cd /; cd -; rm -rf prod",
    'cd $S; rm -rf "$PWD/prod"',
    'cd $S/prod; rm -rf "$(pwd)"',
    "rm -rf ${HOME%/*}/srv/prod",
    ": $S/prod; rm -rf $_",
    "x=$S/prod; rm -rf ${x@Q}",
    "rm -rf -- $S/prod",
    "command rm -rf $S/prod",
    "exec rm -rf $S/prod",
    "! rm -rf $S/prod",
    "false || rm -rf $S/prod",
    "x=$S/prod bash -c 'rm -rf $x'",
    # A cd that may not run, or may fail, leaves the line where it was as well.
    "cd $S/prod || cd $S/dev; rm -rf .",
    "cd $S; cd prod || cd dev; rm -rf .",
    "cd $S; if cd prod; then :; else cd dev; fi; rm -rf .",
    "cd $S; if false; then cd dev; else cd prod; fi; rm -rf .",
    "cd $S; case x in y) cd dev;; *) cd prod;; esac; rm -rf .",
    "cd $S; false && cd dev; rm -rf prod",
    "cd $S; true || cd dev; rm -rf prod",
    "cd $S; while false; do cd dev; done; rm -rf prod",
    "cd $S; cd nowhere; rm -rf prod",  # not there: cd fails, rm runs where the line was
    "cd $S/prod && rm -rf ../prod",
    # ``~`` in an assignment is the home directory.
    "x=~/../srv/prod; rm -rf $x",
    "x=~; rm -rf $x/../srv/prod",
    "x=$S/xdev; rm -rf ${x: -4}",
    "x=$S/dev; rm -rf ${x/%dev/prod}",
    'a=(prod dev); IFS=/; rm -rf "$S/${a[*]}"',
    'set -- prod dev; IFS=/; rm -rf "$S/$*"',
    'f() { shift; rm -rf "$@"; }; f x $S/prod',
    "cd $S/prod; cd /tmp; rm -rf ~-",
    "cd $S/prod; x=$PWD; cd /tmp; rm -rf $x",
    "cd $S; CDPATH=$S cd prod; rm -rf .",
    # A cd in a subshell, a pipeline, the background, $( ) or an uncalled function does not
    # move what follows.
    "cd $S; (cd dev); rm -rf prod",
    "cd $S; cd dev | true; rm -rf prod",
    "cd $S; true | cd dev; rm -rf prod",
    "cd $S; cd dev & wait; rm -rf prod",
    "cd $S; x=$(cd dev); rm -rf prod",
    "cd $S; { cd dev; } | cat; rm -rf prod",
    "cd $S; f() (cd dev); f; rm -rf prod",
    "cd $S; f() { cd dev; }; rm -rf prod",
    "cd $S; f() { cd prod; }; f; rm -rf .",
    # unset leaves the word without the value; $@ inside a word is one word with it.
    "x=prod; unset x; rm -rf $S/$x",
    "x=prod; unset -v x; rm -rf $S/$x",
    "x=prod; f() { unset x; }; f; rm -rf $S/$x",
    "rm -rf $S/$@prod",
    # A ``..`` after a link climbs from where the link leads (lnk -> $S/prod/sub).
    "rm -rf lnk/../db",
    "rm -rf lnk/..",
    "cd lnk && rm -rf ../db",
    "cd -P lnk/.. && rm -rf db",
    "rm -rf lnk/../../prod",
    "rm -rf $S/$*prod",
    "rm -rf $S/prod$-",
    "bash -c 'rm -rf \"$@\"' _ $S/prod",
    "echo 'rm -rf $S/prod' | sh",
    "find $S -maxdepth 1 -name 'p*' -execdir rm -rf {} \\;",
]


@dataclass(frozen=True)
class Tree:
    root: Path

    @property
    def work(self) -> str:
        return str(self.root / "work")

    @property
    def home(self) -> str:
        return str(self.root / "home")

    @property
    def srv(self) -> str:
        return str(self.root / "srv")

    @property
    def log(self) -> Path:
        return self.root / "rm.log"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    assert shutil.which("bash"), "the oracle needs bash"
    root = tmp_path_factory.mktemp("oracle")
    for folder in ("work/sub", "home", "bin", "srv/prod/sub", "srv/dev"):
        (root / folder).mkdir(parents=True)
    (root / "work" / "lnk").symlink_to(root / "srv" / "prod" / "sub")  # a link out of work/
    for name in ("a1", "prod.txt", "sub/s1"):
        (root / "work" / name).write_text("")
    fake = root / "bin" / "rm"
    # Writes down where it ran and what it got; deletes nothing.
    fake.write_text(
        '#!/bin/sh\n{ printf "CALL\\0%s\\0" "$PWD"; for a in "$@"; do printf "%s\\0" "$a"; done;'
        ' printf "END\\0"; } >> "$RMLOG"\n'
    )
    fake.chmod(0o755)
    return Tree(root)


def _bash_deletes(tree: Tree, line: str) -> list[str]:
    """The absolute paths the ``rm`` runs of ``line`` in bash were given."""
    tree.log.unlink(missing_ok=True)
    env = {
        "PATH": f"{tree.root}/bin:/usr/bin:/bin",
        "HOME": tree.home,
        "RMLOG": str(tree.log),
        "S": tree.srv,
    }
    subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", line],
        cwd=tree.work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
        check=False,
    )
    if not tree.log.exists():
        return []
    parts = tree.log.read_bytes().split(b"\0")
    paths, i = [], 0
    while i < len(parts) and parts[i] == b"CALL":
        cwd, i = os.fsdecode(parts[i + 1]), i + 2
        ended = False
        while parts[i] != b"END":
            arg = os.fsdecode(parts[i])
            if not ended and arg == "--":
                ended = True
            elif ended or not arg.startswith("-"):
                paths.append(_as_the_kernel_resolves(cwd, arg))
            i += 1
        i += 1
    return paths


def _as_the_kernel_resolves(cwd: str, arg: str) -> str:
    """The path rm's operand ``arg`` names from the working directory ``cwd``: every link on
    the way followed (a ``..`` climbs from where a link leads), not the last part's own."""
    full = posixpath.join(os.path.realpath(cwd), arg)
    folder, last = posixpath.split(full.rstrip("/") or "/")
    if last in ("", ".", ".."):
        return os.path.realpath(full)
    return posixpath.join(os.path.realpath(folder or "/"), last)


@pytest.mark.parametrize("line", CASES)
def test_every_path_bash_deletes_is_named_or_the_line_is_unknown(tree: Tree, line: str) -> None:
    deleted = _bash_deletes(tree, line)
    assert deleted, f"the case deletes nothing in bash: {line}"
    action = understood_on_disk(line, cwd=tree.work, variables={"HOME": tree.home, "S": tree.srv})
    if unknown(action):
        return  # held for a person: what it deletes is not claimed
    deletes = names_of(action, frozenset({EffectKind.DELETE, EffectKind.REPLACE}))
    missed = [p for p in deleted if not named(p, deletes)]
    assert not missed, (line, missed, sorted(deletes))
