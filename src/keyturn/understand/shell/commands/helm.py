"""helm command lines -> effects on ``helm:<namespace>/<release>`` resources.

uninstall deletes a release's objects, rollback/upgrade update them (``--force``,
``--force-replace``: replaced),
install creates them (``--replace``: replaced); list/status/get/template... read. A literal
``--dry-run`` with no word decided at run time after it turns any of them into a read. The
namespace and context are read as kubectl reads them, with helm's own ``HELM_KUBECONTEXT``,
``HELM_NAMESPACE`` and ``HELM_KUBEAPISERVER``. ``--post-renderer`` names a program helm runs
on what it renders, dry run or not: judged as that program run (:mod:`._kube_programs`).
helm 4's ``--server-side`` takes ``true|false|auto`` (:mod:`._kube_flags`): that word is never
read as the release or the chart.

Some verbs write local files besides: ``pull`` the chart (into ``-d``, expanded into
``--untardir`` with ``--untar``), ``package`` its archive (into ``-d``), ``repo add|remove``
the repository file and ``repo add|update`` the repository cache, ``repo index`` an
``index.yaml``, ``dependency update|build`` the chart's ``charts/`` and ``Chart.lock`` (and
``update`` the repository cache): ``file:`` effects on those places, beside the read of the
cluster.
"""

from __future__ import annotations

from dataclasses import replace

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._home import command_home
from keyturn.understand.shell.commands._kube_args import parse_command
from keyturn.understand.shell.commands._kube_call import KubeCall, kube_call
from keyturn.understand.shell.commands._kube_credentials import written_kubeconfig_programs
from keyturn.understand.shell.commands._kube_flags import HELM_GLOBAL, HELM_VERBS, command_index
from keyturn.understand.shell.commands._kube_place import place_of
from keyturn.understand.shell.commands._kube_programs import post_renderer_effects
from keyturn.understand.shell.effects import file_effect, file_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_HELM_READS = frozenset(
    [
        "list",
        "ls",
        "status",
        "get",
        "template",
        "show",
        "inspect",
        "search",
        "repo",
        "version",
        "history",
        "hist",
        "env",
        "lint",
        "package",
        "pull",
        "fetch",
        "dependency",
        "dep",
        "verify",
        "completion",
        "help",
        "create",
    ]
)


@command("helm")
def helm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """helm: uninstall -> delete, rollback/upgrade -> update (``--force`` -> replace),
    install -> create (``--replace`` -> replace), list/status/get/template -> read."""
    args = parse_command(_server_side_joined(cmd.args), root=HELM_GLOBAL, verbs=HELM_VERBS)
    # After ``--`` helm's words go on (``helm uninstall a -- b`` uninstalls b too).
    args = replace(args, words=args.words + args.rest, rest=())
    call = kube_call("helm", args, cmd, ctx, context_flag="--kube-context")
    verb, words = call.verb, args.words[1:]
    if args.unknown:
        flags = ", ".join(dict.fromkeys(args.unknown))
        detail = f"helm {verb}: {flags} may take a value or not: its words are not told"
        return [call.effect(_E.UNKNOWN, (f"helm:{call.namespace}/*",), "helm_release", detail)]
    programs = post_renderer_effects(call) + written_kubeconfig_programs(call)
    return _release_effects(call, words) + _local_files(call, words) + programs


# What pflag's boolean reads as true or false (``strconv.ParseBool``), and upgrade's ``auto``.
_SERVER_SIDE_WORDS = frozenset(
    {"1", "t", "true", "0", "f", "false", "auto", "T", "TRUE", "True", "F", "FALSE", "False"}
)


def _server_side_joined(words: tuple[str, ...]) -> tuple[str, ...]:
    """On install and template, ``--server-side WORD`` as ``--server-side=WORD`` when WORD is
    one of its values (upgrade and rollback take the next word anyway). There it is a boolean,
    and helm 4 takes the word for the release (then refuses a third word, or installs a release
    named ``false``): read as the flag's, the release is the next word, or ``*`` -- which covers
    the one helm names -- when none is left. Other verbs take no such flag: left as written."""
    at = command_index(words, root=HELM_GLOBAL)
    if at is None or words[at] not in ("install", "template"):
        return words
    out: list[str] = []
    for word in words:
        if word in _SERVER_SIDE_WORDS and out[-1:] == ["--server-side"]:
            out[-1] = f"--server-side={word}"
        else:
            out.append(word)
    return tuple(out)


def _release_effects(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
    verb, args = call.verb, call.args
    kind, detail = _helm_meaning(call, words)
    dry = args.value("--dry-run") not in (None, "false", "none") and call.dry_run_stands()
    if kind is not _E.READ and dry:
        kind, detail = _E.READ, f"dry run of {detail}: changes nothing"
    if verb in ("install",) and (args.has("--generate-name") or len(words) < 2):
        releases = ["*"]
    elif verb in ("uninstall", "del", "delete", "un"):
        releases = list(words) or ["*"]
    else:
        releases = list(words[:1]) or ["*"]
    if kind is _E.READ and verb in _HELM_READS:
        return [call.effect(kind, (f"helm:{call.namespace}/*",), "helm_release", detail)]
    return [
        call.effect(kind, (f"helm:{call.namespace}/{r}",), "helm_release", detail) for r in releases
    ]


def _helm_meaning(call: KubeCall, words: tuple[str, ...]) -> tuple[EffectKind, str]:
    verb, args = call.verb, call.args
    if verb in ("uninstall", "del", "delete", "un"):
        keep = " (--keep-history)" if args.has("--keep-history") else ""
        return _E.DELETE, f"uninstall release: deletes its objects{keep}"
    # ``--force`` (helm 3) and ``--force-replace`` (helm 4's name for it) update objects by
    # deleting and recreating them, on rollback as on upgrade (``helm VERB --help``).
    forced = next((f for f in ("--force", "--force-replace") if args.has(f)), None)
    if verb in ("rollback", "upgrade") and forced:
        return _E.REPLACE, f"{verb} {forced}: objects deleted and recreated"
    if verb == "rollback":
        return _E.UPDATE, "rollback"
    if verb == "upgrade":
        return _E.UPDATE, "upgrade" + (" --install" if args.has("--install") else "")
    if verb == "install":
        if args.has("--replace"):
            return _E.REPLACE, "install --replace"
        return _E.CREATE, "install"
    if verb in _HELM_READS or not verb:
        return _E.READ, f"helm {verb}: reads only"
    return _E.UNKNOWN, f"helm {verb}: not understood"


# ``helm dependency`` subcommands that fetch the chart's dependencies into its ``charts/``.
_FETCHES_CHARTS = frozenset({"update", "up", "build"})


def _local_files(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
    """The files ``pull``, ``package``, ``repo`` and ``dependency update|build`` write on this
    machine (a call run elsewhere writes that place's: not named here)."""
    verb, args = call.verb, call.args
    if place_of(call.cmd, call.ctx).elsewhere is not None:
        return []
    if verb in ("pull", "fetch", "package"):
        folder = args.value("--destination") or "."
        untar_dir = args.value("--untardir") or "."
        if verb != "package" and args.has("--untar"):
            folder = untar_dir if untar_dir.startswith("/") else f"{folder}/{untar_dir}"
        tree = file_path(folder, call.ctx).rstrip("/") + "/*"
        return [_write(call, [tree], f"helm {verb}: writes the chart into {folder}")]
    if verb in ("dependency", "dep", "dependencies") and words and words[0] in _FETCHES_CHARTS:
        chart = file_path(words[1] if len(words) > 1 else ".", call.ctx).rstrip("/")
        written = [f"{chart}/charts/*", f"{chart}/Chart.lock"]
        if words[0] != "build" and not args.has("--skip-refresh"):
            written.append(_helm_file(call, "--repository-cache", "HELM_REPOSITORY_CACHE") + "/*")
        detail = f"helm dependency {words[0]}: writes the chart's charts/ and Chart.lock"
        return [_write(call, written, detail)]
    sub = words[0] if verb == "repo" and words else ""
    paths = []
    if sub in ("add", "remove", "rm"):
        paths.append(_helm_file(call, "--repository-config", "HELM_REPOSITORY_CONFIG"))
    if sub in ("add", "update", "up"):
        paths.append(_helm_file(call, "--repository-cache", "HELM_REPOSITORY_CACHE") + "/*")
    if sub == "index":
        paths.append(file_path(words[1] if len(words) > 1 else ".", call.ctx) + "/index.yaml")
    if not paths:
        return []
    return [_write(call, paths, f"helm repo {sub}: writes helm's repository settings")]


def _write(call: KubeCall, paths: list[str], detail: str) -> Effect:
    # An update: helm overwrites an archive or repository file already there.
    run_time = any(p.startswith("(") for p in paths)
    return file_effect(
        EffectKind.UPDATE, paths, call.cmd, call.ctx, detail=detail, run_time=run_time or None
    )


def _helm_file(call: KubeCall, flag: str, variable: str) -> str:
    """Where helm keeps its repository file (``--repository-config``) or cache: the flag, the
    variable, else under ``~/.config/helm`` or ``~/.cache/helm`` (``HELM_*_HOME``/``XDG_*``
    first); ``(not told)`` when the home is not."""
    cmd, ctx = call.cmd, call.ctx

    def env(name: str) -> str | None:
        return cmd.assignments.get(name) or ctx.env.get(name)

    given = call.args.value(flag) or env(variable)
    config = flag == "--repository-config"
    home = command_home(cmd, ctx)
    base = env("HELM_CONFIG_HOME" if config else "HELM_CACHE_HOME")
    xdg = env("XDG_CONFIG_HOME" if config else "XDG_CACHE_HOME")
    if base is None:
        base = (xdg or f"{home}/{'.config' if config else '.cache'}") + "/helm"
    path = given or base + ("/repositories.yaml" if config else "/repository")
    # A value decided at run time (or a home not told) does not say where helm writes.
    if (not given and xdg is None and home is None) or any(c in path for c in "($`"):
        return "(not told)"
    return file_path(path, ctx)
