"""The AWS CLI's own ``aws emr`` commands, which are no API operation of EMR's model.

awscli 1.46's ``customizations/emr`` adds commands that each make other calls; they are read
here as the calls they make, on the cluster they name (``arn:aws:elasticmapreduce:…:cluster/
j-…``, the name the API's own operations give it):

- ``modify-cluster-attributes --cluster-id ID`` with ``--[no-]termination-protected``,
  ``--[no-]visible-to-all-users``, ``--[no-]auto-terminate``,
  ``--[no-]unhealthy-node-replacement``: ``SetTerminationProtection`` and the others, one per
  switch given (``--no-termination-protected`` switches the cluster's protection off);
- ``terminate-clusters --cluster-ids ID…``: ``TerminateJobFlows``; ``describe-cluster``: reads;
- ``add-steps``, ``install-applications``, the HBase backup commands: ``AddJobFlowSteps`` (a
  step runs any program on the cluster); ``add-instance-groups``: ``AddInstanceGroups``;
- ``ssh``, ``socks``, ``get``, ``put``: ssh to the master node (``ssh --command`` runs a command
  there, ``socks`` opens a tunnel, ``get``/``put`` copy a file from or to it): ``unknown`` on
  the cluster; ``get`` writes a local file (``--dest``, else the source's name here), ``put``
  and ``--key-pair-file`` read one;
- ``create-default-roles``: creates the IAM roles ``EMR_DefaultRole``, ``EMR_EC2_DefaultRole``
  (and its instance profile) and ``EMR_AutoScaling_DefaultRole``, attaching AWS's policies.

``create-cluster`` is left to the caller (an ``unknown``: what a cluster made so runs is in its
many options). Options may be abbreviated, as argparse allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._aws_cli_words import RunTimeWords, resolve_option
from keyturn.understand.shell.effects import file_effect, file_path, write_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_SWITCHES = {
    "termination-protected": ("SetTerminationProtection", "TerminationProtected", False),
    "visible-to-all-users": ("SetVisibleToAllUsers", "VisibleToAllUsers", False),
    "auto-terminate": ("SetKeepJobFlowAliveWhenNoSteps", "KeepJobFlowAliveWhenNoSteps", True),
    "unhealthy-node-replacement": (
        "SetUnhealthyNodeReplacement",
        "UnhealthyNodeReplacement",
        False,
    ),
}
_SSH = "cluster-id key-pair-file"
# Each command's options (awscli's ARG_TABLEs) -> how many words they take: 0, 1 or "+".
_OPTIONS: dict[str, dict[str, str]] = {
    "modify-cluster-attributes": {
        "--cluster-id": "1",
        **{f"--{p}{s}": "0" for s in _SWITCHES for p in ("", "no-")},
    },
    "terminate-clusters": {"--cluster-ids": "+"},
    "describe-cluster": {"--cluster-id": "1"},
    "add-steps": {"--cluster-id": "1", "--steps": "+", "--execution-role-arn": "1"},
    "install-applications": {"--cluster-id": "1", "--applications": "+"},
    "add-instance-groups": {"--cluster-id": "1", "--instance-groups": "+"},
    "restore-from-hbase-backup": {"--cluster-id": "1", "--dir": "1", "--backup-version": "1"},
    "create-hbase-backup": {"--cluster-id": "1", "--dir": "1", "--consistent": "0"},
    "schedule-hbase-backup": {
        **{f"--{o}": "1" for o in ("cluster-id", "type", "dir", "interval", "unit", "start-time")},
        "--consistent": "0",
    },
    "disable-hbase-backups": {"--cluster-id": "1", "--full": "0", "--incremental": "0"},
    "ssh": {**{f"--{o}": "1" for o in _SSH.split()}, "--command": "1", "--ssh-options": "+"},
    "socks": {**{f"--{o}": "1" for o in _SSH.split()}, "--ssh-options": "+"},
    "get": {**{f"--{o}": "1" for o in (*_SSH.split(), "src", "dest")}, "--ssh-options": "+"},
    "put": {**{f"--{o}": "1" for o in (*_SSH.split(), "src", "dest")}, "--ssh-options": "+"},
    "create-default-roles": {"--iam-endpoint": "1"},
}
_STEPS = frozenset(
    {"add-steps", "install-applications", "restore-from-hbase-backup", "create-hbase-backup"}
    | {"schedule-hbase-backup", "disable-hbase-backups"}
)
_ROLES = {
    "EMR_EC2_DefaultRole": "AmazonElasticMapReduceforEC2Role",
    "EMR_DefaultRole": "AmazonElasticMapReduceRole",
    "EMR_AutoScaling_DefaultRole": "AmazonElasticMapReduceforAutoScalingRole",
}


def emr_effects(
    words: list[str],
    *,
    cmd: SimpleCommand,
    ctx: ShellContext,
    target: Target,
    run_time: RunTimeWords,
) -> tuple[list[Effect], bool] | None:
    """``(effects, loose)`` of ``aws emr COMMAND …`` (``words`` from the command on) when it
    is one of the CLI's own commands, else None. ``loose``: a word decided at run time may
    stand for options. Raises AmbiguousOption for an abbreviation several options share."""
    options = _OPTIONS.get(words[0])
    if options is None:
        return None
    given, loose = split_custom(words[1:], options, run_time.shifted(1))
    sub = words[0]
    clusters = given.get("--cluster-ids") or given.get("--cluster-id") or ["*"]
    found: list[Effect] = []
    if sub == "modify-cluster-attributes":
        for switch, (operation, member, inverted) in _SWITCHES.items():
            for spelt, on in ((f"--{switch}", True), (f"--no-{switch}", False)):
                if spelt in given:
                    params = {"JobFlowIds": clusters[:1], member: on != inverted}
                    found += api_effects("emr", operation, params, target)
    elif sub == "terminate-clusters":
        found += api_effects("emr", "TerminateJobFlows", {"JobFlowIds": clusters}, target)
    elif sub == "describe-cluster":
        found += api_effects("emr", "DescribeCluster", {"ClusterId": clusters[0]}, target)
    elif sub in _STEPS:
        params = {"JobFlowId": clusters[0], "Steps": []}
        found += api_effects("emr", "AddJobFlowSteps", params, target)
    elif sub == "add-instance-groups":
        params = {"JobFlowId": clusters[0], "InstanceGroups": []}
        found += api_effects("emr", "AddInstanceGroups", params, target)
    elif sub == "create-default-roles":
        found += _default_roles(target)
    else:
        found += _over_ssh(sub, given, clusters[0], cmd, ctx, target)
    if sub == "modify-cluster-attributes" and not found:
        reason = "aws emr modify-cluster-attributes: no attribute given, the CLI refuses it"
        found.append(_unknown(clusters[0], target, reason))
    return found, loose


def split_custom(
    words: list[str], options: dict[str, str], run_time: RunTimeWords
) -> tuple[dict[str, list[str]], bool]:
    """The options of one of the CLI's own commands given (by full name) with their words, and
    whether a word decided at run time may stand for options. ``options`` maps each option to
    how many words it takes (``0``, ``1`` or ``+``); an option the command lacks takes nothing
    (the CLI refuses it). Shared with :mod:`._aws_cli_cloudformation`."""
    given: dict[str, list[str]] = {}
    loose = False
    current: list[str] | None = None
    nargs = "0"
    for index, word in enumerate(words):
        if run_time.names_option(index, word):
            name, eq, value = word.partition("=")
            option = resolve_option(name, options) or name
            nargs = options.get(option, "0")
            current = given.setdefault(option, [])
            current.clear()
            if eq:
                current.append(value)
                current = None if nargs == "1" else current
            loose = loose or index in run_time.splits
            continue
        bound = current is not None and nargs == "1" and not current
        loose = loose or run_time.loose(index, word, bound=bound)
        if current is not None and (nargs == "+" or (nargs == "1" and not current)):
            current.append(word)
    return given, loose


def api_effects(
    service: str, operation: str, params: Mapping[str, Any], target: Target
) -> list[Effect]:
    """The effects of the API call one of the CLI's own commands makes."""
    from keyturn.understand.aws import aws_effects

    try:
        return aws_effects(service, operation, params, target=target)
    except InputError as exc:  # an older botocore without the operation: not judged, so held
        return [_unknown("*", target, str(exc))]


def _cluster(cluster: str, target: Target) -> Resource:
    account = target.aws_account if (target.aws_account or "").isdigit() else "*"
    region = target.aws_region or "*"
    name = f"arn:aws:elasticmapreduce:{region}:{account}:cluster/{cluster}"
    return Resource(names=(name,))


def _unknown(cluster: str, target: Target, reason: str) -> Effect:
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=_cluster(cluster, target),
        target=target,
        service="emr",
        detail=reason,
    )


def _over_ssh(
    sub: str,
    given: dict[str, list[str]],
    cluster: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    target: Target,
) -> list[Effect]:
    """``ssh``/``socks``/``get``/``put``: ssh to the cluster's master node, and the local files
    read (the key, ``put``'s source) or written (``get``'s destination)."""
    what = {
        "ssh": "runs a command (or a shell) on the cluster's master node over ssh",
        "socks": "opens an ssh tunnel to the cluster's master node",
        "get": "copies a file from the cluster's master node",
        "put": "copies a local file to the cluster's master node",
    }[sub]
    found = [_unknown(cluster, target, f"aws emr {sub}: {what}")]
    reads = given.get("--key-pair-file", [])[:1]
    if sub == "put":
        reads += given.get("--src", [])[:1]
    found += [
        file_effect(EffectKind.READ, [file_path(p, ctx)], cmd, ctx, detail=f"aws emr {sub} reads")
        for p in reads
    ]
    if sub == "get":
        source = (given.get("--src") or ["*"])[0]
        dest = (given.get("--dest") or [source.rstrip("/").rsplit("/", 1)[-1] or "*"])[0]
        found.append(write_effect(file_path(dest, ctx), cmd, ctx, detail="aws emr get writes"))
    return found


def _default_roles(target: Target) -> list[Effect]:
    """The IAM calls ``create-default-roles`` makes (each role only when missing: taken as
    made)."""
    found: list[Effect] = []
    for role, policy in _ROLES.items():
        found += api_effects("iam", "CreateRole", {"RoleName": role}, target)
        arn = f"arn:aws:iam::aws:policy/service-role/{policy}"
        attached = {"RoleName": role, "PolicyArn": arn}
        found += api_effects("iam", "AttachRolePolicy", attached, target)
    profile = {"InstanceProfileName": "EMR_EC2_DefaultRole"}
    found += api_effects("iam", "CreateInstanceProfile", profile, target)
    params = {**profile, "RoleName": "EMR_EC2_DefaultRole"}
    found += api_effects("iam", "AddRoleToInstanceProfile", params, target)
    note = "aws emr create-default-roles"
    return [replace(e, detail=f"{e.detail}; {note}") for e in found]
