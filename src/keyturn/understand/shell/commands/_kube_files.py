"""The files of this machine kubectl reads or writes: ``kubectl cp``'s local side,
``cluster-info dump``'s directory, ``alpha kuberc set``'s preferences.

``kubectl cp SRC DEST`` copies between a pod (``[NAMESPACE/]POD:PATH``) and a local path
(``kubectl cp --help``); the local side is a file effect like ``cp``'s. Copied out of the pod,
the local ``DEST`` is written -- the file, or into it when it is a directory, a whole tree when
the source is one -- so ``DEST`` and everything under it are named as updated: a start-up file
or keyturn's own settings written this way are judged as any other write of them. Copied into
the pod, the local ``SRC`` is read (it leaves the machine).
"""

from __future__ import annotations

from dataclasses import replace

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._kube_call import KubeCall
from keyturn.understand.shell.effects import file_effect, file_path


def copied_files(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
    """The local side of ``kubectl cp SRC DEST``: DEST (and what is under it) updated when
    SRC is in the pod, SRC (and what is under it) read when DEST is."""
    if len(words) < 2:
        return []
    source, dest = words[0], words[1]
    if _remote(source) and not _remote(dest):
        path = file_path(dest, call.ctx).rstrip("/") or "/"
        detail = f"kubectl cp: writes what it copies out of the pod into {dest}"
        tree = [path, path.rstrip("/") + "/*"]
        return [file_effect(EffectKind.UPDATE, tree, call.cmd, call.ctx, detail=detail)]
    if _remote(dest) and not _remote(source):
        path = file_path(source, call.ctx).rstrip("/") or "/"
        detail = f"kubectl cp: sends {source} into the pod"
        tree = [path, path.rstrip("/") + "/*"]
        return [file_effect(EffectKind.READ, tree, call.cmd, call.ctx, detail=detail)]
    return []


def dump_files(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
    """``cluster-info dump --output-directory DIR``: the files it writes there (``nodes.json``,
    ``NS/pods.json``, ``NS/POD/logs.txt``...), named as the tree, an update (it overwrites
    them); ``-`` is standard output."""
    folder = call.args.value("--output-directory")
    if call.verb != "cluster-info" or words[:1] != ("dump",) or folder in (None, "", "-"):
        return []
    tree = file_path(folder, call.ctx).rstrip("/") + "/*"
    detail = "cluster-info dump: writes the cluster's objects and logs into the directory"
    return [file_effect(EffectKind.UPDATE, [tree], call.cmd, call.ctx, detail=detail)]


def kuberc_edit(call: KubeCall, words: tuple[str, ...]) -> Effect:
    """``kubectl alpha kuberc set``: a raw write of the preferences every later call reads
    (service ``file``), unknown as a rewrite of the kubeconfig is."""
    path = call.args.value("--kuberc") or call.cmd.assignments.get("KUBERC")
    path = path or call.ctx.env.get("KUBERC") or f"{call.ctx.home.rstrip('/')}/.kube/kuberc"
    detail = f"alpha kuberc {' '.join(words[1:2])}: rewrites kubectl's preferences"
    edit = call.effect(EffectKind.UNKNOWN, (f"file:{file_path(path, call.ctx)}",), "file", detail)
    return replace(edit, service="file")


def _remote(word: str) -> bool:
    """Whether ``word`` names a pod's path: a ``:`` before any ``/`` of a path (kubectl takes
    the part before the first ``:`` as ``[NAMESPACE/]POD``)."""
    head, colon, _ = word.partition(":")
    return bool(colon) and bool(head) and head.count("/") <= 1
