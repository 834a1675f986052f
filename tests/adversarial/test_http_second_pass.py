"""HTTP requests that a JSON ``query`` key, a GraphQL tokenizer corner, a repeated key, GitHub's
GraphQL endpoint or a SaaS ``/api/vN/`` path made look harmless, judged under the BRIEF policy
for agent ``kiro`` in production (the environment is not told by the command), with a Terraform
workspace and an Airflow DAG protected by URL besides."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Decision, EffectKind
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
RAILWAY = "https://backboard.railway.app/graphql/v2"
SUPABASE = "https://api.supabase.com/v1/projects/abcd/database/query"
NEON = "https://ep-cool-1.us-east-2.aws.neon.tech/sql"
VOLUME_DELETE = 'mutation{volumeDelete(volumeId:\\"v1\\")}'
_EXTRA_PROTECTED = ("*workspaces/prod*", "*/dags/prod*")


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    approvals: int = 0


CASES = [
    # 1. A "query" key in the body of a request to no GraphQL endpoint: the method decides.
    Case(
        "delete-generic",
        'curl -X DELETE https://api.example.com/v1/items -d \'{"query":"x"}\'',
        ASK,
        2,
    ),
    Case(
        "delete-elastic",
        "curl -X DELETE 'http://localhost:9200/_all' -d '{\"query\":\"\"}'",
        ASK,
        2,
    ),
    Case(
        "delete-vault",
        "curl -X DELETE https://vault.prod.internal:8200/v1/sys/mounts/secret "
        "-H 'X-Vault-Token: x' -d '{\"query\":\"\"}'",
        ASK,
        2,
    ),
    Case(
        "put-consul",
        'curl -X PUT http://consul.prod:8500/v1/kv/config/app -d \'{"query":""}\'',
        ASK,
        1,
    ),
    Case("httpie-delete", "http DELETE https://api.example.com/v1/items/7 query=x", ASK, 2),
    Case("xh-delete", "xh DELETE https://api.example.com/v1/items/7 query=x", ASK, 2),
    Case(
        "delete-graphql-path",
        'curl -X DELETE https://api.example.com/graphql -d \'{"query":"{a}"}\'',
        ASK,
        2,
    ),
    # ... SQL over HTTP is judged as the SQL it runs.
    Case(
        "supabase-drop",
        f'curl -X POST {SUPABASE} -d \'{{"query":"DROP TABLE public.users CASCADE"}}\'',
        ASK,
        2,
    ),
    Case("neon-delete", f'curl {NEON} -d \'{{"query":"DELETE FROM orders","params":[]}}\'', ASK, 2),
    # ... and a body to a GraphQL endpoint that holds no GraphQL operation is not a read.
    Case(
        "graphql-not-a-document",
        'curl https://api.example.com/graphql -d \'{"query":"DROP TABLE x"}\'',
        DENY,
    ),
    # 2. GraphQL's LineTerminator is LF, CR or CRLF; a block string may hold \""".
    Case(
        "comment-ended-by-cr", f'curl {RAILWAY} -d \'{{"query":"# hi\\r{VOLUME_DELETE}"}}\'', ASK, 2
    ),
    Case(
        "block-string-escaped-quote",
        f'curl {RAILWAY} -d \'{{"query":"{{a(x:\\"\\"\\"\\\\\\\\\\"\\"\\" \\"\\"\\")}} '
        f'{VOLUME_DELETE} #\\"\\"\\""}}\'',
        ASK,
        2,
    ),
    # 3. Every "query" a server may take: another case, a repeat, a repeated URL parameter.
    Case(
        "case-folded-key",
        f'curl {RAILWAY} -d \'{{"query":"{{a}}","Query":"{VOLUME_DELETE}"}}\'',
        ASK,
        2,
    ),
    Case(
        "upper-case-key",
        f'curl {RAILWAY} -d \'{{"query":"{{a}}","QUERY":"{VOLUME_DELETE}"}}\'',
        ASK,
        2,
    ),
    Case(
        "repeated-key",
        f'curl {RAILWAY} -d \'{{"query":"{VOLUME_DELETE}","query":"{{a}}"}}\'',
        ASK,
        2,
    ),
    Case(
        "repeated-url-parameter",
        f"curl -g '{RAILWAY}?query=mutation{{volumeDelete(volumeId:\"v1\")}}&query={{a}}'",
        ASK,
        2,
    ),
    # 5. A SaaS API's /api/vN/ path keeps its URL name: protected patterns on it hold.
    Case(
        "terraform-workspace",
        "curl -X DELETE https://app.terraform.io/api/v2/organizations/acme/workspaces/prod",
        DENY,
    ),
    Case("airflow-dag", "curl -X DELETE https://airflow.example.com/api/v1/dags/prod_etl", DENY),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    header = next(line for line in BRIEF_POLICY.splitlines(True) if line.startswith("protected:"))
    extra = "".join(f'  - "{name}"\n' for name in _EXTRA_PROTECTED)
    return load_policy(BRIEF_POLICY.replace(header, header + extra))


def _judged(policy: Policy, command: str) -> Decision:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({}))
    return policy.judge(action, actor=ACTOR)


def _effects(command: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({}))
    return [(e.effect, e.resource.names) for e in action.effects]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_http_second_pass(case: Case, policy: Policy) -> None:
    decision = _judged(policy, case.command)
    got = (decision.decision.value, decision.approvals_required if case.expected == ASK else 0)
    effects = [(e.effect.value, e.resource.names) for e in decision.action.effects]
    assert got == (case.expected, case.approvals), (case.id, effects, list(decision.reasons))


def test_a_delete_with_a_query_body_keeps_its_url_name() -> None:
    assert _effects('curl -X DELETE https://api.example.com/v1/items -d \'{"query":"x"}\'') == [
        (EffectKind.DELETE, ("https://api.example.com/v1/items",))
    ]


def test_sql_over_http_is_named_as_the_database_it_changes() -> None:
    found = _effects(f'curl -X POST {SUPABASE} -d \'{{"query":"DROP TABLE public.users"}}\'')
    assert found == [
        (
            EffectKind.DELETE,
            ("db:postgres/postgres/users", "db:postgres/postgres/users@db.abcd.supabase.co"),
        )
    ]


def test_github_graphql_mutations_are_judged_by_what_they_do() -> None:
    body = '{"query":"mutation{deleteRef(input:{refId:\\"REF_1\\"}){clientMutationId}}"}'
    found = _effects(f"curl https://api.github.com/graphql -d '{body}'")
    assert (
        EffectKind.DELETE,
        ("graphql:api.github.com/deleteRef", "graphql:api.github.com/deleteRef/REF_1"),
    ) in found
    # The REST reading of the endpoint stays beside it: never looser than before.
    assert (EffectKind.UPDATE, ("github:api/graphql",)) in found


def test_github_graphql_delete_asks_for_two_approvals(policy: Policy) -> None:
    rule = 'deleteBranchProtectionRule(input:{branchProtectionRuleId:\\"B\\"}){clientMutationId}'
    body = f'{{"query":"mutation{{{rule}}}"}}'
    decision = _judged(policy, f"curl https://api.github.com/graphql -d '{body}'")
    assert (decision.decision.value, decision.approvals_required) == (ASK, 2)


def test_an_ambiguous_api_path_is_named_both_ways() -> None:
    found = _effects("curl -X DELETE https://airflow.example.com/api/v1/dags/prod_etl")
    assert found == [
        (EffectKind.DELETE, ("k8s:*/dag/prod_etl",)),
        (EffectKind.DELETE, ("https://airflow.example.com/api/v1/dags/prod_etl",)),
    ]
    # Kubernetes' own shapes on a host that may be an API server stay Kubernetes only.
    assert _effects("curl -X DELETE https://k8s.example:6443/api/v1/namespaces/prod") == [
        (EffectKind.DELETE, ("k8s:namespace/prod", "k8s:prod/*"))
    ]
