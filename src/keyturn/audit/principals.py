"""Who made a CloudTrail call, measured against the keyturn grant it might belong to.

``keyturn exec`` runs a command without the operator's cloud credentials; the only AWS
credentials it hands over are a role session it brokers (``integrations.credentials``):
session name ``keyturn-<agent>-<request>``, SourceIdentity the agent session (or the agent),
and the transitive session tags ``agent``, ``operator`` and ``request``. So:

- a call carrying keyturn's marks (the ``request`` tag, or a ``keyturn-`` session name) was
  made with the credentials keyturn brokered for one request: every mark it carries must be the
  grant's (role chaining keeps the tags and the SourceIdentity, not the session name);
- a call without them was not made with credentials ``keyturn exec`` gave: it is not part of an
  action ``keyturn exec`` ran. An action run by an agent's hook ran with whatever credentials
  the agent holds, which keyturn does not know: then nothing is compared.
"""

from __future__ import annotations

import re
from typing import Any

from keyturn.audit.grants import UsedGrant

# The same spellings as ``keyturn.integrations.credentials.sanitized_identity`` and its tag
# values (the core may not import the integrations; a test holds the two together).
_IDENTITY_UNSAFE = re.compile(r"[^\w+=,.@-]", re.ASCII)
_TAG_UNSAFE = re.compile(r"[^\w .:/=+@-]", re.ASCII)
SESSION_PREFIX = "keyturn-"


def identity_text(value: str) -> str:
    """``value`` as keyturn writes it into a RoleSessionName or SourceIdentity."""
    cleaned = _IDENTITY_UNSAFE.sub("-", value).strip("-")[:64]
    return cleaned if len(cleaned) >= 2 else "kt-" + cleaned


def tag_text(value: str) -> str:
    """``value`` as keyturn writes it into a session tag."""
    return _TAG_UNSAFE.sub("_", value)[:256]


def session_tags(identity: dict[str, Any]) -> dict[str, str]:
    """The session tags of the call's credentials (as ``cloudtrail_identity`` reads them)."""
    tags = identity.get("session_tags") or identity.get("tags") or {}
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}


def brokered(identity: dict[str, Any]) -> bool:
    """Whether the call's credentials carry keyturn's marks."""
    session = str(identity.get("session_name") or "")
    return "request" in session_tags(identity) or session.startswith(SESSION_PREFIX)


def principal_mismatch(grant: UsedGrant, identity: dict[str, Any], who: str) -> str | None:
    """Why the call made by ``identity`` (``who`` for people) cannot be part of ``grant``'s
    action, or ``None`` when nothing known says so."""
    if brokered(identity):
        return _marks_mismatch(grant, identity)
    if grant.exec_ran and (identity.get("arn") or identity.get("type")):
        return (
            f"{who} is not the role session keyturn exec brokers for request {grant.request} "
            f"(keyturn-{grant.agent}-{grant.request}): grant {grant.grant}'s action did not "
            "make this call"
        )
    return None


def _marks_mismatch(grant: UsedGrant, identity: dict[str, Any]) -> str | None:
    tags = session_tags(identity)
    wanted = {
        "request": str(grant.request),
        "agent": tag_text(grant.agent),
        "operator": tag_text(grant.operator),
    }
    for key, value in wanted.items():
        if key in tags and tags[key] != value:
            return (
                f"its credentials are keyturn's for {key} {tags[key]}, not grant "
                f"{grant.grant}'s {key} {value}"
            )
    session = str(identity.get("session_name") or "")
    expected = identity_text(f"{SESSION_PREFIX}{grant.agent}-{grant.request}")
    if session.startswith(SESSION_PREFIX) and session != expected:
        return f"its role session {session} is not {expected}, grant {grant.grant}'s"
    source = str(identity.get("source_identity") or identity.get("sourceIdentity") or "")
    own = identity_text(grant.session or grant.agent)
    if source and source != own:
        return f"its SourceIdentity {source} is not {own}, the session grant {grant.grant} ran in"
    return None
