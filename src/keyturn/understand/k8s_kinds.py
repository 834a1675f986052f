"""Kubernetes kind names: one spelling per kind, and which kinds live outside namespaces.

kubectl accepts a kind as a short name (``deploy``), a plural (``deployments``), a
group-qualified plural (``deployments.apps``) or the CamelCase kind (``Deployment``); resource
names (BRIEF §4.2) use one spelling: lower-case singular (``deployment``). Every surface that
names Kubernetes objects (kubectl, admission reviews, the Terraform kubernetes provider, REST
calls) goes through :func:`normalize_kind` so a policy pattern matches all of them alike.
"""

from __future__ import annotations

# kubectl's short names (``kubectl api-resources``), plus the plurals that do not end in a
# plain "s" after the singular.
_SHORT_NAMES: dict[str, str] = {
    "cs": "componentstatus",
    "cm": "configmap",
    "ep": "endpoints",
    "ev": "event",
    "limits": "limitrange",
    "ns": "namespace",
    "no": "node",
    "pvc": "persistentvolumeclaim",
    "pv": "persistentvolume",
    "po": "pod",
    "rc": "replicationcontroller",
    "quota": "resourcequota",
    "sa": "serviceaccount",
    "svc": "service",
    "crd": "customresourcedefinition",
    "crds": "customresourcedefinition",
    "ds": "daemonset",
    "deploy": "deployment",
    "rs": "replicaset",
    "sts": "statefulset",
    "hpa": "horizontalpodautoscaler",
    "cj": "cronjob",
    "csr": "certificatesigningrequest",
    "ing": "ingress",
    "netpol": "networkpolicy",
    "pdb": "poddisruptionbudget",
    "pc": "priorityclass",
    "sc": "storageclass",
    "psp": "podsecuritypolicy",
    "ingresses": "ingress",
    "endpoints": "endpoints",
    "endpointslices": "endpointslice",
    "componentstatuses": "componentstatus",
    "networkpolicies": "networkpolicy",
    "podsecuritypolicies": "podsecuritypolicy",
    "priorityclasses": "priorityclass",
    "storageclasses": "storageclass",
    "ingressclasses": "ingressclass",
    "runtimeclasses": "runtimeclass",
    "leases": "lease",
    "events": "event",
}
_COMMON_KINDS = frozenset(_SHORT_NAMES.values())

# Kinds that are not namespaced (``kubectl api-resources --namespaced=false``).
_CLUSTER_SCOPED = frozenset(
    {
        "namespace",
        "node",
        "persistentvolume",
        "componentstatus",
        "customresourcedefinition",
        "clusterrole",
        "clusterrolebinding",
        "storageclass",
        "csidriver",
        "csinode",
        "volumeattachment",
        "priorityclass",
        "runtimeclass",
        "ingressclass",
        "podsecuritypolicy",
        "certificatesigningrequest",
        "mutatingwebhookconfiguration",
        "validatingwebhookconfiguration",
        "validatingadmissionpolicy",
        "validatingadmissionpolicybinding",
        "apiservice",
        "tokenreview",
        "selfsubjectaccessreview",
        "selfsubjectrulesreview",
        "subjectaccessreview",
        "flowschema",
        "prioritylevelconfiguration",
        "ipaddress",
        "servicecidr",
        "clusterpolicy",
        "clusterissuer",
        "clusteradmissionpolicy",
        "policyserver",
        "volumesnapshotcontent",
        "volumesnapshotclass",
    }
)

# Kinds whose object is a namespace under another name (OpenShift's ``project`` and the
# ``projectrequest`` that creates one): named as the namespace too. Not made cluster-scoped:
# other APIs' custom kinds called Project (Rancher's) live in namespaces.
_NAMESPACE_KINDS = frozenset({"project", "projectrequest"})

# Singulars that end in "s" and must not lose it.
_KEEP_S = frozenset({"endpoints", "ingress", "status", "componentstatus", "address"})

# Endings of singular kinds that end in "s" (the API's and common operators' kinds: Redis,
# KubeDB's Postgres, OpenShift's DNS, Rook's CephNFS, an ACK or Crossplane Alias, Chaos Mesh's
# PodChaos): such a word is a singular as it is, and the word plus "es" is its plural
# (``redises``, ``postgreses``, ``dnses``, ``cephnfses``, ``aliases``). A singular ending in
# "us" (Prometheus, Status, Argo's EventBus) or "ss" (Ingress) is one too; see
# :func:`normalize_kind`.
_S_ENDINGS = ("endpoints", "redis", "postgres", "dns", "nfs", "alias", "atlas", "canvas", "chaos")

# "-ouses"/"-auses" are the plurals of "-ouse"/"-ause" (ClickHouse, Warehouse, Clause), not of
# "-ous"/"-aus"; "-caches" of "-cache" (Azure's RedisCache), not of "-cach".
_PLURALS_OF_E = ("ouses", "auses", "caches")


def normalize_kind(word: str) -> str:
    """The lower-case singular kind of a kubectl/API spelling.

    ``deploy``, ``deployments``, ``deployments.apps``, ``Deployment`` and
    ``deployment.v1.apps`` all give ``deployment``; ``ns`` gives ``namespace``. An unknown word
    is lower-cased and de-pluralised by the usual English rules (``foos`` -> ``foo``,
    ``policies`` -> ``policy``), which is how the API server names custom resources too. A
    singular that ends in "s" keeps it: ``prometheus`` and ``prometheuses`` both give
    ``prometheus``, ``redis`` and ``redises`` give ``redis``, ``ingresses`` gives ``ingress``.
    """
    kind = word.strip().split(".", 1)[0].lower()
    if kind in _SHORT_NAMES:
        return _SHORT_NAMES[kind]
    if kind in _KEEP_S or kind in _CLUSTER_SCOPED or _is_s_singular(kind):
        return kind
    plural_of = next((e for e in _S_ENDINGS if kind.endswith(e + "es")), None)
    if plural_of is not None or (kind.endswith("uses") and not kind.endswith(_PLURALS_OF_E)):
        return kind[:-2]  # redises -> redis, prometheuses -> prometheus, statuses -> status
    if kind.endswith("ies") and len(kind) > 3:
        return kind[:-3] + "y"
    if kind.endswith(("sses", "ches", "shes", "xes")) and not kind.endswith(_PLURALS_OF_E):
        return kind[:-2]
    if kind.endswith("s") and len(kind) > 1:
        return kind[:-1]
    return kind


def _is_s_singular(kind: str) -> bool:
    """Whether ``kind``, ending in "s", is a singular as it is (see :data:`_S_ENDINGS`)."""
    return kind.endswith(("ss", "us", *_S_ENDINGS))


def is_common_kind(kind: str) -> bool:
    """Whether ``kind`` (normalised) is one of the common kinds kubectl has a short name for
    (``deployment``, ``pod``...)."""
    return kind in _COMMON_KINDS


def is_cluster_scoped(kind: str) -> bool:
    """Whether objects of ``kind`` (any spelling) live outside namespaces."""
    return normalize_kind(kind) in _CLUSTER_SCOPED


def object_names(
    kind: str, name: str, namespace: str | None, *, singular: bool = False
) -> tuple[str, ...]:
    """The resource names (BRIEF §4.2) of one object.

    ``k8s:<namespace>/<kind>/<name>``, or ``k8s:<kind>/<name>`` when the kind is cluster-scoped
    (or no namespace is known and the kind is not a known namespaced one). A Namespace also
    carries ``k8s:<name>/*``: whatever happens to a namespace happens to everything in it. An
    OpenShift Project (or ProjectRequest) is named as its namespace too. ``singular``: ``kind``
    is already the lower-case singular (an API kind such as ``prometheus``), used as it is.
    """
    kind = kind if singular else normalize_kind(kind)
    if kind == "namespace":
        return (f"k8s:namespace/{name}", f"k8s:{name}/*")
    unscoped = kind in _CLUSTER_SCOPED or not namespace
    own = f"k8s:{kind}/{name}" if unscoped else f"k8s:{namespace}/{kind}/{name}"
    if kind in _NAMESPACE_KINDS:
        # An OpenShift project is its namespace: deleting the project deletes the namespace.
        return (f"k8s:namespace/{name}", f"k8s:{name}/*", own)
    return (own,)


def collection_delete_names(
    kind: str, namespace: str | None, *, singular: bool = False
) -> tuple[str, ...]:
    """The names of a delete of every ``kind`` object of ``namespace`` at once (kubectl's
    ``--all``, ``-l``/``--selector``, ``--field-selector``; a DELETE on a collection path or
    collection admission request).

    Besides the objects' own ``k8s:<ns>/<kind>/*``, such a delete is named as the namespace it
    empties (in part), ``k8s:namespace/<ns>`` (``k8s:namespace/*`` across every namespace):
    a protected namespace refuses it as it refuses its own deletion, which it amounts to.
    kubectl's ``all`` (its category of the usual workload kinds) is named ``k8s:<ns>/*`` too.
    A cluster-scoped kind lives in no namespace: only the objects are named. ``singular`` as
    for :func:`object_names`."""
    kind = kind if singular else normalize_kind(kind)
    names = object_names(kind, "*", namespace, singular=True)
    if kind in _CLUSTER_SCOPED or not namespace:
        return names
    emptied: tuple[str, ...] = (f"k8s:namespace/{namespace}",)
    if kind == "all":
        emptied += (f"k8s:{namespace}/*",)
    return tuple(dict.fromkeys(names + emptied))


def custom_resource_names(crd_name: str, crd: object = None) -> tuple[str, ...]:
    """The names of every object a CustomResourceDefinition's deletion takes with it.

    Deleting a CRD deletes every custom resource of its kind, in every namespace: as wide as
    ``kubectl delete <kind> --all -A``, and named so (``k8s:*/<kind>/*`` with the namespaces it
    empties, or ``k8s:<kind>/*`` for a cluster-scoped kind), so that what a protected pattern
    names inside a namespace is not lost through its definition. ``crd_name`` is
    ``<plural>.<group>``; ``crd`` (the object, when known) gives the kind and scope exactly:
    its ``singular`` (or its ``kind``, lower-cased) is the singular as it is, a plural is
    de-pluralised. An unknown scope is taken both ways.
    """
    spec = crd.get("spec") if isinstance(crd, dict) else None
    spec = spec if isinstance(spec, dict) else {}
    words = spec.get("names")
    words = words if isinstance(words, dict) else {}
    singular = next(filter(None, map(_word, (words.get("singular"), words.get("kind")))), "")
    plural = next(filter(None, map(_word, (words.get("plural"), crd_name.split(".", 1)[0]))), "")
    singular = singular.lower()
    kind = singular or normalize_kind(plural)
    if not kind:
        return ()
    scope = spec.get("scope")
    names: tuple[str, ...] = ()
    if scope != "Cluster":
        names += collection_delete_names(kind, "*", singular=True)
    if scope != "Namespaced":
        names += (f"k8s:{kind}/*",)
    return tuple(dict.fromkeys(names))


def _word(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
