"""Firebase's command line, ``firebase`` (firebase-tools).

Names: ``firebase:<project>`` and under it ``/firestore/<database>/<path>`` (``(default)``
when ``--database`` is not given), ``/database/<instance>/<path>`` (Realtime Database;
``(default)`` without ``--instance``), ``/hosting/<site>`` (``/channel/<id>``),
``/functions/<name>``, ``/secret/<NAME>``, ``/auth/users``, ``/extension/<id>``,
``/apphosting/<backend>``. Deletes name what they remove and everything under it.

The project is the one firebase-tools picks: ``--project``/``-P``, else the directory's active
project (``firebase use``, kept in ``~/.config/configstore/firebase-tools.json`` by project
directory), an alias of ``.firebaserc`` turned into its project id; with neither, the only
alias ``.firebaserc`` has. Where this cannot be told (several aliases and no active one, a
file the line changed, nothing at hand) every candidate is named, or ``*``.

Kinds: lists, gets, logs, exports read; ``firestore:delete``, ``database:remove``,
``functions:delete``, ``hosting:disable``, ``*:delete``, ``ext:uninstall``,
``functions:secrets:destroy`` delete; ``database:set`` replaces; ``deploy`` updates what it
deploys (``--only``), and with ``--force`` deletes the functions the source no longer has; it
first runs the ``predeploy`` commands of ``firebase.json`` here, judged as the lines they are
(unknown when ``firebase.json`` is not at hand). ``use`` changes the active project (a file
of this machine).

Unknown on purpose: ``emulators:*``, ``serve``, ``functions:shell``, ``dataconnect:sql:shell``,
``init`` and ``experiments:*`` (they run the project's code here or ask questions), and any
command not in the table.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    command_words,
    constant,
    meaning_of,
    operands,
    parse_args,
    prints,
    read_json,
    read_text,
    spelled,
    whole,
    yes_notes,
)
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_FIREBASE = OptionSpec(
    valued="Pm",
    long={"project": "P"},
    long_valued=frozenset({"P", "account", "token", "config", "only", "except", "database"})
    | {"instance", "site", "message", "m", "expires", "data", "region", "location", "output"},
    abbreviations=False,
)
_CONFIGSTORE = "~/.config/configstore/firebase-tools.json"


def _projects(call: PaasCall, opts: Options) -> list[str]:
    """The project ids the command may act on (see the module docstring)."""
    ctx = call.ctx
    root = _project_root(ctx)
    rc = read_json(ctx, root + "/.firebaserc")
    listed = rc.get("projects") if rc else None
    aliases = (
        {k: v for k, v in listed.items() if isinstance(v, str)} if isinstance(listed, dict) else {}
    )
    chosen = opts.value("P")
    if not chosen:
        store = home_path(_CONFIGSTORE, ctx)
        text = read_text(ctx, store)
        if text is None and ctx.written and store in ctx.written:
            return ["*"]  # the line changed the active project in a way not known
        active = (read_json(ctx, store) or {}).get("activeProjects")
        chosen = active.get(root) if isinstance(active, dict) else None
    if isinstance(chosen, str) and chosen:
        return [aliases.get(chosen, chosen)]
    candidates = list(dict.fromkeys(aliases.values()))
    return candidates if len(candidates) == 1 else [*candidates, "*"]


def _project_root(ctx: ShellContext) -> str:
    """The nearest directory holding ``firebase.json``, from the working directory up (the
    working directory when none is at hand)."""
    folder = ctx.cwd.rstrip("/") or "/"
    while True:
        if ctx.files.exists(posixpath.join(folder, "firebase.json")):
            return folder
        if folder == "/":
            return ctx.cwd.rstrip("/") or "/"
        folder = posixpath.dirname(folder)


def _names(projects: Sequence[str], *paths: str) -> list[str]:
    """``firebase:<project><path>`` for each candidate project and each path."""
    return [f"firebase:{p}{path}" for p in projects for path in (paths or ("",))]


def _under(kind: EffectKind, where: str, detail: str = "", *, tree: bool = False) -> Meaning:
    """A meaning on ``where`` (``/functions``) and the operand under it (``/functions/NAME``;
    ``*`` with none); ``tree``: with everything under it."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        paths = [f"{where}/{t.strip('/') or '*'}" for t in rest or ["*"]]
        names = _names(_projects(call, opts), *paths)
        return [call.effect(kind, [m for n in names for m in (whole(n) if tree else [n])], detail)]

    return operands(meaning)


def _firestore_delete(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    database = opts.value("database") or "(default)"
    if opts.has("all-collections"):
        detail = "deletes every collection and every document of the database"
        return [
            call.effect(
                _E.DELETE, _names(_projects(call, opts), f"/firestore/{database}/*"), detail
            )
        ]
    if not rest:
        return None
    path = rest[0].strip("/")
    names = _names(_projects(call, opts), f"/firestore/{database}/{path}")
    if opts.has("r", "recursive") or path.count("/") % 2 == 0:
        # A collection (an odd number of segments) goes with its documents; -r also takes
        # the subcollections.
        names = [m for n in names for m in whole(n)]
    return [call.effect(_E.DELETE, names, "deletes the documents")]


def _rtdb(kind: EffectKind, detail: str = "", *, tree: bool = False) -> Meaning:
    """``database:get|set|update|push|remove PATH``."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        if not rest:
            return None
        instance = opts.value("instance") or "(default)"
        path = rest[0].strip("/") or "*"
        names = _names(_projects(call, opts), f"/database/{instance}/{path}")
        if tree or path == "*":
            names = [m for n in names for m in whole(n)]
        return [call.effect(kind, names, detail)]

    return meaning


def _deploy(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    only = [t for v in opts.values.get("only", ()) for t in v.split(",") if t]
    targets = [t.replace(":", "/", 1) for t in only] or ["*"]
    projects = _projects(call, opts)  # read once: every effect below names the same ones
    effects = [call.effect(_E.UPDATE, _names(projects, *(f"/{t}" for t in targets)), "deploys")]
    if opts.has("f", "force") and any(t.split("/")[0] in ("*", "functions") for t in targets):
        detail = "functions the source no longer has are deleted"
        effects.append(call.effect(_E.DELETE, _names(projects, "/functions/*"), detail))
    return effects + _predeploy(call, opts, only, projects)


def _predeploy(
    call: PaasCall, opts: Options, only: Sequence[str], projects: Sequence[str]
) -> list[Effect]:
    """The ``predeploy`` commands of ``firebase.json`` (``--config`` elsewhere), run here first."""
    ctx = call.ctx
    config_path = home_path(opts.value("config") or "firebase.json", ctx)
    config = read_json(ctx, config_path)
    if config is None:
        detail = f"runs the predeploy commands of {config_path}, not at hand"
        return [call.effect(_E.UNKNOWN, _names(projects), detail)]
    products = {t.split(":")[0] for t in only}
    lines: list[str] = []
    for product, section in config.items():
        if products and product not in products:
            continue
        for entry in section if isinstance(section, list) else [section]:
            hooks = entry.get("predeploy") if isinstance(entry, dict) else None
            hooks = [hooks] if isinstance(hooks, str) else hooks
            if isinstance(hooks, list):
                lines += [h for h in hooks if isinstance(h, str)]
            elif hooks is not None:
                return [call.effect(_E.UNKNOWN, _names(projects), "predeploy not understood")]
    return [e for line in lines for e in call.nested([line], [], "before the deploy")]


def _auth_export(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    read = call.effect(_E.READ, _names(_projects(call, opts), "/auth/users"), "exports the users")
    return [read, *(call.local_file(_E.UPDATE, f, "the exported users") for f in rest[:1])]


def _use(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    if not rest and not opts.has("add", "alias", "unalias", "clear"):
        return [call.prints()]
    if opts.has("add", "alias", "unalias"):
        path = _project_root(call.ctx) + "/.firebaserc"
        return [call.local_file(_E.UPDATE, path, "the project aliases")]
    return [call.local_file(_E.UPDATE, _CONFIGSTORE, "the directory's active project")]


_TABLE: dict[str, Meaning] = spelled(
    {
        "help, open, login, logout, login list|ci|add|use, target": prints,
        "projects list, apps list|sdkconfig": constant(_E.READ, "firebase:*", "lists"),
        "use": operands(_use),
        "deploy": _deploy,
        "firestore delete": _firestore_delete,
        "firestore indexes, firestore databases list|get, firestore backups list|get": _under(
            _E.READ, "/firestore"
        ),
        "firestore databases delete": _under(_E.DELETE, "/firestore", "the database", tree=True),
        "firestore databases create|restore": _under(_E.CREATE, "/firestore"),
        "firestore databases update": _under(_E.UPDATE, "/firestore"),
        "firestore backups delete": _under(_E.DELETE, "/firestore/backup"),
        "database get, database profile": _rtdb(_E.READ),
        "database set": _rtdb(_E.REPLACE, "overwrites the data at the path", tree=True),
        "database update": _rtdb(_E.UPDATE),
        "database push": _rtdb(_E.CREATE),
        "database remove": _rtdb(_E.DELETE, "deletes the data at the path", tree=True),
        "database instances list": _under(_E.READ, "/database"),
        "database instances create": _under(_E.CREATE, "/database"),
        "database settings get": _under(_E.READ, "/database"),
        "database settings set": _under(_E.UPDATE, "/database"),
        "hosting disable": _under(_E.DELETE, "/hosting", "takes the site offline"),
        "hosting sites list|get, hosting channel list|open": _under(_E.READ, "/hosting"),
        "hosting sites create": _under(_E.CREATE, "/hosting"),
        "hosting sites delete": _under(_E.DELETE, "/hosting", "the site", tree=True),
        "hosting channel create|deploy": _under(_E.CREATE, "/hosting/*/channel"),
        "hosting channel delete": _under(_E.DELETE, "/hosting/*/channel"),
        "hosting clone": _under(_E.UPDATE, "/hosting", "replaces the target's release"),
        "functions list|log, functions config get": _under(_E.READ, "/functions"),
        "functions delete": _under(_E.DELETE, "/functions", "deletes the function"),
        "functions config set|clone": _under(_E.UPDATE, "/functions/config"),
        "functions config unset": _under(_E.DELETE, "/functions/config"),
        "functions secrets get|access": _under(_E.READ, "/secret"),
        "functions secrets set": _under(_E.UPDATE, "/secret"),
        "functions secrets destroy|prune": _under(_E.DELETE, "/secret"),
        "auth export": operands(_auth_export),
        "auth import": _under(_E.UPDATE, "/auth", "imports users"),
        "remoteconfig get, remoteconfig versions list": _under(_E.READ, "/remoteconfig"),
        "remoteconfig rollback": _under(_E.UPDATE, "/remoteconfig"),
        "projects create": _under(_E.CREATE, ""),
        "apps create": _under(_E.CREATE, "/app"),
        "ext list|info": _under(_E.READ, "/extension"),
        "ext install": _under(_E.CREATE, "/extension"),
        "ext configure|update": _under(_E.UPDATE, "/extension"),
        "ext uninstall": _under(_E.DELETE, "/extension", tree=True),
        "apphosting backends list|get": _under(_E.READ, "/apphosting"),
        "apphosting backends create, apphosting rollouts create": _under(_E.CREATE, "/apphosting"),
        "apphosting backends delete": _under(_E.DELETE, "/apphosting", tree=True),
        "apphosting secrets set": _under(_E.UPDATE, "/secret"),
        "dataconnect services list": _under(_E.READ, "/dataconnect"),
        "dataconnect sql migrate": _under(_E.UPDATE, "/dataconnect"),
    }
)


@command("firebase")
def firebase(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Firebase's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _FIREBASE)
    words, spelled_as = command_words(opts.operands)
    call = PaasCall(cmd, ctx, "firebase", notes=yes_notes(opts, "force", "f"))
    if not words and opts.has("h", "help", "V", "version"):
        return [call.prints()]
    return meaning_of(call, opts, words, _TABLE, at_least=spelled_as)
