"""Well-known pure functions of the warehouse engines, beyond those
:mod:`keyturn.understand.sql.functions` knows (PostgreSQL, MySQL, SQLite).

A call of a function listed here is not reported as an unknown function. Only built-ins that
compute a value belong here: nothing that reads a file, a URL or another server (ClickHouse's
``file``, ``url``, ``s3``, ``remote``, ``executable`` table functions), runs a script, or has
a side effect (Snowflake's ``SYSTEM$...`` functions) -- those stay unknown.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PURE: dict[str, frozenset[str]] = {
    "clickhouse": _words(
        "today yesterday now64 todate todate32 todatetime todatetime64 tounixtimestamp "
        "toyear tomonth toquarter todayofmonth todayofweek todayofyear tohour tominute "
        "tosecond toyyyymm toyyyymmdd toyyyymmddhhmmss toisoweek toweek formatdatetime "
        "parsedatetimebesteffort datediff date_diff dateadd datesub adddays addhours "
        "addminutes addmonths addweeks addyears subtractdays subtracthours tostring "
        "tofixedstring totypename uniq uniqexact uniqcombined uniqcombined64 uniqhll12 "
        "uniqtheta median any anylast anyheavy argmin argmax topk topkweighted countif "
        "sumif avgif minif maxif uniqif grouparray groupuniqarray groupbitmap sumarray "
        "tuple map has hasany hasall indexof length empty notempty multiif splitbychar "
        "splitbystring splitbyregexp positioncaseinsensitive position like notlike ilike "
        "extract extractall replaceall replaceone replaceregexpall replaceregexpone "
        "formatreadablesize formatreadablequantity formatreadabletimedelta cityhash64 "
        "siphash64 xxhash64 murmurhash3_64 generateuuidv4 currentdatabase currentuser "
        "hostname uptime timezone bar rownumberinallblocks neighbor assumenotnull "
        "tonullable ifnotfinite isnull isnotnull coalesce finalizeaggregation dictget "
        "dictgetordefault dicthas numbers numbers_mt zeros generaterandom values input "
        "runningdifference least greatest intdiv modulo plus minus multiply divide"
    ),
    "cassandra": _words(
        "now uuid totimestamp todate tounixtimestamp dateof unixtimestampof mintimeuuid "
        "maxtimeuuid currenttimestamp currentdate currenttime currenttimeuuid token ttl "
        "writetime tojson fromjson count sum avg min max cast blobastext textasblob "
        "blobasbigint bigintasblob"
    ),
    "snowflake": _words(
        "iff nvl2 zeroifnull nullifzero equal_null dateadd datediff date_trunc date_part "
        "to_varchar to_variant to_decimal to_double to_boolean to_time to_object to_array "
        "try_to_number try_to_date try_to_timestamp try_to_decimal try_parse_json "
        "parse_json object_construct object_keys object_insert flatten listagg split "
        "contains startswith endswith charindex approx_count_distinct hll median uniform "
        "seq4 seq8 generator get get_path is_null_value base64_encode base64_decode_string "
        "uuid_string dayofweekiso weekiso yearofweek convert_timezone current_warehouse "
        "current_account current_region current_role current_version current_session "
        "current_statement last_query_id hash div0 square ratio_to_report count_if "
        "boolor_agg booland_agg array_agg object_agg"
    ),
    "bigquery": _words(
        "safe_cast format_date format_timestamp format_datetime parse_date parse_timestamp "
        "parse_datetime date_add date_sub date_diff date_trunc timestamp_add timestamp_sub "
        "timestamp_diff timestamp_trunc timestamp_seconds timestamp_millis unix_seconds "
        "unix_millis unix_date current_datetime datetime_add datetime_sub datetime_diff "
        "datetime_trunc generate_array generate_date_array generate_timestamp_array struct "
        "approx_count_distinct approx_quantiles approx_top_count countif logical_and "
        "logical_or farm_fingerprint to_json_string parse_json safe_divide ieee_divide "
        "split generate_uuid ends_with byte_length safe_offset offset ordinal safe_ordinal "
        "last_day date_from_unix_date"
    ),
    "trino": _words(
        "date_add date_diff date_trunc date_format date_parse from_iso8601_timestamp "
        "from_iso8601_date to_iso8601 approx_distinct approx_percentile arbitrary count_if "
        "element_at sequence split map map_keys map_values try format_datetime "
        "parse_datetime to_unixtime day_of_week day_of_year year_of_week url_extract_host "
        "url_extract_path url_extract_parameter max_by min_by histogram checksum "
        "filter transform reduce zip contains typeof"
    ),
    "mssql": _words(
        "getdate getutcdate sysdatetime sysutcdatetime sysdatetimeoffset dateadd datediff "
        "datediff_big datename datepart datefromparts eomonth len datalength charindex "
        "patindex stuff replicate str try_convert try_parse choose object_id db_id db_name "
        "schema_id schema_name user_name suser_sname suser_name newid newsequentialid "
        "scope_identity ident_current count_big string_split quotename serverproperty "
        "databasepropertyex objectproperty col_length type_name is_member checksum "
        "binary_checksum hashbytes object_name isjson json_modify openjson"
    ),
}
_PURE["presto"] = _PURE["trino"]

# Families of pure built-ins named by a prefix (ClickHouse's conversion and aggregate families).
_PREFIXES: dict[str, tuple[str, ...]] = {
    "clickhouse": (
        *("tostartof", "touint", "toint", "tofloat", "todecimal", "todatetime", "totime"),
        *("toyyyy", "torelative", "jsonextract", "jsonhas", "jsonlength", "array", "quantile"),
        *("uniq", "group", "bitmap", "ipv4", "ipv6", "visitparam", "sumif", "countif"),
    ),
    "snowflake": ("to_timestamp", "to_date", "try_to_", "is_", "array_", "object_"),
    "bigquery": ("array_", "json_", "st_"),
}


def is_pure(name: str, engine: str) -> bool:
    """Whether ``name`` (lower case, unqualified) is a well-known pure function of ``engine``."""
    return name in _PURE.get(engine, frozenset()) or name.startswith(_PREFIXES.get(engine, ()))
