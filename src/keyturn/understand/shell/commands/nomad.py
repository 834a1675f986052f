"""HashiCorp Nomad (``nomad``): jobs, allocations, nodes, namespaces, variables and volumes.
It is built like the key-value tools (:mod:`._kv_store`): Go flags, a server address.

Names (decided here): ``nomad:job/<id>``, ``nomad:alloc/<id>``, ``nomad:node/<id>``,
``nomad:namespace/<ns>``, ``nomad:var/<path>``, ``nomad:volume/<id>``, ``nomad:*``
(the whole cluster). Jobs, allocations, variables and volumes are also named in their
namespace (``-namespace``/``NOMAD_NAMESPACE``; ``default`` when not told):
``nomad:default/job/web``. The server (``-address``/``NOMAD_ADDR``) adds a name per host
(``nomad:nomad.prod.internal/default/job/web``), so that ``*prod*`` tells the environment.

Kinds: status, inspect, logs, plan and validate read. ``job run`` updates the job its file
defines (its ``job "NAME"`` block, when the file is at hand; else every job). ``job stop``
(with or without ``-purge``) takes the job's service down: a delete; so does scaling a group
to 0. Restarts, drains, eligibility and deployment changes update (disruptive). Deleting a
namespace deletes everything in it. ``operator snapshot restore`` replaces the cluster's whole
state. ``alloc exec`` (and its alias ``exec``) is judged as the command it runs in the
allocation, placed as the cluster is.

Unknown on purpose: ``acl``, ``agent``, ``operator`` other than snapshots, ``ui``, ``job init``
and every other form, named ``nomad:*`` (and by namespace and server) and placed as the
server is (:func:`._server_target.not_understood`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kv_store import (
    PRINTS_ONLY,
    Meaning,
    StoreCall,
    fixed,
    go_style,
    meaning_of,
    named_in,
    nested_line,
    prints_version,
    server_hosts,
)
from keyturn.understand.shell.commands._server_target import not_understood, run_there
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.effects import named_in as placed_in
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_NOMAD = OptionSpec(
    long_valued=frozenset({"address", "region", "namespace", "token", "ca-cert", "ca-path"})
    | {"client-cert", "client-key", "tls-server-name", "task", "group", "job", "t", "output"}
    | {"var", "var-file", "consul-token", "vault-token", "policy-override", "check-index"}
    | {"meta", "id-prefix-template", "deadline", "signal", "s", "reason", "e"},
    abbreviations=False,
)
_JOB_NAME = re.compile(r'^\s*job\s+"([^"]+)"\s*\{', re.MULTILINE)
_DOWN = "takes the job's service down: every allocation stops"


def _job(kind: EffectKind, detail: str = "") -> Meaning:
    """``job VERB ID``: the job named by the first operand."""

    def meaning(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [f"job/{words[0]}"], detail)] if words else None

    return meaning


def _stop(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    if not words:
        return None
    detail = _DOWN + ("; -purge: the job is removed" if opts.has("purge") else "")
    return [call.effect(_E.DELETE, [f"job/{words[0]}", f"job/{words[0]}/*"], detail)]


def _run(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``job run FILE``: the job the file defines (every job when it cannot be read)."""
    if not words:
        return None
    text = None
    if words[0] != "-":
        text = call.ctx.files.read_text(normalize_path(words[0], cwd=call.ctx.cwd))
    elif call.cmd.stdin_text is not None:
        text = call.cmd.stdin_text
    names = _JOB_NAME.findall(text or "")
    if not names:
        detail = f"the job defined in {words[0]} (not at hand: every job)"
        return [call.effect(_E.UPDATE, ["job/*"], detail)]
    return [call.effect(_E.UPDATE, [f"job/{n}" for n in names], "submits the job")]


def _scale(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``job scale JOB [GROUP] COUNT``."""
    if len(words) < 2:
        return None
    if words[-1] == "0":
        return [call.effect(_E.DELETE, [f"job/{words[0]}"], "scales to 0: " + _DOWN)]
    return [call.effect(_E.UPDATE, [f"job/{words[0]}"], f"scales to {words[-1]}")]


def _namespace_delete(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``namespace delete NS``: the namespace and what is named in it (``nomad:NS/job/web``)."""
    if not words:
        return None
    ns = words[0]
    detail = "deletes the namespace with all in it"
    return [call.effect(_E.DELETE, [f"namespace/{ns}", f"namespace/{ns}/*", f"{ns}/*"], detail)]


def _alloc_exec(call: StoreCall, opts: Options, words: Sequence[str]) -> list[Effect] | None:
    """``alloc exec [-task T] ALLOC CMD…`` (``-job``: JOB, one of its allocations): the
    command, run in the allocation, named there and placed as the cluster is (this machine's
    hints say nothing of where the allocation runs)."""
    if len(words) < 2:
        return None
    where = f"nomad:job/{words[0]}" if opts.has("job") else f"nomad:alloc/{words[0]}"
    ran = run_there(nested_line(call, words[1:]), call.ctx)
    return [placed_in(e, [where]) for e in ran]


_READ = _E.READ
_NOMAD_MEANINGS: dict[str, Meaning] = {
    "version": prints_version,
    "status": fixed(_READ, "*"),
    "job status": fixed(_READ, "job/*"),
    "job inspect": _job(_READ),
    "job history": _job(_READ),
    "job allocs": _job(_READ),
    "job deployments": _job(_READ),
    "job plan": fixed(_READ, "job/*", "plans only"),
    "job validate": fixed(_READ, "job/*", "checks the file only"),
    "plan": fixed(_READ, "job/*", "plans only"),
    "validate": fixed(_READ, "job/*", "checks the file only"),
    "job run": _run,
    "run": _run,
    "job stop": _stop,
    "stop": _stop,
    "job scale": _scale,
    "scale": _scale,
    "job revert": _job(_E.UPDATE, "rolls the job back to an older version"),
    "job restart": _job(_E.UPDATE, "disruptive: restarts every allocation"),
    "job promote": _job(_E.UPDATE),
    "job eval": _job(_E.UPDATE, "schedules the job again"),
    "job dispatch": _job(_E.CREATE, "starts an instance of the job"),
    "job periodic force": _job(_E.CREATE, "starts a run of the job now"),
    "alloc status": named_in("alloc", _READ),
    "alloc logs": named_in("alloc", _READ),
    "alloc fs": named_in("alloc", _READ),
    "logs": named_in("alloc", _READ),
    "alloc stop": named_in("alloc", _E.UPDATE, "disruptive: the allocation stops and moves"),
    "alloc restart": named_in("alloc", _E.UPDATE, "disruptive: the tasks restart"),
    "alloc signal": named_in("alloc", _E.UPDATE, "signals the tasks"),
    "alloc exec": _alloc_exec,
    "node status": fixed(_READ, "node/*"),
    "node drain": named_in("node", _E.UPDATE, "disruptive: moves every allocation off the node"),
    "node eligibility": named_in("node", _E.UPDATE, "changes where jobs may run"),
    "node purge": named_in("node", _E.DELETE),
    "eval status": fixed(_READ, "*"),
    "eval list": fixed(_READ, "*"),
    "deployment status": fixed(_READ, "job/*"),
    "deployment list": fixed(_READ, "job/*"),
    "deployment fail": fixed(_E.UPDATE, "job/*", "fails the deployment: rolls back"),
    "deployment pause": fixed(_E.UPDATE, "job/*"),
    "deployment resume": fixed(_E.UPDATE, "job/*"),
    "deployment promote": fixed(_E.UPDATE, "job/*"),
    "namespace list": fixed(_READ, "namespace/*"),
    "namespace status": named_in("namespace", _READ),
    "namespace apply": named_in("namespace", _E.UPDATE),
    "namespace delete": _namespace_delete,
    "var get": named_in("var", _READ),
    "var list": fixed(_READ, "var/*"),
    "var put": named_in("var", _E.UPDATE),
    "var purge": named_in("var", _E.DELETE),
    "volume status": fixed(_READ, "volume/*"),
    "volume create": named_in("volume", _E.CREATE),
    "volume register": named_in("volume", _E.CREATE),
    "volume detach": named_in("volume", _E.UPDATE),
    "volume delete": named_in("volume", _E.DELETE, "deletes the volume and its data"),
    "volume deregister": named_in("volume", _E.DELETE),
    "server members": fixed(_READ, "server/*"),
    "server force-leave": named_in("server", _E.UPDATE, "disruptive: the server leaves"),
    "system gc": fixed(_E.UPDATE, "*", "collects dead jobs, evaluations and allocations"),
    "operator snapshot save": fixed(_READ, "*"),
    "operator snapshot restore": fixed(
        _E.REPLACE, "*", "replaces the cluster's whole state (jobs, variables, ACLs) with it"
    ),
}
# Kinds whose names live in a namespace (``nomad:<ns>/job/web`` besides ``nomad:job/web``).
_NAMESPACED = frozenset(
    {"job", "run", "stop", "scale", "plan", "alloc", "exec", "logs", "var", "volume"}
    | {"deployment"}
)


@command("nomad")
def nomad(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Nomad's commands, as the module docstring says."""
    opts = parse_options(go_style(cmd.args), _NOMAD)
    if opts.has("h", "help"):
        return [command_effect(_E.READ, cmd, ctx, detail=PRINTS_ONLY)]
    words = list(opts.operands)
    address = opts.value("address") or setting(cmd, ctx.env, "NOMAD_ADDR")
    call = StoreCall(cmd, ctx, "nomad", hosts=server_hosts(address))
    if words and words[0] in _NAMESPACED:
        namespace = opts.value("namespace") or setting(cmd, ctx.env, "NOMAD_NAMESPACE")
        call = evolve(call, namespace=namespace or "default")
    if words[:1] == ["exec"]:
        words = ["alloc", *words]  # ``nomad exec`` is ``nomad alloc exec`` (its alias)
    if words[:2] == ["alloc", "exec"]:
        # The command after the allocation is the allocation's, not nomad's options.
        words = ["alloc", "exec", *_after_alloc(cmd.args)]
    found = meaning_of(call, opts, words, _NOMAD_MEANINGS)
    return found if found is not None else not_understood(call)


def _after_alloc(args: Sequence[str]) -> list[str]:
    """``alloc exec``'s allocation and the command after it, as written."""
    rest = list(args[list(args).index("exec") + 1 :])
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        # ``-task NAME`` and ``-e CHAR`` take a value; ``-i``, ``-t`` and ``-job`` do not.
        valued = "=" not in rest[i] and rest[i].lstrip("-") in ("task", "e")
        i += 2 if valued else 1
    return rest[i:]
