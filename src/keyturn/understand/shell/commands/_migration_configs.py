"""The project files migration tools take their database from, read through ``ctx.files`` when
they are simple declarations: Prisma's ``schema.prisma`` datasource (and the ``url`` of
``prisma.config.ts`` when it is the documented ``env("VAR")``), Rails' ``config/database.yml``,
``alembic.ini``'s ``sqlalchemy.url`` (only when ``env.py`` is at hand and takes it as it is),
sequelize's ``config/config.json``, ``flyway.conf``/``flyway.toml``, ``liquibase.properties``,
and the Supabase project a directory is linked to.

Not read, on purpose: ``.env``. The tools that load it (Prisma, dbmate, goose...) never let it
override a variable already set, and keyturn may not see the whole environment the command
runs in: naming a database from ``.env`` could name a development database where the
environment points at production, and move the command into a laxer environment than the one
the policy would otherwise assume. Code (``knexfile.js``, Django settings, TypeORM data sources,
``env.py`` that computes its URL) is not read either: the database is then not known.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from keyturn.understand.shell.commands._migration_names import (
    Database,
    engine_of,
    parse_url,
    setting,
)
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_LIMIT = 262_144
_ERB = "<%"


def read(ctx: ShellContext, path: str, *, base: str = "") -> tuple[str, str | None]:
    """(absolute path, text or ``None``) of a project file."""
    absolute = normalize_path(path, cwd=base or ctx.cwd)
    return absolute, ctx.files.read_text(absolute, limit=_LIMIT)


def _dirname(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


# -- Prisma ---------------------------------------------------------------------------------

_DATASOURCE = re.compile(r"^\s*datasource\s+\w+\s*\{([^}]*)\}", re.MULTILINE)
_PRISMA_FIELD = re.compile(
    r'^\s*(provider|url|directUrl)\s*=\s*(?:env\(\s*"([^"]+)"\s*\)|"([^"]*)")', re.MULTILINE
)
_CONFIG_SCHEMA = re.compile(r"""\bschema\s*:\s*["']([^"']+)["']""")
_CONFIG_URL = re.compile(
    r"""\burl\s*:\s*(?:env\(\s*["'](\w+)["']\s*\)|process\.env\.(\w+)|"""
    r"""process\.env\[\s*["'](\w+)["']\s*\])"""
)


def prisma_databases(
    cmd: SimpleCommand, ctx: ShellContext, *, schema: str | None, config: str | None
) -> tuple[tuple[Database, ...], str]:
    """(the databases a Prisma command connects to, the schema's provider): from the
    datasource of ``prisma.config.ts`` (``url: env("VAR")``) or of the schema (``url``,
    ``directUrl``: ``env("VAR")`` read from the line and the environment, or a literal)."""
    engine, urls, base = "*", [], ctx.cwd
    config_path, config_text = read(ctx, config or "prisma.config.ts")
    named_schema = _CONFIG_SCHEMA.search(config_text or "")
    if schema is None and named_schema is not None:
        schema = normalize_path(named_schema.group(1), cwd=_dirname(config_path))
    found = prisma_schema(ctx, schema)
    if found is not None:
        path, text = found
        base = _dirname(path)
        block = _DATASOURCE.search(text)
        for name, variable, literal in _PRISMA_FIELD.findall(block.group(1) if block else ""):
            if name == "provider":
                engine = literal or engine
            else:
                urls.append(setting(cmd, ctx, variable) if variable else literal)
    if config_text is not None and "datasource" in config_text:
        named = _CONFIG_URL.findall(config_text)
        if len(named) != 1:
            return (), engine  # a URL computed by code: not known
        variable = next(v for v in named[0] if v)
        urls = [setting(cmd, ctx, variable)]
        base = _dirname(config_path)
    databases = [parse_url(u, cwd=base, engine=engine) for u in urls]
    return tuple(d for d in databases if d is not None), engine


def prisma_schema(ctx: ShellContext, schema: str | None) -> tuple[str, str] | None:
    """(path, text) of the Prisma schema: ``schema`` given, package.json's ``prisma.schema``,
    or where Prisma looks by default."""
    if schema:
        candidates = [schema, f"{schema.rstrip('/')}/schema.prisma"]
    else:
        candidates = ["prisma/schema.prisma", "schema.prisma", "prisma/schema/schema.prisma"]
        _, package = read(ctx, "package.json")
        named = json_path(package, ("prisma", "schema"))
        if isinstance(named, str):
            candidates.insert(0, named)
    for candidate in candidates:
        path, text = read(ctx, candidate)
        if text is not None:
            return path, text
    return None


def json_path(text: str | None, keys: tuple[str, ...]) -> object:
    """The value at ``keys`` in the JSON ``text`` (``None`` when absent or not JSON)."""
    try:
        data: object = json.loads(text) if text else None
    except ValueError:
        return None
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


# -- Rails ----------------------------------------------------------------------------------

_RAILS_KEYS = frozenset({"adapter", "database", "url", "host"})


def rails_databases(
    cmd: SimpleCommand, ctx: ShellContext, env: str | None, only: str | None
) -> tuple[tuple[Database, ...], str]:
    """(the databases of ``env`` in ``config/database.yml`` -- every environment's when
    ``env`` is not known -- with ``DATABASE_URL`` over the primary one, their engine).
    ``only``: the one configuration a multi-database task names (``db:drop:animals``)."""
    configs = _rails_configs(ctx, env)
    url = parse_url(setting(cmd, ctx, "DATABASE_URL", in_words=True), cwd=ctx.cwd)
    if url is not None:
        # Rails merges DATABASE_URL over the environment's primary configuration.
        if configs and env:
            configs[0] = (configs[0][0], url)
        else:
            configs.insert(0, ("primary", url))
    if only is not None:
        configs = [(name, db) for name, db in configs if name == only]
    engines = sorted({db.engine for _, db in configs} - {"*"})
    known = tuple(dict.fromkeys(db for _, db in configs if db.name != "*"))
    if len(known) < len(configs) or not configs:  # some not known: the wide name too
        known += tuple(Database(e) for e in engines) or (Database(),)
    return known, engines[0] if len(engines) == 1 else "*"


def _rails_configs(ctx: ShellContext, env: str | None) -> list[tuple[str, Database]]:
    import yaml

    from keyturn.yaml_limits import load

    _, text = read(ctx, "config/database.yml")
    try:
        data = load(text) if text else None
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    sections = [data.get(env)] if env else list(data.values())
    out: list[tuple[str, Database]] = []
    for section in sections:
        if not isinstance(section, dict):
            continue
        if _RAILS_KEYS & set(section):
            section = {"primary": section}
        for name, config in section.items():
            if isinstance(config, dict):
                out.append((str(name), _rails_database(config, ctx)))
    return out


def _rails_database(config: Mapping[str, Any], ctx: ShellContext) -> Database:
    values = {k: str(v) for k, v in config.items() if isinstance(v, str | int)}
    if any(_ERB in v for v in values.values()):
        adapter = values.get("adapter", "")
        return Database(engine_of(adapter if _ERB not in adapter else None))
    if "url" in values:
        return parse_url(values["url"], cwd=ctx.cwd) or Database()
    engine = engine_of(values.get("adapter"))
    name = values.get("database") or "*"
    if engine == "sqlite" and name != "*":
        return Database("sqlite", normalize_path(name, cwd=ctx.cwd))
    return Database(engine, name, values.get("host") or None)


# -- alembic --------------------------------------------------------------------------------

# What an env.py that takes the URL from alembic.ini as it stands says, and what one that
# computes it (from the environment, settings, -x arguments) does.
_ENV_TAKES_INI = ("engine_from_config", 'get_main_option("sqlalchemy.url")')
_ENV_COMPUTES = ("set_main_option", "create_engine", "environ", "getenv", "get_x_argument")


def alembic_database(
    ctx: ShellContext, *, config: str | None, section: str | None
) -> tuple[Database | None, str]:
    """(the database of ``sqlalchemy.url`` in alembic.ini when ``env.py`` is at hand and uses
    it as it is, the URL's engine)."""
    path, text = read(ctx, config or "alembic.ini")
    values = _ini_section(text or "", section or "alembic")
    url = values.get("sqlalchemy.url", "")
    database = parse_url(url, cwd=ctx.cwd, sqlalchemy=True) if "%(" not in url else None
    engine = database.engine if database is not None else "*"
    location = values.get("script_location", "alembic").replace("%(here)s", _dirname(path))
    _, env_py = read(ctx, f"{location.rstrip('/')}/env.py", base=_dirname(path))
    trusted = (
        env_py is not None
        and any(mark in env_py for mark in _ENV_TAKES_INI)
        and not any(mark in env_py for mark in _ENV_COMPUTES)
    )
    return (database if trusted else None), engine


def _ini_section(text: str, wanted: str) -> dict[str, str]:
    values: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
        elif section == wanted and "=" in stripped and not stripped.startswith(("#", ";")):
            key, _, value = stripped.partition("=")
            values[key.strip()] = value.strip()
    return values


# -- sequelize, flyway, liquibase, supabase -------------------------------------------------


def sequelize_database(
    ctx: ShellContext, cmd: SimpleCommand, *, config: str | None, env: str | None
) -> tuple[Database | None, str]:
    """The database of ``env`` in sequelize's JSON config (``config/config.json``; not when a
    ``.sequelizerc`` may point elsewhere), with ``use_env_variable`` read."""
    if config is None and read(ctx, ".sequelizerc")[1] is not None:
        return None, "*"
    path, text = read(ctx, config or "config/config.json")
    if not path.endswith(".json") or env is None:
        return None, "*"
    section = json_path(text, (env,))
    if not isinstance(section, dict):
        return None, "*"
    engine = engine_of(str(section.get("dialect") or ""))
    variable = section.get("use_env_variable")
    if isinstance(variable, str):
        return parse_url(setting(cmd, ctx, variable), cwd=ctx.cwd), engine
    name, host = section.get("database"), section.get("host")
    if engine == "sqlite" and isinstance(section.get("storage"), str):
        return Database("sqlite", normalize_path(section["storage"], cwd=ctx.cwd)), engine
    if not isinstance(name, str):
        return None, engine
    return Database(engine, name, host if isinstance(host, str) else None), engine


def flyway_url(ctx: ShellContext, *, files: list[str], environment: str | None) -> str | None:
    """``flyway.url`` of the configuration files (``flyway.conf``; in ``flyway.toml`` the
    ``url`` of the environment chosen, ``default`` unless named)."""
    for _, data in _flyway_files(ctx, files):
        if isinstance(data, str):
            url: object = _properties(data).get("flyway.url")
        else:
            chosen = environment or _json_like(data, ("flyway", "environment")) or "default"
            url = _json_like(data, ("environments", str(chosen), "url"))
        if isinstance(url, str) and url:
            return url
    return None


def flyway_setting(ctx: ShellContext, *, files: list[str], key: str) -> str | None:
    """A ``flyway.<key>`` setting of the configuration files (``[flyway] key`` in TOML)."""
    for _, data in _flyway_files(ctx, files):
        found = (
            _properties(data).get(f"flyway.{key}")
            if isinstance(data, str)
            else _json_like(data, ("flyway", key))
        )
        if found is not None:
            return str(found).lower()
    return None


def _flyway_files(ctx: ShellContext, files: list[str]) -> list[tuple[str, str | dict[str, Any]]]:
    """The configuration files at hand: a ``.conf`` file's text, a ``.toml`` file parsed."""
    found: list[tuple[str, str | dict[str, Any]]] = []
    for name in files or ["flyway.toml", "flyway.conf", "conf/flyway.conf"]:
        _, text = read(ctx, name)
        if text is None:
            continue
        if not name.endswith(".toml"):
            found.append((name, text))
            continue
        try:
            found.append((name, tomllib.loads(text)))
        except tomllib.TOMLDecodeError:
            continue
    return found


def _json_like(data: object, keys: tuple[str, ...]) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _properties(text: str) -> dict[str, str]:
    """``key=value``, ``key: value`` and ``key value`` lines (Java properties)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        found = _PROPERTY.match(line.strip())
        if found is not None:
            values[found.group(1)] = found.group(2).strip()
    return values


_PROPERTY = re.compile(r"([^#!=:\s][^=:\s]*)\s*(?:[=:]|\s)\s*(.*)")


def liquibase_url(ctx: ShellContext, defaults: str | None) -> str | None:
    """The ``url`` of ``liquibase.properties`` (or the ``--defaults-file`` named)."""
    _, text = read(ctx, defaults or "liquibase.properties")
    values = _properties(text or "")
    return values.get("url") or values.get("liquibase.command.url")


def supabase_ref(ctx: ShellContext, workdir: str | None) -> str | None:
    """The project a directory is linked to (``supabase/.temp/project-ref``)."""
    base = normalize_path(workdir or ".", cwd=ctx.cwd)
    _, text = read(ctx, "supabase/.temp/project-ref", base=base)
    ref = (text or "").strip()
    return ref if re.fullmatch(r"[a-z0-9]{8,40}", ref) else None
