"""Command lines a cloud CLI runs on a virtual machine or in a cluster, not on this machine:
``gcloud compute ssh VM --command CMD`` (or ``-- CMD``, or the commands fed on its input),
``az vm run-command invoke --scripts CMD``, ``az aks command invoke --command CMD``.

The line is judged as the command line it is, there: with none of this machine's files (a
script it names is the VM's, not read here), working directory, variables or settings (an
``aws`` call on the VM uses the VM's credentials, not the ``AWS_PROFILE`` of this shell), and
placed where the cloud call lands (:func:`.cloud_cli.cloud_target`: the project or subscription
named, else not told -- never by the AWS hints of this shell). What it does to the machine's
own files, databases, services... is also named on that machine, as ssh's are
(:func:`~keyturn.understand.shell.effects.named_in`): ``rm -rf /var/lib/postgresql`` run on
``web-1`` of project ``acme`` is also ``gcp:acme/compute/instances/web-1/file:/var/lib/
postgresql``, so ``gcp:acme/compute/instances/web-1/*`` protects what runs there.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, Resource
from keyturn.understand import NoFiles
from keyturn.understand.shell.effects import MACHINE_LOCAL, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_NO_FILES = NoFiles()


def remote_line(
    text: str,
    places: Sequence[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    where: str,
    user: str | None = None,
) -> list[Effect]:
    """The effects of the command line ``text`` run ``where`` (``places``: the names of that
    machine, each a prefix of what the line does to it); ``ctx`` is placed as the cloud call
    is. ``user``: who it runs as there, when told (its home is the working directory)."""
    if ctx.understand_in is None:
        return [unknown_effect(cmd, f"runs a command {where}, not judged here", ctx)]
    home = "/root" if user == "root" else f"/home/{user or '*'}"
    there = evolve(
        ctx,
        cwd=home,
        home=home,
        env={"HOME": home, **({"USER": user} if user else {})},
        files=_NO_FILES,
        written={},
        disk_stale=False,
        committed_earlier=False,
        runs_via=(*ctx.runs_via, f"ssh:{places[0] if places else where}"),
    )
    note = f"runs {where}"
    return [_named_there(effect, places, note) for effect in ctx.understand_in(text, there)]


def _named_there(effect: Effect, places: Sequence[str], note: str) -> Effect:
    """``effect`` also named on each of ``places``, with a note of where it runs."""
    names = effect.resource.names
    extra = tuple(f"{place}/{n}" for place in places for n in names if n.startswith(MACHINE_LOCAL))
    resource = Resource(tuple(dict.fromkeys(names + extra)), effect.resource.type)
    detail = f"{effect.detail}; {note}" if effect.detail else note
    return evolve(effect, resource=resource, detail=detail)
