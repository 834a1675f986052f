"""``redis-cli`` and ``mongosh``/``mongo`` (their code is read by :mod:`._mongo_code`).

Names: ``db:redis/<n>`` for Redis logical database ``n`` (``-n``, default 0, and a ``SELECT n``
read from stdin for the commands after it; ``*`` for all of them: ``FLUSHALL``, server
settings), ``db:redis/<n>/<key>`` for a key; ``db:mongodb/<db>`` and
``db:mongodb/<db>/<collection>``. The host, when given, is a second name ``<name>@<host>``
(see :mod:`.sql_clients`).

A command that writes its result over a key (``SINTERSTORE dst …``, ``GEORADIUS … STORE dst``,
``SORT key … STORE dst``) replaces that key: what it held is lost. Commands that rename, copy,
move, migrate or expire keys, and ``CONFIG SET`` of the server's files: :mod:`._db_redis_keys`.
Commands on stdin come from a heredoc, constant text piped in, or a ``<`` file read here.
redis-cli's sampling modes (``--scan``, ``--bigkeys``, ``--stat``, ``--latency``…) read;
``--rdb FILE`` reads every database and writes ``FILE``. ACL users are named as SQL roles
(``db:redis/role:<user>``): ``ACL DELUSER`` deletes them, ``ACL SETUSER`` changes one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import Spec, is_dynamic, parse, with_command
from keyturn.understand.shell.commands._db_mongo_shell import mongo_shell
from keyturn.understand.shell.commands._db_redis_keys import config_moves_files, key_effects
from keyturn.understand.shell.commands._db_stdin import stdin_text
from keyturn.understand.shell.commands._mongo_code import mongo_effects
from keyturn.understand.shell.effects import write_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.sql.names import Session


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_REDIS = Spec(
    short="hpnasuri",
    long={"user": "user", "pass": "a", "askpass": "askpass"},
    long_valued=frozenset({"user", "a", "pattern", "rdb", "eval", "count", "functions-rdb"})
    | {"quoted-pattern", "memkeys-samples", "intrinsic-latency", "pipe-timeout"},
    stop_at_operand=True,
)
_REDIS_READS = _words(
    "get mget keys scan exists type ttl pttl strlen hget hgetall hkeys hvals hlen hexists "
    "hmget hscan lrange llen lindex smembers scard sismember sscan zrange zrangebyscore "
    "zscore zcard zscan zrank info ping dbsize echo time memory object monitor subscribe "
    "psubscribe slowlog latency lastsave role command xrange xlen xread xinfo pfcount "
    "getrange bitcount getbit randomkey dump select auth hello wait save bgsave bgrewriteaof "
    "sinter sunion sdiff zrevrange zcount lpos srandmember hrandfield hstrlen geopos geodist "
    "georadius georadiusbymember georadius_ro georadiusbymember_ro geosearch geohash sort "
    "sort_ro"
)
_REDIS_KEY_WRITES = _words(
    "set setex psetex setnx append incr incrby incrbyfloat decr decrby getset hset hsetnx "
    "hmset hincrby hincrbyfloat lpush rpush lpushx rpushx lset linsert lpop rpop lrem ltrim "
    "sadd srem spop smove zadd zrem zincrby zpopmin zpopmax zremrangebyscore zremrangebyrank "
    "zremrangebylex persist xadd xdel xtrim setrange setbit pfadd hdel getex geoadd"
)
_REDIS_DELETES = frozenset({"del", "unlink", "getdel"})
_REDIS_UNKNOWN = {
    "eval": "runs a Lua script",
    "evalsha": "runs a Lua script",
    "eval_ro": "runs a Lua script",
    "fcall": "runs a server function",
    "function": "loads or deletes server functions",
    "script": "manages Lua scripts",
    "module": "loads server modules",
    "debug": "debug commands can crash or change the server",
    "shutdown": "stops the server",
    "cluster": "changes the cluster",
}


# redis-cli's modes that only read (SCAN, INFO, MEMORY USAGE, OBJECT FREQ, PING; redis-cli
# 7.0.15 run): with one of them the command words on the line are not run (judged anyway).
_REDIS_READ_MODES = frozenset(
    {"scan", "bigkeys", "memkeys", "memkeys-samples", "hotkeys", "stat", "latency"}
    | {"latency-history", "latency-dist", "intrinsic-latency"}
)
# Modes that have the server send its whole RDB (``SYNC``) and write it to a local file.
_REDIS_RDB_MODES = ("rdb", "functions-rdb")
# ACL sub-commands that only read the users and rules.
_ACL_READS = frozenset({"list", "users", "getuser", "whoami", "cat", "genpass", "dryrun", "help"})

# CLIENT sub-commands that end or block other sessions (KILL, PAUSE) or change them
_REDIS_CLIENT_CHANGES = frozenset({"kill", "pause", "unblock", "no-evict", "no-touch"})


def _redis_session(cmd: SimpleCommand, ctx: ShellContext) -> tuple[Session, list[str], bool]:
    """The session, the command words, and whether any of them is decided at run time."""
    args = parse(cmd, _REDIS)
    host, db = None, "0"
    for arg in args.options:
        if arg.key == "h":
            host = arg.value
        elif arg.key == "n":
            db = arg.value
        elif arg.key == "u":  # redis://user:pass@host:port/db
            parts = urlsplit(arg.value)
            host = parts.hostname or host
            db = parts.path.strip("/") or db
    words = [a.value for a in args.operands]
    dynamic = any(is_dynamic(cmd, a) for a in args.operands)
    if args.has("eval"):
        words = ["eval"]
    return Session("redis", db, host, ctx.target), words, dynamic


@command("redis-cli", "valkey-cli", "keydb-cli")
def redis_cli(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``redis-cli [-h HOST] [-n DB] COMMAND ARGS...`` (commands on stdin when none given)."""
    s, words, dynamic = _redis_session(cmd, ctx)
    if dynamic:
        return with_command([s.unknown("a Redis command decided at run time")], cmd)
    modes = _redis_modes(cmd, ctx, s)
    if modes:
        return with_command(modes + (_redis_command(words, s) if words else []), cmd)
    if words:
        return with_command(_redis_command(words, s), cmd)
    text, problem = stdin_text(cmd, ctx)
    if problem is not None:
        return with_command([s.unknown(problem)], cmd)
    if text is not None:
        effects: list[Effect] = []
        for line in text.splitlines():
            if line.strip():
                effects += _redis_command(line.split(), s)
                _follow_select(line.split(), s)
        return with_command(effects or [s.unknown("no Redis command")], cmd)
    return with_command([s.unknown("interactive redis-cli: the commands are not known")], cmd)


def _redis_modes(cmd: SimpleCommand, ctx: ShellContext, s: Session) -> list[Effect]:
    """redis-cli's special modes: ``--scan``, ``--bigkeys``… read the database; ``--rdb FILE``
    reads every database and writes ``FILE`` here. None: no mode (``--pipe`` is not one: its
    protocol on stdin is judged as commands, or unknown)."""
    args = parse(cmd, _REDIS)
    effects: list[Effect] = []
    if args.has(*_REDIS_READ_MODES):
        effects.append(s.effect(EffectKind.READ, s.database_resource(), "redis-cli", "samples"))
    everything = Session("redis", "*", s.host, s.target).database_resource()
    for arg in args.all(*_REDIS_RDB_MODES):
        op = f"redis-cli --{arg.key}"
        effects.append(s.effect(EffectKind.READ, everything, op, "the server's whole RDB"))
        if is_dynamic(cmd, arg) or not arg.value:
            effects.append(s.unknown("writes the RDB to a file decided at run time", op))
        elif arg.value != "-":
            path = normalize_path(arg.value, cwd=ctx.cwd)
            effects.append(write_effect(path, cmd, ctx, detail="the server's RDB"))
    return effects


def _acl(args: list[str], s: Session, op: str) -> list[Effect]:
    """``ACL DELUSER u…`` deletes users, ``ACL SETUSER u rules…`` changes one (named as SQL
    roles are: ``db:redis/role:u``); the listing sub-commands read; the rest (``LOAD``,
    ``SAVE``, ``LOG RESET``) change the server."""
    sub, names = (args[0].lower(), args[1:]) if args else ("", [])
    everything = Session("redis", "*", s.host, s.target).database_resource()
    if sub == "deluser":
        return [
            s.effect(EffectKind.DELETE, s.role_resource(u), f"{op} DELUSER") for u in names
        ] or [s.unknown(f"{op} DELUSER without a user", op)]
    if sub == "setuser" and names:
        return [s.effect(EffectKind.UPDATE, s.role_resource(names[0]), f"{op} SETUSER")]
    if sub in _ACL_READS or (sub == "log" and [a.lower() for a in names] != ["reset"]):
        return [s.effect(EffectKind.READ, everything, f"{op} {sub.upper()}")]
    return [s.effect(EffectKind.UPDATE, everything, f"{op} {sub.upper()}".strip())]


def _follow_select(words: list[str], s: Session) -> None:
    """``SELECT n`` read from stdin: the commands after it run on database ``n`` (one not
    plainly a number is not told)."""
    if words[0].lower() == "select" and len(words) >= 2:
        s.database = words[1] if words[1].isdigit() else "*"


def _redis_command(words: list[str], s: Session) -> list[Effect]:
    name, args = words[0].lower(), words[1:]
    op = f"redis:{name.upper()}"
    everything = Session("redis", "*", s.host, s.target).database_resource()
    if name == "flushall":
        return [s.effect(EffectKind.DELETE, everything, op, "every key of every database")]
    if name == "flushdb":
        return [s.effect(EffectKind.DELETE, s.database_resource(), op, "every key")]
    if name in ("replicaof", "slaveof") and [a.lower() for a in args] != ["no", "one"]:
        return [s.effect(EffectKind.DELETE, everything, op, "replaces the data with a primary's")]
    if name == "config" and config_moves_files(args):
        why = "moves where the server writes its files: SAVE then writes any file it may"
        return [s.unknown(why, f"{op} SET")]
    if name == "config":
        sub = args[0].lower() if args else ""
        kind = EffectKind.READ if sub == "get" else EffectKind.UPDATE
        return [s.effect(kind, everything, f"{op} {sub.upper()}".strip())]
    if name in _REDIS_UNKNOWN:
        return [s.unknown(_REDIS_UNKNOWN[name], op)]
    if name == "client" and args[:1] and args[0].lower() in _REDIS_CLIENT_CHANGES:
        sub = args[0].upper()
        return [s.effect(EffectKind.UPDATE, everything, f"{op} {sub}", "blocks or ends sessions")]
    moved = key_effects(name, args, s, op)
    if moved is not None:
        return moved
    stored = _stored(name, args)
    if stored:
        return [_replaces(s, key, op) for key in stored]
    if name in _REDIS_READS or name == "client":
        return [s.effect(EffectKind.READ, s.database_resource(), op)]
    if name in _REDIS_DELETES:
        return [s.effect(EffectKind.DELETE, _key(s, k), op) for k in args] or [
            s.unknown(f"{op} without keys", op)
        ]
    if name in ("mset", "msetnx"):
        return [s.effect(EffectKind.UPDATE, _key(s, k), op) for k in args[::2]]
    if name in _REDIS_KEY_WRITES and args:
        return [s.effect(EffectKind.UPDATE, _key(s, args[0]), op)]
    if name == "acl":
        return _acl(args, s, op)
    if name in ("client", "failover", "bgrewriteaof"):
        return [s.effect(EffectKind.UPDATE, everything, op)]
    return [s.unknown(f"Redis command not understood: {name.upper()}", op)]


def _key(s: Session, key: str) -> Resource:
    return s.object_resource([key], "key")


# Commands that write their result over a destination key, the first argument
_REDIS_STORES = _words(
    "sinterstore sunionstore sdiffstore zinterstore zunionstore zdiffstore zrangestore "
    "geosearchstore"
)
# Commands that write over a key given after an option: {command: (options, arguments before
# the options)}; SORT's patterns (``BY``/``GET``) may be any word, so its options are looked for
# from its key on (a pattern named ``store`` then counts: stricter).
_REDIS_STORE_OPTIONS: dict[str, tuple[frozenset[str], int]] = {
    "georadius": (frozenset({"store", "storedist"}), 5),
    "georadiusbymember": (frozenset({"store", "storedist"}), 4),
    "sort": (frozenset({"store"}), 1),
}


def _stored(name: str, args: list[str]) -> list[str]:
    """The keys a command writes its result over (``""`` for an option that names none):
    ``SINTERSTORE dst …``, ``GEORADIUS … STORE dst [STOREDIST dst2]``, ``SORT key … STORE dst``."""
    if name in _REDIS_STORES:
        return [args[0] if args else ""]
    options, start = _REDIS_STORE_OPTIONS.get(name, (frozenset(), 0))
    return [
        args[k + 1] if k + 1 < len(args) else ""
        for k in range(start, len(args))
        if args[k].lower() in options
    ]


def _replaces(s: Session, key: str, op: str) -> Effect:
    """The destination written over: what it held is gone (a replace, as a protected key's
    value is lost), or unknown when the command names no key."""
    if not key:
        return s.unknown(f"{op} without a destination key", op)
    return s.effect(EffectKind.REPLACE, _key(s, key), op, "writes its result over the key")


_MONGO_READS = _words(
    "find findOne count countDocuments estimatedDocumentCount distinct getIndexes stats "
    "getCollectionNames getCollectionInfos listCollections explain hello isMaster "
    "serverStatus version getName printjson print getUsers getUser currentOp toArray forEach "
    "pretty limit sort skip itcount hasNext next map"
)
_MONGO_WRITES = {
    "insertOne": EffectKind.CREATE,
    "insertMany": EffectKind.CREATE,
    "insert": EffectKind.CREATE,
    "updateOne": EffectKind.UPDATE,
    "updateMany": EffectKind.UPDATE,
    "update": EffectKind.UPDATE,
    "replaceOne": EffectKind.UPDATE,
    "findOneAndUpdate": EffectKind.UPDATE,
    "findOneAndReplace": EffectKind.UPDATE,
    "createIndex": EffectKind.UPDATE,
    "createCollection": EffectKind.CREATE,
    "renameCollection": EffectKind.UPDATE,
    "dropIndex": EffectKind.UPDATE,
    "dropIndexes": EffectKind.UPDATE,
    "deleteOne": EffectKind.DELETE,
    "deleteMany": EffectKind.DELETE,
    "remove": EffectKind.DELETE,
    "findOneAndDelete": EffectKind.DELETE,
    "drop": EffectKind.DELETE,
    "dropDatabase": EffectKind.DELETE,
    "dropAllUsers": EffectKind.DELETE,
    "dropUser": EffectKind.DELETE,
}


@command("mongosh", "mongo")
def mongosh(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mongosh [URI|DB] [--eval 'JS']… [FILE.js]…`` (and the legacy ``mongo``): the code the
    line, its scripts, the start-up file and stdin give (:mod:`._db_mongo_shell`), known
    calls judged; other code is unknown."""
    return with_command(mongo_shell(cmd, ctx, _mongo_code), cmd)


def _mongo_code(code: str, s: Session) -> list[Effect]:
    return mongo_effects(code, s, reads=_MONGO_READS, writes=_MONGO_WRITES)
