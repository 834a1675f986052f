"""The generated program-name index must say exactly what the handler modules register."""

from __future__ import annotations

import json
import subprocess
import sys

from keyturn.understand.shell import flags, registry
from keyturn.understand.shell.commands._index import MODULES


def test_index_equals_the_real_registrations() -> None:
    # If this fails, a handler was added or moved: run `.venv/bin/python tools/shell_index.py`.
    assert registry.registrations() == MODULES


def test_no_program_is_registered_by_two_handlers() -> None:
    registry.load_all_commands()
    assert not registry._CLASHES


def test_canonical_spellings_live_with_their_handler() -> None:
    registry.load_all_commands()
    for name in flags._CANONICAL:
        assert name in MODULES, name


_FRESH = """
import json, sys
from keyturn.understand.shell import registry
from keyturn.understand.shell import understand_shell
understand_shell("ls -la /srv/app")
heavy = sorted(m for m in sys.modules if m.startswith("keyturn.understand.sql"))
lazy = {}
for name in sorted(json.loads(sys.argv[1]), reverse=True):
    handler = registry.handler_for(name)
    lazy[name] = handler.__module__ + "." + handler.__qualname__
print(json.dumps({"heavy": heavy, "lazy": lazy}))
"""


def test_lookups_in_a_fresh_process_import_only_what_they_need() -> None:
    names = sorted(MODULES)
    done = subprocess.run(
        [sys.executable, "-c", _FRESH, json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout)
    assert found["heavy"] == []  # `ls` needs no SQL understanding
    registry.load_all_commands()
    full = {n: f"{h.__module__}.{h.__qualname__}" for n, h in registry._HANDLERS.items()}
    full = {n: where for n, where in full.items() if n in MODULES}  # tests register their own
    assert found["lazy"] == full


def test_unknown_program_has_no_handler_and_imports_nothing() -> None:
    assert registry.handler_for("no-such-program-xyz") is None
    assert registry.handler_for("") is None
