"""The flags helm takes, by verb (helm 3's and 4's documented flags), with its verbs' aliases.

Split out of :mod:`._kube_flags` (which re-exports :data:`HELM_GLOBAL` and :data:`HELM_VERBS`)
so that each tool's tables are a module of their own; how they are read is
:mod:`._cobra_flags`.
"""

from __future__ import annotations

from keyturn.understand.shell.commands._cobra_flags import _flag_set

HELM_GLOBAL = _flag_set(
    "burst-limit color colour content-cache kube-apiserver kube-as-group kube-as-user "
    "kube-ca-file kube-context kube-tls-server-name kube-token kubeconfig namespace qps "
    "registry-config repository-cache repository-config",
    "debug kube-insecure-skip-tls-verify help",
    "n=namespace h=help",
)


# What every verb that fetches a chart takes, and every verb that renders one.
_CHART = (
    "ca-file cert-file key-file keyring password repo username version",
    "devel insecure-skip-tls-verify pass-credentials plain-http verify",
)


_RENDER = (
    f"{_CHART[0]} set set-file set-json set-literal set-string values description "
    "name-template output post-renderer post-renderer-args timeout labels kube-version",
    f"{_CHART[1]} atomic create-namespace dependency-update disable-openapi-validation "
    "dry-run enable-dns force generate-name hide-notes hide-secret no-hooks "
    "render-subchart-notes replace skip-crds skip-schema-validation wait wait-for-jobs "
    "rollback-on-failure force-replace force-conflicts take-ownership",
)


# helm 4's ``--server-side``: a boolean on install and template, a string (``true``, ``false``
# or ``auto``, the next word when not after ``=``) on upgrade and rollback (helm 4's
# ``pkg/cmd/install.go``, ``upgrade.go``, ``rollback.go``).
# helm VERB: (flags taking a value, flags taking none, short spellings).
_HELM_VERBS = {
    "install": (
        _RENDER[0],
        f"{_RENDER[1]} server-side",
        "f=values o=output g=generate-name l=labels",
    ),
    "upgrade": (
        f"{_RENDER[0]} history-max server-side",
        f"{_RENDER[1]} cleanup-on-fail install reset-then-reuse-values reset-values reuse-values",
        "f=values o=output i=install l=labels",
    ),
    "template": (
        f"{_RENDER[0]} api-versions output-dir show-only",
        f"{_RENDER[1]} include-crds is-upgrade release-name skip-tests validate server-side",
        "f=values o=output g=generate-name a=api-versions s=show-only",
    ),
    "uninstall": (
        "cascade description timeout",
        "dry-run ignore-not-found keep-history no-hooks wait",
        "",
    ),
    "rollback": (
        "history-max timeout server-side",
        "cleanup-on-fail dry-run force no-hooks recreate-pods wait wait-for-jobs "
        "rollback-on-failure force-replace force-conflicts",
        "",
    ),
    "list": (
        "filter max offset output selector time-format",
        "all all-namespaces date deployed failed no-headers pending reverse short superseded "
        "uninstalled uninstalling",
        "f=filter m=max o=output l=selector a=all A=all-namespaces d=date r=reverse q=short",
    ),
    "status": ("output revision", "show-desc show-resources", "o=output"),
    "get": ("revision output template", "all", "o=output a=all"),
    "history": ("max output", "", "o=output"),
    "show": (f"{_CHART[0]} jsonpath", _CHART[1], ""),
    "pull": (f"{_CHART[0]} destination untardir", f"{_CHART[1]} prov untar", "d=destination"),
    "push": (
        "ca-file cert-file key-file username password",
        "insecure-skip-tls-verify plain-http",
        "",
    ),
    "repo": (
        "ca-file cert-file key-file password username timeout output url merge",
        "allow-deprecated-repos force-update no-update pass-credentials password-stdin "
        "insecure-skip-tls-verify fail-on-repo-update-fail",
        "o=output",
    ),
    "search": (
        "max-col-width output version endpoint",
        "devel regexp versions fail-on-no-result list-repo-url",
        "o=output r=regexp l=versions",
    ),
    "package": (
        "app-version destination key keyring passphrase-file version",
        "dependency-update sign",
        "d=destination u=dependency-update",
    ),
    "lint": (
        "set set-file set-json set-literal set-string values kube-version",
        "quiet strict with-subcharts skip-schema-validation",
        "f=values",
    ),
    "dependency": ("keyring", "skip-refresh verify", ""),
    "test": ("filter timeout", "logs hide-notes", ""),
    "create": ("starter", "", "p=starter"),
    "verify": ("keyring", "", ""),
    "version": ("template", "short client", ""),
    "registry": (
        "ca-file cert-file key-file username password",
        "password-stdin insecure plain-http",
        "u=username p=password",
    ),
    "plugin": ("version", "", ""),
}


_HELM_SAME = {
    "un": "uninstall",
    "del": "uninstall",
    "delete": "uninstall",
    "ls": "list",
    "hist": "history",
    "inspect": "show",
    "fetch": "pull",
    "dep": "dependency",
}
HELM_VERBS = {verb: _flag_set(*spec).merged(HELM_GLOBAL) for verb, spec in _HELM_VERBS.items()}
HELM_VERBS.update({alias: HELM_VERBS[verb] for alias, verb in _HELM_SAME.items()})
for _verb in ("env", "completion", "help"):
    HELM_VERBS.setdefault(_verb, HELM_GLOBAL)
