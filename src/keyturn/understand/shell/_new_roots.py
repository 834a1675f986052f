"""Commands run under a new root directory (``chroot DIR``, ``unshare --root=DIR``, ``nsenter
--root=DIR``, ``sudo --chroot=DIR``, ``systemd-run -p RootDirectory=DIR``).

Under a new root every absolute path is DIR's: ``chroot /srv rm -rf /prod`` deletes
``/srv/prod``. A wrapper that sets one leaves a ``root:DIR`` label on the command
(:func:`~keyturn.understand.shell._wrapper_context.note_root`); :func:`under_new_roots` then
names each file the command's effects name where it lands as well (``file:/prod`` also as
``file:/srv/prod``; the name as written is kept, so a rule written for it still matches, and
a tree removed at ``/`` stays catastrophic), the way a container's bind mounts rename its files
(:mod:`.commands._container_command`). The programs the command runs are DIR's too, files
that may hold anything (``unshare -r -R /tmp/x ls`` runs ``/tmp/x/bin/ls``): the command is
also unknown. A root given relative to the working directory names nothing more than that.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, Resource
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

ROOT_LABEL = "root:"


def under_new_roots(
    effects: Sequence[Effect], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``effects`` of ``cmd`` with their files named under the new roots its wrappers set
    (outermost first), and the unknown of the programs it runs there; as they are without."""
    roots = [w.removeprefix(ROOT_LABEL) for w in cmd.wrappers if w.startswith(ROOT_LABEL)]
    if not roots:
        return list(effects)
    landed = [_rerooted(effect, roots) for effect in effects]
    reason = f"runs under the new root {roots[-1]}: its programs are that directory's files"
    return [*landed, unknown_effect(cmd, reason, ctx)]


def _rerooted(effect: Effect, roots: Sequence[str]) -> Effect:
    """``effect`` with each ``file:/path`` also named as ``file:ROOT/path``, through every root
    in turn (a chroot in a chroot: the inner root is the outer's)."""
    prefix = ""
    for root in roots:
        if not root.startswith("/"):
            return effect  # relative to a working directory not known here: only unknown
        prefix = normalize_path(prefix + root, cwd="/").rstrip("/")
    names = list(effect.resource.names)
    extra = [
        "file:" + normalize_path(prefix + name.removeprefix("file:"), cwd="/")
        for name in names
        if name.startswith("file:/")
    ]
    if not extra:
        return effect
    resource = Resource(tuple(dict.fromkeys(names + extra)), type=effect.resource.type)
    return evolve(effect, resource=resource)
