"""What an image build's steps reach beyond the build container, for ``docker build`` (and
podman's, nerdctl's, ``buildx build``) and compose's builds (:mod:`._compose`).

A Dockerfile's ``RUN`` steps are code from a file, run when the image is built: by ``build``,
compose's ``build`` and ``up --build``, and compose's ``up``/``create``/``run`` whenever a
service's image is missing (or its ``pull_policy`` is ``build``). They run in a build
container, so what they change is the image's; they reach this host only through what the build
gives them (docker buildx build reference; compose-spec ``build.md``): ``--ssh`` (``build.ssh``)
gives them this host's ssh agent or keys, with which they act on any machine those keys open;
``--network host`` (``build.network: host``) this host's network, its own services on
localhost among them; ``--allow security.insecure`` (``build.privileged``, ``build.entitlements``)
privileged steps (:mod:`._container_images`). Each is ``unknown``: what the steps do there is
not judged. A ``--secret`` read from a file (``src=``/``source=``) is a read of this host's
file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._compose_file import ComposeModel
from keyturn.understand.shell.commands._container_call import ContainerCall, mount_fields
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.flags import Options

_E = EffectKind
_SSH = "the build's RUN steps get this host's ssh agent or keys ({how}): what they do with them"
_SSH += " on other machines is not judged"
_HOST_NETWORK = "the build's RUN steps share this host's network ({how}): they reach its own"
_HOST_NETWORK += " services, which is not judged"
_PRIVILEGED = "the build's RUN steps may run privileged ({how}): they can do anything to the host"


def build_reach(call: ContainerCall, opts: Options) -> list[Effect]:
    """What ``build``'s options give its steps of this host (the module's docstring)."""
    out = [call.unknown(_SSH.format(how=f"--ssh {v}")) for v in opts.values.get("ssh", ())]
    if any(v.lower() == "host" for v in opts.values.get("network", ())):
        out.append(call.unknown(_HOST_NETWORK.format(how="--network host")))
    for spec in opts.values.get("secret", ()):
        fields = mount_fields(spec)
        source = fields.get("src") or fields.get("source")
        if source:
            path = home_path(source, call.ctx)
            out.append(call.file(_E.READ, [path], "a secret given to the build's RUN steps"))
    return out


def compose_build_reach(
    call: ContainerCall, model: ComposeModel, services: Sequence[str], *, ssh: Sequence[str] = ()
) -> list[Effect]:
    """What the ``build:`` sections of ``services`` give their steps of this host; ``ssh``:
    the line's ``build --ssh`` values."""
    out = [call.unknown(_SSH.format(how=f"--ssh {v}")) for v in ssh]
    for name in services:
        build = model.services.get(name, {}).get("build")
        if isinstance(build, Mapping):
            out += _section(call, model, name, build)
    return out


def _section(
    call: ContainerCall, model: ComposeModel, name: str, build: Mapping[str, Any]
) -> list[Effect]:
    where = f"service {name}'s build"
    out = []
    if build.get("ssh"):
        out.append(call.unknown(_SSH.format(how=f"{where}.ssh")))
    if str(build.get("network", "")).lower() == "host":
        out.append(call.unknown(_HOST_NETWORK.format(how=f"{where}.network: host")))
    entitled = {str(e) for e in _seq(build.get("entitlements"))}
    if build.get("privileged") in (True, "true") or "security.insecure" in entitled:
        out.append(call.unknown(_PRIVILEGED.format(how=f"{where}: privileged")))
    if "network.host" in entitled:
        out.append(call.unknown(_HOST_NETWORK.format(how=f"{where}.entitlements")))
    return out


def _seq(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []
