"""AWS Tools for PowerShell's S3 access parameters, read as the request members they set, for
:mod:`._powershell_aws` and :mod:`._powershell_s3_files` (AWS Tools cmdlet reference):

- ``-CannedACLName`` (``Write-S3Object``, ``Copy-S3Object``, ``New-S3Bucket``) and ``-CannedACL``
  (``Set-S3ACL``), or any prefix of them from ``-Cann`` on (PowerShell takes a parameter's
  unambiguous prefix; no other S3 cmdlet parameter starts so), are the request's ``ACL``; the
  switches ``-PublicReadOnly`` and ``-PublicReadWrite`` give it ``public-read`` and
  ``public-read-write`` (``-PublicReadOnly:$false`` none);
- a ``S3CannedACL`` written as its .NET field name (``PublicRead``) is read as the canned ACL
  it names, and an ACL or grant (``-GrantRead``...) decided at run time as the worst it may be
  (``public-read``, a grant to ``AllUsers``): what the call writes may be opened to anyone, so
  it is judged as opening it (fail closed);
- the ACL a request sets in other ways: ``-HeaderCollection`` (``Write-S3Object``,
  ``Copy-S3Object``: each entry a header of the request, so ``x-amz-acl`` is its canned ACL
  and ``x-amz-grant-read``... its grants), and the ``S3Grant`` objects of ``-Grant``
  (``Write-S3Object``, ``Copy-S3Object``) and ``-AccessControlList_Grant`` (``Set-S3ACL``).
  A grant to the ``AllUsers`` or ``AuthenticatedUsers`` group is read as the canned ACL giving
  that group the same (``public-read``, ``public-read-write``, ``authenticated-read``), and a
  table or grant decided at run time as the worst it may be; the parameter itself is still
  not carried over (what else its headers or grants do is not read: the call also stays
  ``unknown``), so reading it never makes the call looser than before (:func:`carried_acls`);
- ``-PublicAccessBlockConfiguration_BlockPublicAcl <Boolean>`` and its three siblings
  (``Add-S3PublicAccessBlock``, ``Add-S3CPublicAccessBlock``) are the members of the request's
  ``PublicAccessBlockConfiguration`` (``BlockPublicAcls``..., named in the singular): a member
  left out is false, as the API call replaces the whole configuration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from keyturn.understand.shell.commands._powershell_values import value_items

_CANNED = "cannedaclname"
_SHORTEST_CANNED = "cann"
_SWITCH_ACLS = {"publicreadonly": "public-read", "publicreadwrite": "public-read-write"}
_SHORTEST_SWITCH = len("publicreado")
# S3CannedACL's .NET field names, and the canned ACLs they stand for.
_DOTNET_ACLS = {
    "publicread": "public-read",
    "publicreadwrite": "public-read-write",
    "authenticatedread": "authenticated-read",
}
_WORST_ACL = "public-read"
_GRANTS = frozenset(
    {"grantread", "grantreadacp", "grantwrite", "grantwriteacp", "grantfullcontrol"}
)
_WORST_GRANT = "uri=http://acs.amazonaws.com/groups/global/AllUsers"
# The structures whose members AWS Tools flattens into ``-Structure_Member`` parameters, by
# service and (lower-cased) request member, as the cmdlet reference names them.
_FLATTENED = frozenset({("s3", "publicaccessblockconfiguration")})
_FLATTENED |= {("s3control", "publicaccessblockconfiguration")}
_FALSE = frozenset({"$false", "0", "false"})
_TRUE = frozenset({"$true", "1", "true"})


def _switch(name: str) -> str | None:
    """The canned ACL of an ``-PublicRead...`` switch (or its unambiguous prefix), or None."""
    if len(name) < _SHORTEST_SWITCH:
        return None
    return next((acl for full, acl in _SWITCH_ACLS.items() if full.startswith(name)), None)


def is_acl_switch(name: str) -> bool:
    """Whether a (lower-cased) parameter name is ``-PublicReadOnly``/``-PublicReadWrite``, a
    switch that takes no value word after it."""
    return _switch(name) is not None


def acl_of(key: str, raw: str) -> list[str] | None:
    """The canned ACLs a parameter gives (none: ``[]``), or None when it is no ACL parameter."""
    acl = _switch(key)
    if acl is not None:
        value = raw.strip().lower()
        return [] if value in _FALSE else [acl if value in _TRUE else _WORST_ACL]
    if (len(key) >= len(_SHORTEST_CANNED) and _CANNED.startswith(key)) or key == "acl":
        items = value_items(raw)
        if items is None:
            return [_WORST_ACL]
        plain = (i.strip().lower().replace("-", "").replace("_", "") for i in items)
        return [_DOTNET_ACLS.get(p, i) for p, i in zip(plain, items, strict=True)]
    return None


def acl_parameters(named: Mapping[str, str]) -> dict[str, str]:
    """``named`` with the ACL parameters as the request's ``acl``, and run-time ACLs and grants
    read as the worst they may be."""
    out: dict[str, str] = {}
    acls: list[str] = []
    for key, raw in named.items():
        given = acl_of(key, raw)
        if given is not None:
            acls += given
        elif key in _GRANTS and value_items(raw) is None:
            out[key] = _WORST_GRANT
        else:
            out[key] = raw
    if acls:
        out["acl"] = ",".join(dict.fromkeys(acls))  # more than one: the call judged on each
    return out


# Parameters that carry an ACL besides the canned one: request headers, and S3Grant objects.
_HEADERS = "headercollection"
_SHORTEST_HEADERS = len("header")
_GRANT_OBJECTS = frozenset({"grant", "accesscontrollist_grant", "accesscontrollist_grants"})
_ACL_HEADER = "x-amz-acl"
_GRANT_HEADER = "x-amz-grant-"
# What PowerShell computes inside a table or grant: a variable, a subexpression, a call.
_COMPUTED = ("$", "(")
_ALL_USERS = "/groups/global/allusers"
_AUTHENTICATED = "/groups/global/authenticatedusers"


def carried_acls(named: Mapping[str, str]) -> dict[str, str]:
    """``named`` with the canned ACLs that ``-HeaderCollection`` and the S3Grant parameters
    give the request added to ``-CannedACLName`` (read by :func:`acl_of` as any canned ACL
    is). Those parameters are kept as they are: what else they set stays not carried over."""
    acls: list[str] = []
    for key, raw in named.items():
        if len(key) >= _SHORTEST_HEADERS and _HEADERS.startswith(key):
            acls += _header_acls(raw)
        elif key in _GRANT_OBJECTS:
            acls += _grant_acls(raw, raw)
    if not acls:
        return dict(named)
    out = dict(named)
    given = [out[_CANNED]] if _CANNED in out else []
    out[_CANNED] = ",".join([*given, *dict.fromkeys(acls)])
    return out


def _header_acls(raw: str) -> list[str]:
    """The canned ACLs a ``-HeaderCollection`` table gives the request (``x-amz-acl``, a
    ``x-amz-grant-*`` to a public group); a table decided at run time: the worst."""
    text = raw.strip()
    if any(c in text for c in _COMPUTED) or not (text.startswith("@{") and text.endswith("}")):
        return [_WORST_ACL]
    acls: list[str] = []
    for entry in text[2:-1].replace("\n", ";").split(";"):
        name, equals, value = entry.partition("=")
        name, value = name.strip().strip("'\"").lower(), value.strip().strip("'\"")
        if not equals:
            continue
        if name == _ACL_HEADER:
            acls.append(value.lower())
        elif name.startswith(_GRANT_HEADER):
            acls += _grant_acls(value, name)
    return acls


def _grant_acls(grant: str, permission: str) -> list[str]:
    """The canned ACL giving a public group what ``grant`` (an S3Grant's text or a grant
    header's value) gives it: ``[]`` for a grant to someone named; decided at run time: the
    worst. Writing (the objects, or their ACL) or full control is ``public-read-write``."""
    text = grant.lower()
    if any(c in text for c in _COMPUTED):
        return [_WORST_ACL]
    writes = any(w in permission.lower() for w in ("write", "full"))
    if _ALL_USERS in text:
        return ["public-read-write" if writes else "public-read"]
    if _AUTHENTICATED in text:
        return ["authenticated-read"]
    return []


def flattened(
    service: str, named: Mapping[str, str], members: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """The parameters that are no flattened member, and the request members the flattened ones
    make: ``{member: JSON text}``, the text empty when one of its values is decided at run time
    (the whole member then is)."""
    by_name = {m.lower(): m for m in members}
    rest: dict[str, str] = {}
    structures: dict[str, dict[str, Any] | None] = {}
    for key, raw in named.items():
        head, underscore, tail = key.partition("_")
        member = by_name.get(head)
        if not underscore or member is None or (service, head) not in _FLATTENED:
            rest[key] = raw
            continue
        inner = {m.lower(): m for m in members[member].members}
        name = inner.get(tail) or inner.get(tail + "s")
        value = _scalar(members[member].members[name].type_name, raw) if name else None
        if name is None:
            rest[key] = raw  # not carried over: the call is unknown
        elif value is None or structures.get(member, {}) is None:
            structures[member] = None
        else:
            structure = structures.setdefault(member, {})
            if structure is not None:
                structure[name] = value
    made = {m: ("" if s is None else json.dumps(s)) for m, s in structures.items()}
    return rest, made


def _scalar(kind: str, raw: str) -> bool | str | None:
    """A flattened member's value: a boolean or a string; None when decided at run time."""
    value = raw.strip().lower()
    if kind == "boolean":
        return True if value in _TRUE else False if value in _FALSE else None
    items = value_items(raw) if kind == "string" else None
    return items[0] if items is not None and len(items) == 1 else None
