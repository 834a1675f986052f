"""A command run on another machine or in a container (``ssh``, ``docker|podman|nerdctl exec``,
``kubectl exec``, ``ansible -m shell``) is named in the place it runs as well as as on this
machine, so a protection of that place holds for what runs inside it, and a pattern written for
the bare name still matches."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import Verdict
from keyturn.understand.shell import understand_shell


def _names(command: str) -> set[str]:
    return {n for e in understand_shell(command, cwd="/w").effects for n in e.resource.names}


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ("docker exec prod-db rm -rf /var/lib/postgresql/data",
         "docker:container/prod-db/file:/var/lib/postgresql/data"),
        ("podman exec -u root prod-db rm /etc/x", "docker:container/prod-db/file:/etc/x"),
        ("kubectl exec -n shop web-0 -- rm -rf /data", "k8s:shop/pod/web-0/file:/data"),
        ("kubectl exec -it --context prod-eu pod/web-1 -c app -- rm /x",
         "k8s:*/pod/web-1/file:/x"),  # the kubeconfig's namespace: not told by the words
        ("kubectl --namespace=pay exec db-0 -- psql -c 'DROP TABLE t'",
         "k8s:pay/pod/db-0/db:postgres/*/t"),
        ("ssh ops@prod-1 sudo systemctl stop postgresql", "ssh:prod-1/service:postgresql"),
        ("ssh prod-1 'docker volume rm pgdata'", "ssh:prod-1/docker:volume/pgdata"),
        ("ssh bastion ssh db1 rm -rf /srv", "ssh:bastion/ssh:db1/file:/srv"),
        ("ansible web -m shell -a 'rm -rf /srv/app'", "ansible:web/file:/srv/app"),
        ("ssh h docker exec db rm -rf /data", "ssh:h/docker:container/db/file:/data"),
    ],
)  # fmt: skip
def test_named_where_it_runs_and_as_here(command: str, named: str) -> None:
    names = _names(command)
    assert named in names
    # The name as on this machine stays beside it.
    assert any(named.endswith("/" + n) for n in names), names


def test_cloud_and_cluster_names_are_the_same_from_anywhere() -> None:
    assert _names("ssh ops-1 kubectl delete ns shop") == {"k8s:namespace/shop", "k8s:shop/*"}


def test_the_pod_is_not_an_options_value() -> None:
    effects = understand_shell("kubectl exec -n shop web-0 -- rm /x", cwd="/w").effects
    assert "kubectl-exec:shop/web-0" in effects[0].detail


@pytest.mark.parametrize(
    ("command", "pattern"),
    [
        ("docker exec prod-db rm -rf /var/lib/postgresql/data", "docker:container/prod-db/*"),
        ("kubectl exec -n pay db-0 -- rm -rf /var/lib/mysql", "k8s:pay/pod/db-*"),
        ("ssh prod-1 'docker volume rm pgdata'", "ssh:prod-1/docker:volume/*"),
        ("ssh prod-1 rm -rf /srv/app", "ssh:prod-1/file:/srv/*"),
        ("kubectl exec web-0 -- rm -rf /data", "k8s:shop/pod/web-*"),  # namespace unknown
        ("ansible prod -m command -a 'rm -rf /srv/app'", "ansible:prod/*"),
    ],
)
def test_a_protected_place_holds_for_what_runs_inside(
    judge_brief: JudgeBrief, command: str, pattern: str
) -> None:
    unprotected = judge_brief(command, env="dev")
    assert unprotected.decision is Verdict.ALLOW, unprotected.reasons
    protected = judge_brief(command, env="dev", policy=protecting(pattern))
    assert protected.decision is Verdict.DENY, protected.reasons
