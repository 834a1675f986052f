"""Kiro's ``use_aws`` tool call as the ``aws`` command line Kiro runs for it, so that the shell's
``aws`` understanding (CLI names -> API operation and parameters) judges it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from keyturn.errors import InputError
from keyturn.model import canonical_json


def aws_command_line(args: Mapping[str, Any]) -> str:
    """Kiro's ``use_aws`` call as the ``aws`` command line Kiro runs, so that the shell's ``aws``
    understanding (CLI names -> API operation and parameters) judges it.

    Kiro runs ``aws --region R --profile P SERVICE OPERATION POSITIONAL… --name value…``: the
    global options first, so a ``profile`` or ``region`` among the parameters is the one the CLI
    keeps (the last, here as there). Its ``positional_args`` are words of the line as they are:
    the CLI reads an option among them (``--profile prod``, ``--db-instance-identifier x``) as it
    reads one anywhere else, so they are kept, in Kiro's order. It spells each parameter name
    in kebab case, so ``DBInstanceIdentifier`` and ``db_instance_identifier`` are both
    ``--db-instance-identifier``: each name is the operation's own option whose name is the
    same without case, ``-`` and ``_`` (:func:`_cli_options`). Raises :class:`Ambiguous` when
    two names give one option (the CLI keeps whichever Kiro passes last, and that order is not
    told) or when ``positional_args`` is not a list of words.
    """
    import shlex

    service, operation = str(args["service"]), str(args["operation"])
    words = ["aws"]
    for key in ("region", "profile"):
        if args.get(key):
            words += [f"--{key}", str(args[key])]
    words += [service, operation]
    positional = args.get("positional") or []
    if not isinstance(positional, list) or not all(isinstance(w, str) for w in positional):
        raise Ambiguous("positional_args is not a list of strings")
    words += positional
    options = _cli_options(service, operation)
    given: dict[str, str] = {}
    for key, value in sorted(dict(args.get("parameters") or {}).items()):
        option = _cli_option(str(key), options)
        if option in given:
            raise Ambiguous(f"parameters {given[option]!r} and {key!r} are both --{option}")
        given[option] = str(key)
        flag = "--" + option
        if value is True or value == "":  # "" is a bare flag, as Kiro passes it
            words.append(flag)
        elif value is False:
            words.append("--no-" + option)
        elif isinstance(value, list):
            words += [
                flag,
                *(v if isinstance(v, str) else canonical_json(v).decode() for v in value),
            ]
        elif isinstance(value, dict):
            words += [flag, canonical_json(value).decode()]
        elif value is not None:
            words += [flag, str(value)]
    return shlex.join(words)


class Ambiguous(Exception):
    """A ``use_aws`` call whose parameters give one option twice."""


def _squash(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def _cli_options(service: str, operation: str) -> dict[str, str]:
    """``{squashed name: option}`` for the operation's CLI options (``xform_name(member,
    "-")``, as the CLI spells them) and the CLI's own; only the CLI's own when the operation is
    not one keyturn's models know (the aws understanding then says so)."""
    from keyturn.understand.shell.commands.aws_cli import GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS

    options = [
        "cli-input-json",
        "cli-input-yaml",
        "generate-cli-skeleton",
        "starting-token",
        "page-size",
        "max-items",
        *(o[2:] for o in (*GLOBAL_VALUE_OPTIONS, *GLOBAL_FLAGS)),
    ]
    try:
        from botocore import xform_name

        from keyturn.understand.aws.catalog import (
            operation_model,
            resolve_operation,
            resolve_service,
        )

        name = resolve_service(service)
        shape = operation_model(name, resolve_operation(name, operation)).input_shape
        options += [xform_name(m, "-") for m in (shape.members if shape is not None else ())]
    except (InputError, ImportError):
        pass
    return {_squash(o): o for o in options}


_KEBAB_BOUNDARIES = re.compile(
    r"[\s_\-]+|(?<=[a-z])(?=[A-Z0-9])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[0-9])(?=[A-Za-z])"
    r"|(?<=[A-Z])(?=[0-9])"
)


def _cli_option(key: str, options: Mapping[str, str]) -> str:
    """The option a ``use_aws`` parameter name becomes: Kiro's kebab spelling when it is one of
    the operation's options, else the option with the same squashed name, else the kebab
    spelling (which the CLI refuses or reads as ``--no-…``)."""
    kebab = "-".join(w.lower() for w in _KEBAB_BOUNDARIES.split(key) if w)
    if kebab in options.values():
        return kebab
    return options.get(_squash(key), kebab)
