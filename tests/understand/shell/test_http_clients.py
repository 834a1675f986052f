"""HTTP clients: surface switches to the Kubernetes and AWS APIs, GraphQL, plain URLs."""

from __future__ import annotations

import json

import pytest

from keyturn.model import EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

D, R, C, U, UNK = (
    EffectKind.DELETE,
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.UNKNOWN,
)


def effects(
    command: str, files: dict[str, str] | None = None
) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd="/app", files=MemoryFiles(files or {}))
    return [(e.effect, e.resource.names) for e in action.effects]


@pytest.mark.parametrize(
    ("curl", "kubectl"),
    [
        (
            "curl -X DELETE https://k8s.internal:6443/api/v1/namespaces/prod",
            "kubectl delete ns prod",
        ),
        (
            "curl -XDELETE https://10.0.0.1/apis/apps/v1/namespaces/web/deployments/api",
            "kubectl delete deployment api -n web",
        ),
        ("curl --request DELETE https://k/api/v1/nodes/node-1", "kubectl delete node node-1"),
        (
            "curl -X DELETE https://k/api/v1/namespaces/prod/secrets/db",
            "kubectl -n prod delete secret db",
        ),
    ],
)
def test_kubernetes_api_names_equal_kubectl(curl: str, kubectl: str) -> None:
    by_curl, by_kubectl = effects(curl), effects(kubectl)
    assert by_curl[0][0] is D
    assert {n for _, names in by_curl for n in names} == {
        n for _, names in by_kubectl for n in names
    }


def test_kubernetes_collection_and_eviction() -> None:
    # A collection DELETE empties (part of) the namespace: named as it too.
    assert effects("curl -X DELETE https://k/api/v1/namespaces/prod/pods") == [
        (D, ("k8s:prod/pod/*", "k8s:namespace/prod"))
    ]
    assert effects("curl -X POST https://k/api/v1/namespaces/p/pods/w/eviction") == [
        (D, ("k8s:p/pod/w",))
    ]
    assert effects("curl https://k/api/v1/namespaces/p/pods/w/exec?command=sh")[0][0] is UNK


def test_railway_volume_delete_pocketos() -> None:
    body = json.dumps({"query": 'mutation { volumeDelete(volumeId: "vol-3f9") }'})
    command = (
        "curl -X POST https://backboard.railway.app/graphql/v2 -H 'Authorization: Bearer TOKEN123' "
        f"-H 'Content-Type: application/json' -d '{body}'"
    )
    action = understand_shell(command, cwd="/app")
    (effect,) = action.effects
    assert effect.effect is D
    assert effect.resource.names == (
        "graphql:backboard.railway.app/volumeDelete",
        "graphql:backboard.railway.app/volumeDelete/vol-3f9",
    )
    assert "TOKEN123" not in repr(effect.canonical()) + effect.detail


def test_graphql_variables_aliases_and_body_file() -> None:
    body = json.dumps(
        {
            "query": "mutation M($id: ID!) { x: projectDelete(id: $id) { id } }",
            "variables": {"id": "p1"},
        }
    )
    found = effects(
        "curl https://api.example.com/graphql --data-binary @q.json", {"/app/q.json": body}
    )
    # The body file is read (and named so: the read guard holds for what curl sends).
    assert found == [
        (D, ("graphql:api.example.com/projectDelete", "graphql:api.example.com/projectDelete/p1")),
        (R, ("file:/app/q.json",)),
    ]
    query = json.dumps({"query": "query { me { id } }"})
    assert effects(f"curl https://api.example.com/graphql -d '{query}'")[0][0] is R


def test_aws_query_api_and_s3_rest() -> None:
    found = effects(
        "curl 'https://rds.us-east-1.amazonaws.com/?Action=DeleteDBInstance&DBInstanceIdentifier=prod-db'"
    )
    assert found == [(D, ("arn:aws:rds:us-east-1:*:db:prod-db",))]
    s3 = effects("curl -X DELETE https://acme-data.s3.amazonaws.com/k/f.csv")
    assert s3[0][0] is D and "s3://acme-data/k/f.csv" in s3[0][1]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "curl -X DELETE 'https://api.prod.example.com/v1/users/7?token=abc'",
            [(D, ("https://api.prod.example.com/v1/users/7",))],
        ),
        ("curl -u admin:pw -X PUT https://x.example.com/a", [(U, ("https://x.example.com/a",))]),
        ("curl -d name=x https://x.example.com/items", [(C, ("https://x.example.com/items",))]),
        (
            "curl -X POST https://x.example.com/admin/purge-cache",
            [(D, ("https://x.example.com/admin/purge-cache",))],
        ),
        ("curl https://example.com/", [(R, ("https://example.com/",))]),
        (
            "curl -o out.bin https://example.com/f",
            [(C, ("file:/app/out.bin",)), (R, ("https://example.com/f",))],
        ),
        (
            "wget --method=DELETE -O - https://api.example.com/i/1",
            [(D, ("https://api.example.com/i/1",))],
        ),
        (
            "wget https://example.com/a.tgz",
            [(C, ("file:/app/a.tgz",)), (R, ("https://example.com/a.tgz",))],
        ),
        (
            "http DELETE api.example.com/items/1 'Authorization:Bearer x'",
            [(D, ("http://api.example.com/items/1",))],
        ),
        ("xh post api.example.com/items name=x", [(C, ("http://api.example.com/items",))]),
        ("https example.com", [(R, ("https://example.com/",))]),
    ],
)
def test_plain_urls(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert effects(command) == expected


def test_run_time_url_or_method_is_unknown() -> None:
    assert effects('curl -X DELETE "$TARGET"')[0][0] is UNK
    assert effects('curl -X "$M" https://x.example.com')[0][0] is UNK


def test_secrets_never_in_names() -> None:
    action = understand_shell(
        "curl -u me:s3cr3t -H 'Authorization: Bearer zzz' -X DELETE 'https://me:pw@x.io/a?key=k'",
        cwd="/",
    )
    text = repr([(e.resource.names, e.detail, e.command) for e in action.effects])
    assert not any(s in text for s in ("s3cr3t", "zzz", "pw@", "key=k"))


@pytest.mark.parametrize(
    "url",
    [
        "https://k8s.internal:6443/api/v1/namespaces/%70ayments",
        "https://k8s.internal:6443/api/v1/namespaces/x/../payments",
        "https://k8s.internal:6443/api/v1/namespaces/./payments",
        "https://k8s.internal:6443/api/v1//namespaces/payments/",
        "https://rancher.example.com/k8s/clusters/c-m-1/api/v1/namespaces/payments",
        "http://localhost:8001/k/api/v1/namespaces/payments",
        "http://localhost:8001/api/v1/x/api/v1/namespaces/payments",
    ],
)
def test_kubernetes_paths_are_read_as_the_server_routes_them(url: str) -> None:
    """Percent-decoded, dot segments removed, the API found behind any prefix."""
    found = effects(f"curl -X DELETE {url}")
    assert (D, ("k8s:namespace/payments", "k8s:payments/*")) in found


def test_an_api_server_by_address_takes_no_hint_of_the_shell() -> None:
    """curl reads neither the kube context nor AWS_PROFILE: the environment is not told."""
    for command in (
        "curl -X DELETE https://10.0.0.1:6443/api/v1/namespaces/orders",
        "curl --aws-sigv4 aws:amz:us-east-1:ec2 --user $K:$S "
        "'https://ec2.us-east-1.amazonaws.com/?Action=TerminateInstances&InstanceId.1=i-1'",
    ):
        action = understand_shell(
            command, cwd="/app", env={"AWS_PROFILE": "dev"}, files=MemoryFiles({})
        )
        (effect,) = action.effects
        assert effect.effect is not R
        assert effect.target.aws_profile is None
        assert effect.target.environment == "(not told by the command)"


RAILWAY = "https://backboard.railway.app/graphql/v2"
MUTATION = '{"query":"mutation { volumeDelete(volumeId: \\"v1\\") }"}'


@pytest.mark.parametrize(
    "command",
    [
        f"curl {RAILWAY} --data-binary @- < mut.json",
        f"curl {RAILWAY} -d @- < mut.json",
        f'curl {RAILWAY} -d "$(cat mut.json)"',
        f"curl {RAILWAY} -T mut.json",
        f"curl -X POST {RAILWAY} -T - < mut.json",
        f"curl -G {RAILWAY} -d @missing.json",
    ],
)
def test_a_graphql_body_not_known_here_is_unknown(command: str) -> None:
    sent = [(k, names) for k, names in effects(command) if "railway" in names[0]]
    assert sent == [(UNK, ("graphql:backboard.railway.app/*",))]


def test_a_graphql_body_uploaded_from_a_file_is_read() -> None:
    found = effects(f"curl {RAILWAY} -T mut.json", {"/app/mut.json": MUTATION})
    assert found[0][0] is D
    assert found[0][1][0] == "graphql:backboard.railway.app/volumeDelete"


@pytest.mark.parametrize(
    "document",
    [
        'mutation { ...F } fragment F on Mutation { volumeDelete(volumeId: \\"v1\\") }',
        'fragment F on Mutation { volumeDelete(volumeId: \\"v1\\") } mutation M { ...F }',
        'mutation { ... on Mutation { volumeDelete(volumeId: \\"v1\\") } }',
        'mutation { ... @include(if: true) { volumeDelete(volumeId: \\"v1\\") } }',
        "mutation { ...G } fragment G on Mutation { ...F } fragment F on Mutation { volumeDelete }",
    ],
)
def test_fragments_are_the_fields_they_hold(document: str) -> None:
    found = effects(f'curl {RAILWAY} -d \'{{"query":"{document}"}}\'')
    assert [k for k, _ in found] == [D]
    assert found[0][1][0] == "graphql:backboard.railway.app/volumeDelete"


@pytest.mark.parametrize(
    "document",
    ["mutation { ...Missing }", "mutation { ...F } fragment F on Mutation { ...F }"],
)
def test_a_fragment_that_cannot_be_resolved_is_unknown(document: str) -> None:
    assert [k for k, _ in effects(f'curl {RAILWAY} -d \'{{"query":"{document}"}}\'')] == [UNK]


@pytest.mark.parametrize(
    "command",
    [
        f"curl '{RAILWAY}?query=mutation%7BvolumeDelete(volumeId:%22v1%22)%7D'",
        # -g: without it curl takes ``{...}`` as a URL glob and sends the braces' content.
        "curl -g 'https://api.example.com/v1?query=mutation{volumeDelete(volumeId:\"v1\")}'",
        f"curl -G {RAILWAY} --data-urlencode 'query=mutation{{volumeDelete(volumeId:\"v1\")}}'",
    ],
)
def test_a_mutation_sent_by_get_is_judged_like_a_body(command: str) -> None:
    found = effects(command)
    assert [k for k, _ in found] == [D]
    assert found[0][1][0].endswith("/volumeDelete")


def test_a_query_sent_by_get_reads() -> None:
    assert [k for k, _ in effects(f"curl '{RAILWAY}?query=%7Bme%7Bid%7D%7D'")] == [R]
    assert effects("curl 'https://api.example.com/search?query=mutation+testing'") == [
        (R, ("https://api.example.com/search",))
    ]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (
            "https://rds-fips.us-east-1.amazonaws.com/?Action=DeleteDBInstance"
            "&DBInstanceIdentifier=prod-main&Version=2014-10-31",
            "arn:aws:rds:us-east-1:*:db:prod-main",
        ),
        (
            "https://iam-fips.amazonaws.com/?Action=DeleteUser&UserName=alice&Version=2010-05-08",
            "arn:aws:iam::*:user/alice",
        ),
    ],
)
def test_fips_endpoints_name_their_service(url: str, name: str) -> None:
    found = effects(f"curl --aws-sigv4 aws:amz:us-east-1:x --user $K:$S '{url}'")
    assert found == [(D, (name,))]


def test_an_aws_action_by_get_is_never_a_read() -> None:
    """A query-API call runs by GET as by POST (dual-stack hosts too): not understood is
    unknown, never a read."""
    for url in (
        "https://ec2.us-east-1.api.aws/?Action=TerminateInstances&InstanceId.1=i-1",
        "https://ec2.us-east-1.amazonaws.com/?Action=TerminateEverything",
    ):
        found = effects(f"curl '{url}'")
        assert found and all(k in (D, UNK) for k, _ in found), url
