"""What the key-value store commands share: HashiCorp Vault and OpenBao (``vault``, ``bao``:
:mod:`.vault`), Consul (:mod:`.consul`) and etcd (``etcdctl``: :mod:`.etcdctl`).

Choices that hold for all three tools:
- Names are ``<service>:<path>`` (``vault:``, ``consul:``, ``etcd:``), the path as the tool
  names it. The server, when named (``-address``/``VAULT_ADDR``, ``-http-addr``/
  ``CONSUL_HTTP_ADDR``, ``--endpoints``/``ETCDCTL_ENDPOINTS``), adds a name per host:
  ``vault:<host>/<path>``, ``consul:<host>/kv/<key>``, ``etcd:<host>/<key>``, so that ``*prod*``
  tells the environment by server. The port and scheme are left out.
- Where they land: as any server's (:mod:`._server_target`), by an environment given outright
  or by those names; the shell's AWS profile or kube context says nothing of which server.
- Kinds: reading, listing and looking up read; writing is an update. Help only prints.
  A path decided at run time makes a change unknown, as for files.
- Unknown on purpose: any command without a meaning in the tool's table, and any form
  without the operand it needs (a meaning's ``None``; the handlers make it an unknown placed
  as the server is).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.effects import command_effect, unknown_effect
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_E = EffectKind
# Kinds that change what exists: on a name decided at run time they are unknown.
_CHANGES = frozenset({_E.CREATE, _E.UPDATE, _E.DELETE, _E.REPLACE})


@dataclass(frozen=True, slots=True)
class StoreCall:
    """One invocation being understood: ``service`` is also the names' scheme (``vault``);
    ``hosts`` the servers named on the line or in the environment."""

    cmd: SimpleCommand
    ctx: ShellContext
    service: str
    hosts: tuple[str, ...] = ()
    namespace: str = ""
    operation: str = ""

    def effect(
        self,
        kind: EffectKind,
        paths: Sequence[str],
        detail: str = "",
        *,
        removes_protection: bool = False,
    ) -> Effect:
        """An effect on ``<service>:<path>`` for each path, also named by namespace and host."""
        rooted = [f"{self.namespace}/{p}" for p in paths] if self.namespace else []
        served = [f"{h}/{p}" for h in self.hosts for p in rooted or paths]
        notes = [detail]
        if kind in _CHANGES and names_run_time_word(self.cmd, paths):
            kind = _E.UNKNOWN
            notes.append("which one is decided at run time")
        names = (f"{self.service}:{n}" for n in (*paths, *rooted, *served))
        return Effect(
            effect=kind,
            resource=Resource(tuple(dict.fromkeys(names)), type=self.service),
            target=server_target(self.ctx),
            service=self.service,
            command=self.cmd.text or None,
            operation=self.operation or self.cmd.name,
            removes_protection=removes_protection,
            detail="; ".join(n for n in notes if n),
        )


# What a command means, from the operands after its verb words.
Meaning = Callable[[StoreCall, Options, Sequence[str]], "list[Effect] | None"]


def meaning_of(
    call: StoreCall, opts: Options, words: Sequence[str], meanings: Mapping[str, Meaning]
) -> list[Effect] | None:
    """The meaning of the longest run of verb words (``kv metadata delete``, ``kv get``,
    ``read``) found in ``meanings``, given the operands after them."""
    for n in (3, 2, 1):
        verbs = " ".join(words[:n])
        meaning = meanings.get(verbs) if len(words) >= n else None
        if meaning is not None:
            return meaning(evolve(call, operation=f"{call.cmd.name} {verbs}"), opts, words[n:])
    return None


def names_run_time_word(cmd: SimpleCommand, paths: Sequence[str]) -> bool:
    """Whether a path or name holds a word decided at run time (``$V``; the server's address
    does not count: the path is still known)."""
    argv = cmd.argv
    words = [argv[i].strip("/") for i in cmd.dynamic_words if 0 < i < len(argv)]
    return any(w and w in p for w in words for p in paths)


def go_style(args: Sequence[str]) -> tuple[str, ...]:
    """Go's ``flag`` package spells a long option with one dash or two (``-address=x``,
    ``--address x``) and has no letter clusters: spelled with two, :func:`parse_options` reads
    them as long options."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            return (*out, *args[i:])
        single = arg.startswith("-") and not arg.startswith("--") and len(arg) > 1
        out.append("-" + arg if single else arg)
    return tuple(out)


def server_hosts(addresses: str | None) -> tuple[str, ...]:
    """The host names in a server address or a comma-separated list of them
    (``https://vault.prod.example:8200``, ``10.0.0.1:2379``)."""
    found: list[str] = []
    for address in (addresses or "").split(","):
        address = address.strip()
        try:  # urlsplit refuses a malformed IPv6 literal
            host = urlsplit(address if "://" in address else "//" + address).hostname
        except ValueError:
            continue
        if host:
            found.append(host)
    return tuple(dict.fromkeys(found))


def clean_path(path: str) -> str:
    """A path without its leading and trailing slashes (``secret/`` is ``secret``)."""
    return path.strip("/")


def first_path(words: Sequence[str]) -> str:
    """The first operand as a path, without its slashes (``""`` when there is none)."""
    return clean_path(words[0]) if words else ""


def every_key(prefix: str) -> str:
    """The detail of an effect on every key starting with ``prefix``."""
    return f"every key starting with {prefix!r}" if prefix else "every key"


def fixed(
    kind: EffectKind, path: str, detail: str = "", *, removes_protection: bool = False
) -> Meaning:
    """A meaning that does not depend on the operands."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [path], detail, removes_protection=removes_protection)]

    return meaning


def named_in(folder: str, kind: EffectKind, detail: str = "") -> Meaning:
    """A meaning on ``<folder>/<name>``: the name is ``-path`` (``secrets enable -path=kv2
    kv``) or the first operand (``policy read NAME``, ``member remove ID``)."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        named = clean_path(opts.value("path") or "") or first_path(words)
        return [call.effect(kind, [f"{folder}/{named}"], detail)] if named else None

    return meaning


def prints_version(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``TOOL version``: only prints the version."""
    return [command_effect(_E.READ, call.cmd, call.ctx, detail="prints the version")]


def nested_line(call: StoreCall, words: Sequence[str]) -> list[Effect]:
    """The command line a tool runs (``etcdctl lock NAME CMD...``), judged as one."""
    if call.ctx.understand_nested is None:
        return [unknown_effect(call.cmd, "runs a command not judged here", call.ctx)]
    return call.ctx.understand_nested(shlex.join(words))


PRINTS_ONLY = "only prints (help, or the request it would send): changes nothing"
