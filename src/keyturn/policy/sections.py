"""The optional sections of the policy file: ``settings``, ``credentials`` and ``mcp``."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from keyturn.model import EffectKind, McpToolMapping
from keyturn.policy.loader import child_path
from keyturn.policy.schema import AwsCredential, Credentials, Settings

if TYPE_CHECKING:
    from keyturn.policy.validate import Checker

_SETTINGS = ("request_ttl", "grant_ttl", "mcp_wait")
SETTINGS_KEYS = (
    *_SETTINGS,
    *(f"{k}_seconds" for k in _SETTINGS),
    "unsafe_allow_self_modification",
)
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\Z")
_UNIT_SECONDS = (86400, 3600, 60, 1)
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+\Z")
_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
_ARG_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*\Z")


def parse_duration(check: Checker, value: Any, path: str) -> int:
    """Seconds from ``90`` (seconds), ``"90s"``, ``"15m"``, ``"1h"``, ``"1h30m"``, ``"2d"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str) and value and (match := _DURATION.match(value.strip())):
        parts = match.groups()
        if not any(parts):
            raise check.fail(path, f"'{value}' is not a duration (like 90s, 15m, 1h)")
        seconds = sum(int(p) * unit for p, unit in zip(parts, _UNIT_SECONDS, strict=True) if p)
    else:
        raise check.fail(path, f"{value!r} is not a duration (like 90s, 15m, 1h)")
    if seconds <= 0:
        raise check.fail(path, "must be longer than zero")
    return seconds


def parse_settings(check: Checker, value: Any) -> Settings:
    """The ``settings:`` section: ``request_ttl``, ``grant_ttl``, ``mcp_wait`` (durations; the
    ``*_seconds`` spellings are accepted too)."""
    body = check.mapping(value, "settings", SETTINGS_KEYS)
    defaults = Settings()
    seconds: dict[str, int] = {}
    for key in _SETTINGS:
        given = [k for k in (key, f"{key}_seconds") if k in body]
        if len(given) > 1:
            raise check.fail(f"settings.{given[1]}", f"give either '{key}' or '{given[1]}'")
        if given:
            seconds[key] = parse_duration(check, body[given[0]], f"settings.{given[0]}")
    unsafe = body.get("unsafe_allow_self_modification", False)
    if not isinstance(unsafe, bool):
        raise check.fail("settings.unsafe_allow_self_modification", "expected true or false")
    return Settings(
        request_ttl_seconds=seconds.get("request_ttl", defaults.request_ttl_seconds),
        grant_ttl_seconds=seconds.get("grant_ttl", defaults.grant_ttl_seconds),
        mcp_wait_seconds=seconds.get("mcp_wait", defaults.mcp_wait_seconds),
        unsafe_allow_self_modification=unsafe,
    )


def parse_credentials(check: Checker, value: Any, env_names: tuple[str, ...]) -> Credentials:
    """The ``credentials:`` section: ``aws: {ENV: {role_arn, duration_seconds,
    read_role_arn}}``."""
    body = check.mapping(value, "credentials", ("aws",))
    aws = check.mapping(body.get("aws"), "credentials.aws", None)
    result: dict[str, AwsCredential] = {}
    for env, spec in aws.items():
        path = child_path("credentials.aws", env)
        check.reference(env, path, env_names, "environment")
        fields = check.mapping(spec, path, ("role_arn", "duration_seconds", "read_role_arn"))
        if "role_arn" not in fields:
            raise check.fail(path, "missing 'role_arn'")
        role_arn = _role_arn(check, fields["role_arn"], child_path(path, "role_arn"))
        read_role_arn = None
        if "read_role_arn" in fields:
            where = child_path(path, "read_role_arn")
            read_role_arn = _role_arn(check, fields["read_role_arn"], where)
        duration = check.integer(
            fields.get("duration_seconds", 900),
            child_path(path, "duration_seconds"),
            low=900,
            high=3600,  # agents get short-lived credentials: at most an hour
        )
        result[env] = AwsCredential(
            role_arn=role_arn, duration_seconds=duration, read_role_arn=read_role_arn
        )
    return Credentials(aws=MappingProxyType(result))


def _role_arn(check: Checker, value: Any, path: str) -> str:
    arn = check.string(value, path)
    if not _ROLE_ARN.match(arn):
        example = "arn:aws:iam::123456789012:role/NAME"
        raise check.fail(path, f"'{arn}' is not an IAM role ARN ({example})")
    return arn


def parse_mcp(check: Checker, value: Any) -> tuple[McpToolMapping, ...]:
    """The ``mcp:`` section: ``servers: {NAME: {tools: {GLOB: {effect, resources, sql, shell}}}}``.

    ``effect`` defaults to ``unknown`` (judged as such) unless ``sql`` or ``shell`` name the
    argument whose text says what the call does.
    """
    body = check.mapping(value, "mcp", ("servers",))
    servers = check.mapping(body.get("servers"), "mcp.servers", None)
    mappings: list[McpToolMapping] = []
    for server, server_body in servers.items():
        server_path = child_path("mcp.servers", server)
        tools = check.mapping(
            check.mapping(server_body, server_path, ("tools",)).get("tools"),
            child_path(server_path, "tools"),
            None,
        )
        for tool, spec in tools.items():
            mappings.append(
                _tool_mapping(check, server, tool, spec, child_path(server_path, "tools"))
            )
    return tuple(mappings)


def _tool_mapping(
    check: Checker, server: str, tool: str, spec: Any, tools_path: str
) -> McpToolMapping:
    path = child_path(tools_path, tool)
    fields = check.mapping(spec, path, ("effect", "resources", "sql", "shell"))
    resources: tuple[str, ...] = ()
    if "resources" in fields:
        resources = check.strings(fields["resources"], child_path(path, "resources"))
        for index, template in enumerate(resources):
            _check_template(check, template, child_path(child_path(path, "resources"), index))
    arguments = {}
    for key in ("sql", "shell"):
        if key in fields:
            arg = check.string(fields[key], child_path(path, key))
            if not _ARG_PATH.match(arg):
                raise check.fail(child_path(path, key), f"'{arg}' is not an argument path")
            arguments[key] = arg
    effect = (
        check.choice(fields["effect"], child_path(path, "effect"), EffectKind)
        if "effect" in fields
        else EffectKind.UNKNOWN
    )
    return McpToolMapping(
        server=server,
        tool=tool,
        effect=effect,
        resources=resources,
        sql_argument=arguments.get("sql"),
        shell_argument=arguments.get("shell"),
    )


def _check_template(check: Checker, template: str, path: str) -> None:
    stripped = _TEMPLATE_FIELD.sub("", template)
    if "{" in stripped or "}" in stripped:
        raise check.fail(path, f"unbalanced braces in resource template '{template}'")
    for field_name in _TEMPLATE_FIELD.findall(template):
        if not _ARG_PATH.match(field_name):
            raise check.fail(path, f"'{{{field_name}}}' does not name an argument")
