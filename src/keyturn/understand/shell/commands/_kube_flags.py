"""The flags kubectl and helm take, by verb: which take a value, which do not, and the short
spellings, so that the words of a call are told apart as the tools themselves tell them.

Both tools are cobra programs. Cobra finds the verb before it knows the verb's flags: it skips
every ``--flag`` or ``-f`` word that is not one of the program's own boolean flags *together with
the word after it* (``kubectl --cache-dir get delete ns x`` runs ``delete``;
:func:`command_index` does the same). The verb's own parse then takes each value flag's value
and leaves the rest as the verb's words; a flag the verb does not take makes the tool fail, but
since a newer release may take one, such a flag followed by a word that may be its value leaves
those words not known (:attr:`~._kube_args.ParsedArgs.unknown`).

The kubectl tables are kubectl 1.32's own (``kubectl options`` and ``kubectl VERB [SUB] --help``,
a verb's sub-commands merged: none of them reads a flag differently from another). Flags with
an optional value (``--dry-run``, ``--validate``, ``--cascade``) take one only after ``=`` and are
listed with the booleans. The helm tables are helm 3's and 4's documented flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FlagSet:
    """The flags a tool's verb takes: long names taking a value, long names taking none (or an
    optional one after ``=``), and short spellings (``-n`` -> ``--namespace``)."""

    values: frozenset[str]
    booleans: frozenset[str]
    aliases: Mapping[str, str]

    def merged(self, other: FlagSet) -> FlagSet:
        """Both sets of flags (a verb's own and the tool's global ones)."""
        return FlagSet(
            self.values | other.values,
            self.booleans | other.booleans,
            {**self.aliases, **other.aliases},
        )


def _flag_set(values: str, booleans: str, shorts: str) -> FlagSet:
    """A FlagSet from blank-separated long names (without ``--``) and ``x=long`` shorts."""
    aliases = dict(pair.split("=") for pair in shorts.split())
    return FlagSet(
        frozenset(f"--{n}" for n in values.split()),
        frozenset(f"--{n}" for n in booleans.split()),
        {f"-{short}": f"--{long}" for short, long in aliases.items()},
    )


KUBECTL_GLOBAL = _flag_set(
    "as as-group as-uid cache-dir certificate-authority client-certificate client-key cluster "
    "context kubeconfig kuberc log-flush-frequency namespace password profile profile-output "
    "request-timeout server tls-server-name token user username v vmodule",
    "disable-compression insecure-skip-tls-verify match-server-version warnings-as-errors help",
    "n=namespace s=server v=v h=help",
)

# kubectl VERB: (flags taking a value, flags taking none, short spellings).
_KUBECTL_VERBS = {
    "annotate": (
        "field-manager field-selector filename kustomize output resource-version selector template",
        "all all-namespaces allow-missing-template-keys dry-run list local overwrite "
        "recursive show-managed-fields",
        "A=all-namespaces R=recursive f=filename k=kustomize l=selector o=output",
    ),
    "api-resources": (
        "api-group categories output sort-by verbs",
        "cached namespaced no-headers",
        "o=output",
    ),
    "apply": (
        "field-manager filename grace-period kustomize output prune-allowlist selector "
        "subresource template timeout",
        "all allow-missing-template-keys cascade create-annotation dry-run force "
        "force-conflicts openapi-patch overwrite prune recursive server-side "
        "show-managed-fields validate wait windows-line-endings",
        "R=recursive f=filename k=kustomize l=selector o=output",
    ),
    "attach": (
        "container pod-running-timeout",
        "quiet stdin tty",
        "c=container i=stdin q=quiet t=tty",
    ),
    "auth": (
        "filename kustomize output subresource template",
        "all-namespaces allow-missing-template-keys dry-run list no-headers quiet recursive "
        "remove-extra-permissions remove-extra-subjects show-managed-fields",
        "A=all-namespaces R=recursive f=filename k=kustomize o=output q=quiet",
    ),
    "autoscale": (
        "cpu-percent field-manager filename kustomize max min name output template",
        "allow-missing-template-keys dry-run recursive save-config show-managed-fields",
        "R=recursive f=filename k=kustomize o=output",
    ),
    "certificate": (
        "filename kustomize output template",
        "allow-missing-template-keys force recursive show-managed-fields",
        "R=recursive f=filename k=kustomize o=output",
    ),
    "cluster-info": (
        "namespaces output output-directory pod-running-timeout template",
        "all-namespaces allow-missing-template-keys show-managed-fields",
        "A=all-namespaces o=output",
    ),
    "config": (
        "auth-provider auth-provider-arg certificate-authority client-certificate client-key "
        "cluster exec-api-version exec-arg exec-command exec-env exec-interactive-mode "
        "namespace output password proxy-url server template tls-server-name token user "
        "username",
        "allow-missing-template-keys current embed-certs exec-provide-cluster-info flatten "
        "insecure-skip-tls-verify merge minify no-headers raw set-raw-bytes "
        "show-managed-fields",
        "o=output",
    ),
    "cordon": (
        "selector",
        "dry-run",
        "l=selector",
    ),
    "cp": (
        "container retries",
        "no-preserve",
        "c=container",
    ),
    "create": (
        "aggregation-rule annotation audience bound-object-kind bound-object-name "
        "bound-object-uid cert class clusterip clusterrole default-backend description "
        "docker-email docker-password docker-server docker-username duration external-name "
        "field-manager filename from from-env-file from-file from-literal group hard image "
        "key kustomize max-unavailable min-available node-port non-resource-url output port "
        "preemption-policy raw replicas resource resource-name restart role rule schedule "
        "scopes selector serviceaccount tcp template type user value verb",
        "allow-missing-template-keys append-hash dry-run edit global-default recursive "
        "save-config show-managed-fields validate windows-line-endings",
        "R=recursive f=filename k=kustomize l=selector o=output r=replicas",
    ),
    "debug": (
        "container copy-to custom env filename image image-pull-policy profile set-image target",
        "arguments-only attach keep-annotations keep-init-containers keep-labels "
        "keep-liveness keep-readiness keep-startup quiet replace same-node share-processes "
        "stdin tty",
        "c=container f=filename i=stdin q=quiet t=tty",
    ),
    "delete": (
        "field-selector filename grace-period kustomize output raw selector timeout",
        "all all-namespaces cascade dry-run force ignore-not-found interactive now recursive wait",
        "A=all-namespaces R=recursive f=filename i=interactive k=kustomize l=selector o=output",
    ),
    "describe": (
        "chunk-size filename kustomize selector",
        "all-namespaces recursive show-events",
        "A=all-namespaces R=recursive f=filename k=kustomize l=selector",
    ),
    "diff": (
        "concurrency field-manager filename kustomize prune-allowlist selector",
        "force-conflicts prune recursive server-side show-managed-fields",
        "R=recursive f=filename k=kustomize l=selector",
    ),
    "drain": (
        "chunk-size grace-period pod-selector selector skip-wait-for-delete-timeout timeout",
        "delete-emptydir-data disable-eviction dry-run force ignore-daemonsets",
        "l=selector",
    ),
    "edit": (
        "field-manager filename kustomize output subresource template",
        "allow-missing-template-keys output-patch recursive save-config show-managed-fields "
        "validate windows-line-endings",
        "R=recursive f=filename k=kustomize o=output",
    ),
    "events": (
        "chunk-size for output template types",
        "all-namespaces allow-missing-template-keys no-headers show-managed-fields watch",
        "A=all-namespaces o=output w=watch",
    ),
    "exec": (
        "container filename pod-running-timeout",
        "quiet stdin tty",
        "c=container f=filename i=stdin q=quiet t=tty",
    ),
    "explain": (
        "api-version output",
        "recursive",
        "o=output",
    ),
    "expose": (
        "cluster-ip external-ip field-manager filename kustomize labels load-balancer-ip name "
        "output override-type overrides port protocol selector session-affinity target-port "
        "template type",
        "allow-missing-template-keys dry-run recursive save-config show-managed-fields",
        "R=recursive f=filename k=kustomize l=labels o=output",
    ),
    "get": (
        "chunk-size field-selector filename kustomize label-columns output raw selector "
        "sort-by subresource template",
        "all-namespaces allow-missing-template-keys ignore-not-found no-headers "
        "output-watch-events recursive server-print show-kind show-labels show-managed-fields "
        "watch watch-only",
        "A=all-namespaces L=label-columns R=recursive f=filename k=kustomize l=selector "
        "o=output w=watch",
    ),
    "kustomize": (
        "env helm-api-versions helm-command helm-kube-version load-restrictor mount "
        "network-name output",
        "as-current-user enable-alpha-plugins enable-helm helm-debug network",
        "e=env o=output",
    ),
    "label": (
        "field-manager field-selector filename kustomize output resource-version selector template",
        "all all-namespaces allow-missing-template-keys dry-run list local overwrite "
        "recursive show-managed-fields",
        "A=all-namespaces R=recursive f=filename k=kustomize l=selector o=output",
    ),
    "logs": (
        "container limit-bytes max-log-requests pod-running-timeout selector since since-time tail",
        "all-containers all-pods follow ignore-errors insecure-skip-tls-verify-backend prefix "
        "previous timestamps",
        "c=container f=follow l=selector p=previous",
    ),
    "patch": (
        "field-manager filename kustomize output patch patch-file subresource template type",
        "allow-missing-template-keys dry-run local recursive show-managed-fields",
        "R=recursive f=filename k=kustomize o=output p=patch",
    ),
    "plugin": (
        "",
        "name-only",
        "",
    ),
    "port-forward": (
        "address pod-running-timeout",
        "",
        "",
    ),
    "proxy": (
        "accept-hosts accept-paths address api-prefix keepalive port reject-methods "
        "reject-paths unix-socket www www-prefix",
        "append-server-path disable-filter",
        "P=www-prefix p=port u=unix-socket w=www",
    ),
    "replace": (
        "field-manager filename grace-period kustomize output raw subresource template timeout",
        "allow-missing-template-keys cascade dry-run force recursive save-config "
        "show-managed-fields validate wait",
        "R=recursive f=filename k=kustomize o=output",
    ),
    "rollout": (
        "field-manager filename kustomize output revision selector template timeout to-revision",
        "allow-missing-template-keys dry-run recursive show-managed-fields watch",
        "R=recursive f=filename k=kustomize l=selector o=output w=watch",
    ),
    "run": (
        "annotations env field-manager filename grace-period image image-pull-policy "
        "kustomize labels output override-type overrides pod-running-timeout port restart "
        "template timeout",
        "allow-missing-template-keys attach cascade command dry-run expose force "
        "leave-stdin-open privileged quiet recursive rm save-config show-managed-fields stdin "
        "tty wait",
        "R=recursive f=filename i=stdin k=kustomize l=labels o=output q=quiet t=tty",
    ),
    "scale": (
        "current-replicas filename kustomize output replicas resource-version selector "
        "template timeout",
        "all allow-missing-template-keys dry-run recursive show-managed-fields",
        "R=recursive f=filename k=kustomize l=selector o=output",
    ),
    "set": (
        "containers env field-manager filename from group keys kustomize limits output prefix "
        "requests resource-version selector serviceaccount template user",
        "all allow-missing-template-keys dry-run list local overwrite recursive resolve "
        "show-managed-fields",
        "R=recursive c=containers e=env f=filename k=kustomize l=selector o=output",
    ),
    "taint": (
        "field-manager output selector template",
        "all allow-missing-template-keys dry-run overwrite show-managed-fields validate",
        "l=selector o=output",
    ),
    "top": (
        "field-selector selector sort-by",
        "all-namespaces containers no-headers show-capacity sum use-protocol-buffers",
        "A=all-namespaces l=selector",
    ),
    "uncordon": (
        "selector",
        "dry-run",
        "l=selector",
    ),
    "version": (
        "output",
        "client",
        "o=output",
    ),
    "wait": (
        "field-selector filename for output selector template timeout",
        "all all-namespaces allow-missing-template-keys local recursive show-managed-fields",
        "A=all-namespaces R=recursive f=filename l=selector o=output",
    ),
}
KUBECTL_VERBS = {
    verb: _flag_set(*spec).merged(KUBECTL_GLOBAL) for verb, spec in _KUBECTL_VERBS.items()
}
for _verb in ("api-versions", "completion", "options", "alpha", "help"):
    KUBECTL_VERBS.setdefault(_verb, KUBECTL_GLOBAL)

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


def command_index(args: tuple[str, ...] | list[str], *, root: FlagSet) -> int | None:
    """The index in ``args`` of the verb cobra runs, or None: the first word that is neither a
    flag nor the word after a flag not among ``root``'s booleans (cobra's ``stripFlags``: any
    other ``--flag`` or ``-f`` without ``=`` is taken to have its value in the next word)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None
        if arg.startswith("-") and "=" not in arg and (arg.startswith("--") or len(arg) == 2):
            long = root.aliases.get(arg, arg)
            i += 1 if long in root.booleans else 2
            continue
        if arg and not arg.startswith("-"):
            return i
        i += 1
    return None
