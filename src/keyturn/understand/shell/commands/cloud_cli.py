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
  names one (:mod:`._az_defaults`); ``--ids`` ARM ids are ``azure:<id>`` (a resource group's
  also ``azure:group/<rg>``: :mod:`._az_names`). Azure compares names without case, and so do
  protected ``azure:`` patterns. A default read from the tools' files is only ever a name
  besides: where the line names nothing (``*``), ``*`` stays.

Where they land: only by an environment given outright or by those names; an AWS profile, a
kube context or a Terraform workspace of the shell says nothing of them (:func:`cloud_target`).

Verbs: delete/purge -> delete; list/describe/show/get-* -> read; create/add -> create;
IAM bindings -> update of service ``iam``; ``az lock delete`` -> removes the protection of the
locked scope; ``--no-deletion-protection`` (and its kin) -> removes the resource's protection;
``az deployment group create --mode Complete`` -> delete of everything in the group not in the
template (``azure:<rg>/*``); ``gcloud … ssh`` (``--command``, ``-- CMD``, commands fed on its
input) and ``az vm run-command invoke --scripts`` -> the command's effects on that machine,
named there (:mod:`._gcloud_ssh`, :mod:`._az_remote`, :mod:`._cloud_remote`); ``gcloud sql
import`` -> unknown on the instance, exports -> an update of the bucket object they write
(:mod:`._gcloud_transfers`); ``az rest`` -> the ARM request it sends (:mod:`._az_names`);
protections switched off or data deleted without the verb saying so (soft delete, retention,
legal holds, ``--delete-backup-data``, a Cloud SQL restore over an instance, a lien removed,
Deployment Manager's ``--delete-policy``: :mod:`._az_protection`, :mod:`._gcloud_protection`);
what lives in a vault, server, account or instance is also named under it, and an ARM id or
type as az's group names it (:mod:`._az_nested`); ``gcloud config``/``init`` and ``az
account|login|configure|config`` writes -> a write of the
tool's config directory (later calls on the line read no defaults from it); other verbs ->
update. ``--quiet``/``--yes`` is noted in the detail.

gcloud's global flags that take a value are read with it (``--trace-token x sql …`` is a call of
the ``sql`` group), and ``--flags-file`` is read for the flags it gives (:mod:`._gcloud_flags_file`;
unknown on what the call names when it cannot be). A line whose group or verb is not recognised
is unknown, named by the command and its project (``gcp:<project>/*``), resource group or
subscription, and placed as any call of the tool is: never by the shell's AWS hints.
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
from keyturn.understand.shell.commands._az_names import arm_names, group_ids, rest_effects
from keyturn.understand.shell.commands._az_nested import id_url_names, inner_names
from keyturn.understand.shell.commands._az_protection import (
    data_deletes,
    switched_off,
    unprotecting,
)
from keyturn.understand.shell.commands._az_remote import (
    az_local_writes,
    az_names,
    az_remote_effects,
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
from keyturn.understand.shell.commands._gcloud_flags_file import expand_flags_files
from keyturn.understand.shell.commands._gcloud_names import (
    RELEASE_TRACKS,
    gcp_names,
    unprotects,
)
from keyturn.understand.shell.commands._gcloud_protection import (
    deployment_deletes,
    gsutil_unprotects,
    restored_instances,
    special_verb,
    storage_unprotects,
)
from keyturn.understand.shell.commands._gcloud_protection import (
    inner_names as gcloud_inner_names,
)
from keyturn.understand.shell.commands._gcloud_ssh import MACHINE_PATHS, ssh_effects
from keyturn.understand.shell.commands._gcloud_transfers import URI_OPTIONS, transfer_effects
from keyturn.understand.shell.commands._kube_call import kubeconfig_write
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.effects import file_effect, home_path, shell_name
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
    the environment is not told (the policy's unknown_environment): as for any server not on
    AWS."""
    return server_target(ctx)


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
    | {"destination", "output-file", "out-file", "delete-policy", "create-policy", "config"}
    | {"template", "composite-type", "restore-instance", "backup-instance", "backup-id"}
    | {"soft-delete-duration", "retention-period", "secret"}
    # gcloud's global flags that take a value (``gcloud help``; the hidden ones checked with
    # gcloud 528): ``--trace-token x sql …`` must not read ``x`` as the first group.
    | {"billing-project", "flatten", "access-token-file", "trace-token", "universe-domain"}
    | {"authority-selector", "authorization-token-file", "credential-file-override"}
    | {"http-timeout", "flags-file"}
    # ssh's, and the places of an import or an export.
    | {"ssh-flag", "container", "ssh-key-file", "strict-host-key-checking", *URI_OPTIONS}
    | {"ssh-key-expire-after", "ssh-key-expiration"}
)
_STORAGE_VERBS = frozenset({"rm", "cp", "mv", "rsync", "ls", "cat", "du"})
_GCLOUD_GROUP_SERVICE = {"projects": "resourcemanager", "iam": "iam", "storage": "storage"}
# Verbs that reach into a machine or a database rather than change a resource.
_SESSION_VERBS = frozenset({"ssh", "connect", "call", "scp", "connect-to-serial-port"})


@command("gcloud")
def gcloud(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``gcloud [--project P] [alpha|beta] GROUP... VERB [NAME...] [--flags]``."""
    ctx = evolve(ctx, target=cloud_target(ctx))
    args, not_read = expand_flags_files(cmd.args, cmd, ctx)
    # Words after ``--`` are the command's own (ssh's arguments for ``compute ssh``).
    cut = args.index("--") if "--" in args else len(args)
    words, flags = _split(args[:cut], _GCLOUD_VALUED, {"q": "quiet"})
    call = _Gcloud(words, flags, args[cut + 1 :], cmd, ctx)
    if call.words[:1] == ["init"] or (
        call.words[:1] == ["config"] and not reads_config(call.words)
    ):
        # Written first: what follows on the line is not placed by what the disk held.
        writes = config_writes(call.words, cmd, ctx)
        found = _gcloud_call(call)
        if found is None and call.words[:1] != ["init"]:
            found = [call.unknown("this form of 'gcloud' is not understood")]
        return with_command(writes + (found or []) + _not_read(call, found, not_read), cmd)
    found = _gcloud_call(call) or [call.unknown("this form of 'gcloud' is not understood")]
    return with_command(found + _not_read(call, found, not_read), cmd)


def _not_read(call: _Gcloud, found: list[Effect] | None, reasons: list[str]) -> list[Effect]:
    """An unknown for each flags file not read, on what the call names (its flags may turn a
    protection off or move the call elsewhere)."""
    named = [n for e in found or [] for n in e.resource.names if not n.startswith("file:")]
    return [call.unknown(reason, list(dict.fromkeys(named))) for reason in reasons]


class _Gcloud:
    """One gcloud call: its words (release track left out), flags, and where it lands."""

    def __init__(
        self,
        words: list[str],
        flags: dict[str, list[str]],
        after: list[str],
        cmd: SimpleCommand,
        ctx: ShellContext,
    ) -> None:
        self.track = words[:1] if words[:1] and words[0] in RELEASE_TRACKS else []
        self.words = words[len(self.track) :]  # the same resources, named the same way
        self.flags, self.after, self.cmd, self.ctx = flags, after, cmd, ctx
        configuration = _last(flags, "configuration") or setting(
            cmd, ctx.env, "CLOUDSDK_ACTIVE_CONFIG_NAME"
        )
        defaults = gcloud_defaults(cmd, ctx, configuration=configuration)
        self.given = _last(flags, "project") or setting(cmd, ctx.env, "CLOUDSDK_CORE_PROJECT")
        self.project = self.given or defaults.project
        # The configuration is named too, so that ``*prod*`` tells by it (``--configuration
        # prod``) when no flag or variable names the project.
        self.configuration = (
            None if self.given or self.words[:1] == ["config"] else defaults.configuration
        )

    def named(self, path: str, word: str, *, projectless: bool = False) -> list[str]:
        return gcp_names(
            path,
            word,
            project=self.project,
            configuration=self.configuration,
            projectless=projectless,
        )

    def unknown(self, reason: str, names: list[str] | None = None) -> Effect:
        """Not understood: named by the command and its project (a protected ``gcp:<project>/*``
        holds), placed as the call is -- never by the AWS hints of the shell."""
        place = []
        if self.project:
            place.append(f"gcp:{self.project}/*")
        if self.configuration:
            place.append(f"gcp:configurations/{self.configuration}/*")
        shown = [*(names or []), shell_name(self.cmd.text), *place]
        op = f"gcloud {' '.join(self.words[:3])}".strip()
        return cloud_effect(
            EffectKind.UNKNOWN, shown, self.ctx, service="gcp", operation=op, detail=reason
        )


def _gcloud_call(call: _Gcloud) -> list[Effect] | None:
    """The effects of a gcloud call other than a rewrite of its configuration."""
    words, flags, cmd, ctx = call.words, call.flags, call.cmd, call.ctx
    if words[:1] == ["storage"] and len(words) > 1 and words[1] in _STORAGE_VERBS:
        recursive = "r" in flags or "recursive" in flags
        if words[1] == "rsync" and "delete-unmatched-destination-objects" in flags:
            return _storage("rsync", words[2:], recursive, cmd, ctx, deletes=True)
        return _storage(words[1], words[2:], recursive, cmd, ctx)
    at = next((i for i, w in enumerate(words) if i > 0 and _is_verb(w)), -1)
    if at < 0:
        return None
    group, verb, names = words[:at], words[at], [*words[at + 1 :], *call.after]
    op = f"gcloud {' '.join(call.track + group)} {verb}"
    if verb in _SESSION_VERBS:
        return _session(call, group, verb, words[at + 1 :], op)
    transfers = transfer_effects(
        group,
        verb,
        names,
        flags,
        named=call.named,
        make=lambda kind, on, detail: cloud_effect(
            kind, on, ctx, service=group[0], operation=op, detail=detail
        ),
    )
    if transfers is not None:
        return transfers
    path = "/".join(group)
    special = special_verb(group, verb, flags)  # a restore, a lien removed
    if special is None and verb.startswith("restore"):
        return None  # what it overwrites or creates is not told
    if special is not None and special[0] is EffectKind.REPLACE:
        path, names = "sql/instances", restored_instances(group, verb, names, flags)
    if group == ["resource-manager", "liens"] and special is not None:
        names, path = [call.given or call.project or "*"], "projects"
    if not names:
        # Only the line names a project in place of ``*``: the configuration's is a name
        # besides, never the one name of what is changed.
        names = [call.given or "*"] if group == ["projects"] else ["*"]
    service = _GCLOUD_GROUP_SERVICE.get(group[0], group[0])
    kind = _verb_effect(verb)
    if verb in _IAM_VERBS:
        kind, service = EffectKind.UPDATE, "iam"
    why = storage_unprotects(group, flags) or (
        "turns deletion protection off" if unprotects(flags) else None
    )
    if special is not None:
        kind, why, removes = special
        why = why if removes or kind is not EffectKind.UPDATE else None
    unprotecting = kind is EffectKind.UPDATE and why is not None
    detail = "; ".join(
        d
        for d in (
            "--quiet: no confirmation prompt" if "quiet" in flags else "",
            why if unprotecting or special is not None else "",
        )
        if d
    )
    projectless = group[0] in ("projects", "config") or path == "projects"
    out = [
        cloud_effect(
            kind,
            call.named(path, word, projectless=projectless)
            + gcloud_inner_names(group, word, flags, call.named),
            ctx,
            service=service,
            operation=op,
            detail=detail,
            removes_protection=unprotecting,
        )
        for word in names
    ]
    gone = deployment_deletes(group, verb, names, flags)  # --delete-policy delete
    if gone:
        reason = "--delete-policy delete: the deployment's resources are deleted"
        out.append(
            cloud_effect(EffectKind.DELETE, gone, ctx, service=service, operation=op, detail=reason)
        )
    return out + _gcloud_local_writes(group, verb, flags, cmd, ctx)


def _session(
    call: _Gcloud, group: list[str], verb: str, operands: list[str], op: str
) -> list[Effect]:
    """``ssh`` (the command it runs on the machine: :mod:`._gcloud_ssh`), and ``connect``,
    ``call``, ``scp``...: what they do there is not told -- unknown on the machine or database
    they reach (``sql connect main-db`` is ``gcp:sql/instances/main-db``)."""
    path = MACHINE_PATHS.get(tuple(group), "/".join(group))
    if group == ["sql"]:
        path = "sql/instances"
    hosts = operands[:1]
    if verb == "scp":  # ``[USER@]INSTANCE:PATH`` operands
        hosts = [o.partition(":")[0] for o in operands if ":" in o]
    machines = [
        name for host in hosts or ["*"] for name in call.named(path, host.rpartition("@")[2] or "*")
    ]
    if verb == "ssh":
        return ssh_effects(
            machines,
            host=hosts[0] if hosts else "*",
            flags=call.flags,
            after=call.after,
            cmd=call.cmd,
            ctx=call.ctx,
            operation=op.removeprefix("gcloud "),
        )
    return [call.unknown(f"{op}: what it does on the machine or database is not known", machines)]


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


def _is_verb(word: str) -> bool:
    return (
        word in _READ_VERBS
        or word in _DELETE_VERBS
        or word in _CREATE_VERBS
        or word in _IAM_VERBS
        or word.startswith((*_READ_PREFIXES, "delete-", "create-", "remove-", "set-", "update"))
        or word in ("update", "patch", "resize", "start", "stop", "reset", "restart", "ssh")
        or word in ("restore", "restore-backup")
        or word in ("connect", "call", "scp", "set", "unset", "enable", "disable", "execute")
    ) and _VERB.match(word) is not None


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
        # rsync -d removes what the source lacks anywhere under the destination: its tree.
        remote = _remote_storage("rm", destination if not local else [], True, cmd, ctx)
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
    # A recursive delete or write reaches every object under the prefix (``rm -r gs://b/x``
    # deletes ``gs://b/x/*``), named so that a pattern protecting them is reached.
    tree = recursive and kind in (EffectKind.DELETE, EffectKind.UPDATE)
    return [
        cloud_effect(
            kind, _prefix_names(u, tree), ctx, service="storage", operation=op, detail=detail
        )
        for u in urls
    ]


def _prefix_names(url: str, tree: bool) -> list[str]:
    """``url`` as named (no trailing slash), and the objects under it when ``tree``."""
    name = url.rstrip("/") or url
    return [name, f"{name}/*"] if tree and not name.endswith("*") else [name]


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
    if verb in ("acl", "iam", "defacl", "lifecycle", "setmeta", "label", "retention", "versioning"):
        sub = rest[0] if rest else ""
        kind = EffectKind.READ if sub == "get" else EffectKind.UPDATE
        urls = [a for a in rest if a.startswith("gs://")] or ["gs://*"]
        service = "iam" if verb == "iam" else "storage"
        op = f"gsutil {verb} {sub}".strip()
        why = gsutil_unprotects(verb, rest)  # a retention policy cleared, versioning off
        effect = cloud_effect(
            kind,
            urls,
            ctx,
            service=service,
            operation=op,
            detail=why or "",
            removes_protection=bool(why),
        )
        return with_command([effect], cmd)
    return with_command(_storage(verb, rest, recursive, cmd, ctx), cmd)


_AZ_VALUED = frozenset(
    {"name", "resource-group", "subscription", "location", "output", "query", "ids", "mode"}
    | {"template-file", "template-uri", "parameters", "scripts", "command-id", "resource"}
    | {"resource-type", "namespace", "parent", "vault-name", "server", "account-name"}
    | {"lock-name", "image", "size", "sku", "scope", "assignee", "role", "tags", "set"}
    | {"script", "script-uri", "command", "settings", "protected-settings", "vm-name"}
    | {"file", "dest", "destination", "path", "method", "url", "uri", "body", "headers"}
    | {"instance-id", "url-parameters", "uri-parameters"}
)
_AZ_SHORT = {"n": "name", "g": "resource-group", "l": "location", "o": "output", "y": "yes"}
_AZ_SHORT |= {"f": "file", "d": "destination", "m": "method", "u": "url", "b": "body"}


@command("az")
def az(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``az GROUP... VERB [-n NAME] [-g RG] [--ids ID...]``."""
    ctx = evolve(ctx, target=cloud_target(ctx))
    # az takes no positional names: the words before the first option are the groups and the
    # verb; a word after an option is that option's value (-s NAME), whether known or not.
    words = list(takewhile(lambda arg: not arg.startswith("-"), cmd.args))
    _, flags = _split(cmd.args, _AZ_VALUED, _AZ_SHORT)
    # What az's files say names the resources too (never az's own settings).
    defaults = AzDefaults() if rewrites_az_state(words) else az_defaults(cmd, ctx)
    # The subscription is named, so that ``*prod*`` tells by it too: the flag's, else the
    # profile's default (by its id and its name).
    given = _last(flags, "subscription")
    subscriptions = [given] if given else list(defaults.subscriptions)
    found = _az_call(words, flags, defaults, subscriptions, cmd, ctx)
    if found is None:
        found = [_az_unknown(flags, subscriptions, cmd, ctx)]
    if rewrites_az_state(words):
        # Written first: what follows on the line is not placed by what the disk held.
        return with_command(az_state_write(words, cmd, ctx) + found, cmd)
    return with_command(found, cmd)


def _az_unknown(
    flags: dict[str, list[str]], subscriptions: list[str], cmd: SimpleCommand, ctx: ShellContext
) -> Effect:
    """Not understood: named by the command, its group and subscription (placed by them, never
    by the AWS hints of the shell)."""
    rg = _last(flags, "resource-group")
    place = [f"azure:group/{rg}", f"azure:{rg}/*", *group_ids(rg, subscriptions)] if rg else []
    place += [f"azure:subscriptions/{s}/*" for s in subscriptions]
    names = [shell_name(cmd.text), *place]
    reason = "this form of 'az' is not understood"
    return cloud_effect(
        EffectKind.UNKNOWN, names, ctx, service="azure", operation="az", detail=reason
    )


def _az_call(
    words: list[str],
    flags: dict[str, list[str]],
    defaults: AzDefaults,
    subscriptions: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
) -> list[Effect] | None:
    """The effects of an az call (``words``: its groups and verb)."""
    if words == ["rest"]:
        return rest_effects(flags, subscriptions, ctx)
    if len(words) < 2 or _VERB.match(words[-1]) is None:
        return None
    group, verb = words[:-1], words[-1]
    given_rg = _last(flags, "resource-group")
    detail = "--yes: no confirmation prompt" if "yes" in flags else ""
    # Where a group stands in place of ``*`` (the lock removed, what Complete mode deletes),
    # only the line's own -g names it: az's default group is only ever a name besides.
    if group[-1:] == ["lock"] and verb == "delete":
        return az_lock_delete(group, flags, given_rg, ctx)
    rg = given_rg or (defaults.group if group != ["group"] else None)
    remote = az_remote_effects(group, verb, flags, rg, subscriptions, cmd, ctx)
    if group[:2] in (["deployment", "group"], ["group", "deployment"]) and verb == "create":
        return az_group_deployment(flags, given_rg, ctx)
    path = "/".join(group)
    kind = _verb_effect(verb)
    if verb == "purge":
        detail = "permanent: cannot be recovered"
    names = flags.get("name") or flags.get("lock-name") or []
    if group == ["group"] and not names and rg:
        names, rg = [rg], None
    by_url = id_url_names(group, cmd.args, rg, subscriptions)  # a key vault object's --id
    if not names and not flags.get("ids") and not by_url:
        names = ["*"]
    op = f"az {' '.join(group)} {verb}"
    out = [cloud_effect(kind, by_url, ctx, service=group[0], operation=op)] if by_url else []
    for name in names:
        resource = az_names(path, name, rg, subscriptions)
        resource += inner_names(group, verb, name, cmd.args, rg, subscriptions)
        out.append(cloud_effect(kind, resource, ctx, service=group[0], operation=op, detail=detail))
    for arm_id in flags.get("ids", []):
        out.append(cloud_effect(kind, arm_names(arm_id), ctx, service=group[0], operation=op))
    why = switched_off(group, verb, cmd.args)  # soft delete, a legal hold... switched off
    out = unprotecting(out, why) if why else out
    out += data_deletes(group, verb, cmd.args, rg, subscriptions, ctx)
    return out + remote + az_local_writes(group, verb, flags, cmd, ctx)
