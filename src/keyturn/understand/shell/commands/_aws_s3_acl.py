"""The access ``aws s3 cp|mv|sync`` give the objects they write to S3, for :mod:`._aws_s3_cli`.

awscli's ``customizations/s3`` (``RequestParamsMapper._set_general_object_params``) passes
``--acl`` on as the ``ACL`` of every ``PutObject``, ``CopyObject`` and ``CreateMultipartUpload``
it makes, and each ``--grants PERMISSION=GRANTEE`` as ``GrantRead`` (``read``),
``GrantReadACP`` (``readacl``), ``GrantWriteACP`` (``writeacl``) or ``GrantFullControl``
(``full``), with ``GRANTEE`` as written (``uri=http://acs.amazonaws.com/groups/global/AllUsers``);
a download (``GetObject``) takes neither. A public canned ACL or a grant to the ``AllUsers`` or
``AuthenticatedUsers`` group opens the objects written to anyone, judged by the same check as
those API calls (:func:`keyturn.understand.aws.public_exposure.exposure`); an ACL or grant
decided at run time may, and is judged as if it did (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# ``--grants`` permissions and the request members the CLI turns them into.
_GRANT_MEMBERS = {
    "read": "GrantRead",
    "readacl": "GrantReadACP",
    "writeacl": "GrantWriteACP",
    "full": "GrantFullControl",
}


@dataclass(frozen=True, slots=True)
class OptionValue:
    """One value given to an option, and whether the shell decides it at run time."""

    text: str
    run_time: bool = False


def opened_to_anyone(values: Mapping[str, Sequence[OptionValue]]) -> str | None:
    """Why the ``--acl``/``--grants`` values open the objects written to anyone, or None."""
    for value in values.get("--acl", ()):
        if value.run_time:
            return "--acl decided at run time: may open the objects written to anyone"
        why = _exposure({"ACL": value.text})
        if why is not None:
            return why
    for value in values.get("--grants", ()):
        if value.run_time:
            return "--grants decided at run time: may open the objects written to anyone"
        permission, eq, grantee = value.text.partition("=")
        member = _GRANT_MEMBERS.get(permission)
        # Another permission: the CLI refuses the command before it writes anything.
        why = _exposure({member: grantee}) if eq and member is not None else None
        if why is not None:
            return why
    return None


def _exposure(params: dict[str, str]) -> str | None:
    """The API check of a ``PutObject`` given ``params``: what the CLI sends for each object."""
    from keyturn.understand.aws.public_exposure import exposure
    from keyturn.understand.aws.resolved_call import resolve_call

    call = resolve_call("s3", "PutObject", {"Bucket": "bucket", "Key": "key", **params})
    return exposure(call)
