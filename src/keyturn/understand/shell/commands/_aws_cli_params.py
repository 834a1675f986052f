"""``--param value`` options of an ``aws`` command -> the API call's parameters.

Each option is an input member of the operation, spelled ``xform_name(member, "-")``, or a
prefix only it starts (the CLI's argparse takes abbreviations). Booleans are ``--flag``/
``--no-flag``; EC2's one-boolean structures (``--disable-api-termination``) are a flag that may
also take a value (``Value=false``: awscli's ``toplevelbool``); lists take every word up to the
next option; structures take JSON or the CLI's shorthand (``Key=a,Value=b``); ``file://`` values
are read through ``ctx.files`` (so are shorthand's ``name@=file://path`` values:
:mod:`._aws_cli_shorthand`). Words no option takes are kept (``free``): a streaming
operation's positional ``outfile`` is one (:mod:`._aws_cli_files`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from keyturn.model import Effect, Target
from keyturn.understand.shell.commands._aws_cli_files import added_options, read_file_value
from keyturn.understand.shell.commands._aws_cli_shorthand import parse_shorthand
from keyturn.understand.shell.commands._aws_cli_words import (
    NO_RUN_TIME_WORDS,
    RunTimeWords,
    UnreadableInput,
    as_mapping,
    parse_value,
    resolve_option,
)
from keyturn.understand.shell.registry import ShellContext

if TYPE_CHECKING:  # pragma: no cover - typing only
    from botocore.model import OperationModel, Shape

_SKELETON = "--generate-cli-skeleton"
_INPUT = ("--cli-input-json", "--cli-input-yaml")


@dataclass(frozen=True, slots=True)
class _Spec:
    """What an option sets (None: one of the CLI's own) and how many words it takes: ``0``,
    ``1``, ``?`` (0 or 1) or ``*`` (any number)."""

    member: str | None
    nargs: str
    negated: bool = False


# The CLI's own options on every operation (pagination, input, skeleton).
_CLI_OPTIONS = {
    "--cli-input-json": _Spec(None, "1"),
    "--cli-input-yaml": _Spec(None, "1"),
    _SKELETON: _Spec(None, "?"),
    "--starting-token": _Spec(None, "1"),
    "--page-size": _Spec(None, "1"),
    "--max-items": _Spec(None, "1"),
}
# awscli's argrename spellings of protection switches (``ec2.*.no-disable-api-termination`` is
# ``--enable-api-termination`` where the rename applies), taken as the option they rename.
_RENAMED = {"--enable-api-termination": "--no-disable-api-termination"}


@dataclass(frozen=True, slots=True)
class Parameters:
    """The call's parameters (None: the CLI makes no call, ``--generate-cli-skeleton``), and
    whether a word decided at run time may stand for more options (``loose``)."""

    params: dict[str, Any] | None
    loose: bool = False


@functools.lru_cache(maxsize=512)
def _option_table(model: OperationModel) -> dict[str, _Spec]:
    """Every option of the operation: ``--member``, ``--no-member`` for booleans, the CLI's."""
    from botocore import xform_name

    shape = model.input_shape
    table = dict(_CLI_OPTIONS)
    for member, member_shape in (shape.members if shape is not None else {}).items():
        option = "--" + xform_name(member, "-")
        if member_shape.type_name == "boolean":
            table[option] = _Spec(member, "0")
            table["--no-" + option[2:]] = _Spec(member, "0", negated=True)
        elif _is_boolean_value_struct(member_shape):
            table[option] = _Spec(member, "?")
            table["--no-" + option[2:]] = _Spec(member, "0", negated=True)
        else:
            table[option] = _Spec(member, "*" if member_shape.type_name == "list" else "1")
    for alias, option in _RENAMED.items():
        if option in table:
            table[alias] = table[option]
    for option in added_options(model.service_model.service_name, model.name):
        table[option] = _Spec(None, "1")  # the CLI's own (``iam … --outfile``)
    return table


@dataclass(slots=True)
class Given:
    """One option given: its name (in full when ``known``), what it sets, the words it took."""

    option: str
    spec: _Spec
    values: list[str]
    known: bool = True
    at_run_time: bool = False  # a value is decided at run time (``--acl "$X"``)


@dataclass(frozen=True, slots=True)
class OptionWords:
    """An operation's words read: the options ``given``, in order; the words no option takes
    (``free``: a positional such as ``outfile``; any other the CLI refuses); and whether a word
    decided at run time may stand for more options (``loose``)."""

    given: tuple[Given, ...]
    free: tuple[str, ...]
    loose: bool


def split_options(
    model: OperationModel, words: list[str], run_time: RunTimeWords = NO_RUN_TIME_WORDS
) -> OptionWords:
    """The operation's words split into options and free words. Words an option does not take
    (after a flag, a second word after a one-word option, before the first option) are free.
    An option the table does not know takes every word up to the next option. Raises
    AmbiguousOption for an abbreviation several options share."""
    table = _option_table(model)
    found: list[Given] = []
    free: list[str] = []
    loose = False
    current: Given | None = None
    for index, word in enumerate(words):
        if run_time.names_option(index, word):
            name, eq, inline = word.partition("=")
            loose = loose or index in run_time.splits
            option = resolve_option(name, table)
            spec = table[option] if option is not None else _Spec(None, "*")
            current = Given(option or name, spec, [inline] if eq else [], option is not None)
            current.at_run_time = bool(eq) and index in run_time.dynamic
            found.append(current)
            if eq or spec.nargs == "0":
                current = None
            continue
        taken = current is not None and (current.spec.nargs in "*?" or not current.values)
        bound = taken and current is not None and current.spec.nargs == "1"
        loose = loose or run_time.loose(index, word, bound=bound)
        if current is not None and taken:
            current.values.append(word)
            current.at_run_time = current.at_run_time or index in run_time.dynamic
            if current.spec.nargs in "1?":
                current = None
        else:
            free.append(word)
    return OptionWords(tuple(found), tuple(free), loose)


def options_to_params(
    model: OperationModel, words: OptionWords, *, ctx: ShellContext, skip_unreadable: bool = False
) -> Parameters:
    """The parameters of the call (``params`` None when the CLI would not call the API at all:
    ``--generate-cli-skeleton``), from its words read by :func:`split_options`. Raises
    UnreadableInput for an unreadable input file, or with ``skip_unreadable`` leaves out the
    options whose value cannot be read (what the rest of the call names)."""
    shape = model.input_shape
    members = dict(shape.members) if shape is not None else {}
    loose = words.loose
    params: dict[str, Any] = {}
    explicit: dict[str, Any] = {}
    for item in words.given:
        if item.option == _SKELETON:
            return Parameters(None, loose)
        try:
            if item.option in _INPUT:
                params.update(_input_document(item.option, item.values, ctx))
            elif item.spec.member is not None:
                member = item.spec.member
                explicit[member] = _convert_option(
                    members[member], item.values, ctx, negated=item.spec.negated
                )
        except UnreadableInput:
            if not skip_unreadable:
                raise
    params.update(explicit)
    return Parameters(params, loose)


def named_anyway(
    model: OperationModel, words: OptionWords, *, ctx: ShellContext, target: Target
) -> list[Effect]:
    """The effects of the call made of the parameters that can be read (``[]`` when all can):
    when a ``file://`` value or input document cannot be read, the resources the rest names
    (``--bucket prod-state --delete file://keys.json``; a ``--db-instance-identifier`` beside
    ``--cli-input-json file://x``, which the command line's value overrides) are still those
    the call acts on; the caller makes them ``unknown``. Whatever the unread part names beside
    them is the caller's service-wide ``unknown``."""
    from keyturn.errors import InputError
    from keyturn.understand.aws import aws_effects
    from keyturn.understand.aws.remote_effects import remote_hosts

    try:
        options_to_params(model, words, ctx=ctx)
        return []
    except UnreadableInput:
        pass
    try:
        parsed = options_to_params(model, words, ctx=ctx, skip_unreadable=True)
        service = model.service_model.service_name
        if parsed.params is None:
            return []
        found = aws_effects(service, model.name, parsed.params, target=target)
        return found + remote_hosts(service, model.name, parsed.params, target=target)
    except (InputError, UnreadableInput):
        return []


def _input_document(option: str, values: list[str], ctx: ShellContext) -> dict[str, Any]:
    if not values:
        raise UnreadableInput(f"{option} has no value")
    text = values[0]
    if text.startswith(("file://", "fileb://")):
        text = read_file_value(text, ctx)
    try:
        if option == "--cli-input-yaml":
            from keyturn.yaml_limits import load

            doc = load(text)
        else:
            doc = json.loads(text)
    except (ValueError, ImportError) as exc:
        raise UnreadableInput(f"{option}: not valid input ({exc.__class__.__name__})") from exc
    except Exception as exc:  # yaml.YAMLError has no common base with ValueError
        raise UnreadableInput(f"{option}: not valid YAML") from exc
    return dict(as_mapping(doc, option))


def _is_boolean_value_struct(shape: Shape) -> bool:
    """EC2's ``AttributeBooleanValue``: a structure whose only member is a boolean ``Value``."""
    members = getattr(shape, "members", {}) if shape.type_name == "structure" else {}
    return list(members) == ["Value"] and members["Value"].type_name == "boolean"


def _convert_option(shape: Shape, values: list[str], ctx: ShellContext, *, negated: bool) -> Any:
    if shape.type_name == "boolean":
        return not negated
    if _is_boolean_value_struct(shape):
        # ``--disable-api-termination Value=false`` (or JSON) says the value; bare, it is true.
        return convert(values[0], shape, ctx) if values and not negated else {"Value": not negated}
    if shape.type_name == "list":
        if len(values) == 1:
            one = _load(values[0], ctx)
            if isinstance(one, list):
                return [coerce(v, shape.member) for v in one]
            if isinstance(one, str) and "," in one and shape.member.type_name == "string":
                return [v for v in one.split(",") if v]
        return [convert(v, shape.member, ctx) for v in values]
    return convert(values[0], shape, ctx) if values else ""


def _load(text: str, ctx: ShellContext) -> Any:
    if text.startswith(("file://", "fileb://")):
        text = read_file_value(text, ctx)
    return parse_value(text)


def convert(text: str, shape: Shape, ctx: ShellContext) -> Any:
    """One CLI word as a value of ``shape``: JSON, shorthand (whose ``name@=file://path``
    values are the files' text), or the scalar it spells."""
    value = _load(text, ctx)
    if isinstance(value, str) and shape.type_name in ("structure", "map"):
        value = parse_shorthand(value, lambda ref: read_file_value(ref, ctx))
    elif isinstance(value, str) and shape.type_name == "list":
        value = [v for v in value.split(",") if v]
    return coerce(value, shape)


def coerce(value: Any, shape: Shape) -> Any:
    """Scalars spelled as text, turned into the type the model says (shorthand is all text)."""
    kind = shape.type_name
    if kind == "list" and isinstance(value, str):
        # Shorthand's ``Values=prod`` where the model has a list: ``["prod"]`` (awscli's
        # BackCompatVisitor).
        return [coerce(value, shape.member)]
    if isinstance(value, str):
        if kind == "boolean" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if kind in ("integer", "long") and value.lstrip("-").isdigit():
            return int(value)
        if kind in ("float", "double"):
            try:
                return float(value)
            except ValueError:
                return value
        return value
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: coerce(v, members[k]) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: coerce(v, shape.value) for k, v in value.items()}
    return value
