"""Self-protection of keyturn's gate in a Kubernetes cluster (:mod:`.selfprotect` asks it).

The webhook configuration (deleted, or its failurePolicy patched to Ignore, and every change to
the cluster goes unjudged; the API server never sends it to a webhook) and the namespace keyturn
runs in, under the names docs/kubernetes.md gives them: any change to them, or to what is in
that namespace, is denied, and so is a wide change whose names may take them in.
"""

from __future__ import annotations

import re

from keyturn.model import Effect
from keyturn.policy.matching import GlobSet

_GLOB = re.compile(r"[*?\[]")

# The namespace is kept out of the webhook's own selector, so that keyturn can always restart.
CLUSTER_GATE = (
    "k8s:validatingwebhookconfiguration/keyturn*",
    "k8s:mutatingwebhookconfiguration/keyturn*",
    "k8s:namespace/keyturn",
    "k8s:keyturn/*",
)

_CLUSTER_SET = GlobSet(CLUSTER_GATE)

# The kinds whose wide changes may take the gate in (``kubectl delete ns --all``). A wide name
# of another kind's change (``k8s:*/pod/*``; a CRD's ``k8s:namespace/*``, which stands for the
# namespaces it empties of its own kind) leaves the gate standing: it is the policy's business.
_GATE_KINDS = frozenset(
    {"namespace", "validatingwebhookconfiguration", "mutatingwebhookconfiguration"}
)
_GATE_STARTS = tuple(p.rstrip("*") for p in CLUSTER_GATE)


def _leads_to_gate(name: str) -> bool:
    found = _GLOB.search(name)
    return found is not None and any(g.startswith(name[: found.start()]) for g in _GATE_STARTS)


def may_reach_cluster_gate(effect: Effect) -> bool:
    """Whether a change of Kubernetes objects could be one of the gate's (cheap, for the
    engine to skip the built-ins otherwise): a namespace or webhook configuration, or a name
    holding ``keyturn`` (Kubernetes names are lower case)."""
    if effect.resource.type in _GATE_KINDS:
        return True
    return any("keyturn" in n for n in effect.resource.names)


def cluster_gate_reason(effect: Effect) -> str | None:
    """Why a change of Kubernetes objects would switch keyturn's cluster gate off, or ``None``."""
    names = tuple(n.lower() for n in effect.resource.names if n.startswith("k8s:"))
    # Every gate name holds ``keyturn``: a name without it matches none of them as written.
    index = _CLUSTER_SET.first_match(names) if any("keyturn" in n for n in names) else None
    if index is None and effect.resource.type in _GATE_KINDS:
        # Only a wide name whose literal start leads to one of the gate's names can take it in
        # (``k8s:namespace/*``, ``k8s:*``; not ``k8s:payments/*``): the rest skip the overlap.
        wide = tuple(n for n in names if _leads_to_gate(n))
        index = _CLUSTER_SET.first_overlap(wide) if wide else None
    if index is None:
        return None
    return (
        f"{effect.effect.value} of {effect.resource.name}, which takes in keyturn's own "
        f"{CLUSTER_GATE[index]}: an agent may not switch off the cluster's gate"
    )
