"""AWS Tools for PowerShell cmdlets read as the ``aws`` command line that makes the same call.

Each cmdlet calls one API operation (AWS Tools user guide, "Cmdlet discovery and aliases": "in
most cases, a one-to-one correspondence between an AWS service API and an AWS PowerShell
cmdlet"); its noun starts with the service's prefix (``S3``, ``EC2``, ``RDS``, ``DDB`` for
DynamoDB, ``IAM``, ``CFN`` for CloudFormation, ``LM`` for Lambda ...) and its verb stands for the
operation's (``Remove`` for ``Delete``/``Terminate``/``Release``, ``Edit`` for ``Modify``, ``Get``
for ``Describe``/``List``/``Get`` ...). The operation is found in botocore's model of the service
from the verb and noun (every operation the verb may stand for is judged), the parameters are
the request's members by name (``-BucketName`` is S3's ``Bucket``), and the line is judged by the
shell's own understanding of ``aws`` (:mod:`.aws_cli`): profile, region, protection, all alike.
``-ProfileName``/``-Region`` and an earlier ``Set-AWSCredential``/``Set-DefaultAWSRegion`` in
the text are the CLI's ``--profile``/``--region``. A parameter that is not a member, or a
cmdlet whose operation is not found, makes the call ``unknown`` on the service. S3's ACL
parameters (``-CannedACLName``, ``-PublicReadOnly``..., and the ACL a ``-HeaderCollection`` or
a ``-Grant`` sends) and the flattened public access block settings are read as
:mod:`._powershell_aws_acl` says; ``S3C`` is S3 Control's prefix
(``Add-S3CPublicAccessBlock``), taken when the operation is found there.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from keyturn.understand.shell.commands._powershell_aws_acl import (
    acl_parameters,
    carried_acls,
    flattened,
    is_acl_switch,
)
from keyturn.understand.shell.commands._powershell_s3_files import s3_transfer
from keyturn.understand.shell.commands._powershell_values import MAX_READINGS, value_items

# A value the text decides at run time, passed on as a shell variable no environment holds:
# the ``aws`` understanding then names the resource as decided at run time.
RUN_TIME = '"$__keyturn_powershell_value"'

# The AWS Tools noun prefixes of the services most used, and botocore's service names.
PREFIXES = {
    "S3": "s3",
    "S3C": "s3control",
    "EC2": "ec2",
    "RDS": "rds",
    "DDB": "dynamodb",
    "IAM": "iam",
    "CFN": "cloudformation",
    "LM": "lambda",
    "ECS": "ecs",
    "EKS": "eks",
    "ECR": "ecr",
    "SNS": "sns",
    "SQS": "sqs",
    "KMS": "kms",
    "SEC": "secretsmanager",
    "SSM": "ssm",
    "CW": "cloudwatch",
    "CWL": "logs",
    "R53": "route53",
    "ELB2": "elbv2",
    "AS": "autoscaling",
    "CT": "cloudtrail",
    "EC": "elasticache",
    "RS": "redshift",
    "KIN": "kinesis",
    "SFN": "stepfunctions",
    "GLUE": "glue",
    "EFS": "efs",
    "BAK": "backup",
    "CF": "cloudfront",
    "ORG": "organizations",
    "CGIP": "cognito-idp",
    "EMR": "emr",
    "CB": "codebuild",
    "CC": "codecommit",
    "CP": "codepipeline",
    "ACM": "acm",
    "EVB": "events",
    "DOC": "docdb",
    "NPT": "neptune",
    "OS": "opensearch",
    "SM": "sagemaker",
}
# The API verbs each PowerShell verb stands for.
_VERBS = {
    "remove": ("Delete", "Terminate", "Release", "Remove"),
    "clear": ("Purge", "Clear"),
    "stop": ("Stop", "Cancel"),
    "reset": ("Reset",),
    "disable": ("Disable",),
    "unregister": ("Deregister", "Disassociate"),
    "dismount": ("Detach",),
    "edit": ("Modify", "Update"),
    "update": ("Update",),
    "write": ("Put", "Upload"),
    "new": ("Create", "Run", "Allocate"),
    "get": ("Describe", "List", "Get"),
    "set": ("Set", "Put"),
    "start": ("Start",),
    "restart": ("Reboot",),
    "enable": ("Enable",),
    "register": ("Register", "Associate"),
    "add": ("Attach", "Add"),
    "revoke": ("Revoke",),
    "grant": ("Authorize",),
    "restore": ("Restore",),
    "invoke": ("Invoke",),
    "send": ("Send",),
    "publish": ("Publish",),
}
# Parameters every AWS Tools cmdlet takes that are no request member: where the call goes, and
# how the cmdlet behaves.
_TARGET = {"profilename": "--profile", "region": "--region"}
_SWITCHES = frozenset({"force", "passthru", "whatif", "confirm", "verbose", "debug"})
_VALUED_COMMON = frozenset(
    {"select", "erroraction", "ea", "errorvariable", "ev", "outvariable", "ov", "warningaction"}
)
# Parameters that name the account the call acts in some way keyturn does not read.
_ELSEWHERE = frozenset(
    {"credential", "accesskey", "secretkey", "sessiontoken", "profilelocation", "endpointurl"}
    | {"networkcredential", "clientconfig"}
)
# Renamed members (service, parameter -> member).
_RENAMES = {("s3", "bucketname"): "Bucket"}


@dataclass
class AwsSession:
    """What earlier statements of the text set for every later cmdlet: the profile and region
    (``None``: the defaults; :data:`RUN_TIME`: decided at run time)."""

    profile: str | None = None
    region: str | None = None
    elsewhere: list[str] = field(default_factory=list)

    def set_by(self, name: str, named: dict[str, str]) -> bool:
        """Take in ``Set-AWSCredential``/``Initialize-AWSDefaultConfiguration``/
        ``Set-DefaultAWSRegion``; whether ``name`` is one of them."""
        if name in ("set-awscredential", "set-awscredentials", "initialize-awsdefaults"):
            name = "initialize-awsdefaultconfiguration"
        if name == "initialize-awsdefaultconfiguration":
            self.profile = named.get("profilename", self.profile)
            self.region = named.get("region", self.region)
            self.elsewhere += [k for k in named if k in _ELSEWHERE]
            return True
        if name in ("set-defaultawsregion", "set-awsdefaultregion"):
            self.region = named.get("region") or named.get("", self.region)
            return True
        return False


def service_of(cmdlet: str) -> tuple[str, str, str] | None:
    """``(verb, service, noun)`` of an AWS Tools cmdlet name (``Remove-EC2Instance`` ->
    ``remove``, ``ec2``, ``Instance``); the prefix is matched in capitals as written, or, for
    a name typed in lower case, when the operation is found."""
    verb, dash, noun = cmdlet.partition("-")
    if not dash or not noun:
        return None
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if noun.upper().startswith(prefix) and len(noun) > len(prefix):
            rest = noun[len(prefix) :]
            if prefix in _FOUND_ONLY and not _found(verb.lower(), PREFIXES[prefix], rest):
                continue  # ``Get-S3CORSConfiguration`` is S3's, not S3 Control's
            exact = noun.startswith(prefix) and (rest[0].isupper() or rest[0].isdigit())
            if exact or (noun.islower() and _found(verb.lower(), PREFIXES[prefix], rest)):
                return verb.lower(), PREFIXES[prefix], rest
    return None


# Prefixes that start another one's nouns: taken only when the operation is found under them.
_FOUND_ONLY = frozenset({"S3C"})


def _found(verb: str, service: str, noun: str) -> bool:
    return bool(_special(verb, service, noun, {}) or operations(verb, service, noun))


def operations(verb: str, service: str, noun: str) -> list[str]:
    """The operations of ``service`` that ``verb-noun`` may call (botocore's names)."""
    from keyturn.understand.aws.catalog import service_model

    names = {op.lower(): op for op in service_model(service).operation_names}
    nouns = [noun, noun + "s", noun + "es", noun[:-1] + "ies" if noun.endswith("y") else noun]
    found = [
        names[f"{api}{n}".lower()]
        for api in _VERBS.get(verb, ())
        for n in dict.fromkeys(nouns)
        if f"{api}{n}".lower() in names
    ]
    return list(dict.fromkeys(found))


def parameters(args: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """A cmdlet's named values (lower-cased name -> value; a switch's value is ``$true``) and
    positional words."""
    named: dict[str, str] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if len(word) > 1 and word.startswith("-") and not word[1].isdigit():
            given, colon, inline = word[1:].partition(":")
            nxt = args[i + 1] if i + 1 < len(args) else None
            if colon:
                named[given.lower()] = inline
            elif _takes_no_value(given.lower()) or nxt is None or _is_name(nxt):
                named[given.lower()] = "$true"
            else:
                end = _table_end(args, i + 1)
                named[given.lower()] = " ".join(args[i + 1 : end])
                i = end - 1
        else:
            positional.append(word)
        i += 1
    return named, positional


def _table_end(args: Sequence[str], start: int) -> int:
    """Where the value word at ``start`` ends: a hashtable written with spaces
    (``@{ 'x-amz-acl' = 'public-read' }``) reaches here as several words, all of one value
    (else the rest would be read as positional words, and what the table sets lost)."""
    if not args[start].startswith("@{"):
        return start + 1
    depth = 0
    for end in range(start, len(args)):
        depth += args[end].count("{") - args[end].count("}")
        if depth <= 0:
            return end + 1
    return len(args)


def _takes_no_value(name: str) -> bool:
    """A switch: whatever word follows it is no value of it."""
    return name in _SWITCHES or is_acl_switch(name)


def _is_name(word: str) -> bool:
    return len(word) > 1 and word.startswith("-") and not word[1].isdigit()


def aws_lines(
    cmdlet: str, args: Sequence[str], session: AwsSession
) -> tuple[list[str], list[str], list[tuple[str, bool, bool]]] | None:
    """The ``aws`` command lines ``cmdlet ARGS`` makes the calls of, what keyturn could not
    carry over (parameters, credentials), and the local files it reads or writes (S3's
    transfers: :mod:`._powershell_s3_files`); ``None``: no AWS Tools cmdlet."""
    found = service_of(cmdlet)
    if found is None:
        return None
    verb, service, noun = found
    named, positional = parameters(args)
    if service == "s3":
        named = carried_acls(named)  # an ACL sent as a header or a grant object
    head = ["aws"]
    untold = [f"-{k}" for k in named if k in _ELSEWHERE] + session.elsewhere
    for key, flag in _TARGET.items():
        value = named.get(key) or (session.profile if key == "profilename" else session.region)
        if value is not None:
            head += [flag, RUN_TIME if value == RUN_TIME or "$" in value else shlex.quote(value)]
    transfer = s3_transfer(verb, noun, named) if service == "s3" and not positional else None
    if transfer is not None:
        lines = [" ".join([*head, call]) for call in transfer.calls]
        return lines, list(dict.fromkeys(untold + transfer.untold)), transfer.local
    ops = _special(verb, service, noun, named) or operations(verb, service, noun)
    if not ops:
        # Not found: the service's ``unknown``, placed by the profile as any ``aws`` call is.
        return [" ".join([*head, service, shlex.quote(cmdlet)])], untold, []
    lines = []
    for op in ops:
        cli = "s3api" if service == "s3" else service
        if op.startswith("aws "):
            cli, op = op.split()[1], op.split()[2]
        readings, missing = _arguments(service, op, named, positional)
        lines += [" ".join([*head, cli, _kebab(op), *words]) for words in readings]
        untold += missing
    return lines, list(dict.fromkeys(untold)), []


def _special(verb: str, service: str, noun: str, named: dict[str, str]) -> list[str]:
    """S3's cmdlets that are no one operation: ``Remove-S3Bucket -DeleteBucketContent`` empties
    the bucket first (the CLI's ``s3 rb --force``), ``Remove-S3Object`` without one ``-Key``
    deletes many objects (judged as every object of the bucket; with one, ``DeleteObject``),
    ``Get-S3Object`` lists; and those whose verb stands for no API verb of theirs:
    ``Set-S3ACL`` sets an object's ACL with ``-Key`` (``PutObjectAcl``), else the bucket's
    (``PutBucketAcl``); ``Add-S3PublicAccessBlock``/``Add-S3CPublicAccessBlock`` call
    ``PutPublicAccessBlock``."""
    noun = noun.lower()
    if verb == "add" and noun == "publicaccessblock" and service in ("s3", "s3control"):
        return ["PutPublicAccessBlock"]
    if service != "s3":
        return []
    if verb == "set" and noun == "acl":
        return ["PutObjectAcl"] if "key" in named else ["PutBucketAcl"]
    if verb == "remove" and noun == "bucket" and "deletebucketcontent" in named:
        return ["aws s3 rb"]
    if verb == "remove" and noun == "object":
        return ["DeleteObject"] if "key" in named else ["aws s3 rm"]
    if verb == "get" and noun == "object":
        return ["ListObjectsV2"]
    if verb == "get" and noun == "bucket" and "bucketname" not in named:
        return ["ListBuckets"]
    return []


def _arguments(
    service: str, op: str, named: dict[str, str], positional: list[str]
) -> tuple[list[list[str]], list[str]]:
    """The CLI words for the cmdlet's parameters, one list for each reading of their values
    (``-BucketName a,b``: the call on each), and the parameters not carried over."""
    if op in ("rb", "rm"):
        bucket = named.get("bucketname") or (positional[:1] or [""])[0]
        values = value_items(bucket) if bucket else None
        urls = [RUN_TIME] if not values else [shlex.quote(f"s3://{v}") for v in values]
        return [[url, "--force" if op == "rb" else "--recursive"] for url in urls], []
    from keyturn.understand.aws.catalog import operation_model

    members = operation_model(service, op).input_shape.members
    by_name = {m.lower(): m for m in members}
    missing: list[str] = []
    given, made = flattened(service, acl_parameters(named) if service == "s3" else named, members)
    free = [m for m in operation_model(service, op).input_shape.required_members if m not in made]
    for key in list(given):
        member = _RENAMES.get((service, key)) or by_name.get(key) or by_name.get(key + "s")
        if member is not None and member in free:
            free.remove(member)
    if positional and len(free) == 1:
        # The cmdlet's first positional parameter is the call's one identifying member.
        given[free[0].lower()] = ",".join(positional)
        positional = []
    missing += positional
    readings: list[list[str]] = [[]]
    for member, text in made.items():
        document = shlex.quote(text) if text else RUN_TIME
        readings = [[*words, "--" + _kebab(member), document] for words in readings]
    for key, raw in given.items():
        if key in _TARGET or key in _SWITCHES or key in _VALUED_COMMON or key in _ELSEWHERE:
            continue
        member = _RENAMES.get((service, key)) or by_name.get(key) or by_name.get(key + "s")
        if member is None or member not in members or key == "force":
            missing.append(f"-{key}")
            continue
        choices = _member_words(member, members[member].type_name, raw)
        if len(readings) * len(choices) > MAX_READINGS:
            choices = [[choices[0][0], RUN_TIME]]
        readings = [words + more for words in readings for more in choices]
    return readings, missing


def _member_words(member: str, kind: str, raw: str) -> list[list[str]]:
    """The CLI words of one member, one list for each reading of its value: a list member
    takes every item at once, any other one item at a time."""
    flag = "--" + _kebab(member)
    if kind == "boolean":
        value = raw.strip().lower()
        if value in ("$true", "1", "true"):
            return [[flag]]
        if value in ("$false", "0", "false"):
            return [["--no-" + _kebab(member)]]
        return [[flag, RUN_TIME]]
    values = value_items(raw)
    if values is None:
        return [[flag, RUN_TIME]]
    if kind == "list":
        return [[flag, *map(shlex.quote, values)]]
    return [[flag, shlex.quote(value)] for value in values]


def _kebab(name: str) -> str:
    from botocore import xform_name

    return str(xform_name(name, "-")) if not re.fullmatch(r"[a-z0-9-]+", name) else name
