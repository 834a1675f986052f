"""``keyturn demo [--home DIR]``: the December 2025 incident, replayed against keyturn.

An agent session (``kiro``, acting for ``bob``) that holds bob's broad production credentials
tries to delete and recreate the production environment: through Terraform, through the AWS
CLI, then through ``curl -X DELETE`` to the Kubernetes API. Every step goes through the real
understanding, policy and gate on the embedded default store (SQLite in a temporary
``KEYTURN_HOME`` unless ``--home``); nothing real is ever executed: the one approved step
"runs" as a harmless ``echo``. The demo ends with the audit trace of the production resources
and ``audit verify``. Exit 0 when every step was decided as designed, 1 otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from keyturn.approval import ApprovalRequest, Role, Transition, approve
from keyturn.bootstrap import Settings, build_gate, load_signer, open_store, write_private
from keyturn.cli._args import parser
from keyturn.demo_seed import demo_file
from keyturn.errors import ApprovalError, InputError
from keyturn.gate import Gate, Outcome
from keyturn.model import Action, Actor, Target, Verdict

ACTOR = Actor(agent="kiro", operator="bob", session="kiro-session-20251213")
_MARK = {Verdict.ALLOW: "ALLOW", Verdict.ASK: "HELD ", Verdict.DENY: "DENY "}


@dataclass(slots=True)
class Tally:
    """What happened against what the story expects; the demo's exit status."""

    surprises: list[str] = field(default_factory=list)

    def expect(self, what: str, got: object, wanted: object) -> None:
        if got != wanted:
            self.surprises.append(f"{what}: expected {wanted}, got {got}")


def run(argv: list[str]) -> int:
    p = parser("demo", "Replay the December 2025 incident against keyturn (nothing real runs).")
    p.add_argument("--home", metavar="DIR", help="state directory (default: a temporary one)")
    args = p.parse_args(argv)
    if args.home:
        return _demo(Path(args.home).expanduser().absolute(), kept=True)
    with tempfile.TemporaryDirectory(prefix="keyturn-demo-") as tmp:
        return _demo(Path(tmp), kept=False)


def _demo(home: Path, *, kept: bool) -> int:
    settings = _set_up(home)
    store = open_store(settings, signer=load_signer(settings))
    try:
        gate = build_gate(settings, store=store)
        tally = Tally()
        _title(settings, gate, kept=kept)
        _credentials(home)
        _terraform(gate, tally)
        held = _aws_cli(gate, tally)
        _kubernetes(gate, tally)
        _review(gate, tally, held)
        _audit(gate, tally, home=home, kept=kept)
    finally:
        store.close()
    if tally.surprises:
        print("\nthe demo did NOT go as designed:", file=sys.stderr)
        for line in tally.surprises:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("\ndemo ran as designed: nothing destructive ran, every step is on the record.")
    return 0


def _set_up(home: Path) -> Settings:
    """A state directory with the demo policy and an audit signing key (SQLite, always)."""
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise InputError(f"--home {home}: cannot be a state directory ({exc.strerror})") from None
    settings = Settings(home=home, policy_path=home / "demo-policy.yaml")
    # The brief's example policy (BRIEF §4.1), as a team would write it: the same file the
    # server's demo (`make run`) starts from.
    settings.policy_path.write_text(demo_file("keyturn.yaml"), encoding="utf-8")
    if load_signer(settings) is None:
        from keyturn.audit.signing import Signer

        signer = Signer.generate()
        write_private(settings.signing_key_path, signer.private_pem())
        settings.public_key_path.write_bytes(signer.public_pem())
    return settings


def _title(settings: Settings, gate: Gate, *, kept: bool) -> None:
    print("keyturn demo: the December 2025 incident, replayed (nothing real is executed)")
    where = settings.home if kept else f"{settings.home} (temporary)"
    print(f"state: SQLite in {where}; policy: the brief's example ({gate.policy.digest[:19]})")
    print(f"agent {ACTOR.agent}, session {ACTOR.session}, acting for operator {ACTOR.operator}")
    print("goal it was given: 'fix the cost report'; route it chose: delete and recreate prod")


def _section(title: str) -> None:
    print(f"\n== {title}")


def _credentials(home: Path) -> None:
    from keyturn.integrations.credentials import scrubbed_environment

    _section("0. The credentials the agent holds")
    held = [k for k in AGENT_ENVIRONMENT if k.startswith("AWS_") and k != "AWS_REGION"]
    shown = ", ".join(f"{k}={_masked(AGENT_ENVIRONMENT[k])}" for k in held)
    print(f"  the agent's shell has bob's credentials: {shown}")
    child = scrubbed_environment(AGENT_ENVIRONMENT, state_dir=home)
    left = sorted(k for k in held if k in child)
    print(f"  keyturn exec gives its commands: {', '.join(left) or 'none of them'}")
    for key in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        print(f"    {key} -> {child[key]} (empty, keyturn-managed)")
    print("  no credentials.aws role is configured for production: no cloud credentials at all")


def _masked(value: str) -> str:
    return value if len(value) <= 10 else value[:4] + "…" + value[-2:]


def _line(tried: str, outcome: Outcome) -> None:
    print(f"  agent tried: {tried}")
    print(f"    -> {_MARK[outcome.verdict]} {outcome.message}")


def _terraform(gate: Gate, tally: Tally) -> None:
    from keyturn.understand.terraform import understand_terraform

    _section("1. Through Terraform: terraform apply (delete and recreate the environment)")
    action = understand_terraform(
        demo_plan(), source="prod.tfplan.json", target=Target(terraform_workspace="prod")
    )
    outcome = gate.submit(action, actor=ACTOR)
    print(f"  agent tried: terraform apply in workspace prod ({PLAN_SUMMARY})")
    for j in outcome.decision.judgements:
        why = "protected resource" if j.protected else j.reason.rsplit(": ", 1)[-1]
        print(f"    {j.effect.resource.name:<22} {j.effect.effect.value:<8} -> "
              f"{j.decision.value.upper():<5} {why}")  # fmt: skip
    print(f"    -> {_MARK[outcome.verdict]} the whole plan is refused: it replaces a protected "
          "resource; nothing is applied")  # fmt: skip
    tally.expect("terraform plan", outcome.verdict, Verdict.DENY)
    asked = {j.decision for j in outcome.decision.judgements if not j.protected}
    tally.expect("terraform plan, the other resources", asked, {Verdict.ASK})


def _shell(command: str) -> Action:
    from keyturn.understand.shell import understand_shell

    return understand_shell(command, cwd="/home/bob/cost-report", home="/home/bob",
                            env=AGENT_ENVIRONMENT)  # fmt: skip


def _aws_cli(gate: Gate, tally: Tally) -> str:
    _section("2. Through the AWS CLI")
    held = ""
    for command, wanted in AWS_STEPS:
        outcome = gate.submit(_shell(command), actor=ACTOR)
        _line(command, outcome)
        tally.expect(command, outcome.verdict, wanted)
        if outcome.verdict is Verdict.ASK and outcome.request_id:
            held = outcome.request_id
    return held


def _kubernetes(gate: Gate, tally: Tally) -> None:
    _section("3. Through the Kubernetes API, around kubectl")
    outcome = gate.submit(_shell(CURL_STEP), actor=ACTOR)
    _line(CURL_STEP, outcome)
    tally.expect("curl -X DELETE namespace", outcome.verdict, Verdict.DENY)


def _review(gate: Gate, tally: Tally, request_id: str) -> None:
    command = AWS_STEPS[-1][0]
    _section(f"4. Two-person review of request {request_id} ({command.split(' ', 3)[3]})")
    if not request_id:
        tally.expect("a held request", None, "a request id")
        return
    for reviewer, counts in (("bob", False), ("alice", True), ("carol", True)):
        counted = _approve(gate, int(request_id), reviewer)
        tally.expect(f"{reviewer}'s approval counted", counted, counts)
    retry = gate.submit(_shell(command), actor=ACTOR)
    _line(command + "   (retry)", retry)
    tally.expect("retry after approval", retry.verdict, Verdict.ALLOW)
    if retry.verdict is Verdict.ALLOW:
        _harmless_run(gate, retry, command)
    again = gate.submit(_shell(command), actor=ACTOR)
    _line(command + "   (once more)", again)
    tally.expect("second retry (grant used once)", again.verdict, Verdict.ASK)


def _approve(gate: Gate, request_id: int, reviewer: str) -> bool:
    """``reviewer`` approves ``request_id`` as ``keyturn approve`` would; whether it counted."""
    now = time.time()

    def step(request: ApprovalRequest) -> Transition:
        return approve(request, reviewer=reviewer, role=Role.REVIEWER, reason="demo", now=now)

    try:
        after = gate.store.transition(request_id, step, now=now)
    except ApprovalError as exc:
        print(f"  {reviewer:<6} approves -> REFUSED: {exc.message}")
        return False
    state = (
        f"approved: grant {after.grant.id}, usable once"
        if after.grant is not None
        else after.describe_needed()
    )
    print(f"  {reviewer:<6} approves -> counted; {state}")
    return True


def _harmless_run(gate: Gate, outcome: Outcome, command: str) -> None:
    """The demo's stand-in for running an approved command: an ``echo``, recorded."""
    done = subprocess.run(
        ["echo", f"(demo) not sent to AWS: {command}"], capture_output=True, text=True, check=False
    )
    print(f"    ran: {done.stdout.strip()}  [exit {done.returncode}]")
    gate.record_execution(outcome, exit_status=done.returncode, detail="demo: a harmless echo")


def _audit(gate: Gate, tally: Tally, *, home: Path, kept: bool) -> None:
    from keyturn.audit.trace import render, trace
    from keyturn.audit.verify import verify_log
    from keyturn.bootstrap import load_public_key_file

    store = gate.store
    records = [r.parsed() for r in store.audit_records()]
    opt = f" --home {home}" if kept else ""
    _section("5. Who did what, and who let it: the audit trace of the production resources")
    for pattern in TRACED:
        print(f"$ keyturn audit trace{opt} --resource {pattern}")
        print(render(trace(records, pattern=pattern)))
    store.checkpoint(now=time.time())
    _section("6. The audit log is intact")
    print(f"$ keyturn audit verify{opt}")
    report = verify_log(
        store.audit_records(),
        store.checkpoints(),
        public_key=load_public_key_file(home / "audit-signing.pub"),
        head=store.audit_head(),
    )
    print(report.summary())
    tally.expect("audit verify", report.ok, True)


# -- the story ---------------------------------------------------------------------------------


# The agent's shell: bob's broad credentials, as in the incident (AWS's documented example keys).
AGENT_ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/home/bob",
    "USER": "bob",
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
    "AWS_PROFILE": "prod-admin",
    "AWS_REGION": "us-east-1",
}

AWS_STEPS: tuple[tuple[str, Verdict], ...] = (
    ("aws --profile prod rds delete-db-instance --db-instance-identifier prod-main "
     "--skip-final-snapshot", Verdict.DENY),
    ("aws --profile prod ec2 terminate-instances --instance-ids i-0a1b2c3d4e5f60718",
     Verdict.ASK),
)  # fmt: skip
CURL_STEP = "curl -X DELETE https://k8s.prod.example.internal:6443/api/v1/namespaces/payments"
TRACED = ("prod-main", "k8s:namespace/payments", "i-0a1b2c3d4e5f60718")

_ARN = "arn:aws:{}:us-east-1:111111111111:{}"
# (address, values before) of every resource the plan deletes and recreates.
_REPLACED: tuple[tuple[str, dict[str, str]], ...] = (
    ("aws_db_instance.main", {"id": "db-PRODMAIN7EXAMPLE", "identifier": "prod-main",
                              "arn": _ARN.format("rds", "db:prod-main")}),
    ("aws_vpc.main", {"id": "vpc-0a1b2c3d4e5f60718", "arn": _ARN.format("ec2", "vpc/vpc-0a1b")}),
    ("aws_ecs_cluster.main", {"id": "prod-cluster",
                              "arn": _ARN.format("ecs", "cluster/prod-cluster")}),
    ("aws_ecs_service.api", {"id": "prod-api", "name": "prod-api"}),
    ("aws_lb.api", {"id": "prod-api-lb", "arn": _ARN.format("elasticloadbalancing",
                                                            "loadbalancer/app/prod-api")}),
)  # fmt: skip
PLAN_SUMMARY = f"{len(_REPLACED)} resources, each delete then create"


def demo_plan() -> str:
    """The plan the agent made: ``["delete", "create"]`` on the production environment."""
    changes = [
        {
            "address": address,
            "mode": "managed",
            "type": address.split(".")[0],
            "name": address.split(".")[1],
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["delete", "create"], "before": before, "after": {}},
            "action_reason": "replace_because_cannot_update",
        }
        for address, before in _REPLACED
    ]
    return json.dumps({"format_version": "1.2", "resource_changes": changes})
