"""Built-in meanings of Grafana's MCP server's tools.

Source: ``grafana/mcp-grafana`` ``README.md`` (the tool table: every tool and whether it needs
read or write permissions) and ``tools/dashboard.go`` (``update_dashboard``: ``dashboard``,
``uid`` with ``operations``, ``folderUid``, ``overwrite``; ``get_dashboard_*``: ``uid``),
``tools/alerting_manage_rules_types.go`` (``alerting_manage_rules``: ``operation`` list, get,
versions, create, update, delete; ``rule_uid``, ``folder_uid``; the earlier
``create_alert_rule``/``update_alert_rule``/``delete_alert_rule``: ``uid``, ``folderUID``).

Names (``grafana:``): ``grafana:dashboard/<uid>``, ``grafana:alert-rule/<uid>``,
``grafana:incident/<id>``, ``grafana:annotation/<id>``, ``grafana:sift-investigation/*``; with
the folder when the call names it, ``grafana:folder/<folder uid>/dashboard/<uid>`` and
``grafana:folder/<folder uid>/alert-rule/<uid>``. What the call does not name is ``*``: a new
dashboard without a uid is ``grafana:dashboard/*``.

Kinds: the queries (Prometheus, Loki, CloudWatch, Elasticsearch, Pyroscope, log search), the
searches, lists and gets read. ``update_dashboard`` creates a dashboard (its JSON has no uid)
or updates the one its uid names; ``alerting_manage_rules`` does what its ``operation`` says;
incidents are created and updated (``add_activity_to_incident``); annotations created and
updated; Sift's ``find_error_pattern_logs`` and ``find_slow_requests`` create an investigation.
Unknown: ``query_clickhouse`` (SQL of unknown effect through a data source),
``alerting_manage_routing`` (its write operations were not read), and every tool not listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_SERVICE = "grafana"

_READS = (
    "search_dashboards",
    "run_panel_query",
    "get_panel_image",
    "generate_deeplink",
    "list_datasources",
    "get_datasource",
    "get_query_examples",
    "query_prometheus",
    "query_prometheus_histogram",
    "list_prometheus_metric_metadata",
    "list_prometheus_metric_names",
    "list_prometheus_label_names",
    "list_prometheus_label_values",
    "query_loki_logs",
    "query_loki_stats",
    "query_loki_patterns",
    "list_loki_label_names",
    "list_loki_label_values",
    "list_clickhouse_tables",
    "describe_clickhouse_table",
    "list_cloudwatch_namespaces",
    "list_cloudwatch_metrics",
    "list_cloudwatch_dimensions",
    "query_cloudwatch",
    "search_logs",
    "query_elasticsearch",
    "list_incidents",
    "get_incident",
    "list_sift_investigations",
    "get_sift_investigation",
    "get_sift_analysis",
    "list_oncall_schedules",
    "get_oncall_shift",
    "get_current_oncall_users",
    "list_oncall_teams",
    "list_oncall_users",
    "list_alert_groups",
    "get_alert_group",
    "list_teams",
    "list_users_by_org",
    "list_all_roles",
    "get_role_details",
    "get_role_assignments",
    "list_user_roles",
    "list_team_roles",
    "get_resource_permissions",
    "get_resource_description",
    "list_pyroscope_label_names",
    "list_pyroscope_label_values",
    "list_pyroscope_profile_types",
    "fetch_pyroscope_profile",
    "get_assertions",
    "get_annotations",
    "get_annotation_tags",
    "list_alert_rules",
    "get_alert_rule_by_uid",
    "list_contact_points",
)

# Dashboard reads that name the dashboard they read.
_DASHBOARD_READS = (
    "get_dashboard_by_uid",
    "get_dashboard_summary",
    "get_dashboard_property",
    "get_dashboard_panel_queries",
)


def _in_folder(kind: str, uid: str, folder: str | None) -> list[str]:
    names = [f"grafana:{kind}/{uid}"]
    return [*names, f"grafana:folder/{folder}/{kind}/{uid}"] if folder else names


def _read_dashboard(call: McpCall) -> BuiltinEffects:
    uid = call.text_arg("uid")
    names = [f"grafana:dashboard/{uid}"] if uid else []
    return own_effects(call.effect(R, names, service=_SERVICE))


def _update_dashboard(call: McpCall) -> BuiltinEffects:
    """Patch ``operations`` on ``uid``, or save the whole ``dashboard`` JSON: without a uid a
    new dashboard, else the dashboard with that uid rewritten (Grafana saves over it when its
    ``version`` is current, or with ``overwrite``)."""
    folder = call.text_arg("folderUid")
    operations = call.arg("operations")
    if isinstance(operations, list) and operations:
        uid = call.text_arg("uid")
        if uid is None:
            return missing_argument(call, U, "uid")
        detail = f"{len(operations)} patch operation(s)"
        names = _in_folder("dashboard", uid, folder)
        return own_effects(call.effect(U, names, service=_SERVICE, detail=detail))
    dashboard = call.arg("dashboard")
    if not isinstance(dashboard, Mapping):
        return missing_argument(call, U, "dashboard", "operations")
    uid = _dashboard_uid(dashboard)
    if uid:
        detail = "saves the whole dashboard JSON as this uid's (a new one if it is unused)"
        names = _in_folder("dashboard", uid, folder)
        return own_effects(call.effect(U, names, service=_SERVICE, detail=detail))
    names = _in_folder("dashboard", uid or "*", folder)
    return own_effects(call.effect(C, names, service=_SERVICE, detail="a new dashboard"))


def _dashboard_uid(dashboard: Mapping[str, Any]) -> str | None:
    uid = dashboard.get("uid")
    meta = dashboard.get("metadata")
    if not isinstance(uid, str) and isinstance(meta, Mapping):
        uid = meta.get("name")  # a v2 (Kubernetes-schema) dashboard
    return uid if isinstance(uid, str) and uid else None


_RULE_OPERATIONS = {
    "list": R,
    "get": R,
    "versions": R,
    "create": C,
    "update": U,
    "delete": D,
}


def _manage_rules(call: McpCall) -> BuiltinEffects:
    operation = call.text_arg("operation")
    kind = _RULE_OPERATIONS.get(operation or "")
    if kind is None:
        if call.probe:
            return own_effects(call.effect(R, service=_SERVICE, detail="any operation"))
        return own_effects(call.unknown(f"alert rule operation {operation!r} not known"))
    uid = call.text_arg("rule_uid")
    if uid is None and kind in (U, D):
        return missing_argument(call, kind, "rule_uid")
    folder = call.text_arg("folder_uid") if kind is not R else None
    names = _in_folder("alert-rule", uid or "*", folder)
    return own_effects(call.effect(kind, names, service=_SERVICE, detail=f"{operation}"))


def _rule(kind: EffectKind) -> Handler:
    """The earlier per-operation alert rule tools: ``uid``, ``folderUID``."""

    def handle(call: McpCall) -> BuiltinEffects:
        uid = call.text_arg("uid")
        if uid is None and kind is not C:
            return missing_argument(call, kind, "uid")
        names = _in_folder("alert-rule", uid or "*", call.text_arg("folderUID"))
        return own_effects(call.effect(kind, names, service=_SERVICE))

    return handle


def _by_id(kind: EffectKind, what: str, *args: str, detail: str = "") -> Handler:
    """An object by an id argument (required for a change of an existing one)."""

    def handle(call: McpCall) -> BuiltinEffects:
        value = call.arg(args[0]) if args else None
        text = call.text_arg(*args) if args else None
        number = isinstance(value, int) and not isinstance(value, bool)
        found = text or (str(value) if number else None)
        if found is None and args and kind is not C:
            return missing_argument(call, kind, *args)
        names = [f"grafana:{what}/{found or '*'}"]
        return own_effects(call.effect(kind, names, service=_SERVICE, detail=detail))

    return handle


GRAFANA = ServerFamily(
    "grafana",
    ("grafana*", "*grafana*"),
    {
        **dict.fromkeys(_READS, on_tool(R, _SERVICE)),
        **dict.fromkeys(_DASHBOARD_READS, _read_dashboard),
        "update_dashboard": _update_dashboard,
        "alerting_manage_rules": _manage_rules,
        "create_alert_rule": _rule(C),
        "update_alert_rule": _rule(U),
        "delete_alert_rule": _rule(D),
        "create_incident": _by_id(C, "incident", detail="declares an incident"),
        "add_activity_to_incident": _by_id(U, "incident", "incidentId"),
        "create_annotation": _by_id(C, "annotation"),
        "create_graphite_annotation": _by_id(C, "annotation"),
        "update_annotation": _by_id(U, "annotation", "id"),
        "patch_annotation": _by_id(U, "annotation", "id"),
        "find_error_pattern_logs": _by_id(
            C, "sift-investigation", detail="runs a Sift investigation"
        ),
        "find_slow_requests": _by_id(C, "sift-investigation", detail="runs a Sift investigation"),
    },
)
