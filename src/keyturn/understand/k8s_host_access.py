"""Pods that get their node: host namespaces, privileged containers, the host's files.

A pod in the host's PID, IPC or network namespace, with a privileged container, a capability
that escapes the container (``SYS_ADMIN``, ``ALL``...), a Windows host process, or the host's
``/`` (or another sensitive path: ``/etc``, the kubelet's and the runtimes' state, their
sockets) mounted is root on the node: ``chroot /host`` and anything follows, outside every
object keyturn names. That is what ``kubectl debug node/NAME`` creates, and what the shell
surface judges as ``kubectl debug: arbitrary execution`` and ``docker run --privileged``
as a container that gets the host: unknown, never silently allowed. The same holds for the
pod template of every workload that makes such pods (Deployment, DaemonSet, Job, CronJob...).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["host_access", "node_names"]

# Where a pod spec sits in an object: a Pod's own, a PodTemplate's, a workload's template,
# a CronJob's job template.
_POD_SPECS = (
    ("spec",),
    ("template", "spec"),
    ("spec", "template", "spec"),
    ("spec", "jobTemplate", "spec", "template", "spec"),
)
_HOST_NAMESPACES = ("hostPID", "hostIPC", "hostNetwork")
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
# As the container surface's (``docker run --cap-add``), plus the one that reads any process's
# memory and writes into it.
_HOST_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "DAC_READ_SEARCH"}
)
# Host paths whose mount gives the node: its root, its configuration and users' homes, its
# programs (and the CNI plugins the kubelet runs as root), devices and kernel interfaces, the
# runtimes' sockets, the kubelet's, etcd's and the runtimes' state. A path above one of these
# (``/var``) holds it too.
_SENSITIVE_PATHS = (
    "/etc",
    "/root",
    "/home",
    "/boot",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/usr",
    "/opt/cni",
    "/dev",
    "/proc",
    "/sys",
    "/run",
    "/var/run",
    "/var/lib/kubelet",
    "/var/lib/etcd",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/containers",
    "/var/lib/cni",
    "/var/lib/rancher",
)


def host_access(obj: Any) -> list[str]:
    """What in the pod specs of ``obj`` (any kind) gives its pods the node, for people; empty
    when nothing does."""
    found: list[str] = []
    for spec in _pod_specs(obj):
        found += [key for key in _HOST_NAMESPACES if spec.get(key) is True]
        if _host_process(spec.get("securityContext")):
            found.append("Windows hostProcess")
        found += _containers_access(spec)
        found += _host_paths(spec.get("volumes"))
    return list(dict.fromkeys(found))


def node_names(obj: Any) -> tuple[str, ...]:
    """The node(s) such pods run on: ``k8s:node/<nodeName>`` when pinned, else any node."""
    pinned = {s.get("nodeName") for s in _pod_specs(obj)}
    named = sorted(n.strip() for n in pinned if isinstance(n, str) and n.strip())
    return tuple(f"k8s:node/{n}" for n in named) or ("k8s:node/*",)


def _pod_specs(obj: Any) -> Iterator[Mapping[str, Any]]:
    for path in _POD_SPECS:
        spec = obj
        for key in path:
            spec = spec.get(key) if isinstance(spec, Mapping) else None
        if isinstance(spec, Mapping):
            yield spec


def _containers_access(spec: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for field in _CONTAINER_LISTS:
        listed = spec.get(field)
        for container in listed if isinstance(listed, list) else ():
            if not isinstance(container, Mapping):
                continue
            name = container.get("name")
            where = f" ({name})" if isinstance(name, str) and name else ""
            context = container.get("securityContext")
            if not isinstance(context, Mapping):
                continue
            if context.get("privileged") is True:
                found.append(f"privileged container{where}")
            if _host_process(context):
                found.append(f"Windows hostProcess{where}")
            found += [f"capability {c}{where}" for c in _capabilities(context)]
    return found


def _capabilities(context: Mapping[str, Any]) -> list[str]:
    caps = context.get("capabilities")
    added = caps.get("add") if isinstance(caps, Mapping) else None
    names = {
        str(c).strip().upper().removeprefix("CAP_")
        for c in (added if isinstance(added, list) else ())
    }
    return sorted(names & _HOST_CAPABILITIES)


def _host_process(context: Any) -> bool:
    options = context.get("windowsOptions") if isinstance(context, Mapping) else None
    return isinstance(options, Mapping) and options.get("hostProcess") is True


def _host_paths(volumes: Any) -> list[str]:
    found: list[str] = []
    for volume in volumes if isinstance(volumes, list) else ():
        source = volume.get("hostPath") if isinstance(volume, Mapping) else None
        if not isinstance(source, Mapping):
            continue
        path = source.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            found.append(f"hostPath {path!r} (not an absolute path)")
        elif _sensitive(path):
            found.append(f"hostPath {path}")
    return found


def _sensitive(path: str) -> bool:
    """Whether the host ``path`` is ``/``, one of :data:`_SENSITIVE_PATHS`, under one, or
    above one; spelled any way (``//``, ``/./``, ``..``, a trailing ``/``)."""
    clean = "/" + posixpath.normpath(path).lstrip("/")
    if clean == "/":
        return True
    return any(
        clean == s or clean.startswith(s + "/") or s.startswith(clean + "/")
        for s in _SENSITIVE_PATHS
    )
