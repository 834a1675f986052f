"""Destructive API calls through HTTP clients that a plain command is refused, judged under the
BRIEF policy for agent ``kiro`` in dev -- with a GitHub and a GitLab repository and a Docker volume
protected besides: curl's URL globs, ``--request-target``, ``--url-query``, ``--next`` groups and
options taken for valued ones; HTTPie's and xh's option table, ``--raw`` bodies and ``==`` query
items; a ``.curlrc``/``.wgetrc`` that changes every later call; the Docker Engine API over its
socket; GitHub's and GitLab's REST paths; a repeated AWS ``Action``, method overrides and a host
spelled with a trailing dot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
K8S = "https://k8s.example:6443"
NS = f"{K8S}/api/v1/namespaces"
RDS = "https://rds.us-east-1.amazonaws.com"
DELETE_DB = "Action=DeleteDBInstance&DBInstanceIdentifier=prod-db"
SIGV4 = "--aws-sigv4 aws:amz:us-east-1:rds"
RAILWAY = "https://backboard.railway.app/graphql/v2"
CREATE_BIND = '{"Image":"alpine","Cmd":["rm","-rf","/x"],"HostConfig":{"Binds":["/srv/prod:/x"]}}'
CREATE_PRIVILEGED = '{"Image":"alpine","HostConfig":{"Privileged":true}}'
MUTATION = '{"query":"mutation { volumeDelete(volumeId: \\"v1\\") }"}'
DOCKER = "curl --unix-socket /var/run/docker.sock"
GITHUB = "https://api.github.com/repos/acme/prod"
_EXTRA_PROTECTED = (
    *("github:acme/prod", "gitlab:acme/prod", "docker:volume/prod-data"),
    "graphql:*/volumeDelete/*",
)


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    files: Mapping[str, str] = {}


CASES = [
    # 1. curl expands URL globs: every URL it makes is judged (unless -g turns them off).
    Case("glob-set-one", f"curl -X DELETE '{NS}/pay{{ments}}'", DENY),
    Case("glob-set-unquoted", f"curl -sk -XDELETE {NS}/paym{{e}}nts", DENY),
    Case("glob-set-two", f"curl -X DELETE '{NS}/{{payments,foo}}'", DENY),
    Case("glob-range", f"curl -X DELETE '{NS}/payment[s-s]'", DENY),
    Case("glob-in-api-root", f"curl -X DELETE '{K8S}/{{api}}/v{{1}}/namespaces/payments'", DENY),
    Case(
        "glob-in-aws-query",
        f"curl '{RDS}/?Action=DeleteDBInstance&DBInstanceIdentifier={{prod-db}}'",
        DENY,
    ),
    Case("glob-too-wide-is-unknown", f"curl -X DELETE '{NS}/pay[0-999]'", ASK),
    Case("glob-unclosed-is-unknown", f"curl -X DELETE '{NS}/pay{{ments'", ASK),
    Case("globoff-keeps-braces", f"curl -g -X DELETE '{NS}/pay{{ments}}'", ALLOW),
    # 2. --request-target replaces the path and query the server routes.
    Case(
        "request-target",
        f"curl --request-target /api/v1/namespaces/payments -X DELETE {K8S}/healthz",
        DENY,
    ),
    Case("request-target-aws", f"curl --request-target '/?{DELETE_DB}' {RDS}/", DENY),
    Case("request-target-not-a-path", f"curl --request-target x -X DELETE {K8S}/healthz", ASK),
    # 3. --url-query appends to the query.
    Case(
        "url-query-aws",
        f"curl --url-query Action=DeleteDBInstance --url-query DBInstanceIdentifier=prod-db {RDS}/",
        DENY,
    ),
    Case(
        "url-query-graphql",
        f"curl --url-query 'query=mutation{{volumeDelete(volumeId:\"v1\")}}' {RAILWAY}",
        DENY,
    ),
    Case("url-query-file-unread", f"curl --url-query @q.txt {RDS}/", ASK),
    # 4. --next: each group has its own method.
    Case("next-groups", f"curl -X DELETE {NS}/payments --next -X GET https://example.com/", DENY),
    Case("next-short", f"curl https://example.com/ -: -X DELETE {NS}/payments", DENY),
    Case(
        "next-method-stays-in-group",
        f"curl -X DELETE https://example.com/x --next {NS}/payments",
        ALLOW,
    ),
    # 5. flags of curl 8 are flags; an option curl has not got here is unknown.
    Case("proxy-ca-native-flag", f"curl --proxy-ca-native -X DELETE {NS}/payments", DENY),
    Case("unknown-curl-option", "curl --frobnicate -X DELETE https://example.com/x", ASK),
    Case("preproxy-takes-a-value", f"curl --preproxy -X DELETE {NS}/payments", ALLOW),
    # 6. HTTPie and xh: their real option table; --raw is the body; == items are the query.
    Case("httpie-h-is-a-flag", f"http -h DELETE {NS}/payments", DENY),
    Case("xh-h-is-a-flag", f"xh -h DELETE {NS}/payments", DENY),
    Case("httpie-ssl", f"http --ssl tls1.2 DELETE {NS}/payments", DENY),
    Case(
        "httpie-default-scheme",
        "http --default-scheme https DELETE k8s.example:6443/api/v1/namespaces/payments",
        DENY,
    ),
    Case("httpie-print-short", f"http -p H DELETE {NS}/payments", DENY),
    Case("httpie-history-print", f"http -P H DELETE {NS}/payments", DENY),
    Case("httpie-abbreviated", f"http --ss tls1.2 DELETE {NS}/payments", DENY),
    Case("xh-bearer", f"xh --bearer tok DELETE {NS}/payments", DENY),
    Case("xh-resolve", f"xh --resolve k8s.example:10.0.0.1 DELETE {NS}/payments", DENY),
    Case("httpie-unknown-option", f"http --frob x DELETE {NS}/payments", ASK),
    Case("httpie-raw-graphql", f"http --ignore-stdin --raw '{MUTATION}' POST {RAILWAY}", DENY),
    Case("httpie-raw-aws", f"http --raw '{DELETE_DB}' {RDS}/", DENY),
    Case(
        "httpie-query-items",
        f"http {RDS}/ Action==DeleteDBInstance DBInstanceIdentifier==prod-db",
        DENY,
    ),
    Case("httpie-custom-method", f"http PURGE {NS}/payments", DENY),
    # 7. the default config files curl and wget read change every later call.
    Case(
        "curlrc-written-request",
        f"echo 'request = DELETE' > ~/.curlrc && curl -s {NS}/payments",
        DENY,
    ),
    Case(
        "curlrc-written-url",
        f"echo 'url = \"{NS}/payments\"' > ~/.curlrc && curl -X DELETE https://example.com/",
        DENY,
    ),
    Case(
        "xdg-curlrc-written", f"echo '-X DELETE' > ~/.config/curlrc && curl -s {NS}/payments", DENY
    ),
    Case(
        "curlrc-downloaded", f"curl -o ~/.curlrc https://example.com/rc && curl {NS}/payments", ASK
    ),
    Case(
        "curlrc-on-disk", f"curl -s {NS}/payments", DENY, {f"{HOME}/.curlrc": "--request DELETE\n"}
    ),
    Case(
        "curlrc-unknown-option", "curl https://example.com/", ASK, {f"{HOME}/.curlrc": "frob = 1\n"}
    ),
    Case(
        "curlrc-harmless",
        "curl https://example.com/",
        ALLOW,
        {f"{HOME}/.curlrc": "silent\nlocation\n"},
    ),
    Case(
        "curlrc-skipped-by-q", f"curl -q {NS}/payments", ALLOW, {f"{HOME}/.curlrc": "-X DELETE\n"}
    ),
    Case("curlrc-write-asks", "echo silent > ~/.curlrc", ASK),
    Case(
        "wgetrc-on-disk", f"wget -O- {NS}/payments", ASK, {f"{HOME}/.wgetrc": "method = DELETE\n"}
    ),
    Case("wgetrc-write-asks", "echo 'method = DELETE' > ~/.wgetrc", ASK),
    Case("httpie-config-write-asks", "echo '{}' > ~/.config/httpie/config.json", ASK),
    # 8. the Docker Engine API over its socket is named as the docker CLI names it.
    Case(
        "docker-api-create-bind",
        f"{DOCKER} -X POST -d '{CREATE_BIND}' 'http://localhost/containers/create?name=w'",
        ASK,
    ),
    Case(
        "docker-api-create-privileged",
        f"{DOCKER} -X POST http://localhost/v1.43/containers/create -d '{CREATE_PRIVILEGED}'",
        ASK,
    ),
    Case(
        "docker-api-exec",
        f"""{DOCKER} -X POST -d '{{"Cmd":["rm","-rf","/"]}}' http://localhost/containers/w/exec""",
        ASK,
    ),
    Case(
        "docker-api-volume-delete", f"{DOCKER} -X DELETE http://localhost/volumes/prod-data", DENY
    ),
    Case("docker-api-volume-prune", f"{DOCKER} -X POST http://localhost/volumes/prune", DENY),
    Case("docker-api-tcp", "curl -X DELETE http://127.0.0.1:2375/volumes/prod-data", DENY),
    # 9. GitHub and GitLab REST paths are the repositories gh and glab name.
    Case(
        "github-rest-delete",
        "curl -X DELETE -H 'Authorization: Bearer x' https://api.github.com/repos/acme/prod",
        DENY,
    ),
    Case("github-rest-httpie", "http DELETE https://api.github.com/repos/acme/prod", DENY),
    Case("ghe-rest-delete", "curl -X DELETE https://ghe.example.com/api/v3/repos/acme/prod", DENY),
    Case(
        "gitlab-rest-delete", "curl -X DELETE https://gitlab.com/api/v4/projects/acme%2Fprod", DENY
    ),
    Case("gitlab-rest-numeric-id", "curl -X DELETE https://gitlab.com/api/v4/projects/123", ASK),
    Case(
        "gitlab-project-named-like-namespace",
        "curl -X DELETE https://gitlab.com/api/v4/projects/payments",
        ALLOW,
    ),
    # 10-11. a repeated Action, a method override, a host with a trailing dot.
    Case(
        "aws-action-url-and-body",
        f"curl {SIGV4} -d Action=DescribeDBInstances '{RDS}/?{DELETE_DB}'",
        ASK,
    ),
    Case(
        "aws-action-twice-in-body",
        f"curl {SIGV4} -d '{DELETE_DB}&Action=DescribeDBInstances' {RDS}/",
        ASK,
    ),
    Case(
        "aws-host-trailing-dot",
        f"curl {SIGV4} -d '{DELETE_DB}' https://rds.us-east-1.amazonaws.com./",
        DENY,
    ),
    Case(
        "aws-host-header",
        f"curl {SIGV4} -H 'Host: rds.us-east-1.amazonaws.com' -d '{DELETE_DB}' https://52.94.1.1/",
        DENY,
    ),
    Case("override-header", f"curl -X POST -H 'X-HTTP-Method-Override: DELETE' {GITHUB}", DENY),
    Case("override-query", f"curl '{GITHUB}?_method=DELETE'", DENY),
    Case("override-form", f"curl -d _method=delete {GITHUB}", DENY),
    Case("override-xh-header", f"xh {GITHUB} X-HTTP-Method-Override:DELETE", DENY),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    header = next(line for line in BRIEF_POLICY.splitlines(True) if line.startswith("protected:"))
    extra = "".join(f'  - "{name}"\n' for name in _EXTRA_PROTECTED)
    return load_policy(BRIEF_POLICY.replace(header, header + extra))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_http_client_gap(case: Case, policy: Policy) -> None:
    action = understand_shell(
        case.command,
        cwd=CWD,
        home=HOME,
        target=Target(environment="dev"),
        files=MemoryFiles(dict(case.files)),
    )
    decision = policy.judge(action, actor=ACTOR)
    got = decision.decision.value
    effects = [(e.effect.value, e.resource.names) for e in action.effects]
    assert got == case.expected, (case.id, got, effects, list(decision.reasons))


def _names(command: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({}))
    return [(e.effect, e.resource.names) for e in action.effects]


def test_glob_alternatives_are_each_named() -> None:
    names = {n for _, found in _names(f"curl -X DELETE '{NS}/{{payments,foo}}'") for n in found}
    assert {"k8s:namespace/payments", "k8s:namespace/foo"} <= names


def test_gitlab_and_ghe_paths_are_not_kubernetes_objects() -> None:
    for command in (
        "curl -X DELETE https://gitlab.com/api/v4/projects/acme%2Fprod",
        "curl -X DELETE https://ghe.example.com/api/v3/repos/acme/prod",
    ):
        found = _names(command)
        assert not any(n.startswith("k8s:") for _, names in found for n in names), found


def test_kubernetes_path_behind_a_forge_prefix_is_still_judged() -> None:
    found = _names("curl -X DELETE https://proxy.example/api/v4/api/v1/namespaces/payments")
    assert (EffectKind.DELETE, ("k8s:namespace/payments", "k8s:payments/*")) in found


def test_docker_api_names_equal_the_cli() -> None:
    by_api = _names(f"{DOCKER} -X DELETE http://localhost/volumes/prod-data")
    by_cli = _names("docker volume rm prod-data")
    assert [n for _, n in by_api] == [n for _, n in by_cli]
    assert _names(f"{DOCKER} -X POST http://localhost/containers/w/start") == [
        (EffectKind.UPDATE, ("docker:container/w",))
    ]
