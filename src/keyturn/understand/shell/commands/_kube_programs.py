"""Programs kubectl and helm run on this machine besides talking to the cluster.

A verb that only reads (``kubectl kustomize``, ``helm template``, a dry run) still runs what its
flags name: ``helm --post-renderer PROG`` pipes the rendered manifests through PROG (with
``--post-renderer-args``), and ``kubectl kustomize --helm-command PROG`` runs PROG in helm's
place to inflate charts. Each is judged as that command line run here (``danger.sh`` is judged
as ``danger.sh`` is); a program decided at run time is unknown. ``kubectl kustomize
--enable-alpha-plugins`` runs the functions the kustomization names (containers, or programs
with ``exec``): unknown. (``KUBECTL_EXTERNAL_DIFF``, the program ``kubectl diff`` runs, is a
variable whose value is a command: :mod:`..code_settings` judges it wherever the line sets it.)
"""

from __future__ import annotations

import shlex

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._kube_call import KubeCall


def post_renderer_effects(call: KubeCall) -> list[Effect]:
    """What ``helm … --post-renderer PROG [--post-renderer-args ARG…]`` runs."""
    program = call.args.value("--post-renderer")
    if program is None:
        return []
    arguments = call.args.flags.get("--post-renderer-args", [])
    return _runs(call, [program, *arguments], "helm --post-renderer")


def kustomize_program_effects(call: KubeCall) -> list[Effect]:
    """What ``kubectl kustomize`` runs besides reading: ``--helm-command PROG``, and the
    functions ``--enable-alpha-plugins`` lets the kustomization run."""
    effects: list[Effect] = []
    program = call.args.value("--helm-command")
    if program is not None:
        effects += _runs(call, [program], "kubectl kustomize --helm-command")
    if call.args.has("--enable-alpha-plugins"):
        detail = "kustomize --enable-alpha-plugins: runs the functions the kustomization names"
        effects.append(call.effect(EffectKind.UNKNOWN, ("k8s:*",), "", detail))
    return effects


def _runs(call: KubeCall, words: list[str], what: str) -> list[Effect]:
    cmd = call.cmd
    run_time = any(w in cmd.argv[i] for i in cmd.dynamic_words for w in words if w)
    return runs_command(None if run_time else shlex.join(words), what, cmd, call.ctx)
