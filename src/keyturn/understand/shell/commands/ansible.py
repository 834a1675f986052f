"""Ansible ad-hoc commands: ``ansible PATTERN -m MODULE -a ARGS``.

The ``shell``, ``command`` and ``raw`` modules run their argument text on every host the
pattern selects: that text is understood as the command line it is (like ``ssh HOST CMD``),
named also on those hosts (``ansible:web/file:/srv/app``), and the detail names them.
``ping``, ``setup`` and ``gather_facts``, ``--list-hosts``, ``--syntax-check`` and ``--check``
(nothing changes) read. Any other module changes the hosts
in ways its own arguments decide, and a playbook (``ansible-playbook``) does what its YAML
says: both are unknown.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import local_target, named_in, unknown_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_ANSIBLE = OptionSpec(
    valued="maiufecMtTBPl",
    long={
        "module-name": "m",
        "args": "a",
        "inventory": "i",
        "user": "u",
        "forks": "f",
        "extra-vars": "e",
        "limit": "l",
        "become-user": "become-user",
        "check": "C",
    },
    long_valued=frozenset({"m", "a", "i", "u", "f", "e", "l", "become-user", "become-method"})
    | frozenset({"connection", "timeout", "private-key", "vault-id", "vault-password-file"})
    | frozenset({"module-path", "playbook-dir", "ssh-common-args", "ssh-extra-args", "tree"}),
)
_RUNS_TEXT = frozenset({"shell", "command", "raw", "ansible.builtin.shell"})
_RUNS_TEXT |= {"ansible.builtin.command", "ansible.builtin.raw"}
_READS = frozenset({"ping", "setup", "gather_facts", "ansible.builtin.ping"})
_READS |= {"ansible.builtin.setup", "ansible.builtin.gather_facts"}


@command("ansible")
def ansible(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """An ad-hoc run, as the module docstring says."""
    opts = parse_options(cmd.args, _ANSIBLE)
    pattern = opts.operands[0] if opts.operands else None
    if pattern is None:
        return None
    hosts = [f"ansible:{pattern}"]
    module = opts.value("m") or "command"  # ansible's default module
    if opts.has("list-hosts", "syntax-check", "C", "version") or module in _READS:
        return [_hosts_effect(EffectKind.READ, hosts, cmd, ctx, "changes nothing")]
    text = opts.value("a")
    if module not in _RUNS_TEXT or text is None:
        return None
    if ctx.understand_nested is None:
        return [unknown_effect(cmd, f"runs a command on the hosts {pattern}", ctx)]
    note = f"on every host of {pattern} (ansible -m {module})"
    return [
        named_in(evolve(e, detail=f"{e.detail}; {note}" if e.detail else note), hosts)
        for e in ctx.understand_nested(text)
    ]


def _hosts_effect(
    kind: EffectKind, names: list[str], cmd: SimpleCommand, ctx: ShellContext, detail: str
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(tuple(names), type="hosts"),
        target=local_target(ctx),
        service="ansible",
        command=cmd.text or None,
        operation="ansible",
        detail=detail,
    )
