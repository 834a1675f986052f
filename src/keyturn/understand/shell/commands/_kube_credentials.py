"""Programs a kubeconfig written on the same line makes kubectl or helm run.

A kubeconfig user may name an exec credential plugin (``users[].user.exec.command`` with its
``args``): client-go runs it to get a token before the first request, whatever the verb --
``kubectl get pods`` included. A kubeconfig already on disk is the operator's own setup
(``aws eks get-token``, ``gke-gcloud-auth-plugin``); one an earlier command on the line wrote
(``printf … > /tmp/kc; KUBECONFIG=/tmp/kc kubectl get pods``) is the agent's, and the program
it names is judged as that command line run here. Written in a way not known, the program is
not known either (but for ``~/.kube/config``, which kubectl's own ``config`` verbs rewrite so,
and whose other writers are judged as writing a file that runs later). A kubeconfig written
by an earlier line to a path other than ``~/.kube/config`` is not followed here.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import Any

import yaml

from keyturn.model import Effect
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._home import command_home
from keyturn.understand.shell.commands._kube_call import KubeCall
from keyturn.understand.shell.commands._kube_place import place_of
from keyturn.understand.shell.commands._kubeconfig import kubeconfig_paths
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.yaml_limits import RefusedYaml, load_all

_WHAT = "a kubeconfig written on this line (exec credential plugin)"


def written_kubeconfig_programs(call: KubeCall) -> list[Effect]:
    """What the exec plugins of the kubeconfigs ``call`` reads, written earlier on the line,
    run."""
    cmd, ctx = call.cmd, call.ctx
    place = place_of(cmd, ctx)
    if not ctx.written or place.elsewhere is not None or place.home_untold:
        return []  # that place's (or that user's) kubeconfig, not the one written here
    listed = cmd.assignments.get("KUBECONFIG") or ctx.env.get("KUBECONFIG")
    paths = kubeconfig_paths(call.args.value("--kubeconfig"), listed)
    home = command_home(cmd, ctx)
    default = f"{home.rstrip('/')}/.kube/config" if home else None
    paths = paths or ([default] if default else [])
    effects: list[Effect] = []
    for path in paths:
        path = normalize_path(path, cwd=ctx.cwd)
        wrote, text = written_text(ctx.written, path)
        if not wrote or (text is None and path == default):
            # Written in a way not known: kubectl's own ``config use-context`` rewrites the
            # home kubeconfig so, and any other writer of it is judged as a write of that
            # file (it runs later: :mod:`keyturn.understand.runs_later`).
            continue
        commands = _exec_commands(text) if text is not None else None
        if commands is None:  # the text not known, or refused: any program may run
            unknown = runs_command(None, _WHAT, cmd, ctx)
            effects += [replace(e, operation="kubeconfig exec plugin") for e in unknown]
            continue
        for words in commands:
            effects += runs_command(shlex.join(words), _WHAT, cmd, ctx)
    return effects


def _exec_commands(text: str) -> list[list[str]] | None:
    """Each user's ``exec`` command with its arguments (every user: which one the context
    picks is beside the point when the file is the agent's); None when the YAML is refused
    for its aliases or nesting (:mod:`keyturn.yaml_limits`), which kubectl may still read."""
    try:
        document: Any = next(load_all(text), None)
    except RefusedYaml:
        return None
    except (yaml.YAMLError, RecursionError):
        return []  # kubectl fails on it too
    users = document.get("users") if isinstance(document, dict) else None
    found = []
    for entry in users if isinstance(users, list) else ():
        user = entry.get("user") if isinstance(entry, dict) else None
        plugin = user.get("exec") if isinstance(user, dict) else None
        command = plugin.get("command") if isinstance(plugin, dict) else None
        if isinstance(command, str) and command:
            args = plugin.get("args") if isinstance(plugin, dict) else None
            found.append([command, *(str(a) for a in args or () if a is not None)])
    return found
