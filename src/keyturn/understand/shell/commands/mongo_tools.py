"""MongoDB's database tools: ``mongodump``, ``mongorestore``, ``mongoexport`` and
``mongoimport``. Names are ``mongosh``'s (:mod:`._datastores`): ``db:mongodb/<db>`` and
``db:mongodb/<db>/<collection>``, with ``@<host>`` twins when the host is known.

- ``mongodump`` and ``mongoexport`` read; the files they write are written like any other.
- ``mongorestore`` loads a dump: an update (documents added; those whose ``_id`` is there
  already are skipped). ``--drop`` drops each collection before loading it: a replace. What it
  restores is told by ``--nsInclude`` (``--nsTo`` when namespaces are renamed), or the
  deprecated ``--db``/``--collection``; else whatever the dump holds, every database named.
  ``--dryRun`` reads only.
- ``mongoimport`` loads a file into one collection (its name defaults to the file's):
  ``--drop`` replaces the collection; ``--mode delete`` deletes the documents that match the
  file's; other modes update.

The connection comes from ``--uri`` (or ``mongodump``'s and ``mongoexport``'s connection string
operand), ``--host`` (``rs0/h1:27017,h2`` names ``h1``) and ``--db``; the password in a URI or
``--password`` never reaches a name or a detail.
"""

from __future__ import annotations

from posixpath import basename
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import Parsed, Spec, is_dynamic, parse, with_command
from keyturn.understand.shell.effects import directory_tree, file_effect, write_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.sql.names import Session

_E = EffectKind
_CONNECTION = {"host": "h", "port": "port", "username": "u", "password": "p", "db": "d"}
_VALUED = frozenset({"uri", "h", "port", "u", "p", "d", "c", "o", "q", "authenticationDatabase"})
_VALUED |= {"authenticationMechanism", "readPreference", "sslCAFile", "sslPEMKeyFile"}
_VALUED |= {"tlsCAFile", "tlsCertificateKeyFile", "config", "numParallelCollections"}
_SPEC = Spec(
    short="hupdcoqj",
    long={**_CONNECTION, "collection": "c", "out": "o", "query": "q"},
    long_valued=_VALUED
    | {"nsInclude", "nsExclude", "nsFrom", "nsTo", "file", "mode", "type", "fields", "dir"}
    | {"excludeCollection", "excludeCollectionsWithPrefix", "queryFile", "upsertFields"}
    | {"numInsertionWorkersPerCollection", "fieldFile", "sort", "skip", "limit"},
)


def _session(cmd: SimpleCommand, args: Parsed, ctx: ShellContext, *, uri_operand: bool) -> Session:
    """The database and host the tool works on (``*`` for a database not told or decided at
    run time)."""
    database: str | None = None
    host: str | None = None
    uris = args.all("uri") + ([a for a in args.operands if "://" in a.value] if uri_operand else [])
    for arg in uris:
        if is_dynamic(cmd, arg):
            continue
        try:
            parts = urlsplit(arg.value)
            host = parts.hostname or host
        except ValueError:  # a malformed port: the rest is still read
            parts = urlsplit(arg.value.rsplit("@", 1)[-1])
        database = parts.path.strip("/").split("?")[0] or database
    for arg in args.all("h"):
        if not is_dynamic(cmd, arg):
            host = arg.value.rpartition("/")[2].split(",")[0].rsplit(":", 1)[0] or host
    for arg in args.all("d"):
        database = "*" if is_dynamic(cmd, arg) else arg.value or database
    return Session("mongodb", database or "*", host, ctx.target)


def _collection(s: Session, collection: str, database: str | None = None) -> Resource:
    return Session("mongodb", database or s.database, s.host, s.target).object_resource(
        [collection], "collection"
    )


def _namespace(s: Session, pattern: str) -> Resource:
    """A ``db.collection`` namespace pattern (``db.*``: the database with all it holds)."""
    database, _, collection = pattern.partition(".")
    if collection in ("", "*"):
        return s.database_resource(database or "*", whole=True)
    return _collection(s, collection, database or "*")


def _told(cmd: SimpleCommand, args: Parsed, s: Session) -> list[Resource]:
    """``--db``/``--collection``: what a tool is told to work on, else the whole database."""
    collection = args.last("c")
    if collection is None:
        return [s.database_resource(whole=True)]
    return [_collection(s, "*" if is_dynamic(cmd, collection) else collection.value)]


def _written(cmd: SimpleCommand, ctx: ShellContext, path: str, *, tree: bool = False) -> Effect:
    absolute = normalize_path(path, cwd=ctx.cwd)
    if not tree:
        return write_effect(absolute, cmd, ctx, detail="the dump")
    return file_effect(_E.UPDATE, directory_tree(absolute), cmd, ctx, detail="the dump")


@command("mongodump")
def mongodump(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mongodump [URI] [--db DB [--collection C]] [--out DIR | --archive=FILE]``: reads."""
    args = parse(cmd, _SPEC)
    s = _session(cmd, args, ctx, uri_operand=True)
    reads = [s.effect(_E.READ, r, "mongo:dump", "dumps") for r in _told(cmd, args, s)]
    archive, where = args.last("archive"), args.last("o")
    if archive is not None:  # ``--archive`` alone writes to stdout
        out = [_written(cmd, ctx, archive.value)] if archive.value else []
    elif where is None or where.value != "-":
        out = [_written(cmd, ctx, where.value if where else "dump", tree=True)]
    else:
        out = []
    return with_command(reads + out, cmd)


@command("mongoexport")
def mongoexport(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mongoexport --db DB --collection C [--out FILE]``: reads."""
    args = parse(cmd, _SPEC)
    s = _session(cmd, args, ctx, uri_operand=True)
    reads = [s.effect(_E.READ, r, "mongo:export", "exports") for r in _told(cmd, args, s)]
    out = args.last("o")
    written = [_written(cmd, ctx, out.value)] if out and out.value not in ("", "-") else []
    return with_command(reads + written, cmd)


@command("mongorestore")
def mongorestore(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mongorestore [--uri URI] [--nsInclude NS]… [--drop] [--dryRun] [DIR | --archive=F]``."""
    args = parse(cmd, _SPEC)
    s = _session(cmd, args, ctx, uri_operand=False)
    renamed = args.all("nsTo")
    patterns = renamed or args.all("nsInclude")
    if any(is_dynamic(cmd, a) for a in patterns):
        into = [Session("mongodb", "*", s.host, s.target).database_resource(whole=True)]
    elif patterns:
        into = [_namespace(s, a.value) for a in patterns]
    else:
        into = _told(cmd, args, s)
    if args.has("dryRun"):
        kind, detail = _E.READ, "--dryRun: loads nothing"
    elif args.has("drop"):
        kind, detail = _E.REPLACE, "--drop: each collection is dropped, then loaded from the dump"
    else:
        kind, detail = _E.UPDATE, "loads the dump: documents are added"
    sources = [a.value for a in args.operands] + [a.value for a in args.all("dir", "archive")]
    read = [
        file_effect(_E.READ, directory_tree(normalize_path(p, cwd=ctx.cwd)), cmd, ctx)
        for p in sources
        if p not in ("", "-")
    ]
    return with_command(read + [s.effect(kind, r, "mongo:restore", detail) for r in into], cmd)


@command("mongoimport")
def mongoimport(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mongoimport --db DB [--collection C] [--drop] [--mode M] [--file] FILE``."""
    args = parse(cmd, _SPEC)
    s = _session(cmd, args, ctx, uri_operand=False)
    files = [a for a in [args.last("file"), *args.operands] if a is not None]
    told = args.last("c")
    if told is not None:
        name = "*" if is_dynamic(cmd, told) else told.value
    elif files and not is_dynamic(cmd, files[0]):
        name = basename(files[0].value).rsplit(".", 1)[0]  # the file's name, as mongoimport
    else:
        name = "*"
    mode = args.last("mode")
    if args.has("drop"):
        kind, detail = _E.REPLACE, "--drop: the collection is dropped, then loaded from the file"
    elif mode is not None and (mode.value == "delete" or is_dynamic(cmd, mode)):
        kind, detail = _E.DELETE, "--mode delete: deletes the documents that match the file's"
    else:
        kind, detail = _E.UPDATE, "loads the file: documents are added or updated"
    read = [file_effect(_E.READ, [normalize_path(f.value, cwd=ctx.cwd)], cmd, ctx) for f in files]
    return with_command([*read, s.effect(kind, _collection(s, name), "mongo:import", detail)], cmd)
