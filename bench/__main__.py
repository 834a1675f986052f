"""``make bench``: run every benchmark and print its figures and ratios against its peers.

Each module exposes ``run() -> list[str]``. A module that cannot run here (a peer missing)
says so in its lines instead of failing the others.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback

MODULES = [
    "bench.policy_bench",
    "bench.plan_bench",
    "bench.shell_bench",
    "bench.audit_bench",
    "bench.hook_bench",
    "bench.server_bench",
]


def main() -> int:
    failed = 0
    only = set(sys.argv[1:])
    for name in MODULES:
        if only and name.rsplit(".", 1)[-1] not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(name)
            for line in module.run():
                print(f"  {line}", flush=True)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                print("  (not built)")
                continue
            failed += 1
            traceback.print_exc()
        except Exception:
            failed += 1
            traceback.print_exc()
        print(f"  ({time.perf_counter() - started:.1f}s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
