"""What the container image verbs mean, for ``docker``, ``podman`` and ``nerdctl`` in
:mod:`.containers` (which decides the names and holds the table of verbs).

Building, pulling, loading, tagging, committing and importing create an image; pushing (and a
build's ``--push`` or registry output) updates it; ``save`` and ``export`` read what they write
as an archive. This host's files a build or an archive writes (``--output``, ``--iidfile``,
``-o``) or ``load`` reads (``-i``) are file effects.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._container_builds import build_reach
from keyturn.understand.shell.commands._container_call import (
    ContainerCall,
    mount_fields,
    option_spec,
)
from keyturn.understand.shell.commands._container_mounts import host_access, mounts_of
from keyturn.understand.shell.effects import (
    directory_tree,
    file_path,
    write_effect,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options

_E = EffectKind


# -- images --------------------------------------------------------------------------------

_BUILD = option_spec(
    "tfmcov",
    {"tag": "t", "file": "f", "memory": "m", "cpu-shares": "c", "output": "o", "quiet": "q"}
    | {"volume": "v"},
    *("build-arg", "target", "platform", "label", "cache-from", "cache-to", "network"),
    *("secret", "ssh", "iidfile", "progress", "builder", "add-host", "ulimit", "shm-size"),
    *("memory-swap", "cgroup-parent", "cpu-period", "cpu-quota", "cpuset-cpus", "cpuset-mems"),
    *("isolation", "build-context", "attest", "sbom", "provenance", "annotation", "allow"),
    *("metadata-file", "call", "security-opt", "authfile", "creds", "arch", "os", "variant"),
    *("format", "jobs", "layers", "runtime", "userns", "from", "manifest"),
)


def build(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``build``: creates each ``-t`` tag (untagged: ``image/*``); ``--push`` publishes them,
    ``--output`` may write this host's files, ``--iidfile``/``--metadata-file`` write one.
    podman's ``-v`` gives the build's steps this host's files as ``run -v`` does; steps allowed
    to run privileged (``--allow security.insecure``) get the host itself; ``--ssh``,
    ``--network host`` and ``--secret src=`` give them more of it (:mod:`._container_builds`)."""
    opts = parse_options(args, _BUILD)
    tags = list(opts.values.get("t", ())) or ["*"]
    out = call.each(_E.CREATE, "image", tags, "builds it")
    out += host_access(opts, call, *mounts_of(opts, call))
    out += build_reach(call, opts)
    entitled = {e.strip() for value in opts.values.get("allow", ()) for e in value.split(",")}
    if "security.insecure" in entitled:
        out.append(call.unknown("--allow security.insecure: its steps may run privileged"))
    if opts.on("push"):
        out += _push_effects(call, tags)
    for spec in opts.values.get("o", ()):
        out += _build_output(spec, tags, call)
    for key in ("iidfile", "metadata-file"):
        for name in opts.values.get(key, ()):
            path = file_path(name, call.ctx)
            out.append(write_effect(path, call.cmd, call.ctx, detail=f"the build's --{key}"))
    return out


def _build_output(spec: str, tags: Sequence[str], call: ContainerCall) -> list[Effect]:
    """``--output``: a directory or archive on this host (``PATH``, ``type=local,dest=PATH``),
    the image store, or a registry (a push); ``-``: stdout."""
    fields = mount_fields(spec) if "=" in spec else {"type": "local", "dest": spec}
    if fields.get("type") == "registry" or fields.get("push") in ("true", "1"):
        return _push_effects(call, tags)
    dest = fields.get("dest", "-")
    if dest != "-":
        path = file_path(dest, call.ctx)
        return [call.file(_E.UPDATE, directory_tree(path), "the build writes its output here")]
    if fields.get("type") in ("local", "tar", "docker", "image", "oci", "cacheonly"):
        return []
    return [call.unknown(f"--output {spec}: a build output not understood")]


_REGISTRY = option_spec(
    "",
    {"all-tags": "a", "quiet": "q"},
    *("platform", "authfile", "creds", "cert-dir", "arch", "os", "variant", "retry"),
    *("retry-delay", "decryption-key", "format", "compression-format", "compression-level"),
    *("sign-by", "digestfile", "encryption-key", "policy"),
)


def pull(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    refs = parse_options(args, _REGISTRY).operands
    return call.each(_E.CREATE, "image", refs, "pulled from its registry") or None


def push(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``push REF`` (podman's ``push IMAGE DESTINATION``: both named)."""
    return _push_effects(call, parse_options(args, _REGISTRY).operands) or None


def _push_effects(call: ContainerCall, refs: Sequence[str]) -> list[Effect]:
    return call.each(_E.UPDATE, "image", refs, "published to its registry")


def tag(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``tag SOURCE TARGET...``: creates each target."""
    refs = parse_options(args, OptionSpec()).operands
    if len(refs) < 2:
        return None
    return call.each(_E.CREATE, "image", refs[1:], f"tags {refs[0]}")


_COMMIT = option_spec(
    "acm",
    {"author": "a", "change": "c", "message": "m", "pause": "p", "quiet": "q"},
    *("platform", "format", "iidfile", "config"),
)


def commit(call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``commit CONTAINER [REF]`` / ``import FILE|URL|- [REF]``: creates REF (else an untagged
    image, ``image/*``)."""
    operands = parse_options(args, _COMMIT).operands
    if not operands:
        return None
    return call.each(_E.CREATE, "image", operands[1:2] or ["*"], f"from {operands[0]}")


_ARCHIVE = option_spec("oi", {"output": "o", "input": "i", "quiet": "q"}, "format", "platform")


def load(call: ContainerCall, args: Sequence[str]) -> list[Effect]:
    """``load [-i FILE]``: creates the images of the archive (which ones it holds is not
    known: ``image/*``)."""
    source = parse_options(args, _ARCHIVE).value("i")
    out = call.each(_E.CREATE, "image", ["*"], f"loaded from {source or 'stdin'}")
    if source:
        out.append(call.file(_E.READ, [file_path(source, call.ctx)], "an image archive"))
    return out


def archive(what: str, call: ContainerCall, args: Sequence[str]) -> list[Effect] | None:
    """``save IMAGE...``/``export CONTAINER`` read them; ``-o FILE`` writes the archive there
    (else it goes to stdout)."""
    opts = parse_options(args, _ARCHIVE)
    if not opts.operands:
        return None
    out = call.each(_E.READ, what, opts.operands, "written as an archive")
    target = opts.value("o")
    if target:
        path = file_path(target, call.ctx)
        out.append(write_effect(path, call.cmd, call.ctx, detail=f"an archive of the {what}"))
    return out
