"""What the container command lines share: the invocation being understood (its daemon
and the effects it names), option specs and the daemon a line names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.effects import (
    file_effect,
    local_target,
    unknown_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
# Kinds that change what exists: on a name decided at run time they are unknown.
_CHANGES = frozenset({_E.UPDATE, _E.DELETE, _E.REPLACE})


@dataclass(frozen=True, slots=True)
class ContainerCall:
    """One container CLI invocation being understood: the daemon it talks to (``None``: the
    default one) and the operation shown to people (``docker volume rm``)."""

    cmd: SimpleCommand
    ctx: ShellContext
    daemon: str | None
    operation: str

    def effect(self, kind: EffectKind, path: str, detail: str = "") -> Effect:
        """An effect on ``docker:<path>`` (``container/web``), also named by its daemon."""
        names = [f"docker:{path}"]
        notes = [detail]
        if self.daemon:
            names.append(f"docker:{self.daemon}/{path}")
            notes.append(f"on daemon {self.daemon}")
        if kind in _CHANGES and self._run_time(names):
            kind = _E.UNKNOWN
            notes.append("which one is decided at run time")
        return Effect(
            effect=kind,
            resource=Resource(tuple(names), type=path.partition("/")[0].strip("*") or "docker"),
            target=local_target(self.ctx),
            service="docker",
            command=self.cmd.text or None,
            operation=self.operation,
            detail="; ".join(n for n in notes if n),
        )

    def each(self, kind: EffectKind, what: str, names: Sequence[str], detail: str) -> list[Effect]:
        """One effect per name of the kind ``what`` (``volume``)."""
        return [self.effect(kind, f"{what}/{name}", detail) for name in names]

    def unknown(self, reason: str) -> Effect:
        return unknown_effect(self.cmd, reason, self.ctx)

    def file(self, kind: EffectKind, paths: Sequence[str], detail: str) -> Effect:
        return file_effect(kind, paths, self.cmd, self.ctx, detail=detail)

    def _run_time(self, names: Sequence[str]) -> bool:
        # Compose lower-cases the project, so compare without case.
        argv = self.cmd.argv
        words = [argv[i].lower() for i in self.cmd.dynamic_words if 0 < i < len(argv)]
        return any(w and w in n.lower() for w in words for n in names)


Meaning = Callable[[ContainerCall, Sequence[str]], list[Effect] | None]


def option_spec(valued: str, long: dict[str, str], *names: str, stop: bool = False) -> OptionSpec:
    """An option spec: the short letters taking a value, long name -> key, the other keys
    taking a value; ``stop``: options end at the first operand."""
    return OptionSpec(
        valued=valued,
        long=long,
        long_valued=frozenset(valued) | frozenset(names),
        stop_at_operand=stop,
    )


def all_known(opts: Options, spec: OptionSpec, flags: frozenset[str]) -> bool:
    """Whether every option given is one ``spec`` takes a value for, or one of ``flags``."""
    known = flags | spec.long_valued
    return known.issuperset(opts.flags) and known.issuperset(opts.values)


def mount_fields(text: str) -> dict[str, str]:
    """``type=bind,source=/x,readonly`` -> its fields (a field without ``=`` is ``""``)."""
    pairs = (item.partition("=") for item in text.split(","))
    return {key.strip().lower(): value for key, _, value in pairs}


# Per program: the variables naming its daemon, the host's first (docker lets it win).
_DAEMON_VARIABLES = {
    "docker": ("DOCKER_HOST", "DOCKER_CONTEXT"),
    "docker-compose": ("DOCKER_HOST", "DOCKER_CONTEXT"),
    "podman": ("CONTAINER_HOST", "CONTAINER_CONNECTION"),
    "podman-compose": ("CONTAINER_HOST", "CONTAINER_CONNECTION"),
    "nerdctl": ("CONTAINERD_ADDRESS",),
}


def daemon_of(opts: Options, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The daemon the line names: a flag (docker refuses both), else a variable."""
    named = opts.value("c") or opts.value("H")
    for variable in _DAEMON_VARIABLES.get(cmd.name, ()):
        named = named or setting(cmd, ctx.env, variable)
    return named or None


_EXEC = option_spec(
    "eguw", {"env": "e", "user": "u", "workdir": "w"}, "env-file", "detach-keys", stop=True
)


def exec_target(args: Sequence[str]) -> str:
    """The container (or compose service) ``exec ARGS`` runs its command in."""
    rest = parse_options(args, _EXEC).rest
    return rest[0] if rest else "?"
