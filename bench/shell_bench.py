"""Shell commands of each class, understood and judged, against tree-sitter's bare parse.

For every command, keyturn's figure is ``understand_shell`` + ``Policy.judge`` (BRIEF policy);
the peer is ``Parser.parse`` of the same bytes by tree-sitter-bash alone, in the same run.
Target: keyturn's p50 at most 2x the bare parse's p50, class by class.
"""

from __future__ import annotations

from bench._stats import percentile

COMMANDS: dict[str, list[str]] = {
    "files": ["rm -rf ./build", "mv a.txt b.txt", "cp -r src dst", "find . -name '*.o' -delete"],
    "git": [
        "git push --force origin main",
        "git reset --hard HEAD~1",
        "git status",
        "git clean -fdx",
    ],
    "aws": [
        "aws rds delete-db-instance --db-instance-identifier prod-db",
        "AWS_PROFILE=prod aws s3 rm s3://bucket/key --recursive",
        "aws ec2 describe-instances --region eu-west-1",
    ],
    "kubectl": ["kubectl delete ns payments --context prod-eu", "kubectl get pods -n web"],
    "terraform": ["terraform destroy -auto-approve", "terraform apply -replace=aws_instance.web"],
    "sql": ["psql -d app -c 'DROP TABLE users'", "mysql -e 'SELECT 1' app"],
    "http": ["curl -X DELETE https://k8s.internal/api/v1/namespaces/prod"],
    "wrapped": ["sudo -u root bash -c 'rm -rf /var/lib/app'", "env X=1 timeout 5 nice rm -fr x"],
}
REPEAT = 200


def run() -> list[str]:
    import time

    import tree_sitter_bash
    from tests.conftest import BRIEF_POLICY
    from tree_sitter import Language, Parser

    from keyturn.model import Actor, Target
    from keyturn.policy import load_policy
    from keyturn.understand.shell import understand_shell

    parser = Parser(Language(tree_sitter_bash.language()))
    policy = load_policy(BRIEF_POLICY, source="brief.yaml")
    actor = Actor(agent="kiro", operator="bob")
    target = Target(environment="production")

    def keyturn(command: str) -> None:
        action = understand_shell(command, cwd="/srv/app", home="/root", env={}, target=target)
        policy.judge(action, actor=actor)

    def bare(command: str) -> None:
        parser.parse(command.encode())

    for commands in COMMANDS.values():  # warm-up: imports, botocore models, caches
        for command in commands:
            keyturn(command)
    lines = []
    worst = 0.0
    clock = time.perf_counter_ns
    for label, commands in COMMANDS.items():
        samples: dict[str, list[float]] = {"keyturn": [], "tree-sitter": []}
        for _ in range(REPEAT):
            for command in commands:
                for name, fn in (("keyturn", keyturn), ("tree-sitter", bare)):
                    start = clock()
                    fn(command)
                    samples[name].append(float(clock() - start))
        k50 = percentile(samples["keyturn"], 50) / 1000
        t50 = percentile(samples["tree-sitter"], 50) / 1000
        worst = max(worst, k50 / t50)
        lines.append(
            f"{label:9s} keyturn p50 {k50:8.1f} us, tree-sitter parse p50 {t50:6.1f} us, "
            f"ratio {k50 / t50:.1f}x"
        )
    lines.append(f"worst class ratio {worst:.1f}x (target <= 2x)")
    return lines
