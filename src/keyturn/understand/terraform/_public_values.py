"""What in a resource's values opens a store to anyone on the internet (:mod:`._exposure`).

Each reader takes one side of a change (``before`` or ``after``) and gives its *openings*: a
key per way the store is open (stable between the two sides, so that an update compares them)
mapped to why, for people, or to ``None`` when the value that decides is known only on apply.
What keeps the store closed gives no key. ``unknown(attr)`` tells whether the plan's
``after_unknown`` marks ``attr`` (always false for ``before``): an attribute absent from the
values and not marked is unset.

Values as the providers' documentation gives them:

- ``aws_s3_bucket_public_access_block``: the four flags default to false; each one false opens
  (AWS turns Block Public Access on for every new bucket since April 2023, so a block created
  with a flag off loosens even a new bucket). ``aws_s3_bucket_acl``: a canned ``acl`` of
  ``public-read``, ``public-read-write`` or ``authenticated-read``, or a grant to the
  ``AllUsers``/``AuthenticatedUsers`` group URI. ``aws_s3_bucket_policy``: a statement that
  allows ``Principal: "*"`` (or ``{"AWS": "*"}``, or any ``NotPrincipal``) with no
  ``Condition``; taken away (:func:`perimeter_denies`), a ``Deny`` for everyone on reading
  with no condition or only conditions on who or where.
  ``aws_db_instance``/``aws_rds_cluster_instance``/``aws_redshift_cluster``:
  ``publicly_accessible``. ``aws_lambda_function_url``: ``authorization_type`` ``NONE`` (anyone
  on the internet may invoke the function it names, as a permission for ``*`` lets them).
  ``aws_ami_launch_permission``: ``group = "all"``. (``aws_snapshot_create_volume_permission``
  has only an ``account_id``: it cannot name the public group.)
- ``google_storage_bucket``: ``public_access_prevention`` other than ``enforced``; bucket IAM
  members ``allUsers``/``allAuthenticatedUsers``; a bucket or default object ACL with a
  ``role_entity`` for them, or a public ``predefined_acl``/``default_acl``.
- ``azurerm_storage_account``: ``allow_nested_items_to_be_public`` (``allow_blob_public_access``
  before provider 3.0) or ``public_network_access_enabled`` true, network rules whose
  ``default_action`` is ``Allow``; ``azurerm_storage_container``: ``container_access_type``
  ``blob`` or ``container``.

The policy documents of other AWS stores, or put on them (:mod:`._attached`), are read as a
bucket policy is: :func:`public_statements`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from keyturn.understand.aws.public_exposure import holds_to_known_callers

Unknown = Callable[[str], bool]
Openings = dict[str, str | None]


def _never(_attr: str) -> bool:
    return False


NEVER_UNKNOWN: Unknown = _never

_PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GROUP_URIS = frozenset(
    {
        "http://acs.amazonaws.com/groups/global/AllUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    }
)
_BLOCK_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)
_GOOGLE_PUBLIC = frozenset({"allusers", "allauthenticatedusers"})
_GOOGLE_PUBLIC_ACLS = frozenset({"publicread", "publicreadwrite", "authenticatedread"})


def access_block_openings(values: dict[str, Any], unknown: Unknown) -> Openings:
    found: Openings = {}
    for flag in _BLOCK_FLAGS:
        if values.get(flag) is not True:
            found[flag] = None if unknown(flag) else f"{flag} off"
    return found


def _s3_acl(values: dict[str, Any], unknown: Unknown) -> Openings:
    """A canned ACL, or the grants of ``access_control_policy`` (or an ``aws_s3_bucket``'s
    inline ``grant``): the two are exclusive, so a known private canned ACL closes it."""
    acl = values.get("acl")
    if isinstance(acl, str) and acl:
        return {"acl": f"acl {acl}"} if acl in _PUBLIC_CANNED_ACLS else {}
    policy = values.get("access_control_policy")
    grants = _block(policy).get("grant") if policy else values.get("grant")
    found: Openings = {}
    for grant in grants if isinstance(grants, list) else ():
        if not isinstance(grant, dict):
            continue
        permission = grant.get("permission") or grant.get("permissions")
        for grantee in _blocks_of(grant.get("grantee")) or (grant,):
            uri = grantee.get("uri")
            if uri is not None and not isinstance(uri, str):
                found.setdefault("acl", None)  # a grantee not read: it may be anyone
            elif uri in _PUBLIC_GROUP_URIS:
                who = str(uri).rsplit("/", 1)[-1]
                found[f"grant {who} {permission}"] = f"ACL grants {permission} to {who}"
    if unknown("acl") or unknown("access_control_policy") or unknown("grant"):
        found.setdefault("acl", None)
    return found


def _s3_policy(values: dict[str, Any], unknown: Unknown) -> Openings:
    return public_statements(values, "policy", unknown, label="bucket policy")


def public_statements(
    values: dict[str, Any], attr: str, unknown: Unknown, *, label: str = "policy"
) -> Openings:
    """The statements of the policy document in ``attr`` that let anyone in, keyed by their
    JSON (``attr``: known only on apply, or a document that cannot be read)."""
    policy = values.get(attr)
    if policy is None or policy == "":
        return {attr: None} if unknown(attr) else {}
    statements = _statements(policy)
    if statements is None:
        return {attr: None}  # not a policy keyturn can read: it may open the store
    found: Openings = {}
    for statement in statements:
        if _allows_anyone(statement):
            what = statement.get("Sid") or statement.get("Action") or "access"
            key = f"{attr} " + json.dumps(statement, sort_keys=True)
            found[key] = f"{label} allows anyone (Principal *) {what} with no Condition"
    return found


def _statements(policy: Any) -> list[dict[str, Any]] | None:
    try:
        document = json.loads(policy) if isinstance(policy, str) else None
    except (ValueError, RecursionError):
        return None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return None
    return [s for s in statements if isinstance(s, dict)]


def _allows_anyone(statement: dict[str, Any]) -> bool:
    """An ``Allow`` of everyone that no condition holds to known callers (read as the AWS
    call's policy is: :func:`~keyturn.understand.aws.public_exposure.holds_to_known_callers`)."""
    if str(statement.get("Effect", "")).lower() != "allow":
        return False
    if holds_to_known_callers(statement.get("Condition")):
        return False
    if "NotPrincipal" in statement:
        return True  # everyone but those named
    return _is_anyone(statement.get("Principal"))


def _is_anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any(_is_anyone(v) for v in principal.values())
    if isinstance(principal, list):
        return any(p == "*" for p in principal)
    return False


# Condition keys that say who may come in, or from where: a Deny for everyone whose every
# condition is one of these keeps the rest of the world out (a data perimeter). A Deny keyed on
# anything else (``aws:SecureTransport``, an encryption header, MFA...) refuses some requests
# of the same principals and keeps nobody out.
_PERIMETER_KEYS = frozenset(
    {
        "aws:sourceip", "aws:vpcsourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:sourcevpcarn",
        "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount",
        "aws:principalarn", "aws:principaltype", "aws:userid", "aws:username",
        "aws:principalisawsservice", "aws:principalservicename", "aws:sourceaccount",
        "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:calledvia",
        "aws:viaawsservice",
    }
)  # fmt: skip
# Actions that read a bucket's data or list it: a Deny of one of these guards reading.
_READING = frozenset({"*", "s3:*", "s3:get*", "s3:getobject", "s3:getobject*", "s3:list*",
                      "s3:listbucket"})  # fmt: skip


def perimeter_denies(values: dict[str, Any]) -> Openings:
    """The Deny statements of a bucket policy (``policy``) that keep everyone outside a
    perimeter from reading the bucket -- for everyone (``Principal`` ``*`` or a
    ``NotPrincipal``), on a reading action (or ``NotAction``), with no condition or only
    conditions on who or where -- by key (as :func:`_s3_policy` keys statements) -> why."""
    policy = values.get("policy")
    statements = _statements(policy) if isinstance(policy, str) and policy else None
    found: Openings = {}
    for statement in statements or ():
        if statement.get("Effect") != "Deny" or not _denies_everyone(statement):
            continue
        if not _denies_reading(statement):
            continue
        condition = statement.get("Condition")
        keys = _condition_keys(condition) if condition else set()
        if keys is None or not keys <= _PERIMETER_KEYS:
            continue
        sid = statement.get("Sid") or statement.get("Action")
        where = f" outside {', '.join(sorted(keys))}" if keys else ""
        found["guard " + json.dumps(statement, sort_keys=True)] = (
            f"bucket policy Deny {sid} taken away: it kept everyone{where} from reading"
        )
    return found


def _denies_everyone(statement: dict[str, Any]) -> bool:
    return "NotPrincipal" in statement or _is_anyone(statement.get("Principal"))


def _denies_reading(statement: dict[str, Any]) -> bool:
    if "NotAction" in statement:
        return True  # every action but those named: reading, unless named (held as guarded)
    actions = statement.get("Action")
    actions = [actions] if isinstance(actions, str) else actions
    if not isinstance(actions, list):
        return False
    return any(isinstance(a, str) and a.strip().lower() in _READING for a in actions)


def _condition_keys(condition: Any) -> set[str] | None:
    """The (lower-cased) keys a ``Condition`` tests; None when it cannot be read."""
    if not isinstance(condition, dict):
        return None
    keys: set[str] = set()
    for tests in condition.values():
        if not isinstance(tests, dict):
            return None
        keys.update(str(key).strip().lower() for key in tests)
    return keys


def _publicly_accessible(values: dict[str, Any], unknown: Unknown) -> Openings:
    if values.get("publicly_accessible") is True:
        return {"publicly_accessible": "publicly_accessible turned on"}
    return {"publicly_accessible": None} if unknown("publicly_accessible") else {}


def function_url(attr: str, function: str) -> Reader:
    """A Lambda function URL whose ``attr`` (its auth type) is ``NONE``: no signature asked.
    Its ``function`` left out (the provider requires it) may be any function: unknown."""

    def read(values: dict[str, Any], unknown: Unknown) -> Openings:
        if values.get(attr) == "NONE":
            named = values.get(function)
            if not (isinstance(named, str) and named) and not unknown(function):
                return {"auth": None}
            return {"auth": f"function URL {attr} NONE: anyone on the internet may invoke it"}
        return {"auth": None} if unknown(attr) else {}

    return read


def _launch_permission(values: dict[str, Any], unknown: Unknown) -> Openings:
    if values.get("group") == "all":
        return {"group": 'launch permission for group "all": anyone may launch (copy) it'}
    return {"group": None} if unknown("group") else {}


def _pap(values: dict[str, Any], unknown: Unknown) -> Openings:
    value = values.get("public_access_prevention")
    if isinstance(value, str) and value and value != "enforced":
        return {"pap": f"public_access_prevention {value}: switched off"}
    return {"pap": None} if unknown("public_access_prevention") else {}


def _google_members(values: dict[str, Any], unknown: Unknown) -> Openings:
    """``member`` (``_iam_member``) or ``members`` (``_iam_binding``) given ``role``."""
    role = values.get("role")
    members = values.get("members") if "members" in values else [values.get("member")]
    found: Openings = {}
    for member in members if isinstance(members, list) else ():
        if isinstance(member, str) and member.strip().lower() in _GOOGLE_PUBLIC:
            found[f"{member} {role}"] = f"{member} given {role}: anyone on the internet"
    if unknown("member") or unknown("members") or unknown("role"):
        found.setdefault("member", None)
    return found


def _google_policy(values: dict[str, Any], unknown: Unknown) -> Openings:
    """``google_storage_bucket_iam_policy``: its ``policy_data`` JSON's bindings."""
    data = values.get("policy_data")
    if not isinstance(data, str):
        return {"policy": None} if unknown("policy_data") or data is not None else {}
    try:
        bindings = json.loads(data).get("bindings")
    except (ValueError, RecursionError, AttributeError):
        return {"policy": None}
    found: Openings = {}
    for binding in bindings if isinstance(bindings, list) else ():
        if isinstance(binding, dict):
            found |= _google_members(
                {"role": binding.get("role"), "members": binding.get("members")}, NEVER_UNKNOWN
            )
    return found


def _google_acl(values: dict[str, Any], unknown: Unknown) -> Openings:
    found: Openings = {}
    for attr in ("predefined_acl", "default_acl"):
        value = values.get(attr)
        if isinstance(value, str) and _plain(value) in _GOOGLE_PUBLIC_ACLS:
            found[attr] = f"{attr} {value}: makes the data public"
        elif unknown(attr):
            found[attr] = None
    entities = values.get("role_entity")
    for entry in entities if isinstance(entities, list) else ():
        role, _, entity = str(entry).partition(":")
        if entity.strip().lower() in _GOOGLE_PUBLIC:
            found[f"acl {entry}"] = f"ACL gives {entity} {role}: makes the data public"
    if unknown("role_entity"):
        found.setdefault("role_entity", None)
    return found


def _plain(word: str) -> str:
    return word.strip().lower().replace("-", "").replace("_", "")


_AZURE_SWITCHES = (
    ("allow_nested_items_to_be_public", "lets the account's containers be public"),
    ("allow_blob_public_access", "lets the account's containers be public"),
    ("public_network_access_enabled", "opens the account to every network"),
)


def _azure_account(values: dict[str, Any], unknown: Unknown) -> Openings:
    found: Openings = {}
    for attr, what in _AZURE_SWITCHES:
        if values.get(attr) is True:
            found[attr] = f"{attr} turned on: {what}"
        elif unknown(attr):
            found[attr] = None
    rules = values.get("network_rules")
    if isinstance(rules, list) and rules:
        action = _block(rules).get("default_action")
        if isinstance(action, str) and action.lower() == "allow":
            found["network_rules"] = "network rules default to Allow: every address let in"
        elif not isinstance(action, str):
            found["network_rules"] = None
    elif unknown("network_rules"):
        found["network_rules"] = None
    return found


def _azure_container(values: dict[str, Any], unknown: Unknown) -> Openings:
    access = values.get("container_access_type")
    if isinstance(access, str) and access.lower() in ("blob", "container"):
        return {"access": f"container_access_type {access}: its blobs readable by anyone"}
    return {"access": None} if unknown("container_access_type") else {}


def _s3_bucket_inline(values: dict[str, Any], unknown: Unknown) -> Openings:
    """An ``aws_s3_bucket``'s own (deprecated) ``acl``, ``grant`` and ``policy``."""
    return _s3_acl(values, unknown) | _s3_policy(values, unknown)


def _block(value: Any) -> dict[str, Any]:
    """A nested block (a list of one object in a plan), or ``{}``."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else {}


def _blocks_of(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


Reader = Callable[[dict[str, Any], Unknown], Openings]

# Resource type -> what in its values opens the store.
READERS: dict[str, Reader] = {
    "aws_s3_bucket_public_access_block": access_block_openings,
    "aws_s3_account_public_access_block": access_block_openings,
    "aws_s3_bucket_acl": _s3_acl,
    "aws_s3_bucket_policy": _s3_policy,
    "aws_s3_bucket": _s3_bucket_inline,
    "aws_db_instance": _publicly_accessible,
    "aws_rds_cluster_instance": _publicly_accessible,
    "aws_redshift_cluster": _publicly_accessible,
    "aws_lambda_function_url": function_url("authorization_type", "function_name"),
    "aws_ami_launch_permission": _launch_permission,
    "google_storage_bucket": _pap,
    "google_storage_bucket_iam_member": _google_members,
    "google_storage_bucket_iam_binding": _google_members,
    "google_storage_bucket_iam_policy": _google_policy,
    "google_storage_bucket_acl": _google_acl,
    "google_storage_default_object_acl": _google_acl,
    "azurerm_storage_account": _azure_account,
    "azurerm_storage_container": _azure_container,
}
