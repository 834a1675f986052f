"""``influx``, InfluxDB 2's command line. Names as :mod:`.messaging` says: ``influx:bucket/<name>``
(``influx:bucket-id/<id>`` when a command names it by ID; a delete by ID names every bucket,
``influx:bucket/*``, too, since a pattern on the name cannot match the ID), ``influx:org/<name>``,
``influx:auth/<id>``, ``influx:user/<name>``, ``influx:task/<id>``, ``influx:secret/<key>``,
``influx:server``; under the organisation (``-o``/``INFLUX_ORG``) and by ``--host``/``INFLUX_HOST``
and the active config (``-c``/``INFLUX_ACTIVE_CONFIG``).

Kinds: ``bucket list``, ``query``, ``backup``, ``ping``, ``version``, ``export`` read (a Flux
query's ``to()`` updates the bucket it writes; a query importing a package that reaches
outside -- ``http``, ``sql``, ``experimental`` -- is unknown); ``write`` updates (``write
dryrun`` reads); ``create`` and ``setup`` create; ``update``, ``active``/``inactive``,
``password`` update (``bucket update -r`` deletes: the points older than the new retention
go); ``bucket delete`` deletes the bucket; ``influx delete`` deletes the
points between ``--start`` and ``--stop`` (matching ``--predicate``); ``restore`` replaces
(``--full``: everything).

Unknown: InfluxDB 1.x's ``influx -execute ...`` (InfluxQL, not judged), ``v1 shell``, and
(``None``) any command not in the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kv_store import StoreCall
from keyturn.understand.shell.commands._messaging_names import known_hosts
from keyturn.understand.shell.effects import command_effect, file_path, unknown_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_LONG = {
    "org": "o",
    "token": "t",
    "active-config": "c",
    "name": "n",
    "id": "i",
    "retention": "r",
    "description": "d",
    "bucket": "b",
    "predicate": "p",
    "precision": "p",
    "file": "f",
    "url": "u",
    "key": "k",
}
_LONG_VALUED = frozenset({"host", "org-id", "configs-path", "bucket-id", "start", "stop"})
_LONG_VALUED |= {"shard-group-duration", "schema-type", "limit", "offset", "page-size"}
_LONG_VALUED |= {"new-bucket", "new-org", "header", "format", "encoding", "errors-file"}
_LONG_VALUED |= {"rate-limit", "max-line-length", "password", "user", "status", "before"}
_LONG_VALUED |= {"after", "task-id", "run-id", "template-url", "stack-id", "value"}
# 1.x's single-dash long options: ``influx -execute 'DROP DATABASE x' -database y``
_V1 = frozenset({"-execute", "-database", "-import", "-path", "-precision", "-username"})
_V1 |= {"-consistency", "-pretty", "-ssl", "-unsafeSsl", "-type", "-compressed", "-pps"}


def _spec(raw: bool) -> OptionSpec:
    # ``query -r`` is --raw (no value); elsewhere ``-r`` is --retention
    return OptionSpec(
        valued="otcnidbpfuk" + ("" if raw else "r"),
        long=_LONG,
        long_valued=_LONG_VALUED | frozenset(v for v in _LONG.values() if v != "r" or not raw),
        abbreviations=False,
    )


_GOES = frozenset({EffectKind.DELETE, EffectKind.REPLACE})
_Meaning = Callable[[StoreCall, Options, list[str], ShellContext], "list[Effect] | None"]


def _by(kind: EffectKind, folder: str, *, detail: str = "", key: str = "n") -> _Meaning:
    """A command on ``<folder>/<-n name>`` (``<folder>-id/<-i id>`` by ID), or on
    ``<folder>/*`` for a listing without one."""

    def meaning(
        call: StoreCall, opts: Options, words: list[str], ctx: ShellContext
    ) -> list[Effect] | None:
        name, ident = opts.value(key), opts.value("i")
        if name:
            path = f"{folder}/{name}"
        elif ident:
            path = (
                f"{folder}-id/{ident}"
                if folder in ("bucket", "org", "user")
                else f"{folder}/{ident}"
            )
        elif kind is _E.READ:
            path = f"{folder}/*"
        else:
            return None
        wide = [f"{name}/*"] if folder == "org" and name and kind is _E.DELETE else []
        if not name and ident and path.startswith(f"{folder}-id/") and kind in _GOES:
            wide.append(f"{folder}/*")  # which one the ID is cannot be told: any of them
        scoped = evolve(call, namespace="") if folder in ("org", "user", "auth") else call
        return [scoped.effect(kind, [path, *wide], detail)]

    return meaning


def _bucket_update(
    call: StoreCall, opts: Options, words: list[str], ctx: ShellContext
) -> list[Effect] | None:
    """``bucket update --id ID``: a new retention (``-r 1h``) deletes the older points."""
    retention = (opts.value("r") or "").strip()
    if retention in ("", "0", "0s", "infinite"):
        return _by(_E.UPDATE, "bucket", key="-")(call, opts, words, ctx)
    detail = f"--retention {retention[:20]}: the points older than it are deleted"
    return _by(_E.DELETE, "bucket", detail=detail, key="-")(call, opts, words, ctx)


def _delete_points(
    call: StoreCall, opts: Options, words: list[str], ctx: ShellContext
) -> list[Effect] | None:
    bucket, ident = opts.value("b"), opts.value("bucket-id")
    if not bucket and not ident:
        return None
    names = [f"bucket/{bucket}"] if bucket else [f"bucket-id/{ident}", "bucket/*"]
    span = f"between {opts.value('start') or '?'} and {opts.value('stop') or '?'}"
    which = f"matching {opts.value('p')!r}" if opts.value("p") else "every point"
    return [call.effect(_E.DELETE, names, f"deletes {which} {span}")]


_TO_BUCKET = re.compile(r"\bto\s*\(\s*bucket\s*:\s*\"([^\"]+)\"")
_FROM_BUCKET = re.compile(r"\bfrom\s*\(\s*bucket\s*:\s*\"([^\"]+)\"")
_IMPORT = re.compile(r"^\s*import\s+\"([^\"]+)\"", re.MULTILINE)
_SAFE_PACKAGES = frozenset({"strings", "math", "date", "regexp", "array", "dict", "types"})
_SAFE_PACKAGES |= {"timezone", "interpolate", "influxdata/influxdb/schema", "universe"}
_SAFE_PACKAGES |= {"influxdata/influxdb/v1", "join", "csv"}


def _query(
    call: StoreCall, opts: Options, words: list[str], ctx: ShellContext
) -> list[Effect] | None:
    """A Flux query: reads the buckets ``from()`` names, updates those ``to()`` writes."""
    text = " ".join(words) if words else None
    if opts.value("f"):
        text = ctx.files.read_text(file_path(opts.value("f") or "", ctx))
    elif text is None or text == "-":
        text = call.cmd.stdin_text
    argv = call.cmd.argv
    decided = {argv[i] for i in call.cmd.dynamic_words if 0 < i < len(argv)}
    if text is None or any(w in decided for w in words):
        return [call.effect(_E.UNKNOWN, ["bucket/*"], "a Flux query not known now")]
    outside = sorted(set(_IMPORT.findall(text)) - _SAFE_PACKAGES)
    found = [
        call.effect(_E.READ, [f"bucket/{b}" for b in _FROM_BUCKET.findall(text)] or ["bucket/*"])
    ]
    found += [
        call.effect(_E.UPDATE, [f"bucket/{b}"], "to(): writes") for b in _TO_BUCKET.findall(text)
    ]
    if outside:
        found.append(
            call.effect(_E.UNKNOWN, ["*"], f"imports {', '.join(outside)}: may act outside")
        )
    return found


def _write(
    call: StoreCall, opts: Options, words: list[str], ctx: ShellContext
) -> list[Effect] | None:
    if words[:1] == ["dryrun"]:
        return [call.effect(_E.READ, ["bucket/*"], "dry run: only parses")]
    bucket, ident = opts.value("b"), opts.value("bucket-id")
    path = f"bucket/{bucket}" if bucket else f"bucket-id/{ident}" if ident else None
    return [call.effect(_E.UPDATE, [path], "writes points")] if path else None


def _restore(
    call: StoreCall, opts: Options, words: list[str], ctx: ShellContext
) -> list[Effect] | None:
    if opts.has("full"):
        return [
            evolve(call, namespace="").effect(
                _E.REPLACE, ["*"], "--full: every bucket, user and token"
            )
        ]
    bucket = opts.value("new-bucket") or opts.value("b")
    return [
        call.effect(_E.REPLACE, [f"bucket/{bucket}" if bucket else "bucket/*"], "from a backup")
    ]


def _fixed(kind: EffectKind, path: str, detail: str = "") -> _Meaning:
    def meaning(
        call: StoreCall, opts: Options, words: list[str], ctx: ShellContext
    ) -> list[Effect] | None:
        return [evolve(call, namespace="").effect(kind, [path], detail)]

    return meaning


_MEANINGS: dict[str, _Meaning] = {
    **{f"bucket {v}": _by(_E.READ, "bucket") for v in ("list", "ls", "find")},
    "bucket create": _by(_E.CREATE, "bucket"),
    "bucket delete": _by(_E.DELETE, "bucket", detail="and every point in it"),
    "bucket update": lambda call, opts, words, ctx: _bucket_update(call, opts, words, ctx),
    "delete": _delete_points,
    "query": _query,
    "write": _write,
    "backup": _fixed(_E.READ, "bucket/*", "writes a backup on this machine"),
    "restore": _restore,
    "setup": _fixed(_E.CREATE, "*", "the first user, organisation and bucket"),
    **{f"org {v}": _by(_E.READ, "org") for v in ("list", "ls", "find")},
    "org create": _by(_E.CREATE, "org"),
    "org delete": _by(_E.DELETE, "org", detail="and every bucket in it"),
    "org update": _by(_E.UPDATE, "org", key="-"),
    **{
        f"{g} {v}": _by(_E.READ, "auth")
        for g in ("auth", "authorization")
        for v in ("list", "ls", "find")
    },
    **{
        f"{g} create": _fixed(_E.CREATE, "auth/*", "a new token") for g in ("auth", "authorization")
    },
    **{f"{g} delete": _by(_E.DELETE, "auth", key="-") for g in ("auth", "authorization")},
    **{f"{g} active": _by(_E.UPDATE, "auth", key="-") for g in ("auth", "authorization")},
    **{f"{g} inactive": _by(_E.UPDATE, "auth", key="-") for g in ("auth", "authorization")},
    **{f"user {v}": _by(_E.READ, "user") for v in ("list", "ls", "find")},
    "user create": _by(_E.CREATE, "user"),
    "user delete": _by(_E.DELETE, "user"),
    "user update": _by(_E.UPDATE, "user", key="-"),
    "user password": _by(_E.UPDATE, "user", detail="changes the password"),
    **{f"task {v}": _by(_E.READ, "task", key="-") for v in ("list", "ls", "find", "log")},
    "task create": _fixed(_E.CREATE, "task/*", "a task that runs Flux on a schedule"),
    "task delete": _by(_E.DELETE, "task", key="-"),
    "task update": _by(_E.UPDATE, "task", key="-"),
    "secret list": _fixed(_E.READ, "secret/*"),
    "secret update": _by(_E.UPDATE, "secret", key="k"),
    "secret delete": _by(_E.DELETE, "secret", key="k"),
    "ping": _fixed(_E.READ, "server"),
    "version": _fixed(_E.READ, "server"),
    "server-config": _fixed(_E.READ, "server"),
    "export": _fixed(_E.READ, "*", "prints resources as a template"),
    "v1 dbrp list": _fixed(_E.READ, "dbrp/*"),
}


@command("influx")
def influx(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``influx [--host URL] [-o ORG] GROUP VERB [options]``, as the module docstring says."""
    if any(a.split("=", 1)[0] in _V1 for a in cmd.args):
        why = "InfluxDB 1.x CLI: the InfluxQL it runs is not judged"
        return [unknown_effect(cmd, why, ctx)]
    raw = cmd.args[:1] == ("query",)
    opts = parse_options(cmd.args, _spec(raw))
    words = list(opts.operands)
    if opts.has("help", "h") or words[:1] == ["help"]:
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if words[:2] == ["v1", "shell"]:
        return [
            unknown_effect(cmd, "an interactive InfluxQL shell: the statements are not known", ctx)
        ]
    host = opts.value("host") or setting(cmd, ctx.env, "INFLUX_HOST")
    config = opts.value("c") or setting(cmd, ctx.env, "INFLUX_ACTIVE_CONFIG")
    org = opts.value("o") or setting(cmd, ctx.env, "INFLUX_ORG") or ""
    call = StoreCall(
        cmd,
        ctx,
        "influx",
        hosts=known_hosts(cmd, host, config),
        namespace=org,
    )
    for n in (3, 2, 1):
        meaning = _MEANINGS.get(" ".join(words[:n])) if len(words) >= n else None
        if meaning is not None:
            verb = " ".join(words[:n])
            return meaning(evolve(call, operation=f"influx {verb}"), opts, words[n:], ctx)
    return None
