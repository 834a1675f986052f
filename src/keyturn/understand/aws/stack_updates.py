"""A CloudFormation stack updated with a template in the call, as the changes it may make.

``UpdateStack`` (``aws cloudformation update-stack``, and the CLI's ``deploy``, which makes and
runs a change set) gives the stack a whole new template: CloudFormation then deletes every
resource the new template leaves out (or a condition, a changed parameter, turns off) and
replaces any whose replacement-causing property changes. Which resources those are is decided
against the stack's current template, which no call shows: the update is judged as

- an ``unknown`` on the stack's resources (``cfn:<stack>/*``) -- "resources left out of the new
  template are deleted" -- whose detail names the reviewed road: a change set made with
  ``create-change-set``, judged with ``keyturn check cloudformation``, then run with
  ``execute-change-set`` (the change set names every resource it adds, removes or replaces);
- a ``replace`` ("may replace") of each resource the template at hand holds (``TemplateBody``),
  named ``cfn:<stack>/<LogicalId>`` and, where the template gives it, by its physical name
  (``BucketName``, ``DBInstanceIdentifier``...) as :mod:`keyturn.understand.cloudformation`
  names a change set's resources (``arn:aws:rds:*:*:db:prod-main``). A name made with
  ``!Ref``/``!Sub`` takes the call's parameter values, the template's defaults and the stack's
  name; a part not known is ``*`` (which a protected pattern's reach sees);
- an ``unknown`` for each custom resource or association (runs code the template does not
  show) and nested stack (what it holds is elsewhere), as in a change set;
- a store the template opens to the world (a bucket's public access block off or public ACL, a
  database publicly accessible: its ``replace`` removes its protection; a bucket policy letting
  anyone in: an ``update`` of its bucket that does), as :mod:`.stack_exposure` tells, which
  also judges ``CreateStack`` and ``UpdateStackSet`` with a template at hand alike.

A template from a URL or the stack's previous one (``TemplateURL``, ``UsePreviousTemplate``) is
not at hand: only the stack-wide ``unknown``. So is a template that cannot be read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.stack_exposure import opened_stores, opening, stack_set_opened
from keyturn.understand.aws.stack_sets import STACK_SET_CALLS, stack_set_effects
from keyturn.understand.aws_names import cloudformation_names, resource_names

__all__ = [
    "PHYSICAL_NAMES",
    "read_template",
    "stack_name",
    "stack_update_effects",
    "template_parameters",
]

# Resource type -> (property holding its physical name, kind for :func:`resource_names`);
# types whose names CloudFormation makes itself are left out (named by logical id only).
PHYSICAL_NAMES: dict[str, tuple[str, str]] = {
    "AWS::S3::Bucket": ("BucketName", "s3:bucket"),
    "AWS::RDS::DBInstance": ("DBInstanceIdentifier", "rds:db"),
    "AWS::RDS::DBCluster": ("DBClusterIdentifier", "rds:cluster"),
    "AWS::DocDB::DBCluster": ("DBClusterIdentifier", "rds:cluster"),
    "AWS::Neptune::DBCluster": ("DBClusterIdentifier", "rds:cluster"),
    "AWS::DynamoDB::Table": ("TableName", "dynamodb:table"),
    "AWS::DynamoDB::GlobalTable": ("TableName", "dynamodb:table"),
    "AWS::IAM::Role": ("RoleName", "iam:role"),
    "AWS::IAM::User": ("UserName", "iam:user"),
    "AWS::IAM::Group": ("GroupName", "iam:group"),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", "iam:policy"),
    "AWS::IAM::InstanceProfile": ("InstanceProfileName", "iam:instance-profile"),
    "AWS::Lambda::Function": ("FunctionName", "lambda:function"),
    "AWS::Serverless::Function": ("FunctionName", "lambda:function"),
    "AWS::EKS::Cluster": ("Name", "eks:cluster"),
    "AWS::ECS::Cluster": ("ClusterName", "ecs:cluster"),
    "AWS::ECR::Repository": ("RepositoryName", "ecr:repository"),
    "AWS::SQS::Queue": ("QueueName", "sqs:queue"),
    "AWS::SNS::Topic": ("TopicName", "sns:topic"),
    "AWS::Logs::LogGroup": ("LogGroupName", "logs:log-group"),
    "AWS::SecretsManager::Secret": ("Name", "secretsmanager:secret"),
    "AWS::ElastiCache::CacheCluster": ("ClusterName", "elasticache:cluster"),
    "AWS::ElastiCache::ReplicationGroup": ("ReplicationGroupId", "elasticache:replicationgroup"),
    "AWS::Redshift::Cluster": ("ClusterIdentifier", "redshift:cluster"),
    "AWS::OpenSearchService::Domain": ("DomainName", "es:domain"),
    "AWS::Elasticsearch::Domain": ("DomainName", "es:domain"),
    "AWS::Kinesis::Stream": ("Name", "kinesis:stream"),
    "AWS::Backup::BackupVault": ("BackupVaultName", "backup:backup-vault"),
    "AWS::SSM::Parameter": ("Name", "ssm:parameter"),
    "AWS::StepFunctions::StateMachine": ("StateMachineName", "states:stateMachine"),
}
_NESTED = frozenset({"AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet"})
_RUNS_CODE = frozenset({"AWS::CloudFormation::CustomResource", "AWS::SSM::Association"})
_REVIEW = (
    "review it as a change set instead: aws cloudformation create-change-set, judged with "
    "keyturn check cloudformation, then execute-change-set"
)


def stack_name(value: Any) -> str:
    """The stack's name from ``StackName`` (a name or the stack's ARN); ``*`` when not told."""
    if not isinstance(value, str) or not value:
        return "*"
    if ":stack/" in value:
        return value.split(":stack/", 1)[1].split("/", 1)[0] or "*"
    return value


def stack_update_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """The changes ``cloudformation:UpdateStack`` may make (see the module's docstring), the
    code ``CreateStack``'s template runs, what a stack set call does in the accounts it
    reaches (:mod:`.stack_sets`); ``[]`` for another call."""
    if qualified in STACK_SET_CALLS:
        return stack_set_effects(qualified, params, target) + stack_set_opened(
            qualified, params, target
        )
    if qualified == "cloudformation:CreateStack" and "StackName" in params:
        return _created_code(params, target)
    if qualified != "cloudformation:UpdateStack" or "StackName" not in params:
        return []  # another call; or the API refuses it, judged by its name alone
    stack = stack_name(params.get("StackName"))
    body = params.get("TemplateBody")
    template = _template(body) if isinstance(body, str) else None
    if params.get("UsePreviousTemplate") is True:
        why = "with its previous template, a changed parameter or condition may"
    elif template is None:
        where = "a text that could not be read" if isinstance(body, str) else "not at hand"
        where = "from a URL, not at hand" if params.get("TemplateURL") else where
        why = f"with a new template ({where}), which may"
    else:
        why = "with a new template, which may"
    detail = (
        f"updates the stack {why} delete any of its resources (those the template leaves "
        "out) and replace any whose replacement-causing properties change: which, is decided "
        f"against its current template; {_REVIEW}"
    )
    found = [_effect(EffectKind.UNKNOWN, (f"cfn:{stack}/*", *_stack_names(stack)), detail, target)]
    if template is None:
        return found
    opened = opened_stores(template, params, stack)
    for logical, rtype, names, _ in _resources(template, params, stack):
        detail = (
            f"{rtype or 'resource'} {logical} in the new template: created, updated in place "
            "or replaced (may replace), as its current properties decide"
        )
        found.append(_effect(EffectKind.REPLACE, names, detail, target, rtype))
        if logical in opened:
            found[-1:] = opening(found[-1], opened[logical])
        if rtype in _RUNS_CODE or rtype.startswith("Custom::"):
            detail = f"{rtype} {logical}: runs code the template does not show"
            found.append(_effect(EffectKind.UNKNOWN, names, detail, target, rtype))
        if rtype in _NESTED:
            detail = f"nested stack {logical}: what it holds is not in this template"
            found.append(_effect(EffectKind.UNKNOWN, names, detail, target, rtype))
    return found


def _created_code(params: Mapping[str, Any], target: Target) -> list[Effect]:
    """``CreateStack`` with its template at hand: each custom resource (its Lambda or SNS
    handler runs code at create time), macro (a ``Transform``, ``Fn::Transform`` or
    ``AWS::CloudFormation::Macro``: Lambda code that rewrites templates) and nested stack (a
    template elsewhere) is ``unknown``, as in an update; the stack's own create is the call's."""
    body = params.get("TemplateBody")
    template = _template(body) if isinstance(body, str) else None
    if template is None:
        return []  # a template from a URL, or one that cannot be read: :mod:`.stack_creates`
    stack = stack_name(params.get("StackName"))
    found: list[Effect] = []
    for macro in _macros(template.get("Transform")):
        if macro not in _AWS_TRANSFORMS:
            detail = f"the template's Transform {macro} runs the macro's code on it at create time"
            found.append(
                _effect(
                    EffectKind.UNKNOWN, (f"cfn:{stack}/*", *_stack_names(stack)), detail, target
                )
            )
    opened = opened_stores(template, params, stack)
    for logical, rtype, names, spec in _resources(template, params, stack):
        if logical in opened:
            # The store made open (a ``create``), or the bucket a policy opens (an ``update``):
            # the stack's own create is the call's.
            made = _effect(EffectKind.CREATE, names, f"{rtype} {logical} created", target, rtype)
            found += opening(made, opened[logical])[-1:]
        if rtype in _RUNS_CODE or rtype.startswith("Custom::") or rtype == _MACRO:
            detail = f"{rtype} {logical}: runs code the template does not show"
        elif rtype in _NESTED:
            detail = f"nested stack {logical}: what it holds is not in this template"
        elif _transformed(spec):
            detail = f"{rtype or 'resource'} {logical}: a macro's code rewrites it (Fn::Transform)"
        else:
            continue
        found.append(_effect(EffectKind.UNKNOWN, names, detail, target, rtype))
    return [replace(e, operation="cloudformation:CreateStack") for e in found]


def _resources(
    template: Mapping[str, Any], params: Mapping[str, Any], stack: str
) -> Iterator[tuple[str, str, tuple[str, ...], Mapping[str, Any]]]:
    """Each resource of ``template``: its logical id, type, names (``cfn:STACK/ID`` and the
    physical names its properties give, with the call's parameter values) and definition."""
    values = _parameter_values(template, params.get("Parameters"), stack)
    resources = template.get("Resources")
    for logical, spec in resources.items() if isinstance(resources, Mapping) else ():
        if not isinstance(spec, Mapping):
            continue
        given_type = spec.get("Type")
        rtype = given_type if isinstance(given_type, str) else ""
        names = (f"cfn:{stack}/{logical}", *_physical(rtype, spec.get("Properties"), values))
        yield logical, rtype, names, spec


# Transforms AWS hosts itself, which run no code of the account's (AWS::Include brings text
# from S3, not at hand: left out, so held).
_AWS_TRANSFORMS = frozenset({"AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"})
_MACRO = "AWS::CloudFormation::Macro"


def _macros(value: Any) -> list[str]:
    """The macro names a template's ``Transform`` lists (a name, a list of them, or
    ``{Name, Parameters}``: ``*`` for one not read)."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    out = []
    for item in items:
        name = item.get("Name") if isinstance(item, Mapping) else item
        out.append(name if isinstance(name, str) and name else "*")
    return out


def _transformed(value: Any, depth: int = 0) -> bool:
    """Whether ``Fn::Transform`` (a macro run on this part of the template) is in ``value``."""
    if depth > 64:
        return True  # nested past reading: held, as one would be
    if isinstance(value, Mapping):
        return "Fn::Transform" in value or any(_transformed(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_transformed(v, depth + 1) for v in value)
    return False


def read_template(text: str) -> Mapping[str, Any] | None:
    """A template's JSON or YAML, ``!Ref``-style tags read as their long forms; None when it
    cannot be read."""
    return _template(text)


def template_parameters(text: str) -> list[str]:
    """The parameters a template declares (``[]`` when it cannot be read)."""
    template = _template(text)
    declared = template.get("Parameters") if template is not None else None
    return [str(k) for k in declared] if isinstance(declared, Mapping) else []


def _stack_names(stack: str) -> tuple[str, ...]:
    return (f"cfn:{stack}", *cloudformation_names("AWS::CloudFormation::Stack", stack))


def _effect(
    kind: EffectKind, names: tuple[str, ...], detail: str, target: Target, rtype: str = ""
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(tuple(dict.fromkeys(names)), rtype),
        target=target,
        service="cloudformation",
        operation="cloudformation:UpdateStack",
        detail=detail,
    )


def _template(text: str) -> Mapping[str, Any] | None:
    """A template's JSON or YAML (CloudFormation's ``!Ref``-style tags read as their long
    forms); None when it cannot be read."""
    found: Any = None
    try:
        found = json.loads(text)
    except ValueError:
        import yaml

        from keyturn.yaml_limits import load

        try:
            found = load(text, _Loader)  # a safe loader, tags inert; an alias bomb refused
        except (yaml.YAMLError, RecursionError):
            return None
    except RecursionError:
        return None
    return found if isinstance(found, Mapping) else None


def _tagged_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        """Safe loading that reads ``!Ref x`` as ``{"Ref": x}``, ``!Sub s`` as
        ``{"Fn::Sub": s}``..."""

    def construct(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {"Ref": value} if suffix == "Ref" else {f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", construct)
    return Loader


_Loader = _tagged_loader()


def _parameter_values(template: Mapping[str, Any], given: Any, stack: str) -> dict[str, str]:
    """What each ``Ref`` stands for: the call's ``ParameterValue``s, else the template's
    ``Default`` (UpdateStack takes it for a parameter not given), ``*`` for ``UsePreviousValue``
    (the stack's, not known), and the stack's name for ``AWS::StackName``."""
    values: dict[str, str] = {"AWS::StackName": stack}
    declared = template.get("Parameters")
    for key, spec in declared.items() if isinstance(declared, Mapping) else ():
        default = spec.get("Default") if isinstance(spec, Mapping) else None
        if isinstance(default, str | int) and not isinstance(default, bool):
            values[str(key)] = str(default)
    for item in given if isinstance(given, list) else ():
        key = item.get("ParameterKey") if isinstance(item, Mapping) else None
        if not isinstance(key, str):
            continue
        value = item.get("ParameterValue")
        previous = item.get("UsePreviousValue") is True
        values[key] = value if isinstance(value, str) and not previous else "*"
    return values


def _physical(rtype: str, properties: Any, values: Mapping[str, str]) -> tuple[str, ...]:
    """The names the template gives the resource (none when CloudFormation names it)."""
    spec = PHYSICAL_NAMES.get(rtype)
    if spec is None or not isinstance(properties, Mapping) or spec[0] not in properties:
        return ()
    name = _text(properties[spec[0]], values)
    return resource_names(spec[1], name) if name else ()


_SUB = re.compile(r"\$\{([^}!]*)\}")


def _text(value: Any, values: Mapping[str, str]) -> str:
    """A property's text, with what ``Ref``, ``Fn::Sub`` and ``Fn::Join`` make of it; ``*``
    for a part not known (another function, an attribute, a pseudo parameter)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, Mapping) or len(value) != 1:
        return "*"
    ((function, argument),) = value.items()
    if function == "Ref":
        return values.get(argument, "*") if isinstance(argument, str) else "*"
    if function == "Fn::Sub":
        text, local = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})
        if not isinstance(text, str):
            return "*"
        local = local if isinstance(local, Mapping) else {}

        def part(match: re.Match[str]) -> str:
            key = match.group(1)
            return _text(local[key], values) if key in local else values.get(key, "*")

        return _SUB.sub(part, text)
    if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
        separator, parts = argument
        if isinstance(separator, str) and isinstance(parts, list):
            return separator.join(_text(p, values) for p in parts)
    return "*"
