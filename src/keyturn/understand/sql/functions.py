"""Function calls in a statement: what they do besides computing a value.

A statement's verb does not say everything: ``SELECT lo_unlink(42)`` deletes a large object,
``SELECT dblink_exec('dbname=prod', 'DROP TABLE users')`` runs any SQL anywhere, and
``SELECT purge_orders()`` runs whatever its author wrote. So every call in a statement that
evaluates expressions is judged by its function's name:

- a built-in with side effects (:data:`SIDE_EFFECTS`) has that effect on the database;
- a well-known pure built-in of PostgreSQL, MySQL or SQLite (:data:`PURE`, or one of the
  families in :data:`PURE_PREFIXES`: PostGIS ``st_*``, ``json_*``...) has none;
- any other function -- one the database's users defined, or an extension's -- is ``unknown``:
  it may do anything.

The name is compared as the engine resolves it: unquoted names are lower case, a quoted
PostgreSQL name (``"COUNT"``, ``U&"lo\\005Funlink"``) is exact, so a function that only looks
like a built-in is not taken for one. A name qualified by a schema other than ``pg_catalog`` or
``public`` is never taken for a pure built-in (``audit.count()`` is someone's function).

What a call is: a name followed by ``(``, unless the name is a keyword or type whose ``(`` is
syntax (``IN (``, ``OVER (``, ``numeric(10, 2)``) or the ``(`` opens a column list (``AS t(a,
b)``, ``FROM rows r(a)``, ``INSERT INTO t (a)``, ``WITH x(a) AS (...)``).

Not seen: PostgreSQL's attribute notation (``SELECT o.total FROM orders o`` calling
``total(orders)``), operators and casts a user defined, triggers, and a user's function that
overloads a built-in's name with other argument types; a ``search_path`` put before
``pg_catalog`` is not followed either.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.guard_switches import config_switch
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import Tokens, is_punct, is_word

_D, _U, _C, _X = EffectKind.DELETE, EffectKind.UPDATE, EffectKind.CREATE, EffectKind.UNKNOWN
_SERVER_FILE = "writes a file on the database server"
_RUNS_SQL = "runs SQL text, on this or another database"

# Built-ins that change state even when called from a SELECT: (effect, why).
SIDE_EFFECTS: dict[str, tuple[EffectKind, str]] = {
    **dict.fromkeys(
        ["lo_unlink", "pg_drop_replication_slot", "drop_chunks", "pg_file_unlink"],
        (_D, "deletes"),
    ),
    "pg_replication_origin_drop": (_D, "deletes a replication origin"),
    **dict.fromkeys(["pg_terminate_backend", "pg_cancel_backend"], (_U, "stops a session")),
    **dict.fromkeys(
        ["pg_reload_conf", "pg_promote", "pg_switch_wal", "pg_switch_xlog", "pg_rotate_logfile"],
        (_U, "server state"),
    ),
    **dict.fromkeys(["pg_wal_replay_pause", "pg_wal_replay_resume"], (_U, "server state")),
    **dict.fromkeys(
        ["pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup"],
        (_U, "server state"),
    ),
    "pg_create_restore_point": (_U, "server state"),
    **dict.fromkeys(["setval", "nextval"], (_U, "advances a sequence")),
    "set_config": (_U, "changes a setting"),
    "pg_notify": (_U, "sends a notification"),
    **dict.fromkeys(
        [
            "pg_stat_reset",
            "pg_stat_reset_shared",
            "pg_stat_reset_single_table_counters",
            "pg_stat_reset_single_function_counters",
            "pg_stat_reset_slru",
            "pg_stat_reset_replication_slot",
            "pg_stat_statements_reset",
        ],
        (_U, "resets statistics"),
    ),
    **dict.fromkeys(
        [
            "pg_logical_slot_get_changes",
            "pg_logical_slot_get_binary_changes",
            "pg_replication_slot_advance",
        ],
        (_U, "consumes a replication slot"),
    ),
    **dict.fromkeys(
        [
            "pg_create_physical_replication_slot",
            "pg_create_logical_replication_slot",
            "pg_copy_physical_replication_slot",
            "pg_copy_logical_replication_slot",
            "pg_replication_origin_create",
        ],
        (_C, "creates a replication slot"),
    ),
    **dict.fromkeys(["lo_create", "lo_creat", "lo_from_bytea"], (_C, "a large object")),
    "lo_import": (_C, "reads a file on the database server into a large object"),
    **dict.fromkeys(["lo_put", "lowrite", "lo_truncate", "lo_truncate64"], (_U, "a large object")),
    **dict.fromkeys(["lo_export", "pg_file_write", "pg_file_rename"], (_X, _SERVER_FILE)),
    **dict.fromkeys(["writefile"], (_X, "writes a file")),
    **dict.fromkeys(["dblink", "dblink_exec", "dblink_send_query", "dblink_open"], (_X, _RUNS_SQL)),
    **dict.fromkeys(["sys_exec", "sys_eval"], (_X, "runs a shell command on the database host")),
    "load_extension": (_X, "loads a library into the database"),
    "edit": (_X, "runs an editor"),
}

# Well-known built-ins that only compute a value (PostgreSQL, MySQL, SQLite).
PURE = frozenset(
    # aggregates and window functions
    {"count", "sum", "avg", "min", "max", "string_agg", "array_agg", "group_concat", "total"}
    | {"bool_and", "bool_or", "every", "bit_and", "bit_or", "bit_xor", "stddev", "stddev_pop"}
    | {"stddev_samp", "variance", "var_pop", "var_samp", "corr", "covar_pop", "covar_samp"}
    | {"regr_slope", "regr_intercept", "regr_count", "regr_r2", "mode", "percentile_cont"}
    | {"percentile_disc", "row_number", "rank", "dense_rank", "percent_rank", "cume_dist"}
    | {"ntile", "lag", "lead", "first_value", "last_value", "nth_value", "grouping", "any_value"}
    | {"std", "json_arrayagg", "json_objectagg", "xmlagg", "range_agg", "range_intersect_agg"}
    # conditionals and comparison
    | {"coalesce", "nullif", "greatest", "least", "ifnull", "isnull", "if", "iif", "nvl"}
    | {"num_nulls", "num_nonnulls", "likelihood", "likely", "unlikely", "field", "elt"}
    | {"interval", "strcmp", "match", "against"}
    # strings
    | {"lower", "upper", "lcase", "ucase", "initcap", "length", "char_length", "octet_length"}
    | {"character_length", "bit_length", "substr", "substring", "mid", "trim", "btrim", "ltrim"}
    | {"rtrim", "replace", "translate", "concat", "concat_ws", "format", "printf", "left"}
    | {"right", "lpad", "rpad", "repeat", "reverse", "position", "strpos", "instr", "locate"}
    | {"split_part", "string_to_array", "ascii", "chr", "char", "unicode", "md5", "sha1", "sha2"}
    | {"sha224", "sha256", "sha384", "sha512", "crc32", "encode", "decode", "hex", "unhex"}
    | {"to_hex", "quote_ident", "quote_literal", "quote_nullable", "quote", "overlay", "soundex"}
    | {"difference", "starts_with", "normalize", "unistr", "casefold", "space", "insert", "ord"}
    | {"find_in_set", "export_set", "make_set", "bin", "oct", "conv", "base64", "to_base64"}
    | {"from_base64", "uuid", "gen_random_uuid", "uuidv4", "uuidv7", "uuid_generate_v4"}
    | {"uuid_generate_v1", "random", "rand", "random_normal", "setseed", "randomblob"}
    | {"zeroblob", "glob", "like", "escape", "collation", "charset", "convert", "binary"}
    | {"weight_string", "inet_aton", "inet_ntoa", "inet6_aton", "inet6_ntoa", "is_ipv4"}
    | {"is_ipv6", "host", "hostmask", "masklen", "netmask", "network", "broadcast", "family"}
    | {"abbrev", "set_masklen", "inet_merge", "inet_same_family", "text"}
    # numbers
    | {"abs", "ceil", "ceiling", "floor", "round", "trunc", "truncate", "mod", "div", "power"}
    | {"pow", "sqrt", "cbrt", "exp", "ln", "log", "log10", "log2", "sign", "pi", "degrees"}
    | {"radians", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "cot", "sinh", "cosh"}
    | {"tanh", "width_bucket", "factorial", "gcd", "lcm", "scale", "min_scale", "trim_scale"}
    | {"to_number", "to_char", "format_number", "erf", "erfc"}
    # dates and times
    | {"now", "current_date", "current_time", "current_timestamp", "localtime"}
    | {"localtimestamp", "clock_timestamp", "statement_timestamp", "transaction_timestamp"}
    | {"timeofday", "age", "extract", "isfinite", "justify_days", "justify_hours"}
    | {"justify_interval", "timezone", "to_date", "to_timestamp", "date", "time", "datetime"}
    | {"julianday", "unixepoch", "strftime", "timediff", "curdate", "curtime", "sysdate"}
    | {"utc_date", "utc_time", "utc_timestamp", "datediff", "adddate", "subdate", "addtime"}
    | {"subtime", "timestampdiff", "timestampadd", "from_unixtime", "unix_timestamp"}
    | {"str_to_date", "dayname", "dayofmonth", "dayofweek", "dayofyear", "day", "month"}
    | {"monthname", "year", "week", "weekday", "weekofyear", "yearweek", "quarter", "hour"}
    | {"minute", "second", "microsecond", "last_day", "makedate", "maketime", "period_add"}
    | {"period_diff", "sec_to_time", "time_to_sec", "to_days", "from_days", "to_seconds"}
    | {"convert_tz", "get_format", "overlaps"}
    # arrays, ranges, rows, JSON, XML, full text
    | {"unnest", "generate_series", "generate_subscripts", "cardinality", "lower_inc"}
    | {"upper_inc", "lower_inf", "upper_inf", "isempty", "range_merge", "row_to_json"}
    | {"to_json", "to_jsonb", "json_object", "json_array", "json_extract", "json_unquote"}
    | {"json_contains", "json_contains_path", "json_keys", "json_length", "json_search"}
    | {"json_valid", "json_type", "json_depth", "json_pretty", "json_value", "json_query"}
    | {"json_exists", "json_table", "json_scalar", "json_serialize", "json", "jsonb"}
    | {"xpath", "xpath_exists", "xmlelement", "xmlforest", "xmlparse", "xmlserialize"}
    | {"xmlconcat", "xmlcomment", "xmlpi", "xmlroot", "xmlexists", "xmltable", "xml_is_well_formed"}
    | {"to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery"}
    | {"ts_rank", "ts_rank_cd", "ts_headline", "setweight", "strip", "numnode", "querytree"}
    | {"tsvector_to_array", "array_to_tsvector", "similarity", "word_similarity", "levenshtein"}
    | {"soundex", "metaphone", "dmetaphone", "digest", "hmac", "crypt", "gen_salt"}
    | {"gen_random_bytes", "pgp_sym_encrypt", "pgp_sym_decrypt", "armor", "dearmor"}
    | {"highlight", "snippet", "bm25", "row", "typeof", "cast", "try_cast"}
    # the catalog and the session (reading, not changing)
    | {"version", "current_setting", "current_database", "current_schema", "current_schemas"}
    | {"current_user", "current_role", "session_user", "user", "system_user", "database"}
    | {"schema", "connection_id", "last_insert_id", "last_insert_rowid", "changes"}
    | {"total_changes", "found_rows", "row_count", "sqlite_version", "sqlite_source_id"}
    | {"pg_backend_pid", "pg_postmaster_start_time", "pg_conf_load_time", "pg_is_in_recovery"}
    | {"pg_is_wal_replay_paused", "pg_current_wal_lsn", "pg_current_wal_insert_lsn"}
    | {"pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp"}
    | {"pg_wal_lsn_diff", "pg_walfile_name", "pg_size_pretty", "pg_size_bytes"}
    | {"pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size"}
    | {"pg_database_size", "pg_tablespace_size", "pg_column_size", "pg_relation_filenode"}
    | {"pg_relation_filepath", "pg_typeof", "pg_column_compression", "format_type"}
    | {"obj_description", "col_description", "shobj_description", "to_regclass", "to_regtype"}
    | {"to_regproc", "to_regprocedure", "to_regrole", "to_regnamespace", "pg_has_role"}
    | {"has_table_privilege", "has_column_privilege", "has_any_column_privilege"}
    | {"has_database_privilege", "has_schema_privilege", "has_function_privilege"}
    | {"has_sequence_privilege", "has_tablespace_privilege", "has_type_privilege"}
    | {"pg_table_is_visible", "pg_function_is_visible", "pg_type_is_visible", "pg_my_temp_schema"}
    | {"inet_client_addr", "inet_client_port", "inet_server_addr", "inet_server_port"}
    | {"txid_current", "txid_current_if_assigned", "txid_snapshot_xmin", "pg_current_xact_id"}
    | {"pg_current_snapshot", "pg_xact_status", "pg_blocking_pids", "pg_sleep", "sleep"}
    | {"pg_sleep_for", "pg_postmaster_start_time", "pg_jit_available", "pg_trigger_depth"}
    | {"pg_listening_channels", "pg_notification_queue_usage", "pg_tablespace_location"}
    | {"pg_encoding_to_char", "pg_char_to_encoding", "pg_client_encoding", "currval", "lastval"}
    | {"pg_input_is_valid", "pg_input_error_info", "pg_options_to_table", "array_position"}
    | {"lo_get", "loread", "lo_open", "lo_close", "lo_lseek", "lo_lseek64", "lo_tell"}
    | {"lo_tell64", "pg_column_toast_chunk_id", "bernoulli", "system_rows", "system_time"}
    | {"sqlite_compileoption_used", "sqlite_compileoption_get", "sqlite_offset", "benchmark"}
    | {"is_free_lock", "is_used_lock"}
    | {"aes_encrypt", "aes_decrypt", "compress", "uncompress", "uncompressed_length"}
    | {"random_bytes", "regexp_like", "regexp_instr", "regexp_substr", "regexp_replace"}
    | {"regexp_count", "regexp_split_to_array", "regexp_split_to_table", "regexp_matches"}
)

# Families of pure built-ins too big to list one by one (PostGIS, JSON, arrays, regular
# expressions, the catalog's getters).
PURE_PREFIXES = ("st_", "json_", "jsonb_", "array_", "regexp_", "pg_get_", "pg_stat_get_", "xml")

# Words whose "(" is syntax, not a call: keywords, and type names with a length or precision.
_NOT_CALLS = frozenset(
    {"in", "exists", "values", "as", "from", "join", "over", "filter", "using", "on", "and"}
    | {"or", "not", "where", "select", "when", "then", "else", "by", "lateral", "any", "all"}
    | {"some", "array", "with", "within", "group", "partition", "set", "into", "table", "index"}
    | {"key", "primary", "unique", "check", "references", "foreign", "columns", "conflict"}
    | {"distinct", "case", "is", "ilike", "between", "limit", "offset", "returning", "having"}
    | {"union", "intersect", "except", "window", "rollup", "cube", "sets", "tablesample"}
    | {"repeatable", "update", "delete", "ordinality", "only", "recursive", "materialized"}
    | {"first", "last", "fetch", "for", "of", "to", "do", "default", "collate", "similar"}
    | {"end", "return", "returns", "zone", "matched", "path", "nested", "empty", "error"}
    | {"numeric", "decimal", "dec", "varchar", "character", "nchar", "nvarchar", "varbinary"}
    | {"bit", "varbit", "float", "double", "real", "int", "integer", "smallint", "bigint"}
    | {"tinyint", "mediumint", "timestamp", "timestamptz", "timetz", "enum", "vector", "halfvec"}
    | {"sparsevec", "geometry", "geography", "number", "blob", "tinytext", "mediumtext"}
    | {"longtext", "varying", "precision", "use", "force", "ignore", "option"}
)

# Words before which "NAME(" opens the column list of a table or an alias, not a call. A word
# not in _BEFORE_CALLS is a name, after which "NAME(" is an alias's column list too.
_COLUMN_LIST_AFTER = frozenset(
    {"as", "into", "copy", "insert", "replace", "upsert", "ignore", "low_priority", "delayed"}
    | {"high_priority", "tablesample", "recursive", "references", "table", "only", "update"}
)
# Words after which "NAME(" is a call: keywords that an expression or a FROM item follows.
_BEFORE_CALLS = frozenset(
    {"select", "distinct", "all", "from", "join", "lateral", "where", "and", "or", "not", "on"}
    | {"when", "then", "else", "by", "having", "returning", "set", "in", "like", "ilike"}
    | {"similar", "between", "is", "case", "limit", "offset", "values", "any", "some"}
    | {"exists", "escape", "to", "for", "return", "union", "intersect", "except", "with"}
    | {"interval", "zone", "div", "mod", "xor", "regexp", "rlike", "binary", "sounds", "do"}
    | {"leading", "trailing", "both", "placing", "overlaps", "collate", "default", "row"}
    | {"sql_calc_found_rows", "high_priority", "straight_join", "sql_no_cache", "sql_cache"}
    | {"sql_small_result", "sql_big_result", "sql_buffer_result", "distinctrow", "cross"}
    | {"natural", "left", "right", "full", "inner", "outer", "rows", "first", "next"}
    | {"at", "time", "asc", "desc", "nulls", "last", "using", "into", "outfile", "against"}
    | {"array", "isnull", "notnull", "of", "div", "if", "elsif", "perform", "raise", "over"}
)
_TRUSTED_SCHEMAS = frozenset({"pg_catalog", "public"})


def call_effects(tokens: Tokens, s: Session) -> list[Effect]:
    """The effects of the function calls in ``tokens`` (a statement, or the part of one that
    is evaluated): side effects of built-ins, ``unknown`` for functions keyturn does not know."""
    out: list[Effect] = []
    seen: set[str] = set()
    closers: dict[int, int] = {}
    for i in range(len(tokens) - 1):
        t = tokens[i]
        if t.kind not in ("word", "ident") or not is_punct(tokens, i + 1, "("):
            continue
        name = t.text if t.kind == "ident" and s.engine != "mysql" else t.text.lower()
        if name in seen or not _is_call(tokens, i, closers):
            continue
        seen.add(name)
        qualifier = _qualifier(tokens, i)
        effect = SIDE_EFFECTS.get(name.lower())
        if effect is not None:
            kind, why = effect
            out.append(s.effect(kind, s.database_resource(), f"{name}()", f"calls {name}(): {why}"))
            if name.lower() == "set_config":
                out += config_switch(tokens[i + 2 :], s)
        elif not _pure(name, qualifier):
            shown = f"{qualifier}.{name}" if qualifier else name
            why = f"calls {shown}(), a function keyturn does not know: it may change anything"
            out.append(s.unknown(why, f"{shown}()"))
    return out


def _pure(name: str, qualifier: str | None) -> bool:
    if qualifier is not None and qualifier.lower() not in _TRUSTED_SCHEMAS:
        return False
    return name in PURE or name.startswith(PURE_PREFIXES)


def _qualifier(tokens: Tokens, i: int) -> str | None:
    """The schema a name is qualified by (``pg_catalog`` of ``pg_catalog.lower(``)."""
    if i >= 2 and is_punct(tokens, i - 1, ".") and tokens[i - 2].kind in ("word", "ident"):
        return tokens[i - 2].text
    return None


def _is_call(tokens: Tokens, i: int, closers: dict[int, int]) -> bool:
    """Whether the name at ``i`` (followed by ``(``) is called, or its ``(`` is syntax.
    ``closers``: where each ``(`` closes, filled on first need (one pass for the statement)."""
    t = tokens[i]
    if i == 0 or (t.kind == "word" and t.text in _NOT_CALLS):
        return False  # i == 0: the statement's own verb, COPY (...)
    prev = tokens[i - 1]
    if is_word(tokens, i - 1, "with") or is_punct(tokens, i - 1, ","):
        if not closers:
            closers.update(_closers(tokens))
        end = closers.get(i + 1, len(tokens))
        if is_word(tokens, end + 1, "as") and (
            is_punct(tokens, end + 2, "(") or is_word(tokens, end + 2, "materialized", "not")
        ):
            return False  # WITH x(a, b) AS (...): a CTE's column list
    if prev.kind == "punct":
        if prev.text == ")":
            return _after_distinct_on(tokens, i - 1)  # else "f(x) alias(a)": an alias's columns
        return prev.text != "::"  # "::numeric(10, 2)": a type
    if prev.kind == "word":
        if prev.text in _COLUMN_LIST_AFTER:
            return False
        return prev.text in _BEFORE_CALLS
    return False  # after a quoted name, a string or a number: an alias's columns


def _closers(tokens: Tokens) -> dict[int, int]:
    """``{index of "(": index of its ")"}`` (an unclosed one is absent)."""
    found: dict[int, int] = {}
    opened: list[int] = []
    for j, t in enumerate(tokens):
        if t.kind == "punct" and t.text == "(":
            opened.append(j)
        elif t.kind == "punct" and t.text == ")" and opened:
            found[opened.pop()] = j
    return found or {-1: -1}  # never empty: computed once


def _after_distinct_on(tokens: Tokens, end: int) -> bool:
    """Whether the ``)`` at ``end`` closes ``DISTINCT ON (...)`` (a select list follows it)."""
    depth = tokens[end].depth
    for j in range(end - 1, -1, -1):
        if is_punct(tokens, j, "(") and tokens[j].depth == depth:
            return is_word(tokens, j - 1, "on") and is_word(tokens, j - 2, "distinct")
    return False
