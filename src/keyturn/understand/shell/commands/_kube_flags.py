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
listed with the booleans. The helm tables are helm 3's and 4's documented flags, in
:mod:`._helm_flags`; the parse both tools share is :mod:`._cobra_flags`.
"""

from __future__ import annotations

# FlagSet, command_index and helm's tables are re-exported: the tools import them from here.
from keyturn.understand.shell.commands._cobra_flags import FlagSet as FlagSet
from keyturn.understand.shell.commands._cobra_flags import _flag_set
from keyturn.understand.shell.commands._cobra_flags import command_index as command_index
from keyturn.understand.shell.commands._helm_flags import HELM_GLOBAL as HELM_GLOBAL
from keyturn.understand.shell.commands._helm_flags import HELM_VERBS as HELM_VERBS

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
