"""DigitalOcean's command line, ``doctl``.

Names: ``digitalocean:<kind>/<id or name>``: ``droplet``, ``volume``, ``snapshot``, ``image``,
``domain``, ``firewall``, ``load-balancer``, ``database``, ``kubernetes``, ``app``,
``registry``, ``project``, ``vpc``... and, for what lives in another resource, under it:
``digitalocean:database/<cluster>/db/<name>``, ``/user/<name>``, ``/pool/<name>``,
``digitalocean:kubernetes/<cluster>/node-pool/<pool>``, ``digitalocean:domain/<d>/record/<id>``.
The authentication context (``--context``, ``DIGITALOCEAN_CONTEXT``, else the ``context`` of
doctl's ``config.yaml``) names the account: every resource is then also
``digitalocean:<context>/<kind>/<id>``, so ``*prod*`` tells a production account; a token
given outright (``-t``, ``DIGITALOCEAN_ACCESS_TOKEN``) may be any account's, so the resource is
then also ``digitalocean:*/<kind>/<id>``. Operands missing are ``*``.

Kinds by verb: ``list``/``get`` (and ``ls``, ``g``, ``list-*``, ``get-*``) read;
``create`` creates; ``delete`` (``rm``, ``d``, ``delete-*``) deletes (``databases delete``:
the cluster and its data; ``kubernetes cluster delete --dangerous``: also its load
balancers and volumes, so every volume is named); ``droplet-action rebuild``/``restore``
replace (an image is written over the disk); the other droplet and volume actions, ``resize``,
``update``, ``upgrade``, ``migrate`` update. ``--force`` is noted. ``kubeconfig save`` writes
``~/.kube/config``.

Unknown on purpose: a group or verb not in the tables (``serverless``, ``compute ssh``,
which runs commands on a droplet, ``registry garbage-collection``) and the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._paas_common import (
    PaasCall,
    parse_args,
    read_text,
    spelled,
    yes_notes,
)
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_DOCTL = OptionSpec(
    valued="tucoF",
    long={"access-token": "t", "api-url": "u", "config": "c", "output": "o", "force": "f"},
    long_valued=frozenset("tucoF")
    | frozenset({"context", "format", "tag-name", "region", "size", "image", "ssh-keys"})
    | frozenset({"user-data", "user-data-file", "vpc-uuid", "tag-names", "droplet-id", "image-id"})
    | frozenset({"num-nodes", "engine", "version", "node-pool", "spec", "app", "name"})
    | frozenset({"count", "fs-type", "fs-label", "snapshot", "description", "type"})
    | frozenset({"http-retry-max", "http-retry-wait-max", "http-retry-wait-min"}),
    abbreviations=False,
)


def _group(label: str, parent: bool = False) -> tuple[str, bool]:
    """``label``: the kind in names; ``parent``: the first operand names the resource this
    one lives in (``databases db delete CLUSTER NAME``)."""
    return label, parent


# The groups, as spelled on the line (aliases written out) -> (kind, lives in a parent).
_GROUPS: dict[str, tuple[str, bool]] = spelled(
    {
        "compute droplet|d": _group("droplet"),
        "compute droplet-action|da": _group("droplet"),
        "compute volume|v": _group("volume"),
        "compute volume-action|va": _group("volume"),
        "compute snapshot|s": _group("snapshot"),
        "compute image|i": _group("image"),
        "compute domain": _group("domain"),
        "compute domain records|record": _group("domain", True),
        "compute firewall|fw": _group("firewall"),
        "compute load-balancer|lb": _group("load-balancer"),
        "compute ssh-key|k": _group("ssh-key"),
        "compute tag|t": _group("tag"),
        "compute certificate|cert": _group("certificate"),
        "compute reserved-ip|floating-ip|fip|rip": _group("reserved-ip"),
        "databases|database|db|dbs|d": _group("database"),
        "databases|database|db|dbs|d db": _group("database/db", True),
        "databases|database|db|dbs|d user|u": _group("database/user", True),
        "databases|database|db|dbs|d pool|p": _group("database/pool", True),
        "databases|database|db|dbs|d replica|rep|r": _group("database/replica", True),
        "databases|database|db|dbs|d firewalls|fw": _group("database/firewall", True),
        "databases|database|db|dbs|d backups|bu": _group("database/backup", True),
        "kubernetes|k8s|k cluster|c": _group("kubernetes"),
        "kubernetes|k8s|k cluster|c node-pool|pool|np|p": _group("kubernetes/node-pool", True),
        "apps|app|a": _group("app"),
        "registry|reg|r": _group("registry"),
        "registry|reg|r repository|repo|r": _group("registry/repository"),
        "projects|project|proj": _group("project"),
        "vpcs|vpc": _group("vpc"),
        "monitoring alert": _group("alert"),
        "monitoring uptime": _group("uptime"),
    }
)
_READ = frozenset({"list", "ls", "get", "g", "show", "logs", "connection", "list-tags"})
_DELETE = frozenset({"delete", "rm", "d", "remove", "delete-tag", "delete-manifest"})
_CREATE = frozenset({"create", "c", "add"})
_UPDATE = frozenset({"update", "u", "resize", "upgrade", "migrate", "attach", "detach"})
_UPDATE |= {"power-off", "power-on", "power-cycle", "reboot", "shutdown"}
_UPDATE |= {"rename", "snapshot", "enable-backups", "disable-backups", "change-kernel", "tag"}
_UPDATE |= {"create-deployment", "assign", "resize", "add-droplets", "remove-droplets"}
_UPDATE |= {"add-rules", "remove-rules", "add-tags", "remove-tags", "promote", "untag"}


# Kinds whose resources hold others (a cluster's databases, a domain's records).
_HOLDERS = frozenset({"database", "kubernetes", "domain", "registry", "project"})


# Droplet actions that write an image over the disk: what was on it is gone.
_REPLACE = frozenset({"rebuild", "restore"})


def _kind(verb: str) -> EffectKind | None:
    if verb in _REPLACE:
        return _E.REPLACE
    if verb in _READ or verb.startswith(("list-", "get-")):
        return _E.READ
    if verb in _DELETE or verb.startswith("delete-"):
        return _E.DELETE
    if verb in _CREATE:
        return _E.CREATE
    if verb in _UPDATE:
        return _E.UPDATE
    return None


@command("doctl")
def doctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """DigitalOcean's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _DOCTL)
    words = opts.operands
    call = PaasCall(cmd, ctx, "digitalocean", notes=yes_notes(opts, "f"))
    if not words or words[0] in ("version", "help", "completion"):
        return [call.prints()] if not words[1:] else None
    if words[:3] in (("kubernetes", "cluster", "kubeconfig"), ("k8s", "cluster", "kubeconfig")):
        return _kubeconfig(call, words[3:])
    if words[:2] in (("account", "get"), ("balance", "get")):
        return [call.effect(_E.READ, [f"digitalocean:{words[0]}"])]
    for n in (3, 2, 1):
        found = _GROUPS.get(" ".join(words[:n])) if len(words) > n else None
        if found is not None:
            verb = words[n]
            kind = _kind(verb)
            if kind is None:
                return None
            call = evolve(call, operation=f"doctl {' '.join(words[: n + 1])}")
            rest = words[n + 1 :]
            if verb.endswith(("-tag", "-tags", "-manifest")):  # REPOSITORY TAG...
                detail = f"{verb} {' '.join(rest[1:])}".strip()
                call = evolve(call, notes=(detail, *call.notes))
                rest = rest[:1]
            return _effects(call, opts, kind, found, rest)
    return None


def _effects(
    call: PaasCall,
    opts: Options,
    kind: EffectKind,
    group: tuple[str, bool],
    rest: Sequence[str],
) -> list[Effect]:
    label, parented = group
    if parented:
        parent, _, child = label.partition("/")
        owner = rest[0] if rest else "*"
        bases = [f"{parent}/{owner}/{child}" if child else f"{parent}/{owner}/record"]
        rest = rest[1:]
    else:
        bases = [label]
    objects = list(rest) if rest and not opts.value("tag-name") else ["*"]
    contexts = _contexts(call, opts)
    detail = _detail(label, kind, opts)
    out = []
    for obj in objects:
        names = [f"digitalocean:{b}/{obj}" for b in bases]
        names += [f"digitalocean:{c}/{b}/{obj}" for c in contexts for b in bases]
        if kind is _E.DELETE and label in _HOLDERS:
            names += [f"{n}/*" for n in names]
        if kind is _E.DELETE and label == "kubernetes" and opts.has("dangerous"):
            names += ["digitalocean:volume/*", "digitalocean:load-balancer/*"]
        out.append(call.effect(kind, names, detail))
    return out


def _contexts(call: PaasCall, opts: Options) -> list[str]:
    """The authentication contexts (accounts) a command may act in: ``--context``, else
    ``DIGITALOCEAN_CONTEXT``, else the ``context`` of doctl's config file; and ``*`` when a
    token given outright (``-t``, ``DIGITALOCEAN_ACCESS_TOKEN``) decides the account."""
    cmd, ctx = call.cmd, call.ctx
    found = opts.value("context") or setting(cmd, ctx.env, "DIGITALOCEAN_CONTEXT")
    if not found:
        base = setting(cmd, ctx.env, "XDG_CONFIG_HOME") or ctx.home.rstrip("/") + "/.config"
        config = opts.value("c") or base.rstrip("/") + "/doctl/config.yaml"
        found = _config_context(read_text(ctx, file_path(config, ctx)))
    token = opts.value("t") or setting(cmd, ctx.env, "DIGITALOCEAN_ACCESS_TOKEN")
    return [*([found] if found else []), *(["*"] if token else [])]


def _config_context(text: str | None) -> str | None:
    import yaml

    from keyturn.yaml_limits import RefusedYaml, load

    try:
        data = load(text) if text else None
    except RefusedYaml:
        return "*"  # refused for its aliases or nesting (doctl may read it): any account
    except yaml.YAMLError:
        return None
    found = data.get("context") if isinstance(data, dict) else None
    return found if isinstance(found, str) and found else None


def _detail(label: str, kind: EffectKind, opts: Options) -> str:
    if kind is not _E.DELETE:
        return ""
    if opts.value("tag-name"):
        return f"every {label} tagged {opts.value('tag-name')}"
    if label == "database":
        return "deletes the database cluster and all its data"
    if label == "kubernetes" and opts.has("dangerous"):
        return "deletes the cluster with its load balancers, volumes and snapshots (--dangerous)"
    if label in ("volume", "database/db"):
        return "deletes it and all its data"
    return ""


def _kubeconfig(call: PaasCall, rest: Sequence[str]) -> list[Effect] | None:
    verb = rest[0] if rest else ""
    cluster = rest[1] if len(rest) > 1 else "*"
    if verb == "show":
        return [call.effect(_E.READ, [f"digitalocean:kubernetes/{cluster}"])]
    if verb in ("save", "remove"):
        return [call.local_file(_E.UPDATE, "~/.kube/config", f"kubeconfig {verb}")]
    return None
