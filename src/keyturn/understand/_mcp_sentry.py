"""Built-in meanings of Sentry's MCP server's tools.

Source: ``getsentry/sentry-mcp`` ``packages/mcp-core/src/tools/catalog/index.ts`` (every catalog
tool), ``catalog/update-issue.ts`` (``organizationSlug``, ``issueId``, ``issueUrl``, ``status``,
``assignedTo``), ``catalog/create-project.ts`` (``organizationSlug``, ``teamSlug``, ``name``,
``slug``), ``catalog/delete-alert-rule.ts`` (``ruleId``), ``catalog/delete-uptime-monitor.ts``
(``projectSlug``, ``uptimeMonitorId``), and the wrapper ``execute_sentry_tool`` (``name``,
``arguments``: a catalog tool called by name, understood as that tool).

Names (``sentry:``): ``sentry:<org>/issue/<issue id or short id>``,
``sentry:<org>/project/<project slug>`` (``/dsn/*``, ``/monitor/<id>``),
``sentry:<org>/team/<slug>``, ``sentry:<org>/alert-rule/<id>``; an organization or object
the call does not name is ``*``. An issue given by ``issueUrl`` is named from the URL
(``https://<org>.sentry.io/issues/<id>/`` or ``…/organizations/<org>/issues/<id>/``).

Kinds: ``find_*``, ``get_*``, ``search_*`` and ``whoami`` read (the searches translate natural
language into a query, and only query). ``update_issue`` (resolve, ignore, assign),
``add_issue_note`` and ``analyze_issue_with_seer`` (starts a Seer analysis) update the issue;
``create_team``/``create_project``/``create_dsn`` create, ``update_project``/``update_dsn``
update, ``delete_alert_rule`` and ``delete_uptime_monitor`` delete. ``use_sentry`` (an agent
that picks the tools itself) and every tool not listed are unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

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

_SERVICE = "sentry"
_ISSUE_URL = re.compile(
    r"https?://(?:(?P<sub>[^./]+)\.sentry\.io|[^/]+)"
    r"(?:/organizations/(?P<org>[^/]+))?/issues/(?P<id>[^/?#]+)"
)

_READS = (
    "whoami",
    "find_organizations",
    "find_teams",
    "find_projects",
    "find_releases",
    "get_release_details",
    "find_dashboards",
    "get_dashboard_details",
    "find_monitors",
    "get_monitor_details",
    "find_alert_rules",
    "get_alert_rule",
    "find_alerts",
    "get_alert_details",
    "find_uptime_monitors",
    "find_dsns",
    "get_issue_details",
    "get_event_stacktrace",
    "get_issue_activity",
    "get_issue_user_reports",
    "get_issue_tag_values",
    "get_trace_details",
    "get_replay_details",
    "get_event_attachment",
    "search_events",
    "search_issues",
    "search_issue_events",
    "search_docs",
    "get_doc",
    "get_profile",
    "get_profile_details",
    "get_sentry_resource",
    "get_snapshot",
    "get_snapshot_image",
    "get_latest_base_snapshot",
    "get_ai_conversation_details",
    "search_ai_conversations",
    "search_sentry_tools",
)


def _org(call: McpCall) -> str:
    return call.text_arg("organizationSlug") or "*"


def _issue(kind: EffectKind, detail: str = "") -> Handler:
    """The issue ``issueId`` (or ``issueUrl``) names, in ``organizationSlug``."""

    def handle(call: McpCall) -> BuiltinEffects:
        org, issue = _org(call), call.text_arg("issueId")
        url = _ISSUE_URL.match(call.text_arg("issueUrl") or "")
        if issue is None and url is not None:
            issue = url.group("id")
            org = call.text_arg("organizationSlug") or url.group("org") or url.group("sub") or "*"
        if issue is None:
            return missing_argument(call, kind, "issueId", "issueUrl")
        names = [f"sentry:{org}/issue/{issue}"]
        return own_effects(call.effect(kind, names, service=_SERVICE, detail=detail))

    return handle


def _update_issue(call: McpCall) -> BuiltinEffects:
    changes = [f"{k} {call.text_arg(k)}" for k in ("status", "assignedTo") if call.text_arg(k)]
    return _issue(U, "; ".join(changes))(call)


def _in_org(
    kind: EffectKind, path: Callable[[McpCall], str | None], need: str = "", detail: str = ""
) -> Handler:
    """``sentry:<org>/<path>``; ``need`` names the argument ``path`` cannot do without."""

    def handle(call: McpCall) -> BuiltinEffects:
        found = path(call)
        if found is None:
            return missing_argument(call, kind, need)
        names = [f"sentry:{_org(call)}/{found}"]
        return own_effects(call.effect(kind, names, service=_SERVICE, detail=detail))

    return handle


def _arg(template: str, *args: str, default: str | None = None) -> Callable[[McpCall], str | None]:
    """``template`` with the first given of ``args`` (``default`` when none is)."""

    def path(call: McpCall) -> str | None:
        value = call.text_arg(*args) or default
        return None if value is None else template.format(value)

    return path


def _monitor(call: McpCall) -> str | None:
    project, monitor = call.text_arg("projectSlug"), call.text_arg("uptimeMonitorId")
    return None if monitor is None else f"project/{project or '*'}/monitor/{monitor}"


def _execute(call: McpCall) -> BuiltinEffects:
    """``execute_sentry_tool``: the catalog tool ``name``, called with ``arguments``."""
    name, arguments = call.text_arg("name"), call.arg("arguments")
    if name is None or name == "execute_sentry_tool":
        return missing_argument(call, EffectKind.UNKNOWN, "name")
    inner = _TOOLS.get(name)
    if inner is None:
        return own_effects(call.unknown(f"Sentry tool {name!r} not understood"))
    args = arguments if isinstance(arguments, dict) else {}
    return inner(replace(call, arguments=args))


_TOOLS: dict[str, Handler] = {
    **dict.fromkeys(_READS, on_tool(R, _SERVICE)),
    "update_issue": _update_issue,
    "add_issue_note": _issue(U, "adds a note to the issue"),
    "analyze_issue_with_seer": _issue(U, "starts a Seer analysis of the issue"),
    "create_team": _in_org(C, _arg("team/{}", "slug", "name", default="*")),
    "create_project": _in_org(C, _arg("project/{}", "slug", "name", default="*")),
    "update_project": _in_org(U, _arg("project/{}", "projectSlug"), "projectSlug"),
    "create_dsn": _in_org(C, _arg("project/{}/dsn/*", "projectSlug"), "projectSlug"),
    "update_dsn": _in_org(U, _arg("project/{}/dsn/*", "projectSlug"), "projectSlug"),
    "delete_alert_rule": _in_org(D, _arg("alert-rule/{}", "ruleId"), "ruleId"),
    "delete_uptime_monitor": _in_org(D, _monitor, "uptimeMonitorId"),
}

SENTRY = ServerFamily(
    "sentry",
    ("sentry*", "*sentry*"),
    {**_TOOLS, "execute_sentry_tool": _execute},
)
