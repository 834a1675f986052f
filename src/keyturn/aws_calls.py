"""An AWS call as the boto3 guard keeps it: its parameters as given, made JSON-safe, and the
action keyturn understands it as (a presigned URL or POST said so and bound into the digest).

Separate from :mod:`keyturn.aws`, which installs the guard on botocore's events and judges:
this is what is judged, read from botocore's operation model and parameters.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from keyturn.model import Action, Target


@dataclass(frozen=True, slots=True)
class _Call:
    """One call as its parameters were given (JSON-safe; a streamed body by size and hash)."""

    service: str
    operation: str
    params: dict[str, Any]

    def action(self, target: Target, context: Mapping[str, Any]) -> Action:
        from keyturn.understand.aws import understand_aws

        operation, params = self.operation, self.params
        if not context.get("is_presign_request"):
            return understand_aws(self.service, operation, params, target=target)
        # A presigned request is made now and sent later by whoever holds it: said so, and
        # bound into the digest (an approval of the call is not one of a bearer URL for it).
        presigned, note = "url", "a presigned URL: whoever holds it may make this call"
        fields = context.get("s3-presign-post-fields")
        if isinstance(fields, Mapping):
            # botocore builds a presigned POST with CreateBucket's model; the form it signs
            # uploads the object its ``key`` field names (any under a ``${filename}`` one).
            operation, params = "PutObject", {**params, "Key": _post_key(fields.get("key"))}
            presigned, note = "post", "a presigned POST: whoever holds it may upload this"
        action = understand_aws(self.service, operation, params, target=target)
        return dataclasses.replace(
            action,
            summary=f"{action.summary} ({note})",
            subject={**action.subject, "presigned": presigned},
        )


def _post_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError("a presigned POST without the key it uploads")
    marker = "${filename}"
    return key[: -len(marker)] + "*" if key.endswith(marker) else key


def _given_call(params: Mapping[str, Any], model: Any) -> _Call:
    """The call as given, JSON-safe: a body given as a stream (botocore turns an S3 upload's
    bytes into one) is kept as its size and SHA-256, what a grant binds to."""
    from keyturn.understand.aws.calls import json_safe

    service = model.service_model.service_id.hyphenize()
    shape = model.input_shape
    members = shape.members if shape is not None else {}
    given = {}
    for name, value in params.items():
        member = members.get(name)
        if member is not None and member.type_name == "blob" and hasattr(value, "read"):
            value = _stream_digest(value)
        given[name] = value
    safe = json_safe(given, where=f"{service}:{model.name}")
    return _Call(service=service, operation=model.name, params=safe)


def _stream_digest(stream: Any) -> dict[str, Any]:
    """``{"$stream": {bytes, sha256}}`` of a seekable stream, read and put back where it was;
    a stream that cannot be put back is not read (it is the body botocore sends)."""
    seekable = getattr(stream, "seekable", None)
    can_seek = seekable() if callable(seekable) else hasattr(stream, "seek")
    if not can_seek or not hasattr(stream, "tell"):
        return {"$stream": "not seekable: its content is not known"}
    start = stream.tell()
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(1 << 20):
        data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
        digest.update(data)
        size += len(data)
    stream.seek(start)
    return {"$stream": {"bytes": size, "sha256": digest.hexdigest()}}


def _operation(model: Any) -> str:
    try:
        return f"{model.service_model.service_id.hyphenize()}:{model.name}"
    except AttributeError:
        return "the AWS call"
