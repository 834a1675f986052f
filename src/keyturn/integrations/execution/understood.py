"""The command ``keyturn exec`` runs, understood where it runs: on the agent's machine.

Both modes understand it here, the same way: with the files on this disk (``LocalFiles``: a
symbolic link into a protected tree, a ``core.fsmonitor`` planted in ``.git/config``, the
script ``bash deploy.sh`` runs), this process's environment (``AWS_PROFILE``, ``KUBECONFIG``,
``GIT_DIR``, ``TF_DATA_DIR``...) and bound to the bytes of the files the line names
(:mod:`.named_files`). In client mode the server never sees this disk, so the understood action
is what goes to it (``{"action": <canonical>}``, as the hooks send), never the raw line: the
server judges exactly what local mode would, and the grant it gives binds the same digest.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence

from keyturn.integrations.execution.named_files import bound_to_files, named_files
from keyturn.model import Action, Target


def understand_command(
    command: Sequence[str],
    *,
    environment: str | None,
    cwd: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Action:
    """``command`` (the words after ``--``) understood as ``keyturn check shell`` would, with
    ``environment`` given outright when not ``None``, bound to the content of the files it
    names (a script or program keyturn cannot read is approved as it was then)."""
    from keyturn.localfiles import LocalFiles
    from keyturn.understand.shell import understand_shell

    where = os.getcwd() if cwd is None else cwd
    action = understand_shell(
        shlex.join(command),
        cwd=where,
        home=os.path.expanduser("~"),
        env=os.environ if environ is None else environ,
        target=Target(environment=environment),
        files=LocalFiles(),
    )
    return bound_to_files(action, named_files(command, cwd=where))
