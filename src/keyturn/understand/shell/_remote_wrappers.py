"""Wrappers that run the command in a container or a pod (``docker exec``, ``podman exec``,
``kubectl exec``), and what makes ssh run something on this machine after all.

They are apart from the local ones (:mod:`._special_wrappers`) because the command they reach
does not run here: :data:`~keyturn.understand.shell.wrappers.LOCAL_WRAPPERS` leaves them out,
and the wrapper they add (``docker-exec:web``, ``kubectl-exec:shop/web-0``) names where it runs.
ssh itself is a generic wrapper (its string goes to a shell on the remote host);
:func:`ssh_runs_locally` finds the options that make it run a program, load a library or write
a file on this machine, so that such a line is unknown rather than judged as remote.
"""

from __future__ import annotations

import re

from keyturn.understand.shell._wrapper_state import Outcome, State, Step, Unwrapped
from keyturn.understand.shell.commands._kube_args import parse_command
from keyturn.understand.shell.commands._kube_flags import KUBECTL_GLOBAL, KUBECTL_VERBS
from keyturn.understand.shell.commands._kube_place import POD_CONTEXT_LABEL
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.paths import basename


def container_exec(state: State) -> Outcome:
    tool = basename(state.argv[0])
    args = state.argv[1:]
    skip = 1 if args[:1] == ["exec"] else 2 if args[:2] == ["container", "exec"] else 0
    if not skip:
        return Step.STOP
    spec = OptionSpec(
        valued="eguw",
        long={"env": "e", "user": "u", "workdir": "w", "env-file": "env-file"},
        long_valued=frozenset({"e", "u", "w", "env-file", "detach-keys"}),
        stop_at_operand=True,
    )
    opts = parse_options(args[skip:], spec)
    index = len(state.argv) - len(opts.rest)
    if index + 1 >= len(state.argv):
        return Unwrapped(None, unknown=f"{tool} exec without a command")
    state.wrappers.append(f"{tool}-exec:{state.argv[index]}")
    state.drop(index + 1)
    return Step.GO_ON


def kubectl_exec(state: State) -> Outcome:
    """``kubectl exec [OPTIONS] POD -- CMD…``: the command runs in the pod (noted with its
    namespace when the line gives one, ``kubectl-exec:shop/web-0``; else ``kubectl-exec:web-0``,
    the kubeconfig's namespace being beyond the words), in the cluster of the context the line
    names (noted ``kube-context:NAME``, for a kube tool run in the pod: :mod:`._kube_place`).

    Only when ``exec`` is the verb kubectl runs, found as kubectl finds it (a word ``exec``
    elsewhere is a name or a flag's value: ``kubectl -n exec delete ns x -- y`` deletes)."""
    args = parse_command(state.argv[1:], root=KUBECTL_GLOBAL, verbs=KUBECTL_VERBS)
    if args.words[:1] != ("exec",) or "--" not in state.argv:
        return Step.STOP
    cut = state.argv.index("--") + 1
    if cut >= len(state.argv):
        return Unwrapped(None, unknown="kubectl exec without a command")
    told = not args.unknown and not any(state.dynamic[1:cut])
    pod = args.words[1].removeprefix("pod/") if told and len(args.words) > 1 else "?"
    namespace = args.value("--namespace") if told else "*"
    state.wrappers.append(f"kubectl-exec:{namespace}/{pod}" if namespace else f"kubectl-exec:{pod}")
    context = args.value("--context")
    elsewhere = any(args.value(f) for f in ("--cluster", "--server", "--user"))
    if told and context and not elsewhere:
        state.wrappers.append(f"{POD_CONTEXT_LABEL}:{context}")
    state.drop(cut)
    return Step.GO_ON


# ssh settings (``-o NAME=VALUE``) that run a program or load a library on this machine.
_SSH_LOCAL_SETTINGS = frozenset(
    {
        *("proxycommand", "localcommand", "permitlocalcommand", "knownhostscommand", "match"),
        *("pkcs11provider", "securitykeyprovider", "xauthlocation", "include"),
    }
)
_SSH_NO_CONFIG = frozenset({"none", "/dev/null"})
# How ssh splits a setting: its name, then blanks or one ``=``.
_SSH_SETTING = re.compile(r"\s*=\s*|\s+")


def ssh_runs_locally(opts: Options) -> str | None:
    """Why an ssh command line runs something on this machine, or ``None``: a setting that
    runs a command or loads a library here (``-o ProxyCommand=…``, ``-I pkcs11.so``), another
    configuration file (``-F``: it may hold them), or a log file written here (``-E``)."""
    for setting in opts.values.get("o", ()):
        name, *value = _SSH_SETTING.split(setting.strip(), maxsplit=1)
        # ssh splits a setting as its config file's lines are split: quotes and backslashes
        # around or inside the keyword are taken away (``-o '"ProxyCommand" cmd'``).
        name = re.sub(r"[\"'\\]", "", name).lower()
        if name == "permitlocalcommand" and value and value[0].strip().lower() in ("no", "false"):
            continue
        if name in _SSH_LOCAL_SETTINGS:
            return f"ssh -o {setting[:60]}: runs a command or loads code on this machine"
    config = opts.value("F")
    if config is not None and config.lower() not in _SSH_NO_CONFIG:
        return f"ssh -F {config}: a configuration file may run commands on this machine"
    if opts.value("I") is not None:
        return f"ssh -I {opts.value('I')}: loads a PKCS#11 library on this machine"
    if opts.value("E") is not None:
        return f"ssh -E {opts.value('E')}: appends its log to a file on this machine"
    return None
