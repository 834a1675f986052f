"""Stores that already exist a stack template's resource opens by attaching access to them.

:mod:`.cloud_control_attached` lists the CloudFormation types that are not stores of their own
but a policy or a permission put on one (a topic's or a queue's policy, a Lambda permission, an
event bus's statement, a secret's policy, an access point...). In a template at hand
(``CreateStack``, ``UpdateStack``, ``aws cloudformation deploy``, ``UpdateStackSet``) such a
resource letting anyone in opens the stores its properties name, which may be older than the
stack: an ``update`` of them that removes their protection (:mod:`.stack_exposure`), named as
the service's own call that sets such access names them (:func:`native_names`), as a Cloud
Control create of the type is (:mod:`.cloud_control_openings`).

A store property that is a ``!Ref``/``!GetAtt`` of a resource of the template names that
resource (its physical name when the template gives one, else ``cfn:<stack>/<LogicalId>``);
another value is read as :mod:`.stack_updates` reads names, a part not known being ``*`` (which
a protected pattern's reach sees). What decides the opening is read with the template's
functions resolved the same way: a value not known counts as ``*``, so as letting anyone in (an
attribute, ``!GetAtt``, never is: a role's ARN). An Object Lambda or Multi-Region access
point's policy opens buckets the template does not name: ``unknown`` on every bucket.

:func:`native_names` is shared with Terraform plans (:mod:`keyturn.understand.terraform._attached`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from keyturn.errors import InputError
from keyturn.model import Target
from keyturn.understand.aws.call_hints import call_target, where_of
from keyturn.understand.aws.cloud_control_attached import (
    ACCESS_POINT,
    AOSS_ACCESS,
    ATTACHING,
    logs_stores,
    native_params,
)
from keyturn.understand.aws_names import s3_bucket_names

__all__ = ["EVERY_BUCKET", "Attached", "attached_store", "native_names"]

EVERY_BUCKET = ("arn:aws:s3:::*", "s3://*")
_ANOTHER_NAME = "gives the bucket another name (an access point) its protection does not cover"
_NO_TARGET = Target()


class Attached(NamedTuple):
    """The stores a template's resource opens: their names, why, and whether the opening is
    known (``False``: the stores are not named, every one of the kind is held as ``unknown``)."""

    names: tuple[str, ...]
    why: str
    known: bool


def native_names(
    call: tuple[str, str, str], params: Mapping[str, Any], target: Target = _NO_TARGET
) -> tuple[str, ...]:
    """The names the service's own call (``call``: service, operation, parameter) gives the
    store of ``params``: ``()`` when the service's model does not take them. A qualified
    Lambda function is named by its function too; an S3 bucket by its ARN and ``s3://``
    name (an Outposts bucket's ARN as it is)."""
    from keyturn.understand.aws.call_resources import resources_of
    from keyturn.understand.aws.resolved_call import resolve_call

    service, operation, member = call
    value = params.get(member)
    if service == "s3" and isinstance(value, str):
        return (value,) if value.startswith("arn:") else s3_bucket_names(value)
    try:
        native = resolve_call(service, operation, params)
    except InputError:  # a value the service's model does not take: nothing named by it
        return ()
    named, _ = resources_of(native, where_of(call_target(native, target)))
    names = [n for r in named for n in r.names]
    if service == "lambda":
        # ``function:NAME:QUALIFIER``: its function's policy holds the permission.
        names += [":".join(p[:7]) for p in (n.split(":") for n in names)
                  if len(p) == 8 and p[5] == "function"]  # fmt: skip
    return tuple(dict.fromkeys(names))


def attached_store(
    rtype: str, properties: Any, listed: Mapping[str, tuple[str, ...]],
    resolve: Callable[[Any], str],
) -> Attached | None:  # fmt: skip
    """The stores a template's ``rtype`` resource with ``properties`` opens to the world, or
    None (another type, or one that keeps them closed). ``listed``: the names of each of the
    template's resources by logical id; ``resolve``: a template value's text (``*`` for a part
    not known)."""
    attaching = ATTACHING.get(rtype)
    if attaching is None or not isinstance(properties, Mapping):
        return None
    state = _resolved(properties, resolve)
    why = attaching.opens(state) if isinstance(state, Mapping) else None
    if rtype == ACCESS_POINT:
        why = f"{_ANOTHER_NAME}; opened to the world: {why}" if why else _ANOTHER_NAME
    elif why is None:
        return None
    else:
        why = f"{rtype} opens it to the world: {why}"
    if not attaching.call[0]:
        # The buckets behind an Object Lambda or Multi-Region access point: not in the template.
        point = _object_lambda_point(properties.get("ObjectLambdaAccessPoint"), listed, resolve)
        return Attached((*point, *EVERY_BUCKET), f"{why}: any bucket may be opened", known=False)
    if rtype == "AWS::Logs::ResourcePolicy":
        stores = logs_stores(state.get("PolicyDocument"), "arn:aws:logs:*:*:log-group:*")
        return Attached(tuple(stores), why, known=True)
    given = properties.get(attaching.stores, attaching.default or None)
    names: list[str] = []
    for store in given if isinstance(given, list) else [given]:
        names += _named(store, listed, resolve, rtype)
    if not names:  # a store not named: CloudFormation refuses it, or any one may be meant
        names = [n.format(region="*", account="*") for n in attaching.every]
    return Attached(tuple(dict.fromkeys(names)), why, known=True)


def _named(
    value: Any, listed: Mapping[str, tuple[str, ...]], resolve: Callable[[Any], str], rtype: str
) -> tuple[str, ...]:
    """A store property's store: a resource of the template it refers to, or its text named as
    the service's call names it (and as given)."""
    ref = _reference(value)
    if ref is not None and ref in listed:
        return listed[ref]
    text = value if isinstance(value, str) else resolve(value)
    if not text:
        return ()
    named = native_names(ATTACHING[rtype].call, native_params(rtype, text))
    if rtype == AOSS_ACCESS:
        return named  # the text is the policy naming the collections, not a store's name
    return tuple(dict.fromkeys((*named, text)))


def _object_lambda_point(
    value: Any, listed: Mapping[str, tuple[str, ...]], resolve: Callable[[Any], str]
) -> tuple[str, ...]:
    """An Object Lambda access point (``ObjectLambdaAccessPoint``: its name), by its ARN."""
    ref = _reference(value)
    if ref is not None and ref in listed:
        return listed[ref]
    text = value if isinstance(value, str) else resolve(value) if value is not None else ""
    if not text or text.startswith("arn:"):
        return (text,) if text else ()
    return (f"arn:aws:s3-object-lambda:*:*:accesspoint/{text}",)


def _reference(value: Any) -> str | None:
    """The logical id a ``!Ref`` or ``!GetAtt`` refers to, or None."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((function, argument),) = value.items()
    if function == "Ref" and isinstance(argument, str):
        return argument
    if function == "Fn::GetAtt":
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            return argument[0]
        if isinstance(argument, str):
            return argument.split(".", 1)[0]
    return None


def _resolved(value: Any, resolve: Callable[[Any], str], depth: int = 0) -> Any:
    """``value`` with each template function replaced by its text: a part not known makes it
    ``*`` (it may be anyone), an attribute (``!GetAtt``) a name that is nobody's ``*``."""
    if depth > 64:
        return "*"  # nested past reading: held as anyone
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Fn::GetAtt":
                return f"GetAtt {argument}"
            if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
                text = resolve(value)
                return "*" if "*" in text else text
        return {k: _resolved(v, resolve, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, resolve, depth + 1) for v in value]
    return value
