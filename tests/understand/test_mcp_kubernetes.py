"""containers/kubernetes-mcp-server's tools by their real arguments (``scale``, the
``namespace`` that overrides a manifest's, ``command`` run in the pod), and the reference fetch
server."""

from __future__ import annotations

from typing import Any

import pytest

from keyturn.model import Action, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.mcp_servers import k8s_names

R, C, U, D, X = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)
SCALE = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "payments-api"}


def k8s(tool: str, args: dict[str, Any], **kwargs: Any) -> Action:
    return understand_mcp("kubernetes", tool, args, **kwargs)


@pytest.mark.parametrize(
    ("scale", "kind"),
    [(0, D), ("0", D), (0.0, D), (-1, D), ("none", D), (True, D), (3, U), ("2", U)],
)
def test_scale_is_the_argument_that_scales(scale: Any, kind: EffectKind) -> None:
    args = {**SCALE, "namespace": "payments", "scale": scale, "context": "prod-eu"}
    effect, untold = k8s("resources_scale", args).effects
    assert effect.effect is kind
    assert effect.resource.names[0] == "k8s:payments/deployment/payments-api"
    assert effect.target.kube_context == "prod-eu"
    # the server may act on its only cluster whatever ``context`` says
    assert (untold.effect, untold.target.kube_context) == (kind, None)


def test_scale_without_scale_only_reads() -> None:
    (effect,) = k8s("resources_scale", {**SCALE, "namespace": "payments"}).effects
    assert effect.effect is R


def test_scale_to_zero_says_why() -> None:
    (effect,) = k8s("resources_scale", {**SCALE, "namespace": "payments", "scale": 0}).effects
    assert "scaled to 0" in effect.detail


MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: sandbox}\n"


def test_the_namespace_argument_overrides_the_manifests() -> None:
    args = {"namespace": "kube-system", "resource": MANIFEST, "context": "prod-eu"}
    effect, untold = k8s("resources_create_or_update", args).effects
    assert effect.resource.names[0] == "k8s:kube-system/configmap/coredns"
    assert effect.target.kube_namespace == "kube-system"
    assert effect.target.kube_context == "prod-eu"
    assert untold.target.kube_context is None


def test_the_manifests_namespace_counts_without_the_argument() -> None:
    (effect,) = k8s("resources_create_or_update", {"resource": MANIFEST}).effects
    assert (effect.effect, effect.resource.names[0]) == (U, "k8s:sandbox/configmap/coredns")


def test_a_write_in_a_namespace_not_told_is_unknown() -> None:
    # a rule like "resource: k8s:kube-system/*" cannot match "k8s:*/...": only asking is as strict
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns}\n"
    (effect,) = k8s("resources_create_or_update", {"resource": manifest}).effects
    assert (effect.effect, effect.resource.names[0]) == (X, "k8s:*/configmap/coredns")
    assert "namespace not told" in effect.detail
    (pod,) = k8s("pods_run", {"image": "nginx", "name": "web"}).effects
    assert pod.effect is X


def test_a_delete_in_a_namespace_not_told_stays_a_delete() -> None:
    (effect,) = k8s("resources_delete", {"kind": "ConfigMap", "name": "x"}).effects
    assert (effect.effect, effect.resource.names[0]) == (D, "k8s:*/configmap/x")


def test_names_are_kubectls() -> None:
    assert k8s_names("Namespace", "payments", None) == ("k8s:namespace/payments", "k8s:payments/*")
    assert k8s_names("deployments.apps", "web", "shop") == ("k8s:shop/deployment/web",)
    assert k8s_names("ClusterRole", "admin", "shop") == ("k8s:clusterrole/admin",)
    assert k8s_names("Deployment", "web", None) == ("k8s:*/deployment/web",)


EXEC = {"name": "api-0", "namespace": "payments", "context": "prod-eu"}


def test_exec_judges_the_command_in_the_pod() -> None:
    action = k8s("pods_exec", {**EXEC, "command": ["rm", "-rf", "/data"]})
    own, own_untold, removed = action.effects[:3]
    assert (own.effect, own.resource.names[0]) == (U, "k8s:payments/pod/api-0")
    assert (own_untold.effect, own_untold.target.kube_context) == (U, None)
    assert removed.effect is D
    assert "k8s:payments/pod/api-0/file:/data" in removed.resource.names
    assert removed.target.kube_context == "prod-eu"
    assert removed.target.kube_namespace == "payments"
    assert "in pod payments/pod/api-0" in removed.detail
    removed_untold = action.effects[3]
    assert (removed_untold.effect, removed_untold.target.kube_context) == (D, None)


def test_exec_of_a_shell_reads_its_text() -> None:
    action = k8s("pods_exec", {**EXEC, "command": ["sh", "-c", "rm -rf /var/lib/app"]})
    assert any(
        e.effect is D and "k8s:payments/pod/api-0/file:/var/lib/app" in e.resource.names
        for e in action.effects
    )


def test_exec_reads_no_file_of_this_machine() -> None:
    # the pod's /tmp/x.sh is not this machine's: what it does cannot be told
    files = MemoryFiles({"/tmp/x.sh": "echo hello\n"})
    action = k8s("pods_exec", {**EXEC, "command": ["sh", "/tmp/x.sh"]}, files=files)
    assert X in [e.effect for e in action.effects]


def test_exec_without_a_namespace_names_any() -> None:
    action = k8s("pods_exec", {"name": "api-0", "command": ["rm", "/x"]})
    assert "k8s:*/pod/api-0/file:/x" in action.effects[-1].resource.names


def test_fetch_reads_the_url() -> None:
    action = understand_mcp("fetch", "fetch", {"url": "https://example.com/a", "max_length": 5})
    (effect,) = action.effects
    assert effect.effect is R
    assert effect.resource.names == ("https://example.com/a", "mcp:fetch/fetch")
    assert effect.service == "web"


def test_fetch_without_a_url_is_unknown_and_other_tools_too() -> None:
    assert understand_mcp("mcp-server-fetch", "fetch", {}).effects[0].effect is X
    assert understand_mcp("fetch", "post", {"url": "https://x"}).effects[0].effect is X


def test_a_pod_run_without_a_name_is_any_pod_of_its_namespace() -> None:
    (effect,) = k8s("pods_run", {"image": "nginx", "namespace": "kube-system"}).effects
    assert (effect.effect, effect.resource.names[0]) == (C, "k8s:kube-system/pod/*")
