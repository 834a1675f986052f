"""AWS Tools' S3 transfer cmdlets, for :mod:`._powershell_cloud`: each is no one API operation
but a transfer between S3 and the local disk (the AWS Tools cmdlet reference):

- ``Read-S3Object -BucketName B -Key K -File F`` downloads one object to ``F`` (written over
  when it exists); ``-KeyPrefix P -Folder D`` downloads every object under ``P`` into ``D``;
- ``Write-S3Object -BucketName B -Key K -File F`` uploads ``F`` (the key defaults to the file's
  name), ``-Content`` uploads text, ``-Folder D -KeyPrefix P`` uploads a folder's files under
  ``P``: the objects are written over;
- ``Copy-S3Object`` copies an object to another key or bucket (``-DestinationBucket``,
  ``-DestinationKey``), or downloads it (``-LocalFile F``; ``-KeyPrefix P -LocalFolder D``).

The S3 side is given as the ``aws s3api`` line making the same call (``get-object``,
``put-object``, ``copy-object``, a prefix named ``P*``), with the ``--acl`` that
``-CannedACLName``, ``-PublicReadOnly`` or ``-PublicReadWrite`` give an upload or a copy in S3
(:mod:`._powershell_aws_acl`: a public one opens what is written to anyone); the local side as
files read or written, named by :mod:`.windows`. A parameter not listed here is not carried
over (the call is then also ``unknown``); a form not listed is left to the general reading
(``unknown``).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from keyturn.understand.shell.commands._powershell_aws_acl import acl_of
from keyturn.understand.shell.commands._powershell_values import value_items

# A value the text decides at run time (the same spelling as :mod:`._powershell_aws`'s).
_RUN_TIME = '"$__keyturn_powershell_value"'
# Parameters of these cmdlets that change nothing of what is read or written.
_QUIET = frozenset({"force", "passthru", "recurse", "searchpattern", "contenttype"})
_QUIET |= {"modifiedsincedate", "unmodifiedsincedate", "storageclass", "select"}


@dataclass
class Transfer:
    """The S3 calls of a transfer (``aws s3api ...`` words after ``aws``), the local files it
    reads or writes (``(path, written, tree)``), and the parameters not carried over."""

    calls: list[str] = field(default_factory=list)
    local: list[tuple[str, bool, bool]] = field(default_factory=list)
    untold: list[str] = field(default_factory=list)


def s3_transfer(verb: str, noun: str, named: dict[str, str]) -> Transfer | None:
    """The transfer ``Verb-S3Noun`` makes; ``None`` when it is no transfer cmdlet or form."""
    if noun.lower() != "object" or verb not in ("read", "write", "copy"):
        return None
    given = dict(named)
    take = given.pop
    bucket = _one(take("bucketname", None))
    transfer = Transfer()
    if verb == "read" and ("file" in given or "folder" in given):
        key, path = _one(take("key", None)), take("file", None)
        if path is None:
            key, path = _prefix(take("keyprefix", None)), take("folder")
        transfer.calls.append(_get(bucket, key, take("versionid", None)))
        transfer.local.append((path, True, "file" not in named))
    elif verb == "write" and ("file" in given or "folder" in given or "content" in given):
        written = _one(take("key", None)) if "key" in given else None
        if "folder" in given:
            written = _prefix(take("keyprefix", None))
            transfer.local.append((take("folder"), False, True))
        elif "file" in given:
            path = take("file")
            written = written or _one(path.replace("\\", "/").rsplit("/", 1)[-1])
            transfer.local.append((path, False, False))
        else:
            take("content")
        put = f"s3api put-object --bucket {bucket} --key {written or _RUN_TIME}"
        transfer.calls += _with_acls(put, given)
    elif verb == "copy" and ("localfile" in given or "localfolder" in given):
        key, path = _one(take("key", None)), take("localfile", None)
        if path is None:
            key, path = _prefix(take("keyprefix", None)), take("localfolder")
        transfer.calls.append(_get(bucket, key, take("versionid", None)))
        transfer.local.append((path, True, "localfile" not in named))
    elif verb == "copy" and ("destinationbucket" in given or "destinationkey" in given):
        key = _one(take("key", None))
        target = _one(take("destinationbucket", None)) if "destinationbucket" in given else bucket
        new_key = _one(take("destinationkey", None)) if "destinationkey" in given else key
        source = _RUN_TIME if _RUN_TIME in (bucket, key) else shlex.quote(f"{bucket}/{key}")
        copy = f"s3api copy-object --bucket {target} --key {new_key} --copy-source {source}"
        transfer.calls += _with_acls(copy, given)
    else:
        return None
    transfer.untold = [f"-{k}" for k in given if k not in _QUIET]
    return transfer


def _with_acls(line: str, given: dict[str, str]) -> list[str]:
    """``line`` with each canned ACL the ACL parameters (taken out of ``given``) give it: one
    line for each, so that every one is judged."""
    acls: list[str] = []
    for key in list(given):
        # ``-ACL`` is no parameter of these cmdlets (it is of ``Set-S3ObjectACL``): left untold.
        found = acl_of(key, given[key]) if key != "acl" else None
        if found is not None:
            del given[key]
            acls += found
    return [f"{line} --acl {shlex.quote(acl)}" for acl in dict.fromkeys(acls)] or [line]


def _get(bucket: str, key: str, version: str | None) -> str:
    line = f"s3api get-object --bucket {bucket} --key {key}"
    return line + (f" --version-id {_one(version)}" if version is not None else "")


def _one(raw: str | None) -> str:
    """One constant value, quoted for the line; else one decided at run time."""
    items = value_items(raw) if raw is not None else None
    return shlex.quote(items[0]) if items is not None and len(items) == 1 else _RUN_TIME


def _prefix(raw: str | None) -> str:
    """The objects under a key prefix (all of the bucket without one)."""
    if raw is None:
        return shlex.quote("*")
    items = value_items(raw)
    return shlex.quote(items[0] + "*") if items is not None and len(items) == 1 else _RUN_TIME
