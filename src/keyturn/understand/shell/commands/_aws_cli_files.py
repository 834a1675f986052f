"""Local files an ``aws`` API command reads and writes.

Writes, each judged as a ``>`` to that path is (a start-up file, keyturn's own files, a block
device, a path decided at run time all as for ``>``):

- an operation whose response streams a payload (botocore's ``has_streaming_output``: ``s3api
  get-object``, ``lambda invoke``, ``polly synthesize-speech``, ``kinesis-video-media
  get-media``…) takes a positional ``outfile`` the CLI writes the payload to (awscli
  ``streamingoutputarg``), and so does ``s3api select-object-content`` (its event stream:
  ``s3events``). Every word no option takes counts, and every word an option keyturn's models
  lack took: the CLI fails unless exactly one is left, but its models may know more options;
- options the CLI adds that save part of the response (``iam create-virtual-mfa-device
  --outfile``; ``iot create-keys-and-certificate --private-key-outfile``…: awscli's
  ``iamvirtmfa`` and ``QueryOutFileArgument``).

Reads, so that what keeps a file from ``cat`` keeps it from the CLI: a ``file://``/``fileb://``
value (awscli ``paramfile``), one inside shorthand (``Key=k,Value@=file://path``),
``--cli-input-json``/``--cli-input-yaml`` given so, a streaming
blob member's value (``s3api put-object --body PATH``: the CLI opens the file it names), and
``ec2 get-password-data --priv-launch-key PATH``.

The CLI expands ``~`` and ``$VARIABLES`` in the paths it reads and in its outfile options (not
in the positional outfile): such a path is not told, and its read or write is ``unknown``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._aws_cli_shorthand import paramfile_paths
from keyturn.understand.shell.commands._aws_cli_words import UnreadableInput
from keyturn.understand.shell.effects import file_effect, file_path, home_path, write_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

if TYPE_CHECKING:  # pragma: no cover - typing only
    from botocore.model import OperationModel

    from keyturn.understand.shell.commands._aws_cli_params import OptionWords

# Values the CLI reads a file for (``--cli-input-json file://x.json`` among them).
_FILE_PREFIXES = ("file://", "fileb://")
# Operations whose positional outfile a customisation adds (their model streams events).
_EVENT_OUTFILES = frozenset({("s3", "SelectObjectContent")})
# Options the CLI adds to an operation that name a file it writes / reads (one word each).
_WRITTEN_BY_OPTION = {
    ("iam", "CreateVirtualMFADevice"): ("--outfile",),
    ("iot", "CreateKeysAndCertificate"): (
        "--certificate-pem-outfile",
        "--public-key-outfile",
        "--private-key-outfile",
    ),
    ("iot", "CreateCertificateFromCsr"): ("--certificate-pem-outfile",),
}
_READ_BY_OPTION = {("ec2", "GetPasswordData"): ("--priv-launch-key",)}
# Options the CLI adds that name no file but take a word.
_OTHER_ADDED = {("iam", "CreateVirtualMFADevice"): ("--bootstrap-method",)}
# Where a write is no write (as for ``>``).
_STREAMS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})


def added_options(service: str, operation: str) -> tuple[str, ...]:
    """The options (one word each) the CLI adds to ``operation`` of ``service``."""
    key = (service, operation)
    return (
        *_WRITTEN_BY_OPTION.get(key, ()),
        *_READ_BY_OPTION.get(key, ()),
        *_OTHER_ADDED.get(key, ()),
    )


def read_file_value(value: str, ctx: ShellContext) -> str:
    """The text of a ``file://``/``fileb://`` value as the line leaves the file; raises
    UnreadableInput when unreadable or rewritten on the line in a way not known."""
    from keyturn.understand.shell.line_writes import one_text_on_line

    # As the line leaves it: ``echo prod-db > id.txt && aws … file://id.txt`` reads prod-db.
    text = one_text_on_line(home_path(value.split("://", 1)[1], ctx), ctx)
    if text is None:
        raise UnreadableInput(f"{value} could not be read")
    return text


def local_file_effects(
    model: OperationModel,
    words: OptionWords,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    shown: str,
) -> list[Effect]:
    """The local files the call (``shown``: ``aws s3api get-object``) reads and writes (see the
    module docstring)."""
    key = (model.service_model.service_name, model.name)
    out = [
        _read(path, cmd, ctx, detail=f"{shown} reads the file")
        for path in _read_paths(model, words, key)
    ]
    if model.has_streaming_output or key in _EVENT_OUTFILES:
        outfiles = [*words.free, *(v for g in words.given if not g.known for v in g.values)]
        for word in outfiles:
            out.extend(_written(file_path(word, ctx), cmd, ctx, shown=shown))
    written = _WRITTEN_BY_OPTION.get(key, ())
    for given in (g for g in words.given if g.option in written):
        for value in given.values:
            path, unsure = _expanded(value, ctx)
            out.extend(_written(path, cmd, ctx, shown=shown, run_time=unsure))
    return out


def _read_paths(model: OperationModel, words: OptionWords, key: tuple[str, str]) -> list[str]:
    """The path words of the files the CLI reads for the call (before expansion)."""
    shape = model.input_shape
    members = shape.members if shape is not None else {}
    read_by_option = _READ_BY_OPTION.get(key, ())
    paths: list[str] = []
    for given in words.given:
        member = members.get(given.spec.member) if given.spec.member else None
        streams = member is not None and bool(member.serialization.get("streaming"))
        for value in given.values:
            if value.startswith(_FILE_PREFIXES):
                paths.append(value.split("://", 1)[1])
            elif streams or given.option in read_by_option:
                paths.append(value)
            else:
                # Shorthand's ``Value@=file://path`` (awscli 1.4x): the CLI reads the file.
                paths += paramfile_paths(value)
    return paths


def _expanded(value: str, ctx: ShellContext) -> tuple[str, bool]:
    """``value`` as a path the CLI expands (``~``, ``$VARIABLES``): the absolute path, and
    whether it is not told (a variable, or another user's home)."""
    other_home = value.startswith("~") and value != "~" and not value.startswith("~/")
    return home_path(value, ctx), "$" in value or other_home


def _read(word: str, cmd: SimpleCommand, ctx: ShellContext, *, detail: str) -> Effect:
    path, unsure = _expanded(word, ctx)
    if unsure:
        why = f"{detail}; the AWS CLI expands ~ and $VARIABLES in it: which file is not known"
        return file_effect(EffectKind.UNKNOWN, [path], cmd, ctx, detail=why)
    return file_effect(EffectKind.READ, [path], cmd, ctx, detail=detail)


def _written(
    path: str, cmd: SimpleCommand, ctx: ShellContext, *, shown: str, run_time: bool = False
) -> list[Effect]:
    detail = f"{shown} writes the response to {path}"
    if run_time:
        return [file_effect(EffectKind.UPDATE, [path], cmd, ctx, detail=detail, run_time=True)]
    if path in _STREAMS or path.startswith(("/dev/fd/", "/proc/self/fd/")):
        return []
    block = f"{shown} writes onto the block device {path}"
    return [write_effect(path, cmd, ctx, detail=detail, block_detail=block)]
