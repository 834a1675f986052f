"""The effects of one ``gcloud`` call (see :mod:`.cloud_cli` for the names and the meanings of
the verbs): a storage verb, a session on a machine (:mod:`._gcloud_ssh`), an import or export
(:mod:`._gcloud_transfers`), a protection switched off (:mod:`._gcloud_protection`), else the
verb's meaning on each resource it names; and the local files it writes.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import with_command
from keyturn.understand.shell.commands._az_gcloud_words import (
    CREATE_VERBS,
    DELETE_VERBS,
    IAM_VERBS,
    READ_PREFIXES,
    READ_VERBS,
    VERB,
    Flags,
    split_flags,
    verb_effect,
)
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.commands._gcloud_config import config_writes, reads_config
from keyturn.understand.shell.commands._gcloud_creates import create_openings
from keyturn.understand.shell.commands._gcloud_flags_file import expand_flags_files
from keyturn.understand.shell.commands._gcloud_line import (
    GCLOUD_VALUED,
    STORAGE_SHORT,
    GcloudCall,
)
from keyturn.understand.shell.commands._gcloud_names import unprotects, with_wildcard_sets
from keyturn.understand.shell.commands._gcloud_policy_files import gcloud_policy_files
from keyturn.understand.shell.commands._gcloud_protection import (
    deployment_deletes,
    restored_instances,
    special_verb,
    storage_unprotects,
)
from keyturn.understand.shell.commands._gcloud_protection import (
    inner_names as gcloud_inner_names,
)
from keyturn.understand.shell.commands._gcloud_public import exposing, gcloud_exposes, public_acl
from keyturn.understand.shell.commands._gcloud_run_time import loose_words, loosen
from keyturn.understand.shell.commands._gcloud_spanner import database_group, spanner_effects
from keyturn.understand.shell.commands._gcloud_ssh import MACHINE_PATHS, ssh_effects
from keyturn.understand.shell.commands._gcloud_storage import STORAGE_VERBS, storage_effects
from keyturn.understand.shell.commands._gcloud_transfers import transfer_effects
from keyturn.understand.shell.commands._kube_call import kubeconfig_write
from keyturn.understand.shell.effects import file_effect, home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_GCLOUD_GROUP_SERVICE = {"projects": "resourcemanager", "iam": "iam", "storage": "storage"}
# Verbs that reach into a machine or a database rather than change a resource.
_SESSION_VERBS = frozenset({"ssh", "connect", "call", "scp", "connect-to-serial-port"})


def gcloud_effects(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``gcloud [--project P] [alpha|beta] GROUP... VERB [NAME...] [--flags]`` (``ctx`` placed
    as the call lands)."""
    args, not_read = expand_flags_files(cmd.args, cmd, ctx)
    # Words after ``--`` are the command's own (ssh's arguments for ``compute ssh``).
    cut = args.index("--") if "--" in args else len(args)
    short = {"q": "quiet"} | (STORAGE_SHORT if "storage" in args[:cut] else {})
    words, flags = split_flags(args[:cut], GCLOUD_VALUED, short)
    call = GcloudCall(words, flags, args[cut + 1 :], cmd, ctx)
    if call.words[:1] == ["init"] or (
        call.words[:1] == ["config"] and not reads_config(call.words)
    ):
        # Written first: what follows on the line is not placed by what the disk held.
        writes = config_writes(call.words, cmd, ctx)
        found = _gcloud_call(call)
        if found is None and call.words[:1] != ["init"]:
            found = [call.unknown("this form of 'gcloud' is not understood")]
        made = writes + (found or []) + _not_read(call, found, not_read)
        return with_command(_loose(made, cmd), cmd)
    found = _gcloud_call(call) or [call.unknown("this form of 'gcloud' is not understood")]
    return with_command(_loose(found + _not_read(call, found, not_read), cmd), cmd)


def _loose(effects: list[Effect], cmd: SimpleCommand) -> list[Effect]:
    """``effects``, each change ``unknown`` when a word decided at run time before ``--`` may
    stand for options (:mod:`._gcloud_run_time`); a Cloud Storage URL's wildcard set also named
    as the one character it matches (:func:`._gcloud_names.with_wildcard_sets`)."""
    cut = cmd.args.index("--") if "--" in cmd.args else len(cmd.args)
    effects = with_wildcard_sets(effects)
    return loosen(effects) if loose_words(cmd, before=cut) else effects


def _not_read(call: GcloudCall, found: list[Effect] | None, reasons: list[str]) -> list[Effect]:
    """An unknown for each flags file not read, on what the call names (its flags may turn a
    protection off or move the call elsewhere)."""
    named = [n for e in found or [] for n in e.resource.names if not n.startswith("file:")]
    return [call.unknown(reason, list(dict.fromkeys(named))) for reason in reasons]


def _gcloud_call(call: GcloudCall) -> list[Effect] | None:
    """The effects of a gcloud call other than a rewrite of its configuration."""
    words, flags, cmd, ctx = call.words, call.flags, call.cmd, call.ctx
    if words[:1] == ["storage"] and len(words) > 1 and words[1] in STORAGE_VERBS:
        recursive = "r" in flags or "recursive" in flags
        if words[1] == "rsync" and "delete-unmatched-destination-objects" in flags:
            found = storage_effects("rsync", words[2:], recursive, cmd, ctx, deletes=True)
        else:
            found = storage_effects(words[1], words[2:], recursive, cmd, ctx)
        public = public_acl(flags)  # ``cp -a publicRead``: what it writes is public
        return exposing(found, public) if public else found
    at = next((i for i, w in enumerate(words) if i > 0 and _is_verb(w)), -1)
    if at < 0:
        return None
    group, verb, names = words[:at], words[at], [*words[at + 1 :], *call.after]
    op = f"gcloud {' '.join(call.track + group)} {verb}"
    if verb in _SESSION_VERBS:
        return _session(call, group, verb, words[at + 1 :], op)
    sql = spanner_effects(
        group, verb, names, flags, named=call.named, unknown=call.unknown, cmd=cmd, ctx=ctx
    )
    if sql is not None:
        return sql
    group = database_group(group)  # ``spanner databases ddl describe DB``: the database
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
    # A policy or ACL set from a file: read for the world let in (the file is not a resource).
    names, files = gcloud_policy_files(verb, names, flags, cmd, ctx)
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
    kind = verb_effect(verb)
    if verb in IAM_VERBS:
        kind, service = EffectKind.UPDATE, "iam"
    why = (
        storage_unprotects(group, flags)
        or gcloud_exposes(group, verb, flags)
        or next((f.public for f in files if f.public), None)
        or ("turns deletion protection off" if unprotects(flags) else None)
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
    named = list(dict.fromkeys(n for e in out for n in e.resource.names))
    out += [call.unknown(f.unknown, named) for f in files if f.unknown]  # a file not read
    # A replica or an instance of an existing cluster let in from everywhere: that data opened.
    for existing, opened in create_openings(group, verb, flags, cmd.args, named=call.named):
        out.append(
            cloud_effect(
                EffectKind.UPDATE,
                existing,
                ctx,
                service=service,
                operation=op,
                detail=opened,
                removes_protection=True,
            )
        )
    gone = deployment_deletes(group, verb, names, flags)  # --delete-policy delete
    if gone:
        reason = "--delete-policy delete: the deployment's resources are deleted"
        out.append(
            cloud_effect(EffectKind.DELETE, gone, ctx, service=service, operation=op, detail=reason)
        )
    return out + _gcloud_local_writes(group, verb, flags, cmd, ctx)


def _session(
    call: GcloudCall, group: list[str], verb: str, operands: list[str], op: str
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
    group: list[str], verb: str, flags: Flags, cmd: SimpleCommand, ctx: ShellContext
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
        word in READ_VERBS
        or word in DELETE_VERBS
        or word in CREATE_VERBS
        or word in IAM_VERBS
        or word.startswith((*READ_PREFIXES, "delete-", "create-", "remove-", "set-", "update"))
        or word in ("update", "patch", "resize", "start", "stop", "reset", "restart", "ssh")
        or word in ("restore", "restore-backup")
        or word in ("connect", "call", "scp", "set", "unset", "enable", "disable", "execute")
        or word == "execute-sql"  # Spanner's (:mod:`._gcloud_spanner`); others: not understood
    ) and VERB.match(word) is not None
