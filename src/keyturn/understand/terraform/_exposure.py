"""Planned changes that open a store to anyone on the internet: judged as removing the store's
protection (``removes_protection``), as the ``gcloud``/``az`` command lines that do it are
(``shell.commands._gcloud_public``, ``_az_public``). Whoever may read a protected store's data
from anywhere may copy it away, and closing it again does not bring the data back: refused on
a protected store, judged as the change it is elsewhere. The change keeps its own effect kind.

What opens a store is read by :mod:`._public_values`. Two shapes of resource:

- a store opened through a resource of its own (an S3 public access block, ACL or policy; a
  bucket IAM member, binding, policy or ACL; an AMI launch permission): its create, update or
  replace opening the store -- and the destroy or replace of a public access block, which
  leaves the bucket unblocked -- also yields an update of the store that removes its
  protection, named as the plan names that store (``arn:aws:s3:::<bucket>``, ``s3://<bucket>``
  and ``<bucket>``; ``gs://<bucket>``; an account's block: every bucket, ``arn:aws:s3:::*``);
- a store opened by its own settings (a database made publicly accessible, a bucket's public
  access prevention off, an Azure account's public blob or network access on, a container made
  public): only an update opens it (a new store holds no data yet; a replaced one is destroyed,
  judged as such already). The change's own effect removes the protection, and the names
  ``gcloud``/``az`` give the store (``gs://<bucket>``, ``azure:storage/account/<account>``,
  ``azure:storage/<account>/<container>``) are named by one more such update.

A policy or a permission put on a store that may already exist (a topic's, queue's, secret's,
key's, repository's policy, a Lambda permission, an event bus's, an access point's...) opens
the store it names (:mod:`._attached`), which also reads the policies a store's own values hold
(a topic's ``policy``, a role's ``assume_role_policy``...), judged as a store that opens itself.
A Lambda function URL that asks no signature (``aws_lambda_function_url``, ``awscc_lambda_url``)
opens the function it names (``arn:aws:lambda:*:*:function:<name>``), read here.

A database created (or replaced) publicly accessible from another's data -- a snapshot, a
read replica, a point in time, an S3 backup -- opens the source: an update of the source that
removes its protection (:mod:`._restored_sources`). A bucket policy (``aws_s3_bucket_policy``,
``awscc_s3_bucket_policy``) destroyed, or changed, without a Deny that kept everyone outside a
perimeter from reading opens its bucket (:func:`._public_values.perimeter_denies`).

The changed resource's own effect is marked as removing protection too. An opening decided
only on apply (``after_unknown``) yields an ``unknown`` effect on the store instead. An update
that keeps an opening the store already had opens nothing new. The Cloud Control provider's
``awscc_*`` types are read as the CloudFormation types they are (:mod:`._awscc`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import msgspec

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.stack_attached import native_names
from keyturn.understand.aws_names import resource_names, s3_bucket_names
from keyturn.understand.terraform._attached import ATTACHED, SELF, attached_effects
from keyturn.understand.terraform._awscc import OPENERS as AWSCC_OPENERS
from keyturn.understand.terraform._awscc import PARTLY_READ as AWSCC_PARTLY_READ
from keyturn.understand.terraform._awscc import READ_TYPES as AWSCC_READERS
from keyturn.understand.terraform._awscc import SOURCE_TYPES as AWSCC_SOURCES
from keyturn.understand.terraform._awscc import (
    access_changed_besides,
    as_policy_text,
    sources_opened,
)
from keyturn.understand.terraform._plan import decode_value
from keyturn.understand.terraform._public_values import (
    NEVER_UNKNOWN,
    READERS,
    Openings,
    perimeter_denies,
)
from keyturn.understand.terraform._restored_sources import SOURCE_TYPES, exposed_sources

__all__ = ["EXPOSURE_TYPES", "AfterUnknown", "exposure_effects"]

# What opens each store: these readers, and the policies held in a store's own values.
_READERS = READERS | SELF | AWSCC_READERS | {t: read for t, (read, _) in AWSCC_OPENERS.items()}
EXPOSURE_TYPES = frozenset(_READERS) | frozenset(ATTACHED)

# Types that open a store by their own settings (the rest open the store they apply to).
_SELF = frozenset(
    {"aws_s3_bucket", "aws_db_instance", "aws_rds_cluster_instance", "google_storage_bucket"}
    | {"aws_redshift_cluster"}
    | {"azurerm_storage_account", "azurerm_storage_container"}
    | SELF.keys()
    | AWSCC_READERS.keys()
)
# Types whose destroy opens the store: the block goes, the bucket is left unblocked.
_DESTROY_OPENS = frozenset(
    {"aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"}
)
# Function URLs: the attribute naming the function each opens.
_FUNCTION_URLS = {"aws_lambda_function_url": "function_name"} | {
    t: attr for t, (_, attr) in AWSCC_OPENERS.items()
}
_E = EffectKind


def exposure_effects(
    effects: list[Effect], *, resource_type: str, address: str, actions: tuple[str, ...],
    before: Any, after: Any, after_unknown: msgspec.Raw,
) -> list[Effect]:  # fmt: skip
    """``effects`` (the change's own first) with what opening a store adds: the own effect
    marked as removing protection, and an effect on the store opened."""
    old = before if isinstance(before, dict) else None
    new = after if isinstance(after, dict) else None
    unknown = AfterUnknown(after_unknown)  # decoded once, if at all
    found: list[tuple[str | None, tuple[str, ...], str]] = []  # (why or None, store, type)
    if resource_type in _GUARDED and old is not None:
        found += _guards_lost(resource_type, address, actions, old, new, unknown)
    if resource_type in ATTACHED:  # access put on a store that may already exist
        effects = attached_effects(effects, resource_type=resource_type, address=address,
                                   actions=actions, before=old, after=new,
                                   unknown=unknown)  # fmt: skip
        return _marked(effects, found, resource_type, address) if found else effects
    if resource_type in AWSCC_PARTLY_READ and actions == ("update",):
        held = access_changed_besides(resource_type, old, new, unknown)
        if held is not None:  # another attribute that governs access: not read, so held
            own = effects[0]
            effects = [*effects, _effect(own, _E.UNKNOWN, own.resource.names, resource_type,
                                         f"{address}: {held}", removes=False)]  # fmt: skip
    if resource_type in _SELF:
        if actions == ("update",) and old is not None and new is not None:
            opened = _newly_open(resource_type, old, new, unknown)
            aliases = _aliases(resource_type, new, old)
            found += [(why, *aliases) for why in opened]
        elif resource_type in SOURCE_TYPES and "create" in actions and new is not None:
            # Made public from another's data: that data is opened (``_restored_sources``).
            return _sources_opened(effects, address, new, old, unknown)
        elif resource_type in AWSCC_SOURCES and "create" in actions and new is not None:
            return sources_opened(resource_type, effects, new, unknown)
    else:
        if ("create" in actions or "update" in actions) and new is not None:
            was = old if actions == ("update",) else None
            opened = _newly_open(resource_type, was, new, unknown)
            store = _store(resource_type, address, new, old)
            found += [(why, *store) for why in opened]
        if "delete" in actions and old is not None and resource_type in _DESTROY_OPENS:
            store = _store(resource_type, address, old, None)
            found.append(("destroyed: the bucket is left unblocked", *store))
    if not found:
        return effects
    return _marked(effects, found, resource_type, address)


def _newly_open(
    resource_type: str, before: dict[str, Any] | None, after: dict[str, Any],
    unknown: AfterUnknown,
) -> list[str | None]:  # fmt: skip
    """The openings of ``after`` that ``before`` (the same object, for an update) did not
    have: why each opens, or None when it is decided only on apply."""
    read = _READERS[resource_type]
    now: Openings = read(after, unknown)
    if not now:
        return []
    was: Openings = read(before, NEVER_UNKNOWN) if before is not None else {}
    return [why for key, why in now.items() if was.get(key) is None]


class AfterUnknown:
    """Whether ``after_unknown`` marks a top-level attribute: decoded only when asked."""

    __slots__ = ("_decoded", "_raw")

    def __init__(self, raw: msgspec.Raw) -> None:
        self._raw = raw
        self._decoded: Any = None

    def __call__(self, attr: str) -> bool:
        return bool(self._values().get(attr))

    def within(self, attr: str) -> bool:
        """Whether anything in ``attr`` is known only on apply: a block with nothing unknown
        is marked ``[{}]``, which is no unknown."""
        return _any_true(self._values().get(attr))

    def _values(self) -> dict[str, Any]:
        if self._decoded is None:
            value = decode_value(self._raw)
            self._decoded = value if isinstance(value, dict) else {}
        decoded: dict[str, Any] = self._decoded
        return decoded


def _any_true(marks: Any, depth: int = 0) -> bool:
    if marks is True:
        return True
    if depth > 32:  # a plan's blocks nest a few levels; deeper is held as unknown
        return True
    if isinstance(marks, dict):
        return any(_any_true(v, depth + 1) for v in marks.values())
    if isinstance(marks, list):
        return any(_any_true(v, depth + 1) for v in marks)
    return False


def _sources_opened(
    effects: list[Effect], address: str, new: dict[str, Any], old: dict[str, Any] | None,
    unknown: AfterUnknown,
) -> list[Effect]:  # fmt: skip
    """A database created public from a snapshot, a replica, a point in time or an S3 backup:
    an update of the source removing its protection (``unknown`` where what decides is known
    only on apply), the change's own effect marked."""
    sources = exposed_sources(new, old, address=address, unknown=unknown,
                              unknown_within=unknown.within)  # fmt: skip
    if not sources:
        return effects
    own = effects[0]
    out = list(effects)
    known = [s.why for s in sources if s.known]
    if known:
        detail = "; ".join([own.detail, *(f"opened to the world: {w}" for w in known)])
        out[0] = replace(own, removes_protection=True, detail=detail)
    for source in sources:
        if source.known:
            detail = f"protection removed: {address}: publicly accessible, {source.why}"
        else:
            detail = f"{address}: {source.why}: it may open another database's data to anyone"
        kind = _E.UPDATE if source.known else _E.UNKNOWN
        out.append(_effect(own, kind, source.names, source.type, detail, removes=source.known))
    return out


# Types whose policy may hold Deny statements that keep the world out (``perimeter_denies``).
_GUARDED = frozenset({"aws_s3_bucket_policy", "aws_s3_bucket", "awscc_s3_bucket_policy"})


def _as_bucket_policy(values: dict[str, Any]) -> dict[str, Any]:
    """An ``awscc_s3_bucket_policy``'s values as the ``aws`` provider's: its
    ``policy_document`` (JSON text, or an object) as ``policy``."""
    return {"bucket": values.get("bucket"), "policy": as_policy_text(values.get("policy_document"))}


def _guards_lost(
    resource_type: str, address: str, actions: tuple[str, ...], old: dict[str, Any],
    new: dict[str, Any] | None, unknown: AfterUnknown,
) -> list[tuple[str | None, tuple[str, ...], str]]:  # fmt: skip
    """The perimeter Deny statements of a bucket policy that a change takes away: the policy
    destroyed, or updated or replaced without them. An ``aws_s3_bucket``'s inline policy only
    on update (its destroy takes the data with it). A new policy known only on apply is read
    as unknown already (:func:`._public_values._s3_policy`)."""
    if resource_type == "aws_s3_bucket" and actions != ("update",):
        return []
    document = "policy"
    if resource_type == "awscc_s3_bucket_policy":
        old, new = _as_bucket_policy(old), None if new is None else _as_bucket_policy(new)
        document = "policy_document"
    if "create" not in actions and actions != ("update",) and "delete" not in actions:
        return []  # forget, no-op, read: the policy stays as it is
    was = perimeter_denies(old)
    if not was:
        return []
    if new is not None and ("create" in actions or actions == ("update",)):
        if unknown(document):
            return []
        now = perimeter_denies(new)
    else:
        now = {}
    lost = [why for key, why in was.items() if key not in now]
    if not lost:
        return []
    if resource_type == "aws_s3_bucket":
        return [(why, (), resource_type) for why in lost]
    store = _store(resource_type, address, old, new)
    return [(why, *store) for why in lost]


def _marked(
    effects: list[Effect], found: list[tuple[str | None, tuple[str, ...], str]],
    resource_type: str, address: str,
) -> list[Effect]:  # fmt: skip
    own = effects[0]
    itself = resource_type in _SELF
    known = [why for why, _, _ in found if why is not None]
    out = list(effects)
    if known:
        detail = "; ".join([own.detail, *(f"opened to the world: {w}" for w in known)])
        out[0] = replace(own, removes_protection=True, detail=detail)
    reason = address
    # One effect per store and kind, however many ways the change opens it.
    grouped: dict[tuple[tuple[str, ...], str, bool], list[str]] = {}
    for why, store, store_type in found:
        if why is None:
            # Decided only on apply: held, on the store (and the resource, if it is the store).
            names = tuple(dict.fromkeys((*own.resource.names, *store))) if itself else store
            grouped.setdefault((names, store_type, False), [])
        elif store:
            grouped.setdefault((store, store_type, True), []).append(why)
    for (names, store_type, opened), whys in grouped.items():
        if opened:
            detail = f"protection removed: {reason}: " + "; ".join(whys)
        else:
            detail = f"{reason}: known only on apply: it may open the store to anyone"
        out.append(_effect(own, _E.UPDATE if opened else _E.UNKNOWN, names, store_type, detail,
                           removes=opened))  # fmt: skip
    return out


def _effect(
    own: Effect, kind: EffectKind, names: tuple[str, ...], rtype: str, detail: str, *,
    removes: bool,
) -> Effect:  # fmt: skip
    target: Target = own.target
    return Effect(
        kind, Resource(names, rtype), target, own.service, operation=own.operation,
        removes_protection=removes, detail=detail,
    )  # fmt: skip


def _store(
    resource_type: str, address: str, values: dict[str, Any], other: dict[str, Any] | None
) -> tuple[tuple[str, ...], str]:
    """The names and type of the store a resource applies to (read from ``values``, else from
    ``other``: a value known only on apply), as the plan names that store."""
    if resource_type == "aws_s3_account_public_access_block":
        return ("arn:aws:s3:::*", "s3://*"), "s3-bucket"
    if resource_type in _FUNCTION_URLS:
        function = _text(values, other, _FUNCTION_URLS[resource_type])
        if not function:
            return (f"{address} (function)",), "lambda-function"
        params = {"FunctionName": function, "Qualifier": _text(values, other, "qualifier")}
        call = ("lambda", "CreateFunctionUrlConfig", "FunctionName")
        native = native_names(call, {k: v for k, v in params.items() if v})
        return tuple(dict.fromkeys((*native, *resource_names("lambda:function", function),
                                    function))), "lambda-function"  # fmt: skip
    if resource_type == "aws_ami_launch_permission":
        image = _text(values, other, "image_id")
        if not image:
            return (f"{address} (image)",), "aws_ami"
        return (f"arn:aws:ec2:*::image/{image}", image), "aws_ami"  # as aws_ami is named
    bucket = _text(values, other, "bucket")
    names: tuple[str, ...]
    if resource_type.startswith("google_"):
        bucket = bucket.removeprefix("b/")
        names = (bucket, f"gs://{bucket}") if bucket else (f"{address} (bucket)",)
        return names, "google_storage_bucket"
    names = (*s3_bucket_names(bucket), bucket) if bucket else (f"{address} (bucket)",)
    return names, "s3-bucket"


def _aliases(
    resource_type: str, values: dict[str, Any], other: dict[str, Any]
) -> tuple[tuple[str, ...], str]:
    """The names the ``gcloud``/``az`` command lines give a store that opens itself, when they
    differ from the plan's (``()``: the plan's own names are all)."""
    if resource_type == "google_storage_bucket":
        name = _text(values, other, "name")
        return ((f"gs://{name}",) if name else ()), resource_type
    if resource_type == "azurerm_storage_account":
        name = _text(values, other, "name")
        return ((f"azure:storage/account/{name}",) if name else ()), resource_type
    if resource_type == "azurerm_storage_container":
        name = _text(values, other, "name")
        account = (
            _text(values, other, "storage_account_name")
            or _text(values, other, "storage_account_id").rsplit("/", 1)[-1]
        )
        if not (name and account):
            return (), resource_type
        return (f"azure:storage/{account}/{name}", f"azure:storage/{account}/{name}/*"), (
            resource_type
        )
    return (), resource_type


def _text(values: dict[str, Any], other: dict[str, Any] | None, attr: str) -> str:
    value = values.get(attr)
    if (not isinstance(value, str) or not value) and other is not None:
        value = other.get(attr)
    return value if isinstance(value, str) else ""
