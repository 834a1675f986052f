"""A generated 100,000-resource Terraform plan: understood and judged, against msgspec's parse.

The peer is ``msgspec.json.decode`` of the same bytes into plain Python objects, the fastest
JSON parse available here; keyturn's figure is the whole path ``keyturn check terraform`` takes
after reading the file: understand the plan and judge every effect against the BRIEF policy.
Target: at most 2x the parse alone. Peak memory (tracemalloc, in a separate untimed pass) is
reported against the file size; target at most 3x.
"""

from __future__ import annotations

import gc
import json
import random
import time
import tracemalloc
from typing import Any

RESOURCES = 100_000
ACTIONS = [
    ["create"],
    ["update"],
    ["delete"],
    ["delete", "create"],
    ["no-op"],
    ["create", "delete"],
]


def _change(n: int, rng: random.Random) -> dict[str, Any]:
    actions = rng.choice(ACTIONS)
    rtype = rng.choice(["aws_instance", "aws_db_instance", "aws_s3_bucket", "aws_iam_role"])
    name = f"r{n}"
    before = (
        None
        if actions == ["create"]
        else {
            "id": f"id-{n}",
            "tags": {"env": "prod" if n % 3 == 0 else "dev", "team": f"t{n % 50}"},
            "identifier": f"prod-db-{n}" if rtype == "aws_db_instance" else None,
            "deletion_protection": n % 7 == 0,
            "instance_type": "t3.micro",
            "ami": f"ami-{n:08x}",
        }
    )
    after = (
        None
        if actions == ["delete"]
        else {
            "tags": {"env": "prod" if n % 3 == 0 else "dev", "team": f"t{n % 50}"},
            "identifier": f"prod-db-{n}" if rtype == "aws_db_instance" else None,
            "deletion_protection": n % 7 == 0 and n % 11 != 0,
            "instance_type": "t3.small",
            "ami": f"ami-{n:08x}",
        }
    )
    return {
        "address": f"module.m{n % 100}.{rtype}.{name}",
        "module_address": f"module.m{n % 100}",
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": {"id": True} if after else {},
            "before_sensitive": {} if before else False,
            "after_sensitive": {} if after else False,
        },
    }


def generated_plan(count: int = RESOURCES, seed: int = 11) -> bytes:
    rng = random.Random(seed)
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.16.0",
        "resource_changes": [_change(n, rng) for n in range(count)],
        "applyable": True,
        "complete": True,
        "errored": False,
    }
    return json.dumps(plan).encode()


def _best_of(fn: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run() -> list[str]:
    import msgspec
    import yaml
    from tests.conftest import BRIEF_POLICY

    from keyturn.model import Actor, Target
    from keyturn.policy import load_policy
    from keyturn.understand.terraform import understand_terraform

    data = generated_plan()
    policy = load_policy(BRIEF_POLICY, source="brief.yaml")
    actor = Actor(agent="kiro", operator="bob")
    assert yaml  # the policy loader's dependency, imported before timing

    def parse_only() -> None:
        msgspec.json.decode(data)

    def keyturn_path() -> None:
        action = understand_terraform(data, source="big-plan.json", target=Target())
        policy.judge(action, actor=actor)

    parse = _best_of(parse_only)
    judged = _best_of(keyturn_path)
    action = understand_terraform(data, source="big-plan.json", target=Target())
    decision = policy.judge(action, actor=actor)

    gc.collect()
    tracemalloc.start()
    keyturn_path()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    size_mb = len(data) / 1e6
    return [
        f"plan: {RESOURCES} resources, {size_mb:.1f} MB; {len(action.effects)} effects, "
        f"decision {decision.decision.value}",
        f"msgspec.json.decode alone: {parse * 1000:.0f} ms",
        f"keyturn understand + judge: {judged * 1000:.0f} ms "
        f"= {judged / parse:.2f}x the parse (target <= 2x)",
        f"peak traced memory: {peak / 1e6:.1f} MB = {peak / len(data):.2f}x the file "
        "(target <= 3x)",
    ]
