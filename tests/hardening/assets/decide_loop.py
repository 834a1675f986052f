"""A load of gate decisions printing each acknowledged one: ``ACK <digest>`` (killed by tests).

Usage: decide_loop.py POLICY_FILE (sqlite PATH | postgres URL SCHEMA)
"""

from __future__ import annotations

import sys
import time

from keyturn.gate import Gate
from keyturn.model import Actor
from keyturn.policy import load_policy_file
from keyturn.store.postgres import PostgresStore
from keyturn.store.sqlite import SqliteStore
from keyturn.understand.shell import understand_shell


def main() -> None:
    policy = load_policy_file(sys.argv[1])
    kind = sys.argv[2]
    store = (
        SqliteStore(sys.argv[3])
        if kind == "sqlite"
        else PostgresStore(sys.argv[3], schema=sys.argv[4])
    )
    store.migrate()
    gate = Gate(policy=policy, store=store, clock=time.time, sleep=time.sleep)
    actor = Actor(agent="loop", operator="olivia")
    for n in range(100_000):
        action = understand_shell(f"kubectl --context dev-1 delete pod p{n}")
        outcome = gate.submit(action, actor=actor)
        print(f"ACK {outcome.verdict.value} {action.digest}", flush=True)


if __name__ == "__main__":
    main()
