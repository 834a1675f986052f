"""Google Cloud and Azure command lines: ``gcloud``, ``gsutil``, ``az``.

Names (decided here; ``keyturn policy lint`` should know these forms):
- ``gcloud <group...> <verb> NAME`` -> ``gcp:<group path>/<name>`` (``gcp:compute/instances/
  web-1``, ``gcp:projects/acme-prod``), plus ``gcp:<project>/<group path>/<name>`` when the
  project is known (``--project``, ``CLOUDSDK_CORE_PROJECT``, else the active configuration's
  ``[core] project``: :mod:`._gcloud_config`), and ``gcp:configurations/<configuration>/<group
  path>/<name>`` when a named configuration gives it (``--configuration``,
  ``CLOUDSDK_ACTIVE_CONFIG_NAME``, gcloud's ``active_config``), so ``*prod*`` tells the
  environment by project or configuration too. A release track (``beta``, ``alpha``) is left
  out of the name, and a full resource path or URL (``projects/P/zones/Z/instances/web-1``)
  names the resource as its short name does, in project ``P`` (:mod:`._gcloud_names`). Cloud
  Storage objects are ``gs://bucket/path``.
- ``az <group...> <verb> -n NAME -g RG`` -> ``azure:<group path>/<name>`` (``azure:vm/web``,
  ``azure:group/rg-prod``), plus ``azure:<rg>/<group path>/<name>`` when the resource group is
  known (``-g``, else az's default group), and ``azure:subscriptions/<subscription>/<group
  path>/<name>`` when ``--subscription`` or az's default subscription (its id and its name)
  names one (:mod:`._az_defaults`); ``--ids`` ARM ids are ``azure:<id>``. A default read from
  the tools' files is only ever a name besides: where the line names nothing (``*``), ``*``
  stays.

Where they land: only by an environment given outright or by those names; an AWS profile, a
kube context or a Terraform workspace of the shell says nothing of them (:func:`cloud_target`).

Verbs: delete/purge -> delete; list/describe/show/get-* -> read; create/add -> create;
IAM bindings -> update of service ``iam``; ``az lock delete`` -> removes the protection of the
locked scope; ``--no-deletion-protection`` (and its kin) -> removes the resource's protection;
``az deployment group create --mode Complete`` -> delete of everything in the group not in the
template (``azure:<rg>/*``); ``gcloud compute ssh --command`` and ``az vm run-command invoke
--scripts`` -> the nested command's effects; ``gcloud config``/``init`` and ``az account|login|
configure|config`` writes -> a write of the tool's config directory (later calls on the line
read no defaults from it); other verbs -> update. A line whose group or verb is not recognised
is unknown. ``--quiet``/``--yes`` is noted in the detail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import takewhile

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand.shell.commands._argv import setting, with_command
from keyturn.understand.shell.commands._az_defaults import (
    AzDefaults,
    az_defaults,
    az_state_write,
    rewrites_az_state,
)
from keyturn.understand.shell.commands._az_scopes import (
    az_group_deployment,
    az_lock_delete,
    cloud_effect,
)
from keyturn.understand.shell.commands._gcloud_config import (
    config_writes,
    gcloud_defaults,
    reads_config,
)
from keyturn.understand.shell.commands._gcloud_names import (
    RELEASE_TRACKS,
    resource_name,
    unprotects,
)
from keyturn.understand.shell.commands._kube_call import kubeconfig_write, untold
from keyturn.understand.shell.effects import file_effect, home_path, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_READ_VERBS = frozenset({"list", "describe", "show", "get", "read", "export", "ls", "cat"})
_READ_PREFIXES = ("list-", "get-", "describe-", "show-", "check-", "wait")
_DELETE_VERBS = frozenset({"delete", "purge", "remove", "rm", "destroy", "rb", "abandon"})
_CREATE_VERBS = frozenset({"create", "add", "mb", "deploy", "submit", "import"})
_IAM_VERBS = frozenset({"add-iam-policy-binding", "remove-iam-policy-binding", "set-iam-policy"})
_VERB = re.compile(r"[a-z][a-z0-9-]*\Z")


def cloud_target(ctx: ShellContext) -> Target:
    """Where a Google Cloud or Azure call lands as far as the line tells: only by an
    environment given outright, or by its resources' names (project, configuration, resource
    group, subscription). The AWS profile, kube context or Terraform workspace of the shell
    say nothing of it, and an effect without hints of its own would take them (an
    ``AWS_PROFILE=dev`` would make a delete in any project a dev one): with such hints about,
    the environment is not told (the policy's unknown_environment)."""
    if ctx.target.environment or ctx.target == Target():
        return Target(environment=ctx.target.environment)
    return untold(ctx.target)


def _verb_effect(verb: str) -> EffectKind:
    if verb in _READ_VERBS or verb.startswith(_READ_PREFIXES):
        return EffectKind.READ
    if verb in _DELETE_VERBS or verb.startswith(("delete-", "remove-", "purge-")):
        return EffectKind.DELETE
    if verb in _CREATE_VERBS or verb.startswith("create-"):
        return EffectKind.CREATE
    return EffectKind.UPDATE


def _split(
    argv: Sequence[str], valued: frozenset[str], short: dict[str, str]
) -> tuple[list[str], dict[str, list[str]]]:
    """Positional words and ``--flag value`` options (flags not in ``valued`` take none)."""
    words: list[str] = []
    flags: dict[str, list[str]] = {}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word.startswith("-") and len(word) > 1:
            name, eq, value = word.lstrip("-").partition("=")
            name = short.get(name, name) if not word.startswith("--") else name
            if not eq and name in valued and i + 1 < len(argv):
                value, i = argv[i + 1], i + 1
            flags.setdefault(name, []).append(value)
            if name == "ids":  # az --ids takes several
                while i + 1 < len(argv) and not argv[i + 1].startswith("-"):
                    flags[name].append(argv[i + 1])
                    i += 1
        else:
            words.append(word)
        i += 1
    return words, flags


def _last(flags: dict[str, list[str]], name: str) -> str | None:
    """The last value given for ``--name``, if any."""
    values = flags.get(name)
    return values[-1] if values else None


_GCLOUD_VALUED = frozenset(
    {"project", "zone", "region", "format", "filter", "location", "account", "configuration"}
    | {"member", "role", "cluster", "instance", "database", "limit", "sort-by", "keyring"}
    | {"billing-account", "folder", "organization", "impersonate-service-account", "command"}
    | {"verbosity", "page-size", "service", "namespace", "platform", "image", "machine-type"}
    | {"condition", "policy-file", "key", "network", "subnet", "tier", "bucket", "topic"}
    | {"destination", "output-file", "out-file"}
)
_STORAGE_VERBS = frozenset({"rm", "cp", "mv", "rsync", "ls", "cat", "du"})
_GCLOUD_GROUP_SERVICE = {"projects": "resourcemanager", "iam": "iam", "storage": "storage"}


@command("gcloud")
def gcloud(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``gcloud [--project P] [alpha|beta] GROUP... VERB [NAME...] [--flags]``."""
    words, flags = _split(cmd.args, _GCLOUD_VALUED, {"q": "quiet"})
    ctx = evolve(ctx, target=cloud_target(ctx))
    track = words[:1] if words[:1] and words[0] in RELEASE_TRACKS else []
    words = words[len(track) :]  # the same resources, named the same way
    if words[:1] == ["init"] or (words[:1] == ["config"] and not reads_config(words)):
        # Written first: what follows on the line is not placed by what the disk held.
        writes = config_writes(words, cmd, ctx)
        call = _gcloud_call(words, flags, track, cmd, ctx)
        if call is None and words[:1] != ["init"]:
            call = [unknown_effect(cmd, "this form of 'gcloud' is not understood", ctx)]
        return with_command(writes + (call or []), cmd)
    found = _gcloud_call(words, flags, track, cmd, ctx)
    return None if found is None else with_command(found, cmd)


def _gcloud_call(
    words: list[str],
    flags: dict[str, list[str]],
    track: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect] | None:
    """The effects of a gcloud call other than a rewrite of its configuration."""
    configuration = _last(flags, "configuration") or setting(
        cmd, ctx.env, "CLOUDSDK_ACTIVE_CONFIG_NAME"
    )
    defaults = gcloud_defaults(cmd, ctx, configuration=configuration)
    given = _last(flags, "project") or setting(cmd, ctx.env, "CLOUDSDK_CORE_PROJECT")
    project = given or defaults.project
    # The configuration is named too, so that ``*prod*`` tells by it (``--configuration
    # prod``) when no flag or variable names the project.
    configuration = None if given or words[:1] == ["config"] else defaults.configuration
    if words[:1] == ["storage"] and len(words) > 1 and words[1] in _STORAGE_VERBS:
        recursive = "r" in flags or "recursive" in flags
        if words[1] == "rsync" and "delete-unmatched-destination-objects" in flags:
            return _storage("rsync", words[2:], recursive, cmd, ctx, deletes=True)
        return _storage(words[1], words[2:], recursive, cmd, ctx)
    at = next((i for i, w in enumerate(words) if i > 0 and _is_verb(w)), -1)
    if at < 0:
        return None
    group, verb, names = words[:at], words[at], words[at + 1 :]
    if verb == "ssh" and "command" in flags:
        return _nested(flags["command"][-1], cmd, ctx)
    if verb in ("ssh", "connect", "call", "scp"):
        return None
    path = "/".join(group)
    if not names:
        # Only the line names a project in place of ``*``: the configuration's is a name
        # besides, never the one name of what is changed.
        names = [given or "*"] if group == ["projects"] else ["*"]
    service = _GCLOUD_GROUP_SERVICE.get(group[0], group[0])
    kind = _verb_effect(verb)
    if verb in _IAM_VERBS:
        kind, service = EffectKind.UPDATE, "iam"
    unprotecting = kind is EffectKind.UPDATE and unprotects(flags)
    detail = "; ".join(
        d
        for d in (
            "--quiet: no confirmation prompt" if "quiet" in flags else "",
            "turns deletion protection off" if unprotecting else "",
        )
        if d
    )
    op = f"gcloud {' '.join(track + group)} {verb}"
    out = []
    for word in names:
        name, named_project = resource_name(word)
        in_project = named_project or project
        resource = [name] if name.startswith("gs://") else [f"gcp:{path}/{name}"]
        if group[0] in ("projects", "config"):
            in_project = None  # named by themselves, in no project
        if in_project:
            resource.append(f"gcp:{in_project}/{path}/{name}")
        if configuration and not named_project:
            resource.append(f"gcp:configurations/{configuration}/{path}/{name}")
        out.append(
            cloud_effect(
                kind,
                resource,
                ctx,
                service=service,
                operation=op,
                detail=detail,
                removes_protection=unprotecting,
            )
        )
    return out + _gcloud_local_writes(group, verb, flags, cmd, ctx)


def _gcloud_local_writes(
    group: list[str], verb: str, flags: dict[str, list[str]], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """Local files a gcloud call writes: the kubeconfig ``container clusters get-credentials``
    points at the cluster (kubectl later on the line lands there), an export's destination."""
    if group[-2:] == ["container", "clusters"] and verb == "get-credentials":
        return [kubeconfig_write(cmd, ctx, "gcloud: adds the cluster and makes it current")]
    out = []
    for option in ("destination", "output-file", "out-file"):
        for value in flags.get(option, []):
            if value and value != "-":
                path = home_path(value, ctx)
                out.append(file_effect(EffectKind.UPDATE, [path], cmd, ctx, detail=f"--{option}"))
    return out


def _az_local_writes(
    group: list[str], verb: str, flags: dict[str, list[str]], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """Local files an az call writes: the kubeconfig ``aks get-credentials`` changes (``-f``
    another), a download's file or directory."""
    if group == ["aks"] and verb == "get-credentials":
        given = _last(flags, "file")
        if given is None:
            return [kubeconfig_write(cmd, ctx, "az aks: adds the cluster and makes it current")]
        if given == "-":
            return []
        path = home_path(given, ctx)
        return [file_effect(EffectKind.UPDATE, [path], cmd, ctx, detail="az aks get-credentials")]
    if not verb.startswith("download"):
        return []
    out = []
    for option in ("file", "dest", "destination", "path"):
        for value in flags.get(option, []):
            path = home_path(value, ctx)
            paths = [path, f"{path.rstrip('/')}/*"] if verb == "download-batch" else [path]
            out.append(file_effect(EffectKind.UPDATE, paths, cmd, ctx, detail=f"az {verb}"))
    return out


def _is_verb(word: str) -> bool:
    return (
        word in _READ_VERBS
        or word in _DELETE_VERBS
        or word in _CREATE_VERBS
        or word in _IAM_VERBS
        or word.startswith((*_READ_PREFIXES, "delete-", "create-", "remove-", "set-", "update"))
        or word in ("update", "patch", "resize", "start", "stop", "reset", "restart", "ssh")
        or word in ("connect", "call", "scp", "set", "unset", "enable", "disable", "execute")
    ) and _VERB.match(word) is not None


def _nested(text: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if ctx.understand_nested is None:
        return [
            cloud_effect(
                EffectKind.UNKNOWN,
                ["gcp:remote-command"],
                ctx,
                service="shell",
                operation=f"{cmd.name} remote command",
                detail="runs a command on a remote host",
            )
        ]
    return ctx.understand_nested(text)


def _storage(
    verb: str,
    args: list[str],
    recursive: bool,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    deletes: bool = False,
) -> list[Effect]:
    """``gcloud storage``/``gsutil`` verbs over ``gs://`` URLs and local paths (``deletes``:
    ``rsync`` removes what the source lacks from the destination)."""
    if deletes:
        destination = [a for a in args if not a.startswith("-")][-1:]
        local = [a for a in destination if _local_path(a)]
        remote = _remote_storage("rm", destination if not local else [], recursive, cmd, ctx)
        return (remote if not local else []) + _local_storage(
            verb, args, recursive, cmd, ctx, deletes=True
        )
    return _remote_storage(verb, args, recursive, cmd, ctx) + _local_storage(
        verb, args, recursive, cmd, ctx, deletes=False
    )


def _remote_storage(
    verb: str, args: list[str], recursive: bool, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The effects of a storage verb on the buckets and objects ``args`` name."""
    urls = [a for a in args if a.startswith("gs://")]
    kind = _verb_effect(verb)
    if verb in ("cp", "rsync"):
        kind = EffectKind.UPDATE
    if verb == "mv" and urls:
        urls, kind = urls[:1], EffectKind.DELETE  # the source is deleted
    if not urls:
        urls = ["gs://*"]
    if verb in ("cp", "mv", "rsync") and args and not args[-1].startswith("gs://"):
        kind = EffectKind.READ if verb != "mv" else kind  # downloading reads the bucket
    detail = "recursive" if recursive else ""
    op = f"{cmd.name} storage {verb}" if cmd.name == "gcloud" else f"gsutil {verb}"
    return [
        cloud_effect(
            kind, [u.rstrip("/") or u], ctx, service="storage", operation=op, detail=detail
        )
        for u in urls
    ]


def _local_path(word: str) -> bool:
    """Whether a storage operand is a path on this machine (``file://`` or no scheme)."""
    return word != "-" and (word.startswith("file://") or "://" not in word)


def _local_storage(
    verb: str,
    args: list[str],
    recursive: bool,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    deletes: bool,
) -> list[Effect]:
    """What a copy, move or sync does to local files: the destination written (its tree
    emptied of what the source lacks, for ``rsync -d``), a moved source deleted."""
    if verb not in ("cp", "mv", "rsync"):
        return []
    operands = [a for a in args if not a.startswith("-")]
    if len(operands) < 2:
        return []
    *sources, destination = operands
    op = f"{cmd.name} storage {verb}" if cmd.name == "gcloud" else f"gsutil {verb}"
    out = []
    if _local_path(destination):
        path = home_path(destination.removeprefix("file://"), ctx)
        tree = recursive or verb == "rsync" or len(sources) > 1 or destination.endswith("/")
        paths = [path, f"{path.rstrip('/')}/*"] if tree else [path]
        kind = EffectKind.DELETE if deletes else EffectKind.UPDATE
        detail = "removes the local files the source lacks" if deletes else "downloads into it"
        out.append(file_effect(kind, paths, cmd, ctx, detail=f"{op}: {detail}"))
    if verb == "mv":
        for source in (s for s in sources if _local_path(s)):
            path = home_path(source.removeprefix("file://"), ctx)
            paths = [path, f"{path.rstrip('/')}/*"] if recursive else [path]
            out.append(file_effect(EffectKind.DELETE, paths, cmd, ctx, detail=f"{op}: moved away"))
    return out


@command("gsutil")
def gsutil(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``gsutil [-m] [-o OPT] [-u PROJECT] VERB [-r] gs://...``."""
    ctx = evolve(ctx, target=cloud_target(ctx))
    args = list(cmd.args)
    while args and args[0].startswith("-"):
        args = args[2:] if args[0] in ("-o", "-u", "-h", "-i") else args[1:]
    if not args:
        return None
    verb, rest = args[0], args[1:]
    recursive = any(a.startswith("-") and ("r" in a or "R" in a) for a in rest)
    if verb == "rsync" and any(a.startswith("-") and "d" in a for a in rest):
        effects = _storage("rsync", rest, recursive, cmd, ctx, deletes=True)
        return with_command(effects, cmd)
    if verb in ("acl", "iam", "defacl", "lifecycle", "setmeta", "label", "retention"):
        sub = rest[0] if rest else ""
        kind = EffectKind.READ if sub == "get" else EffectKind.UPDATE
        urls = [a for a in rest if a.startswith("gs://")] or ["gs://*"]
        service = "iam" if verb == "iam" else "storage"
        op = f"gsutil {verb} {sub}".strip()
        return with_command([cloud_effect(kind, urls, ctx, service=service, operation=op)], cmd)
    return with_command(_storage(verb, rest, recursive, cmd, ctx), cmd)


_AZ_VALUED = frozenset(
    {"name", "resource-group", "subscription", "location", "output", "query", "ids", "mode"}
    | {"template-file", "template-uri", "parameters", "scripts", "command-id", "resource"}
    | {"resource-type", "namespace", "parent", "vault-name", "server", "account-name"}
    | {"lock-name", "image", "size", "sku", "scope", "assignee", "role", "tags", "set"}
    | {"script", "script-uri", "command", "settings", "protected-settings", "vm-name"}
    | {"file", "dest", "destination", "path"}
)
_AZ_SHORT = {"n": "name", "g": "resource-group", "l": "location", "o": "output", "y": "yes"}
_AZ_SHORT |= {"f": "file", "d": "destination"}


@command("az")
def az(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``az GROUP... VERB [-n NAME] [-g RG] [--ids ID...]``."""
    ctx = evolve(ctx, target=cloud_target(ctx))
    # az takes no positional names: the words before the first option are the groups and the
    # verb; a word after an option is that option's value (-s NAME), whether known or not.
    words = list(takewhile(lambda arg: not arg.startswith("-"), cmd.args))
    if rewrites_az_state(words):
        # Written first: what follows on the line is not placed by what the disk held.
        found = _az_call(words, cmd, ctx)
        if found is None:
            found = [unknown_effect(cmd, "this form of 'az' is not understood", ctx)]
        return with_command(az_state_write(words, cmd, ctx) + found, cmd)
    found = _az_call(words, cmd, ctx)
    return None if found is None else with_command(found, cmd)


def _az_call(words: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """The effects of an az call (``words``: its groups and verb)."""
    _, flags = _split(cmd.args, _AZ_VALUED, _AZ_SHORT)
    if len(words) < 2 or _VERB.match(words[-1]) is None:
        return None
    group, verb = words[:-1], words[-1]
    # What az's files say names the resources too (never az's own settings).
    defaults = AzDefaults() if rewrites_az_state(words) else az_defaults(cmd, ctx)
    given_rg = _last(flags, "resource-group")
    # The subscription is named, so that ``*prod*`` tells by it too: the flag's, else the
    # profile's default (by its id and its name).
    given = _last(flags, "subscription")
    subscriptions = [given] if given else list(defaults.subscriptions)
    detail = "--yes: no confirmation prompt" if "yes" in flags else ""
    # Where a group stands in place of ``*`` (the lock removed, what Complete mode deletes),
    # only the line's own -g names it: az's default group is only ever a name besides.
    if group[-1:] == ["lock"] and verb == "delete":
        return az_lock_delete(group, flags, given_rg, ctx)
    remote = [
        effect
        for text in _az_remote_texts(group, verb, flags)
        for effect in (_nested(text, cmd, ctx) if text is not None else _not_spelt(cmd, ctx))
    ]
    if group[:2] == ["deployment", "group"] and verb == "create":
        return az_group_deployment(flags, given_rg, ctx)
    rg = given_rg or (defaults.group if group != ["group"] else None)
    path = "/".join(group)
    kind = _verb_effect(verb)
    if verb == "purge":
        detail = "permanent: cannot be recovered"
    names = flags.get("name") or flags.get("lock-name") or []
    if group == ["group"] and not names and rg:
        names, rg = [rg], None
    if not names and not flags.get("ids"):
        names = ["*"]
    out = []
    op = f"az {' '.join(group)} {verb}"
    for name in names:
        resource = [f"azure:{path}/{name}"] + ([f"azure:{rg}/{path}/{name}"] if rg else [])
        resource += [f"azure:subscriptions/{s}/{path}/{name}" for s in subscriptions]
        out.append(cloud_effect(kind, resource, ctx, service=group[0], operation=op, detail=detail))
    for arm_id in flags.get("ids", []):
        out.append(cloud_effect(kind, [f"azure:{arm_id}"], ctx, service=group[0], operation=op))
    return out + remote + _az_local_writes(group, verb, flags, cmd, ctx)


# Extensions that run a shell command given in their settings (``commandToExecute``), and
# those that run code the call does not spell out in sh (PowerShell, a script by URL).
_SHELL_EXTENSIONS = frozenset({"CustomScript", "CustomScriptForLinux"})
_CODE_EXTENSIONS = frozenset(
    {
        *("CustomScriptExtension", "RunCommandLinux", "RunCommandHandlerLinux"),
        *("RunCommandWindows", "RunCommandHandlerWindows", "DSC"),
    }
)


def _az_remote_texts(group: list[str], verb: str, flags: dict[str, list[str]]) -> list[str | None]:
    """The shell text an az call runs on machines or in a cluster (``vm run-command``, ``aks
    command invoke``, a CustomScript extension): judged as command lines; None for code the
    call runs without spelling it out (a script by URL, a settings file, PowerShell)."""
    if group[-1:] == ["run-command"] and group[0] in ("vm", "vmss") and verb != "delete":
        if verb.startswith(("list", "show", "get")) or verb == "wait":
            return []
        scripts = flags.get("scripts") or flags.get("script")
        if flags.get("script-uri") or (verb == "create" and not scripts):
            return [None]  # a script fetched by URL, or one of a stock command id
        return ["\n".join(scripts)] if scripts else []
    if group == ["aks", "command"] and verb == "invoke":
        command = flags.get("command")
        return [command[-1]] if command else [None]
    if group[-1:] == ["extension"] and verb == "set":
        name = (flags.get("name") or [""])[-1]
        if name in _CODE_EXTENSIONS:
            return [None]
        if name not in _SHELL_EXTENSIONS:
            return []
        return [
            _command_to_execute(value)
            for option in ("settings", "protected-settings")
            for value in flags.get(option, [])
        ] or [None]
    return []


def _command_to_execute(settings: str) -> str | None:
    """The ``commandToExecute`` of a CustomScript extension's settings (JSON); None when the
    settings come from a file, fetch a script, or run one given in base64."""
    import json

    try:
        value = json.loads(settings)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or value.get("fileUris") or value.get("script"):
        return None
    command = value.get("commandToExecute")
    return command if isinstance(command, str) else None


def _not_spelt(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [
        cloud_effect(
            EffectKind.UNKNOWN,
            ["azure:remote-command"],
            ctx,
            service="shell",
            operation=f"{cmd.name} remote command",
            detail="runs code on machines that the call does not spell out",
        )
    ]
