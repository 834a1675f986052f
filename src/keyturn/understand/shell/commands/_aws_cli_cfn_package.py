"""The AWS CLI's own ``aws cloudformation package``, which is no API operation of the model.

awscli 1.46's ``customizations/cloudformation/package.py`` and ``artifact_exporter.py`` (read in
a scratch venv): ``package`` reads the local ``--template-file``; for each resource of a type it
knows (a Lambda function's ``Code``, a SAM function's ``CodeUri``, a nested stack's
``TemplateURL``...) whose property is a local path, or missing (then the template's own
directory), it zips that folder or takes that file -- a relative path is the template's
directory's -- and uploads it to ``--s3-bucket`` (under ``--s3-prefix``) as an object named by
its MD5; an ``AWS::Include`` transform's local ``Location`` and a serverless application's
readme and licence go the same way. A nested stack's local template is packaged alike, and
uploaded. The template, its paths replaced by the objects' URLs, is written to
``--output-template-file`` (else printed).

So the command is: a read of the template and of every local file it names (what it uploads
may be any file: a path is named, so that a policy guarding reading a secret sees it), a
``PutObject`` into the bucket, and the write of the output file. A template that cannot be read
may name any file: ``unknown`` on what it would read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._aws_cli_emr import api_effects, split_custom
from keyturn.understand.shell.commands._aws_cli_words import RunTimeWords
from keyturn.understand.shell.effects import file_effect, file_path, local_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# ``package``'s options (awscli's ARG_TABLE) -> how many words they take.
_PACKAGE: dict[str, str] = {
    **{f"--{o}": "1" for o in ("template-file", "s3-bucket", "s3-prefix", "kms-key-id")},
    **{f"--{o}": "1" for o in ("output-template-file", "metadata")},
    **{f"--{o}": "0" for o in ("use-json", "force-upload")},
}
# Resource type -> the properties whose local path ``package`` uploads (awscli's
# RESOURCES_EXPORT_LIST; ``Command.ScriptLocation`` is nested).
_ARTIFACTS: dict[str, tuple[str, ...]] = {
    "AWS::Serverless::Function": ("CodeUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::AppSync::GraphQLSchema": ("DefinitionS3Location",),
    "AWS::AppSync::Resolver": (
        "RequestMappingTemplateS3Location",
        "ResponseMappingTemplateS3Location",
    ),
    "AWS::AppSync::FunctionConfiguration": (
        "RequestMappingTemplateS3Location",
        "ResponseMappingTemplateS3Location",
    ),
    "AWS::ApiGateway::RestApi": ("BodyS3Location",),
    "AWS::Lambda::Function": ("Code",),
    "AWS::ElasticBeanstalk::ApplicationVersion": ("SourceBundle",),
    "AWS::CloudFormation::Stack": ("TemplateURL",),
    "AWS::Serverless::Application": ("Location",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Lambda::LayerVersion": ("Content",),
    "AWS::Glue::Job": ("Command.ScriptLocation",),
    "AWS::StepFunctions::StateMachine": ("DefinitionS3Location",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
    "AWS::CodeCommit::Repository": ("Code.S3",),
}
_NESTED = frozenset({"AWS::CloudFormation::Stack", "AWS::Serverless::Application"})
_METADATA = ("ReadmeUrl", "LicenseUrl")  # AWS::ServerlessRepo::Application's
_MAX_DEPTH = 4  # nested templates followed


def package_effects(
    words: list[str],
    *,
    cmd: SimpleCommand,
    ctx: ShellContext,
    target: Target,
    run_time: RunTimeWords,
) -> tuple[list[Effect], bool]:
    """``(effects, loose)`` of ``aws cloudformation package …`` (``words`` after ``package``).
    Raises AmbiguousOption for an abbreviation several options share."""
    given, loose = split_custom(words, _PACKAGE, run_time)
    found: list[Effect] = []
    for template in given.get("--template-file", [])[:1]:
        found += _template_reads(file_path(template, ctx), cmd, ctx, depth=0)
    for bucket in given.get("--s3-bucket", [])[:1]:
        prefix = (given.get("--s3-prefix") or [""])[0].strip("/")
        key = f"{prefix}/*" if prefix else "*"
        found += api_effects("s3", "PutObject", {"Bucket": bucket, "Key": key}, target)
    for output in given.get("--output-template-file", [])[:1]:
        detail = "aws cloudformation package writes the packaged template"
        found.append(
            file_effect(EffectKind.CREATE, [file_path(output, ctx)], cmd, ctx, detail=detail)
        )
    return found, loose


def _template_reads(
    path: str, cmd: SimpleCommand, ctx: ShellContext, *, depth: int
) -> list[Effect]:
    """The read of the template at ``path`` and of every local file it names (and its nested
    templates'); ``unknown`` on what a template not read would name."""
    from keyturn.understand.aws.stack_updates import read_template
    from keyturn.understand.shell.line_writes import one_text_on_line

    detail = "aws cloudformation package reads the template"
    found = [file_effect(EffectKind.READ, [path], cmd, ctx, detail=detail)]
    text = one_text_on_line(path, ctx)
    template = read_template(text) if text is not None else None
    folder = posixpath.dirname(path) or "/"
    if template is None or depth > _MAX_DEPTH:
        reason = (
            f"aws cloudformation package: the template {path} could not be read, and may name "
            "any local file to upload"
        )
        found.append(_unknown_read(folder, cmd, target=local_target(ctx), reason=reason))
        return found
    reads: list[str] = []
    nested: list[str] = []
    resources = template.get("Resources")
    for spec in resources.values() if isinstance(resources, Mapping) else ():
        if not isinstance(spec, Mapping) or spec.get("Type") not in _ARTIFACTS:
            continue
        rtype = spec["Type"]
        properties = spec.get("Properties")
        for prop in _ARTIFACTS[rtype]:
            value = _at(properties, prop)
            if value is None:
                reads.append(folder)  # packaged as the template's folder
            elif isinstance(value, str) and value and not _remote(value):
                local = _joined(folder, value)
                (nested if rtype in _NESTED else reads).append(local)
    reads += _other_paths(template, folder)
    for local in dict.fromkeys(reads):
        detail = "aws cloudformation package uploads it (a file, or a folder zipped)"
        found.append(file_effect(EffectKind.READ, [local, f"{local}/*"], cmd, ctx, detail=detail))
    for child in dict.fromkeys(nested):
        found += _template_reads(child, cmd, ctx, depth=depth + 1)
    return found


def _other_paths(template: Mapping[str, Any], folder: str) -> list[str]:
    """Local paths ``package`` uploads outside ``Resources``: an ``AWS::Include`` transform's
    ``Location`` (anywhere in the template) and a serverless application's readme and licence."""
    found: list[str] = []
    stack: list[Any] = [template]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            include = value.get("Fn::Transform")
            if isinstance(include, Mapping) and include.get("Name") == "AWS::Include":
                parameters = include.get("Parameters")
                where = parameters.get("Location") if isinstance(parameters, Mapping) else None
                if isinstance(where, str) and where and not _remote(where):
                    found.append(_joined(folder, where))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    metadata = template.get("Metadata")
    application = (
        metadata.get("AWS::ServerlessRepo::Application") if isinstance(metadata, Mapping) else None
    )
    for prop in _METADATA:
        where = application.get(prop) if isinstance(application, Mapping) else None
        if isinstance(where, str) and where and not _remote(where):
            found.append(_joined(folder, where))
    return found


def _at(properties: Any, path: str) -> Any:
    """The property at the dotted ``path`` (None when missing)."""
    value = properties
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _remote(value: str) -> bool:
    """A value ``package`` leaves as it is: an S3 or web URL."""
    return value.startswith(("s3://", "http://", "https://"))


def _joined(folder: str, value: str) -> str:
    """A path in the template, relative to its folder (``os.path.normpath(join(…))``)."""
    return posixpath.normpath(posixpath.join(folder, value))


def _unknown_read(folder: str, cmd: SimpleCommand, *, target: Target, reason: str) -> Effect:
    return Effect(
        effect=EffectKind.UNKNOWN,
        # Named by the template's folder: ``file:*`` would read as a change of keyturn's own
        # files, where this is a read of files not known (held all the same).
        resource=Resource(names=(f"file:{folder}", f"file:{folder}/*"), type="file"),
        target=target,
        service="file",
        command=cmd.text or None,
        detail=reason,
    )
